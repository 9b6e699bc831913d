/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_pagecache.c - blockdev/pagecache.c and the engine's use of
 * it, on real files in a mkdtemp() folder: the rule that reads a range from
 * the cache, mincore's count of a file's cached pages (after a read, after
 * POSIX_FADV_DONTNEED, half and half, unaligned ranges), streaming
 * write-back (a settled range is on the disk and out of the cache), and a
 * copy that reads a cached source through the buffered fd and a cold one
 * with O_DIRECT, writes buffered (or with O_DIRECT when asked), and leaves
 * none of the target in the cache.  Skips the O_DIRECT expectations where
 * /tmp's file system refuses O_DIRECT (one line).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "blockdev/blockdev.h"
#include "tests/unit/fake_blockdev.h"

#define VOL	(4 * MiB)

static long page;	/* set by main */

/* Drop a clean file from the page cache (its data on the disk first). */
static void
uncache(const char *path, uint64_t off, uint64_t len)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fdatasync(fd), 0);
	assert_int_equal(posix_fadvise(fd, (off_t)off, (off_t)len,
	    POSIX_FADV_DONTNEED), 0);
	close(fd);
}

/* Read [off, off+len) of path through the page cache (no readahead). */
static void
cache(const char *path, uint64_t off, uint64_t len)
{
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM), 0);
	for (uint64_t o = off; o < off + len; o += sizeof(buf))
		assert_true(pread(fd, buf, sizeof(buf), (off_t)o) > 0);
	close(fd);
}

static uint64_t
resident(const char *path, uint64_t off, uint64_t len, uint64_t *pages)
{
	uint64_t r, n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(bdev__cache_resident(fd, off, len, &r, &n), 0);
	close(fd);
	if (pages != NULL)
		*pages = n;
	return r;
}

static bool
direct_works(void)
{
	char p[128];
	int fd = open(fb_path(p, "probe"), O_RDWR | O_CREAT | O_DIRECT, 0600);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* At least half of the range in the cache: read it from there. */
static void
test_prefer(void **state)
{
	(void)state;
	assert_false(bdev__cache_prefer(0, 0));
	assert_false(bdev__cache_prefer(0, 256));
	assert_false(bdev__cache_prefer(127, 256));
	assert_true(bdev__cache_prefer(128, 256));
	assert_true(bdev__cache_prefer(256, 256));
	assert_true(bdev__cache_prefer(1, 1));
}

static void
test_resident(void **state)
{
	char p[128];
	uint64_t n;
	int fd;

	(void)state;
	fb_write(fb_path(p, "r"), 0, VOL, 3);
	uncache(p, 0, VOL);
	assert_int_equal(resident(p, 0, VOL, &n), 0);
	assert_int_equal(n, VOL / (uint64_t)page);
	fd = open(p, O_RDONLY);
	assert_false(bdev__cache_hit(fd, 0, VOL));
	cache(p, 0, VOL);
	assert_true(bdev__cache_hit(fd, 0, VOL));
	close(fd);
	uncache(p, 0, VOL);

	cache(p, 0, VOL / 2);
	assert_int_equal(resident(p, 0, VOL / 2, NULL), VOL / 2 / (uint64_t)page);
	assert_int_equal(resident(p, VOL / 2, VOL / 2, NULL), 0);
	/* Exactly half of the whole volume: the rule reads it cached. */
	assert_int_equal(resident(p, 0, VOL, NULL), VOL / 2 / (uint64_t)page);

	/* An unaligned range counts every page it touches. */
	assert_int_equal(resident(p, (uint64_t)page + 1, 10, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(resident(p, (uint64_t)page - 1, 2, &n), 2);
	assert_int_equal(n, 2);
	assert_int_equal(resident(p, 0, 0, &n), 0);
	assert_int_equal(n, 0);
}

/* Not a mappable file: an error, which the engine takes as "not cached". */
static void
test_resident_bad_fd(void **state)
{
	uint64_t r = 9, n = 9;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_true(bdev__cache_resident(fds[0], 0, 4096, &r, &n) < 0);
	assert_false(bdev__cache_hit(fds[0], 0, 4096));
	assert_true(bdev__cache_resident(-1, 0, 4096, &r, &n) < 0);
	close(fds[0]);
	close(fds[1]);
}

/* A settled range is written and dropped; a started one stays readable. */
static void
test_writeback(void **state)
{
	char p[128], q[128];
	unsigned char *buf = malloc(VOL);
	int fd;

	(void)state;
	assert_non_null(buf);
	fb_fill(buf, VOL, 0, 5);
	fd = open(fb_path(p, "w"), O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, VOL, 0), (ssize_t)VOL);
	assert_int_equal(bdev__writeback_start(&bdev__io_default, fd, 0, VOL), 0);
	assert_int_equal(bdev__writeback_start(&bdev__io_default, fd, 0, 0), 0);
	assert_int_equal(bdev__writeback_settle(&bdev__io_default, fd, 0, VOL / 2), 0);
	assert_int_equal(bdev__writeback_settle(&bdev__io_default, fd, 0, 0), 0);
	assert_int_equal(resident(p, 0, VOL / 2, NULL), 0);
	close(fd);
	fb_write(fb_path(q, "w.ref"), 0, VOL, 5);
	assert_int_equal(fb_cmp(p, q, VOL), 0);
	assert_true(bdev__writeback_settle(&bdev__io_default, -1, 0, 4096) < 0);
	free(buf);
}

/* --------------------------------------------------- the engine's use */

static struct {
	ino_t src, dst;
	atomic_int src_direct, src_buffered, dst_direct, dst_buffered;
} seen;

static bool
fd_is(int fd, ino_t ino)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_ino == ino;
}

static ssize_t
rec_pread(int fd, void *buf, size_t len, off_t off)
{
	bool direct = (fcntl(fd, F_GETFL) & O_DIRECT) != 0;

	if (fd_is(fd, seen.src))
		atomic_fetch_add(direct ? &seen.src_direct : &seen.src_buffered, 1);
	return pread(fd, buf, len, off);
}

static ssize_t
rec_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	bool direct = (fcntl(fd, F_GETFL) & O_DIRECT) != 0;

	if (fd_is(fd, seen.dst))
		atomic_fetch_add(direct ? &seen.dst_direct : &seen.dst_buffered, 1);
	return pwrite(fd, buf, len, off);
}

static struct bdev_io_ops rec_io;

static void
on_done(struct copy_job *job, int status, uint64_t err_off,
    const struct copy_progress *p, void *arg)
{
	(void)job;
	(void)err_off;
	(void)p;
	*(int *)arg = status;
}

/* Copy src onto a fresh dst with `o`; the reads and writes land in `seen`. */
static void
copy(const char *src, const char *dst, bool direct_writes, bool probe)
{
	struct copy_engine_opts o = {
		.chunk_size = 256 * KiB, .max_inflight_total = 3,
		.max_inflight_job = 3, .use_direct_io = true,
		.direct_writes = direct_writes, .io = &rec_io,
	};
	struct copy_spec spec = {
		.src_path = src, .dst_path = dst, .mode = COPY_FULL,
	};
	struct copy_engine *e;
	struct stat st;
	uv_loop_t loop;
	int status = 1;

	unlink(dst);
	fb_truncate(dst, VOL);
	rec_io = bdev__io_default;
	rec_io.pread = rec_pread;
	rec_io.pwrite = rec_pwrite;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(stat(src, &st), 0);
	seen.src = st.st_ino;
	assert_int_equal(stat(dst, &st), 0);
	seen.dst = st.st_ino;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	copy_engine__set_cache_probe(e, probe);
	assert_int_equal(copy_job_start(e, &spec, NULL, on_done, &status,
	    NULL), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(status, 0);
}

/* The copy is right (the compare reads both into the cache). */
static void
verify(const char *src, const char *dst)
{
	assert_int_equal(fb_cmp(src, dst, VOL), 0);
}

/* A source of pattern `seed` and a target path; false: no O_DIRECT here. */
static bool
copy_files(char *s, char *d, unsigned seed)
{
	if (!direct_works()) {
		print_message("skip: /tmp refuses O_DIRECT\n");
		return false;
	}
	fb_write(fb_path(s, "src"), 0, VOL, seed);
	fb_path(d, "dst");
	return true;
}

static void
test_engine_reads(void **state)
{
	char s[128], d[128];

	(void)state;
	if (!copy_files(s, d, 7))
		return;

	/* Cold: every source read goes to the disk with O_DIRECT. */
	uncache(s, 0, VOL);
	copy(s, d, false, true);
	assert_int_equal(seen.src_direct, VOL / (256 * KiB));
	assert_int_equal(seen.src_buffered, 0);
	/* ... and O_DIRECT left the source out of the cache. */
	assert_int_equal(resident(s, 0, VOL, NULL), 0);
	verify(s, d);

	/* Warm: every source read comes from the cache. */
	cache(s, 0, VOL);
	copy(s, d, false, true);
	assert_int_equal(seen.src_direct, 0);
	assert_int_equal(seen.src_buffered, VOL / (256 * KiB));
	verify(s, d);

	/* Half warm: the cached chunks from the cache, the rest direct. */
	uncache(s, 0, VOL);
	cache(s, 0, VOL / 2);
	copy(s, d, false, true);
	assert_int_equal(seen.src_buffered, VOL / 2 / (256 * KiB));
	assert_int_equal(seen.src_direct, VOL / 2 / (256 * KiB));
	/* The buffered reads pulled nothing beyond their chunks in. */
	assert_int_equal(resident(s, VOL / 2, VOL / 2, NULL), 0);
	verify(s, d);

	/* Without the probe (benchmark knob): O_DIRECT even when cached. */
	cache(s, 0, VOL);
	copy(s, d, false, false);
	assert_int_equal(seen.src_buffered, 0);
	assert_int_equal(seen.src_direct, VOL / (256 * KiB));
	verify(s, d);
}

static void
test_engine_writes(void **state)
{
	char s[128], d[128];

	(void)state;
	if (!copy_files(s, d, 8))
		return;

	/* Default: buffered writes, streamed, none of the target cached after. */
	copy(s, d, false, true);
	assert_int_equal(seen.dst_direct, 0);
	assert_true(seen.dst_buffered > 0);
	assert_int_equal(resident(d, 0, VOL, NULL), 0);
	verify(s, d);

	/* direct_writes: O_DIRECT writes. */
	copy(s, d, true, true);
	assert_int_equal(seen.dst_buffered, 0);
	assert_true(seen.dst_direct > 0);
	verify(s, d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefer),
		cmocka_unit_test(test_resident),
		cmocka_unit_test(test_resident_bad_fd),
		cmocka_unit_test(test_writeback),
		cmocka_unit_test(test_engine_reads),
		cmocka_unit_test(test_engine_writes),
	};

	page = sysconf(_SC_PAGESIZE);
	return cmocka_run_group_tests(tests, fb_setup, fb_teardown);
}
