/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_volume.c - volumes on real files in a mkdtemp() folder:
 * sparse creation at the declared size, ensure/stat/remove and their
 * errors, reflink and the probe's cache, the extent walk and zeroing of ranges, and a
 * loop device (root only; skipped where loop devices are unavailable) for
 * BLKGETSIZE64, device zeroing and a copy onto a block device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "blockdev/blockdev.h"
#include "tests/unit/fake_blockdev.h"

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

static void
test_create(void **state)
{
	struct bdev_info bi;
	char p[128];

	(void)state;
	fb_path(p, "v");
	assert_int_equal(bdev_create(p, 0), -EINVAL);
	assert_int_equal(bdev_create(p, 1000), -EINVAL);
	assert_int_equal(bdev_create(p, 1ull << 30), 0);
	assert_int_equal(bdev_create(p, 1ull << 30), -EEXIST);
	assert_int_equal(bdev_stat(p, &bi), 0);
	assert_int_equal(bi.kind, BDEV_FILE);
	assert_int_equal(bi.size, 1ull << 30);
	assert_int_equal(bi.allocated, 0);		/* sparse */
	assert_true(bi.can_punch);
	assert_false(fb_has_data(p, 0, 1ull << 30));
	assert_int_equal(bdev_create("/nonexistent-dir/x", 4096), -ENOENT);
}

static void
test_ensure_stat_remove(void **state)
{
	struct bdev_info bi;
	char p[128], q[128];

	(void)state;
	fb_path(p, "v");
	assert_int_equal(bdev_ensure(p, 0, &bi), -ENOENT);	/* must exist */
	assert_int_equal(bdev_ensure(p, 513, &bi), -EINVAL);
	assert_int_equal(bdev_ensure(p, 8192, &bi), 0);
	assert_int_equal(bi.size, 8192);
	fb_write(p, 0, 12288, 1);				/* grew: real size wins */
	assert_int_equal(bdev_ensure(p, 8192, &bi), 0);
	assert_int_equal(bi.size, 12288);
	assert_int_equal(bi.allocated, fb_alloc(p));
	assert_int_equal(bdev_ensure(p, 0, NULL), 0);
	assert_int_equal(bdev_ensure(fb_dir, 0, &bi), -ENOTBLK);
	assert_int_equal(bdev_stat(fb_dir, &bi), -ENOTBLK);
	assert_int_equal(bdev_stat(fb_path(q, "none"), &bi), -ENOENT);
	assert_int_equal(bdev_ensure(fb_path(q, "no/dir"), 4096, &bi), -ENOENT);
	assert_int_equal(bdev_remove(fb_dir), -ENOTBLK);
	assert_int_equal(bdev_remove(p), 0);
	assert_int_equal(bdev_remove(p), -ENOENT);
	assert_int_equal(access(p, F_OK), -1);
}

static void
test_reflink(void **state)
{
	struct bdev_probe *p;
	char s[128], d[128];
	bool sup;
	int err;

	(void)state;
	fb_write(fb_path(s, "src"), 0, 64 * KiB, 1);
	assert_int_equal(bdev_probe_new(NULL, &p), 0);
	sup = bdev_probe_reflink(p, fb_dir);
	bdev_probe_free(p);
	err = bdev_reflink(s, fb_path(d, "dst"));
	if (sup) {
		assert_int_equal(err, 0);
		assert_int_equal(fb_cmp(s, d, 64 * KiB), 0);
	} else {
		assert_true(err == -EOPNOTSUPP || err == -EXDEV);
		assert_int_equal(access(d, F_OK), -1);	/* nothing left behind */
	}
	assert_int_equal(bdev_reflink(fb_path(d, "missing"), s), -ENOENT);
	/* No leftovers of the probe in this run's folder. */
	assert_int_equal(fx_dir_count(fb_dir, ".arrayd-rl"), 0);
}

/* The probe's FICLONE, counted; answers `clone_errno` (0: success). */
static atomic_int clones;
static int clone_errno;

static int
count_ficlone(int dst, int src)
{
	(void)dst;
	(void)src;
	atomic_fetch_add(&clones, 1);
	if (clone_errno != 0) {
		errno = clone_errno;
		return -1;
	}
	return 0;
}

/* Probe `p` about `dir`: its answer, and how many clones it tried. */
static int
probe_tries(struct bdev_probe *p, const char *dir, bool *ok)
{
	int before = atomic_load(&clones);

	*ok = bdev_probe_reflink(p, dir);
	return atomic_load(&clones) - before;
}

/*
 * A probe tries each filesystem once and keeps the answer; the answers
 * belong to the probe (another probe tries again), both answers are
 * reachable on any filesystem, and nothing is left in the folder.
 */
static void
test_probe_cache(void **state)
{
	struct bdev_io_ops io = bdev__io_default;
	struct bdev_probe *yes, *no;
	char sub[128];
	bool ok;

	(void)state;
	io.ficlone = count_ficlone;
	assert_int_equal(mkdir(fb_path(sub, "sub"), 0700), 0);
	assert_int_equal(bdev_probe_new(&io, &yes), 0);
	assert_int_equal(bdev_probe_new(&io, &no), 0);
	clone_errno = 0;
	assert_int_equal(probe_tries(yes, fb_dir, &ok), 1);
	assert_true(ok);
	clone_errno = EOPNOTSUPP;	/* the filesystem cannot tell twice */
	assert_int_equal(probe_tries(yes, fb_dir, &ok), 0);
	assert_true(ok);
	assert_int_equal(probe_tries(yes, sub, &ok), 0);	/* same fs */
	assert_true(ok);
	assert_int_equal(probe_tries(no, sub, &ok), 1);
	assert_false(ok);
	clone_errno = 0;
	assert_int_equal(probe_tries(no, fb_dir, &ok), 0);
	assert_false(ok);
	assert_int_equal(probe_tries(no, fb_path(sub, "none"), &ok), 0);
	assert_false(ok);				/* no folder: no */
	bdev_probe_free(yes);
	bdev_probe_free(no);
	bdev_probe_free(NULL);
	assert_int_equal(fx_dir_count(fb_dir, ".arrayd-rl"), 0);
	assert_int_equal(fx_dir_count(fb_path(sub, "sub"), ""), 0);
}

static void
test_extents_and_zero(void **state)
{
	char p[128];
	uint64_t d, n;
	int fd;

	(void)state;
	fb_path(p, "v");
	fb_truncate(p, 8 * MiB);
	fb_write(p, 1 * MiB, 1 * MiB, 1);
	fb_write(p, 5 * MiB, 1 * MiB, 2);
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(bdev__next_data(fd, 0, 8 * MiB, &d), 0);
	assert_int_equal(d, 1 * MiB);
	assert_int_equal(bdev__next_data(fd, 2 * MiB, 8 * MiB, &d), 0);
	assert_int_equal(d, 5 * MiB);
	assert_int_equal(bdev__next_data(fd, 6 * MiB, 8 * MiB, &d), 0);
	assert_int_equal(d, 8 * MiB);
	assert_int_equal(bdev__data_bytes(fd, 0, 8 * MiB, &n), 0);
	assert_int_equal(n, 2 * MiB);
	assert_int_equal(bdev__data_bytes(fd, 1 * MiB + 4096, 5 * MiB + 4096, &n), 0);
	assert_int_equal(n, 1 * MiB);
	assert_int_equal(bdev__zero_range(&bdev__io_default, fd, false, 1 * MiB,
	    1 * MiB, NULL, 0), 0);
	assert_int_equal(bdev__data_bytes(fd, 0, 8 * MiB, &n), 0);
	assert_int_equal(n, 1 * MiB);
	assert_true(fb_alloc(p) <= 1 * MiB + 4096);
	assert_false(fb_has_data(p, 1 * MiB, 1 * MiB));
	close(fd);
}

/* Attach a loop device over a file; "" when unavailable (not root, no loop). */
static void
loop_attach(const char *file, char *dev, size_t len)
{
	char cmd[256];
	FILE *f;

	dev[0] = '\0';
	if (geteuid() != 0 || access("/dev/loop-control", F_OK) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s' 2>/dev/null", file);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	if (fgets(dev, (int)len, f) == NULL)
		dev[0] = '\0';
	dev[strcspn(dev, "\n")] = '\0';
	if (pclose(f) != 0)
		dev[0] = '\0';
}

static void
loop_detach(const char *dev)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "losetup -d '%s'", dev);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot detach %s\n", dev);
}

static void
on_done(struct copy_job *job, int status, uint64_t err_off,
    const struct copy_progress *p, void *arg)
{
	(void)job;
	(void)err_off;
	(void)p;
	*(int *)arg = status == 0 ? 1 : status;
}

static void
test_loop_device(void **state)
{
	struct copy_engine_opts o = { .chunk_size = 64 * KiB };
	struct copy_spec sp = { .mode = COPY_FULL };
	struct copy_engine *e;
	struct bdev_info bi;
	char back[128], s[128], dev[64];
	uv_loop_t loop;
	int fd, done = 0, zerr, derr;
	uint64_t n = 0, cmp;

	(void)state;
	fb_write(fb_path(back, "backing"), 0, 4 * MiB, 5);
	loop_attach(back, dev, sizeof(dev));
	if (dev[0] == '\0')
		skip();
	assert_int_equal(bdev_stat(dev, &bi), 0);
	assert_int_equal(bi.kind, BDEV_BLOCK);
	assert_int_equal(bi.size, 4 * MiB);
	assert_int_equal(bdev_ensure(dev, 0, &bi), 0);
	assert_int_equal(bdev_remove(dev), -EPERM);
	/* Copy a sparse file onto the device: holes must read as zeros. */
	fb_truncate(fb_path(s, "src"), 4 * MiB);
	fb_write(s, 1 * MiB, 256 * KiB, 1);
	sp.src_path = s;
	sp.dst_path = dev;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	if (copy_job_start(e, &sp, NULL, on_done, &done, NULL) == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	cmp = fb_cmp(s, dev, 4 * MiB);
	/* Device zeroing. */
	fd = open(dev, O_RDWR);
	zerr = bdev__zero_range(&bdev__io_default, fd, true, 1 * MiB, 64 * KiB,
	    NULL, 0);
	derr = bdev__data_bytes(fd, 0, 4 * MiB, &n);
	close(fd);
	loop_detach(dev);	/* before any assert: never leak the device */
	assert_int_equal(done, 1);
	assert_int_equal(cmp, 0);
	assert_int_equal(zerr, 0);
	assert_int_equal(derr, 0);
	assert_int_equal(n, 4 * MiB);	/* a device is all data */
	assert_int_equal(fb_cmp(s, back, 1 * MiB), 0);
	fb_write(s, 1 * MiB, 64 * KiB, 0);
	assert_int_equal(fb_cmp(s, back, 4 * MiB), 0);
	assert_true(fb_alloc(back) <= 4 * MiB);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ensure_stat_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reflink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extents_and_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_device, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
