/* SPDX-License-Identifier: ISC */
/*
 * export_answer.c - judges a listener's answer to ExportIndication
 * (DSP0200 section 7, DSP0201): success is CIM > MESSAGE > SIMPLEEXPRSP >
 * EXPMETHODRESPONSE NAME="ExportIndication" with no ERROR inside and the
 * request's MESSAGE ID, as pywbem's WBEMListener answers.  Anything else,
 * an ERROR (pywbem answers a full queue with CIM_ERR_FAILED) or text that
 * is not XML, is a failed delivery with the reason in words.  Parsed with
 * expat, no DTD, no entities beyond XML's own; the caller caps the size.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "daemon/export_int.h"

/* The element each depth must hold for a success answer. */
static const char *const ea_path[] = {
	"CIM", "MESSAGE", "SIMPLEEXPRSP", "EXPMETHODRESPONSE"
};
#define EA_PATH_LEN	(sizeof(ea_path) / sizeof(ea_path[0]))

struct ea_state {
	XML_Parser	 p;
	unsigned	 depth;
	bool		 found;		/* EXPMETHODRESPONSE seen */
	bool		 bad;		/* why is set */
	const char	*msg_id;
	char		*why;
	size_t		 whylen;
};

static const char *
ea_attr(const XML_Char **attrs, const char *name)
{
	for (size_t i = 0; attrs[i] != NULL; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

static void
ea_fail(struct ea_state *st, const char *fmt, const char *a, const char *b)
{
	if (st->bad)
		return;
	st->bad = true;
	snprintf(st->why, st->whylen, fmt, a, b);
	XML_StopParser(st->p, XML_FALSE);
}

static void XMLCALL
on_start(void *arg, const XML_Char *el, const XML_Char **attrs)
{
	struct ea_state *st = arg;
	const char *v, *d;
	unsigned depth = st->depth++;

	if (st->bad)
		return;
	if (depth < EA_PATH_LEN) {
		if (strcmp(el, ea_path[depth]) != 0) {
			ea_fail(st, "answer has <%s> where <%s> belongs", el,
			    ea_path[depth]);
			return;
		}
		if (depth == 1 && st->msg_id != NULL && st->msg_id[0] != '\0' &&
		    ((v = ea_attr(attrs, "ID")) == NULL ||
		    strcmp(v, st->msg_id) != 0))
			ea_fail(st, "answer has MESSAGE ID '%s', the request "
			    "'%s'", v != NULL ? v : "", st->msg_id);
		if (depth == EA_PATH_LEN - 1) {
			v = ea_attr(attrs, "NAME");
			if (v == NULL || strcasecmp(v, "ExportIndication") != 0)
				ea_fail(st, "answer is for method '%s'%s",
				    v != NULL ? v : "", ", not ExportIndication");
			st->found = true;
		}
		return;
	}
	if (depth == EA_PATH_LEN && strcmp(el, "ERROR") == 0) {
		v = ea_attr(attrs, "CODE");
		d = ea_attr(attrs, "DESCRIPTION");
		ea_fail(st, "listener answered ERROR %s: %s",
		    v != NULL ? v : "?", d != NULL ? d : "");
	}
}

static void XMLCALL
on_end(void *arg, const XML_Char *el)
{
	struct ea_state *st = arg;

	(void)el;
	st->depth--;
}

/* No DTDs: an answer has no business declaring entities. */
static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct ea_state *st = arg;

	(void)sysid;
	(void)pubid;
	(void)has_internal;
	ea_fail(st, "answer has a DOCTYPE (%s)%s", name, "");
}

int
export__answer_check(const char *body, size_t len, const char *msg_id,
    char *why, size_t whylen)
{
	struct ea_state st = { .msg_id = msg_id, .why = why,
	    .whylen = whylen };
	enum XML_Status rc;

	why[0] = '\0';
	if (len == 0) {
		snprintf(why, whylen, "empty answer");
		return -EPROTO;
	}
	if (len > INT32_MAX || (st.p = XML_ParserCreate("UTF-8")) == NULL) {
		snprintf(why, whylen, "answer cannot be parsed");
		return -EPROTO;
	}
	XML_SetUserData(st.p, &st);
	XML_SetElementHandler(st.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(st.p, on_doctype);
	rc = XML_Parse(st.p, body, (int)len, XML_TRUE);
	if (rc == XML_STATUS_ERROR && !st.bad) {
		snprintf(why, whylen, "answer is not XML: line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(st.p),
		    XML_ErrorString(XML_GetErrorCode(st.p)));
		st.bad = true;
	}
	XML_ParserFree(st.p);
	if (st.bad)
		return -EPROTO;
	if (!st.found) {
		snprintf(why, whylen, "answer lacks EXPMETHODRESPONSE");
		return -EPROTO;
	}
	return 0;
}

void
export__request_id(const char *body, size_t len, char *id, size_t idlen)
{
	static const char tag[] = "<MESSAGE ID=\"";
	const char *p, *q, *end = body + len;

	id[0] = '\0';
	p = memmem(body, len, tag, sizeof(tag) - 1);
	if (p == NULL)
		return;
	p += sizeof(tag) - 1;
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL || (size_t)(q - p) >= idlen)
		return;
	memcpy(id, p, (size_t)(q - p));
	id[q - p] = '\0';
}
