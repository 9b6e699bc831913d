#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""indsub.py - make and remove indication subscriptions the way pywbem's
WBEMSubscriptionManager does (the request shapes of subscribe.py), for
the delivery tests.

usage: indsub.py --port N --password PW COMMAND ARGS
  add DEST URL FILTER QUERY [--count N]
        a destination (made once), a filter and their subscription;
        --count N makes N of each: DEST-i at URL/i, FILTER-i, and their
        subscriptions (i from 0)
  del-sub FILTER DEST     DeleteInstance of that subscription
  del-dest DEST           DeleteInstance of that destination
  state-sub FILTER DEST N ModifyInstance of its SubscriptionState to N
  prop-sub FILTER DEST PROP
        prints the property of the subscription ("" when NULL)
Prints "ok" or the CIM error ("error CODE: DESCRIPTION") and exits 1 then.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subscribe as s  # noqa: E402
import wirecheck as w  # noqa: E402


def find(conn, cls, pred):
    _, objs = s.enum(conn, cls)
    for p, inst in objs:
        if pred(p, inst):
            return p, inst
    return None, None


def find_dest(conn, name):
    return find(conn, 'CIM_ListenerDestinationCIMXML',
                lambda p, i: p.key('Name') == name)[0]


def find_sub(conn, fname, dname):
    return find(conn, 'CIM_IndicationSubscription',
                lambda p, i: p.key('Filter').key('Name') == fname and
                p.key('Handler').key('Name') == dname)


def created(conn, inst, what):
    root = conn.call('CreateInstance', [('NewInstance', inst)])
    path = s.created_path(root)
    if path is None:
        print('error %s: %s (%s)' % (w.error_code(root),
                                     w.error_desc(root)
                                     if hasattr(w, 'error_desc') else '',
                                     what))
    return path


def add(conn, sysname, dname, url, fname, query):
    dpath = find_dest(conn, dname)
    if dpath is None:
        dpath = created(conn, s.dest_inst(sysname, dname, url),
                        'destination ' + dname)
    fpath = created(conn, s.filter_inst(sysname, fname, query),
                    'filter ' + fname)
    if dpath is None or fpath is None:
        return False
    return created(conn, s.sub_inst(fpath, dpath),
                   'subscription %s -> %s' % (fname, dname)) is not None


def delete(conn, path):
    root = conn.call('DeleteInstance', [('InstanceName',
                                         path.to_xml('name'))])
    if w.error_code(root):
        print('error %s' % w.error_code(root))
        return False
    return True


def set_state(conn, path, state):
    mod = ('<VALUE.NAMEDINSTANCE>%s%s</VALUE.NAMEDINSTANCE>'
           % (path.to_xml('name'), s.instance('CIM_IndicationSubscription', [
               s.prop('uint16', 'SubscriptionState', state)])))
    root = conn.call('ModifyInstance', [
        ('ModifiedInstance', mod),
        ('PropertyList', w.va(['SubscriptionState']))])
    if w.error_code(root):
        print('error %s' % w.error_code(root))
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--count', type=int, default=0)
    ap.add_argument('cmd')
    ap.add_argument('args', nargs='*')
    a = ap.parse_args()
    s.expect = lambda cond, what: cond   # quiet: only our verdicts print
    conn = s.Conn(a.port, 'edit', a.password)
    ok = False
    if a.cmd == 'add' and len(a.args) == 4:
        sysname = s.add_server(conn)
        d, url, f, q = a.args
        if a.count == 0:
            ok = add(conn, sysname, d, url, f, q)
        else:
            ok = all(add(conn, sysname, '%s-%d' % (d, i),
                         '%s/%d' % (url.rstrip('/'), i), '%s-%d' % (f, i), q)
                     for i in range(a.count))
    elif a.cmd == 'del-sub' and len(a.args) == 2:
        p, _ = find_sub(conn, a.args[0], a.args[1])
        ok = p is not None and delete(conn, p)
    elif a.cmd == 'del-dest' and len(a.args) == 1:
        p = find_dest(conn, a.args[0])
        ok = p is not None and delete(conn, p)
    elif a.cmd == 'state-sub' and len(a.args) == 3:
        p, _ = find_sub(conn, a.args[0], a.args[1])
        ok = p is not None and set_state(conn, p, a.args[2])
    elif a.cmd == 'prop-sub' and len(a.args) == 3:
        p, inst = find_sub(conn, a.args[0], a.args[1])
        if inst is None:
            print('error no such subscription')
            return 1
        v = w.prop_value(inst, a.args[2])
        print('' if v is None else v)
        return 0
    else:
        ap.error('bad command')
    if ok:
        print('ok')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
