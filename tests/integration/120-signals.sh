#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 120-signals: SIGHUP reloads the configuration and the users file (a new
# volume and a new user appear) without dropping a keep-alive connection; a
# bad configuration on SIGHUP keeps the old one and logs every error;
# SIGTERM under load and during a copy drains and exits 0, and the copy
# resumes after a restart.
. "$(dirname "$0")/lib.sh"

start_daemon
cp "$CONF" "$TEST_DIR/good.conf"
truncate -s 32M "$TEST_DIR/pool0/late.img"

python3 - "$IT" "$PORT" "$EDIT_PW" "$PID" "$CONF" "$ARRAYD" "$TEST_DIR" > "$TEST_DIR/hup.out" 2>&1 <<'PY'
import sys, os, signal, subprocess, time
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, pid, conf, arrayd, tdir = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def count(c):
    r = c.raw('POST', '/cimom', w.cim_headers('EnumerateInstanceNames', 'root/tpd'),
              w.imethodcall('EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('CIM_StorageVolume'))]))
    return r.status, len(w.result_objs(r.xml())) if r.status == 200 else -1
c = w.Client('127.0.0.1', port, 'edit', pw)
print("before", *count(c))
with open(conf, 'a') as f:
    f.write("\n[volume late]\npool = pool0\npath = %s/pool0/late.img\nid = 120\n" % tdir)
subprocess.run([arrayd, 'passwd', '-c', conf, '--role', 'browse', 'late'], input=b'late-Secret-1\n', check=True)
os.kill(pid, signal.SIGHUP)
time.sleep(1.5)
print("after", *count(c))
print("connects", c.connects)
n = w.Client('127.0.0.1', port, 'late', 'late-Secret-1')
print("newuser", *count(n))
PY
sed 's/^/     /' "$TEST_DIR/hup.out"
expect_match "before reload" "before 200 5" "$(cat "$TEST_DIR/hup.out")"
expect_match "reload adds the volume" "after 200 6" "$(cat "$TEST_DIR/hup.out")"
expect_match "keep-alive connection kept across SIGHUP" "connects 1" "$(cat "$TEST_DIR/hup.out")"
expect_match "reload adds the user" "newuser 200 6" "$(cat "$TEST_DIR/hup.out")"
get_instance "$(vol_in 120)"
expect_eq "new volume size" 65536 "$(xq prop NumberOfBlocks)"

# a bad configuration on SIGHUP: old one kept, every error logged
cp "$CONF" "$TEST_DIR/reloaded.conf"
cat >> "$CONF" <<EOC
[volume broken1]
pool = nosuchpool
path = $TEST_DIR/pool0/b1.img
size = 1M
id = 130
EOC
sed -i 's/^chunk_size = .*/chunk_size = banana/' "$CONF"
lines=$(wc -l < "$TEST_DIR/arrayd.log")
kill -HUP "$PID"
sleep 1.5
newlog=$(tail -n +"$((lines + 1))" "$TEST_DIR/arrayd.log")
echo "$newlog" | sed 's/^/     log: /'
expect_match "bad reload logs the chunk_size error with its line" "arrayd.conf:[0-9]+: chunk_size" "$newlog"
expect_match "bad reload logs the pool error" "nosuchpool" "$newlog"
kill -0 "$PID" && pass "daemon alive after a bad reload" || fail "daemon died on a bad reload"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_eq "old configuration still served" 6 "$(xq count)"
cp "$TEST_DIR/reloaded.conf" "$CONF"
kill -HUP "$PID"; sleep 1

# SIGTERM during a copy and under request load: exit 0, then resume
sed -i 's/^\[server\]$/[server]\ncopy_rate_limit = 4194304/' "$CONF"
kill -HUP "$PID"; sleep 1
fill_dense "$(volpath 101)" 32
attach 101 102 4
expect_rc 4096 "slow attach before SIGTERM"
job=$JOB
sleep 1
python3 - "$IT" "$PORT" "$EDIT_PW" > "$TEST_DIR/load.out" 2>&1 <<'PY' &
import sys, threading, time
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw = int(sys.argv[2]), sys.argv[3]
ok = bad = 0
def run():
    global ok, bad
    c = w.Client('127.0.0.1', port, 'edit', pw, timeout=5)
    t0 = time.time()
    while time.time() - t0 < 4:
        try:
            r = c.raw('POST', '/cimom', w.cim_headers('EnumerateInstances', 'root/tpd'),
                      w.imethodcall('EnumerateInstances', 'root/tpd', [('ClassName', w.cn('CIM_ManagedElement'))]))
            if r.status == 200 and not w.check_body(r.body, 'EnumerateInstances', '1001'): ok += 1
            elif r.status == 503: ok += 1
            else: bad += 1
        except Exception:
            break	# the daemon closed: expected after SIGTERM
ts = [threading.Thread(target=run) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("load ok", ok, "bad", bad)
PY
loadpid=$!
sleep 1
stop_daemon
wait "$loadpid"
expect_match "answers under load were complete" "bad 0" "$(cat "$TEST_DIR/load.out")"
launch_daemon
expect_job_completed "$job" "copy resumed after SIGTERM"
expect_same 101 102 "after SIGTERM and restart"

finish
