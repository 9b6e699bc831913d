#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 202-block-busy: Block Services against copies and other clients
# (notes/bs-decisions.md): while a copy reads or writes them, neither the
# source nor the target can be deleted or grown (6); two clients creating
# the same name at once (exactly one 0, one 4, one file); a delete racing
# a copy start from the same volume (one of them wins, never both, and the
# state is consistent after).  Copies are rate-limited (4 MiB/s) so
# "while copying" is observable.
. "$(dirname "$0")/lib.sh"

start_daemon "copy_rate_limit = 4194304"
P=$TEST_DIR/pool0
U=268435456

# ------------------------------------------------------------ in use while copying
create_vol busyA $U; expect_rv 0 "create busyA"; BA=$NEWID
create_vol busyB $U; expect_rv 0 "create busyB"; BB=$NEWID
fill_dense "$P/busyA.img" 24
attach "$BA" "$BB" 5
expect_rv 4096 "attach busyA -> busyB CT5 (slow)"
cjob=$JOB
running() { [ "$(job_prop "$cjob" JobState)" = 4 ]; }
if running; then
	return_vol "$BA"; expect_rv 6 "delete the source while copying"
	return_vol "$BB"; expect_rv 6 "delete the target while copying"
	grow_vol "$BA" $((2 * U)); expect_rv 6 "grow the source while copying"
	grow_vol "$BB" $((2 * U)); expect_rv 6 "grow the target while copying"
	running && pass "copy still running after the refusals" ||
		note "WARN: the copy ended during the refusals"
else
	fail "copy not running right after the attach (JobState $(job_prop "$cjob" JobState))"
fi
expect_eq "busyA file kept" $U "$(stat -c %s "$P/busyA.img" 2>&1)"
expect_eq "busyB file kept" $U "$(stat -c %s "$P/busyB.img" 2>&1)"
expect_job_completed "$cjob" "busy copy"
cmp -s "$P/busyA.img" "$P/busyB.img" && pass "busyA = busyB" || fail "busyA != busyB"
return_vol "$BB"; expect_rv 0 "delete the clone after its copy"
return_vol "$BA"; expect_rv 0 "delete the source after the copy"
expect_eq "busy files gone" "small.img vol0.img vol1.img vol2.img vol4.img" "$(pool_files)"

# ------------------------------------------------------------ races
# race MODE ARGS...: two clients (connected and authenticated first) send
# their call at one barrier; prints "rcs RC1 RC2" (wire rules checked).
race() {
	python3 - "$IT" "$PORT" "$EDIT_PW" "$SYS" "$@" <<'PY'
import sys, threading
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, sysname, mode = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
args = sys.argv[6:]
def vol(d):
    return w.Path('TPD_StorageVolume', [('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', d),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
scs = w.Path('TPD_StorageConfigurationService', [('CreationClassName', 'TPD_StorageConfigurationService'),
    ('Name', 'StorageConfigurationService'), ('SystemCreationClassName', 'TPD_StorageSystem'),
    ('SystemName', sysname)], 'root/tpd')
pool = w.Path('TPD_StoragePool', [('InstanceID', 'TPD:%s:pool0' % sysname)], 'root/tpd')
if mode == 'create':
    calls = [('CreateOrModifyElementFromStoragePool', [('ElementName', 'string', w.v(args[0])),
              ('InPool', 'reference', w.ref(pool)), ('Size', 'uint64', w.v(268435456))])] * 2
else:	# delete-attach SRC TGT
    calls = [('AttachOrModifyReplica', [('SourceElement', 'reference', w.ref(vol(args[0]))),
              ('TargetElement', 'reference', w.ref(vol(args[1]))), ('CopyType', 'uint16', w.v(5))]),
             ('ReturnToStoragePool', [('TheElement', 'reference', w.ref(vol(args[0])))])]
clients = [w.Client('127.0.0.1', port, 'edit', pw) for _ in range(2)]
for c in clients:
    c.raw('POST', '/cimom', w.cim_headers('EnumerateInstanceNames', 'root/tpd'),
          w.imethodcall('EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('TPD_StorageSystem'))]))
go = threading.Barrier(2)
rcs = [None, None]
def run(i):
    m, params = calls[i]
    body = w.methodcall(m, scs, params, msgid=str(3000 + i))
    go.wait()
    r = clients[i].raw('POST', '/cimom', w.cim_headers(m, scs.wbem_uri()), body)
    for p in w.check_all(r, m, str(3000 + i)):
        print('wirecheck:', m, p)
    rcs[i] = w.returnvalue(r.xml()) if r.status == 200 else 'HTTP%d' % r.status
ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print('rcs', *(rcs if mode != 'create' else sorted(str(x) for x in rcs)))
PY
}

# the same name twice at once: one 0, one 4 Failed, one file, one volume
for n in 1 2; do
	out=$(race create "raced$n" 2>&1)
	expect_eq "racing creates of raced$n" "rcs 0 4" "$(echo "$out" | grep '^rcs')"
	echo "$out" | grep wirecheck && fail "wire rules broken in the create race"
	expect_eq "raced$n: one file" "$U" "$(stat -c %s "$P/raced$n.img" 2>&1)"
	cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")$(ip PropertyList "$(plist ElementName DeviceID)")"
	expect_eq "raced$n: one volume" 1 "$(xq props ElementName | grep -cx "raced$n")"
done

# a delete racing a copy start from the same volume
for n in 1 2 3; do
	create_vol "rsrc$n" $U; expect_rv 0 "create rsrc$n"; RS=$NEWID
	create_vol "rtgt$n" $U; expect_rv 0 "create rtgt$n"; RT=$NEWID
	write_data "$P/rsrc$n.img" 3
	out=$(race delete-attach "$RS" "$RT" 2>&1)
	echo "$out" | grep wirecheck && fail "wire rules broken in the delete/attach race"
	set -- $(echo "$out" | grep '^rcs')
	arc=${2:-}; drc=${3:-}
	note "race $n: attach $arc, delete $drc"
	if [ "$drc" = 0 ] && [ "$arc" != 4096 ] && [ -n "$arc" ]; then
		pass "race $n: the delete won (attach $arc)"
		expect_eq "race $n: attach refused with 4" 4 "$arc"
		[ -e "$P/rsrc$n.img" ] && fail "race $n: rsrc$n.img still there" || pass "race $n: rsrc$n.img gone"
		get_instance "$(vol_in "$RS")"
		expect_error 6 "race $n: deleted source gone"
		cim_imethod References root/tpd "$(ip ObjectName "$(vol_in "$RT")")$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
		expect_eq "race $n: no pair on the target" 0 "$(xq count)"
		cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(vol_in "$RT")")$(ip AssocClass "$(cn CIM_AffectedJobElement)")"
		expect_eq "race $n: no job on the target" 0 "$(xq count)"
	elif [ "$arc" = 4096 ] && [ "$drc" = 6 ]; then
		pass "race $n: the copy won (delete 6)"
		cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(vol_in "$RT")")$(ip AssocClass "$(cn CIM_AffectedJobElement)")"
		job=$(xq keys InstanceID | head -1)
		[ -n "$job" ] && expect_job_completed "$job" "race $n copy"
		cmp -s "$P/rsrc$n.img" "$P/rtgt$n.img" && pass "race $n: copy identical" || fail "race $n: copy differs"
		return_vol "$RS"; expect_rv 0 "race $n: source deleted after its copy"
		[ -e "$P/rsrc$n.img" ] && fail "race $n: rsrc$n.img still there" || pass "race $n: rsrc$n.img gone"
	else
		fail "race $n: attach $arc and delete $drc (expected 4096+6 or 4+0): $out"
	fi
	return_vol "$RT"; expect_rv 0 "race $n: target deleted"
	[ -e "$P/rtgt$n.img" ] && fail "race $n: rtgt$n.img still there" || pass "race $n: rtgt$n.img gone"
done
expect_eq "files after the races" "raced1.img raced2.img small.img vol0.img vol1.img vol2.img vol4.img" "$(pool_files)"
expect_eq "no leftover file intent" "" "$(grep -i 'removed: its volume\|cannot remove' "$TEST_DIR/arrayd.log")"

finish
