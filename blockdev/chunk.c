/* SPDX-License-Identifier: ISC */
/*
 * chunk.c - the thread-pool half of the copy engine: everything one chunk
 * does on disk.  A full chunk skips source holes (SEEK_DATA), reads the
 * data, writes its non-zero 4 KiB runs and makes zero runs holes on the
 * target; a differential chunk also reads the target and writes only when
 * the two differ.  It runs on a libuv worker thread: it touches only its
 * chunk and the job's read-only fields, and never calls into libuv.
 */
#include <errno.h>
#include <string.h>

#include "blockdev/copy_int.h"

static const char zeros[64 * 1024];

static bool
buf_is_zero(const unsigned char *p, size_t n)
{
	if (n == 0)
		return true;
	/* memcmp with itself shifted by one: vectorised by libc. */
	return p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

static bool
io_aligned(uint64_t off, uint64_t len)
{
	return off % COPY_BLOCK == 0 && len % COPY_BLOCK == 0;
}

/*
 * Read through `direct_fd` (O_DIRECT) unless the range is mostly in the
 * page cache already: then from the cache through the buffered `fd`.
 */
static int
read_full(const struct copy_job *job, int fd, int direct_fd, void *buf,
    uint64_t len, uint64_t off)
{
	int first = direct_fd >= 0 && io_aligned(off, len) ? direct_fd : -1;

	if (first >= 0 && job->cache_probe && bdev__cache_hit(fd, off, len))
		first = -1;
	return bdev__pread_full(job->io, fd, first, buf, (size_t)len, off);
}

static int
write_full(const struct copy_job *job, const void *buf, uint64_t len,
    uint64_t off)
{
	int first = job->direct_writes && job->dfd_direct >= 0 &&
	    io_aligned(off, len) && ((uintptr_t)buf % COPY_BLOCK) == 0 ?
	    job->dfd_direct : -1;

	return bdev__pwrite_full(job->io, job->dfd, first, buf, (size_t)len,
	    off);
}

static int
zero_range(struct copy_job *job, struct copy_chunk *c, uint64_t off,
    uint64_t len)
{
	int err = bdev__zero_range(job->io, job->dfd, job->dst_blk, off, len,
	    zeros, sizeof(zeros));

	if (err == 0)
		c->written += len;
	return err;
}

/*
 * Put `buf` at c->off: non-zero runs of 4 KiB blocks are written, zero runs
 * become holes (unless the target was empty to begin with), so the target
 * is never more allocated than the source.
 */
static int
chunk_apply(struct copy_job *job, struct copy_chunk *c, const unsigned char *buf)
{
	uint64_t pos = 0, len = c->len;
	int err;

	while (pos < len) {
		uint64_t blk = len - pos < COPY_BLOCK ? len - pos : COPY_BLOCK;
		bool zero = buf_is_zero(buf + pos, (size_t)blk);
		uint64_t run = blk;

		while (pos + run < len) {
			uint64_t b = len - pos - run < COPY_BLOCK ?
			    len - pos - run : COPY_BLOCK;

			if (buf_is_zero(buf + pos + run, (size_t)b) != zero)
				break;
			run += b;
		}
		if (!zero) {
			if ((err = write_full(job, buf + pos, run, c->off + pos)) != 0)
				return err;
			c->written += run;
		} else if (!job->dst_empty) {
			if ((err = zero_range(job, c, c->off + pos, run)) != 0)
				return err;
		}
		pos += run;
	}
	return 0;
}

static int
chunk_copy_range(struct copy_job *job, struct copy_chunk *c)
{
	off_t in = (off_t)c->off, out = (off_t)c->off;
	uint64_t left = c->len;

	while (left > 0) {
		ssize_t n = job->io->copy_file_range(job->sfd, &in, job->dfd,
		    &out, (size_t)left, 0);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		left -= (uint64_t)n;
	}
	c->io_bytes = c->len;
	c->written = c->len;
	return 0;
}

/*
 * Differential over a source hole with a valid map: the chunks whose old
 * digest is the zero digest are skipped without reading the target; at
 * the first one that is not, the chunk stops there (or, if it is the first,
 * zeroes it alone) so that accounting stays per chunk.  Returns 0, -errno
 * of the target, or 1 when the map cannot be read (read the target then).
 */
static int
chunk_hole_map(struct copy_job *job, struct copy_chunk *c, uint64_t hole_end)
{
	struct copy_digest old[64];
	uint64_t cs = job->chunk_size, off = c->off;

	while (off < hole_end) {
		uint64_t idx = off / cs, left = (hole_end - off + cs - 1) / cs;
		unsigned n = left < 64 ? (unsigned)left : 64;

		if (copy__map_get(job, idx, n, old) != 0)
			return 1;
		for (unsigned i = 0; i < n; i++, off += cs) {
			if (memcmp(&old[i], copy__digest_zero(job, off),
			    sizeof(old[i])) == 0)
				continue;
			if (off > c->off) {
				c->end = off;
				return 0;
			}
			c->end = c->off + c->len;
			c->skipped = false;
			return zero_range(job, c, c->off, c->len);
		}
	}
	return 0;
}

/* Record the zero digest for the chunks of [c->off, c->end). */
static void
chunk_hole_digests(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t cs = job->chunk_size, end = c->end < job->length ?
	    c->end : job->length;
	uint64_t first = c->off / cs, last = (end + cs - 1) / cs;
	uint64_t full = last - first;

	if (!job->map.write_new)
		return;
	/* Every chunk but the volume's last has the full-size zero digest. */
	if (end == job->length && job->length % cs != 0) {
		full--;
		c->map_err = copy__map_put(job, last - 1, 1,
		    copy__digest_zero(job, (last - 1) * cs));
	}
	if (full > 0 && c->map_err == 0)
		c->map_err = copy__map_put(job, first, full,
		    copy__digest_zero(job, 0));
}

/*
 * The source has no data in [c->off, hole_end).  The target must read as
 * zeros there: nothing to do on an empty target; in differential mode only
 * where the target has non-zero data (checked for this chunk alone).
 */
static int
chunk_hole(struct copy_job *job, struct copy_chunk *c, uint64_t hole_end)
{
	uint64_t d;
	int err;

	c->skipped = true;
	c->end = hole_end;
	if (job->dst_empty)
		return 0;
	if (job->mode != COPY_DIFF)
		return zero_range(job, c, c->off, hole_end - c->off);
	if (job->map.use_old && (err = chunk_hole_map(job, c, hole_end)) != 1)
		return err;
	c->end = hole_end;	/* the map could not be read: read the target */
	if (!job->dst_blk) {
		if ((err = bdev__next_data(job->dfd, c->off, hole_end, &d)) != 0)
			return err;
		if (d >= hole_end)
			return 0;	/* hole on both sides */
	}
	c->end = c->off + c->len;
	c->target_read = true;
	err = read_full(job, job->dfd, job->dfd_direct, c->buf2, c->len, c->off);
	if (err != 0 || buf_is_zero(c->buf2, (size_t)c->len))
		return err;
	c->skipped = false;
	return zero_range(job, c, c->off, c->len);
}

static int
chunk_clone(struct copy_job *job, struct copy_chunk *c)
{
	/* FICLONE is atomic: either the whole volume is shared or nothing. */
	if (job->io->ficlone(job->dfd, job->sfd) == -1) {
		c->end = c->off;
		return 0;	/* not an error: the job falls back to full */
	}
	c->end = job->length;
	c->written = 0;
	c->skipped = true;
	return 0;
}

/*
 * Differential data chunk: is the target already equal to the source in
 * c->buf?  With a valid map its old digest says so without reading the
 * target; otherwise (or if the map cannot be read) the target is read.
 */
static int
chunk_same(struct copy_job *job, struct copy_chunk *c,
    const struct copy_digest *dig, bool *same)
{
	struct copy_digest old;
	int err;

	if (job->map.use_old &&
	    copy__map_get(job, c->off / job->chunk_size, 1, &old) == 0) {
		*same = memcmp(&old, dig, sizeof(old)) == 0;
		return 0;
	}
	c->target_read = true;
	err = read_full(job, job->dfd, job->dfd_direct, c->buf2, c->len, c->off);
	if (err == 0)
		*same = memcmp(c->buf, c->buf2, (size_t)c->len) == 0;
	return err;
}

static int
chunk_data(struct copy_job *job, struct copy_chunk *c)
{
	struct copy_digest dig;
	bool same = false, want = job->map.write_new || job->map.use_old;
	int err;

	err = read_full(job, job->sfd, job->sfd_direct, c->buf, c->len, c->off);
	if (err != 0)
		return err;
	c->io_bytes = c->len;
	if (want)
		copy__digest(c->buf, c->len, &dig);
	if (job->mode == COPY_DIFF &&
	    (err = chunk_same(job, c, want ? &dig : NULL, &same)) != 0)
		return err;
	if (same)
		c->skipped = true;
	else if ((err = chunk_apply(job, c, c->buf)) == 0 && c->written == 0)
		c->skipped = true;
	if (err == 0 && job->map.write_new)
		c->map_err = copy__map_put(job, c->off / job->chunk_size, 1,
		    &dig);
	return err;
}

static int
chunk_io(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t d, hole_end, cs = job->chunk_size;
	int err;

	if (c->clone)
		return chunk_clone(job, c);
	if ((err = bdev__next_data(job->sfd, c->off, job->length, &d)) != 0)
		return err;
	if (d >= c->off + c->len) {
		hole_end = d - d % cs;
		if (hole_end < c->off + c->len)
			hole_end = c->off + c->len;
		if (job->mode == COPY_EXTENTS)
			hole_end = copy__ext_run_end(job, c->off, hole_end);
		err = chunk_hole(job, c, hole_end);
		if (err == 0)
			chunk_hole_digests(job, c);
		return err;
	}
	if (job->mode == COPY_FULL && job->method == COPY_IO_CFR && !job->dst_blk)
		return chunk_copy_range(job, c);
	if (job->mode == COPY_EXTENTS && (err = copy__ext_clone(job, c)) != 1)
		return err;
	return chunk_data(job, c);
}

/*
 * Buffered writes: start the write-back of what this chunk wrote, then
 * settle the range the loop handed it (COPY_WB_WINDOW behind).  A settle
 * that fails is the job's error: the wait consumed it, fdatasync will not
 * report it again.
 */
static void
chunk_writeback(struct copy_job *job, struct copy_chunk *c)
{
	uint64_t end = c->end > c->off + c->len ? c->end : c->off + c->len;
	int err;

	if (c->err == 0 && c->written > 0)
		(void)bdev__writeback_start(job->io, job->dfd, c->off, end - c->off);
	if (c->settle_len == 0)
		return;
	err = bdev__writeback_settle(job->io, job->dfd, c->settle_off, c->settle_len);
	if (err != 0 && c->err == 0) {
		c->err = err;
		c->wb_failed = true;
	}
}

void
copy__chunk_run(struct copy_job *job, struct copy_chunk *c)
{
	int verr;

	c->end = c->off + c->len;
	c->io_bytes = c->written = c->cloned = 0;
	c->skipped = false;
	c->map_err = 0;
	c->target_read = false;
	c->faulted = false;
	c->wb_failed = false;
	c->err = chunk_io(job, c);
	if (!job->direct_writes && !c->clone)
		chunk_writeback(job, c);
	/*
	 * Then are the files still the volumes?  A truncated source reads as
	 * a hole, an unlinked target takes writes: only this says so.  A file
	 * change also explains (and so replaces) the chunk's I/O error.
	 */
	verr = copy__verify(job, c->check_paths, &c->fault);
	if (verr == -ESTALE || verr == -ERANGE) {
		c->err = verr;
		c->faulted = true;
	} else if (verr != 0 && c->err == 0) {
		c->err = verr;
	}
}
