#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""clientshape.py - CLIENTS.md section 5 T1.y: replays the request shapes of
pywbem (WBEMServer discovery), libstoragemgmt smispy (A-I, and its Block
Services volume_create / volume_resize / volume_delete), the Cinder
EMC/VMAX/Fujitsu drivers, sblim-wbemcli and the OpenPegasus client against a
running arrayd, and checks every response against the section 4 rules
(wirecheck.py) plus the job phases of section 3.3.  Standard library only.

usage: clientshape.py --port N --password PW [--browse-password PW]
                      [--cacert FILE] [--system NAME] [--rs]
--rs replays instead the Replication Services shapes (smispy rs-research.md
1a-1c, Cinder EMC, VMAX, Fujitsu) against a daemon with replication_service
= yes (213-clientshape-rs.sh).
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


# ------------------------------------------------------------------ Replication Services (--rs)

def rs_path(s):
    return w.Path('TPD_ReplicationService', [
        ('CreationClassName', 'TPD_ReplicationService'), ('Name', 'ReplicationService'),
        ('SystemCreationClassName', 'TPD_StorageSystem'), ('SystemName', s.sysname)], 'root/tpd')


def sync_path(s, src, tgt, cls='TPD_StorageSynchronized', first='SyncedElement'):
    keys = [('SyncedElement', s.vol(tgt)), ('SystemElement', s.vol(src))]
    if first == 'SystemElement':
        keys.reverse()
    return w.Path(cls, keys, 'root/tpd')


def smispy_rs_find(s, c):
    """_cim_srv_of_sys_id('CIM_ReplicationService'): EnumerateInstances with
    PropertyList=[SystemName], first with SystemName == the system's Name."""
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_ReplicationService')), ('PropertyList', w.va(['SystemName']))],
        props=['SystemName'])
    for k in (w.result_objs(r) if r is not None else []):
        if w.prop_value(k.find('INSTANCE'), 'SystemName') == s.sysname:
            return w.parse_path(k.find('INSTANCENAME'), 'root/tpd')
    bad('smispy RS: no CIM_ReplicationService with SystemName %s' % s.sysname)
    return None


def smispy_name_free(s, c, name):
    """volume_name_exists: EnumerateInstances(CIM_StorageVolume, [ElementName])."""
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName']))],
        props=['ElementName'])
    return name not in [p.get('ElementName') for p in (inst_props(r) if r is not None else [])]


def smispy_poll_job(s, c, job, what):
    """lsmcli _wait_for_it: the whole job table every 0.25 s."""
    jobid = job.key('InstanceID')
    lo = ('LocalOnly', w.v('FALSE'))
    t0 = time.time()
    mine = [{}]
    while time.time() - t0 < 60:
        r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
            ('ClassName', w.cn('CIM_ConcreteJob')), ('PropertyList', w.va(JOB_PROPS)), lo], props=JOB_PROPS)
        mine = [j for j in (inst_props(r) if r is not None else []) if j.get('InstanceID') == jobid]
        if not mine:
            bad('%s: job %s not in the job table' % (what, jobid))
            return False
        check_job_phase(mine[0], what)
        if mine[0].get('JobState') not in ('2', '3', '4'):
            break
        time.sleep(0.25)
    j = mine[0]
    return expect(j.get('JobState') == '7' and sorted((j.get('OperationalStatus') or [])[:2]) == ['17', '2'],
                  '%s: job JobState 7, OperationalStatus 2,17' % what, (j.get('JobState'), j.get('OperationalStatus')))


def smispy_rs_delete(s, c, vol, what, expect_pairs):
    """volume_delete with an RS: References(vol, CIM_StorageSynchronized), MRS
    only for SyncState 6 (never on arrayd), then ReturnToStoragePool."""
    scs = smispy_scs(s, c)
    rs = smispy_rs_find(s, c)
    if scs is None or rs is None:
        return
    mid = s.nextid()
    rr = c.raw('POST', '/cimom', w.cim_headers('References', 'root/tpd'),
               w.imethodcall('References', 'root/tpd', [('ObjectName', vol.to_xml('name')),
                                                        ('ResultClass', w.cn('CIM_StorageSynchronized'))], mid))
    probs = w.check_all(rr, 'References', mid)
    expect(not probs, '%s: References wire rules' % what, probs)
    code = w.error_code(rr.xml()) if rr.status == 200 else 'HTTP'
    if not expect(not code, '%s: References(vol, CIM_StorageSynchronized) no error (never INVALID_CLASS)' % what, code):
        return
    syncs = inst_props(rr.xml())
    paths = w.result_paths(rr.xml())
    expect(len(syncs) == expect_pairs, '%s: %d StorageSynchronized' % (what, expect_pairs), len(syncs))
    for sy in syncs:
        expect('SyncState' in sy and 'CopyType' in sy, '%s: sync has SyncState and CopyType' % what)
        expect(sy.get('SyncState') != '6', '%s: SyncState not 6, so no ModifyReplicaSynchronization' % what,
               sy.get('SyncState'))
    r = s.mcall(c, scs, 'ReturnToStoragePool', [('TheElement', 'reference', w.ref(vol, 'full'))])
    if r is None:
        return
    expect(w.returnvalue(r) == '0' and w.outparam(r, 'Job') is None, '%s: ReturnToStoragePool -> 0' % what,
           w.returnvalue(r))
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', vol.to_xml('name'))], want_error=6)
    for p in paths:
        s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', p.to_xml('name', nested='local'))], want_error=6)


def smispy_rs(s):
    """rs-research.md 1a-1c: smispy with a ReplicationService."""
    print('# smispy Replication Services path (rs-research 1a-1c)')
    c = s.client()
    lo = ('LocalOnly', w.v('FALSE'))
    # 1a capabilities
    rs = smispy_rs_find(s, c)
    if rs is None:
        return
    three = ['SupportedReplicationTypes', 'SupportedAsynchronousActions', 'SupportedSynchronousActions']
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', rs.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
        ('ResultClass', w.cn('CIM_ReplicationServiceCapabilities')), ('PropertyList', w.va(three))], props=three)
    caps = inst_props(r) if r is not None else []
    if not expect(len(caps) >= 1, 'RS -> RSC [0] exists (PropertyList)'):
        return
    rt = caps[0].get('SupportedReplicationTypes')
    aa = caps[0].get('SupportedAsynchronousActions')
    sa = caps[0].get('SupportedSynchronousActions')
    expect(rt is not None and aa is not None and sa is not None, 'the three arrays non-NULL', (rt, aa, sa))
    rt, aa, sa = rt or [], aa or [], sa or []
    expect('2' in aa or '2' in sa, 'VOLUME_REPLICATE (2 in actions)')
    expect('6' in rt or '7' in rt, 'VOLUME_REPLICATE_CLONE (6 or 7)')
    expect('10' in rt or '11' in rt, 'VOLUME_REPLICATE_COPY (10 or 11)')
    r = s.icall(c, 'Associators', 'root/tpd', [
        ('ObjectName', rs.to_xml('name')), ('AssocClass', w.cn('CIM_ElementCapabilities')),
        ('ResultClass', w.cn('CIM_ReplicationServiceCapabilities'))])
    caps = inst_props(r) if r is not None else []
    if not expect(len(caps) >= 1, 'RS -> RSC [0] exists (no PropertyList)'):
        return
    expect('10' in (caps[0].get('SupportedReplicationTypes') or []),
           '_get_supported_sync_and_mode: 10 -> CLONE (7, 2), COPY (8, 2)')
    src = s.vol('101', host='127.0.0.1')
    # 1b CLONE: SyncType 7, no Mode, WaitForCopyState 4 -> 0 + TargetElement
    name = 'lsm_rsclone_%d' % random.randint(1000, 9999)
    rs = smispy_rs_find(s, c)
    expect(smispy_name_free(s, c, name), 'name pre-check: %s free' % name)
    r = s.mcall(c, rs, 'CreateElementReplica', [
        ('ElementName', 'string', w.v(name)), ('SyncType', 'uint16', w.v(7)),
        ('SourceElement', 'reference', w.ref(src, 'full')), ('WaitForCopyState', 'uint16', w.v(4))])
    clone = None
    if r is not None:
        te = w.outref(r, 'TargetElement')
        if expect(w.returnvalue(r) == '0' and te is not None and w.outref(r, 'TheElement') is None
                  and w.outparam(r, 'Job') is None, 'CER CLONE -> 0 + TargetElement, no Job', w.returnvalue(r)):
            vi, pool = smispy_get_volume(s, c, te, 'RS CLONE')
            expect(vi is not None and vi.get('ElementName') == name, 'RS CLONE: GetInstance(TargetElement) ElementName')
            clone = te
    expect(not smispy_name_free(s, c, name), 'name pre-check now finds %s (NAME_CONFLICT before any call)' % name)
    # 1b COPY: SyncType 8, WaitForCopyState 4 -> 4096 + Job
    cname = 'lsm_rscopy_%d' % random.randint(1000, 9999)
    rs = smispy_rs_find(s, c)
    expect(smispy_name_free(s, c, cname), 'name pre-check: %s free' % cname)
    r = s.mcall(c, rs, 'CreateElementReplica', [
        ('ElementName', 'string', w.v(cname)), ('SyncType', 'uint16', w.v(8)),
        ('SourceElement', 'reference', w.ref(src, 'full')), ('WaitForCopyState', 'uint16', w.v(4))])
    copy = None
    if r is not None:
        job = w.outref(r, 'Job')
        if expect(w.returnvalue(r) == '4096' and job is not None, 'CER COPY -> 4096 + Job', w.returnvalue(r)):
            smispy_poll_job(s, c, job, 'RS COPY')
            r = s.icall(c, 'Associators', 'root/tpd', [
                ('ObjectName', job.to_xml('name')), ('AssocClass', w.cn('CIM_AffectedJobElement')),
                ('ResultClass', w.cn('CIM_StorageVolume'))])
            objs = w.result_objs(r) if r is not None else []
            if expect(objs, 'RS COPY: AffectedJobElement volumes'):
                copy = w.parse_path(objs[0].find('INSTANCEPATH'))
                expect(w.prop_value(objs[0].find('INSTANCE'), 'ElementName') == cname,
                       'RS COPY: first affected volume is the new one', copy)
                smispy_get_volume(s, c, copy, 'RS COPY')
    # 1c volume_delete
    if clone is not None:
        smispy_rs_delete(s, c, clone, 'delete RS CLONE (snapshot: its pair goes with it)', 1)
    if copy is not None:
        smispy_rs_delete(s, c, copy, 'delete RS COPY (pair already gone)', 0)
    c.close()


def emc_rs(s):
    """Cinder EMC SMI-S clone (CLIENTS 1.3): CER SyncType 8 (Mode 3 here so
    the pair stays), Associators(job, resultClass=...), a client-built sync
    path (SyncedElement first), GetInstance until PercentSynced 100, MRS 8."""
    print('# Cinder EMC Replication Services shape')
    c = s.client(keepalive=False)
    r = s.icall(c, 'EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('TPD_ReplicationService'))])
    rss = [p for p in (w.result_paths(r) if r is not None else []) if p.key('SystemName') == s.sysname]
    if not expect(len(rss) == 1, 'EMC: EnumerateInstanceNames(TPD_ReplicationService) one of this system'):
        return
    rs = rss[0]
    rs.ns = rs.ns or 'root/tpd'
    r = s.mcall(c, rs, 'CreateElementReplica', [
        ('ElementName', 'string', w.v('emc_clone')), ('SyncType', 'uint16', w.v(8)),
        ('Mode', 'uint16', w.v(3)), ('SourceElement', 'reference', w.ref(s.vol('101')))])
    if r is None:
        return
    job = w.outref(r, 'Job')
    if not expect(w.returnvalue(r) != '0' and job is not None, 'EMC: CER rc != 0 with a Job', w.returnvalue(r)):
        return
    t0 = time.time()
    j = {}
    while time.time() - t0 < 60:
        r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', job.to_xml('name')), ('LocalOnly', w.v('FALSE'))])
        j = inst_props(r)[0] if r is not None and w.instances(r) else {}
        if j.get('JobState') not in ('2', '3', '4', '32767'):
            break
        time.sleep(0.25)
    expect(j.get('ErrorCode') == '0', 'EMC: job ErrorCode 0', j.get('ErrorCode'))
    r = s.icall(c, 'Associators', 'root/tpd', [('ObjectName', job.to_xml('name')),
                                               ('resultClass', w.cn('CIM_StorageVolume'))])
    objs = w.result_objs(r) if r is not None else []
    if not expect(objs, 'EMC: Associators(job, resultClass=CIM_StorageVolume)'):
        return
    clone = w.parse_path(objs[0].find('INSTANCEPATH'))
    expect(w.prop_value(objs[0].find('INSTANCE'), 'ElementName') == 'emc_clone', 'EMC: first volume is the clone')
    dev = clone.key('DeviceID')
    sync = sync_path(s, '101', dev, first='SyncedElement')
    pct = None
    t0 = time.time()
    while time.time() - t0 < 30:
        r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sync.to_xml('name', nested='local')),
                                                   ('LocalOnly', w.v('FALSE'))])
        if r is None or not w.instances(r):
            break
        pct = inst_props(r)[0].get('PercentSynced')
        if pct == '100':
            break
        time.sleep(0.25)
    expect(pct == '100', 'EMC: client-built sync path reaches PercentSynced 100', pct)
    r = s.mcall(c, rs, 'ModifyReplicaSynchronization', [
        ('Operation', 'uint16', w.v(8)), ('Synchronization', 'reference', w.ref(sync, nested='local'))])
    if r is not None:
        expect(w.returnvalue(r) == '0', 'EMC: MRS 8 Detach -> 0', w.returnvalue(r))
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sync.to_xml('name', nested='local'))], want_error=6)
    s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', s.vol(dev).to_xml('name'))])


def vmax_rs(s):
    """Cinder VMAX (CLIENTS 1.3): URL-quoted CIM headers, one connection per
    request, CER with TargetElement and a ReplicationSettingData, ReferenceNames
    read as references, GetInstance(sync) until CopyState 4, MRS 8 with Force.
    (Mode 3 is sent so the pair outlives the copy; the VMAX driver sends no
    Mode, which on arrayd is a clone that detaches itself.)"""
    print('# Cinder VMAX Replication Services shape')
    c = s.client(keepalive=False)
    r = s.icall(c, 'EnumerateInstanceNames', 'root/tpd', [('ClassName', w.cn('CIM_ReplicationService'))],
                style='cinder')
    rss = [p for p in (w.result_paths(r) if r is not None else []) if p.key('SystemName') == s.sysname]
    if not expect(len(rss) == 1, 'VMAX: EnumerateInstanceNames(CIM_ReplicationService)'):
        return
    rs = rss[0]
    rs.ns = rs.ns or 'root/tpd'
    r = s.icall(c, 'AssociatorNames', 'root/tpd', [('ObjectName', rs.to_xml('name')),
                                                   ('AssocClass', w.cn('CIM_HostedService'))], style='cinder')
    expect(r is not None and [p.key('Name') for p in w.result_paths(r)] == [s.sysname],
           'VMAX: AssociatorNames(RS, HostedService) = the system')
    rsd = ('<INSTANCE CLASSNAME="CIM_ReplicationSettingData"><PROPERTY NAME="DesiredCopyMethodology" '
           'TYPE="uint16"><VALUE>2</VALUE></PROPERTY></INSTANCE>')
    r = s.mcall(c, rs, 'CreateElementReplica', [
        ('ElementName', 'string', w.v('vmax_clone')), ('SyncType', 'uint16', w.v(8)), ('Mode', 'uint16', w.v(3)),
        ('SourceElement', 'reference', w.ref(s.vol('101'))), ('TargetElement', 'reference', w.ref(s.vol('102'))),
        ('ReplicationSettingData', 'string', w.v(rsd))], style='cinder')
    if r is None:
        return
    job = w.outref(r, 'Job')
    if not expect(w.returnvalue(r) == '4096' and job is not None, 'VMAX: CER (RSD accepted) -> 4096 + Job',
                  w.returnvalue(r)):
        return
    j = {}
    t0 = time.time()
    while time.time() - t0 < 60:
        r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', job.to_xml('name')), ('LocalOnly', w.v('FALSE'))],
                    style='cinder')
        j = inst_props(r)[0] if r is not None and w.instances(r) else {}
        if j.get('JobState') not in ('2', '3', '4', '32767'):
            break
        time.sleep(0.25)
    expect(j.get('OperationalStatus') and j.get('ErrorCode') == '0', 'VMAX: job ErrorCode 0, OperationalStatus set')
    r = s.icall(c, 'ReferenceNames', 'root/tpd', [('ObjectName', s.vol('102').to_xml('name')),
                                                  ('ResultClass', w.cn('CIM_StorageSynchronized'))], style='cinder')
    ps = w.result_paths(r) if r is not None else []
    if not expect(len(ps) == 1, 'VMAX: ReferenceNames(vol, CIM_StorageSynchronized) -> 1', len(ps)):
        return
    sync = ps[0]
    se, sy = sync.key('SystemElement'), sync.key('SyncedElement')
    expect(isinstance(se, w.Path) and se.key('DeviceID') == '101' and se.key('SystemName') == s.sysname,
           'VMAX: SystemElement read as a reference (101)')
    expect(isinstance(sy, w.Path) and sy.key('DeviceID') == '102' and sy.key('SystemName') == s.sysname,
           'VMAX: SyncedElement read as a reference (102)')
    cs = None
    t0 = time.time()
    while time.time() - t0 < 30:
        r = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sync.to_xml('name', nested='local'))],
                    style='cinder')
        cs = inst_props(r)[0].get('CopyState') if r is not None and w.instances(r) else None
        if cs == '4':
            break
        time.sleep(0.25)
    expect(cs == '4', 'VMAX: wait_for_sync reaches CopyState 4', cs)
    r = s.mcall(c, rs, 'ModifyReplicaSynchronization', [
        ('Operation', 'uint16', w.v(8)), ('Synchronization', 'reference', w.ref(sync, nested='local')),
        ('Force', 'boolean', w.v('TRUE'))], style='cinder')
    if r is not None:
        expect(w.returnvalue(r) == '0', 'VMAX: MRS 8 Detach Force -> 0', w.returnvalue(r))
    expect(c.connects >= 5, 'VMAX: one connection per request (%d connects)' % c.connects)


def fujitsu_rs(s):
    """Cinder Fujitsu ETERNUS (CLIENTS 1.3): CER SyncType 8 with a TargetElement
    (job waited for whatever the rc), GetInstance(session) until NOT_FOUND for
    the one-shot pair; on kept pairs MRS 19 / 8 with Force TRUE and
    WaitForCopyState 15."""
    print('# Cinder Fujitsu Replication Services shape')
    c = s.client()
    rs = rs_path(s)

    def exec_service(method, params):
        r = s.mcall(c, rs, method, params)
        if r is None:
            return None, None
        rc, job = w.returnvalue(r), w.outref(r, 'Job')
        if job is not None:
            t0 = time.time()
            while time.time() - t0 < 60:
                g = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', job.to_xml('name')),
                                                           ('LocalOnly', w.v('FALSE'))])
                jp = inst_props(g)[0] if g is not None and w.instances(g) else {}
                if jp.get('JobState') not in ('2', '3', '4'):
                    break
                time.sleep(0.25)
            rc = jp.get('ErrorCode')
        return rc, r
    rc, r = exec_service('CreateElementReplica', [
        ('SyncType', 'uint16', w.v(8)), ('SourceElement', 'reference', w.ref(s.vol('101'))),
        ('TargetElement', 'reference', w.ref(s.vol('103')))])
    expect(rc == '0' and r is not None and w.outref(r, 'Job') is not None,
           'Fujitsu: CER onto 103 -> Job, job ErrorCode 0', rc)
    session = w.outref(r, 'Synchronization') if r is not None else None
    if expect(session is not None, 'Fujitsu: the session (Synchronization)'):
        gone = False
        t0 = time.time()
        while time.time() - t0 < 30:
            mid = s.nextid()
            g = c.raw('POST', '/cimom', w.cim_headers('GetInstance', 'root/tpd'),
                      w.imethodcall('GetInstance', 'root/tpd', [('InstanceName', session.to_xml('name', nested='local'))], mid))
            probs = w.check_all(g, 'GetInstance', mid)
            if probs:
                bad('Fujitsu poll: %s' % '; '.join(probs))
            code = w.error_code(g.xml()) if g.status == 200 else 'HTTP'
            if code == '6':
                gone = True
                break
            if code or (w.instances(g.xml()) and w.prop_value(w.instances(g.xml())[0], 'CopyState') == '5'):
                break
            time.sleep(0.25)
        expect(gone, 'Fujitsu: one-shot session vanishes (CIM_ERR_NOT_FOUND)')
    # 19 deletes the target: a volume made through the array (EMC's clone,
    # detached), as a configured volume cannot be deleted (6)
    r = s.icall(c, 'EnumerateInstances', 'root/tpd', [
        ('ClassName', w.cn('CIM_StorageVolume')), ('PropertyList', w.va(['ElementName', 'DeviceID']))])
    made = [p.get('DeviceID') for p in (inst_props(r) if r is not None else []) if p.get('ElementName') == 'emc_clone']
    if not expect(len(made) == 1, 'Fujitsu: a made volume of the source size (emc_clone)'):
        return
    for op, tgt in ((8, '102'), (19, made[0])):
        rc, r = exec_service('CreateElementReplica', [
            ('SyncType', 'uint16', w.v(8)), ('Mode', 'uint16', w.v(3)),
            ('SourceElement', 'reference', w.ref(s.vol('101'))), ('TargetElement', 'reference', w.ref(s.vol(tgt)))])
        if not expect(rc == '0', 'Fujitsu: kept pair onto %s' % tgt, rc):
            continue
        sess = w.outref(r, 'Synchronization')
        g = s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sess.to_xml('name', nested='local'))])
        ct = inst_props(g)[0].get('CopyType') if g is not None and w.instances(g) else None
        expect(ct == '4', 'Fujitsu: session CopyType read (4)', ct)
        rc, r = exec_service('ModifyReplicaSynchronization', [
            ('Operation', 'uint16', w.v(op)), ('Synchronization', 'reference', w.ref(sess, nested='local')),
            ('Force', 'boolean', w.v('TRUE')), ('WaitForCopyState', 'uint16', w.v(15))])
        expect(rc == '0', 'Fujitsu: MRS %d Force TRUE WaitForCopyState 15 -> 0' % op, rc)
        s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', sess.to_xml('name', nested='local'))], want_error=6)
        s.icall(c, 'GetInstance', 'root/tpd', [('InstanceName', s.vol(tgt).to_xml('name'))],
                want_error=6 if op == 19 else None)
    c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--cacert')
    ap.add_argument('--system', default='2FF70002AC01A2B3')
    ap.add_argument('--rs', action='store_true',
                    help='the Replication Services shapes (daemon with replication_service = yes)')
    a = ap.parse_args()
    s = Shape(a)
    shapes = (pywbem_discovery, smispy, smispy_blocks, cinder, wbemcli_style, pegasus, keepalive)
    if a.rs:
        shapes = (smispy_rs, emc_rs, vmax_rs, fujitsu_rs)
    for f in shapes:
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
