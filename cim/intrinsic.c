/* SPDX-License-Identifier: ISC */
/*
 * intrinsic.c - the intrinsic CIM operations (CONTRACT.md §3, SPEC.md §1.9,
 * §6.7): parameter checking with DSP0200 defaults, then GetInstance,
 * EnumerateInstances(Names), DeleteInstance of jobs, and dispatch to the
 * association and class operations of intrinsic_assoc.c.  Writes only the
 * content of IMETHODRESPONSE (cimop.c writes the envelope); everything else
 * (CreateInstance, queries, qualifier and pull operations) answers
 * CIM_ERR_NOT_SUPPORTED.
 *
 * Parameter rules chosen here: names compare case-insensitively; an unknown
 * name gives CIM_ERR_NOT_SUPPORTED (Pegasus, SPEC.md §1.9); a duplicate, a
 * missing required one or a value of the wrong kind gives
 * CIM_ERR_INVALID_PARAMETER.  LocalOnly is ignored for instances (CLIENTS.md
 * §4 item 34); PropertyList always brings the keys along.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/errmap.h"
#include "cim/intrinsic_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

static const char *const pnames[P__N] = {
	"InstanceName", "ClassName", "LocalOnly", "DeepInheritance",
	"IncludeQualifiers", "IncludeClassOrigin", "PropertyList",
	"ObjectName", "AssocClass", "ResultClass", "Role", "ResultRole",
	"NewInstance", "ModifiedInstance",
};

#define B(x)	(1u << (x))
#define INST_FLAGS (B(P_LOCALONLY) | B(P_QUAL) | B(P_ORIGIN) | B(P_PLIST))

static void op_get_instance(struct op_ctx *c, struct iargs *a);
static void op_enum_instances(struct op_ctx *c, struct iargs *a);
static void op_enum_names(struct op_ctx *c, struct iargs *a);
static void op_delete_instance(struct op_ctx *c, struct iargs *a);

struct iop {
	const char *name;
	void (*fn)(struct op_ctx *c, struct iargs *a);
	unsigned allowed, required;
};

static const struct iop ops[] = {
	{ "GetInstance", op_get_instance, B(P_INSTANCENAME) | INST_FLAGS,
	    B(P_INSTANCENAME) },
	{ "EnumerateInstances", op_enum_instances, B(P_CLASSNAME) |
	    B(P_DEEP) | INST_FLAGS, B(P_CLASSNAME) },
	{ "EnumerateInstanceNames", op_enum_names, B(P_CLASSNAME),
	    B(P_CLASSNAME) },
	{ "Associators", intrinsic_associators, B(P_OBJECTNAME) |
	    B(P_ASSOCCLASS) | B(P_RESULTCLASS) | B(P_ROLE) | B(P_RESULTROLE) |
	    B(P_QUAL) | B(P_ORIGIN) | B(P_PLIST), B(P_OBJECTNAME) },
	{ "AssociatorNames", intrinsic_associator_names, B(P_OBJECTNAME) |
	    B(P_ASSOCCLASS) | B(P_RESULTCLASS) | B(P_ROLE) | B(P_RESULTROLE),
	    B(P_OBJECTNAME) },
	{ "References", intrinsic_references, B(P_OBJECTNAME) |
	    B(P_RESULTCLASS) | B(P_ROLE) | B(P_QUAL) | B(P_ORIGIN) |
	    B(P_PLIST), B(P_OBJECTNAME) },
	{ "ReferenceNames", intrinsic_reference_names, B(P_OBJECTNAME) |
	    B(P_RESULTCLASS) | B(P_ROLE), B(P_OBJECTNAME) },
	{ "GetClass", intrinsic_get_class, B(P_CLASSNAME) | INST_FLAGS,
	    B(P_CLASSNAME) },
	{ "EnumerateClassNames", intrinsic_enum_class_names, B(P_CLASSNAME) |
	    B(P_DEEP), 0 },
	{ "EnumerateClasses", intrinsic_enum_classes, B(P_CLASSNAME) |
	    B(P_DEEP) | INST_FLAGS, 0 },
	{ "DeleteInstance", op_delete_instance, B(P_INSTANCENAME),
	    B(P_INSTANCENAME) },
	/* Their instance is checked by the handler, after the namespace. */
	{ "CreateInstance", intrinsic_create_instance, B(P_NEWINSTANCE), 0 },
	{ "ModifyInstance", intrinsic_modify_instance, B(P_MODIFIEDINSTANCE) |
	    B(P_QUAL) | B(P_PLIST), 0 },
};

/* ---------------------------------------------------------- parameters */

static int
arg_bool(const struct cim_param *p, int *out)
{
	bool v;

	if (p->value.kind == CIM_V_NULL)
		return 0;	/* default applies */
	if (p->value.kind != CIM_V_SCALAR || cim_parse_bool(p->value.text,
	    &v) != 0)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
arg_class(const struct cim_param *p, const char **out)
{
	if (p->value.kind == CIM_V_NULL)
		return 0;
	if (p->value.kind != CIM_V_CLASSNAME || p->value.text == NULL ||
	    p->value.text[0] == '\0')
		return -EINVAL;
	*out = p->value.text;
	return 0;
}

static int
arg_string(const struct cim_param *p, const char **out)
{
	if (p->value.kind == CIM_V_NULL)
		return 0;
	if (p->value.kind != CIM_V_SCALAR || p->value.text == NULL)
		return -EINVAL;
	*out = p->value.text;
	return 0;
}

static int
arg_plist(struct iargs *a, const struct cim_param *p)
{
	if (p->value.kind == CIM_V_NULL)
		return 0;
	if (p->value.kind != CIM_V_ARRAY)
		return -EINVAL;
	a->has_plist = true;
	a->plist = p->value.items;
	a->nplist = p->value.n;
	return 0;
}

static int
arg_path(struct iargs *a, const struct cim_param *p, bool class_ok)
{
	if (p->value.kind == CIM_V_CLASSNAME && class_ok &&
	    p->value.text != NULL) {
		a->objclass = true;
		a->cls = p->value.text;
		return 0;
	}
	if (p->value.kind != CIM_V_REF || p->value.ref == NULL ||
	    p->value.ref->is_class || p->value.ref->classname == NULL)
		return -EINVAL;
	a->inst = p->value.ref;
	return 0;
}

static int
arg_instance(struct iargs *a, const struct cim_param *p, bool named)
{
	if (p->value.kind != CIM_V_INSTANCE || p->value.inst == NULL ||
	    (named != (p->value.ref != NULL)))
		return -EINVAL;
	a->newinst = p->value.inst;
	if (named)
		a->inst = p->value.ref;
	return 0;
}

static int
arg_one(struct iargs *a, int i, const struct cim_param *p)
{
	switch (i) {
	case P_NEWINSTANCE:
		return arg_instance(a, p, false);
	case P_MODIFIEDINSTANCE:
		return arg_instance(a, p, true);
	case P_INSTANCENAME:
		return arg_path(a, p, false);
	case P_OBJECTNAME:
		return arg_path(a, p, true);
	case P_CLASSNAME:
		return arg_class(p, &a->cls);
	case P_ASSOCCLASS:
		return arg_class(p, &a->assoc);
	case P_RESULTCLASS:
		return arg_class(p, &a->result);
	case P_ROLE:
		return arg_string(p, &a->role);
	case P_RESULTROLE:
		return arg_string(p, &a->rrole);
	case P_PLIST:
		return arg_plist(a, p);
	case P_LOCALONLY:
		return arg_bool(p, &a->local_only);
	case P_DEEP:
		return arg_bool(p, &a->deep);
	case P_QUAL:
		return arg_bool(p, &a->qual);
	default:
		return arg_bool(p, &a->origin);
	}
}

/*
 * PropertyList length (issue 8): no class has more than ~100 properties
 * and the longest list a real client sends has ~20 names (CLIENTS.md §4.8),
 * so conf max_property_list (1024 by default) only stops lists made to
 * cost time.  DSP0200 lists INVALID_PARAMETER ("one or more parameter
 * values passed to the method were invalid") for every operation that
 * takes a PropertyList; CIM_ERR_SERVER_LIMITS_EXCEEDED is defined for the
 * pull operations only and unknown to older clients.  Within the limit
 * the list becomes a sorted set once per request.
 */
static int
check_plist(struct op_ctx *c, struct iargs *a)
{
	unsigned max = c->conf != NULL ? c->conf->max_property_list : 0;

	if (max != 0 && a->nplist > max) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "PropertyList has %zu entries; at most %u are accepted "
		    "(max_property_list)", a->nplist, max);
		return -1;
	}
	if (intrinsic_set_plist(c, a, a->plist, a->nplist) != 0) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return -1;
	}
	return 0;
}

/* Returns 0, or writes the ERROR and returns -1. */
static int
parse_args(struct op_ctx *c, const struct iop *op, struct iargs *a)
{
	const struct cim_request *r = c->req;
	size_t i;
	int k;

	memset(a, 0, sizeof(*a));
	a->local_only = a->deep = a->qual = a->origin = -1;
	for (i = 0; i < r->nparams; i++) {
		const struct cim_param *p = &r->params[i];

		for (k = 0; k < P__N; k++)
			if (p->name && strcasecmp(p->name, pnames[k]) == 0)
				break;
		if (k == P__N || !(op->allowed & B(k))) {
			op_error(c, CIM_ERR_NOT_SUPPORTED,
			    "parameter %s is not supported by %s",
			    p->name ? p->name : "(none)", op->name);
			return -1;
		}
		if (a->seen & B(k)) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "duplicate parameter %s", pnames[k]);
			return -1;
		}
		a->seen |= B(k);
		if (arg_one(a, k, p) != 0) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "parameter %s: wrong kind of value", pnames[k]);
			return -1;
		}
	}
	for (k = 0; k < P__N; k++)
		if ((op->required & B(k)) && (!(a->seen & B(k)) ||
		    (k == P_CLASSNAME && a->cls == NULL))) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "missing parameter %s", pnames[k]);
			return -1;
		}
	return a->has_plist ? check_plist(c, a) : 0;
}

/* ------------------------------------------------------------- helpers */

int
intrinsic_set_plist(struct op_ctx *c, struct iargs *a,
    const char *const *names, size_t n)
{
	a->has_plist = true;
	a->plist = names;
	a->nplist = n;
	return plist_build(c->arena, names, n, &a->pset);
}

static bool
is_key(const struct model_class *mc, const char *name)
{
	size_t i;

	for (i = 0; i < mc->nkeys; i++)
		if (strcasecmp(mc->keys[i], name) == 0)
			return true;
	return false;
}

/*
 * With a PropertyList: the instance reduced to the requested properties
 * and the keys, plus a NULL property for every requested one the class has
 * but the instance lacks.  O((properties + class properties) log n) per
 * instance; a->pset.seen marks the requested names the instance had and is
 * cleared again before returning.
 */
static int
plist_filter(struct op_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in)
{
	const struct cim_class *cls = schema_class(in->classname);
	size_t ncls = cls != NULL ? cls->nprops : 0;
	size_t i, n = 0, nhit = 0;
	struct cim_prop *np;
	long *hit;
	long k;

	np = cim_arena_alloc(c->arena, (in->nprops + ncls + 1) * sizeof(*np));
	hit = cim_arena_alloc(c->arena, (in->nprops + ncls + 1) *
	    sizeof(*hit));
	if (np == NULL || hit == NULL)
		return -ENOMEM;
	for (i = 0; i < in->nprops; i++) {
		const struct cim_prop *p = &in->props[i];

		if (p->name == NULL)
			continue;
		k = plist_find(&a->pset, p->name);
		if (k >= 0 && !a->pset.seen[k]) {
			a->pset.seen[k] = true;
			hit[nhit++] = k;
		}
		if (k >= 0 || is_key(mc, p->name))
			np[n++] = *p;
	}
	for (i = 0; i < ncls; i++) {
		const struct cim_class_prop *cp = &cls->props[i];

		k = plist_find(&a->pset, cp->name);
		if (k < 0 || a->pset.seen[k])
			continue;
		a->pset.seen[k] = true;
		hit[nhit++] = k;
		memset(&np[n], 0, sizeof(*np));
		np[n].name = cp->name;
		np[n].type = cp->type;
		np[n].is_array = cp->is_array;
		np[n].refclass = cp->refclass;
		np[n].is_null = true;
		n++;
	}
	while (nhit > 0)
		a->pset.seen[hit[--nhit]] = false;
	in->props = np;
	in->nprops = n;
	return 0;
}

/* Write an INSTANCE honouring the PropertyList.  -ENOMEM if it failed. */
int
intrinsic_write_instance(struct op_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in)
{
	if (in == NULL)
		return -ENOMEM;
	if (a->has_plist && plist_filter(c, a, mc, in) != 0)
		return -ENOMEM;
	cimxml_write_instance(c->out, in, NULL, 0, a->origin == 1);
	return 0;
}

void
intrinsic_fail(struct op_ctx *c, size_t mark, int rc)
{
	c->out->len = mark;
	/* -ENOMEM here is the request's capped arena, not the heap. */
	op_error(c, errmap_status(rc), "%s", rc == -ENOMEM ?
	    "response too large for the request memory limit" :
	    "internal error");
}

/* -------------------------------------------------------- GetInstance */

/* Resolve InstanceName; writes the error and returns -1 on failure. */
static int
get_target(struct op_ctx *c, const struct iargs *a, struct model_obj *o,
    struct model_link *l)
{
	const struct model_class *mc = model_class_by_name(a->inst->classname);
	int rc;

	if (!model_class_known(a->inst->classname)) {
		op_error(c, CIM_ERR_INVALID_CLASS,
		    "class %s does not exist", a->inst->classname);
		return -1;
	}
	memset(l, 0, sizeof(*l));
	rc = model_resolve(c, a->inst, o);
	if (rc == 0 && o->kind == OBJ_ASSOC)
		rc = model_resolve_link(c, a->inst, l);
	/* Missing or extra keys match nothing (SPEC.md §1.7): NOT_FOUND. */
	if (rc != 0) {
		op_error(c, CIM_ERR_NOT_FOUND, "%s %s",
		    rc == -EINVAL ? "wrong key set for" : "no such instance of",
		    mc != NULL ? mc->name : a->inst->classname);
		return -1;
	}
	return 0;
}

static void
op_get_instance(struct op_ctx *c, struct iargs *a)
{
	size_t mark = c->out->len;
	const struct model_class *mc;
	struct cim_instance *in;
	struct model_link l;
	struct model_obj o;
	int rc;

	if (get_target(c, a, &o, &l) != 0)
		return;
	if (o.kind == OBJ_ASSOC) {
		mc = l.assoc;
		in = model_link_instance(c, &l);
	} else {
		mc = model_class_of_kind(o.kind);
		in = model_instance(c, &o);
	}
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	rc = intrinsic_write_instance(c, a, mc, in);
	if (rc != 0) {
		intrinsic_fail(c, mark, rc);
		return;
	}
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

/* ------------------------------------------------- EnumerateInstances */

/*
 * DeepInheritance FALSE (DSP0200 §5.3.2.11): instances of subclasses come
 * without the properties the subclasses added.  Done by narrowing the
 * PropertyList to the requested class's properties; -ENOMEM on no memory.
 */
static int
shallow_plist(struct op_ctx *c, struct iargs *a)
{
	const struct cim_class *cls = schema_class(a->cls);
	const char **names;
	size_t i, n = 0;

	if (a->deep != 0 || cls == NULL)
		return 0;
	names = cim_arena_alloc(c->arena, (cls->nprops + 1) * sizeof(*names));
	if (names == NULL)
		return -ENOMEM;
	for (i = 0; i < cls->nprops; i++)
		if (!a->has_plist ||
		    plist_find(&a->pset, cls->props[i].name) >= 0)
			names[n++] = cls->props[i].name;
	return intrinsic_set_plist(c, a, names, n);
}

static void
op_enum_instances(struct op_ctx *c, struct iargs *a)
{
	if (model_class_known(a->cls) && shallow_plist(c, a) != 0) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return;
	}
	intrinsic_enumerate(c, a, false);
}

static void
op_enum_names(struct op_ctx *c, struct iargs *a)
{
	intrinsic_enumerate(c, a, true);
}

/* ----------------------------------------------------- DeleteInstance */

static void
op_delete_instance(struct op_ctx *c, struct iargs *a)
{
	struct model_link l;
	struct model_obj o;
	int rc;

	if (c->role < OP_ROLE_EDIT) {
		op_error(c, CIM_ERR_ACCESS_DENIED,
		    "user %s may not delete instances", c->user ? c->user : "");
		return;
	}
	if (intrinsic_indic_delete(c, a))
		return;
	if (!schema_isa(a->inst->classname, "CIM_ConcreteJob") &&
	    !schema_isa("TPD_ConcreteJob", a->inst->classname)) {
		if (!model_class_known(a->inst->classname))
			op_error(c, CIM_ERR_INVALID_CLASS,
			    "class %s does not exist", a->inst->classname);
		else
			op_error(c, CIM_ERR_NOT_SUPPORTED,
			    "DeleteInstance is supported for jobs only");
		return;
	}
	if (get_target(c, a, &o, &l) != 0)
		return;
	if (o.kind != OBJ_JOB) {
		op_error(c, CIM_ERR_NOT_SUPPORTED,
		    "DeleteInstance is supported for jobs only");
		return;
	}
	rc = replica_job_delete(c->rs, o.job_id);
	if (rc == 0)
		return;		/* void: no IRETURNVALUE */
	/* replica.h: -EBUSY is a job still New or Running. */
	if (rc == -EBUSY)
		op_error(c, errmap_status(rc),
		    "job is still queued or running");
	else
		op_errno(c, rc, "deleting the job failed");
}

/* ---------------------------------------------------------- dispatch */

void
op_intrinsic(struct op_ctx *c)
{
	const struct iop *op = NULL;
	struct iargs a;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcasecmp(ops[i].name, c->req->method) == 0)
			op = &ops[i];
	if (op == NULL) {
		op_error(c, CIM_ERR_NOT_SUPPORTED,
		    "operation %s is not supported", c->req->method);
		return;
	}
	if (parse_args(c, op, &a) != 0)
		return;
	op->fn(c, &a);
}
