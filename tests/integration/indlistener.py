#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""indlistener.py - a CIM-XML indication listener for the tests (python3
standard library only; pywbem is not in Debian and is not copied here).

It accepts ExportIndication requests (DSP0200 section 7, DSP0201), checks
every rule a listener may check, answers as pywbem's WBEMListener does
(HTTP 200, "CIMExport: MethodResponse", an EXPMETHODRESPONSE with the
request's MESSAGE ID; a header or XML fault: an HTTP error with CIMError
and CIMExport headers) and appends one JSON line per request to --out:

  {"t": 1733580000.123, "mode": "ok", "answer": 200, "violations": [],
   "msgid": "17", "class": "TPD_ConcreteJobInstModification",
   "props": {"SequenceNumber": "3", ...},
   "source": {"class": "TPD_ConcreteJob", "props": {...}},
   "previous": {...}}

--mode (or the first word of --mode-file, read again for every request,
so a test can change it while the listener runs):
  ok       answer success
  close    close the connection without reading or answering
  400/500  answer that HTTP status (any 3-digit status)
  garbage  answer 200 with CIMExport: MethodResponse and a body that is
           not XML
  error    answer an EXPMETHODRESPONSE with ERROR CODE="1" (pywbem's
           answer when its indication queue is full)
  hang     read the request and answer nothing (until the client gives
           up, at most 600 s)
  slow     answer success after --slow seconds
"""
import argparse
import json
import os
import re
import socket
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CT_RE = re.compile(r'^\s*(text/xml|application/xml)\s*(;\s*charset\s*=\s*'
                   r'"?([^";\s]*)"?\s*)?$', re.I)


def text_of(el):
    return el.text if el is not None and el.text is not None else ""


def parse_instance(inst, where, violations):
    """An INSTANCE element as {"class": ..., "props": {...}}; embedded
    instances (EmbeddedObject="instance") are parsed in turn."""
    if inst.tag != "INSTANCE":
        violations.append("%s: <%s> where INSTANCE belongs" % (where,
                                                               inst.tag))
        return None
    cls = inst.get("CLASSNAME")
    if not cls:
        violations.append("%s: INSTANCE without CLASSNAME" % where)
    props = {}
    embedded = {}
    for p in inst:
        name = p.get("NAME")
        if p.tag not in ("PROPERTY", "PROPERTY.ARRAY", "PROPERTY.REFERENCE",
                         "QUALIFIER"):
            violations.append("%s: <%s> inside INSTANCE" % (where, p.tag))
            continue
        if p.tag == "QUALIFIER":
            continue
        if not name:
            violations.append("%s: %s without NAME" % (where, p.tag))
            continue
        if p.tag != "PROPERTY.REFERENCE" and not p.get("TYPE"):
            violations.append("%s: %s %s without TYPE" % (where, p.tag,
                                                          name))
        if p.tag == "PROPERTY.ARRAY":
            va = p.find("VALUE.ARRAY")
            props[name] = None if va is None else [text_of(v) for v in va]
            continue
        if p.tag == "PROPERTY.REFERENCE":
            props[name] = "reference"
            continue
        v = p.find("VALUE")
        props[name] = None if v is None else text_of(v)
        emb = p.get("EmbeddedObject") or p.get("EMBEDDEDOBJECT")
        if emb is not None and v is not None:
            if emb.lower() != "instance":
                violations.append("%s: %s EmbeddedObject=%r" % (where, name,
                                                                emb))
                continue
            try:
                sub = ET.fromstring(text_of(v))
            except ET.ParseError as e:
                violations.append("%s: embedded %s is not XML: %s" %
                                  (where, name, e))
                continue
            embedded[name] = parse_instance(sub, where + "." + name,
                                            violations)
            props[name] = "(embedded instance)"
    return {"class": cls, "props": props, "embedded": embedded}


def check_request(headers, body):
    """Every DSP0200 section 7 / DSP0201 export rule a listener can check.
    Returns (msgid, record fields, violations, http error or None)."""
    v = []
    err = None
    if headers.get("CIMExport") != "MethodRequest":
        v.append("CIMExport header is %r, not MethodRequest" %
                 headers.get("CIMExport"))
        err = err or (400, "header-mismatch")
    if headers.get("CIMExportMethod") != "ExportIndication":
        v.append("CIMExportMethod header is %r, not ExportIndication" %
                 headers.get("CIMExportMethod"))
        err = err or (400, "header-mismatch")
    ct = headers.get("Content-Type")
    m = CT_RE.match(ct or "")
    if m is None or (m.group(3) and m.group(3).lower() != "utf-8"):
        v.append("Content-Type %r is not text/xml or application/xml "
                 "with charset utf-8" % ct)
        err = err or (406, "header-mismatch")
    pv = headers.get("CIMProtocolVersion")
    if pv is not None and not re.match(r"^1\.\d+$", pv):
        v.append("CIMProtocolVersion %r is not 1.x" % pv)
        err = err or (400, "unsupported-protocol-version")
    enc = headers.get("Content-Encoding", "identity")
    if enc.lower() != "identity":
        v.append("Content-Encoding %r" % enc)
        err = err or (406, "header-mismatch")
    fields = {}
    msgid = None
    try:
        body.decode("utf-8")
        root = ET.fromstring(body)
    except (UnicodeDecodeError, ET.ParseError) as e:
        v.append("body is not well-formed UTF-8 XML: %s" % e)
        return msgid, fields, v, err or (400, "request-not-well-formed")
    if root.tag != "CIM":
        v.append("root element is %s, not CIM" % root.tag)
        return msgid, fields, v, err or (400, "request-not-valid")
    if not (root.get("CIMVERSION") or "").startswith("2."):
        v.append("CIMVERSION %r is not 2.x" % root.get("CIMVERSION"))
        err = err or (400, "unsupported-cim-version")
    if not (root.get("DTDVERSION") or "").startswith("2."):
        v.append("DTDVERSION %r is not 2.x" % root.get("DTDVERSION"))
        err = err or (400, "unsupported-dtd-version")
    msg = root.find("MESSAGE")
    if msg is None or len(root) != 1:
        v.append("CIM must hold exactly one MESSAGE")
        return msgid, fields, v, err or (400, "request-not-valid")
    msgid = msg.get("ID")
    if not msgid:
        v.append("MESSAGE without ID")
    if not re.match(r"^1\.\d+$", msg.get("PROTOCOLVERSION") or ""):
        v.append("MESSAGE PROTOCOLVERSION %r is not 1.x" %
                 msg.get("PROTOCOLVERSION"))
    req = msg.find("SIMPLEEXPREQ")
    if req is None or len(msg) != 1:
        v.append("MESSAGE must hold exactly one SIMPLEEXPREQ")
        return msgid, fields, v, err or (400, "request-not-valid")
    call = req.find("EXPMETHODCALL")
    if call is None or len(req) != 1:
        v.append("SIMPLEEXPREQ must hold exactly one EXPMETHODCALL")
        return msgid, fields, v, err or (400, "request-not-valid")
    if call.get("NAME") != "ExportIndication":
        v.append("EXPMETHODCALL NAME is %r" % call.get("NAME"))
    if call.get("NAME") != headers.get("CIMExportMethod"):
        v.append("EXPMETHODCALL NAME %r differs from CIMExportMethod %r" %
                 (call.get("NAME"), headers.get("CIMExportMethod")))
    params = [p for p in call if p.tag == "EXPPARAMVALUE"]
    if len(params) != 1 or len(call) != 1 or \
            params[0].get("NAME") != "NewIndication":
        v.append("EXPMETHODCALL must hold one EXPPARAMVALUE NewIndication")
        return msgid, fields, v, err
    if len(params[0]) != 1:
        v.append("EXPPARAMVALUE NewIndication must hold one INSTANCE")
        return msgid, fields, v, err
    ind = parse_instance(params[0][0], "NewIndication", v)
    if ind is None:
        return msgid, fields, v, err
    fields["class"] = ind["class"]
    fields["props"] = ind["props"]
    for k, name in (("source", "SourceInstance"),
                    ("previous", "PreviousInstance")):
        if name in ind["embedded"]:
            e = ind["embedded"][name]
            fields[k] = {"class": e["class"], "props": e["props"]}
    return msgid, fields, v, err


def response_xml(msgid, error=None):
    inner = ('<ERROR CODE="%d" DESCRIPTION="%s"/>' % error) if error else ""
    if inner:
        body = ('<EXPMETHODRESPONSE NAME="ExportIndication">%s'
                '</EXPMETHODRESPONSE>' % inner)
    else:
        body = '<EXPMETHODRESPONSE NAME="ExportIndication"/>'
    return ('<?xml version="1.0" encoding="utf-8" ?>\n'
            '<CIM CIMVERSION="2.0" DTDVERSION="2.4"><MESSAGE ID="%s" '
            'PROTOCOLVERSION="1.4"><SIMPLEEXPRSP>%s</SIMPLEEXPRSP>'
            '</MESSAGE></CIM>' % (msgid or "", body)).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "indlistener/1"

    def log_message(self, fmt, *args):
        pass

    def current_mode(self):
        srv = self.server
        if srv.mode_file:
            try:
                with open(srv.mode_file) as f:
                    words = f.read().split()
                    if words:
                        return words[0]
            except OSError:
                pass
        return srv.mode

    def record(self, rec):
        rec["t"] = time.time()
        with self.server.lock:
            self.server.out.write(json.dumps(rec, sort_keys=True) + "\n")
            self.server.out.flush()

    def send_plain(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, val in headers:
            self.send_header(k, val)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def not_post(self):
        self.record({"mode": self.current_mode(), "answer": 405,
                     "violations": ["method %s, not POST" % self.command]})
        self.send_plain(405, headers=[("CIMExport", "MethodResponse"),
                                      ("Allow", "POST")])

    do_GET = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = not_post

    def do_POST(self):
        mode = self.current_mode()
        if mode == "close":
            self.record({"mode": mode, "answer": 0, "violations": []})
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET,
                                           socket.SO_LINGER,
                                           b"\1\0\0\0\0\0\0\0")
            except OSError:
                pass
            return
        n = self.headers.get("Content-Length")
        if n is None or not n.isdigit():
            self.record({"mode": mode, "answer": 411,
                         "violations": ["no Content-Length"]})
            self.send_plain(411, headers=[("CIMExport", "MethodResponse")])
            return
        body = self.rfile.read(int(n))
        msgid, fields, viol, err = check_request(self.headers, body)
        rec = {"mode": mode, "msgid": msgid, "violations": viol,
               "path": self.path}
        rec.update(fields)
        if err is not None:
            rec["answer"] = err[0]
            self.record(rec)
            self.send_plain(err[0], headers=[("CIMExport", "MethodResponse"),
                                             ("CIMError", err[1])])
            return
        if mode == "hang":
            rec["answer"] = 0
            self.record(rec)
            self.close_connection = True
            self.connection.settimeout(600)
            try:
                while self.connection.recv(4096):
                    pass
            except OSError:
                pass
            return
        if mode == "slow":
            time.sleep(self.server.slow)
        if re.match(r"^\d\d\d$", mode):
            rec["answer"] = int(mode)
            self.record(rec)
            self.send_plain(int(mode), b"listener told to fail\n",
                            [("Content-Type", "text/plain")])
            return
        if mode == "garbage":
            rec["answer"] = 200
            self.record(rec)
            self.send_plain(200, b"\x00\xffthis is <not xml",
                            [("Content-Type", "text/xml"),
                             ("CIMExport", "MethodResponse")])
            return
        error = None
        if mode == "error":
            error = (1, "Indication queue is full (size 1)")
        elif viol:
            error = (4, "; ".join(viol).replace('"', "'"))
        rec["answer"] = 200
        self.record(rec)
        self.send_plain(200, response_xml(msgid, error),
                        [("Content-Type", "text/xml"),
                         ("CIMExport", "MethodResponse")])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", default="ok")
    ap.add_argument("--mode-file")
    ap.add_argument("--slow", type=float, default=1.0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    # socketserver's backlog of 5 drops the SYNs of a hundred destinations
    # connecting at once (then retransmitted 1, 3, 7 s later)
    ThreadingHTTPServer.request_queue_size = 1024
    if ":" in a.host:
        ThreadingHTTPServer.address_family = socket.AF_INET6
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    if a.tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.mode = a.mode
    srv.mode_file = a.mode_file
    srv.slow = a.slow
    srv.lock = threading.Lock()
    srv.out = open(a.out, "a")
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
