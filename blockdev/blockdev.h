/* SPDX-License-Identifier: ISC */
/*
 * blockdev.h - volumes (sparse files, block devices) and the chunked copy
 * engine that runs on libuv's thread pool.
 *
 * This layer knows file descriptors, offsets and chunks.  It knows nothing
 * of CIM, replicas or pairs: a copy job is "copy this range of that volume
 * onto this one, in this mode, from this checkpoint".  All callbacks run on
 * the loop thread; the loop thread never does disk I/O of a copy.
 */
#ifndef ARRAYD_BLOCKDEV_H
#define ARRAYD_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

/* ------------------------------------------------------------------ volumes */

/*
 * The system calls of a copy and of the reflink probe (blockdev_int.h):
 * tests hand a table that injects faults; everyone else passes NULL.
 */
struct bdev_io_ops;

enum bdev_kind { BDEV_FILE, BDEV_BLOCK };

struct bdev_info {
	enum bdev_kind kind;
	uint64_t size;		/* bytes */
	uint64_t allocated;	/* bytes allocated (st_blocks*512; = size for devices) */
	bool can_punch;		/* holes can be made (file punch / BLKDISCARD) */
};

/*
 * Make sure a volume's backing store exists.  A missing file is created
 * sparse at `size` (which must be a non-zero multiple of 512) and its parent
 * folder must exist; an existing file or block device is left alone and its
 * real size reported.  `size` 0 means "must exist".  Returns 0 or -errno
 * (-ENOENT, -EACCES, -ENOSPC, -EINVAL for a size that is not whole blocks,
 * -ENOTBLK for something that is neither a regular file nor a device).
 */
int bdev_ensure(const char *path, uint64_t size, struct bdev_info *out);

/* Stat a volume without creating it.  Returns 0 or -errno. */
int bdev_stat(const char *path, struct bdev_info *out);

/* Create a new sparse file of `size` (O_EXCL: -EEXIST if present). */
int bdev_create(const char *path, uint64_t size);

/*
 * Remove a file volume arrayd created (unlink, then fsync of its folder so
 * the removal survives a crash).  A block device or anything that is not
 * a regular file is never removed (-EPERM, -ENOTBLK).  0 or -errno.
 */
int bdev_remove(const char *path);

/*
 * Make the regular file at `path` `size` bytes long (a multiple of 512)
 * and fsync it: grown space is a hole.  -ENOTBLK for anything but a
 * regular file, -EFBIG beyond the file system's largest file.  0 or -errno.
 */
int bdev_resize(const char *path, uint64_t size);

/*
 * Instant copy-on-write clone (FICLONE) of src onto dst (dst must not exist
 * or is truncated).  Returns 0, -EOPNOTSUPP / -EXDEV where the filesystem
 * cannot clone (callers then fall back to a full copy), or -errno.
 */
int bdev_reflink(const char *src, const char *dst);

/*
 * Does the filesystem of folder `dir` support reflink?  A probe tries each
 * filesystem once (two scratch files in `dir`, one FICLONE) and keeps the
 * answer, for up to 16 filesystems (beyond, it tries each time).
 * bdev_probe_new returns a probe owned by the caller in *out (free with
 * bdev_probe_free, which accepts NULL); `io` NULL means the real system
 * calls.  Returns 0 or -ENOMEM.  Thread-safe.
 */
struct bdev_probe;
int bdev_probe_new(const struct bdev_io_ops *io, struct bdev_probe **out);
void bdev_probe_free(struct bdev_probe *p);
bool bdev_probe_reflink(struct bdev_probe *p, const char *dir);

/* ------------------------------------------------------ point-in-time images */

/*
 * Take an image of the regular file `src`: a FICLONE of it into the new
 * file `dst` (O_EXCL, mode 0600; its folder is created 0700 when missing,
 * the folder above it must exist), then fsync of dst and of its folder (and
 * of the folder above when the folder was created), so the image survives a
 * crash once this returns 0.  Errors: -EOPNOTSUPP where the file system
 * cannot clone (EOPNOTSUPP, EXDEV, EINVAL, ENOTTY from the kernel; also a
 * source that is not a regular file), -ENOSPC, -EDQUOT, -EPERM (immutable
 * or append-only file), -EEXIST (dst exists: left alone), or -errno.  On
 * any failure nothing is left at dst.  Blocking (a clone walks the whole
 * extent map): call it on the thread pool only.
 */
int bdev_image_take(const char *src, const char *dst);

/*
 * Remove an image: unlink, then fsync of its folder.  -ENOENT when there is
 * nothing at `path`; anything but a regular file is never removed (-EPERM
 * for a device, -ENOTBLK otherwise).  0 or -errno.  Blocking.
 */
int bdev_image_drop(const char *path);

/*
 * Bytes of `path` held by extents that no other file shares (FIEMAP: the
 * extents without FIEMAP_EXTENT_SHARED, after a FIEMAP_FLAG_SYNC): what
 * removing the file would give back.  Where the file system cannot map
 * extents (tmpfs) nothing can be shared, and the answer is the allocated
 * bytes (st_blocks * 512).  0 or -errno.  Blocking.
 */
int bdev_unshared_bytes(const char *path, uint64_t *out);

/* ------------------------------------------------------------- copy engine */

struct copy_engine;
struct copy_job;

struct copy_engine_opts {
	uint32_t chunk_size;		/* default 1 MiB; multiple of 4096 */
	unsigned max_inflight_total;	/* chunks in flight across all jobs; default 3 */
	unsigned max_inflight_job;	/* per job; default 2 */
	/*
	 * Read what the page cache does not hold with O_DIRECT (where the
	 * file system supports it); a range mostly in the cache is read from
	 * it (blockdev/pagecache.c).  Default true.
	 */
	bool use_direct_io;
	/*
	 * Write with O_DIRECT too.  false (the default, as measured: see
	 * tests/bench/copy.sh): buffered writes whose write-back each chunk
	 * starts at once, the range COPY_WB_WINDOW behind the copy waited
	 * for and dropped from the cache, so dirty memory stays bounded.
	 */
	bool direct_writes;
	const struct bdev_io_ops *io;	/* NULL: the real system calls */
};

/*
 * Returns a new engine owned by the caller in *out; free with
 * copy_engine_close() once no job runs.  Returns 0 or -errno.
 */
int copy_engine_new(uv_loop_t *loop, const struct copy_engine_opts *opts,
    struct copy_engine **out);
/*
 * Cancel every job and free the engine once the last chunk has come back;
 * `cb` (may be NULL) runs on the loop then.  Jobs' done callbacks run with
 * -ECANCELED before that.
 */
void copy_engine_close(struct copy_engine *e, void (*cb)(void *arg), void *arg);

enum copy_mode {
	COPY_FULL,	/* every chunk; holes and zero chunks become holes on a file target */
	COPY_DIFF,	/* read both, write only chunks that differ */
	COPY_CLONE,	/* reflink when possible, else COPY_FULL */
	/*
	 * Only the chunks whose extents differ between src and base_path
	 * (FIEMAP, no data read to find them); see copy_spec.base_path.
	 */
	COPY_EXTENTS,
};

struct copy_spec {
	const char *src_path;		/* copied by copy_job_start */
	const char *dst_path;
	enum copy_mode mode;
	uint64_t length;		/* bytes to copy; 0 = source size */
	uint64_t resume_from;		/* checkpoint to resume from (chunk aligned) */
	uint64_t rate_limit;		/* bytes/s, 0 = unlimited */
	/*
	 * Digest map of the target (NULL: none).  Any copy removes it before
	 * writing the target; a full or differential copy that started at 0
	 * and succeeds leaves a new one (per-chunk XXH3-128 of the source,
	 * sealed after the target's fdatasync).  A DIFF copy from 0 that
	 * finds a valid map reads only the source and writes the chunks whose
	 * digest changed; without one it reads both sides.  Valid means: same
	 * source and target (dev/ino), chunk size and length, and the target's
	 * size and mtime unchanged since the map was sealed.  Nothing may write
	 * a paired target outside the engine (a block device's writes cannot
	 * be detected).  The folder must exist; `<path>.tmp` is used too.
	 */
	const char *digest_path;
	/* Who the source is, for the map (0: its dev/ino); e.g. a volume id. */
	uint64_t digest_src_id;
	/*
	 * The sizes the volumes must have when the copy opens them (0: any):
	 * the volumes' known sizes, so that a copy resumed after a restart
	 * finds a file resized while arrayd was down (-ERANGE, see below).
	 */
	uint64_t src_size, dst_size;
	/*
	 * COPY_EXTENTS only (else ignored).  When the job opens, the extent
	 * maps (FIEMAP) of src_path and base_path are compared: a range is
	 * unchanged where both map it to the same physical address (with no
	 * flag that makes an address meaningless: UNKNOWN, DELALLOC, ENCODED,
	 * NOT_ALIGNED, DATA_INLINE) or both read as zeros without data (a
	 * hole or an unwritten extent); every other range is changed and
	 * rounded out to whole chunks.  Only changed chunks are
	 * read and written (a source hole is punched, zero blocks become holes
	 * as in COPY_FULL).  Two uses:
	 *  - Resync: base_path is the image the target was last made equal
	 *    to, src_path a newer image of the same volume.  The target's
	 *    digest map must be valid (digest_path, digest_src_id naming the
	 *    volume, the target untouched since the map was sealed) and must
	 *    have been made from base_path's very file (a map records the
	 *    device, inode and generation of the file its copy read): that
	 *    proves the target still holds the base.  The new map keeps the
	 *    old entries of the chunks not copied.
	 *  - Restore: base_path equals dst_path; src and target are compared
	 *    directly and the target's own file is rewritten in place (never
	 *    replaced).  With clone_ranges, changed chunks that hold data are
	 *    FICLONERANGE'd from src (shared, not read) where the file system
	 *    allows, else copied; such a job writes no new digest map.
	 * The job falls back to COPY_DIFF (and reports fell_back) when
	 * FIEMAP fails on either file (tmpfs), base_path is missing, not
	 * src's size or not the file the resync's map was made from, the
	 * map is missing or invalid, or the job
	 * resumes a resync (resume_from > 0: the map was removed when the
	 * first attempt began, so nothing proves the target is the base).
	 */
	const char *base_path;
	bool clone_ranges;
};

struct copy_progress {
	uint64_t bytes_total;		/* length of the copy */
	uint64_t bytes_done;		/* processed (copied, compared or skipped) */
	uint64_t checkpoint;		/* everything below is done (not yet synced) */
	uint64_t chunks_written;
	uint64_t chunks_skipped;	/* holes, equal chunks */
	uint64_t bytes_written;
	uint64_t bytes_read;		/* read from either volume (source, target) */
	uint64_t bytes_changed;		/* COPY_EXTENTS: changed chunks' bytes */
	uint64_t bytes_cloned;		/* COPY_EXTENTS: FICLONERANGE'd, not read */
	bool fell_back;			/* COPY_EXTENTS ran as COPY_DIFF */
};

/*
 * Called on the loop thread after chunks complete (at most every chunk, at
 * least every 100 ms of progress).  Must not free the job.
 */
typedef void (*copy_progress_cb)(struct copy_job *job,
    const struct copy_progress *p, void *arg);
/*
 * Called exactly once on the loop thread when the job ends: status 0 after
 * the target was fdatasync'ed; -ECANCELED after copy_job_cancel (no torn
 * chunk); or -errno of the failure with `err_offset` the offset of the
 * failed chunk.  Whatever the status, the engine's writes to the target
 * have finished by then (buffered write-back included); a write-back
 * error found at that end puts p->checkpoint back to the job's start.
 * No progress_cb follows a failed chunk.  The job is freed after the
 * callback returns.
 */
typedef void (*copy_done_cb)(struct copy_job *job, int status,
    uint64_t err_offset, const struct copy_progress *p, void *arg);

/*
 * A copy trusts no file descriptor: when it opens its two volumes it notes
 * each one's identity (device, inode), link count and size (a block
 * device's BLKGETSIZE64).  After every chunk (on the worker, with the
 * chunk, so before its checkpoint is reported) it checks that each open
 * file still has them (fstat: a truncation, an unlink or a rename over the
 * file shows there); at most every COPY_PATH_CHECK_MS (100 ms), whenever
 * the fstat saw a change, and after the final fdatasync (before status 0)
 * it also checks that each path still names that inode (stat: a file
 * renamed away shows only there).  The first difference ends the job,
 * whatever else failed with it, with
 *   -ESTALE  the file is no longer the volume's: unlinked (link count 0),
 *            replaced (its path names another inode, or a directory),
 *            moved (its path names nothing) or linked (link count changed);
 *   -ERANGE  its size changed, or it was not spec's src_size/dst_size when
 *            opened;
 * and copy_job_fault() says which file and what changed.  The check costs
 * two fstat per chunk and two stat per 100 ms.
 */
enum copy_side {
	COPY_SIDE_SOURCE,	/* the volume the copy reads */
	COPY_SIDE_TARGET,	/* the volume it writes */
};

enum copy_change {
	COPY_CHANGE_UNLINKED,	/* -ESTALE: link count 0, the path names nothing */
	COPY_CHANGE_REPLACED,	/* -ESTALE: the path names inode `after`, not `before` */
	COPY_CHANGE_MOVED,	/* -ESTALE: the path names nothing; still linked elsewhere */
	COPY_CHANGE_LINKS,	/* -ESTALE: link count `before` -> `after` */
	COPY_CHANGE_SIZE,	/* -ERANGE: size `before` -> `after` bytes */
};

struct copy_fault {
	enum copy_side side;
	enum copy_change change;
	uint64_t before, after;		/* inodes, link counts or bytes */
	bool after_dir;			/* REPLACED: by a directory */
	const char *path;		/* the volume's path, as the spec gave it */
};

/*
 * In done_cb (the job's last moment): the file change that ended the job,
 * or NULL when the status has another cause.  Non-NULL exactly when the
 * status is -ESTALE or -ERANGE decided by the check above.
 */
const struct copy_fault *copy_job_fault(const struct copy_job *job);

/*
 * The fault for people, e.g. "source /pool/a.vol was truncated (268435456
 * -> 4096 bytes)", "target /pool/b.vol was unlinked", "target /pool/b.vol
 * was replaced by a directory (inode 123 -> 456)".  snprintf's return.
 */
int copy_fault_format(const struct copy_fault *f, char *buf, size_t len);

/*
 * Start a copy.  Only the checks that need no system call run synchronously
 * (arguments, mode, src_path != dst_path, resume_from chunk aligned and not
 * beyond a non-zero `length`, engine not closing): on failure returns -errno
 * (-EINVAL, -ECANCELED, -ENOMEM) and calls no callback.  On success *out (may
 * be NULL) is the job, owned by the engine until done_cb returns.
 *
 * The volumes are opened and checked on the thread pool before the first
 * chunk (an open can block for tens of milliseconds; the loop must not), so
 * after copy_job_start returned 0 those failures arrive through done_cb,
 * never from within copy_job_start, with the errno and err_offset =
 * resume_from and nothing written: -ENOENT, -EACCES, -EROFS, -EISDIR,
 * -ENOTBLK (neither a file nor a device), -EINVAL (source and target are the
 * same volume, `length` beyond the source or resume_from beyond the copy),
 * -ENOSPC (target smaller than the copy), -ERANGE (a volume is not its
 * src_size/dst_size; copy_job_fault says which), or the digest map's
 * -errno.  Until
 * then the progress has bytes_total = `length` (0 if the source size is not
 * known yet) and checkpoint = resume_from; copy_job_cancel works as always.
 */
int copy_job_start(struct copy_engine *e, const struct copy_spec *spec,
    copy_progress_cb progress_cb, copy_done_cb done_cb, void *arg,
    struct copy_job **out);
/* Ask the job to stop at the next chunk boundary; done_cb gets -ECANCELED. */
void copy_job_cancel(struct copy_job *job);
void copy_job_get_progress(const struct copy_job *job, struct copy_progress *p);
/* Change the job's rate limit (bytes/s, 0 = unlimited). */
void copy_job_set_rate(struct copy_job *job, uint64_t rate_limit);

#endif /* ARRAYD_BLOCKDEV_H */
