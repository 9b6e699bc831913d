#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 222-image-crash: point-in-time images survive a crash and leave nothing
# behind (CONTRACT.md §6, issue 10 item 6).  On an XFS (reflink) pool a
# rate-limited attach copies from an image; the whole source is rewritten
# right after the answer; arrayd is killed (-9) mid-copy and restarted: the
# job resumes with the same image file (same inode) and the target ends
# equal to the source at the request, not to the rewritten source.  Then,
# with the daemon down, image files no pair or job names are planted in
# the images folder: the next start removes them and logs each, and keeps
# the pair's own sync image, which the next Resync still uses.  A target
# written behind arrayd's back, a sync image replaced by a clone of the
# changed source, or a missing one: each Resync still ends target = source
# (the fall-back comparison, never a wrong "nothing changed").  Detach and
# Stop Copy drop their images.  A Resync killed (-9) midway resumes with
# its images and ends equal to the source at its request.
. "$(dirname "$0")/lib.sh"

setup_array "copy_rate_limit = 16M"
add_fs_pool pxfs xfs 512
add_volume src pxfs 201 64; add_volume tgt pxfs 202 64
P=$TEST_DIR/pxfs
S=$P/src.img T=$P/tgt.img IMGD=$P/.arrayd-images
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"

images() { (cd "$IMGD" 2>/dev/null && LC_ALL=C ls -1A | tr '\n' ' ' | sed 's/ $//'); }

dd if=/dev/urandom of="$S" bs=1M count=64 conv=notrunc,fsync status=none
cp --reflink=never "$S" "$TEST_DIR/src.at-request"

# ---- kill -9 during a copy from an image
attach 201 202 4
expect_rc 4096 "attach src->tgt (16 MiB/s)"
job=$JOB
dd if=/dev/urandom of="$S" bs=1M count=64 conv=notrunc,fsync status=none
cmp -s "$S" "$TEST_DIR/src.at-request" && die "the source was not rewritten"
pc=0
for i in $(seq 100); do
	pc=$(job_prop "$job" PercentComplete)
	[ "${pc:-0}" != NULL ] && [ "${pc:-0}" -ge 15 ] 2>/dev/null && break
	sleep 0.1
done
imgs=$(images)
expect_match "one image while the copy runs" '^[^ ]+\.img$' "$imgs"
img=$IMGD/${imgs%% *}
ino=$(stat -c %i "$img" 2>/dev/null)
note "killing arrayd at PercentComplete $pc (image $imgs, inode $ino)"
kill9_daemon
sleep 0.2
launch_daemon
note "restarted: pid $PID"
expect_eq "the same image after the restart (name)" "$imgs" "$(images)"
expect_eq "the same image after the restart (inode)" "$ino" "$(stat -c %i "$img" 2>/dev/null)"
get_instance "$(job_in "$job")"
expect_ok "the job survives the crash"
pcr=$(xq prop PercentComplete)
[ "$pcr" != NULL ] && [ "${pcr:-0}" -ge 10 ] 2>/dev/null && pass "resumed from a checkpoint ($pcr%)" ||
    fail "PercentComplete after restart '$pcr' (restarted from 0?)"
expect_job_completed "$job" "resumed job"
expect_eq "pair Frozen" 14 "$(pair_prop 201 202 SyncState)"
cmp -s "$T" "$TEST_DIR/src.at-request" && pass "target = the source at the request, after kill -9 and resume" ||
    fail "target differs from the source at the request: $(cmp "$T" "$TEST_DIR/src.at-request" 2>&1 | head -n 1)"
cmp -s "$T" "$S" && fail "target holds the rewritten source (not point-in-time)"
expect_eq "the pair keeps its sync image" "$imgs" "$(images)"

# ---- orphans: image files nothing names are removed at start-up
stop_daemon
cp --reflink=always "$img" "$IMGD/201-202-g999.img"
cp --reflink=always "$img" "$IMGD/301-302-g7.img"
launch_daemon
expect_eq "orphans removed, the sync image kept" "$imgs" "$(images)"
for o in 201-202-g999.img 301-302-g7.img; do
	tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log" | grep -q "$o" && pass "start-up log names orphan $o" ||
	    fail "no start-up log line names orphan $o"
done
for f in src tgt; do [ -f "$P/$f.img" ] || fail "volume file $f.img gone after the sweep"; done

# the kept image still serves a Resync (only the rewritten source differs)
modsync 4 201 202
expect_rc 4096 "Resync after the restart"
expect_job_completed "$JOB" "Resync job"
cmp -s "$T" "$S" && pass "after Resync: target = source" ||
    fail "after Resync: target differs: $(cmp "$T" "$S" 2>&1 | head -n 1)"
n=$(wc -w <<< "$(images)")
expect_eq "one sync image after the Resync (the old one dropped)" 1 "$n"

# ---- never a wrong "nothing changed": what the images cannot see
setconf copy_rate_limit 0
resync_same() {	# WHAT: Resync, then the target must equal the source
	modsync 4 201 202
	expect_rc 4096 "$1: Resync"
	expect_job_completed "$JOB" "$1: Resync job"
	cmp -s "$T" "$S" && pass "$1: target = source after the Resync" ||
	    fail "$1: target differs after the Resync: $(cmp "$T" "$S" 2>&1 | head -n 1)"
}
# the target written behind arrayd's back, the source unchanged
write_data "$T" 9 50
sync
resync_same "target changed behind arrayd's back"
# the sync image replaced by a clone of the changed source: its extents
# now match the new image's, though the target holds the old data
write_data "$S" 12 33
sync
imgs=$(images); img=$IMGD/${imgs%% *}
[ -f "$img" ] || fail "no sync image to replace ($imgs)"
cp --reflink=always "$S" "$img.new" && mv "$img.new" "$img"
resync_same "sync image replaced"
# the sync image removed
write_data "$S" 2 44
sync
imgs=$(images)
rm -f "$IMGD/${imgs%% *}"
resync_same "sync image missing"

# ---- kill -9 during a Resync that compares images: it resumes with both
# images and ends equal to the source at its request
setconf copy_rate_limit 8M
dd if=/dev/urandom of="$S" bs=1M count=24 seek=8 conv=notrunc,fsync status=none
cp --reflink=never "$S" "$TEST_DIR/src.at-resync"
modsync 4 201 202
expect_rc 4096 "Resync of 24 MiB changed (8 MiB/s)"
job=$JOB
dd if=/dev/urandom of="$S" bs=1M count=64 conv=notrunc,fsync status=none
for i in $(seq 100); do
	pc=$(job_prop "$job" PercentComplete)
	[ "${pc:-0}" != NULL ] && [ "${pc:-0}" -ge 10 ] 2>/dev/null && break
	sleep 0.1
done
before=$(images)
note "killing arrayd during the Resync at PercentComplete $pc (images $before)"
kill9_daemon
sleep 0.2
launch_daemon
expect_eq "the Resync's images after the restart" "$before" "$(images)"
expect_job_completed "$job" "resumed Resync"
cmp -s "$T" "$TEST_DIR/src.at-resync" && pass "after the resumed Resync: target = source at its request" ||
    fail "after the resumed Resync: target differs from the source at its request: $(cmp "$T" "$TEST_DIR/src.at-resync" 2>&1 | head -n 1)"
setconf copy_rate_limit 0
resync_same "after the crash-resumed Resync"

# Detach drops the pair's image
modsync 2 201 202
expect_rc 0 "Detach"
expect_eq "no image after Detach" "" "$(images)"

# Stop Copy drops the image of the copy it stops
setconf copy_rate_limit 8M
attach 201 202 4
expect_rc 4096 "attach again (8 MiB/s)"
job=$JOB
expect_match "an image while it runs" '^[^ ]+\.img$' "$(images)"
modsync 13 201 202
expect_rc 0 "Stop Copy"
wait_job "$job" 20
expect_eq "stopped job Terminated" 8 "$JOBSTATE"
for i in $(seq 50); do [ -z "$(images)" ] && break; sleep 0.1; done
expect_eq "no image after Stop Copy" "" "$(images)"

stop_daemon
finish
