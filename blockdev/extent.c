/* SPDX-License-Identifier: ISC */
/*
 * extent.c - what changed between two files that share extents, found
 * from their extent maps (FIEMAP) without reading a byte of data: the pure
 * merge of two extent lists, the FIEMAP walk that feeds it in bounded
 * batches, the unshared bytes of one file, and the chunk bitmap the copy
 * engine keeps the answer in.  It decides nothing about what to copy
 * (copy_ext.c does) and opens no file.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fiemap.h>
#include <linux/fs.h>

#include "blockdev/blockdev_int.h"

/* Flags under which an extent's physical address says nothing. */
#define EXTENT_OPAQUE	(FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | \
	FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_NOT_ALIGNED | \
	FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL | \
	FIEMAP_EXTENT_DATA_ENCRYPTED)

/*
 * A side of the merge: the extent under `pos`, or NULL where the file
 * reads as zeros there without data: a hole or an unwritten (allocated,
 * never written) extent.  XFS's reflink shares no unwritten extent, so a
 * clone has a hole where its source has one: both mean zeros.
 */
struct side {
	const struct bdev_extent *e;	/* NULL: zeros */
	uint64_t end;			/* where this state ends */
};

static bool
extent_zeros(const struct bdev_extent *x)
{
	return (x->flags & FIEMAP_EXTENT_UNWRITTEN) != 0 &&
	    (x->flags & EXTENT_OPAQUE) == 0;
}

static void
side_at(const struct bdev_extent *x, size_t n, size_t *i, uint64_t pos,
    struct side *s)
{
	while (*i < n && (x[*i].logical + x[*i].length <= pos ||
	    (x[*i].logical <= pos && extent_zeros(&x[*i])))) {
		/* An unwritten extent under pos: zeros until its end. */
		if (x[*i].logical <= pos && x[*i].logical + x[*i].length >
		    pos) {
			s->e = NULL;
			s->end = x[*i].logical + x[*i].length;
			return;
		}
		(*i)++;
	}
	if (*i == n) {
		s->e = NULL;
		s->end = UINT64_MAX;
	} else if (x[*i].logical <= pos) {
		s->e = &x[*i];
		s->end = x[*i].logical + x[*i].length;
	} else {
		s->e = NULL;
		s->end = x[*i].logical;
	}
}

static bool
side_same(const struct side *a, const struct side *b, uint64_t pos)
{
	if (a->e == NULL || b->e == NULL)
		return a->e == NULL && b->e == NULL;
	if (((a->e->flags | b->e->flags) & EXTENT_OPAQUE) != 0)
		return false;
	return a->e->physical + (pos - a->e->logical) ==
	    b->e->physical + (pos - b->e->logical);
}

void
bdev__extent_diff(const struct bdev_extent *a, size_t na,
    const struct bdev_extent *b, size_t nb, uint64_t from, uint64_t to,
    bdev_range_cb cb, void *arg)
{
	uint64_t pos = from, run = 0;
	size_t ia = 0, ib = 0;
	bool in_run = false;
	struct side sa, sb;

	while (pos < to) {
		uint64_t next;

		side_at(a, na, &ia, pos, &sa);
		side_at(b, nb, &ib, pos, &sb);
		next = sa.end < sb.end ? sa.end : sb.end;
		if (next > to)
			next = to;
		if (!side_same(&sa, &sb, pos)) {
			if (!in_run)
				run = pos;
			in_run = true;
		} else if (in_run) {
			cb(run, pos - run, arg);
			in_run = false;
		}
		pos = next;
	}
	if (in_run)
		cb(run, to - run, arg);
}

/* ---------------------------------------------------------------- FIEMAP */

struct fmap {
	struct fiemap *fm;		/* header + `cap` extents */
	struct bdev_extent *ext;	/* the same, trimmed */
	unsigned cap, n;
	uint64_t known;			/* the map is complete below this */
	bool synced;
};

static int
fmap_init(struct fmap *m, unsigned cap)
{
	memset(m, 0, sizeof(*m));
	m->cap = cap;
	/* Zeroed: valgrind does not know that FIEMAP fills the extents. */
	m->fm = calloc(1, sizeof(*m->fm) + cap * sizeof(struct fiemap_extent));
	m->ext = calloc(cap, sizeof(*m->ext));
	if (m->fm == NULL || m->ext == NULL) {
		free(m->fm);
		free(m->ext);
		return -ENOMEM;
	}
	return 0;
}

static void
fmap_release(struct fmap *m)
{
	free(m->fm);
	free(m->ext);
}

/*
 * Read the extents of [pos, end), at most m->cap of them; m->known is
 * where the answer stops being complete (> pos).
 */
static int
fmap_read(struct fmap *m, int fd, uint64_t pos, uint64_t end)
{
	const struct fiemap_extent *fe;

	memset(m->fm, 0, sizeof(*m->fm));
	m->fm->fm_start = pos;
	m->fm->fm_length = end - pos;
	m->fm->fm_flags = m->synced ? 0 : FIEMAP_FLAG_SYNC;
	m->fm->fm_extent_count = m->cap;
	if (ioctl(fd, FS_IOC_FIEMAP, m->fm) == -1) {
		/* No FIEMAP here (tmpfs: ENOTTY/EOPNOTSUPP), or flags refused. */
		if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EBADR ||
		    errno == EINVAL)
			return -EOPNOTSUPP;
		return -errno;
	}
	m->synced = true;
	m->n = m->fm->fm_mapped_extents;
	if (m->n > m->cap)
		return -EIO;	/* the kernel broke its contract */
	for (unsigned i = 0; i < m->n; i++) {
		fe = &m->fm->fm_extents[i];
		m->ext[i].logical = fe->fe_logical;
		m->ext[i].physical = fe->fe_physical;
		m->ext[i].length = fe->fe_length;
		m->ext[i].flags = fe->fe_flags;
	}
	m->known = end;
	if (m->n == m->cap && (m->ext[m->n - 1].flags & FIEMAP_EXTENT_LAST) == 0) {
		fe = &m->fm->fm_extents[m->n - 1];
		if (fe->fe_logical + fe->fe_length < end)
			m->known = fe->fe_logical + fe->fe_length;
	}
	if (m->known <= pos)
		return -EIO;	/* no progress: an extent of length 0 */
	return 0;
}

int
bdev__extent_walk(int fa, int fb, uint64_t len, unsigned batch,
    bdev_range_cb cb, void *arg)
{
	struct fmap ma, mb;
	uint64_t pos = 0;
	int err;

	if (batch == 0)
		return -EINVAL;
	if ((err = fmap_init(&ma, batch)) != 0)
		return err;
	if ((err = fmap_init(&mb, batch)) != 0) {
		fmap_release(&ma);
		return err;
	}
	/* Each pass completes at least one side's batch: bounded by extents. */
	while (pos < len) {
		uint64_t hi;

		if ((err = fmap_read(&ma, fa, pos, len)) != 0 ||
		    (err = fmap_read(&mb, fb, pos, len)) != 0)
			break;
		hi = ma.known < mb.known ? ma.known : mb.known;
		bdev__extent_diff(ma.ext, ma.n, mb.ext, mb.n, pos, hi, cb, arg);
		pos = hi;
	}
	fmap_release(&ma);
	fmap_release(&mb);
	return err;
}

int
bdev__fiemap_unshared(int fd, uint64_t len, uint64_t *out)
{
	struct fmap m;
	uint64_t pos = 0, total = 0;
	int err = 0;

	if ((err = fmap_init(&m, BDEV_FIEMAP_BATCH)) != 0)
		return err;
	while (pos < len) {
		if ((err = fmap_read(&m, fd, pos, len)) != 0)
			break;
		for (unsigned i = 0; i < m.n; i++) {
			const struct bdev_extent *x = &m.ext[i];
			uint64_t lo = x->logical > pos ? x->logical : pos;
			uint64_t end = x->logical + x->length;

			if (end > m.known)
				end = m.known;
			if ((x->flags & FIEMAP_EXTENT_SHARED) == 0 && end > lo)
				total += end - lo;
		}
		pos = m.known;
	}
	fmap_release(&m);
	if (err == 0)
		*out = total;
	return err;
}

/* ---------------------------------------------------------------- chunks */

void
bdev__chunks_mark(uint64_t *bits, uint64_t nchunks, uint32_t cs,
    uint64_t off, uint64_t len)
{
	uint64_t first, last;

	if (len == 0 || cs == 0)
		return;
	first = off / cs;
	last = (off + len - 1) / cs;	/* inclusive */
	if (last >= nchunks)
		last = nchunks - 1;
	for (uint64_t i = first; i <= last && i < nchunks; i++)
		bits[i / 64] |= 1ull << (i % 64);
}

static uint64_t
chunks_scan(const uint64_t *bits, uint64_t nchunks, uint64_t idx, bool set)
{
	while (idx < nchunks) {
		uint64_t w = bits[idx / 64];

		if (!set)
			w = ~w;
		w &= ~0ull << (idx % 64);
		if (w != 0) {
			idx = idx / 64 * 64 + (uint64_t)__builtin_ctzll(w);
			return idx < nchunks ? idx : nchunks;
		}
		idx = (idx / 64 + 1) * 64;
	}
	return nchunks;
}

uint64_t
bdev__chunks_next(const uint64_t *bits, uint64_t nchunks, uint64_t idx)
{
	return chunks_scan(bits, nchunks, idx, true);
}

uint64_t
bdev__chunks_next_clear(const uint64_t *bits, uint64_t nchunks, uint64_t idx)
{
	return chunks_scan(bits, nchunks, idx, false);
}
