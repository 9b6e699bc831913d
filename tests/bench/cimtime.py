#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""cimtime.py - time one copy through the daemon, from sending the method
that starts it to seeing its job Completed, for the copy benchmarks.

  cimtime.py IT_DIR PORT PASSWORD WARMUP.xml METHOD CIMOBJECT REQUEST.xml \
      GETJOB.xml LIMIT_S

The process connects first and sends WARMUP.xml (a GetInstance: TLS and the
password check are done before the clock starts, so the start-up of a
poller is no part of the copy's time), then sends REQUEST.xml (an extrinsic
METHOD on CIMOBJECT answered 4096 + Job) and GetInstance of that job
(GETJOB.xml with @JOB@ for its InstanceID) every 50 ms on the same
connection until JobState is final.  Prints "JOBSTATE SECONDS", or
"failed 0" when the method was not answered 4096 with a Job.
"""
import sys
import time
from xml.sax.saxutils import escape

sys.path.insert(0, sys.argv[1])
import wirecheck as w  # noqa: E402


def main(a):
    port, pw, warmup, method, obj, req, getjob, limit = a[2:10]
    c = w.Client('127.0.0.1', int(port), 'edit', pw)
    c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'),
          open(warmup).read())
    t0 = time.time()
    r = c.raw('POST', '/cimom', w.cim_headers(method, obj), open(req).read())
    root = r.xml() if r.status == 200 else None
    job = w.outref(root, 'Job') if root is not None else None
    if root is None or w.returnvalue(root) != '4096' or job is None:
        print('failed 0')
        return
    body = open(getjob).read().replace('@JOB@', escape(job.key('InstanceID')))
    st = ''
    while time.time() - t0 < float(limit):
        r = c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'), body)
        ins = w.instances(r.xml()) if r.status == 200 else []
        st = w.prop_value(ins[0], 'JobState') if ins else 'none'
        if st in ('7', '8', '10'):
            break
        time.sleep(0.05)
    print(st, '%.6f' % (time.time() - t0))


main(sys.argv)
