#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""indbench.py - the indication benchmark's client (tests/bench/indications.sh).

  indbench.py --port N --password PW latency --count N --listener-out FILE
      N volumes created one after the other (a subscription on their
      creation exists); prints the latency from each indication's
      IndicationTime (the committed change) to the listener's receipt:
      RESULT what=ind_latency n=.. p50_ms=.. p99_ms=..
  indbench.py --port N --password PW burst --jobs 64 --tag T [--listener-out FILE]
      64 CreateReplica (full copies of volume 104) sent back to back on one
      connection while another connection runs GetInstance of volume 101
      in a loop until every job has ended and, with --listener-out, the
      registry's queue is empty; prints
      RESULT what=gi_T n=.. p50_ms=.. p99_ms=..
      and with --listener-out the indications the listener answered in that
      time and their rate: RESULT what=ind_burst_T delivered=.. per_s=..
"""
import argparse
import datetime
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import volbench as vb  # noqa: E402
import wirecheck as w  # noqa: E402


def vol_path(devid):
    return w.Path('TPD_StorageVolume', [
        ('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', str(devid)),
        ('SystemCreationClassName', 'TPD_StorageSystem'),
        ('SystemName', vb.SYS)], 'root/tpd')


def records(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def cim_time(s):
    """CIM datetime yyyymmddhhmmss.mmmmmm+UUU -> POSIX seconds."""
    t = datetime.datetime.strptime(s[:21], '%Y%m%d%H%M%S.%f')
    off = int(s[22:25]) * (1 if s[21] == '+' else -1)
    return t.replace(tzinfo=datetime.timezone.utc).timestamp() - off * 60


def run_latency(b, a):
    pool = b.pool()
    for i in range(a.count):
        b.method('CreateOrModifyElementFromStoragePool', [
            ('ElementName', 'string', w.v('lat%d' % i)),
            ('InPool', 'reference', w.ref(pool)),
            ('Size', 'uint64', w.v(4 << 20))])
        time.sleep(0.05)
    deadline = time.monotonic() + 30
    lat = []
    while time.monotonic() < deadline:
        recs = [r for r in records(a.listener_out) if r.get('answer') == 200 and
                r.get('class') == 'TPD_StorageVolumeInstCreation']
        if len(recs) >= a.count:
            lat = [r['t'] - cim_time(r['props']['IndicationTime'])
                   for r in recs]
            break
        time.sleep(0.2)
    vb.stats('ind_latency', lat)
    return 0 if len(lat) >= a.count else 1


class Prober(threading.Thread):
    """GetInstance of volume 101 over its own connection until stopped."""

    def __init__(self, a):
        super().__init__(daemon=True)
        self.b = vb.Bench(a)
        self.stop = threading.Event()
        self.ts = []

    def run(self):
        p = vol_path(101)
        while not self.stop.is_set():
            _, dt, _ = self.b.intrinsic('GetInstance', [
                ('InstanceName', p.to_xml('name'))])
            self.ts.append(dt)


def metric(b, name):
    r = b.c.raw('GET', '/metrics', [], b'')
    for line in r.body.decode().splitlines():
        if line.startswith(name + ' '):
            return float(line.split()[1])
    return None


def run_burst(b, a):
    src = vol_path(104)
    pr = Prober(a)
    before = len(records(a.listener_out)) if a.listener_out else 0
    pr.start()
    time.sleep(1.0)
    t0 = time.time()
    jobs = []
    for i in range(a.jobs):
        root, _ = b.method('CreateReplica', [
            ('ElementName', 'string', w.v('%s%d' % (a.tag, i))),
            ('SourceElement', 'reference', w.ref(src)),
            ('CopyType', 'uint16', w.v(5))])
        jobs.append(w.outref(root, 'Job'))
    deadline = time.monotonic() + a.deadline
    # every job ended, then (with a listener) the queue drained
    while time.monotonic() < deadline:
        states = []
        for j in jobs:
            if j is None:
                continue
            root, _, _ = b.intrinsic('GetInstance', [
                ('InstanceName', j.to_xml('name'))])
            inst = w.instances(root)
            states.append(w.prop_value(inst[0], 'JobState') if inst else '7')
        if all(s in ('7', '8', '10') for s in states):
            break
        time.sleep(0.5)
    while a.listener_out and time.monotonic() < deadline:
        if metric(b, 'arrayd_indications_queued') == 0:
            break
        time.sleep(0.2)
    t1 = time.time()
    pr.stop.set()
    pr.join()
    vb.stats('gi_' + a.tag, pr.ts, ' jobs=%d wall_s=%.1f' % (len(jobs),
                                                             t1 - t0))
    if a.listener_out:
        recs = [r for r in records(a.listener_out)[before:]
                if r.get('answer') == 200]
        if len(recs) >= 2:
            span = recs[-1]['t'] - recs[0]['t']
            print('RESULT what=ind_burst_%s delivered=%d span_s=%.2f per_s=%.0f'
                  % (a.tag, len(recs), span, len(recs) / span if span else 0),
                  flush=True)
        else:
            print('RESULT what=ind_burst_%s delivered=%d' % (a.tag, len(recs)))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--system', default=vb.SYS)
    ap.add_argument('--pool', default='pool0')
    ap.add_argument('--deadline', type=float, default=300)
    ap.add_argument('--listener-out')
    ap.add_argument('--count', type=int, default=50)
    ap.add_argument('--jobs', type=int, default=64)
    ap.add_argument('--tag', default='x')
    ap.add_argument('cmd', choices=('latency', 'burst'))
    a = ap.parse_args()
    b = vb.Bench(a)
    if a.cmd == 'latency':
        return run_latency(b, a)
    return run_burst(b, a)


if __name__ == '__main__':
    sys.exit(main())
