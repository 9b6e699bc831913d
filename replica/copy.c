/* SPDX-License-Identifier: ISC */
/*
 * copy.c - the copy queue and the copy engine's events: grants copy slots
 * (at most max_copy_tasks copies, FIFO by job id; the hidden snapshot
 * copies of CreateReplica CopyType 4 bypass the queue, as 3PAR snapshots
 * are instant), turns progress and outcomes of the copy engine into
 * events (step.c), resumes interrupted copies at start-up and parks them
 * at shutdown.
 *
 * Callers open the change (txn.c); nothing here begins or commits one,
 * except the copy-event entry points, which are entry points themselves
 * (progress checkpoints are plain store writes: they change no state).
 * Engine calls go through replica__txn_defer, so they happen only for a
 * change the store recorded.
 * A pair never shows Frozen/Idle and a job never Completed unless the
 * engine reported status 0 for that copy and the store recorded it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

unsigned
replica__running_slots(const struct replica_set *rs)
{
	unsigned n = 0;

	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].in_engine && !rs->jobs[i].j.hidden)
			n++;
	return n;
}

unsigned
replica_set_active_copies(const struct replica_set *rs)
{
	unsigned n = 0;

	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].in_engine)
			n++;
	return n;
}

/*
 * The oldest New job, hidden ones (never queued) first; a job whose image
 * is still being taken waits for it (image.c), slot or not.
 */
static struct job_ent *
replica_next_queued(struct replica_set *rs, bool hidden)
{
	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].j.state == JOB_NEW &&
		    rs->jobs[i].j.hidden == hidden &&
		    rs->jobs[i].j.image != REPLICA_IMAGE_TAKING)
			return &rs->jobs[i];
	return NULL;
}

/*
 * A Running job the engine does not hold: its copy ended (or could not
 * start) but the change recording that was not saved, so the store still
 * says Running.  It runs again from its stored checkpoint, as at a start.
 */
static struct job_ent *
replica_next_orphan(struct replica_set *rs)
{
	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].j.state == JOB_RUNNING &&
		    !rs->jobs[i].in_engine)
			return &rs->jobs[i];
	return NULL;
}

static int
replica_restart_orphan(struct replica_set *rs, struct job_ent *je)
{
	struct rpair *p = replica__pair(rs, je->j.src_id, je->j.tgt_id);

	if (p == NULL || p->job_id != je->j.id)
		return replica__job_orphaned(rs, je);
	replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": outcome was not "
	    "saved; copy again from byte %" PRIu64, je->j.id, je->j.checkpoint);
	return replica__copy_begin(rs, p, je, je->j.checkpoint);
}

int
replica__schedule(struct replica_set *rs)
{
	struct job_ent *je;
	int err = 0;

	if (!rs->started || rs->shutting_down)
		return 0;
	while (err == 0 && (je = replica_next_orphan(rs)) != NULL)
		err = replica_restart_orphan(rs, je);
	while (err == 0 && (je = replica_next_queued(rs, true)) != NULL)
		err = replica__grant(rs, je);
	while (err == 0 && replica__running_slots(rs) < rs->max_copy_tasks &&
	    (je = replica_next_queued(rs, false)) != NULL)
		err = replica__grant(rs, je);
	return err;
}

void
replica_set_max_copy_tasks(struct replica_set *rs, unsigned n)
{
	rs->max_copy_tasks = n != 0 ? n : 1;
	if (replica__txn_begin(rs) == 0)
		(void)replica__txn_commit(rs, replica__schedule(rs));
}

/* ------------------------------------------------------------ copy events */

void
replica_on_copy_progress(struct replica_set *rs, uint64_t job_id,
    uint64_t bytes_done, uint64_t bytes_total, uint64_t checkpoint,
    uint64_t bytes_written, bool last)
{
	struct job_ent *je = replica__job(rs, job_id);
	struct rpair *p;
	int64_t now;
	unsigned pct = 0;
	bool save;
	int err;

	if (je == NULL || je->j.state != JOB_RUNNING)
		return;
	/*
	 * Throttled: the loop thread must not wait on an fsync per chunk.  A
	 * checkpoint changes no state, only where a resume would begin, so
	 * it is written outside a change (no snapshot, no engine call): when
	 * it cannot be, the copy goes on with memory ahead of the store, the
	 * store keeps the older checkpoint (a resume copies a little more)
	 * and the write is tried again one interval later.  Logged once per
	 * job until it succeeds.  A saved checkpoint is announced, with the
	 * progress made since the last announcement (replica__announce_ckpt).  The last numbers of a copy are
	 * saved by the change that records its outcome, right after.
	 */
	now = replica__now(rs);
	save = !last && !rs->in_txn && (now - je->ckpt_saved_us >=
	    REPLICA_CKPT_INTERVAL_US || (!je->ckpt_failing &&
	    checkpoint >= je->ckpt_saved + REPLICA_CKPT_BYTES));
	if (bytes_done > bytes_total)
		bytes_done = bytes_total;
	if (bytes_total != 0)
		pct = (unsigned)((unsigned __int128)bytes_done * 100 /
		    bytes_total);
	/* 100 only with Completed, which only a status-0 copy_done gives. */
	if (pct > 99)
		pct = 99;
	je->j.bytes_done = bytes_done;
	je->j.bytes_total = bytes_total;
	je->j.checkpoint = checkpoint;
	je->j.bytes_written = bytes_written;
	je->j.percent = (uint16_t)pct;
	p = replica__pair(rs, je->j.src_id, je->j.tgt_id);
	if (p != NULL && p->job_id == job_id)
		p->percent_synced = (int)pct;
	if (!save)
		return;
	if ((err = store_begin(rs->store)) == 0 &&
	    (err = replica__put_job(rs, &je->j)) == 0)
		err = store_commit(rs->store);
	je->ckpt_saved_us = now;
	if (err != 0) {
		store_rollback(rs->store);
		if (!je->ckpt_failing)
			replica__log(rs, LOG_LVL_WARN,
			    "job %" PRIu64 ": checkpoint not "
			    "saved, copy continues: %s (%s)", job_id,
			    strerror(-err), store_errmsg(rs->store));
		je->ckpt_failing = true;
		return;
	}
	if (je->ckpt_failing)
		replica__log(rs, LOG_LVL_INFO,
		    "job %" PRIu64 ": checkpoint saved again",
		    job_id);
	je->ckpt_failing = false;
	je->ckpt_saved = checkpoint;
	replica__announce_ckpt(rs, je);
}

/* Probe both volumes of a finished copy; 0 or a store write's -errno. */
static int
replica_copy_done_probe(struct replica_set *rs, const struct rjob *j)
{
	struct rvolume *s = replica__vol(rs, j->src_id);
	struct rvolume *t = replica__vol(rs, j->tgt_id);
	int err = 0;

	if (s != NULL && (err = replica__vol_probe(rs, s)) == -ENODEV)
		err = 0;
	if (err == 0 && t != NULL &&
	    (err = replica__vol_probe(rs, t)) == -ENODEV)
		err = 0;
	return err;
}

void
replica_on_copy_done(struct replica_set *rs, uint64_t job_id, int status,
    const char *detail)
{
	struct job_ent *je = replica__job(rs, job_id);
	struct rpair *p;
	enum sm_event ev;
	uint32_t vc_base = 0, snap = 0;
	uint64_t snap_written = 0;
	int err = 0;

	if (je == NULL || !je->in_engine) {
		replica__log(rs, LOG_LVL_WARN,
		    "job %" PRIu64 ": copy event for no "
		    "running copy ignored", job_id);
		return;
	}
	je->in_engine = false;
	/* A snapshot made or restored from: its base's snapshots change. */
	if (status == 0 && (je->j.kind == JOB_KIND_SNAPSHOT ||
	    je->j.kind == JOB_KIND_RESTORE))
		vc_base = je->j.src_id;
	if (status == 0 && je->j.kind == JOB_KIND_SNAPSHOT) {
		snap = je->j.tgt_id;
		snap_written = je->j.bytes_written;
	}
	if (replica__txn_begin(rs) != 0)
		return;
	/* A copy that succeeded on a file that is gone or replaced did not. */
	if (status == 0 && (err = replica_copy_done_probe(rs, &je->j)) != 0)
		goto out_commit;
	if (!replica__job_active(&je->j)) {
		/* Stop Copy already finished this job; the slot frees now. */
		replica__log(rs, LOG_LVL_DEBUG,
		    "job %" PRIu64 ": copy stopped", job_id);
	} else if (status == -ECANCELED && rs->shutting_down) {
		/* Parked: stays Running, resumes from here at the next start. */
		replica__log(rs, LOG_LVL_INFO,
		    "job %" PRIu64 ": paused for shutdown at "
		    "byte %" PRIu64, job_id, je->j.checkpoint);
		err = replica__put_job(rs, &je->j);
	} else if ((p = replica__pair(rs, je->j.src_id, je->j.tgt_id)) ==
	    NULL || p->job_id != job_id) {
		err = replica__job_orphaned(rs, je);
	} else {
		struct sm_input in = { .err = status };

		ev = status == 0 ? SM_EV_COPY_OK : status == -ECANCELED ?
		    SM_EV_COPY_CANCELLED : SM_EV_COPY_FAILED;
		if (ev == SM_EV_COPY_FAILED)
			in.detail = detail != NULL && detail[0] != '\0' ?
			    detail : strerror(status < 0 ? -status : EIO);
		err = replica__step(rs, p, ev, &in, NULL);
	}
	/* A failed copy may have lost a file: its volume is marked now (the
	 * failure's own text stays the job's). */
	if (err == 0 && status != 0 && status != -ECANCELED)
		err = replica_copy_done_probe(rs, &je->j);
	if (err == 0)
		err = replica__schedule(rs);
	/*
	 * Not saved: memory is back as the store has it, the job Running and
	 * out of the engine; its copy runs again from the stored checkpoint
	 * at the next change that commits (replica__schedule) or start, and
	 * its outcome is recorded then.  Never Completed unsaved.
	 */
out_commit:
	if (replica__txn_commit(rs, err) != 0) {
		replica__log(rs, LOG_LVL_WARN,
		    "job %" PRIu64 ": outcome not saved; the "
		    "job stays Running and copies again at the next change",
		    job_id);
		return;
	}
	/*
	 * What a new snapshot holds alone until measured: what its copy
	 * wrote (a clone wrote nothing; everything else it shares).
	 */
	if (snap != 0)
		replica_on_volume_measured(rs, snap, 0, snap_written);
	if (vc_base != 0)
		replica_snapshots_measure(rs, vc_base);
}

uint32_t
replica_copy_side_volume(const struct rjob *j, enum replica_copy_side side)
{
	if (side == REPLICA_SIDE_SOURCE)
		return j->reverse ? j->tgt_id : j->src_id;
	return j->reverse ? j->src_id : j->tgt_id;
}

void
replica_on_copy_volume_changed(struct replica_set *rs, uint64_t job_id,
    enum replica_copy_side side, int status, const char *detail)
{
	struct job_ent *je = replica__job(rs, job_id);

	if (je != NULL && je->in_engine) {
		const struct rvolume *v = replica__vol(rs,
		    replica_copy_side_volume(&je->j, side));

		replica__log(rs, LOG_LVL_ERROR,
		    "volume %u (%s): %s; job %" PRIu64 " fails",
		    v != NULL ? v->id : 0, v != NULL ? v->name : "?",
		    detail != NULL ? detail : strerror(status < 0 ? -status :
		    EIO), job_id);
	}
	replica_on_copy_done(rs, job_id, status, detail);
}

/* ------------------------------------------------------ start / shutdown */

static bool
replica_vol_referenced(const struct replica_set *rs, uint32_t id)
{
	for (size_t i = 0; i < rs->npairs; i++)
		if (rs->pairs[i].src_id == id || rs->pairs[i].tgt_id == id)
			return true;
	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].j.src_id == id || rs->jobs[i].j.tgt_id == id)
			return true;
	return false;
}

/*
 * Configured volumes the configuration no longer names: forgotten unless a
 * pair or job refers to them (then kept, marked missing).  Every other
 * volume's backing store is checked (health.c): one line per lost volume.
 */
static int
replica_check_volumes(struct replica_set *rs)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < rs->nvols; i++) {
		struct rvolume *v = &rs->vols[i];
		int why;

		if (v->configured && !rs->vol_registered[i] &&
		    !replica_vol_referenced(rs, v->id)) {
			replica__log(rs, LOG_LVL_INFO,
			    "volume %u: %s no longer configured, "
			    "forgotten", v->id, v->name);
			err = store_del_volume(rs->store, v->id);
			free(v->path);
			memmove(v, v + 1, (rs->nvols - i - 1) * sizeof(*v));
			memmove(&rs->vol_registered[i], &rs->vol_registered[i + 1],
			    rs->nvols - i - 1);
			rs->nvols--;
			i--;
			continue;
		}
		why = v->configured && !rs->vol_registered[i] ? -EIDRM :
		    replica__vol_examine(rs, v, true, true);
		v->missing = false;
		if (why != 0)
			replica__vol_set_missing(rs, v, why);
	}
	return err;
}

/*
 * A configured volume takes its size from its file at every start, so a
 * file truncated (or a source grown) while arrayd was down can leave a
 * target too small for its source: its data no longer matches (PC), or a
 * copy into it would fail half way.  A VC at rest keeps its snapshot: the
 * image is intact even when its base grew.  A Broken pair stays as it is.
 */
static bool
replica_pair_shrunk(const struct rpair *p, const struct rvolume *s,
    const struct rvolume *t, bool has_job)
{
	if (t->size >= s->size || p->sync_state == SYNC_BROKEN)
		return false;
	return p->kind != PAIR_VC || has_job;
}

/* Resume, break or leave one pair as the last run left it. */
static int
replica_resume_pair(struct replica_set *rs, struct rpair *p)
{
	struct job_ent *je = p->job_id != 0 ? replica__job(rs, p->job_id) : NULL;
	const struct rvolume *s = replica__vol(rs, p->src_id);
	const struct rvolume *t = replica__vol(rs, p->tgt_id);

	if (je != NULL && !replica__job_active(&je->j))
		je = NULL;
	if (s->missing || t->missing) {
		const struct rvolume *lost = s->missing ? s : t;
		char detail[512];
		struct sm_input in = { .err = lost->missing_why,
		    .detail = detail };

		replica__vol_lost_text(lost, lost->missing_why, detail,
		    sizeof(detail));
		return replica__step(rs, p, SM_EV_VOLUME_LOST, &in, NULL);
	}
	if (replica_pair_shrunk(p, s, t, je != NULL)) {
		char detail[160];
		struct sm_input in = { .err = -ENOSPC, .detail = detail };

		snprintf(detail, sizeof(detail), "volume %u (%" PRIu64 " bytes) "
		    "is smaller than its source %u (%" PRIu64 " bytes)", t->id,
		    t->size, s->id, s->size);
		return replica__step(rs, p, SM_EV_VOLUME_LOST, &in, NULL);
	}
	if (je == NULL && (p->sync_state == SYNC_INITIALIZED ||
	    p->sync_state == SYNC_RESYNC_IN_PROGRESS ||
	    p->sync_state == SYNC_RESTORE_IN_PROGRESS ||
	    p->sync_state == SYNC_COPY_IN_PROGRESS)) {
		replica__log(rs, LOG_LVL_WARN,
		    "pair %u->%u: %s without a job: Broken",
		    p->src_id, p->tgt_id, sync_state_name(p->sync_state));
		p->job_id = 0;
		p->sync_state = SYNC_BROKEN;
		return replica__put_pair(rs, p);
	}
	if (je != NULL && je->j.state == JOB_RUNNING)
		return replica__copy_begin(rs, p, je, je->j.checkpoint);
	return 0;
}

int
replica_set_start(struct replica_set *rs)
{
	int err;

	if (rs->started)
		return -EALREADY;
	rs->started = true;
	rs->shutting_down = false;
	/* A create, grow or delete cut short by a crash ends first. */
	if ((err = replica__intent_settle(rs)) != 0)
		return err;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	err = replica_check_volumes(rs);
	/* Pairs are never removed by resume (VOLUME_LOST leads to Broken). */
	for (size_t i = 0; err == 0 && i < rs->npairs; i++)
		err = replica_resume_pair(rs, &rs->pairs[i]);
	for (size_t i = 0; err == 0 && i < rs->njobs; i++) {
		struct job_ent *je = &rs->jobs[i];
		struct rpair *p = replica__pair(rs, je->j.src_id, je->j.tgt_id);

		if (!replica__job_active(&je->j) ||
		    (p != NULL && p->job_id == je->j.id))
			continue;
		err = replica__job_orphaned(rs, je);
	}
	if (err == 0)
		err = replica__image_retake(rs);
	if (err == 0)
		err = replica__schedule(rs);
	return replica__txn_commit(rs, err);
}

void
replica_set_shutdown(struct replica_set *rs)
{
	rs->shutting_down = true;
	if (replica__txn_begin(rs) == 0) {
		int err = 0;

		for (size_t i = 0; err == 0 && i < rs->njobs; i++)
			if (rs->jobs[i].in_engine)
				err = replica__put_job(rs, &rs->jobs[i].j);
		(void)replica__txn_commit(rs, err);
	}
	/* Never from inside the change; parked even when it was not saved. */
	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].in_engine)
			rs->ops.copy_cancel(rs->ops.ctx, rs->jobs[i].j.id);
}
