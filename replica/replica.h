/* SPDX-License-Identifier: ISC */
/*
 * replica.h - the array's copy-services model: volumes, replica pairs,
 * jobs, the replica state machine, the copy queue, and their persistence.
 *
 * This layer knows neither XML nor libuv.  It is driven by method calls
 * (attach, create, modify, job state change) and by copy events the daemon
 * forwards from the copy engine; it acts on the world only through the
 * injected `struct replica_ops` (start/cancel a copy, create/remove a
 * backing file, the clock), so unit tests drive it with fakes.  Every state
 * change is committed to SQLite in one transaction before the call returns.
 *
 * Return values of the method entry points are the CIM method return values
 * of CONTRACT.md §4 (0, 1, 4, 5, 6, 4096) in *rc; the function itself
 * returns 0, or -errno for an internal failure (store write failed, ...).
 */
#ifndef ARRAYD_REPLICA_H
#define ARRAYD_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"

struct replica_set;

/* Method return values (CIM_StorageConfigurationService). */
#define REPLICA_RC_OK		0u
#define REPLICA_RC_NOT_SUPPORTED 1u
#define REPLICA_RC_FAILED	4u
#define REPLICA_RC_INVALID	5u
#define REPLICA_RC_IN_USE	6u
#define REPLICA_RC_JOB_STARTED	4096u
/* CreateOrModifyElementFromStoragePool: the size cannot be had. */
#define REPLICA_RC_SIZE_NOT_SUPPORTED 4097u

/* ModifySynchronization.Operation values. */
enum replica_op {
	REPLICA_OP_DETACH = 2,
	REPLICA_OP_FRACTURE = 3,
	REPLICA_OP_RESYNC = 4,
	REPLICA_OP_RESTORE = 5,
	REPLICA_OP_START_COPY = 12,
	REPLICA_OP_STOP_COPY = 13,
};

/* SyncState values (CIM_StorageSynchronized). */
enum sync_state {
	SYNC_INITIALIZED = 2,
	SYNC_RESYNC_IN_PROGRESS = 5,
	SYNC_RESTORE_IN_PROGRESS = 10,
	SYNC_IDLE = 11,
	SYNC_BROKEN = 12,
	SYNC_FROZEN = 14,
	SYNC_COPY_IN_PROGRESS = 15,
};
const char *sync_state_name(unsigned s);	/* "Frozen" ... */

/* JobState values (CIM_ConcreteJob). */
enum job_state {
	JOB_NEW = 2,
	JOB_RUNNING = 4,
	JOB_COMPLETED = 7,
	JOB_TERMINATED = 8,
	JOB_EXCEPTION = 10,
};
const char *job_state_name(unsigned s);		/* "Running" ... */

enum pair_kind { PAIR_PC, PAIR_VC };

/* How a job copies, recorded when it is created (step.c). */
enum replica_copy_mode {
	REPLICA_COPY_FULL,	/* every chunk (create, Start Copy) */
	REPLICA_COPY_DIFF,	/* only differing chunks (Resync, Restore) */
	REPLICA_COPY_CLONE,	/* point-in-time image: reflink where possible */
	/*
	 * Only the ranges whose extents differ from a base (the previous
	 * sync image for a Resync, the target itself for a Restore), read
	 * from the job's point-in-time image (image.c).
	 */
	REPLICA_COPY_EXTENTS,
};

/*
 * The point-in-time image a physical copy reads (image.c): none (the copy
 * reads its live source: a pool without reflink, point_in_time = no, a
 * block device, FICLONE refused), being taken (the job waits, its answer
 * too), or taken and durable.
 */
enum replica_image {
	REPLICA_IMAGE_NONE,
	REPLICA_IMAGE_TAKING,
	REPLICA_IMAGE_READY,
};
const char *replica_image_name(enum replica_image i);	/* "ready" ... */

enum job_kind {
	JOB_KIND_PC_CREATE,	/* AttachOrModifyReplica / AttachReplica */
	JOB_KIND_CLONE_CREATE,	/* CreateReplica CopyType 5 */
	JOB_KIND_RESYNC,	/* ModifySynchronization 4 */
	JOB_KIND_RESTORE,	/* ModifySynchronization 5 */
	JOB_KIND_START_COPY,	/* ModifySynchronization 12 */
	JOB_KIND_SNAPSHOT,	/* CreateReplica CopyType 4: internal, hidden */
};
const char *job_kind_name(enum job_kind k);	/* 3PAR task type: "vv_copy" ... */

struct rvolume {
	uint32_t id;			/* DeviceID */
	char name[32];			/* ElementName, 1-31 of [A-Za-z0-9_.-] */
	char pool[64];			/* pool name */
	char *path;			/* backing file or block device */
	uint64_t size;			/* bytes, multiple of 512 */
	bool is_snapshot;		/* a virtual copy (VC target) */
	uint32_t parent_id;		/* snapshot: its base volume */
	bool configured;		/* declared in the configuration */
	bool failed;			/* OperationalStatus Error: copy into it failed/halted */
	bool missing;			/* backing store lost (health.c) */
	int missing_why;		/* why (-errno, replica__vol_lost_text) */
	int64_t created_us;
	/* What was at `path` when last found healthy (not persisted). */
	bool found;
	uint64_t found_dev, found_ino, found_rdev;
	/*
	 * A snapshot: the bytes of its file no other file shares (what
	 * deleting it gives back), measured off the loop (space.c); not
	 * persisted.  unshared_known false: not measured yet.
	 */
	uint64_t unshared;
	bool unshared_known;
};

/* What replica_ops.volume_check found at a volume's path. */
struct rvolume_stat {
	uint64_t dev, ino;		/* which file or device node it is */
	uint64_t rdev;			/* the device a node names, 0 for a file */
	uint64_t size;			/* bytes, when `sized` */
	bool sized;			/* false: a device's size, not read */
};

struct rpair {
	uint32_t src_id;		/* SystemElement */
	uint32_t tgt_id;		/* SyncedElement */
	enum pair_kind kind;		/* PC (ReplicaType 2) or VC (4) */
	uint16_t copy_type;		/* 4 UnSyncAssoc, 5 UnSyncUnAssoc */
	uint16_t sync_state;		/* enum sync_state */
	int64_t when_synced_us;		/* 0 = NULL */
	uint64_t job_id;		/* job of the running/queued copy, 0 none */
	int percent_synced;		/* -1 = NULL */
	/*
	 * The sync image kept after the last successful copy (a PC on a
	 * point-in-time pool): the id of the job that took it, 0 none.  A
	 * Resync compares its new image with this one.
	 */
	uint64_t sync_image;
};

struct rjob {
	uint64_t id;			/* task id, never reused */
	enum job_kind kind;
	enum replica_copy_mode mode;	/* how its copy runs (step.c) */
	bool reverse;			/* copies SyncedElement -> SystemElement */
	uint16_t state;			/* enum job_state */
	uint16_t percent;		/* 0..100, never NULL */
	int64_t submitted_us, started_us, ended_us, last_change_us;	/* 0 = NULL */
	uint16_t error_code;		/* 0 unless Exception */
	char error_desc[256];		/* "" = NULL */
	char owner[64];			/* user that called the method */
	char method[32];		/* "AttachOrModifyReplica", ... */
	uint32_t rc;			/* return value of that call (4096) */
	uint32_t src_id, tgt_id;	/* source and target volumes */
	uint16_t copy_type;		/* CopyType argument, 0 if none */
	uint16_t operation;		/* Operation argument, 0 if none */
	char element_name[32];		/* ElementName argument, "" if none */
	bool hidden;			/* internal (snapshot creation): no CIM instance */
	uint64_t bytes_total, bytes_done, checkpoint;
	uint64_t bytes_written;
	enum replica_image image;	/* what its copy reads (image.c) */
	int64_t image_us;		/* READY: the instant it shows, 0 NULL */
	uint64_t image_base;		/* COPY_EXTENTS Resync: the job id of
					 * the sync image it compares with */
};

/*
 * What a copy reads and compares with, for replica_ops.copy_start: the
 * point-in-time image (or the live source's file) and, for
 * REPLICA_COPY_EXTENTS, the file whose extents it compares with.
 */
struct replica_copy_from {
	const char *src_path;		/* read this (image or src->path) */
	const char *base_path;		/* COPY_EXTENTS: compare; else NULL */
	bool clone_ranges;		/* Restore: FICLONERANGE where aligned */
};

/* Who called, recorded in the job (Owner) and MethodResult. */
struct replica_caller {
	const char *user;
	const char *method;		/* spelled as the client spelled it */
};

struct replica_result {
	uint32_t rc;
	uint64_t job_id;		/* 0: no job (Job out parameter omitted) */
	uint32_t target_id;		/* CreateReplica: the new volume, 0 none */
};

/*
 * A committed change, announced through replica_ops.changed (announce,
 * don't poll): which record, how, and its state before and after.
 * `before` is NULL for a creation, `after` NULL for a deletion; both point
 * at copies valid only during the call.
 */
enum replica_what { REPLICA_VOLUME, REPLICA_PAIR, REPLICA_JOB };
enum replica_change { REPLICA_CREATED, REPLICA_MODIFIED, REPLICA_DELETED };
struct replica_event {
	enum replica_what what;
	enum replica_change change;
	union {
		const struct rvolume *vol;
		const struct rpair *pair;
		const struct rjob *job;
	} before, after;
};

struct replica_ops {
	void *ctx;
	/*
	 * Start copying `src` onto `tgt` for job `job_id`, from byte
	 * `resume_from`.  Returns 0 (the daemon later calls
	 * replica_on_copy_progress/replica_on_copy_done) or -errno (the job
	 * fails at once: pair Broken, job Exception).  Called (like
	 * copy_cancel) only once the change that asks for it is committed to
	 * the store, never from inside a store transaction.
	 */
	int (*copy_start)(void *ctx, uint64_t job_id, const struct rvolume *src,
	    const struct rvolume *tgt, enum replica_copy_mode mode,
	    uint64_t resume_from, const struct replica_copy_from *from);
	/* Ask a running copy to stop; replica_on_copy_done(-ECANCELED) follows. */
	void (*copy_cancel)(void *ctx, uint64_t job_id);
	/*
	 * Take the point-in-time image of job `job_id`: a clone of the file
	 * `src` made as the new file `dst` (its folder created if missing),
	 * file and folder durable.  Returns 0, then
	 * replica_on_image_done() follows (never from inside this call), or
	 * -errno with no call to follow.  Called after the commit that
	 * records the image.  May be NULL: no pool takes images.
	 */
	int (*image_take)(void *ctx, uint64_t job_id, const char *src,
	    const char *dst);
	/* Remove image `path` (after the commit that forgot it). */
	void (*image_drop)(void *ctx, const char *path);
	/*
	 * Measure the bytes of snapshot `id`'s file at `path` that no other
	 * file shares.  0, then replica_on_volume_measured() follows (never
	 * from inside this call), or -errno.  May be NULL: snapshots then
	 * count their size.
	 */
	int (*volume_measure)(void *ctx, uint32_t id, const char *path);
	/* Create the backing file of a new volume (sparse, v->size). 0 or -errno. */
	int (*volume_create)(void *ctx, const struct rvolume *v);
	/* Remove the backing file of a volume arrayd created. 0 or -errno. */
	int (*volume_remove)(void *ctx, const struct rvolume *v);
	/*
	 * Make the backing file of v (a regular file arrayd created) `size`
	 * bytes long, durably (ftruncate + fsync).  Never shrinks data a
	 * caller did not ask to drop.  0 or -errno.  May be NULL: volumes
	 * then cannot grow (answer Not Supported).
	 */
	int (*volume_resize)(void *ctx, const struct rvolume *v, uint64_t size);
	/*
	 * The file system holding folder `path`: its size and what is free
	 * for arrayd, in bytes (statvfs).  0 or -errno.  May be NULL: pools
	 * then have no known capacity and no provisioning limit.
	 */
	int (*pool_space)(void *ctx, const char *path, uint64_t *capacity,
	    uint64_t *free);
	/*
	 * Look at the backing store at v->path: 0 with *out, or -errno
	 * (-ENOENT gone, -ENODEV a device gone, -ENOTBLK neither a regular
	 * file nor a block device).  `deep` may open a device to read its
	 * size; else nothing that can block (stat(2), sysfs), cheap enough
	 * for every request.  The replica set decides whether
	 * what it found is still the volume (volume health, health.c).
	 */
	int (*volume_check)(void *ctx, const struct rvolume *v, bool deep,
	    struct rvolume_stat *out);
	/* Wall clock, microseconds since the epoch. */
	int64_t (*now_us)(void *ctx);
	/*
	 * One line per event with its object, e.g.
	 * "pair 101->102: resync started (job 17)".  May be NULL.
	 */
	void (*log)(void *ctx, enum log_level level, const char *msg);
	/*
	 * Called once per changed record after the transaction that changed
	 * it commits (never for a rolled-back change), in commit order, and
	 * for a running job when a checkpoint saves its progress.  It may
	 * read the replica set but must not change it.  May be NULL.
	 */
	void (*changed)(void *ctx, const struct replica_event *ev);
};

struct replica_config {
	const char *db_path;		/* SQLite file in the state directory */
	const char *system_name;	/* NULL/"" = chosen at first start, persisted */
	unsigned max_copy_tasks;	/* default 2 */
};

/* ------------------------------------------------------------ lifecycle */

/*
 * Open (creating if needed) the store and load volumes, pairs and jobs.
 * No copy starts yet.  On failure returns -errno and writes a message for
 * people into errbuf (e.g. "state.db: schema version 9 is newer than 1").
 * On success *out is owned by the caller (replica_set_free).
 */
int replica_set_open(const struct replica_config *cfg,
    const struct replica_ops *ops, struct replica_set **out,
    char *errbuf, size_t errlen);
void replica_set_free(struct replica_set *rs);	/* accepts NULL */

/* Pools of the configuration: name and the folder new volumes go to. */
int replica_pool_add(struct replica_set *rs, const char *name,
    const char *path);
const char *replica_pool_path(const struct replica_set *rs, const char *name);
/*
 * How much a pool may promise, in percent of its file system's size: the
 * sum of the sizes of its volumes (snapshots excepted) never exceeds it.
 * 0 = no limit.  Default REPLICA_OVERPROVISION_DEFAULT.  -ENOENT: no pool.
 */
#define REPLICA_OVERPROVISION_DEFAULT 400u
int replica_pool_set_overprovision(struct replica_set *rs, const char *name,
    unsigned percent);
/*
 * Point-in-time mode of a pool (the daemon probes reflink and reads the
 * pool's point_in_time key): physical copies from a file volume of this
 * pool read an image of their source taken when the method is accepted.
 * Default false.  A change applies to the next copy.  -ENOENT: no pool.
 */
int replica_pool_set_point_in_time(struct replica_set *rs, const char *name,
    bool on);
bool replica_pool_point_in_time(const struct replica_set *rs,
    const char *name);

/*
 * Register a configured volume.  `id` 0 = use the id persisted for this
 * name, or assign a new one and persist it.  Fails with -EEXIST when the
 * id or name belongs to another volume.  *id_out gets the id.
 */
int replica_volume_configure(struct replica_set *rs, const char *name,
    const char *pool, const char *path, uint64_t size, uint32_t id,
    uint32_t *id_out);

/*
 * After pools and volumes are registered: check every volume's backing
 * store, resume every copy that was running from its checkpoint (same job),
 * start queued ones, turn pairs whose volume vanished Broken with their job
 * in Exception.
 */
int replica_set_start(struct replica_set *rs);

/*
 * Volume health (a lost backing store degrades one volume, never the
 * array).  A volume whose file or device is gone, is no longer a regular
 * file or block device, names another inode than when it was found, or is
 * smaller than the volume turns `missing` (OperationalStatus Error): logged
 * once, its pairs Broken (a copy running on it is cancelled, its job ends
 * Exception naming the volume and its file), copies from or onto it refused
 * with 4.  Only replica_volumes_rescan (SIGHUP) or a restart finds it again.
 *
 * replica_volume_probe: look at one volume now (stat only).  Returns 0 when
 * healthy, -ENOENT for no such volume, -ENODEV when lost, or the -errno of
 * a store write that failed.
 */
int replica_volume_probe(struct replica_set *rs, uint32_t id);
/*
 * SIGHUP: every lost volume whose backing store is usable again is healthy
 * again (a configured volume takes its file's size, an arrayd-created one
 * needs at least its size); its pairs stay Broken until a client restarts
 * their copy.  Every other volume is looked at too.  0 or -errno.
 */
int replica_volumes_rescan(struct replica_set *rs);

/* New limit; queued copies start if slots opened. */
void replica_set_max_copy_tasks(struct replica_set *rs, unsigned n);

/*
 * Shutdown: cancel running copies but keep their jobs Running with the
 * checkpoint persisted, so the next start resumes them.
 */
void replica_set_shutdown(struct replica_set *rs);
/* Number of copies still running (shutdown waits for 0). */
unsigned replica_set_active_copies(const struct replica_set *rs);

const char *replica_system_name(const struct replica_set *rs);

/* -------------------------------------------------------------- methods */

/* AttachOrModifyReplica / AttachReplica. */
int replica_attach(struct replica_set *rs, uint32_t src_id, uint32_t tgt_id,
    uint16_t copy_type, const struct replica_caller *who,
    struct replica_result *out);

/*
 * CreateReplica.  `name` NULL = "<source>.<n>"; `pool` NULL = the source's
 * pool.  Invalid names -> rc 5, name in use -> 4.
 */
int replica_create(struct replica_set *rs, uint32_t src_id, const char *name,
    const char *pool, uint16_t copy_type, const struct replica_caller *who,
    struct replica_result *out);

/* ModifySynchronization on the pair (src_id, tgt_id); no such pair -> rc 4. */
int replica_modify(struct replica_set *rs, uint16_t operation,
    uint32_t src_id, uint32_t tgt_id, const struct replica_caller *who,
    struct replica_result *out);

/*
 * CreateElementReplica Clone, Mode 3, without TargetElement (Replication
 * Services): a new volume `name` (NULL: "<source>.<n>") in `pool` (NULL:
 * the source's) of the source's size, made as replica_volume_provision
 * makes one, and a physical copy onto it that keeps its association, as
 * replica_attach CopyType 4 starts one.  If the copy cannot start, the new
 * volume is deleted again: no half-made volume.  out->rc as CreateReplica
 * (5 bad name or pool, 4 name in use, source missing or written, no room
 * under the pool's limit) or 4096 with out->job_id and out->target_id.
 */
int replica_create_attached(struct replica_set *rs, uint32_t src_id,
    const char *name, const char *pool, const struct replica_caller *who,
    struct replica_result *out);

/*
 * ModifyReplicaSynchronization 19 (Return To ResourcePool) of a physical
 * copy pair: the pair and its target volume go, as Detach followed by
 * ReturnToStoragePool of the target, everything checked first.  *rc 0;
 * 4 no such pair; 5 not a physical copy pair; 6 its copy is queued or
 * running, or the target could not be deleted (declared in the
 * configuration, another pair or copy uses it).
 */
int replica_pair_return_target(struct replica_set *rs, uint32_t src_id,
    uint32_t tgt_id, const struct replica_caller *who, uint32_t *rc);

/* TPD_ConcreteJob.RequestStateChange; *rc per CONTRACT.md §5. */
int replica_job_request_state(struct replica_set *rs, uint64_t job_id,
    uint16_t requested_state, uint32_t *rc);

/* DeleteInstance of a job: 0, -ENOENT, -EBUSY (still New/Running). */
int replica_job_delete(struct replica_set *rs, uint64_t job_id);

/* ---------------------------------------------------------- copy events */

/*
 * A copy moved.  `last`: these are its final numbers and its outcome
 * (replica_on_copy_done / _volume_changed) follows at once; they are kept
 * in memory for that change to save, and no checkpoint is written.
 */
void replica_on_copy_progress(struct replica_set *rs, uint64_t job_id,
    uint64_t bytes_done, uint64_t bytes_total, uint64_t checkpoint,
    uint64_t bytes_written, bool last);
/*
 * status 0: the target is durable and identical; -ECANCELED: stopped as
 * asked; other -errno: failed (detail is a human text, may be NULL).
 */
void replica_on_copy_done(struct replica_set *rs, uint64_t job_id,
    int status, const char *detail);

/*
 * The image of job `job_id` was taken (status 0, `taken_us` the clock
 * just before the clone) or not (-errno, `detail` may be NULL).  FICLONE
 * refused (-EOPNOTSUPP, -EXDEV, -EPERM, -EDQUOT, -EINVAL, -ETXTBSY): the
 * copy reads its live source, logged once per pool; any other error (no
 * space, I/O): the pair is Broken, the job in Exception with the error.
 * -EACCES / -EROFS / -ENOSYS (no images' folder can be made) count as
 * refused too.
 */
void replica_on_image_done(struct replica_set *rs, uint64_t job_id,
    int status, int64_t taken_us, const char *detail);
/*
 * The path of the image of job `job_id` of pair (src, tgt) taken from the
 * file `imaged`: <folder of imaged>/.arrayd-images/<src>-<tgt>-g<job>.img.
 * 0 or -ENAMETOOLONG.
 */
int replica_image_path(const char *imaged, uint32_t src, uint32_t tgt,
    uint64_t job_id, char *buf, size_t len);
/* Does a pair or an active job still name image file `path`? */
bool replica_image_in_use(const struct replica_set *rs, const char *path);

/*
 * Snapshot space (space.c).  replica_snapshots_measure asks for a new
 * measurement of the snapshots of base volume `base_id` (0: of every
 * base); done by the replica set itself after a snapshot is made or a
 * Restore ends, by the daemon periodically, by UpdateDeltaSnapshotSpace.
 * The measurement lands through replica_on_volume_measured (status 0 with
 * the bytes, or -errno: the old figure stays).  replica_snapshot_space is
 * what a base volume's snapshots hold: measured bytes, or a snapshot's
 * size while it has not been measured.
 */
void replica_snapshots_measure(struct replica_set *rs, uint32_t base_id);
void replica_on_volume_measured(struct replica_set *rs, uint32_t id,
    int status, uint64_t bytes);
uint64_t replica_snapshot_space(const struct replica_set *rs,
    uint32_t base_id);

/* Which volume of a copy changed under it. */
enum replica_copy_side {
	REPLICA_SIDE_SOURCE,	/* the volume read (a Restore reads the pair's target) */
	REPLICA_SIDE_TARGET,	/* the volume written */
};
/*
 * A copy ended because the backing file of one of its volumes changed
 * under it (the engine checks at open, every chunk and before success):
 * status -ESTALE when the file is no longer the volume's (unlinked,
 * replaced, moved: what the path names now is not what was copied) or
 * -ERANGE when its size changed or was not the volume's size at (re)open;
 * `detail` names the file and the change ("target /p/b.vol was
 * unlinked").  Logged at error level with the volume, then ends as
 * replica_on_copy_done(status, detail): job Exception, pair Broken.
 * replica_copy_side_volume() gives the volume such an event is about.
 */
void replica_on_copy_volume_changed(struct replica_set *rs, uint64_t job_id,
    enum replica_copy_side side, int status, const char *detail);
/* The volume id a copy of job `j` reads (SOURCE) or writes (TARGET). */
uint32_t replica_copy_side_volume(const struct rjob *j,
    enum replica_copy_side side);

/* ------------------------------------------ Block Services (provision.c) */

/*
 * Volume sizes as a 3PAR allocates them: whole multiples of 256 MiB
 * (rounded up), at most 16 TiB.
 */
#define REPLICA_VOLUME_GRANULE	(256ull << 20)
#define REPLICA_VOLUME_MAX	(16ull << 40)

/* A pool's space, all in bytes. */
struct replica_pool_usage {
	uint64_t capacity;		/* its file system's size, 0 unknown */
	uint64_t free;			/* free there for arrayd */
	uint64_t provisioned;		/* sizes of its volumes, snapshots excepted */
	uint64_t limit;			/* most it may promise, UINT64_MAX none */
	unsigned volumes;		/* how many, snapshots included */
	unsigned overprovision;		/* percent, 0 = no limit */
};
/* 0 with *u, -ENOENT when there is no such pool. */
int replica_pool_usage(const struct replica_set *rs, const char *pool,
    struct replica_pool_usage *u);
/*
 * The sizes a new volume of `pool` may have now: *min, *max (0 when
 * nothing fits) and *divisor (every size is a multiple).  0 or -ENOENT.
 */
int replica_pool_size_range(const struct replica_set *rs, const char *pool,
    uint64_t *min, uint64_t *max, uint64_t *divisor);

/*
 * CreateOrModifyElementFromStoragePool without TheElement: a new sparse
 * file volume `name` (NULL: "vv.<n>") in `pool`, `size` bytes rounded up
 * to REPLICA_VOLUME_GRANULE.  Durable (file, folder, commit) before it
 * returns.  out->rc: 0 with out->target_id and *size_out the real size;
 * 5 bad name or no such pool; 4 name in use or the file cannot be made;
 * 4097 size 0 or beyond the pool's limit, 16 TiB or the file system, with
 * *size_out the nearest size the pool can give (0: none).
 */
int replica_volume_provision(struct replica_set *rs, const char *name,
    const char *pool, uint64_t size, const struct replica_caller *who,
    struct replica_result *out, uint64_t *size_out);
/*
 * ... with TheElement: grow volume `id` to `size` rounded up.  *rc 0
 * (also when it already is that size); 5 no such volume or a snapshot;
 * 6 in a pair or a copy, or declared in the configuration; 4097 smaller
 * than it is (3PAR never shrinks) or beyond the limits above.  *size_out
 * gets the volume's size afterwards, or for 4097 the nearest possible.
 */
int replica_volume_grow(struct replica_set *rs, uint32_t id, uint64_t size,
    const struct replica_caller *who, uint32_t *rc, uint64_t *size_out);
/*
 * ReturnToStoragePool: delete volume `id` and its file.  A snapshot goes
 * with its pair.  *rc 0; 5 no such volume; 6 a copy reads or writes it,
 * it is the source of a pair or the target of a physical copy pair, or
 * the configuration declares it.
 */
int replica_volume_return(struct replica_set *rs, uint32_t id,
    const struct replica_caller *who, uint32_t *rc);

/* Volumes made and deleted through CIM since start (status, metrics). */
struct replica_counters {
	uint64_t volumes_created, volumes_deleted;
};
void replica_counters_get(const struct replica_set *rs,
    struct replica_counters *out);

/* -------------------------------------------------------------- queries */

/* Iteration in ascending id order; pointers stay valid until the next
 * mutating call. */
size_t replica_volume_count(const struct replica_set *rs);
const struct rvolume *replica_volume_at(const struct replica_set *rs, size_t i);
const struct rvolume *replica_volume_by_id(const struct replica_set *rs,
    uint32_t id);
const struct rvolume *replica_volume_by_name(const struct replica_set *rs,
    const char *name);

size_t replica_pair_count(const struct replica_set *rs);
const struct rpair *replica_pair_at(const struct replica_set *rs, size_t i);
const struct rpair *replica_pair_find(const struct replica_set *rs,
    uint32_t src_id, uint32_t tgt_id);

/* Hidden jobs are included; callers skip them for CIM. */
size_t replica_job_count(const struct replica_set *rs);
const struct rjob *replica_job_at(const struct replica_set *rs, size_t i);
const struct rjob *replica_job_by_id(const struct replica_set *rs,
    uint64_t id);

/*
 * Checkpoint the state database's WAL (fsyncs it and the file) through a
 * connection of its own.  Touches no replica_set, so it may run on a worker
 * thread while the loop keeps committing.  Returns 0 or -errno.
 */
int replica_checkpoint_db(const char *db_path);

/* Is this a valid volume name (1-31 of A-Z a-z 0-9 _ . -)? */
bool replica_name_valid(const char *name);

#endif /* ARRAYD_REPLICA_H */
