/* SPDX-License-Identifier: ISC */
/*
 * image.c - point-in-time images of physical copies (CONTRACT.md §6).
 * On a pool in point-in-time mode every physical copy of a file volume
 * (attach, CopyType 5, Start Copy, Resync, Restore) reads a clone of its
 * source taken when the method is accepted: the job that a method makes
 * records its image as being taken (replica__image_plan, in the method's
 * change), the daemon clones the file after the commit
 * (replica_ops.image_take) and reports back (replica_on_image_done),
 * which makes the image ready in a durable change.  Until then the job
 * waits, even with a copy slot free (copy.c skips it), and so does the
 * method's answer (cim/).  WhenSynced is the image's instant.
 *
 * Images have no record of their own: an image is named by its pair and
 * the job that took it (replica_image_path), kept while its job is active
 * or its pair keeps it as the sync image (rpair.sync_image: the image of
 * the last successful copy, what a Resync compares with).  After every
 * commit the images the previous state named and the new one does not
 * are removed (replica__image_drops): Detach, Stop Copy, a removed or
 * Broken pair, a failed or finished copy all drop theirs in one place.
 * An image being taken at a crash is taken again at the next start: its
 * method was never answered (the answer waits for the image), so no
 * client was told an instant that the new image would contradict.
 *
 * Pure like the rest of replica/: no file is touched here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

/* Folder of the images beside a volume's file. */
#define IMAGE_DIR	".arrayd-images"

const char *
replica_image_name(enum replica_image i)
{
	switch (i) {
	case REPLICA_IMAGE_NONE:
		return "none";
	case REPLICA_IMAGE_TAKING:
		return "taking";
	case REPLICA_IMAGE_READY:
		return "ready";
	}
	return "?";
}

int
replica_image_path(const char *imaged, uint32_t src, uint32_t tgt,
    uint64_t job_id, char *buf, size_t len)
{
	const char *slash = strrchr(imaged, '/');
	int dirlen = slash == NULL ? 1 : slash == imaged ? 1 :
	    (int)(slash - imaged);
	const char *dir = slash == NULL ? "." : imaged;
	int n;

	n = snprintf(buf, len, "%.*s/" IMAGE_DIR "/%" PRIu32 "-%" PRIu32
	    "-g%" PRIu64 ".img", dirlen, dir, src, tgt, job_id);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

static struct pool_ent *
image_pool(const struct replica_set *rs, const char *name)
{
	for (size_t i = 0; name != NULL && i < rs->npools; i++)
		if (strcmp(rs->pools[i].name, name) == 0)
			return &rs->pools[i];
	return NULL;
}

int
replica_pool_set_point_in_time(struct replica_set *rs, const char *name,
    bool on)
{
	struct pool_ent *pe = image_pool(rs, name);

	if (pe == NULL)
		return -ENOENT;
	if (pe->point_in_time != on)
		pe->refused_logged = false;
	pe->point_in_time = on;
	return 0;
}

bool
replica_pool_point_in_time(const struct replica_set *rs, const char *name)
{
	const struct pool_ent *pe = image_pool(rs, name);

	return pe != NULL && pe->point_in_time;
}

/* ------------------------------------------------------ which images */

/* One image a state names: its pair, the job that took it, its file. */
struct image_ref {
	uint32_t src, tgt;
	uint64_t gen;
	const struct rvolume *imaged;	/* the volume cloned */
};

static const struct rvolume *
image_vol_in(const struct rvolume *vols, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (vols[i].id == id)
			return &vols[i];
	return NULL;
}

/*
 * The i-th image named by a state (its volumes, pairs and jobs): the sync
 * images of the pairs first, then those of the active jobs.  false past
 * the end.  A reference whose volume is unknown is skipped (imaged NULL).
 */
static bool
image_ref_at(const struct rvolume *vols, size_t nvols,
    const struct rpair *pairs, size_t npairs, const struct job_ent *jobs,
    size_t njobs, size_t i, struct image_ref *r)
{
	memset(r, 0, sizeof(*r));
	if (i < npairs) {
		const struct rpair *p = &pairs[i];

		if (p->sync_image == 0)
			return true;
		r->src = p->src_id;
		r->tgt = p->tgt_id;
		r->gen = p->sync_image;
		r->imaged = image_vol_in(vols, nvols, p->src_id);
		return true;
	}
	i -= npairs;
	if (i < njobs) {
		const struct rjob *j = &jobs[i].j;

		if (j->image == REPLICA_IMAGE_NONE || !replica__job_active(j))
			return true;
		r->src = j->src_id;
		r->tgt = j->tgt_id;
		r->gen = j->id;
		r->imaged = image_vol_in(vols, nvols,
		    replica_copy_side_volume(j, REPLICA_SIDE_SOURCE));
		return true;
	}
	return false;
}

/* Is image (src, tgt, gen) named by the current state? */
static bool
image_named_now(const struct replica_set *rs, const struct image_ref *want)
{
	struct image_ref r;

	for (size_t i = 0; image_ref_at(rs->vols, rs->nvols, rs->pairs,
	    rs->npairs, rs->jobs, rs->njobs, i, &r); i++)
		if (r.imaged != NULL && r.src == want->src &&
		    r.tgt == want->tgt && r.gen == want->gen)
			return true;
	return false;
}

void
replica__image_drops(struct replica_set *rs)
{
	const struct txn_snap *s = &rs->snap;
	struct image_ref r;
	char path[4096];

	if (rs->ops.image_drop == NULL)
		return;
	for (size_t i = 0; image_ref_at(s->vols, s->nvols, s->pairs,
	    s->npairs, s->jobs, s->njobs, i, &r); i++) {
		if (r.imaged == NULL || image_named_now(rs, &r) ||
		    replica_image_path(r.imaged->path, r.src, r.tgt, r.gen,
		    path, sizeof(path)) != 0)
			continue;
		replica__log(rs, LOG_LVL_DEBUG, "pair %u->%u: image g%" PRIu64
		    " dropped", r.src, r.tgt, r.gen);
		rs->ops.image_drop(rs->ops.ctx, path);
	}
}

bool
replica_image_in_use(const struct replica_set *rs, const char *path)
{
	struct image_ref r;
	char mine[4096];

	for (size_t i = 0; image_ref_at(rs->vols, rs->nvols, rs->pairs,
	    rs->npairs, rs->jobs, rs->njobs, i, &r); i++)
		if (r.imaged != NULL && replica_image_path(r.imaged->path,
		    r.src, r.tgt, r.gen, mine, sizeof(mine)) == 0 &&
		    strcmp(mine, path) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------- taking images */

/* Does a copy from volume v read an image?  Its pool and its kind say. */
static bool
image_wanted(const struct replica_set *rs, const struct rvolume *v)
{
	/* A block device cannot be cloned: today's engine reads it live. */
	return rs->ops.image_take != NULL && v != NULL && !v->missing &&
	    v->found_rdev == 0 && replica_pool_point_in_time(rs, v->pool);
}

int
replica__image_plan(struct replica_set *rs, struct rpair *p,
    struct job_ent *je)
{
	struct rjob *j = &je->j;

	if (j->hidden || !image_wanted(rs, replica__vol(rs,
	    replica_copy_side_volume(j, REPLICA_SIDE_SOURCE))))
		return 0;
	j->image = REPLICA_IMAGE_TAKING;
	/*
	 * A Resync compares its image with the pair's sync image; a Restore
	 * compares the snapshot's image with the base volume it rewrites.
	 * Without a sync image a Resync compares digests (COPY_DIFF).
	 */
	if (j->mode == REPLICA_COPY_DIFF && j->reverse)
		j->mode = REPLICA_COPY_EXTENTS;
	else if (j->mode == REPLICA_COPY_DIFF && p->sync_image != 0) {
		j->mode = REPLICA_COPY_EXTENTS;
		j->image_base = p->sync_image;
	}
	return replica__txn_defer(rs, TXN_ACT_IMAGE, j->id, 0);
}

int
replica__image_retake(struct replica_set *rs)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < rs->njobs; i++) {
		struct rjob *j = &rs->jobs[i].j;

		if (j->image != REPLICA_IMAGE_TAKING ||
		    !replica__job_active(j))
			continue;
		replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": its image was "
		    "being taken when arrayd stopped: taken again", j->id);
		err = replica__txn_defer(rs, TXN_ACT_IMAGE, j->id, 0);
	}
	return err;
}

int
replica__image_take(struct replica_set *rs, struct job_ent *je)
{
	const struct rvolume *v = replica__vol(rs,
	    replica_copy_side_volume(&je->j, REPLICA_SIDE_SOURCE));
	char path[4096];
	int err;

	if (v == NULL)
		return -ENOENT;
	if ((err = replica_image_path(v->path, je->j.src_id, je->j.tgt_id,
	    je->j.id, path, sizeof(path))) != 0)
		return err;
	replica__log(rs, LOG_LVL_DEBUG, "job %" PRIu64 ": taking image %s of "
	    "volume %u", je->j.id, path, v->id);
	return rs->ops.image_take(rs->ops.ctx, je->j.id, v->path, path);
}

/*
 * No image can be had of this file, through no fault of the copy: FICLONE
 * refused (another file system, immutable or append-only, quota, a file
 * system that cannot clone) or the images' folder cannot be made beside
 * it (read-only, no permission).  The copy reads the live source instead.
 * Anything else (no space, I/O error) fails the copy.
 */
static bool
image_refused(int status)
{
	return status == -EOPNOTSUPP || status == -EXDEV || status == -EPERM ||
	    status == -EDQUOT || status == -EINVAL || status == -ETXTBSY ||
	    status == -ENOTTY || status == -EACCES || status == -EROFS ||
	    status == -ENOSYS;
}

int
replica__image_outcome(struct replica_set *rs, struct job_ent *je,
    int status, int64_t taken_us, const char *detail)
{
	struct rjob *j = &je->j;
	struct rpair *p = replica__pair(rs, j->src_id, j->tgt_id);
	const struct rvolume *v = replica__vol(rs,
	    replica_copy_side_volume(j, REPLICA_SIDE_SOURCE));
	struct pool_ent *pe = v != NULL ? image_pool(rs, v->pool) : NULL;
	char text[512];
	int err;

	if (p == NULL || p->job_id != j->id)
		return replica__job_orphaned(rs, je);
	/* Recorded durably: the answer that waits for it names its instant. */
	rs->durable_commit = true;
	if (status == 0) {
		j->image = REPLICA_IMAGE_READY;
		j->image_us = taken_us;
		j->last_change_us = replica__now(rs);
		replica__log(rs, LOG_LVL_INFO, "pair %u->%u: point-in-time "
		    "image taken (job %" PRIu64 ")", j->src_id, j->tgt_id,
		    j->id);
		return replica__put_job(rs, j);
	}
	if (image_refused(status)) {
		if (pe != NULL && !pe->refused_logged)
			replica__log(rs, LOG_LVL_WARN, "%s: cannot clone volume "
			    "%u (%s): %s; copies read a live source", pe->name,
			    v->id, v->name, detail != NULL ? detail :
			    strerror(-status));
		if (pe != NULL)
			pe->refused_logged = true;
		j->image = REPLICA_IMAGE_NONE;
		j->image_base = 0;
		if (j->mode == REPLICA_COPY_EXTENTS)
			j->mode = REPLICA_COPY_DIFF;
		return replica__put_job(rs, j);
	}
	snprintf(text, sizeof(text), "cannot take the point-in-time image of "
	    "volume %u (%s): %s", v != NULL ? v->id : 0,
	    v != NULL ? v->name : "?", detail != NULL ? detail :
	    strerror(status < 0 ? -status : EIO));
	{
		struct sm_input in = { .err = status < 0 ? status : -EIO,
		    .detail = text };

		/* Nothing was copied: the pair is Broken, nothing synced. */
		err = replica__step(rs, p, SM_EV_VOLUME_LOST, &in, NULL);
	}
	return err;
}

void
replica_on_image_done(struct replica_set *rs, uint64_t job_id, int status,
    int64_t taken_us, const char *detail)
{
	struct job_ent *je = replica__job(rs, job_id);
	int err;

	if (je == NULL || !replica__job_active(&je->j) ||
	    je->j.image != REPLICA_IMAGE_TAKING) {
		/* Stopped or gone while it was taken: nobody names it. */
		if (status == 0 && je != NULL && rs->ops.image_drop != NULL) {
			const struct rvolume *v = replica__vol(rs,
			    replica_copy_side_volume(&je->j,
			    REPLICA_SIDE_SOURCE));
			char path[4096];

			if (v != NULL && replica_image_path(v->path,
			    je->j.src_id, je->j.tgt_id, job_id, path,
			    sizeof(path)) == 0)
				rs->ops.image_drop(rs->ops.ctx, path);
		}
		return;
	}
	if (replica__txn_begin(rs) != 0)
		return;
	err = replica__image_outcome(rs, je, status, taken_us, detail);
	if (err == 0)
		err = replica__schedule(rs);
	if (replica__txn_commit(rs, err) != 0)
		replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": image outcome "
		    "not saved; taken again at the next start", job_id);
}

int
replica__image_from(const struct replica_set *rs, const struct rjob *j,
    const struct rvolume *from, const struct rvolume *to,
    struct replica_copy_from *cf, char *img, char *base, size_t len)
{
	const struct rvolume *sv;
	int err;

	memset(cf, 0, sizeof(*cf));
	cf->src_path = from->path;
	if (j->image != REPLICA_IMAGE_READY)
		return 0;
	if ((err = replica_image_path(from->path, j->src_id, j->tgt_id, j->id,
	    img, len)) != 0)
		return err;
	cf->src_path = img;
	if (j->mode != REPLICA_COPY_EXTENTS)
		return 0;
	if (j->reverse) {
		/* Restore: rewrite only what differs in the base's own file. */
		cf->base_path = to->path;
		cf->clone_ranges = true;
		return 0;
	}
	sv = replica_volume_by_id(rs, j->src_id);
	if (sv == NULL || j->image_base == 0)
		return 0;
	if ((err = replica_image_path(sv->path, j->src_id, j->tgt_id,
	    j->image_base, base, len)) != 0)
		return err;
	cf->base_path = base;
	return 0;
}
