#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 135-startup-faults: storage faults found at start-up (CONTRACT.md 7).  A
# pool or state folder that is not a folder, a new volume's path that is a
# folder or not whole blocks: one clear "error:" line naming the volume,
# pool or path, exit status 1, nothing served, while `arrayd -t` (the
# configuration is valid) exits 0.  A missing volume file without a size is
# one error line and arrayd serves (issue 8: one failed volume).  A
# volume file truncated below its source while arrayd was down: no crash,
# the pair turns Broken (never Frozen over data that does not match).  As
# root on a full 1 MiB tmpfs: a pool folder, the state folder or a volume
# file still to be created there refuse to start; an existing sparse file
# there only warns.  Root parts exit 77 when not root or mount is refused.
. "$(dirname "$0")/lib.sh"

# mk_conf FILE STATE POOL VOLPATH [SIZE]: a one-pool, one-volume array.
mk_conf() {
	{
		echo "[server]"
		echo "listen = 127.0.0.1"
		echo "https_port = $PORT"
		echo "state_dir = $2"
		echo "system_name = $SYS"
		echo "[pool p]"
		echo "path = $3"
		echo "[volume v]"
		echo "pool = p"
		echo "path = $4"
		[ -n "${5:-}" ] && echo "size = $5"
	} > "$1"
}
# expect_refused WHAT CONF REGEX: exit 1, exactly one error line matching,
# nothing listening; `arrayd -t` on the same file exits 0.
expect_refused() {
	local out rc nerr
	out=$(timeout 20 "$ARRAYD" -c "$2" 2>&1); rc=$?
	nerr=$(grep -c ' error: ' <<< "$out")
	if [ "$rc" = 1 ]; then pass "$1: exit status 1"
	else fail "$1: exit status $rc"; fi
	if [ "$nerr" = 1 ] && [[ $(grep ' error: ' <<< "$out") =~ $3 ]]; then
		pass "$1: one message: $(grep ' error: ' <<< "$out" | sed 's/.* error: //')"
	else
		fail "$1: expected one error line /$3/, got $nerr:"; echo "$out" | sed 's/^/     /'
	fi
	if grep -q "listening on" <<< "$out"; then fail "$1: served before failing"
	else pass "$1: nothing served"; fi
	if grep -qE 'Segmentation|AddressSanitizer|LeakSanitizer|runtime error|leaked' <<< "$out"; then
		fail "$1: forbidden output"; fi
	out=$("$ARRAYD" -t -c "$2" 2>&1); rc=$?
	if [ "$rc" = 0 ]; then pass "$1: arrayd -t exit 0 (disk findings are warnings)"
	else fail "$1: arrayd -t exit $rc: $out"; fi
}

EXTRA_CONF=$'[volume v106]\npool = pool0\npath = pool0/106.img\nid = 106\nsize = 64M\n'
start_daemon
F=$TEST_DIR/faults
mkdir -p "$F/pool" "$F/state"

# ------------------------------------------------ (b) and friends, unprivileged
# A missing volume file is one failed volume, not a dead array (issue 8;
# 175-missing-volume covers the rest): one error line, and arrayd serves.
mkdir -p "$F/bstate"
PORT=$(free_port) mk_conf "$F/b.conf" "$F/bstate" "$F/pool" "$F/pool/none.img"
"$ARRAYD" -c "$F/b.conf" > "$F/b.log" 2>&1 &
bpid=$!
CLEANUP+=("kill $bpid 2>/dev/null")
for i in $(seq 100); do grep -q "listening on" "$F/b.log" && break; sleep 0.1; done
grep -q "listening on" "$F/b.log" && pass "missing volume file, no size: arrayd serves" ||
    fail "missing volume file, no size: not serving: $(cat "$F/b.log")"
expect_match "missing volume file, no size: one error line" \
    "^1 .* error: volume [0-9]+ \\(v\\): backing store $F/pool/none.img is missing" \
    "$(grep -c ' error: ' "$F/b.log") $(grep ' error: ' "$F/b.log")"
kill -TERM "$bpid"; wait "$bpid"; rc=$?
expect_eq "missing volume file, no size: exit status on SIGTERM" 0 "$rc"
[ -e "$F/pool/none.img" ] && fail "a file was made for the missing volume" || pass "no file made for it"
: > "$F/notdir"
mk_conf "$F/p.conf" "$F/state" "$F/notdir" "$F/pool/v.img" 1M
expect_refused "pool folder is a file" "$F/p.conf" "pool p: folder $F/notdir: not a directory"
[ -e "$F/pool/v.img" ] && fail "volume file created although the pool failed" || pass "no volume file created"
mk_conf "$F/s.conf" "$F/notdir" "$F/pool" "$F/pool/v.img" 1M
expect_refused "state folder is a file" "$F/s.conf" "state directory $F/notdir: not a directory"
mkdir -p "$F/pool/adir"
mk_conf "$F/d.conf" "$F/state" "$F/pool" "$F/pool/adir"
expect_refused "volume path is a folder" "$F/d.conf" \
    "volume v: $F/pool/adir: neither a regular file nor a block device"
head -c 1000 /dev/zero > "$F/pool/odd.img"
mk_conf "$F/o.conf" "$F/state" "$F/pool" "$F/pool/odd.img"
expect_refused "volume file not whole blocks" "$F/o.conf" \
    "volume v: $F/pool/odd.img: 1000 bytes is not a whole number of 512-byte blocks"
: > "$F/pool/empty.img"
mk_conf "$F/e.conf" "$F/state" "$F/pool" "$F/pool/empty.img" 1M
expect_refused "volume file empty" "$F/e.conf" \
    "volume v: $F/pool/empty.img: empty \\(0 bytes\\)"

# ------------------------------------------------ (c) a target smaller than its pair needs
attach 101 102 4; expect_rc 4096 "PC 101->102"; expect_job_completed "$JOB" "PC 101->102"
create_replica snapG 103 4; expect_rc 0 "VC of 103"; snap=$TARGET
wait_pair 103 "$snap" 11 30
stop_daemon
truncate -s 16M "$(volpath 102)"		# PC target shrunk while down
truncate -s 80M "$(volpath 103)"		# VC base grown while down
launch_daemon
expect_eq "PC with a shrunk target: Broken" 12 "$(pair_prop 101 102 SyncState)"
grep -q "volume 102 (16777216 bytes) is smaller than its source 101" "$TEST_DIR/arrayd.log" &&
    pass "log names the shrunk volume" || fail "no log line about volume 102 being smaller"
expect_eq "VC at rest with a grown base: still Idle" 11 "$(pair_prop 103 "$snap" SyncState)"
modsync 4 101 102
expect_rc 4 "Resync of the Broken pair refused"
modsync 12 101 102
expect_rc 4 "Start Copy into the shrunk target refused"
modsync 5 103 "$snap"
expect_rc 4 "Restore onto a grown base refused"
expect_eq "VC still Idle" 11 "$(pair_prop 103 "$snap" SyncState)"

# a copy running when arrayd died, its target truncated before the restart
stop_daemon
sed -i '/^\[server\]/a copy_rate_limit = 1M' "$CONF"
launch_daemon
fill_dense "$(volpath 105)" 32	# 32 s at 1 MiB/s: running however slow the client
attach 105 106 5; expect_rc 4096 "slow attach 105->106"; job=$JOB
for i in $(seq 50); do
	pc=$(job_prop "$job" PercentComplete)
	[[ $pc =~ ^[0-9]+$ ]] && [ "$pc" -ge 5 ] && break
	sleep 0.1
done
kill9_daemon
truncate -s 16M "$(volpath 106)"
launch_daemon
get_instance "$(job_in "$job")"
expect_eq "interrupted job into a shrunk target: Exception" 10 "$(xq prop JobState)"
expect_match "its ErrorDescription" "smaller than its source" "$(xq prop ErrorDescription)"
expect_eq "its pair Broken" 12 "$(pair_prop 105 106 SyncState)"
sz=$(stat -c %s "$(volpath 106)")
expect_eq "the shrunk target was not grown back by a copy" 16777216 "$sz"
kill -0 "$PID" 2>/dev/null && pass "daemon still serving" || fail "daemon died"
stop_daemon

# ------------------------------------------------ (a) full filesystems, root only
if [ "${ARRAYD_TEST_ROOT:-0}" != 1 ] || [ "$(id -u)" != 0 ]; then
	note "skip: full-disk parts need root and ARRAYD_TEST_ROOT=1"
	echo "$TEST_NAME: $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ] && exit 77
	exit 1
fi
mkdir -p "$F/full"
if ! mount -t tmpfs -o size=1m arrayd-test "$F/full" 2> "$F/mount.err"; then
	note "skip: mount refused: $(cat "$F/mount.err")"
	echo "$TEST_NAME: $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ] && exit 77
	exit 1
fi
CLEANUP+=("umount '$F/full'")
mkdir -p "$F/full/pool" "$F/full/state"
truncate -s 64M "$F/full/sparse.img"
dd if=/dev/zero of="$F/full/fill" bs=64k status=none 2>/dev/null
avail=$(df --output=avail "$F/full" | tail -1 | tr -d ' ')
expect_eq "tmpfs full" 0 "$avail"
mk_conf "$F/fa.conf" "$F/state" "$F/full/pool" "$F/pool/fa.img" 1M
expect_refused "pool folder on a full disk" "$F/fa.conf" \
    "pool p: folder $F/full/pool: no space left on device"
mk_conf "$F/fs.conf" "$F/full/state" "$F/pool" "$F/pool/fs.img" 1M
expect_refused "state folder on a full disk" "$F/fs.conf" \
    "state directory $F/full/state: no space left on device"
mk_conf "$F/fv.conf" "$F/state" "$F/pool" "$F/full/new.img" 1M
expect_refused "volume file to create on a full disk" "$F/fv.conf" \
    "volume v: $F/full/new.img: no space left on device"
[ -e "$F/full/new.img" ] && fail "volume file created on the full disk" || pass "no file created on the full disk"
# an existing sparse file there: a warning, and arrayd serves
mk_conf "$F/fw.conf" "$F/state" "$F/pool" "$F/full/sparse.img"
CONF=$F/fw.conf
launch_daemon
grep -q "volume v: $F/full/sparse.img: no space left on device: writes into its holes will fail" "$TEST_DIR/arrayd.log" &&
    pass "existing sparse file on a full disk: warning" || fail "no warning for the sparse file on a full disk"
stop_daemon

finish
