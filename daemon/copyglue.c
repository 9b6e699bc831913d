/* SPDX-License-Identifier: ISC */
/*
 * copyglue.c - the replica layer's hands: struct replica_ops over blockdev.
 *
 * A small table maps replica job ids to running struct copy_job.  Engine
 * callbacks (loop thread) become replica_on_copy_progress/done and metrics;
 * an entry leaves the table before replica_on_copy_done runs, because that
 * call may start the next queued copy and so re-enter copy_start.  This
 * file keeps no replica state of its own and never touches CIM.
 */
#include "daemon/copyglue.h"

#include <sys/stat.h>
#include <dirent.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "blockdev/blockdev.h"
#include "base/log.h"
#include "daemon/failpoint.h"
#include "daemon/metrics.h"

struct glue_job {
	struct copyglue		*g;
	uint64_t		 id;
	struct copy_job		*job;
	uint64_t		 last_done, last_written;
	uint64_t		 rate_ns;	/* time of the last rate sample */
	uint64_t		 rate_done;	/* bytes_done at that time */
	double			 rate;		/* bytes/s, smoothed */
};

struct copyglue {
	struct copy_engine	*eng;
	uv_loop_t		*loop;		/* image work; NULL: no images */
	unsigned		 images_busy;	/* takes and drops in flight */
	struct metrics		*metrics;
	struct replica_set	*rs;
	uint64_t		 rate_limit;
	struct glue_job		**jobs;
	size_t			 njobs, cap;
	char			*digest_dir;	/* NULL: keep no digest maps */
	void			(*changed)(void *arg,
				    const struct replica_event *ev);
	void			*changed_arg;
	/*
	 * Test hooks (HACKING.md, "Failpoints"): ARRAYD_FAILPOINT read once
	 * here, so the crash tests can stop the daemon between a volume
	 * file's change and its store commit, where only SIGKILL can.
	 */
	bool			 fail_file_created;
	bool			 fail_file_removed;
	bool			 fail_image_taken;
};

/* The crash failpoints of this file (failpoint.c lists them all). */
static void
glue_failpoints(struct copyglue *g)
{
	g->fail_file_created = failpoint_is("volume-file-created");
	g->fail_file_removed = failpoint_is("volume-file-removed");
	g->fail_image_taken = failpoint_is("image-taken");
}

/* A crash at this point, as a power cut would make it (tests only). */
static void
glue_failpoint_hit(const char *name, const char *path)
{
	log_warnx("failpoint %s: %s: SIGKILL", name, path);
	raise(SIGKILL);
}

struct copyglue *
copyglue_new(struct copy_engine *eng, struct metrics *m, uint64_t rate_limit)
{
	struct copyglue *g;

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->eng = eng;
	g->metrics = m;
	g->rate_limit = rate_limit;
	glue_failpoints(g);
	return g;
}

void
copyglue_free(struct copyglue *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->njobs; i++)
		free(g->jobs[i]);
	free(g->jobs);
	free(g->digest_dir);
	free(g);
}

int
copyglue_set_digest_dir(struct copyglue *g, const char *dir)
{
	char *d;

	free(g->digest_dir);
	g->digest_dir = NULL;
	if (dir == NULL || dir[0] == '\0')
		return -EINVAL;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -errno;
	if ((d = strdup(dir)) == NULL)
		return -ENOMEM;
	g->digest_dir = d;
	return 0;
}

/* The digest map path of volume `id` in buf, or NULL when none is kept. */
static const char *
glue_map_path(const struct copyglue *g, uint32_t id, char *buf, size_t len)
{
	int n;

	if (g->digest_dir == NULL)
		return NULL;
	n = snprintf(buf, len, "%s/%" PRIu32 ".map", g->digest_dir, id);
	return n > 0 && (size_t)n < len ? buf : NULL;
}

void
copyglue_set_replica_set(struct copyglue *g, struct replica_set *rs)
{
	g->rs = rs;
}

static struct glue_job *
glue_find(const struct copyglue *g, uint64_t id, size_t *idx)
{
	for (size_t i = 0; i < g->njobs; i++) {
		if (g->jobs[i]->id == id) {
			if (idx != NULL)
				*idx = i;
			return g->jobs[i];
		}
	}
	return NULL;
}

static void
glue_remove(struct copyglue *g, struct glue_job *gj)
{
	size_t i;

	if (glue_find(g, gj->id, &i) == NULL)
		return;
	g->jobs[i] = g->jobs[--g->njobs];
	free(gj);
}

void
copyglue_set_rate(struct copyglue *g, uint64_t rate_limit)
{
	g->rate_limit = rate_limit;
	for (size_t i = 0; i < g->njobs; i++)
		if (g->jobs[i]->job != NULL)
			copy_job_set_rate(g->jobs[i]->job, rate_limit);
}

unsigned
copyglue_running(const struct copyglue *g)
{
	return (unsigned)g->njobs;
}

bool
copyglue_job_rate(const struct copyglue *g, uint64_t job_id,
    double *bytes_per_s)
{
	const struct glue_job *gj = glue_find(g, job_id, NULL);

	if (gj == NULL)
		return false;
	*bytes_per_s = gj->rate;
	return true;
}

/* ------------------------------------------------------ engine events */

static void
glue_account(struct copyglue *g, struct glue_job *gj,
    const struct copy_progress *p)
{
	uint64_t now = uv_hrtime(), dt = now - gj->rate_ns;

	if (g->metrics != NULL && (p->bytes_done > gj->last_done ||
	    p->bytes_written > gj->last_written))
		metrics_add_copy_bytes(g->metrics,
		    p->bytes_done - gj->last_done,
		    p->bytes_written - gj->last_written);
	gj->last_done = p->bytes_done;
	gj->last_written = p->bytes_written;
	/* Re-sample at most every 0.5 s; smooth so the ETA does not jump. */
	if (dt >= 500000000ull && p->bytes_done >= gj->rate_done) {
		double inst = (double)(p->bytes_done - gj->rate_done) * 1e9 /
		    (double)dt;

		gj->rate = gj->rate == 0.0 ? inst : 0.7 * gj->rate + 0.3 * inst;
		gj->rate_ns = now;
		gj->rate_done = p->bytes_done;
	}
}

static void
on_copy_progress(struct copy_job *job, const struct copy_progress *p,
    void *arg)
{
	struct glue_job *gj = arg;
	struct copyglue *g = gj->g;

	(void)job;
	glue_account(g, gj, p);
	if (g->rs != NULL)
		replica_on_copy_progress(g->rs, gj->id, p->bytes_done,
		    p->bytes_total, p->checkpoint, p->bytes_written, false);
}

static void
on_copy_done(struct copy_job *job, int status, uint64_t err_offset,
    const struct copy_progress *p, void *arg)
{
	struct glue_job *gj = arg;
	struct copyglue *g = gj->g;
	uint64_t id = gj->id;
	const struct copy_fault *f = copy_job_fault(job);
	char detail[256];

	glue_account(g, gj, p);
	if (g->rs != NULL)
		replica_on_copy_progress(g->rs, id, p->bytes_done,
		    p->bytes_total, p->checkpoint, p->bytes_written, true);
	/* Out of the table first: the call below may start the next copy. */
	glue_remove(g, gj);
	detail[0] = '\0';
	if (f != NULL)
		(void)copy_fault_format(f, detail, sizeof(detail));
	else if (status != 0 && status != -ECANCELED)
		snprintf(detail, sizeof(detail), "%s at offset %" PRIu64,
		    strerror(-status), err_offset);
	if (p->fell_back)
		log_info("job %" PRIu64 ": extent maps could not be compared; "
		    "compared chunk digests instead", id);
	if (g->rs == NULL)
		return;
	if (f != NULL)
		replica_on_copy_volume_changed(g->rs, id,
		    f->side == COPY_SIDE_SOURCE ? REPLICA_SIDE_SOURCE :
		    REPLICA_SIDE_TARGET, status, detail);
	else
		replica_on_copy_done(g->rs, id, status,
		    detail[0] != '\0' ? detail : NULL);
}

/* ----------------------------------------------------------- the ops */

/* The engine's name for the mode the job recorded (replica/step.c). */
static const enum copy_mode glue_modes[] = {
	[REPLICA_COPY_FULL] = COPY_FULL,
	[REPLICA_COPY_DIFF] = COPY_DIFF,
	[REPLICA_COPY_CLONE] = COPY_CLONE,
	[REPLICA_COPY_EXTENTS] = COPY_EXTENTS,
};

/* Which file is at `path` (replica_image_id): 0 or -errno. */
static int
glue_image_id(const char *path, struct replica_image_id *id)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -errno;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	id->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 +
	    st.st_ctim.tv_nsec;
	return 0;
}

/*
 * Is the base of a Resync still the sync image that was taken?  A file
 * replaced there (new inode) or written into (new ctime) could share
 * extents with the new image that the target never got: its extents
 * would say "unchanged" wrongly.  A missing base is the engine's to find
 * (it falls back by itself).
 */
static bool
glue_base_trusted(uint64_t job_id, const struct replica_copy_from *from)
{
	const struct replica_image_id *want = from->base_id;
	struct replica_image_id now = { 0, 0, 0 };

	if (from->base_path == NULL || want == NULL)
		return from->base_path != NULL;
	if (glue_image_id(from->base_path, &now) != 0)
		return true;
	if (want->ino != 0 && now.dev == want->dev && now.ino == want->ino &&
	    now.ctime_ns == want->ctime_ns)
		return true;
	log_warnx("job %" PRIu64 ": sync image %s is not the file taken "
	    "(replaced or written since): compared chunk digests instead",
	    job_id, from->base_path);
	return false;
}

static int
glue_copy_start(void *ctx, uint64_t job_id, const struct rvolume *src,
    const struct rvolume *tgt, enum replica_copy_mode mode,
    uint64_t resume_from, const struct replica_copy_from *from)
{
	struct copyglue *g = ctx;
	struct copy_spec spec;
	struct glue_job *gj, **nj;
	char map[4096];
	int err;

	if (glue_find(g, job_id, NULL) != NULL)
		return -EALREADY;
	if ((unsigned)mode >= sizeof(glue_modes) / sizeof(glue_modes[0]))
		return -EINVAL;
	if (g->njobs == g->cap) {
		nj = reallocarray(g->jobs, g->cap ? g->cap * 2 : 8,
		    sizeof(*nj));
		if (nj == NULL)
			return -ENOMEM;
		g->jobs = nj;
		g->cap = g->cap ? g->cap * 2 : 8;
	}
	gj = calloc(1, sizeof(*gj));
	if (gj == NULL)
		return -ENOMEM;
	gj->g = g;
	gj->id = job_id;
	gj->rate_ns = uv_hrtime();
	gj->rate_done = resume_from;
	gj->last_done = resume_from;
	memset(&spec, 0, sizeof(spec));
	/* The point-in-time image when the job has one (replica/image.c). */
	spec.src_path = from->src_path;
	spec.dst_path = tgt->path;
	spec.mode = glue_modes[mode];
	spec.base_path = from->base_path;
	spec.clone_ranges = from->clone_ranges;
	/* Nothing (trustworthy) to compare extents with: compare digests. */
	if (spec.mode == COPY_EXTENTS && !glue_base_trusted(job_id, from))
		spec.base_path = NULL;
	if (spec.mode == COPY_EXTENTS && spec.base_path == NULL)
		spec.mode = COPY_DIFF;
	spec.length = src->size;
	/* A file resized while arrayd was down is not the volume it knows. */
	spec.src_size = src->size;
	spec.dst_size = tgt->size;
	spec.resume_from = resume_from;
	spec.rate_limit = g->rate_limit;
	/* The map follows the target; the source is named by its DeviceID. */
	spec.digest_path = glue_map_path(g, tgt->id, map, sizeof(map));
	spec.digest_src_id = (1ull << 32) | src->id;
	g->jobs[g->njobs++] = gj;
	/* A failure is the replica set's to record and log (one line). */
	err = copy_job_start(g->eng, &spec, on_copy_progress, on_copy_done,
	    gj, &gj->job);
	if (err != 0)
		glue_remove(g, gj);
	return err;
}

static void
glue_copy_cancel(void *ctx, uint64_t job_id)
{
	struct glue_job *gj = glue_find(ctx, job_id, NULL);

	if (gj != NULL && gj->job != NULL)
		copy_job_cancel(gj->job);
}

/* ------------------------------------------------------------ images */

/* One image taken or dropped, or a snapshot measured, on the thread pool. */
struct glue_image {
	uv_work_t		 req;
	struct copyglue		*g;
	uint64_t		 job_id;	/* take; 0 for a drop */
	uint32_t		 measure_id;	/* measure this snapshot */
	char			*src, *dst;	/* dst: the image or snapshot */
	int			 status;
	int64_t			 taken_us;	/* clock just before the clone */
	struct replica_image_id	 id;		/* the image file made */
	uint64_t		 unshared;	/* measured */
};

static void
glue_image_free(struct glue_image *im)
{
	free(im->src);
	free(im->dst);
	free(im);
}

/*
 * The images' folder beside the source: made on the first image, its
 * entry in the parent made durable (bdev_image_take syncs the folder
 * itself, not the parent's entry of a new folder).
 */
static int
glue_image_dir(const char *image)
{
	const char *slash = strrchr(image, '/');
	char dir[4096], parent[4096];
	int fd, err = 0;

	if (slash == NULL || (size_t)(slash - image) >= sizeof(dir))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - image), image);
	if (mkdir(dir, 0700) == -1)
		return errno == EEXIST ? 0 : -errno;
	slash = strrchr(dir, '/');
	snprintf(parent, sizeof(parent), "%.*s", slash == NULL ? 1 :
	    slash == dir ? 1 : (int)(slash - dir), slash == NULL ? "." : dir);
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -errno;
	if (fsync(fd) == -1)
		err = -errno;
	close(fd);
	return err;
}

static int64_t glue_now_us(void *ctx);


/* Thread pool: the clone.  An earlier take of the same job (a crash cut
 * it short) left at most a file of this job's own name: it goes first. */
static void
on_image_work(uv_work_t *req)
{
	struct glue_image *im = req->data;

	if (im->measure_id != 0) {
		im->status = bdev_unshared_bytes(im->dst, &im->unshared);
		return;
	}
	if (im->job_id == 0) {
		im->status = bdev_image_drop(im->dst);
		return;
	}
	if ((im->status = bdev_image_drop(im->dst)) == -ENOENT)
		im->status = 0;
	if (im->status == 0)
		im->status = glue_image_dir(im->dst);
	im->taken_us = glue_now_us(NULL);
	if (im->status == 0)
		im->status = bdev_image_take(im->src, im->dst);
	if (im->status == 0)
		im->status = glue_image_id(im->dst, &im->id);
}

static void
on_image_done(uv_work_t *req, int status)
{
	struct glue_image *im = req->data;
	struct copyglue *g = im->g;
	char detail[256];

	g->images_busy--;
	if (status != 0 && im->status == 0)
		im->status = status;	/* UV_ECANCELED: never ran */
	if (im->measure_id != 0) {
		if (g->rs != NULL)
			replica_on_volume_measured(g->rs, im->measure_id,
			    im->status, im->unshared);
		glue_image_free(im);
		return;
	}
	if (im->job_id == 0) {
		if (im->status != 0 && im->status != -ENOENT)
			log_warn_err(im->status, "image %s: not removed",
			    im->dst);
		glue_image_free(im);
		return;
	}
	if (im->status == 0 && g->fail_image_taken)
		glue_failpoint_hit("image-taken", im->dst);
	snprintf(detail, sizeof(detail), "%s: %s", im->dst,
	    strerror(im->status < 0 ? -im->status : EIO));
	if (g->rs != NULL)
		replica_on_image_done(g->rs, im->job_id, im->status,
		    im->taken_us, &im->id, im->status != 0 ? detail : NULL);
	glue_image_free(im);
}

static int
glue_image_queue(struct copyglue *g, uint64_t job_id, uint32_t measure_id,
    const char *src, const char *dst)
{
	struct glue_image *im;
	int err;

	if (g->loop == NULL)
		return -EOPNOTSUPP;
	if ((im = calloc(1, sizeof(*im))) == NULL)
		return -ENOMEM;
	im->g = g;
	im->job_id = job_id;
	im->measure_id = measure_id;
	im->req.data = im;
	if ((src != NULL && (im->src = strdup(src)) == NULL) ||
	    (im->dst = strdup(dst)) == NULL) {
		glue_image_free(im);
		return -ENOMEM;
	}
	if ((err = uv_queue_work(g->loop, &im->req, on_image_work,
	    on_image_done)) != 0) {
		glue_image_free(im);
		return err;
	}
	g->images_busy++;
	return 0;
}

static int
glue_image_take(void *ctx, uint64_t job_id, const char *src,
    const char *dst)
{
	return glue_image_queue(ctx, job_id, 0, src, dst);
}

static int
glue_volume_measure(void *ctx, uint32_t id, const char *path)
{
	return glue_image_queue(ctx, 0, id, NULL, path);
}

static void
glue_image_drop(void *ctx, const char *path)
{
	int err = glue_image_queue(ctx, 0, 0, NULL, path);

	/* Left behind: the next start removes it (copyglue_images_sweep). */
	if (err != 0)
		log_warn_err(err, "image %s: not removed", path);
}

/* Remove the images in folder `dir` that `rs` does not name. */
static void
glue_sweep_dir(const struct replica_set *rs, const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *dp;
	int err;

	if ((dp = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			log_warn_err(-errno, "%s", dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < 5 || strcmp(de->d_name + n - 4, ".img") != 0 ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || replica_image_in_use(rs, path))
			continue;
		if ((err = bdev_image_drop(path)) == 0)
			log_info("image %s: named by no pair or job (left by a "
			    "crash): removed", path);
		else if (err != -ENOENT)
			log_warn_err(err, "image %s: not removed", path);
	}
	closedir(dp);
}

void
copyglue_images_sweep(struct copyglue *g, const struct replica_set *rs)
{
	char dir[4096], seen[16][4096];
	size_t nseen = 0;

	(void)g;
	for (size_t i = 0; i < replica_volume_count(rs); i++) {
		const struct rvolume *v = replica_volume_at(rs, i);
		const char *slash = strrchr(v->path, '/');
		bool dup = false;

		if (slash == NULL || v->found_rdev != 0 ||
		    snprintf(dir, sizeof(dir), "%.*s/.arrayd-images",
		    (int)(slash - v->path), v->path) >= (int)sizeof(dir))
			continue;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = strcmp(seen[k], dir) == 0;
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			memcpy(seen[nseen++], dir, sizeof(dir));
		glue_sweep_dir(rs, dir);
	}
}

void
copyglue_set_loop(struct copyglue *g, uv_loop_t *loop)
{
	g->loop = loop;
}

unsigned
copyglue_images_busy(const struct copyglue *g)
{
	return g->images_busy;
}

static int
glue_volume_create(void *ctx, const struct rvolume *v)
{
	const struct copyglue *g = ctx;
	int err = bdev_create(v->path, v->size);

	/* The file is durable, its volume not committed yet. */
	if (err == 0 && g->fail_file_created)
		glue_failpoint_hit("volume-file-created", v->path);
	return err;
}

static int
glue_volume_remove(void *ctx, const struct rvolume *v)
{
	const struct copyglue *g = ctx;
	char map[4096];
	const char *mp = glue_map_path(g, v->id, map, sizeof(map));

	/* The delete is committed, the file still there. */
	if (g->fail_file_removed)
		glue_failpoint_hit("volume-file-removed", v->path);
	/* A later volume with this DeviceID must not find the old map. */
	if (mp != NULL && unlink(mp) == -1 && errno != ENOENT)
		log_warn_err(-errno, "%s", mp);
	return bdev_remove(v->path);
}

static int
glue_volume_resize(void *ctx, const struct rvolume *v, uint64_t size)
{
	(void)ctx;
	return bdev_resize(v->path, size);
}

static int
glue_pool_space(void *ctx, const char *path, uint64_t *capacity,
    uint64_t *free_bytes)
{
	struct statvfs sv;

	(void)ctx;
	if (statvfs(path, &sv) == -1)
		return -errno;
	*capacity = (uint64_t)sv.f_blocks * sv.f_frsize;
	*free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

/*
 * A block device's size from sysfs, without opening the device (an open
 * can block): 0 with *out bytes, or -errno.  A detached loop device reads
 * 0, a device that went away has no entry.
 */
static int
glue_blk_size(const struct stat *st, uint64_t *out)
{
	char path[96], buf[32];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/size",
	    major(st->st_rdev), minor(st->st_rdev));
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	if (fgets(buf, sizeof(buf), f) != NULL)
		*out = strtoull(buf, NULL, 10) * 512;	/* in 512-byte sectors */
	else
		err = -EIO;
	fclose(f);
	return err;
}

/*
 * stat(2) only (and sysfs for a device's size), unless `deep`: this runs on
 * the loop for every request that shows or copies the volume.
 */
static int
glue_volume_check(void *ctx, const struct rvolume *v, bool deep,
    struct rvolume_stat *out)
{
	struct bdev_info bi;
	struct stat st;
	int err;

	(void)ctx;
	if (stat(v->path, &st) == -1)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -ENOTBLK;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->rdev = S_ISBLK(st.st_mode) ? (uint64_t)st.st_rdev : 0;
	out->size = (uint64_t)st.st_size;
	out->sized = S_ISREG(st.st_mode);
	if (out->sized)
		return 0;
	if (!deep) {
		err = glue_blk_size(&st, &out->size);
		if (err == -ENOENT)
			return -ENODEV;		/* the device is gone */
		out->sized = err == 0;		/* no sysfs: identity only */
		return 0;
	}
	if ((err = bdev_stat(v->path, &bi)) != 0)
		return err;
	out->size = bi.size;
	out->sized = true;
	return 0;
}

static int64_t
glue_now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
glue_log(void *ctx, enum log_level level, const char *msg)
{
	(void)ctx;
	switch (level) {
	case LOG_LVL_ERROR:
		log_errorx("%s", msg);
		break;
	case LOG_LVL_WARN:
		log_warnx("%s", msg);
		break;
	case LOG_LVL_INFO:
		log_info("%s", msg);
		break;
	case LOG_LVL_DEBUG:
		log_debug("%s", msg);
		break;
	}
}

/* replica_ops.changed: every committed change goes to the listener. */
static void
glue_changed(void *ctx, const struct replica_event *ev)
{
	struct copyglue *g = ctx;

	if (g->changed != NULL)
		g->changed(g->changed_arg, ev);
}

void
copyglue_set_changed(struct copyglue *g,
    void (*fn)(void *arg, const struct replica_event *ev), void *arg)
{
	g->changed = fn;
	g->changed_arg = arg;
}

void
copyglue_ops(struct copyglue *g, struct replica_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->ctx = g;
	ops->copy_start = glue_copy_start;
	ops->copy_cancel = glue_copy_cancel;
	if (g->loop != NULL) {
		ops->image_take = glue_image_take;
		ops->image_drop = glue_image_drop;
		ops->volume_measure = glue_volume_measure;
	}
	ops->volume_create = glue_volume_create;
	ops->volume_remove = glue_volume_remove;
	ops->volume_resize = glue_volume_resize;
	ops->pool_space = glue_pool_space;
	ops->volume_check = glue_volume_check;
	ops->now_us = glue_now_us;
	ops->log = glue_log;
	ops->changed = glue_changed;
}
