#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# cim.sh - CIM-XML request throughput, latency and memory of arrayd.
#
# Starts its own daemon (tests/integration/lib.sh) on a loopback port with
# 32 extra 1 MiB volumes, then runs wrk (cimreq.lua, adapted from
# /work/shared/bench/cim/cimxml.lua) over HTTPS keep-alive for GetInstance
# of a volume, GetInstance of a finished job, EnumerateInstanceNames,
# EnumerateInstances of CIM_ConcreteJob with smispy's PropertyList while
# ~100 jobs exist, and GetInstance of a RUNNING job (a copy slowed by
# copy_rate_limit, set by SIGHUP, runs through those runs) at 1, 16 and 64
# connections; reports req/s, p50/p99, idle and loaded RSS (VmRSS), and the
# ModifySynchronization (Resync) request->4096 latency at 16 concurrent
# clients, client side and from the daemon's histogram (the delta over the
# measured run); beside it, in the same run, ModifyReplicaSynchronization
# (14 Resync Replica on the same pairs) request->4096 at 16 clients, and
# the CreateElementReplica Snapshot (SyncType 7, WaitForCopyState 4, as
# smispy) reply time over 200 snapshots, each deleted with
# ModifyReplicaSynchronization 19 after (its reply time reported too).  Everything is bounded (wrk -d, timeout).
# Targets: 16 connections >= 20000 GetInstance/s, p99 < 5 ms, RSS < 16 MiB;
# ModifySynchronization p99 < 2 ms.
# Environment: DURATION (s, default 5), CONNS (default "1 16 64"),
# PERF_TRACE=1 (perf trace --duration 2 on the daemon during the measured
# ModifySynchronization run; lists the loop thread's slow system calls).
set -u
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=bench-cim
DURATION=${DURATION:-5}
CONNS=${CONNS:-"1 16 64"}
BENCH=$TOP/tests/bench
command -v wrk > /dev/null || { echo "wrk not found"; exit 2; }

EXTRA_CONF=$(for i in $(seq 0 31); do
	printf '[volume b%d]\npool = pool0\npath = %s\nsize = 1M\nid = %d\n\n' "$i" "@DIR@/pool0/b$i.img" $((200 + i))
done
# the slow copy whose job is polled while it runs
printf '[volume run0]\npool = pool0\npath = @DIR@/pool0/run0.img\nsize = 64M\nid = 240\n\n'
printf '[volume run1]\npool = pool0\npath = @DIR@/pool0/run1.img\nsize = 64M\nid = 241\n\n')
# lib.sh makes TEST_DIR inside setup_array; the volume paths need it first
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() { _setup_array "$@"; sed -i "s|@DIR@|$TEST_DIR|g" "$CONF"; }
start_daemon "log_level = warning" "replication_service = yes" > /dev/null
for i in $(seq 0 2 31); do write_data "$TEST_DIR/pool0/b$i.img" 0; done
fill_dense "$TEST_DIR/pool0/run0.img" 64

rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
AUTH="Authorization: Basic $(printf 'edit:%s' "$EDIT_PW" | base64 -w0)"
URL="https://127.0.0.1:$PORT/cimom"

# a finished job to GetInstance
attach 101 102 4
wait_job "$JOB" 30 > /dev/null
JOBID=$JOB
envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(vol_in 101)")</IMETHODCALL>" > "$TEST_DIR/gi_vol.xml"
envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(job_in "$JOBID")")</IMETHODCALL>" > "$TEST_DIR/gi_job.xml"
envelope "<IMETHODCALL NAME=\"EnumerateInstanceNames\">$(nsx root/tpd)$(ip ClassName "$(cn CIM_StorageVolume)")</IMETHODCALL>" > "$TEST_DIR/ein.xml"

idle=$(rss)
peak=$idle
# wrkrow BODY CIMMETHOD: one table row per connection count.
wrkrow() {
	local c t out sampler m
	for c in $CONNS; do
		t=$(( c < 2 ? 1 : 2 ))
		( sleep $(( DURATION / 2 )); rss > "$TEST_DIR/rss.mid" ) &
		sampler=$!
		out=$(timeout $((DURATION + 20)) wrk -t$t -c"$c" -d"${DURATION}s" --latency --timeout 5s \
		    -H "$AUTH" -s "$BENCH/cimreq.lua" "$URL" -- "$TEST_DIR/$1.xml" "$2" root/tpd 2>&1)
		wait "$sampler"
		m=$(cat "$TEST_DIR/rss.mid" 2>/dev/null || echo 0)
		[ "${m:-0}" -gt "$peak" ] && peak=$m
		echo "$out" > "$TEST_DIR/wrk_${1}_$c.txt"
		python3 - "$1" "$c" "$2" <<PY
import re, sys
t = open("$TEST_DIR/wrk_%s_%s.txt" % (sys.argv[1], sys.argv[2])).read()
def ms(s):
    m = re.match(r'([\d.]+)(us|ms|s)$', s)
    return float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)] if m else float('nan')
rps = re.search(r'Requests/sec:\s+([\d.]+)', t)
p50 = re.search(r'\s50%\s+(\S+)', t); p99 = re.search(r'\s99%\s+(\S+)', t)
ck = re.search(r'CIMCHECK responses=(\d+) cim_errors=(\d+) not_response=(\d+)', t)
err = int(ck.group(2)) + int(ck.group(3)) if ck else -1
print('%-26s %6s %10.0f %9.2f %9.2f %8d' % (sys.argv[1] + ' ' + sys.argv[3], sys.argv[2],
      float(rps.group(1)) if rps else 0, ms(p50.group(1)) if p50 else float('nan'),
      ms(p99.group(1)) if p99 else float('nan'), err))
PY
	done
}
printf '%-26s %6s %10s %9s %9s %8s\n' operation conns req/s p50_ms p99_ms errors
for spec in "gi_vol GetInstance" "gi_job GetInstance" "ein EnumerateInstanceNames"; do
	wrkrow $spec
done
# modsync_run ITERATIONS [rs]: 16 client processes, each Resyncs its own
# Frozen pair ITERATIONS times (waiting for Frozen in between) with
# ModifySynchronization 4, or with rs ModifyReplicaSynchronization 14;
# prints the client-side request->4096 latencies.
modsync_run() {
timeout 120 python3 - "$IT" "$PORT" "$EDIT_PW" "$SYS" "$1" "${2:-scs}" <<'PY'
import sys, time, statistics, multiprocessing as mp
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, sysname, iters = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
rs = sys.argv[6] == 'rs'
meth, opno = ('ModifyReplicaSynchronization', 14) if rs else ('ModifySynchronization', 4)
def vol(d):
    return w.Path('TPD_StorageVolume', [('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', str(d)),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
scs = w.Path('TPD_StorageConfigurationService', [('CreationClassName', 'TPD_StorageConfigurationService'),
    ('Name', 'StorageConfigurationService'), ('SystemCreationClassName', 'TPD_StorageSystem'),
    ('SystemName', sysname)], 'root/tpd')
if rs:
    scs = w.Path('TPD_ReplicationService', [('CreationClassName', 'TPD_ReplicationService'),
        ('Name', 'ReplicationService'), ('SystemCreationClassName', 'TPD_StorageSystem'),
        ('SystemName', sysname)], 'root/tpd')
def client(k, q):
    lat, errs = [], []
    c = w.Client('127.0.0.1', port, 'edit', pw)
    pair = w.Path('TPD_StorageSynchronized', [('SyncedElement', vol(201 + 2 * k)), ('SystemElement', vol(200 + 2 * k))], 'root/tpd')
    body = w.methodcall(meth, scs, [('Operation', 'uint16', w.v(opno)),
                        ('Synchronization', 'reference', w.ref(pair))])
    probe = w.imethodcall('GetInstance', 'root/tpd', [('InstanceName', pair.to_xml('name', nested='local'))])
    t_end = time.time() + 20
    for it in range(iters):
        if time.time() > t_end: break
        t0 = time.perf_counter()
        r = c.raw('POST', '/cimom', w.cim_headers(meth, scs.wbem_uri()), body)
        dt = time.perf_counter() - t0
        rc = w.returnvalue(r.xml()) if r.status == 200 else None
        if rc != '4096':
            errs.append(rc); continue
        lat.append(dt * 1000)
        while time.time() < t_end:	# wait for Frozen before the next Resync
            g = c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'), probe)
            ins = w.instances(g.xml())
            if ins and w.prop_value(ins[0], 'SyncState') == '14': break
            time.sleep(0.02)
    q.put((lat, errs))
# One process per client: threads would serialise on the GIL and add their
# own waits to the latency measured.
q = mp.Queue()
ps = [mp.Process(target=client, args=(k, q)) for k in range(16)]
for p in ps: p.start()
lat, errs = [], []
for p in ps:
    l, e = q.get()
    lat += l; errs += e
for p in ps: p.join()
lat.sort()
if lat:
    print("%s(Resync) request->4096 at 16 clients (client side): n=%d p50 %.2f ms p99 %.2f ms max %.2f ms, non-4096 %d"
          % (meth, len(lat), statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.99))], lat[-1], len(errs)))
else:
    print("%s: no successful Resync (%s)" % (meth, errs[:5]))
PY
}
metrics() {
	curl -sS --max-time 10 --cacert "$TEST_DIR/state/tls.crt" -u "edit:$EDIT_PW" "https://127.0.0.1:$PORT/metrics"
}
# jobcount: TPD_ConcreteJob instances in the array.
jobcount() {
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_ConcreteJob)")" > /dev/null
	xq count
}
# setconf KEY VALUE: set a [server] directive and SIGHUP our daemon.
setconf() {
	sed -i "/^$1 = /d" "$CONF"
	sed -i "/^\[server\]/a $1 = $2" "$CONF"
	kill -HUP "$PID"
	sleep 0.5
}

# ~100 jobs (the 16 pairs' PCs, then 5 Resyncs each), for the job enumeration
for i in $(seq 0 2 31); do attach $((200 + i)) $((201 + i)) 4; echo "$JOB" >> "$TEST_DIR/pairjobs"; done
while read -r j; do wait_job "$j" 30 > /dev/null; done < "$TEST_DIR/pairjobs"
modsync_run 5 > "$TEST_DIR/modsync_warmup.txt"
njobs=$(jobcount)
envelope "<IMETHODCALL NAME=\"EnumerateInstances\">$(nsx root/tpd)$(ip ClassName "$(cn CIM_ConcreteJob)")$(ip PropertyList "$(plist InstanceID JobState PercentComplete ErrorDescription OperationalStatus)")</IMETHODCALL>" > "$TEST_DIR/ei_jobs.xml"
echo "# ei_jobs: EnumerateInstances CIM_ConcreteJob, PropertyList as smispy, $njobs jobs"
wrkrow ei_jobs EnumerateInstances

# a RUNNING job: 64 MiB dense at 256 KiB/s outlasts the wrk runs
setconf copy_rate_limit 262144
attach 240 241 4
RUNJOB=$JOB
envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(job_in "$RUNJOB")")</IMETHODCALL>" > "$TEST_DIR/gi_jobrun.xml"
st0=$(job_prop "$RUNJOB" JobState)
wrkrow gi_jobrun GetInstance
st1=$(job_prop "$RUNJOB" JobState)
pc=$(xq prop PercentComplete)
echo "# gi_jobrun: job $RUNJOB JobState $st0 before, $st1 after the runs ($pc%); 4 = Running"
[ "$st0" = 4 ] && [ "$st1" = 4 ] || fail "the polled job was not Running throughout (JobState $st0, $st1)"
setconf copy_rate_limit 0
wait_job "$RUNJOB" 60 > /dev/null
echo "RSS idle ${idle} KiB, under load (peak sample) ${peak} KiB"

# ModifySynchronization latency: 16 clients, each Resyncs its own Frozen pair
metrics > "$TEST_DIR/metrics.before"
tracer=""
if [ "${PERF_TRACE:-0}" = 1 ] && command -v perf > /dev/null; then
	# System calls of 2 ms or more, by any thread, during the measured run.
	timeout 150 perf trace -p "$PID" --duration 2 -o "$TEST_DIR/perf.trace" 2> /dev/null &
	tracer=$!
	sleep 1
fi
modsync_run 20
metrics > "$TEST_DIR/metrics.after"
if [ -n "$tracer" ]; then
	kill -INT "$tracer" 2> /dev/null; wait "$tracer" 2> /dev/null
	echo "# perf trace --duration 2 during the run: slow calls of the loop thread (tid $PID), longest first"
	grep -E "/$PID[[:space:]]" "$TEST_DIR/perf.trace" | sed -E 's/^ *[0-9.]+ \( *([0-9.]+) ms\): [^ ]+ /\1 ms /' |
	    sort -rn | head -n 15 | cut -c1-160
	echo "# calls of 2 ms+: loop thread $(grep -cE "/$PID[[:space:]]" "$TEST_DIR/perf.trace"), all threads $(grep -c ' ms): ' "$TEST_DIR/perf.trace")"
fi
# Server side: the daemon's histogram, the delta over the measured run.
# hist_delta OP BEFORE AFTER
hist_delta() {
python3 - "$2" "$3" "$1" <<'PY'
import re, sys
op = sys.argv[3]
def hist(path):
    h = {}
    for ln in open(path):
        m = re.match(r'arrayd_request_duration_seconds_bucket\{op="%s",le="([^"]+)"\} (\d+)' % op, ln)
        if m:
            h[m.group(1)] = int(m.group(2))
    return h
b, a = hist(sys.argv[1]), hist(sys.argv[2])
les = sorted(a, key=lambda x: float('inf') if x == '+Inf' else float(x))
d = [(le, a[le] - b.get(le, 0)) for le in les]
n = d[-1][1] if d else 0
def q(f):
    return next((le for le, c in d if c >= f * n), '?')
print("%s server side (daemon histogram, this run): n=%d p50 <= %s s, p99 <= %s s; buckets %s"
      % (op, n, q(0.5), q(0.99), ' '.join('%s:%d' % x for x in d)))
PY
}
hist_delta ModifySynchronization "$TEST_DIR/metrics.before" "$TEST_DIR/metrics.after"
echo "RSS after the ModifySynchronization run $(rss) KiB"

# ModifyReplicaSynchronization (14 Resync Replica) on the same 16 pairs,
# in the same run, measured the same way.
modsync_run 5 rs > "$TEST_DIR/mrs_warmup.txt"
metrics > "$TEST_DIR/metrics.rs.before"
modsync_run 20 rs
metrics > "$TEST_DIR/metrics.rs.after"
hist_delta ModifyReplicaSynchronization "$TEST_DIR/metrics.rs.before" "$TEST_DIR/metrics.rs.after"

# CreateElementReplica Snapshot reply time: 200 snapshots of b0, one at a
# time as smispy (SyncType 7, WaitForCopyState 4), each deleted with
# ModifyReplicaSynchronization 19 afterwards.
timeout 180 python3 - "$IT" "$PORT" "$EDIT_PW" "$SYS" 200 <<'PY'
import sys, time, statistics
sys.path.insert(0, sys.argv[1])
import wirecheck as w
port, pw, sysname, n = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
rs = w.Path('TPD_ReplicationService', [('CreationClassName', 'TPD_ReplicationService'),
    ('Name', 'ReplicationService'), ('SystemCreationClassName', 'TPD_StorageSystem'),
    ('SystemName', sysname)], 'root/tpd')
src = w.Path('TPD_StorageVolume', [('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', '200'),
    ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', sysname)], 'root/tpd')
c = w.Client('127.0.0.1', port, 'edit', pw)
hdr = w.cim_headers('CreateElementReplica', rs.wbem_uri())
mhdr = w.cim_headers('ModifyReplicaSynchronization', rs.wbem_uri())
cer, ret, errs = [], [], []
for i in range(n):
    body = w.methodcall('CreateElementReplica', rs, [('ElementName', 'string', w.v('bsnap%d' % i)),
        ('SyncType', 'uint16', w.v(7)), ('SourceElement', 'reference', w.ref(src)),
        ('WaitForCopyState', 'uint16', w.v(4))])
    t0 = time.perf_counter()
    r = c.raw('POST', '/cimom', hdr, body)
    dt = (time.perf_counter() - t0) * 1000
    root = r.xml() if r.status == 200 else None
    sync = w.outref(root, 'Synchronization') if root is not None else None
    if root is None or w.returnvalue(root) != '0' or sync is None:
        errs.append('CER %s' % (w.returnvalue(root) if root is not None else r.status)); continue
    cer.append(dt)
    body = w.methodcall('ModifyReplicaSynchronization', rs, [('Operation', 'uint16', w.v(19)),
        ('Synchronization', 'reference', w.ref(sync, nested='local'))])
    t0 = time.perf_counter()
    r = c.raw('POST', '/cimom', mhdr, body)
    dt = (time.perf_counter() - t0) * 1000
    if r.status != 200 or w.returnvalue(r.xml()) != '0':
        errs.append('MRS19 %s' % (w.returnvalue(r.xml()) if r.status == 200 else r.status)); continue
    ret.append(dt)
def st(l):
    l = sorted(l)
    return 'n=%d p50 %.2f ms p99 %.2f ms max %.2f ms' % (len(l), statistics.median(l),
        l[min(len(l) - 1, int(len(l) * 0.99))], l[-1]) if l else 'n=0'
print("CreateElementReplica(Snapshot) reply time, 1 client, sequential (client side): %s, errors %d %s" % (st(cer), len(errs), errs[:3]))
print("ModifyReplicaSynchronization(19 Return To ResourcePool) of those snapshots (client side): %s" % st(ret))
PY
finish
