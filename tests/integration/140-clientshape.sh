#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 140-clientshape: runs clientshape.py (CLIENTS.md section 5 T1.y) against a
# fresh daemon: pywbem, smispy (incl. volume create/resize/delete), Cinder,
# wbemcli and Pegasus request shapes.
. "$(dirname "$0")/lib.sh"

# smispy's CreateReplica path is the one it takes when no
# ReplicationService is exposed: this run hides it (213 replays the path
# through it, the default).
start_daemon "replication_service = no"
ca=()
[ "${CURL_TLS[0]}" = --cacert ] && ca=(--cacert "$CACERT")
if python3 "$IT/clientshape.py" --port "$PORT" --password "$EDIT_PW" --system "$SYS" "${ca[@]+"${ca[@]}"}"; then
	pass "clientshape"
else
	fail "clientshape (see above)"
fi
finish
