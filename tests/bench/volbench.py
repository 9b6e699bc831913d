#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""volbench.py - Block Services timings of a running arrayd (the client
side of tests/bench/volumes.sh).  Standard library only; one persistent
HTTPS keep-alive connection (tests/integration/wirecheck.py's Client), the
request shapes of clientshape.py's smispy replay (ElementType uint16,
Size uint64, InPool / TheElement as VALUE.REFERENCE INSTANCEPATH).

  create  --count N [--enum-at 10,1000] [--size BYTES]
          creates N volumes "bench.<i>" through
          CreateOrModifyElementFromStoragePool, timing each request; when the
          array holds exactly one of the --enum-at numbers of volumes it
          times EnumerateInstances(CIM_StorageVolume) (median of --reps);
          then returns all N with ReturnToStoragePool, timing each.
  enum    [--reps 5]: time EnumerateInstances(CIM_StorageVolume) now.

Prints "RESULT key=value ..." lines for volumes.sh.  Every loop is
bounded in count and in time (--deadline seconds for the whole run).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'integration'))
import wirecheck as w  # noqa: E402

SYS = '2FF70002AC01A2B3'


class Bench:
    def __init__(self, a):
        self.a = a
        self.c = w.Client('127.0.0.1', a.port, 'edit', a.password, None, True,
                          timeout=120)
        self.msgid = 1000
        self.deadline = time.monotonic() + a.deadline
        self.scs = w.Path('TPD_StorageConfigurationService', [
            ('CreationClassName', 'TPD_StorageConfigurationService'),
            ('Name', 'StorageConfigurationService'),
            ('SystemCreationClassName', 'TPD_StorageSystem'),
            ('SystemName', a.system)], 'root/tpd')

    def left(self):
        return self.deadline - time.monotonic()

    def _post(self, op, cimobject, body):
        self.msgid += 1
        r = self.c.raw('POST', '/cimom', w.cim_headers(op, cimobject), body)
        if r.status != 200:
            raise RuntimeError('%s: HTTP %d' % (op, r.status))
        return r

    def intrinsic(self, op, params):
        self.msgid += 1
        body = w.imethodcall(op, 'root/tpd', params, str(self.msgid))
        t0 = time.perf_counter()
        r = self._post(op, 'root/tpd', body)
        dt = time.perf_counter() - t0
        root = r.xml()
        code = w.error_code(root)
        if code:
            raise RuntimeError('%s: ERROR %s' % (op, code))
        return root, dt, len(r.body)

    def method(self, name, params):
        self.msgid += 1
        body = w.methodcall(name, self.scs, params, str(self.msgid))
        t0 = time.perf_counter()
        r = self._post(name, self.scs.wbem_uri(), body)
        dt = time.perf_counter() - t0
        root = r.xml()
        code = w.error_code(root)
        if code:
            raise RuntimeError('%s: ERROR %s' % (name, code))
        return root, dt

    def pool(self):
        root, _, _ = self.intrinsic('EnumerateInstanceNames',
                                    [('ClassName', w.cn('TPD_StoragePool'))])
        for p in w.result_paths(root):
            if (p.key('InstanceID') or '').endswith(':' + self.a.pool):
                p.ns, p.host = 'root/tpd', '127.0.0.1'
                return p
        raise RuntimeError('no pool %s' % self.a.pool)

    def enum(self, reps):
        """EnumerateInstances(CIM_StorageVolume) wall time: median of reps."""
        times = []
        n = size = 0
        for _ in range(reps):
            if self.left() < 0:
                break
            root, dt, size = self.intrinsic('EnumerateInstances',
                                            [('ClassName', w.cn('CIM_StorageVolume'))])
            n = len(w.result_objs(root))
            times.append(dt)
        med = statistics.median(times) if times else float('nan')
        print('RESULT what=enum volumes=%d reps=%d median_ms=%.2f min_ms=%.2f '
              'max_ms=%.2f bytes=%d' % (n, len(times), med * 1e3,
                                        min(times) * 1e3, max(times) * 1e3, size),
              flush=True)
        return n

    def count(self):
        root, _, _ = self.intrinsic('EnumerateInstanceNames',
                                    [('ClassName', w.cn('CIM_StorageVolume'))])
        return len(w.result_paths(root))


def stats(what, ts, extra=''):
    if not ts:
        print('RESULT what=%s n=0' % what)
        return
    s = sorted(ts)
    p = lambda q: s[min(len(s) - 1, int(round(q * (len(s) - 1))))]  # noqa: E731
    print('RESULT what=%s n=%d p50_ms=%.2f p99_ms=%.2f mean_ms=%.2f max_ms=%.2f total_s=%.1f%s'
          % (what, len(s), p(0.5) * 1e3, p(0.99) * 1e3, statistics.mean(s) * 1e3,
             s[-1] * 1e3, sum(s), extra), flush=True)


def run_create(b, a):
    pool = b.pool()
    enum_at = sorted(int(x) for x in a.enum_at.split(',') if x)
    have = b.count()
    print('# %d volumes before the creates' % have, flush=True)
    made = []
    ct = []
    for i in range(a.count):
        if have + len(made) in enum_at:
            b.enum(a.reps)
            enum_at.remove(have + len(made))
        if b.left() < 0:
            print('# deadline: stopped after %d creates' % len(made))
            break
        root, dt = b.method('CreateOrModifyElementFromStoragePool', [
            ('ElementName', 'string', w.v('%s.%d' % (a.prefix, i))),
            ('ElementType', 'uint16', w.v(2)),
            ('InPool', 'reference', w.ref(pool, 'full')),
            ('Size', 'uint64', w.v(a.size))])
        rc = w.returnvalue(root)
        te = w.outref(root, 'TheElement')
        if rc != '0' or te is None:
            print('# create %d: rc %s; stopping' % (i, rc))
            break
        made.append(te)
        ct.append(dt)
    if have + len(made) in enum_at:
        b.enum(a.reps)
    stats('create', ct)
    dt_ = []
    for te in made:
        if b.left() < 0:
            print('# deadline: stopped deleting')
            break
        root, dt = b.method('ReturnToStoragePool',
                            [('TheElement', 'reference', w.ref(te, 'full'))])
        if w.returnvalue(root) != '0':
            print('# delete %s: rc %s' % (te.key('DeviceID'), w.returnvalue(root)))
            continue
        dt_.append(dt)
    stats('delete', dt_)
    print('# %d volumes after the deletes' % b.count())
    return 0 if len(ct) == a.count and len(dt_) == a.count else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['create', 'enum'])
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--system', default=SYS)
    ap.add_argument('--pool', default='pool0')
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--size', type=int, default=256 * 1024 * 1024)
    ap.add_argument('--prefix', default='bench')
    ap.add_argument('--enum-at', default='10,1000')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--deadline', type=float, default=600)
    a = ap.parse_args()
    b = Bench(a)
    if a.mode == 'enum':
        b.enum(a.reps)
        return 0
    return run_create(b, a)


if __name__ == '__main__':
    sys.exit(main())
