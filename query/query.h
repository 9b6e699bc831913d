/* SPDX-License-Identifier: ISC */
/*
 * query.h - WQL and DMTF:CQL indication filter queries: compile once (at
 * CreateInstance of a CIM_IndicationFilter), evaluate many times (for each
 * indication).  The grammar is generated (bison + flex, reentrant, pure
 * parser); this module knows no CIM-XML, no model: the caller hands
 * values through struct query_env.
 *
 * Layer: query/ may include base/ only.
 */
#ifndef ARRAYD_QUERY_H
#define ARRAYD_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct query;

enum query_vtype {
	QV_NULL,	/* property absent or NULL */
	QV_BOOL,
	QV_INT,		/* any CIM integer (uint64 values above INT64_MAX: QV_UINT) */
	QV_UINT,
	QV_REAL,
	QV_STRING,	/* also datetime and references, as their string form */
	QV_INSTANCE,	/* an embedded instance (SourceInstance, PreviousInstance) */
	QV_ARRAY,	/* elements of one of the scalar types above */
};

struct query_value {
	enum query_vtype type;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double r;
		const char *s;
		const void *inst;	/* opaque to query/, the caller's */
		struct {
			const struct query_value *v;
			size_t n;
		} a;
	} u;
};

/* How the evaluator sees an indication and the instances it embeds. */
struct query_env {
	void *arg;
	/*
	 * Property `prop` (case-insensitive) of `inst` (NULL: the indication
	 * itself).  0 with *out (valid until the evaluation ends), -ENOENT
	 * when the class has no such property (evaluates as NULL).
	 */
	int (*get)(void *arg, const void *inst, const char *prop,
	    struct query_value *out);
	/* Is `inst` (NULL: the indication) of class `cls` or a subclass? */
	bool (*isa)(void *arg, const void *inst, const char *cls);
};

/* What query_compile() needs to refuse a query at subscribe time. */
struct query_schema {
	void *arg;
	/* Is `cls` a known class, and is it an indication class? */
	bool (*class_known)(void *arg, const char *cls, bool *is_indication);
	/* Does class `cls` (or, when cls is NULL, any class) have property `prop`? */
	bool (*has_property)(void *arg, const char *cls, const char *prop);
};

/*
 * Compile `text` in language `lang` ("WQL", "DMTF:CQL", "CQL";
 * case-insensitive).  Returns 0 and *out (caller owns: query_free), or
 *   -EPROTONOSUPPORT  language not supported (CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED)
 *   -EINVAL           syntax error, unknown FROM class, a FROM class that is
 *                     not an indication class, an unknown property, a
 *                     construct this evaluator does not implement
 *                     (CIM_ERR_INVALID_QUERY)
 *   -E2BIG            longer than 4096 bytes or nested deeper than 32
 *   -ENOMEM
 * with a message for people in errbuf ("line 1, column 37: unknown
 * property 'JobStat' of CIM_ConcreteJob").  schema may be NULL (no
 * name checks: unit tests of the grammar).
 */
int query_compile(const char *lang, const char *text,
    const struct query_schema *schema, struct query **out,
    char *errbuf, size_t errlen);
void query_free(struct query *q);	/* accepts NULL */

/* The FROM class as written (e.g. "CIM_InstModification"). */
const char *query_from_class(const struct query *q);

/*
 * Does the SELECT list name the indication's property `prop`
 * (case-insensitive)?  True for SELECT *, and for a chain that starts at
 * prop (SELECT SourceInstance.JobState selects SourceInstance).  For the
 * sender that leaves out of a delivered indication what was not selected.
 */
bool query_selects(const struct query *q, const char *prop);

/*
 * Does the indication match?  First the FROM class (env->isa(NULL, cls)),
 * then the WHERE condition with SQL three-valued logic (NULL compares as
 * unknown; unknown is no match).  Never fails: a type mismatch is unknown.
 */
bool query_match(const struct query *q, const struct query_env *env);

#endif /* ARRAYD_QUERY_H */
