#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 188-body-budget: unfinished request bodies cannot fill the memory
# (issue 8 finding 6).  max_body 4M, max_body_memory 12M, per user 8M.
# 30 connections of user edit each declare a 4 MiB body and send 3.5 MiB
# of it, then hold: two fit in the user's share, the others are answered
# 503 with Retry-After at their headers, before any body is read.  Then
# user browse gets one (12M in all) and no more.  The daemon's VmRSS
# grows by less than 40 MiB while they hold (before the fix: every body
# was kept, 30 x 3.5 MiB; a growth, not a total, so sanitizer builds
# pass too).  A finished request afterwards is served, and
# /metrics counts the refusals.
. "$(dirname "$0")/lib.sh"

HPORT=$(free_port)
start_daemon "http_port = $HPORT" "max_body_memory = 12M" "max_body_memory_per_user = 8M"
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
# Log both users in first: their credentials are cached (answers to the
# headers come at once) and the thread pool has started.
for u in "edit:$EDIT_PW" "browse:$BROWSE_PW"; do
	curl -sS --max-time 60 -u "$u" -o /dev/null "http://127.0.0.1:$HPORT/metrics"
done
rss0=$(rss)
note "VmRSS at start: $rss0 kB"

python3 "$IT/rawhttp.py" "$HPORT" --bodies 30 --cl 4194304 --send 3670016 --wait 60 \
    --user "edit:$EDIT_PW" > "$TEST_DIR/edit.out" &
e=$!
CLEANUP+=("kill $e 2>/dev/null")
for i in $(seq 600); do grep -q holding "$TEST_DIR/edit.out" && break; sleep 0.1; done
out=$(head -n 1 "$TEST_DIR/edit.out")
note "edit: $out"
expect_match "edit: two bodies held, the rest 503" '^status503=28 held=2 ' "$out"
r=$(rss)
if [ -n "$r" ] && [ $((r - rss0)) -lt 40960 ]; then
	pass "VmRSS $rss0 -> $r kB (< 40 MiB more) while bodies are held"
else
	fail "VmRSS $rss0 -> '$r' kB (40 MiB more or worse) while bodies are held"
fi
out=$(timeout 60 python3 "$IT/rawhttp.py" "$HPORT" --bodies 2 --cl 4194304 --send 1048576 \
    --wait 0 --user "browse:$BROWSE_PW" | head -n 1)
expect_match "browse: one more fits the total, then 503" '^status503=1 held=1 ' "$out"
kill "$e" 2>/dev/null
wait "$e" 2>/dev/null

# A 503 says when to come back; the budget is free again afterwards.
envelope "<IMETHODCALL NAME=\"EnumerateInstanceNames\">$(nsx root/tpd)$(ip ClassName "$(cn CIM_StorageVolume)")</IMETHODCALL>" > "$TEST_DIR/req.xml"
cim_headers EnumerateInstanceNames root/tpd
# The daemon frees a body's budget when it sees the connection close, which
# may be a loop turn after the holders died: come back as a client would.
for i in $(seq 50); do
	curl_post "${CH[@]}"
	[ "$HTTP_CODE" = 503 ] || break
	sleep 0.1
done
expect_http 200 "a request after the holders left"
out=$(curl -sS --max-time 20 -u "edit:$EDIT_PW" "http://127.0.0.1:$HPORT/metrics" |
    sed -n 's/^arrayd_http_refused_total{reason="body_budget"} //p')
expect_match "body_budget refusals counted" '^(29|[3-9][0-9])$' "$out"
n=$(grep -c 'body_budget' "$TEST_DIR/arrayd.log")
expect_eq "body_budget log lines for 127.0.0.1 (once per window)" 1 "$n"

# The 503 carries Retry-After.
python3 "$IT/rawhttp.py" "$HPORT" --bodies 3 --cl 4194304 --send 4194000 --wait 3 \
    --user "edit:$EDIT_PW" > "$TEST_DIR/edit2.out" &
e=$!
for i in $(seq 300); do grep -q holding "$TEST_DIR/edit2.out" && break; sleep 0.1; done
printf 'POST /cimom HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Length: 4194304\r\n\r\n' \
    "$(printf 'edit:%s' "$EDIT_PW" | base64)" > "$TEST_DIR/raw.req"
ans=$(timeout 5 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(open(sys.argv[2], "rb").read()); s.settimeout(3)
print(s.recv(4096).decode("latin-1"))' "$HPORT" "$TEST_DIR/raw.req")
expect_match "503 with Retry-After" $'HTTP/1.1 503.*\r\nRetry-After: [0-9]+' "$ans"
wait "$e"
finish
