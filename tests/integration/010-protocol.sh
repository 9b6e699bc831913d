#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 010-protocol: HTTP and CIM protocol-level checks (CONTRACT.md section 1,
# SPEC.md 1.2-1.4): every nasty request gets its precise status and CIMError
# token, and a normal request still works after each one.
. "$(dirname "$0")/lib.sh"

start_daemon "max_body = 256K" "max_text = 16K" "timeout = 2" "max_connections = 8"

sanity() {	# a normal request must still work
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
	if [ "$HTTP_CODE" = 200 ] && [ "$(xq count)" = 5 ]; then pass "after $1: normal request ok"
	else fail "after $1: normal EnumerateInstanceNames got HTTP $HTTP_CODE count '$(xq count 2>/dev/null)'"; fi
}
ein_body() { envelope "<IMETHODCALL NAME=\"EnumerateInstanceNames\">$(nsx root/tpd)$(ip ClassName "$(cn TPD_StorageVolume)")</IMETHODCALL>"; }
# raw_post CIMERROR-EXPECTED STATUS WHAT [curl header args...]: body from req.xml
raw_post() {
	local want_status=$1 want_tok=$2 what=$3; shift 3
	cp "$TEST_DIR/req.xml" "$TEST_DIR/req.saved"
	curl_post -u "edit:$EDIT_PW" -H 'Content-Type: application/xml; charset="utf-8"' "$@"
	expect_http "$want_status" "$what"
	if [ -n "$want_tok" ]; then expect_header CIMError "^$want_tok\$" "$what"; fi
	cp "$TEST_DIR/r.body" "$TEST_DIR/raw.body"
	sanity "$what"
	cp "$TEST_DIR/req.saved" "$TEST_DIR/req.xml"
}
std=(-H 'CIMOperation: MethodCall' -H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root/tpd')

sanity "start"

# --- methods and CIM headers
curl -sS "${CURL_TLS[@]}" --max-time 10 -u "edit:$EDIT_PW" -o /dev/null -D "$TEST_DIR/r.hdr" \
    -w '%{http_code}' "https://127.0.0.1:$PORT/cimom" > "$TEST_DIR/code" 2>/dev/null
HTTP_CODE=$(cat "$TEST_DIR/code")
expect_http 405 "GET /cimom"
sanity "GET"

ein_body > "$TEST_DIR/req.xml"
raw_post 400 unsupported-operation "no CIMOperation" -H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root/tpd'
raw_post 400 unsupported-operation "CIMOperation: MethodRequest" -H 'CIMOperation: MethodRequest' -H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root/tpd'
raw_post 501 multiple-requests-unsupported "CIMBatch" "${std[@]}" -H 'CIMBatch: CIMBatch'
raw_post 400 header-mismatch "CIMMethod mismatch" -H 'CIMOperation: MethodCall' -H 'CIMMethod: GetInstance' -H 'CIMObject: root/tpd'
raw_post 400 header-mismatch "CIMMethod missing" -H 'CIMOperation: MethodCall' -H 'CIMObject: root/tpd'
raw_post 400 header-mismatch "CIMObject mismatch" -H 'CIMOperation: MethodCall' -H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root/other'
raw_post 200 "" "CIMObject percent-encoded" -H 'CIMOperation: MethodCall' -H 'CIMMethod: EnumerateInstanceNames' -H 'CIMObject: root%2Ftpd'
raw_post 501 unsupported-protocol-version "CIMProtocolVersion 2.0" "${std[@]}" -H 'CIMProtocolVersion: 2.0'

# extrinsic: CIMObject must name the target, %-decoded
envelope "<METHODCALL NAME=\"ModifySynchronization\">$(lip "$(scs_in)")$(pv Operation uint16 3)$(pvref Synchronization "$(pair_ref 101 102)")</METHODCALL>" > "$TEST_DIR/req.xml"
enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SCS_OBJ")
raw_post 200 "" "extrinsic CIMObject %-encoded" -H 'CIMOperation: MethodCall' -H 'CIMMethod: ModifySynchronization' -H "CIMObject: $enc"
expect_eq "Fracture via %-encoded CIMObject returns" 1 "$($WC xq "$TEST_DIR/raw.body" rc 2>/dev/null)"
raw_post 400 header-mismatch "extrinsic CIMObject names another object" -H 'CIMOperation: MethodCall' -H 'CIMMethod: ModifySynchronization' \
    -H "CIMObject: root/tpd:TPD_StorageConfigurationService.CreationClassName=\"TPD_StorageConfigurationService\",Name=\"Other\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\""

# --- bodies
printf 'this is not xml' > "$TEST_DIR/req.xml"
raw_post 400 request-not-well-formed "body not XML" "${std[@]}"
ein_body | head -c 150 > "$TEST_DIR/req.xml"
raw_post 400 request-not-well-formed "truncated XML" "${std[@]}"
cat > "$TEST_DIR/req.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8" ?>
<!DOCTYPE CIM [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="tpd"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="&d;"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>
EOF
raw_post 400 request-not-valid "DOCTYPE with entity bomb" "${std[@]}"
python3 -c 'import sys; sys.stdout.write("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">" + "<VALUE>" * 10000 + "</VALUE>" * 10000 + "</CIM>")' > "$TEST_DIR/req.xml"
raw_post 400 "(request-not-valid|request-not-well-formed)" "10000-deep nesting" "${std[@]}"
ein_body | sed 's/TPD_StorageVolume/TPD_St\xff\xferageVolume/' > "$TEST_DIR/req.xml"
raw_post 400 "request-not-valid" "invalid UTF-8" "${std[@]}"
ein_body | python3 -c 'import sys; b=sys.stdin.read(); sys.stdout.write(b.replace("<CLASSNAME NAME=\"TPD_StorageVolume\"/>", "<CLASSNAME NAME=\"" + "A"*40000 + "\"/>"))' > "$TEST_DIR/req.xml"
raw_post 400 "(request-not-valid|request-not-well-formed)" "40 KB attribute (max_text 16K)" "${std[@]}"
ein_body | sed 's/CIMVERSION="2.0"/CIMVERSION="3.0"/' > "$TEST_DIR/req.xml"
raw_post 501 unsupported-cim-version "CIMVERSION 3.0" "${std[@]}"
ein_body | sed 's/<SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames">/<SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames"><BOGUS\/>/' > "$TEST_DIR/req.xml"
raw_post 400 request-not-valid "unknown element in IMETHODCALL" "${std[@]}"

# body over max_body: 413 before the daemon reads it all
python3 - "$PORT" "$EDIT_PW" > "$TEST_DIR/big.out" 2>&1 <<'EOF'
import socket, ssl, sys, base64, time
port, pw = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
auth = base64.b64encode(("edit:" + pw).encode()).decode()
s.sendall(("POST /cimom HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n"
           "Content-Type: application/xml; charset=\"utf-8\"\r\nCIMOperation: MethodCall\r\n"
           "CIMMethod: EnumerateInstanceNames\r\nCIMObject: root/tpd\r\n"
           "Content-Length: 104857600\r\n\r\n" % auth).encode())
sent = 0
try:
    s.settimeout(0.2)
    while sent < 8 * 1024 * 1024:
        s.sendall(b"<" * 65536); sent += 65536
        try:
            d = s.recv(4096)
            if d:
                print("status:", d.split(b"\r\n")[0].decode(), "after", sent); sys.exit(0)
            print("closed after", sent); sys.exit(0)
        except socket.timeout:
            pass
except (BrokenPipeError, ConnectionResetError, ssl.SSLError) as e:
    s.settimeout(2)
    try:
        d = s.recv(4096)
        print("status:", d.split(b"\r\n")[0].decode(), "after", sent)
    except Exception:
        print("reset after", sent, e)
    sys.exit(0)
print("no answer after", sent)
EOF
expect_match "100 MB body (max_body 256K)" "^status: HTTP/1.1 413" "$(cat "$TEST_DIR/big.out")"
sanity "oversized body"

# --- CIM-level errors
cim_imethod EnumerateInstanceNames root/nothere "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_error 3 "unknown namespace"
cim_imethod OpenEnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_error 7 "OpenEnumerateInstances"
cim_imethod ExecQuery root/tpd "$(ip QueryLanguage "$(val WQL)")$(ip Query "$(val 'select * from CIM_StorageVolume')")"
expect_error 7 "ExecQuery"

# --- authentication and roles
ein_body > "$TEST_DIR/req.xml"
curl_post -H 'Content-Type: application/xml; charset="utf-8"' "${std[@]}"
expect_http 401 "no Authorization"
expect_header WWW-Authenticate '^Basic realm="[^"]+"$' "no Authorization"
curl_post -u "edit:wrong" -H 'Content-Type: application/xml; charset="utf-8"' "${std[@]}"
expect_http 401 "wrong password"
expect_header WWW-Authenticate '^Basic realm="[^"]+"$' "wrong password"
curl_post -u "nobody:$EDIT_PW" -H 'Content-Type: application/xml; charset="utf-8"' "${std[@]}"
expect_http 401 "unknown user"
sanity "401s"
AS_USER=browse
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_ok "browse user reads"
scs_call ModifySynchronization "$(pv Operation uint16 3)$(pvref Synchronization "$(pair_ref 101 102)")"
expect_error 2 "browse user invokes a method"
cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "TPD:$SYS:1")")"
expect_error 2 "browse user DeleteInstance"
AS_USER=edit

# --- slow client and connection limit
python3 - "$PORT" "$EDIT_PW" > "$TEST_DIR/slow.out" 2>&1 <<'EOF'
import socket, ssl, sys, base64, time, http.client
port, pw = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
auth = "Basic " + base64.b64encode(("edit:" + pw).encode()).decode()
body = ('<?xml version="1.0" encoding="utf-8" ?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="7" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="tpd"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="TPD_StorageVolume"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>')
def request():
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
    c.request("POST", "/cimom", body, {"Authorization": auth, "Content-Type": 'application/xml; charset="utf-8"',
              "CIMOperation": "MethodCall", "CIMMethod": "EnumerateInstanceNames", "CIMObject": "root/tpd"})
    r = c.getresponse(); r.read(); c.close(); return r.status
# 1. slow client: headers half sent, then silence
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
s.sendall(b"POST /cimom HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
t0 = time.time()
print("other client while stalled:", request())
s.settimeout(8)
try:
    d = s.recv(4096)
    print("stalled connection closed after %.1f s (%d bytes: %r)" % (time.time() - t0, len(d), d[:40]))
except socket.timeout:
    print("stalled connection still open after 8 s")
except (ConnectionResetError, ssl.SSLError) as e:
    print("stalled connection closed after %.1f s (reset)" % (time.time() - t0))
# 2. more connections than max_connections (8): hold 12 idle keep-alive connections
import threading
conns, ok, lock = [], [0], threading.Lock()
def hold():
    try:
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=1.2)
        c.request("POST", "/cimom", body, {"Authorization": auth, "Content-Type": 'application/xml; charset="utf-8"',
                  "CIMOperation": "MethodCall", "CIMMethod": "EnumerateInstanceNames", "CIMObject": "root/tpd"})
        r = c.getresponse(); r.read()
        with lock:
            if r.status == 200: ok[0] += 1
            conns.append(c)
    except Exception as e:
        pass
ts = [threading.Thread(target=hold) for i in range(12)]
for t in ts: t.start()
for t in ts: t.join()
ok = ok[0]
print("served while holding 12: %d" % ok)
for c in conns: c.close()
time.sleep(0.5)
print("after release:", request())
EOF
cat "$TEST_DIR/slow.out" | sed 's/^/     /'
expect_match "other client served while one stalls" "other client while stalled: 200" "$(cat "$TEST_DIR/slow.out")"
expect_match "stalled client dropped (timeout 2 s)" "stalled connection closed after [2-7]\." "$(cat "$TEST_DIR/slow.out")"
served=$(sed -n 's/^served while holding 12: //p' "$TEST_DIR/slow.out")
# A full table closes its longest-idle keep-alive connection for a newcomer
# (186-slowloris pins that down), so up to all 12 may be served in turn.
if [ -n "$served" ] && [ "$served" -ge 1 ] && [ "$served" -le 12 ]; then pass "max_connections 8: $served of 12 held connections served"
else fail "max_connections 8: '$served' of 12 held connections served"; fi
expect_match "request after releasing connections" "after release: 200" "$(cat "$TEST_DIR/slow.out")"
sanity "connection tests"

finish
