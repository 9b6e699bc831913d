#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""clientshape.py - CLIENTS.md section 5 T1.y: replays the request shapes of
pywbem (WBEMServer discovery), libstoragemgmt smispy (A-I, and its Block
Services volume_create / volume_resize / volume_delete), the Cinder
EMC/VMAX/Fujitsu drivers, sblim-wbemcli and the OpenPegasus client against a
running arrayd, and checks every response against the section 4 rules
(wirecheck.py) plus the job phases of section 3.3.  Standard library only.

usage: clientshape.py --port N --password PW [--browse-password PW]
                      [--cacert FILE] [--system NAME]
Prints "clientshape: N passed, N failed"; exit status 1 on any failure.
It needs volumes 101 (with data), 102, 103 of equal size (lib.sh's array).
"""

import argparse
import random
import sys
import time
import urllib.parse
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wirecheck as w  # noqa: E402

PASS = 0
FAIL = 0


def ok(what):
    global PASS
    PASS += 1
    print('ok   %s' % what)


def bad(what):
    global FAIL
    FAIL += 1
    print('FAIL %s' % what)


def expect(cond, what, detail=''):
    if cond:
        ok(what)
    else:
        bad('%s %s' % (what, detail))
    return cond


class Shape:
    def __init__(self, a):
        self.a = a
        self.msgid = 1000
        self.sysname = a.system

    def client(self, keepalive=True, user='edit', pw=None):
        return w.Client('127.0.0.1', self.a.port, user,
                        self.a.password if pw is None else pw,
                        self.a.cacert, keepalive)

    def nextid(self, fixed=None):
        if fixed:
            return fixed
        self.msgid += 1
        return str(self.msgid)

    # one intrinsic call; returns the parsed root (or None) after the checks
    def icall(self, c, op, ns, params, props=None, style='pywbem',
              msgid=None, want_error=None, empty_ns=False):
        mid = self.nextid(msgid)
        body = w.imethodcall(op, ns, params, mid, empty_ns)
        if style == 'pywbem':
            hdrs = [('Content-type', 'application/xml; charset="utf-8"'),
                    ('CIMOperation', 'MethodCall'), ('CIMMethod', op),
                    ('CIMObject', ns), ('Accept-Encoding', 'gzip, deflate')]
        elif style == 'cinder':
            hdrs = w.cim_headers(op, ns, quote_all=True, protover=False)
        elif style == 'wbemcli':
            hdrs = w.cim_headers(op, ns, pct_ns=True)
        else:
            hdrs = w.cim_headers(op, ns)
        return self._send(c, op, hdrs, body, mid, props, want_error)

    def mcall(self, c, target, method, params, style='pywbem', msgid=None,
              want_error=None):
        mid = self.nextid(msgid)
        kstyle = 'wbemcli' if style == 'wbemcli' else 'pywbem'
        body = w.methodcall(method, target, params, mid, kstyle)
        uri = target.wbem_uri()
        if style == 'cinder':
            hdrs = w.cim_headers(method, uri, quote_all=True, protover=False)
        elif style == 'wbemcli':
            hdrs = w.cim_headers(method, uri, pct_ns=True)
        else:
            hdrs = [('Content-type', 'application/xml; charset="utf-8"'),
                    ('CIMOperation', 'MethodCall'), ('CIMMethod', method),
                    ('CIMObject', uri)]
        return self._send(c, method, hdrs, body, mid, None, want_error)

    def _send(self, c, op, hdrs, body, mid, props, want_error):
        try:
            r = c.raw('POST', '/cimom', hdrs, body)
        except Exception as e:
            bad('%s: transport error %r' % (op, e))
            return None
        probs = w.check_all(r, op, mid, props)
        if probs:
            bad('%s: %s' % (op, '; '.join(probs)))
            print('     response: %s' % r.body[:600])
        if r.status != 200:
            return None
        try:
            root = r.xml()
        except Exception:
            return None
        code = w.error_code(root)
        if want_error is not None:
            expect(code == str(want_error), '%s: ERROR %s' % (op, want_error),
                   '(got %r)' % code)
        elif code:
            bad('%s: unexpected ERROR %s %s' % (op, code, r.body[:300]))
        return root

    # paths
    def vol(self, dev, ns='root/tpd', host=None):
        return w.Path('TPD_StorageVolume', [
            ('CreationClassName', 'TPD_StorageVolume'), ('DeviceID', dev),
            ('SystemCreationClassName', 'TPD_StorageSystem'),
            ('SystemName', self.sysname)], ns, host)

    def scs(self):
        return w.Path('TPD_StorageConfigurationService', [
            ('CreationClassName', 'TPD_StorageConfigurationService'),
            ('Name', 'StorageConfigurationService'),
            ('SystemCreationClassName', 'TPD_StorageSystem'),
            ('SystemName', self.sysname)], 'root/tpd')


def inst_props(root):
    return [dict((e.get('NAME'), w.prop_value(i, e.get('NAME')))
                 for e in i if e.tag.startswith('PROPERTY'))
            for i in w.instances(root)]


def check_job_phase(j, what):
    """CLIENTS.md 3.3 (and CONTRACT.md 5)."""
    js = j.get('JobState')
    pc = j.get('PercentComplete')
    os_ = j.get('OperationalStatus') or []
    if js in ('2', '3'):
        good = pc is not None and pc == '0' and os_ in (['2'], ['15'])
    elif js == '4':
        good = pc is not None and pc.isdigit() and int(pc) <= 99 and os_ == ['2']
    elif js == '7':
        good = pc == '100' and sorted(os_[:2]) == ['17', '2']
    elif js == '10':
        good = pc == '100' and '6' in os_ and '17' in os_ and '2' not in os_
    elif js == '8':
        good = pc is not None and os_ == ['10']
    else:
        good = False
    if not good:
        bad('%s: job phase JobState=%s PercentComplete=%s OperationalStatus=%s'
            % (what, js, pc, os_))
    return good


# ------------------------------------------------------------------ pywbem

def pywbem_discovery(s):
    print('# pywbem WBEMServer discovery (CLIENTS 1.1)')
    c = s.client()
    r = s.icall(c, 'EnumerateInstanceNames', 'interop', [('ClassName', w.cn('CIM_Namespace'))])
    if r is not None:
        names = {p.key('Name') for p in w.result_paths(r)}
        expect({'interop', 'root/tpd'} <= names, 'CIM_Namespace names interop and root/tpd', names)
    r = s.icall(c, 'EnumerateInstances', 'interop', [('ClassName', w.cn('CIM_Namespace'))])
    r = s.icall(c, 'EnumerateInstances', 'interop', [('ClassName', w.cn('CIM_ObjectManager'))])
    if r is not None:
        om = inst_props(r)
        expect(len(om) == 1, 'exactly one CIM_ObjectManager', len(om))
        expect(om and om[0].get('ElementName') not in (None, 'ABSENT'), 'ObjectManager ElementName')
    r = s.icall(c, 'EnumerateInstances', 'interop', [('ClassName', w.cn('CIM_RegisteredProfile'))])
    array = None
    if r is not None:
        for k in w.result_objs(r):
            i = k.find('INSTANCE')
            if w.prop_value(i, 'RegisteredName') == 'Array':
                array = w.parse_path(k.find('INSTANCENAME'), 'interop')
                expect(w.prop_value(i, 'RegisteredOrganization') == '11', 'Array org 11')
        expect(array is not None, 'Array profile registered')
    r = s.icall(c, 'GetClass', 'interop', [('ClassName', w.cn('CIM_RegisteredProfile')),
                                          ('LocalOnly', w.v('FALSE')), ('IncludeQualifiers', w.v('TRUE'))])
    if r is not None:
        expect(w.xq(r and w.ET.tostring(r), 'qualifier', ['RegisteredOrganization', 'ValueMap']) == '1',
               'ValueMap on RegisteredOrganization')
    if array is not None:
        r = s.icall(c, 'AssociatorNames', 'interop', [
            ('ObjectName', array.to_xml('name')),
            ('AssocClass', w.cn('CIM_ElementConformsToProfile')),
            ('ResultRole', w.v('ManagedElement'))])
        if r is not None:
            ps = w.result_paths(r)
            expect(any(p.ns == 'root/tpd' and p.cls == 'TPD_StorageSystem' for p in ps),
                   'get_central_instances(Array) -> root/tpd TPD_StorageSystem', ps)
    s.icall(c, 'EnumerateInstanceNames', 'root/PG_Interop', [('ClassName', w.cn('CIM_Namespace'))], want_error=3)
    s.icall(c, 'OpenEnumerateInstances', 'root/tpd', [('ClassName', w.cn('CIM_StorageVolume'))], want_error=7)
    s.icall(c, 'OpenEnumerateInstancePaths', 'root/tpd', [('ClassName', w.cn('CIM_StorageVolume'))], want_error=7)
    # pitfall 1: the response NAME copies the request's spelling
    s.icall(c, 'getInstance', 'root/tpd', [('InstanceName', s.vol('101').to_xml('name'))])
    r = s.mcall(c, s.scs(), 'modifySynchronization', [
        ('Operation', 'uint16', w.v(3)),
        ('Synchronization', 'reference', w.ref(w.Path('TPD_StorageSynchronized', [
            ('SyncedElement', s.vol('102')), ('SystemElement', s.vol('101'))], 'root/tpd')))])
    if r is not None:
        expect(w.returnvalue(r) == '1', 'modifySynchronization (odd case) Fracture -> 1', w.returnvalue(r))
    c.close()


# ------------------------------------------------------------------ smispy

SMIS_VOL_PROPS = ['ElementName', 'NameFormat', 'NameNamespace', 'BlockSize',
                  'NumberOfBlocks', 'Name', 'OtherIdentifyingInfo',
                  'IdentifyingDescriptions', 'Usage', 'OtherNameFormat',
                  'OtherNameNamespace', 'SystemName', 'DeviceID']
JOB_PROPS = ['InstanceID', 'JobState', 'PercentComplete', 'ErrorDescription',
             'OperationalStatus']


def smispy(s):
    print('# libstoragemgmt smispy A-I (CLIENTS 1.2)')
    c = s.client()
    lo = ('LocalOnly', w.v('FALSE'))
    # A
    r = s.icall(c, 'EnumerateInstances', 'interop', [
        ('ClassName', w.cn('CIM_RegisteredProfile')),
        ('PropertyList', w.va(['RegisteredName', 'RegisteredVersion', 'RegisteredOrganization'])), lo],
        props=['RegisteredName', 'RegisteredVersion', 'RegisteredOrganization'])
    if r is None:
        return
    array = None
    for k in w.result_objs(r):
        i = k.find('INSTANCE')
        if w.prop_value(i, 'RegisteredName') == 'Array' and w.prop_value(i, 'RegisteredOrganization') == '11':
            array = w.parse_path(k.find('INSTANCENAME'), 'interop')
            ver = w.prop_value(i, 'RegisteredVersion') or ''
            try:
                good = tuple(int(x) for x in ver.split('.')) >= (1, 4)
            except ValueError:
                good = False
            expect(good, 'Array RegisteredVersion %r >= 1.4 and numeric' % ver)
    if not expect(array is not None, 'smispy finds the SNIA Array profile'):
        return
    r = s.icall(c, 'AssociatorNames', 'interop', [
        ('ObjectName', array.to_xml('name')), ('ResultClass', w.cn('CIM_ComputerSystem')),
        ('AssocClass', w.cn('CIM_ElementConformsToProfile'))])
    ps = w.result_paths(r) if r is not None else []
    if not expect(ps and ps[0].ns == 'root/tpd', '_vendor_namespace = root/tpd', ps):
        return
    # B
    r = s.icall(c, 'Associators', 'interop', [
        ('ObjectName', array.to_xml('name')), ('ResultClass', w.cn('CIM_ComputerSystem')),
        ('AssocClass', w.cn('CIM_ElementConformsToProfile')),
        ('PropertyList', w.va(['Name', 'ElementName', 'OperationalStatus']))],
        props=['Name', 'ElementName', 'OperationalStatus'])
    if r is None:
        return
    csk = w.result_objs(r)[0]
    cs = w.parse_path(csk.find('INSTANCEPATH'))
    csname = w.prop_value(csk.find('INSTANCE'), 'Name')
    expect(csname == s.sysname, 'system Name', csname)
    # C
    pool_props = ['InstanceID', 'ElementName', 'TotalManagedSpace', 'RemainingManagedSpace',
                  'Usage', 'OperationalStatus', 'Primordial']
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', cs.to_xml('name')), ('AssocClass', w.cn('CIM_HostedStoragePool')),
        ('ResultClass', w.cn('CIM_StoragePool')), ('PropertyList', w.va(pool_props))], props=pool_props)
    pools = [w.parse_path(k.find('INSTANCEPATH')) for k in (w.result_objs(r) if r is not None else [])]
    expect(len(pools) >= 1, 'pools of the system', len(pools))
    for p in pools:
        s.icall(c, 'Associators', 'root/tpd', [
            ('ObjectName', p.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
            ('ResultClass', w.cn('CIM_StorageConfigurationCapabilities')),
            ('PropertyList', w.va(['SupportedStorageElementFeatures', 'SupportedStorageElementTypes']))])
    # D
    vols = []
    for p in pools:
        r = s.icall(c, 'Associators', 'root/tpd', [
            ('ObjectName', p.to_xml('name')), ('AssocClass', w.cn('CIM_AllocatedFromStoragePool')),
            ('ResultClass', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(SMIS_VOL_PROPS))],
            props=SMIS_VOL_PROPS)
        if r is not None:
            vols += [(w.parse_path(k.find('INSTANCEPATH')), k.find('INSTANCE')) for k in w.result_objs(r)]
    expect(len(vols) >= 3, 'volumes of the pools', len(vols))
    for vp, vi in vols:
        if w.prop_value(vi, 'SystemName') != s.sysname:
            bad('volume %s SystemName %r' % (vp, w.prop_value(vi, 'SystemName')))
            break
    # E
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageConfigurationService')), ('PropertyList', w.va(['SystemName']))],
        props=['SystemName'])
    scs = None
    for k in (w.result_objs(r) if r is not None else []):
        if w.prop_value(k.find('INSTANCE'), 'SystemName') == csname:
            scs = w.parse_path(k.find('INSTANCENAME'), 'root/tpd')
    if not expect(scs is not None, 'SCS whose SystemName == system Name'):
        return
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', scs.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
        ('ResultClass', w.cn('CIM_StorageConfigurationCapabilities')),
        ('PropertyList', w.va(['SupportedAsynchronousActions', 'SupportedSynchronousActions',
                               'SupportedStorageElementTypes', 'SupportedCopyTypes']))])
    caps = inst_props(r) if r is not None else []
    if expect(len(caps) >= 1, 'SCS -> CIM_StorageConfigurationCapabilities [0] exists (pitfall 27)'):
        ct = caps[0].get('SupportedCopyTypes') or []
        expect('4' in ct and '5' in ct, 'SupportedCopyTypes has 4 and 5', ct)
        expect('SupportedStorageElementTypes' in caps[0], 'SupportedStorageElementTypes present')
    # CIM_ReplicationService must be absent: an empty list or ERROR 5
    mid = s.nextid()
    rr = c.raw('POST', '/cimom', w.cim_headers('EnumerateInstances', 'root/tpd'),
               w.imethodcall('EnumerateInstances', 'root/tpd', [('ClassName', w.cn('CIM_ReplicationService'))], mid))
    if rr.status == 200:
        code = w.error_code(rr.xml())
        expect(code == '5' or (not code and not w.result_objs(rr.xml())),
               'no CIM_ReplicationService (pitfall 29)', code)
    # F: volume_replicate COPY (CopyType 5) and CLONE (CopyType 4)
    src = next((vp for vp, vi in vols if vp.key('DeviceID') == '101'), None)
    if not expect(src is not None, 'volume 101 found via pools'):
        return
    name = 'lsm_copy_%d' % random.randint(1000, 9999)
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName']))],
        props=['ElementName'])
    s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageConfigurationService')), ('PropertyList', w.va(['SystemName']))])
    # the source path comes back from JSON: INSTANCEPATH with the HOST the daemon sent
    r = s.mcall(c, scs, 'CreateReplica', [
        ('ElementName', 'string', w.v(name)), ('CopyType', 'uint16', w.v(5)),
        ('SourceElement', 'reference', w.ref(src, 'full'))])
    if r is None:
        return
    rc = w.returnvalue(r)
    job = w.outref(r, 'Job')
    if not expect(rc == '4096' and job is not None, 'CreateReplica COPY -> 4096 + Job', rc):
        return
    jobid = job.key('InstanceID')
    # G: job_status every 0.25 s over the whole job table
    t0 = time.time()
    state = None
    phases = set()
    while time.time() - t0 < 60:
        r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
            ('ClassName', w.cn('CIM_ConcreteJob')), ('PropertyList', w.va(JOB_PROPS)), lo], props=JOB_PROPS)
        if r is None:
            break
        mine = [j for j in inst_props(r) if j.get('InstanceID') == jobid]
        if not mine:
            bad('job %s not in the CIM_ConcreteJob enumeration' % jobid)
            break
        check_job_phase(mine[0], 'smispy poll')
        state = mine[0].get('JobState')
        phases.add(state)
        if state not in ('2', '3', '4'):
            break
        time.sleep(0.25)
    expect(state == '7', 'smispy: job completed', 'JobState %s, seen %s' % (state, phases))
    # 3PAR workaround: Associators(job) without PropertyList; the first volume is the new one
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', job.to_xml('name')), ('AssocClass', w.cn('CIM_AffectedJobElement')),
        ('ResultClass', w.cn('CIM_StorageVolume'))])
    newvol = None
    if r is not None:
        objs = w.result_objs(r)
        if expect(objs, 'AffectedJobElement volumes'):
            newvol = w.parse_path(objs[0].find('INSTANCEPATH'))
            expect(w.prop_value(objs[0].find('INSTANCE'), 'ElementName') == name,
                   'first affected volume is the new one', newvol)
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', job.to_xml('name')), ('AssocClass', w.cn('CIM_AffectedJobElement')),
        ('ResultClass', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(SMIS_VOL_PROPS))],
        props=SMIS_VOL_PROPS)
    if newvol is not None:
        r = s.icall(c, 'Associators', 'root/tpd', [
            ('ObjectName', newvol.to_xml('name')), ('AssocClass', w.cn('CIM_AllocatedFromStoragePool')),
            ('ResultClass', w.cn('CIM_StoragePool')), ('PropertyList', w.va(['InstanceID']))])
        expect(r is not None and len(w.result_objs(r)) == 1, 'new volume in exactly one pool')
        r = s.icall(c, 'References', 'root/tpd', [
            ('ObjectName', newvol.to_xml('name')), ('ResultClass', w.cn('CIM_StorageSynchronized'))])
        expect(r is not None and not w.result_objs(r), 'COPY pair gone after completion')
    # H: job_free
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_ConcreteJob')), ('PropertyList', w.va(['DeleteOnCompletion', 'InstanceID']))],
        props=['DeleteOnCompletion', 'InstanceID'])
    if r is not None:
        mine = [j for j in inst_props(r) if j.get('InstanceID') == jobid]
        expect(mine and mine[0].get('DeleteOnCompletion') == 'FALSE', 'DeleteOnCompletion FALSE')
        s.icall(c, 'DeleteInstance', 'root/tpd', [('InstanceName', job.to_xml('name'))])
        s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', job.to_xml('name'))], want_error=6)
    # CLONE: CopyType 4 -> rc 0 + TargetElement, then GetInstance with the volume PropertyList
    r = s.mcall(c, scs, 'CreateReplica', [
        ('ElementName', 'string', w.v(name + '_clone')), ('CopyType', 'uint16', w.v(4)),
        ('SourceElement', 'reference', w.ref(src, 'full'))])
    if r is not None:
        te = w.outref(r, 'TargetElement')
        expect(w.returnvalue(r) == '0' and te is not None and w.outparam(r, 'Job') is None,
               'CreateReplica CLONE -> 0 + TargetElement, no Job')
        if te is not None:
            s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', te.to_xml('name')),
                                                   ('PropertyList', w.va(SMIS_VOL_PROPS)), lo],
                    props=SMIS_VOL_PROPS)
            # I: volume_delete's References scan
            r = s.icall(c, 'References', 'root/tpd', [
                ('ObjectName', src.to_xml('name')), ('ResultClass', w.cn('CIM_StorageSynchronized'))])
            for sy in (inst_props(r) if r is not None else []):
                expect('SyncState' in sy and 'CopyType' in sy, 'sync has SyncState and CopyType')
                expect(not (sy.get('SyncState') == '6' and sy.get('CopyType') == '4'),
                       'no SyncState 6 with CopyType 4 (pitfall 31)')
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', s.vol('101').to_xml('name'))])
    c.close()


# ------------------------------------------------------------------ smispy Block Services

MiB = 1024 * 1024


def smispy_find_system(s, c):
    """A + B again (each lsm call starts from the plugin's cached paths;
    the replay rediscovers them): the Array profile, the CS path."""
    lo = ('LocalOnly', w.v('FALSE'))
    r = s.icall(c, 'EnumerateInstances', 'interop', [
        ('ClassName', w.cn('CIM_RegisteredProfile')),
        ('PropertyList', w.va(['RegisteredName', 'RegisteredVersion', 'RegisteredOrganization'])), lo],
        props=['RegisteredName', 'RegisteredVersion', 'RegisteredOrganization'])
    array = None
    for k in (w.result_objs(r) if r is not None else []):
        i = k.find('INSTANCE')
        if w.prop_value(i, 'RegisteredName') == 'Array' and w.prop_value(i, 'RegisteredOrganization') == '11':
            array = w.parse_path(k.find('INSTANCENAME'), 'interop')
    if array is None:
        bad('Block Services: no Array profile')
        return None
    r = s.icall(c, 'Associators', 'interop', [
        ('ObjectName', array.to_xml('name')), ('ResultClass', w.cn('CIM_ComputerSystem')),
        ('AssocClass', w.cn('CIM_ElementConformsToProfile')),
        ('PropertyList', w.va(['Name', 'ElementName', 'OperationalStatus']))],
        props=['Name', 'ElementName', 'OperationalStatus'])
    objs = w.result_objs(r) if r is not None else []
    if not objs:
        bad('Block Services: no system')
        return None
    return w.parse_path(objs[0].find('INSTANCEPATH'))


def smispy_scs(s, c):
    """cim_scs_of_sys_id: EnumerateInstances(SCS, PropertyList=[SystemName])."""
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageConfigurationService')), ('PropertyList', w.va(['SystemName']))],
        props=['SystemName'])
    for k in (w.result_objs(r) if r is not None else []):
        if w.prop_value(k.find('INSTANCE'), 'SystemName') == s.sysname:
            return w.parse_path(k.find('INSTANCENAME'), 'root/tpd')
    bad('Block Services: no SCS with SystemName %s' % s.sysname)
    return None


def smispy_get_volume(s, c, te, what):
    """_new_vol_from_name: GetInstance(TheElement, PropertyList=cim_vol_pros,
    LocalOnly=False) then pool_id_of_cim_vol (exactly one pool)."""
    r = s.icall(c, 'GetInstance', te.ns or 'root/tpd', [
        ('InstanceName', te.to_xml('name')), ('PropertyList', w.va(SMIS_VOL_PROPS)),
        ('LocalOnly', w.v('FALSE'))], props=SMIS_VOL_PROPS)
    if r is None or not w.instances(r):
        bad('%s: GetInstance(TheElement) gave no volume' % what)
        return None, None
    vi = inst_props(r)[0]
    r = s.icall(c, 'Associators', te.ns or 'root/tpd', [
        ('ObjectName', te.to_xml('name')), ('AssocClass', w.cn('CIM_AllocatedFromStoragePool')),
        ('ResultClass', w.cn('CIM_StoragePool')), ('PropertyList', w.va(['InstanceID']))],
        props=['InstanceID'])
    pools = inst_props(r) if r is not None else []
    expect(len(pools) == 1, '%s: volume in exactly one pool' % what, len(pools))
    return vi, (pools[0].get('InstanceID') if len(pools) == 1 else None)


def vol_bytes(vi):
    try:
        return int(vi.get('BlockSize')) * int(vi.get('NumberOfBlocks'))
    except (TypeError, ValueError):
        return None


def smispy_volume_delete(s, c, vol, what):
    """smis.py volume_delete: SCS, References(vol, StorageSynchronized) (no
    ReplicationService, so nothing is detached), ReturnToStoragePool."""
    scs = smispy_scs(s, c)
    if scs is None:
        return False
    r = s.icall(c, 'References', 'root/tpd', [
        ('ObjectName', vol.to_xml('name')), ('ResultClass', w.cn('CIM_StorageSynchronized'))])
    syncs = inst_props(r) if r is not None else []
    expect(not syncs, '%s: References(vol, CIM_StorageSynchronized) empty' % what, len(syncs))
    r = s.mcall(c, scs, 'ReturnToStoragePool', [('TheElement', 'reference', w.ref(vol, 'full'))])
    if r is None:
        return False
    good = expect(w.returnvalue(r) == '0' and w.outparam(r, 'Job') is None,
                  '%s: ReturnToStoragePool -> 0, no Job' % what, w.returnvalue(r))
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', vol.to_xml('name'))], want_error=6)
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName']))],
        props=['ElementName'])
    ids = {p.key('DeviceID') for p in (w.result_paths(r) if r is not None else [])}
    expect(vol.key('DeviceID') not in ids, '%s: volume %s no longer enumerated' % (what, vol.key('DeviceID')))
    return good


def smispy_blocks(s):
    """libstoragemgmt smispy volume_create / volume_resize / volume_delete
    (bs-research.md 1, CLIENTS.md 1.2 C, E, F, G, I) with pywbem's
    encoding: ElementType Uint16, Size Uint64, InPool/TheElement as
    VALUE.REFERENCE INSTANCEPATH (host and namespace of the path the
    daemon returned)."""
    print('# libstoragemgmt smispy volume_create/resize/delete (bs-research 1)')
    c = s.client()
    lo = ('LocalOnly', w.v('FALSE'))
    cs = smispy_find_system(s, c)
    if cs is None:
        return
    # C: pools() and _pool_element_type
    pool_props = ['InstanceID', 'ElementName', 'TotalManagedSpace', 'RemainingManagedSpace',
                  'Usage', 'OperationalStatus', 'Primordial']
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', cs.to_xml('name')), ('AssocClass', w.cn('CIM_HostedStoragePool')),
        ('ResultClass', w.cn('CIM_StoragePool')), ('PropertyList', w.va(pool_props))], props=pool_props)
    pool = pool_id = None
    for k in (w.result_objs(r) if r is not None else []):
        pi = k.find('INSTANCE')
        pp = w.parse_path(k.find('INSTANCEPATH'))
        if w.prop_value(pi, 'Primordial') == 'TRUE' or w.prop_value(pi, 'Usage') == '8':
            continue
        r2 = s.icall(c, 'Associators', 'root/tpd', [
            ('ObjectName', pp.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
            ('ResultClass', w.cn('CIM_StorageConfigurationCapabilities')),
            ('PropertyList', w.va(['SupportedStorageElementFeatures', 'SupportedStorageElementTypes']))],
            props=['SupportedStorageElementFeatures', 'SupportedStorageElementTypes'])
        caps = inst_props(r2) if r2 is not None else []
        if w.prop_value(pi, 'Usage') == '4':	# delta pool: element_type DELTA only
            continue
        if not expect(len(caps) == 1, 'pool %s: exactly one StorageConfigurationCapabilities'
                      % pp.key('InstanceID'), len(caps)):
            continue
        feats = caps[0].get('SupportedStorageElementFeatures') or []
        types = caps[0].get('SupportedStorageElementTypes')
        expect(types not in (None, 'ABSENT'), 'pool caps: SupportedStorageElementTypes present')
        if '3' in feats and '2' in (types or []) and pool is None:
            pool, pool_id = pp, w.prop_value(pi, 'InstanceID')
            expect('12' in feats, 'pool caps: feature 12 (grow) so lsm allows volume_resize', feats)
    if not expect(pool is not None, 'a pool with feature 3 (StorageVolume Creation) and type 2'):
        return
    expect(pool.host is not None and pool.ns == 'root/tpd', 'pool path has host and namespace', pool)
    # E: capabilities()
    scs = smispy_scs(s, c)
    if scs is None:
        return
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', scs.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
        ('ResultClass', w.cn('CIM_StorageConfigurationCapabilities')),
        ('PropertyList', w.va(['SupportedAsynchronousActions', 'SupportedSynchronousActions',
                               'SupportedStorageElementTypes']))],
        props=['SupportedAsynchronousActions', 'SupportedSynchronousActions', 'SupportedStorageElementTypes'])
    caps = inst_props(r) if r is not None else []
    if not expect(len(caps) >= 1, 'SCS capabilities [0]'):
        return
    acts = (caps[0].get('SupportedSynchronousActions') or []) + (caps[0].get('SupportedAsynchronousActions') or [])
    expect({'5', '6', '7'} <= set(acts), 'actions 5,6,7: VOLUME_CREATE/DELETE/RESIZE', acts)
    et = caps[0].get('SupportedStorageElementTypes')
    expect(isinstance(et, list) and ('2' in et or '5' in et), 'SupportedStorageElementTypes has 2 or 5', et)

    # volume_create (smis.py:360): in_params ElementName, ElementType, InPool, Size
    name = 'lsm_vol_%d' % random.randint(1000, 9999)
    want = 512 * MiB	# plugin_test MIN_OBJECT_SIZE

    def create(nm):
        sc = smispy_scs(s, c)
        if sc is None:
            return None
        return s.mcall(c, sc, 'CreateOrModifyElementFromStoragePool', [
            ('ElementName', 'string', w.v(nm)), ('ElementType', 'uint16', w.v(2)),
            ('InPool', 'reference', w.ref(pool, 'full')), ('Size', 'uint64', w.v(want))])
    r = create(name)
    if r is None:
        return
    rc = w.returnvalue(r)
    te = w.outref(r, 'TheElement')
    sz = w.outparam(r, 'Size')
    outsize = int(sz.findtext('VALUE')) if sz is not None and (sz.findtext('VALUE') or '').isdigit() else None
    if not expect(rc == '0' and te is not None and w.outparam(r, 'Job') is None,
                  'volume_create: CreateOrModifyElementFromStoragePool -> 0 + TheElement, no Job', rc):
        return
    expect(sz is not None and sz.get('PARAMTYPE') == 'uint64', 'out Size is uint64')
    expect(te.host is not None and te.ns == 'root/tpd', 'out TheElement is an INSTANCEPATH with host', te)
    vi, pid = smispy_get_volume(s, c, te, 'volume_create')
    if vi is None:
        return
    size = vol_bytes(vi)
    expect(size is not None and size == outsize and size >= want,
           'BlockSize*NumberOfBlocks == out Size >= requested', (size, outsize, want))
    expect(vi.get('ElementName') == name, 'new volume ElementName', vi.get('ElementName'))
    expect(vi.get('SystemName') == s.sysname, 'new volume SystemName', vi.get('SystemName'))
    expect(pid == pool_id, 'new volume in the InPool', (pid, pool_id))

    # duplicate name: any rc but 0/4096, then volume_create_error_handler
    r = create(name)
    if r is not None:
        rc2 = w.returnvalue(r)
        expect(rc2 not in (None, '0', '4096'), 'duplicate volume_create -> rc %s (not 0/4096)' % rc2)
        expect(w.outref(r, 'TheElement') is None, 'duplicate: no TheElement')
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName']))],
        props=['ElementName'])
    names = [i.get('ElementName') for i in (inst_props(r) if r is not None else [])]
    expect(names.count(name) == 1, 'error handler finds the name once (NAME_CONFLICT)', names.count(name))

    # volume_resize (smis.py:620): ElementType Uint16(2), TheElement, Size
    scs2 = smispy_scs(s, c)
    if scs2 is not None and size is not None:
        r = s.mcall(c, scs2, 'CreateOrModifyElementFromStoragePool', [
            ('ElementType', 'uint16', w.v(2)), ('TheElement', 'reference', w.ref(te, 'full')),
            ('Size', 'uint64', w.v(size + 16 * MiB))])
        if r is not None:
            te2 = w.outref(r, 'TheElement')
            expect(w.returnvalue(r) == '0' and te2 is not None, 'volume_resize -> 0 + TheElement',
                   w.returnvalue(r))
            if te2 is not None:
                expect(te2.key('DeviceID') == te.key('DeviceID'), 'resize keeps the DeviceID (vol.id)',
                       (te2.key('DeviceID'), te.key('DeviceID')))
                vi2, _ = smispy_get_volume(s, c, te2, 'volume_resize')
                nsize = vol_bytes(vi2) if vi2 else None
                expect(nsize is not None and nsize > size and nsize >= size + 16 * MiB,
                       'resized volume bigger (%s -> %s)' % (size, nsize))

    # volume_delete (plain)
    smispy_volume_delete(s, c, te, 'volume_delete')

    # volume_replicate COPY (CopyType 5), job to completion, then delete the result
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', pool.to_xml('name')), ('AssocClass', w.cn('CIM_AllocatedFromStoragePool')),
        ('ResultClass', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(SMIS_VOL_PROPS))],
        props=SMIS_VOL_PROPS)
    src = None
    for k in (w.result_objs(r) if r is not None else []):
        p = w.parse_path(k.find('INSTANCEPATH'))
        if p.key('DeviceID') == '101':
            src = p
    if not expect(src is not None, 'volume 101 found via the pool'):
        return
    cname = name + '_copy'
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName']))],
        props=['ElementName'])
    scs3 = smispy_scs(s, c)
    if scs3 is None:
        return
    r = s.mcall(c, scs3, 'CreateReplica', [
        ('ElementName', 'string', w.v(cname)), ('CopyType', 'uint16', w.v(5)),
        ('SourceElement', 'reference', w.ref(src, 'full'))])
    if r is None:
        return
    job = w.outref(r, 'Job')
    if not expect(w.returnvalue(r) == '4096' and job is not None, 'CreateReplica COPY -> 4096 + Job',
                  w.returnvalue(r)):
        return
    jobid = job.key('InstanceID')
    t0 = time.time()
    state = None
    while time.time() - t0 < 60:
        r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
            ('ClassName', w.cn('CIM_ConcreteJob')), ('PropertyList', w.va(JOB_PROPS)), lo], props=JOB_PROPS)
        mine = [j for j in (inst_props(r) if r is not None else []) if j.get('InstanceID') == jobid]
        if not mine:
            bad('copy job %s not enumerated' % jobid)
            break
        check_job_phase(mine[0], 'smispy copy poll')
        state = mine[0].get('JobState')
        if state not in ('2', '3', '4'):
            break
        time.sleep(0.25)
    if not expect(state == '7', 'COPY job completed', state):
        return
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', job.to_xml('name')), ('AssocClass', w.cn('CIM_AffectedJobElement')),
        ('ResultClass', w.cn('CIM_StorageVolume'))])
    objs = w.result_objs(r) if r is not None else []
    if not expect(objs, 'AffectedJobElement volumes of the COPY job'):
        return
    newvol = w.parse_path(objs[0].find('INSTANCEPATH'))
    expect(w.prop_value(objs[0].find('INSTANCE'), 'ElementName') == cname,
           'first affected volume is the COPY result', newvol)
    smispy_get_volume(s, c, newvol, 'volume_replicate COPY')
    # job_free (lsmcli frees a finished job)
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_ConcreteJob')), ('PropertyList', w.va(['DeleteOnCompletion', 'InstanceID']))],
        props=['DeleteOnCompletion', 'InstanceID'])
    if any(j.get('InstanceID') == jobid and j.get('DeleteOnCompletion') == 'FALSE'
           for j in (inst_props(r) if r is not None else [])):
        s.icall(c, 'DeleteInstance', 'root/tpd', [('InstanceName', job.to_xml('name'))])
    if newvol.key('DeviceID') == '101':
        bad('COPY result is the source?')
        return
    smispy_volume_delete(s, c, newvol, 'volume_delete of a COPY result')
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', s.vol('101').to_xml('name'))])
    c.close()


# ------------------------------------------------------------------ Cinder

def cinder(s):
    print('# Cinder EMC/VMAX/Fujitsu style (CLIENTS 1.3)')
    c = s.client(keepalive=False)
    scs = s.scs()
    r = s.mcall(c, scs, 'AttachOrModifyReplica', [
        ('SourceElement', 'reference', w.ref(s.vol('101'))),
        ('TargetElement', 'reference', w.ref(s.vol('102'))),
        ('CopyType', 'uint16', w.v(4))], style='cinder')
    if r is None:
        return
    job = w.outref(r, 'Job')
    if not expect(w.returnvalue(r) == '4096' and job is not None, 'Cinder-style attach -> 4096'):
        return
    t0 = time.time()
    j = {}
    while time.time() - t0 < 60:
        r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', job.to_xml('name')),
                                                   ('LocalOnly', w.v('FALSE'))], style='cinder')
        if r is None:
            break
        j = inst_props(r)[0]
        check_job_phase(j, 'Cinder poll')
        if j.get('JobState') not in ('2', '3', '4', '32767'):
            break
        time.sleep(0.25)
    expect(j.get('ErrorCode') == '0' and j.get('OperationalStatus'), 'Cinder: ErrorCode 0 and OperationalStatus set',
           (j.get('ErrorCode'), j.get('OperationalStatus')))
    # old pywbem keyword arguments: lower-case resultClass, no AssocClass
    r = s.icall(c, 'Associators', 'root/tpd', [('ObjectName', job.to_xml('name')),
                                               ('resultClass', w.cn('CIM_StorageVolume'))], style='cinder')
    if r is not None:
        expect(len(w.result_objs(r)) == 2, 'Associators(job, resultClass=...) -> 2 volumes', len(w.result_objs(r)))
    r = s.icall(c, 'ReferenceNames', 'root/tpd', [('ObjectName', s.vol('102').to_xml('name')),
                                                  ('ResultClass', w.cn('CIM_StorageSynchronized'))], style='cinder')
    if r is not None:
        ps = w.result_paths(r)
        if expect(len(ps) == 1, 'ReferenceNames(vol, StorageSynchronized) -> 1'):
            se = ps[0].key('SystemElement')
            expect(isinstance(se, w.Path) and se.key('DeviceID') == '101' and se.key('SystemName') == s.sysname,
                   'SystemElement keybinding is a reference to 101')
    # client-built sync path: SystemElement first, keys shuffled, INSTANCENAME refs

    def shuffled(keys):
        ks = list(keys)
        random.shuffle(ks)
        return ks
    sync = w.Path('CIM_StorageSynchronized', [('SystemElement', s.vol('101', None)),
                                              ('SyncedElement', s.vol('102', None))], 'root/tpd')
    body_path = sync.to_xml('name', order=shuffled, nested='name').replace('CIM_StorageSynchronized',
                                                                            'TPD_StorageSynchronized', 1)
    r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', body_path), ('LocalOnly', w.v('FALSE'))],
                style='cinder')
    if r is not None:
        sy = inst_props(r)[0]
        expect(sy.get('SyncState') == '14', 'client-built sync path: Frozen', sy.get('SyncState'))
        for p in ('CopyType', 'SyncState'):
            expect(p in sy, 'sync has %s' % p)
    # detach through the same client-built path (ModifySynchronization, shuffled LOCALINSTANCEPATH refs)
    sync2 = w.Path('TPD_StorageSynchronized', [('SystemElement', s.vol('101')), ('SyncedElement', s.vol('102'))],
                   'root/tpd')
    r = s.mcall(c, scs, 'ModifySynchronization', [
        ('Operation', 'uint16', w.v(2)),
        ('Synchronization', 'reference', w.ref(sync2, 'local', order=shuffled, nested='local'))], style='cinder')
    if r is not None:
        expect(w.returnvalue(r) == '0', 'Detach via client-built path -> 0', w.returnvalue(r))
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sync2.to_xml('name', nested='local'))],
            style='cinder', want_error=6)
    expect(c.connects >= 5, 'one connection per request (%d connects)' % c.connects)


# ------------------------------------------------------------------ wbemcli

def wbemcli_style(s):
    print('# sblim-wbemcli style (CLIENTS 1.5)')
    c = s.client()
    scs = s.scs()
    # untyped PARAMVALUEs, VALUETYPE-only keys, INSTANCEPATH with the URL host
    srcv = s.vol('101', 'root/tpd', '127.0.0.1')
    r = s.mcall(c, scs, 'AttachOrModifyReplica', [
        ('CopyType', None, w.v(4)),
        ('SourceElement', None, w.ref(srcv, 'full', 'wbemcli')),
        ('TargetElement', None, w.ref(s.vol('103', 'root/tpd', '127.0.0.1'), 'full', 'wbemcli'))],
        style='wbemcli', msgid='4711')
    if r is None:
        return
    job = w.outref(r, 'Job')
    if not expect(w.returnvalue(r) == '4096' and job is not None, 'wbemcli-style attach 101->103 -> 4096'):
        return
    t0 = time.time()
    j = {}
    while time.time() - t0 < 60:
        r = s.icall(c, 'GetInstance', 'root/tpd', [
            ('InstanceName', job.to_xml('name', 'wbemcli')), ('LocalOnly', w.v('FALSE')),
            ('IncludeQualifiers', w.v('FALSE')), ('IncludeClassOrigin', w.v('FALSE')),
            ('PropertyList', w.va(['JobState', 'PercentComplete', 'OperationalStatus', 'ErrorCode',
                                   'ErrorDescription']))],
            style='wbemcli', msgid='4711', empty_ns=True,
            props=['JobState', 'PercentComplete', 'OperationalStatus', 'ErrorCode', 'ErrorDescription'])
        if r is None:
            break
        j = inst_props(r)[0]
        check_job_phase(j, 'wbemcli poll')
        if j.get('JobState') not in ('2', '3', '4'):
            break
        time.sleep(0.25)
    expect(j.get('JobState') == '7', 'wbemcli-style job completed')
    sync = w.Path('TPD_StorageSynchronized', [('SyncedElement', s.vol('103', 'root/tpd', '127.0.0.1')),
                                              ('SystemElement', srcv)], 'root/tpd', '127.0.0.1')
    r = s.mcall(c, scs, 'ModifySynchronization', [
        ('Operation', None, w.v(4)), ('Synchronization', None, w.ref(sync, 'full', 'wbemcli'))],
        style='wbemcli', msgid='4711')
    if r is not None:
        rj = w.outref(r, 'Job')
        expect(w.returnvalue(r) == '4096' and rj is not None, 'wbemcli-style Resync -> 4096', w.returnvalue(r))
    c.close()


# ------------------------------------------------------------------ Pegasus

def pegasus(s):
    print('# OpenPegasus client style (CLIENTS 1.6)')
    c = s.client()
    mid = s.nextid()
    body = w.imethodcall('EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('CIM_StorageVolume'))], mid)
    r = c.raw('POST', '/cimom', w.cim_headers('EnumerateInstanceNames', 'root/tpd'), body, auth=False)
    expect(r.status == 401, 'no Authorization -> 401', r.status)
    wa = r.header('WWW-Authenticate') or ''
    import re
    expect(re.fullmatch(r'Basic realm="[^"]+"', wa) is not None, 'WWW-Authenticate quoted non-empty realm', wa)
    r = c.raw('POST', '/cimom', w.cim_headers('EnumerateInstanceNames', 'root/tpd'), body)
    probs = w.check_all(r, 'EnumerateInstanceNames', mid)
    expect(not probs, 'retry with Basic after the challenge', probs)
    ids = set()
    for i in range(5):
        mid = s.nextid()
        ids.add(mid)
        body = w.imethodcall('GetInstance', 'root/tpd', [('InstanceName', s.vol('101').to_xml('name'))], mid)
        r = c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'), body)
        probs = w.check_all(r, 'GetInstance', mid)
        if probs:
            bad('Pegasus-style GetInstance id %s: %s' % (mid, probs))
    ok('unique MESSAGE IDs echoed (%d)' % len(ids))
    # M-POST with the 73- extension headers: served, or 501/510 so the client falls back
    mid = s.nextid()
    body = w.imethodcall('EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('CIM_StorageVolume'))], mid)
    hdrs = [('Content-Type', 'application/xml; charset="utf-8"'),
            ('Man', 'http://www.dmtf.org/cim/mapping/http/v1.0 ; ns=73'),
            ('73-CIMOperation', 'MethodCall'), ('73-CIMMethod', 'EnumerateInstanceNames'),
            ('73-CIMObject', 'root/tpd')]
    r = c.raw('M-POST', '/cimom', hdrs, body)
    if r.status == 200:
        probs = w.check_all(r, 'EnumerateInstanceNames', mid)
        expect(not probs, 'M-POST served', probs)
    else:
        expect(r.status in (501, 510), 'M-POST answered 501/510', r.status)
    c.close()


# ------------------------------------------------------------------ keep-alive

def keepalive(s):
    print('# 100 requests over one keep-alive connection')
    c = s.client()
    good = 0
    ops = [('GetInstance', [('InstanceName', s.vol('101').to_xml('name'))]),
           ('EnumerateInstanceNames', [('ClassName', w.cn('CIM_StorageVolume'))]),
           ('EnumerateInstances', [('ClassName', w.cn('CIM_ConcreteJob')),
                                   ('PropertyList', w.va(JOB_PROPS))])]
    for i in range(100):
        op, params = ops[i % 3]
        mid = s.nextid()
        try:
            r = c.raw('POST', '/cimom', w.cim_headers(op, 'root/tpd'), w.imethodcall(op, 'root/tpd', params, mid))
        except Exception as e:
            bad('keep-alive request %d: %r' % (i, e))
            break
        probs = w.check_all(r, op, mid)
        if probs or w.error_code(r.xml()):
            bad('keep-alive request %d %s: %s' % (i, op, probs or w.error_code(r.xml())))
            break
        good += 1
    expect(good == 100, '100 keep-alive requests answered', good)
    expect(c.connects == 1, 'one TCP connection for 100 requests', c.connects)
    c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--cacert')
    ap.add_argument('--system', default='2FF70002AC01A2B3')
    a = ap.parse_args()
    s = Shape(a)
    for f in (pywbem_discovery, smispy, smispy_blocks, cinder, wbemcli_style, pegasus, keepalive):
        try:
            f(s)
        except Exception as e:  # a crash of one scenario is a failure, not the end
            import traceback
            traceback.print_exc()
            bad('%s raised %r' % (f.__name__, e))
    print('clientshape: %d passed, %d failed' % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == '__main__':
    sys.exit(main())
