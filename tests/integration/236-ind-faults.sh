#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 236-ind-faults: a listener that answers 500, 404, garbage, a CIM ERROR
# (pywbem's "queue full"), closes the connection, hangs past timeout_s or
# is slow: each failure is retried (retry_attempts = 1), then the
# indication is dropped, counted in /metrics, on the destination and on
# the subscription, and logged once per outage (a warning for its first
# failure and first drop, debug lines for the rest); a slow answer inside the
# timeout is a success; afterwards delivery resumes.  The loop never
# waits: GetInstance answers while the listener hangs.  An https listener
# is verified against [indications] ca_file (changed by SIGHUP): another
# CA's certificate fails the delivery, its own CA's succeeds.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"

EXTRA_CONF="[indications]
retry_attempts = 1
retry_interval_s = 1
timeout_s = 2"
start_daemon
ind_listener_start ok
ind_subscribe L1 "$LURL/" vols "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume"
n=0; drops=0; retries=0
for mode in 500 404 garbage error close hang; do
	ind_mode "$mode"
	n=$((n + 1))
	create_vol "fv$n" 4194304
	expect_rv 0 "create fv$n (listener: $mode)"
	drops=$((drops + 1)); retries=$((retries + 1))
	if [ "$mode" = hang ]; then
		get_instance "$(vol_in 101)" DeviceID
		expect_ok "GetInstance while the listener hangs"
		us=$(grep "http: POST /cimom user=edit status=200" "$TEST_DIR/arrayd.log" | tail -1 | sed 's/.* \([0-9]*\)us$/\1/')
		[ "${us:-999999}" -lt 100000 ] && pass "GetInstance served in $us us while a delivery hangs" || fail "GetInstance took '$us' us"
	fi
	ind_wait_metric arrayd_indications_dropped_total "$drops" 20
	expect_eq "$mode: retried" "$retries" "$(ind_metric arrayd_indications_retried_total)"
	# curl itself sends once more when a reused connection dies at once
	got=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["mode"] == sys.argv[2]))' "$LOUT" "$mode")
	case $mode:$got in *:2|close:3) pass "$mode: the listener got $got requests";;
	*) fail "$mode: the listener got $got requests, expected 2";; esac
done
ind_mode slow
n=$((n + 1))
create_vol "fv$n" 4194304
expect_rv 0 "create fv$n (listener: slow, 1 s of the 2 s timeout)"
ind_wait_metric arrayd_indications_delivered_total 1 20
expect_eq "slow: no more retries" "$retries" "$(ind_metric arrayd_indications_retried_total)"
ind_mode ok
n=$((n + 1))
create_vol "fv$n" 4194304
ind_wait_metric arrayd_indications_delivered_total 2 20
expect_eq "metrics: dropped" "$drops" "$(ind_metric arrayd_indications_dropped_total)"
expect_eq "metrics: queued" 0 "$(ind_metric arrayd_indications_queued)"
expect_eq "the subscription shows its drops (DeliveryFailure... via indic)" ok "$(isub prop-sub vols L1 SubscriptionState >/dev/null && echo ok)"
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1
grep -Eq "^L1 +0 +2 +$retries +$drops +idle" "$TEST_DIR/status.out" &&
	pass "status: L1 2 delivered, $retries retried, $drops dropped" || { fail "status line of L1"; grep -A3 INDICATIONS "$TEST_DIR/status.out"; }
for why in "HTTP 500" "HTTP 404" "answer is not XML" "listener answered ERROR 1" "(Empty reply from server|Connection reset|Recv failure)" "timed out"; do
	grep -Eq "indications: L1[ :].*$why" "$TEST_DIR/arrayd.log" && pass "log names '$why'" || fail "log lacks '$why'"
done
# One outage (no success between the faults): its first failure and its
# first drop are warnings, the rest debug lines and counts.
expect_eq "warnings 'delivery failed' in the outage" 1 "$(grep -c "warning: indications: L1 (.*): delivery failed" "$TEST_DIR/arrayd.log")"
expect_eq "warnings 'dropped' in the outage" 1 "$(grep -c "warning: indications: L1 (.*): dropped after 2 attempts" "$TEST_DIR/arrayd.log")"
grep -q "info: indications: L1 (.*): delivering again ($drops indications dropped meanwhile)" "$TEST_DIR/arrayd.log" &&
	pass "log: delivering again after $drops drops" || fail "log lacks 'delivering again ($drops ...)'"

# TLS: an https listener is verified against [indications] ca_file.
for n in good other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
	    -keyout "$TEST_DIR/$n.key" -out "$TEST_DIR/$n.crt" 2> /dev/null ||
		die "openssl req failed"
done
TOUT=$TEST_DIR/tls.jsonl
python3 "$IT/indlistener.py" --out "$TOUT" --port-file "$TEST_DIR/tls.port" \
    --tls "$TEST_DIR/good.crt" "$TEST_DIR/good.key" 2>> "$TEST_DIR/indlistener.log" &
TPID=$!
CLEANUP+=("kill $TPID 2>/dev/null")
for i in $(seq 300); do [ -s "$TEST_DIR/tls.port" ] && break; sleep 0.1; done
TURL=https://127.0.0.1:$(cat "$TEST_DIR/tls.port")/
ind_subscribe LT "$TURL" tlsvols "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume"
sed -i "s|^\[indications\]\$|[indications]\nca_file = $TEST_DIR/other.crt|" "$CONF"
kill -HUP "$PID"
sleep 1
create_vol tls1 4194304
expect_rv 0 "create tls1 (https listener, ca_file of another CA)"
ind_wait_metric arrayd_indications_dropped_total $((drops + 1)) 20
grep -q "indications: LT (https://.*): .*SSL certificate problem" "$TEST_DIR/arrayd.log" &&
	pass "wrong CA: refused as 'SSL certificate problem'" || fail "log lacks the certificate failure of LT"
sed -i "s|^ca_file = .*|ca_file = $TEST_DIR/good.crt|" "$CONF"
kill -HUP "$PID"
sleep 1
create_vol tls2 4194304
expect_rv 0 "create tls2 (ca_file of the listener's CA)"
for i in $(seq 100); do
	[ "$(python3 "$IT/indcheck.py" "$TOUT" delivered)" -ge 1 ] && break; sleep 0.2
done
expect_eq "delivered over verified https" 1 "$(python3 "$IT/indcheck.py" "$TOUT" delivered)"
expect_eq "https requests kept the export rules" "" "$(python3 "$IT/indcheck.py" "$TOUT" violations)"
stop_daemon
finish
