/* SPDX-License-Identifier: ISC */
/*
 * provision.c - Block Services: volumes made, grown and deleted by a
 * client (CreateOrModifyElementFromStoragePool, ReturnToStoragePool), the
 * pools' space and limits those methods answer by, and the intent record
 * that makes a file operation and its store change one step across a
 * crash.
 *
 * Order of effects.  A file is never made or removed without its intent
 * committed durably first (meta key "file_intent": "create PATH",
 * "remove ID PATH" or "grow ID SIZE"); the change that records the outcome
 * clears it in the same transaction.  At start-up (and before the next
 * intent, should clearing one have failed) replica__intent_settle finishes
 * the story the store tells: a created or removed file is kept only if a
 * stored volume names it, and an interrupted grow is finished (the file
 * already has its new size or gets it).  So kill -9 at any point leaves
 * either the volume or nothing, never a half volume.  Which volumes may be
 * grown or deleted is decided here, in one place (README, Block Services).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

#define INTENT_KEY "file_intent"

static const struct pool_ent *
pool_ent(const struct replica_set *rs, const char *name)
{
	for (size_t i = 0; name != NULL && i < rs->npools; i++)
		if (strcmp(rs->pools[i].name, name) == 0)
			return &rs->pools[i];
	return NULL;
}

/* ------------------------------------------------------------- intents */

/* Write `text` as the intent, in a transaction of its own, synced. */
static int
intent_write(struct replica_set *rs, const char *text)
{
	int err;

	if ((err = store_begin(rs->store)) != 0)
		return err;
	if ((err = store_meta_set(rs->store, INTENT_KEY, text)) == 0 &&
	    (err = store_commit_durable(rs->store)) == 0)
		return 0;
	store_rollback(rs->store);
	replica__log(rs, LOG_LVL_ERROR, "state store: cannot record a file "
	    "operation: %s", store_errmsg(rs->store));
	return err;
}

int
replica__intent_done(struct replica_set *rs)
{
	return store_meta_set(rs->store, INTENT_KEY, "");
}

static bool
path_is_volume(const struct replica_set *rs, const char *path)
{
	for (size_t i = 0; i < rs->nvols; i++)
		if (strcmp(rs->vols[i].path, path) == 0)
			return true;
	return false;
}

/*
 * A create or delete that did not finish: no stored volume, no file.  A
 * delete names the volume's id so that what arrayd keeps beside its file
 * (the copy engine's digest map) goes too; a create had no id yet.
 */
static void
intent_settle_file(struct replica_set *rs, uint32_t id, const char *path)
{
	struct rvolume v = { .id = id, .path = (char *)path };
	int err;

	if (path_is_volume(rs, path) || rs->ops.volume_remove == NULL)
		return;
	err = rs->ops.volume_remove(rs->ops.ctx, &v);
	if (err == 0)
		replica__log(rs, LOG_LVL_WARN, "%s: removed: its volume was "
		    "being created or deleted when arrayd stopped", path);
	else if (err != -ENOENT)
		replica__log(rs, LOG_LVL_ERROR, "%s: cannot remove the file "
		    "of an unfinished create or delete: %s", path,
		    strerror(-err));
}

/* A grow that did not finish: the file gets the size, then the store. */
static int
intent_settle_grow(struct replica_set *rs, uint32_t id, uint64_t size)
{
	struct rvolume *v = replica__vol(rs, id);
	int err;

	if (v == NULL || v->size >= size || rs->ops.volume_resize == NULL)
		return 0;
	if ((err = rs->ops.volume_resize(rs->ops.ctx, v, size)) != 0) {
		replica__log(rs, LOG_LVL_ERROR, "volume %u: cannot finish "
		    "growing %s to %" PRIu64 " bytes: %s", id, v->path, size,
		    strerror(-err));
		return 0;	/* the volume keeps its stored size */
	}
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	v = replica__vol(rs, id);
	v->size = size;
	rs->durable_commit = true;
	err = replica__put_vol(rs, v);
	if (err == 0)
		err = replica__intent_done(rs);
	if ((err = replica__txn_commit(rs, err)) == 0)
		replica__log(rs, LOG_LVL_WARN, "volume %u: grown to %" PRIu64
		    " bytes: the grow was under way when arrayd stopped", id,
		    size);
	return err;
}

int
replica__intent_settle(struct replica_set *rs)
{
	char buf[4200], *arg;
	unsigned long long size;
	unsigned id;
	int err, n = 0;

	if (store_meta_get(rs->store, INTENT_KEY, buf, sizeof(buf)) != 0 ||
	    buf[0] == '\0')
		return 0;
	arg = strchr(buf, ' ');
	if (arg != NULL && strncmp(buf, "create ", 7) == 0) {
		intent_settle_file(rs, 0, arg + 1);
	} else if (sscanf(buf, "remove %u %n", &id, &n) == 1 && n > 0 &&
	    buf[n] == '/') {
		intent_settle_file(rs, id, buf + n);
	} else if (sscanf(buf, "grow %u %llu", &id, &size) == 2) {
		if ((err = intent_settle_grow(rs, id, size)) != 0)
			return err;
	} else {
		replica__log(rs, LOG_LVL_WARN, "state store: unknown file "
		    "intent \"%.64s\" ignored", buf);
	}
	return intent_write(rs, "");
}

int
replica__file_create(struct replica_set *rs, const struct rvolume *v,
    int *file_err)
{
	char text[4200];
	int err;

	*file_err = 0;
	if (strlen(v->path) > sizeof(text) - 16) {
		*file_err = -ENAMETOOLONG;
		return 0;
	}
	if ((err = replica__intent_settle(rs)) != 0)
		return err;
	/*
	 * Something already at the path is someone else's: refuse before an
	 * intent names it.  Else, should the write that clears the intent
	 * after O_EXCL's EEXIST fail (or arrayd die before it), the next
	 * settle would remove a file arrayd never made.
	 */
	if (rs->ops.volume_check != NULL) {
		struct rvolume_stat st;

		err = rs->ops.volume_check(rs->ops.ctx, v, false, &st);
		if (err != -ENOENT) {
			*file_err = err == 0 || err == -ENOTBLK ||
			    err == -ENODEV ? -EEXIST : err;
			replica__log(rs, LOG_LVL_WARN, "volume %s: cannot create "
			    "%s: %s", v->name, v->path, strerror(-*file_err));
			return 0;
		}
	}
	snprintf(text, sizeof(text), "create %s", v->path);
	if ((err = intent_write(rs, text)) != 0)
		return err;
	if ((*file_err = rs->ops.volume_create(rs->ops.ctx, v)) != 0) {
		replica__log(rs, LOG_LVL_WARN, "volume %s: cannot create %s: %s",
		    v->name, v->path, strerror(-*file_err));
		/* Nothing was made (O_EXCL): someone else's file stays. */
		(void)intent_write(rs, "");
	}
	return 0;
}

/* --------------------------------------------------------------- pools */

int
replica_pool_usage(const struct replica_set *rs, const char *pool,
    struct replica_pool_usage *u)
{
	const struct pool_ent *pe = pool_ent(rs, pool);

	memset(u, 0, sizeof(*u));
	if (pe == NULL)
		return -ENOENT;
	for (size_t i = 0; i < rs->nvols; i++) {
		const struct rvolume *v = &rs->vols[i];

		if (strcmp(v->pool, pool) != 0)
			continue;
		u->volumes++;
		if (!v->is_snapshot)
			u->provisioned += v->size;
	}
	u->overprovision = pe->overprovision;
	if (rs->ops.pool_space == NULL || rs->ops.pool_space(rs->ops.ctx,
	    pe->path, &u->capacity, &u->free) != 0)
		u->capacity = u->free = 0;
	/* No limit, or no known capacity to take a share of. */
	if (pe->overprovision == 0 || u->capacity == 0)
		u->limit = UINT64_MAX;
	else if (u->capacity > UINT64_MAX / pe->overprovision)
		u->limit = UINT64_MAX;
	else
		u->limit = u->capacity * pe->overprovision / 100;
	return 0;
}

/* What the pool may still promise (0 when it is at or over its limit). */
static uint64_t
pool_headroom(const struct replica_pool_usage *u)
{
	return u->limit > u->provisioned ? u->limit - u->provisioned : 0;
}

bool
replica__pool_has_room(const struct replica_set *rs, const char *pool,
    uint64_t bytes)
{
	struct replica_pool_usage u;

	return replica_pool_usage(rs, pool, &u) == 0 &&
	    bytes <= pool_headroom(&u);
}

int
replica_pool_size_range(const struct replica_set *rs, const char *pool,
    uint64_t *min, uint64_t *max, uint64_t *divisor)
{
	struct replica_pool_usage u;
	uint64_t room;

	if (replica_pool_usage(rs, pool, &u) != 0)
		return -ENOENT;
	room = pool_headroom(&u);
	if (room > REPLICA_VOLUME_MAX)
		room = REPLICA_VOLUME_MAX;
	room -= room % REPLICA_VOLUME_GRANULE;
	*min = REPLICA_VOLUME_GRANULE;
	*max = room;
	*divisor = REPLICA_VOLUME_GRANULE;
	return 0;
}

/* Round `size` up to the granule; false when the result is too big. */
static bool
size_round(uint64_t size, uint64_t *out)
{
	if (size > REPLICA_VOLUME_MAX)
		return false;
	*out = (size + REPLICA_VOLUME_GRANULE - 1) / REPLICA_VOLUME_GRANULE *
	    REPLICA_VOLUME_GRANULE;
	return true;
}

/* Errors of the file system that mean "not this size". */
static bool
size_errno(int err)
{
	return err == -EFBIG || err == -ENOSPC || err == -EDQUOT ||
	    err == -EOVERFLOW;
}

/*
 * The nearest size to offer after the file system refused `size`: one
 * granule less when it said the file would be too big (ext4's largest
 * file is 16 TiB less 4 KiB, so 16 TiB is refused there and 16 TiB less a
 * granule is not); else `floor` (nothing smaller is known to fit).
 */
static uint64_t
size_below(int err, uint64_t size, uint64_t floor)
{
	if (err == -EFBIG && size > REPLICA_VOLUME_GRANULE &&
	    size - REPLICA_VOLUME_GRANULE > floor)
		return size - REPLICA_VOLUME_GRANULE;
	return floor;
}

/* -------------------------------------------------------------- create */

/* "vv.<n>" with the smallest n that names no volume. */
static int
provision_default_name(const struct replica_set *rs, char *buf, size_t len)
{
	return replica__default_name(rs, "vv", buf, len);
}

/*
 * The checks of a create: rc, nothing changed.  For 4097, *rounded is the
 * nearest size the pool can give (DMTF: Size out), 0 when none.
 */
static uint32_t
provision_check(const struct replica_set *rs, const char *name,
    const char *pool, uint64_t size, uint64_t *rounded)
{
	uint64_t min = 0, max = 0, div = 0;

	if (name != NULL && !replica_name_valid(name))
		return REPLICA_RC_INVALID;
	if (pool_ent(rs, pool) == NULL)
		return REPLICA_RC_INVALID;
	(void)replica_pool_size_range(rs, pool, &min, &max, &div);
	if (size == 0 || !size_round(size, rounded) || *rounded > max) {
		*rounded = size == 0 && max >= min ? min : max;
		return REPLICA_RC_SIZE_NOT_SUPPORTED;
	}
	if (name != NULL && replica_volume_by_name(rs, name) != NULL)
		return REPLICA_RC_FAILED;
	return REPLICA_RC_OK;
}

/* Record the new volume, its file made; 0 or -errno (rolled back). */
static int
provision_commit(struct replica_set *rs, struct rvolume *nv)
{
	int err;

	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	rs->durable_commit = true;
	if ((err = replica__alloc_volume_id(rs, &nv->id)) == 0 &&
	    (err = replica__vol_insert(rs, nv, false)) == 0 &&
	    (err = replica__put_vol(rs, nv)) == 0)
		err = replica__intent_done(rs);
	return replica__txn_commit(rs, err);
}

int
replica__volume_make(struct replica_set *rs, const char *name,
    const char *pool, uint64_t size, uint32_t *id, int *file_err)
{
	const struct pool_ent *pe = pool_ent(rs, pool);
	struct rvolume nv;
	int err;

	*id = 0;
	*file_err = 0;
	if (pe == NULL)
		return -ENOENT;
	memset(&nv, 0, sizeof(nv));
	snprintf(nv.name, sizeof(nv.name), "%s", name);
	snprintf(nv.pool, sizeof(nv.pool), "%s", pool);
	nv.size = size;
	nv.created_us = replica__now(rs);
	if (asprintf(&nv.path, "%s/%s.img", pe->path, name) == -1)
		return -ENOMEM;
	if ((err = replica__file_create(rs, &nv, file_err)) != 0 ||
	    *file_err != 0)
		goto out_free_path;
	if ((err = provision_commit(rs, &nv)) != 0) {
		/* The intent still names the file: removed now or at start. */
		(void)rs->ops.volume_remove(rs->ops.ctx, &nv);
		goto out_free_path;
	}
	*id = nv.id;
out_free_path:
	free(nv.path);
	return err;
}

int
replica_volume_provision(struct replica_set *rs, const char *name,
    const char *pool, uint64_t size, const struct replica_caller *who,
    struct replica_result *out, uint64_t *size_out)
{
	const struct rvolume *v;
	char defname[32];
	uint64_t rounded = 0;
	uint32_t id;
	int err, ferr;

	memset(out, 0, sizeof(*out));
	*size_out = 0;
	out->rc = provision_check(rs, name, pool, size, &rounded);
	if (out->rc == REPLICA_RC_SIZE_NOT_SUPPORTED)
		*size_out = rounded;
	if (out->rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO, "volume %s: create in pool %s "
		    "by %s refused (rc %u)", name != NULL ? name : "-",
		    pool != NULL ? pool : "-", replica__user(who), out->rc);
		return 0;
	}
	if (name == NULL) {
		if (provision_default_name(rs, defname, sizeof(defname)) != 0) {
			out->rc = REPLICA_RC_FAILED;
			return 0;
		}
		name = defname;
	}
	if ((err = replica__volume_make(rs, name, pool, rounded, &id,
	    &ferr)) != 0 || ferr != 0) {
		out->rc = size_errno(ferr) ? REPLICA_RC_SIZE_NOT_SUPPORTED :
		    REPLICA_RC_FAILED;
		*size_out = size_below(ferr, rounded, 0);
		return err;
	}
	v = replica__vol(rs, id);
	rs->counters.volumes_created++;
	replica__log(rs, LOG_LVL_INFO, "volume %u: %s created in pool %s by "
	    "%s (%" PRIu64 " bytes, %s)", v->id, v->name, v->pool,
	    replica__user(who), v->size, v->path);
	out->target_id = v->id;
	*size_out = v->size;
	return 0;
}

/* ---------------------------------------------------------------- grow */

/* Is volume id in a pair, on either side? */
static bool
vol_paired(const struct replica_set *rs, uint32_t id)
{
	for (size_t i = 0; i < rs->npairs; i++)
		if (rs->pairs[i].src_id == id || rs->pairs[i].tgt_id == id)
			return true;
	return false;
}

/* The largest size volume v can grow to now (its own at least). */
static uint64_t
grow_max(const struct replica_set *rs, const struct rvolume *v)
{
	struct replica_pool_usage u;
	uint64_t max;

	if (v->size >= REPLICA_VOLUME_MAX)
		return v->size;
	if (replica_pool_usage(rs, v->pool, &u) == 0 &&
	    pool_headroom(&u) < REPLICA_VOLUME_MAX - v->size)
		max = v->size + pool_headroom(&u);
	else
		max = REPLICA_VOLUME_MAX;
	max -= max % REPLICA_VOLUME_GRANULE;
	return max > v->size ? max : v->size;
}

/*
 * The checks of a grow: rc, nothing changed.  *rounded is the size to
 * grow to, or for 4097 the nearest size it could have (DMTF: Size out).
 */
static uint32_t
grow_check(struct replica_set *rs, const struct rvolume *v, uint64_t size,
    uint64_t *rounded)
{
	if (v == NULL)
		return REPLICA_RC_INVALID;
	if (v->is_snapshot)
		return REPLICA_RC_INVALID;
	/* 3PAR grows and never shrinks; its own size changes nothing. */
	*rounded = v->size;
	if (size < v->size)
		return REPLICA_RC_SIZE_NOT_SUPPORTED;
	if (size == v->size)
		return REPLICA_RC_OK;
	if (!size_round(size, rounded)) {
		*rounded = grow_max(rs, v);
		return REPLICA_RC_SIZE_NOT_SUPPORTED;
	}
	if (v->configured || vol_paired(rs, v->id) ||
	    replica__vol_busy(rs, v->id))
		return REPLICA_RC_IN_USE;
	if (v->missing || rs->ops.volume_resize == NULL)
		return REPLICA_RC_FAILED;
	if (*rounded > grow_max(rs, v)) {
		*rounded = grow_max(rs, v);
		return REPLICA_RC_SIZE_NOT_SUPPORTED;
	}
	return REPLICA_RC_OK;
}

int
replica_volume_grow(struct replica_set *rs, uint32_t id, uint64_t size,
    const struct replica_caller *who, uint32_t *rc, uint64_t *size_out)
{
	struct rvolume *v;
	uint64_t rounded = 0, old;
	char text[64];
	int err;

	(void)replica_volume_probe(rs, id);
	v = replica__vol(rs, id);
	*size_out = v != NULL ? v->size : 0;
	*rc = grow_check(rs, v, size, &rounded);
	if (*rc == REPLICA_RC_SIZE_NOT_SUPPORTED)
		*size_out = rounded;
	if (*rc != REPLICA_RC_OK || rounded <= v->size) {
		replica__log(rs, *rc == REPLICA_RC_OK ? LOG_LVL_DEBUG :
		    LOG_LVL_INFO, "volume %u: grow to %" PRIu64 " bytes by %s "
		    "%s (rc %u)", id, size, replica__user(who),
		    *rc == REPLICA_RC_OK ? "changes nothing" : "refused", *rc);
		return 0;
	}
	if ((err = replica__intent_settle(rs)) != 0)
		goto fail;
	/* Settling may have finished an earlier grow of this very volume. */
	v = replica__vol(rs, id);
	old = v->size;
	*size_out = old;
	if (rounded <= old)
		return 0;
	snprintf(text, sizeof(text), "grow %u %" PRIu64, (unsigned)id, rounded);
	if ((err = intent_write(rs, text)) != 0)
		goto fail;
	v = replica__vol(rs, id);
	if ((err = rs->ops.volume_resize(rs->ops.ctx, v, rounded)) != 0) {
		replica__log(rs, LOG_LVL_WARN, "volume %u: cannot grow %s to %"
		    PRIu64 " bytes: %s", id, v->path, rounded, strerror(-err));
		/* Back to the size the store has; the intent is then moot. */
		(void)rs->ops.volume_resize(rs->ops.ctx, v, old);
		(void)intent_write(rs, "");
		*rc = size_errno(err) ? REPLICA_RC_SIZE_NOT_SUPPORTED :
		    REPLICA_RC_FAILED;
		*size_out = size_below(err, rounded, old);
		return 0;
	}
	if ((err = replica__txn_begin(rs)) != 0)
		goto fail;
	v = replica__vol(rs, id);
	v->size = rounded;
	rs->durable_commit = true;
	if ((err = replica__put_vol(rs, v)) == 0)
		err = replica__intent_done(rs);
	if ((err = replica__txn_commit(rs, err)) != 0)
		goto fail;	/* the intent finishes the grow at start-up */
	replica__log(rs, LOG_LVL_INFO, "volume %u: grown from %" PRIu64
	    " to %" PRIu64 " bytes by %s", id, old, rounded,
	    replica__user(who));
	*size_out = rounded;
	return 0;
fail:
	*rc = REPLICA_RC_FAILED;
	return err;
}

/* -------------------------------------------------------------- delete */

/*
 * Why volume v cannot be deleted now (rc), or 0: 3PAR's removevv refuses
 * a volume with snapshots or in a physical copy, and arrayd a volume the
 * operator declared (the configuration owns it; a reload would bring it
 * back) or one a copy reads or writes.  Pair `except` does not count: the
 * caller removes it with the volume.
 */
uint32_t
replica__volume_return_check(const struct replica_set *rs,
    const struct rvolume *v, const struct rpair *except)
{
	if (v == NULL)
		return REPLICA_RC_INVALID;
	if (v->configured || replica__vol_busy(rs, v->id))
		return REPLICA_RC_IN_USE;
	for (size_t i = 0; i < rs->npairs; i++) {
		const struct rpair *p = &rs->pairs[i];

		if (except != NULL && p->src_id == except->src_id &&
		    p->tgt_id == except->tgt_id)
			continue;
		if (p->src_id == v->id)
			return REPLICA_RC_IN_USE;
		if (p->tgt_id == v->id && p->kind != PAIR_VC)
			return REPLICA_RC_IN_USE;
	}
	return REPLICA_RC_OK;
}

/* In one transaction: the volume, the pairs it is the target of, the intent. */
static int
return_commit(struct replica_set *rs, uint32_t id, const char *path)
{
	char text[4200];
	int err;

	if (strlen(path) > sizeof(text) - 16)
		return -ENAMETOOLONG;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	rs->durable_commit = true;
	snprintf(text, sizeof(text), "remove %u %s", (unsigned)id, path);
	for (size_t i = rs->npairs; err == 0 && i > 0; i--) {
		struct rpair *p = &rs->pairs[i - 1];

		if (p->tgt_id != id)
			continue;
		err = store_del_pair(rs->store, p->src_id, p->tgt_id);
		if (err == 0)
			replica__pair_remove(rs, p->src_id, p->tgt_id);
	}
	if (err == 0 && (err = store_del_volume(rs->store, id)) == 0 &&
	    (err = store_meta_set(rs->store, INTENT_KEY, text)) == 0)
		replica__vol_remove(rs, id);
	return replica__txn_commit(rs, err);
}

int
replica__volume_delete(struct replica_set *rs, uint32_t id,
    const struct replica_caller *who)
{
	struct rvolume gone;
	int err;

	if ((err = replica__intent_settle(rs)) != 0)
		return err;
	gone = *replica__vol(rs, id);
	if ((gone.path = strdup(gone.path)) == NULL)
		return -ENOMEM;
	if ((err = return_commit(rs, id, gone.path)) != 0)
		goto out_free_path;
	/* Committed: the volume is gone; the file follows (or at start). */
	err = rs->ops.volume_remove(rs->ops.ctx, &gone);
	if (err != 0 && err != -ENOENT)
		replica__log(rs, LOG_LVL_ERROR, "volume %u: %s: cannot remove "
		    "the file: %s", id, gone.path, strerror(-err));
	else
		(void)intent_write(rs, "");
	err = 0;
	replica__log(rs, LOG_LVL_INFO, "volume %u: %s deleted by %s (%s)", id,
	    gone.name, replica__user(who), gone.path);
out_free_path:
	free(gone.path);
	return err;
}

int
replica_volume_return(struct replica_set *rs, uint32_t id,
    const struct replica_caller *who, uint32_t *rc)
{
	const struct rvolume *v = replica__vol(rs, id);
	int err;

	*rc = replica__volume_return_check(rs, v, NULL);
	if (*rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO, "volume %u: delete by %s refused "
		    "(rc %u%s)", id, replica__user(who), *rc,
		    v != NULL && v->configured ? ": declared in the "
		    "configuration" : "");
		return 0;
	}
	if ((err = replica__volume_delete(rs, id, who)) != 0) {
		*rc = REPLICA_RC_FAILED;
		return err;
	}
	rs->counters.volumes_deleted++;
	return 0;
}

void
replica_counters_get(const struct replica_set *rs,
    struct replica_counters *out)
{
	*out = rs->counters;
}
