/* SPDX-License-Identifier: ISC */
/*
 * path.c - object paths: comparison, key lookup, the CIMObject header form
 * ("root/tpd:Class.Key=\"v\",...") and %-decoding; request parameter lookup.
 *
 * Works on the plain structs of cimxml.h; knows nothing of XML or of which
 * classes exist.  Matching follows SPEC.md §1.7 and CLIENTS.md §4 item 12.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

const struct cim_keybinding *
cim_path_key(const struct cim_path *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL)
		return NULL;
	for (i = 0; i < p->nkeys; i++)
		if (p->keys[i].name != NULL &&
		    strcasecmp(p->keys[i].name, name) == 0)
			return &p->keys[i];
	return NULL;
}

const struct cim_param *
cim_request_param(const struct cim_request *r, const char *name)
{
	size_t i;

	if (r == NULL || name == NULL)
		return NULL;
	for (i = 0; i < r->nparams; i++)
		if (r->params[i].name != NULL &&
		    strcasecmp(r->params[i].name, name) == 0)
			return &r->params[i];
	return NULL;
}

static bool
name_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

/* Does key name end in "CreationClassName"?  Those hold class names. */
static bool
is_ccn(const char *name)
{
	static const char sfx[] = "CreationClassName";
	size_t n;

	if (name == NULL)
		return false;
	n = strlen(name);
	return n >= sizeof(sfx) - 1 &&
	    strcasecmp(name + n - (sizeof(sfx) - 1), sfx) == 0;
}

/* Blank-trimmed text equality, case-insensitive or not. */
static bool
trimmed_eq(const char *a, const char *b, bool icase)
{
	size_t la, lb;

	a = cimxml__trim(a, &la);
	b = cimxml__trim(b, &lb);
	if (la != lb)
		return false;
	return icase ? strncasecmp(a, b, la) == 0 : memcmp(a, b, la) == 0;
}

/*
 * Numeric comparison when both sides are integer literals ("0x10" == "16"),
 * else trimmed text (reals, odd spellings).
 */
static bool
numeric_eq(const char *a, const char *b)
{
	uint64_t ma, mb;
	bool na, nb;

	if (cimxml__parse_mag(a, &na, &ma) == 0 &&
	    cimxml__parse_mag(b, &nb, &mb) == 0)
		return ma == mb && (na == nb || ma == 0);
	return trimmed_eq(a, b, false);
}

static bool
key_value_eq(const struct cim_keybinding *a, const struct cim_keybinding *b)
{
	const char *va = a->value != NULL ? a->value : "";
	const char *vb = b->value != NULL ? b->value : "";

	if (a->kind == CIM_KEY_REF || b->kind == CIM_KEY_REF) {
		if (a->kind != b->kind || a->ref == NULL || b->ref == NULL)
			return a->kind == b->kind && a->ref == b->ref;
		return cim_path_equal(a->ref, b->ref);
	}
	/* wbemcli guesses VALUETYPE from the text: kinds may disagree. */
	if (a->kind == CIM_KEY_NUMERIC || b->kind == CIM_KEY_NUMERIC)
		return numeric_eq(va, vb);
	if (a->kind == CIM_KEY_BOOLEAN || b->kind == CIM_KEY_BOOLEAN)
		return trimmed_eq(va, vb, true);
	if (is_ccn(a->name))
		return strcasecmp(va, vb) == 0;
	return strcmp(va, vb) == 0;
}

/* Is every key of `a` present in `b` with an equal value? */
static bool
keys_covered(const struct cim_path *a, const struct cim_path *b)
{
	size_t i, j;

	for (i = 0; i < a->nkeys; i++) {
		for (j = 0; j < b->nkeys; j++)
			if (name_eq(a->keys[i].name, b->keys[j].name) &&
			    key_value_eq(&a->keys[i], &b->keys[j]))
				break;
		if (j == b->nkeys)
			return false;
	}
	return true;
}

bool
cim_path_equal(const struct cim_path *a, const struct cim_path *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->is_class != b->is_class || a->nkeys != b->nkeys)
		return false;
	if (a->classname == NULL || b->classname == NULL ||
	    strcasecmp(a->classname, b->classname) != 0)
		return false;
	if (a->ns != NULL && b->ns != NULL && strcasecmp(a->ns, b->ns) != 0)
		return false;
	/* Both directions: duplicate key names must not fake a match. */
	return keys_covered(a, b) && keys_covered(b, a);
}

/* ------------------------------------------------------------ %-decoding */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Returns a decoded copy owned by the arena, or NULL (bad escape, %00). */
char *
cimxml_pct_decode(struct cim_arena *arena, const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out;
	int hi, lo;

	if ((out = cim_arena_alloc(arena, n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
		    (lo = hexval((unsigned char)s[i + 2])) < 0 ||
		    (hi == 0 && lo == 0))
			return NULL;
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	return out;
}
