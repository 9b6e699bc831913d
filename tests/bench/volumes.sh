#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# volumes.sh - Block Services benchmark: time per volume create and per
# delete through CIM, and EnumerateInstances(CIM_StorageVolume) wall time
# as the number of volumes grows.
#
# Part 1 starts a daemon (tests/integration/lib.sh: its five configured
# volumes) and runs volbench.py over one HTTPS keep-alive connection:
# COUNT (default 1000) CreateOrModifyElementFromStoragePool of 256 MiB
# (sparse) volumes, timing each, then ReturnToStoragePool of each, timing
# each (p50/p99/mean), and EnumerateInstances(CIM_StorageVolume) (median of
# 5) when 10 and 1000 volumes exist.
# Part 2 (BIG volumes, default 10000): making them through CIM would take
# ~COUNT*30 ms on a disk and 256 MiB each exceeds the pool's default
# overprovision limit (400% of the file system), so the daemon starts on a
# configuration with BIG-5 extra [volume] sections of 1 MiB sparse files;
# EnumerateInstances is timed there, and BIG_CREATES (default 20) creates
# and deletes through CIM show the per-request cost with that many volumes.
# Environment: COUNT, BIG, BIG_CREATES, BENCH_DIR (where the state and pool
# live; default $TMPDIR or /tmp; a tmpfs such as /dev/shm gives no fsync
# cost but a small file system caps the pool's overprovision limit:
# 400% of its size / 256 MiB volumes), DEADLINE (s per part, default 600).
set -u
export TMPDIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-volumes
COUNT=${COUNT:-1000}
BIG=${BIG:-10000}
BIG_CREATES=${BIG_CREATES:-20}
DEADLINE=${DEADLINE:-600}
VB="python3 $TOP/tests/bench/volbench.py"
rc=0

echo "# state and pool under $TMPDIR ($(df -T "$TMPDIR" | awk 'NR==2 {print $2}'))"
echo "# part 1: $COUNT volumes created and deleted through CIM"
start_daemon "log_level = warning" > /dev/null
timeout $((DEADLINE + 30)) $VB create --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --count "$COUNT" --enum-at "10,$COUNT" --deadline "$DEADLINE" || rc=1
stop_daemon > /dev/null
rm -rf "$TEST_DIR"

echo "# part 2: $BIG volumes (5 configured + $((BIG - 5)) more [volume] sections, 1 MiB sparse files)"
EXTRA_CONF=$(for i in $(seq 0 $((BIG - 6))); do
	printf '[volume c%d]\npool = pool0\npath = @DIR@/pool0/c%d.img\nsize = 1M\nid = %d\n\n' "$i" "$i" $((1000 + i))
done)
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() {
	_setup_array "$@"
	sed -i "s|@DIR@|$TEST_DIR|g" "$CONF"
	# the files exist beforehand (as an operator's would): start-up then
	# only opens them instead of creating and syncing 10 000 files
	(cd "$TEST_DIR/pool0" && for i in $(seq 0 $((BIG - 6))); do echo "c$i.img"; done | xargs truncate -s 1M)
}
# lib.sh waits 15 s for "listening on"; 10 000 volumes may need longer
launch_orig=$(declare -f launch_daemon)
eval "${launch_orig//seq 150/seq 1200}"
eval "$(declare -f launch_daemon | sed 's/-lt 150/-lt 1200/')"
t0=$(date +%s.%N)
start_daemon "log_level = warning" > /dev/null
echo "RESULT what=startup volumes=$BIG secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
timeout $((DEADLINE + 30)) $VB enum --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --reps 5 --deadline "$DEADLINE" || rc=1
timeout $((DEADLINE + 30)) $VB create --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --count "$BIG_CREATES" --enum-at "" --deadline "$DEADLINE" || rc=1
[ "$FAILS" -eq 0 ] || rc=1
exit $rc
