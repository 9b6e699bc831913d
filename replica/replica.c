/* SPDX-License-Identifier: ISC */
/*
 * replica.c - the replica set: open/load/free, the in-memory registries of
 * volumes, pairs and jobs (sorted arrays, so queries iterate in key order),
 * the write-through helpers that put one object into the current store
 * transaction, logging, and the read-only queries of replica.h.
 *
 * It must not decide transitions (sm.c does) or talk to the copy engine
 * (copy.c does, through replica_ops).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "replica/replica_int.h"
#include "replica/store.h"

const char *
sync_state_name(unsigned s)
{
	switch (s) {
	case SYNC_INITIALIZED: return "Initialized";
	case SYNC_RESYNC_IN_PROGRESS: return "ResyncInProgress";
	case SYNC_RESTORE_IN_PROGRESS: return "RestoreInProgress";
	case SYNC_IDLE: return "Idle";
	case SYNC_BROKEN: return "Broken";
	case SYNC_FROZEN: return "Frozen";
	case SYNC_COPY_IN_PROGRESS: return "CopyInProgress";
	default: return "Unknown";
	}
}

const char *
job_state_name(unsigned s)
{
	switch (s) {
	case JOB_NEW: return "New";
	case JOB_RUNNING: return "Running";
	case JOB_COMPLETED: return "Completed";
	case JOB_TERMINATED: return "Terminated";
	case JOB_EXCEPTION: return "Exception";
	default: return "Unknown";
	}
}

const char *
job_kind_name(enum job_kind k)
{
	switch (k) {
	case JOB_KIND_PC_CREATE: return "vv_copy";
	case JOB_KIND_CLONE_CREATE: return "vv_copy";
	case JOB_KIND_RESYNC: return "vv_copy";
	case JOB_KIND_RESTORE: return "promote_sv";
	case JOB_KIND_START_COPY: return "vv_copy";
	case JOB_KIND_SNAPSHOT: return "create_sv";
	default: return "unknown";
	}
}

void
replica__log(struct replica_set *rs, enum log_level level,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (rs->ops.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs->ops.log(rs->ops.ctx, level, msg);
}

int64_t
replica__now(struct replica_set *rs)
{
	return rs->ops.now_us(rs->ops.ctx);
}

bool
replica__job_active(const struct rjob *j)
{
	return j->state == JOB_NEW || j->state == JOB_RUNNING;
}

/* ------------------------------------------------------------ registries */

static void *
replica_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap = *cap != 0 ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return arr;
	if ((p = realloc(arr, ncap * elem)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

struct rvolume *
replica__vol(struct replica_set *rs, uint32_t id)
{
	size_t lo = 0, hi = rs->nvols;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rs->vols[mid].id == id)
			return &rs->vols[mid];
		if (rs->vols[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
pair_cmp(const struct rpair *p, uint32_t src, uint32_t tgt)
{
	if (p->src_id != src)
		return p->src_id < src ? -1 : 1;
	if (p->tgt_id != tgt)
		return p->tgt_id < tgt ? -1 : 1;
	return 0;
}

struct rpair *
replica__pair(struct replica_set *rs, uint32_t src, uint32_t tgt)
{
	for (size_t i = 0; i < rs->npairs; i++)
		if (pair_cmp(&rs->pairs[i], src, tgt) == 0)
			return &rs->pairs[i];
	return NULL;
}

struct job_ent *
replica__job(struct replica_set *rs, uint64_t id)
{
	size_t lo = 0, hi = rs->njobs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rs->jobs[mid].j.id == id)
			return &rs->jobs[mid];
		if (rs->jobs[mid].j.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Insert a copy of *v (its path duplicated: owned by the set). */
int
replica__vol_insert(struct replica_set *rs, const struct rvolume *v,
    bool registered)
{
	struct rvolume *nv;
	bool *nreg;
	size_t cap = rs->capvols, i;
	char *path;

	if ((nv = replica_grow(rs->vols, &cap, rs->nvols, sizeof(*nv))) == NULL)
		return -ENOMEM;
	rs->vols = nv;
	if (cap != rs->capvols) {
		if ((nreg = realloc(rs->vol_registered, cap)) == NULL)
			return -ENOMEM;
		rs->vol_registered = nreg;
		rs->capvols = cap;
	}
	if ((path = strdup(v->path != NULL ? v->path : "")) == NULL)
		return -ENOMEM;
	for (i = rs->nvols; i > 0 && rs->vols[i - 1].id > v->id; i--) {
		rs->vols[i] = rs->vols[i - 1];
		rs->vol_registered[i] = rs->vol_registered[i - 1];
	}
	rs->vols[i] = *v;
	rs->vols[i].path = path;
	rs->vol_registered[i] = registered;
	rs->nvols++;
	return 0;
}

int
replica__pair_insert(struct replica_set *rs, const struct rpair *p)
{
	struct rpair *np;
	size_t i;

	np = replica_grow(rs->pairs, &rs->cappairs, rs->npairs, sizeof(*np));
	if (np == NULL)
		return -ENOMEM;
	rs->pairs = np;
	for (i = rs->npairs; i > 0 &&
	    pair_cmp(&rs->pairs[i - 1], p->src_id, p->tgt_id) > 0; i--)
		rs->pairs[i] = rs->pairs[i - 1];
	rs->pairs[i] = *p;
	rs->npairs++;
	return 0;
}

void
replica__pair_remove(struct replica_set *rs, uint32_t src, uint32_t tgt)
{
	for (size_t i = 0; i < rs->npairs; i++) {
		if (pair_cmp(&rs->pairs[i], src, tgt) != 0)
			continue;
		memmove(&rs->pairs[i], &rs->pairs[i + 1],
		    (rs->npairs - i - 1) * sizeof(rs->pairs[0]));
		rs->npairs--;
		return;
	}
}

int
replica__job_insert(struct replica_set *rs, const struct job_ent *je)
{
	struct job_ent *nj;
	size_t i;

	nj = replica_grow(rs->jobs, &rs->capjobs, rs->njobs, sizeof(*nj));
	if (nj == NULL)
		return -ENOMEM;
	rs->jobs = nj;
	for (i = rs->njobs; i > 0 && rs->jobs[i - 1].j.id > je->j.id; i--)
		rs->jobs[i] = rs->jobs[i - 1];
	rs->jobs[i] = *je;
	rs->njobs++;
	return 0;
}

void
replica__vol_remove(struct replica_set *rs, uint32_t id)
{
	struct rvolume *v = replica__vol(rs, id);
	size_t i;

	if (v == NULL)
		return;
	i = (size_t)(v - rs->vols);
	free(v->path);
	memmove(&rs->vols[i], &rs->vols[i + 1],
	    (rs->nvols - i - 1) * sizeof(rs->vols[0]));
	memmove(&rs->vol_registered[i], &rs->vol_registered[i + 1],
	    rs->nvols - i - 1);
	rs->nvols--;
}

const char *
replica_pool_path(const struct replica_set *rs, const char *name)
{
	for (size_t i = 0; name != NULL && i < rs->npools; i++)
		if (strcmp(rs->pools[i].name, name) == 0)
			return rs->pools[i].path;
	return NULL;
}

void
replica__job_remove(struct replica_set *rs, uint64_t id)
{
	struct job_ent *je = replica__job(rs, id);
	size_t i;

	if (je == NULL)
		return;
	i = (size_t)(je - rs->jobs);
	memmove(&rs->jobs[i], &rs->jobs[i + 1],
	    (rs->njobs - i - 1) * sizeof(rs->jobs[0]));
	rs->njobs--;
}

int
replica__put_vol(struct replica_set *rs, const struct rvolume *v)
{
	return store_put_volume(rs->store, v);
}

int
replica__put_pair(struct replica_set *rs, const struct rpair *p)
{
	return store_put_pair(rs->store, p);
}

int
replica__put_job(struct replica_set *rs, const struct rjob *j)
{
	return store_put_job(rs->store, j);
}

/*
 * Hand out the next task id.  The counter is written in the caller's
 * transaction, which commits before the id reaches any client; the
 * in-memory counter moves even if that commit fails, so an id is never
 * handed out twice.  Commits are not synced (store.c), so a power cut
 * could lose the counter's last value: ids are therefore reserved in
 * blocks, and the commit that moves the reservation is synced.  A start
 * continues above the reservation, so an id is never reused even then.
 */
#define TASK_ID_BLOCK 1024

static int
replica_reserve_task_ids(struct replica_set *rs)
{
	char buf[32];

	rs->task_id_reserved = rs->next_task_id + TASK_ID_BLOCK;
	rs->durable_commit = true;
	snprintf(buf, sizeof(buf), "%" PRIu64, rs->task_id_reserved);
	return store_meta_set(rs->store, "task_id_reserved", buf);
}

int
replica__alloc_task_id(struct replica_set *rs, uint64_t *id)
{
	char buf[32];
	int err;

	if (rs->next_task_id >= rs->task_id_reserved &&
	    (err = replica_reserve_task_ids(rs)) != 0)
		return err;
	*id = rs->next_task_id++;
	snprintf(buf, sizeof(buf), "%" PRIu64, rs->next_task_id);
	return store_meta_set(rs->store, "next_task_id", buf);
}

/* ------------------------------------------------------------- lifecycle */

static int
replica_load_volume(void *arg, const struct rvolume *v)
{
	return replica__vol_insert(arg, v, false);
}

static int
replica_load_pair(void *arg, const struct rpair *p)
{
	struct replica_set *rs = arg;

	if (replica__vol(rs, p->src_id) == NULL ||
	    replica__vol(rs, p->tgt_id) == NULL)
		return -ENOENT;	/* a pair of unknown volumes: damaged file */
	return replica__pair_insert(rs, p);
}

static int
replica_load_job(void *arg, const struct rjob *j)
{
	struct job_ent je = { .j = *j };

	je.ckpt_saved = j->checkpoint;
	return replica__job_insert(arg, &je);
}

/* The configured name, else the persisted one, else a new random one. */
static int
replica_init_meta(struct replica_set *rs, const char *want, char *errbuf,
    size_t errlen)
{
	char buf[sizeof(rs->system_name)];
	uint8_t rnd[8];
	int err;

	if (want != NULL && want[0] != '\0') {
		if (strlen(want) >= sizeof(rs->system_name)) {
			snprintf(errbuf, errlen, "system_name: longer than %zu "
			    "characters", sizeof(rs->system_name) - 1);
			return -EINVAL;
		}
		snprintf(rs->system_name, sizeof(rs->system_name), "%s", want);
	} else if (store_meta_get(rs->store, "system_name", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') {
		snprintf(rs->system_name, sizeof(rs->system_name), "%s", buf);
	} else {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			snprintf(errbuf, errlen, "getrandom: %s",
			    strerror(errno));
			return -EIO;
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(rs->system_name + 2 * i, 3, "%02X", rnd[i]);
	}
	if ((err = store_meta_get(rs->store, "next_task_id", buf,
	    sizeof(buf))) != 0)
		buf[0] = '1', buf[1] = '\0';
	rs->next_task_id = strtoull(buf, NULL, 10);
	if (rs->next_task_id == 0)
		rs->next_task_id = 1;
	/* Never below a stored job, whatever the counter says. */
	if (rs->njobs > 0 && rs->next_task_id <= rs->jobs[rs->njobs - 1].j.id)
		rs->next_task_id = rs->jobs[rs->njobs - 1].j.id + 1;
	/* DeviceIDs: above every stored volume and every one handed out. */
	if (store_meta_get(rs->store, "next_volume_id", buf,
	    sizeof(buf)) == 0 && strtoul(buf, NULL, 10) < INT32_MAX)
		rs->next_volume_id = (uint32_t)strtoul(buf, NULL, 10);
	if (rs->nvols > 0)
		replica__volume_id_seen(rs, rs->vols[rs->nvols - 1].id);
	replica__volume_id_seen(rs, 0);
	/* Ids up to the reservation may have gone out before a power cut. */
	if (store_meta_get(rs->store, "task_id_reserved", buf,
	    sizeof(buf)) == 0 && strtoull(buf, NULL, 10) > rs->next_task_id)
		rs->next_task_id = strtoull(buf, NULL, 10);
	if ((err = store_begin(rs->store)) == 0 &&
	    (err = store_meta_set(rs->store, "system_name",
	    rs->system_name)) == 0 &&
	    (err = replica_reserve_task_ids(rs)) == 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64, rs->next_task_id);
		if ((err = store_meta_set(rs->store, "next_task_id", buf)) == 0)
			err = store_commit_durable(rs->store);
		rs->durable_commit = false;
	}
	if (err != 0) {
		snprintf(errbuf, errlen, "state store: %s",
		    store_errmsg(rs->store));
		store_rollback(rs->store);
	}
	return err;
}

int
replica_set_open(const struct replica_config *cfg,
    const struct replica_ops *ops, struct replica_set **out, char *errbuf,
    size_t errlen)
{
	struct store_load_cb cb = {
		.volume = replica_load_volume, .pair = replica_load_pair,
		.job = replica_load_job,
	};
	struct replica_set *rs;
	int err;

	*out = NULL;
	if (cfg == NULL || cfg->db_path == NULL || ops == NULL ||
	    ops->copy_start == NULL || ops->copy_cancel == NULL ||
	    ops->volume_create == NULL || ops->volume_check == NULL ||
	    ops->now_us == NULL) {
		snprintf(errbuf, errlen, "replica: incomplete configuration");
		return -EINVAL;
	}
	/* Owned by the caller through *out; freed by replica_set_free(). */
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return -ENOMEM;
	rs->ops = *ops;
	rs->max_copy_tasks = cfg->max_copy_tasks != 0 ? cfg->max_copy_tasks : 2;
	if ((err = store_sqlite_open(cfg->db_path, &rs->store, errbuf,
	    errlen)) != 0)
		goto out_free;
	cb.arg = rs;
	if ((err = store_load(rs->store, &cb, errbuf, errlen)) != 0 ||
	    (err = replica_init_meta(rs, cfg->system_name, errbuf,
	    errlen)) != 0)
		goto out_free;
	*out = rs;
	return 0;
out_free:
	replica_set_free(rs);
	return err;
}

void
replica_set_free(struct replica_set *rs)
{
	if (rs == NULL)
		return;
	store_close(rs->store);
	replica__txn_free(rs);
	for (size_t i = 0; i < rs->nvols; i++)
		free(rs->vols[i].path);
	for (size_t i = 0; i < rs->npools; i++)
		free(rs->pools[i].path);
	free(rs->vols);
	free(rs->vol_registered);
	free(rs->pairs);
	free(rs->jobs);
	free(rs->pools);
	free(rs);
}

const char *
replica_system_name(const struct replica_set *rs)
{
	return rs->system_name;
}

/* --------------------------------------------------------------- queries */

size_t
replica_volume_count(const struct replica_set *rs)
{
	return rs->nvols;
}

const struct rvolume *
replica_volume_at(const struct replica_set *rs, size_t i)
{
	return i < rs->nvols ? &rs->vols[i] : NULL;
}

const struct rvolume *
replica_volume_by_id(const struct replica_set *rs, uint32_t id)
{
	return replica__vol((struct replica_set *)rs, id);
}

const struct rvolume *
replica_volume_by_name(const struct replica_set *rs, const char *name)
{
	for (size_t i = 0; name != NULL && i < rs->nvols; i++)
		if (strcmp(rs->vols[i].name, name) == 0)
			return &rs->vols[i];
	return NULL;
}

size_t
replica_pair_count(const struct replica_set *rs)
{
	return rs->npairs;
}

const struct rpair *
replica_pair_at(const struct replica_set *rs, size_t i)
{
	return i < rs->npairs ? &rs->pairs[i] : NULL;
}

const struct rpair *
replica_pair_find(const struct replica_set *rs, uint32_t src_id,
    uint32_t tgt_id)
{
	return replica__pair((struct replica_set *)rs, src_id, tgt_id);
}

size_t
replica_job_count(const struct replica_set *rs)
{
	return rs->njobs;
}

const struct rjob *
replica_job_at(const struct replica_set *rs, size_t i)
{
	return i < rs->njobs ? &rs->jobs[i].j : NULL;
}

const struct rjob *
replica_job_by_id(const struct replica_set *rs, uint64_t id)
{
	struct job_ent *je = replica__job((struct replica_set *)rs, id);

	return je != NULL ? &je->j : NULL;
}
