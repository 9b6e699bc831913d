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

# sblim-wbemcli's ci / ei / di shapes (it reads the class first to type
# the properties it is given).
if command -v wbemcli > /dev/null; then
	fk="CreationClassName=\"CIM_IndicationFilter\",Name=\"wbemclifilter\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\""
	wbem ci -noverify "$(wurl "interop:CIM_IndicationFilter.$fk")" \
	    "$fk,Query=\"SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume\",QueryLanguage=\"WQL\""
	expect_eq "wbemcli ci filter exit" 0 "$WRC"
	echo "$WOUT" | sed 's/^/     /' | head -3
	wbem ei -noverify "$(wurl interop:CIM_IndicationFilter)" Name,QueryLanguage
	expect_match "wbemcli ei lists it" 'Name="wbemclifilter"' "$WOUT"
	burl=$(WUSER=browse WPW=$BROWSE_PW wurl "interop:CIM_IndicationFilter.$fk")
	wbem di -noverify "$burl"
	expect_match "wbemcli di as browse refused" 'CIM_ERR_ACCESS_DENIED|\(2\)| 2 ' "$WOUT"
	wbem di -noverify "$(wurl "interop:CIM_IndicationFilter.$fk")"
	expect_eq "wbemcli di filter exit" 0 "$WRC"
	wbem ein -noverify "$(wurl interop:CIM_IndicationFilter)"
	if [[ $WOUT == *wbemclifilter* ]]; then fail "wbemcli di left the filter"; else pass "wbemcli di removed the filter"; fi
else
	note "no wbemcli: ci/di shapes not run"
fi
[ -f "$TEST_DIR/state/indications.db" ] && pass "indications.db in state_dir" ||
	fail "no indications.db in state_dir"
stop_daemon
launch_daemon
if sub verify-remove; then pass "subscribe verify-remove after restart"
else fail "subscribe verify-remove (see above)"; fi
finish
