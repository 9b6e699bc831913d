#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 224-vc-durable: a virtual copy (CreateReplica CopyType 4) on an XFS
# (reflink) pool answers 0 only once the clone and its record are durable
# (issue 10 item 5).  The pool and the state folder are both XFS on loop
# devices; the moment the answer arrives arrayd is killed (-9) and both
# filesystems are shut down without flushing their logs (xfs_io
# "shutdown", what a power cut leaves), then mounted again (log recovery):
# the restarted daemon must still have the snapshot volume, its pair, and
# its file equal to the source at the request.  Then the delta pool
# (TPD_DeltaReplicaStoragePool) reports the snapshot's unshared bytes
# (FIEMAP), not its apparent size: ~0 right after the clone, the rewritten
# chunks once the base changes and UpdateDeltaSnapshotSpace measured them.
. "$(dirname "$0")/lib.sh"

setup_array
mv "$TEST_DIR/state" "$TEST_DIR/state.pre"
fs_mount "$TEST_DIR/state" xfs 300
SDEV=$FS_DEV
cp -a "$TEST_DIR/state.pre/." "$TEST_DIR/state/"
sync -f "$TEST_DIR/state/"	# the users file: the test's, not the daemon's durability
add_fs_pool pxfs xfs 300
PDEV=$FS_DEV
add_volume src pxfs 201 64
P=$TEST_DIR/pxfs S=$TEST_DIR/pxfs/src.img
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"
dd if=/dev/urandom of="$S" bs=1M count=64 conv=notrunc,fsync status=none
cp --reflink=never "$S" "$TEST_DIR/src.at-request"

# ---- the answer, then at once a crash of the daemon and of both disks
envelope "<METHODCALL NAME=\"CreateReplica\">$(lip "$(scs_in)")$(pv ElementName string snapD)$(pvref SourceElement "$(vol_ref 201)")$(pv CopyType uint16 4)</METHODCALL>" \
    > "$TEST_DIR/req.xml"
cim_headers CreateReplica "$SCS_OBJ"
curl_post "${CH[@]}"
kill -KILL "$PID"
# a control: made after the answer, never synced, so the crash must lose
# it (else the shutdown below proves nothing about durability)
printf 'not durable\n' > "$P/control"
xfs_io -x -c shutdown "$P" & sd1=$!
xfs_io -x -c shutdown "$TEST_DIR/state" & sd2=$!
wait "$sd1" || fail "xfs_io shutdown $P"
wait "$sd2" || fail "xfs_io shutdown $TEST_DIR/state"
wait "$PID" 2> /dev/null; PID=""
note "answered in $(( (CURL_DONE - CURL_SENT) / 1000 )) ms; killed and shut down $(( (${EPOCHREALTIME/[.,]/} - CURL_DONE) / 1000 )) ms later"
expect_rc 0 "CreateReplica VC snapD"
snap=$(xq outkey TargetElement DeviceID 2>/dev/null)
[ -n "$snap" ] || die "no TargetElement in the answer"

umount "$P" && umount "$TEST_DIR/state" || die "umount after the shutdown"
mount "$PDEV" "$P" && mount "$SDEV" "$TEST_DIR/state" || die "mount after the shutdown"
[ -s "$P/control" ] && fail "the control file survived the shutdown: it does not simulate a power cut" ||
    pass "the shutdown lost what was not durable (the control file)"
launch_daemon
note "restarted on the recovered filesystems: pid $PID"
get_instance "$(vol_in "$snap")"
expect_ok "snapshot volume $snap survives"
expect_eq "snapshot ElementName" snapD "$(xq prop ElementName)"
expect_eq "VC pair survives, Idle" 11 "$(pair_prop 201 "$snap" SyncState)"
[ -f "$P/snapD.img" ] && pass "snapshot file survives" || fail "no $P/snapD.img after the crash"
cmp -s "$P/snapD.img" "$TEST_DIR/src.at-request" && pass "snapshot = the source at the request" ||
    fail "snapshot differs from the source at the request: $(cmp "$P/snapD.img" "$TEST_DIR/src.at-request" 2>&1 | head -n 1)"

# ---- the delta pool counts unshared bytes
delta_space() {
	get_instance "$(pool_in "TPD:$SYS:SA.201" TPD_DeltaReplicaStoragePool)"
	xq prop TotalManagedSpace
}
d0=$(delta_space)
note "delta pool of 201 right after the clone: $d0 bytes (apparent size $((64 << 20)))"
[ "${d0:-x}" -le $((1 << 20)) ] 2>/dev/null && pass "delta pool ~0 right after the clone ($d0)" ||
    fail "delta pool '$d0' right after the clone (the apparent size is $((64 << 20)))"
write_data "$S" 3 20 41
sync
# the figures are measured off the loop (at creation, every 60 s, and on
# UpdateDeltaSnapshotSpace), never per request: ask, then wait for them
scs_call UpdateDeltaSnapshotSpace "<PARAMVALUE NAME=\"SnapshotVolume\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>$(vol_ref "$snap")</VALUE.REFARRAY></PARAMVALUE>"
expect_rc 0 "UpdateDeltaSnapshotSpace"
for i in $(seq 50); do
	d1=$(delta_space)
	[ "$d1" != "$d0" ] && break
	sleep 0.2
done
note "delta pool of 201 after 3 MiB of the base rewritten: $d1 bytes"
if [ "${d1:-x}" -ge $((3 << 20)) ] 2>/dev/null && [ "$d1" -le $((4 << 20)) ]; then
	pass "delta pool = the 3 MiB the snapshot no longer shares ($d1)"
else
	fail "delta pool '$d1' after 3 MiB of the base rewritten (expected 3-4 MiB)"
fi

stop_daemon
finish
