#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""wirecheck.py - CIM-XML request builders, a small HTTPS client and the
response checks of CLIENTS.md section 4, shared by the shell integration
tests (through the command line below) and by clientshape.py (import).

It only reads responses and builds requests; it never starts, signals or
configures a daemon.  Python 3 standard library only.

Command line (used by lib.sh):
  wirecheck.py check --op NAME --id ID [--props A,B] [--void] HDRS BODY
        exit 1 and print every violated rule of a 200 CIM response
  wirecheck.py xq BODY QUERY [ARGS]
        error             ERROR CODE ("" if none)
        rc                RETURNVALUE value
        outkey PARAM KEY  key value of an output reference parameter
        outref PARAM      output reference as <VALUE.REFERENCE> XML
        prop NAME         NAME of the first INSTANCE ("NULL" if no value,
                          "ABSENT" if not there; arrays comma-joined)
        props NAME        the same for every INSTANCE, one per line
        count             number of objects in IRETURNVALUE
        classes           class name of every returned object/path
        keys KEY          key KEY of every returned path (nested refs: the
                          DeviceID of the referenced volume)
        paths             every returned path as <VALUE.REFERENCE> XML
        method NAME       METHOD NAME present in the CLASS (1/0)
        qualifier PROP Q  qualifier Q of property/method PROP in CLASS (1/0)
        outparam PARAM    text of output PARAMVALUE (embedded text verbatim)
        outtype PARAM     PARAMTYPE of output PARAMVALUE ("" if absent)
        each 'Q ARGS'...  several queries, one answer a line (one process)
"""

import base64
import http.client
import re
import socket
import ssl
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

DMTF_TS = re.compile(r'^\d{14}\.\d{6}[+-]\d{3}$')
DMTF_IV = re.compile(r'^\d{8}\d{6}\.\d{6}:000$')
XMLDECL = re.compile(r'^<\?xml\s+version\s*=\s*["\']1\.0["\']\s+'
                     r'encoding\s*=\s*["\']utf-8["\']\s*\?>', re.I)
NOSELFCLOSE = ('PROPERTY', 'PROPERTY.ARRAY', 'PROPERTY.REFERENCE',
               'IRETURNVALUE', 'METHODRESPONSE', 'IMETHODRESPONSE')
SELFCLOSE_RE = re.compile(
    r'<(' + '|'.join(re.escape(n) for n in NOSELFCLOSE) + r')'
    r'((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*/>')
VOID_OPS = {'deleteinstance', 'modifyinstance', 'setproperty',
            'setqualifier', 'deletequalifier', 'deleteclass',
            'modifyclass', 'createclass'}
# CLIENTS.md section 4 item 5: wbemcli's fixed attribute lists.
ATTRS = {
    'CIM': {'CIMVERSION', 'DTDVERSION'},
    'MESSAGE': {'ID', 'PROTOCOLVERSION'},
    'METHODRESPONSE': {'NAME'},
    'IMETHODRESPONSE': {'NAME'},
    'RETURNVALUE': {'PARAMTYPE'},
    # SPEC.md 4.3: GetError's Error carries EmbeddedObject="instance".
    'PARAMVALUE': {'NAME', 'PARAMTYPE', 'EmbeddedObject', 'EMBEDDEDOBJECT'},
    'CLASS': {'NAME', 'SUPERCLASS'},
    'METHOD': {'NAME', 'TYPE', 'CLASSORIGIN', 'PROPAGATED'},
    'PARAMETER': {'NAME', 'TYPE'},
    'PARAMETER.REFERENCE': {'NAME', 'REFERENCECLASS'},
    'PARAMETER.ARRAY': {'NAME', 'TYPE', 'ARRAYSIZE'},
    'PARAMETER.REFARRAY': {'NAME', 'REFERENCECLASS', 'ARRAYSIZE'},
    'PROPERTY': {'NAME', 'TYPE', 'CLASSORIGIN', 'PROPAGATED',
                 'EmbeddedObject', 'EMBEDDEDOBJECT'},
    'PROPERTY.ARRAY': {'NAME', 'TYPE', 'CLASSORIGIN', 'PROPAGATED',
                       'ARRAYSIZE'},
    'PROPERTY.REFERENCE': {'NAME', 'REFERENCECLASS', 'CLASSORIGIN',
                           'PROPAGATED'},
    'ERROR': {'CODE', 'DESCRIPTION'},
}


# ---------------------------------------------------------------- paths

class Path:
    """An instance path: class, ordered keys (str or Path values),
    optional namespace and host."""

    def __init__(self, cls, keys, ns=None, host=None):
        self.cls = cls
        self.keys = list(keys)
        self.ns = ns
        self.host = host

    def key(self, name):
        for k, v in self.keys:
            if k.lower() == name.lower():
                return v
        return None

    def to_xml(self, form='local', style='pywbem', order=None, nested=None):
        """form: name | local | full (INSTANCENAME, LOCALINSTANCEPATH,
        INSTANCEPATH); style of KEYVALUE: pywbem (VALUETYPE+TYPE),
        wbemcli (VALUETYPE only), bare (no attributes)."""
        keys = self.keys if order is None else order(self.keys)
        kb = []
        for k, v in keys:
            if isinstance(v, Path):
                inner = v.to_xml(nested or form, style, order, nested)
                kb.append('<KEYBINDING NAME=%s><VALUE.REFERENCE>%s'
                          '</VALUE.REFERENCE></KEYBINDING>'
                          % (quoteattr(k), inner))
            else:
                kb.append('<KEYBINDING NAME=%s>%s</KEYBINDING>'
                          % (quoteattr(k), keyvalue(v, style)))
        iname = '<INSTANCENAME CLASSNAME=%s>%s</INSTANCENAME>' % (
            quoteattr(self.cls), ''.join(kb))
        if form == 'name' or (form == 'local' and not self.ns):
            return iname
        ns = nsxml(self.ns or 'root/tpd')
        if form == 'local' or not self.host:
            return '<LOCALINSTANCEPATH>%s%s</LOCALINSTANCEPATH>' % (ns, iname)
        return ('<INSTANCEPATH><NAMESPACEPATH><HOST>%s</HOST>%s'
                '</NAMESPACEPATH>%s</INSTANCEPATH>'
                % (escape(self.host), ns, iname))

    def wbem_uri(self, with_ns=True):
        """The CIMObject header form: ns:Class.k="v",... (keys sorted)."""
        parts = []
        for k, v in sorted(self.keys, key=lambda kv: kv[0].lower()):
            if isinstance(v, Path):
                s = v.wbem_uri()
            else:
                s = v
            if isinstance(v, Path) or not re.fullmatch(r'-?\d+', s):
                s = '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')
            parts.append('%s=%s' % (k, s))
        body = '%s.%s' % (self.cls, ','.join(parts))
        return '%s:%s' % (self.ns or 'root/tpd', body) if with_ns else body

    def __repr__(self):
        return self.wbem_uri()


def keyvalue(v, style='pywbem'):
    numeric = bool(re.fullmatch(r'-?\d+', v))
    if style == 'bare':
        return '<KEYVALUE>%s</KEYVALUE>' % escape(v)
    if style == 'wbemcli':
        vt = 'numeric' if numeric else 'string'
        return '<KEYVALUE VALUETYPE="%s">%s</KEYVALUE>' % (vt, escape(v))
    return '<KEYVALUE VALUETYPE="string" TYPE="string">%s</KEYVALUE>' \
        % escape(v)


def nsxml(ns, empty_elems=False):
    if empty_elems:
        segs = ''.join('<NAMESPACE NAME=%s></NAMESPACE>' % quoteattr(p)
                       for p in ns.split('/') if p)
    else:
        segs = ''.join('<NAMESPACE NAME=%s/>' % quoteattr(p)
                       for p in ns.split('/') if p)
    return '<LOCALNAMESPACEPATH>%s</LOCALNAMESPACEPATH>' % segs


def parse_ns(lnp):
    return '/'.join(n.get('NAME') for n in lnp.findall('NAMESPACE'))


def parse_path(e, ns=None, host=None):
    """Path from INSTANCEPATH / LOCALINSTANCEPATH / INSTANCENAME /
    OBJECTPATH / VALUE.REFERENCE."""
    if e.tag in ('OBJECTPATH', 'VALUE.REFERENCE'):
        return parse_path(e[0], ns, host)
    if e.tag == 'INSTANCEPATH':
        np = e.find('NAMESPACEPATH')
        h = np.findtext('HOST')
        return parse_path(e.find('INSTANCENAME'),
                          parse_ns(np.find('LOCALNAMESPACEPATH')), h)
    if e.tag == 'LOCALINSTANCEPATH':
        return parse_path(e.find('INSTANCENAME'),
                          parse_ns(e.find('LOCALNAMESPACEPATH')), host)
    if e.tag != 'INSTANCENAME':
        raise ValueError('not a path: %s' % e.tag)
    keys = []
    for kb in e.findall('KEYBINDING'):
        kv = kb.find('KEYVALUE')
        if kv is not None:
            keys.append((kb.get('NAME'), kv.text or ''))
        else:
            keys.append((kb.get('NAME'), parse_path(kb.find('VALUE.REFERENCE'))))
    return Path(e.get('CLASSNAME'), keys, ns, host)


# ---------------------------------------------------------------- bodies

def envelope(inner, msgid='1001', decl=True):
    head = '<?xml version="1.0" encoding="utf-8" ?>\n' if decl else ''
    return ('%s<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="%s" '
            'PROTOCOLVERSION="1.0"><SIMPLEREQ>%s</SIMPLEREQ></MESSAGE></CIM>'
            % (head, msgid, inner))


def imethodcall(op, ns, params, msgid='1001', empty_ns=False):
    """params: list of (name, inner-xml) IPARAMVALUEs."""
    ip = ''.join('<IPARAMVALUE NAME=%s>%s</IPARAMVALUE>' % (quoteattr(n), x)
                 for n, x in params)
    return envelope('<IMETHODCALL NAME=%s>%s%s</IMETHODCALL>'
                    % (quoteattr(op), nsxml(ns, empty_ns), ip), msgid)


def methodcall(method, target, params, msgid='1001', style='pywbem'):
    """params: list of (name, paramtype-or-None, inner-xml)."""
    pv = []
    for n, t, x in params:
        a = ' PARAMTYPE=%s' % quoteattr(t) if t else ''
        pv.append('<PARAMVALUE NAME=%s%s>%s</PARAMVALUE>' % (quoteattr(n), a, x))
    tgt = target.to_xml('local', style) if target.ns else \
        '<LOCALINSTANCEPATH>%s%s</LOCALINSTANCEPATH>' % (
            nsxml('root/tpd'), target.to_xml('name', style))
    return envelope('<METHODCALL NAME=%s>%s%s</METHODCALL>'
                    % (quoteattr(method), tgt, ''.join(pv)), msgid)


def v(x):
    return '<VALUE>%s</VALUE>' % escape(str(x))


def va(xs):
    return '<VALUE.ARRAY>%s</VALUE.ARRAY>' % ''.join(v(x) for x in xs)


def cn(name):
    return '<CLASSNAME NAME=%s/>' % quoteattr(name)


def ref(path, form='local', style='pywbem', **kw):
    return '<VALUE.REFERENCE>%s</VALUE.REFERENCE>' % path.to_xml(form, style, **kw)


# ---------------------------------------------------------------- client

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers      # list of (name, value)
        self.body = body            # bytes
        self.root = None

    def header(self, name):
        for k, val in self.headers:
            if k.lower() == name.lower():
                return val
        return None

    def xml(self):
        if self.root is None:
            self.root = ET.fromstring(self.body)
        return self.root


class Client:
    """One HTTPS connection (reconnects when the server closed it)."""

    def __init__(self, host, port, user=None, pw=None, cafile=None,
                 keepalive=True, timeout=30):
        self.host, self.port = host, port
        self.user, self.pw = user, pw
        self.keepalive = keepalive
        self.timeout = timeout
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.ctx.check_hostname = False
        if not cafile:
            self.ctx.verify_mode = ssl.CERT_NONE
        self.conn = None
        self.connects = 0

    def _connect(self):
        self.conn = http.client.HTTPSConnection(self.host, self.port,
                                                context=self.ctx,
                                                timeout=self.timeout)
        self.conn.connect()
        self.connects += 1

    def auth_header(self, user=None, pw=None):
        u = self.user if user is None else user
        p = self.pw if pw is None else pw
        return 'Basic ' + base64.b64encode(('%s:%s' % (u, p)).encode()).decode()

    def raw(self, method, url, headers, body, auth=True):
        """Send and read one request; headers: list of (name, value)."""
        if isinstance(body, str):
            body = body.encode('utf-8')
        hdrs = list(headers)
        if auth and self.user is not None:
            hdrs.append(('Authorization', self.auth_header()))
        if not self.keepalive:
            hdrs.append(('Connection', 'close'))
        for attempt in (0, 1):
            if self.conn is None:
                self._connect()
            try:
                self.conn.putrequest(method, url, skip_accept_encoding=True)
                for k, val in hdrs:
                    self.conn.putheader(k, val)
                self.conn.putheader('Content-Length', str(len(body)))
                self.conn.endheaders(body)
                r = self.conn.getresponse()
                data = r.read()
                resp = Response(r.status, r.reason, r.getheaders(), data)
                if not self.keepalive or (resp.header('Connection') or '').lower() == 'close':
                    self.close()
                return resp
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) :
                self.close()
                if attempt:
                    raise
        raise RuntimeError('unreachable')

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def cim_headers(method, cimobject, quote_all=False, pct_ns=False,
                protover=True):
    co = cimobject
    if pct_ns:
        co = urllib.parse.quote(co, safe='')
    h = [('Content-Type', 'application/xml; charset="utf-8"'),
         ('CIMOperation', 'MethodCall'), ('CIMMethod', method),
         ('CIMObject', co)]
    if protover:
        h.append(('CIMProtocolVersion', '1.0'))
    if quote_all:	# the VMAX https.py way: every CIM header quoted
        h = [(urllib.parse.quote(k), urllib.parse.quote(val))
             if k.startswith('CIM') else (k, val) for k, val in h]
    return h


# ---------------------------------------------------------------- checks

def check_http(resp):
    """Header rules of a 200 CIM response."""
    p = []
    if resp.status != 200:
        p.append('HTTP status %d, expected 200' % resp.status)
        return p
    op = resp.header('CIMOperation')
    if op is None or op.lower() != 'methodresponse':
        p.append('CIMOperation header is %r, expected MethodResponse' % op)
    ct = resp.header('Content-Type') or ''
    if not re.match(r'(application|text)/xml', ct, re.I):
        p.append('Content-Type %r is not application/xml' % ct)
    if not re.search(r'charset\s*=\s*"?utf-8"?', ct, re.I):
        p.append('Content-Type %r has no charset utf-8' % ct)
    return p


def check_body(body, op, msgid, props=None, void=None):
    """Every CLIENTS.md section 4 rule that the body alone can show.
    op: the request's (I)METHODCALL NAME, verbatim."""
    p = []
    text = body.decode('utf-8', 'replace') if isinstance(body, bytes) else body
    if not XMLDECL.match(text):
        p.append('XML declaration missing or not plain: %r' % text[:60])
    if re.match(r'^<\?xml[^>]*standalone', text):
        p.append('XML declaration has standalone')
    for m in SELFCLOSE_RE.finditer(text):
        p.append('self-closed <%s/> (pitfall 0)' % m.group(1))
        break
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        return p + ['response is not well-formed XML: %s' % e]
    if root.tag != 'CIM':
        return p + ['root element %s, expected CIM' % root.tag]
    for a in ('CIMVERSION', 'DTDVERSION'):
        if not re.fullmatch(r'2\.\d+', root.get(a) or ''):
            p.append('CIM/@%s=%r' % (a, root.get(a)))
    msg = root.find('MESSAGE')
    if msg is None:
        return p + ['no MESSAGE']
    if msgid is not None and msg.get('ID') != str(msgid):
        p.append('MESSAGE ID %r, request had %r' % (msg.get('ID'), msgid))
    if not re.fullmatch(r'1\.\d+', msg.get('PROTOCOLVERSION') or ''):
        p.append('PROTOCOLVERSION %r' % msg.get('PROTOCOLVERSION'))
    rsp = msg.find('SIMPLERSP')
    if rsp is None or len(rsp) != 1:
        return p + ['no SIMPLERSP with one child']
    r = rsp[0]
    if r.tag not in ('IMETHODRESPONSE', 'METHODRESPONSE'):
        return p + ['SIMPLERSP holds %s' % r.tag]
    if op is not None and r.get('NAME') != op:
        p.append('response NAME %r != request NAME %r' % (r.get('NAME'), op))
    for e in root.iter():
        allowed = ATTRS.get(e.tag)
        if allowed is not None:
            extra = set(e.attrib) - allowed
            if extra:
                p.append('attribute(s) %s not allowed on %s' % (sorted(extra), e.tag))
        if e.tag == 'PROPERTY' and e.get('TYPE') == 'datetime':
            val = e.findtext('VALUE')
            if val is not None and not (DMTF_TS.match(val) or DMTF_IV.match(val)):
                p.append('datetime %s=%r is not DMTF' % (e.get('NAME'), val))
        if e.tag == 'KEYVALUE' and e.get('VALUETYPE') not in (None, 'string', 'numeric', 'boolean'):
            p.append('KEYVALUE VALUETYPE %r' % e.get('VALUETYPE'))
    err = r.find('ERROR')
    if err is not None:
        if not re.fullmatch(r'\d+', err.get('CODE') or ''):
            p.append('ERROR CODE %r' % err.get('CODE'))
        if len(err):
            p.append('ERROR has children (pitfall 4)')
        if len(r) != 1:
            p.append('ERROR has siblings')
        return p
    if r.tag == 'METHODRESPONSE':
        rv = r.find('RETURNVALUE')
        if rv is None:
            p.append('METHODRESPONSE without RETURNVALUE')
        elif 'PARAMTYPE' not in rv.attrib:
            p.append('RETURNVALUE without PARAMTYPE (pitfall 2)')
        for pv in r.findall('PARAMVALUE'):
            if 'PARAMTYPE' not in pv.attrib:
                p.append('PARAMVALUE %s without PARAMTYPE' % pv.get('NAME'))
            if len(pv) == 0 and not (pv.text or '').strip():
                p.append('PARAMVALUE %s is NULL (omit it, pitfall 28)' % pv.get('NAME'))
        return p
    iret = r.find('IRETURNVALUE')
    lop = (op or r.get('NAME') or '').lower()
    if void or lop in VOID_OPS:
        if iret is not None:
            p.append('IRETURNVALUE on void operation %s (pitfall 6)' % op)
        return p
    if iret is None:
        if lop in ('getinstance', 'getclass'):
            p.append('%s without IRETURNVALUE' % op)
        return p
    kids = list(iret)
    expect = {
        'getinstance': ('INSTANCE',), 'getclass': ('CLASS',),
        'enumerateinstances': ('VALUE.NAMEDINSTANCE',),
        'enumerateinstancenames': ('INSTANCENAME',),
        'associators': ('VALUE.OBJECTWITHPATH',),
        'references': ('VALUE.OBJECTWITHPATH',),
        'associatornames': ('OBJECTPATH',),
        'referencenames': ('OBJECTPATH',),
        'enumerateclassnames': ('CLASSNAME',),
        'enumerateclasses': ('CLASS',),
    }.get(lop)
    if expect:
        for k in kids:
            if k.tag not in expect:
                p.append('%s result holds %s, expected %s' % (op, k.tag, expect[0]))
                break
    if lop in ('getinstance', 'getclass') and len(kids) != 1:
        p.append('%s returned %d objects' % (op, len(kids)))
    for k in kids:
        if k.tag == 'VALUE.OBJECTWITHPATH':
            ip = k.find('INSTANCEPATH')
            if ip is None or ip.find('NAMESPACEPATH/HOST') is None \
                    or ip.find('NAMESPACEPATH/LOCALNAMESPACEPATH') is None:
                p.append('VALUE.OBJECTWITHPATH without INSTANCEPATH/NAMESPACEPATH/HOST')
            elif k.find('INSTANCE') is None:
                p.append('VALUE.OBJECTWITHPATH without INSTANCE')
            elif ip.find('INSTANCENAME').get('CLASSNAME') != k.find('INSTANCE').get('CLASSNAME'):
                p.append('path class != instance class')
        if k.tag == 'OBJECTPATH':
            ip = k.find('INSTANCEPATH')
            if ip is None or ip.find('NAMESPACEPATH/HOST') is None:
                p.append('OBJECTPATH without INSTANCEPATH/NAMESPACEPATH/HOST (pitfall 7)')
        if k.tag == 'VALUE.NAMEDINSTANCE':
            if k.find('INSTANCENAME') is None or k.find('INSTANCE') is None:
                p.append('VALUE.NAMEDINSTANCE without INSTANCENAME+INSTANCE')
    if props:
        for inst in iret.iter('INSTANCE'):
            have = {e.get('NAME').lower() for e in inst
                    if e.tag.startswith('PROPERTY')}
            miss = [x for x in props if x.lower() not in have]
            if miss:
                p.append('%s lacks requested properties %s (pitfall 25)'
                         % (inst.get('CLASSNAME'), miss))
                break
    return p


def check_all(resp, op, msgid, props=None, void=None):
    p = check_http(resp)
    if resp.status == 200:
        p += check_body(resp.body, op, msgid, props, void)
    return p


# ---------------------------------------------------------------- queries

def response_elem(root):
    return root.find('MESSAGE/SIMPLERSP')[0]


def error_code(root):
    e = response_elem(root).find('ERROR')
    return e.get('CODE') if e is not None else ''


def error_desc(root):
    e = response_elem(root).find('ERROR')
    return e.get('DESCRIPTION', '') if e is not None else ''


def returnvalue(root):
    return response_elem(root).findtext('RETURNVALUE/VALUE')


def outparam(root, name):
    for pv in response_elem(root).findall('PARAMVALUE'):
        if pv.get('NAME', '').lower() == name.lower():
            return pv
    return None


def outref(root, name):
    pv = outparam(root, name)
    if pv is None or pv.find('VALUE.REFERENCE') is None:
        return None
    return parse_path(pv.find('VALUE.REFERENCE'))


def prop_value(inst, name):
    for e in inst:
        if e.tag.startswith('PROPERTY') and e.get('NAME', '').lower() == name.lower():
            if e.tag == 'PROPERTY.ARRAY':
                a = e.find('VALUE.ARRAY')
                if a is None:
                    return None
                return [x.text or '' for x in a]
            if e.tag == 'PROPERTY.REFERENCE':
                r = e.find('VALUE.REFERENCE')
                return parse_path(r) if r is not None else None
            return e.findtext('VALUE')
    return 'ABSENT'


def fmt(val):
    if val is None:
        return 'NULL'
    if isinstance(val, list):
        return ','.join(val)
    return str(val)


def instances(root):
    return list(root.iter('INSTANCE'))


def result_objs(root):
    it = response_elem(root).find('IRETURNVALUE')
    return list(it) if it is not None else []


def result_paths(root):
    out = []
    for k in result_objs(root):
        if k.tag in ('OBJECTPATH', 'INSTANCENAME'):
            out.append(parse_path(k))
        elif k.tag == 'VALUE.OBJECTWITHPATH':
            out.append(parse_path(k.find('INSTANCEPATH')))
        elif k.tag == 'VALUE.NAMEDINSTANCE':
            out.append(parse_path(k.find('INSTANCENAME')))
    return out


def xq(body, q, args):
    root = ET.fromstring(body)
    if q == 'error':
        return error_code(root)
    if q == 'rc':
        return returnvalue(root) or ''
    if q == 'outkey':
        pth = outref(root, args[0])
        if pth is None:
            return ''
        val = pth.key(args[1])
        # a reference keybinding (a Synchronization's SyncedElement): its DeviceID
        return val.key('DeviceID') if isinstance(val, Path) else (val or '')
    if q == 'outref':
        pth = outref(root, args[0])
        return '' if pth is None else ref(pth, 'local', nested='local')
    if q == 'outparam':
        pv = outparam(root, args[0])
        return '' if pv is None else (pv.findtext('VALUE') or '')
    if q == 'each':
        return '\n'.join(xq(body, a.split()[0], a.split()[1:]) for a in args)
    if q == 'outtype':
        pv = outparam(root, args[0])
        return '' if pv is None else (pv.get('PARAMTYPE') or '')
    if q == 'prop':
        ins = instances(root)
        return 'ABSENT' if not ins else fmt(prop_value(ins[0], args[0]))
    if q == 'props':
        return '\n'.join(fmt(prop_value(i, args[0])) for i in instances(root))
    if q == 'count':
        return str(len(result_objs(root)))
    if q == 'classes':
        out = []
        for k in result_objs(root):
            if k.tag == 'CLASSNAME':
                out.append(k.get('NAME'))
            elif k.tag == 'CLASS':
                out.append(k.get('NAME'))
            else:
                out.append(result_paths_one(k).cls)
        return '\n'.join(out)
    if q == 'keys':
        out = []
        for pth in result_paths(root):
            val = pth.key(args[0])
            out.append(val.key('DeviceID') if isinstance(val, Path) else (val or ''))
        return '\n'.join(out)
    if q == 'paths':
        return '\n'.join(ref(pth, 'local', nested='local') for pth in result_paths(root))
    if q == 'method':
        c = root.find('.//CLASS')
        return '1' if c is not None and any(
            m.get('NAME') == args[0] for m in c.findall('METHOD')) else '0'
    if q == 'qualifier':
        c = root.find('.//CLASS')
        if c is None:
            return '0'
        for e in c:
            if e.get('NAME', '').lower() == args[0].lower():
                return '1' if any(qq.get('NAME', '').lower() == args[1].lower()
                                  for qq in e.iter('QUALIFIER')) else '0'
        return '0'
    raise SystemExit('unknown query %s' % q)


def result_paths_one(k):
    if k.tag == 'VALUE.OBJECTWITHPATH':
        return parse_path(k.find('INSTANCEPATH'))
    if k.tag == 'VALUE.NAMEDINSTANCE':
        return parse_path(k.find('INSTANCENAME'))
    return parse_path(k)


def parse_curl_headers(text):
    """Last header block of a curl -D file: (status, [(name, value)])."""
    blocks = [b for b in re.split(r'\r?\n\r?\n', text) if b.strip()]
    if not blocks:
        return 0, []
    lines = blocks[-1].splitlines()
    m = re.match(r'HTTP/\S+\s+(\d+)', lines[0])
    hdrs = []
    for ln in lines[1:]:
        if ':' in ln:
            k, _, val = ln.partition(':')
            hdrs.append((k.strip(), val.strip()))
    return int(m.group(1)) if m else 0, hdrs


def main(argv):
    if len(argv) >= 2 and argv[1] == 'xq':
        body = open(argv[2], 'rb').read()
        try:
            print(xq(body, argv[3], argv[4:]))
        except (ET.ParseError, AttributeError, IndexError, TypeError) as e:
            print('xq: %s on %s' % (e, argv[2]), file=sys.stderr)
            return 2
        return 0
    if len(argv) >= 2 and argv[1] == 'check':
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument('--op')
        ap.add_argument('--id')
        ap.add_argument('--props')
        ap.add_argument('--void', action='store_true')
        ap.add_argument('hdrs')
        ap.add_argument('body')
        a = ap.parse_args(argv[2:])
        status, hdrs = parse_curl_headers(open(a.hdrs, encoding='latin-1').read())
        resp = Response(status, '', hdrs, open(a.body, 'rb').read())
        probs = check_all(resp, a.op, a.id,
                          a.props.split(',') if a.props else None, a.void)
        for pr in probs:
            print('wirecheck: %s: %s' % (a.op, pr))
        return 1 if probs else 0
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
