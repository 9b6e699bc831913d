# SPDX-License-Identifier: ISC
"""dostable.py RESULTS.tsv LABEL... - the tables of tests/bench/dos.sh.

RESULTS.tsv has one figure a line: scenario, variant, figure, label (the
binary: this, or old and new), value.  Prints a short table (one row per
scenario and attacker placement, the figures that answer the issue's
targets, ready for the README) and then every figure, with NEW/OLD ratios
when two binaries were compared.
"""
import sys

rows, order = {}, []
for ln in open(sys.argv[1]):
    sc, var, met, lab, val = ln.rstrip('\n').split('\t')
    k = (sc, var, met)
    if k not in rows:
        rows[k] = {}
        order.append(k)
    rows[k][lab] = val
labels = sys.argv[2:]
variants = []
for sc, var, _ in order:
    if (sc, var) not in variants:
        variants.append((sc, var))


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def g(sc, var, met, lab):
    return rows.get((sc, var, met), {}).get(lab, '?')


def ms(v):
    x = num(v)
    if x is None:
        return v
    return '%.0f' % x if x >= 100 else '%.1f' % x


def served(v):
    return v


# scenario -> (what it shows, target, cell(var, label))
SHORT = {
    'base': ('normal GetInstance, no attack (this machine today): keep-alive 50/s / new connection 5/s', '',
             lambda v, l: 'keep-alive p50 %s / p99 %s ms; new conn p50 %s / p99 %s ms' % (
                 ms(g('base', v, 'p50_ms', l)), ms(g('base', v, 'p99_ms', l)),
                 ms(g('base', v, 'fresh_p50_ms', l)), ms(g('base', v, 'fresh_p99_ms', l)))),
    'flood64': ('normal GetInstance (keep-alive, 50/s) while 64 clients flood wrong passwords',
                'p99 < 50 ms',
                lambda v, l: 'p50 %s / p99 %s ms, %s served' % (
                    ms(g('flood64', v, 'p50_ms', l)), ms(g('flood64', v, 'p99_ms', l)),
                    served(g('flood64', v, 'served', l)))),
    'slowH': ('normal client during slowhttptest -c 2000 -H: keep-alive / new connection per request',
              'all served, p99 < 100 ms',
              lambda v, l: 'keep-alive %s served, p99 %s ms; new conn %s served, p99 %s ms; server closed %s of the attack' % (
                  served(g('slowH', v, 'served', l)), ms(g('slowH', v, 'p99_ms', l)),
                  served(g('slowH', v, 'fresh_served', l)), ms(g('slowH', v, 'fresh_p99_ms', l)),
                  g('slowH', v, 'slowhttptest closed at end', l))),
    'slowB': ('normal client during slowhttptest -c 2000 -B: keep-alive / new connection per request',
              'all served, p99 < 100 ms',
              lambda v, l: 'keep-alive %s served, p99 %s ms; new conn %s served, p99 %s ms; server closed %s of the attack' % (
                  served(g('slowB', v, 'served', l)), ms(g('slowB', v, 'p99_ms', l)),
                  served(g('slowB', v, 'fresh_served', l)), ms(g('slowB', v, 'fresh_p99_ms', l)),
                  g('slowB', v, 'slowhttptest closed at end', l))),
    'body200': ('daemon memory while 200 clients hold an unfinished 4 MiB body',
                'RSS < 64 MiB',
                lambda v, l: 'RSS peak %s MiB, VmHWM %s MiB (idle %s); normal client %s served, p99 %s ms' % (
                    g('body200', v, 'rss_peak_mib', l), g('body200', v, 'vmhwm_mib', l),
                    g('body200', v, 'rss_idle_mib', l), g('body200', v, 'served', l),
                    ms(g('body200', v, 'p99_ms', l)))),
    'tls': ('new TLS connections (openssl s_time -new, one client)', '',
            lambda v, l: '%s conn/s, %s ms server CPU each (%s)' % (
                g('tls', v, 'conn_per_s', l), g('tls', v, 'server_cpu_ms_per_conn', l),
                g('tls', v, 'cert', l))),
    'wrk16': ('GetInstance, wrk 16 keep-alive connections', '',
              lambda v, l: '%s req/s, p50 %s / p99 %s ms' % (
                  g('wrk16', v, 'req_per_s', l), ms(g('wrk16', v, 'p50_ms', l)),
                  ms(g('wrk16', v, 'p99_ms', l)))),
}

print('| scenario | attackers / variant | ' + ' | '.join(labels) + ' | target |')
print('|---|---|' + '---|' * len(labels) + '---|')
for sc, var in variants:
    if sc not in SHORT:
        continue
    what, target, cell = SHORT[sc]
    cells = []
    for l in labels:
        c = cell(var, l)
        d = rows.get((sc, var, 'daemon'), {}).get(l)
        cells.append(c + ('; DAEMON %s' % d.upper() if d else ''))
    print('| %s | %s | %s | %s |' % (what, var, ' | '.join(cells), target))
print()
print('All figures:')
hdr = ['scenario', 'attackers / variant', 'figure'] + labels
if len(labels) == 2:
    hdr.append('%s/%s' % (labels[1], labels[0]))
print('| ' + ' | '.join(hdr) + ' |')
print('|' + '---|' * len(hdr))
for k in order:
    vals = [rows[k].get(l, '') for l in labels]
    line = list(k) + vals
    if len(labels) == 2:
        a, b = num(vals[0]), num(vals[1])
        line.append('%.3g' % (b / a) if a and b is not None else '')
    print('| ' + ' | '.join(line) + ' |')
