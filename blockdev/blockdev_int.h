/* SPDX-License-Identifier: ISC */
/*
 * blockdev_int.h - internals shared by the files of blockdev/ and by its
 * unit tests: the I/O ops table every copy chunk goes through (so tests can
 * inject EIO, ENOSPC or short reads without a real failing disk) and the
 * loops that move a whole range through it, the extent and hole helpers,
 * and the knobs the benchmark CLI turns.  Nothing outside blockdev/ and
 * tests/ may include this file.
 */
#ifndef ARRAYD_BLOCKDEV_INT_H
#define ARRAYD_BLOCKDEV_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "blockdev/blockdev.h"

/*
 * The system calls a copy makes (and the reflink probe's FICLONE).  An
 * engine or a probe is given its table (copy_engine_opts.io, bdev_probe_new;
 * NULL means bdev__io_default).  Called on thread-pool threads, so a
 * replacement must be thread-safe.  Return conventions are the libc ones
 * (-1 and errno).
 */
struct bdev_io_ops {
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	int (*fdatasync)(int fd);
	int (*fallocate)(int fd, int mode, off_t off, off_t len);
	ssize_t (*copy_file_range)(int in, off_t *in_off, int out,
	    off_t *out_off, size_t len, unsigned flags);
	int (*ficlone)(int dst, int src);	/* ioctl(dst, FICLONE, src) */
	/* sync_file_range(2): the streamed write-back of buffered writes */
	int (*sync_file_range)(int fd, off_t off, off_t len, unsigned flags);
};

/* The real system calls. */
extern const struct bdev_io_ops bdev__io_default;

/*
 * Read or write exactly `len` bytes at `off` through `io`, again after
 * EINTR and after a short transfer.  `first_fd` (-1: none; else an
 * O_DIRECT fd of the same file) carries the calls until the first bytes
 * move; the rest goes through `fd`, since what a short direct transfer
 * leaves is unaligned.  Returns 0, -errno of the call, or -EIO when a read
 * meets the end of the file or a write moves nothing.
 */
int bdev__pread_full(const struct bdev_io_ops *io, int fd, int first_fd,
    void *buf, size_t len, uint64_t off);
int bdev__pwrite_full(const struct bdev_io_ops *io, int fd, int first_fd,
    const void *buf, size_t len, uint64_t off);

/* How full-mode chunks move their data (benchmark knob). */
enum copy_io_method {
	COPY_IO_RW,	/* pread + pwrite through a buffer (zero detection) */
	COPY_IO_CFR,	/* copy_file_range, in kernel; no zero detection */
};

/* Open fd of a volume and its facts (internal to blockdev). */
int bdev__fstat(int fd, struct bdev_info *out);

/*
 * Make [off, off+len) of fd read as zeros without allocating: punch on a
 * file, BLKZEROOUT/zeroing fallocate on a device, writing zeros from `zbuf`
 * (`zlen` bytes of zeros, may be NULL) as the last resort; the punch and
 * the writes go through `io`.  Returns 0 or -errno.  Thread-pool safe.
 */
int bdev__zero_range(const struct bdev_io_ops *io, int fd, bool is_blk,
    uint64_t off, uint64_t len, const void *zbuf, size_t zlen);

/* fsync the folder that holds `path` (a new or removed name).  0 or -errno. */
int bdev__sync_parent(const char *path);

/*
 * Next data offset at or after `off` in fd (SEEK_DATA); *out = `end` when
 * there is none before end.  Where the fd cannot seek data (devices), *out =
 * off.  Returns 0 or -errno.
 */
int bdev__next_data(int fd, uint64_t off, uint64_t end, uint64_t *out);

/* Allocated bytes that hold data between [off, end) (extent walk). */
int bdev__data_bytes(int fd, uint64_t off, uint64_t end, uint64_t *out);

/* ------------------------------------------------------------- extents */

/* One extent as FIEMAP reports it (struct fiemap_extent, trimmed). */
struct bdev_extent {
	uint64_t logical, physical, length;	/* bytes */
	uint32_t flags;				/* FIEMAP_EXTENT_* */
};

/* Extents per FIEMAP call: the walk's memory is bounded by this. */
#define BDEV_FIEMAP_BATCH	512u

/* Called with each changed range, ascending, adjacent ranges merged. */
typedef void (*bdev_range_cb)(uint64_t off, uint64_t len, void *arg);

/*
 * Pure: compare two extent lists (each sorted by `logical`, as FIEMAP
 * gives them; extents may start before `from` or end after `to`) over
 * [from, to) and report the ranges that changed.  Unchanged: zeros on
 * both sides (a hole or an UNWRITTEN extent: XFS clones no unwritten
 * extent, so an image has holes where its source has those), or both
 * mapped to the same physical address with neither flagged UNKNOWN,
 * DELALLOC, ENCODED, NOT_ALIGNED, DATA_INLINE, DATA_TAIL or
 * DATA_ENCRYPTED.  Anything else changed.
 */
void bdev__extent_diff(const struct bdev_extent *a, size_t na,
    const struct bdev_extent *b, size_t nb, uint64_t from, uint64_t to,
    bdev_range_cb cb, void *arg);

/*
 * Walk the extent maps of fds `fa` and `fb` over [0, len) in FIEMAP calls
 * of at most `batch` extents each (FIEMAP_FLAG_SYNC on the first call of
 * each file), reporting through bdev__extent_diff what changed.  Memory
 * is two buffers of `batch` extents, whatever the number of extents.
 * Returns 0, -EOPNOTSUPP where FIEMAP does not work on a file, or -errno.
 */
int bdev__extent_walk(int fa, int fb, uint64_t len, unsigned batch,
    bdev_range_cb cb, void *arg);

/*
 * Bytes of fd's extents within [0, len) not flagged SHARED (FIEMAP, SYNC).
 * Returns 0, -EOPNOTSUPP where FIEMAP does not work, or -errno.
 */
int bdev__fiemap_unshared(int fd, uint64_t len, uint64_t *out);

/*
 * Pure: set the bits of the `cs`-byte chunks that [off, off+len) touches
 * (rounded out to whole chunks) in `bits` (one bit per chunk, `nchunks`
 * chunks; bits beyond are never touched).
 */
void bdev__chunks_mark(uint64_t *bits, uint64_t nchunks, uint32_t cs,
    uint64_t off, uint64_t len);
/* First set bit at or after `idx`, or `nchunks` when none. */
uint64_t bdev__chunks_next(const uint64_t *bits, uint64_t nchunks,
    uint64_t idx);
/* First clear bit at or after `idx`, or `nchunks` when none. */
uint64_t bdev__chunks_next_clear(const uint64_t *bits, uint64_t nchunks,
    uint64_t idx);

/* Choose the data path for full copies of later jobs (benchmarks). */
void copy_engine__set_io_method(struct copy_engine *e, enum copy_io_method m);
/* Ask the page cache before O_DIRECT reads (default true; benchmarks). */
void copy_engine__set_cache_probe(struct copy_engine *e, bool on);

/*
 * pagecache.c (see there for why): pages of a range in the page cache
 * (mincore on a short mapping; 0 or -errno), the rule that reads a range
 * from the cache rather than with O_DIRECT, and both together (false on
 * any failure).  Thread-pool safe.
 */
int bdev__cache_resident(int fd, uint64_t off, uint64_t len,
    uint64_t *resident, uint64_t *pages);
bool bdev__cache_prefer(uint64_t resident, uint64_t pages);
bool bdev__cache_hit(int fd, uint64_t off, uint64_t len);
/*
 * Streaming write-back of buffered writes: start writing a range now;
 * wait for a range to reach the disk and drop it from the cache.  0 or
 * -errno; a settle's error is the range's write-back error, consumed.
 * The sync_file_range calls go through `io`.
 */
int bdev__writeback_start(const struct bdev_io_ops *io, int fd, uint64_t off,
    uint64_t len);
int bdev__writeback_settle(const struct bdev_io_ops *io, int fd, uint64_t off,
    uint64_t len);

#endif /* ARRAYD_BLOCKDEV_INT_H */
