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

#include "daemon/cim.h"
#include "daemon/schema.h"
#include "replica/replica.h"

static const char *const pnames[P__N] = {
	"InstanceName", "ClassName", "LocalOnly", "DeepInheritance",
	"IncludeQualifiers", "IncludeClassOrigin", "PropertyList",
	"ObjectName", "AssocClass", "ResultClass", "Role", "ResultRole",
};

#define B(x)	(1u << (x))
#define INST_FLAGS (B(P_LOCALONLY) | B(P_QUAL) | B(P_ORIGIN) | B(P_PLIST))

static void op_get_instance(struct cim_ctx *c, struct iargs *a);
static void op_enum_instances(struct cim_ctx *c, struct iargs *a);
static void op_enum_names(struct cim_ctx *c, struct iargs *a);
static void op_delete_instance(struct cim_ctx *c, struct iargs *a);

struct iop {
	const char *name;
	void (*fn)(struct cim_ctx *c, struct iargs *a);
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
arg_one(struct iargs *a, int i, const struct cim_param *p)
{
	switch (i) {
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

/* Returns 0, or writes the ERROR and returns -1. */
static int
parse_args(struct cim_ctx *c, const struct iop *op, struct iargs *a)
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
			cimxml_write_error(c->out, CIM_ERR_NOT_SUPPORTED,
			    "parameter %s is not supported by %s",
			    p->name ? p->name : "(none)", op->name);
			return -1;
		}
		if (a->seen & B(k)) {
			cimxml_write_error(c->out, CIM_ERR_INVALID_PARAMETER,
			    "duplicate parameter %s", pnames[k]);
			return -1;
		}
		a->seen |= B(k);
		if (arg_one(a, k, p) != 0) {
			cimxml_write_error(c->out, CIM_ERR_INVALID_PARAMETER,
			    "parameter %s: wrong kind of value", pnames[k]);
			return -1;
		}
	}
	for (k = 0; k < P__N; k++)
		if ((op->required & B(k)) && (!(a->seen & B(k)) ||
		    (k == P_CLASSNAME && a->cls == NULL))) {
			cimxml_write_error(c->out, CIM_ERR_INVALID_PARAMETER,
			    "missing parameter %s", pnames[k]);
			return -1;
		}
	return 0;
}

/* ------------------------------------------------------------- helpers */

const struct model_class *
intrinsic_class_of(const struct cim_obj *o)
{
	size_t i;

	for (i = 0; i < model_class_count(); i++) {
		const struct model_class *mc = model_class_at(i);

		if (mc->kind == o->kind)
			return mc;
	}
	return NULL;
}

/*
 * With a PropertyList: the names to write (requested + keys), and a NULL
 * property for every requested one the class has but the instance lacks.
 */
static const char *const *
eff_plist(struct cim_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in, size_t *n)
{
	const struct cim_class *cls = schema_class(in->classname);
	const char **names;
	struct cim_prop *np;
	size_t i, j, extra = 0;

	names = cim_arena_alloc(c->arena, (a->nplist + mc->nkeys + 1) *
	    sizeof(*names));
	np = cim_arena_alloc(c->arena, (in->nprops + a->nplist + 1) *
	    sizeof(*np));
	if (names == NULL || np == NULL)
		return NULL;
	memcpy(np, in->props, in->nprops * sizeof(*np));
	*n = 0;
	for (i = 0; i < a->nplist; i++) {
		const struct cim_class_prop *cp;

		if (a->plist[i] == NULL)
			continue;
		names[(*n)++] = a->plist[i];
		for (j = 0; j < in->nprops; j++)
			if (strcasecmp(in->props[j].name, a->plist[i]) == 0)
				break;
		cp = cls != NULL ? schema_prop(cls, a->plist[i]) : NULL;
		if (j < in->nprops || cp == NULL)
			continue;
		memset(&np[in->nprops + extra], 0, sizeof(*np));
		np[in->nprops + extra].name = cp->name;
		np[in->nprops + extra].type = cp->type;
		np[in->nprops + extra].is_array = cp->is_array;
		np[in->nprops + extra].refclass = cp->refclass;
		np[in->nprops + extra].is_null = true;
		extra++;
	}
	for (i = 0; i < mc->nkeys; i++)
		names[(*n)++] = mc->keys[i];
	in->props = np;
	in->nprops += extra;
	return names;
}

/* Write an INSTANCE honouring the PropertyList.  -ENOMEM if it failed. */
int
intrinsic_write_instance(struct cim_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in)
{
	const char *const *names;
	size_t n = 0;

	if (in == NULL)
		return -ENOMEM;
	if (!a->has_plist) {
		cimxml_write_instance(c->out, in, NULL, 0, a->origin == 1);
		return 0;
	}
	names = eff_plist(c, a, mc, in, &n);
	if (names == NULL)
		return -ENOMEM;
	cimxml_write_instance(c->out, in, names, n, a->origin == 1);
	return 0;
}

void
intrinsic_fail(struct cim_ctx *c, size_t mark, int rc)
{
	c->out->len = mark;
	cimxml_write_error(c->out, CIM_ERR_FAILED, "%s", rc == -ENOMEM ?
	    "response too large for the request memory limit" :
	    "internal error");
}

/* -------------------------------------------------------- GetInstance */

/* Resolve InstanceName; writes the error and returns -1 on failure. */
static int
get_target(struct cim_ctx *c, const struct iargs *a, struct cim_obj *o,
    struct cim_link *l)
{
	const struct model_class *mc = model_class_by_name(a->inst->classname);
	int rc;

	if (!model_class_known(a->inst->classname)) {
		cimxml_write_error(c->out, CIM_ERR_INVALID_CLASS,
		    "class %s does not exist", a->inst->classname);
		return -1;
	}
	memset(l, 0, sizeof(*l));
	rc = model_resolve(c, a->inst, o);
	if (rc == 0 && o->kind == OBJ_ASSOC)
		rc = model_resolve_link(c, a->inst, l);
	/* Missing or extra keys match nothing (SPEC.md §1.7): NOT_FOUND. */
	if (rc != 0) {
		cimxml_write_error(c->out, CIM_ERR_NOT_FOUND, "%s %s",
		    rc == -EINVAL ? "wrong key set for" : "no such instance of",
		    mc != NULL ? mc->name : a->inst->classname);
		return -1;
	}
	return 0;
}

static void
op_get_instance(struct cim_ctx *c, struct iargs *a)
{
	size_t mark = c->out->len;
	const struct model_class *mc;
	struct cim_instance *in;
	struct cim_link l;
	struct cim_obj o;
	int rc;

	if (get_target(c, a, &o, &l) != 0)
		return;
	if (o.kind == OBJ_ASSOC) {
		mc = l.assoc;
		in = model_link_instance(c, &l);
	} else {
		mc = intrinsic_class_of(&o);
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

struct enum_arg {
	struct iargs *a;
	const struct model_class *mc;
	bool names;
};

static int
enum_write(struct cim_ctx *c, const struct enum_arg *e, struct cim_path *p,
    struct cim_instance *in)
{
	if (p == NULL)
		return -ENOMEM;
	if (e->names) {
		cimxml_write_path(c->out, p, CIM_PF_INSTANCENAME, c->host,
		    c->ns);
		return 0;
	}
	cim_buf_puts(c->out, "<VALUE.NAMEDINSTANCE>");
	cimxml_write_path(c->out, p, CIM_PF_INSTANCENAME, c->host, c->ns);
	if (intrinsic_write_instance(c, e->a, e->mc, in) != 0)
		return -ENOMEM;
	cim_buf_puts(c->out, "</VALUE.NAMEDINSTANCE>");
	return c->out->oom ? -ENOMEM : 0;
}

static int
enum_obj_cb(struct cim_ctx *c, const struct cim_obj *o, void *arg)
{
	struct enum_arg *e = arg;

	return enum_write(c, e, model_path(c, o),
	    e->names ? NULL : model_instance(c, o));
}

static int
enum_link_cb(struct cim_ctx *c, const struct cim_link *l, void *arg)
{
	struct enum_arg *e = arg;

	return enum_write(c, e, model_link_path(c, l),
	    e->names ? NULL : model_link_instance(c, l));
}

static void
enumerate(struct cim_ctx *c, struct iargs *a, bool names)
{
	struct enum_arg e = { a, NULL, names };
	size_t i, mark = c->out->len;
	int rc = 0;

	if (!model_class_known(a->cls)) {
		cimxml_write_error(c->out, CIM_ERR_INVALID_CLASS,
		    "class %s does not exist", a->cls);
		return;
	}
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	for (i = 0; i < model_class_count() && rc == 0; i++) {
		e.mc = model_class_at(i);
		if (strcmp(e.mc->ns, c->ns) != 0 ||
		    !model_class_isa(e.mc, a->cls))
			continue;
		if (e.mc->role[0] != NULL)
			rc = model_links_all(c, e.mc, enum_link_cb, &e);
		else
			rc = model_objects(c, e.mc, enum_obj_cb, &e);
		/* Between classes: a cheap point to drop the scratch. */
	}
	if (rc != 0) {
		intrinsic_fail(c, mark, rc);
		return;
	}
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

/*
 * DeepInheritance FALSE (DSP0200 §5.3.2.11): instances of subclasses come
 * without the properties the subclasses added.  Done by narrowing the
 * PropertyList to the requested class's properties; -ENOMEM on no memory.
 */
static int
shallow_plist(struct cim_ctx *c, struct iargs *a)
{
	const struct cim_class *cls = schema_class(a->cls);
	const char **names;
	size_t i, j, n = 0;

	if (a->deep != 0 || cls == NULL)
		return 0;
	names = cim_arena_alloc(c->arena, (cls->nprops + 1) * sizeof(*names));
	if (names == NULL)
		return -ENOMEM;
	for (i = 0; i < cls->nprops; i++) {
		for (j = 0; a->has_plist && j < a->nplist; j++)
			if (a->plist[j] != NULL &&
			    strcasecmp(a->plist[j], cls->props[i].name) == 0)
				break;
		if (!a->has_plist || j < a->nplist)
			names[n++] = cls->props[i].name;
	}
	a->has_plist = true;
	a->plist = names;
	a->nplist = n;
	return 0;
}

static void
op_enum_instances(struct cim_ctx *c, struct iargs *a)
{
	if (model_class_known(a->cls) && shallow_plist(c, a) != 0) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return;
	}
	enumerate(c, a, false);
}

static void
op_enum_names(struct cim_ctx *c, struct iargs *a)
{
	enumerate(c, a, true);
}

/* ----------------------------------------------------- DeleteInstance */

static void
op_delete_instance(struct cim_ctx *c, struct iargs *a)
{
	struct cim_link l;
	struct cim_obj o;
	int rc;

	if (c->role < AUTH_EDIT) {
		cimxml_write_error(c->out, CIM_ERR_ACCESS_DENIED,
		    "user %s may not delete instances", c->user ? c->user : "");
		return;
	}
	if (!schema_isa(a->inst->classname, "CIM_ConcreteJob") &&
	    !schema_isa("TPD_ConcreteJob", a->inst->classname)) {
		if (!model_class_known(a->inst->classname))
			cimxml_write_error(c->out, CIM_ERR_INVALID_CLASS,
			    "class %s does not exist", a->inst->classname);
		else
			cimxml_write_error(c->out, CIM_ERR_NOT_SUPPORTED,
			    "DeleteInstance is supported for jobs only");
		return;
	}
	if (get_target(c, a, &o, &l) != 0)
		return;
	if (o.kind != OBJ_JOB) {
		cimxml_write_error(c->out, CIM_ERR_NOT_SUPPORTED,
		    "DeleteInstance is supported for jobs only");
		return;
	}
	rc = replica_job_delete(c->rs, o.job_id);
	if (rc == 0)
		return;		/* void: no IRETURNVALUE */
	if (rc == -ENOENT)
		cimxml_write_error(c->out, CIM_ERR_NOT_FOUND,
		    "no such job");
	else if (rc == -EBUSY)
		cimxml_write_error(c->out, CIM_ERR_FAILED,
		    "job is still queued or running");
	else
		cimxml_write_error(c->out, CIM_ERR_FAILED,
		    "deleting the job failed: %s", strerror(-rc));
}

/* ---------------------------------------------------------- dispatch */

void
cim_intrinsic(struct cim_ctx *c)
{
	const struct iop *op = NULL;
	struct iargs a;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcasecmp(ops[i].name, c->req->method) == 0)
			op = &ops[i];
	if (op == NULL) {
		cimxml_write_error(c->out, CIM_ERR_NOT_SUPPORTED,
		    "operation %s is not supported", c->req->method);
		return;
	}
	if (parse_args(c, op, &a) != 0)
		return;
	op->fn(c, &a);
}
