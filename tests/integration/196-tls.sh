#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 196-tls: the TLS policy (issue 8, finding 8).  The certificate made on first
# start is ECDSA P-256 signed with SHA-256; TLS 1.2 offers only ECDHE key
# exchange with AEAD ciphers (static RSA, DHE and CBC suites are refused) in
# the server's order whatever order the client lists; TLS 1.0 and 1.1 are
# refused and TLS 1.3 works with the client's X25519 key share (no
# HelloRetryRequest: server precedence must not pick P-256 over it).  A
# configured RSA pair still serves (ECDHE-RSA with GCM or ChaCha20, the same
# refusals), and an RSA pair an older arrayd left in state_dir is kept and
# served, not replaced.  Probed with openssl
# s_client, one handshake per case.
. "$(dirname "$0")/lib.sh"

command -v openssl > /dev/null || { echo "skip: no openssl"; exit 77; }

# tls_try WHAT ARGS...: one handshake; sets NEG to "PROTOCOL CIPHER" or
# "refused", and CLIENT_OUT to what s_client printed.
tls_try() {
	CLIENT_OUT=$(timeout 15 openssl s_client -connect "127.0.0.1:$PORT" \
	    -servername localhost "${@:2}" < /dev/null 2>&1)
	local line
	line=$(grep -m1 -E '^New, ' <<< "$CLIENT_OUT")
	if [[ $line =~ ^New,\ (TLSv[0-9.]+),\ Cipher\ is\ ([A-Za-z0-9_-]+) ]]; then
		NEG="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
	else
		NEG=refused
	fi
	if grep -q 'no protocols available\|no ciphers available' <<< "$CLIENT_OUT"; then
		fail "$1: the client refused by itself, the test proves nothing"
		NEG=client-refused
	fi
}
expect_refused() {	# CIPHER [openssl args...] (TLS 1.2)
	tls_try "TLS 1.2 $1" -tls1_2 -cipher "$1" "${@:2}"
	expect_eq "TLS 1.2 $1" refused "$NEG"
}
expect_accepted() {	# CIPHER
	tls_try "TLS 1.2 $1" -tls1_2 -cipher "$1"
	expect_eq "TLS 1.2 $1" "TLSv1.2 $1" "$NEG"
}
# The certificate the server sends, as a SHA-256 fingerprint.
served_fp() {
	timeout 15 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
	    < /dev/null 2> /dev/null | openssl x509 -noout -fingerprint -sha256 2> /dev/null
}
file_fp() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }
normal_request() {	# WHAT: a CIM call over the current certificate
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
	expect_ok "$1: EnumerateInstanceNames"
}
restart_with() {	# CONF-LINES...: stop, put the lines under [server], start
	stop_daemon
	local l add=""
	sed -i '/^tls_cert = \|^tls_key = /d' "$CONF"
	for l in "$@"; do add="$add\\n$l"; done
	sed -i "s|^\\[server\\]\$|[server]$add|" "$CONF"
	launch_daemon
}

start_daemon

# --- the certificate made on first start
crt=$TEST_DIR/state/tls.crt
text=$(openssl x509 -noout -text -in "$crt")
expect_match "auto certificate key" "Public Key Algorithm: id-ecPublicKey" "$text"
expect_match "auto certificate curve" "NIST CURVE: P-256" "$text"
expect_match "auto certificate signature" "Signature Algorithm: ecdsa-with-SHA256" "$text"
expect_match "auto certificate key usage" "Digital Signature, Certificate Sign" "$text"
expect_eq "auto key file mode" 600 "$(stat -c %a "$TEST_DIR/state/tls.key")"
expect_eq "served certificate is the file" "$(file_fp "$crt")" "$(served_fp)"
normal_request "ECDSA certificate"

# --- TLS 1.2 with the ECDSA certificate: ECDHE + AEAD only
expect_accepted ECDHE-ECDSA-AES128-GCM-SHA256
expect_accepted ECDHE-ECDSA-AES256-GCM-SHA384
expect_accepted ECDHE-ECDSA-CHACHA20-POLY1305
expect_refused ECDHE-ECDSA-AES128-SHA
expect_refused ECDHE-ECDSA-AES256-SHA
expect_refused ECDHE-ECDSA-AES128-SHA256
expect_refused ECDHE-ECDSA-AES128-CCM
# server preference: the client lists ChaCha20 and AES-256 first
tls_try "client order" -tls1_2 -cipher \
    ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256
expect_eq "server order wins over the client's" "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256" "$NEG"

# --- old protocol versions (the client lowers its own floor to offer them)
tls_try "TLS 1.0" -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
expect_eq "TLS 1.0" refused "$NEG"
tls_try "TLS 1.1" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
expect_eq "TLS 1.1" refused "$NEG"
tls_try "TLS 1.3" -tls1_3 -msg
expect_match "TLS 1.3" "^TLSv1.3 TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$" "$NEG"
# server precedence covers groups too: the client's X25519 key share must be
# taken, not answered with a HelloRetryRequest for P-256 (a round trip and a
# second key exchange on every connection)
expect_eq "TLS 1.3 ServerHello count (1: no HelloRetryRequest)" 1 \
    "$(grep -c '<<< TLS 1.3, Handshake .*ServerHello$' <<< "$CLIENT_OUT")"
expect_match "TLS 1.3 key exchange" "Server Temp Key: X25519" "$CLIENT_OUT"
tls_try "TLS 1.2 group" -tls1_2
expect_match "TLS 1.2 key exchange" "Server Temp Key: X25519" "$CLIENT_OUT"

# --- a configured RSA pair still serves, with the same policy
openssl req -x509 -newkey rsa:2048 -sha256 -days 30 -nodes -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TEST_DIR/rsa.key" -out "$TEST_DIR/rsa.crt" 2> /dev/null ||
    die "openssl cannot make an RSA pair"
restart_with "tls_cert = $TEST_DIR/rsa.crt" "tls_key = $TEST_DIR/rsa.key"
expect_eq "served certificate is the configured RSA one" "$(file_fp "$TEST_DIR/rsa.crt")" "$(served_fp)"
normal_request "configured RSA certificate"
expect_accepted ECDHE-RSA-AES128-GCM-SHA256
expect_accepted ECDHE-RSA-AES256-GCM-SHA384
expect_accepted ECDHE-RSA-CHACHA20-POLY1305
expect_refused AES128-SHA		# static RSA, CBC, SHA-1
expect_refused AES256-GCM-SHA384	# static RSA, AEAD
expect_refused AES128-GCM-SHA256
expect_refused ECDHE-RSA-AES128-SHA	# CBC, SHA-1 MAC
expect_refused ECDHE-RSA-AES256-SHA384	# CBC
expect_refused DHE-RSA-AES128-GCM-SHA256
tls_try "client order (RSA)" -tls1_2 -cipher AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
expect_eq "server order wins (RSA)" "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256" "$NEG"

# --- an RSA pair an older arrayd made in state_dir is kept, not replaced
cp "$TEST_DIR/rsa.crt" "$TEST_DIR/state/tls.crt"
cp "$TEST_DIR/rsa.key" "$TEST_DIR/state/tls.key"
chmod 600 "$TEST_DIR/state/tls.key"
restart_with
expect_eq "older RSA pair in state_dir served" "$(file_fp "$TEST_DIR/rsa.crt")" "$(served_fp)"
if cmp -s "$TEST_DIR/rsa.crt" "$TEST_DIR/state/tls.crt" && cmp -s "$TEST_DIR/rsa.key" "$TEST_DIR/state/tls.key"
then pass "older RSA pair left byte for byte"
else fail "older RSA pair changed on disk"; fi
normal_request "older RSA pair"

stop_daemon
finish
