#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bigload.py - expensive requests against a running arrayd, for
193-big-requests.sh and tests/bench/bigreq.sh.

N "heavy" client processes each repeat one EnumerateInstances (ClassName
CLASS in root/tpd, a PropertyList of PLIST names: a few real property
names first, then made-up ones; -1: no PropertyList) on its own keep-alive connection, while
one "normal" client repeats GetInstance of volume 101 and records each
latency.  Everything is bounded: every process stops after SECONDS or after
its request count, whichever comes first.  It only sends requests; it never
starts or signals a daemon.

usage: bigload.py PORT PASSWORD SYSNAME HEAVY PLIST CLASS SECONDS [MAXREQ]
prints one line:
  BIGLOAD heavy_sent=N heavy_ok=N heavy_err=N heavy_max_ms=X
          normal_sent=N normal_ok=N normal_failed=N p50_ms=X p99_ms=X max_ms=X
"heavy_ok" counts 200 answers without ERROR; "normal_ok" GetInstance
answers with the volume's ElementName.
"""

import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wirecheck as w  # noqa: E402

REAL = ['ElementName', 'NumberOfBlocks', 'BlockSize', 'OperationalStatus',
        'Name', 'DeviceID', 'SystemName', 'InstanceID', 'JobState']


def plist_body(n, cls):
    params = [('ClassName', w.cn(cls))]
    if n >= 0:		# -1: no PropertyList at all
        params.append(('PropertyList', w.va((REAL + ['P%06d' % i for i in range(n)])[:n])))
    return w.imethodcall('EnumerateInstances', 'root/tpd', params)


def heavy(port, pw, body, t_end, maxreq, q):
    c = w.Client('127.0.0.1', port, 'browse', pw, timeout=60)
    sent = ok = err = 0
    worst = 0.0
    hdrs = w.cim_headers('EnumerateInstances', 'root/tpd')
    while time.time() < t_end and sent < maxreq:
        sent += 1
        t0 = time.perf_counter()
        try:
            r = c.raw('POST', '/cimom', hdrs, body)
        except OSError:
            err += 1
            c.close()
            continue
        worst = max(worst, (time.perf_counter() - t0) * 1000)
        if r.status == 200 and b'<ERROR' not in r.body:
            ok += 1
        else:
            err += 1
    q.put(('heavy', sent, ok, err, worst, []))


def normal(port, pw, sysname, t_end, maxreq, q):
    c = w.Client('127.0.0.1', port, 'browse', pw, timeout=60)
    vol = ('<INSTANCENAME CLASSNAME="TPD_StorageVolume">%s</INSTANCENAME>' % ''.join(
        '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>'
        % kv for kv in (('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', '101'),
                        ('SystemCreationClassName', 'TPD_StorageSystem'),
                        ('SystemName', sysname))))
    body = w.imethodcall('GetInstance', 'root/tpd', [('InstanceName', vol)])
    hdrs = w.cim_headers('GetInstance', 'root/tpd')
    lat = []
    sent = ok = failed = 0
    time.sleep(0.3)		# let the heavy clients get going
    while time.time() < t_end and sent < maxreq:
        sent += 1
        t0 = time.perf_counter()
        try:
            r = c.raw('POST', '/cimom', hdrs, body)
        except OSError:
            failed += 1
            c.close()
            continue
        lat.append((time.perf_counter() - t0) * 1000)
        if r.status == 200 and b'<VALUE>vol0</VALUE>' in r.body:
            ok += 1
        else:
            failed += 1
        time.sleep(0.01)
    q.put(('normal', sent, ok, failed, 0.0, lat))


def main(argv):
    port, pw, sysname = int(argv[1]), argv[2], argv[3]
    nheavy, nplist, cls, secs = int(argv[4]), int(argv[5]), argv[6], float(argv[7])
    maxreq = int(argv[8]) if len(argv) > 8 else 1000000
    body = plist_body(nplist, cls)
    t_end = time.time() + secs
    q = mp.Queue()
    ps = [mp.Process(target=heavy, args=(port, pw, body, t_end, maxreq, q))
          for _ in range(nheavy)]
    ps.append(mp.Process(target=normal, args=(port, pw, sysname, t_end, maxreq, q)))
    for p in ps:
        p.start()
    hs = ho = he = 0
    hmax = 0.0
    ns = no = nf = 0
    lat = []
    for _ in ps:
        kind, s, o, e, m, l = q.get(timeout=secs + 120)
        if kind == 'heavy':
            hs, ho, he, hmax = hs + s, ho + o, he + e, max(hmax, m)
        else:
            ns, no, nf, lat = s, o, e, l
    for p in ps:
        p.join(30)
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(len(lat) * p))] if lat else float('nan')
    print('BIGLOAD heavy_sent=%d heavy_ok=%d heavy_err=%d heavy_max_ms=%.1f '
          'normal_sent=%d normal_ok=%d normal_failed=%d p50_ms=%.2f p99_ms=%.2f '
          'max_ms=%.2f body_bytes=%d' % (hs, ho, he, hmax, ns, no, nf, pct(0.5),
                                         pct(0.99), lat[-1] if lat else float('nan'),
                                         len(body)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
