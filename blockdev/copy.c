/* SPDX-License-Identifier: ISC */
/*
 * copy.c - the loop half of the copy engine: jobs, scheduling of chunks on
 * libuv's thread pool under a per-job and a global bound, rate limits,
 * progress and checkpoints, cancellation and the final fdatasync.  It does
 * no disk I/O on the loop thread: chunk.c does a copy's I/O on workers, and
 * a job's prepare work (opening and checking the two volumes, preparing
 * the digest map) runs on a worker before its first chunk, and its end
 * work (closing them) before done_cb, because an open, a stat or a close
 * can block for milliseconds under load and the loop serves requests.
 *
 * Checkpoint rule: chunks are dispatched in offset order, so everything
 * below the lowest chunk still in flight (or below the next chunk to
 * dispatch) is done; a failed or dropped chunk caps it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev/copy_int.h"

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static void engine_pump(struct copy_engine *e);
static void engine_maybe_free(struct copy_engine *e);

static unsigned
default_inflight_total(void)
{
	const char *s = getenv("UV_THREADPOOL_SIZE");
	long n = s != NULL ? strtol(s, NULL, 10) : 4;

	/* Leave one pool thread to the store's fsyncs and to uv_fs work. */
	if (n <= 1)
		return 1;
	return n - 1 < 3 ? (unsigned)(n - 1) : 3;
}

/* Returns a new engine owned by the caller in *out (copy_engine_close). */
int
copy_engine_new(uv_loop_t *loop, const struct copy_engine_opts *opts,
    struct copy_engine **out)
{
	struct copy_engine *e;
	int err;

	if (loop == NULL || out == NULL)
		return -EINVAL;
	if (opts != NULL && (opts->chunk_size % COPY_BLOCK != 0 ||
	    opts->chunk_size > 64u << 20))
		return -EINVAL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->loop = loop;
	if (opts != NULL)
		e->opts = *opts;
	else
		e->opts.use_direct_io = true;	/* measured: see copy.sh */
	if (e->opts.io == NULL)
		e->opts.io = &bdev__io_default;
	if (e->opts.chunk_size == 0)
		e->opts.chunk_size = 1u << 20;
	if (e->opts.max_inflight_total == 0)
		e->opts.max_inflight_total = default_inflight_total();
	if (e->opts.max_inflight_job == 0)
		e->opts.max_inflight_job = 2;
	if (e->opts.max_inflight_job > e->opts.max_inflight_total)
		e->opts.max_inflight_job = e->opts.max_inflight_total;
	e->method = COPY_IO_RW;
	e->cache_probe = true;
	if ((err = uv_timer_init(loop, &e->handle)) != 0) {
		free(e);
		return err;
	}
	*out = e;
	return 0;
}

void
copy_engine__set_io_method(struct copy_engine *e, enum copy_io_method m)
{
	e->method = m;
}

void
copy_engine__set_cache_probe(struct copy_engine *e, bool on)
{
	e->cache_probe = on;
}

static void
on_engine_handle_closed(uv_handle_t *h)
{
	struct copy_engine *e = container_of(h, struct copy_engine, handle);

	e->handle_closed = true;
	engine_maybe_free(e);
}

static void
engine_maybe_free(struct copy_engine *e)
{
	void (*cb)(void *);
	void *arg;

	if (!e->closing || !e->handle_closed || e->njobs > 0)
		return;
	cb = e->close_cb;
	arg = e->close_arg;
	free(e);
	if (cb != NULL)
		cb(arg);
}

void
copy_engine_close(struct copy_engine *e, void (*cb)(void *arg), void *arg)
{
	struct copy_job *j;

	if (e == NULL || e->closing)
		return;
	e->closing = true;
	e->close_cb = cb;
	e->close_arg = arg;
	for (j = e->head; j != NULL; j = j->next)
		copy_job_cancel(j);
	uv_close((uv_handle_t *)&e->handle, on_engine_handle_closed);
}

/* ---------------------------------------------------------------- progress */

static uint64_t
job_checkpoint(const struct copy_job *job)
{
	uint64_t ck = job->next_off;

	if (!job->prepared)	/* nothing done yet; the length may be unknown */
		return job->start_off;

	for (unsigned i = 0; i < job->nchunks; i++)
		if (job->chunks[i].busy && job->chunks[i].off < ck)
			ck = job->chunks[i].off;
	if (job->ckpt_limit < ck)
		ck = job->ckpt_limit;
	return ck < job->length ? ck : job->length;
}

const struct copy_fault *
copy_job_fault(const struct copy_job *job)
{
	return job != NULL && job->faulted ? &job->fault : NULL;
}

void
copy_job_get_progress(const struct copy_job *job, struct copy_progress *p)
{
	*p = job->prog;
}

static void
on_job_timer(uv_timer_t *t)
{
	struct copy_job *job = container_of(t, struct copy_job, timer);

	engine_pump(job->e);
}

/* Run the scheduler soon, from the loop, never inside the caller's call. */
static void
job_kick(struct copy_job *job)
{
	uv_timer_start(&job->timer, on_job_timer, 0, 0);
}

void
copy_job_set_rate(struct copy_job *job, uint64_t rate_limit)
{
	job->rate = rate_limit;
	job->rate_t0 = uv_now(job->e->loop);
	job->rate_bytes = 0;
	job_kick(job);
}

void
copy_job_cancel(struct copy_job *job)
{
	if (job == NULL || job->done || job->cancelled)
		return;
	job->cancelled = true;
	/* Chunks not yet started are dropped whole: no torn chunk. */
	if (job->prep_busy)
		uv_cancel((uv_req_t *)&job->prep_work);
	for (unsigned i = 0; i < job->nchunks; i++)
		if (job->chunks[i].busy)
			uv_cancel((uv_req_t *)&job->chunks[i].work);
	job_kick(job);
}

/* ---------------------------------------------------------------- job end */

static void
on_job_timer_closed(uv_handle_t *h)
{
	struct copy_job *job = container_of(h, struct copy_job, timer);
	struct copy_engine *e = job->e;

	for (unsigned i = 0; i < job->nchunks; i++) {
		free(job->chunks[i].buf);
		free(job->chunks[i].buf2);
	}
	free(job->chunks);
	free(job->src_path);
	free(job->dst_path);
	free(job);
	e->njobs--;
	engine_maybe_free(e);
}

static void
job_close_fds(struct copy_job *job)
{
	if (job->sfd_direct >= 0)
		close(job->sfd_direct);
	if (job->dfd_direct >= 0)
		close(job->dfd_direct);
	if (job->sfd >= 0)
		close(job->sfd);
	if (job->dfd >= 0)
		close(job->dfd);
	job->sfd = job->dfd = job->sfd_direct = job->dfd_direct = -1;
}

static void
job_unlink(struct copy_job *job)
{
	struct copy_engine *e = job->e;

	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		e->head = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	else
		e->tail = job->prev;
	job->prev = job->next = NULL;
}

/* Worker (or loop as a fallback): a close can block on a busy disk. */
static void
job_release(struct copy_job *job)
{
	copy__map_close(job);
	copy__ext_release(job);
	job_close_fds(job);
}

/*
 * Worker, before the files close: a job that ends without its final
 * fdatasync (an error, a cancel, a failed sync) still has streamed writes
 * in flight or dirty above its last settled offset.  Wait for them, so
 * that when done_cb runs the engine no longer changes the target (its
 * allocation, what a next copy of it finds) and a write-back error is not
 * lost: the wait consumes it, a resumed copy's fdatasync would not see it,
 * so the range must be copied again (checkpoint back to the start, as for
 * a failed settle during the copy).
 */
static void
job_settle_rest(struct copy_job *job)
{
	if (job->direct_writes || job->dfd < 0 || !job->prepared ||
	    job->end_status == 0 || job->settle_mark >= job->length)
		return;
	if (bdev__writeback_settle(job->io, job->dfd, job->settle_mark,
	    job->length - job->settle_mark) != 0 &&
	    job->prog.checkpoint > job->start_off)
		job->prog.checkpoint = job->prog.bytes_done = job->start_off;
}

static void
on_end_work(uv_work_t *w)
{
	struct copy_job *job = container_of(w, struct copy_job, end_work);

	job_settle_rest(job);
	job_release(job);
}

/* Call done_cb, then free the job from its timer's close. */
static void
on_end_done(uv_work_t *w, int status)
{
	struct copy_job *job = container_of(w, struct copy_job, end_work);

	(void)status;		/* never cancelled; released either way */
	job_release(job);	/* no-op unless the work did not run */
	job->done_cb(job, job->end_status, job->end_off, &job->prog,
	    job->arg);
	uv_close((uv_handle_t *)&job->timer, on_job_timer_closed);
}

/*
 * Report the end exactly once: the job leaves the schedule now; its files
 * are closed on the pool, then done_cb runs (so a next copy of the same
 * target never overlaps this one's descriptors).
 */
static void
job_finish(struct copy_job *job, int status, uint64_t err_off)
{
	job->done = true;
	job_unlink(job);
	job->prog.checkpoint = job_checkpoint(job);
	if (status == 0)
		job->prog.checkpoint = job->length;
	job->end_status = status;
	job->end_off = err_off;
	if (uv_queue_work(job->e->loop, &job->end_work, on_end_work,
	    on_end_done) != 0)
		on_end_done(&job->end_work, 0);
}

static void
on_sync_work(uv_work_t *w)
{
	struct copy_job *job = container_of(w, struct copy_job, sync_work);

	int verr;

	job->sync_err = 0;
	job->sync_faulted = false;
	if (job->io->fdatasync(job->dfd) == -1)
		job->sync_err = -errno;
	/* Last word before status 0: are the files still the volumes? */
	verr = copy__verify(job, true, &job->fault);
	if (verr == -ESTALE || verr == -ERANGE) {
		job->sync_err = verr;
		job->sync_faulted = true;
	} else if (verr != 0 && job->sync_err == 0) {
		job->sync_err = verr;
	}
	/* A map that fails to seal is only missing: the next resync reads both. */
	if (job->sync_err == 0 && job->map.write_new && !job->map.failed)
		(void)copy__map_commit(job);
	/* The last window of streamed writes is clean now: leave the cache. */
	if (job->sync_err == 0 && !job->direct_writes)
		(void)posix_fadvise(job->dfd, 0, 0, POSIX_FADV_DONTNEED);
}

static void
on_sync_done(uv_work_t *w, int status)
{
	struct copy_job *job = container_of(w, struct copy_job, sync_work);

	job->syncing = false;
	if (status != 0)
		job->sync_err = status;
	else if (job->sync_faulted)
		job->faulted = true;
	if (job->sync_err != 0) {
		/* Nothing since the start is known durable: redo it all. */
		job->ckpt_limit = job->start_off;
		job_finish(job, job->sync_err, job->start_off);
	}
	else if (job->cancelled)
		job_finish(job, -ECANCELED, job->length);
	else
		job_finish(job, 0, 0);
}

/* Called by the scheduler for a job with nothing in flight. */
static void
job_end_or_sync(struct copy_job *job)
{
	int err;

	if (job->err != 0) {
		job_finish(job, job->err, job->err_off);
		return;
	}
	if (job->cancelled) {
		job_finish(job, -ECANCELED, job_checkpoint(job));
		return;
	}
	job->syncing = true;
	err = uv_queue_work(job->e->loop, &job->sync_work, on_sync_work,
	    on_sync_done);
	if (err != 0) {
		job->syncing = false;
		job_finish(job, err, job->length);
	}
}

/* ---------------------------------------------------------------- chunks */

static void
on_chunk_work(uv_work_t *w)
{
	struct copy_chunk *c = container_of(w, struct copy_chunk, work);

	copy__chunk_run(c->job, c);
}

static void
chunk_account(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t cs = job->chunk_size, from;

	if (c->end > c->off + c->len) {	/* a hole beyond this chunk */
		from = c->off > job->skip_mark ? c->off : job->skip_mark;
		if (c->end > from)
			job->prog.chunks_skipped += (c->end - from + cs - 1) / cs;
		if (c->end > job->skip_mark)
			job->skip_mark = c->end;
		if (c->end > job->next_off)
			job->next_off = c->end;
	} else if (c->skipped && c->off >= job->skip_mark) {
		job->prog.chunks_skipped++;
	}
	if (c->written > 0)
		job->prog.chunks_written++;
	job->prog.bytes_written += c->written;
	job->prog.bytes_read += c->io_bytes + (c->target_read ? c->len : 0);
	job->prog.bytes_cloned += c->cloned;
	job->rate_bytes += c->io_bytes;
}

/*
 * Does a failed chunk's error become the job's?  A file change explains
 * the I/O errors it causes, so it outranks them; else the lowest offset.
 */
static bool
chunk_err_wins(const struct copy_job *job, const struct copy_chunk *c)
{
	if (job->err == 0)
		return true;
	if (c->faulted != job->faulted)
		return c->faulted;
	return c->off < job->err_off;
}

static void
on_chunk_done(uv_work_t *w, int status)
{
	struct copy_chunk *c = container_of(w, struct copy_chunk, work);
	struct copy_job *job = c->job;
	struct copy_engine *e = job->e;

	if (status != 0) {
		c->err = status;	/* UV_ECANCELED: dropped before it ran */
		c->end = c->off;
		c->faulted = false;
	}
	if (c->clone) {
		job->cloning = false;
		job->clone_tried = true;
		if (c->end == job->length)
			job->next_off = job->length;
		else
			job->mode = COPY_FULL;
	}
	if (c->map_err != 0)
		job->map.failed = true;
	/* Streamed writes below this chunk did not all reach the disk. */
	if (c->wb_failed)
		job->ckpt_limit = job->start_off;
	if (c->err == 0) {
		chunk_account(job, c);
	} else {
		if (c->off < job->ckpt_limit)
			job->ckpt_limit = c->off;
		if (c->err != -ECANCELED && chunk_err_wins(job, c)) {
			job->err = c->err;
			job->err_off = c->off;
			job->faulted = c->faulted;
			if (c->faulted)
				job->fault = c->fault;
		}
	}
	c->busy = false;
	job->inflight--;
	e->inflight--;
	job->prog.checkpoint = job_checkpoint(job);
	job->prog.bytes_done = job->prog.checkpoint;
	/*
	 * A failing job reports no more progress: its checkpoint may just
	 * have gone back (a failed write-back wait), and done_cb says the end.
	 */
	if (job->progress_cb != NULL && c->err == 0 && !job->cancelled &&
	    job->err == 0)
		job->progress_cb(job, &job->prog, job->arg);
	engine_pump(e);
}

static int
chunk_buffers(struct copy_job *job, struct copy_chunk *c)
{
	if (c->buf == NULL &&
	    posix_memalign(&c->buf, COPY_BLOCK, job->chunk_size) != 0)
		return -ENOMEM;
	if (job->mode == COPY_DIFF && c->buf2 == NULL &&
	    posix_memalign(&c->buf2, COPY_BLOCK, job->chunk_size) != 0)
		return -ENOMEM;
	return 0;
}

/* Returns the free chunk slot to use now, or NULL (bounds, rate, state). */
static struct copy_chunk *
job_ready_slot(struct copy_job *job)
{
	struct copy_engine *e = job->e;
	uint64_t now, allowed;

	/* `prepared` first: the prepare work may still set the mode. */
	if (!job->done && job->prepared && job->mode == COPY_EXTENTS)
		copy__ext_skip(job);
	if (job->done || job->syncing || job->cancelled || job->err != 0 ||
	    job->cloning || !job->prepared || job->next_off >= job->length)
		return NULL;
	if (job->inflight >= job->nchunks ||
	    e->inflight >= e->opts.max_inflight_total)
		return NULL;
	if (job->rate != 0) {
		now = uv_now(e->loop);
		allowed = (now - job->rate_t0) * job->rate / 1000;
		if (job->rate_bytes > allowed) {
			uint64_t wait = (job->rate_bytes - allowed) * 1000 / job->rate;

			if (job->inflight == 0)
				uv_timer_start(&job->timer, on_job_timer,
				    wait > 0 ? wait : 1, 0);
			return NULL;
		}
	}
	for (unsigned i = 0; i < job->nchunks; i++)
		if (!job->chunks[i].busy)
			return &job->chunks[i];
	return NULL;
}

/*
 * Buffered writes: hand the chunk the target's range from the last settled
 * offset up to COPY_WB_WINDOW behind it (chunks are dispatched in offset
 * order, so every byte is settled once, holes included, which costs
 * nothing).
 */
static void
job_settle_range(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t lim = c->off > COPY_WB_WINDOW ? c->off - COPY_WB_WINDOW : 0;

	c->settle_off = c->settle_len = 0;
	if (job->direct_writes || c->clone || lim <= job->settle_mark)
		return;
	c->settle_off = job->settle_mark;
	c->settle_len = lim - job->settle_mark;
	job->settle_mark = lim;
}

static int
job_dispatch(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t left = job->length - job->next_off, now;
	int err;

	if ((err = chunk_buffers(job, c)) != 0)
		return err;
	c->clone = job->mode == COPY_CLONE && !job->clone_tried &&
	    job->next_off == 0 && !job->dst_blk;
	c->off = job->next_off;
	c->len = left < job->chunk_size ? left : job->chunk_size;
	now = uv_now(job->e->loop);
	c->check_paths = now - job->paths_checked_ms >= COPY_PATH_CHECK_MS;
	if (c->check_paths)
		job->paths_checked_ms = now;
	job_settle_range(job, c);
	if (c->clone) {
		job->cloning = true;
	} else {
		if (job->mode == COPY_CLONE)
			job->mode = COPY_FULL;
		job->next_off += c->len;
	}
	err = uv_queue_work(job->e->loop, &c->work, on_chunk_work,
	    on_chunk_done);
	if (err != 0) {
		if (!c->clone)
			job->next_off -= c->len;
		job->cloning = false;
		return err;
	}
	c->busy = true;
	job->inflight++;
	job->e->inflight++;
	return 0;
}

/* ---------------------------------------------------------------- prepare */

/* Worker: open both volumes (fds closed by job_finish). */
static int
job_open(struct copy_job *job)
{
	if ((job->sfd = open(job->src_path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if ((job->dfd = open(job->dst_path, O_RDWR | O_CLOEXEC)) == -1)
		return -errno;
	if (!job->direct)
		return 0;
	/* A filesystem without O_DIRECT (EINVAL) just gets buffered I/O. */
	job->sfd_direct = open(job->src_path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	job->dfd_direct = open(job->dst_path, O_RDWR | O_DIRECT | O_CLOEXEC);
	/*
	 * The buffered fds then read only ranges mostly cached already: no
	 * readahead, which would pull the next chunks into the cache and
	 * turn the rest of the copy into buffered reads.
	 */
	if (job->sfd_direct >= 0)
		(void)posix_fadvise(job->sfd, 0, 0, POSIX_FADV_RANDOM);
	if (job->dfd_direct >= 0)
		(void)posix_fadvise(job->dfd, 0, 0, POSIX_FADV_RANDOM);
	return 0;
}

/* Worker: the checks that need the open volumes; sets the job's length. */
static int
job_check(struct copy_job *job)
{
	struct stat ss, ds;
	struct bdev_info si, di;
	uint64_t len;
	int err;

	if (fstat(job->sfd, &ss) == -1 || fstat(job->dfd, &ds) == -1)
		return -errno;
	if ((S_ISREG(ss.st_mode) && ss.st_dev == ds.st_dev &&
	    ss.st_ino == ds.st_ino) ||
	    (S_ISBLK(ss.st_mode) && S_ISBLK(ds.st_mode) &&
	    ss.st_rdev == ds.st_rdev))
		return -EINVAL;		/* copying a volume onto itself */
	if ((err = bdev__fstat(job->sfd, &si)) != 0 ||
	    (err = bdev__fstat(job->dfd, &di)) != 0)
		return err;
	len = job->req_length != 0 ? job->req_length : si.size;
	if (len > si.size)
		return -EINVAL;
	if (di.size < len)
		return -ENOSPC;		/* target smaller than the copy */
	if (job->start_off > len)
		return -EINVAL;
	job->length = len;
	job->dst_blk = di.kind == BDEV_BLOCK;
	job->dst_empty = di.kind == BDEV_FILE && ds.st_blocks == 0;
	return 0;
}

static void
on_prep_work(uv_work_t *w)
{
	struct copy_job *job = container_of(w, struct copy_job, prep_work);

	if ((job->prep_err = job_open(job)) != 0)
		return;
	job->prep_err = copy__verify_open(job, &job->fault);
	if (job->prep_err == -ESTALE || job->prep_err == -ERANGE)
		job->prep_faulted = true;
	if (job->prep_err != 0 || (job->prep_err = job_check(job)) != 0)
		return;
	if (job->map.path != NULL)
		job->prep_err = copy__map_prepare(job);
	if (job->prep_err == 0 && job->mode == COPY_EXTENTS)
		job->prep_err = copy__ext_prepare(job);
}

static void
on_prep_done(uv_work_t *w, int status)
{
	struct copy_job *job = container_of(w, struct copy_job, prep_work);

	job->prep_busy = false;
	if (status != 0)
		job->prep_err = status;	/* UV_ECANCELED: cancelled before it ran */
	if (job->prep_err == 0) {
		job->prepared = true;
		job->paths_checked_ms = uv_now(job->e->loop);	/* just looked */
		job->prog.bytes_total = job->length;
		job->prog.bytes_changed = job->ext.changed;
		job->prog.fell_back = job->ext.fell_back;
	} else if (job->err == 0 && job->prep_err != UV_ECANCELED) {
		/*
		 * A volume that cannot be opened or checked, or an old map
		 * that could not be removed (writing would make it lie).
		 */
		job->err = job->prep_err;
		job->err_off = job->start_off;
		job->faulted = job->prep_faulted;
	}
	engine_pump(job->e);
}

/* Before its first chunk, a job is prepared on the thread pool. */
static void
job_prep_start(struct copy_job *job)
{
	int err;

	if (job->prepared || job->prep_busy || job->cancelled || job->err != 0)
		return;
	err = uv_queue_work(job->e->loop, &job->prep_work, on_prep_work,
	    on_prep_done);
	if (err != 0) {
		job->err = err;
		job->err_off = job->start_off;
		return;
	}
	job->prep_busy = true;
}

/* Round-robin one chunk per job per pass until the bounds are reached. */
static void
engine_pump(struct copy_engine *e)
{
	struct copy_job *job, *next;
	struct copy_chunk *c;
	bool more = true;
	int err;

	for (job = e->head; job != NULL; job = job->next)
		job_prep_start(job);
	while (more) {
		more = false;
		for (job = e->head; job != NULL; job = next) {
			next = job->next;
			if ((c = job_ready_slot(job)) == NULL)
				continue;
			if ((err = job_dispatch(job, c)) != 0) {
				job->err = err;
				job->err_off = job->next_off;
				continue;
			}
			more = true;
		}
	}
	for (job = e->head; job != NULL; job = next) {
		next = job->next;
		if (job->inflight > 0 || job->syncing || job->prep_busy)
			continue;
		if (job->err != 0 || job->cancelled ||
		    (job->prepared && job->next_off >= job->length))
			job_end_or_sync(job);
	}
}

/* ---------------------------------------------------------------- start */

/* Returns a new job owned by the caller in *out (free with job_free). */
static int
job_alloc(struct copy_engine *e, const struct copy_spec *spec,
    struct copy_job **out)
{
	struct copy_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return -ENOMEM;
	job->nchunks = e->opts.max_inflight_job;
	job->chunks = calloc(job->nchunks, sizeof(*job->chunks));
	job->src_path = strdup(spec->src_path);
	job->dst_path = strdup(spec->dst_path);
	if (job->chunks == NULL || job->src_path == NULL ||
	    job->dst_path == NULL) {
		free(job->chunks);
		free(job->src_path);
		free(job->dst_path);
		free(job);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < job->nchunks; i++)
		job->chunks[i].job = job;
	job->e = e;
	job->io = e->opts.io;
	job->sfd = job->dfd = job->sfd_direct = job->dfd_direct = -1;
	job->map.old_fd = job->map.new_fd = -1;
	job->chunk_size = e->opts.chunk_size;
	job->method = e->method;
	job->direct = e->opts.use_direct_io;
	job->direct_writes = e->opts.direct_writes;
	job->cache_probe = e->cache_probe;
	job->ckpt_limit = UINT64_MAX;
	*out = job;
	return 0;
}

/* Undo job_alloc (and copy__map_init) for a job that never started. */
static void
job_free(struct copy_job *job)
{
	copy__map_close(job);
	copy__ext_release(job);
	free(job->chunks);
	free(job->src_path);
	free(job->dst_path);
	free(job);
}

/* The checks that need no system call. */
static int
spec_check(const struct copy_engine *e, const struct copy_spec *spec)
{
	if (spec->src_path == NULL || spec->dst_path == NULL ||
	    spec->src_path[0] == '\0' || spec->dst_path[0] == '\0' ||
	    (unsigned)spec->mode > COPY_EXTENTS)
		return -EINVAL;
	if (spec->mode == COPY_EXTENTS &&
	    (spec->base_path == NULL || spec->base_path[0] == '\0'))
		return -EINVAL;
	if (strcmp(spec->src_path, spec->dst_path) == 0)
		return -EINVAL;		/* copying a volume onto itself */
	if (spec->resume_from % e->opts.chunk_size != 0 ||
	    (spec->length != 0 && spec->resume_from > spec->length))
		return -EINVAL;
	if (spec->digest_path != NULL && spec->digest_path[0] == '\0')
		return -EINVAL;
	return 0;
}

/*
 * Start a copy.  On success the job is owned by the engine and freed after
 * done_cb returns (which reports the failures of opening and checking the
 * volumes too); on failure nothing is left behind and no callback runs.
 */
int
copy_job_start(struct copy_engine *e, const struct copy_spec *spec,
    copy_progress_cb progress_cb, copy_done_cb done_cb, void *arg,
    struct copy_job **out)
{
	struct copy_job *job;
	int err;

	if (e == NULL || spec == NULL || done_cb == NULL)
		return -EINVAL;
	if ((err = spec_check(e, spec)) != 0)
		return err;
	if (e->closing)
		return -ECANCELED;
	if ((err = job_alloc(e, spec, &job)) != 0)
		return err;
	if (spec->digest_path != NULL) {
		if ((err = copy__map_init(job, spec->digest_path)) != 0)
			goto out_free_job;
		job->map.src_id = spec->digest_src_id;
	}
	if (spec->mode == COPY_EXTENTS &&
	    (err = copy__ext_init(job, spec)) != 0)
		goto out_free_job;
	if ((err = uv_timer_init(e->loop, &job->timer)) != 0)
		goto out_free_job;
	job->mode = spec->mode;
	job->req_length = job->length = spec->length;
	job->next_off = job->skip_mark = job->start_off = spec->resume_from;
	job->settle_mark = spec->resume_from;
	job->rate = spec->rate_limit;
	job->src_size = spec->src_size;
	job->dst_size = spec->dst_size;
	job->rate_t0 = uv_now(e->loop);
	job->prog.bytes_total = spec->length;
	job->prog.bytes_done = job->prog.checkpoint = spec->resume_from;
	job->progress_cb = progress_cb;
	job->done_cb = done_cb;
	job->arg = arg;
	job->prev = e->tail;
	if (e->tail != NULL)
		e->tail->next = job;
	else
		e->head = job;
	e->tail = job;
	e->njobs++;
	job_kick(job);		/* the prepare work starts from the loop */
	if (out != NULL)
		*out = job;
	return 0;

out_free_job:
	job_free(job);
	return err;
}
