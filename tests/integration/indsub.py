#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""indsub.py - subscribe a listener to filters, the way pywbem's
WBEMSubscriptionManager does (subscribe.py builds the requests): one
CIM_ListenerDestinationCIMXML, then a CIM_IndicationFilter and a
CIM_IndicationSubscription for each NAME=QUERY given.

usage: indsub.py --port N --password PW --listener URL NAME=QUERY...
Prints "ok ..."/"FAIL ..." lines; exit status 1 when one failed.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subscribe as s  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--listener', required=True)
    ap.add_argument('filters', nargs='+')
    a = ap.parse_args()
    edit = s.Conn(a.port, 'edit', a.password)
    sysname = s.add_server(edit)
    root = edit.call('CreateInstance', [('NewInstance', s.dest_inst(
        sysname, 'pywbemdestination:indevt:listener', a.listener))])
    dpath = s.created_path(root)
    if not s.expect(dpath is not None, 'destination %s' % a.listener):
        return 1
    for f in a.filters:
        name, query = f.split('=', 1)
        root = edit.call('CreateInstance', [('NewInstance', s.filter_inst(
            sysname, name, query))])
        fpath = s.created_path(root)
        if not s.expect(fpath is not None, 'filter %s: %s' % (name, query)):
            continue
        root = edit.call('CreateInstance', [('NewInstance',
                                             s.sub_inst(fpath, dpath))])
        s.expect(s.created_path(root) is not None, 'subscription %s' % name)
    return 1 if s.FAIL else 0


if __name__ == '__main__':
    sys.exit(main())
