# SPDX-License-Identifier: ISC
"""rawhttp.py - one hand-made HTTP/1.1 exchange on a plain-HTTP port, for
requests curl will not send (conflicting Content-Length, slow bytes).

  rawhttp.py PORT [--src ADDR] [--dup-cl A,B] [--user U:P]
      POST /cimom with Content-Length A (and a second one B), body of A
      bytes; prints the status line and the headers, exits 0 on any answer,
      2 when the server closed without one.
  rawhttp.py PORT --drip SECONDS [--src ADDR] [--max N]
      send a request header one byte every SECONDS (N bytes at most);
      prints "cut after S s" when the server closes, "open" otherwise;
      with --body, the headers go at once (Content-Length 1000) and the
      body is dripped instead.
  rawhttp.py PORT --hold N --wait SECONDS [--src ADDR]
      open N connections that send nothing, print "held N", wait, print
      "closed=K of N" (how many the server closed meanwhile).
  rawhttp.py PORT --bodies N --cl BYTES --send BYTES --wait S --user U:P
      N connections each POST with Content-Length BYTES; one answered
      within 2 s of its headers is counted by status, the others send
      --send bytes of the body and hold.  Prints "status503=K held=H",
      then "holding", waits S seconds and closes them all.
"""
import argparse
import base64
import socket
import sys
import time


def connect(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(30)
    s.connect(("127.0.0.1", port))
    return s


def read_answer(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not d:
            break
        buf += d
    return buf.split(b"\r\n\r\n")[0].decode("latin-1")


def hold(a):
    socks = []
    for _ in range(a.hold):
        try:
            socks.append(connect(a.port, a.src))
        except OSError:
            socks.append(None)
    print("held %d" % len(socks), flush=True)
    time.sleep(a.wait)
    closed = 0
    for s in socks:
        if s is None:
            closed += 1
            continue
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print("closed=%d of %d" % (closed, a.hold))
    return 0


def bodies(a):
    auth = "Authorization: Basic %s\r\n" % base64.b64encode(
        a.user.encode()).decode()
    held, status = [], {}
    chunk = b"<" * 65536
    for _ in range(a.bodies):
        s = connect(a.port, a.src)
        s.sendall(("POST /cimom HTTP/1.1\r\nHost: x\r\n" + auth +
                   "Content-Type: application/xml\r\n"
                   "Content-Length: %d\r\n\r\n" % a.cl).encode())
        s.settimeout(2)
        try:
            ans = s.recv(4096).decode("latin-1")
        except socket.timeout:
            ans = None
        if ans is not None:
            code = ans[9:12] if ans.startswith("HTTP/1.1 ") else "closed"
            status[code] = status.get(code, 0) + 1
            s.close()
            continue
        s.settimeout(30)
        left = a.send
        while left > 0:
            n = min(left, len(chunk))
            s.sendall(chunk[:n])
            left -= n
        held.append(s)
    print("status503=%d held=%d other=%s" % (status.pop("503", 0),
          len(held), sorted(status.items())), flush=True)
    print("holding", flush=True)
    time.sleep(a.wait)
    for s in held:
        s.close()
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--src", default="")
    ap.add_argument("--dup-cl", default="")
    ap.add_argument("--user", default="")
    ap.add_argument("--drip", type=float, default=0)
    ap.add_argument("--max", type=int, default=200)
    ap.add_argument("--body", action="store_true")
    ap.add_argument("--hold", type=int, default=0)
    ap.add_argument("--bodies", type=int, default=0)
    ap.add_argument("--cl", type=int, default=0)
    ap.add_argument("--send", type=int, default=0)
    ap.add_argument("--wait", type=float, default=1)
    a = ap.parse_args()
    if a.hold:
        return hold(a)
    if a.bodies:
        return bodies(a)
    s = connect(a.port, a.src)
    auth = ""
    if a.user:
        auth = "Authorization: Basic %s\r\n" % base64.b64encode(
            a.user.encode()).decode()
    if a.drip:
        req = ("POST /cimom HTTP/1.1\r\nHost: x\r\n" + auth +
               "X-Padding: " + "p" * 400 + "\r\n\r\n").encode()
        if a.body:
            s.sendall(("POST /cimom HTTP/1.1\r\nHost: x\r\n" + auth +
                       "Content-Length: 1000\r\n\r\n").encode())
            req = b"<" * 1000
        t0 = time.monotonic()
        for i in range(min(a.max, len(req))):
            try:
                s.sendall(req[i:i + 1])
            except OSError:
                break
            s.settimeout(a.drip)
            try:
                d = s.recv(1)
                if not d:
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        else:
            print("open")
            return 0
        print("cut after %.0f s" % (time.monotonic() - t0))
        return 0
    cls = a.dup_cl.split(",")
    body = b"x" * int(cls[0])
    req = "POST /cimom HTTP/1.1\r\nHost: x\r\n" + auth
    req += "Content-Type: application/xml\r\n"
    for c in cls:
        req += "Content-Length: %s\r\n" % c
    s.sendall(req.encode() + b"\r\n" + body)
    ans = read_answer(s)
    if not ans:
        print("no answer")
        return 2
    print(ans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
