/* SPDX-License-Identifier: ISC */
/*
 * test_blockdev_extent.c - the pure parts of point-in-time copies: the
 * merge of two extent lists (holes, adjacent, overlapping and partial
 * extents, every flag, ranges at the end of the file, coalescing), the
 * chunk bitmap (rounding, word boundaries, the last partial chunk), the
 * FIEMAP walk in small batches against one big batch on real files, and
 * bdev_image_take/drop where the file system cannot clone (the ext4 or
 * tmpfs of /tmp): -EOPNOTSUPP and nothing left behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/fiemap.h>

#include "blockdev/blockdev.h"
#include "tests/unit/fake_blockdev.h"

#define RMAX	64

/* What bdev__extent_diff reported. */
struct ranges {
	unsigned n;
	uint64_t off[RMAX], len[RMAX];
	bool ordered;			/* ascending, never adjacent */
};

static void
on_range(uint64_t off, uint64_t len, void *arg)
{
	struct ranges *r = arg;

	if (r->n > 0 && off <= r->off[r->n - 1] + r->len[r->n - 1])
		r->ordered = false;
	if (len == 0)
		r->ordered = false;
	if (r->n < RMAX) {
		r->off[r->n] = off;
		r->len[r->n] = len;
	}
	r->n++;
}

static struct ranges
diff(const struct bdev_extent *a, size_t na, const struct bdev_extent *b,
    size_t nb, uint64_t from, uint64_t to)
{
	struct ranges r = { .ordered = true };

	bdev__extent_diff(a, na, b, nb, from, to, on_range, &r);
	assert_true(r.ordered);
	return r;
}

/* The diff must be symmetric: a vs b reports what b vs a does. */
static struct ranges
diff2(const struct bdev_extent *a, size_t na, const struct bdev_extent *b,
    size_t nb, uint64_t from, uint64_t to)
{
	struct ranges x = diff(a, na, b, nb, from, to);
	struct ranges y = diff(b, nb, a, na, from, to);

	assert_int_equal(x.n, y.n);
	for (unsigned i = 0; i < x.n && i < RMAX; i++) {
		assert_int_equal(x.off[i], y.off[i]);
		assert_int_equal(x.len[i], y.len[i]);
	}
	return x;
}

/* Range i of r is [off, off+len). */
static void
expect_at(const struct ranges *r, unsigned i, uint64_t off, uint64_t len)
{
	assert_true(i < r->n);
	assert_int_equal(r->off[i], off);
	assert_int_equal(r->len[i], len);
}

static void
expect1(const struct ranges *r, uint64_t off, uint64_t len)
{
	assert_int_equal(r->n, 1);
	expect_at(r, 0, off, len);
}

#define K4	4096ull
#define E(l, p, n, f)	{ .logical = (l), .physical = (p), .length = (n), .flags = (f) }

static void
test_diff_same_and_holes(void **state)
{
	const struct bdev_extent a[] = {
		E(0, 1000 * K4, 4 * K4, 0),
		E(8 * K4, 2000 * K4, 2 * K4, FIEMAP_EXTENT_LAST),
	};
	struct ranges r;

	(void)state;
	/* Identical maps, holes between and after: nothing changed. */
	r = diff2(a, 2, a, 2, 0, 64 * K4);
	assert_int_equal(r.n, 0);
	/* Two files with no extents at all. */
	r = diff2(NULL, 0, NULL, 0, 0, 64 * K4);
	assert_int_equal(r.n, 0);
	/* An empty range reports nothing. */
	r = diff2(a, 2, NULL, 0, 5 * K4, 5 * K4);
	assert_int_equal(r.n, 0);
	/* A hole on one side only: exactly the other side's extents. */
	r = diff2(a, 2, NULL, 0, 0, 64 * K4);
	assert_int_equal(r.n, 2);
	expect_at(&r, 0, 0, 4 * K4);
	expect_at(&r, 1, 8 * K4, 2 * K4);
}

static void
test_diff_address(void **state)
{
	const struct bdev_extent a[] = { E(0, 100 * K4, 8 * K4, 0) };
	/* Same range, one block moved (copy-on-write) in the middle. */
	const struct bdev_extent b[] = {
		E(0, 100 * K4, 3 * K4, FIEMAP_EXTENT_SHARED),
		E(3 * K4, 900 * K4, K4, 0),
		E(4 * K4, 104 * K4, 4 * K4, FIEMAP_EXTENT_SHARED),
	};
	/* Whole extent elsewhere. */
	const struct bdev_extent c[] = { E(0, 500 * K4, 8 * K4, 0) };
	struct ranges r;

	(void)state;
	r = diff2(a, 1, b, 3, 0, 8 * K4);
	expect1(&r, 3 * K4, K4);
	r = diff2(a, 1, c, 1, 0, 8 * K4);
	expect1(&r, 0, 8 * K4);
	/* Same physical start but a different logical start: shifted data. */
	{
		const struct bdev_extent d[] = { E(K4, 100 * K4, 7 * K4, 0) };

		r = diff2(a, 1, d, 1, 0, 8 * K4);
		expect1(&r, 0, 8 * K4);
	}
}

static void
test_diff_split_and_partial(void **state)
{
	/* One extent on a, the same blocks as three adjacent on b. */
	const struct bdev_extent a[] = { E(0, 10 * K4, 12 * K4, 0) };
	const struct bdev_extent b[] = {
		E(0, 10 * K4, 4 * K4, 0),
		E(4 * K4, 14 * K4, 4 * K4, 0),
		E(8 * K4, 18 * K4, 4 * K4, 0),
	};
	/* Overlapping partially: b covers [4K4, 16K4) with a's addresses. */
	const struct bdev_extent c[] = { E(4 * K4, 14 * K4, 12 * K4, 0) };
	struct ranges r;

	(void)state;
	r = diff2(a, 1, b, 3, 0, 12 * K4);
	assert_int_equal(r.n, 0);
	r = diff2(a, 1, c, 1, 0, 16 * K4);
	assert_int_equal(r.n, 2);
	expect_at(&r, 0, 0, 4 * K4);		/* c has a hole there */
	expect_at(&r, 1, 12 * K4, 4 * K4);	/* a has a hole there */
	/* Not block aligned (a tail): the exact bytes. */
	{
		const struct bdev_extent d[] = { E(0, 10 * K4, 12 * K4 + 512, 0) };

		r = diff2(a, 1, d, 1, 0, 13 * K4);
		expect1(&r, 12 * K4, 512);
	}
}

static void
test_diff_flags(void **state)
{
	static const uint32_t opaque[] = {
		FIEMAP_EXTENT_UNKNOWN, FIEMAP_EXTENT_DELALLOC,
		FIEMAP_EXTENT_ENCODED, FIEMAP_EXTENT_NOT_ALIGNED,
		FIEMAP_EXTENT_DATA_INLINE, FIEMAP_EXTENT_DATA_TAIL,
		FIEMAP_EXTENT_DATA_ENCRYPTED,
	};
	static const uint32_t harmless[] = {
		FIEMAP_EXTENT_LAST, FIEMAP_EXTENT_SHARED, FIEMAP_EXTENT_MERGED,
	};
	struct bdev_extent a[] = { E(0, 40 * K4, 4 * K4, 0) };
	struct bdev_extent b[] = { E(0, 40 * K4, 4 * K4, 0) };
	struct ranges r;

	(void)state;
	for (size_t i = 0; i < sizeof(opaque) / sizeof(opaque[0]); i++) {
		/* On either side, even with the same address: changed. */
		b[0].flags = opaque[i];
		r = diff2(a, 1, b, 1, 0, 4 * K4);
		expect1(&r, 0, 4 * K4);
		a[0].flags = opaque[i];
		r = diff2(a, 1, b, 1, 0, 4 * K4);
		expect1(&r, 0, 4 * K4);
		a[0].flags = 0;
	}
	for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
		b[0].flags = harmless[i];
		r = diff2(a, 1, b, 1, 0, 4 * K4);
		assert_int_equal(r.n, 0);
	}
	/* Unwritten on one side only: changed; on both: zeros alike. */
	b[0].flags = FIEMAP_EXTENT_UNWRITTEN;
	r = diff2(a, 1, b, 1, 0, 4 * K4);
	expect1(&r, 0, 4 * K4);
	a[0].flags = FIEMAP_EXTENT_UNWRITTEN;
	r = diff2(a, 1, b, 1, 0, 4 * K4);
	assert_int_equal(r.n, 0);
	/*
	 * Unwritten reads as zeros, as a hole does (an XFS clone has holes
	 * where its source has unwritten extents): the same, wherever the
	 * blocks are.  Data against unwritten is a change.
	 */
	r = diff2(a, 1, NULL, 0, 0, 4 * K4);
	assert_int_equal(r.n, 0);
	{
		const struct bdev_extent u[] = {
			E(0, 7 * K4, K4, 0),
			E(K4, 900 * K4, 2 * K4, FIEMAP_EXTENT_UNWRITTEN),
			E(3 * K4, 9 * K4, 2 * K4, 0),
		};
		const struct bdev_extent h[] = {
			E(0, 7 * K4, K4, 0),
			E(3 * K4, 9 * K4, K4, 0),
			E(4 * K4, 300 * K4, K4, FIEMAP_EXTENT_UNWRITTEN),
		};

		r = diff2(u, 3, h, 3, 0, 6 * K4);
		expect1(&r, 4 * K4, K4);
		/* Unwritten and opaque: the flags say nothing, changed. */
		b[0].flags = FIEMAP_EXTENT_UNWRITTEN | FIEMAP_EXTENT_UNKNOWN;
		r = diff2(b, 1, NULL, 0, 0, 4 * K4);
		expect1(&r, 0, 4 * K4);
	}
}

static void
test_diff_window_edges(void **state)
{
	/* Extents that start before `from` and end after `to` are clipped. */
	const struct bdev_extent a[] = { E(0, 10 * K4, 16 * K4, 0) };
	const struct bdev_extent b[] = { E(0, 70 * K4, 16 * K4, 0) };
	/* Extent beyond the end of the range only. */
	const struct bdev_extent c[] = { E(20 * K4, 10 * K4, 4 * K4, 0) };
	struct ranges r;

	(void)state;
	r = diff2(a, 1, b, 1, 5 * K4, 9 * K4);
	expect1(&r, 5 * K4, 4 * K4);
	r = diff2(c, 1, NULL, 0, 0, 20 * K4);
	assert_int_equal(r.n, 0);
	r = diff2(c, 1, NULL, 0, 0, 21 * K4);
	expect1(&r, 20 * K4, K4);
	/* The end of a file that is not a multiple of the block size. */
	r = diff2(a, 1, NULL, 0, 15 * K4, 15 * K4 + 100);
	expect1(&r, 15 * K4, 100);
}

static void
test_diff_coalesce(void **state)
{
	/* Changed ranges that touch (hole then moved extent) are one. */
	const struct bdev_extent a[] = {
		E(0, 10 * K4, 2 * K4, 0),
		E(2 * K4, 50 * K4, 2 * K4, 0),
		E(4 * K4, 14 * K4, 2 * K4, 0),
		E(8 * K4, 18 * K4, 2 * K4, 0),
	};
	const struct bdev_extent b[] = {
		E(0, 10 * K4, 6 * K4, 0),
		E(6 * K4, 90 * K4, 2 * K4, 0),
		E(8 * K4, 18 * K4, 2 * K4, 0),
	};
	struct ranges r;

	(void)state;
	r = diff2(a, 4, b, 3, 0, 10 * K4);
	assert_int_equal(r.n, 2);
	expect_at(&r, 0, 2 * K4, 2 * K4);
	expect_at(&r, 1, 6 * K4, 2 * K4);	/* hole on a, data on b */
	/* Many alternating extents: one range per changed one, in order. */
	{
		struct bdev_extent x[40], y[40];

		for (unsigned i = 0; i < 40; i++) {
			x[i] = (struct bdev_extent)E(i * K4, 1000 * K4 + i * K4, K4, 0);
			y[i] = x[i];
			if (i % 3 == 0)
				y[i].physical += 5000 * K4;
		}
		r = diff2(x, 40, y, 40, 0, 40 * K4);
		assert_int_equal(r.n, 14);
		for (unsigned i = 0; i < 14; i++) {
			expect_at(&r, i, i * 3 * K4, K4);
		}
	}
}

static void
test_chunks(void **state)
{
	uint64_t bits[3];
	const uint32_t cs = 1 << 20;

	(void)state;
	memset(bits, 0, sizeof(bits));
	/* One byte marks its chunk; a range across a boundary marks both. */
	bdev__chunks_mark(bits, 130, cs, 1, 1);
	assert_int_equal(bits[0], 1);
	bdev__chunks_mark(bits, 130, cs, 3ull * cs - 1, 2);
	assert_int_equal(bits[0], 1 | 4 | 8);
	/* Exactly one chunk; an empty range marks nothing. */
	bdev__chunks_mark(bits, 130, cs, 5ull * cs, cs);
	assert_int_equal(bits[0], 1 | 4 | 8 | 32);
	bdev__chunks_mark(bits, 130, cs, 7ull * cs, 0);
	assert_int_equal(bits[0], 1 | 4 | 8 | 32);
	/* Across a word; beyond the last chunk nothing is touched. */
	bdev__chunks_mark(bits, 130, cs, 63ull * cs, 2ull * cs);
	assert_int_equal(bits[0] >> 63, 1);
	assert_int_equal(bits[1], 1);
	bdev__chunks_mark(bits, 130, cs, 129ull * cs + 5, 10ull * cs);
	assert_int_equal(bits[2], 2);
	bdev__chunks_mark(bits, 130, cs, 200ull * cs, cs);
	assert_int_equal(bits[2], 2);
	/* Scans. */
	assert_int_equal(bdev__chunks_next(bits, 130, 0), 0);
	assert_int_equal(bdev__chunks_next(bits, 130, 1), 2);
	assert_int_equal(bdev__chunks_next(bits, 130, 6), 63);
	assert_int_equal(bdev__chunks_next(bits, 130, 65), 129);
	assert_int_equal(bdev__chunks_next(bits, 129, 65), 129);
	assert_int_equal(bdev__chunks_next(bits, 130, 130), 130);
	assert_int_equal(bdev__chunks_next_clear(bits, 130, 0), 1);
	assert_int_equal(bdev__chunks_next_clear(bits, 130, 2), 4);
	assert_int_equal(bdev__chunks_next_clear(bits, 130, 63), 65);
	assert_int_equal(bdev__chunks_next_clear(bits, 130, 129), 130);
	memset(bits, 0xff, sizeof(bits));
	assert_int_equal(bdev__chunks_next_clear(bits, 130, 0), 130);
}

/* ------------------------------------------------------ on real files */

struct walk {
	uint64_t bytes;
	unsigned n;
	uint64_t first, last_end;
};

static void
on_walk(uint64_t off, uint64_t len, void *arg)
{
	struct walk *w = arg;

	if (w->n++ == 0)
		w->first = off;
	w->bytes += len;
	w->last_end = off + len;
}

static int
walk(const char *a, const char *b, uint64_t len, unsigned batch,
    struct walk *w)
{
	int fa = open(a, O_RDONLY), fbb = open(b, O_RDONLY), err;

	assert_true(fa >= 0 && fbb >= 0);
	memset(w, 0, sizeof(*w));
	err = bdev__extent_walk(fa, fbb, len, batch, on_walk, w);
	close(fa);
	close(fbb);
	return err;
}

/*
 * On the file system of /tmp (no sharing between two files): a file
 * against itself is unchanged, against a copy every data extent changed
 * and every hole did not; batches of 1 and 3 extents say what one call
 * says (the walk loops).  Skipped where /tmp has no FIEMAP (tmpfs).
 */
static void
test_walk_batches(void **state)
{
	char a[128], b[128];
	struct walk w1, w3, wb;
	uint64_t un;
	int err;

	(void)state;
	fb_path(a, "a");
	fb_path(b, "b");
	fb_truncate(a, 4 * MiB);
	fb_truncate(b, 4 * MiB);
	for (unsigned i = 0; i < 40; i++) {	/* 40 extents, 40 holes */
		fb_write(a, i * 64 * KiB, 16 * KiB, 1);
		fb_write(b, i * 64 * KiB, 16 * KiB, 1);
	}
	err = walk(a, a, 4 * MiB, BDEV_FIEMAP_BATCH, &wb);
	if (err == -EOPNOTSUPP) {
		fprintf(stderr, "SKIP: no FIEMAP on /tmp (tmpfs); "
		    "test_blockdev_pit walks XFS and Btrfs\n");
		skip();
		return;
	}
	assert_int_equal(err, 0);
	assert_int_equal(wb.n, 0);
	assert_int_equal(walk(a, b, 4 * MiB, BDEV_FIEMAP_BATCH, &wb), 0);
	assert_int_equal(walk(a, b, 4 * MiB, 1, &w1), 0);
	assert_int_equal(walk(a, b, 4 * MiB, 3, &w3), 0);
	assert_int_equal(wb.bytes, 40 * 16 * KiB);
	assert_int_equal(wb.n, 40);
	assert_true(w1.n == wb.n && w1.bytes == wb.bytes);
	assert_true(w3.n == wb.n && w3.bytes == wb.bytes);
	assert_int_equal(wb.first, 0);
	assert_int_equal(wb.last_end, 39 * 64 * KiB + 16 * KiB);
	/* Only part of the file: the walk stops at `len`. */
	assert_int_equal(walk(a, b, 72 * KiB, 2, &w1), 0);
	assert_int_equal(w1.bytes, 24 * KiB);
	assert_int_equal(walk(a, b, 0, 2, &w1), 0);
	assert_int_equal(w1.n, 0);
	assert_int_equal(walk(a, b, 4 * MiB, 0, &w1), -EINVAL);
	/* Nothing shares: all data bytes are the file's own. */
	assert_int_equal(bdev_unshared_bytes(a, &un), 0);
	assert_int_equal(un, 40 * 16 * KiB);
	assert_true(un <= fb_alloc(a));
}

/* Where the file system cannot clone: -EOPNOTSUPP, nothing left. */
static void
test_image_unsupported(void **state)
{
	char s[128], d[128], sub[128], dev[128];
	struct stat st;
	int err;

	(void)state;
	fb_path(s, "vol");
	fb_write(s, 0, 256 * KiB, 3);
	fb_path(d, "img");
	err = bdev_image_take(s, d);
	if (err == 0) {
		fprintf(stderr, "SKIP: /tmp can clone; test_blockdev_pit "
		    "covers ext4 and tmpfs\n");
		skip();
		return;
	}
	assert_int_equal(err, -EOPNOTSUPP);
	assert_int_equal(stat(d, &st), -1);
	/* The folder is made 0700 (and stays), the image is not. */
	fb_path(sub, "images/img");
	assert_int_equal(bdev_image_take(s, sub), -EOPNOTSUPP);
	assert_int_equal(stat(sub, &st), -1);
	assert_int_equal(stat(fb_path(dev, "images"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* Bad input and a missing source or folder above. */
	assert_int_equal(bdev_image_take(NULL, d), -EINVAL);
	assert_int_equal(bdev_image_take(s, ""), -EINVAL);
	assert_int_equal(bdev_image_take(fb_path(dev, "none"), d), -ENOENT);
	assert_int_equal(stat(d, &st), -1);
	assert_int_equal(bdev_image_take(s, fb_path(dev, "a/b/img")), -ENOENT);
	/* A source that is not a regular file cannot be imaged. */
	assert_int_equal(bdev_image_take("/dev/null", d), -EOPNOTSUPP);
	assert_int_equal(stat(d, &st), -1);
	/* An existing dst is not ours: -EEXIST, left as it was. */
	fb_write(d, 0, 4096, 5);
	assert_int_equal(bdev_image_take(s, d), -EEXIST);
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_size, 4096);
	/* Drop: removes a file, refuses devices, -ENOENT for nothing. */
	assert_int_equal(bdev_image_drop(d), 0);
	assert_int_equal(stat(d, &st), -1);
	assert_int_equal(bdev_image_drop(d), -ENOENT);
	assert_int_equal(bdev_image_drop("/dev/null"), -ENOTBLK);
	assert_int_equal(bdev_image_drop(""), -EINVAL);
	assert_int_equal(bdev_unshared_bytes(fb_path(dev, "none"), &(uint64_t){0}),
	    -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_same_and_holes),
		cmocka_unit_test(test_diff_address),
		cmocka_unit_test(test_diff_split_and_partial),
		cmocka_unit_test(test_diff_flags),
		cmocka_unit_test(test_diff_window_edges),
		cmocka_unit_test(test_diff_coalesce),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test_setup_teardown(test_walk_batches, fb_setup, fb_teardown),
		cmocka_unit_test_setup_teardown(test_image_unsupported,
		    fb_setup, fb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
