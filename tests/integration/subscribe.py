#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""subscribe.py - the requests pywbem's WBEMSubscriptionManager sends
(pywbem/_subscription_manager.py: add_server, add_listener_destinations,
add_filter, add_subscriptions, get_all_*, remove_*), replayed against a
running arrayd with the standard library only, plus the errors a
subscriber can meet.

usage: subscribe.py --port N --password PW --browse-password PW
                    --phase create|verify-remove
create: discovery, one destination, one filter, one subscription, the
  checks of each answer, associations of the subscription, ModifyInstance
  of SubscriptionState, and the refusals (role, allow list, URL, query
  language, duplicates, filter in use).
verify-remove: after a daemon restart the three are still there (as
  add_server finds owned instances by name), then removed as
  remove_subscriptions / remove_filter / remove_destinations do.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wirecheck as w  # noqa: E402

PASS = FAIL = 0
NS = 'interop'
SUBMGR = 'arraydtest'
DEST_NAME = 'pywbemdestination:%s:listener1' % SUBMGR
FILTER_NAME = 'pywbemfilter:%s:jobs' % SUBMGR
QUERY = ('SELECT * FROM CIM_InstModification WHERE SourceInstance ISA '
         'CIM_ConcreteJob')


def expect(cond, what):
    global PASS, FAIL
    if cond:
        PASS += 1
        print('ok   %s' % what)
    else:
        FAIL += 1
        print('FAIL %s' % what)
    return cond


class Conn:
    def __init__(self, port, user, pw):
        self.c = w.Client('127.0.0.1', port, user, pw)
        self.msgid = 2000

    def call(self, op, params):
        self.msgid += 1
        body = w.imethodcall(op, NS, params, str(self.msgid))
        hdrs = [('Content-type', 'application/xml; charset="utf-8"'),
                ('CIMOperation', 'MethodCall'), ('CIMMethod', op),
                ('CIMObject', NS)]
        r = self.c.raw('POST', '/cimom', hdrs, body)
        expect(r.status == 200, '%s: HTTP %d' % (op, r.status))
        return r.xml()


def prop(typ, name, value):
    if value is None:
        return '<PROPERTY NAME="%s" TYPE="%s"/>' % (name, typ)
    return '<PROPERTY NAME="%s" TYPE="%s">%s</PROPERTY>' % (name, typ,
                                                             w.v(value))


def prop_array(name, values):
    return '<PROPERTY.ARRAY NAME="%s" TYPE="string">%s</PROPERTY.ARRAY>' % (
        name, w.va(values))


def prop_ref(name, cls, path):
    return ('<PROPERTY.REFERENCE NAME="%s" REFERENCECLASS="%s">'
            '<VALUE.REFERENCE>%s</VALUE.REFERENCE></PROPERTY.REFERENCE>'
            % (name, cls, path.to_xml('local')))


def instance(cls, props):
    return '<INSTANCE CLASSNAME="%s">%s</INSTANCE>' % (cls, ''.join(props))


def enum(conn, cls):
    root = conn.call('EnumerateInstances', [('ClassName', w.cn(cls))])
    out = []
    for k in w.result_objs(root):
        p = w.parse_path(k.find('INSTANCENAME'), NS)
        out.append((p, k.find('INSTANCE')))
    return root, out


def created_path(root):
    objs = w.result_objs(root)
    if len(objs) != 1 or objs[0].tag != 'INSTANCENAME':
        return None
    return w.parse_path(objs[0], NS)


def dest_inst(sysname, name, url):
    return instance('CIM_ListenerDestinationCIMXML', [
        prop('string', 'CreationClassName', 'CIM_ListenerDestinationCIMXML'),
        prop('string', 'SystemCreationClassName', 'CIM_ComputerSystem'),
        prop('string', 'SystemName', sysname),
        prop('uint16', 'PersistenceType', '3'),
        prop('string', 'Name', name),
        prop('string', 'Destination', url)])


def filter_inst(sysname, name, query, lang='WQL'):
    return instance('CIM_IndicationFilter', [
        prop('string', 'CreationClassName', 'CIM_IndicationFilter'),
        prop('string', 'SystemCreationClassName', 'CIM_ComputerSystem'),
        prop('string', 'SystemName', sysname),
        prop('string', 'Name', name),
        prop_array('SourceNamespaces', ['root/tpd']),
        prop('string', 'Query', query),
        prop('string', 'QueryLanguage', lang)])


def sub_inst(fpath, dpath):
    return instance('CIM_IndicationSubscription', [
        prop_ref('Filter', 'CIM_IndicationFilter', fpath),
        prop_ref('Handler', 'CIM_ListenerDestinationCIMXML', dpath)])


def add_server(conn):
    """WBEMServer: interop namespace, ObjectManager, profiles."""
    _, nss = enum(conn, 'CIM_Namespace')
    expect(any(w.prop_value(i, 'Name') == 'interop' for _, i in nss),
           'CIM_Namespace lists interop')
    _, oms = enum(conn, 'CIM_ObjectManager')
    expect(len(oms) == 1, 'one CIM_ObjectManager')
    sysname = w.prop_value(oms[0][1], 'SystemName')
    _, profs = enum(conn, 'CIM_RegisteredProfile')
    ind = [i for _, i in profs
           if w.prop_value(i, 'RegisteredName') == 'Indications']
    expect(len(ind) == 1 and
           w.prop_value(ind[0], 'RegisteredOrganization') == '2' and
           w.prop_value(ind[0], 'RegisteredVersion') == '1.2.2',
           'DMTF Indications 1.2.2 registered')
    _, svcs = enum(conn, 'CIM_IndicationService')
    expect(len(svcs) == 1 and
           w.prop_value(svcs[0][1], 'FilterCreationEnabled') == 'TRUE' and
           w.prop_value(svcs[0][1], 'DeliveryRetryAttempts') not in
           (None, 'ABSENT'), 'CIM_IndicationService with DSP1054 properties')
    root = conn.call('AssociatorNames', [
        ('ObjectName', svcs[0][0].to_xml('name')),
        ('AssocClass', w.cn('CIM_ElementCapabilities'))])
    caps = w.result_paths(root)
    expect(len(caps) == 1 and
           caps[0].cls == 'CIM_IndicationServiceCapabilities',
           'service -> CIM_IndicationServiceCapabilities')
    return sysname


def phase_create(a):
    edit = Conn(a.port, 'edit', a.password)
    browse = Conn(a.port, 'browse', a.browse_password)
    sysname = add_server(edit)
    url = 'http://127.0.0.1:%d/' % a.listener_port

    # add_listener_destinations
    _, dests = enum(edit, 'CIM_ListenerDestinationCIMXML')
    expect(not any(p.key('Name') == DEST_NAME for p, _ in dests),
           'destination name free')
    root = edit.call('CreateInstance', [('NewInstance',
                                         dest_inst(sysname, DEST_NAME, url))])
    dpath = created_path(root)
    if not expect(dpath is not None and w.error_code(root) == '',
                  'CreateInstance destination -> INSTANCENAME'):
        return
    root = edit.call('GetInstance', [('InstanceName', dpath.to_xml('name'))])
    inst = w.instances(root)
    expect(inst and w.prop_value(inst[0], 'Destination') == url and
           w.prop_value(inst[0], 'PersistenceType') == '3' and
           w.prop_value(inst[0], 'SystemCreationClassName') ==
           'CIM_ComputerSystem', 'GetInstance of the destination')

    # add_filter
    root = edit.call('CreateInstance', [('NewInstance', filter_inst(
        sysname, FILTER_NAME, QUERY))])
    fpath = created_path(root)
    if not expect(fpath is not None, 'CreateInstance filter -> INSTANCENAME'):
        return
    root = edit.call('GetInstance', [('InstanceName', fpath.to_xml('name'))])
    inst = w.instances(root)
    expect(inst and w.prop_value(inst[0], 'Query') == QUERY and
           w.prop_value(inst[0], 'SourceNamespaces') == ['root/tpd'],
           'GetInstance of the filter')

    # add_subscriptions
    root = edit.call('CreateInstance', [('NewInstance',
                                         sub_inst(fpath, dpath))])
    spath = created_path(root)
    if not expect(spath is not None and spath.key('Filter') is not None,
                  'CreateInstance subscription -> INSTANCENAME'):
        return
    root = edit.call('GetInstance', [('InstanceName', spath.to_xml('name'))])
    inst = w.instances(root)
    expect(inst and w.prop_value(inst[0], 'SubscriptionState') == '2',
           'GetInstance of the subscription: Enabled')
    _, subs = enum(edit, 'CIM_IndicationSubscription')
    mine = [p for p, _ in subs
            if p.key('Filter').key('Name') == FILTER_NAME and
            p.key('Handler').key('Name') == DEST_NAME]
    expect(len(mine) == 1, 'EnumerateInstances finds the subscription by '
           'its Filter and Handler')

    # the subscription is an association of filter and handler
    root = edit.call('AssociatorNames', [
        ('ObjectName', fpath.to_xml('name')),
        ('AssocClass', w.cn('CIM_IndicationSubscription'))])
    ends = w.result_paths(root)
    expect(len(ends) == 1 and ends[0].key('Name') == DEST_NAME,
           'filter -> handler through the subscription')
    root = edit.call('ReferenceNames', [
        ('ObjectName', dpath.to_xml('name')),
        ('ResultClass', w.cn('CIM_IndicationSubscription'))])
    expect(len(w.result_paths(root)) == 1, 'handler -> subscription')

    # ModifyInstance of SubscriptionState (PropertyList)
    mod = ('<VALUE.NAMEDINSTANCE>%s%s</VALUE.NAMEDINSTANCE>'
           % (spath.to_xml('name'), instance('CIM_IndicationSubscription', [
               prop('uint16', 'SubscriptionState', '4')])))
    root = edit.call('ModifyInstance', [
        ('ModifiedInstance', mod),
        ('PropertyList', w.va(['SubscriptionState']))])
    expect(w.error_code(root) == '', 'ModifyInstance SubscriptionState 4')
    root = edit.call('GetInstance', [('InstanceName', spath.to_xml('name'))])
    expect(w.prop_value(w.instances(root)[0], 'SubscriptionState') == '4',
           'subscription now Disabled')
    root = browse.call('ModifyInstance', [('ModifiedInstance', mod)])
    expect(w.error_code(root) == '2', 'browse may not modify -> 2')

    # refusals
    cases = [
        (browse, dest_inst(sysname, 'x1', url), '2', 'browse creates'),
        (edit, dest_inst(sysname, 'x2', 'http://192.0.2.7:5000'), '2',
         'destination outside the allow list'),
        (edit, dest_inst(sysname, 'x3', 'http://listener.example:5000'),
         '4', 'destination host name'),
        (edit, dest_inst(sysname, 'x4', 'gopher://127.0.0.1'), '4',
         'destination not http'),
        (edit, dest_inst(sysname, DEST_NAME, url), '11',
         'duplicate destination'),
        (edit, filter_inst(sysname, 'f2', QUERY, 'XPath'), '14',
         'query language'),
        (edit, filter_inst(sysname, 'f3', 'DELETE FROM x'), '15',
         'not a query'),
        (edit, sub_inst(fpath, dpath), '11', 'duplicate subscription'),
    ]
    for conn, inst, code, what in cases:
        root = conn.call('CreateInstance', [('NewInstance', inst)])
        expect(w.error_code(root) == code, '%s -> %s (got %s)'
               % (what, code, w.error_code(root)))
    root = edit.call('DeleteInstance', [('InstanceName',
                                         fpath.to_xml('name'))])
    expect(w.error_code(root) == '1', 'filter in use -> 1')
    root = browse.call('DeleteInstance', [('InstanceName',
                                           spath.to_xml('name'))])
    expect(w.error_code(root) == '2', 'browse deletes -> 2')


def phase_verify_remove(a):
    edit = Conn(a.port, 'edit', a.password)
    add_server(edit)
    _, dests = enum(edit, 'CIM_ListenerDestinationCIMXML')
    _, filters = enum(edit, 'CIM_IndicationFilter')
    _, subs = enum(edit, 'CIM_IndicationSubscription')
    d = [p for p, _ in dests if p.key('Name') == DEST_NAME]
    f = [p for p, _ in filters if p.key('Name') == FILTER_NAME]
    s = [(p, i) for p, i in subs if p.key('Filter').key('Name') ==
         FILTER_NAME]
    expect(len(d) == 1 and len(f) == 1 and len(s) == 1,
           'after restart: destination, filter and subscription persist')
    if not s:
        return
    expect(w.prop_value(s[0][1], 'SubscriptionState') == '4',
           'after restart: SubscriptionState kept')
    for path, what in ((s[0][0], 'subscription'), (f[0], 'filter'),
                       (d[0], 'destination')):
        root = edit.call('DeleteInstance', [('InstanceName',
                                             path.to_xml('name'))])
        expect(w.error_code(root) == '', 'DeleteInstance %s' % what)
        root = edit.call('GetInstance', [('InstanceName',
                                          path.to_xml('name'))])
        expect(w.error_code(root) == '6', '%s gone -> 6' % what)
    for cls in ('CIM_IndicationSubscription', 'CIM_IndicationFilter',
                'CIM_ListenerDestinationCIMXML'):
        _, rest = enum(edit, cls)
        expect(not rest, '%s empty' % cls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--browse-password', required=True)
    ap.add_argument('--listener-port', type=int, default=5990)
    ap.add_argument('--phase', choices=('create', 'verify-remove'),
                    required=True)
    a = ap.parse_args()
    if a.phase == 'create':
        phase_create(a)
    else:
        phase_verify_remove(a)
    print('subscribe: %d passed, %d failed' % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == '__main__':
    sys.exit(main())
