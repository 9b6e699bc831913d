#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 225-pool-mode: each pool's copy mode (issue 10 item 1, CONTRACT.md §6).
# An XFS pool (reflink) makes point-in-time copies, an ext4 pool reads a
# live source; both are logged once at start-up and shown by `arrayd
# status`.  On the XFS pool a physical copy keeps its sync image in
# .arrayd-images beside the source, a Resync replaces it, Detach drops
# it; the ext4 pool takes none.  point_in_time = no on SIGHUP: logged,
# shown, and the next copy takes no image.  An image no pair names (left by
# a crash) is removed at the next start, logged.
. "$(dirname "$0")/lib.sh"

setup_array
add_fs_pool pxfs xfs 300
add_fs_pool pext ext4 100
add_volume xa pxfs 201 32
add_volume xb pxfs 202 32
add_volume ea pext 301 16
add_volume eb pext 302 16
write_data "$TEST_DIR/pxfs/xa.img" 0 7 31
write_data "$TEST_DIR/pext/ea.img" 0 9
IMG=$TEST_DIR/pxfs/.arrayd-images
# same WHAT FILE-A FILE-B: the two volumes' files are identical.
same() {
	if cmp -s "$2" "$3"; then pass "$1: identical"
	else fail "$1: $(cmp "$2" "$3" 2>&1 | head -n 1)"; fi
}
XA=$TEST_DIR/pxfs/xa.img XB=$TEST_DIR/pxfs/xb.img
EA=$TEST_DIR/pext/ea.img EB=$TEST_DIR/pext/eb.img
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"

# ---- modes in the log (once each) and in status
log_since() { tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log"; }
expect_eq "xfs pool logged once" 1 \
    "$(log_since | grep -c 'pxfs: reflink (xfs): point-in-time copies')"
expect_eq "ext4 pool logged once" 1 \
    "$(log_since | grep -c 'pext: no reflink (ext4): copies read a live source')"
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1 ||
    fail "arrayd status: $(cat "$TEST_DIR/status.out")"
grep -q '^pool pxfs: reflink (xfs): point-in-time copies$' "$TEST_DIR/status.out" &&
    pass "status: pxfs point-in-time" || fail "status lacks pxfs mode: $(grep pxfs "$TEST_DIR/status.out")"
grep -q '^pool pext: no reflink (ext4): copies read a live source$' "$TEST_DIR/status.out" &&
    pass "status: pext live source" || fail "status lacks pext mode: $(grep pext "$TEST_DIR/status.out")"

# ---- XFS: a sync image kept, replaced by a Resync, dropped by Detach
attach 201 202 4
expect_eq "attach xa->xb" 4096 "$RC"
expect_job_completed "$JOB" "attach xa->xb"
same "xa->xb" "$XA" "$XB"
first=${JOB##*:}
expect_eq "sync image kept" "201-202-g$first.img" "$(ls "$IMG" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
write_data "$TEST_DIR/pxfs/xa.img" 3
modsync 4 201 202
expect_eq "resync xa->xb" 4096 "$RC"
expect_job_completed "$JOB" "resync xa->xb"
same "xa->xb after resync" "$XA" "$XB"
expect_eq "resync's image replaces the first" "201-202-g${JOB##*:}.img" \
    "$(ls "$IMG" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
log_since | grep -q "job ${JOB##*:}: extent maps could not be compared" &&
    fail "resync fell back to digests on XFS" || pass "resync compared extents"
modsync 2 201 202
expect_eq "detach xa->xb" 0 "$RC"
expect_eq "detach drops the image" "" "$(ls "$IMG" 2>/dev/null)"

# ---- ext4: no image
attach 301 302 4
expect_eq "attach ea->eb" 4096 "$RC"
expect_job_completed "$JOB" "attach ea->eb"
same "ea->eb" "$EA" "$EB"
[ -e "$TEST_DIR/pext/.arrayd-images" ] && [ -n "$(ls "$TEST_DIR/pext/.arrayd-images")" ] &&
    fail "ext4 pool took an image" || pass "ext4 pool takes no image"

# ---- point_in_time = no on SIGHUP: the next copy reads a live source
sed -i "/^\[pool pxfs\]/a point_in_time = no" "$CONF"
LOGSTART=$(wc -l < "$TEST_DIR/arrayd.log")
kill -HUP "$PID"
for _ in $(seq 50); do log_since | grep -q 'reload: done' && break; sleep 0.1; done
expect_eq "mode change logged" 1 \
    "$(log_since | grep -c 'pxfs: reflink (xfs), point_in_time = no: copies read a live source')"
expect_eq "unchanged pool not logged again" 0 "$(log_since | grep -c 'pext: ')"
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1
grep -q '^pool pxfs: reflink (xfs), point_in_time = no' "$TEST_DIR/status.out" &&
    pass "status: pxfs live after reload" || fail "status after reload: $(grep pxfs "$TEST_DIR/status.out")"
attach 201 202 4
expect_eq "attach xa->xb (live)" 4096 "$RC"
expect_job_completed "$JOB" "attach xa->xb (live)"
same "xa->xb (live)" "$XA" "$XB"
expect_eq "live copy takes no image" "" "$(ls "$IMG" 2>/dev/null)"
log_since | grep -q "job ${JOB##*:}: taking image" && fail "image taken with point_in_time = no" ||
    pass "no image with point_in_time = no"

# ---- an image no pair names is removed at start-up
stop_daemon
mkdir -p "$IMG"
cp --reflink=always "$TEST_DIR/pxfs/xa.img" "$IMG/201-202-g999.img"
launch_daemon
for _ in $(seq 50); do [ -e "$IMG/201-202-g999.img" ] || break; sleep 0.1; done
[ -e "$IMG/201-202-g999.img" ] && fail "orphan image left" || pass "orphan image removed"
expect_eq "orphan removal logged" 1 \
    "$(log_since | grep -c "image $IMG/201-202-g999.img: named by no pair or job (left by a crash): removed")"

stop_daemon
finish
