#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 220-torn-copy: a physical copy is an image of one instant where the pool
# can clone (CONTRACT.md §6 "Point-in-time", issue 10).  On an XFS
# (reflink) pool on a direct-I/O loop device (Btrfs: 227), a writer
# (tornwriter.c, torn.sh) rewrites random 4 KiB blocks of the 32 MiB
# source with O_DIRECT, each stamped with its sequence number, all through
# an AttachOrModifyReplica CT4, a Start Copy, a Resync, a CreateReplica
# CT5, an attach that waits in the queue and a Restore from a snapshot a
# host writes; each target must then equal the source after exactly one
# write M, with M between the request and its answer, and WhenSynced must
# be that instant.  On an ext4 pool the documented behaviour: the log and
# `arrayd status` say "no reflink", the copy reads the live source and
# WhenSynced is the completion time (tearing is timing-dependent, so it is
# reported, not required).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/torn.sh"

setup_array "copy_rate_limit = 64M" "max_copy_tasks = 1"
add_fs_pool pxfs xfs 300
add_fs_pool pext4 ext4 300
add_volume xsrc pxfs 201 32; add_volume xtgt pxfs 202 32; add_volume xq pxfs 203 32
add_volume esrc pext4 221 32; add_volume etgt pext4 222 32
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"
pool_mode_checks pxfs 'reflink \(xfs\)' pext4 'no reflink \(ext4\)'

# queued XFS: an attach that waits in the queue (max_copy_tasks = 1) behind
# a 64 MiB copy at 16 MiB/s still copies the instant of its request
queued_case() {
	local blk qjob
	setconf copy_rate_limit 16M
	fill_dense "$(volpath 101)" 64
	attach 101 102 4
	[ "$RC" = 4096 ] || { fail "queue blocker attach 101->102: rc $RC"; return; }
	blk=${JOB##*:}
	torn "xfs queued attach" pit "$TEST_DIR/pxfs/xsrc.img" "$TEST_DIR/pxfs/xq.img" \
	    attach_m AttachOrModifyReplica 201 203 4
	ws_check "xfs queued attach" pit 201 203
	qjob=${JOB##*:}
	# it was queued: its copy began after the blocker's ended
	local lb lq
	lb=$(grep -n "copy done: .*(job $blk)" "$TEST_DIR/arrayd.log" | head -n 1 | cut -d: -f1)
	lq=$(grep -n "vv_copy started (job $qjob)" "$TEST_DIR/arrayd.log" | head -n 1 | cut -d: -f1)
	[ -n "$lb" ] && [ -n "$lq" ] && [ "$lq" -gt "$lb" ] &&
	    pass "the queued copy started after the blocker (job $blk) ended" ||
	    fail "job $qjob was not queued behind job $blk (log lines '$lb' '$lq')"
	setconf copy_rate_limit 64M
}

# Restore on XFS: the snapshot is the copy's source, written by a host
# while the Restore runs; the base must become one instant of it.  Last of
# the XFS cases: the writes log then describes the snapshot, not the base.
restore_case() {
	local snap
	create_replica xsnap 201 4
	[ "$RC" = 0 ] || { fail "CreateReplica CT4 xsnap: rc $RC"; return; }
	snap=$TARGET
	wait_pair 201 "$snap" 11 30
	torn "xfs Restore" pit "$TEST_DIR/pxfs/xsnap.img" "$TEST_DIR/pxfs/xsrc.img" \
	    modsync 5 201 "$snap"
}

before=$(vol_ids)
fs_cases xfs pxfs 201 202 pit AttachOrModifyReplica
queued_case
restore_case
fs_cases ext4 pext4 221 222 live AttachOrModifyReplica

# images are never CIM volumes: only the CT5 target and xsnap are new
after=$(vol_ids)
expect_eq "volumes: the CT5 target and xsnap added, no image" 2 \
    "$(( $(wc -w <<< "$after") - $(wc -w <<< "$before") ))"
stop_daemon
finish
