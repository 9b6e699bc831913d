#!/bin/bash
# SPDX-License-Identifier: ISC
# copy.sh - the copy engine (tests/bench/copycli) with the daemon's own
# settings against the stock tools, side by side in one run, on a real file
# system on a direct-I/O loop device (tests/bench/loopfs.sh), cold and warm
# cache, RUNS rounds (every tool once per round, so a slow spell of the
# shared machine hits all alike); prints the medians and, per case and
# cache, the ratio best stock tool / engine (target >= 1.00).
#
#   tests/bench/copy.sh
#   env: RUNS=3  CASES="A B C"  CACHES="cold warm"  SWEEP=1  FS=ext4
#        A_SIZE=2G  B_SIZE=16G B_DATA=1G B_EXT=4M  C_SIZE=8G C_PCT=2
#        (sizes scale the cases for a quick run; the issue's are the defaults)
#        BENCH_DIR=${TMPDIR:-/tmp} (the loop image goes there)  TIMEOUT=900
#        COPYBENCH=/work/shared/bench/copy (data generator, verifier)
# Cases: A dense; B sparse (B_DATA in B_EXT extents); C resync: the target
# exists and differs in C_PCT% of its 1 MiB chunks.
# The engine runs as the daemon configures it: chunk_size and copy_inflight
# as conf/arrayd.conf.example's defaults, one job may use every slot, the
# thread pool the daemon sizes (copy_inflight + 4 + auth_workers), O_DIRECT
# reads of what the page cache lacks, streamed buffered writes, and a digest
# map of the target (copycli -d), as the daemon keeps one per target.
# Case C for the engine is the daemon's Resync of a pair whose map is valid:
# a PC target is not written by hosts while paired, so the set-up swaps
# roles: an untimed engine copy makes C.tgt = C.src and seals its map; the
# timed run resyncs C.tgt from C.dst (C_PCT% of chunks differ), reading only
# C.dst; the stock tools rewrite the stale C.dst from C.src.
# "cold" drops the page cache before each run (root), "warm" reads the
# source (and for C the target) first.  Every run is charged for a final
# `sync` of its target and checked byte for byte (first round, failures).
# SWEEP=1 adds engine variants on case A: chunks in flight 2, 4, 8,
# O_DIRECT writes, no page-cache probe.  Disk: the image holds one case's
# files at a time (A 2x, B 2x data, C 3x the size), removed at exit.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/loopfs.sh"
COPYBENCH=${COPYBENCH:-/work/shared/bench/copy}
RUNS=${RUNS:-3}
CASES=${CASES:-A B C}
CACHES=${CACHES:-cold warm}
SWEEP=${SWEEP:-1}
FS=${FS:-ext4}
TO=${TIMEOUT:-900}
A_SIZE=${A_SIZE:-2G}
B_SIZE=${B_SIZE:-16G}; B_DATA=${B_DATA:-1G}; B_EXT=${B_EXT:-4M}
C_SIZE=${C_SIZE:-8G}; C_PCT=${C_PCT:-2}
CLI=$ROOT/tests/bench/copycli
OUT=$(mktemp -d "${TMPDIR:-/tmp}/copybench-engine.XXXXXX")
BIN=$OUT/bin
RES=$OUT/results.tsv
trap 'loopfs_cleanup; rm -rf "$BIN"' EXIT
trap 'exit 130' INT TERM

die() { echo "copy.sh: $*"; exit 1; }
make -s -C "$ROOT" tests/bench/copycli > /dev/null || die "cannot build copycli"
mkdir -p "$BIN"
for t in gen vcmp warm; do
	gcc -O2 -o "$BIN/$t" "$COPYBENCH/src/$t.c" || die "cannot build $COPYBENCH/src/$t.c"
done

# The daemon's settings: its documented defaults, in one place.
conf_default() {
	sed -n "s/^# $1 = \([0-9A-Za-z]*\)$/\1/p" "$ROOT/conf/arrayd.conf.example" | head -1
}
CHUNK=$(conf_default chunk_size); INFLIGHT=$(conf_default copy_inflight)
AUTHW=$(conf_default auth_workers)
[ -n "$CHUNK" ] && [ -n "$INFLIGHT" ] && [ -n "$AUTHW" ] || die "cannot read the defaults"
POOL=$((INFLIGHT + 4 + AUTHW))
ENGINE="UV_THREADPOOL_SIZE=$POOL \$CLI -c $CHUNK -j $INFLIGHT -q $INFLIGHT -d \"\$MAP\" -i 1"

bytes() { numfmt --from=iec "$1"; }
img=$(( $(bytes "$A_SIZE") * 2 ))
b=$(( $(bytes "$B_DATA") * 2 )); [ $b -gt $img ] && img=$b
c=$(( $(bytes "$C_SIZE") * 3 )); [ $c -gt $img ] && img=$c
img=$(( (img + img / 10 + (1 << 30)) >> 20 << 20 ))
loopfs_make "$FS" "$img" "${BENCH_DIR:-${TMPDIR:-/tmp}}/copybench-loop.$$" ||
    die "needs a $FS loop file system (root, loop devices, $(numfmt --to=iec $img) of space)"
D=$LOOPFS_MNT

now() { date +%s.%N; }
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
alloc() { [ -e "$1" ] && echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )) || echo 0; }

mkdata() {
	case $1 in
	A) "$BIN/gen" dense "$D/A.src" "$A_SIZE" 1 ;;
	B) "$BIN/gen" sparse "$D/B.src" "$B_SIZE" "$B_DATA" "$B_EXT" 2 ;;
	C) "$BIN/gen" dense "$D/C.src" "$C_SIZE" 3 && cp "$D/C.src" "$D/C.dst" &&
	   "$BIN/gen" perturb "$D/C.dst" 1M "$C_PCT" 3 ;;
	esac > /dev/null 2>&1 && sync
}

# run CASE CACHE ROUND NAME COMMAND: prepare, time command + sync, record.
run() {
	local c=$1 cache=$2 round=$3 name=$4 cmd=$5 tf log rc t0 t1 e rss inb outb verify
	SRC=$D/$c.src; DST=$D/$c.dst; MAP=$D/$c.map
	if [[ $name == engine* && $c == C ]]; then
		# In sync with C.src and its map sealed (untimed), then the
		# resync from the stale copy C.dst (perturbed again: stock runs
		# may have brought it up to date).
		"$BIN/gen" perturb "$DST" 1M "$C_PCT" 3 > /dev/null 2>&1
		UV_THREADPOOL_SIZE=$POOL timeout "$TO" "$CLI" -m diff -d "$MAP" -i 1 \
		    "$SRC" "$D/C.tgt" > /dev/null 2>&1 || { echo "copy.sh: C set-up failed"; return; }
		SRC=$D/C.dst; DST=$D/C.tgt
		[[ $name == *"no map"* ]] && rm -f "$MAP"
	elif [ "$c" = C ]; then
		"$BIN/gen" perturb "$DST" 1M "$C_PCT" 3 > /dev/null 2>&1
	else
		rm -f "$DST" "$MAP"
	fi
	drop
	if [ "$cache" = warm ]; then
		if [ "$c" = C ]; then "$BIN/warm" "$SRC" "$DST"; else "$BIN/warm" "$SRC"; fi
	fi
	tf=$(mktemp); log=$OUT/$c-$cache-$round-$(echo "$name" | tr -c 'A-Za-z0-9' '_').log
	export SRC DST MAP CLI
	t0=$(now)
	/usr/bin/time -f "%M %I %O" -o "$tf" timeout "$TO" bash -c "$cmd" < /dev/null > "$log" 2>&1
	rc=$?
	sync "$DST"
	t1=$(now)
	read -r rss inb outb < <(tail -1 "$tf"); rm -f "$tf"
	e=$(echo "$t1 - $t0" | bc)
	verify=-
	if [ "$round" = 1 ] || [ $rc -ne 0 ]; then
		if [ $rc -eq 0 ] && "$BIN/vcmp" "$SRC" "$DST" > /dev/null 2>&1; then verify=ok; else verify=FAIL; fi
	fi
	printf '%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$cache" "$round" "$name" "$e" "$rc" \
	    "$(( ${inb:-0} * 512 ))" "$(( ${outb:-0} * 512 ))" "$(alloc "$DST")" "${rss:-0}" "$verify" >> "$RES"
	printf '  %s %-4s r%s %-50s %7.2f s rc=%s read=%s written=%s rss=%sK %s\n' "$c" "$cache" "$round" \
	    "$name" "$e" "$rc" "$(( ${inb:-0} * 512 ))" "$(( ${outb:-0} * 512 ))" "${rss:-0}" "$verify"
}

# CASES[:MAXRUNS]|NAME|COMMAND ($SRC, $DST, $MAP, $CLI).  "engine" = the
# daemon's settings.  rsync runs in the first round only: it reads the
# whole of both files (and B's holes) and is slower than the rest many
# times over, so its median is the one figure.
TOOLS=(
"ABC|engine|$ENGINE \"\$SRC\" \"\$DST\""
"AB|cp --sparse=always|cp --sparse=always \"\$SRC\" \"\$DST\""
"AB|dd bs=4M iflag=direct oflag=direct conv=sparse|dd if=\"\$SRC\" of=\"\$DST\" bs=4M iflag=direct oflag=direct conv=sparse status=none"
"AB|qemu-img convert -W -m 8|qemu-img convert -W -m 8 -f raw -O raw \"\$SRC\" \"\$DST\""
"AB|qemu-img convert -W -m 8 -t none -T none|qemu-img convert -W -m 8 -t none -T none -f raw -O raw \"\$SRC\" \"\$DST\""
"AB:1|rsync --inplace --sparse|rsync --inplace --sparse \"\$SRC\" \"\$DST\""
"C|engine, no map (reads both sides)|UV_THREADPOOL_SIZE=$POOL \$CLI -c $CHUNK -j $INFLIGHT -q $INFLIGHT \"\$SRC\" \"\$DST\""
"C|cp --reflink=never (full rewrite)|cp --reflink=never \"\$SRC\" \"\$DST\""
"C|dd bs=4M direct notrunc (full rewrite)|dd if=\"\$SRC\" of=\"\$DST\" bs=4M iflag=direct oflag=direct conv=notrunc status=none"
"C|qemu-img convert -n -W -m 8|qemu-img convert -n -W -m 8 -f raw -O raw \"\$SRC\" \"\$DST\""
"C|qemu-img convert -n -W -m 8 -t none -T none|qemu-img convert -n -W -m 8 -t none -T none -f raw -O raw \"\$SRC\" \"\$DST\""
"C:1|rsync --inplace --no-whole-file|rsync --inplace --no-whole-file \"\$SRC\" \"\$DST\""
)
SWEEPS=(
"A|sweep: 2 in flight|UV_THREADPOOL_SIZE=$POOL \$CLI -c $CHUNK -j 2 -q 2 -d \"\$MAP\" -i 1 \"\$SRC\" \"\$DST\""
"A|sweep: 4 in flight|UV_THREADPOOL_SIZE=$POOL \$CLI -c $CHUNK -j 4 -q 4 -d \"\$MAP\" -i 1 \"\$SRC\" \"\$DST\""
"A|sweep: 8 in flight|UV_THREADPOOL_SIZE=$((POOL + 2)) \$CLI -c $CHUNK -j 8 -q 8 -d \"\$MAP\" -i 1 \"\$SRC\" \"\$DST\""
"A|sweep: O_DIRECT writes|$ENGINE -D \"\$SRC\" \"\$DST\""
"A|sweep: no page-cache probe|$ENGINE -P \"\$SRC\" \"\$DST\""
)

echo "copy.sh: $FS on ${LOOPFS_DEV} (direct I/O) over $(findmnt -no FSTYPE -T "$OUT") at $D;" \
    "$(nproc) cpus; $RUNS rounds; daemon settings: chunk $CHUNK, copy_inflight $INFLIGHT," \
    "UV_THREADPOOL_SIZE $POOL; results in $OUT"
for c in $CASES; do
	echo "== case $c: making data"
	mkdata "$c" || die "cannot make the data of case $c"
	list=("${TOOLS[@]}")
	[ "$SWEEP" = 1 ] && list+=("${SWEEPS[@]}")
	for round in $(seq 1 "$RUNS"); do
		for cache in $CACHES; do
			echo "== case $c, $cache cache, round $round"
			for t in "${list[@]}"; do
				IFS='|' read -r cs name cmd <<< "$t"
				IFS=: read -r cs maxruns <<< "$cs"
				[[ $cs == *$c* ]] || continue
				[ "$round" -le "${maxruns:-$RUNS}" ] || continue
				# The engine's resync is a differential copy.
				[[ $c == C && $name == engine* ]] && cmd=${cmd/\$CLI /\$CLI -m diff }
				run "$c" "$cache" "$round" "$name" "$cmd"
			done
		done
	done
	rm -f "$D/$c".* "$D/C.tgt"
done

python3 - "$RES" <<'PY'
import sys, csv, statistics
rows = list(csv.reader(open(sys.argv[1]), delimiter='\t'))
groups = {}
for c, cache, rnd, name, t, rc, rd, wr, al, rss, ok in rows:
    g = groups.setdefault((c, cache, name), {'t': [], 'ok': True, 'rd': [], 'wr': [], 'rss': 0, 'al': al})
    g['t'].append(float(t)); g['rd'].append(int(rd)); g['wr'].append(int(wr))
    g['rss'] = max(g['rss'], int(rss)); g['ok'] &= rc == '0' and ok != 'FAIL'
print("\n| case | cache | tool | median s (runs) | read | written | target alloc | peak RSS KiB | ok |")
print("|---|---|---|---|---|---|---|---|---|")
for (c, cache, name), g in groups.items():
    m = statistics.median(g['t'])
    runs = ' '.join(f'{x:.2f}' for x in g['t'])
    print(f"| {c} | {cache} | {name} | {m:.2f} ({runs}) | {statistics.median(g['rd'])/2**20:.0f} MiB"
          f" | {statistics.median(g['wr'])/2**20:.0f} MiB | {int(g['al'])/2**20:.0f} MiB | {g['rss']} | {'ok' if g['ok'] else 'FAIL'} |")
print("\nratios (best stock tool median / engine median, the daemon's settings; target >= 1.00):")
for c in 'ABC':
    for cache in ('cold', 'warm'):
        e = groups.get((c, cache, 'engine'))
        stock = [(statistics.median(g['t']), n) for (cc, ca, n), g in groups.items()
                 if cc == c and ca == cache and not n.startswith(('engine', 'sweep')) and g['ok']]
        if not e or not stock:
            continue
        te = statistics.median(e['t']); ts, best = min(stock)
        r = ts / te
        print(f"RATIO {c} {cache}: engine {te:.2f} s vs {best} {ts:.2f} s: {r:.2f}x"
              f" ({'met' if r >= 1.0 and e['ok'] else 'NOT met'})")
PY
echo "raw: $RES"
