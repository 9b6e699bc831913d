#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 235-ind-delete: once DeleteInstance of a subscription has answered,
# nothing more is delivered for it: what was queued is dropped and
# counted, the POST hanging in flight is neither answered nor retried, and
# the other subscription of the same destination goes on.  A destination
# the allow list no longer covers (SIGHUP narrowed it) is never contacted
# again: its queue is dropped with "destination refused", counted.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"

EXTRA_CONF="[indications]
timeout_s = 60
retry_interval_s = 1"
start_daemon
ind_listener_start hang
VOLQ="SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume"
ind_subscribe L1 "$LURL/a" gone "$VOLQ"
for i in 1 2 3; do create_vol "dv$i" 4194304; expect_rv 0 "create dv$i"; done
ind_wait_metric arrayd_indication_destinations_sending 1 10
out=$(isub del-sub gone L1)
expect_eq "DeleteInstance of the subscription" ok "$out"
# The hung POST is aborted as DeleteInstance answers (the exporter is
# kicked), not when something else is queued later.
expect_eq "no delivery in flight right after DeleteInstance" 0 \
    "$(ind_metric arrayd_indication_destinations_sending)"
ind_mode ok
ind_subscribe L1 "$LURL/a" kept "$VOLQ"
create_vol dv4 4194304
expect_rv 0 "create dv4"
ind_wait_delivered 1 20 --filter kept || fail "the other subscription got nothing"
sleep 3	# a retry of the deleted one would come after 1 s
expect_eq "delivered for the deleted subscription" 0 "$(ichk delivered --filter gone)"
expect_eq "requests for the deleted subscription (the hung one)" 1 "$(ichk count --filter gone)"
expect_eq "delivered for the kept one" 1 "$(ichk delivered --filter kept)"
expect_eq "metrics: dropped (the deleted subscription's 3)" 3 "$(ind_metric arrayd_indications_dropped_total)"
expect_eq "metrics: queued" 0 "$(ind_metric arrayd_indications_queued)"
ind_expect_no_violations

# Disabling a subscription (ModifyInstance SubscriptionState 4) stops its
# hung delivery at once and drops what is queued for it; enabled again,
# it gets what happens from then on.
ind_mode hang
create_vol dv4b 4194304
expect_rv 0 "create dv4b"
ind_wait_metric arrayd_indication_destinations_sending 1 10
out=$(isub state-sub kept L1 4)
expect_eq "ModifyInstance SubscriptionState 4" ok "$out"
expect_eq "no delivery in flight right after disabling" 0 \
    "$(ind_metric arrayd_indication_destinations_sending)"
expect_eq "metrics: dropped (3 deleted + 1 disabled)" 4 "$(ind_metric arrayd_indications_dropped_total)"
expect_eq "metrics: queued after disabling" 0 "$(ind_metric arrayd_indications_queued)"
ind_mode ok
out=$(isub state-sub kept L1 2)
expect_eq "ModifyInstance SubscriptionState 2" ok "$out"
create_vol dv4c 4194304
expect_rv 0 "create dv4c"
ind_wait_delivered 2 20 --filter kept || fail "the re-enabled subscription got nothing"
sleep 2	# a retry of dv4b's request would come after 1 s
expect_eq "requests for kept: dv4, dv4b (hung once), dv4c" 3 "$(ichk count --filter kept)"
expect_eq "delivered for kept: dv4, dv4c" 2 "$(ichk delivered --filter kept)"

# Narrow the allow list: the destination is refused at delivery.
ind_listener_stop
create_vol dv5 4194304
expect_rv 0 "create dv5 while the listener is down"
ind_wait_metric arrayd_indications_retried_total 1 10
sed -i 's/^\[indications\]$/[indications]\nallow = 10.0.0.0\/8\nmax_subscriptions = 1/' "$CONF"
kill -HUP "$PID"
ind_wait_metric arrayd_indications_dropped_total 5 10
grep -q "indications: L1 (.*): destination refused: .*its queue is dropped" "$TEST_DIR/arrayd.log" &&
	pass "log: destination refused" || fail "log lacks 'destination refused'"
# The reload applied the registry's limits too: one subscription (kept)
# is all max_subscriptions = 1 allows.
out=$(isub add L1 "$LURL/a" third "$VOLQ" 2>&1)
expect_match "reload: max_subscriptions = 1 refuses a second subscription" \
    "error 1: .*max_subscriptions" "$out"
ind_listener_start ok "$LPORT"
create_vol dv6 4194304
expect_rv 0 "create dv6"
sleep 3
expect_eq "nothing more reaches the refused destination" 2 "$(ichk count --filter kept --answer 200)"
ind_wait_metric arrayd_indications_dropped_total 6 10
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1
grep -Eq "^L1 +0 +2 +[0-9]+ +6 +idle +$LURL/a / destination refused" "$TEST_DIR/status.out" &&
	pass "status: L1 6 dropped, destination refused" || { fail "status line of L1"; grep -A3 INDICATIONS "$TEST_DIR/status.out"; }
stop_daemon
finish
