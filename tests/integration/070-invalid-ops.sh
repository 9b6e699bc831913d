#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 070-invalid-ops: every ModifySynchronization operation that is not
# supported (1), does not fit the replica kind (5) or the pair's state (4),
# parameter errors (ERROR 4), and two clients racing a Resync on one pair
# (exactly one 4096, the other 4).  Copies are rate-limited (4 MiB/s over
# 32 MiB) so "while copying" is observable.
. "$(dirname "$0")/lib.sh"

start_daemon "copy_rate_limit = 4194304"
fill_dense "$(volpath 101)" 32

attach 101 102 4
expect_rc 4096 "attach 101->102 CT4"
wait_job "$JOB" 60
create_replica snapV 101 4
expect_rc 0 "CreateReplica VC"
snap=$TARGET
wait_pair 101 "$snap" 11 60
wait_pair 101 102 14 60

# not supported (1) and invalid (5) operation numbers on a Frozen PC
for op in 3 6 7 8 9 10 11; do modsync $op 101 102; expect_rc 1 "Operation $op on a PC"; done
for op in 0 1 14 15 100 32768; do modsync $op 101 102; expect_rc 5 "Operation $op"; done
modsync 5 101 102; expect_rc 5 "Restore on a PC"
modsync 13 101 102; expect_rc 4 "Stop Copy after the copy finished"
# the VC refuses PC operations
modsync 4 101 "$snap"; expect_rc 5 "Resync on a VC"
modsync 12 101 "$snap"; expect_rc 5 "Start Copy on a VC"
modsync 2 101 "$snap"; expect_rc 5 "Detach on a VC"
modsync 13 101 "$snap"; expect_rc 5 "Stop Copy on a VC"
modsync 3 101 "$snap"; expect_rc 1 "Fracture on a VC"
# no such pair
modsync 4 101 103; expect_rc 4 "Resync of a pair that does not exist"
modsync 2 102 101; expect_rc 4 "Detach with source and target swapped"
modsync 5 999 "$snap"; expect_rc 4 "Restore naming a missing volume"

# state conflicts while a copy runs
modsync 12 101 102
expect_rc 4096 "Start Copy"
cjob=$JOB
expect_eq "CopyInProgress" 15 "$(pair_prop 101 102 SyncState)"
while_copying() {	# OP WHAT: only meaningful while the copy still runs
	if [ "$(pair_prop 101 102 SyncState)" != 15 ]; then
		note "WARN: copy finished before '$2' could be checked"; return
	fi
	modsync "$1" 101 102; expect_rc 4 "$2"
}
while_copying 2 "Detach while copying"
while_copying 4 "Resync while copying"
while_copying 12 "Start Copy while copying"
expect_job_completed "$cjob" "start-copy job"

# parameter syntax errors: ERROR 4, not a return value
sync=$(pvref Synchronization "$(pair_ref 101 102)")
scs_call ModifySynchronization "$sync"
expect_error 4 "missing Operation"
scs_call ModifySynchronization "$(pv Operation uint16 4)"
expect_error 4 "missing Synchronization"
scs_call ModifySynchronization "$(pv Operation uint16 abc)$sync"
expect_error 4 "Operation not a number"
scs_call ModifySynchronization "$(pv Operation uint16 70000)$sync"
expect_error 4 "Operation out of uint16 range"
scs_call ModifySynchronization "$(pv Operation uint16 4)$(pv Operation uint16 4)$sync"
expect_error 4 "duplicate Operation"
scs_call ModifySynchronization "$(pv Operation uint16 4)$(pv Synchronization string x)"
expect_error 4 "Synchronization not a reference"
scs_call ModifySynchronization "$(pv Operation uint16 4)$sync$(pv Bogus uint16 1)"
expect_error 4 "unknown parameter"
scs_call ModifySynchronization "<PARAMVALUE NAME=\"operation\"><VALUE>4</VALUE></PARAMVALUE><PARAMVALUE NAME=\"SYNCHRONIZATION\">$(pair_ref 101 102)</PARAMVALUE>"
expect_rc 4096 "untyped, odd-case parameters (wbemcli/cimcli style) still work"
JOB=$(xq outkey Job InstanceID)
[ -n "$JOB" ] && wait_job "$JOB" 60
nope="<INSTANCENAME CLASSNAME=\"TPD_StorageConfigurationService\">$(kv CreationClassName TPD_StorageConfigurationService)$(kv Name Nope)$(kv SystemCreationClassName TPD_StorageSystem)$(kv SystemName "$SYS")</INSTANCENAME>"
cim_invoke "$nope" "${SCS_OBJ/\"StorageConfigurationService\"/\"Nope\"}" ModifySynchronization "$(pv Operation uint16 4)$sync"
expect_error 6 "method on a missing service"

# two clients race a Resync on the same Frozen pair
write_data "$(volpath 101)" 3
python3 - "$IT" "$PORT" "$EDIT_PW" "$SYS" > "$TEST_DIR/race.out" 2>&1 <<'PY'
import sys, threading
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, sysname = int(sys.argv[2]), sys.argv[3], sys.argv[4]
def vol(d):
    return w.Path('TPD_StorageVolume', [('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', d),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
scs = w.Path('TPD_StorageConfigurationService', [('CreationClassName', 'TPD_StorageConfigurationService'),
    ('Name', 'StorageConfigurationService'), ('SystemCreationClassName', 'TPD_StorageSystem'),
    ('SystemName', sysname)], 'root/tpd')
pair = w.Path('TPD_StorageSynchronized', [('SyncedElement', vol('102')), ('SystemElement', vol('101'))], 'root/tpd')
clients = [w.Client('127.0.0.1', port, 'edit', pw) for _ in range(2)]
for c in clients:	# connect and authenticate first so both calls start together
    c.raw('POST', '/cimom', w.cim_headers('EnumerateInstanceNames', 'root/tpd'),
          w.imethodcall('EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('TPD_StorageSystem'))]))
go = threading.Barrier(2)
rcs = [None, None]
def run(i):
    body = w.methodcall('ModifySynchronization', scs, [('Operation', 'uint16', w.v(4)),
                        ('Synchronization', 'reference', w.ref(pair))], msgid=str(2000 + i))
    go.wait()
    r = clients[i].raw('POST', '/cimom', w.cim_headers('ModifySynchronization', scs.wbem_uri()), body)
    rcs[i] = w.returnvalue(r.xml())
ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print("rcs", " ".join(sorted(str(x) for x in rcs)))
PY
expect_eq "racing Resyncs" "rcs 4 4096" "$(grep '^rcs' "$TEST_DIR/race.out" || cat "$TEST_DIR/race.out")"
sleep 0.5
for i in $(seq 100); do [ "$(pair_prop 101 102 SyncState)" = 14 ] && break; sleep 0.2; done
expect_eq "pair Frozen after the race" 14 "$(pair_prop 101 102 SyncState)"
expect_same 101 102 "after the raced Resync"

finish
