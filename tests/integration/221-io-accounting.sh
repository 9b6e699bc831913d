#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 221-io-accounting: on an XFS (reflink) pool a Resync reads and writes
# only what changed since the last sync, and a Restore only what differs
# between the snapshot and its base (CONTRACT.md §6, issue 10).  A 256 MiB
# volume with 2% of its 1 MiB chunks rewritten: the daemon's
# /proc/<pid>/io read_bytes and write_bytes each grow by at most twice the
# changed chunks' bytes plus 1% of the volume, with the page cache of
# source and target dropped first (a whole-volume read cannot hide as cache
# hits), and the target ends equal to its source (cmp); holes punched in
# the source become holes in the target; two pairs from one source each
# keep their own sync image.
. "$(dirname "$0")/lib.sh"

MIB=256
VOL=$((MIB << 20))
NCH=$(( MIB * 2 / 100 ))	# 2% of the 1 MiB chunks: 5
setup_array
add_fs_pool pxfs xfs 1024
add_volume src pxfs 201 "$MIB"; add_volume tgt pxfs 202 "$MIB"
add_volume tgt2 pxfs 203 "$MIB"
S=$TEST_DIR/pxfs/src.img T=$TEST_DIR/pxfs/tgt.img T2=$TEST_DIR/pxfs/tgt2.img
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"
dd if=/dev/urandom of="$S" bs=1M count="$MIB" conv=notrunc,fsync status=none

# change NCH distinct 1 MiB chunks of FILE (random data, written through)
change_chunks() {
	local offs
	offs=$(shuf -i 0-$((MIB - 1)) -n "$NCH" | sort -n | tr '\n' ' ')
	note "rewriting 1 MiB chunks $offs of $(basename "$1")"
	write_data "$1" $offs
}
# io_check WHAT R0 W0: the daemon's I/O since read_bytes R0, write_bytes W0
LIMIT=$(( 2 * NCH * (1 << 20) + VOL / 100 ))
io_check() {
	local r1 w1 dr dw
	read -r r1 w1 < <(io_bytes "$PID")
	dr=$((r1 - $2)); dw=$((w1 - $3))
	note "$1: daemon read $dr bytes, wrote $dw bytes (limit $LIMIT each; changed $((NCH << 20)))"
	[ "$dr" -le "$LIMIT" ] && pass "$1: read_bytes grew by $dr <= $LIMIT" ||
	    fail "$1: read_bytes grew by $dr > $LIMIT ($((dr * 100 / VOL))% of the volume)"
	[ "$dw" -le "$LIMIT" ] && pass "$1: write_bytes grew by $dw <= $LIMIT" ||
	    fail "$1: write_bytes grew by $dw > $LIMIT ($((dw * 100 / VOL))% of the volume)"
}

attach 201 202 4
expect_rc 4096 "attach src->tgt"
expect_job_completed "$JOB" "first full copy"
cmp -s "$S" "$T" && pass "after the first copy: target = source" ||
    fail "after the first copy: target differs: $(cmp "$S" "$T" 2>&1 | head -n 1)"

# ---- Resync of 2% changed chunks
change_chunks "$S"
drop_cache "$S" "$T"
read -r r0 w0 < <(io_bytes "$PID")
t0=${EPOCHREALTIME/[.,]/}
modsync 4 201 202
expect_rc 4096 "Resync"
expect_job_completed "$JOB" "Resync job"
note "Resync took $(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 )) ms (with the polls)"
io_check "Resync" "$r0" "$w0"
cmp -s "$S" "$T" && pass "after Resync: target = source" ||
    fail "after Resync: target differs: $(cmp "$S" "$T" 2>&1 | head -n 1)"
expect_eq "after Resync: Frozen" 14 "$(pair_prop 201 202 SyncState)"

# ---- two pairs from one source keep one sync image each: a Resync of one
# leaves the other's, so both still read only what changed
attach 201 203 4
expect_rc 4096 "attach src->tgt2"
expect_job_completed "$JOB" "second pair's full copy"
change_chunks "$S"
for t in 202 203; do
	drop_cache "$S" "$T" "$T2"
	read -r r0 w0 < <(io_bytes "$PID")
	modsync 4 201 "$t"
	expect_rc 4096 "Resync 201->$t (two pairs)"
	expect_job_completed "$JOB" "Resync 201->$t job"
	io_check "Resync 201->$t of two pairs" "$r0" "$w0"
done
cmp -s "$S" "$T" && cmp -s "$S" "$T2" && pass "both targets = source" ||
    fail "after the two Resyncs a target differs from the source"
modsync 2 201 203
expect_rc 0 "Detach 201->tgt2"

# ---- holes punched in the source become holes in the target
alloc() { echo $(( $(stat -c '%b * %B' "$1") )); }
a0=$(alloc "$T")
fallocate -p -o $((100 << 20)) -l $((2 << 20)) "$S" && fallocate -p -o $((200 << 20)) -l $((1 << 20)) "$S" ||
    fail "fallocate -p on the source"
drop_cache "$S" "$T"
read -r r0 w0 < <(io_bytes "$PID")
modsync 4 201 202
expect_rc 4096 "Resync after punching 3 MiB of holes"
expect_job_completed "$JOB" "hole Resync job"
io_check "Resync of punched holes" "$r0" "$w0"
cmp -s "$S" "$T" && pass "after the hole Resync: target = source" ||
    fail "after the hole Resync: target differs: $(cmp "$S" "$T" 2>&1 | head -n 1)"
a1=$(alloc "$T")
# (64 KiB of slack: XFS may keep or drop a block of its own beside them)
[ $((a0 - a1)) -ge $(( (3 << 20) - (64 << 10) )) ] && pass "the target's 3 MiB became holes (allocated $a0 -> $a1)" ||
    fail "the target kept the punched ranges allocated ($a0 -> $a1 bytes)"

# ---- Restore of a virtual copy after 2% of the base changed
create_replica snapR 201 4
expect_rc 0 "CreateReplica VC snapR"
snap=$TARGET
SN=$TEST_DIR/pxfs/snapR.img
[ -f "$SN" ] || fail "no snapshot file $SN"
cp --reflink=never "$S" "$TEST_DIR/src.at-snapshot"
wait_pair 201 "$snap" 11 30
change_chunks "$S"
drop_cache "$S" "$SN"
ino=$(stat -c %i "$S")
read -r r0 w0 < <(io_bytes "$PID")
modsync 5 201 "$snap"
expect_rc 4096 "Restore"
expect_job_completed "$JOB" "Restore job"
io_check "Restore" "$r0" "$w0"
cmp -s "$S" "$SN" && pass "after Restore: base = snapshot" ||
    fail "after Restore: base differs from the snapshot: $(cmp "$S" "$SN" 2>&1 | head -n 1)"
cmp -s "$S" "$TEST_DIR/src.at-snapshot" && pass "after Restore: base back to its image at the snapshot" ||
    fail "after Restore: base differs from its image at the snapshot"
expect_eq "Restore keeps the base's inode (hosts hold it open)" "$ino" "$(stat -c %i "$S")"
expect_eq "after Restore: Idle" 11 "$(pair_prop 201 "$snap" SyncState)"

stop_daemon
finish
