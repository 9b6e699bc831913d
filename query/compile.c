/* SPDX-License-Identifier: ISC */
/*
 * compile.c - query_compile(): the language, the size limit, the parse
 * (parse.y/lex.l), then the names against the caller's schema: the FROM
 * class must be a known indication class, every property of a chain must
 * exist (on its scope class, on the FROM class for the first step, on some
 * class after an embedded instance), every ISA class must be known.  A
 * query that passes evaluates without surprises; one that does not is
 * refused here, at CreateInstance time, with its line and column.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/query_int.h"

static int
lang_parse(const char *lang, enum query_lang *out)
{
	if (lang == NULL)
		return -EPROTONOSUPPORT;
	if (strcasecmp(lang, "WQL") == 0)
		*out = QUERY_LANG_WQL;
	else if (strcasecmp(lang, "DMTF:CQL") == 0 ||
	    strcasecmp(lang, "CQL") == 0)
		*out = QUERY_LANG_CQL;
	else
		return -EPROTONOSUPPORT;
	return 0;
}

/*
 * A chain may start with the FROM class or its alias
 * (CIM_InstModification.SourceInstance, m.SourceInstance): that first
 * step names the indication itself and is dropped here, so evaluation
 * always starts at a property of the indication.
 */
static void
path_strip_from(const struct query *q, struct query_operand *o)
{
	const struct query_elem *e = o->path;

	if (o->len < 2 || e->scope != NULL || e->index != QI_NONE)
		return;
	if (strcasecmp(e->name, q->from) == 0 ||
	    (q->alias != NULL && strcasecmp(e->name, q->alias) == 0)) {
		o->path = e->next;
		o->len--;
	}
}

static int
class_check(struct query_parse *ps, const struct query_schema *schema,
    const char *cls, int line, int col)
{
	bool is_ind = false;

	if (!schema->class_known(schema->arg, cls, &is_ind)) {
		query__error(ps, -EINVAL, line, col, "unknown class '%s'", cls);
		return -EINVAL;
	}
	return 0;
}

/*
 * OMI's WQL writes a class as a step of its own
 * (SourceInstance.CIM_StorageVolume.DeviceID) where CQL writes a scope
 * (SourceInstance.CIM_StorageVolume::DeviceID).  A step after the first
 * that is no property of any class but a known class, and that another
 * step follows, becomes that step's scope, so the names are checked as
 * CQL's would be.  The evaluator reads the unfolded form the same way
 * (eval.c), so a query compiled without a schema means the same.
 */
static void
path_fold_class_steps(const struct query_schema *schema,
    struct query_operand *o)
{
	struct query_elem *e, *prev = NULL;
	bool is_ind;

	for (e = o->path; e != NULL; prev = e, e = e->next) {
		if (prev == NULL || e->next == NULL || e->scope != NULL ||
		    e->index != QI_NONE || e->next->scope != NULL ||
		    schema->has_property(schema->arg, NULL, e->name) ||
		    !schema->class_known(schema->arg, e->name, &is_ind))
			continue;
		e->next->scope = e->name;
		e->next->line = e->line;
		e->next->col = e->col;
		prev->next = e->next;
		o->len--;
		e = prev;
	}
}

/*
 * The first step is a property of the FROM class (or of its scope class),
 * later ones of an embedded instance whose class the query does not fix:
 * those must exist on their scope class when scoped, on some class when
 * not (has_property with NULL).
 */
static int
path_check(struct query_parse *ps, const struct query_schema *schema,
    const struct query_operand *o)
{
	const struct query *q = ps->q;
	const struct query_elem *e;
	const char *cls;
	bool first = true;

	for (e = o->path; e != NULL; e = e->next, first = false) {
		if (e->scope != NULL &&
		    class_check(ps, schema, e->scope, e->line, e->col) != 0)
			return -EINVAL;
		cls = e->scope != NULL ? e->scope : first ? q->from : NULL;
		if (schema->has_property(schema->arg, cls, e->name))
			continue;
		if (cls != NULL)
			query__error(ps, -EINVAL, e->line, e->col,
			    "unknown property '%s' of %s", e->name, cls);
		else
			query__error(ps, -EINVAL, e->line, e->col,
			    "unknown property '%s' (no class has it)",
			    e->name);
		return -EINVAL;
	}
	return 0;
}

static void
operand_strip(const struct query *q, struct query_operand *o)
{
	if (o != NULL && o->is_path)
		path_strip_from(q, o);
}

static int
operand_check(struct query_parse *ps, const struct query_schema *schema,
    struct query_operand *o)
{
	if (o == NULL || !o->is_path || schema == NULL)
		return 0;
	path_fold_class_steps(schema, o);
	return path_check(ps, schema, o);
}

/* Depth is bounded by QUERY_MAX_DEPTH (build.c), so recursion is too. */
static int
node_check(struct query_parse *ps, const struct query_schema *schema,
    struct query_node *n)
{
	for (struct query_node *k = n->kids; k != NULL; k = k->next)
		if (node_check(ps, schema, k) != 0)
			return -EINVAL;
	operand_strip(ps->q, n->a);
	operand_strip(ps->q, n->b);
	if (operand_check(ps, schema, n->a) != 0 ||
	    operand_check(ps, schema, n->b) != 0)
		return -EINVAL;
	if (n->kind == QN_ISA && schema != NULL &&
	    class_check(ps, schema, n->text, n->line, n->col) != 0)
		return -EINVAL;
	return 0;
}

static int
names_check(struct query_parse *ps, const struct query_schema *schema)
{
	struct query *q = ps->q;
	bool is_ind = false;

	if (schema != NULL) {
		if (!schema->class_known(schema->arg, q->from, &is_ind)) {
			query__error(ps, -EINVAL, q->from_line,
			    q->from_col, "unknown class '%s' in FROM", q->from);
			return -EINVAL;
		}
		if (!is_ind) {
			query__error(ps, -EINVAL, q->from_line,
			    q->from_col,
			    "class '%s' in FROM is not an indication class",
			    q->from);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < q->nselect; i++) {
		operand_strip(q, q->select[i]);
		if (operand_check(ps, schema, q->select[i]) != 0)
			return -EINVAL;
	}
	if (q->where != NULL)
		return node_check(ps, schema, q->where);
	return 0;
}

int
query_compile(const char *lang, const char *text,
    const struct query_schema *schema, struct query **out, char *errbuf,
    size_t errlen)
{
	struct query_parse ps = { .errbuf = errbuf, .errlen = errlen };
	enum query_lang l;
	size_t len;
	int rc;

	*out = NULL;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (lang_parse(lang, &l) != 0) {
		query__error(&ps, -EPROTONOSUPPORT, 1, 1,
		    "query language '%s' is not supported (WQL, DMTF:CQL)",
		    lang != NULL ? lang : "");
		return -EPROTONOSUPPORT;
	}
	if (text == NULL)
		text = "";
	if ((len = strnlen(text, QUERY_MAX_TEXT + 1)) > QUERY_MAX_TEXT) {
		query__error(&ps, -E2BIG, 1, 1,
		    "query longer than %d bytes", QUERY_MAX_TEXT);
		return -E2BIG;
	}
	if ((ps.q = calloc(1, sizeof(*ps.q))) == NULL)
		return -ENOMEM;
	ps.q->lang = l;
	if ((rc = query__parse(&ps, text, len)) != 0 ||
	    (rc = names_check(&ps, schema)) != 0) {
		query_free(ps.q);
		return rc;
	}
	*out = ps.q;
	return 0;
}

void
query_free(struct query *q)
{
	struct query_chunk *c, *next;

	if (q == NULL)
		return;
	for (c = q->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(q);
}

const char *
query_from_class(const struct query *q)
{
	return q->from;
}

bool
query_selects(const struct query *q, const char *prop)
{
	if (q->select_all)
		return true;
	for (size_t i = 0; i < q->nselect; i++)
		if (strcasecmp(q->select[i]->path->name, prop) == 0)
			return true;
	return false;
}
