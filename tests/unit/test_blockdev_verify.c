/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_verify.c - a copy notices its files changing: real copies
 * of files in a mkdtemp() folder, one chunk in flight, where the test
 * truncates, unlinks, renames, links or replaces (by another file or a
 * directory) the source or the target from the progress callback, between
 * two chunks or after the last one (so only the check before success can
 * see it), and at open (a resumed copy finding a file of the wrong size),
 * and a loop device target that shrinks (root only).
 * Each asserts the status, the fault (side, change, values) and its text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "blockdev/blockdev.h"
#include "tests/unit/fake_blockdev.h"

#define CS	(64 * KiB)
#define VOL	(1 * MiB)		/* 16 chunks */

enum change {
	CH_NONE, CH_TRUNC_SRC, CH_TRUNC_DST, CH_UNLINK_SRC, CH_UNLINK_DST,
	CH_DIR_DST, CH_FILE_DST, CH_MOVE_DST, CH_LINK_SRC,
};

struct res {
	int calls, status;
	uint64_t err_off;
	struct copy_progress p;
	int progress_calls;
	int change_at;			/* make the change at this progress call */
	enum change change;
	const char *src, *dst;
	uint64_t old_ino;		/* inode of the file changed */
	const char *shell;		/* or run this command as the change */
	bool faulted;
	struct copy_fault fault;
	char msg[256];
};

static uint64_t
ino_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		abort();
	return (uint64_t)st.st_ino;
}

static void
do_change(struct res *r)
{
	char other[160];

	switch (r->change) {
	case CH_TRUNC_SRC:
		fb_truncate(r->src, 4096);
		break;
	case CH_TRUNC_DST:
		fb_truncate(r->dst, 4096);
		break;
	case CH_UNLINK_SRC:
		assert_int_equal(unlink(r->src), 0);
		break;
	case CH_UNLINK_DST:
		assert_int_equal(unlink(r->dst), 0);
		break;
	case CH_DIR_DST:
		assert_int_equal(unlink(r->dst), 0);
		assert_int_equal(mkdir(r->dst, 0700), 0);
		break;
	case CH_FILE_DST:
		snprintf(other, sizeof(other), "%s.new", r->dst);
		fb_truncate(other, VOL);
		assert_int_equal(rename(other, r->dst), 0);
		break;
	case CH_MOVE_DST:
		snprintf(other, sizeof(other), "%s.moved", r->dst);
		assert_int_equal(rename(r->dst, other), 0);
		break;
	case CH_LINK_SRC:
		snprintf(other, sizeof(other), "%s.link", r->src);
		assert_int_equal(link(r->src, other), 0);
		break;
	case CH_NONE:
	default:
		break;
	}
}

static void
on_progress(struct copy_job *job, const struct copy_progress *p, void *arg)
{
	struct res *r = arg;

	(void)job;
	(void)p;
	if (++r->progress_calls != r->change_at)
		return;
	if (r->shell != NULL)
		assert_int_equal(system(r->shell), 0);
	else
		do_change(r);
}

static void
on_done(struct copy_job *job, int status, uint64_t err_off,
    const struct copy_progress *p, void *arg)
{
	struct res *r = arg;
	const struct copy_fault *f = copy_job_fault(job);

	r->calls++;
	r->status = status;
	r->err_off = err_off;
	r->p = *p;
	r->faulted = f != NULL;
	if (f != NULL) {
		r->fault = *f;
		/* The path points into the job: format it while it lives. */
		assert_true(copy_fault_format(f, r->msg, sizeof(r->msg)) > 0);
		r->fault.path = NULL;
	}
}

static void
on_closed(void *arg)
{
	(*(int *)arg)++;
}

/*
 * One job to its end, one chunk in flight (the change lands between two),
 * its system calls through `io` (NULL: the real ones).
 */
static void
run_io(struct copy_spec *sp, struct res *r, const struct bdev_io_ops *io)
{
	struct copy_engine_opts o = {
		.chunk_size = CS, .max_inflight_total = 1,
		.max_inflight_job = 1, .use_direct_io = false, .io = io,
	};
	struct copy_engine *e;
	uv_loop_t loop;
	int closed = 0;

	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(copy_engine_new(&loop, &o, &e), 0);
	assert_int_equal(copy_job_start(e, sp, on_progress, on_done, r, NULL), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, on_closed, &closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(closed, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(r->calls, 1);
}

static void
run(struct copy_spec *sp, struct res *r)
{
	run_io(sp, r, NULL);
}

static char src[128], dst[128], map[128];

/* A dense source and an empty target of VOL bytes; r set up for `ch`. */
static void
prepare(struct copy_spec *sp, struct res *r, enum change ch, int at)
{
	fb_write(fb_path(src, "src"), 0, VOL, 5);
	assert_int_equal(bdev_create(fb_path(dst, "dst"), VOL), 0);
	memset(sp, 0, sizeof(*sp));
	sp->src_path = src;
	sp->dst_path = dst;
	sp->mode = COPY_FULL;
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->dst = dst;
	r->change = ch;
	r->change_at = at;
	r->old_ino = ino_of(ch == CH_TRUNC_SRC || ch == CH_UNLINK_SRC ||
	    ch == CH_LINK_SRC ? src : dst);
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

/* The job failed at chunk `at` (0-based) with the fault of `side`. */
static void
expect_fault(const struct res *r, int status, enum copy_side side,
    enum copy_change change, uint64_t at)
{
	assert_int_equal(r->status, status);
	assert_true(r->faulted);
	assert_int_equal(r->fault.side, side);
	assert_int_equal(r->fault.change, change);
	assert_int_equal(r->err_off, at * CS);
	/* The checkpoint never passes the chunk the change was seen after. */
	assert_true(r->p.checkpoint <= at * CS);
}

static void
test_clean_copy_no_fault(void **state)
{
	struct copy_spec sp;
	struct res r;

	(void)state;
	prepare(&sp, &r, CH_NONE, 0);
	sp.src_size = sp.dst_size = VOL;
	run(&sp, &r);
	assert_int_equal(r.status, 0);
	assert_false(r.faulted);
	assert_int_equal(fb_cmp(src, dst, VOL), 0);
}

static void
test_truncate_source(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_TRUNC_SRC, 2);
	run(&sp, &r);
	expect_fault(&r, -ERANGE, COPY_SIDE_SOURCE, COPY_CHANGE_SIZE, 2);
	assert_int_equal(r.fault.before, VOL);
	assert_int_equal(r.fault.after, 4096);
	snprintf(want, sizeof(want), "source %s was truncated (1048576 -> "
	    "4096 bytes)", src);
	assert_string_equal(r.msg, want);
}

static void
test_truncate_target(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_TRUNC_DST, 1);
	run(&sp, &r);
	expect_fault(&r, -ERANGE, COPY_SIDE_TARGET, COPY_CHANGE_SIZE, 1);
	/* Chunk 1's write grew it again, not to its size. */
	assert_int_equal(r.fault.after, 2 * CS);
	snprintf(want, sizeof(want), "target %s was truncated (1048576 -> "
	    "%llu bytes)", dst, 2 * CS);
	assert_string_equal(r.msg, want);
}

static void
test_unlink_source(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_UNLINK_SRC, 3);
	run(&sp, &r);
	expect_fault(&r, -ESTALE, COPY_SIDE_SOURCE, COPY_CHANGE_UNLINKED, 3);
	snprintf(want, sizeof(want), "source %s was unlinked", src);
	assert_string_equal(r.msg, want);
}

static void
test_unlink_target(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_UNLINK_DST, 1);
	run(&sp, &r);
	expect_fault(&r, -ESTALE, COPY_SIDE_TARGET, COPY_CHANGE_UNLINKED, 1);
	snprintf(want, sizeof(want), "target %s was unlinked", dst);
	assert_string_equal(r.msg, want);
}

static void
test_target_replaced_by_dir(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_DIR_DST, 1);
	run(&sp, &r);
	expect_fault(&r, -ESTALE, COPY_SIDE_TARGET, COPY_CHANGE_REPLACED, 1);
	assert_true(r.fault.after_dir);
	assert_int_equal(r.fault.before, r.old_ino);
	assert_int_equal(r.fault.after, ino_of(dst));
	snprintf(want, sizeof(want), "target %s was replaced by a directory "
	    "(inode %llu -> %llu)", dst, (unsigned long long)r.old_ino,
	    (unsigned long long)ino_of(dst));
	assert_string_equal(r.msg, want);
}

static void
test_target_replaced_by_file(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_FILE_DST, 4);
	run(&sp, &r);
	expect_fault(&r, -ESTALE, COPY_SIDE_TARGET, COPY_CHANGE_REPLACED, 4);
	assert_false(r.fault.after_dir);
	snprintf(want, sizeof(want), "target %s was replaced (inode %llu -> "
	    "%llu)", dst, (unsigned long long)r.old_ino,
	    (unsigned long long)ino_of(dst));
	assert_string_equal(r.msg, want);
	/* Nothing was written through the path's new file. */
	assert_int_equal(fb_alloc(dst), 0);
}

static void
test_target_moved(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	/*
	 * Only a path lookup sees this one: a chunk makes one at most every
	 * COPY_PATH_CHECK_MS, the check before success always does.
	 */
	prepare(&sp, &r, CH_MOVE_DST, 1);
	run(&sp, &r);
	assert_int_equal(r.status, -ESTALE);
	assert_true(r.faulted);
	assert_int_equal(r.fault.side, COPY_SIDE_TARGET);
	assert_int_equal(r.fault.change, COPY_CHANGE_MOVED);
	snprintf(want, sizeof(want), "target %s was moved away (the path "
	    "names nothing)", dst);
	assert_string_equal(r.msg, want);
}

static void
test_source_linked(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_LINK_SRC, 1);
	run(&sp, &r);
	expect_fault(&r, -ESTALE, COPY_SIDE_SOURCE, COPY_CHANGE_LINKS, 1);
	assert_int_equal(r.fault.before, 1);
	assert_int_equal(r.fault.after, 2);
	snprintf(want, sizeof(want), "source %s changed its link count (1 -> "
	    "2)", src);
	assert_string_equal(r.msg, want);
}

/*
 * After the last chunk no chunk looks again: the check after the final
 * fdatasync must, before status 0, and the digest map is not sealed.
 */
static void
test_change_after_last_chunk(void **state)
{
	struct copy_spec sp;
	struct res r;
	struct stat st;

	(void)state;
	prepare(&sp, &r, CH_UNLINK_DST, (int)(VOL / CS));
	sp.digest_path = fb_path(map, "dst.map");
	run(&sp, &r);
	assert_int_equal(r.progress_calls, VOL / CS);
	assert_int_equal(r.status, -ESTALE);
	assert_true(r.faulted);
	assert_int_equal(r.fault.side, COPY_SIDE_TARGET);
	assert_int_equal(r.fault.change, COPY_CHANGE_UNLINKED);
	assert_int_equal(stat(map, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* The same for a truncated source: without the check it ends in status 0. */
static void
test_truncate_source_after_last_chunk(void **state)
{
	struct copy_spec sp;
	struct res r;

	(void)state;
	prepare(&sp, &r, CH_TRUNC_SRC, (int)(VOL / CS));
	run(&sp, &r);
	assert_int_equal(r.status, -ERANGE);
	assert_true(r.faulted);
	assert_int_equal(r.fault.side, COPY_SIDE_SOURCE);
	assert_int_equal(r.fault.after, 4096);
}

/* A file change explains the I/O error it causes: the fault is reported. */
static void
test_fault_outranks_io_error(void **state)
{
	const struct bdev_io_ops *io;
	struct copy_spec sp;
	struct res r;

	(void)state;
	prepare(&sp, &r, CH_UNLINK_SRC, 1);
	io = fb_faults_io();
	fb_f.pread_fail_at = 2;		/* chunk 1's read */
	fb_f.pread_err = EIO;
	run_io(&sp, &r, io);
	expect_fault(&r, -ESTALE, COPY_SIDE_SOURCE, COPY_CHANGE_UNLINKED, 1);
}

/* An I/O error alone has no fault. */
static void
test_io_error_no_fault(void **state)
{
	const struct bdev_io_ops *io;
	struct copy_spec sp;
	struct res r;

	(void)state;
	prepare(&sp, &r, CH_NONE, 0);
	io = fb_faults_io();
	fb_f.pread_fail_at = 2;
	fb_f.pread_err = EIO;
	run_io(&sp, &r, io);
	assert_int_equal(r.status, -EIO);
	assert_false(r.faulted);
}

/*
 * Resume after a restart: the files are opened again (their identity is
 * the one at re-open) but must have the volumes' known sizes.
 */
static void
test_resume_size_checked_at_open(void **state)
{
	struct copy_spec sp;
	struct res r;
	char want[256];

	(void)state;
	prepare(&sp, &r, CH_NONE, 0);
	sp.resume_from = 4 * CS;
	sp.src_size = VOL;
	sp.dst_size = VOL;
	fb_truncate(dst, VOL / 2);	/* shrunk while arrayd was down */
	run(&sp, &r);
	assert_int_equal(r.status, -ERANGE);
	assert_true(r.faulted);
	assert_int_equal(r.fault.side, COPY_SIDE_TARGET);
	assert_int_equal(r.fault.before, VOL);
	assert_int_equal(r.fault.after, VOL / 2);
	assert_int_equal(r.err_off, 4 * CS);
	assert_int_equal(r.p.checkpoint, 4 * CS);
	assert_int_equal(r.p.bytes_written, 0);
	assert_int_equal(r.progress_calls, 0);
	snprintf(want, sizeof(want), "target %s was truncated (1048576 -> "
	    "524288 bytes)", dst);
	assert_string_equal(r.msg, want);

	/* A source grown meanwhile is not its volume either. */
	memset(&r, 0, sizeof(r));
	fb_truncate(dst, VOL);
	fb_truncate(src, VOL + 4096);
	run(&sp, &r);
	assert_int_equal(r.status, -ERANGE);
	assert_int_equal(r.fault.side, COPY_SIDE_SOURCE);
	assert_int_equal(r.fault.after, VOL + 4096);

	/* With the known sizes the resumed copy runs to the end. */
	memset(&r, 0, sizeof(r));
	fb_truncate(src, VOL);
	run(&sp, &r);
	assert_int_equal(r.status, 0);
	assert_false(r.faulted);
	assert_int_equal(r.p.checkpoint, VOL);
	assert_int_equal(r.p.bytes_written, VOL - 4 * CS);
}

/*
 * A block device keeps its size: a loop device target whose backing file
 * shrinks (and is re-read, losetup -c) fails the copy.  Needs root and
 * loop devices; skipped elsewhere.
 */
static void
test_block_device_resized(void **state)
{
	struct copy_spec sp;
	struct res r;
	char back[128], cmd[512], dev[64] = "";
	FILE *p;

	(void)state;
	prepare(&sp, &r, CH_NONE, 0);
	fb_truncate(fb_path(back, "loop.img"), VOL);
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s' 2>/dev/null", back);
	if (geteuid() != 0)
		skip();
	if ((p = popen(cmd, "r")) == NULL)
		skip();
	if (fgets(dev, sizeof(dev), p) == NULL)
		dev[0] = '\0';
	if (pclose(p) != 0 || strncmp(dev, "/dev/loop", 9) != 0)
		skip();
	dev[strcspn(dev, "\n")] = '\0';
	sp.dst_path = dev;
	r.dst = dev;
	r.change_at = 1;
	r.change = CH_NONE;
	/* The change: shrink the backing file, make the device see it. */
	snprintf(cmd, sizeof(cmd), "truncate -s %llu '%s' && losetup -c %s",
	    VOL / 2, back, dev);
	r.shell = cmd;
	run(&sp, &r);
	snprintf(cmd, sizeof(cmd), "losetup -d %s", dev);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(r.status, -ERANGE);
	assert_true(r.faulted);
	assert_int_equal(r.fault.side, COPY_SIDE_TARGET);
	assert_int_equal(r.fault.change, COPY_CHANGE_SIZE);
	assert_int_equal(r.fault.before, VOL);
	assert_int_equal(r.fault.after, VOL / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_copy_no_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_replaced_by_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_replaced_by_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_linked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_after_last_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_source_after_last_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_outranks_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_error_no_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_size_checked_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_device_resized, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
