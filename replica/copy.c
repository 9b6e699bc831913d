/* SPDX-License-Identifier: ISC */
/*
 * copy.c - runs the state machine's actions: creates jobs, grants copy
 * slots (at most max_copy_tasks copies, FIFO by job id; the hidden snapshot
 * copies of CreateReplica CopyType 4 bypass the queue, as 3PAR snapshots
 * are instant), forwards progress and outcomes of the copy engine, resumes
 * interrupted copies at start-up and parks them at shutdown.
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

static enum sm_event
replica_grant_event(enum job_kind k)
{
	if (k == JOB_KIND_START_COPY)
		return SM_EV_GRANT_COPY;
	if (k == JOB_KIND_RESTORE)
		return SM_EV_GRANT_RESTORE;
	return SM_EV_GRANT_RESYNC;
}

enum replica_copy_mode
replica__job_mode(enum job_kind k)
{
	switch (k) {
	case JOB_KIND_RESYNC:
	case JOB_KIND_RESTORE:
		return REPLICA_COPY_DIFF;
	case JOB_KIND_SNAPSHOT:
		return REPLICA_COPY_CLONE;
	default:
		return REPLICA_COPY_FULL;
	}
}

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
 * A new job (New) for the pair's next copy; *out points into the job array
 * and stays valid until the next job insertion or removal.
 */
int
replica__new_job(struct replica_set *rs, struct rpair *p, enum job_kind kind,
    const struct replica_caller *who, uint16_t copy_type, uint16_t operation,
    const char *element_name, struct job_ent **out)
{
	const struct rvolume *src = replica__vol(rs, p->src_id);
	struct job_ent je;
	int err;

	memset(&je, 0, sizeof(je));
	if ((err = replica__alloc_task_id(rs, &je.j.id)) != 0)
		return err;
	je.j.kind = kind;
	je.j.state = JOB_NEW;
	je.j.submitted_us = je.j.last_change_us = replica__now(rs);
	snprintf(je.j.owner, sizeof(je.j.owner), "%s",
	    who != NULL && who->user != NULL ? who->user : "");
	snprintf(je.j.method, sizeof(je.j.method), "%s",
	    who != NULL && who->method != NULL ? who->method : "");
	je.j.hidden = kind == JOB_KIND_SNAPSHOT;
	je.j.rc = je.j.hidden ? REPLICA_RC_OK : REPLICA_RC_JOB_STARTED;
	je.j.src_id = p->src_id;
	je.j.tgt_id = p->tgt_id;
	je.j.copy_type = copy_type;
	je.j.operation = operation;
	snprintf(je.j.element_name, sizeof(je.j.element_name), "%s",
	    element_name != NULL ? element_name : "");
	je.j.bytes_total = src != NULL ? src->size : 0;
	p->job_id = je.j.id;
	p->percent_synced = 0;
	if ((err = replica__job_insert(rs, &je)) != 0 ||
	    (err = replica__put_job(rs, &je.j)) != 0 ||
	    (err = replica__put_pair(rs, p)) != 0)
		return err;
	if (out != NULL)
		*out = replica__job(rs, je.j.id);
	return 0;
}

/* Move a job to its final state. */
static void
replica_job_finish(struct replica_set *rs, struct job_ent *je, unsigned state,
    int err, const char *detail)
{
	struct rjob *j = &je->j;

	j->state = (uint16_t)state;
	j->ended_us = j->last_change_us = replica__now(rs);
	if (state == JOB_COMPLETED || state == JOB_EXCEPTION)
		j->percent = 100;
	if (state == JOB_EXCEPTION) {
		j->error_code = (uint16_t)(err < 0 ? -err : EIO);
		snprintf(j->error_desc, sizeof(j->error_desc), "%s",
		    detail != NULL && detail[0] != '\0' ? detail :
		    strerror(j->error_code));
		replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": exception: %s", j->id,
		    j->error_desc);
	} else {
		replica__log(rs, LOG_LVL_INFO, "job %" PRIu64 ": %s", j->id,
		    state == JOB_COMPLETED ? "completed" : "terminated");
	}
}

static const char *
replica_state_text(unsigned next)
{
	return next == SM_ST_REMOVED ? "removed" :
	    sync_state_name(replica_sm_state_value(next));
}

/* The volume a copy of this job writes. */
static struct rvolume *
replica_written_vol(struct replica_set *rs, const struct rjob *j)
{
	return replica__vol(rs, j->kind == JOB_KIND_RESTORE ? j->src_id :
	    j->tgt_id);
}

/*
 * Feed one event to the pair's state machine and carry out the actions,
 * except SM_A_NEW_JOB and SM_A_COPY_START (the caller's).  `p` is invalid
 * afterwards when the pair was removed.  Refusals change nothing.
 */
int
replica__apply(struct replica_set *rs, struct rpair *p, enum sm_event ev,
    int err, const char *detail, struct sm_result *res)
{
	struct sm_result r = replica_sm_step(p->kind, p->copy_type,
	    p->sync_state, ev);
	struct job_ent *je = p->job_id != 0 ? replica__job(rs, p->job_id) : NULL;
	uint32_t src = p->src_id, tgt = p->tgt_id;
	uint64_t jid;
	int werr = 0;

	if (res != NULL)
		*res = r;
	if (!r.valid)
		return 0;
	if (je != NULL && !replica__job_active(&je->j))
		je = NULL;
	jid = je != NULL ? je->j.id : 0;
	replica__log(rs, ev == SM_EV_COPY_FAILED ? LOG_LVL_WARN : LOG_LVL_INFO,
	    "pair %u->%u: %s%s%s: %s -> %s (job %" PRIu64 ")", src, tgt,
	    replica_sm_event_name(ev), detail != NULL ? ": " : "",
	    detail != NULL ? detail : "", sync_state_name(p->sync_state),
	    replica_state_text(r.next), jid);
	/* Made after the commit (txn.c), and only if it commits. */
	if ((r.actions & SM_A_COPY_CANCEL) && je != NULL && je->in_engine &&
	    (werr = replica__txn_defer(rs, TXN_ACT_CANCEL, je->j.id, 0)) != 0)
		return werr;
	if (je != NULL) {
		unsigned fin = (r.actions & SM_A_JOB_COMPLETED) ? JOB_COMPLETED :
		    (r.actions & SM_A_JOB_EXCEPTION) ? JOB_EXCEPTION :
		    (r.actions & SM_A_JOB_TERMINATED) ? JOB_TERMINATED : 0;
		struct rvolume *wv = replica_written_vol(rs, &je->j);

		if (wv != NULL && (r.actions & (SM_A_WRITTEN_FAILED |
		    SM_A_WRITTEN_OK))) {
			wv->failed = (r.actions & SM_A_WRITTEN_FAILED) != 0;
			werr = replica__put_vol(rs, wv);
		}
		if (fin != 0) {
			replica_job_finish(rs, je, fin, err, detail);
			p->job_id = 0;
			if (fin == JOB_COMPLETED)
				p->percent_synced = 100;
		}
		if (werr == 0)
			werr = replica__put_job(rs, &je->j);
	}
	if (r.actions & SM_A_WHEN_SYNCED)
		p->when_synced_us = replica__now(rs);
	if (werr != 0)
		return werr;
	if (r.next == SM_ST_REMOVED) {
		replica__pair_remove(rs, src, tgt);
		return store_del_pair(rs->store, src, tgt);
	}
	p->sync_state = (uint16_t)replica_sm_state_value(r.next);
	return replica__put_pair(rs, p);
}

/*
 * Hand the copy of a Running job to the engine: the job holds its slot
 * now, copy_start is made once the change commits (txn.c), which records
 * a synchronous failure of it as the copy's failure.
 */
static int
replica_copy_begin(struct replica_set *rs, struct rpair *p,
    struct job_ent *je, uint64_t resume_from)
{
	int err;

	if (replica__vol(rs, je->j.src_id) == NULL ||
	    replica__vol(rs, je->j.tgt_id) == NULL)
		return replica__apply(rs, p, SM_EV_COPY_FAILED, -ENOENT,
		    "cannot start copy: volume gone", NULL);
	/* Never onto or from a lost volume: that breaks the pair (health.c). */
	if ((err = replica__job_vols_probe(rs, p, je)) != 0)
		return err == -ENODEV ? 0 : err;
	if ((err = replica__txn_defer(rs, TXN_ACT_START, je->j.id,
	    resume_from)) != 0)
		return err;
	je->in_engine = true;
	je->ckpt_saved_us = replica__now(rs);
	je->ckpt_saved = je->j.checkpoint;
	je->ckpt_failing = false;
	return 0;
}

/* Give a copy slot to a New job: pair in progress, job Running, copy on. */
int
replica__grant(struct replica_set *rs, struct job_ent *je)
{
	struct rpair *p = replica__pair(rs, je->j.src_id, je->j.tgt_id);
	struct sm_result r;
	int64_t now = replica__now(rs);
	int err;

	if (p == NULL || p->job_id != je->j.id) {
		replica_job_finish(rs, je, JOB_EXCEPTION, -ENOENT,
		    "the replica pair of this job no longer exists");
		return replica__put_job(rs, &je->j);
	}
	r = replica_sm_step(p->kind, p->copy_type, p->sync_state,
	    replica_grant_event(je->j.kind));
	if (!r.valid) {
		return replica__apply(rs, p, SM_EV_VOLUME_LOST, -EPROTO,
		    "copy cannot start in this state", NULL);
	}
	p->sync_state = (uint16_t)replica_sm_state_value(r.next);
	je->j.state = JOB_RUNNING;
	je->j.started_us = je->j.last_change_us = now;
	je->j.checkpoint = je->j.bytes_done = je->j.bytes_written = 0;
	if ((err = replica__put_pair(rs, p)) != 0 ||
	    (err = replica__put_job(rs, &je->j)) != 0)
		return err;
	return replica_copy_begin(rs, p, je, 0);
}

/* The oldest New job, hidden ones (never queued) first. */
static struct job_ent *
replica_next_queued(struct replica_set *rs, bool hidden)
{
	for (size_t i = 0; i < rs->njobs; i++)
		if (rs->jobs[i].j.state == JOB_NEW &&
		    rs->jobs[i].j.hidden == hidden)
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

	if (p == NULL || p->job_id != je->j.id) {
		replica_job_finish(rs, je, JOB_EXCEPTION, -ENOENT,
		    "the replica pair of this job no longer exists");
		return replica__put_job(rs, &je->j);
	}
	replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": outcome was not saved; copy "
	    "again from byte %" PRIu64, je->j.id, je->j.checkpoint);
	return replica_copy_begin(rs, p, je, je->j.checkpoint);
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
    uint64_t bytes_written)
{
	struct job_ent *je = replica__job(rs, job_id);
	struct rpair *p;
	int64_t now;
	unsigned pct = 0;
	int err;

	if (je == NULL || je->j.state != JOB_RUNNING)
		return;
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
	/*
	 * Throttled: the loop thread must not wait on an fsync per chunk.  A
	 * checkpoint changes no state, only where a resume would begin, so
	 * it is written outside a change (no snapshot, no engine call); when
	 * it cannot be, the copy goes on, the store keeps the older
	 * checkpoint (a resume copies a little more) and the write is tried
	 * again one interval later.  Logged once per job until it succeeds.
	 */
	now = replica__now(rs);
	if (now - je->ckpt_saved_us < REPLICA_CKPT_INTERVAL_US &&
	    (je->ckpt_failing || checkpoint < je->ckpt_saved +
	    REPLICA_CKPT_BYTES))
		return;
	if (rs->in_txn)
		return;		/* progress reported from inside a change */
	if ((err = store_begin(rs->store)) == 0 &&
	    (err = replica__put_job(rs, &je->j)) == 0)
		err = store_commit(rs->store);
	je->ckpt_saved_us = now;
	if (err != 0) {
		store_rollback(rs->store);
		if (!je->ckpt_failing)
			replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": checkpoint not "
			    "saved, copy continues: %s (%s)", job_id,
			    strerror(-err), store_errmsg(rs->store));
		je->ckpt_failing = true;
		return;
	}
	if (je->ckpt_failing)
		replica__log(rs, LOG_LVL_INFO, "job %" PRIu64 ": checkpoint saved again",
		    job_id);
	je->ckpt_failing = false;
	je->ckpt_saved = checkpoint;
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
	int err = 0;

	if (je == NULL || !je->in_engine) {
		replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": copy event for no "
		    "running copy ignored", job_id);
		return;
	}
	je->in_engine = false;
	if (replica__txn_begin(rs) != 0)
		return;
	/* A copy that succeeded on a file that is gone or replaced did not. */
	if (status == 0 && (err = replica_copy_done_probe(rs, &je->j)) != 0)
		goto out_commit;
	if (!replica__job_active(&je->j)) {
		/* Stop Copy already finished this job; the slot frees now. */
		replica__log(rs, LOG_LVL_DEBUG, "job %" PRIu64 ": copy stopped", job_id);
	} else if (status == -ECANCELED && rs->shutting_down) {
		/* Parked: stays Running, resumes from here at the next start. */
		replica__log(rs, LOG_LVL_INFO, "job %" PRIu64 ": paused for shutdown at "
		    "byte %" PRIu64, job_id, je->j.checkpoint);
		err = replica__put_job(rs, &je->j);
	} else if ((p = replica__pair(rs, je->j.src_id, je->j.tgt_id)) ==
	    NULL || p->job_id != job_id) {
		replica_job_finish(rs, je, JOB_EXCEPTION, -ENOENT,
		    "the replica pair of this job no longer exists");
		err = replica__put_job(rs, &je->j);
	} else {
		ev = status == 0 ? SM_EV_COPY_OK : status == -ECANCELED ?
		    SM_EV_COPY_CANCELLED : SM_EV_COPY_FAILED;
		if (ev == SM_EV_COPY_FAILED && (detail == NULL ||
		    detail[0] == '\0'))
			detail = strerror(status < 0 ? -status : EIO);
		err = replica__apply(rs, p, ev, status,
		    ev == SM_EV_COPY_FAILED ? detail : NULL, NULL);
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
	if (replica__txn_commit(rs, err) != 0)
		replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": outcome not saved; the "
		    "job stays Running and copies again at the next change",
		    job_id);
}

uint32_t
replica_copy_side_volume(const struct rjob *j, enum replica_copy_side side)
{
	bool reads_target = j->kind == JOB_KIND_RESTORE;

	if (side == REPLICA_SIDE_SOURCE)
		return reads_target ? j->tgt_id : j->src_id;
	return reads_target ? j->src_id : j->tgt_id;
}

void
replica_on_copy_volume_changed(struct replica_set *rs, uint64_t job_id,
    enum replica_copy_side side, int status, const char *detail)
{
	struct job_ent *je = replica__job(rs, job_id);

	if (je != NULL && je->in_engine) {
		const struct rvolume *v = replica__vol(rs,
		    replica_copy_side_volume(&je->j, side));

		replica__log(rs, LOG_LVL_ERROR, "volume %u (%s): %s; job %" PRIu64 " fails",
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
			replica__log(rs, LOG_LVL_INFO, "volume %u: %s no longer configured, "
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

		replica__vol_lost_text(lost, lost->missing_why, detail,
		    sizeof(detail));
		return replica__apply(rs, p, SM_EV_VOLUME_LOST,
		    lost->missing_why, detail, NULL);
	}
	if (replica_pair_shrunk(p, s, t, je != NULL)) {
		char detail[160];

		snprintf(detail, sizeof(detail), "volume %u (%" PRIu64 " bytes) "
		    "is smaller than its source %u (%" PRIu64 " bytes)", t->id,
		    t->size, s->id, s->size);
		return replica__apply(rs, p, SM_EV_VOLUME_LOST, -ENOSPC, detail,
		    NULL);
	}
	if (je == NULL && (p->sync_state == SYNC_INITIALIZED ||
	    p->sync_state == SYNC_RESYNC_IN_PROGRESS ||
	    p->sync_state == SYNC_RESTORE_IN_PROGRESS ||
	    p->sync_state == SYNC_COPY_IN_PROGRESS)) {
		replica__log(rs, LOG_LVL_WARN, "pair %u->%u: %s without a job: Broken",
		    p->src_id, p->tgt_id, sync_state_name(p->sync_state));
		p->job_id = 0;
		p->sync_state = SYNC_BROKEN;
		return replica__put_pair(rs, p);
	}
	if (je != NULL && je->j.state == JOB_RUNNING)
		return replica_copy_begin(rs, p, je, je->j.checkpoint);
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
		replica_job_finish(rs, je, JOB_EXCEPTION, -ENOENT,
		    "the replica pair of this job no longer exists");
		err = replica__put_job(rs, &je->j);
	}
	if (err == 0)
		err = replica__schedule(rs);
	return replica__txn_commit(rs, err);
}

void
replica_set_shutdown(struct replica_set *rs)
{
	int err = 0;

	rs->shutting_down = true;
	if (replica__txn_begin(rs) != 0)
		return;
	for (size_t i = 0; i < rs->njobs; i++) {
		struct job_ent *je = &rs->jobs[i];

		if (!je->in_engine)
			continue;
		if (err == 0)
			err = replica__put_job(rs, &je->j);
		rs->ops.copy_cancel(rs->ops.ctx, je->j.id);
	}
	(void)replica__txn_commit(rs, err);
}
