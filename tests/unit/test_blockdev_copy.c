/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_copy.c - the copy engine on real files in a mkdtemp()
 * folder, one uv_loop_t per test: full, differential and clone copies,
 * holes and zero chunks, bad input, injected I/O faults, cancellation at
 * random points and resume from the checkpoint, engine shutdown, the
 * in-flight bounds, rate limits and a source that changes during the copy.
 * Every test checks the target's bytes and allocation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mount.h>
#include <time.h>

#include <linux/falloc.h>

#include "blockdev/blockdev.h"
#include "tests/unit/fake_blockdev.h"

#define CS	(64 * KiB)	/* chunk size of most tests */

struct res {
	int calls;
	int status;
	uint64_t err_off;
	struct copy_progress p;
	int progress_calls;
	uint64_t last_done;
	bool monotone;
	int cancel_after;	/* cancel at this progress call (0 = never) */
	uint64_t rate_after;	/* set rate to this at progress call 1 */
	const char *rewrite;	/* rewrite this source at progress call 1 */
	uint64_t rewrite_len;
};

static void
on_progress(struct copy_job *job, const struct copy_progress *p, void *arg)
{
	struct res *r = arg;

	r->progress_calls++;
	if (p->bytes_done < r->last_done || p->checkpoint > p->bytes_total)
		r->monotone = false;
	r->last_done = p->bytes_done;
	if (r->progress_calls == r->cancel_after)
		copy_job_cancel(job);
	if (r->progress_calls == 1 && r->rate_after != 0)
		copy_job_set_rate(job, r->rate_after == 1 ? 0 : r->rate_after);
	if (r->progress_calls == 1 && r->rewrite != NULL)
		fb_write(r->rewrite, 0, r->rewrite_len, 9);
}

static void
on_done(struct copy_job *job, int status, uint64_t err_off,
    const struct copy_progress *p, void *arg)
{
	struct res *r = arg;

	(void)job;
	r->calls++;
	r->status = status;
	r->err_off = err_off;
	r->p = *p;
}

static void
on_closed(void *arg)
{
	(*(int *)arg)++;
}

static struct copy_engine_opts
opts_cs(uint32_t cs, bool direct)
{
	struct copy_engine_opts o = {
		.chunk_size = cs, .max_inflight_total = 3,
		.max_inflight_job = 2, .use_direct_io = direct,
	};

	return o;
}

/* Run one job to its end on a fresh loop; returns copy_job_start's result. */
static int
run_copy(const struct copy_engine_opts *o, const struct copy_spec *spec,
    struct res *r)
{
	struct copy_engine *e;
	uv_loop_t loop;
	int err, closed = 0;

	r->monotone = true;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, o, &e), 0);
	err = copy_job_start(e, spec, on_progress, on_done, r, NULL);
	if (err == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	if (err == 0) {
		assert_int_equal(r->calls, 1);
		assert_true(r->monotone);
	} else {
		assert_int_equal(r->calls, 0);
	}
	return err;
}

/* A check copy_job_start makes itself: -err, no callback. */
static void
expect_sync_err(const struct copy_engine_opts *o, const struct copy_spec *sp,
    int err)
{
	struct res r = { 0 };

	assert_int_equal(run_copy(o, sp, &r), err);
}

/*
 * A check of the prepare work: copy_job_start succeeds, done_cb reports
 * -err at resume_from, with no progress call and nothing written.
 */
static void
expect_async_err(const struct copy_engine_opts *o, const struct copy_spec *sp,
    int err)
{
	struct res r = { 0 };

	assert_int_equal(run_copy(o, sp, &r), 0);
	assert_int_equal(r.status, err);
	assert_int_equal(r.err_off, sp->resume_from);
	assert_int_equal(r.p.checkpoint, sp->resume_from);
	assert_int_equal(r.p.bytes_written, 0);
	assert_int_equal(r.progress_calls, 0);
}

static int
setup(void **state)
{
	(void)state;
	fb_mkdir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fb_rmdir();
	return 0;
}

/* Source: 1 MiB volume, data in chunks 0,1,4 (chunk 2 all zero data, rest holes). */
static void
make_sparse_src(const char *src)
{
	fb_truncate(src, 1 * MiB);
	fb_write(src, 0, 2 * CS, 1);
	fb_write(src, 2 * CS, CS, 0);		/* allocated zeros */
	fb_write(src, 4 * CS + 4 * KiB, 8 * KiB, 2);	/* partial chunk */
}

static void
test_full_dense(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	(void)state;
	fb_write(s, 0, 1 * MiB + 512, 3);	/* tail not chunk or page aligned */
	assert_int_equal(bdev_create(d, 1 * MiB + 512), 0);
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.p.bytes_total, 1 * MiB + 512);
	assert_int_equal(r.p.bytes_done, 1 * MiB + 512);
	assert_int_equal(r.p.checkpoint, 1 * MiB + 512);
	assert_int_equal(r.p.chunks_written, 17);
	assert_int_equal(fb_cmp(s, d, 1 * MiB + 512), 0);
	assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
	assert_true(r.progress_calls >= 1);
}

static void
test_full_sparse_onto_stale(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	(void)state;
	make_sparse_src(s);
	fb_write(d, 0, 1 * MiB + CS, 7);	/* stale, dense and larger */
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	/* Holes and the zero chunk are holes in the target, the tail kept. */
	assert_false(fb_has_data(d, 2 * CS, 2 * CS));
	assert_false(fb_has_data(d, 5 * CS, 1 * MiB - 5 * CS));
	assert_true(fb_has_data(d, 1 * MiB, CS));
	assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
}

static void
test_full_sparse_fresh(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	(void)state;
	make_sparse_src(s);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	assert_false(fb_has_data(d, 2 * CS, 2 * CS));
	assert_true(fb_alloc(d) <= 2 * CS + 8 * KiB + 4 * KiB);
	assert_int_equal(r.p.bytes_written, 2 * CS + 8 * KiB);
}

static void
test_diff(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_DIFF };
	struct res r = { 0 };

	(void)state;
	make_sparse_src(s);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	/* Now change 2 chunks of the target and one hole of it. */
	fb_write(d, 1 * CS + 100, 10, 5);
	fb_write(d, 4 * CS, CS, 5);
	fb_write(d, 9 * CS, 4 * KiB, 6);
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	assert_int_equal(r.p.chunks_written, 3);
	assert_true(r.p.bytes_written <= 3 * CS);
	assert_false(fb_has_data(d, 9 * CS, CS));
	assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
	/* Identical volumes: nothing written at all. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.p.bytes_written, 0);
	assert_int_equal(r.p.chunks_written, 0);
}

static void
test_clone(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_CLONE };
	struct res r = { 0 };

	(void)state;
	make_sparse_src(s);
	fb_write(d, 0, 1 * MiB, 4);
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	assert_int_equal(r.p.checkpoint, 1 * MiB);
	/* Cloned or copied: no more allocated than the source (+1 chunk). */
	assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
}

static void
test_bad_input(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128], l[128], m[128], dir[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };

	(void)state;
	fb_write(s, 0, 4 * CS, 1);
	fb_truncate(d, 2 * CS);
	expect_async_err(&o, &sp, -ENOSPC);	/* target too small */
	assert_int_equal(fb_alloc(d), 0);
	sp.dst_path = s;
	expect_sync_err(&o, &sp, -EINVAL);	/* same file */
	assert_int_equal(link(s, fb_path(l, "hardlink")), 0);
	sp.dst_path = l;
	expect_async_err(&o, &sp, -EINVAL);	/* same inode */
	sp.dst_path = d;
	sp.src_path = fb_path(m, "missing");
	expect_async_err(&o, &sp, -ENOENT);
	sp.src_path = s;
	sp.dst_path = m;
	expect_async_err(&o, &sp, -ENOENT);
	sp.resume_from = 2 * CS;		/* reported at the checkpoint */
	expect_async_err(&o, &sp, -ENOENT);
	sp.resume_from = 0;
	fb_truncate(d, 4 * CS);
	sp.dst_path = d;
	sp.length = 5 * CS;
	expect_async_err(&o, &sp, -EINVAL);	/* beyond source */
	sp.resume_from = 6 * CS;
	expect_sync_err(&o, &sp, -EINVAL);	/* resume beyond length */
	sp.length = 0;
	expect_async_err(&o, &sp, -EINVAL);	/* resume beyond source */
	sp.resume_from = 100;
	expect_sync_err(&o, &sp, -EINVAL);	/* unaligned resume */
	sp.resume_from = 0;
	sp.mode = (enum copy_mode)7;
	expect_sync_err(&o, &sp, -EINVAL);
	sp.mode = COPY_FULL;
	sp.src_path = "";
	expect_sync_err(&o, &sp, -EINVAL);
	sp.src_path = NULL;
	expect_sync_err(&o, &sp, -EINVAL);
	sp.src_path = s;
	sp.digest_path = "";
	expect_sync_err(&o, &sp, -EINVAL);
	sp.digest_path = NULL;
	sp.src_path = fb_dir;
	expect_async_err(&o, &sp, -ENOTBLK);	/* a folder */
	sp.src_path = s;
	snprintf(dir, sizeof(dir), "%s", fb_dir);
	sp.dst_path = dir;
	expect_async_err(&o, &sp, -EISDIR);
	assert_int_equal(fb_alloc(d), 0);
	/* Unreadable source and read-only target (as non-root: modes). */
	if (geteuid() != 0) {
		chmod(s, 0);
		sp.dst_path = d;
		expect_async_err(&o, &sp, -EACCES);
		chmod(s, 0600);
		chmod(d, 0400);
		expect_async_err(&o, &sp, -EACCES);
	}
}

/* Cancelled or closed before the prepare work ran or came back. */
static void
test_cancel_before_prepare(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL,
	    .resume_from = 2 * CS };
	struct copy_engine *e;
	struct copy_job *job;
	uv_loop_t loop;
	struct res r;
	int closed;

	(void)state;
	fb_write(s, 0, 8 * CS, 1);
	assert_int_equal(bdev_create(d, 8 * CS), 0);
	for (int way = 0; way < 3; way++) {
		memset(&r, 0, sizeof(r));
		closed = 0;
		assert_int_equal(uv_loop_init(&loop), 0);
		assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
		assert_int_equal(copy_job_start(e, &sp, on_progress, on_done,
		    &r, &job), 0);
		assert_int_equal(r.calls, 0);	/* never from within start */
		if (way == 1)		/* prepare queued, maybe running */
			uv_run(&loop, UV_RUN_NOWAIT);
		if (way < 2)
			copy_job_cancel(job);
		copy_engine_close(e, on_closed, &closed);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(closed, 1);
		assert_int_equal(uv_loop_close(&loop), 0);
		assert_int_equal(r.calls, 1);
		assert_int_equal(r.status, -ECANCELED);
		if (way == 1) {
			/* The prepare and first chunks may have come back. */
			assert_true(r.p.checkpoint >= 2 * CS);
			assert_true(r.p.checkpoint <= 8 * CS);
			fb_write(d, 0, 2 * CS, 1);	/* as copied before */
			assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
			fb_truncate(d, 0);
			fb_truncate(d, 8 * CS);
			continue;
		}
		assert_int_equal(r.p.checkpoint, 2 * CS);
		assert_int_equal(r.p.bytes_written, 0);
		assert_int_equal(fb_alloc(d), 0);
	}
	/* A job started on a closing engine is refused at once. */
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	closed = 0;
	copy_engine_close(e, on_closed, &closed);
	memset(&r, 0, sizeof(r));
	assert_int_equal(copy_job_start(e, &sp, NULL, on_done, &r, NULL),
	    -ECANCELED);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(r.calls, 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
test_readonly_target_root(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], mnt[128], d[160], opt[64];
	struct copy_spec sp = { .src_path = fb_path(s, "src"), .mode = COPY_FULL };

	(void)state;
	if (geteuid() != 0)
		skip();
	fb_write(s, 0, 4 * CS, 1);
	fb_path(mnt, "mnt");
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("arrayd-test", mnt, "tmpfs", 0, "size=1m") != 0)
		skip();
	snprintf(d, sizeof(d), "%s/dst", mnt);
	fb_write(d, 0, 4 * CS, 2);
	snprintf(opt, sizeof(opt), "size=1m");
	assert_int_equal(mount("arrayd-test", mnt, "tmpfs",
	    MS_REMOUNT | MS_RDONLY, opt), 0);
	sp.dst_path = d;
	expect_async_err(&o, &sp, -EROFS);
	assert_int_equal(umount(mnt), 0);
}

static void
test_enospc_tmpfs_root(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], mnt[128], d[160];
	struct copy_spec sp = { .src_path = fb_path(s, "src"), .mode = COPY_FULL };
	struct res r = { 0 };

	(void)state;
	if (geteuid() != 0)
		skip();
	fb_write(s, 0, 2 * MiB, 1);
	fb_path(mnt, "small");
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("arrayd-test", mnt, "tmpfs", 0, "size=1m") != 0)
		skip();
	snprintf(d, sizeof(d), "%s/dst", mnt);
	assert_int_equal(bdev_create(d, 2 * MiB), 0);	/* sparse: fits */
	sp.dst_path = d;
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, -ENOSPC);
	assert_true(r.err_off < 2 * MiB && r.err_off % CS == 0);
	assert_true(r.p.checkpoint <= r.err_off);
	assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
	assert_true(fb_alloc(d) <= 1 * MiB);
	assert_int_equal(umount(mnt), 0);
}

/* Faults through the ops table: EIO/ENOSPC/short read/sync failure. */
static void
run_fault(int which, int at, int errnum, int want)
{
	struct copy_engine_opts o = opts_cs(CS, false), fo = o;
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	fb_write(s, 0, 1 * MiB, 1);
	unlink(d);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	fo.io = fb_faults_io();
	if (which == 0) {
		fb_f.pread_fail_at = at;
		fb_f.pread_err = errnum;
	} else if (which == 1) {
		fb_f.pwrite_fail_at = at;
		fb_f.pwrite_err = errnum;
	} else if (which == 2) {
		fb_f.pread_short_at = at;
	} else {
		fb_f.sync_fail_at = at;
		fb_f.sync_err = errnum;
	}
	assert_int_equal(run_copy(&fo, &sp, &r), 0);
	assert_int_equal(r.status, want);
	assert_true(r.err_off % CS == 0 && r.err_off < 1 * MiB);
	assert_true(r.p.checkpoint <= r.err_off);
	assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
	/*
	 * Stable since the engine settles the write-back of a failed job
	 * before done_cb: before, ext4's delalloc conversion of the target's
	 * last window was still running and st_blocks read 4 KiB high.
	 */
	assert_true(fb_alloc(d) <= fb_alloc(s));
	assert_int_equal(fb_f.on_loop, 0);	/* no disk I/O on the loop thread */
	assert_int_equal(fb_f.settles, 1);	/* the end settles what is left */
	if (which == 3)
		return;
	/* Restarting from the checkpoint completes the copy. */
	memset(&r, 0, sizeof(r));
	sp.resume_from = r.p.checkpoint;
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
}

static void
test_faults(void **state)
{
	(void)state;
	run_fault(0, 5, EIO, -EIO);
	run_fault(1, 7, ENOSPC, -ENOSPC);
	run_fault(1, 1, EIO, -EIO);
	run_fault(2, 3, 0, -EIO);
	run_fault(3, 1, EIO, -EIO);
}

/*
 * A write-back wait that fails (the streamed write-back of buffered
 * writes): during the copy it fails the job, and the checkpoint goes back
 * to the start, because the wait consumed the error a resumed copy's
 * fdatasync would report; at the end of a job that failed otherwise, the
 * same wait over what is left lowers the checkpoint too.
 */
static void
test_fault_writeback(void **state)
{
	struct copy_engine_opts o = opts_cs(1 * MiB, false), fo = o;
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	(void)state;
	/* Past the 32 MiB window, so chunks settle while the copy runs. */
	fb_truncate(s, 40 * MiB);
	fb_write(s, 0, 2 * MiB, 5);
	fb_write(s, 36 * MiB, 2 * MiB, 6);
	assert_int_equal(bdev_create(d, 40 * MiB), 0);
	fo.io = fb_faults_io();
	fb_f.settle_fail_at = 1;
	fb_f.settle_err = EIO;
	assert_int_equal(run_copy(&fo, &sp, &r), 0);
	assert_int_equal(r.status, -EIO);
	assert_int_equal(r.p.checkpoint, 0);
	assert_int_equal(fb_f.on_loop, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 40 * MiB), 0);

	/*
	 * A write fails at 1 MiB; the end's wait fails: checkpoint 0.  One
	 * chunk in flight, so the second write is the one at 1 MiB.
	 */
	fo.max_inflight_job = fo.max_inflight_total = 1;
	unlink(d);
	assert_int_equal(bdev_create(d, 40 * MiB), 0);
	fo.io = fb_faults_io();
	fb_f.pwrite_fail_at = 2;
	fb_f.pwrite_err = EIO;
	fb_f.settle_fail_at = 1;
	fb_f.settle_err = EIO;
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&fo, &sp, &r), 0);
	assert_int_equal(r.status, -EIO);
	assert_int_equal(r.err_off, 1 * MiB);
	assert_int_equal(r.p.checkpoint, 0);
	/* Without the wait's failure the same fault keeps chunk 0. */
	fo.io = fb_faults_io();
	fb_f.pwrite_fail_at = 2;
	fb_f.pwrite_err = EIO;
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&fo, &sp, &r), 0);
	assert_int_equal(r.status, -EIO);
	assert_int_equal(r.p.checkpoint, 1 * MiB);
	assert_int_equal(fb_f.settles, 1);
}

static void
test_cancel_random(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst") };
	unsigned seed = (unsigned)time(NULL);

	(void)state;
	print_message("seed %u\n", seed);
	srand(seed);
	make_sparse_src(s);
	fb_write(s, 6 * CS, 6 * CS, 8);
	for (int i = 0; i < 12; i++) {
		struct res r = { 0 };

		unlink(d);
		fb_write(d, 0, 1 * MiB, 3);	/* stale target */
		sp.mode = i % 2 ? COPY_DIFF : COPY_FULL;
		sp.resume_from = 0;
		r.cancel_after = 1 + rand() % 10;
		assert_int_equal(run_copy(&o, &sp, &r), 0);
		if (r.status == 0)
			continue;	/* finished before the cancel */
		assert_int_equal(r.status, -ECANCELED);
		assert_int_equal(r.p.checkpoint % CS, 0);
		assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
		sp.resume_from = r.p.checkpoint;
		memset(&r, 0, sizeof(r));
		assert_int_equal(run_copy(&o, &sp, &r), 0);
		assert_int_equal(r.status, 0);
		assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
		assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
	}
}

static void
test_engine_close(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[2][128];
	struct res r[2] = { { 0 }, { 0 } };
	struct copy_engine *e;
	uv_loop_t loop;
	int closed = 0;

	(void)state;
	fb_path(s, "src");
	fb_write(s, 0, 2 * MiB, 1);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	for (int i = 0; i < 2; i++) {
		struct copy_spec sp = { .src_path = s, .mode = COPY_FULL,
		    .rate_limit = 1 * MiB };

		sp.dst_path = fb_path(d[i], i ? "d1" : "d0");
		assert_int_equal(bdev_create(d[i], 2 * MiB), 0);
		assert_int_equal(copy_job_start(e, &sp, NULL, on_done, &r[i],
		    NULL), 0);
	}
	uv_run(&loop, UV_RUN_NOWAIT);
	copy_engine_close(e, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(r[i].calls, 1);
		assert_int_equal(r[i].status, -ECANCELED);
		assert_int_equal(fb_cmp(s, d[i], r[i].p.checkpoint), 0);
		assert_true(fb_alloc(d[i]) <= r[i].p.checkpoint + 2 * CS);
	}
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
test_bounds(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[3][128];
	struct res r[3] = { { 0 }, { 0 }, { 0 } };
	struct copy_engine *e;
	uv_loop_t loop;
	int closed = 0;

	(void)state;
	o.max_inflight_total = 2;
	o.max_inflight_job = 2;
	fb_write(fb_path(s, "src"), 0, 1 * MiB, 1);
	o.io = fb_faults_io();
	fb_f.pread_delay_us = 2000;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	for (int i = 0; i < 3; i++) {
		struct copy_spec sp = { .src_path = s, .mode = COPY_FULL };

		sp.dst_path = fb_path(d[i], i == 0 ? "d0" : i == 1 ? "d1" : "d2");
		assert_int_equal(bdev_create(d[i], 1 * MiB), 0);
		assert_int_equal(copy_job_start(e, &sp, NULL, on_done, &r[i],
		    NULL), 0);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_true(fb_f.max_active <= 2);
	assert_true(fb_f.max_active >= 1);
	assert_int_equal(fb_f.on_loop, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r[i].status, 0);
		assert_int_equal(fb_cmp(s, d[i], 1 * MiB), 0);
		assert_true(fb_alloc(d[i]) <= fb_alloc(s) + CS);
	}
}

static void
test_rate_limit(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL,
	    .rate_limit = 2 * MiB };
	struct res r = { 0 };
	uint64_t t0;

	(void)state;
	fb_write(s, 0, 1 * MiB, 1);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	t0 = uv_hrtime();
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	/* 1 MiB at 2 MiB/s: at least ~0.4 s (allowing one chunk of burst). */
	assert_true(uv_hrtime() - t0 >= 350000000ull);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
	/* Lifting the limit mid-copy (rate 0) finishes quickly. */
	memset(&r, 0, sizeof(r));
	sp.rate_limit = 64 * KiB;
	r.rate_after = 1;
	t0 = uv_hrtime();
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_true(uv_hrtime() - t0 < 5000000000ull);
	assert_int_equal(fb_cmp(s, d, 1 * MiB), 0);
}

static void
test_source_changes(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128], old[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };
	unsigned char *a = malloc(CS), *b = malloc(CS), *n = malloc(CS);

	(void)state;
	fb_write(s, 0, 1 * MiB, 1);
	fb_write(fb_path(old, "old"), 0, 1 * MiB, 1);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	r.rewrite = s;
	r.rewrite_len = 1 * MiB;
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	/* Point-in-time per chunk: each chunk is the old or the new one. */
	for (uint64_t off = 0; off < 1 * MiB; off += CS) {
		int fd = open(d, O_RDONLY);

		assert_int_equal(pread(fd, a, CS, (off_t)off), CS);
		close(fd);
		fb_fill(b, CS, off, 1);
		fb_fill(n, CS, off, 9);
		assert_true(memcmp(a, b, CS) == 0 || memcmp(a, n, CS) == 0);
	}
	assert_true(fb_alloc(d) <= fb_alloc(s) + CS);
	free(a);
	free(b);
	free(n);
}

static void
test_empty_and_larger_target(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_DIFF };
	struct res r = { 0 };

	(void)state;
	fb_truncate(s, 0);
	fb_write(d, 0, 2 * CS, 4);
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.p.bytes_total, 0);
	assert_int_equal(fb_alloc(d), 2 * CS);	/* tail beyond length untouched */
	/* length shorter than the source: exactly that much. */
	fb_write(s, 0, 4 * CS, 1);
	sp.length = CS;
	sp.mode = COPY_FULL;
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(fb_cmp(s, d, CS), 0);
	assert_int_not_equal(fb_cmp(s, d, 2 * CS), 0);
	assert_int_equal(r.p.checkpoint, CS);
}

static void
test_engine_opts(void **state)
{
	struct copy_engine_opts o = opts_cs(1000, false);
	struct copy_engine *e;
	uv_loop_t loop;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), -EINVAL);
	assert_int_equal(copy_engine_new(&loop, NULL, &e), 0);
	copy_engine_close(e, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---------------------------------------------------------- digest map */

#define MAPLEN	(1 * MiB + 8 * KiB)	/* the last chunk is short */

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Map source: data chunks 0-3, a hole, data 8-9, the short tail chunk. */
static void
make_map_src(const char *src)
{
	fb_truncate(src, MAPLEN);
	fb_write(src, 0, 4 * CS, 1);
	fb_write(src, 8 * CS, 2 * CS, 2);
	fb_write(src, 16 * CS, 8 * KiB, 3);
}

/* A full copy that leaves a map; returns after checking it is there. */
static void
map_full(const struct copy_engine_opts *o, struct copy_spec *sp)
{
	struct res r = { 0 };
	char tmp[160];

	sp->mode = COPY_FULL;
	sp->resume_from = 0;
	assert_int_equal(run_copy(o, sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(sp->src_path, sp->dst_path, MAPLEN), 0);
	assert_true(file_exists(sp->digest_path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", sp->digest_path);
	assert_false(file_exists(tmp));
	/* The target's mtime has a coarse tick: later writes must change it. */
	usleep(20000);
}

/* A DIFF copy; returns the bytes it read from the target. */
static uint64_t
map_diff(const struct copy_engine_opts *o, struct copy_spec *sp,
    struct res *r)
{
	struct copy_engine_opts fo = *o;

	memset(r, 0, sizeof(*r));
	sp->mode = COPY_DIFF;
	fo.io = fb_faults_io();
	fb_watch(sp->dst_path);
	assert_int_equal(run_copy(&fo, sp, r), 0);
	return atomic_load(&fb_f.watch_read);
}

static void
test_map_resync(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128], m[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .digest_path = fb_path(m, "map") };
	struct res r;
	int fd;

	(void)state;
	make_map_src(s);
	assert_int_equal(bdev_create(d, MAPLEN), 0);
	map_full(&o, &sp);
	/* Host writes on the source while the pair is split. */
	fb_write(s, 1 * CS + 10, 100, 7);		/* data changed */
	fb_write(s, 5 * CS, 4 * KiB, 7);		/* hole gets data */
	fb_write(s, 16 * CS, 8 * KiB, 8);		/* short tail chunk */
	fd = open(s, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, 8 * CS, CS), 0);	/* data becomes a hole */
	close(fd);
	fb_write(s, 3 * CS, CS, 3);
	fb_write(s, 3 * CS, CS, 1);			/* rewritten, same bytes */
	assert_int_equal(map_diff(&o, &sp, &r), 0);	/* source only */
	assert_int_equal(r.status, 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	assert_int_equal(r.p.chunks_written, 4);
	assert_true(r.p.bytes_written <= 4 * CS);
	assert_false(fb_has_data(d, 8 * CS, CS));
	assert_true(file_exists(m));
	usleep(20000);
	/* In sync: the next resync reads the source only and writes nothing. */
	assert_int_equal(map_diff(&o, &sp, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.p.bytes_written, 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
}

static void
corrupt_byte(const char *path, off_t off)
{
	unsigned char b;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

/* Each way a map stops describing the target: the resync reads both. */
static void
test_map_invalid(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true), o2 = opts_cs(2 * CS, true);
	char s[128], d[128], m[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .digest_path = fb_path(m, "map") };
	struct res r;

	(void)state;
	make_map_src(s);
	assert_int_equal(bdev_create(d, MAPLEN), 0);
	/* 1. a host wrote the target outside the engine (mtime changed) */
	map_full(&o, &sp);
	fb_write(d, 2 * CS, 4 * KiB, 9);
	assert_true(map_diff(&o, &sp, &r) > 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.p.chunks_written, 1);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	/* 2. corrupt entry, 3. corrupt header */
	for (off_t off = 200; off >= 20; off -= 180) {
		map_full(&o, &sp);
		corrupt_byte(m, off);
		fb_write(s, 0, 4 * KiB, 5);	/* the source moves on */
		assert_true(map_diff(&o, &sp, &r) > 0);
		assert_int_equal(r.status, 0);
		assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
		fb_write(s, 0, 4 * KiB, 1);
	}
	/* 4. another chunk size */
	map_full(&o, &sp);
	assert_true(map_diff(&o2, &sp, &r) > 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	/* 5. truncated map, 6. not a map */
	map_full(&o, &sp);
	fb_truncate(m, 300);
	assert_true(map_diff(&o, &sp, &r) > 0);
	fb_write(m, 0, 4 * KiB, 4);
	assert_true(map_diff(&o, &sp, &r) > 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	/* 7. another source identity */
	sp.digest_src_id = 41;
	map_full(&o, &sp);
	sp.digest_src_id = 42;
	assert_true(map_diff(&o, &sp, &r) > 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	/* 8. a copy told of no map wrote the target: its mtime gives it away */
	sp.digest_src_id = 0;
	map_full(&o, &sp);
	fb_write(s, 8 * CS, 4 * KiB, 6);
	sp.digest_path = NULL;
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	fb_write(s, 8 * CS, 4 * KiB, 2);
	sp.digest_path = m;
	assert_true(map_diff(&o, &sp, &r) > 0);
	assert_int_equal(r.p.chunks_written, 1);
	assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
	/* 9. a map in a folder that does not exist: copy works, no map */
	sp.digest_path = fb_path(m, "nodir/map");
	assert_true(map_diff(&o, &sp, &r) > 0);
	assert_int_equal(r.status, 0);
	assert_false(file_exists(m));
}

/* A cancelled resync drops the map; its resume is byte-identical. */
static void
test_map_cancel_resume(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, true);
	char s[128], d[128], m[128], t[160];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .digest_path = fb_path(m, "map") };
	struct res r;

	(void)state;
	make_map_src(s);
	assert_int_equal(bdev_create(d, MAPLEN), 0);
	snprintf(t, sizeof(t), "%s.tmp", m);
	for (int cancel = 1; cancel <= 4; cancel++) {
		map_full(&o, &sp);
		fb_write(s, 0, 10 * CS, (unsigned)(10 + cancel));
		memset(&r, 0, sizeof(r));
		r.cancel_after = cancel;
		sp.mode = COPY_DIFF;
		assert_int_equal(run_copy(&o, &sp, &r), 0);
		assert_int_equal(r.status, -ECANCELED);
		assert_false(file_exists(m));	/* the target moved */
		assert_false(file_exists(t));
		assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
		sp.resume_from = r.p.checkpoint;
		assert_true(map_diff(&o, &sp, &r) > 0 ||
		    sp.resume_from >= 10 * CS);
		assert_int_equal(r.status, 0);
		assert_int_equal(fb_cmp(s, d, MAPLEN), 0);
		assert_false(file_exists(m));	/* resumed: no map */
		sp.resume_from = 0;
		assert_true(map_diff(&o, &sp, &r) > 0);	/* rebuilds it */
		assert_true(file_exists(m));
		usleep(20000);
		assert_int_equal(map_diff(&o, &sp, &r), 0);
		assert_int_equal(r.p.bytes_written, 0);
		fb_write(s, 0, 10 * CS, 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_dense, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_sparse_onto_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_sparse_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_before_prepare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_target_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_tmpfs_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_writeback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_larger_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_opts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_cancel_resume, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
