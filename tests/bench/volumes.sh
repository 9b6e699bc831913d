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
# 5) when 10 and 1000 volumes exist.  The pool has `overprovision = 0`.
# Part 2 (BIG volumes, default 10000): with BIG_VIA=cim (default) a fresh
# daemon gets BIG-5 more
# volumes through CIM, EnumerateInstances is timed when BIG exist, then all
# are deleted (create/delete times at that scale).  BIG_VIA=config starts
# the daemon on BIG-5 extra [volume] sections of 1 MiB sparse files
# instead, times EnumerateInstances and BIG_CREATES (default 20) creates
# and deletes through CIM beside them.
# Environment: COUNT, BIG, BIG_VIA, BIG_CREATES, BENCH_DIR (where the state and pool
# live; default $TMPDIR or /tmp; a tmpfs such as /dev/shm: no fsync cost),
# DEADLINE (s per part, default 600).
set -u
export TMPDIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-volumes
COUNT=${COUNT:-1000}
BIG=${BIG:-10000}
BIG_CREATES=${BIG_CREATES:-20}
BIG_VIA=${BIG_VIA:-cim}
DEADLINE=${DEADLINE:-600}
VB="python3 $TOP/tests/bench/volbench.py"
rc=0
# Every pool gets `overprovision = 0`: 256 MiB sparse volumes past 400% of
# the file system would be refused (on a 24 GiB tmpfs after 384 of them);
# the benchmark measures requests, not that limit.  BENCH_CONF_HOOK runs
# after it (part 2 with BIG_VIA=config adds its volumes there).
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
BENCH_CONF_HOOK=:
setup_array() {
	_setup_array "$@"
	sed -i "s|^path = $TEST_DIR/pool0\$|&\noverprovision = 0|" "$CONF"
	grep -q '^overprovision = 0' "$CONF" || die "no overprovision line in $CONF"
	$BENCH_CONF_HOOK
}

echo "# state and pool under $TMPDIR ($(df -T "$TMPDIR" | awk 'NR==2 {print $2}'))"
echo "# part 1: $COUNT volumes created and deleted through CIM"
start_daemon "log_level = warning" > /dev/null
timeout $((DEADLINE + 30)) $VB create --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --count "$COUNT" --enum-at "10,$COUNT" --deadline "$DEADLINE" || rc=1
stop_daemon > /dev/null
rm -rf "$TEST_DIR"

if [ "$BIG_VIA" = cim ]; then
	echo "# part 2: $((BIG - 5)) more volumes created through CIM, then deleted"
	start_daemon "log_level = warning" > /dev/null
	timeout $((DEADLINE + 30)) $VB create --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
	    --count $((BIG - 5)) --enum-at "$BIG" --deadline "$DEADLINE" --prefix big || rc=1
	stop_daemon > /dev/null
	rm -rf "$TEST_DIR"
	[ "$FAILS" -eq 0 ] || rc=1
	exit $rc
fi
echo "# part 2: $BIG volumes (5 configured + $((BIG - 5)) more [volume] sections, 1 MiB sparse files)"
EXTRA_CONF=$(for i in $(seq 0 $((BIG - 6))); do
	printf '[volume c%d]\npool = pool0\npath = @DIR@/pool0/c%d.img\nsize = 1M\nid = %d\n\n' "$i" "$i" $((1000 + i))
done)
big_conf() {
	sed -i "s|@DIR@|$TEST_DIR|g" "$CONF"
	# the files exist beforehand (as an operator's would): start-up then
	# only opens them instead of creating and syncing 10 000 files
	(cd "$TEST_DIR/pool0" && for i in $(seq 0 $((BIG - 6))); do echo "c$i.img"; done | xargs truncate -s 1M)
}
BENCH_CONF_HOOK=big_conf
# lib.sh waits 15 s for "listening on"; 10 000 volumes may need longer
eval "$(declare -f launch_daemon | sed 's/seq 150/seq 1200/; s/-lt 150/-lt 1200/')"
t0=$(date +%s.%N)
start_daemon "log_level = warning" > /dev/null
echo "RESULT what=startup volumes=$BIG secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
timeout $((DEADLINE + 30)) $VB enum --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --reps 5 --deadline "$DEADLINE" || rc=1
timeout $((DEADLINE + 30)) $VB create --port "$PORT" --password "$EDIT_PW" --system "$SYS" \
    --count "$BIG_CREATES" --enum-at "" --deadline "$DEADLINE" || rc=1
[ "$FAILS" -eq 0 ] || rc=1
exit $rc
