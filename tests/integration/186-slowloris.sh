#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 186-slowloris: slow or idle clients cannot hold the server (issue 8
# finding 5).  With header_timeout 4 s: a client on 127.0.0.2 sending its
# headers one byte every 2 s is cut at the deadline (MHD's own timeout
# only measures silence, so before the fix it stayed open), counted in
# /metrics and logged once; so is a logged-in client sending its body
# one byte every 2 s (under body_min_rate).  A TLS connection that never
# says hello is cut after tls_handshake_timeout (1 s).
# max_connections_per_address 3: a 4th connection from one address is
# refused, others still get in.
# max_connections 6, all taken by idle connections: a new client is
# served at once because the one idle the longest is closed for it
# (before: it waited for the 30 s idle timeout).
. "$(dirname "$0")/lib.sh"

HPORT=$(free_port)
start_daemon "http_port = $HPORT" "header_timeout = 4" "tls_handshake_timeout = 1" \
    "max_connections = 6" "max_connections_per_address = 3"
raw() { python3 "$IT/rawhttp.py" "$@"; }
metric() {	# REASON: the refusal counter
	curl -sS "${CURL_TLS[@]}" --max-time 20 -u "edit:$EDIT_PW" \
	    "https://127.0.0.1:$PORT/metrics" |
	    sed -n "s/^arrayd_http_refused_total{reason=\"$1\"} //p"
}

# Slow headers: one byte every 2 s, at most 10 bytes (20 s).
out=$(timeout 60 python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.2 --drip 2 --max 10)
expect_match "slow headers cut at the deadline" '^cut after [3-7] s$' "$out"
n=$(metric header_timeout)
expect_match "header_timeout counted" '^[1-9]' "$n"
# A second slow client from the same address: cut, not logged again.
out=$(timeout 60 python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.2 --drip 2 --max 10)
expect_match "second slow client cut" '^cut after [3-7] s$' "$out"
n=$(grep -c 'http: 127\.0\.0\.2: header_timeout' "$TEST_DIR/arrayd.log")
expect_eq "header_timeout log lines for 127.0.0.2 (once per window)" 1 "$n"

# Slow body (logged in): one byte every 2 s is under body_min_rate (1K/s
# by default), cut once header_timeout has passed since the headers.
out=$(timeout 60 python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.2 --user "edit:$EDIT_PW" \
    --body --drip 2 --max 10)
expect_match "slow body cut" '^cut after [3-7] s$' "$out"
expect_match "body_too_slow counted" '^[1-9]' "$(metric body_too_slow)"

# TLS without a handshake.
out=$(timeout 60 python3 "$IT/rawhttp.py" "$PORT" --src 127.0.0.2 --hold 1 --wait 3 | tail -n 1)
expect_eq "silent TLS connection cut" "closed=1 of 1" "$out"
expect_match "handshake_timeout counted" '^[1-9]' "$(metric handshake_timeout)"

# Per-address cap: 4 from 127.0.0.3, the 4th refused at once.
out=$(timeout 60 python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.3 --hold 4 --wait 1 | tail -n 1)
expect_eq "4th connection from one address refused" "closed=1 of 4" "$out"
expect_match "per_address_limit counted" '^[1-9]' "$(metric per_address_limit)"

# Full table: 3 + 3 idle connections, then a normal client.
python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.4 --hold 3 --wait 5 > "$TEST_DIR/h4" &
h4=$!
python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.5 --hold 3 --wait 5 > "$TEST_DIR/h5" &
h5=$!
CLEANUP+=("kill $h4 $h5 2>/dev/null")
for i in $(seq 100); do
	[ "$(cat "$TEST_DIR/h4" "$TEST_DIR/h5" | grep -c '^held')" = 2 ] && break
	sleep 0.1
done
sleep 0.3	# the server accepts them
t0=$(date +%s%N)
code=$(curl -sS --max-time 3 -u "edit:$EDIT_PW" -o /dev/null \
    -w '%{http_code}' "http://127.0.0.1:$HPORT/metrics" 2> "$TEST_DIR/curl.err")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "new client served with the table full of idle connections" 200 "$code"
note "served in $ms ms"
wait "$h4" "$h5"
closed=$(cat "$TEST_DIR/h4" "$TEST_DIR/h5" | sed -n 's/closed=\([0-9]*\).*/\1/p' | paste -sd+ | bc)
expect_match "idle connections closed for it" '^[1-6]$' "$closed"
expect_match "idle_evicted counted" '^[1-9]' "$(metric idle_evicted)"
finish
