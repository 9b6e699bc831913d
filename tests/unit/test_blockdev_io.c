/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_io.c - the full-transfer loops of blockdev/io.c through an
 * injected ops table over a memory "disk": short transfers are finished,
 * EINTR is retried, the end of the file and a write that moves nothing are
 * -EIO, other errors come back as -errno, and an O_DIRECT first fd carries
 * only the calls until the first bytes move.  Then once through the real
 * system calls on a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/fake_blockdev.h"

#define DISK	64

/* The fake disk and what the fake calls saw and must do. */
static struct {
	unsigned char disk[DISK];
	size_t max_per_call;	/* 0: everything asked */
	int eintr_left;		/* so many calls fail with EINTR first */
	int fail_errno;		/* then every call fails with it (0: never) */
	int calls;
	int fds[16];		/* the fd of each call */
} mem;

static ssize_t
mem_move(int fd, unsigned char *rbuf, const unsigned char *wbuf, size_t len,
    off_t off)
{
	size_t n;

	if (mem.calls < 16)
		mem.fds[mem.calls] = fd;
	mem.calls++;
	if (mem.eintr_left > 0) {
		mem.eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (mem.fail_errno != 0) {
		errno = mem.fail_errno;
		return -1;
	}
	if ((size_t)off >= DISK)
		return 0;
	n = DISK - (size_t)off < len ? DISK - (size_t)off : len;
	if (mem.max_per_call != 0 && n > mem.max_per_call)
		n = mem.max_per_call;
	for (size_t i = 0; i < n; i++) {
		if (wbuf != NULL)
			mem.disk[(size_t)off + i] = wbuf[i];
		else
			rbuf[i] = mem.disk[(size_t)off + i];
	}
	return (ssize_t)n;
}

static ssize_t
mem_pread(int fd, void *buf, size_t len, off_t off)
{
	return mem_move(fd, buf, NULL, len, off);
}

static ssize_t
mem_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return mem_move(fd, NULL, buf, len, off);
}

static const struct bdev_io_ops mem_io = {
	.pread = mem_pread,
	.pwrite = mem_pwrite,
};

static int
setup(void **state)
{
	(void)state;
	memset(&mem, 0, sizeof(mem));
	for (int i = 0; i < DISK; i++)
		mem.disk[i] = (unsigned char)i;
	return 0;
}

/*
 * Each case reads, then writes, `len` bytes at `off` with at most `max`
 * bytes a call (0: all) after `eintr` calls failed with EINTR: the whole
 * range moves, in `calls` calls each way.
 */
static void
test_transfers_finished(void **state)
{
	static const struct {
		size_t max, len;
		int eintr, calls;
		uint64_t off;
	} cases[] = {
		{ 3, 10, 0, 4, 20 },	/* 3 + 3 + 3 + 1 */
		{ 4, 10, 0, 3, 50 },	/* 4 + 4 + 2 */
		{ 0, 8, 2, 3, 0 },	/* EINTR, EINTR, 8 */
		{ 5, 12, 1, 4, 40 },	/* EINTR, 5 + 5 + 2 */
	};
	unsigned char buf[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(state);
		mem.max_per_call = cases[i].max;
		mem.eintr_left = cases[i].eintr;
		assert_int_equal(bdev__pread_full(&mem_io, 3, -1, buf,
		    cases[i].len, cases[i].off), 0);
		assert_memory_equal(buf, mem.disk + cases[i].off, cases[i].len);
		assert_int_equal(mem.calls, cases[i].calls);
		memset(buf, 0xee, sizeof(buf));
		mem.eintr_left = cases[i].eintr;
		mem.calls = 0;
		assert_int_equal(bdev__pwrite_full(&mem_io, 3, -1, buf,
		    cases[i].len, cases[i].off), 0);
		assert_memory_equal(mem.disk + cases[i].off, buf, cases[i].len);
		assert_int_equal(mem.calls, cases[i].calls);
		/* Nothing written around the range. */
		assert_int_equal(mem.disk[cases[i].off + cases[i].len],
		    cases[i].off + cases[i].len);
		if (cases[i].off > 0)
			assert_int_equal(mem.disk[cases[i].off - 1],
			    cases[i].off - 1);
	}
}

static void
test_eof_is_eio(void **state)
{
	unsigned char buf[16];

	(void)state;
	/* 8 bytes before the end, 16 asked: the rest meets EOF. */
	assert_int_equal(bdev__pread_full(&mem_io, 3, -1, buf, 16, DISK - 8),
	    -EIO);
	assert_int_equal(mem.calls, 2);
	mem.calls = 0;
	assert_int_equal(bdev__pwrite_full(&mem_io, 3, -1, buf, 16, DISK),
	    -EIO);					/* moved nothing */
	assert_int_equal(mem.calls, 1);
	/* Nothing asked, nothing called. */
	mem.calls = 0;
	assert_int_equal(bdev__pread_full(&mem_io, 3, -1, buf, 0, 0), 0);
	assert_int_equal(mem.calls, 0);
}

static void
test_errors_returned(void **state)
{
	unsigned char buf[8];

	(void)state;
	mem.fail_errno = EIO;
	assert_int_equal(bdev__pread_full(&mem_io, 3, -1, buf, 8, 0), -EIO);
	assert_int_equal(mem.calls, 1);
	mem.fail_errno = ENOSPC;
	mem.eintr_left = 1;
	assert_int_equal(bdev__pwrite_full(&mem_io, 3, -1, buf, 8, 0),
	    -ENOSPC);
	assert_int_equal(mem.calls, 3);
}

/* The direct fd until bytes move (EINTR stays on it), then the buffered. */
static void
test_first_fd_until_bytes_move(void **state)
{
	unsigned char buf[12];

	(void)state;
	mem.eintr_left = 1;
	mem.max_per_call = 5;
	assert_int_equal(bdev__pread_full(&mem_io, 3, 7, buf, 12, 0), 0);
	assert_memory_equal(buf, mem.disk, 12);
	assert_int_equal(mem.calls, 4);
	assert_int_equal(mem.fds[0], 7);			/* EINTR */
	assert_int_equal(mem.fds[1], 7);			/* 5 bytes */
	assert_int_equal(mem.fds[2], 3);
	assert_int_equal(mem.fds[3], 3);
	/* A whole transfer on the first fd never touches the other. */
	memset(&mem.fds, 0, sizeof(mem.fds));
	mem.calls = 0;
	mem.max_per_call = 0;
	assert_int_equal(bdev__pwrite_full(&mem_io, 3, 7, buf, 12, 0), 0);
	assert_int_equal(mem.calls, 1);
	assert_int_equal(mem.fds[0], 7);
}

static void
test_real_file(void **state)
{
	unsigned char out[4096], in[4096];
	char p[128];
	int fd;

	(void)state;
	fb_mkdir();
	fb_fill(out, sizeof(out), 0, 3);
	fd = open(fb_path(p, "f"), O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(bdev__pwrite_full(&bdev__io_default, fd, -1, out,
	    sizeof(out), 4096), 0);
	assert_int_equal(bdev__pread_full(&bdev__io_default, fd, -1, in,
	    sizeof(in), 4096), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(bdev__pread_full(&bdev__io_default, fd, -1, in,
	    sizeof(in), 6144), -EIO);
	assert_int_equal(bdev__pread_full(&bdev__io_default, -1, -1, in,
	    sizeof(in), 0), -EBADF);
	close(fd);
	fb_rmdir();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfers_finished),
		cmocka_unit_test_setup(test_eof_is_eio, setup),
		cmocka_unit_test_setup(test_errors_returned, setup),
		cmocka_unit_test_setup(test_first_fd_until_bytes_move, setup),
		cmocka_unit_test(test_real_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
