/* SPDX-License-Identifier: ISC */
/*
 * model_pool.c - the storage pools: TPD_StoragePool, one per configured
 * pool, and TPD_DeltaReplicaStoragePool, one per base volume that has
 * snapshots (the space its snapshots take), each as a class with its keys,
 * resolver, path, instance and enumerator.  Values follow CONTRACT.md §2
 * and SPEC.md §2.4.  Reads conf and replica state only; built in the
 * request arena.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "replica/replica.h"

static const char *const pool_supers[] = { "CIM_StoragePool", MODEL_SUP_MSE,
	MODEL_SUP_ME, NULL };

/* -------------------------------------------------- configured pools */

const struct conf_pool *
model_conf_pool(const struct op_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < c->conf->npools; i++)
		if (strcmp(c->conf->pools[i].name, name) == 0)
			return &c->conf->pools[i];
	return NULL;
}

static char *
pool_iid(struct op_ctx *c, const struct model_obj *o)
{
	return cim_arena_printf(c->arena, "TPD:%s:%s", model_sysname(c),
	    o->name);
}

static int
pool_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const struct conf_pool *cp = model_conf_pool(c, model_iid_local(c,
	    model_key_text(p, "InstanceID")));

	(void)mc;
	if (cp == NULL)
		return -ENOENT;
	o->name = cp->name;
	return 0;
}

static struct cim_path *
pool_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, model_class_pool.name, MODEL_NS_TPD,
	    pool_iid(c, o));
}

static int
pool_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i;
	int rc;

	for (i = 0; i < c->conf->npools; i++) {
		o.name = c->conf->pools[i].name;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Pool space, as replica/ knows it (replica_pool_usage): the file system
 * that holds the pool folder, where new volumes' sparse files go, its
 * size and what is free there.  A thin pool's remaining space is what is
 * physically free, not what it may still promise (SMI-S Thin
 * Provisioning); the promise limit is in GetSupportedSizeRange.  When the
 * file system cannot be read: the sum of the pool's volume sizes, with
 * nothing remaining.
 */
static void
pool_space(const struct op_ctx *c, const char *name, uint64_t *total,
    uint64_t *remain)
{
	struct replica_pool_usage u;

	*total = *remain = 0;
	if (replica_pool_usage(c->rs, name, &u) != 0)
		return;
	if (u.capacity != 0) {
		*total = u.capacity;
		*remain = u.free;
	} else {
		*total = u.provisioned;
	}
}

static struct cim_instance *
pool_instance(struct op_ctx *c, const struct model_obj *o)
{
	struct model_ib b;
	uint64_t total, remain;

	pool_space(c, o->name, &total, &remain);
	model_ib_init(&b, c, "TPD_StoragePool", 16);
	model_ib_str(&b, "InstanceID", pool_iid(c, o));
	model_ib_str(&b, "PoolID", o->name);
	model_ib_str(&b, "ElementName", o->name);
	model_ib_str(&b, "Name", o->name);
	model_ib_u(&b, "TotalManagedSpace", CIM_T_UINT64, total);
	model_ib_u(&b, "RemainingManagedSpace", CIM_T_UINT64, remain);
	model_ib_u(&b, "Usage", CIM_T_UINT16, 2);
	model_ib_bool(&b, "Primordial", false);
	model_ib_u16s(&b, "OperationalStatus", 1, model_os_ok);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	return model_ib_done(&b);
}

static const struct model_ops pool_ops = {
	.id = MODEL_ID_NAME,
	.resolve = pool_resolve,
	.path = pool_path,
	.instance = pool_instance,
	.objects = pool_objects,
};
const struct model_class model_class_pool = MODEL_CLASS("TPD_StoragePool",
    MODEL_NS_TPD, OBJ_POOL, model_keys_iid, pool_supers, &pool_ops);

/* -------------------------------------------------------- delta pools */

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

static char *
delta_iid(struct op_ctx *c, const struct model_obj *o)
{
	return cim_arena_printf(c->arena, "TPD:%s:SA.%u", model_sysname(c),
	    (unsigned)o->vol_id);
}

static int
delta_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *loc = model_iid_local(c, model_key_text(p, "InstanceID"));

	(void)mc;
	if (loc == NULL || strncmp(loc, "SA.", 3) != 0 ||
	    model_parse_u32(loc + 3, &o->vol_id) != 0 ||
	    !has_snapshots(c, o->vol_id))
		return -ENOENT;
	return 0;
}

static struct cim_path *
delta_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, model_class_delta_pool.name, MODEL_NS_TPD,
	    delta_iid(c, o));
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Delta pools: the distinct parents of snapshots, sorted (no n^2 scan). */
static int
delta_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
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

/*
 * The delta pool of base volume `id`: the space its snapshots hold alone
 * (measured off the loop: replica_snapshot_space), not their sizes.
 */
static struct cim_instance *
delta_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct rvolume *base = replica_volume_by_id(c->rs, o->vol_id);
	uint64_t total = replica_snapshot_space(c->rs, o->vol_id);
	struct model_ib b;

	if (base == NULL)
		return NULL;
	model_ib_init(&b, c, "TPD_DeltaReplicaStoragePool", 16);
	model_ib_str(&b, "InstanceID", delta_iid(c, o));
	model_ib_str(&b, "PoolID", cim_arena_printf(c->arena, "SA.%u",
	    (unsigned)o->vol_id));
	model_ib_str(&b, "ElementName", cim_arena_printf(c->arena,
	    "%s snapshot space", base->name));
	model_ib_u(&b, "TotalManagedSpace", CIM_T_UINT64, total);
	model_ib_u(&b, "RemainingManagedSpace", CIM_T_UINT64, 0);
	/* CIM_StoragePool.Usage 4 = Reserved as a Delta Replica Container. */
	model_ib_u(&b, "Usage", CIM_T_UINT16, 4);
	model_ib_bool(&b, "Primordial", false);
	model_ib_u16s(&b, "OperationalStatus", 1, model_os_ok);
	return model_ib_done(&b);
}

static const struct model_ops delta_ops = {
	.id = MODEL_ID_VOL,
	.resolve = delta_resolve,
	.path = delta_path,
	.instance = delta_instance,
	.objects = delta_objects,
};
const struct model_class model_class_delta_pool = MODEL_CLASS(
    "TPD_DeltaReplicaStoragePool", MODEL_NS_TPD, OBJ_DELTA_POOL,
    model_keys_iid, pool_supers, &delta_ops);
