#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 223-image-enospc: copy-on-write under a shared image needs free space
# (issue 10, "Bad input and faults").  On a 300 MiB XFS (reflink) pool a
# 96 MiB source is copied from its image while the host rewrites the whole
# source: the rewritten blocks no longer share the image's, so the source
# and the target together need more space than the pool has.  The pair
# must turn Broken with a real ErrorDescription, the job Exception, nothing
# is reported synced (no Frozen, WhenSynced NULL) and the image is dropped;
# once that space is back, Start Copy recovers the pair to Frozen with the
# target equal to the source.  A block-device volume in that pool copies
# live both ways (nothing to clone); on a pool filled to the last block a
# Resync either works or ends Broken with a reason and no image left.
. "$(dirname "$0")/lib.sh"

# The copy runs at 4 MiB/s so that the host's rewrite (about 1 s with
# O_DIRECT) takes the pool's free space while the copy has written little:
# at 32 MiB/s under load the copy could reserve its target first, leaving
# the host's dd to hit ENOSPC and the copy to end Frozen (a correct
# outcome, but not the one this test is about).  Later copies run faster.
setup_array "copy_rate_limit = 4M"
add_fs_pool pxfs xfs 300
add_volume src pxfs 201 96; add_volume tgt pxfs 202 96
# a block-device volume in the same pool (cannot be cloned: live engine)
truncate -s 96M "$TEST_DIR/bdev.file"
BDEV=$(losetup -f --show "$TEST_DIR/bdev.file") || die "losetup $TEST_DIR/bdev.file"
CLEANUP+=("losetup -d '$BDEV'")
printf '\n[volume bdev]\npool = pxfs\npath = %s\nid = 205\n' "$BDEV" >> "$CONF"
add_volume btgt pool0 206 96	# its copy's target, outside the small pool
P=$TEST_DIR/pxfs
S=$P/src.img T=$P/tgt.img IMGD=$P/.arrayd-images
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"
images() { (cd "$IMGD" 2>/dev/null && LC_ALL=C ls -1A | tr '\n' ' ' | sed 's/ $//'); }
free_mib() { echo $(( $(stat -f -c '%a * %S' "$P") >> 20 )); }

dd if=/dev/urandom of="$S" bs=1M count=96 conv=notrunc,fsync status=none
note "pool free before the copy: $(free_mib) MiB (source 96 MiB, target 96 MiB, rewrite 96 MiB)"

attach 201 202 4
expect_rc 4096 "attach src->tgt"
job=$JOB
# the host rewrites its whole volume under the image (copy-on-write)
dd if=/dev/urandom of="$S" bs=1M count=96 conv=notrunc oflag=direct status=none 2> "$TEST_DIR/dd.err" ||
    note "the host's rewrite ran out of space first: $(cat "$TEST_DIR/dd.err")"
note "pool free after the rewrite: $(free_mib) MiB"
wait_job "$job" 60
expect_eq "job JobState Exception" 10 "$JOBSTATE"
expect_eq "job OperationalStatus" 6,17 "$(xq prop OperationalStatus)"
ed=$(xq prop ErrorDescription)
note "ErrorDescription: $ed"
expect_match "job ErrorDescription names the lack of space" '[Ss]pace|ENOSPC' "$ed"
expect_eq "pair Broken" 12 "$(pair_prop 201 202 SyncState)"
expect_eq "nothing reported synced: WhenSynced NULL" NULL "$(pair_prop 201 202 WhenSynced)"
if grep -qE "pair 201->202: copy done: .* -> Frozen" "$TEST_DIR/arrayd.log"; then
	fail "the log reports the pair synced"
else
	pass "the log never reports the pair synced"
fi
grep -E "201->202|job $job|image" "$TEST_DIR/arrayd.log" | grep -iE "space|error|broken" | head -n 3 |
    sed 's/^/# log: /'
expect_eq "the failed copy's image dropped" "" "$(images)"

# the space comes back with the image: Start Copy recovers
setconf copy_rate_limit 64M
note "pool free after the failure: $(free_mib) MiB"
modsync 12 201 202
expect_rc 4096 "Start Copy of the Broken pair"
expect_job_completed "$JOB" "Start Copy job"
expect_eq "pair Frozen again" 14 "$(pair_prop 201 202 SyncState)"
cmp -s "$S" "$T" && pass "after Start Copy: target = source" ||
    fail "after Start Copy: target differs: $(cmp "$S" "$T" 2>&1 | head -n 1)"

# ---- a block-device volume on a point-in-time pool: no image, a live copy
dd if=/dev/urandom of="$BDEV" bs=1M count=96 oflag=direct status=none
attach 205 206 4
expect_rc 4096 "attach from the block device 205 -> 206"
expect_job_completed "$JOB" "copy from a block device"
cmp -s "$BDEV" "$TEST_DIR/pool0/btgt.img" && pass "target = the block device" ||
    fail "target differs from the block device: $(cmp "$BDEV" "$TEST_DIR/pool0/btgt.img" 2>&1 | head -n 1)"
attach 201 205 4
expect_rc 4096 "attach 201 -> the block device 205"
expect_job_completed "$JOB" "copy onto a block device"
cmp -s "$S" "$BDEV" && pass "the block device = source" ||
    fail "the block device differs from the source: $(cmp "$S" "$BDEV" 2>&1 | head -n 1)"

# ---- a pool filled to the last block: taking an image may fail, but then
# as a Broken pair with a reason, never a hang, never a wrong Frozen
modsync 2 201 205
write_data "$S" 7 70
dd if=/dev/zero of="$P/filler" bs=1M status=none 2> /dev/null
sync
note "pool free after the filler: $(free_mib) MiB"
modsync 4 201 202
if [ "$RC" = 4096 ]; then
	wait_job "$JOB" 60
	case $JOBSTATE in
	7)	cmp -s "$S" "$T" && pass "full pool: the Resync worked, target = source" ||
		    fail "full pool: Resync Completed but target differs";;
	10)	expect_eq "full pool: pair Broken" 12 "$(pair_prop 201 202 SyncState)"
		get_instance "$(job_in "$JOB")"
		ed=$(xq prop ErrorDescription)
		expect_match "full pool: ErrorDescription" '[Ss]pace|ENOSPC' "$ed"
		expect_eq "full pool: no image left" "" "$(images)"
		get_instance "$(vol_in 201)"
		expect_eq "full pool: the source volume is still OK (not lost)" 2 \
		    "$(xq prop OperationalStatus)";;
	*)	fail "full pool: Resync job state '$JOBSTATE'";;
	esac
else
	expect_rv 4 "full pool: Resync refused"
	note "full pool: Resync answered $RC: $(head -c 300 "$TEST_DIR/r.body")"
fi
rm -f "$P/filler"

stop_daemon
finish
