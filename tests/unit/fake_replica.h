/* SPDX-License-Identifier: ISC */
/*
 * fake_replica.h - a fake struct replica_ops for the replica unit tests: a
 * copy engine that only records starts and cancels (the test decides when
 * and how each copy ends), a settable clock, volumes whose check fails on
 * demand, a file system whose size the test sets (pool_space), volume
 * files whose creation, resize and removal are counted (the last path and
 * size kept), and a log buffer.  Plus a per-test state folder (mkdtemp)
 * and a helper that opens a replica set with one pool and four volumes.
 */
#ifndef ARRAYD_FAKE_REPLICA_H
#define ARRAYD_FAKE_REPLICA_H

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replica/replica.h"

#define FAKE_MAX_COPIES	4096

struct fake_copy {
	uint64_t job;
	uint32_t from, to;		/* as handed to copy_start */
	enum replica_copy_mode mode;
	uint64_t resume_from;
	char src_path[400];		/* what it reads (an image or the file) */
	char base_path[400];		/* COPY_EXTENTS: compared with, "" none */
	bool clone_ranges;
	struct replica_image_id base_id;	/* the base's identity, if any */
	bool has_base_id;
	bool active;			/* started, copy_done not delivered */
	bool cancel_asked;
};

struct fake_rep {
	int64_t now;
	struct fake_copy copies[FAKE_MAX_COPIES];
	size_t ncopies;
	unsigned ncancels;
	int start_err;			/* copy_start returns this once */
	int create_err;			/* volume_create returns this once */
	uint32_t missing[16];		/* volume_check fails for these ids */
	size_t nmissing;
	uint32_t gen[16];		/* inode it reports: id*1000+gen[id-101] */
	uint64_t vsize[16];		/* size it reports (id 101+i), 0 v->size */
	unsigned ncreated, nremoved;
	char created_path[400];		/* last volume_create that succeeded */
	char removed_path[400];		/* last volume_remove */
	uint32_t removed_id;		/* ... and its volume id (0 none) */
	char foreign[400];		/* a file there that no volume names */
	unsigned nresized;		/* volume_resize calls, failed too */
	int resize_err;			/* volume_resize returns this once */
	uint32_t resized_id;		/* last volume_resize: volume, size */
	uint64_t resized_size;
	uint64_t pool_capacity;		/* pool_space: 0 = unknown (no limit) */
	uint64_t pool_free;
	struct fake_image {		/* image_take calls, in order */
		uint64_t job;
		char src[400], dst[400];
	} images[64];
	size_t nimages;
	int image_err;			/* image_take returns this once */
	uint32_t measured[16];		/* volume_measure calls: the ids */
	size_t nmeasured;
	unsigned ndropped;		/* image_drop calls */
	char dropped[8][400];		/* the last 8 paths, ring */
	unsigned nlogs;
	char log[64][256];		/* last 64 lines, ring */
	struct fake_event {		/* replica_ops.changed, in order */
		enum replica_what what;
		enum replica_change change;
		uint64_t id;		/* volume id, job id, or src<<32|tgt */
		unsigned before, after;	/* sync/job state, 0 if none */
		unsigned pct_before, pct_after;	/* a job's PercentComplete */
	} events[64];
	size_t nevents;
	char dir[256];			/* mkdtemp state folder */
	char db[300];
};

static inline struct fake_copy *
fake_rep_copy(struct fake_rep *f, uint64_t job)
{
	for (size_t i = f->ncopies; i > 0; i--)
		if (f->copies[i - 1].job == job)
			return &f->copies[i - 1];
	return NULL;
}

static inline unsigned
fake_rep_active(const struct fake_rep *f)
{
	unsigned n = 0;

	for (size_t i = 0; i < f->ncopies; i++)
		n += f->copies[i].active;
	return n;
}

static inline int
fake_rep_copy_start(void *ctx, uint64_t job_id, const struct rvolume *src,
    const struct rvolume *tgt, enum replica_copy_mode mode,
    uint64_t resume_from, const struct replica_copy_from *from)
{
	struct fake_rep *f = ctx;
	struct fake_copy *c;
	int err = f->start_err;

	f->start_err = 0;
	if (err != 0)
		return err;
	if (f->ncopies == FAKE_MAX_COPIES)
		return -ENOMEM;
	c = &f->copies[f->ncopies++];
	memset(c, 0, sizeof(*c));
	c->job = job_id;
	c->from = src->id;
	c->to = tgt->id;
	c->mode = mode;
	c->resume_from = resume_from;
	snprintf(c->src_path, sizeof(c->src_path), "%s", from->src_path);
	snprintf(c->base_path, sizeof(c->base_path), "%s",
	    from->base_path != NULL ? from->base_path : "");
	c->clone_ranges = from->clone_ranges;
	c->has_base_id = from->base_id != NULL;
	if (from->base_id != NULL)
		c->base_id = *from->base_id;
	c->active = true;
	return 0;
}

static inline int
fake_rep_image_take(void *ctx, uint64_t job_id, const char *src,
    const char *dst)
{
	struct fake_rep *f = ctx;
	struct fake_image *im;
	int err = f->image_err;

	f->image_err = 0;
	if (err != 0)
		return err;
	if (f->nimages == 64)
		return -ENOMEM;
	im = &f->images[f->nimages++];
	im->job = job_id;
	snprintf(im->src, sizeof(im->src), "%s", src);
	snprintf(im->dst, sizeof(im->dst), "%s", dst);
	return 0;
}

static inline void
fake_rep_image_drop(void *ctx, const char *path)
{
	struct fake_rep *f = ctx;

	snprintf(f->dropped[f->ndropped++ % 8], sizeof(f->dropped[0]), "%s",
	    path);
}

static inline int
fake_rep_volume_measure(void *ctx, uint32_t id, const char *path)
{
	struct fake_rep *f = ctx;

	(void)path;
	if (f->nmeasured < 16)
		f->measured[f->nmeasured++] = id;
	return 0;
}

/* Was image `path` dropped (among the last 8 drops)? */
static inline bool
fake_rep_dropped(const struct fake_rep *f, const char *path)
{
	for (unsigned i = 0; i < 8 && i < f->ndropped; i++)
		if (strcmp(f->dropped[i], path) == 0)
			return true;
	return false;
}

/* The last image_take of job `job`, NULL if none. */
static inline const struct fake_image *
fake_rep_image(const struct fake_rep *f, uint64_t job)
{
	for (size_t i = f->nimages; i > 0; i--)
		if (f->images[i - 1].job == job)
			return &f->images[i - 1];
	return NULL;
}

static inline void
fake_rep_copy_cancel(void *ctx, uint64_t job_id)
{
	struct fake_rep *f = ctx;
	struct fake_copy *c = fake_rep_copy(f, job_id);

	f->ncancels++;
	if (c != NULL && c->active)
		c->cancel_asked = true;
}

static inline int
fake_rep_volume_create(void *ctx, const struct rvolume *v)
{
	struct fake_rep *f = ctx;
	int err = f->create_err;

	f->create_err = 0;
	/* O_EXCL: a file already there is never taken or replaced. */
	if (err == 0 && v->path != NULL && strcmp(v->path, f->foreign) == 0)
		err = -EEXIST;
	if (err == 0) {
		f->ncreated++;
		snprintf(f->created_path, sizeof(f->created_path), "%s",
		    v->path != NULL ? v->path : "");
	}
	return err;
}

static inline int
fake_rep_volume_remove(void *ctx, const struct rvolume *v)
{
	struct fake_rep *f = ctx;

	f->nremoved++;
	f->removed_id = v->id;
	snprintf(f->removed_path, sizeof(f->removed_path), "%s",
	    v->path != NULL ? v->path : "");
	return 0;
}

static inline int
fake_rep_volume_resize(void *ctx, const struct rvolume *v, uint64_t size)
{
	struct fake_rep *f = ctx;
	int err = f->resize_err;

	f->resize_err = 0;
	f->nresized++;
	f->resized_id = v->id;
	f->resized_size = size;
	return err;
}

static inline int
fake_rep_pool_space(void *ctx, const char *path, uint64_t *capacity,
    uint64_t *free_)
{
	struct fake_rep *f = ctx;

	(void)path;
	*capacity = f->pool_capacity;
	*free_ = f->pool_free;
	return 0;
}

static inline int
fake_rep_volume_check(void *ctx, const struct rvolume *v, bool deep,
    struct rvolume_stat *out)
{
	struct fake_rep *f = ctx;
	size_t k = v->id - 101;

	(void)deep;
	/* Not a volume yet (one about to be made): only `foreign` exists. */
	if (v->id == 0 && (v->path == NULL || strcmp(v->path, f->foreign) != 0))
		return -ENOENT;
	for (size_t i = 0; i < f->nmissing; i++)
		if (f->missing[i] == v->id)
			return -ENOENT;
	out->dev = 1;
	out->ino = (uint64_t)v->id * 1000 + (k < 16 ? f->gen[k] : 0);
	out->rdev = 0;
	out->size = k < 16 && f->vsize[k] != 0 ? f->vsize[k] : v->size;
	out->sized = true;
	return 0;
}

/* Make volume `id` vanish (volume_check says -ENOENT) or come back. */
static inline void
fake_rep_set_missing(struct fake_rep *f, uint32_t id, bool gone)
{
	size_t j = 0;

	for (size_t i = 0; i < f->nmissing; i++)
		if (f->missing[i] != id)
			f->missing[j++] = f->missing[i];
	f->nmissing = j;
	if (gone && f->nmissing < 16)
		f->missing[f->nmissing++] = id;
}

static inline int64_t
fake_rep_now(void *ctx)
{
	struct fake_rep *f = ctx;

	return f->now += 1000;	/* every reading moves 1 ms */
}

static inline void
fake_rep_log(void *ctx, enum log_level level, const char *msg)
{
	struct fake_rep *f = ctx;

	(void)level;
	snprintf(f->log[f->nlogs++ % 64], sizeof(f->log[0]), "%s", msg);
	if (getenv("FAKE_REPLICA_LOG") != NULL)
		fprintf(stderr, "log: %s\n", msg);
}

/* Was a line containing `needle` among the last 64 log lines? */
static inline bool
fake_rep_logged(const struct fake_rep *f, const char *needle)
{
	for (unsigned i = 0; i < 64 && i < f->nlogs; i++)
		if (strstr(f->log[i], needle) != NULL)
			return true;
	return false;
}

static inline void
fake_rep_changed(void *ctx, const struct replica_event *ev)
{
	struct fake_rep *f = ctx;
	struct fake_event *e;

	if (f->nevents == 64)
		return;
	e = &f->events[f->nevents++];
	e->what = ev->what;
	e->change = ev->change;
	switch (ev->what) {
	case REPLICA_VOLUME: {
		const struct rvolume *v = ev->after.vol ? ev->after.vol :
		    ev->before.vol;

		e->id = v->id;
		e->before = ev->before.vol ? ev->before.vol->failed : 0;
		e->after = ev->after.vol ? ev->after.vol->failed : 0;
		break;
	}
	case REPLICA_PAIR: {
		const struct rpair *p = ev->after.pair ? ev->after.pair :
		    ev->before.pair;

		e->id = (uint64_t)p->src_id << 32 | p->tgt_id;
		e->before = ev->before.pair ? ev->before.pair->sync_state : 0;
		e->after = ev->after.pair ? ev->after.pair->sync_state : 0;
		break;
	}
	case REPLICA_JOB:
		e->id = ev->after.job ? ev->after.job->id : ev->before.job->id;
		e->before = ev->before.job ? ev->before.job->state : 0;
		e->after = ev->after.job ? ev->after.job->state : 0;
		e->pct_before = ev->before.job ? ev->before.job->percent : 0;
		e->pct_after = ev->after.job ? ev->after.job->percent : 0;
		break;
	}
}

/* Index of the first recorded event from `from` on matching, -1 if none. */
static inline long
fake_rep_event(const struct fake_rep *f, size_t from, enum replica_what what,
    enum replica_change change, uint64_t id)
{
	for (size_t i = from; i < f->nevents; i++)
		if (f->events[i].what == what && f->events[i].change == change &&
		    f->events[i].id == id)
			return (long)i;
	return -1;
}

static inline struct replica_ops
fake_rep_ops(struct fake_rep *f)
{
	struct replica_ops ops = {
		.ctx = f, .copy_start = fake_rep_copy_start,
		.copy_cancel = fake_rep_copy_cancel,
		.image_take = fake_rep_image_take,
		.image_drop = fake_rep_image_drop,
		.volume_measure = fake_rep_volume_measure,
		.volume_create = fake_rep_volume_create,
		.volume_remove = fake_rep_volume_remove,
		.volume_resize = fake_rep_volume_resize,
		.pool_space = fake_rep_pool_space,
		.volume_check = fake_rep_volume_check,
		.now_us = fake_rep_now, .log = fake_rep_log,
		.changed = fake_rep_changed,
	};
	return ops;
}

/* Deliver the end of job's copy (status 0, -ECANCELED or -errno). */
static inline bool
fake_rep_finish(struct fake_rep *f, struct replica_set *rs, uint64_t job,
    int status, const char *detail)
{
	struct fake_copy *c = fake_rep_copy(f, job);

	if (c == NULL || !c->active)
		return false;
	c->active = false;
	replica_on_copy_done(rs, job, status, detail);
	return true;
}

static inline int
fake_rep_rm(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static inline void
fake_rep_init(struct fake_rep *f)
{
	memset(f, 0, sizeof(*f));
	f->now = 1700000000000000LL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_replica.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		abort();
	snprintf(f->db, sizeof(f->db), "%s/state.db", f->dir);
}

static inline void
fake_rep_cleanup(struct fake_rep *f)
{
	(void)nftw(f->dir, fake_rep_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Open the set on f->db with pool "p0" and volumes a (101, 1 MiB), b (102,
 * 1 MiB), c (103, 1 MiB), small (104, 512 KiB); start it when `start`.
 */
static inline struct replica_set *
fake_rep_open(struct fake_rep *f, unsigned max, bool start)
{
	struct replica_config cfg = { .db_path = f->db, .max_copy_tasks = max };
	struct replica_ops ops = fake_rep_ops(f);
	static const char *const names[] = { "a", "b", "c", "small" };
	struct replica_set *rs = NULL;
	char err[256], path[400];
	uint32_t id;

	if (replica_set_open(&cfg, &ops, &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "open: %s\n", err);
		return NULL;
	}
	if (replica_pool_add(rs, "p0", f->dir) != 0)
		abort();
	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.img", f->dir, names[i]);
		if (replica_volume_configure(rs, names[i], "p0", path,
		    i == 3 ? 512 * 1024 : 1024 * 1024, 0, &id) != 0 ||
		    id != 101 + i)
			abort();
	}
	if (start && replica_set_start(rs) != 0)
		abort();
	return rs;
}

#endif /* ARRAYD_FAKE_REPLICA_H */
