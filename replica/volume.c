/* SPDX-License-Identifier: ISC */
/*
 * volume.c - pools and volumes of the replica set: pool registration,
 * configured volumes (stable ids, persisted), name rules and default names,
 * and the "is this volume in use by a copy" predicates the method checks
 * use.  It never starts or stops copies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

/* The first id handed out when the configuration gives none. */
#define REPLICA_FIRST_VOLUME_ID	101

bool
replica_name_valid(const char *name)
{
	size_t n;

	if (name == NULL || (n = strlen(name)) == 0 || n > 31)
		return false;
	/* Names become file names "<name>.img": no "." or ".." look-alikes. */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int
replica_pool_add(struct replica_set *rs, const char *name, const char *path)
{
	struct pool_ent *np;
	char *p;

	if (name == NULL || path == NULL || name[0] == '\0' ||
	    strlen(name) >= sizeof(np->name) || path[0] == '\0')
		return -EINVAL;
	if (replica_pool_path(rs, name) != NULL)
		return -EEXIST;
	if ((p = strdup(path)) == NULL)
		return -ENOMEM;
	np = realloc(rs->pools, (rs->npools + 1) * sizeof(*np));
	if (np == NULL) {
		free(p);
		return -ENOMEM;
	}
	rs->pools = np;
	/* Every field not set here starts zero: no point-in-time mode, no
	 * measured space, until the daemon's probe says otherwise. */
	memset(&np[rs->npools], 0, sizeof(*np));
	snprintf(np[rs->npools].name, sizeof(np->name), "%s", name);
	np[rs->npools].path = p;
	np[rs->npools].overprovision = REPLICA_OVERPROVISION_DEFAULT;
	rs->npools++;
	return 0;
}

int
replica_pool_set_overprovision(struct replica_set *rs, const char *name,
    unsigned percent)
{
	for (size_t i = 0; name != NULL && i < rs->npools; i++) {
		if (strcmp(rs->pools[i].name, name) == 0) {
			rs->pools[i].overprovision = percent;
			return 0;
		}
	}
	return -ENOENT;
}

void
replica__volume_id_seen(struct replica_set *rs, uint32_t id)
{
	if (id >= rs->next_volume_id && id < UINT32_MAX)
		rs->next_volume_id = id + 1;
	if (rs->next_volume_id < REPLICA_FIRST_VOLUME_ID)
		rs->next_volume_id = REPLICA_FIRST_VOLUME_ID;
}

/*
 * Like task ids, the counter moves in memory even if the change that
 * wrote it is rolled back, so an id is never handed out twice; a DeviceID
 * a client saw names that volume forever (smispy keys volumes on it).
 */
int
replica__alloc_volume_id(struct replica_set *rs, uint32_t *id)
{
	char buf[16];

	replica__volume_id_seen(rs, 0);
	if (rs->next_volume_id >= INT32_MAX)
		return -ENOSPC;
	*id = rs->next_volume_id++;
	snprintf(buf, sizeof(buf), "%u", (unsigned)rs->next_volume_id);
	return store_meta_set(rs->store, "next_volume_id", buf);
}

/* Update a persisted volume of this name from the configuration. */
static int
replica_volume_reconfigure(struct replica_set *rs, struct rvolume *v,
    const char *pool, const char *path, uint64_t size, uint32_t id)
{
	size_t i = (size_t)(v - rs->vols);
	char *np;
	int err;

	if (rs->vol_registered[i] || !v->configured || (id != 0 && id != v->id))
		return -EEXIST;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	if (strcmp(v->path, path) != 0) {
		if ((np = strdup(path)) == NULL)
			return replica__txn_commit(rs, -ENOMEM);
		free(v->path);
		v->path = np;
	}
	snprintf(v->pool, sizeof(v->pool), "%s", pool);
	v->size = size;
	rs->vol_registered[i] = true;
	return replica__txn_commit(rs, replica__put_vol(rs, v));
}

int
replica_volume_configure(struct replica_set *rs, const char *name,
    const char *pool, const char *path, uint64_t size, uint32_t id,
    uint32_t *id_out)
{
	struct rvolume nv, *v;
	int err;

	if (!replica_name_valid(name) || path == NULL || path[0] == '\0' ||
	    size % 512 != 0 || pool == NULL || strlen(pool) >= sizeof(nv.pool))
		return -EINVAL;
	if (replica_pool_path(rs, pool) == NULL)
		return -ENOENT;
	if ((v = (struct rvolume *)replica_volume_by_name(rs, name)) != NULL) {
		if ((err = replica_volume_reconfigure(rs, v, pool, path, size,
		    id)) != 0)
			return err;
		if (id_out != NULL)
			*id_out = v->id;
		return 0;
	}
	if (id != 0 && replica__vol(rs, id) != NULL)
		return -EEXIST;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	if (id == 0)
		err = replica__alloc_volume_id(rs, &id);
	else
		replica__volume_id_seen(rs, id);
	memset(&nv, 0, sizeof(nv));
	nv.id = id;
	snprintf(nv.name, sizeof(nv.name), "%s", name);
	snprintf(nv.pool, sizeof(nv.pool), "%s", pool);
	nv.path = (char *)path;
	nv.size = size;
	nv.configured = true;
	nv.created_us = replica__now(rs);
	if (err == 0 && (err = replica__vol_insert(rs, &nv, true)) == 0)
		err = replica__put_vol(rs, replica__vol(rs, id));
	if ((err = replica__txn_commit(rs, err)) != 0)
		return err;
	replica__log(rs, LOG_LVL_INFO,
	    "volume %u: %s configured (%s)", id, name, path);
	if (id_out != NULL)
		*id_out = id;
	return 0;
}

/* Is a New or Running job about to write, or writing, this volume? */
bool
replica__vol_written(const struct replica_set *rs, uint32_t id)
{
	for (size_t i = 0; i < rs->njobs; i++) {
		const struct rjob *j = &rs->jobs[i].j;

		if (replica__job_active(j) &&
		    replica_copy_side_volume(j, REPLICA_SIDE_TARGET) == id)
			return true;
	}
	return false;
}

/* Does a New or Running job read or write this volume? */
bool
replica__vol_busy(const struct replica_set *rs, uint32_t id)
{
	for (size_t i = 0; i < rs->njobs; i++) {
		const struct rjob *j = &rs->jobs[i].j;

		if (replica__job_active(j) && (j->src_id == id ||
		    j->tgt_id == id))
			return true;
	}
	return false;
}

/*
 * "<source>.<n>" with the smallest n that names no volume; the source part
 * is shortened so the result stays a valid name (<= 31 characters).
 */
int
replica__default_name(const struct replica_set *rs, const char *src,
    char *buf, size_t len)
{
	char suffix[16];

	for (unsigned n = 0; n < 100000; n++) {
		int sl = snprintf(suffix, sizeof(suffix), ".%u", n);
		int keep = 31 - sl;

		snprintf(buf, len, "%.*s%s", keep, src, suffix);
		if (replica_volume_by_name(rs, buf) == NULL)
			return 0;
	}
	return -ENOSPC;
}
