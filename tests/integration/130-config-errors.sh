#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 130-config-errors: arrayd -t prints every error as FILE:LINE: key: reason
# and exits 1; start-up failures (port in use, certificate/key mismatch,
# unusable state dir, a second instance on the same state dir) exit non-zero
# with one clear message.  Any daemon that starts by mistake is stopped by PID.
. "$(dirname "$0")/lib.sh"

setup_array
trap on_exit EXIT
STRAYS=()
CLEANUP+=('for p in "${STRAYS[@]+"${STRAYS[@]}"}"; do kill -KILL "$p" 2>/dev/null; done')

"$ARRAYD" -t -c "$CONF" > "$TEST_DIR/t.out" 2>&1
expect_eq "arrayd -t on a good config" 0 "$?"

bad=$TEST_DIR/bad.conf
cat > "$bad" <<EOF2
[server]
listen = 127.0.0.1
https_port = 99999
state_dir = $TEST_DIR/state
max_copy_tasks = -3
chunk_size = 12Q
frobnicate = yes

[pool pool0]
path = $TEST_DIR/pool0

[volume v1]
pool = nopool
path = $TEST_DIR/pool0/v1.img
size = 1M
id = 7

[volume v2]
pool = pool0
path = $TEST_DIR/pool0/v2.img
size = 1M
id = 7

[volume bad name!]
pool = pool0
path = $TEST_DIR/pool0/v3.img
size = 1M
EOF2
"$ARRAYD" -t -c "$bad" > "$TEST_DIR/t.out" 2>&1
rc=$?
sed 's/^/     /' "$TEST_DIR/t.out"
expect_eq "arrayd -t on a bad config" 1 "$rc"
out=$(cat "$TEST_DIR/t.out")
expect_match "https_port error with line 3" "bad.conf:3: https_port: " "$out"
expect_match "max_copy_tasks error with line 5" "bad.conf:5: max_copy_tasks: " "$out"
expect_match "chunk_size error with line 6" "bad.conf:6: chunk_size: " "$out"
expect_match "unknown key with line 7" "bad.conf:7: frobnicate: " "$out"
expect_match "unknown pool named" "bad.conf:1[2-4]: pool: .*" "$out"
expect_match "duplicate id" "bad.conf:(1[89]|2[0-2]): id: " "$out"
expect_match "bad volume name" "bad.conf:2[3-4]: .*bad name" "$out"
n=$(grep -cE '^[^ ]*bad.conf:[0-9]+: ' "$TEST_DIR/t.out")
[ "$n" -ge 7 ] && pass "every error reported ($n lines)" || fail "only $n FILE:LINE errors"

# try_start WHAT: the daemon must exit non-zero within 10 s with a message
try_start() {
	"$ARRAYD" -c "$2" > "$TEST_DIR/s.out" 2>&1 &
	local p=$! i
	STRAYS+=("$p")
	for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$p" 2>/dev/null; then
		kill -KILL "$p"; wait "$p" 2>/dev/null
		fail "$1: arrayd kept running"; return
	fi
	wait "$p"; local rc=$?
	[ "$rc" -ne 0 ] && pass "$1: exit $rc" || fail "$1: exit 0"
	expect_match "$1: message" "$3" "$(cat "$TEST_DIR/s.out")"
	echo "     $(tail -n 2 "$TEST_DIR/s.out" | tr '\n' ' ')"
}

# port in use
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(12)' "$PORT" &
holder=$!
STRAYS+=("$holder")
sleep 0.5
try_start "port in use" "$CONF" "[Aa]ddress already in use|port.*in use|in use"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# certificate and key that do not belong together
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=a -days 1 -keyout "$TEST_DIR/a.key" -out "$TEST_DIR/a.crt" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TEST_DIR/b.key" 2>/dev/null
sed "s|^\[server\]$|[server]\ntls_cert = $TEST_DIR/a.crt\ntls_key = $TEST_DIR/b.key|" "$CONF" > "$TEST_DIR/mismatch.conf"
try_start "cert/key mismatch" "$TEST_DIR/mismatch.conf" "key|cert"

# state_dir is a regular file
: > "$TEST_DIR/statefile"
sed "s|^state_dir = .*|state_dir = $TEST_DIR/statefile|" "$CONF" > "$TEST_DIR/statefile.conf"
try_start "state_dir is a file" "$TEST_DIR/statefile.conf" "state"
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$TEST_DIR/ro"; chmod 500 "$TEST_DIR/ro"
	sed "s|^state_dir = .*|state_dir = $TEST_DIR/ro|" "$CONF" > "$TEST_DIR/ro.conf"
	try_start "state_dir not writable" "$TEST_DIR/ro.conf" "state|ermission"
	chmod 700 "$TEST_DIR/ro"
fi

# a second instance on the same state dir
launch_daemon
PORT2=$(free_port)
sed "s|^https_port = .*|https_port = $PORT2|" "$CONF" > "$TEST_DIR/second.conf"
try_start "second instance on the same state_dir" "$TEST_DIR/second.conf" "lock|running|in use|state"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_eq "first instance still serves" 5 "$(xq count)"

finish
