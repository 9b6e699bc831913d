/* SPDX-License-Identifier: ISC */
/*
 * model_assoc.c - the association instances between the model's objects
 * (SPEC.md §4.5, CLIENTS.md §2.6): system-volume, system-pool,
 * pool-volume (exactly one pool per volume), element capabilities, hosted
 * service, the three job associations (AffectedJobElement lists the target
 * volume first), replica pairs, and the interop profile associations
 * (ElementConformsToProfile crosses into root/tpd).  Each association
 * class is defined here with its roles and the generator of its links
 * (the pair's, whose instances are objects, is model_pair.c's).  Generated
 * on demand from replica/conf state; nothing is stored or changed here.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "replica/replica.h"

struct model_obj
model_obj_make(enum model_kind k)
{
	struct model_obj o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	return o;
}

int
model_gen_emit(struct model_gen *g, struct model_obj a, struct model_obj b)
{
	g->l.assoc = g->mc;
	g->l.end[0] = a;
	g->l.end[1] = b;
	return g->fn(g->c, &g->l, g->arg);
}

/* The one pool a volume is allocated from (kind OBJ_NONE if none). */
static struct model_obj
pool_of(const struct op_ctx *c, const struct rvolume *v)
{
	struct model_obj p = model_obj_make(OBJ_NONE);
	const struct conf_pool *cp;

	if (v->is_snapshot && replica_volume_by_id(c->rs, v->parent_id)) {
		p.kind = OBJ_DELTA_POOL;
		p.vol_id = v->parent_id;
	} else if ((cp = model_conf_pool(c, v->pool)) != NULL) {
		p.kind = OBJ_POOL;
		p.name = cp->name;
	}
	return p;
}

/* Callback state for links built from an object enumeration. */
struct objgen {
	struct model_gen *g;
	struct model_obj other;
	bool other_first;
};

static int
objgen_cb(struct op_ctx *c, const struct model_obj *o, void *arg)
{
	struct objgen *og = arg;

	(void)c;
	return og->other_first ? model_gen_emit(og->g, og->other, *o) :
	    model_gen_emit(og->g, *o, og->other);
}

/* A link from `other` to every object of class mc. */
static int
gen_fan(struct model_gen *g, const struct model_class *mc,
    struct model_obj other, bool first)
{
	struct objgen og = { g, other, first };

	return model_objects(g->c, mc, objgen_cb, &og);
}

/* Each volume with its system, or (alloc) with the one pool it is from. */
static int
gen_volumes(struct model_gen *g, bool alloc)
{
	size_t i, n = replica_volume_count(g->c->rs);
	struct model_obj v = model_obj_make(OBJ_VOLUME), p;
	int rc;

	for (i = 0; i < n; i++) {
		const struct rvolume *rv = replica_volume_at(g->c->rs, i);

		v.vol_id = rv->id;
		if (!alloc) {
			rc = model_gen_emit(g, model_obj_make(OBJ_SYSTEM), v);
		} else {
			p = pool_of(g->c, rv);
			rc = p.kind == OBJ_NONE ? 0 : model_gen_emit(g, p, v);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
gen_system_volume(struct model_gen *g)
{
	return gen_volumes(g, false);
}

static int
gen_allocated(struct model_gen *g)
{
	return gen_volumes(g, true);
}

static int
gen_hosted_pool(struct model_gen *g)
{
	struct model_obj sys = model_obj_make(OBJ_SYSTEM);
	int rc;

	rc = gen_fan(g, &model_class_pool, sys, true);
	return rc ? rc : gen_fan(g, &model_class_delta_pool, sys, true);
}

/* Job associations; which: 0 owning, 1 affected, 2 method result. */
static int
gen_jobs(struct model_gen *g, int which)
{
	size_t i, n = replica_job_count(g->c->rs);
	struct model_obj j = model_obj_make(OBJ_JOB), v = model_obj_make(OBJ_VOLUME);
	struct model_obj mr = model_obj_make(OBJ_METHOD_RESULT);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const struct rjob *rj = replica_job_at(g->c->rs, i);

		if (rj->hidden)
			continue;
		j.job_id = mr.job_id = rj->id;
		if (which == 0) {
			rc = model_gen_emit(g, model_obj_make(OBJ_SERVICE), j);
		} else if (which == 2) {
			rc = model_gen_emit(g, j, mr);
		} else {
			/* Target first: smispy takes the first as the result. */
			v.vol_id = rj->tgt_id;
			if (replica_volume_by_id(g->c->rs, rj->tgt_id))
				rc = model_gen_emit(g, v, j);
			v.vol_id = rj->src_id;
			if (rc == 0 && rj->src_id != rj->tgt_id &&
			    replica_volume_by_id(g->c->rs, rj->src_id))
				rc = model_gen_emit(g, v, j);
		}
	}
	return rc;
}

static int
gen_owning_job(struct model_gen *g)
{
	return gen_jobs(g, 0);
}

static int
gen_affected_job(struct model_gen *g)
{
	return gen_jobs(g, 1);
}

static int
gen_job_result(struct model_gen *g)
{
	return gen_jobs(g, 2);
}

static struct model_obj
named(enum model_kind k, const char *name)
{
	struct model_obj o = model_obj_make(k);

	o.name = name;
	return o;
}

static int
gen_capabilities(struct model_gen *g)
{
	struct model_obj svc = model_obj_make(OBJ_SERVICE);
	struct model_obj scc = named(OBJ_CONF_CAPS, "SCC");
	int rc;

	if ((rc = model_gen_emit(g, svc, scc)) != 0 ||
	    (rc = model_gen_emit(g, svc, named(OBJ_REPL_CAPS,
	    "UnSyncAssoc-Delta"))) ||
	    (rc = model_gen_emit(g, svc, named(OBJ_REPL_CAPS,
	    "UnSyncUnAssoc"))))
		return rc;
	if ((rc = gen_fan(g, &model_class_pool, scc, false)) != 0)
		return rc;
	/* Exactly one for the ReplicationService (smispy takes [0]). */
	return model_repl_enabled(g->c) ? model_gen_emit(g,
	    model_obj_make(OBJ_REPL_SERVICE), named(OBJ_RS_CAPS, "RSC")) : 0;
}

static int
gen_hosted_service(struct model_gen *g)
{
	int rc = model_gen_emit(g, model_obj_make(OBJ_SYSTEM),
	    model_obj_make(OBJ_SERVICE));

	return rc == 0 && model_repl_enabled(g->c) ? model_gen_emit(g,
	    model_obj_make(OBJ_SYSTEM), model_obj_make(OBJ_REPL_SERVICE)) : rc;
}

static int
gen_conforms(struct model_gen *g)
{
	int rc;

	rc = model_gen_emit(g, named(OBJ_PROFILE, "Array"),
	    model_obj_make(OBJ_SYSTEM));
	if (rc == 0)
		rc = model_gen_emit(g, named(OBJ_PROFILE, "Server"),
		    model_obj_make(OBJ_OBJECT_MANAGER));
	/* Block Services' central class is the storage pool (SMI-S Block). */
	if (rc == 0)
		rc = gen_fan(g, &model_class_pool,
		    named(OBJ_PROFILE, "BlockServices"), true);
	/* Replication Services': the ReplicationService. */
	if (rc == 0 && model_repl_enabled(g->c))
		rc = model_gen_emit(g, named(OBJ_PROFILE,
		    "ReplicationServices"), model_obj_make(OBJ_REPL_SERVICE));
	/* DSP1054: the Indications profile's central class is the service. */
	return rc == 0 && model_ind_enabled(g->c) ? model_gen_emit(g,
	    named(OBJ_PROFILE, "Indications"), model_obj_make(OBJ_IND_SERVICE)) :
	    rc;
}

/* SNIA direction: Antecedent the autonomous Array, Dependent the parts. */
static int
gen_referenced(struct model_gen *g)
{
	static const char *const parts[] = { "BlockServices", "CopyServices",
	    "JobControl", "ReplicationServices" };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(parts) / sizeof(parts[0]);
	    i++) {
		if (strcmp(parts[i], "ReplicationServices") == 0 &&
		    !model_repl_enabled(g->c))
			continue;
		rc = model_gen_emit(g, named(OBJ_PROFILE, "Array"),
		    named(OBJ_PROFILE, parts[i]));
	}
	return rc;
}

static bool
is_assoc(const struct model_class *mc)
{
	return mc->role[0] != NULL;
}

int
model_links_all(struct op_ctx *c, const struct model_class *mc,
    model_link_fn fn, void *arg)
{
	struct model_gen g = { c, mc, fn, arg, { 0 } };
	size_t i;
	int rc;

	if (mc != NULL)
		return is_assoc(mc) ? mc->ops->links(&g) : 0;
	for (i = 0; i < model_class_count(); i++) {
		g.mc = model_class_at(i);
		if (is_assoc(g.mc) && (rc = g.mc->ops->links(&g)) != 0)
			return rc;
	}
	return 0;
}

struct of_arg {
	const struct model_obj *o;
	model_link_fn fn;
	void *arg;
};

static int
of_cb(struct op_ctx *c, const struct model_link *l, void *arg)
{
	struct of_arg *a = arg;

	if (!model_obj_equal(&l->end[0], a->o) &&
	    !model_obj_equal(&l->end[1], a->o))
		return 0;
	return a->fn(c, l, a->arg);
}

/* Could an association of class mc reference object o? */
static bool
may_touch(const struct model_class *mc, const struct model_obj *o)
{
	/*
	 * ElementConformsToProfile crosses over (interop profile -> root/tpd
	 * element) for every conforming element, not only the system: the
	 * Replication Services profile conforms through the ReplicationService
	 * and Block Services through the pools, and AssociatorNames from those
	 * ends must find their profile too (found by 210; it was system-only).
	 */
	if (o->kind == OBJ_SYSTEM || mc == &model_assoc_conforms)
		return true;
	return strcmp(mc->ns, model_obj_ns(o)) == 0;
}

int
model_links_of(struct op_ctx *c, const struct model_obj *o, model_link_fn fn,
    void *arg)
{
	struct of_arg a = { o, fn, arg };
	const struct model_class *mc;
	size_t i;
	int rc;

	for (i = 0; i < model_class_count(); i++) {
		mc = model_class_at(i);
		if (!is_assoc(mc) || !may_touch(mc, o))
			continue;
		if ((rc = model_links_all(c, mc, of_cb, &a)) != 0)
			return rc;
	}
	return 0;
}

struct cim_path *
model_link_path(struct op_ctx *c, const struct model_link *l)
{
	struct cim_path *p, *a, *b;

	a = model_path(c, &l->end[0]);
	b = model_path(c, &l->end[1]);
	if (a == NULL || b == NULL)
		return NULL;
	p = model_path_new(c, l->assoc->name, l->assoc->ns, 2);
	if (p == NULL)
		return NULL;
	model_path_keyref(p, l->assoc->role[0], a);
	model_path_keyref(p, l->assoc->role[1], b);
	return p;
}

struct cim_instance *
model_link_instance(struct op_ctx *c, const struct model_link *l)
{
	struct model_ib b;
	struct model_obj pair;

	if (l->assoc->kind == OBJ_IND_SUB)
		return model_ind_sub_instance(c, l);
	if (l->assoc->kind == OBJ_PAIR) {
		pair = model_obj_make(OBJ_PAIR);
		pair.classname = l->assoc->name;
		pair.src_id = l->end[0].vol_id;
		pair.tgt_id = l->end[1].vol_id;
		return model_instance(c, &pair);
	}
	model_ib_init(&b, c, l->assoc->name, 2);
	model_ib_ref(&b, l->assoc->role[0], l->assoc->refclass[0],
	    model_path(c, &l->end[0]));
	model_ib_ref(&b, l->assoc->role[1], l->assoc->refclass[1],
	    model_path(c, &l->end[1]));
	return model_ib_done(&b);
}

struct find_arg {
	const struct model_link *want;
	bool found;
};

static int
find_cb(struct op_ctx *c, const struct model_link *l, void *arg)
{
	struct find_arg *f = arg;

	(void)c;
	if (model_obj_equal(&l->end[0], &f->want->end[0]) &&
	    model_obj_equal(&l->end[1], &f->want->end[1])) {
		f->found = true;
		return 1;
	}
	return 0;
}

static int
resolve_link_as(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_link *out)
{
	struct find_arg f;
	int i, rc;

	if (p->nkeys != 2)
		return -EINVAL;
	for (i = 0; i < 2; i++) {
		const struct cim_keybinding *k = cim_path_key(p, mc->role[i]);

		if (k == NULL || k->kind != CIM_KEY_REF || k->ref == NULL)
			return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		rc = model_resolve(c, cim_path_key(p, mc->role[i])->ref,
		    &out->end[i]);
		if (rc != 0)
			return -ENOENT;
	}
	out->assoc = mc;
	f.want = out;
	f.found = false;
	/* The ctx is the request's; only its arena is written here. */
	model_links_all((struct op_ctx *)c, mc, find_cb, &f);
	return f.found ? 0 : -ENOENT;
}

/*
 * Every association here exists exactly when both its ends do (they are
 * generated from the objects: a volume's system, pool and jobs, a job's
 * method result, fixed capabilities and profiles), except a pair, which
 * needs the pair itself.  Cheaper than model_resolve_link(), which
 * generates every link of the class.
 */
bool
model_link_exists(struct op_ctx *c, const struct model_link *l)
{
	struct cim_path *p;
	struct model_obj o;
	int i;

	for (i = 0; i < 2; i++) {
		p = model_path(c, &l->end[i]);
		if (p == NULL || model_resolve(c, p, &o) != 0)
			return false;
	}
	if (l->assoc->kind == OBJ_IND_SUB)
		return model_ind_sub_exists(c, l);
	return l->assoc->kind != OBJ_PAIR || replica_pair_find(c->rs,
	    l->end[0].vol_id, l->end[1].vol_id) != NULL;
}

int
model_resolve_link(const struct op_ctx *c, const struct cim_path *p,
    struct model_link *out)
{
	const char *ns = p->ns != NULL ? model_ns_canon(p->ns) : c->ns;
	bool notfound = false;
	size_t i;
	int rc;

	if (ns == NULL || p->classname == NULL)
		return -ENOENT;
	for (i = 0; i < model_class_count(); i++) {
		const struct model_class *mc = model_class_at(i);

		if (!is_assoc(mc) || strcmp(mc->ns, ns) != 0 ||
		    !model_class_isa(mc, p->classname))
			continue;
		rc = resolve_link_as(c, mc, p, out);
		if (rc == 0)
			return 0;
		if (rc == -ENOENT)
			notfound = true;
	}
	return notfound ? -ENOENT : -EINVAL;
}

/* ------------------------------------------------------------ classes */

/* An association path names a link: model_resolve_link() checks it. */
int
model_assoc_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	struct model_link l;

	(void)mc, (void)o;
	return model_resolve_link(c, p, &l);
}

/* An association class: its two roles (also its keys) and generator. */
#define ASSOC(var, n, ns_, r0, r1, rc0, rc1, sup, gen) \
	static const char *const var##_keys[] = { r0, r1 }; \
	static const struct model_ops var##_ops = { \
		.resolve = model_assoc_resolve, .links = (gen) }; \
	const struct model_class var = { .name = (n), .ns = (ns_), \
		.kind = OBJ_ASSOC, .nkeys = 2, .keys = var##_keys, \
		.supers = (sup), .role = { r0, r1 }, .refclass = { rc0, rc1 }, \
		.ops = &var##_ops }

static const char *const s_sv[] = { "CIM_SystemDevice", "CIM_SystemComponent",
	"CIM_Component", NULL };
static const char *const s_hsp[] = { "CIM_HostedStoragePool",
	"CIM_SystemComponent", "CIM_Component", NULL };
static const char *const s_afsp[] = { "CIM_AllocatedFromStoragePool",
	"CIM_Dependency", NULL };
static const char *const s_ec[] = { "CIM_ElementCapabilities", NULL };
static const char *const s_hs[] = { "CIM_HostedService",
	"CIM_HostedDependency", "CIM_Dependency", NULL };
static const char *const s_oje[] = { "CIM_OwningJobElement", NULL };
static const char *const s_aje[] = { "CIM_AffectedJobElement", NULL };
static const char *const s_ajmr[] = { "CIM_AssociatedJobMethodResult", NULL };
static const char *const s_none[] = { NULL };
static const char *const s_rprof[] = { "CIM_Dependency", NULL };

ASSOC(model_assoc_system_volume, "TPD_SystemVolume", MODEL_NS_TPD,
    "GroupComponent", "PartComponent", "CIM_System", "CIM_LogicalDevice",
    s_sv, gen_system_volume);
ASSOC(model_assoc_hosted_pool, "TPD_HostedStoragePool", MODEL_NS_TPD,
    "GroupComponent", "PartComponent", "CIM_System", "CIM_StoragePool",
    s_hsp, gen_hosted_pool);
ASSOC(model_assoc_allocated, "TPD_AllocatedFromStoragePool", MODEL_NS_TPD,
    "Antecedent", "Dependent", "CIM_StoragePool", "CIM_StorageVolume",
    s_afsp, gen_allocated);
ASSOC(model_assoc_capabilities, "TPD_ElementCapabilities", MODEL_NS_TPD,
    "ManagedElement", "Capabilities", "CIM_ManagedElement",
    "CIM_Capabilities", s_ec, gen_capabilities);
ASSOC(model_assoc_hosted_service, "TPD_HostedService", MODEL_NS_TPD,
    "Antecedent", "Dependent", "CIM_System", "CIM_Service", s_hs,
    gen_hosted_service);
ASSOC(model_assoc_owning_job, "TPD_OwningJobElement", MODEL_NS_TPD,
    "OwningElement", "OwnedElement", "CIM_ManagedElement", "CIM_Job", s_oje,
    gen_owning_job);
ASSOC(model_assoc_affected_job, "TPD_AffectedJobElement", MODEL_NS_TPD,
    "AffectedElement", "AffectingElement", "CIM_ManagedElement", "CIM_Job",
    s_aje, gen_affected_job);
ASSOC(model_assoc_job_result, "TPD_AssociatedJobMethodResult", MODEL_NS_TPD,
    "Job", "JobParameters", "CIM_ConcreteJob", "CIM_MethodResult", s_ajmr,
    gen_job_result);
ASSOC(model_assoc_conforms, "CIM_ElementConformsToProfile", MODEL_NS_INTEROP,
    "ConformantStandard", "ManagedElement", "CIM_RegisteredProfile",
    "CIM_ManagedElement", s_none, gen_conforms);
ASSOC(model_assoc_referenced, "CIM_ReferencedProfile", MODEL_NS_INTEROP,
    "Antecedent", "Dependent", "CIM_RegisteredProfile",
    "CIM_RegisteredProfile", s_rprof, gen_referenced);
