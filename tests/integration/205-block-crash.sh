#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 205-block-crash: the crash windows of Block Services on real files
# (bs-decisions.md "durable before answer" and "Start-up").
#  1. ARRAYD_FAILPOINT=volume-file-created: the daemon SIGKILLs itself
#     after a new volume's file is durable, before the commit.  The client
#     gets no answer, the file is on disk; after a restart without the
#     failpoint the file is removed (logged), no such volume exists, and
#     the same name can be created again with a DeviceID above any seen.
#  2. ARRAYD_FAILPOINT=volume-file-removed: SIGKILL after the delete's
#     commit, before the unlink: after a restart the volume is gone and its
#     file removed (logged).
#  3. kill -9 from here right after a create / grow / delete was answered:
#     after a restart each is there as answered (volume, file, size).
# Needs nothing but files under $TEST_DIR (runs unprivileged as well).
. "$(dirname "$0")/lib.sh"

MiB=1048576
REMOVED_MSG="removed: its volume was being created or deleted when arrayd stopped"
pool_ref() {
	vref "$(lip "<INSTANCENAME CLASSNAME=\"TPD_StoragePool\">$(kv InstanceID "TPD:$SYS:pool0")</INSTANCENAME>")"
}
# create NAME BYTES: sets RC, DEV (DeviceID of TheElement), OUTSIZE
create() {
	scs_call CreateOrModifyElementFromStoragePool "$(pv ElementName string "$1")$(pv ElementType uint16 2)$(pvref InPool "$(pool_ref)")$(pv Size uint64 "$2")"
	RC=$(xq rc 2>/dev/null); DEV=$(xq outkey TheElement DeviceID 2>/dev/null)
	OUTSIZE=$(xq outparam Size 2>/dev/null)
}
grow() {	# DEVICEID BYTES
	scs_call CreateOrModifyElementFromStoragePool "$(pv ElementType uint16 2)$(pvref TheElement "$(vol_ref "$1")")$(pv Size uint64 "$2")"
	RC=$(xq rc 2>/dev/null); OUTSIZE=$(xq outparam Size 2>/dev/null)
}
delete() {	# DEVICEID
	scs_call ReturnToStoragePool "$(pvref TheElement "$(vol_ref "$1")")"
	RC=$(xq rc 2>/dev/null)
}
vol_names() {	# ElementName of every volume, one a line
	cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")$(ip PropertyList "$(plist ElementName)")" > /dev/null
	xq props ElementName
}
max_devid() {
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")" > /dev/null
	xq keys DeviceID | sort -n | tail -1
}
vol_size() {	# DEVICEID -> BlockSize*NumberOfBlocks, or ERROR<code>
	get_instance "$(vol_in "$1")" BlockSize NumberOfBlocks > /dev/null
	if [ -n "$(xq error 2>/dev/null)" ]; then echo "ERROR$(xq error)"; return; fi
	echo $(( $(xq prop BlockSize) * $(xq prop NumberOfBlocks) ))
}
# expect_self_kill WHAT: the request got no answer and the daemon is gone
# by SIGKILL (exit status 137), reaped here.
expect_self_kill() {
	expect_eq "$1: no HTTP answer" 000 "$HTTP_CODE"
	local i rc
	for i in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$PID" 2>/dev/null; then
		fail "$1: arrayd still running after the failpoint"
		kill9_daemon
		return
	fi
	wait "$PID"; rc=$?
	PID=""
	expect_eq "$1: arrayd killed itself (SIGKILL)" 137 "$rc"
}
log_since_start() { tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log"; }
# launch_failpoint NAME: start the daemon with ARRAYD_FAILPOINT=NAME
launch_failpoint() {
	export ARRAYD_FAILPOINT=$1
	launch_daemon
	unset ARRAYD_FAILPOINT
	note "arrayd pid $PID with ARRAYD_FAILPOINT=$1"
}

setup_array
trap on_exit EXIT
T0=$SECONDS

# ---- 1. crash between the durable file and the commit of a create
launch_failpoint volume-file-created
seen=$(max_devid)
note "highest DeviceID before: $seen"
create crashvol $((256 * MiB))
expect_self_kill "create with volume-file-created"
f=$TEST_DIR/pool0/crashvol.img
[ -f "$f" ] && pass "crashvol.img exists at the crash" || fail "no $f at the crash"
launch_daemon
note "restarted without the failpoint: pid $PID"
if log_since_start | grep -qF "$f: $REMOVED_MSG"; then pass "start-up log: $f removed"
else fail "no '$f: $REMOVED_MSG' in the log"; log_since_start | grep -i 'crashvol\|intent' | head -5; fi
[ ! -e "$f" ] && pass "crashvol.img removed at start-up" || fail "$f still there after the restart"
names=$(vol_names)
if grep -qx crashvol <<< "$names"; then fail "crashvol enumerated after the restart"
else pass "no crashvol among $(wc -l <<< "$names") volumes"; fi
create crashvol $((256 * MiB))
expect_rc 0 "create crashvol again"
[ -n "$DEV" ] && [ "$DEV" -gt "$seen" ] 2>/dev/null && pass "new DeviceID $DEV above $seen" ||
    fail "DeviceID '$DEV' not above $seen"
[ -f "$f" ] && expect_eq "crashvol.img size" $((256 * MiB)) "$(stat -c %s "$f")"
seen=$(max_devid)
CRASHVOL=$DEV

# ---- 2. crash between the commit of a delete and the unlink
create delvol $((256 * MiB))
expect_rc 0 "create delvol"
DELVOL=$DEV
stop_daemon
launch_failpoint volume-file-removed
f=$TEST_DIR/pool0/delvol.img
delete "$DELVOL"
expect_self_kill "ReturnToStoragePool with volume-file-removed"
[ -f "$f" ] && pass "delvol.img still there at the crash (before the unlink)" || note "delvol.img already gone at the crash"
launch_daemon
note "restarted without the failpoint: pid $PID"
if log_since_start | grep -qF "$f: $REMOVED_MSG"; then pass "start-up log: $f removed"
else fail "no '$f: $REMOVED_MSG' in the log"; fi
[ ! -e "$f" ] && pass "delvol.img removed" || fail "$f still there after the restart"
expect_eq "delvol gone (GetInstance)" ERROR6 "$(vol_size "$DELVOL")"
vol_names | grep -qx delvol && fail "delvol enumerated after the restart" || pass "delvol not enumerated"
expect_eq "crashvol kept" $((256 * MiB)) "$(vol_size "$CRASHVOL")"

# ---- 3. kill -9 right after answered create / grow / delete
create keepvol $((300 * MiB))
expect_rc 0 "create keepvol"
KEEP=$DEV
expect_eq "keepvol out Size (rounded up to 256 MiB)" $((512 * MiB)) "$OUTSIZE"
kill9_daemon
launch_daemon
expect_eq "keepvol after kill -9: size" $((512 * MiB)) "$(vol_size "$KEEP")"
f=$TEST_DIR/pool0/keepvol.img
[ -f "$f" ] && expect_eq "keepvol.img size" $((512 * MiB)) "$(stat -c %s "$f")" || fail "no $f after kill -9"
vol_names | grep -qx keepvol && pass "keepvol enumerated" || fail "keepvol not enumerated after kill -9"

grow "$KEEP" $((768 * MiB))
expect_rc 0 "grow keepvol to 768 MiB"
kill9_daemon
launch_daemon
expect_eq "keepvol after grow + kill -9: size" $((768 * MiB)) "$(vol_size "$KEEP")"
expect_eq "keepvol.img size after grow + kill -9" $((768 * MiB)) "$(stat -c %s "$f" 2>/dev/null)"

delete "$CRASHVOL"
expect_rc 0 "delete crashvol"
kill9_daemon
launch_daemon
expect_eq "crashvol after delete + kill -9" ERROR6 "$(vol_size "$CRASHVOL")"
[ ! -e "$TEST_DIR/pool0/crashvol.img" ] && pass "crashvol.img gone" || fail "crashvol.img left after delete + kill -9"
create another $((256 * MiB))
expect_rc 0 "create after the restarts"
[ -n "$DEV" ] && [ "$DEV" -gt "$seen" ] 2>/dev/null && [ "$DEV" -gt "$KEEP" ] &&
    pass "DeviceID $DEV above every one seen ($seen, $KEEP)" || fail "DeviceID '$DEV' reused (seen $seen, $KEEP)"
if grep -q "$REMOVED_MSG" <(log_since_start); then fail "a clean restart removed a file"; else pass "no file removed on the clean restarts"; fi
note "205 took $((SECONDS - T0)) s"
finish
