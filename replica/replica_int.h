/* SPDX-License-Identifier: ISC */
/*
 * replica_int.h - internals shared by the files of replica/ (replica.c,
 * volume.c, step.c, copy.c, method.c, txn.c, health.c, announce.c) and
 * its unit tests: the layout of struct replica_set and the helpers one
 * file offers the others.  The store has its own interface (store.h).  Nothing
 * outside replica/ and tests/ may include this file.
 */
#ifndef ARRAYD_REPLICA_INT_H
#define ARRAYD_REPLICA_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "replica/replica.h"
#include "replica/sm.h"

struct store;

/* A job plus what only the running daemon knows about it. */
struct job_ent {
	struct rjob j;			/* first: replica_job_at() points here */
	bool in_engine;			/* copy_start called, copy_done not yet */
	int64_t ckpt_saved_us;		/* last checkpoint write (throttle) */
	uint64_t ckpt_saved;		/* checkpoint value last written */
	bool ckpt_failing;		/* the last checkpoint write failed */
	/*
	 * The progress numbers of j as last announced: progress callbacks
	 * move j between checkpoints without announcing, so a checkpoint's
	 * `before` is j with these (what listeners saw), not the previous
	 * chunk's numbers.
	 */
	struct job_progress {
		uint64_t bytes_total, bytes_done, checkpoint, bytes_written;
		uint16_t percent;
	} announced;
};

/* An engine call a change asks for, made after its commit (txn.c). */
enum txn_act_kind { TXN_ACT_START, TXN_ACT_CANCEL, TXN_ACT_IMAGE };

struct txn_act {
	enum txn_act_kind kind;
	uint64_t job;
	uint64_t resume_from;		/* TXN_ACT_START */
	int rc;				/* TXN_ACT_START: what copy_start said */
};

/* The registries as the store has them, while a change is open (txn.c). */
struct txn_snap {
	struct rvolume *vols;		/* paths owned by the snapshot */
	bool *vol_registered;
	size_t nvols, capvols, capreg;
	struct rpair *pairs;
	size_t npairs, cappairs;
	struct job_ent *jobs;
	size_t njobs, capjobs;
	uint64_t task_id_reserved;
};

struct pool_ent {
	char name[64];
	char *path;
	unsigned overprovision;		/* percent of capacity, 0 = no limit */
	bool point_in_time;		/* copies read an image (image.c) */
	bool refused_logged;		/* FICLONE refused here: said once */
};

struct replica_set {
	struct replica_ops ops;
	struct store *store;
	char system_name[65];
	unsigned max_copy_tasks;
	uint64_t next_task_id;		/* persisted before use */
	uint64_t task_id_reserved;	/* ids below are reserved durably */
	uint32_t next_volume_id;	/* DeviceIDs are never reused */
	struct replica_counters counters;
	bool durable_commit;		/* the open transaction must be synced */
	bool started;			/* replica_set_start ran */
	bool shutting_down;
	bool in_txn;			/* a change is open (txn.c) */
	struct txn_snap snap;		/* memory as committed, while in_txn */
	struct txn_act *acts;		/* engine calls for after the commit */
	size_t nacts, capacts;

	struct rvolume *vols;		/* ascending id */
	bool *vol_registered;		/* parallel: configured this run */
	size_t nvols, capvols;
	struct rpair *pairs;		/* ascending (src_id, tgt_id) */
	size_t npairs, cappairs;
	struct job_ent *jobs;		/* ascending id */
	size_t njobs, capjobs;
	struct pool_ent *pools;
	size_t npools;
};

/* Checkpoint writes from progress events: at most this often per job... */
#define REPLICA_CKPT_INTERVAL_US	1000000
/* ... unless this many bytes were copied since the last write. */
#define REPLICA_CKPT_BYTES		(64ull << 20)

/* Who called, for log lines ("-" when nobody did: start-up, the engine). */
static inline const char *
replica__user(const struct replica_caller *caller)
{
	return caller != NULL && caller->user != NULL ? caller->user : "-";
}

/* replica.c */
void replica__log(struct replica_set *rs, enum log_level level,
    const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t replica__now(struct replica_set *rs);
struct rvolume *replica__vol(struct replica_set *rs, uint32_t id);
struct rpair *replica__pair(struct replica_set *rs, uint32_t src, uint32_t tgt);
struct job_ent *replica__job(struct replica_set *rs, uint64_t id);
int replica__vol_insert(struct replica_set *rs, const struct rvolume *v,
    bool registered);
int replica__pair_insert(struct replica_set *rs, const struct rpair *p);
void replica__pair_remove(struct replica_set *rs, uint32_t src, uint32_t tgt);
int replica__job_insert(struct replica_set *rs, const struct job_ent *je);
void replica__job_remove(struct replica_set *rs, uint64_t id);
int replica__put_vol(struct replica_set *rs, const struct rvolume *v);
int replica__put_pair(struct replica_set *rs, const struct rpair *p);
int replica__put_job(struct replica_set *rs, const struct rjob *j);
int replica__alloc_task_id(struct replica_set *rs, uint64_t *id);
/* The next DeviceID, written in the caller's transaction (volume.c). */
int replica__alloc_volume_id(struct replica_set *rs, uint32_t *id);
/* Note that id is taken (a configured id, a loaded volume). */
void replica__volume_id_seen(struct replica_set *rs, uint32_t id);
/* Drop volume id from memory (its path freed). */
void replica__vol_remove(struct replica_set *rs, uint32_t id);
bool replica__job_active(const struct rjob *j);

/* txn.c */
int replica__txn_begin(struct replica_set *rs);
int replica__txn_commit(struct replica_set *rs, int err);
int replica__txn_defer(struct replica_set *rs, enum txn_act_kind kind,
    uint64_t job_id, uint64_t resume_from);
void replica__txn_free(struct replica_set *rs);
/* After a commit: replica_ops.changed for each record that differs from
 * the transaction's snapshot (announce.c). */
void replica__announce(struct replica_set *rs);
/* A job saved outside a change (a checkpoint): one MODIFIED call, from
 * the job as last announced (je->announced) to je->j. */
void replica__announce_ckpt(struct replica_set *rs, struct job_ent *je);

/* What an event brings besides its name (all optional). */
struct sm_input {
	int err;			/* the outcome or reason, -errno */
	const char *detail;		/* text for a job's Exception, logged */
	const struct replica_caller *who;	/* SM_A_NEW_JOB: the caller */
	uint16_t operation;		/* SM_A_NEW_JOB: the Operation */
	/*
	 * The name the log line gives the event when it stands in for
	 * another (an image that could not be taken breaks the pair as a
	 * lost volume would); NULL: the event's own name.
	 */
	const char *what;
};

/* step.c */
/*
 * One event for pair p: the table looked up once, the cell's actions
 * carried out; *res (may be NULL) gets the cell.  `p` is invalid
 * afterwards when the pair was removed.  Refusals change nothing.
 * A new job's id is p->job_id afterwards.
 */
int replica__step(struct replica_set *rs, struct rpair *p, enum sm_event ev,
    const struct sm_input *in, struct sm_result *res);
/* The same, with the cell a caller looked up (and checked) itself. */
int replica__exec(struct replica_set *rs, struct rpair *p, enum sm_event ev,
    struct sm_result r, const struct sm_input *in);
int replica__grant(struct replica_set *rs, struct job_ent *je);
int replica__new_job(struct replica_set *rs, struct rpair *p,
    const struct rjob *want, const struct replica_caller *who,
    struct job_ent **out);
/* Hand a Running job's copy to the engine once the change commits. */
int replica__copy_begin(struct replica_set *rs, struct rpair *p,
    struct job_ent *je, uint64_t resume_from);
/* Move a job to its final state (no store write, no log line). */
void replica__job_finish(struct replica_set *rs, struct job_ent *je,
    unsigned state, int err, const char *detail);
/* An active job whose pair is gone: Exception, logged, written. */
int replica__job_orphaned(struct replica_set *rs, struct job_ent *je);

/* copy.c */
int replica__schedule(struct replica_set *rs);
unsigned replica__running_slots(const struct replica_set *rs);

/* volume.c */
bool replica__vol_written(const struct replica_set *rs, uint32_t id);
bool replica__vol_busy(const struct replica_set *rs, uint32_t id);
int replica__default_name(const struct replica_set *rs, const char *src,
    char *buf, size_t len);

/* provision.c */
/*
 * A file arrayd is about to create or remove, recorded durably first so
 * that a crash in between is finished at the next start: the file is kept
 * only if a stored volume names it.  replica__file_create makes a new
 * volume's file that way; the change that records the volume must call
 * replica__intent_done in its transaction.
 */
/* Returns 0 or the store's -errno; *file_err: what making the file said. */
int replica__file_create(struct replica_set *rs, const struct rvolume *v,
    int *file_err);
int replica__intent_done(struct replica_set *rs);
/*
 * Make a new volume `name` of exactly `size` bytes in `pool` as Block
 * Services makes one: file intent, file, commit, all durable before it
 * returns.  0 with *id; or the -errno of the store (nothing recorded, the
 * file removed); or 0 with *file_err set when the file could not be made
 * (nothing made).  The caller checks name, pool and size first.
 */
int replica__volume_make(struct replica_set *rs, const char *name,
    const char *pool, uint64_t size, uint32_t *id, int *file_err);
/* Why v cannot be deleted now (rc), not counting pair `except` (NULL). */
uint32_t replica__volume_return_check(const struct replica_set *rs,
    const struct rvolume *v, const struct rpair *except);
/*
 * Delete volume `id`, the pairs it is the target of and then its file, in
 * one durable change; logged.  0 or -errno (nothing changed).  The caller
 * checks first (replica__volume_return_check).
 */
int replica__volume_delete(struct replica_set *rs, uint32_t id,
    const struct replica_caller *who);
/* May `pool` promise `bytes` more under its overprovision limit? */
bool replica__pool_has_room(const struct replica_set *rs, const char *pool,
    uint64_t bytes);
/* Finish what an interrupted create, grow or delete left (start-up). */
int replica__intent_settle(struct replica_set *rs);

/* image.c */
/*
 * In the change that made job je of pair p: record that its copy reads a
 * point-in-time image (when its source's pool says so) and ask for it
 * after the commit.  0 or -errno.
 */
int replica__image_plan(struct replica_set *rs, struct rpair *p,
    struct job_ent *je);
/* Start-up: images being taken at a crash are taken again. */
int replica__image_retake(struct replica_set *rs);
/* TXN_ACT_IMAGE after the commit: replica_ops.image_take. */
int replica__image_take(struct replica_set *rs, struct job_ent *je);
/*
 * What the take of je's image gave (status as replica_on_image_done), in
 * the caller's change: ready, live source, or the pair Broken.
 */
int replica__image_outcome(struct replica_set *rs, struct job_ent *je,
    int status, int64_t taken_us, const struct replica_image_id *id,
    const char *detail);
/* After a commit: drop the images the snapshot named and memory no more. */
void replica__image_drops(struct replica_set *rs);
/*
 * What the copy of j from volume `from` onto `to` reads and compares with,
 * into *cf (paths in img and base, `len` bytes each).  0 or -errno.
 */
int replica__image_from(const struct replica_set *rs, const struct rjob *j,
    const struct rvolume *from, const struct rvolume *to,
    struct replica_copy_from *cf, char *img, char *base, size_t len);

/* health.c */
void replica__vol_lost_text(const struct rvolume *v, int why, char *buf,
    size_t len);
/*
 * Look at v's backing store: 0 when usable, else why not (-errno).  With
 * `adopt` (start-up, rescan) whatever is there is taken as the volume; else
 * it must be the file or device found before.  `deep`: read a device's size.
 */
int replica__vol_examine(struct replica_set *rs, struct rvolume *v, bool deep,
    bool adopt);
/* Mark v missing for `why` and log it once (its pairs are the caller's). */
void replica__vol_set_missing(struct replica_set *rs, struct rvolume *v,
    int why);
/* ... and break its pairs, in the caller's transaction.  0 or -errno. */
int replica__vol_mark_lost(struct replica_set *rs, struct rvolume *v, int why);
/*
 * Look at v now, in the caller's transaction: 0 healthy, -ENODEV lost (now
 * or before: marked, pairs broken), or the -errno of a store write.
 */
int replica__vol_probe(struct replica_set *rs, struct rvolume *v);
/*
 * Before the copy of job `je` on pair `p` starts: 0 both volumes healthy;
 * -ENODEV one is lost (the pair is Broken, the job ended); or -errno.
 */
int replica__job_vols_probe(struct replica_set *rs, struct rpair *p,
    struct job_ent *je);

#endif /* ARRAYD_REPLICA_INT_H */
