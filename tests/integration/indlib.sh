# SPDX-License-Identifier: ISC
#
# indlib.sh - shared pieces of the indication delivery tests (231-236),
# sourced after lib.sh: a listener (indlistener.py) started and stopped by
# PID, its answer mode switched through a file, subscriptions made as
# pywbem makes them (indsub.py), and questions about what the listener got
# (indcheck.py).

LPID=""
LPORT=""
# ind_listener_start [MODE [PORT]]: listener on 127.0.0.1; sets LPORT, LPID.
ind_listener_start() {
	local i
	LOUT=$TEST_DIR/ind.jsonl
	LMODE=$TEST_DIR/ind.mode
	echo "${1:-ok}" > "$LMODE"
	rm -f "$TEST_DIR/ind.port"
	python3 "$IT/indlistener.py" --out "$LOUT" --mode-file "$LMODE" \
	    --port "${2:-0}" --port-file "$TEST_DIR/ind.port" \
	    2>> "$TEST_DIR/indlistener.log" &
	LPID=$!
	for i in $(seq 300); do
		[ -s "$TEST_DIR/ind.port" ] && break
		kill -0 "$LPID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$TEST_DIR/ind.port" ] || die "listener did not start (see $TEST_DIR/indlistener.log)"
	LPORT=$(cat "$TEST_DIR/ind.port")
	LURL=http://127.0.0.1:$LPORT
}
ind_listener_stop() {
	[ -n "$LPID" ] || return 0
	kill "$LPID" 2>/dev/null
	wait "$LPID" 2>/dev/null
	LPID=""
}
ind_mode() { echo "$1" > "$LMODE"; }
CLEANUP+=("ind_listener_stop")

isub() { python3 "$IT/indsub.py" --port "$PORT" --password "$EDIT_PW" "$@"; }
# ind_subscribe DEST URL FILTER QUERY [--count N]
ind_subscribe() {
	local out
	out=$(isub add "$@" 2>&1)
	if [ "$out" = ok ]; then pass "subscribed $3 -> $1${5:+ ($5 $6)}"
	else fail "subscribe $3 -> $1: $out"; fi
}
ichk() { python3 "$IT/indcheck.py" "$LOUT" "$@"; }
# ind_wait_delivered N [SECONDS] [--filter NAME]: until the listener
# answered N indications with success; sets GOT.
ind_wait_delivered() {
	local n=$1 limit=${2:-30} t0=$SECONDS
	shift; [ $# -gt 0 ] && shift
	GOT=0
	while [ $((SECONDS - t0)) -lt "$limit" ]; do
		GOT=$(ichk delivered "$@")
		[ "$GOT" -ge "$n" ] && return 0
		sleep 0.2
	done
	return 1
}
# ind_metric NAME: its value on GET /metrics.
ind_metric() {
	curl -sS "${CURL_TLS[@]}" --max-time 10 -u "edit:$EDIT_PW" \
	    "https://127.0.0.1:$PORT/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}
# ind_wait_metric NAME VALUE [SECONDS]: until the metric reaches VALUE.
ind_wait_metric() {
	local limit=${3:-30} t0=$SECONDS v=""
	while [ $((SECONDS - t0)) -lt "$limit" ]; do
		v=$(ind_metric "$1")
		[ -n "$v" ] && [ "$v" -ge "$2" ] && return 0
		sleep 0.3
	done
	fail "$1 is '$v', expected >= $2 within $limit s"
	return 1
}
ind_expect_no_violations() {
	local v
	v=$(ichk violations)
	if [ -z "$v" ]; then pass "every export request kept the DSP0200/DSP0201 rules"
	else fail "export rules broken:"; echo "$v" | head -5 | sed 's/^/     /'; fi
}
ind_expect_sequence() {	# [--filter NAME]
	local out
	if out=$(ichk sequence "$@"); then pass "sequence numbers consecutive per context ($out)"
	else fail "sequence numbers: $out"; fi
}
