#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""subscribe_pywbem.py - the real pywbem WBEMSubscriptionManager (not in
Debian, never copied here: it runs only where `import pywbem` works, e.g.
PYTHONPATH pointing at a pywbem checkout) against a running arrayd:
WBEMServer discovery of the DMTF Indications profile and its central
CIM_IndicationService, add_destination, add_filter (owned and permanent),
add_subscriptions, rediscovery of owned instances by a second manager,
refusals (query, allow list), remove_filter and remove_all_servers.

usage: subscribe_pywbem.py --port N --password PW
Prints "subscribe_pywbem: N passed, N failed"; exit 1 on any failure.
"""

import argparse
import sys
import warnings

import pywbem

PASS = FAIL = 0


def expect(cond, what):
    global PASS, FAIL
    if cond:
        PASS += 1
        print('ok   %s' % what)
    else:
        FAIL += 1
        print('FAIL %s' % what)


def server(a):
    conn = pywbem.WBEMConnection('https://127.0.0.1:%d' % a.port,
                                 ('edit', a.password), no_verification=True)
    return pywbem.WBEMServer(conn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    srv = server(a)
    expect(srv.interop_ns == 'interop', 'interop namespace found')
    prof = srv.get_selected_profiles('DMTF', 'Indications')
    expect(len(prof) == 1, 'DMTF Indications profile selected')
    central = srv.get_central_instances(prof[0].path, 'CIM_IndicationService',
                                        'CIM_System', ['CIM_HostedService'])
    expect(len(central) == 1 and central[0].classname ==
           'CIM_IndicationService', 'central instance CIM_IndicationService')
    sm = pywbem.WBEMSubscriptionManager(subscription_manager_id='arraydit')
    sid = sm.add_server(srv)
    base = (len(sm.get_all_subscriptions(sid)), len(sm.get_all_filters(sid)),
            len(sm.get_all_destinations(sid)))
    dest = sm.add_destination(sid, 'http://127.0.0.1:5990',
                              destination_id='l1')
    expect(dest['Destination'] == 'http://127.0.0.1:5990', 'add_destination')
    flt = sm.add_filter(sid, 'root/tpd', 'SELECT * FROM CIM_InstModification '
                        'WHERE SourceInstance ISA CIM_ConcreteJob',
                        filter_id='jobs')
    expect(flt['QueryLanguage'] == 'WQL', 'add_filter (owned)')
    subs = sm.add_subscriptions(sid, flt.path, [dest.path])
    expect(len(subs) == 1 and subs[0]['SubscriptionState'] == 2,
           'add_subscriptions: Enabled')
    perm = sm.add_filter(sid, 'root/tpd', 'SELECT * FROM CIM_InstCreation '
                         'WHERE SourceInstance ISA CIM_StorageVolume',
                         owned=False, name='permanent1')
    expect(perm.path.keybindings['Name'] == 'permanent1',
           'add_filter (permanent)')
    expect((len(sm.get_owned_subscriptions(sid)),
            len(sm.get_owned_filters(sid)),
            len(sm.get_owned_destinations(sid))) == (1, 1, 1),
           'owned: 1 subscription, 1 filter, 1 destination')
    expect(len(sm.get_all_filters(sid)) == base[1] + 2, 'all filters: +2')
    try:
        sm.add_filter(sid, 'root/tpd', 'SELECT FROM nowhere', filter_id='x')
        expect(False, 'bad query refused')
    except pywbem.CIMError as e:
        expect(e.status_code == 15, 'bad query -> %s' % e.status_code)
    try:
        sm.add_destination(sid, 'http://192.0.2.9:5990', destination_id='y')
        expect(False, 'far destination refused')
    except pywbem.CIMError as e:
        expect(e.status_code == 2, 'far destination -> %s' % e.status_code)
    sm2 = pywbem.WBEMSubscriptionManager(subscription_manager_id='arraydit')
    sid2 = sm2.add_server(server(a))
    expect((len(sm2.get_owned_subscriptions(sid2)),
            len(sm2.get_owned_filters(sid2)),
            len(sm2.get_owned_destinations(sid2))) == (1, 1, 1),
           'a second manager finds the owned instances by name')
    sm.remove_filter(sid, perm.path)
    sm2.remove_all_servers()
    expect((len(sm.get_all_subscriptions(sid)), len(sm.get_all_filters(sid)),
            len(sm.get_all_destinations(sid))) == base,
           'remove_all_servers removed the owned ones')
    print('subscribe_pywbem: %d passed, %d failed' % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == '__main__':
    sys.exit(main())
