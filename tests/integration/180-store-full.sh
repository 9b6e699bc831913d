#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 180-store-full (root): with the state directory on a full tmpfs, every
# call whose change the store cannot record answers CIM_ERR_FAILED ("No
# space left on device") and leaves no trace: AttachOrModifyReplica,
# ModifySynchronization (Resync) and CreateReplica (CopyType 4 and 5) start
# no copy (target bytes unchanged, no new target file), and no pair, job or
# volume appears, neither at once, nor a while later, nor after the space
# is freed and the daemon restarted.  Issue 8 finding 2.
. "$(dirname "$0")/lib.sh"
require_root

setup_array
STATE=$TEST_DIR/state
mv "$STATE" "$TEST_DIR/state.pre"	# the users file setup_array made
mkdir "$STATE"
mount -t tmpfs -o size=6m tmpfs "$STATE" ||
    { echo "skip: cannot mount tmpfs"; rm -rf "$TEST_DIR"; exit 77; }
cp -a "$TEST_DIR/state.pre/." "$STATE/"
trap on_exit EXIT
CLEANUP+=("umount '$STATE'")
# With the checkpointer a commit may rewrite WAL pages a finished checkpoint
# freed and so succeed on the full tmpfs (correct, but not this test).
export ARRAYD_FAILPOINT=no-state-checkpoint
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR (state on tmpfs)"

count() {	# CLASS -> number of instances
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn "$1")")"
	xq count
}
snapshot_counts() {
	echo "vols=$(count TPD_StorageVolume) pairs=$(count TPD_StorageSynchronized) jobs=$(count TPD_ConcreteJob)"
}
expect_enospc() {	# WHAT: CIM_ERR_FAILED naming ENOSPC, no return value
	local d
	expect_error 1 "$1"
	d=$(grep -o 'DESCRIPTION="[^"]*"' "$TEST_DIR/r.body" | head -1)
	expect_match "$1: error text" 'No space left on device' "$d"
}
# Fill the tmpfs to its last page: big blocks, then pages, then preallocated
# files, so no write that needs a new page can succeed (SQLite may still
# rewrite pages its WAL already has: the calls below each need new ones).
fill_state() {
	local i
	dd if=/dev/zero of="$STATE/fill0" bs=64k status=none 2>/dev/null
	dd if=/dev/zero of="$STATE/fill1" bs=4k status=none 2>/dev/null
	for i in $(seq 64); do
		fallocate -l 4096 "$STATE/fill-p$i" 2>/dev/null || { rm -f "$STATE/fill-p$i"; break; }
	done
	expect_eq "state tmpfs full (bytes free)" 0 "$(df -B1 --output=avail "$STATE" | tail -1 | tr -d ' ')"
}

# A Frozen pair 101 -> 102 for the Resync; then new source data it would copy.
attach 101 102 4
expect_rc 4096 "attach 101->102 before the fill"
expect_job_completed "$JOB" "first copy"
expect_eq "pair 101->102 Frozen" 14 "$(pair_prop 101 102 SyncState)"
write_data "$(volpath 101)" 20 50
cp --sparse=always "$(volpath 102)" "$TEST_DIR/t102.saved"
cp --sparse=always "$(volpath 103)" "$TEST_DIR/t103.saved"
before=$(snapshot_counts)
note "before: $before"

fill_state
LOGFILL=$(wc -l < "$TEST_DIR/arrayd.log")

attach 101 103 4
expect_enospc "AttachOrModifyReplica 101->103 on a full store"
modsync 4 101 102
expect_enospc "Resync 101->102 on a full store"
create_replica snapfull 101 4
expect_enospc "CreateReplica CopyType 4 on a full store"
create_replica clonefull 101 5
expect_enospc "CreateReplica CopyType 5 on a full store"

# Long enough for any copy the calls had started to have finished.
sleep 2
check_no_trace() {	# WHEN
	expect_eq "$1: volumes, pairs, jobs unchanged" "$before" "$(snapshot_counts)"
	expect_eq "$1: pair 101->102 still Frozen" 14 "$(pair_prop 101 102 SyncState)"
	expect_pair_gone 101 103 "$1: no pair 101->103"
	cmp -s "$(volpath 102)" "$TEST_DIR/t102.saved" &&
	    pass "$1: Resync target bytes untouched" ||
	    fail "$1: Resync target changed: $(cmp "$(volpath 102)" "$TEST_DIR/t102.saved" 2>&1 | head -1)"
	cmp -s "$(volpath 103)" "$TEST_DIR/t103.saved" &&
	    pass "$1: attach target bytes untouched" ||
	    fail "$1: attach target changed: $(cmp "$(volpath 103)" "$TEST_DIR/t103.saved" 2>&1 | head -1)"
	local f
	for f in snapfull clonefull; do
		[ ! -e "$TEST_DIR/pool0/$f.img" ] && pass "$1: no file $f.img" ||
		    fail "$1: $f.img left behind"
	done
}
check_no_trace "on a full store"
started=$(tail -n +"$LOGFILL" "$TEST_DIR/arrayd.log" | grep -c ' started (job')
expect_eq "log: copies started on a full store" 0 "$started"
# CreateReplica records its file intent before anything else (Block
# Services, replica/provision.c): on a full store that first write fails
# with "cannot record a file operation" instead of "change not saved".
expect_eq "log: changes undone" 4 "$(tail -n +"$LOGFILL" "$TEST_DIR/arrayd.log" | grep -c 'change not saved\|cannot record a file operation')"

rm -f "$STATE"/fill*
stop_daemon
launch_daemon
note "restarted, space freed"
check_no_trace "after a restart"

# The store works again: the same calls now succeed.
modsync 4 101 102
expect_rc 4096 "Resync once space is back"
expect_job_completed "$JOB" "resync"
cmp -s "$(volpath 101)" "$(volpath 102)" && pass "resync copied the new data" ||
    fail "resync target differs from its source"

finish
