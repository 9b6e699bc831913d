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
# The real pywbem where this machine has it (not in Debian; never copied
# into the repository): PYTHONPATH or PYWBEM_PYTHON may point at it.
PYW=${PYWBEM_PYTHON:-python3}
if $PYW -c 'import pywbem' 2> /dev/null; then
	if env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE $PYW "$IT/subscribe_pywbem.py" \
	    --port "$PORT" --password "$EDIT_PW"; then pass "real pywbem"
	else fail "real pywbem (see above)"; fi
else
	note "pywbem not importable: the real-client step is not run"
fi
[ -f "$TEST_DIR/state/indications.db" ] && pass "indications.db in state_dir" ||
	fail "no indications.db in state_dir"
stop_daemon
launch_daemon
if sub verify-remove; then pass "subscribe verify-remove after restart"
else fail "subscribe verify-remove (see above)"; fi

# A file that is not an indication database stops the start, with its name.
stop_daemon
printf 'not a database, not at all; something else entirely.%.0s' 1 2 3 > "$TEST_DIR/state/indications.db"
out=$(timeout 20 "$ARRAYD" -c "$CONF" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *indications.db*"not an arrayd indication database"* ]]; then
	pass "garbage indications.db refused at start (exit $rc)"
else
	fail "garbage indications.db: exit $rc, output: $(echo "$out" | tail -3)"
fi
finish
