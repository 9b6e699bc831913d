/* SPDX-License-Identifier: ISC */
/*
 * model_resolve.c - object paths to objects (model_resolve: any wire form,
 * key order and name case, superclass names, foreign system names are
 * "no such object") and the enumeration of the objects of a class.  Reads
 * conf and replica state only; the class table is model.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "replica/replica.h"

#define S_SYS	"TPD_StorageSystem"

static const char *
sysname(const struct op_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
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
sys_ok(const struct op_ctx *c, const struct cim_path *p)
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
has_snapshots(const struct op_ctx *c, uint32_t id)
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
iid_local(const struct op_ctx *c, const char *iid)
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
static const char *const ns_ids[] = { MODEL_NS_INTEROP, MODEL_NS_TPD };

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
resolve_iid(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
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

static int resolve_as(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o);

/* A nested volume reference (pair keys). */
static int
resolve_volref(const struct op_ctx *c, const struct cim_path *ref,
    uint32_t *id)
{
	struct model_obj o;
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
resolve_pair(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *o)
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
resolve_interop(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
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
resolve_as(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *v;
	struct model_link l;
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
model_resolve(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *out)
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
	for (i = 0; i < model_class_count(); i++) {
		mc = model_class_at(i);
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
objects_volumes(struct op_ctx *c, model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = OBJ_VOLUME,
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
objects_delta_pools(struct op_ctx *c, model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = OBJ_DELTA_POOL,
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
objects_jobs(struct op_ctx *c, enum model_kind k, model_obj_fn fn,
    void *arg)
{
	struct model_obj o = { .kind = k };
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
objects_named(struct op_ctx *c, const struct model_class *mc,
    const char *const *names, size_t n, model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
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
objects_pairs(struct op_ctx *c, model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = OBJ_PAIR,
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
model_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
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
