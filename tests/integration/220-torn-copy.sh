#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 220-torn-copy: a physical copy is an image of one instant where the pool
# can clone (CONTRACT.md §6 "Point-in-time", issue 10).  On an XFS
# (reflink) and a Btrfs pool, each on a direct-I/O loop device, a writer
# (tornwriter.c) rewrites random 4 KiB blocks of the 32 MiB source with
# O_DIRECT, each stamped with its sequence number, all through an attach
# (AttachOrModifyReplica CT4 on XFS, AttachReplica on Btrfs), a Start
# Copy, a Resync and a CreateReplica CT5, and on XFS an attach that waits
# in the queue and a Restore from a snapshot a host writes; each target
# must then equal the source after exactly one write M, with M between
# the request and its answer, and WhenSynced must be that instant.  On an ext4 pool the documented behaviour: the log and
# `arrayd status` say "no reflink", the copy reads the live source and
# WhenSynced is the completion time (tearing is timing-dependent, so it is
# reported, not required).
. "$(dirname "$0")/lib.sh"

TW=$IT/tornwriter
if [ ! -x "$TW" ] || [ "$TW.c" -nt "$TW" ]; then
	make -s -C "$TOP" tests/integration/tornwriter > /dev/null || die "cannot build $TW"
fi

setup_array "copy_rate_limit = 64M" "max_copy_tasks = 1"
add_fs_pool pxfs xfs 300
add_fs_pool pbtrfs btrfs 300
add_fs_pool pext4 ext4 300
add_volume xsrc pxfs 201 32; add_volume xtgt pxfs 202 32; add_volume xq pxfs 203 32
add_volume bsrc pbtrfs 211 32; add_volume btgt pbtrfs 212 32
add_volume esrc pext4 221 32; add_volume etgt pext4 222 32
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"

WPID=""
CLEANUP+=('[ -n "$WPID" ] && kill "$WPID" 2>/dev/null')

# ws_ns WHENSYNCED: CIM datetime (UTC, +000) -> ns since the epoch
ws_ns() {
	local w=$1
	[[ $w =~ ^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})\.([0-9]{6})\+000$ ]] ||
	    { echo 0; return; }
	local r=("${BASH_REMATCH[@]}")
	echo $(( $(date -u -d "${r[1]}-${r[2]}-${r[3]} ${r[4]}:${r[5]}:${r[6]}" +%s) * 1000000000 + 10#${r[7]} * 1000 ))
}

# torn LABEL MODE SRC-FILE TGT-FILE COMMAND...: run COMMAND (it sets RC,
# JOB) while the writer rewrites SRC-FILE, wait for the job, then judge
# TGT-FILE.  MODE pit: it must be point-in-time; live: reported only.
torn() {
	local label=$1 mode=$2 src=$3 tgt=$4 ready=$TEST_DIR/ready.$1 i out vrc
	shift 4
	note "--- $label"
	rm -f "$ready"
	"$TW" write "$src" "$LOG" "$ready" "$RUN" 40 > "$TEST_DIR/writer.$label" 2>&1 &
	WPID=$!
	for i in $(seq 50); do [ -e "$ready" ] && break; sleep 0.1; done
	[ -e "$ready" ] || { fail "$label: the writer did not start"; kill "$WPID"; wait "$WPID"; WPID=""; return; }
	sleep 0.2	# writes before the request
	"$@"
	T_SENT=$((CURL_SENT * 1000)); T_ANSWERED=$((CURL_DONE * 1000))
	expect_rv 4096 "$label"
	# The log says when the copy ends; then one GetInstance confirms it
	# (each CIM poll starts python3 twice, slow on a loaded machine).
	for i in $(seq 400); do
		grep -qE ": copy (done|failed).*\(job ${JOB##*:}\)" "$TEST_DIR/arrayd.log" && break
		sleep 0.1
	done
	[ -n "$JOB" ] && wait_job "$JOB" 40 && expect_eq "$label job JobState" 7 "$JOBSTATE"
	sleep 0.1	# writes after the copy
	kill -TERM "$WPID"; wait "$WPID"; WPID=""
	note "$label: $(cat "$TEST_DIR/writer.$label")"
	out=$("$TW" verify "$tgt" "$LOG" "$RUN" "$T_SENT" "$T_ANSWERED" 2>&1); vrc=$?
	if [ "$mode" = live ]; then
		note "$label (live source, not point-in-time as documented): $out"
	elif [ "$vrc" = 0 ]; then
		pass "$label: target is one instant of the source: $out"
	else
		fail "$label: target is not one instant of the source within the request (rc $vrc): $out"
	fi
}
# ws_check LABEL MODE SRC TGT: WhenSynced is the image instant (pit: inside
# the request) or the completion time (live: after the answer).
ws_check() {
	local ws n
	ws=$(pair_prop "$3" "$4" WhenSynced)
	n=$(ws_ns "$ws")
	if [ "$2" = pit ]; then
		# 1 ms of slack: the daemon's clock read is in microseconds
		if [ "$n" -ge $((T_SENT - 1000000)) ] && [ "$n" -le $((T_ANSWERED + 1000000)) ]; then
			pass "$1: WhenSynced $ws is inside the request"
		else
			fail "$1: WhenSynced $ws not between the request ($T_SENT) and its answer ($T_ANSWERED)"
		fi
	elif [ "$n" -gt "$T_ANSWERED" ]; then
		pass "$1: WhenSynced $ws is the completion time (after the answer)"
	else
		fail "$1: WhenSynced $ws before the answer on a live-source pool"
	fi
}

# attach_m METHOD SRC TGT COPYTYPE: AttachOrModifyReplica or AttachReplica
# (one handler, both names are CIM); sets RC and JOB.
attach_m() {
	scs_call "$1" "$(pvref SourceElement "$(vol_ref "$2")")$(pvref TargetElement "$(vol_ref "$3")")$(pv CopyType uint16 "$4")"
	RC=$(xq rc 2>/dev/null); JOB=$(xq outkey Job InstanceID 2>/dev/null)
}
# fs_cases FS POOL SRC-ID TGT-ID MODE ATTACH-METHOD
fs_cases() {
	local fs=$1 pool=$2 s=$3 t=$4 mode=$5 am=$6 sf tf c5
	sf=$TEST_DIR/$pool/${fs:0:1}src.img
	tf=$TEST_DIR/$pool/${fs:0:1}tgt.img
	LOG=$TEST_DIR/writes.$fs
	RUN=$((RANDOM * 32768 + RANDOM + 1))
	"$TW" init "$sf" "$RUN" > /dev/null || { fail "$fs: init $sf"; return; }

	torn "$fs $am" "$mode" "$sf" "$tf" attach_m "$am" "$s" "$t" 4
	ws_check "$fs $am" "$mode" "$s" "$t"
	[ "$mode" = live ] && return
	torn "$fs Start Copy" "$mode" "$sf" "$tf" modsync 12 "$s" "$t"
	ws_check "$fs Start Copy" "$mode" "$s" "$t"
	torn "$fs Resync" "$mode" "$sf" "$tf" modsync 4 "$s" "$t"
	ws_check "$fs Resync" "$mode" "$s" "$t"
	c5=${fs}ct5
	torn "$fs CreateReplica CT5" "$mode" "$sf" "$TEST_DIR/$pool/$c5.img" \
	    create_replica "$c5" "$s" 5
	[ -f "$TEST_DIR/$pool/$c5.img" ] || fail "$fs CT5: no target file $pool/$c5.img"
}

# ---- the pools' modes, as the log and `arrayd status` state them
log_has() { grep -qE "$1" "$TEST_DIR/arrayd.log"; }
log_has 'pxfs: reflink \(xfs\)' && pass "log: pxfs: reflink (xfs)" ||
    fail "log: no 'pxfs: reflink (xfs)' line"
log_has 'pbtrfs: reflink \(btrfs\)' && pass "log: pbtrfs: reflink (btrfs)" ||
    fail "log: no 'pbtrfs: reflink (btrfs)' line"
log_has 'pext4: no reflink \(ext4\)' && pass "log: pext4: no reflink (ext4)" ||
    fail "log: no 'pext4: no reflink (ext4)' line"
ST=$(timeout 20 "$ARRAYD" status -c "$CONF" 2>&1)
st_line() { grep -E "(^|[^[:alnum:]_])$1([^[:alnum:]_]|$)" <<< "$ST" | grep -i reflink | head -n 1; }
expect_match "status: pxfs mode" '(^|[^o] )reflink' "$(st_line pxfs)"
expect_match "status: pbtrfs mode" '(^|[^o] )reflink' "$(st_line pbtrfs)"
expect_match "status: pext4 mode" 'no reflink' "$(st_line pext4)"

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
fs_cases btrfs pbtrfs 211 212 pit AttachReplica
fs_cases ext4 pext4 221 222 live AttachOrModifyReplica

# images are never CIM volumes: only the two CT5 targets are new
after=$(vol_ids)
expect_eq "volumes: the two CT5 targets and xsnap added, no image" 3 \
    "$(( $(wc -w <<< "$after") - $(wc -w <<< "$before") ))"
stop_daemon
finish
