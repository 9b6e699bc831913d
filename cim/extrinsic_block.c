/* SPDX-License-Identifier: ISC */
/*
 * extrinsic_block.c - the Block Services methods (SNIA Block Services
 * package, DMTF CIM_StorageConfigurationService and CIM_StoragePool):
 * CreateOrModifyElementFromStoragePool creates a volume or grows one,
 * ReturnToStoragePool deletes one, GetSupportedSizeRange and
 * GetSupportedSizes say which sizes a pool gives.
 *
 * As on a 3PAR they are synchronous: 0 (or a refusal) and never a Job.
 * This file turns arguments into a replica/ call and its answer into out
 * parameters; which sizes, names and volumes are allowed is replica/'s
 * decision (provision.c), written down once there.  Arguments this layer
 * alone can judge are judged here: ElementType (only volumes, 2 and 5),
 * a Goal (arrayd has no StorageSetting, so any Goal names nothing), InPool
 * (a configured pool of this array), an ElementName given to a modify
 * (renaming is not offered).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cim/extrinsic_int.h"
#include "cim/model.h"
#include "cimxml/cimxml.h"
#include "replica/replica.h"

/* GetSupportedSizeRange / GetSupportedSizes return values. */
#define RC_SIZES_OK		0u
#define RC_SIZES_USE_RANGE	2u	/* GetSupportedSizes: use the range */
#define RC_SIZES_BAD_TYPE	3u	/* Invalid Element Type */

/* CIM_StoragePool method ElementType: 3 Storage Volume, 5 thin volume. */
#define POOL_ELTYPE_VOLUME	3u
#define POOL_ELTYPE_THIN_VOLUME	5u

static void
write_u64_param(struct op_ctx *c, const char *name, uint64_t v)
{
	cim_buf_printf(c->out, "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"uint64\">"
	    "<VALUE>%" PRIu64 "</VALUE></PARAMVALUE>", name, v);
}

/*
 * ElementType of CreateOrModifyElementFromStoragePool: 0 when arrayd makes
 * that kind (absent: the implementation decides, DMTF), else the return
 * value.  A sparse file is a thin volume, and 3PAR accepts 2 and 5 alike;
 * extents and logical disks (3, 4, 6) and fully provisioned ones (7, 8)
 * are kinds this array has not, values outside the map are invalid.
 */
static uint32_t
element_type_rc(const struct ext_args *b)
{
	uint64_t t;

	if (!ext_arg_uint(b, "ElementType", &t) || t == 2 || t == 5)
		return REPLICA_RC_OK;
	if (t >= 3 && t <= 8)
		return REPLICA_RC_NOT_SUPPORTED;
	return REPLICA_RC_INVALID;
}

/* The configured pool InPool names; NULL when it names none. */
static const char *
in_pool(struct op_ctx *c, const struct ext_args *b)
{
	const struct cim_path *p = ext_arg_ref(b, "InPool");
	struct model_obj o;

	if (p == NULL || model_resolve(c, p, &o) != 0 || o.kind != OBJ_POOL)
		return NULL;
	return o.name;
}

/* rc 0 with Size and TheElement; 4097 with the nearest Size; else rc. */
static void
write_element_result(struct op_ctx *c, uint32_t rc, uint32_t id,
    uint64_t size)
{
	ext_write_rc(c, rc);
	if (rc == REPLICA_RC_OK || rc == REPLICA_RC_SIZE_NOT_SUPPORTED)
		write_u64_param(c, "Size", size);
	if (rc == REPLICA_RC_OK)
		ext_write_ref(c, "TheElement", model_volume_path(c, id));
}

/* A new volume in InPool. */
static int
create_element(struct op_ctx *c, const struct ext_args *b)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const char *pool = in_pool(c, b);
	uint64_t size = 0, got = 0;
	int err;

	if (pool == NULL || !ext_arg_uint(b, "Size", &size)) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	err = replica_volume_provision(c->rs, ext_arg_text(b, "ElementName"),
	    pool, size, &who, &res, &got);
	if (err < 0)
		return err;
	write_element_result(c, res.rc, res.target_id, got);
	return 0;
}

/* Volume TheElement grown to Size (no Size: nothing to change). */
static int
modify_element(struct op_ctx *c, const struct ext_args *b)
{
	struct replica_caller who = { c->user, c->req->method };
	const struct rvolume *v;
	const char *name = ext_arg_text(b, "ElementName");
	const char *pool;
	uint64_t size, got = 0;
	uint32_t id, rc;
	int err;

	(void)ext_resolve_volume(c, ext_arg_ref(b, "TheElement"), &id);
	v = replica_volume_by_id(c->rs, id);
	/* DMTF: InPool is NULL for a modify; the volume's own pool is harmless. */
	pool = ext_arg_ref(b, "InPool") != NULL ? in_pool(c, b) : NULL;
	if (v == NULL || (ext_arg_ref(b, "InPool") != NULL &&
	    (pool == NULL || strcmp(pool, v->pool) != 0))) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	if (name != NULL && strcmp(name, v->name) != 0) {
		ext_write_rc(c, REPLICA_RC_NOT_SUPPORTED);
		return 0;
	}
	if (!ext_arg_uint(b, "Size", &size))
		size = v->size;
	err = replica_volume_grow(c->rs, id, size, &who, &rc, &got);
	if (err < 0)
		return err;
	write_element_result(c, rc, id, got);
	return 0;
}

int
ext_call_create_or_modify(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	uint32_t rc = element_type_rc(b);

	(void)o;
	if (rc == REPLICA_RC_OK && ext_arg(b, "Goal") != NULL)
		rc = REPLICA_RC_INVALID;	/* no StorageSetting to name */
	if (rc != REPLICA_RC_OK) {
		ext_write_rc(c, rc);
		return 0;
	}
	if (ext_arg(b, "TheElement") != NULL)
		return modify_element(c, b);
	return create_element(c, b);
}

int
ext_call_return_to_pool(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	struct replica_caller who = { c->user, c->req->method };
	uint32_t id, rc;
	int err;

	(void)o;
	(void)ext_resolve_volume(c, ext_arg_ref(b, "TheElement"), &id);
	err = replica_volume_return(c->rs, id, &who, &rc);
	if (err < 0)
		return err;
	ext_write_rc(c, rc);
	return 0;
}

/* The pool method's ElementType: volumes (3, 5) or absent. */
static bool
pool_element_type_ok(const struct ext_args *b)
{
	uint64_t t;

	return !ext_arg_uint(b, "ElementType", &t) ||
	    t == POOL_ELTYPE_VOLUME || t == POOL_ELTYPE_THIN_VOLUME;
}

int
ext_call_size_range(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	uint64_t min, max, div;

	if (!pool_element_type_ok(b) ||
	    replica_pool_size_range(c->rs, o->name, &min, &max, &div) != 0) {
		ext_write_rc(c, RC_SIZES_BAD_TYPE);
		return 0;
	}
	ext_write_rc(c, RC_SIZES_OK);
	write_u64_param(c, "MinimumVolumeSize", min);
	write_u64_param(c, "MaximumVolumeSize", max);
	write_u64_param(c, "VolumeSizeDivisor", div);
	return 0;
}

/* Sizes form a range here, as DMTF lets a pool say. */
int
ext_call_sizes(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	(void)o;
	ext_write_rc(c, pool_element_type_ok(b) ? RC_SIZES_USE_RANGE :
	    RC_SIZES_BAD_TYPE);
	return 0;
}
