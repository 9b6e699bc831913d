/* SPDX-License-Identifier: ISC */
/*
 * build.c - the tree the grammar's actions build: allocation (every piece
 * of a compiled query lives in its chunk list and dies with query_free),
 * the first error with its position, and the structural rules the grammar
 * cannot say (one [*] per predicate, [*] only at the end of a chain and
 * only where an array is expected, nesting depth, well-formed LIKE
 * patterns).  No names are checked here: compile.c does that.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query_int.h"

void *
query__alloc(struct query_parse *ps, size_t n)
{
	struct query_chunk *c;

	if (n > QUERY_MAX_TEXT * 64 ||
	    (c = calloc(1, sizeof(*c) + n)) == NULL) {
		ps->rc = ps->rc != 0 ? ps->rc : -ENOMEM;
		return NULL;
	}
	c->next = ps->q->chunks;
	ps->q->chunks = c;
	return c->data;
}

char *
query__strndup(struct query_parse *ps, const char *s, size_t n)
{
	char *d;

	if ((d = query__alloc(ps, n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void
query__error(struct query_parse *ps, int rc, int line, int col,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->rc != 0)
		return;
	ps->rc = rc;
	if (ps->errbuf == NULL || ps->errlen == 0)
		return;
	n = snprintf(ps->errbuf, ps->errlen, "line %d, column %d: ", line,
	    col);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->errbuf + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A node one level above its deepest child; too deep is -E2BIG. */
static int
node_depth(struct query_parse *ps, struct query_node *n)
{
	int d = 0;

	for (struct query_node *k = n->kids; k != NULL; k = k->next)
		if (k->depth > d)
			d = k->depth;
	n->depth = d + 1;
	if (n->depth > QUERY_MAX_DEPTH) {
		query__error(ps, -E2BIG, n->line, n->col,
		    "condition nested deeper than %d", QUERY_MAX_DEPTH);
		return -E2BIG;
	}
	return 0;
}

struct query_node *
query__node(struct query_parse *ps, enum query_node_kind kind, int line,
    int col)
{
	struct query_node *n;

	if ((n = query__alloc(ps, sizeof(*n))) == NULL)
		return NULL;
	n->kind = kind;
	n->line = line;
	n->col = col;
	n->depth = 1;
	return n;
}

static void
node_adopt(struct query_node *n, struct query_node *kid)
{
	kid->next = NULL;
	if (n->tail == NULL)
		n->kids = kid;
	else
		n->tail->next = kid;
	n->tail = kid;
}

/*
 * a AND b AND c is one AND of three (the grammar is left-recursive), so a
 * long list of alternatives is not a deep tree and only real nesting
 * counts against QUERY_MAX_DEPTH.
 */
struct query_node *
query__logic(struct query_parse *ps, enum query_node_kind kind,
    struct query_node *l, struct query_node *r, int line, int col)
{
	struct query_node *n;

	if (kind != QN_NOT && l->kind == kind) {
		n = l;
	} else {
		if ((n = query__node(ps, kind, line, col)) == NULL)
			return NULL;
		node_adopt(n, l);
	}
	if (r != NULL) {
		if (r->kind == kind && kind != QN_NOT) {
			for (struct query_node *k = r->kids, *nx; k != NULL;
			    k = nx) {
				nx = k->next;
				node_adopt(n, k);
			}
		} else
			node_adopt(n, r);
	}
	return node_depth(ps, n) == 0 ? n : NULL;
}

/* [*] stands for the elements of an array: only where one is expected. */
static int
star_refuse(struct query_parse *ps, const struct query_operand *o)
{
	if (o->is_path && o->star) {
		query__error(ps, -EINVAL, o->line, o->col,
		    "[*] is allowed only once, after ANY or EVERY "
		    "or on the left of a comparison");
		return -EINVAL;
	}
	return 0;
}

static enum query_cmp
cmp_mirror(enum query_cmp op)
{
	switch (op) {
	case QC_LT:
		return QC_GT;
	case QC_LE:
		return QC_GE;
	case QC_GT:
		return QC_LT;
	case QC_GE:
		return QC_LE;
	default:
		return op;
	}
}

/*
 * A predicate node over a; ANY and EVERY need a's [*], and an unquantified
 * [*] is ANY.
 */
static struct query_node *
quant_node(struct query_parse *ps, enum query_node_kind kind,
    enum query_quant quant, struct query_operand *a, int line, int col)
{
	struct query_node *n;

	if (quant != QQ_NONE && !a->star) {
		query__error(ps, -EINVAL, a->line, a->col,
		    "%s needs an array chain ending in [*]",
		    quant == QQ_ANY ? "ANY" : "EVERY");
		return NULL;
	}
	if ((n = query__node(ps, kind, line, col)) == NULL)
		return NULL;
	n->quant = a->star && quant == QQ_NONE ? QQ_ANY : quant;
	n->a = a;
	return n;
}

/*
 * a op b, where a may be an array chain (x[*]); with ANY or EVERY it must
 * be.  `b op ANY a[*]` arrives flipped and is stored as `ANY a[*] op' b`
 * with the mirrored operator.  Without a quantifier, x[*] = v means ANY
 * (the SMI-S "contains" test; arrayd's reading, README "Filters").
 */
struct query_node *
query__compare(struct query_parse *ps, enum query_quant quant,
    struct query_operand *a, enum query_cmp op, struct query_operand *b,
    bool flipped, int line, int col)
{
	struct query_node *n;

	if (quant == QQ_NONE && !a->star && b->star) {
		struct query_operand *t = a;

		a = b;
		b = t;
		op = cmp_mirror(op);
	} else if (flipped)
		op = cmp_mirror(op);
	if (star_refuse(ps, b) != 0 ||
	    (n = quant_node(ps, QN_CMP, quant, a, line, col)) == NULL)
		return NULL;
	n->op = op;
	n->b = b;
	return n;
}

struct query_node *
query__predicate(struct query_parse *ps, enum query_node_kind kind,
    enum query_quant quant, struct query_operand *a, bool negate,
    const char *text, int line, int col)
{
	struct query_node *n;

	if ((kind == QN_ISA || kind == QN_TRUTH) && star_refuse(ps, a) != 0)
		return NULL;
	if ((n = quant_node(ps, kind, quant, a, line, col)) == NULL)
		return NULL;
	if (kind == QN_LIKE && query__like_compile(ps, ps->q->lang, text,
	    line, col, &n->like) != 0)
		return NULL;
	n->negate = negate;
	n->text = text;
	return n;
}

/* Appends e to the chain (a new one when path is NULL). */
struct query_operand *
query__path_add(struct query_parse *ps, struct query_operand *path,
    struct query_elem *e)
{
	struct query_elem *last;

	if (path == NULL) {
		if ((path = query__alloc(ps, sizeof(*path))) == NULL)
			return NULL;
		path->is_path = true;
		path->path = e;
		path->line = e->line;
		path->col = e->col;
	} else {
		if (path->star) {
			query__error(ps, -EINVAL, e->line, e->col,
			    "[*] is allowed only on the last property of "
			    "a chain");
			return NULL;
		}
		for (last = path->path; last->next != NULL; last = last->next)
			;
		last->next = e;
	}
	path->len++;
	path->star = e->index == QI_STAR;
	return path;
}

int
query__select_add(struct query_parse *ps, struct query_operand *o)
{
	struct query *q = ps->q;

	if (star_refuse(ps, o) != 0)
		return -EINVAL;
	if (q->nselect == ps->selcap) {
		size_t cap = ps->selcap == 0 ? 8 : ps->selcap * 2;
		struct query_operand **s;

		if ((s = query__alloc(ps, cap * sizeof(*s))) == NULL)
			return -ENOMEM;
		if (q->nselect > 0)
			memcpy(s, q->select, q->nselect * sizeof(*s));
		q->select = s;
		ps->selcap = cap;
	}
	q->select[q->nselect++] = o;
	return 0;
}
