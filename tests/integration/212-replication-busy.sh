#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 212-replication-busy: one pair, one state machine, through both services
# (SCS ModifySynchronization on a pair CreateElementReplica made, RS
# ModifyReplicaSynchronization on a pair AttachOrModifyReplica made); two
# pre-connected clients racing SCS Detach (2) against RS Return To
# ResourcePool (19) on one Frozen kept clone (exactly one 0, the other 4);
# and, with copy_rate_limit, ModifyReplicaSynchronization on copies still
# running: 19 refused with 6 and 8 with 4 and nothing changed, 14/15 on a
# one-shot copy 5, 2 Abort (job Terminated 8, pair removed as Stop Copy).
. "$(dirname "$0")/lib.sh"

start_daemon "replication_service = yes"
P=$TEST_DIR/pool0
WAIT4=$(pv WaitForCopyState uint16 4)

# ------------------------------------------------------------ 4. one pair, two services
kept mK5
K5=$K
modsync 4 101 "$K5"
expect_rv 4096 "SCS ModifySynchronization 4 Resync on a pair CER made"
expect_job_completed "$JOB" "SCS resync of a CER pair"
expect_eq "still Mode 3 after the SCS Resync" 3 "$(pair_prop 101 "$K5" Mode)"
mrs 14 101 "$K5"
expect_rv 4096 "then RS 14 on the same pair"
expect_job_completed "$JOB" "RS resync"
modsync 2 101 "$K5"
expect_rv 0 "SCS Detach of the CER pair"
mrs 8 101 "$K5"; expect_rv 4 "RS 8 after the SCS Detach: no pair"
attach 101 102 4
expect_rv 4096 "AttachOrModifyReplica CT4 101->102"
expect_job_completed "$JOB" "attach"
expect_eq "attach pair: SyncType 8" 8 "$(pair_prop 101 102 SyncType)"
expect_eq "attach pair: Mode 3" 3 "$(xq prop Mode)"
mrs 14 101 102
expect_rv 4096 "RS 14 on the attach pair"
expect_job_completed "$JOB" "RS resync of the attach pair"
mrs 8 101 102
expect_rv 0 "RS 8 Detach on a pair AttachOrModifyReplica made"
expect_pair_gone 101 102 "attach pair gone"
modsync 4 101 102; expect_rv 4 "SCS Resync after the RS Detach: no pair"
expect_same 101 102 "102 kept the copy"

# ------------------------------------------------------------ 5. race: SCS Detach vs RS 19
# race SRC TGT: SCS ModifySynchronization 2 and RS ModifyReplicaSynchronization
# 19 at one barrier from two pre-connected clients; prints "RC1 RC2".
race() {
	python3 - "$IT" "$PORT" "$EDIT_PW" "$SYS" "$1" "$2" <<'PY'
import sys, threading
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, sysname, src, tgt = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def vol(d):
    return w.Path('TPD_StorageVolume', [('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', d),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
def svc(cls, name):
    return w.Path(cls, [('CreationClassName', cls), ('Name', name),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
pair = w.Path('TPD_StorageSynchronized', [('SyncedElement', vol(tgt)), ('SystemElement', vol(src))], 'root/tpd')
calls = [(svc('TPD_StorageConfigurationService', 'StorageConfigurationService'), 'ModifySynchronization', 2),
         (svc('TPD_ReplicationService', 'ReplicationService'), 'ModifyReplicaSynchronization', 19)]
cl = [w.Client('127.0.0.1', port, 'edit', pw) for _ in calls]
for c in cl:   # connect and authenticate before the barrier
    c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'),
          w.imethodcall('GetInstance', 'root/tpd', [('InstanceName', vol(src).to_xml('name'))]))
bar = threading.Barrier(len(calls))
out = [None] * len(calls)
def go(i):
    tgtp, m, op = calls[i]
    body = w.methodcall(m, tgtp, [('Operation', 'uint16', w.v(op)), ('Synchronization', 'reference', w.ref(pair))], '77')
    bar.wait()
    r = cl[i].raw('POST', '/cimom', w.cim_headers(m, tgtp.wbem_uri()), body)
    probs = w.check_all(r, m, '77')
    out[i] = 'WIRE' if probs else (w.returnvalue(r.xml()) or 'ERR%s' % w.error_code(r.xml()))
ts = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
for t in ts: t.start()
for t in ts: t.join()
print(' '.join(out))
PY
}
for n in 1 2 3; do
	kept "mR$n"
	R=$K
	rcs=$(race 101 "$R")
	case $rcs in
	"0 4") pass "race $n: SCS Detach won (0), RS 19 got 4"
	       [ -f "$P/mR$n.img" ] && pass "race $n: target kept (detached)" || fail "race $n: target gone after a Detach win";;
	"4 0") pass "race $n: RS 19 won (0), SCS Detach got 4"
	       [ -e "$P/mR$n.img" ] && fail "race $n: target still there after 19 won" || pass "race $n: target gone";;
	*) fail "race $n: expected exactly one 0 and one 4, got '$rcs'";;
	esac
	expect_pair_gone 101 "$R" "race $n: pair gone"
done

# ------------------------------------------------------------ 6. running copies (rate-limited)
setconf copy_rate_limit 2097152
fill_dense "$P/vol2.img" 24
kept_slow() {	# NAME MODE: a clone of 103 still copying; sets K, CJ
	cer 8 "$2" 103 "$1" "$WAIT4"
	K=$TARGET; CJ=$JOB
	[ "$RC" = 4096 ] || fail "CER $1 (slow): rc $RC"
}
kept_slow mSlowK 3
expect_eq "copying kept pair: JobState Running" 4 "$(job_prop "$CJ" JobState)"
ids0=$(vol_ids); files0=$(pool_files)
mrs 19 103 "$K"
expect_rv 6 "MRS 19 on a kept clone still copying"
expect_eq "19 refused: no file gone" "$files0" "$(pool_files)"
expect_eq "19 refused: no volume gone" "$ids0" "$(vol_ids)"
expect_eq "19 refused: pair still copying" 5 "$(pair_prop 103 "$K" SyncState)"
expect_eq "19 refused: CopyState Unsynchronized" 3 "$(xq prop CopyState)"
expect_eq "19 refused: job still running" 4 "$(job_prop "$CJ" JobState)"
mrs 2 103 "$K"
expect_rv 0 "MRS 2 Abort on a running kept copy"
wait_job "$CJ" 20
expect_eq "aborted job JobState Terminated" 8 "$JOBSTATE"
# CONTRACT.md 4, Stop Copy: the pair is removed, the target stays (Error)
expect_pair_gone 103 "$K" "aborted initial copy: pair removed"
mrs 19 103 "$K"; expect_rv 4 "MRS 19 after the Abort: no pair"
get_instance "$(vol_in "$K")"
expect_eq "aborted target OperationalStatus Error" 6 "$(xq prop OperationalStatus)"
return_vol "$K"; expect_rv 0 "ReturnToStoragePool of the aborted target"
[ -e "$P/mSlowK.img" ] && fail "mSlowK.img still there" || pass "aborted target deleted"

kept_slow mSlowC ""
expect_eq "copying one-shot pair: CopyType 5" 5 "$(pair_prop 103 "$K" CopyType)"
expect_eq "copying one-shot pair: SyncType 8" 8 "$(xq prop SyncType)"
expect_eq "copying one-shot pair: Mode 2" 2 "$(xq prop Mode)"
expect_eq "copying one-shot pair: CopyState 3" 3 "$(xq prop CopyState)"
ids0=$(vol_ids); files0=$(pool_files)
mrs 14 103 "$K"; expect_rv 5 "MRS 14 on a one-shot copy"
mrs 15 103 "$K"; expect_rv 5 "MRS 15 on a one-shot copy"
mrs 8 103 "$K"; expect_rv 4 "MRS 8 Detach on a one-shot copy while copying"
mrs 19 103 "$K"; expect_rv 6 "MRS 19 on a one-shot copy while copying"
expect_eq "refusals: no file gone" "$files0" "$(pool_files)"
expect_eq "refusals: no volume gone" "$ids0" "$(vol_ids)"
expect_eq "refusals: job still running" 4 "$(job_prop "$CJ" JobState)"
mrs 2 103 "$K"
expect_rv 0 "MRS 2 Abort on a running one-shot copy"
wait_job "$CJ" 20
expect_eq "aborted one-shot job Terminated" 8 "$JOBSTATE"
expect_pair_gone 103 "$K" "aborted one-shot: pair removed"
setconf copy_rate_limit 0
finish
