/* SPDX-License-Identifier: ISC */
/*
 * eval.c - query_match(): a compiled query against one indication, seen
 * through the caller's query_env.  SQL three-valued logic: NULL (an absent
 * property, a property the class lacks, a scope the instance is not of, an
 * index past the end) compares as unknown, and unknown is no match.  Never
 * fails: a value of a type a predicate cannot use makes it unknown.
 * Numbers compare by value across CIM integer kinds and reals; strings
 * compare exactly (byte for byte, case-sensitive; README); a string that
 * is a whole number compares as that number with a number.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/query_int.h"

enum tv { TV_FALSE, TV_TRUE, TV_UNKNOWN };

struct eval {
	const struct query_env *env;
};

static const struct query_value value_null = { .type = QV_NULL };

static enum tv
tv_of(bool b)
{
	return b ? TV_TRUE : TV_FALSE;
}

static enum tv
tv_not(enum tv t)
{
	return t == TV_UNKNOWN ? t : tv_of(t == TV_FALSE);
}

/*
 * One step of an AND (stop: false) or an OR (stop: true) over several
 * truth values: the stop value decides at once, unknown sticks otherwise.
 * Returns true when *acc is decided.
 */
static bool
tv_fold(enum tv *acc, enum tv t, enum tv stop)
{
	if (t == stop) {
		*acc = stop;
		return true;
	}
	if (t == TV_UNKNOWN)
		*acc = TV_UNKNOWN;
	return false;
}

/* A value the caller handed in broken (NULL string, NULL array) is NULL. */
static struct query_value
value_sane(const struct query_value *v)
{
	switch (v->type) {
	case QV_BOOL:
	case QV_INT:
	case QV_UINT:
	case QV_REAL:
		return *v;
	case QV_STRING:
		return v->u.s != NULL ? *v : value_null;
	case QV_INSTANCE:
		return v->u.inst != NULL ? *v : value_null;
	case QV_ARRAY:
		return v->u.a.v != NULL || v->u.a.n == 0 ? *v : value_null;
	default:
		return value_null;
	}
}

/* Walks the chain from the indication; any missing step is NULL. */
static struct query_value
path_value(const struct eval *ev, const struct query_operand *o)
{
	const struct query_env *env = ev->env;
	const void *inst = NULL;
	struct query_value v = value_null;

	if (env->get == NULL)
		return value_null;
	for (const struct query_elem *e = o->path; e != NULL; e = e->next) {
		if (e->scope != NULL &&
		    (env->isa == NULL || !env->isa(env->arg, inst, e->scope)))
			return value_null;
		if (env->get(env->arg, inst, e->name, &v) != 0) {
			/*
			 * OMI's WQL class step, SourceInstance.CIM_X.Prop:
			 * no such property, but a class the instance is of,
			 * scopes the next step (compile.c folds it too when
			 * it has a schema; this serves a query compiled
			 * without one alike).
			 */
			if (e->next != NULL && e->scope == NULL &&
			    e->index == QI_NONE && e->next->scope == NULL &&
			    env->isa != NULL &&
			    env->isa(env->arg, inst, e->name))
				continue;
			return value_null;
		}
		v = value_sane(&v);
		if (e->index == QI_NUM) {
			if (v.type != QV_ARRAY || e->num < 0 ||
			    (uint64_t)e->num >= v.u.a.n)
				return value_null;
			v = value_sane(&v.u.a.v[e->num]);
		}
		if (e->next != NULL) {
			if (v.type != QV_INSTANCE)
				return value_null;
			inst = v.u.inst;
		}
	}
	return v;
}

static struct query_value
operand_value(const struct eval *ev, const struct query_operand *o)
{
	return o->is_path ? path_value(ev, o) : o->lit;
}

/* "17", "-3", "2.5e1": the whole string, no spaces, as a number. */
static bool
string_number(const char *s, struct query_value *out)
{
	char *end;

	if (!(isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' ||
	    s[0] == '.'))
		return false;
	errno = 0;
	out->u.i = strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0) {
		out->type = QV_INT;
		return true;
	}
	errno = 0;
	out->u.u = strtoull(s, &end, 10);
	if (*end == '\0' && errno == 0 && s[0] != '-') {
		out->type = QV_UINT;
		return true;
	}
	errno = 0;
	out->u.r = strtod(s, &end);
	if (*end == '\0' && errno == 0 && isfinite(out->u.r)) {
		out->type = QV_REAL;
		return true;
	}
	return false;
}

static bool
is_number(const struct query_value *v)
{
	return v->type == QV_INT || v->type == QV_UINT || v->type == QV_REAL;
}

/*
 * Long double holds every int64 and uint64 exactly where it is the x87
 * extended type (x86-64, the target); elsewhere the nearest value.
 */
static long double
number_ld(const struct query_value *v)
{
	switch (v->type) {
	case QV_INT:
		return (long double)v->u.i;
	case QV_UINT:
		return (long double)v->u.u;
	default:
		return (long double)v->u.r;
	}
}

/* -1, 0, 1, or 2 when unordered (NaN). */
static int
number_order(const struct query_value *a, const struct query_value *b)
{
	long double x, y;

	if (a->type == QV_INT && b->type == QV_INT)
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	if (a->type == QV_UINT && b->type == QV_UINT)
		return (a->u.u > b->u.u) - (a->u.u < b->u.u);
	if (a->type == QV_INT && b->type == QV_UINT)
		return a->u.i < 0 ? -1 :
		    ((uint64_t)a->u.i > b->u.u) - ((uint64_t)a->u.i < b->u.u);
	if (a->type == QV_UINT && b->type == QV_INT)
		return -number_order(b, a);
	x = number_ld(a);
	y = number_ld(b);
	if (isnan(x) || isnan(y))
		return 2;
	return (x > y) - (x < y);
}

static enum tv
order_test(int c, enum query_cmp op)
{
	switch (op) {
	case QC_EQ:
		return tv_of(c == 0);
	case QC_NE:
		return tv_of(c != 0);
	case QC_LT:
		return tv_of(c < 0);
	case QC_LE:
		return tv_of(c <= 0);
	case QC_GT:
		return tv_of(c > 0);
	case QC_GE:
		return tv_of(c >= 0);
	}
	return TV_UNKNOWN;
}

static enum tv value_compare(const struct query_value *,
    const struct query_value *, enum query_cmp);

/*
 * Two arrays are equal when they have the same length and equal elements
 * in order (OperationalStatus <> PreviousInstance.OperationalStatus: "it
 * changed"); they have no order.  Elements are scalars: an array element
 * that is an array is unknown, so this recursion is one level deep.
 */
static enum tv
array_equal(const struct query_value *a, const struct query_value *b)
{
	enum tv all = TV_TRUE;

	if (a->u.a.n != b->u.a.n)
		return TV_FALSE;
	for (size_t i = 0; i < a->u.a.n; i++) {
		struct query_value x = value_sane(&a->u.a.v[i]);
		struct query_value y = value_sane(&b->u.a.v[i]);

		if (x.type == QV_ARRAY || y.type == QV_ARRAY)
			return TV_UNKNOWN;
		if (tv_fold(&all, value_compare(&x, &y, QC_EQ), TV_FALSE))
			break;
	}
	return all;
}

static enum tv
value_compare(const struct query_value *a, const struct query_value *b,
    enum query_cmp op)
{
	struct query_value n;
	int c;

	if (a->type == QV_NULL || b->type == QV_NULL)
		return TV_UNKNOWN;
	if (a->type == QV_STRING && is_number(b)) {
		if (!string_number(a->u.s, &n))
			return TV_UNKNOWN;
		return value_compare(&n, b, op);
	}
	if (is_number(a) && b->type == QV_STRING) {
		if (!string_number(b->u.s, &n))
			return TV_UNKNOWN;
		return value_compare(a, &n, op);
	}
	if (is_number(a) && is_number(b)) {
		if ((c = number_order(a, b)) == 2)
			return TV_UNKNOWN;
		return order_test(c, op);
	}
	if (a->type != b->type)
		return TV_UNKNOWN;
	switch (a->type) {
	case QV_STRING:
		c = strcmp(a->u.s, b->u.s);
		return order_test((c > 0) - (c < 0), op);
	case QV_BOOL:
		if (op != QC_EQ && op != QC_NE)
			return TV_UNKNOWN;
		return order_test(a->u.b != b->u.b, op);
	case QV_ARRAY:
		if (op == QC_EQ)
			return array_equal(a, b);
		if (op == QC_NE)
			return tv_not(array_equal(a, b));
		return TV_UNKNOWN;
	default:
		return TV_UNKNOWN;
	}
}

/* The predicate of n on one value (one element under ANY/EVERY). */
static enum tv
predicate_one(const struct eval *ev, const struct query_node *n,
    const struct query_value *v, const struct query_value *b)
{
	enum tv t;

	switch (n->kind) {
	case QN_CMP:
		return value_compare(v, b, n->op);
	case QN_NULL:
		return tv_of((v->type == QV_NULL) != n->negate);
	case QN_LIKE:
		if (v->type != QV_STRING)
			return TV_UNKNOWN;
		t = tv_of(query__like_match(n->like, v->u.s));
		return n->negate ? tv_not(t) : t;
	case QN_ISA:
		if (v->type != QV_INSTANCE || ev->env->isa == NULL)
			return TV_UNKNOWN;
		return tv_of(ev->env->isa(ev->env->arg, v->u.inst, n->text));
	case QN_TRUTH:
		if (v->type != QV_BOOL)
			return TV_UNKNOWN;
		return tv_of(v->u.b);
	default:
		return TV_UNKNOWN;
	}
}

/*
 * ANY is the OR of the predicate over the elements (false when there are
 * none), EVERY the AND (true when there are none); a NULL array is
 * unknown either way, a scalar is an array of one.
 */
static enum tv
predicate_quant(const struct eval *ev, const struct query_node *n,
    const struct query_value *arr, const struct query_value *b)
{
	enum tv stop = n->quant == QQ_ANY ? TV_TRUE : TV_FALSE;
	enum tv acc = tv_not(stop);

	if (arr->type == QV_NULL)
		return TV_UNKNOWN;
	if (arr->type != QV_ARRAY)
		return predicate_one(ev, n, arr, b);
	for (size_t i = 0; i < arr->u.a.n; i++) {
		struct query_value x = value_sane(&arr->u.a.v[i]);

		if (tv_fold(&acc, predicate_one(ev, n, &x, b), stop))
			break;
	}
	return acc;
}

/* Recursion is bounded by QUERY_MAX_DEPTH (build.c). */
static enum tv
node_eval(const struct eval *ev, const struct query_node *n)
{
	struct query_value a, b = value_null;
	enum tv acc, stop;

	switch (n->kind) {
	case QN_AND:
	case QN_OR:
		/* AND: false decides, OR: true decides; else unknown wins. */
		stop = n->kind == QN_AND ? TV_FALSE : TV_TRUE;
		acc = tv_not(stop);
		for (const struct query_node *k = n->kids; k != NULL;
		    k = k->next)
			if (tv_fold(&acc, node_eval(ev, k), stop))
				break;
		return acc;
	case QN_NOT:
		return tv_not(node_eval(ev, n->kids));
	default:
		break;
	}
	a = operand_value(ev, n->a);
	if (n->b != NULL)
		b = operand_value(ev, n->b);
	if (n->quant != QQ_NONE)
		return predicate_quant(ev, n, &a, &b);
	return predicate_one(ev, n, &a, &b);
}

bool
query_match(const struct query *q, const struct query_env *env)
{
	struct eval ev = { .env = env };

	if (q == NULL || env == NULL || env->isa == NULL ||
	    !env->isa(env->arg, NULL, q->from))
		return false;
	return q->where == NULL || node_eval(&ev, q->where) == TV_TRUE;
}
