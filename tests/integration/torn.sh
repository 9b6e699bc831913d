# SPDX-License-Identifier: ISC
#
# torn.sh - the torn-copy machinery of 220 and 227 (sourced after lib.sh):
# tornwriter runs a stamped O_DIRECT writer on a source through a copy
# and judges the target; fs_cases runs attach, Start Copy, Resync and
# CreateReplica CT5 on one pool; pool_mode_checks reads the pool's mode
# from the log and from `arrayd status`.

TW=$IT/tornwriter
if [ ! -x "$TW" ] || [ "$TW.c" -nt "$TW" ]; then
	make -s -C "$TOP" tests/integration/tornwriter > /dev/null || die "cannot build $TW"
fi
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
# pool_mode_checks POOL REGEX [POOL REGEX]...: the start-up log has a line
# "POOL: REGEX" and `arrayd status` a line naming POOL whose mode matches.
pool_mode_checks() {
	local st line
	st=$(timeout 20 "$ARRAYD" status -c "$CONF" 2>&1)
	while [ $# -ge 2 ]; do
		grep -qE "$1: $2" "$TEST_DIR/arrayd.log" && pass "log: $1: ${2//\\/}" ||
		    fail "log: no '$1: $2' line"
		line=$(grep -E "(^|[^[:alnum:]_])$1([^[:alnum:]_]|$)" <<< "$st" | grep -i reflink | head -n 1)
		case $2 in
		no*) expect_match "status: $1 mode" 'no reflink' "$line";;
		*) expect_match "status: $1 mode" '(^|[^o] )reflink' "$line";;
		esac
		shift 2
	done
}
