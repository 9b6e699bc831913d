/* SPDX-License-Identifier: ISC */
/*
 * write.c - the response side: growable buffer, XML escaping, the message
 * envelope, ERROR and object paths in every wire form.
 *
 * Output must satisfy the strictest client we serve (sblim-wbemcli's
 * hand-written parser, CLIENTS.md §4 items 0-5): plain XML declaration,
 * end tags instead of self-closed elements where it matters, only the
 * attributes it knows.  Writers never fail: an allocation failure marks the
 * buffer `oom` and the caller checks once.  Never includes expat.h.
 *
 * Escaping choice: & < > " ' become entities; TAB, LF and CR become numeric
 * references (so attribute-value normalisation and CR/LF folding cannot
 * alter them); every other C0 control character is dropped, because XML 1.0
 * forbids it even as a reference and a single one would make the whole
 * response unparsable for pywbem.  Invalid UTF-8 (and U+FFFE/U+FFFF) is
 * replaced by U+FFFD for the same reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

void
cim_buf_init(struct cim_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
cim_buf_release(struct cim_buf *b)
{
	free(b->data);
	cim_buf_init(b);
}

/* Returns the NUL-terminated text, owned by the caller (free()). */
char *
cim_buf_steal(struct cim_buf *b, size_t *len)
{
	char *d;

	if (b->oom) {
		cim_buf_release(b);
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (b->data == NULL) {
		/* Empty but valid: callers free() what they get. */
		if ((d = calloc(1, 1)) == NULL) {
			b->oom = true;
			return NULL;
		}
	} else {
		d = b->data;
	}
	if (len != NULL)
		*len = b->len;
	cim_buf_init(b);
	return d;
}

/* Room for n more bytes plus a NUL; false (and oom set) otherwise. */
static bool
buf_reserve(struct cim_buf *b, size_t n)
{
	size_t cap;
	char *d;

	if (b->oom)
		return false;
	if (b->max != 0 && (n > b->max || b->len > b->max - n)) {
		b->oom = b->over = true;
		return false;
	}
	if (b->cap - b->len > n)
		return true;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	cap = b->cap != 0 ? b->cap : 1024;
	while (cap - b->len <= n)
		cap *= 2;
	if ((d = realloc(b->data, cap)) == NULL) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void
cim_buf_put(struct cim_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
cim_buf_puts(struct cim_buf *b, const char *s)
{
	cim_buf_put(b, s, strlen(s));
}

static void
buf_vprintf(struct cim_buf *b, const char *fmt, va_list ap)
{
	size_t max = b->max;
	va_list ap2;
	bool ok;
	int n;

	b->max = 0;	/* room to format into, not yet a write: no cap */
	ok = buf_reserve(b, 128);
	b->max = max;
	if (!ok)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (max != 0 && (size_t)n > max - b->len)) {
		if (n >= 0)
			b->oom = b->over = true;
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!buf_reserve(b, (size_t)n))
			return;
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
cim_buf_printf(struct cim_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

size_t
cimxml__utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* 0: copy as is; 1: special (entity, control or non-ASCII). */
static const unsigned char esc_class[256] = {
	[0 ... 31] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1,
	['\''] = 1, [128 ... 255] = 1,
};

/* One special byte (or UTF-8 sequence) at s; returns bytes consumed. */
static size_t
escape_one(struct cim_buf *b, const unsigned char *s, size_t avail)
{
	size_t n;

	switch (*s) {
	case '&': cim_buf_put(b, "&amp;", 5); return 1;
	case '<': cim_buf_put(b, "&lt;", 4); return 1;
	case '>': cim_buf_put(b, "&gt;", 4); return 1;
	case '"': cim_buf_put(b, "&quot;", 6); return 1;
	case '\'': cim_buf_put(b, "&apos;", 6); return 1;
	case '\t': cim_buf_put(b, "&#9;", 4); return 1;
	case '\n': cim_buf_put(b, "&#10;", 5); return 1;
	case '\r': cim_buf_put(b, "&#13;", 5); return 1;
	default:
		break;
	}
	if (*s < 0x80)
		return 1;		/* other controls: dropped */
	if ((n = cimxml__utf8_len(s, avail)) == 0) {
		cim_buf_put(b, "\xef\xbf\xbd", 3);
		return 1;
	}
	cim_buf_put(b, (const char *)s, n);
	return n;
}

/* Escape exactly n bytes of s (which may continue past n). */
static void
buf_escape_n(struct cim_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, run;

	for (i = 0; i < len; ) {
		for (run = i; run < len && esc_class[s[run]] == 0; run++)
			;
		if (run > i)
			cim_buf_put(b, (const char *)s + i, run - i);
		if (run == len)
			break;
		i = run + escape_one(b, s + run, len - run);
	}
}

void
cim_buf_escape(struct cim_buf *b, const char *str)
{
	if (str != NULL)
		buf_escape_n(b, str, strlen(str));
}

/* ------------------------------------------------------------- envelope */

void
cimxml_begin_response(struct cim_buf *b, const char *msg_id, bool intrinsic,
    const char *method)
{
	cim_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"");
	cim_buf_escape(b, msg_id);
	cim_buf_puts(b, "\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>");
	cim_buf_puts(b, intrinsic ? "<IMETHODRESPONSE NAME=\"" :
	    "<METHODRESPONSE NAME=\"");
	cim_buf_escape(b, method);
	cim_buf_puts(b, "\">");
}

void
cimxml_end_response(struct cim_buf *b, bool intrinsic)
{
	cim_buf_puts(b, intrinsic ? "</IMETHODRESPONSE>" :
	    "</METHODRESPONSE>");
	cim_buf_puts(b, "</SIMPLERSP></MESSAGE></CIM>\n");
}

void
cimxml_write_verror(struct cim_buf *b, enum cim_status code, const char *fmt,
    va_list ap)
{
	char small[512], *text = small, *big = NULL;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		small[0] = '\0';
	} else if ((size_t)n >= sizeof(small)) {
		/* Long message: format again into the heap; on failure the
		 * truncated copy in `small` is better than nothing. */
		if ((big = malloc((size_t)n + 1)) != NULL) {
			vsnprintf(big, (size_t)n + 1, fmt, again);
			text = big;
		}
	}
	cim_buf_printf(b, "<ERROR CODE=\"%d\" DESCRIPTION=\"%s", (int)code,
	    cim_status_name(code));
	if (text[0] != '\0') {
		cim_buf_put(b, ": ", 2);
		cim_buf_escape(b, text);
	}
	cim_buf_puts(b, "\"/>");
	free(big);
	va_end(again);
}

void
cimxml_write_error(struct cim_buf *b, enum cim_status code, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	cimxml_write_verror(b, code, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- paths */

/*
 * One NAMESPACE per '/'-separated segment, empty segments included, so a
 * namespace written back reads back byte for byte.
 */
void
cimxml_write_localnamespace(struct cim_buf *b, const char *ns)
{
	const char *p = ns != NULL ? ns : "";
	size_t n;

	cim_buf_puts(b, "<LOCALNAMESPACEPATH>");
	for (;;) {
		n = strcspn(p, "/");
		cim_buf_puts(b, "<NAMESPACE NAME=\"");
		buf_escape_n(b, p, n);
		cim_buf_puts(b, "\"/>");
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	cim_buf_puts(b, "</LOCALNAMESPACEPATH>");
}

static void write_instancename(struct cim_buf *b, const struct cim_path *p,
    const char *host, const char *ns);

/* The content of a VALUE.REFERENCE for a nested path. */
static void
write_ref(struct cim_buf *b, const struct cim_path *r, const char *host,
    const char *ns)
{
	const char *rns = r->ns != NULL ? r->ns : ns;

	cim_buf_puts(b, "<VALUE.REFERENCE>");
	if (r->host != NULL)
		cimxml_write_path(b, r, CIM_PF_INSTANCEPATH, r->host, rns);
	else if (rns != NULL)
		cimxml_write_path(b, r, CIM_PF_LOCALINSTANCEPATH, host, rns);
	else
		cimxml_write_path(b, r, CIM_PF_INSTANCENAME, host, rns);
	cim_buf_puts(b, "</VALUE.REFERENCE>");
}

static void
write_keyvalue(struct cim_buf *b, const struct cim_keybinding *k,
    const char *host, const char *ns)
{
	switch (k->kind) {
	case CIM_KEY_REF:
		if (k->ref != NULL) {
			write_ref(b, k->ref, host, ns);
			return;
		}
		/* A NULL reference has no wire form: an empty string. */
		/* FALLTHROUGH */
	case CIM_KEY_STRING:
		cim_buf_puts(b, "<KEYVALUE VALUETYPE=\"string\" "
		    "TYPE=\"string\">");
		break;
	case CIM_KEY_NUMERIC:
		cim_buf_puts(b, "<KEYVALUE VALUETYPE=\"numeric\">");
		break;
	case CIM_KEY_BOOLEAN:
		cim_buf_puts(b, "<KEYVALUE VALUETYPE=\"boolean\" "
		    "TYPE=\"boolean\">");
		break;
	}
	cim_buf_escape(b, k->value);
	cim_buf_puts(b, "</KEYVALUE>");
}

static void
write_instancename(struct cim_buf *b, const struct cim_path *p,
    const char *host, const char *ns)
{
	size_t i;

	cim_buf_puts(b, "<INSTANCENAME CLASSNAME=\"");
	cim_buf_escape(b, p->classname);
	cim_buf_puts(b, "\">");
	for (i = 0; i < p->nkeys; i++) {
		const struct cim_keybinding *k = &p->keys[i];

		if (k->name == NULL) {
			write_keyvalue(b, k, host, ns);
			continue;
		}
		cim_buf_puts(b, "<KEYBINDING NAME=\"");
		cim_buf_escape(b, k->name);
		cim_buf_puts(b, "\">");
		write_keyvalue(b, k, host, ns);
		cim_buf_puts(b, "</KEYBINDING>");
	}
	cim_buf_puts(b, "</INSTANCENAME>");
}

/* INSTANCENAME or CLASSNAME, the innermost part of every form. */
static void
write_name(struct cim_buf *b, const struct cim_path *p, const char *host,
    const char *ns)
{
	if (p->is_class) {
		cim_buf_puts(b, "<CLASSNAME NAME=\"");
		cim_buf_escape(b, p->classname);
		cim_buf_puts(b, "\"/>");
	} else {
		write_instancename(b, p, host, ns);
	}
}

/*
 * Without a namespace a local form cannot be written (NAMESPACE+ in the
 * DTD), so the path degrades to its bare name; without a host INSTANCEPATH
 * uses "localhost".
 */
void
cimxml_write_path(struct cim_buf *b, const struct cim_path *p,
    enum cim_pathform form, const char *host, const char *ns)
{
	const char *pns = p->ns != NULL ? p->ns : ns;
	const char *phost = p->host != NULL ? p->host : host;
	const char *tag;

	if (form == CIM_PF_INSTANCENAME || pns == NULL || *pns == '\0') {
		write_name(b, p, phost, pns);
		return;
	}
	if (form == CIM_PF_LOCALINSTANCEPATH) {
		tag = p->is_class ? "LOCALCLASSPATH" : "LOCALINSTANCEPATH";
		cim_buf_printf(b, "<%s>", tag);
		cimxml_write_localnamespace(b, pns);
		write_name(b, p, phost, pns);
		cim_buf_printf(b, "</%s>", tag);
		return;
	}
	if (form == CIM_PF_OBJECTPATH)
		cim_buf_puts(b, "<OBJECTPATH>");
	tag = p->is_class ? "CLASSPATH" : "INSTANCEPATH";
	cim_buf_printf(b, "<%s><NAMESPACEPATH><HOST>", tag);
	cim_buf_escape(b, phost != NULL ? phost : "localhost");
	cim_buf_puts(b, "</HOST>");
	cimxml_write_localnamespace(b, pns);
	cim_buf_puts(b, "</NAMESPACEPATH>");
	write_name(b, p, phost, pns);
	cim_buf_printf(b, "</%s>", tag);
	if (form == CIM_PF_OBJECTPATH)
		cim_buf_puts(b, "</OBJECTPATH>");
}

/* Exported for write_obj.c: a VALUE.REFERENCE for a property value. */
void
cimxml__write_ref(struct cim_buf *b, const struct cim_path *r)
{
	write_ref(b, r, NULL, NULL);
}
