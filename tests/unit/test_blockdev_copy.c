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
	fb_faults_remove();
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
	struct res r = { 0 };

	(void)state;
	fb_write(s, 0, 4 * CS, 1);
	fb_truncate(d, 2 * CS);
	assert_int_equal(run_copy(&o, &sp, &r), -ENOSPC);	/* target too small */
	assert_int_equal(fb_alloc(d), 0);
	sp.dst_path = s;
	assert_int_equal(run_copy(&o, &sp, &r), -EINVAL);	/* same file */
	assert_int_equal(link(s, fb_path(l, "hardlink")), 0);
	sp.dst_path = l;
	assert_int_equal(run_copy(&o, &sp, &r), -EINVAL);	/* same inode */
	sp.dst_path = d;
	sp.src_path = fb_path(m, "missing");
	assert_int_equal(run_copy(&o, &sp, &r), -ENOENT);
	sp.src_path = s;
	sp.dst_path = m;
	assert_int_equal(run_copy(&o, &sp, &r), -ENOENT);
	fb_truncate(d, 4 * CS);
	sp.dst_path = d;
	sp.length = 5 * CS;
	assert_int_equal(run_copy(&o, &sp, &r), -EINVAL);	/* beyond source */
	sp.length = 0;
	sp.resume_from = 100;
	assert_int_equal(run_copy(&o, &sp, &r), -EINVAL);	/* unaligned resume */
	sp.resume_from = 0;
	sp.mode = (enum copy_mode)7;
	assert_int_equal(run_copy(&o, &sp, &r), -EINVAL);
	sp.mode = COPY_FULL;
	sp.src_path = fb_dir;
	assert_int_equal(run_copy(&o, &sp, &r), -ENOTBLK);	/* a folder */
	sp.src_path = s;
	snprintf(dir, sizeof(dir), "%s", fb_dir);
	sp.dst_path = dir;
	assert_int_equal(run_copy(&o, &sp, &r), -EISDIR);
	assert_int_equal(fb_alloc(d), 0);
	/* Unreadable source and read-only target (as non-root: modes). */
	if (geteuid() != 0) {
		chmod(s, 0);
		sp.dst_path = d;
		assert_int_equal(run_copy(&o, &sp, &r), -EACCES);
		chmod(s, 0600);
		chmod(d, 0400);
		assert_int_equal(run_copy(&o, &sp, &r), -EACCES);
	}
}

static void
test_readonly_target_root(void **state)
{
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], mnt[128], d[160], opt[64];
	struct copy_spec sp = { .src_path = fb_path(s, "src"), .mode = COPY_FULL };
	struct res r = { 0 };

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
	assert_int_equal(run_copy(&o, &sp, &r), -EROFS);
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
	struct copy_engine_opts o = opts_cs(CS, false);
	char s[128], d[128];
	struct copy_spec sp = { .src_path = fb_path(s, "src"),
	    .dst_path = fb_path(d, "dst"), .mode = COPY_FULL };
	struct res r = { 0 };

	fb_write(s, 0, 1 * MiB, 1);
	unlink(d);
	assert_int_equal(bdev_create(d, 1 * MiB), 0);
	fb_faults_install();
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
	assert_int_equal(run_copy(&o, &sp, &r), 0);
	fb_faults_remove();
	assert_int_equal(r.status, want);
	assert_true(r.err_off % CS == 0 && r.err_off < 1 * MiB);
	assert_true(r.p.checkpoint <= r.err_off);
	assert_int_equal(fb_cmp(s, d, r.p.checkpoint), 0);
	assert_true(fb_alloc(d) <= fb_alloc(s));
	assert_int_equal(fb_f.on_loop, 0);	/* no disk I/O on the loop thread */
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
	fb_faults_install();
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
	fb_faults_remove();
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
		cmocka_unit_test_setup_teardown(test_readonly_target_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_tmpfs_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_larger_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_opts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
