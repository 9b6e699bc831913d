/* SPDX-License-Identifier: ISC */
/*
 * cimop_check.c - the protocol headers of a CIM-XML request (SPEC.md
 * §1.2-1.4): M-POST's Man header and its NN- prefix, CIMOperation,
 * CIMBatch, Content-Type and CIMProtocolVersion before the body is parsed,
 * then CIMProtocolVersion, CIMMethod and CIMObject against the parsed body
 * (header-mismatch).  Each failed rule answers through cimop__fail() with
 * its status and CIMError token; nothing here looks at the operation.
 *
 * M-POST is accepted when a Man header declares the DMTF CIM mapping with
 * ns=NN; the CIM headers are then read as NN-CIMOperation etc.  An M-POST
 * without such a Man header gets 501 (not extended), so clients fall back
 * to POST.  CIMMethod is compared case-insensitively (lenient); the
 * response echoes the body's spelling.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cim/cimop_int.h"
#include "cim/model.h"

/*
 * M-POST: "Man: http://www.dmtf.org/cim/mapping/http/v1.0 ; ns=73".
 * Returns 0 with o->prefix set, or -EINVAL.
 */
int
cimop__mpost_prefix(struct op *o)
{
	const char *man = o->in->header ?
	    o->in->header(o->in->header_arg, "Man") : NULL;
	const char *ns;
	int n = 0;

	if (man == NULL || strstr(man, "dmtf.org/cim/mapping/http") == NULL)
		return -EINVAL;
	ns = strstr(man, "ns=");
	if (ns == NULL)
		return -EINVAL;
	ns += 3;
	while (n < 4 && isdigit((unsigned char)ns[n]))
		n++;
	if (n == 0 || (ns[n] != '\0' && ns[n] != ' ' && ns[n] != ';'))
		return -EINVAL;
	snprintf(o->prefix, sizeof(o->prefix), "%.*s-", n, ns);
	return 0;
}

/* application/xml or text/xml, charset absent or utf-8 (quoted or not). */
static bool
content_type_ok(const char *ct)
{
	size_t n;
	const char *p, *cs;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	if (!((n == 15 && strncasecmp(ct, "application/xml", 15) == 0) ||
	    (n == 8 && strncasecmp(ct, "text/xml", 8) == 0)))
		return false;
	for (p = ct + n; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		cs = p + 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0)
			return false;
		cs += 5;
		if (*cs == '"')
			cs++;
		if (*cs != '\0' && *cs != ';' && *cs != ' ' && *cs != '\t')
			return false;
	}
	return true;
}

/* "1.<digits>" */
static bool
protocol_version_ok(const char *v)
{
	size_t i;

	if (v[0] != '1' || v[1] != '.' || v[2] == '\0')
		return false;
	for (i = 2; v[i] != '\0'; i++)
		if (!isdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* Header checks before parsing; returns 0 or -1 with the response set. */
int
cimop__check_headers(struct op *o)
{
	const char *v;

	v = cimop__hdr(o, "CIMOperation");
	if (v == NULL || strcasecmp(v, "MethodCall") != 0) {
		cimop__fail(o, 400, "unsupported-operation", false);
		return -1;
	}
	if (cimop__hdr(o, "CIMBatch") != NULL) {
		cimop__fail(o, 501, "multiple-requests-unsupported", false);
		return -1;
	}
	if (!content_type_ok(o->in->header ?
	    o->in->header(o->in->header_arg, "Content-Type") : NULL)) {
		cimop__fail(o, 400, NULL, false);
		return -1;
	}
	v = cimop__hdr(o, "CIMProtocolVersion");
	if (v != NULL && !protocol_version_ok(v)) {
		cimop__fail(o, 501, "unsupported-protocol-version", false);
		return -1;
	}
	return 0;
}

/* CIMObject against the body: namespace (intrinsic) or target path. */
static bool
cimobject_ok(const char *raw, const struct cim_request *r,
    struct cim_arena *arena)
{
	struct cim_path p;
	const char *d;

	if (raw == NULL || *raw == '\0')
		return false;
	d = cimxml_pct_decode(arena, raw);
	if (d == NULL)
		return false;
	if (r->intrinsic) {
		while (*d == '/')
			d++;
		return r->ns != NULL && strcasecmp(d, r->ns) == 0;
	}
	memset(&p, 0, sizeof(p));
	if (cimxml_parse_objhdr(d, arena, &p) != 0 || r->target == NULL)
		return false;
	return cim_path_equal(&p, r->target);
}

/* Consistency of the headers with the parsed body (header-mismatch). */
int
cimop__check_consistency(struct op *o, const struct cim_request *r,
    struct cim_arena *arena)
{
	const char *v = cimop__hdr(o, "CIMProtocolVersion");

	if ((v != NULL && (r->protocol_version == NULL ||
	    strcmp(v, r->protocol_version) != 0)) ||
	    (v = cimop__hdr(o, "CIMMethod")) == NULL || r->method == NULL ||
	    strcasecmp(v, r->method) != 0 ||
	    !cimobject_ok(cimop__hdr(o, "CIMObject"), r, arena)) {
		cimop__fail(o, 400, "header-mismatch", false);
		return -1;
	}
	return 0;
}
