/* SPDX-License-Identifier: ISC */
/*
 * model.c - which CIM classes arrayd has instances of, and how their object
 * paths map to the array's objects: the class table (keys, namespace,
 * superclass chain), path building, path resolution (model_resolve) and the
 * enumeration of objects by class.  Instances are built in model_inst.c and
 * model_job.c, association instances in model_assoc.c.  Nothing here writes
 * XML or changes replica state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "daemon/cim.h"
#include "daemon/schema.h"
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
	CLS(S_SYS, CIM_NS_TPD, OBJ_SYSTEM, k_ccn_name, s_sys),
	CLS("TPD_StoragePool", CIM_NS_TPD, OBJ_POOL, k_iid, s_pool),
	CLS("TPD_DeltaReplicaStoragePool", CIM_NS_TPD, OBJ_DELTA_POOL, k_iid,
	    s_pool),
	CLS("TPD_StorageVolume", CIM_NS_TPD, OBJ_VOLUME, k_sysdev, s_vol),
	CLS("TPD_StorageConfigurationService", CIM_NS_TPD, OBJ_SERVICE, k_svc,
	    s_svc),
	CLS("TPD_StorageReplicationCapabilities", CIM_NS_TPD, OBJ_REPL_CAPS,
	    k_iid, s_rcap),
	CLS("TPD_StorageConfigurationCapabilities", CIM_NS_TPD, OBJ_CONF_CAPS,
	    k_iid, s_ccap),
	CLS("TPD_ConcreteJob", CIM_NS_TPD, OBJ_JOB, k_iid, s_job),
	CLS("TPD_MethodResult", CIM_NS_TPD, OBJ_METHOD_RESULT, k_iid, s_mr),
	ASC("TPD_StorageSynchronized", CIM_NS_TPD, OBJ_PAIR, k_pair, s_pair,
	    "CIM_ManagedElement", "CIM_ManagedElement"),
	ASC("TPD_SystemVolume", CIM_NS_TPD, OBJ_ASSOC, k_gp, s_sv,
	    "CIM_System", "CIM_LogicalDevice"),
	ASC("TPD_HostedStoragePool", CIM_NS_TPD, OBJ_ASSOC, k_gp, s_hsp,
	    "CIM_System", "CIM_StoragePool"),
	ASC("TPD_AllocatedFromStoragePool", CIM_NS_TPD, OBJ_ASSOC, k_ad,
	    s_afsp, "CIM_StoragePool", "CIM_StorageVolume"),
	ASC("TPD_ElementCapabilities", CIM_NS_TPD, OBJ_ASSOC, k_ec, s_ec,
	    "CIM_ManagedElement", "CIM_Capabilities"),
	ASC("TPD_HostedService", CIM_NS_TPD, OBJ_ASSOC, k_ad, s_hs,
	    "CIM_System", "CIM_Service"),
	ASC("TPD_OwningJobElement", CIM_NS_TPD, OBJ_ASSOC, k_oje, s_oje,
	    "CIM_ManagedElement", "CIM_Job"),
	ASC("TPD_AffectedJobElement", CIM_NS_TPD, OBJ_ASSOC, k_aje, s_aje,
	    "CIM_ManagedElement", "CIM_Job"),
	ASC("TPD_AssociatedJobMethodResult", CIM_NS_TPD, OBJ_ASSOC, k_ajmr,
	    s_ajmr, "CIM_ConcreteJob", "CIM_MethodResult"),
	CLS("CIM_Namespace", CIM_NS_INTEROP, OBJ_NAMESPACE, k_ns, s_ns),
	CLS("CIM_ObjectManager", CIM_NS_INTEROP, OBJ_OBJECT_MANAGER, k_svc,
	    s_om),
	CLS("CIM_RegisteredProfile", CIM_NS_INTEROP, OBJ_PROFILE, k_iid, s_rp),
	ASC("CIM_ElementConformsToProfile", CIM_NS_INTEROP, OBJ_ASSOC, k_ectp,
	    s_none, "CIM_RegisteredProfile", "CIM_ManagedElement"),
	ASC("CIM_ReferencedProfile", CIM_NS_INTEROP, OBJ_ASSOC, k_ad, s_rprof,
	    "CIM_RegisteredProfile", "CIM_RegisteredProfile"),
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

const char *
model_ns_canon(const char *ns)
{
	if (ns == NULL)
		return NULL;
	if (strcasecmp(ns, CIM_NS_TPD) == 0)
		return CIM_NS_TPD;
	if (strcasecmp(ns, "interop") == 0 ||
	    strcasecmp(ns, "root/interop") == 0)
		return CIM_NS_INTEROP;
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
class_of_kind(enum cim_obj_kind k)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++)
		if (classes[i].kind == k)
			return &classes[i];
	return NULL;
}

bool
model_obj_equal(const struct cim_obj *a, const struct cim_obj *b)
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
model_obj_ns(const struct cim_obj *o)
{
	switch (o->kind) {
	case OBJ_NAMESPACE:
	case OBJ_OBJECT_MANAGER:
	case OBJ_PROFILE:
		return CIM_NS_INTEROP;
	default:
		return CIM_NS_TPD;
	}
}

/* ------------------------------------------------------------- paths */

/* Returns a path owned by c->arena, NULL when the arena is full. */
struct cim_path *
model_path_new(struct cim_ctx *c, const char *cls, const char *ns,
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
sysname(const struct cim_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
}

static struct cim_path *
path_sysdev(struct cim_ctx *c, const char *cls, const char *second,
    const char *v)
{
	struct cim_path *p = model_path_new(c, cls, CIM_NS_TPD, 4);

	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", cls);
	model_path_key(p, second, v);
	model_path_key(p, "SystemCreationClassName", S_SYS);
	model_path_key(p, "SystemName", sysname(c));
	return p;
}

struct cim_path *
model_volume_path(struct cim_ctx *c, uint32_t vol_id)
{
	char *id = cim_arena_printf(c->arena, "%u", (unsigned)vol_id);

	return id ? path_sysdev(c, "TPD_StorageVolume", "DeviceID", id) : NULL;
}

struct cim_path *
model_service_path(struct cim_ctx *c)
{
	return path_sysdev(c, "TPD_StorageConfigurationService", "Name",
	    "StorageConfigurationService");
}

char *
model_job_instance_id(struct cim_ctx *c, uint64_t job_id)
{
	return cim_arena_printf(c->arena, "TPD:%s:%llu", sysname(c),
	    (unsigned long long)job_id);
}

int
model_parse_job_instance_id(const struct cim_ctx *c, const char *s,
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
path_iid(struct cim_ctx *c, const char *cls, const char *ns, const char *iid)
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
model_job_path(struct cim_ctx *c, uint64_t job_id)
{
	return path_iid(c, "TPD_ConcreteJob", CIM_NS_TPD,
	    model_job_instance_id(c, job_id));
}

struct cim_path *
model_pair_path(struct cim_ctx *c, uint32_t src_id, uint32_t tgt_id)
{
	struct cim_path *p;
	struct cim_path *s = model_volume_path(c, src_id);
	struct cim_path *t = model_volume_path(c, tgt_id);

	if (s == NULL || t == NULL)
		return NULL;
	p = model_path_new(c, "TPD_StorageSynchronized", CIM_NS_TPD, 2);
	if (p == NULL)
		return NULL;
	model_path_keyref(p, "SystemElement", s);
	model_path_keyref(p, "SyncedElement", t);
	return p;
}

/* InstanceIDs of the objects named by an id string (model_inst.c agrees). */
static char *
obj_iid(struct cim_ctx *c, const struct cim_obj *o)
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
path_interop(struct cim_ctx *c, const struct cim_obj *o)
{
	struct cim_path *p;

	if (o->kind == OBJ_OBJECT_MANAGER) {
		p = model_path_new(c, "CIM_ObjectManager", CIM_NS_INTEROP, 4);
		if (p == NULL)
			return NULL;
		model_path_key(p, "CreationClassName", "CIM_ObjectManager");
		model_path_key(p, "Name", "arrayd");
	} else {
		p = model_path_new(c, "CIM_Namespace", CIM_NS_INTEROP, 6);
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
model_path(struct cim_ctx *c, const struct cim_obj *o)
{
	const struct model_class *mc = class_of_kind(o->kind);
	struct cim_path *p;

	switch (o->kind) {
	case OBJ_SYSTEM:
		p = model_path_new(c, S_SYS, CIM_NS_TPD, 2);
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

/* ----------------------------------------------------------- resolve */

/* Text of a non-reference key, NULL when absent or a reference. */
static const char *
key_text(const struct cim_path *p, const char *name)
{
	const struct cim_keybinding *k = cim_path_key(p, name);

	if (k == NULL || k->kind == CIM_KEY_REF || k->value == NULL)
		return NULL;
	return k->value;
}

/* Are exactly the class's keys present, as text? */
static bool
keys_match(const struct model_class *mc, const struct cim_path *p)
{
	size_t i;

	if (p->nkeys != mc->nkeys)
		return false;
	for (i = 0; i < mc->nkeys; i++) {
		const struct cim_keybinding *k = cim_path_key(p, mc->keys[i]);

		if (k == NULL)
			return false;
		if ((mc->role[0] != NULL) != (k->kind == CIM_KEY_REF))
			return false;
	}
	return true;
}

static bool
ccn_ok(const struct cim_path *p, const char *key, const char *want)
{
	const char *v = key_text(p, key);

	return v != NULL && strcasecmp(v, want) == 0;
}

static bool
sys_ok(const struct cim_ctx *c, const struct cim_path *p)
{
	const char *v = key_text(p, "SystemName");

	return ccn_ok(p, "SystemCreationClassName", S_SYS) && v != NULL &&
	    strcmp(v, sysname(c)) == 0;
}

static int
parse_u32(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Does base volume `id` have at least one snapshot? */
static bool
has_snapshots(const struct cim_ctx *c, uint32_t id)
{
	size_t i, n = replica_volume_count(c->rs);

	for (i = 0; i < n; i++) {
		const struct rvolume *v = replica_volume_at(c->rs, i);

		if (v->is_snapshot && v->parent_id == id)
			return true;
	}
	return false;
}

/* "TPD:<sys>:" prefix stripped, NULL if the prefix does not match. */
static const char *
iid_local(const struct cim_ctx *c, const char *iid)
{
	const char *sys = sysname(c);
	size_t n = strlen(sys);

	if (iid == NULL || strncmp(iid, "TPD:", 4) != 0 ||
	    strncmp(iid + 4, sys, n) != 0 || iid[4 + n] != ':')
		return NULL;
	return iid + 5 + n;
}

static const char *const repl_caps_ids[] = { "UnSyncAssoc-Delta",
	"UnSyncUnAssoc" };
static const char *const profile_ids[] = { "Array", "CopyServices",
	"JobControl", "Server" };
static const char *const ns_ids[] = { CIM_NS_INTEROP, CIM_NS_TPD };

/* Index of `s` in a table, or -1. */
static int
lookup(const char *const *tab, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

static int
resolve_iid(const struct cim_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct cim_obj *o)
{
	const char *iid = key_text(p, "InstanceID");
	const char *loc = iid_local(c, iid);
	const struct rjob *j;
	size_t i;
	int k;

	switch (mc->kind) {
	case OBJ_POOL:
		for (i = 0; loc != NULL && i < c->conf->npools; i++)
			if (strcmp(c->conf->pools[i].name, loc) == 0) {
				o->name = c->conf->pools[i].name;
				return 0;
			}
		return -ENOENT;
	case OBJ_DELTA_POOL:
		if (loc == NULL || strncmp(loc, "SA.", 3) != 0 ||
		    parse_u32(loc + 3, &o->vol_id) != 0 ||
		    !has_snapshots(c, o->vol_id))
			return -ENOENT;
		return 0;
	case OBJ_REPL_CAPS:
		k = lookup(repl_caps_ids, 2, loc);
		if (k < 0)
			return -ENOENT;
		o->name = repl_caps_ids[k];
		return 0;
	case OBJ_CONF_CAPS:
		if (loc == NULL || strcmp(loc, "SCC") != 0)
			return -ENOENT;
		o->name = "SCC";
		return 0;
	case OBJ_PROFILE:
		if (iid == NULL || strncmp(iid, "SNIA:", 5) != 0 ||
		    (k = lookup(profile_ids, 4, iid + 5)) < 0)
			return -ENOENT;
		o->name = profile_ids[k];
		return 0;
	default:	/* JOB, METHOD_RESULT */
		if (model_parse_job_instance_id(c, iid, &o->job_id) != 0)
			return -ENOENT;
		j = replica_job_by_id(c->rs, o->job_id);
		return j != NULL && !j->hidden ? 0 : -ENOENT;
	}
}

static int resolve_as(const struct cim_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct cim_obj *o);

/* A nested volume reference (pair keys). */
static int
resolve_volref(const struct cim_ctx *c, const struct cim_path *ref,
    uint32_t *id)
{
	struct cim_obj o;
	int rc;

	if (ref == NULL)
		return -EINVAL;
	rc = model_resolve(c, ref, &o);
	if (rc != 0)
		return rc;
	if (o.kind != OBJ_VOLUME)
		return -ENOENT;
	*id = o.vol_id;
	return 0;
}

static int
resolve_pair(const struct cim_ctx *c, const struct cim_path *p,
    struct cim_obj *o)
{
	int rc;

	rc = resolve_volref(c, cim_path_key(p, "SystemElement")->ref,
	    &o->src_id);
	if (rc == 0)
		rc = resolve_volref(c, cim_path_key(p, "SyncedElement")->ref,
		    &o->tgt_id);
	if (rc != 0)
		return rc == -EINVAL ? -EINVAL : -ENOENT;
	return replica_pair_find(c->rs, o->src_id, o->tgt_id) ? 0 : -ENOENT;
}

static int
resolve_interop(const struct cim_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct cim_obj *o)
{
	int k;

	if (!sys_ok(c, p) || !ccn_ok(p, "CreationClassName", mc->name))
		return -ENOENT;
	if (mc->kind == OBJ_OBJECT_MANAGER) {
		const char *n = key_text(p, "Name");

		return n != NULL && strcmp(n, "arrayd") == 0 ? 0 : -ENOENT;
	}
	if (!ccn_ok(p, "ObjectManagerCreationClassName", "CIM_ObjectManager") ||
	    key_text(p, "ObjectManagerName") == NULL ||
	    strcmp(key_text(p, "ObjectManagerName"), "arrayd") != 0)
		return -ENOENT;
	k = lookup(ns_ids, 2, model_ns_canon(key_text(p, "Name")));
	if (k < 0)
		return -ENOENT;
	o->name = ns_ids[k];
	return 0;
}

static int
resolve_as(const struct cim_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct cim_obj *o)
{
	const char *v;
	struct cim_link l;
	int rc;

	if (!keys_match(mc, p))
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	o->kind = mc->kind;
	o->classname = mc->name;
	switch (mc->kind) {
	case OBJ_SYSTEM:
		v = key_text(p, "Name");
		return ccn_ok(p, "CreationClassName", S_SYS) && v != NULL &&
		    strcmp(v, sysname(c)) == 0 ? 0 : -ENOENT;
	case OBJ_VOLUME:
		if (!sys_ok(c, p) || !ccn_ok(p, "CreationClassName", mc->name) ||
		    parse_u32(key_text(p, "DeviceID"), &o->vol_id) != 0 ||
		    replica_volume_by_id(c->rs, o->vol_id) == NULL)
			return -ENOENT;
		return 0;
	case OBJ_SERVICE:
		v = key_text(p, "Name");
		return sys_ok(c, p) && ccn_ok(p, "CreationClassName", mc->name) &&
		    v != NULL && strcmp(v, "StorageConfigurationService") == 0 ?
		    0 : -ENOENT;
	case OBJ_PAIR:
		return resolve_pair(c, p, o);
	case OBJ_NAMESPACE:
	case OBJ_OBJECT_MANAGER:
		return resolve_interop(c, mc, p, o);
	case OBJ_ASSOC:
		rc = model_resolve_link(c, p, &l);
		return rc;
	default:
		return resolve_iid(c, mc, p, o);
	}
}

int
model_resolve(const struct cim_ctx *c, const struct cim_path *p,
    struct cim_obj *out)
{
	const char *ns = p->ns != NULL ? model_ns_canon(p->ns) : c->ns;
	const struct model_class *mc;
	bool notfound = false;
	size_t i;
	int rc;

	if (ns == NULL)
		return -ENOENT;
	if (p->is_class || p->classname == NULL)
		return -EINVAL;
	if (!model_class_known(p->classname))
		return -EINVAL;
	/* The class itself first, then concrete classes derived from it. */
	mc = model_class_by_name(p->classname);
	if (mc != NULL && strcmp(mc->ns, ns) == 0) {
		rc = resolve_as(c, mc, p, out);
		if (rc != -EINVAL)
			return rc;
	}
	for (i = 0; i < NCLASSES; i++) {
		mc = &classes[i];
		if (strcmp(mc->ns, ns) != 0 || !model_class_isa(mc, p->classname))
			continue;
		rc = resolve_as(c, mc, p, out);
		if (rc == 0)
			return 0;
		if (rc == -ENOENT)
			notfound = true;
	}
	return notfound ? -ENOENT : -EINVAL;
}

/* ------------------------------------------------------- enumeration */

static int
objects_volumes(struct cim_ctx *c, model_obj_fn fn, void *arg)
{
	struct cim_obj o = { .kind = OBJ_VOLUME,
	    .classname = "TPD_StorageVolume" };
	size_t i, n = replica_volume_count(c->rs);
	int rc;

	for (i = 0; i < n; i++) {
		o.vol_id = replica_volume_at(c->rs, i)->id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Delta pools: the distinct parents of snapshots, sorted (no n^2 scan). */
static int
objects_delta_pools(struct cim_ctx *c, model_obj_fn fn, void *arg)
{
	struct cim_obj o = { .kind = OBJ_DELTA_POOL,
	    .classname = "TPD_DeltaReplicaStoragePool" };
	size_t i, m = 0, n = replica_volume_count(c->rs);
	uint32_t *ids;
	int rc;

	ids = cim_arena_alloc(c->arena, (n + 1) * sizeof(*ids));
	if (ids == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct rvolume *v = replica_volume_at(c->rs, i);

		if (v->is_snapshot && replica_volume_by_id(c->rs, v->parent_id))
			ids[m++] = v->parent_id;
	}
	qsort(ids, m, sizeof(*ids), cmp_u32);
	for (i = 0; i < m; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		o.vol_id = ids[i];
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
objects_jobs(struct cim_ctx *c, enum cim_obj_kind k, model_obj_fn fn,
    void *arg)
{
	struct cim_obj o = { .kind = k };
	size_t i, n = replica_job_count(c->rs);
	int rc;

	o.classname = k == OBJ_JOB ? "TPD_ConcreteJob" : "TPD_MethodResult";
	for (i = 0; i < n; i++) {
		const struct rjob *j = replica_job_at(c->rs, i);

		if (j->hidden)
			continue;
		o.job_id = j->id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
objects_named(struct cim_ctx *c, const struct model_class *mc,
    const char *const *names, size_t n, model_obj_fn fn, void *arg)
{
	struct cim_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		o.name = names[i];
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
objects_pairs(struct cim_ctx *c, model_obj_fn fn, void *arg)
{
	struct cim_obj o = { .kind = OBJ_PAIR,
	    .classname = "TPD_StorageSynchronized" };
	size_t i, n = replica_pair_count(c->rs);
	int rc;

	for (i = 0; i < n; i++) {
		const struct rpair *pr = replica_pair_at(c->rs, i);

		o.src_id = pr->src_id;
		o.tgt_id = pr->tgt_id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

int
model_objects(struct cim_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct cim_obj o = { .kind = mc->kind, .classname = mc->name };
	static const char *const scc[] = { "SCC" };
	size_t i;
	int rc;

	switch (mc->kind) {
	case OBJ_VOLUME:
		return objects_volumes(c, fn, arg);
	case OBJ_DELTA_POOL:
		return objects_delta_pools(c, fn, arg);
	case OBJ_JOB:
	case OBJ_METHOD_RESULT:
		return objects_jobs(c, mc->kind, fn, arg);
	case OBJ_PAIR:
		return objects_pairs(c, fn, arg);
	case OBJ_POOL:
		for (i = 0; i < c->conf->npools; i++) {
			o.name = c->conf->pools[i].name;
			if ((rc = fn(c, &o, arg)) != 0)
				return rc;
		}
		return 0;
	case OBJ_REPL_CAPS:
		return objects_named(c, mc, repl_caps_ids, 2, fn, arg);
	case OBJ_CONF_CAPS:
		return objects_named(c, mc, scc, 1, fn, arg);
	case OBJ_PROFILE:
		return objects_named(c, mc, profile_ids, 4, fn, arg);
	case OBJ_NAMESPACE:
		return objects_named(c, mc, ns_ids, 2, fn, arg);
	case OBJ_SYSTEM:
	case OBJ_SERVICE:
	case OBJ_OBJECT_MANAGER:
		return fn(c, &o, arg);
	default:
		return 0;
	}
}
