#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# pc.sh - end-to-end physical copy (PC) creation time of arrayd against the
# copy engine's own figure, on the copy benchmark's volume A (2 GiB dense).
#
#   tests/bench/pc.sh [DATA_DIR]        (default /tmp/copybench)
#   env: COPYBENCH=/work/shared/bench/copy  CACHES="cold warm"  TIMEOUT=300
#
# Per cache state, side by side in one run:
#  (a) engine: tests/bench/copycli configured as the daemon configures its
#      engine (chunk 1M, 6 chunks in flight per job and in total, the pool
#      size the daemon sets, and the daemon's I/O mode; the O_DIRECT figure
#      of copy.sh is printed too);
#  (b) end to end: a daemon (tests/integration/lib.sh) whose volumes are a
#      copy of A.src and a fresh sparse 2 GiB target; AttachOrModifyReplica
#      CopyType 4 with curl, then GetInstance of the job every 50 ms until
#      JobState 7: the time from the request to Completed; the target is
#      compared with the source.
# Prints both times and e2e/engine (target <= 1.10).  "cold" drops the page
# cache first (root only; otherwise flagged).  Every step is bounded; the
# big files it makes live under DATA_DIR/pc.* and are removed at exit (the
# shared A.src is kept, and made with mkdata.sh's generator and seed if
# missing or of another size).
set -u
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-pc
DATA_DIR=${1:-${DATA_DIR:-/tmp/copybench}}
COPYBENCH=${COPYBENCH:-/work/shared/bench/copy}
CACHES=${CACHES:-cold warm}
TO=${TIMEOUT:-300}
BIN=${BIN_DIR:-${TMPDIR:-/tmp}/copybench-bin}
CLI=$TOP/tests/bench/copycli
SIZE=$((2 << 30))

make -s -C "$TOP" tests/bench/copycli > /dev/null || { echo "pc.sh: cannot build copycli"; exit 1; }
mkdir -p "$DATA_DIR"
SRC=$DATA_DIR/A.src
if [ "$(stat -c %s "$SRC" 2> /dev/null)" != "$SIZE" ]; then
	# mkdata.sh would make all of A, B and C; A alone, same generator and seed.
	[ -x "$BIN/gen" ] || make -s -C "$COPYBENCH/src" BIN="$BIN" > /dev/null ||
	    { echo "pc.sh: cannot build $COPYBENCH/src"; exit 1; }
	echo "pc.sh: creating $SRC (2 GiB dense)"
	timeout "$TO" "$BIN/gen" dense "$SRC" 2G 1 || { echo "pc.sh: gen failed"; exit 1; }
fi
WORK=$(mktemp -d "$DATA_DIR/pc.XXXXXX")
CLEANUP+=("rm -rf '$WORK'")

now() { date +%s.%N; }
COLD_OK=1
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2> /dev/null || COLD_OK=0; }
warm() { timeout "$TO" cat "$1" > /dev/null; }

# The daemon's volumes: a copy of the source and one fresh target per cache.
timeout "$TO" cp --reflink=auto "$SRC" "$WORK/src.img" || die "cannot copy $SRC"
EXTRA_CONF=$(printf '[volume pcsrc]\npool = pool0\npath = %s\nid = 301\n\n' "$WORK/src.img"
	n=302; for c in $CACHES; do
		truncate -s "$SIZE" "$WORK/tgt-$c.img"
		printf '[volume pc%s]\npool = pool0\npath = %s\nid = %d\n\n' "$c" "$WORK/tgt-$c.img" $n
		n=$((n + 1))
	done)
# lib.sh's array copies in 256K chunks; the benchmark wants the daemon's
# default (1M): drop the line so the built-in default applies.
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() { _setup_array "$@"; sed -i '/^chunk_size = /d' "$CONF"; }
start_daemon "log_level = warning" > /dev/null
INFLIGHT=$(awk -F' *= *' '$1 == "copy_inflight" {print $2}' "$CONF")
INFLIGHT=${INFLIGHT:-6}
# What daemon_threadpool_size() sets: chunks in flight + 4.
POOL=$((INFLIGHT + 4))

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

# e2e CACHE TGTID: AttachOrModifyReplica CopyType 4, poll to Completed; sets T.
e2e() {
	local tgt=$2 t0 t1 st
	T=nan
	envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)@INST@</IMETHODCALL>" > "$TEST_DIR/gi_tmpl.xml"
	[ "$1" = cold ] && drop
	[ "$1" = warm ] && warm "$WORK/src.img"
	t0=$(now)
	attach 301 "$tgt" 4
	if [ "$RC" != 4096 ] || [ -z "$JOB" ]; then
		fail "AttachOrModifyReplica 301->$tgt: rc '$RC' job '$JOB'"; return
	fi
	sed "s|@INST@|$(ip InstanceName "$(job_in "$JOB")" | sed 's/[&|]/\\&/g')|" "$TEST_DIR/gi_tmpl.xml" > "$TEST_DIR/gi_pcjob.xml"
	# Poll every 50 ms on one keep-alive connection until a final JobState.
	read -r st t1 < <(timeout "$TO" python3 - "$IT" "$PORT" "$EDIT_PW" "$TEST_DIR/gi_pcjob.xml" "$TO" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
import wirecheck as w
c = w.Client('127.0.0.1', int(sys.argv[2]), 'edit', sys.argv[3])
body = open(sys.argv[4]).read()
end = time.time() + float(sys.argv[5])
st = ''
while time.time() < end:
    r = c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'), body)
    ins = w.instances(r.xml()) if r.status == 200 else []
    st = w.prop_value(ins[0], 'JobState') if ins else 'none'
    if st in ('7', '8', '10'):
        break
    time.sleep(0.05)
print(st, '%.6f' % time.time())
PY
)
	if [ "${st:-}" != 7 ]; then
		fail "job $JOB (301->$tgt, $1): JobState '${st:-}' (not Completed)"; return
	fi
	if ! cmp -s "$WORK/src.img" "$WORK/tgt-$1.img"; then
		fail "job $JOB: target $tgt differs from the source"; return
	fi
	T=$(echo "$t1 - $t0" | bc)
}

echo "pc.sh: A.src $(stat -c %s "$SRC") bytes in $DATA_DIR ($(findmnt -no FSTYPE -T "$DATA_DIR")), $(nproc) cpus;" \
    "daemon: chunk 1M, copy_inflight $INFLIGHT, UV_THREADPOOL_SIZE $POOL"
printf '%-6s %-58s %9s %9s\n' cache run seconds MB/s
tgt=302
for cache in $CACHES; do
	# The daemon's engine uses O_DIRECT and keeps a digest map of the
	# target; copycli -d does the same.  O_DIRECT without a map (copy.sh's
	# row) for reference.
	engine daemon-like -c 1M -j "$INFLIGHT" -q "$INFLIGHT" -d "$WORK/eng.map" -i 1; te=$T
	engine direct -c 1M -j "$INFLIGHT" -q "$INFLIGHT"; td=$T
	e2e "$cache" "$tgt"; tp=$T
	for row in "engine as the daemon (copycli -d MAP -j $INFLIGHT -q $INFLIGHT)|$te" \
	    "engine (copycli -c 1M -j $INFLIGHT -q $INFLIGHT, O_DIRECT)|$td" \
	    "end to end (AttachOrModifyReplica 4 -> JobState 7)|$tp"; do
		IFS='|' read -r name t <<< "$row"
		LC_ALL=C awk -v c="$cache" -v n="$name" -v t="$t" -v s="$SIZE" \
		    'BEGIN {printf "%-6s %-58s %9.2f %9.0f\n", c, n, t, (t > 0 ? s / t / 1e6 : 0)}'
	done
	LC_ALL=C awk -v c="$cache" -v p="$tp" -v e="$te" -v d="$td" 'BEGIN {
	    if (p + 0 <= 0 || e + 0 <= 0 || d + 0 <= 0) { printf "%s: e2e/engine n/a (a run failed)\n", c; exit }
	    printf "%s: e2e/engine %.3f (target <= 1.10: %s); e2e/engine(O_DIRECT, no map) %.3f\n",
	        c, p / e, (p / e <= 1.10 ? "met" : "NOT met"), p / d }'
	tgt=$((tgt + 1))
done
[ $COLD_OK = 1 ] || echo "WARNING: could not drop caches: 'cold' runs are not cold"
finish
