#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# pc.sh - end-to-end physical copy (PC) creation time of arrayd against the
# copy engine's own figure, on a 2 GiB dense volume (the copy benchmark's
# case A) on a real ext4 on a direct-I/O loop device (tests/bench/loopfs.sh).
#
#   tests/bench/pc.sh
#   env: RUNS=3  CACHES="cold warm"  SIZE=2G  TIMEOUT=300  FS=ext4
#        BENCH_DIR=${TMPDIR:-/tmp} (the loop image goes there)
#        COPYBENCH=/work/shared/bench/copy (data generator)
#
# Per round and cache state, side by side:
#  (a) engine: tests/bench/copycli configured as the daemon configures its
#      engine (chunk_size and copy_inflight of the daemon's conf, one job
#      may use every slot, the pool size the daemon sets, its I/O modes and
#      a digest map of the target);
#  (b) end to end: a daemon (tests/integration/lib.sh) with the same source
#      volume and a fresh sparse target; AttachOrModifyReplica CopyType 4
#      with curl, then GetInstance of the job every 50 ms until JobState 7:
#      the time from the request to Completed; the target is compared with
#      the source.
# Prints the medians of RUNS rounds and e2e/engine (target <= 1.05).
# "cold" drops the page cache first.  Every step is bounded; the loop file
# system and everything on it are removed at exit.
set -u
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/loopfs.sh"
TEST_NAME=bench-pc
COPYBENCH=${COPYBENCH:-/work/shared/bench/copy}
CACHES=${CACHES:-cold warm}
RUNS=${RUNS:-3}
TO=${TIMEOUT:-300}
FS=${FS:-ext4}
CLI=$TOP/tests/bench/copycli
SIZE=$(numfmt --from=iec "${SIZE:-2G}")
trap loopfs_cleanup EXIT
CLEANUP+=("loopfs_cleanup")

make -s -C "$TOP" tests/bench/copycli > /dev/null || { echo "pc.sh: cannot build copycli"; exit 1; }
ntgt=$(( RUNS * $(echo $CACHES | wc -w) ))
loopfs_make "$FS" $(( SIZE * 3 + (1 << 30) )) "${BENCH_DIR:-${TMPDIR:-/tmp}}/pcbench-loop.$$" ||
    { echo "pc.sh: needs a $FS loop file system (root, loop devices, space)"; exit 1; }
WORK=$LOOPFS_MNT
BIN=$WORK/bin
mkdir -p "$BIN"
gcc -O2 -o "$BIN/gen" "$COPYBENCH/src/gen.c" || { echo "pc.sh: cannot build gen"; exit 1; }
SRC=$WORK/src.img
timeout "$TO" "$BIN/gen" dense "$SRC" "$SIZE" 1 > /dev/null 2>&1 || { echo "pc.sh: gen failed"; exit 1; }
sync

now() { date +%s.%N; }
COLD_OK=1
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2> /dev/null || COLD_OK=0; }
warm() { timeout "$TO" cat "$1" > /dev/null; }

# The daemon's volumes: the source and one fresh sparse target per run
# (each punched empty again once checked, so the image holds at most three).
EXTRA_CONF=$(printf '[volume pcsrc]\npool = pool0\npath = %s\nid = 301\n\n' "$SRC"
	for n in $(seq 302 $((301 + ntgt))); do
		truncate -s "$SIZE" "$WORK/tgt-$n.img"
		printf '[volume pc%d]\npool = pool0\npath = %s\nid = %d\n\n' $n "$WORK/tgt-$n.img" $n
	done)
# lib.sh's array copies in 256K chunks; the benchmark wants the daemon's
# default (1M): drop the line so the built-in default applies.
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() { _setup_array "$@"; sed -i '/^chunk_size = /d' "$CONF"; }
start_daemon "log_level = warning" > /dev/null
# The daemon's settings: what its conf says, else its documented defaults.
conf_value() {
	local v
	v=$(awk -F' *= *' -v k="$1" '$1 == k {print $2}' "$CONF")
	[ -n "$v" ] || v=$(sed -n "s/^# $1 = \([0-9A-Za-z]*\)$/\1/p" "$TOP/conf/arrayd.conf.example" | head -1)
	echo "$v"
}
CHUNK=$(conf_value chunk_size); INFLIGHT=$(conf_value copy_inflight)
# What daemon_threadpool_size() sets: chunks in flight + 4 + auth_workers.
POOL=$((INFLIGHT + 4 + $(conf_value auth_workers)))

# engine NAME ARGS...: time copycli onto a fresh sparse target; sets T.
engine() {
	local name=$1 t0 t1 rc; shift
	T=nan
	rm -f "$WORK/eng.dst" "$WORK/eng.map"
	[ "$cache" = cold ] && drop
	[ "$cache" = warm ] && warm "$SRC"
	t0=$(now)
	UV_THREADPOOL_SIZE=$POOL timeout "$TO" "$CLI" "$@" "$SRC" "$WORK/eng.dst" > "$WORK/eng.log" 2>&1
	rc=$?
	t1=$(now)
	if [ $rc -ne 0 ] || ! cmp -s "$SRC" "$WORK/eng.dst"; then
		fail "engine $name ($cache): rc=$rc or target differs: $(tail -1 "$WORK/eng.log")"
		return
	fi
	T=$(echo "$t1 - $t0" | bc)
}

# e2e CACHE TGTID: AttachOrModifyReplica CopyType 4 until its job is
# Completed (tests/bench/cimtime.py: the clock runs from sending the
# request, on a connection already made); sets T.
e2e() {
	local tgt=$2 st t
	T=nan
	envelope "<METHODCALL NAME=\"AttachOrModifyReplica\">$(lip "$(scs_in)")$(pvref SourceElement "$(vol_ref 301)")$(pvref TargetElement "$(vol_ref "$tgt")")$(pv CopyType uint16 4)</METHODCALL>" > "$TEST_DIR/attach.xml"
	envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(job_in @JOB@)")</IMETHODCALL>" > "$TEST_DIR/gi_job.xml"
	envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(vol_in 301)")</IMETHODCALL>" > "$TEST_DIR/gi_vol.xml"
	[ "$1" = cold ] && drop
	[ "$1" = warm ] && warm "$SRC"
	read -r st t < <(timeout "$TO" python3 "$TOP/tests/bench/cimtime.py" "$IT" "$PORT" "$EDIT_PW" \
	    "$TEST_DIR/gi_vol.xml" AttachOrModifyReplica "$SCS_OBJ" "$TEST_DIR/attach.xml" \
	    "$TEST_DIR/gi_job.xml" "$TO")
	if [ "${st:-}" != 7 ]; then
		fail "AttachOrModifyReplica 301->$tgt ($1): JobState '${st:-}' (not Completed)"; return
	fi
	T=$t
	if ! cmp -s "$SRC" "$WORK/tgt-$tgt.img"; then
		fail "target $tgt differs from the source"; T=nan
	fi
	fallocate --punch-hole --offset 0 --length "$SIZE" "$WORK/tgt-$tgt.img"
}

echo "pc.sh: source $SIZE bytes on $FS on $LOOPFS_DEV (direct I/O), $(nproc) cpus, $RUNS rounds;" \
    "daemon: chunk $CHUNK, copy_inflight $INFLIGHT, UV_THREADPOOL_SIZE $POOL"
RES=$TEST_DIR/pc.tsv
tgt=302
for round in $(seq 1 "$RUNS"); do
	for cache in $CACHES; do
		engine daemon-like -c "$CHUNK" -j "$INFLIGHT" -q "$INFLIGHT" -d "$WORK/eng.map" -i 1
		printf '%s\tengine\t%s\n' "$cache" "$T" >> "$RES"
		e2e "$cache" "$tgt"
		printf '%s\te2e\t%s\n' "$cache" "$T" >> "$RES"
		echo "round $round $cache: $(tail -2 "$RES" | cut -f2,3 | tr '\t\n' '= ')"
		tgt=$((tgt + 1))
	done
done
python3 - "$RES" "$SIZE" "$INFLIGHT" <<'PY'
import sys, statistics
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
size = int(sys.argv[2])
print(f"{'cache':6} {'run':58} {'median s':>9} {'MB/s':>6}  runs")
for cache in dict.fromkeys(r[0] for r in rows):
    med = {}
    for what, name in (('engine', f'engine as the daemon (copycli -d MAP -j {sys.argv[3]})'),
                       ('e2e', 'end to end (AttachOrModifyReplica 4 -> JobState 7)')):
        ts = [float(r[2]) for r in rows if r[0] == cache and r[1] == what and r[2] != 'nan']
        if not ts:
            continue
        med[what] = statistics.median(ts)
        print(f"{cache:6} {name:58} {med[what]:9.2f} {size / med[what] / 1e6:6.0f}  " + ' '.join(f'{t:.2f}' for t in ts))
    if len(med) == 2:
        r = med['e2e'] / med['engine']
        print(f"{cache}: e2e/engine {r:.3f} (target <= 1.05: {'met' if r <= 1.05 else 'NOT met'})")
    else:
        print(f"{cache}: e2e/engine n/a (a run failed)")
PY
[ $COLD_OK = 1 ] || echo "WARNING: could not drop caches: 'cold' runs are not cold"
finish
