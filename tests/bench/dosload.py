# SPDX-License-Identifier: ISC
"""dosload.py - the load generators of tests/bench/dos.sh (loopback only).

Three roles, each bounded in time (--secs) and count, each binding its
source address (--src) so the attackers can come from 127.0.0.2 while the
normal client comes from 127.0.0.1:

  probe  one normal client: authenticated CIM-XML requests at --rate per
         second over one HTTPS keep-alive connection (or, with --fresh, a
         new TLS connection per request); prints its latency percentiles
         (from each request's scheduled time) and how many were served.
  flood  N clients sending requests with a wrong password as fast as the
         server answers them (keep-alive; reconnecting when cut).
  hold   N clients that each send the headers of a POST with a
         Content-Length of --size and --size minus 1 bytes of body, then
         hold the connection until the daemon's RSS settles; samples the
         daemon's VmRSS/VmHWM (--pid).

Each role prints one line "RESULT key=value ..." that dos.sh parses.  It
never targets anything but 127.0.0.0/8.
"""
import argparse
import asyncio
import base64
import ipaddress
import ssl
import sys
import time


def ctx_new():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def request_bytes(a, user, pw, body):
    auth = base64.b64encode(('%s:%s' % (user, pw)).encode()).decode()
    head = ('POST /cimom HTTP/1.1\r\nHost: %s:%d\r\n'
            'Content-Type: application/xml; charset="utf-8"\r\n'
            'CIMOperation: MethodCall\r\nCIMMethod: %s\r\nCIMObject: %s\r\n'
            'Authorization: Basic %s\r\nContent-Length: %d\r\n\r\n'
            % (a.host, a.port, a.method, a.object, auth, len(body)))
    return head.encode() + body


async def connect(a, ctx):
    return await asyncio.open_connection(
        a.host, a.port, ssl=ctx, local_addr=(a.src, 0),
        server_hostname='arrayd', ssl_handshake_timeout=a.timeout)


async def read_response(r):
    """One HTTP/1.1 response: (status, keep_alive, body)."""
    head = await r.readuntil(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    h = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(':')
        if k:
            h[k.strip().lower()] = v.strip()
    if 'content-length' in h:
        body = await r.readexactly(int(h['content-length']))
    elif 'chunked' in h.get('transfer-encoding', '').lower():
        parts = []
        while True:
            n = int((await r.readuntil(b'\r\n')).split(b';')[0], 16)
            parts.append(await r.readexactly(n + 2))
            if n == 0:	# no trailers from this server: the last CRLF is read
                break
        body = b''.join(p[:-2] for p in parts)
    else:
        body = await r.read()
        h['connection'] = 'close'
    return status, h.get('connection', '').lower() != 'close', body


def close(w):
    if w is not None:
        try:
            w.transport.abort()
        except Exception:
            pass


def pct(xs, q):
    if not xs:
        return float('nan')
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


async def probe(a):
    """The normal client.  A request that fails counts in the percentiles
    at its time to failure (at least --timeout for a timeout)."""
    ctx = ctx_new()
    req = request_bytes(a, a.user, a.pw, open(a.body, 'rb').read())
    lat, ok, failed, conns = [], 0, {}, 0
    c = {'r': None, 'w': None}

    async def one(c):
        """One request on c's connection: None when served, else why not."""
        nonlocal conns
        why = None
        try:
            if c['w'] is None:
                c['r'], c['w'] = await asyncio.wait_for(connect(a, ctx), a.timeout)
                conns += 1
            c['w'].write(req)
            st, ka, body = await asyncio.wait_for(read_response(c['r']), a.timeout)
            if st != 200 or b'METHODRESPONSE' not in body or b'<ERROR' in body:
                why = 'http%d' % st
            if not ka or a.fresh:
                close(c['w'])
                c['w'] = None
        except (asyncio.TimeoutError, TimeoutError):
            why = 'timeout'
            close(c['w'])
            c['w'] = None
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError,
                ValueError, IndexError) as e:
            why = type(e).__name__
            close(c['w'])
            c['w'] = None
        return why

    def account(due, why):
        lat.append((time.perf_counter() - due) * 1000)
        if why is None:
            return 1
        failed[why] = failed.get(why, 0) + 1
        return 0

    async def fresh(due):
        nonlocal ok
        why = await one({'r': None, 'w': None})	# not inside the +=: ok is read first
        ok += account(due, why)

    # Paced, each latency taken from the request's scheduled time: a
    # stalled server cannot hide its stall by slowing the client down (no
    # coordinated omission).  Keep-alive requests go one after the other on
    # one connection; --fresh ones each on their own connection, started on
    # time whatever the earlier ones do.  Requests due in the first
    # --start-after seconds are sent but not counted (a client that was
    # there before the attack began); once counting starts, the ones still
    # owed from before are dropped.
    t_start = time.perf_counter()
    t_count = t_start + a.start_after
    end = time.monotonic() + a.start_after + a.secs
    n = i = 0
    tasks = []
    while time.monotonic() < end and n < a.count:
        due = t_start + i / a.rate
        i += 1
        now = time.perf_counter()
        if due < t_count <= now:
            i = int(a.start_after * a.rate + 0.999)
            continue
        if due > now:
            await asyncio.sleep(due - now)
        if a.fresh:
            if due >= t_count:
                n += 1
                tasks.append(asyncio.ensure_future(fresh(due)))
            continue
        why = await one(c)
        if due >= t_count:
            n += 1
            ok += account(due, why)
    if tasks:
        await asyncio.wait(tasks, timeout=2 * a.timeout + 5)
    if n > len(lat):
        failed['unfinished'] = n - len(lat)
    close(c['w'])
    print('RESULT role=probe src=%s fresh=%d sent=%d served=%d conns=%d '
          'p50_ms=%.2f p99_ms=%.2f max_ms=%.2f failed=%s'
          % (a.src, a.fresh, n, ok, conns, pct(lat, 0.5), pct(lat, 0.99),
             max(lat) if lat else float('nan'),
             ','.join('%s:%d' % kv for kv in sorted(failed.items())) or '-'))


async def flood(a):
    """N wrong-password clients, each waits for its answer before the next
    request (a client cannot be faster than the server lets it)."""
    ctx = ctx_new()
    req = request_bytes(a, a.user, a.pw, open(a.body, 'rb').read())
    end = time.monotonic() + a.secs
    stat = {'sent': 0, 'answers': {}, 'conns': 0, 'errors': 0}

    async def one():
        r = w = None
        while time.monotonic() < end and stat['sent'] < a.count:
            try:
                if w is None:
                    r, w = await asyncio.wait_for(connect(a, ctx), a.timeout)
                    stat['conns'] += 1
                stat['sent'] += 1
                w.write(req)
                st, ka, _ = await asyncio.wait_for(read_response(r), a.timeout)
                k = 'http%d' % st
                stat['answers'][k] = stat['answers'].get(k, 0) + 1
                if not ka:
                    close(w)
                    r = w = None
            except (asyncio.TimeoutError, TimeoutError, OSError,
                    asyncio.IncompleteReadError, ssl.SSLError, ValueError,
                    IndexError):
                stat['errors'] += 1
                close(w)
                r = w = None
                await asyncio.sleep(0.05)
        close(w)

    tasks = [asyncio.ensure_future(one()) for _ in range(a.n)]
    await asyncio.wait(tasks, timeout=a.secs + a.timeout + 5)
    for t in tasks:
        t.cancel()
    print('RESULT role=flood src=%s clients=%d sent=%d conns=%d errors=%d answers=%s'
          % (a.src, a.n, stat['sent'], stat['conns'], stat['errors'],
             ','.join('%s:%d' % kv for kv in sorted(stat['answers'].items())) or '-'))


def proc_kib(pid, key):
    try:
        for ln in open('/proc/%d/status' % pid):
            if ln.startswith(key + ':'):
                return int(ln.split()[1])
    except OSError:
        pass
    return -1


async def hold(a):
    """N clients, each sends the headers and all but the last byte of a
    --size body, then holds.  The daemon's memory is sampled all along."""
    ctx = ctx_new()
    auth = base64.b64encode(('%s:%s' % (a.user, a.pw)).encode()).decode()
    head = ('POST /cimom HTTP/1.1\r\nHost: %s:%d\r\n'
            'Content-Type: application/xml; charset="utf-8"\r\n'
            'CIMOperation: MethodCall\r\nCIMMethod: %s\r\nCIMObject: %s\r\n'
            'Authorization: Basic %s\r\nContent-Length: %d\r\n\r\n'
            % (a.host, a.port, a.method, a.object, auth, a.size)).encode()
    chunk = b' ' * 262144
    t0 = time.monotonic()
    end = t0 + a.secs
    st = {'complete': 0, 'bytes': 0, 'answers': {}, 'errors': {}, 'last': None}
    idle = proc_kib(a.pid, 'VmRSS')
    peak = [idle]
    writers, readers = [], []

    async def one():
        try:
            r, w = await asyncio.wait_for(connect(a, ctx), a.timeout)
        except Exception as e:
            k = 'connect_' + type(e).__name__
            st['errors'][k] = st['errors'].get(k, 0) + 1
            return
        writers.append(w)

        async def answer():
            """What the server says (or does) before we give up holding."""
            try:
                s, _, _ = await read_response(r)
                k = 'http%d' % s
            except asyncio.CancelledError:
                raise
            except Exception as e:
                k = 'closed_' + type(e).__name__
            st['answers'][k] = st['answers'].get(k, 0) + 1
        reader = asyncio.ensure_future(answer())
        readers.append(reader)
        try:
            w.write(head)
            left = a.size - 1
            while left > 0 and time.monotonic() < end and not reader.done():
                n = min(left, len(chunk))
                w.write(chunk[:n])
                await asyncio.wait_for(w.drain(), max(0.1, end - time.monotonic()))
                left -= n
                st['bytes'] += n
            if left == 0:
                st['complete'] += 1
                if st['complete'] == a.n:
                    st['last'] = time.monotonic() - t0
        except Exception:
            pass

    tasks = [asyncio.ensure_future(one()) for _ in range(a.n)]
    # Hold until the daemon's RSS has settled (grown less than 1 MiB in
    # 4 s, after --min-secs: a busy daemon may still be reading what the
    # kernel buffered long after the last byte was sent) or --secs.
    hist = []
    while time.monotonic() < end:
        rss = proc_kib(a.pid, 'VmRSS')
        peak[0] = max(peak[0], rss)
        hist.append((time.monotonic(), rss))
        old = [r for t, r in hist if t <= time.monotonic() - 4]
        if (time.monotonic() - t0 >= a.min_secs and old and
                rss - old[-1] < 1024):
            break
        await asyncio.sleep(0.25)
    held_s = time.monotonic() - t0
    hwm, rss = proc_kib(a.pid, 'VmHWM'), proc_kib(a.pid, 'VmRSS')
    peak[0] = max(peak[0], rss)
    held = sum(1 for r in readers if not r.done())
    for t in tasks + readers:
        t.cancel()
    for w in writers:
        close(w)
    await asyncio.sleep(2)
    print('RESULT role=hold src=%s clients=%d conns=%d complete=%d all_sent_s=%s sent_mib=%.0f '
          'held_s=%.1f held_at_end=%d rss_idle_kib=%d rss_peak_kib=%d hwm_kib=%d rss_after_kib=%d '
          'answers=%s errors=%s'
          % (a.src, a.n, len(writers), st['complete'],
             '%.1f' % st['last'] if st['last'] is not None else '-',
             st['bytes'] / 1048576, held_s, held, idle, peak[0], hwm, proc_kib(a.pid, 'VmRSS'),
             ','.join('%s:%d' % kv for kv in sorted(st['answers'].items())) or '-',
             ','.join('%s:%d' % kv for kv in sorted(st['errors'].items())) or '-'))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('role', choices=['probe', 'flood', 'hold'])
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--src', default='127.0.0.1')
    p.add_argument('--user', default='edit')
    p.add_argument('--pw', required=True)
    p.add_argument('--body', help='request body file (probe, flood)')
    p.add_argument('--method', default='GetInstance')
    p.add_argument('--object', default='root/tpd')
    p.add_argument('--secs', type=float, default=15)
    p.add_argument('--count', type=int, default=1000000)
    p.add_argument('--timeout', type=float, default=10)
    p.add_argument('--n', type=int, default=1, help='clients (flood, hold)')
    p.add_argument('--fresh', type=int, default=0, help='probe: new connection per request')
    p.add_argument('--rate', type=float, default=50, help='probe: requests per second')
    p.add_argument('--start-after', type=float, default=0,
                   help='probe: count requests from this many seconds on')
    p.add_argument('--size', type=int, default=4 << 20, help='hold: Content-Length')
    p.add_argument('--pid', type=int, default=0, help='hold: the daemon to sample')
    p.add_argument('--min-secs', type=float, default=15,
                   help='hold: hold at least this long, then until RSS settles (or --secs)')
    a = p.parse_args()
    for h in (a.host, a.src):
        if not ipaddress.ip_address(h).is_loopback:
            sys.exit('dosload: loopback addresses only (%s)' % h)
    asyncio.run({'probe': probe, 'flood': flood, 'hold': hold}[a.role](a))


if __name__ == '__main__':
    main()
