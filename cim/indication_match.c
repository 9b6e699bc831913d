/* SPDX-License-Identifier: ISC */
/*
 * indication_match.c - how a filter (query/) sees an indication: its
 * properties and those of the instances it embeds, typed as the model
 * built them, and ISA through the class repository and the model's own
 * superclass chains.  SourceInstance and PreviousInstance are handed over
 * as the instances themselves, not their embedded text, so a filter reads
 * SourceInstance.JobState without parsing anything.  The properties that
 * differ per subscription (IndicationFilterName, SequenceContext,
 * SequenceNumber) are not known when matching and read as NULL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cim/indication_int.h"
#include "cim/model.h"
#include "cim/schema.h"

bool
cim_ind__class_isa(const char *name, const char *super)
{
	const struct model_class *mc;

	if (name == NULL || super == NULL)
		return false;
	if (schema_isa(name, super))
		return true;
	mc = model_class_by_name(name);
	return mc != NULL && model_class_isa(mc, super);
}

/* One scalar's text, typed; unparsable text reads as NULL. */
static void
scalar_value(enum cim_type t, const char *text, struct query_value *v)
{
	int64_t sv;
	uint64_t uv;
	char *end;
	bool b;

	memset(v, 0, sizeof(*v));
	v->type = QV_NULL;
	if (text == NULL)
		return;
	if (cim_type_is_integer(t)) {
		if (cim_parse_int(text, t, &sv, &uv) != 0)
			return;
		if (t == CIM_T_UINT64 && uv > (uint64_t)INT64_MAX) {
			v->type = QV_UINT;
			v->u.u = uv;
		} else {
			v->type = QV_INT;
			v->u.i = t == CIM_T_UINT8 || t == CIM_T_UINT16 ||
			    t == CIM_T_UINT32 || t == CIM_T_UINT64 ?
			    (int64_t)uv : sv;
		}
	} else if (t == CIM_T_BOOLEAN) {
		if (cim_parse_bool(text, &b) == 0) {
			v->type = QV_BOOL;
			v->u.b = b;
		}
	} else if (t == CIM_T_REAL32 || t == CIM_T_REAL64) {
		v->u.r = strtod(text, &end);
		if (end != text && *end == '\0')
			v->type = QV_REAL;
	} else {
		/* Strings, char16, datetimes: their text. */
		v->type = QV_STRING;
		v->u.s = text;
	}
}

static int
prop_value(struct cim_arena *a, const struct cim_prop *p,
    struct query_value *out)
{
	struct query_value *el;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->type = QV_NULL;
	if (p->is_null)
		return 0;
	if (p->type == CIM_T_REFERENCE) {
		if (p->ref != NULL && (out->u.s = cimxml_path_to_uri(a,
		    p->ref)) != NULL)
			out->type = QV_STRING;
		return 0;
	}
	if (!p->is_array) {
		scalar_value(p->type, p->text, out);
		return 0;
	}
	if (p->items == NULL)
		return 0;
	if ((el = cim_arena_alloc(a, (p->n + 1) * sizeof(*el))) == NULL)
		return 0;	/* unknown: no match, never a wrong one */
	for (i = 0; i < p->n; i++)
		scalar_value(p->type, p->items[i], &el[i]);
	out->type = QV_ARRAY;
	out->u.a.v = el;
	out->u.a.n = p->n;
	return 0;
}

/* Property `name` of `in`: NULL if its class has it but `in` does not. */
static int
instance_get(struct cim_arena *a, const struct cim_instance *in,
    const char *name, struct query_value *out)
{
	const struct cim_class *cls;
	size_t i;

	for (i = 0; i < in->nprops; i++)
		if (in->props[i].name != NULL &&
		    strcasecmp(in->props[i].name, name) == 0)
			return prop_value(a, &in->props[i], out);
	cls = schema_class(in->classname);
	if (cls == NULL || schema_prop(cls, name) == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->type = QV_NULL;
	return 0;
}

static int
env_get(void *arg, const void *inst, const char *prop,
    struct query_value *out)
{
	const struct cim_ind_msg *m = arg;
	const struct cim_instance *emb = NULL;

	if (inst != NULL)
		return instance_get(m->arena, inst, prop, out);
	if (strcasecmp(prop, "SourceInstance") == 0)
		emb = m->src;
	else if (strcasecmp(prop, "PreviousInstance") == 0 &&
	    m->prev != NULL)
		emb = m->prev;
	if (emb != NULL) {
		memset(out, 0, sizeof(*out));
		out->type = QV_INSTANCE;
		out->u.inst = emb;
		return 0;
	}
	return instance_get(m->arena, m->ind, prop, out);
}

static bool
env_isa(void *arg, const void *inst, const char *cls)
{
	const struct cim_ind_msg *m = arg;
	const struct cim_instance *in = inst;

	return cim_ind__class_isa(in != NULL ? in->classname : m->classname,
	    cls);
}

const struct query_env cim_ind__env_proto = {
	.get = env_get,
	.isa = env_isa,
};
