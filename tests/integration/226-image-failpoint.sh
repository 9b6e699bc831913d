#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 226-image-failpoint: a crash between a durable point-in-time image and
# the change that records it (ARRAYD_FAILPOINT=image-taken, HACKING.md).
# The attach is never answered; after a restart without the failpoint the
# job's image is taken again (logged), the stale clone of the first attempt
# replaced, never left beside it, and the copy ends Frozen with the target
# equal to the source as it was when the image was taken again.  Restore
# of a snapshot reaches the same path (image of the snapshot) and ends
# Idle with the base equal to the snapshot.
. "$(dirname "$0")/lib.sh"

setup_array
add_fs_pool pxfs xfs 300
add_volume xa pxfs 201 32
add_volume xb pxfs 202 32
P=$TEST_DIR/pxfs XA=$P/xa.img XB=$P/xb.img IMG=$P/.arrayd-images
write_data "$XA" 0 5 17 31
log_since() { tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log"; }
images() { (cd "$IMG" 2>/dev/null && LC_ALL=C ls -1A | tr '\n' ' ' | sed 's/ $//'); }

export ARRAYD_FAILPOINT=image-taken
launch_daemon
unset ARRAYD_FAILPOINT
note "arrayd pid $PID with ARRAYD_FAILPOINT=image-taken"
attach 201 202 4
expect_eq "attach: no HTTP answer" 000 "$HTTP_CODE"
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then
	fail "arrayd still running after the failpoint"; kill -KILL "$PID"
fi
wait "$PID"; rc=$?; PID=""
expect_eq "arrayd killed itself (SIGKILL)" 137 "$rc"
first=$(images)
expect_match "the durable clone is there at the crash" '^201-202-g[0-9]+\.img$' "$first"

cp --reflink=never "$XA" "$TEST_DIR/xa.at-restart"
launch_daemon
note "restarted without the failpoint: pid $PID"
job=${first#201-202-g}; job=${job%.img}
log_since | grep -q "job $job: its image was being taken when arrayd stopped: taken again" &&
    pass "image taken again (logged)" || fail "no 'taken again' line for job $job"
wait_pair 201 202 14 30
cmp -s "$XA" "$XB" && pass "target = source" || fail "target differs: $(cmp "$XA" "$XB" | head -n 1)"
cmp -s "$XB" "$TEST_DIR/xa.at-restart" && pass "target = source at the retake" ||
    fail "target is not the source at the retake"
expect_eq "one image: the pair's sync image" "$first" "$(images)"
ws=$(pair_prop 201 202 WhenSynced)
[ -n "$ws" ] && [ "$ws" != NULL ] && pass "WhenSynced set ($ws)" || fail "WhenSynced '$ws'"

# ---- Restore from a snapshot on the XFS pool: an image of the snapshot
create_replica snapx 201 4
expect_eq "CreateReplica VC" 0 "$RC"
snap=$TARGET
cp --reflink=never "$XA" "$TEST_DIR/xa.at-snap"
write_data "$XA" 2 9
modsync 5 201 "$snap"
expect_eq "Restore" 4096 "$RC"
expect_job_completed "$JOB" "restore"
wait_pair 201 "$snap" 11 30
cmp -s "$XA" "$TEST_DIR/xa.at-snap" && pass "base = snapshot after Restore" ||
    fail "base differs from the snapshot: $(cmp "$XA" "$TEST_DIR/xa.at-snap" | head -n 1)"
expect_eq "Restore's image dropped, sync image kept" "$first" "$(images)"

stop_daemon
finish
