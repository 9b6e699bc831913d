#!/bin/bash
# SPDX-License-Identifier: ISC
# copy.sh - benchmark the blockdev copy engine (tests/bench/copycli) against
# cp, dd, qemu-img and rsync on the shared generated data, cold and warm
# cache, and print per case the time, throughput ratio to the best stock
# tool, bytes written and the target's allocated bytes.
#
#   tests/bench/copy.sh [DATA_DIR]        (default /tmp/copybench)
#   env: COPYBENCH=/work/shared/bench/copy  TIMEOUT=600 (per run)
#        CACHES="cold warm"  CASES="A B C"  SWEEP=1 (engine variants on A, C)
# Cases (mkdata.sh): A 2 GiB dense; B 16 GiB sparse, 1 GiB in 4 MiB extents;
# C 8 GiB resync, existing target differs in 2% of its 1 MiB chunks.
# C with a digest map: the engine's resync when the pair's map is valid.  A
# PC target is not host-written while paired, so the set-up swaps roles: an
# untimed engine copy makes C.tgt = C.src and seals its map; the timed run
# resyncs C.tgt from C.dst (2% of chunks differ) reading only C.dst, and is
# verified against C.dst.  Needs 8 GiB more in DATA_DIR.
# Every run is charged for a final `sync` of the target and is verified.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA_DIR=${1:-${DATA_DIR:-/tmp/copybench}}
COPYBENCH=${COPYBENCH:-/work/shared/bench/copy}
TO=${TIMEOUT:-600}
CACHES=${CACHES:-cold warm}
CASES=${CASES:-A B C}
SWEEP=${SWEEP:-1}
BIN=${BIN_DIR:-${TMPDIR:-/tmp}/copybench-bin}
CLI=$ROOT/tests/bench/copycli

[ -x "$COPYBENCH/mkdata.sh" ] || { echo "copy.sh: no $COPYBENCH/mkdata.sh (set COPYBENCH)"; exit 1; }
make -s -C "$ROOT" tests/bench/copycli >/dev/null || { echo "copy.sh: cannot build copycli"; exit 1; }
DATA_DIR=$DATA_DIR "$COPYBENCH/mkdata.sh" >/dev/null || { echo "copy.sh: mkdata.sh failed"; exit 1; }
for t in warm vcmp gen; do [ -x "$BIN/$t" ] || { echo "copy.sh: missing $BIN/$t"; exit 1; }; done

now() { date +%s.%N; }
COLD_OK=1
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || COLD_OK=0; }
alloc() { [ -e "$1" ] && echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )) || echo 0; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/copybench-engine.XXXXXX")
RES=$OUT/results.tsv

# run CASE CACHE NAME COMMAND: prepare target and cache, time command + sync.
run() {
	local c=$1 cache=$2 name=$3 cmd=$4 tf log rc t0 t1 e rss outb wr verify
	SRC=$DATA_DIR/$c.src; DST=$DATA_DIR/$c.dst
	if [[ $name == *"digest map"* ]]; then
		# In sync with C.src and its map sealed (untimed), then resync from
		# the stale copy C.dst (other runs may have brought it up to date).
		"$BIN/gen" perturb "$DST" 1M 2 3 >/dev/null 2>&1
		"$CLI" -m diff -d "$DATA_DIR/C.tgt.map" -i 1 "$SRC" "$DATA_DIR/C.tgt" >/dev/null 2>&1 ||
		    { echo "copy.sh: digest map set-up failed"; return; }
		SRC=$DATA_DIR/C.dst; DST=$DATA_DIR/C.tgt; MAP=$DATA_DIR/C.tgt.map
		export MAP
	elif [ "$c" = C ]; then
		"$BIN/gen" perturb "$DST" 1M 2 3 >/dev/null 2>&1	# back to the stale copy
	else
		rm -f "$DST"
	fi
	drop
	if [ "$cache" = warm ]; then
		if [ "$c" = C ]; then "$BIN/warm" "$SRC" "$DST"; else "$BIN/warm" "$SRC"; fi
	fi
	tf=$(mktemp); log=$OUT/$c-$cache-$(echo "$name" | tr -c 'A-Za-z0-9' '_').log
	export SRC DST CLI
	t0=$(now)
	/usr/bin/time -f "%M %O" -o "$tf" timeout "$TO" bash -c "$cmd" </dev/null >"$log" 2>&1
	rc=$?
	sync "$DST" 2>/dev/null
	t1=$(now)
	read -r rss outb < <(tail -1 "$tf"); rm -f "$tf"
	e=$(echo "$t1 - $t0" | bc)
	# The engine counts what it wrote; for the others take the block-layer count.
	wr=$(grep -o 'bytes_written=[0-9]*' "$log" | cut -d= -f2)
	[ -n "$wr" ] || wr=$(( ${outb:-0} * 512 ))
	if [ $rc -eq 0 ] && "$BIN/vcmp" "$SRC" "$DST" >/dev/null 2>&1; then verify=ok; else verify=FAIL; fi
	printf '%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\n' "$c" "$cache" "$name" "$e" "$rc" \
	    "$wr" "$(alloc "$DST")" "$rss" "$verify" >> "$RES"
	printf '  %-2s %-5s %-44s %7.2f s  rc=%s written=%s alloc=%s rss=%sK %s\n' "$c" "$cache" \
	    "$name" "$e" "$rc" "$wr" "$(alloc "$DST")" "$rss" "$verify"
}

# Tools: CASES|NAME|COMMAND ($SRC, $DST, $CLI)
TOOLS=(
"AB|engine (1M, O_DIRECT, default)|\$CLI \"\$SRC\" \"\$DST\""
"AB|engine (1M, O_DIRECT, 6 in flight)|UV_THREADPOOL_SIZE=8 \$CLI -j 6 -q 6 \"\$SRC\" \"\$DST\""
"AB|engine (1M, O_DIRECT, 3 in flight)|\$CLI -j 3 -q 3 \"\$SRC\" \"\$DST\""
"AB|cp --sparse=always|cp --sparse=always \"\$SRC\" \"\$DST\""
"AB|dd bs=1M conv=sparse,fsync|dd if=\"\$SRC\" of=\"\$DST\" bs=1M conv=sparse,fsync status=none"
"AB|qemu-img convert|qemu-img convert -f raw -O raw \"\$SRC\" \"\$DST\""
"AB|qemu-img convert -W -m 8 -t none -T none|qemu-img convert -W -m 8 -t none -T none -f raw -O raw \"\$SRC\" \"\$DST\""
"C|engine diff (1M, O_DIRECT, default)|\$CLI -m diff \"\$SRC\" \"\$DST\""
"C|engine diff, digest map (1M, O_DIRECT, default)|\$CLI -m diff -d \"\$MAP\" -i 1 \"\$SRC\" \"\$DST\""
"C|engine diff, digest map (1M, O_DIRECT, 6 in flight)|UV_THREADPOOL_SIZE=8 \$CLI -m diff -j 6 -q 6 -d \"\$MAP\" -i 1 \"\$SRC\" \"\$DST\""
"C|engine diff (1M, O_DIRECT, 3 in flight)|\$CLI -m diff -j 3 -q 3 \"\$SRC\" \"\$DST\""
"C|engine full (1M, O_DIRECT)|\$CLI -m full \"\$SRC\" \"\$DST\""
"C|rsync --inplace --no-whole-file|rsync --inplace --no-whole-file \"\$SRC\" \"\$DST\""
"C|cp --reflink=never|cp --reflink=never \"\$SRC\" \"\$DST\""
"C|dd bs=1M conv=notrunc,fsync|dd if=\"\$SRC\" of=\"\$DST\" bs=1M conv=notrunc,fsync status=none"
"C|qemu-img convert -n -W -m 8 -t none -T none|qemu-img convert -n -W -m 8 -t none -T none -f raw -O raw \"\$SRC\" \"\$DST\""
)
SWEEPS=(
"A|sweep rw buffered 1M|\$CLI -b \"\$SRC\" \"\$DST\""
"A|sweep rw buffered 4M|\$CLI -b -c 4M \"\$SRC\" \"\$DST\""
"A|sweep copy_file_range 1M|\$CLI -r \"\$SRC\" \"\$DST\""
"A|sweep copy_file_range 4M|\$CLI -r -c 4M \"\$SRC\" \"\$DST\""
"A|sweep O_DIRECT 1M|\$CLI \"\$SRC\" \"\$DST\""
"A|sweep O_DIRECT 4M|\$CLI -c 4M \"\$SRC\" \"\$DST\""
"A|sweep O_DIRECT 16M|\$CLI -c 16M \"\$SRC\" \"\$DST\""
"A|sweep O_DIRECT 1M, 3 in flight|\$CLI -j 3 -q 3 \"\$SRC\" \"\$DST\""
"A|sweep O_DIRECT 4M, 3 in flight|\$CLI -c 4M -j 3 -q 3 \"\$SRC\" \"\$DST\""
"C|sweep diff buffered 1M|\$CLI -m diff -b \"\$SRC\" \"\$DST\""
"C|sweep full O_DIRECT 1M, 3 in flight|\$CLI -m full -j 3 -q 3 \"\$SRC\" \"\$DST\""
)

echo "copy.sh: data in $DATA_DIR ($(findmnt -no FSTYPE -T "$DATA_DIR")), $(nproc) cpus, results in $OUT"
for c in $CASES; do
	for cache in $CACHES; do
		echo "== case $c, $cache cache"
		for t in "${TOOLS[@]}"; do
			IFS='|' read -r cs name cmd <<< "$t"
			[[ $cs == *$c* ]] && run "$c" "$cache" "$name" "$cmd"
		done
	done
	if [ "$SWEEP" = 1 ]; then
		echo "== case $c, engine variants (cold)"
		for t in "${SWEEPS[@]}"; do
			IFS='|' read -r cs name cmd <<< "$t"
			[[ $cs == *$c* ]] && run "$c" cold "$name" "$cmd"
		done
	fi
	[ "$c" != C ] && rm -f "$DATA_DIR/$c.dst"
done
rm -f "$DATA_DIR/C.tgt" "$DATA_DIR/C.tgt.map"
[ $COLD_OK = 1 ] || echo "WARNING: could not drop caches: 'cold' runs are not cold"

# Summary: ratio = best stock tool time / engine time (higher is better).
python3 - "$RES" "$DATA_DIR" <<'PY'
import sys, csv, os
rows = [r for r in csv.reader(open(sys.argv[1]), delimiter='\t')]
vol = {c: os.stat(os.path.join(sys.argv[2], c + '.src')).st_size for c in 'ABC'}
print("\n| case | cache | tool | time s | MB/s of volume | written bytes | written % | target alloc | peak RSS KiB | ok |")
print("|---|---|---|---|---|---|---|---|---|---|")
for c, cache, name, t, rc, wr, al, rss, ok in rows:
    t = float(t)
    print(f"| {c} | {cache} | {name} | {t:.2f} | {vol[c]/t/1e6:.0f} | {wr} | {100*int(wr)/vol[c]:.2f} | {al} | {rss} | {ok} |")
print()
print("ratios: A, B = best stock tool time / best engine time (target A >= 1.3);"
      " C = engine full time / engine diff time (target >= 2), diff writes <= 2.5%")
for c in 'ABC':
    for cache in ('cold', 'warm'):
        rs = [r for r in rows if r[0] == c and r[1] == cache and not r[2].startswith('sweep')]
        eng = [r for r in rs if r[2].startswith('engine') and ('diff' in r[2] or c != 'C') and r[8] == 'ok']
        stock = [r for r in rs if not r[2].startswith('engine') and r[8] == 'ok']
        if not eng or not stock:
            continue
        eng.sort(key=lambda r: float(r[3])); te = float(eng[0][3]); best = min(stock, key=lambda r: float(r[3]))
        line = f"{c} {cache}: {eng[0][2]} {te:.2f} s vs best stock ({best[2]}) {float(best[3]):.2f} s: ratio {float(best[3])/te:.2f}x"
        rss = max(int(r[7] or 0) for r in rows if r[2].startswith('engine') or r[2].startswith('sweep'))
        line = line.replace(" s vs best", f" s (peak RSS of any engine run {rss} KiB) vs best", 1)
        if c == 'C':
            full = sorted([r for r in rows if r[0] == c and 'full' in r[2] and r[3] and r[1] == cache], key=lambda r: float(r[3]))
            if full:
                line += f"; engine full {float(full[0][3]):.2f} s = {float(full[0][3])/te:.2f}x the diff time"
            line += f"; diff wrote {100*int(eng[0][5])/vol[c]:.2f}% of the volume"
            rb = sorted([r for r in eng if 'digest' not in r[2]], key=lambda r: float(r[3]))
            if rb and full:
                line += f"; read-both diff {float(rb[0][3]):.2f} s = {float(full[0][3])/float(rb[0][3]):.2f}x"
        if c == 'B':
            src_alloc = os.stat(os.path.join(sys.argv[2], 'B.src')).st_blocks * 512
            line += f"; target alloc {eng[0][6]} vs source {src_alloc}"
        print(line)
PY
echo "raw: $RES"
