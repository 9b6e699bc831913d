#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 213-clientshape-rs: runs clientshape.py --rs against a daemon with
# replication_service = yes: smispy's Replication Services path (rs-research.md
# 1a-1c: capabilities, volume_replicate CLONE and COPY, volume_delete) and the
# Cinder EMC, VMAX and Fujitsu CreateElementReplica / ModifyReplicaSynchronization shapes.
. "$(dirname "$0")/lib.sh"

start_daemon "replication_service = yes"
ca=()
[ "${CURL_TLS[0]}" = --cacert ] && ca=(--cacert "$CACERT")
if python3 "$IT/clientshape.py" --port "$PORT" --password "$EDIT_PW" --system "$SYS" --rs "${ca[@]+"${ca[@]}"}"; then
	pass "clientshape"
else
	fail "clientshape (see above)"
fi
finish
