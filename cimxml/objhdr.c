/* SPDX-License-Identifier: ISC */
/*
 * objhdr.c - the CIMObject HTTP header: a namespace, or a "local WBEM URI"
 * `ns:Class.Key="v",Num=5,Ref="ns:C.K=\"x\""` naming the target of an
 * extrinsic call (DSP0200 §6.3.2, SPEC.md §1.2).
 *
 * The value is already %-decoded by the caller.  String values are quoted
 * with `\\` and `\"` escapes; numbers and booleans are bare; a quoted value
 * that is itself a complete instance path is a reference.  Everything lands
 * in the arena; nothing here knows which classes exist.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

#define OBJHDR_MAX_NEST	16	/* escapes double per level: plenty */

struct hdr {
	const char *s;		/* cursor */
	struct cim_arena *a;
	unsigned depth;
};

static int parse_path(struct hdr *h, struct cim_path *out, bool nested);

static bool
is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static const char *
ident_end(const char *s)
{
	if (!is_ident_start((unsigned char)*s))
		return s;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	return s;
}

/* Bare numeric literal: integer (decimal/0x) or a finite real. */
static bool
is_number(const char *s)
{
	uint64_t mag;
	char *end;
	bool neg;

	if (cimxml__parse_mag(s, &neg, &mag) == 0)
		return true;
	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+' &&
	    *s != '.')
		return false;
	strtod(s, &end);
	return end != s && *end == '\0';
}

/* A quoted string at h->s: unescaped copy in the arena. */
static int
parse_quoted(struct hdr *h, char **out)
{
	const char *p = h->s + 1;
	size_t n = 0;
	char *v;

	if ((v = cim_arena_alloc(h->a, strlen(p) + 1)) == NULL)
		return -ENOMEM;
	for (; *p != '"'; p++) {
		if (*p == '\0')
			return -EINVAL;
		if (*p == '\\' && (p[1] == '\\' || p[1] == '"'))
			p++;
		v[n++] = *p;
	}
	v[n] = '\0';
	h->s = p + 1;
	*out = v;
	return 0;
}

/* A quoted value: a nested instance path if it parses as one. */
static int
quoted_value(struct hdr *h, struct cim_keybinding *k)
{
	struct cim_path *ref;
	struct hdr sub;
	char *v;
	int rc;

	if ((rc = parse_quoted(h, &v)) != 0)
		return rc;
	k->kind = CIM_KEY_STRING;
	k->value = v;
	if (h->depth >= OBJHDR_MAX_NEST || strchr(v, '=') == NULL)
		return 0;
	if ((ref = cim_arena_alloc(h->a, sizeof(*ref))) == NULL)
		return -ENOMEM;
	sub = (struct hdr){ v, h->a, h->depth + 1 };
	rc = parse_path(&sub, ref, true);
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && !ref->is_class && ref->nkeys > 0) {
		k->kind = CIM_KEY_REF;
		k->ref = ref;
		k->value = NULL;
	}
	return 0;
}

static int
parse_key(struct hdr *h, struct cim_keybinding *k)
{
	const char *e = ident_end(h->s);
	bool b;

	if (e == h->s || *e != '=')
		return -EINVAL;
	if ((k->name = cim_arena_strndup(h->a, h->s, (size_t)(e - h->s))) ==
	    NULL)
		return -ENOMEM;
	h->s = e + 1;
	if (*h->s == '"')
		return quoted_value(h, k);
	e = h->s + strcspn(h->s, ",");
	if ((k->value = cim_arena_strndup(h->a, h->s, (size_t)(e - h->s))) ==
	    NULL)
		return -ENOMEM;
	h->s = e;
	if (cim_parse_bool(k->value, &b) == 0)
		k->kind = CIM_KEY_BOOLEAN;
	else if (is_number(k->value))
		k->kind = CIM_KEY_NUMERIC;
	else
		return -EINVAL;
	return 0;
}

static int
parse_keys(struct hdr *h, struct cim_path *out)
{
	const char *p;
	size_t n = 1, i;
	int rc;

	/* Upper bound on the key count: commas (some may sit in strings). */
	for (p = h->s; *p != '\0'; p++)
		n += *p == ',';
	if ((out->keys = cim_arena_alloc(h->a, n * sizeof(*out->keys))) ==
	    NULL)
		return -ENOMEM;
	for (i = 0; ; i++) {
		if ((rc = parse_key(h, &out->keys[i])) != 0)
			return rc;
		if (*h->s != ',')
			break;
		h->s++;
	}
	out->nkeys = i + 1;
	return *h->s == '\0' ? 0 : -EINVAL;
}

/* [//host/]ns[:Class[.keys]]; nested paths may omit "ns:". */
static int
parse_path(struct hdr *h, struct cim_path *out, bool nested)
{
	const char *s = h->s, *colon, *e;

	memset(out, 0, sizeof(*out));
	if (s[0] == '/' && s[1] == '/') {
		e = strchr(s + 2, '/');
		if (e == NULL || e == s + 2)
			return -EINVAL;
		if ((out->host = cim_arena_strndup(h->a, s + 2,
		    (size_t)(e - s - 2))) == NULL)
			return -ENOMEM;
		s = e;
	}
	if (*s == '/')
		s++;
	colon = s + strcspn(s, ":.=\",");
	if (*colon == ':') {
		if (colon == s)
			return -EINVAL;
		if ((out->ns = cim_arena_strndup(h->a, s,
		    (size_t)(colon - s))) == NULL)
			return -ENOMEM;
		s = colon + 1;
	} else if (!nested) {
		/* Intrinsic form: the whole value is the namespace. */
		if (*s == '\0' || *colon != '\0')
			return -EINVAL;
		out->ns = cim_arena_strdup(h->a, s);
		return out->ns != NULL ? 0 : -ENOMEM;
	}
	e = ident_end(s);
	if (e == s || (*e != '.' && *e != '\0'))
		return -EINVAL;
	if ((out->classname = cim_arena_strndup(h->a, s, (size_t)(e - s))) ==
	    NULL)
		return -ENOMEM;
	if (*e == '\0') {
		out->is_class = true;
		h->s = e;
		return 0;
	}
	h->s = e + 1;
	return parse_keys(h, out);
}

int
cimxml_parse_objhdr(const char *s, struct cim_arena *arena,
    struct cim_path *out)
{
	struct hdr h = { s, arena, 0 };
	int rc;

	if (s == NULL || arena == NULL || out == NULL)
		return -EINVAL;
	rc = parse_path(&h, out, false);
	return rc == -ENOMEM ? -ENOMEM : rc != 0 ? -EINVAL : 0;
}
