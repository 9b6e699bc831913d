#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# indications.sh - indication delivery benchmark (issue 12).
#
# Part 1, latency: one subscription on volume creation to a listener
# (tests/integration/indlistener.py, answering as pywbem does); COUNT
# (default 50) volumes created one after the other; the time from each
# indication's IndicationTime (the committed change) to the listener's
# receipt, p50/p99.
# Part 2, load: one daemon, the same run: a burst of JOBS (default 64)
# CreateReplica full copies with no subscription while another connection
# runs GetInstance in a loop (p99 = the loop's latency), then SUBS
# (default 100) subscriptions (each its own filter on job modifications
# and its own destination on the listener) and the same
# burst again: indications delivered per second, and GetInstance p99
# against the first burst's (the goal: not more than 20% worse).
# Environment: COUNT, JOBS, SUBS, BENCH_DIR (default $TMPDIR or /tmp).
set -u
export TMPDIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
. "$(dirname "$0")/../integration/lib.sh"
. "$IT/indlib.sh"
TEST_NAME=bench-indications
COUNT=${COUNT:-50}
JOBS=${JOBS:-64}
SUBS=${SUBS:-100}
IB="python3 $TOP/tests/bench/indbench.py"
rc=0
EXTRA_CONF="[indications]
max_per_user = $((SUBS * 3 + 10))
max_subscriptions = $((SUBS + 10))
progress_interval_ms = 1000"
start_daemon "log_level = warning" "max_copy_tasks = 4" > /dev/null
ind_listener_start ok

echo "# part 1: latency, $COUNT volume creations, one subscription"
ind_subscribe LAT "$LURL/lat" volnew "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume" > /dev/null
$IB --port "$PORT" --password "$EDIT_PW" --listener-out "$LOUT" --count "$COUNT" latency || rc=1
out=$(isub del-sub volnew LAT); [ "$out" = ok ] || { echo "del-sub: $out"; rc=1; }

echo "# part 2: $JOBS-job burst without, then with $SUBS subscriptions"
$IB --port "$PORT" --password "$EDIT_PW" --jobs "$JOBS" --tag nosubs burst || rc=1
t0=$SECONDS
isub --count "$SUBS" add D "$LURL/d" J "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob" > /dev/null || { echo "subscriptions failed"; rc=1; }
echo "# $SUBS subscriptions made in $((SECONDS - t0)) s: $(ind_metric arrayd_indication_subscriptions) in the registry"
$IB --port "$PORT" --password "$EDIT_PW" --jobs "$JOBS" --tag subs --listener-out "$LOUT" burst || rc=1
echo "# dropped: $(ind_metric arrayd_indications_dropped_total), retried: $(ind_metric arrayd_indications_retried_total), violations: $(ichk violations | wc -l)"
stop_daemon > /dev/null
[ "$FAILS" -eq 0 ] || rc=1
exit $rc
