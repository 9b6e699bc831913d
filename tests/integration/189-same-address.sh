#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 189-same-address: a slowloris on the client's own address cannot lock
# the client out (issue 8: per-address caps must not be the only
# defence).  With max_connections_per_address 8 and header_timeout 30 s,
# 8 connections from 127.0.0.1 send their headers one byte every 2 s and
# hold the address's cap; a normal request from 127.0.0.1 is then served
# at once because the oldest slow connection (no complete request after
# the 0.5 s grace) is cut for it, counted as slow_evicted in /metrics and
# logged once.  Before the fix the newcomer was refused (per_address_limit)
# until a slow one hit header_timeout.  A 9th connection within the grace
# of its siblings is still refused: the cap means something.
. "$(dirname "$0")/lib.sh"

HPORT=$(free_port)
start_daemon "http_port = $HPORT" "header_timeout = 30" \
    "max_connections_per_address = 8"
metric() {	# REASON: the refusal counter (asked from 127.0.0.2)
	curl -sS "${CURL_TLS[@]}" --max-time 20 -u "edit:$EDIT_PW" \
	    --interface 127.0.0.2 "https://127.0.0.1:$PORT/metrics" |
	    sed -n "s/^arrayd_http_refused_total{reason=\"$1\"} //p"
}

# Within the grace (0.5 s) the cap holds: of 9 connections opened at
# once from 127.0.0.3, the 9th is refused (closed at once).
out=$(timeout 20 python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.3 --hold 9 --wait 0.3 | tail -n 1)
expect_eq "a 9th connection within the grace refused" "closed=1 of 9" "$out"
expect_match "per_address_limit counted" '^[1-9]' "$(metric per_address_limit)"

# Eight slow-header clients from 127.0.0.1, 8 bytes each (16 s).
pids=()
for i in $(seq 8); do
	python3 "$IT/rawhttp.py" "$HPORT" --src 127.0.0.1 --drip 2 --max 8 \
	    > "$TEST_DIR/drip$i" &
	pids+=($!)
done
CLEANUP+=("kill ${pids[*]} 2>/dev/null")
sleep 2	# the server accepts them, and the grace passes

t0=$(date +%s%N)
code=$(curl -sS --max-time 5 -u "edit:$EDIT_PW" -o /dev/null \
    -w '%{http_code}' "http://127.0.0.1:$HPORT/metrics" 2> "$TEST_DIR/curl.err")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "normal client on the attacker's address served" 200 "$code"
[ "$code" = 200 ] || note "curl: $(cat "$TEST_DIR/curl.err")"
note "served in $ms ms"
expect_eq "served within 2 s" yes "$([ "$ms" -lt 2000 ] && echo yes || echo "no ($ms ms)")"
expect_match "slow_evicted counted" '^[1-9]' "$(metric slow_evicted)"

wait "${pids[@]}"
cut=$(cat "$TEST_DIR"/drip* | grep -c '^cut after')
open=$(cat "$TEST_DIR"/drip* | grep -c '^open')
expect_eq "one slow client cut for the newcomer" 1 "$cut"
expect_eq "the other slow clients left alone" 7 "$open"
n=$(grep -c 'http: 127\.0\.0\.1: slow_evicted' "$TEST_DIR/arrayd.log")
expect_eq "slow_evicted logged once" 1 "$n"
finish
