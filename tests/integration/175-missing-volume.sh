#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 175-missing-volume: a missing volume is a degraded volume, not a dead
# array (issue 8, finding 3).  A restart with one configured volume's file
# gone serves every other volume, shows that one with OperationalStatus
# [6 Error, 13 Lost Communication] and its pair Broken, refuses copies from
# it (4), logs one error naming volume and path, and `arrayd -t` warns about
# it (exit 0: the configuration is valid).  Once the file is back, SIGHUP
# makes the volume OK again; its pair stays Broken until Start Copy, and
# copies from it are byte-identical.  At run time, a file unlinked or
# replaced by another inode, or a loop device detached (root), turns its
# volume Error on the next look and refuses copies (4) until SIGHUP finds
# it again.  A copy interrupted by
# kill -9 whose source is gone at the restart ends Exception with an
# ErrorDescription naming the volume and its file.
. "$(dirname "$0")/lib.sh"

EXTRA_CONF=$'[volume v106]\npool = pool0\npath = pool0/106.img\nid = 106\nsize = 64M\n\n[volume v107]\npool = pool0\npath = pool0/107.img\nid = 107\nsize = 64M\n'
# A volume on a loop device (root with losetup; else that part is skipped):
# a device detached at run time is lost too.
LOOPDEV=""
if [ "$(id -u)" = 0 ] && command -v losetup > /dev/null; then
	LOOPIMG=$(mktemp /tmp/arrayd-it-loop.XXXXXX)
	truncate -s 16M "$LOOPIMG"
	if LOOPDEV=$(losetup -f --show "$LOOPIMG" 2> /dev/null) && [ -b "$LOOPDEV" ]; then
		CLEANUP+=("losetup -d '$LOOPDEV' 2> /dev/null" "rm -f '$LOOPIMG'")
		EXTRA_CONF+=$'\n[volume lv]\npool = pool0\npath = '"$LOOPDEV"$'\nid = 108\n'
	else
		LOOPDEV=""; rm -f "$LOOPIMG"
	fi
fi
start_daemon

ei_vols() { cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn TPD_StorageVolume)")"; }
# vol_status DEVID: OperationalStatus of one volume (GetInstance).
vol_status() { get_instance "$(vol_in "$1")" >/dev/null; xq prop OperationalStatus; }
# enum_status DEVID: its OperationalStatus in an EnumerateInstances answer.
enum_status() {
	paste -d' ' <(xq props DeviceID) <(xq props OperationalStatus) |
	    awk -v id="$1" '$1 == id { print $2 }'
}
# wait_status DEVID STATUS: after SIGHUP, poll (bounded) until it shows.
wait_status() {
	local i s=""
	for i in $(seq 50); do
		s=$(vol_status "$1"); [ "$s" = "$2" ] && return 0; sleep 0.1
	done
	echo "$s"; return 1
}

# ------------------------------------------------ a finished copy, then a restart without its source
write_data "$(volpath 105)" 3 20
attach 101 102 4; expect_rc 4096 "PC 101->102"; expect_job_completed "$JOB" "PC 101->102"
expect_same 101 102 "PC 101->102"
expect_eq "pair 101->102 Frozen" 14 "$(pair_prop 101 102 SyncState)"
stop_daemon
V0=$(volpath 101)
mv "$V0" "$TEST_DIR/vol0.saved"

out=$("$ARRAYD" -t -c "$CONF" 2>&1); rc=$?
expect_eq "arrayd -t with a volume file missing: exit status" 0 "$rc"
expect_match "arrayd -t names the volume and its file" \
    "warning: volume vol0: $V0 does not exist" "$out"

launch_daemon
pass "arrayd serves with vol0's file missing"
ei_vols
expect_ok "EnumerateInstances TPD_StorageVolume"
nvol=7; [ -n "$LOOPDEV" ] && nvol=8
expect_eq "volumes enumerated" "$nvol" "$(xq count)"
expect_eq "vol0 (missing): OperationalStatus" 6,13 "$(enum_status 101)"
expect_eq "vol1: OperationalStatus" 2 "$(enum_status 102)"
expect_eq "vol2: OperationalStatus" 2 "$(enum_status 103)"
expect_eq "vol0 by GetInstance" 6,13 "$(vol_status 101)"
expect_eq "its HealthState" 25 "$(xq prop HealthState)"
expect_eq "pair 101->102 Broken" 12 "$(pair_prop 101 102 SyncState)"
nerr=$(tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log" | grep -c " error: .*vol0.*$V0")
expect_eq "one error line naming vol0 and its file" 1 "$nerr"
attach 101 103 4; expect_rc 4 "attach from the missing volume"
create_replica snapM 101 4; expect_rc 4 "CreateReplica (VC) of the missing volume"
create_replica cloneM 101 5; expect_rc 4 "CreateReplica (clone) of the missing volume"
modsync 12 101 102; expect_rc 4 "Start Copy from the missing volume"
[ -e "$TEST_DIR/pool0/snapM.img" ] || [ -e "$TEST_DIR/pool0/cloneM.img" ] &&
    fail "a refused CreateReplica left a file" || pass "no file left by the refusals"
attach 103 105 4; expect_rc 4096 "the other volumes still copy"
expect_job_completed "$JOB" "PC 103->105"; expect_same 103 105 "PC 103->105"

# ------------------------------------------------ the file is back: SIGHUP
mv "$TEST_DIR/vol0.saved" "$V0"
kill -HUP "$PID"
wait_status 101 2 >/dev/null && pass "vol0 OK after SIGHUP" ||
    fail "vol0 not OK after SIGHUP: $(vol_status 101)"
grep -q "volume 101 (vol0): backing store $V0 is back" "$TEST_DIR/arrayd.log" &&
    pass "log says vol0 is back" || fail "no log line about vol0 being back"
expect_eq "pair 101->102 stays Broken until a client restarts it" 12 "$(pair_prop 101 102 SyncState)"
attach 101 106 4; expect_rc 4096 "attach from the recovered volume"
expect_job_completed "$JOB" "PC 101->106"; expect_same 101 106 "PC 101->106"
modsync 12 101 102; expect_rc 4096 "Start Copy on the Broken pair"
expect_job_completed "$JOB" "Start Copy 101->102"; expect_same 101 102 "Start Copy 101->102"
expect_eq "pair 101->102 Frozen again" 14 "$(pair_prop 101 102 SyncState)"

# ------------------------------------------------ run time: unlinked, replaced
V4=$(volpath 105)
cp --sparse=always "$V4" "$TEST_DIR/vol4.saved"
rm -f "$V4"
expect_eq "vol4 unlinked at run time: next GetInstance" 6,13 "$(vol_status 105)"
create_replica snapR 105 4; expect_rc 4 "CreateReplica of the unlinked volume"
expect_eq "pair 103->105 (target unlinked) Broken" 12 "$(pair_prop 103 105 SyncState)"
modsync 12 103 105; expect_rc 4 "Start Copy onto the unlinked volume"
grep -q "volume 105 (vol4): backing store $V4 is missing" "$TEST_DIR/arrayd.log" &&
    pass "log names the lost volume and its file" || fail "no log line for vol4"

V6=$(volpath 106)
cp --sparse=always "$V6" "$V6.new" && mv "$V6.new" "$V6"	# another inode
ei_vols
expect_eq "v106 replaced by another file: enumeration shows" 6,13 "$(enum_status 106)"
expect_eq "pair 101->106 Broken" 12 "$(pair_prop 101 106 SyncState)"
attach 106 103 4; expect_rc 4 "attach from the replaced volume"
grep -q "volume 106 (v106): backing store $V6 .*replaced" "$TEST_DIR/arrayd.log" &&
    pass "log says v106 was replaced" || fail "no log line for v106 replaced"

loop_back=0
if [ -n "$LOOPDEV" ]; then
	expect_eq "loop volume OK" 2 "$(vol_status 108)"
	losetup -d "$LOOPDEV"
	expect_eq "loop device detached: next GetInstance" 6,13 "$(vol_status 108)"
	attach 108 104 4; expect_rc 4 "attach from the detached loop device"
	# the same node again, unless another process took it meanwhile
	losetup "$LOOPDEV" "$LOOPIMG" 2> /dev/null && loop_back=1 ||
	    note "$LOOPDEV taken meanwhile: its recovery is not checked"
else
	note "skip: loop device part (needs root and losetup)"
fi

mv "$TEST_DIR/vol4.saved" "$V4"
kill -HUP "$PID"
wait_status 105 2 >/dev/null && pass "vol4 OK after SIGHUP" || fail "vol4 not OK after SIGHUP"
expect_eq "v106 (the new file) OK after SIGHUP" 2 "$(vol_status 106)"
[ "$loop_back" = 1 ] && expect_eq "loop device attached again: OK after SIGHUP" 2 "$(vol_status 108)"
modsync 12 103 105; expect_rc 4096 "Start Copy 103->105 after the recovery"
expect_job_completed "$JOB" "Start Copy 103->105"; expect_same 103 105 "Start Copy 103->105"

# ------------------------------------------------ a copy interrupted by kill -9, its source gone at the restart
stop_daemon
sed -i '/^\[server\]/a copy_rate_limit = 1M' "$CONF"
launch_daemon
fill_dense "$V4" 48	# 48 s at 1 MiB/s: still running however slow the client
attach 105 107 4; expect_rc 4096 "slow attach 105->107"; job=$JOB
expect_eq "copy 105->107 still running before kill -9" 4 "$(job_prop "$job" JobState)"
kill9_daemon
mv "$V4" "$TEST_DIR/vol4.saved"
launch_daemon
get_instance "$(job_in "$job")"
expect_eq "interrupted job whose source is gone: Exception" 10 "$(xq prop JobState)"
expect_eq "its OperationalStatus" 6,17 "$(xq prop OperationalStatus)"
expect_match "its ErrorDescription" "volume 105 \\(vol4\\): backing store $V4 is missing" "$(xq prop ErrorDescription)"
expect_eq "its pair Broken" 12 "$(pair_prop 105 107 SyncState)"
expect_eq "vol4 Error" 6,13 "$(vol_status 105)"
kill -0 "$PID" 2>/dev/null && pass "daemon still serving" || fail "daemon died"
stop_daemon
finish
