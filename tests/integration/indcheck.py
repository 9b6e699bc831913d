#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""indcheck.py - questions about what indlistener.py recorded (JSON lines).

  indcheck.py FILE count [--answer CODE] [--class CLASS] [--filter NAME]
        records (requests the listener got) matching, one number
  indcheck.py FILE delivered [--filter NAME]
        requests the listener answered with success, one number
  indcheck.py FILE violations
        every DSP0200/DSP0201 rule a request broke, one a line (none: empty)
  indcheck.py FILE events [--filter NAME]
        the delivered indications in arrival order, one a line:
        "SEQ CLASS SOURCECLASS key=value..." with JobState,
        PercentComplete, OperationalStatus, DeviceID of the source and
        JobState of the previous instance (prevJobState=)
  indcheck.py FILE sequence [--filter NAME]
        checks each SequenceContext's SequenceNumbers of the delivered
        indications: they start anywhere and go up by one with no gap and
        no repeat; prints "ok N" or the first fault (exit status 1)
"""
import json
import sys


def load(path, flt=None):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                if flt is not None and \
                        (r.get("props") or {}).get("IndicationFilterName") != flt:
                    continue
                out.append(r)
    except FileNotFoundError:
        pass
    return out


def delivered(recs):
    return [r for r in recs if r.get("answer") == 200 and
            r.get("mode") == "ok" and not r.get("violations")]


def opt(args, name, conv=str):
    if name in args:
        i = args.index(name)
        return conv(args[i + 1])
    return None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    recs = load(path, opt(args, "--filter"))
    if cmd == "count":
        code = opt(args, "--answer", int)
        cls = opt(args, "--class")
        n = sum(1 for r in recs
                if (code is None or r.get("answer") == code) and
                (cls is None or r.get("class") == cls))
        print(n)
        return 0
    if cmd == "delivered":
        print(len(delivered(recs)))
        return 0
    if cmd == "violations":
        for r in recs:
            for v in r.get("violations") or []:
                print("msgid %s: %s" % (r.get("msgid"), v))
        return 0
    if cmd == "events":
        for r in delivered(recs):
            p = r.get("props") or {}
            s = r.get("source") or {}
            sp = s.get("props") or {}
            pp = (r.get("previous") or {}).get("props") or {}
            kv = []
            for k in ("JobState", "PercentComplete", "OperationalStatus",
                      "DeviceID", "ElementName", "SyncState"):
                if sp.get(k) is not None:
                    val = sp[k]
                    if isinstance(val, list):
                        val = ",".join(val)
                    kv.append("%s=%s" % (k, val))
            if pp.get("JobState") is not None:
                kv.append("prevJobState=%s" % pp["JobState"])
            print(" ".join([str(p.get("SequenceNumber")), str(r.get("class")),
                            str(s.get("class"))] + kv))
        return 0
    if cmd == "sequence":
        last = {}
        n = 0
        for r in delivered(recs):
            p = r.get("props") or {}
            ctx, seq = p.get("SequenceContext"), p.get("SequenceNumber")
            if not ctx or seq is None:
                print("msgid %s: no SequenceContext/SequenceNumber" %
                      r.get("msgid"))
                return 1
            seq = int(seq)
            if ctx in last and seq != last[ctx] + 1:
                print("context %s: SequenceNumber %d after %d" %
                      (ctx, seq, last[ctx]))
                return 1
            last[ctx] = seq
            n += 1
        print("ok %d" % n)
        return 0
    print("unknown command %s" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
