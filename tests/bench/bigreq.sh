#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bigreq.sh - a normal client's GetInstance latency while HEAVY clients
# repeat an expensive EnumerateInstances (issue 8, finding 4 second half).
#
# Starts its own daemon (tests/integration/lib.sh; ARRAYD=... selects the
# binary, so a base build can be measured the same way) with NVOL extra
# volumes, then runs tests/integration/bigload.py: HEAVY processes repeat
# EnumerateInstances(CLASS, PropertyList of PLIST names) on keep-alive
# connections for DURATION seconds while one client repeats GetInstance of
# a volume.  Prints the BIGLOAD line (p50/p99/max of the normal client,
# heavy requests answered).  Figures only, no thresholds.
# Environment: HEAVY (4), PLIST (45000), CLASS (CIM_ManagedElement),
# NVOL (0), DURATION (10), EXTRA_SERVER (a [server] line, e.g. a limit).
set -u
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-bigreq
HEAVY=${HEAVY:-4}
PLIST=${PLIST:-45000}
CLASS=${CLASS:-CIM_ManagedElement}
NVOL=${NVOL:-0}
DURATION=${DURATION:-10}

EXTRA_CONF=$(for i in $(seq 1 "$NVOL"); do
	printf '[volume x%d]\npool = pool0\npath = @DIR@/pool0/x%d.img\nsize = 1M\nid = %d\n\n' "$i" "$i" $((1000 + i))
done)
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() { _setup_array "$@"; sed -i "s|@DIR@|$TEST_DIR|g" "$CONF"; }
start_daemon "log_level = warning" ${EXTRA_SERVER:+"$EXTRA_SERVER"} > /dev/null
note "arrayd $ARRAYD pid $PID, $NVOL extra volumes, $HEAVY x EnumerateInstances($CLASS, $PLIST names) for ${DURATION}s"
timeout $((DURATION + 150)) python3 "$IT/bigload.py" "$PORT" "$BROWSE_PW" "$SYS" \
    "$HEAVY" "$PLIST" "$CLASS" "$DURATION"
