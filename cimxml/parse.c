/* SPDX-License-Identifier: ISC */
/*
 * parse.c - one CIM-XML request body through expat into a small element
 * tree in the arena, under hard limits.
 *
 * This file owns the hostile-input defences of CONTRACT.md §1: UTF-8 only
 * (checked before expat sees a byte, so bad UTF-8 is told apart from bad
 * syntax), no DOCTYPE or entity declarations (the parser stops at the
 * first one, so nothing is ever expanded or fetched), and limits on depth,
 * element count and text/attribute size.  It does not interpret the tree:
 * request.c checks it against the DTD and builds struct cim_request.
 */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

#define DEF_DEPTH	64
#define DEF_ELEMENTS	100000
#define DEF_TEXT	65536
#define MAX_DEPTH	1024	/* request.c recurses: keep the C stack safe */

static const struct { const char *name; enum xel el; } xel_table[] = {
	/* Sorted by strcmp for bsearch. */
	{ "CIM", XEL_CIM },
	{ "CLASS", XEL_CLASS },
	{ "CLASSNAME", XEL_CLASSNAME },
	{ "CLASSPATH", XEL_CLASSPATH },
	{ "CORRELATOR", XEL_CORRELATOR },
	{ "HOST", XEL_HOST },
	{ "IMETHODCALL", XEL_IMETHODCALL },
	{ "INSTANCE", XEL_INSTANCE },
	{ "INSTANCENAME", XEL_INSTANCENAME },
	{ "INSTANCEPATH", XEL_INSTANCEPATH },
	{ "IPARAMVALUE", XEL_IPARAMVALUE },
	{ "KEYBINDING", XEL_KEYBINDING },
	{ "KEYVALUE", XEL_KEYVALUE },
	{ "LOCALCLASSPATH", XEL_LOCALCLASSPATH },
	{ "LOCALINSTANCEPATH", XEL_LOCALINSTANCEPATH },
	{ "LOCALNAMESPACEPATH", XEL_LOCALNAMESPACEPATH },
	{ "MESSAGE", XEL_MESSAGE },
	{ "METHODCALL", XEL_METHODCALL },
	{ "MULTIREQ", XEL_MULTIREQ },
	{ "NAMESPACE", XEL_NAMESPACE },
	{ "NAMESPACEPATH", XEL_NAMESPACEPATH },
	{ "OBJECTPATH", XEL_OBJECTPATH },
	{ "PARAMVALUE", XEL_PARAMVALUE },
	{ "PROPERTY", XEL_PROPERTY },
	{ "PROPERTY.ARRAY", XEL_PROPERTY_ARRAY },
	{ "PROPERTY.REFERENCE", XEL_PROPERTY_REFERENCE },
	{ "QUALIFIER", XEL_QUALIFIER },
	{ "QUALIFIER.DECLARATION", XEL_QUALIFIER_DECLARATION },
	{ "SIMPLEREQ", XEL_SIMPLEREQ },
	{ "VALUE", XEL_VALUE },
	{ "VALUE.ARRAY", XEL_VALUE_ARRAY },
	{ "VALUE.NAMEDINSTANCE", XEL_VALUE_NAMEDINSTANCE },
	{ "VALUE.NULL", XEL_VALUE_NULL },
	{ "VALUE.REFARRAY", XEL_VALUE_REFARRAY },
	{ "VALUE.REFERENCE", XEL_VALUE_REFERENCE },
};

struct pstate {
	XML_Parser xp;
	struct cim_arena *a;
	struct cimxml_limits lim;
	struct cimxml_err *err;
	int rc;
	struct xnode *root, *cur;
	unsigned depth;
	size_t nelem;
	unsigned skip;		/* depth inside a skipped subtree, 0 = none */
	char *tbuf;		/* text of the current #PCDATA element */
	size_t tlen, tcap;
};

int
cimxml__err(struct cimxml_err *err, int rc, int http_status,
    const char *token, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	err->http_status = http_status;
	err->token = token;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static int
xel_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* Element id and its static name, or XEL_UNKNOWN with *tname NULL. */
static enum xel
xel_lookup(const char *name, const char **tname)
{
	const __typeof__(xel_table[0]) *hit;

	hit = bsearch(name, xel_table, sizeof(xel_table) / sizeof(xel_table[0]),
	    sizeof(xel_table[0]), xel_cmp);
	*tname = hit != NULL ? hit->name : NULL;
	return hit != NULL ? hit->el : XEL_UNKNOWN;
}

static bool
xel_is_text(enum xel el)
{
	return el == XEL_VALUE || el == XEL_KEYVALUE || el == XEL_HOST;
}

/*
 * Subtrees we accept but never look into (those operations answer 7).
 * INSTANCE is read (CreateInstance, ModifyInstance), its qualifiers not.
 */
static bool
xel_is_skipped(enum xel el)
{
	return el == XEL_CLASS || el == XEL_QUALIFIER ||
	    el == XEL_QUALIFIER_DECLARATION || el == XEL_CORRELATOR;
}

/* Record the first error and stop expat; later callbacks are no-ops. */
static void
pfail(struct pstate *ps, int rc, const char *token, const char *fmt,
    const char *arg)
{
	if (ps->rc != 0)
		return;
	ps->rc = cimxml__err(ps->err, rc, rc == -ENOMEM ? 413 : 400, token,
	    (unsigned)XML_GetCurrentLineNumber(ps->xp),
	    (unsigned)XML_GetCurrentColumnNumber(ps->xp) + 1, fmt, arg);
	XML_StopParser(ps->xp, XML_FALSE);
}

static void
pfail_nomem(struct pstate *ps)
{
	pfail(ps, -ENOMEM, NULL, "%s", "request arena exhausted");
}

static const char **
copy_attrs(struct pstate *ps, const XML_Char **atts)
{
	const char **out;
	size_t n, i;

	for (n = 0; atts[n] != NULL; n++)
		if (n % 2 == 1 && strlen(atts[n]) > ps->lim.max_text) {
			pfail(ps, -E2BIG, "request-not-valid",
			    "attribute %s too long", atts[n - 1]);
			return NULL;
		}
	if ((out = cim_arena_alloc(ps->a, (n + 1) * sizeof(*out))) == NULL)
		goto out_nomem;
	for (i = 0; i < n; i++)
		if ((out[i] = cim_arena_strdup(ps->a, atts[i])) == NULL)
			goto out_nomem;
	return out;
out_nomem:
	pfail_nomem(ps);
	return NULL;
}

static struct xnode *
node_new(struct pstate *ps, const XML_Char *name, const XML_Char **atts)
{
	struct xnode *n;

	if ((n = cim_arena_alloc(ps->a, sizeof(*n))) == NULL) {
		pfail_nomem(ps);
		return NULL;
	}
	n->el = xel_lookup(name, &n->name);
	if (n->name == NULL)	/* only for messages: cut it short */
		n->name = cim_arena_strndup(ps->a, name, strnlen(name, 64));
	n->line = (unsigned)XML_GetCurrentLineNumber(ps->xp);
	n->col = (unsigned)XML_GetCurrentColumnNumber(ps->xp) + 1;
	if (n->name == NULL) {
		pfail_nomem(ps);
		return NULL;
	}
	if ((n->attrs = copy_attrs(ps, atts)) == NULL)
		return NULL;
	return n;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct pstate *ps = ud;
	struct xnode *n;
	size_t i;

	if (ps->rc != 0)
		return;
	if (++ps->depth > ps->lim.max_depth) {
		pfail(ps, -E2BIG, "request-not-valid", "%s",
		    "elements nested too deeply");
		return;
	}
	if (++ps->nelem > ps->lim.max_elements) {
		pfail(ps, -E2BIG, "request-not-valid", "%s",
		    "too many elements");
		return;
	}
	if (ps->skip > 0) {
		for (i = 1; atts[i - 1] != NULL; i += 2)
			if (strlen(atts[i]) > ps->lim.max_text)
				pfail(ps, -E2BIG, "request-not-valid",
				    "attribute %s too long", atts[i - 1]);
		ps->skip++;
		return;
	}
	if (ps->cur != NULL && xel_is_text(ps->cur->el)) {
		pfail(ps, -EINVAL, "request-not-valid",
		    "element %s not allowed in text", name);
		return;
	}
	if ((n = node_new(ps, name, atts)) == NULL)
		return;
	n->parent = ps->cur;
	if (ps->cur == NULL)
		ps->root = n;
	else if (ps->cur->last == NULL)
		ps->cur->child = ps->cur->last = n;
	else
		ps->cur->last = ps->cur->last->next = n;
	ps->cur = n;
	ps->tlen = 0;
	if (xel_is_skipped(n->el))
		ps->skip = 1;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct pstate *ps = ud;
	struct xnode *n = ps->cur;

	(void)name;
	if (ps->rc != 0)
		return;
	ps->depth--;
	if (ps->skip > 1) {
		ps->skip--;
		return;
	}
	ps->skip = 0;
	if (xel_is_text(n->el) && (n->text = cim_arena_strndup(ps->a,
	    ps->tbuf != NULL ? ps->tbuf : "", ps->tlen)) == NULL) {
		pfail_nomem(ps);
		return;
	}
	ps->tlen = 0;
	ps->cur = n->parent;
}

static bool
is_blank(const char *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return false;
	return true;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct pstate *ps = ud;
	size_t cap;
	char *nb;

	if (ps->rc != 0 || ps->skip > 0 || ps->cur == NULL)
		return;
	if (!xel_is_text(ps->cur->el)) {
		if (!is_blank(s, len))
			pfail(ps, -EINVAL, "request-not-valid",
			    "text not allowed in %s", ps->cur->name);
		return;
	}
	if ((size_t)len > ps->lim.max_text - ps->tlen) {
		pfail(ps, -E2BIG, "request-not-valid", "text of %s too long",
		    ps->cur->name);
		return;
	}
	if (ps->tlen + (size_t)len > ps->tcap) {
		cap = ps->tcap != 0 ? ps->tcap : 256;
		while (cap < ps->tlen + (size_t)len)
			cap *= 2;
		if ((nb = realloc(ps->tbuf, cap)) == NULL) {
			pfail_nomem(ps);
			return;
		}
		ps->tbuf = nb;
		ps->tcap = cap;
	}
	memcpy(ps->tbuf + ps->tlen, s, (size_t)len);
	ps->tlen += (size_t)len;
}

static void XMLCALL
on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding,
    int standalone)
{
	struct pstate *ps = ud;

	(void)version;
	(void)standalone;
	if (encoding != NULL && strcasecmp(encoding, "UTF-8") != 0)
		pfail(ps, -EINVAL, "request-not-valid",
		    "encoding %.40s not supported (UTF-8 only)", encoding);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	pfail(ud, -EINVAL, "request-not-valid", "%s", "DOCTYPE not allowed");
}

static void XMLCALL
on_entitydecl(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	pfail(ud, -EINVAL, "request-not-valid", "ENTITY %.40s not allowed",
	    name);
}

/* Line and column (1-based, in bytes) of offset `off`. */
static void
line_col(const char *body, size_t off, unsigned *line, unsigned *col)
{
	size_t i, bol = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (body[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned)(off - bol) + 1;
}

/* UTF-8 before expat: invalid UTF-8 is request-not-valid, not a syntax
 * error (SPEC.md §1.4), and expat cannot tell the two apart. */
static int
check_utf8(const char *body, size_t len, struct cimxml_err *err)
{
	const unsigned char *s = (const unsigned char *)body;
	unsigned line, col;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = cimxml__utf8_len(s + i, len - i)) == 0) {
			line_col(body, i, &line, &col);
			return cimxml__err(err, -EINVAL, 400,
			    "request-not-valid", line, col,
			    "invalid UTF-8 at byte %zu", i);
		}
		i += n;
	}
	return 0;
}

static void
limits_apply(struct cimxml_limits *l, const struct cimxml_limits *in)
{
	if (in != NULL)
		*l = *in;
	else
		memset(l, 0, sizeof(*l));
	if (l->max_depth == 0)
		l->max_depth = DEF_DEPTH;
	if (l->max_depth > MAX_DEPTH)
		l->max_depth = MAX_DEPTH;
	if (l->max_elements == 0)
		l->max_elements = DEF_ELEMENTS;
	if (l->max_text == 0)
		l->max_text = DEF_TEXT;
}

/*
 * One expat parser per thread is kept between requests: creating one costs
 * a getrandom() for the hash salt plus its tables, which dominated a small
 * GetInstance.  The salt is drawn once per thread instead (still unknown
 * to clients, so attribute-name hash flooding stays impractical).
 */
static __thread XML_Parser parser_cache;
static __thread unsigned long parser_salt;

static unsigned long
salt_get(void)
{
	unsigned long s = 0;

	if (parser_salt != 0)
		return parser_salt;
	if (getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s) || s == 0)
		s = (unsigned long)time(NULL) ^ (unsigned long)(uintptr_t)&s;
	parser_salt = s != 0 ? s : 1;
	return parser_salt;
}

/* Returns a parser owned by the caller (parser_put) or NULL. */
static XML_Parser
parser_get(struct pstate *ps)
{
	XML_Parser xp = parser_cache;

	/* "UTF-8" overrides the declaration; on_xmldecl refuses others. */
	if (xp != NULL) {
		parser_cache = NULL;	/* reentrancy: never shared */
		if (XML_ParserReset(xp, "UTF-8") != XML_TRUE) {
			XML_ParserFree(xp);
			xp = NULL;
		}
	}
	if (xp == NULL && (xp = XML_ParserCreate("UTF-8")) == NULL)
		return NULL;
	XML_SetHashSalt(xp, salt_get());
	XML_SetUserData(xp, ps);
	XML_SetElementHandler(xp, on_start, on_end);
	XML_SetCharacterDataHandler(xp, on_text);
	XML_SetXmlDeclHandler(xp, on_xmldecl);
	XML_SetStartDoctypeDeclHandler(xp, on_doctype);
	XML_SetEntityDeclHandler(xp, on_entitydecl);
#ifdef XML_DTD
	XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
	/* Belt and braces: DOCTYPE is refused before any expansion. */
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(xp, 2.0f);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(xp, 1024);
#endif
#endif
	return xp;
}

static void
parser_put(XML_Parser xp)
{
	if (parser_cache == NULL)
		parser_cache = xp;
	else
		XML_ParserFree(xp);
}

void
cimxml_parser_cache_free(void)
{
	if (parser_cache != NULL)
		XML_ParserFree(parser_cache);
	parser_cache = NULL;
}

/* Map an expat failure that no handler of ours caused. */
static int
expat_error(struct pstate *ps)
{
	enum XML_Error code = XML_GetErrorCode(ps->xp);
	unsigned line = (unsigned)XML_GetCurrentLineNumber(ps->xp);
	unsigned col = (unsigned)XML_GetCurrentColumnNumber(ps->xp) + 1;

	switch (code) {
	case XML_ERROR_UNKNOWN_ENCODING:
	case XML_ERROR_INCORRECT_ENCODING:
	case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
	case XML_ERROR_NOT_STANDALONE:
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
	case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
#endif
		return cimxml__err(ps->err, -EINVAL, 400, "request-not-valid",
		    line, col, "%s", XML_ErrorString(code));
	case XML_ERROR_NO_MEMORY:
		return cimxml__err(ps->err, -ENOMEM, 413, NULL, line, col,
		    "%s", XML_ErrorString(code));
	default:
		return cimxml__err(ps->err, -EBADMSG, 400,
		    "request-not-well-formed", line, col, "%s",
		    XML_ErrorString(code));
	}
}

int
cimxml_parse_request(const char *body, size_t len,
    const struct cimxml_limits *lim, struct cim_arena *arena,
    struct cim_request *out, struct cimxml_err *err)
{
	struct pstate ps;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (body == NULL || len == 0)
		return cimxml__err(err, -EBADMSG, 400,
		    "request-not-well-formed", 1, 1, "%s", "empty body");
	if (len > INT32_MAX)
		return cimxml__err(err, -E2BIG, 400, "request-not-valid", 1, 1,
		    "%s", "body too large");
	if ((rc = check_utf8(body, len, err)) != 0)
		return rc;
	memset(&ps, 0, sizeof(ps));
	limits_apply(&ps.lim, lim);
	ps.a = arena;
	ps.err = err;
	if ((ps.xp = parser_get(&ps)) == NULL)
		return cimxml__err(err, -ENOMEM, 413, NULL, 1, 1, "%s",
		    "out of memory");
	if (XML_Parse(ps.xp, body, (int)len, XML_TRUE) == XML_STATUS_ERROR)
		rc = ps.rc != 0 ? ps.rc : expat_error(&ps);
	else
		rc = ps.rc;
	parser_put(ps.xp);
	free(ps.tbuf);
	if (rc != 0)
		return rc;
	rc = cimxml__build_request(ps.root, arena, out, err);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
