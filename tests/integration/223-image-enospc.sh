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
# target equal to the source.
. "$(dirname "$0")/lib.sh"

setup_array "copy_rate_limit = 32M"
add_fs_pool pxfs xfs 300
add_volume src pxfs 201 96; add_volume tgt pxfs 202 96
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
note "pool free after the failure: $(free_mib) MiB"
modsync 12 201 202
expect_rc 4096 "Start Copy of the Broken pair"
expect_job_completed "$JOB" "Start Copy job"
expect_eq "pair Frozen again" 14 "$(pair_prop 201 202 SyncState)"
cmp -s "$S" "$T" && pass "after Start Copy: target = source" ||
    fail "after Start Copy: target differs: $(cmp "$S" "$T" 2>&1 | head -n 1)"

stop_daemon
finish
