/* SPDX-License-Identifier: ISC */
/*
 * model.c - the class table and the dispatch over it.  Each class arrayd
 * has instances of is defined, with its keys, superclass chain and ops
 * (resolver, path and instance builders, enumerator), in the file of its
 * object kind (model_system.c, model_pool.c, model_volume.c, model_pair.c,
 * model_job.c, model_interop.c) or, for plain associations, in
 * model_assoc.c; this file lists them in the order clients see and turns
 * an object's kind into its class's ops.  Adding a class is adding its
 * definition and one line here.  Nothing here reads replica state, writes
 * XML or changes anything.
 */
#include <string.h>
#include <strings.h>

#include "cim/model_int.h"
#include "cim/schema.h"

/* Order matters for enumeration: the order clients see. */
static const struct model_class *const classes[] = {
	&model_class_system,
	&model_class_pool,
	&model_class_delta_pool,
	&model_class_volume,
	&model_class_service,
	&model_class_repl_caps,
	&model_class_conf_caps,
	&model_class_repl_service,
	&model_class_repl_service_caps,
	&model_class_job,
	&model_class_method_result,
	&model_class_pair,
	&model_assoc_system_volume,
	&model_assoc_hosted_pool,
	&model_assoc_allocated,
	&model_assoc_capabilities,
	&model_assoc_hosted_service,
	&model_assoc_owning_job,
	&model_assoc_affected_job,
	&model_assoc_job_result,
	&model_class_namespace,
	&model_class_object_manager,
	&model_class_profile,
	&model_assoc_conforms,
	&model_assoc_referenced,
	&model_class_ind_filter,
	&model_class_ind_dest,
	&model_class_ind_handler,
	&model_class_ind_sub,
	&model_class_ind_service,
	&model_class_ind_caps,
	&model_assoc_ind_caps,
	&model_assoc_ind_hosted,
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

const char *
model_ns_canon(const char *ns)
{
	if (ns == NULL)
		return NULL;
	if (strcasecmp(ns, MODEL_NS_TPD) == 0)
		return MODEL_NS_TPD;
	if (strcasecmp(ns, "interop") == 0 ||
	    strcasecmp(ns, "root/interop") == 0)
		return MODEL_NS_INTEROP;
	return NULL;
}

size_t
model_class_count(void)
{
	return NCLASSES;
}

const struct model_class *
model_class_at(size_t i)
{
	return i < NCLASSES ? classes[i] : NULL;
}

const struct model_class *
model_class_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NCLASSES; i++)
		if (strcasecmp(classes[i]->name, name) == 0)
			return classes[i];
	return NULL;
}

bool
model_class_isa(const struct model_class *mc, const char *super)
{
	const char *const *s;

	if (strcasecmp(mc->name, super) == 0)
		return true;
	for (s = mc->supers; *s != NULL; s++)
		if (strcasecmp(*s, super) == 0)
			return true;
	/* The repository may know deeper chains than ours. */
	return schema_isa(mc->name, super);
}

bool
model_class_known(const char *name)
{
	size_t i;
	const char *const *s;

	if (name == NULL)
		return false;
	if (schema_class(name) != NULL)
		return true;
	for (i = 0; i < NCLASSES; i++) {
		if (strcasecmp(classes[i]->name, name) == 0)
			return true;
		for (s = classes[i]->supers; *s != NULL; s++)
			if (strcasecmp(*s, name) == 0)
				return true;
	}
	return false;
}

const struct model_class *
model_class_of_kind(enum model_kind k)
{
	size_t i;

	if (k == OBJ_NONE || k == OBJ_ASSOC)
		return NULL;
	for (i = 0; i < NCLASSES; i++)
		if (classes[i]->kind == k)
			return classes[i];
	return NULL;
}

bool
model_obj_equal(const struct model_obj *a, const struct model_obj *b)
{
	const struct model_class *mc;

	if (a->kind != b->kind)
		return false;
	mc = model_class_of_kind(a->kind);
	switch (mc != NULL ? mc->ops->id : MODEL_ID_NONE) {
	case MODEL_ID_VOL:
		return a->vol_id == b->vol_id;
	case MODEL_ID_PAIR:
		return a->src_id == b->src_id && a->tgt_id == b->tgt_id;
	case MODEL_ID_JOB:
		return a->job_id == b->job_id;
	case MODEL_ID_IND:
		return a->ind_id == b->ind_id;
	case MODEL_ID_NAME:
		return a->name != NULL && b->name != NULL &&
		    strcmp(a->name, b->name) == 0;
	default:
		return true;
	}
}

const char *
model_obj_ns(const struct model_obj *o)
{
	const struct model_class *mc = model_class_of_kind(o->kind);

	return mc != NULL ? mc->ns : MODEL_NS_TPD;
}

/* Returns a path owned by c->arena, NULL when full or o is no object. */
struct cim_path *
model_path(struct op_ctx *c, const struct model_obj *o)
{
	const struct model_class *mc = model_class_of_kind(o->kind);

	return mc != NULL ? mc->ops->path(c, o) : NULL;
}

/* Returns the instance of an object in c->arena, NULL if gone or no memory. */
struct cim_instance *
model_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct model_class *mc = model_class_of_kind(o->kind);

	return mc != NULL ? mc->ops->instance(c, o) : NULL;
}

int
model_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	return mc->ops->objects != NULL ? mc->ops->objects(c, mc, fn, arg) : 0;
}
