/* SPDX-License-Identifier: ISC */
/*
 * model.c - which CIM classes arrayd has instances of, and how their object
 * paths map to the array's objects: the class table (keys, namespace,
 * superclass chain) and path building.  Resolution and enumeration are in
 * model_resolve.c, instances in model_inst.c and model_job.c, association
 * instances in model_assoc.c.  Nothing here writes XML or changes replica
 * state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

#define S_SYS	"TPD_StorageSystem"

/* Reference keys of associations, also their roles (class table). */
#define ROLES_k_pair "SystemElement", "SyncedElement"
#define ROLES_k_gp "GroupComponent", "PartComponent"
#define ROLES_k_ad "Antecedent", "Dependent"
#define ROLES_k_ec "ManagedElement", "Capabilities"
#define ROLES_k_oje "OwningElement", "OwnedElement"
#define ROLES_k_aje "AffectedElement", "AffectingElement"
#define ROLES_k_ajmr "Job", "JobParameters"
#define ROLES_k_ectp "ConformantStandard", "ManagedElement"

static const char *const k_ccn_name[] = { "CreationClassName", "Name" };
static const char *const k_iid[] = { "InstanceID" };
static const char *const k_sysdev[] = { "CreationClassName", "DeviceID",
	"SystemCreationClassName", "SystemName" };
static const char *const k_svc[] = { "CreationClassName", "Name",
	"SystemCreationClassName", "SystemName" };
static const char *const k_ns[] = { "CreationClassName", "Name",
	"ObjectManagerCreationClassName", "ObjectManagerName",
	"SystemCreationClassName", "SystemName" };
static const char *const k_pair[] = { ROLES_k_pair };
static const char *const k_gp[] = { ROLES_k_gp };
static const char *const k_ad[] = { ROLES_k_ad };
static const char *const k_ec[] = { ROLES_k_ec };
static const char *const k_oje[] = { ROLES_k_oje };
static const char *const k_aje[] = { ROLES_k_aje };
static const char *const k_ajmr[] = { ROLES_k_ajmr };
static const char *const k_ectp[] = { ROLES_k_ectp };


#define ME	"CIM_ManagedElement"
#define MSE	"CIM_ManagedSystemElement", "CIM_LogicalElement"
#define ELE	"CIM_EnabledLogicalElement", MSE

static const char *const s_sys[] = { "CIM_ComputerSystem", "CIM_System",
	ELE, ME, NULL };
static const char *const s_pool[] = { "CIM_StoragePool", MSE, ME, NULL };
static const char *const s_vol[] = { "CIM_StorageVolume", "CIM_StorageExtent",
	"CIM_LogicalDevice", ELE, ME, NULL };
static const char *const s_svc[] = { "CIM_StorageConfigurationService",
	"CIM_Service", ELE, ME, NULL };
static const char *const s_rcap[] = { "CIM_StorageReplicationCapabilities",
	"CIM_Capabilities", ME, NULL };
static const char *const s_ccap[] = { "CIM_StorageConfigurationCapabilities",
	"CIM_Capabilities", ME, NULL };
static const char *const s_job[] = { "CIM_ConcreteJob", "CIM_Job", MSE, ME,
	NULL };
static const char *const s_mr[] = { "CIM_MethodResult", ME, NULL };
static const char *const s_pair[] = { "CIM_StorageSynchronized",
	"CIM_Synchronized", NULL };
static const char *const s_ns[] = { ME, NULL };
static const char *const s_om[] = { "CIM_WBEMService", "CIM_Service", ELE, ME,
	NULL };
static const char *const s_rp[] = { "CIM_RegisteredSpecification", ME, NULL };
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

#define CLS(n, ns, k, keys, sup) \
	{ n, ns, k, sizeof(keys) / sizeof(keys[0]), keys, sup, { 0 }, { 0 } }
#define ASC(n, ns, k, keys, sup, r0, r1) \
	{ n, ns, k, 2, keys, sup, { ROLES_##keys }, { r0, r1 } }

/* Order matters for enumeration: the order clients see. */
static const struct model_class classes[] = {
	CLS(S_SYS, MODEL_NS_TPD, OBJ_SYSTEM, k_ccn_name, s_sys),
	CLS("TPD_StoragePool", MODEL_NS_TPD, OBJ_POOL, k_iid, s_pool),
	CLS("TPD_DeltaReplicaStoragePool", MODEL_NS_TPD, OBJ_DELTA_POOL, k_iid,
	    s_pool),
	CLS("TPD_StorageVolume", MODEL_NS_TPD, OBJ_VOLUME, k_sysdev, s_vol),
	CLS("TPD_StorageConfigurationService", MODEL_NS_TPD, OBJ_SERVICE, k_svc,
	    s_svc),
	CLS("TPD_StorageReplicationCapabilities", MODEL_NS_TPD, OBJ_REPL_CAPS,
	    k_iid, s_rcap),
	CLS("TPD_StorageConfigurationCapabilities", MODEL_NS_TPD, OBJ_CONF_CAPS,
	    k_iid, s_ccap),
	CLS("TPD_ConcreteJob", MODEL_NS_TPD, OBJ_JOB, k_iid, s_job),
	CLS("TPD_MethodResult", MODEL_NS_TPD, OBJ_METHOD_RESULT, k_iid, s_mr),
	ASC("TPD_StorageSynchronized", MODEL_NS_TPD, OBJ_PAIR, k_pair, s_pair,
	    "CIM_ManagedElement", "CIM_ManagedElement"),
	ASC("TPD_SystemVolume", MODEL_NS_TPD, OBJ_ASSOC, k_gp, s_sv,
	    "CIM_System", "CIM_LogicalDevice"),
	ASC("TPD_HostedStoragePool", MODEL_NS_TPD, OBJ_ASSOC, k_gp, s_hsp,
	    "CIM_System", "CIM_StoragePool"),
	ASC("TPD_AllocatedFromStoragePool", MODEL_NS_TPD, OBJ_ASSOC, k_ad,
	    s_afsp, "CIM_StoragePool", "CIM_StorageVolume"),
	ASC("TPD_ElementCapabilities", MODEL_NS_TPD, OBJ_ASSOC, k_ec, s_ec,
	    "CIM_ManagedElement", "CIM_Capabilities"),
	ASC("TPD_HostedService", MODEL_NS_TPD, OBJ_ASSOC, k_ad, s_hs,
	    "CIM_System", "CIM_Service"),
	ASC("TPD_OwningJobElement", MODEL_NS_TPD, OBJ_ASSOC, k_oje, s_oje,
	    "CIM_ManagedElement", "CIM_Job"),
	ASC("TPD_AffectedJobElement", MODEL_NS_TPD, OBJ_ASSOC, k_aje, s_aje,
	    "CIM_ManagedElement", "CIM_Job"),
	ASC("TPD_AssociatedJobMethodResult", MODEL_NS_TPD, OBJ_ASSOC, k_ajmr,
	    s_ajmr, "CIM_ConcreteJob", "CIM_MethodResult"),
	CLS("CIM_Namespace", MODEL_NS_INTEROP, OBJ_NAMESPACE, k_ns, s_ns),
	CLS("CIM_ObjectManager", MODEL_NS_INTEROP, OBJ_OBJECT_MANAGER, k_svc,
	    s_om),
	CLS("CIM_RegisteredProfile", MODEL_NS_INTEROP, OBJ_PROFILE, k_iid, s_rp),
	ASC("CIM_ElementConformsToProfile", MODEL_NS_INTEROP, OBJ_ASSOC, k_ectp,
	    s_none, "CIM_RegisteredProfile", "CIM_ManagedElement"),
	ASC("CIM_ReferencedProfile", MODEL_NS_INTEROP, OBJ_ASSOC, k_ad, s_rprof,
	    "CIM_RegisteredProfile", "CIM_RegisteredProfile"),
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
	return i < NCLASSES ? &classes[i] : NULL;
}

const struct model_class *
model_class_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NCLASSES; i++)
		if (strcasecmp(classes[i].name, name) == 0)
			return &classes[i];
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
		if (strcasecmp(classes[i].name, name) == 0)
			return true;
		for (s = classes[i].supers; *s != NULL; s++)
			if (strcasecmp(*s, name) == 0)
				return true;
	}
	return false;
}

static const struct model_class *
class_of_kind(enum model_kind k)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++)
		if (classes[i].kind == k)
			return &classes[i];
	return NULL;
}

bool
model_obj_equal(const struct model_obj *a, const struct model_obj *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case OBJ_VOLUME:
	case OBJ_DELTA_POOL:
		return a->vol_id == b->vol_id;
	case OBJ_PAIR:
		return a->src_id == b->src_id && a->tgt_id == b->tgt_id;
	case OBJ_JOB:
	case OBJ_METHOD_RESULT:
		return a->job_id == b->job_id;
	case OBJ_POOL:
	case OBJ_NAMESPACE:
	case OBJ_PROFILE:
	case OBJ_REPL_CAPS:
	case OBJ_CONF_CAPS:
		return a->name != NULL && b->name != NULL &&
		    strcmp(a->name, b->name) == 0;
	default:
		return true;
	}
}

const char *
model_obj_ns(const struct model_obj *o)
{
	switch (o->kind) {
	case OBJ_NAMESPACE:
	case OBJ_OBJECT_MANAGER:
	case OBJ_PROFILE:
		return MODEL_NS_INTEROP;
	default:
		return MODEL_NS_TPD;
	}
}

/* ------------------------------------------------------------- paths */

/* Returns a path owned by c->arena, NULL when the arena is full. */
struct cim_path *
model_path_new(struct op_ctx *c, const char *cls, const char *ns,
    size_t nkeys)
{
	struct cim_path *p;

	p = cim_arena_alloc(c->arena, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->classname = cls;
	p->ns = ns;
	p->keys = cim_arena_alloc(c->arena, (nkeys ? nkeys : 1) *
	    sizeof(*p->keys));
	if (p->keys == NULL)
		return NULL;
	return p;
}

void
model_path_key(struct cim_path *p, const char *name, const char *v)
{
	struct cim_keybinding *k = &p->keys[p->nkeys++];

	k->name = name;
	k->kind = CIM_KEY_STRING;
	k->value = v;
}

void
model_path_keyref(struct cim_path *p, const char *name, struct cim_path *ref)
{
	struct cim_keybinding *k = &p->keys[p->nkeys++];

	k->name = name;
	k->kind = CIM_KEY_REF;
	k->ref = ref;
}

static const char *
sysname(const struct op_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
}

static struct cim_path *
path_sysdev(struct op_ctx *c, const char *cls, const char *second,
    const char *v)
{
	struct cim_path *p = model_path_new(c, cls, MODEL_NS_TPD, 4);

	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", cls);
	model_path_key(p, second, v);
	model_path_key(p, "SystemCreationClassName", S_SYS);
	model_path_key(p, "SystemName", sysname(c));
	return p;
}

struct cim_path *
model_volume_path(struct op_ctx *c, uint32_t vol_id)
{
	char *id = cim_arena_printf(c->arena, "%u", (unsigned)vol_id);

	return id ? path_sysdev(c, "TPD_StorageVolume", "DeviceID", id) : NULL;
}

struct cim_path *
model_service_path(struct op_ctx *c)
{
	return path_sysdev(c, "TPD_StorageConfigurationService", "Name",
	    "StorageConfigurationService");
}

char *
model_job_instance_id(struct op_ctx *c, uint64_t job_id)
{
	return cim_arena_printf(c->arena, "TPD:%s:%llu", sysname(c),
	    (unsigned long long)job_id);
}

int
model_parse_job_instance_id(const struct op_ctx *c, const char *s,
    uint64_t *job_id)
{
	const char *sys = sysname(c);
	size_t n = strlen(sys);
	unsigned long long v;
	char *end;

	if (s == NULL || strncmp(s, "TPD:", 4) != 0)
		return -EINVAL;
	s += 4;
	if (strncmp(s, sys, n) != 0 || s[n] != ':')
		return -EINVAL;
	s += n + 1;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return -EINVAL;
	*job_id = v;
	return 0;
}

static struct cim_path *
path_iid(struct op_ctx *c, const char *cls, const char *ns, const char *iid)
{
	struct cim_path *p;

	if (iid == NULL)
		return NULL;
	p = model_path_new(c, cls, ns, 1);
	if (p != NULL)
		model_path_key(p, "InstanceID", iid);
	return p;
}

struct cim_path *
model_job_path(struct op_ctx *c, uint64_t job_id)
{
	return path_iid(c, "TPD_ConcreteJob", MODEL_NS_TPD,
	    model_job_instance_id(c, job_id));
}

struct cim_path *
model_pair_path(struct op_ctx *c, uint32_t src_id, uint32_t tgt_id)
{
	struct cim_path *p;
	struct cim_path *s = model_volume_path(c, src_id);
	struct cim_path *t = model_volume_path(c, tgt_id);

	if (s == NULL || t == NULL)
		return NULL;
	p = model_path_new(c, "TPD_StorageSynchronized", MODEL_NS_TPD, 2);
	if (p == NULL)
		return NULL;
	model_path_keyref(p, "SystemElement", s);
	model_path_keyref(p, "SyncedElement", t);
	return p;
}

/* InstanceIDs of the objects named by an id string (model_inst.c agrees). */
static char *
obj_iid(struct op_ctx *c, const struct model_obj *o)
{
	switch (o->kind) {
	case OBJ_POOL:
		return cim_arena_printf(c->arena, "TPD:%s:%s", sysname(c),
		    o->name);
	case OBJ_DELTA_POOL:
		return cim_arena_printf(c->arena, "TPD:%s:SA.%u", sysname(c),
		    (unsigned)o->vol_id);
	case OBJ_REPL_CAPS:
	case OBJ_CONF_CAPS:
		return cim_arena_printf(c->arena, "TPD:%s:%s", sysname(c),
		    o->name);
	case OBJ_PROFILE:
		return cim_arena_printf(c->arena, "SNIA:%s", o->name);
	default:
		return model_job_instance_id(c, o->job_id);
	}
}

static struct cim_path *
path_interop(struct op_ctx *c, const struct model_obj *o)
{
	struct cim_path *p;

	if (o->kind == OBJ_OBJECT_MANAGER) {
		p = model_path_new(c, "CIM_ObjectManager", MODEL_NS_INTEROP, 4);
		if (p == NULL)
			return NULL;
		model_path_key(p, "CreationClassName", "CIM_ObjectManager");
		model_path_key(p, "Name", "arrayd");
	} else {
		p = model_path_new(c, "CIM_Namespace", MODEL_NS_INTEROP, 6);
		if (p == NULL)
			return NULL;
		model_path_key(p, "CreationClassName", "CIM_Namespace");
		model_path_key(p, "Name", o->name);
		model_path_key(p, "ObjectManagerCreationClassName",
		    "CIM_ObjectManager");
		model_path_key(p, "ObjectManagerName", "arrayd");
	}
	model_path_key(p, "SystemCreationClassName", S_SYS);
	model_path_key(p, "SystemName", sysname(c));
	return p;
}

struct cim_path *
model_path(struct op_ctx *c, const struct model_obj *o)
{
	const struct model_class *mc = class_of_kind(o->kind);
	struct cim_path *p;

	switch (o->kind) {
	case OBJ_SYSTEM:
		p = model_path_new(c, S_SYS, MODEL_NS_TPD, 2);
		if (p != NULL) {
			model_path_key(p, "CreationClassName", S_SYS);
			model_path_key(p, "Name", sysname(c));
		}
		return p;
	case OBJ_VOLUME:
		return model_volume_path(c, o->vol_id);
	case OBJ_SERVICE:
		return model_service_path(c);
	case OBJ_PAIR:
		return model_pair_path(c, o->src_id, o->tgt_id);
	case OBJ_NAMESPACE:
	case OBJ_OBJECT_MANAGER:
		return path_interop(c, o);
	case OBJ_NONE:
	case OBJ_ASSOC:
		return NULL;
	default:
		return path_iid(c, mc->name, mc->ns, obj_iid(c, o));
	}
}
