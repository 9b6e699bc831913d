/* SPDX-License-Identifier: ISC */
/*
 * schema.c - the class repository's lookups.  The class tables in
 * schema_cim.c and schema_assoc.c list only what each class introduces or
 * overrides; on first use this file builds the flattened classes the rest
 * of the daemon sees (inherited properties and methods copied in, an
 * override merged over the inherited member, classorigin stamped), a
 * parent index for schema_isa() and a name index sorted case-insensitively
 * for binary search.  The result is built once, never changes and is never
 * freed, so lookups need no locking.  This file holds no class data and
 * knows nothing of instances.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cim/schema.h"
#include "cim/schema_int.h"

struct schema_part {
	const struct cim_class *classes;
	const size_t *n;
};

/*
 * Superclasses first: CIM classes, then associations, then TPD_ classes,
 * then the indication classes (schema_indication.c).
 */
static const struct schema_part schema_parts[] = {
	{ schema__cim_classes, &schema__ncim_classes },
	{ schema__assoc_classes, &schema__nassoc_classes },
	{ schema__repl_classes, &schema__nrepl_classes },
	{ schema__indic_classes, &schema__nindic_classes },
	{ schema__tpd_classes, &schema__ntpd_classes },
	{ schema__indication_classes, &schema__nindication_classes },
};

static struct {
	size_t n;
	struct cim_class *classes;	/* flattened, superclasses first */
	long *parent;			/* index into classes, -1 for roots */
	size_t *byname;			/* indices sorted by strcasecmp */
} schema;

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

/* Startup-time allocation of static data: out of memory here is fatal. */
static void *
schema_calloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL) {
		fputs("arrayd: schema: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Index of an already flattened class, linear (used while building only). */
static long
schema_find_built(const char *name, size_t built)
{
	for (size_t i = 0; i < built; i++)
		if (strcasecmp(schema.classes[i].name, name) == 0)
			return (long)i;
	return -1;
}

/*
 * Merge an overriding property over the inherited one: the override's
 * settings win, anything it leaves unset is inherited, and Key/Required
 * cannot be taken away (they are DisableOverride in the CIM schema).
 */
static void
schema_merge_prop(struct cim_class_prop *dst, const struct cim_class_prop *own,
    const char *origin)
{
	struct cim_class_prop inherited = *dst;

	*dst = *own;
	dst->classorigin = origin;
	if (own->type == CIM_T_NONE) {
		dst->type = inherited.type;
		dst->is_array = inherited.is_array;
	}
	if (dst->refclass == NULL)
		dst->refclass = inherited.refclass;
	dst->q.key |= inherited.q.key;
	dst->q.required |= inherited.q.required;
	if (dst->q.embedded_instance == NULL)
		dst->q.embedded_instance = inherited.q.embedded_instance;
	if (dst->q.description == NULL)
		dst->q.description = inherited.q.description;
	if (dst->q.nvaluemap == 0) {
		dst->q.nvaluemap = inherited.q.nvaluemap;
		dst->q.valuemap = inherited.q.valuemap;
		dst->q.values = inherited.q.values;
	}
}

/*
 * Flatten the properties of `own` over those of `parent` (NULL for a
 * root).  The array is allocated here and lives as long as the process.
 */
static void
schema_flatten_props(struct cim_class *out, const struct cim_class *own,
    const struct cim_class *parent)
{
	size_t np = parent != NULL ? parent->nprops : 0;
	struct cim_class_prop *props;

	props = schema_calloc(np + own->nprops, sizeof(*props));
	for (size_t i = 0; i < np; i++)
		props[i] = parent->props[i];
	for (size_t i = 0; i < own->nprops; i++) {
		size_t j;

		for (j = 0; j < np; j++)
			if (strcasecmp(props[j].name, own->props[i].name) == 0)
				break;
		if (j < np) {
			schema_merge_prop(&props[j], &own->props[i], own->name);
			continue;
		}
		props[np] = own->props[i];
		props[np++].classorigin = own->name;
	}
	out->props = props;
	out->nprops = np;
}

/* Same for methods; an override replaces the inherited method whole. */
static void
schema_flatten_methods(struct cim_class *out, const struct cim_class *own,
    const struct cim_class *parent)
{
	size_t nm = parent != NULL ? parent->nmethods : 0;
	struct cim_class_method *methods;

	methods = schema_calloc(nm + own->nmethods, sizeof(*methods));
	for (size_t i = 0; i < nm; i++)
		methods[i] = parent->methods[i];
	for (size_t i = 0; i < own->nmethods; i++) {
		size_t j;

		for (j = 0; j < nm; j++)
			if (strcasecmp(methods[j].name,
			    own->methods[i].name) == 0)
				break;
		if (j == nm)
			nm++;
		methods[j] = own->methods[i];
		methods[j].classorigin = own->name;
	}
	out->methods = methods;
	out->nmethods = nm;
}

static int
schema_cmp_byname(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;

	return strcasecmp(schema.classes[ia].name, schema.classes[ib].name);
}

/*
 * Flatten class number k from its own definition.  A table error
 * (duplicate name, superclass unknown or after its subclass) is a
 * programming error caught by the unit test; here it aborts rather than
 * serve a half-known hierarchy.
 */
static void
schema_build_one(size_t k, const struct cim_class *own)
{
	struct cim_class *c = &schema.classes[k];
	const struct cim_class *parent = NULL;
	long pi = -1;

	if (own->superclass != NULL)
		pi = schema_find_built(own->superclass, k);
	if (schema_find_built(own->name, k) >= 0 ||
	    (own->superclass != NULL && pi < 0)) {
		fprintf(stderr, "arrayd: schema: class %s: duplicate, or "
		    "superclass not defined before it\n", own->name);
		abort();
	}
	*c = *own;
	if (pi >= 0) {
		parent = &schema.classes[pi];
		c->q.association |= parent->q.association;
	}
	schema_flatten_props(c, own, parent);
	schema_flatten_methods(c, own, parent);
	schema.parent[k] = pi;
	schema.byname[k] = k;
}

/* Build everything, once. */
static void
schema_build(void)
{
	size_t total = 0, k = 0;

	for (size_t p = 0; p < SCHEMA_NELEM(schema_parts); p++)
		total += *schema_parts[p].n;
	schema.classes = schema_calloc(total, sizeof(*schema.classes));
	schema.parent = schema_calloc(total, sizeof(*schema.parent));
	schema.byname = schema_calloc(total, sizeof(*schema.byname));
	for (size_t p = 0; p < SCHEMA_NELEM(schema_parts); p++)
		for (size_t i = 0; i < *schema_parts[p].n; i++)
			schema_build_one(k++, &schema_parts[p].classes[i]);
	schema.n = total;
	qsort(schema.byname, total, sizeof(*schema.byname), schema_cmp_byname);
}

static void
schema_init(void)
{
	pthread_once(&schema_once, schema_build);
}

/* Binary search of the name index; -1 if unknown. */
static long
schema_index(const char *name)
{
	size_t lo = 0, hi;

	if (name == NULL)
		return -1;
	schema_init();
	hi = schema.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t ci = schema.byname[mid];
		int cmp = strcasecmp(name, schema.classes[ci].name);

		if (cmp == 0)
			return (long)ci;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const struct cim_class *
schema_class(const char *name)
{
	long i = schema_index(name);

	return i < 0 ? NULL : &schema.classes[i];
}

size_t
schema_count(void)
{
	schema_init();
	return schema.n;
}

const struct cim_class *
schema_at(size_t i)
{
	schema_init();
	return i < schema.n ? &schema.classes[i] : NULL;
}

bool
schema_isa(const char *sub, const char *super)
{
	long i, target;

	if (sub == NULL || super == NULL)
		return false;
	/* A class is itself even when the repository does not know it. */
	if (strcasecmp(sub, super) == 0)
		return true;
	if ((i = schema_index(sub)) < 0 || (target = schema_index(super)) < 0)
		return false;
	/* Parents precede children, so the walk is bounded by the index. */
	while (i >= 0 && i != target)
		i = schema.parent[i];
	return i == target;
}

const struct cim_class_prop *
schema_prop(const struct cim_class *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < c->nprops; i++)
		if (strcasecmp(c->props[i].name, name) == 0)
			return &c->props[i];
	return NULL;
}

const struct cim_class_method *
schema_method(const struct cim_class *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < c->nmethods; i++)
		if (strcasecmp(c->methods[i].name, name) == 0)
			return &c->methods[i];
	return NULL;
}

const struct cim_class_param *
schema_param(const struct cim_class_method *m, const char *name)
{
	if (m == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < m->nparams; i++)
		if (strcasecmp(m->params[i].name, name) == 0)
			return &m->params[i];
	return NULL;
}

/* Parse one ValueMap bound (decimal or 0x hex); false if not a number. */
static bool
schema_parse_bound(const char *s, size_t len, uint64_t *out)
{
	char buf[24], *end;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == '-' || buf[0] == '+')
		return false;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return errno == 0 && *end == '\0';
}

/* Does the ValueMap entry `e` ("5", "7..4095", "0x8000..") cover v? */
static bool
schema_entry_covers(const char *e, uint64_t v, bool ranges)
{
	const char *dots = strstr(e, "..");
	uint64_t lo = 0, hi = UINT64_MAX;

	if (dots == NULL) {
		if (ranges || !schema_parse_bound(e, strlen(e), &lo))
			return false;
		return lo == v;
	}
	if (!ranges || (dots == e && dots[2] == '\0'))
		return false;
	if (dots != e && !schema_parse_bound(e, (size_t)(dots - e), &lo))
		return false;
	if (dots[2] != '\0' && !schema_parse_bound(dots + 2,
	    strlen(dots + 2), &hi))
		return false;
	return lo <= v && v <= hi;
}

const char *
schema_value_text(const struct cim_qualifiers *q, uint64_t v)
{
	if (q == NULL || q->valuemap == NULL || q->values == NULL)
		return NULL;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < q->nvaluemap; i++)
			if (schema_entry_covers(q->valuemap[i], v, pass == 1))
				return q->values[i];
	for (size_t i = 0; i < q->nvaluemap; i++)
		if (strcmp(q->valuemap[i], "..") == 0)
			return q->values[i];
	return NULL;
}
