#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 234-ind-kill9: indications queued for a listener that hangs (one POST in
# flight) survive kill -9 of arrayd: after the restart every one is
# delivered, in order, SequenceNumbers consecutive from 0 in the same
# SequenceContext: nothing lost, nothing sent twice with success.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"

EXTRA_CONF="[indications]
timeout_s = 60"
start_daemon
ind_listener_start hang
ind_subscribe L1 "$LURL/" vols "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume"
ind_subscribe L1 "$LURL/" jobs "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob"
for i in 1 2 3 4 5; do
	create_vol "k9v$i" 4194304
	expect_rv 0 "create k9v$i"
done
attach 101 102 4
expect_rc 4096 "a copy"
expect_job_completed "$JOB" "copy"
ind_wait_metric arrayd_indication_destinations_sending 1 10
q=$(ind_metric arrayd_indications_queued)
[ "${q:-0}" -ge 6 ] && pass "$q queued, one of them in flight to a hanging listener" || fail "queued: '$q'"
ctx=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][0]["props"]["SequenceContext"])' "$LOUT")
kill9_daemon
pass "kill -9 with $q queued"
ind_mode ok
launch_daemon
ind_wait_delivered "$q" 30 || fail "after restart only $GOT of $q delivered"
expect_eq "delivered after restart" "$q" "$(ichk delivered)"
ind_expect_sequence
first=$(ichk events | head -1 | cut -d' ' -f1)
expect_eq "first delivered SequenceNumber" 0 "$first"
ctx2=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if json.loads(l).get("answer")==200][-1]["props"]["SequenceContext"])' "$LOUT")
expect_eq "SequenceContext kept across the crash" "$ctx" "$ctx2"
expect_eq "metrics: queued after delivery" 0 "$(ind_metric arrayd_indications_queued)"
expect_eq "metrics: dropped" 0 "$(ind_metric arrayd_indications_dropped_total)"
ind_expect_no_violations
stop_daemon
finish
