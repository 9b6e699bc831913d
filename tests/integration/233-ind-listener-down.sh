#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 233-ind-listener-down: the listener goes away for 20 s while jobs run
# (connections refused); arrayd retries with its default backoff (2, 4, 8,
# 16 s ...: 150 s in all) and, once the listener is back on its port,
# delivers everything queued meanwhile, in order, with consecutive
# SequenceNumbers: nothing dropped, retries counted in /metrics and in
# `arrayd status`.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"

start_daemon
ind_listener_start ok
ind_subscribe L1 "$LURL/" jobs "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob"
attach 101 102 4
expect_rc 4096 "first copy"
expect_job_completed "$JOB" "first copy"
ind_wait_delivered 1 20 || fail "nothing delivered before the outage"
before=$GOT
note "delivered before the outage: $before"

ind_listener_stop
t0=$SECONDS
write_data "$(volpath 101)" 2 9
modsync 4 101 102
expect_rc 4096 "resync while the listener is down"
expect_job_completed "$JOB" "resync"
attach 101 103 4
expect_rc 4096 "second copy while the listener is down"
expect_job_completed "$JOB" "second copy"
ind_wait_metric arrayd_indications_retried_total 1 20
q=$(ind_metric arrayd_indications_queued)
[ "${q:-0}" -ge 1 ] && pass "queued while down: $q" || fail "nothing queued while the listener is down ($q)"
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1
grep -Eq "^L1 +[1-9][0-9]* +$before +[1-9][0-9]* +0 +retrying [0-9]+s +$LURL/ / .*(Connection refused|Couldn't connect|Failed to connect)" "$TEST_DIR/status.out" &&
	pass "status: L1 retrying, last error says the connection was refused" ||
	{ fail "status line of L1 during the outage"; grep -A3 INDICATIONS "$TEST_DIR/status.out"; }
while [ $((SECONDS - t0)) -lt 20 ]; do sleep 1; done
ind_listener_start ok "$LPORT"
note "listener back after $((SECONDS - t0)) s"
# The next attempt comes at most 30 s later (the backoff's cap).
ind_wait_delivered $((before + q)) 45 || fail "after the outage only $GOT of $((before + q)) delivered"
pass "all $GOT delivered after the outage ($((SECONDS - t0)) s after it began)"
ind_expect_sequence
ind_expect_no_violations
expect_eq "metrics: dropped" 0 "$(ind_metric arrayd_indications_dropped_total)"
expect_eq "metrics: queued" 0 "$(ind_metric arrayd_indications_queued)"
grep -q "indications: L1 (.*): delivery failed: .*; retrying in 2 s" "$TEST_DIR/arrayd.log" &&
	pass "log: the outage's first failure" || fail "log lacks 'delivery failed ... retrying in 2 s'"
grep -q "indications: L1 (.*): delivering again (0 indications dropped meanwhile)" "$TEST_DIR/arrayd.log" &&
	pass "log: delivering again" || fail "log lacks 'delivering again'"
n=$(grep -c "indications: L1 (.*): delivery failed" "$TEST_DIR/arrayd.log")
expect_eq "the outage's failures are logged once at warning level" 1 "$n"
stop_daemon
finish
