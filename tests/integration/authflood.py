# SPDX-License-Identifier: ISC
"""authflood.py - a normal client's latency while others flood wrong
passwords (issue 8 finding 4).  Bounded in time and count.

  authflood.py PORT USER PASS --flooders N --seconds S [--src ADDR]
      [--normal-src ADDR] [--requests M]

N threads POST /cimom from --src with USER and a wrong password, each on
its own keep-alive HTTPS connection (reconnecting when closed), for S
seconds.  Meanwhile one client on --normal-src sends M GET /metrics with
the right password on one keep-alive connection (the first pays the hash
and waits its turn among the verifications: login_ms; the others hit the
cache: p50/p99/max) and prints

  normal answered=A failed=F login_ms=L p50_ms=X p99_ms=Y max_ms=Z
  flood requests=R status401=U status503=B errors=E
"""
import argparse
import base64
import http.client
import ssl
import sys
import threading
import time

CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


def conn(port, src):
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                       source_address=(src, 0), context=CTX)


def auth(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


def flooder(a, stop, stats, lock):
    c = None
    hdr = {"Authorization": auth(a.user, "wrong-" + a.pw),
           "Content-Type": "application/xml"}
    while not stop.is_set():
        try:
            if c is None:
                c = conn(a.port, a.src)
            c.request("POST", "/cimom", body=b"<x/>", headers=hdr)
            r = c.getresponse()
            r.read()
            with lock:
                stats["requests"] += 1
                stats[r.status] = stats.get(r.status, 0) + 1
            if r.getheader("Connection", "").lower() == "close":
                c.close()
                c = None
        except Exception:
            with lock:
                stats["errors"] += 1
            if c is not None:
                c.close()
            c = None
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("user")
    ap.add_argument("pw")
    ap.add_argument("--flooders", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--src", default="127.0.0.2")
    ap.add_argument("--normal-src", default="127.0.0.1")
    ap.add_argument("--requests", type=int, default=100)
    a = ap.parse_args()
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"requests": 0, "errors": 0}
    th = [threading.Thread(target=flooder, args=(a, stop, stats, lock),
                           daemon=True) for _ in range(a.flooders)]
    for t in th:
        t.start()
    time.sleep(1)   # let the flood build up
    lat, failed, login = [], 0, -1
    c = conn(a.port, a.normal_src)
    hdr = {"Authorization": auth(a.user, a.pw)}
    t_end = time.monotonic() + a.seconds
    for _ in range(a.requests):
        if time.monotonic() > t_end:
            break
        t0 = time.monotonic()
        try:
            c.request("GET", "/metrics", headers=hdr)
            r = c.getresponse()
            r.read()
            ok = r.status == 200
        except Exception:
            ok = False
            c.close()
            c = conn(a.port, a.normal_src)
        dt = (time.monotonic() - t0) * 1000
        if ok and login < 0:
            login = dt
        elif ok:
            lat.append(dt)
        else:
            failed += 1
        time.sleep(0.02)
    stop.set()
    for t in th:
        t.join(35)
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(len(lat) * p))] if lat else -1
    print("normal answered=%d failed=%d login_ms=%.1f p50_ms=%.1f "
          "p99_ms=%.1f max_ms=%.1f" % (len(lat) + (login >= 0), failed, login,
                                       pct(0.5), pct(0.99),
                                       lat[-1] if lat else -1))
    print("flood requests=%d status401=%d status503=%d errors=%d"
          % (stats["requests"], stats.get(401, 0), stats.get(503, 0),
             stats["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
