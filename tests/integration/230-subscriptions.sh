#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 230-subscriptions: pywbem WBEMSubscriptionManager's request shapes
# (subscribe.py: add_server, add_listener_destinations, add_filter,
# add_subscriptions, ModifyInstance of SubscriptionState, the refusals),
# then a daemon restart: the subscription, its filter and destination
# persist in <state_dir>/indications.db and are removed as remove_* does.
. "$(dirname "$0")/lib.sh"

start_daemon
sub() {
	python3 "$IT/subscribe.py" --port "$PORT" --password "$EDIT_PW" \
	    --browse-password "$BROWSE_PW" --phase "$1"
}
if sub create; then pass "subscribe create"; else fail "subscribe create (see above)"; fi
[ -f "$TEST_DIR/state/indications.db" ] && pass "indications.db in state_dir" ||
	fail "no indications.db in state_dir"
stop_daemon
launch_daemon
if sub verify-remove; then pass "subscribe verify-remove after restart"
else fail "subscribe verify-remove (see above)"; fi
finish
