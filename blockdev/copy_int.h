/* SPDX-License-Identifier: ISC */
/*
 * copy_int.h - the structures of the copy engine, shared by copy.c (loop
 * side: scheduling, progress, completion) and chunk.c (thread-pool side:
 * the I/O of one chunk).  Fields marked "loop" are touched only on the loop
 * thread; a chunk's "worker" fields only by the thread running it, and read
 * by the loop after uv_queue_work's after-callback (which orders them).
 */
#ifndef ARRAYD_BLOCKDEV_COPY_INT_H
#define ARRAYD_BLOCKDEV_COPY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "blockdev/blockdev.h"
#include "blockdev/blockdev_int.h"

#define COPY_BLOCK	4096u		/* zero-detection and O_DIRECT unit */
/*
 * Every chunk fstats both files; a chunk at most every this many ms also
 * stats both paths (a path lookup costs more than the fstat, and only a
 * file renamed away escapes the fstat; the final check always looks).
 */
#define COPY_PATH_CHECK_MS	100u
/*
 * Streaming write-back (buffered writes): the target's pages further than
 * this behind the copy are waited for and dropped; so much written data
 * may be on its way to the disk at once (it lets the block layer queue
 * deep) and at most this much plus the chunks in flight is in the cache.
 */
#define COPY_WB_WINDOW	(32ull << 20)

/* One chunk's digest: XXH3-128 in canonical (big-endian) byte order. */
struct copy_digest {
	unsigned char b[16];
};

/* The digest map of a job's target (digest.c); fds and flags set by the
 * map's prepare work before the first chunk, read-only for chunks. */
struct copy_map {
	char *path, *tmp;		/* NULL: no map for this job */
	uint64_t src_id;		/* caller's source identity, 0 = dev/ino */
	int old_fd;			/* valid previous map (DIFF), or -1 */
	int new_fd;			/* <path>.tmp being built, or -1 */
	bool use_old, write_new;
	bool failed;			/* loop: an entry could not be stored */
	bool committed;			/* sync work: renamed into place */
	uint64_t from_dev, from_ino, from_gen;	/* old map: read from */
	struct copy_digest zero_full, zero_tail;
};

/*
 * A COPY_EXTENTS job (copy_ext.c): set by copy__ext_init on the loop, the
 * rest by the prepare work; read-only for chunks but `clone_off`.
 */
struct copy_ext {
	char *base_path;		/* NULL: not an extents job */
	bool restore;			/* base_path is the target */
	bool clone_ranges;
	bool fell_back;			/* the job runs as COPY_DIFF */
	uint64_t *bits;			/* one bit per chunk: changed */
	uint64_t nchunks;
	uint64_t changed;		/* bytes of the changed chunks */
	bool clone_off;			/* FICLONERANGE refused once: copy */
};

/* What a volume was when the copy opened it (verify.c). */
struct copy_ident {
	uint64_t dev, ino;
	uint64_t nlink;
	uint64_t size;			/* st_size, or BLKGETSIZE64 of a device */
	bool blk;
};

struct copy_chunk {
	uv_work_t work;
	struct copy_job *job;
	bool busy;			/* loop: queued or running */
	bool clone;			/* loop: a whole-volume reflink attempt */
	uint64_t off, len;		/* loop: the range asked */
	void *buf, *buf2;		/* chunk-sized, COPY_BLOCK aligned */
	/* worker results */
	int err;
	uint64_t end;			/* covered [off, end); > off+len for holes */
	uint64_t io_bytes;		/* bytes read from the source */
	uint64_t written;		/* bytes written or zeroed on the target */
	bool skipped;			/* nothing written (hole, equal, zero) */
	uint64_t cloned;		/* bytes FICLONERANGE'd (COPY_EXTENTS) */
	int map_err;			/* the new map entry was not stored */
	bool target_read;		/* DIFF compared by reading the target */
	bool check_paths;		/* loop: this chunk also stats the paths */
	uint64_t settle_off, settle_len;	/* loop: target range to settle */
	bool wb_failed;			/* err is a settled range's write-back */
	bool faulted;			/* err is the file change in `fault` */
	struct copy_fault fault;
};

struct copy_job {
	struct copy_engine *e;
	const struct bdev_io_ops *io;	/* the engine's; every chunk's calls */
	struct copy_job *prev, *next;	/* engine's list of running jobs */
	int sfd, dfd;			/* buffered */
	int sfd_direct, dfd_direct;	/* O_DIRECT or -1 */
	bool dst_blk;
	bool dst_empty;			/* file target with nothing allocated at start */
	enum copy_mode mode;
	enum copy_io_method method;
	uint32_t chunk_size;
	uint64_t length;
	uint64_t start_off;		/* resume_from */
	uint64_t next_off;		/* next chunk to dispatch */
	uint64_t ckpt_limit;		/* lowest chunk that failed or was dropped */
	uint64_t skip_mark;		/* hole ranges counted up to here */
	struct copy_progress prog;
	struct copy_chunk *chunks;
	unsigned nchunks, inflight;
	uint64_t rate;
	uint64_t rate_t0, rate_bytes;
	uv_timer_t timer;		/* rate limit waits and deferred pumps */
	uv_work_t sync_work;
	uv_work_t end_work;		/* closes fds and map off the loop */
	int end_status;			/* loop: what done_cb will report */
	uint64_t end_off;
	struct copy_map map;
	struct copy_ext ext;
	/*
	 * Before its first chunk a job is prepared on the thread pool: the
	 * volumes opened and checked, then the map (if any) prepared.  The
	 * paths and the asked length are only read by that work.
	 */
	char *src_path, *dst_path;
	uint64_t req_length;		/* spec->length (0 = source size) */
	bool direct;			/* try O_DIRECT fds too */
	bool direct_writes;		/* write through dfd_direct */
	bool cache_probe;		/* read cached ranges buffered */
	uint64_t settle_mark;		/* loop: target settled below this */
	uv_work_t prep_work;
	bool prep_busy;			/* loop: the prepare work runs */
	bool prepared;			/* loop: volumes open and checked */
	int prep_err;			/* worker: result of the prepare */
	bool prep_faulted;		/* worker: prep_err is a file change */
	int sync_err;
	bool sync_faulted;		/* worker: sync_err is a file change */
	/*
	 * The volumes as opened (set by the prepare work, then read-only) and
	 * the file change that ended the job (loop; from a chunk, the sync
	 * work or the prepare work after their after-callback).
	 */
	struct copy_ident sident, dident;
	uint64_t src_size, dst_size;	/* spec's expected sizes, 0 = any */
	uint64_t paths_checked_ms;	/* loop: last chunk sent to stat the paths */
	bool faulted;
	struct copy_fault fault;
	bool cloning, clone_tried;
	bool cancelled, syncing, done;
	int err;
	uint64_t err_off;
	copy_progress_cb progress_cb;
	copy_done_cb done_cb;
	void *arg;
};

struct copy_engine {
	uv_loop_t *loop;
	struct copy_engine_opts opts;
	enum copy_io_method method;
	bool cache_probe;
	unsigned inflight;		/* chunks across all jobs */
	struct copy_job *head, *tail;	/* running jobs, round-robin order */
	unsigned njobs;			/* jobs not yet freed */
	uv_timer_t handle;		/* closed by copy_engine_close */
	bool closing, handle_closed;
	void (*close_cb)(void *arg);
	void *close_arg;
};

/* chunk.c: run one chunk on a thread-pool thread; fills the worker fields. */
void copy__chunk_run(struct copy_job *job, struct copy_chunk *c);

/*
 * verify.c: note what a volume is (fd of `path`); check that the job's two
 * volumes still are what they were: always an fstat of each; a stat of
 * each path too when `paths` (and whenever the fstat saw a change).
 * copy__verify returns 0, -ESTALE or -ERANGE with *f filled, or -errno of
 * a failed fstat.  Thread-pool safe: reads only the job's read-only fields.
 */
int copy__ident_take(int fd, struct copy_ident *out);
int copy__verify(const struct copy_job *job, bool paths, struct copy_fault *f);
/*
 * Prepare work, fds just opened: note both idents (the O_DIRECT fds must
 * be the same files), check spec's sizes, then copy__verify.
 */
int copy__verify_open(struct copy_job *job, struct copy_fault *f);

/* digest.c: the digest map (see there for the rules). */
int copy__map_init(struct copy_job *job, const char *path);
int copy__map_prepare(struct copy_job *job);
int copy__map_get(const struct copy_job *job, uint64_t idx, unsigned n,
    struct copy_digest *out);
int copy__map_put(const struct copy_job *job, uint64_t idx, uint64_t n,
    const struct copy_digest *d);
int copy__map_commit(struct copy_job *job);
void copy__map_close(struct copy_job *job);
void copy__digest(const void *buf, uint64_t len, struct copy_digest *out);
const struct copy_digest *copy__digest_zero(const struct copy_job *job,
    uint64_t off);

/* digest.c: a new map starts as the old one (COPY_EXTENTS keeps the
 * entries of the chunks it does not copy).  0 or -errno. */
int copy__map_keep_old(const struct copy_job *job);
/* digest.c: is `fd` the file the valid old map's entries were read from
 * (dev, inode, generation)?  False without a valid old map. */
bool copy__map_from(const struct copy_job *job, int fd);

/*
 * copy_ext.c, COPY_EXTENTS (rules in blockdev.h at copy_spec.base_path).
 * Loop: copy__ext_init (job start; 0 or -ENOMEM), copy__ext_skip (before
 * each dispatch: next_off to the next changed chunk, the others counted
 * as skipped).  Prepare work, after the map's: copy__ext_prepare (the
 * extent diff, or the fallback to COPY_DIFF; 0 or -errno of a volume).
 * Chunks: copy__ext_run_end (a source hole is punched up to `hole_end` but
 * no further than the changed run at `off`), copy__ext_clone (0 cloned,
 * 1 copy it instead, -errno).  End (worker or loop): copy__ext_release.
 */
int copy__ext_init(struct copy_job *job, const struct copy_spec *spec);
int copy__ext_prepare(struct copy_job *job);
void copy__ext_skip(struct copy_job *job);
uint64_t copy__ext_run_end(const struct copy_job *job, uint64_t off,
    uint64_t hole_end);
int copy__ext_clone(struct copy_job *job, struct copy_chunk *c);
void copy__ext_release(struct copy_job *job);

#endif /* ARRAYD_BLOCKDEV_COPY_INT_H */
