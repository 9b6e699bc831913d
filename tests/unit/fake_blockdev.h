/* SPDX-License-Identifier: ISC */
/*
 * fake_blockdev.h - helpers for the blockdev unit tests: a scratch folder
 * (fixture_dir.h), files with data and holes, byte and allocation checks,
 * and a fault-injecting I/O ops table (handed to an engine through
 * copy_engine_opts.io) that fails the Nth read, write or sync with a chosen
 * errno or the Nth write-back wait (sync_file_range), returns short reads,
 * and counts concurrency.  Header-only: each test includes it once.
 */
#ifndef ARRAYD_FAKE_BLOCKDEV_H
#define ARRAYD_FAKE_BLOCKDEV_H

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev/blockdev_int.h"
#include "tests/unit/fixture_dir.h"

#define KiB	1024ull
#define MiB	(1024ull * 1024)

static char fb_dir[FX_DIR_MAX];

static inline void
fb_mkdir(void)
{
	if (fx_dir_make(fb_dir, "arrayd-bdev") != 0)
		abort();
}

static inline void
fb_rmdir(void)
{
	(void)fx_dir_remove(fb_dir);
}

/* cmocka setup and teardown of a test that uses the scratch folder. */
static inline int
fb_setup(void **state)
{
	(void)state;
	fb_mkdir();
	return 0;
}

static inline int
fb_teardown(void **state)
{
	(void)state;
	fb_rmdir();
	return 0;
}

static inline const char *
fb_path(char *buf, const char *name)
{
	snprintf(buf, 128, "%s/%s", fb_dir, name);
	return buf;
}

/* Deterministic non-zero bytes for [off, off+len) with seed. */
static inline void
fb_fill(unsigned char *p, size_t len, uint64_t off, unsigned seed)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t x = (off + i) * 2654435761u + seed * 40503u;

		p[i] = (unsigned char)((x >> 13) | 1);
	}
}

/* Write pattern `seed` at [off, off+len) of path (created if missing). */
static inline void
fb_write(const char *path, uint64_t off, uint64_t len, unsigned seed)
{
	unsigned char *buf = malloc(len);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	if (buf == NULL || fd == -1)
		abort();
	if (seed == 0)
		memset(buf, 0, len);
	else
		fb_fill(buf, len, off, seed);
	if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
		abort();
	close(fd);
	free(buf);
}

static inline void
fb_truncate(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	if (fd == -1 || ftruncate(fd, (off_t)size) == -1)
		abort();
	close(fd);
}

/* 0 if [0,len) of a and b are equal, else first differing offset + 1. */
static inline uint64_t
fb_cmp(const char *a, const char *b, uint64_t len)
{
	unsigned char x[65536], y[65536];
	int fa = open(a, O_RDONLY), fbb = open(b, O_RDONLY);
	uint64_t off = 0, res = 0;

	if (fa == -1 || fbb == -1)
		abort();
	while (off < len && res == 0) {
		size_t n = len - off < sizeof(x) ? (size_t)(len - off) : sizeof(x);

		if (pread(fa, x, n, (off_t)off) != (ssize_t)n ||
		    pread(fbb, y, n, (off_t)off) != (ssize_t)n)
			res = off + 1;
		else if (memcmp(x, y, n) != 0)
			for (size_t i = 0; i < n && res == 0; i++)
				if (x[i] != y[i])
					res = off + i + 1;
		off += n;
	}
	close(fa);
	close(fbb);
	return res;
}

static inline uint64_t
fb_alloc(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		abort();
	return (uint64_t)st.st_blocks * 512;
}

/* Does [off, off+len) of path hold any data extent (SEEK_DATA)? */
static inline bool
fb_has_data(const char *path, uint64_t off, uint64_t len)
{
	int fd = open(path, O_RDONLY);
	off_t d;

	if (fd == -1)
		abort();
	d = lseek(fd, (off_t)off, SEEK_DATA);
	close(fd);
	return d != -1 && (uint64_t)d < off + len;
}

/* ---------------------------------------------------------- fault layer */

struct fb_faults {
	atomic_int preads, pwrites, syncs;	/* calls so far */
	int pread_fail_at, pwrite_fail_at, sync_fail_at;	/* 1-based, 0 = never */
	int pread_err, pwrite_err, sync_err;
	int pread_short_at;			/* that call returns 0 (EOF) */
	atomic_int settles;			/* sync_file_range waits so far */
	int settle_fail_at, settle_err;		/* 1-based, 0 = never */
	atomic_int active, max_active;		/* concurrent preads */
	pthread_t loop_thread;
	atomic_int on_loop;			/* I/O seen on the loop thread */
	int pread_delay_us;
	ino_t watch_ino;			/* count reads of this file */
	atomic_ullong watch_read;		/* bytes read from it */
};

static struct fb_faults fb_f;

static inline void
fb_enter(void)
{
	int a = atomic_fetch_add(&fb_f.active, 1) + 1;
	int m = atomic_load(&fb_f.max_active);

	while (a > m && !atomic_compare_exchange_weak(&fb_f.max_active, &m, a))
		;
	if (pthread_equal(pthread_self(), fb_f.loop_thread))
		atomic_fetch_add(&fb_f.on_loop, 1);
}

static inline ssize_t
fb_pread(int fd, void *buf, size_t len, off_t off)
{
	int n = atomic_fetch_add(&fb_f.preads, 1) + 1;
	ssize_t r;

	fb_enter();
	if (fb_f.pread_delay_us > 0)
		usleep((useconds_t)fb_f.pread_delay_us);
	if (n == fb_f.pread_fail_at) {
		atomic_fetch_sub(&fb_f.active, 1);
		errno = fb_f.pread_err;
		return -1;
	}
	r = n == fb_f.pread_short_at ? 0 : pread(fd, buf, len, off);
	atomic_fetch_sub(&fb_f.active, 1);
	if (r > 0 && fb_f.watch_ino != 0) {
		struct stat st;

		if (fstat(fd, &st) == 0 && st.st_ino == fb_f.watch_ino)
			atomic_fetch_add(&fb_f.watch_read, (unsigned long long)r);
	}
	return r;
}

static inline ssize_t
fb_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int n = atomic_fetch_add(&fb_f.pwrites, 1) + 1;

	if (pthread_equal(pthread_self(), fb_f.loop_thread))
		atomic_fetch_add(&fb_f.on_loop, 1);
	if (n == fb_f.pwrite_fail_at) {
		errno = fb_f.pwrite_err;
		return -1;
	}
	return pwrite(fd, buf, len, off);
}

static inline int
fb_fdatasync(int fd)
{
	int n = atomic_fetch_add(&fb_f.syncs, 1) + 1;

	if (n == fb_f.sync_fail_at) {
		errno = fb_f.sync_err;
		return -1;
	}
	return fdatasync(fd);
}

/* Only the waiting calls count (and fail): they report write-back errors. */
static inline int
fb_sync_file_range(int fd, off_t off, off_t len, unsigned flags)
{
	if ((flags & SYNC_FILE_RANGE_WAIT_AFTER) != 0 &&
	    atomic_fetch_add(&fb_f.settles, 1) + 1 == fb_f.settle_fail_at) {
		errno = fb_f.settle_err;
		return -1;
	}
	return sync_file_range(fd, off, len, flags);
}

static struct bdev_io_ops fb_io;

/*
 * Reset the fault settings and counters; returns the fault table for an
 * engine's copy_engine_opts.io (the faults reach only that engine).
 */
static inline const struct bdev_io_ops *
fb_faults_io(void)
{
	memset(&fb_f, 0, sizeof(fb_f));
	fb_f.loop_thread = pthread_self();
	fb_io = bdev__io_default;
	fb_io.pread = fb_pread;
	fb_io.pwrite = fb_pwrite;
	fb_io.fdatasync = fb_fdatasync;
	fb_io.sync_file_range = fb_sync_file_range;
	return &fb_io;
}

/* Count the bytes the engine reads from `path` (fb_f.watch_read). */
static inline void
fb_watch(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		abort();
	fb_f.watch_ino = st.st_ino;
	atomic_store(&fb_f.watch_read, 0);
}

#endif /* ARRAYD_FAKE_BLOCKDEV_H */
