/* SPDX-License-Identifier: ISC */
/*
 * like.c - LIKE patterns, compiled once and matched without backtracking.
 * WQL (as WMI, SFCB and OpenPegasus read it): % any run of characters, _
 * any one, [abc] [a-z] [^abc] a set; no escape character ([%] is a
 * literal %).  DMTF:CQL (DSP0202's regular-expression subset): . any one
 * character, X* zero or more of X, [..] [^..] a set, \X the character X.
 * The whole string must match; characters are bytes; case matters.  A
 * pattern is a row of elements, each optionally starred, and matching is
 * a set-of-states walk (one pass over the string per element at most), so
 * no pattern can make it slow.
 */
#include <errno.h>
#include <string.h>

#include "query/query_int.h"

/* The set text between [ and ]: [^...] negates, a-z is a range. */
static int
set_parse(struct query_parse *ps, const char *p, size_t *used,
    struct query_like_elem *e, int line, int col)
{
	const char *start = p, *end;

	p++;
	if (*p == '^') {
		e->negate = true;
		p++;
	}
	/* A ] right after [ or [^ is a member, as in POSIX brackets. */
	end = *p == ']' ? strchr(p + 1, ']') : strchr(p, ']');
	if (end == NULL) {
		query__error(ps, -EINVAL, line, col,
		    "LIKE pattern: unterminated [ set");
		return -EINVAL;
	}
	e->kind = QL_SET;
	e->set = p;
	e->setlen = (size_t)(end - p);
	*used = (size_t)(end + 1 - start);
	return 0;
}

int
query__like_compile(struct query_parse *ps, enum query_lang lang,
    const char *pattern, int line, int col, struct query_like **out)
{
	size_t len = strlen(pattern), used;
	struct query_like *like;
	struct query_like_elem *e;
	const char *p = pattern;

	if ((like = query__alloc(ps, sizeof(*like) +
	    (len + 1) * sizeof(like->e[0]))) == NULL)
		return -ENOMEM;
	while (*p != '\0') {
		e = &like->e[like->n];
		used = 1;
		if (lang == QUERY_LANG_CQL && *p == '*') {
			if (like->n == 0) {
				query__error(ps, -EINVAL, line, col,
				    "LIKE pattern: '*' at offset %zu repeats "
				    "nothing", (size_t)(p - pattern));
				return -EINVAL;
			}
			like->e[like->n - 1].star = true;
			p++;
			continue;
		}
		if (*p == '[') {
			if (set_parse(ps, p, &used, e, line, col) != 0)
				return -EINVAL;
		} else if (lang == QUERY_LANG_WQL && *p == '%') {
			e->kind = QL_ANY;
			e->star = true;
		} else if (lang == QUERY_LANG_WQL ? *p == '_' : *p == '.') {
			e->kind = QL_ANY;
		} else if (lang == QUERY_LANG_CQL && *p == '\\') {
			if (p[1] == '\0') {
				query__error(ps, -EINVAL, line, col,
				    "LIKE pattern: ends in a lone '\\'");
				return -EINVAL;
			}
			e->kind = QL_BYTE;
			e->byte = (unsigned char)p[1];
			used = 2;
		} else {
			e->kind = QL_BYTE;
			e->byte = (unsigned char)*p;
		}
		p += used;
		like->n++;
	}
	*out = like;
	return 0;
}

static bool
set_has(const struct query_like_elem *e, unsigned char c)
{
	const unsigned char *s = (const unsigned char *)e->set;
	bool in = false;

	for (size_t i = 0; i < e->setlen && !in; i++) {
		if (i + 2 < e->setlen && s[i + 1] == '-') {
			in = c >= s[i] && c <= s[i + 2];
			i += 2;
		} else
			in = c == s[i];
	}
	return in != e->negate;
}

static bool
elem_has(const struct query_like_elem *e, unsigned char c)
{
	switch (e->kind) {
	case QL_BYTE:
		return c == e->byte;
	case QL_ANY:
		return true;
	default:
		return set_has(e, c);
	}
}

/* A starred element may be skipped: state i reaches i+1 for free. */
static void
states_close(const struct query_like *like, unsigned char *st)
{
	for (size_t i = 0; i < like->n; i++)
		if (st[i] && like->e[i].star)
			st[i + 1] = 1;
}

bool
query__like_match(const struct query_like *like, const char *s)
{
	/* A pattern has at most QUERY_MAX_TEXT elements (its text's bytes). */
	unsigned char cur[QUERY_MAX_TEXT + 1], nxt[QUERY_MAX_TEXT + 1];
	bool any;

	if (like->n > QUERY_MAX_TEXT)
		return false;
	memset(cur, 0, like->n + 1);
	cur[0] = 1;
	states_close(like, cur);
	for (; *s != '\0'; s++) {
		memset(nxt, 0, like->n + 1);
		any = false;
		for (size_t i = 0; i < like->n; i++) {
			if (!cur[i] || !elem_has(&like->e[i],
			    (unsigned char)*s))
				continue;
			nxt[like->e[i].star ? i : i + 1] = 1;
			any = true;
		}
		if (!any)
			return false;
		states_close(like, nxt);
		memcpy(cur, nxt, like->n + 1);
	}
	return cur[like->n] != 0;
}
