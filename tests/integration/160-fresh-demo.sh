#!/usr/bin/env bash
# 160-fresh-demo: the README's `make run` from a fresh clone: clones the
# committed tree into a temporary folder, runs `make run` on another port,
# waits for the HTTPS listener, answers one CIM request with the printed edit
# password, stops the daemon by its PID, and checks that a second `make run`
# reuses the demo (no new passwords).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
git clone -q "$top" "$work/arrayd"
cd "$work/arrayd"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_demo() {
	DEMO_PORT=$port setsid make -s run > "$work/run$1.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		grep -q 'listening on https://127.0.0.1:' "$work/run$1.log" && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$work/run$1.log"; return 1; }
		sleep 0.2
	done
	echo "demo did not start"; cat "$work/run$1.log"; return 1
}
stop_demo() {
	# make runs contrib/demo.sh which execs arrayd: stop the process group we started.
	kill -TERM -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
}
start_demo 1
pw=$(awk '/^ *edit +\//{print $3; exit}' "$work/run1.log")
[ -n "$pw" ] || { echo "no edit password printed"; cat "$work/run1.log"; exit 1; }
body='<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="7" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="tpd"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_StorageVolume"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>'
out=$(curl -sS --max-time 10 --cacert demo/state/tls.crt -u "edit:$pw" \
	-H 'Content-Type: application/xml; charset="utf-8"' -H 'CIMOperation: MethodCall' \
	-H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root/tpd' \
	--data-binary "$body" "https://127.0.0.1:$port/cimom")
n=$(printf '%s' "$out" | grep -o '<INSTANCENAME CLASSNAME="TPD_StorageVolume"' | wc -l)
[ "$n" -eq 3 ] || { echo "expected 3 demo volumes, got $n: $out"; exit 1; }
stop_demo
start_demo 2
grep -q 'reusing the demo array' "$work/run2.log" || { echo "second run did not reuse the demo"; exit 1; }
grep -q '^ *edit +/' "$work/run2.log" && { echo "second run printed passwords again"; exit 1; }
stop_demo
echo "fresh demo: ok"
