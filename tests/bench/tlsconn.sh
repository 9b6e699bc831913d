#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tlsconn.sh - the cost of a new TLS connection to arrayd (issue 8, finding
# 8): clients that open a connection per request pay a full handshake every
# time, and so does the server.
#
# For each certificate the daemon can hold -- the ECDSA P-256 pair it makes
# itself now, and an RSA-2048 pair (what it made before, still possible as a
# configured pair) -- and for TLS 1.3 and TLS 1.2, `openssl s_time -new`
# opens fresh connections (full handshakes, no resumption) for DURATION
# seconds; the row gives new connections per second and the daemon's CPU
# time (utime + stime from /proc/PID/stat) per connection.  With
# ARRAYD_BEFORE=/path/to/an/older/arrayd the same rows are measured for that
# binary with its own self-made certificate, side by side in one run.
# Client and server share the machine, so connections/s is bounded by both;
# the server CPU per connection is the daemon's alone.
# Environment: DURATION (s, default 5), ARRAYD_BEFORE (optional).
set -u
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-tlsconn
DURATION=${DURATION:-5}
command -v openssl > /dev/null || { echo "openssl not found"; exit 2; }
TICK=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

# row LABEL PROTO-ARG: one s_time run against the running daemon.
row() {
	local label=$1 proto=$2 t0 t1 c0 c1 out n
	c0=$(cpu_ticks)
	t0=$(date +%s.%N)
	out=$(timeout $((DURATION + 30)) openssl s_time -connect "127.0.0.1:$PORT" \
	    -new -time "$DURATION" $proto 2>&1 < /dev/null)
	t1=$(date +%s.%N)
	c1=$(cpu_ticks)
	n=$(sed -nE 's/^([0-9]+) connections in [0-9.]+s;.*/\1/p' <<< "$out" | head -1)
	if [ -z "$n" ] || [ "$n" -eq 0 ]; then
		printf '%-34s %-7s  no connections: %s\n' "$label" "${proto:--tls1_3}" \
		    "$(tail -n 2 <<< "$out" | tr '\n' ' ')"
		return 1
	fi
	awk -v l="$label" -v p="${proto:--tls1_3}" -v n="$n" -v t0="$t0" -v t1="$t1" \
	    -v c="$((c1 - c0))" -v hz="$TICK" 'BEGIN {
		printf "%-34s %-7s %6d conn %8.1f conn/s %7.3f ms server CPU/conn\n",
		    l, p, n, n / (t1 - t0), c * 1000 / hz / n }'
}

# measure LABEL: both protocol versions against the running daemon.
measure() {
	row "$1" "" || true
	row "$1" -tls1_2 || true
}

setup_array "log_level = warning"
trap on_exit EXIT
openssl req -x509 -newkey rsa:2048 -sha256 -days 30 -nodes -subj /CN=localhost \
    -keyout "$TEST_DIR/rsa.key" -out "$TEST_DIR/rsa.crt" 2> /dev/null ||
    die "openssl cannot make an RSA pair"
base_conf=$(cat "$CONF")
echo "# new TLS connections, openssl s_time -new, ${DURATION}s each"

ARRAYD_NOW=$ARRAYD
launch_daemon
measure "self-made ECDSA P-256 (now)"
stop_daemon > /dev/null

sed "s|^\\[server\\]\$|[server]\\ntls_cert = $TEST_DIR/rsa.crt\\ntls_key = $TEST_DIR/rsa.key|" \
    <<< "$base_conf" > "$CONF"
launch_daemon
measure "configured RSA-2048 (now)"
stop_daemon > /dev/null

if [ -n "${ARRAYD_BEFORE:-}" ]; then
	printf '%s\n' "$base_conf" > "$CONF"
	rm -f "$TEST_DIR/state/tls.crt" "$TEST_DIR/state/tls.key"
	ARRAYD=$ARRAYD_BEFORE
	launch_daemon
	measure "self-made cert of ARRAYD_BEFORE"
	stop_daemon > /dev/null
	ARRAYD=$ARRAYD_NOW
fi
FAILS=0
