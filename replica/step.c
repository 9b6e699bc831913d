/* SPDX-License-Identifier: ISC */
/*
 * step.c - one event of a pair's state machine: the table (sm.c) is looked
 * up once per event and the action column of that cell is carried out
 * here, in one place, in the order of enum sm_action_flags (the shape of
 * OpenBSD ospfd/ldpd nbr_fsm()): cancel the running copy, mark the volume
 * being written, finish the job, stamp WhenSynced, move (or remove) the
 * pair, create the next job, start its copy.
 *
 * How a copy runs is decided by the cell that creates its job: the bits
 * SM_A_COPY_FULL / SM_A_COPY_DIFF and SM_A_REVERSE are recorded in the job
 * (rjob.mode, rjob.reverse, kept by the store), because a queued job
 * starts later, at its grant (an event of its own) or after a restart, and
 * copy_start takes mode and direction from the job alone.  The two methods
 * that create a pair's first job without a cell (attach, CreateReplica)
 * state the job's mode themselves.
 *
 * Callers open the change (txn.c); engine calls are deferred to its
 * commit.  One line is logged per accepted event, with the pair, its job
 * and the failure's text: the only line for that failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

/* The pair state a cell leads to, for log lines. */
static const char *
step_state_text(unsigned next)
{
	return next == SM_ST_REMOVED ? "removed" :
	    sync_state_name(replica_sm_state_value(next));
}

/* The volume a copy of this job writes. */
static struct rvolume *
step_written_vol(struct replica_set *rs, const struct rjob *j)
{
	return replica__vol(rs, replica_copy_side_volume(j,
	    REPLICA_SIDE_TARGET));
}

void
replica__job_finish(struct replica_set *rs, struct job_ent *je,
    unsigned state, int err, const char *detail)
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
	}
}

int
replica__job_orphaned(struct replica_set *rs, struct job_ent *je)
{
	replica__job_finish(rs, je, JOB_EXCEPTION, -ENOENT,
	    "the replica pair of this job no longer exists");
	replica__log(rs, LOG_LVL_WARN, "job %" PRIu64 ": exception: %s",
	    je->j.id, je->j.error_desc);
	return replica__put_job(rs, &je->j);
}

/*
 * A new job (New) for the pair's next copy, shaped by `want` (kind, mode,
 * reverse, copy_type, operation, element_name); *out points into the job
 * array and stays valid until the next job insertion or removal.
 */
int
replica__new_job(struct replica_set *rs, struct rpair *p,
    const struct rjob *want, const struct replica_caller *who,
    struct job_ent **out)
{
	const struct rvolume *src = replica__vol(rs, p->src_id);
	struct job_ent je;
	int err;

	memset(&je, 0, sizeof(je));
	if ((err = replica__alloc_task_id(rs, &je.j.id)) != 0)
		return err;
	je.j.kind = want->kind;
	je.j.mode = want->mode;
	je.j.reverse = want->reverse;
	je.j.state = JOB_NEW;
	je.j.submitted_us = je.j.last_change_us = replica__now(rs);
	snprintf(je.j.owner, sizeof(je.j.owner), "%s",
	    who != NULL && who->user != NULL ? who->user : "");
	snprintf(je.j.method, sizeof(je.j.method), "%s",
	    who != NULL && who->method != NULL ? who->method : "");
	je.j.hidden = want->kind == JOB_KIND_SNAPSHOT;
	je.j.rc = je.j.hidden ? REPLICA_RC_OK : REPLICA_RC_JOB_STARTED;
	je.j.src_id = p->src_id;
	je.j.tgt_id = p->tgt_id;
	je.j.copy_type = want->copy_type;
	je.j.operation = want->operation;
	snprintf(je.j.element_name, sizeof(je.j.element_name), "%s",
	    want->element_name);
	je.j.bytes_total = src != NULL ? src->size : 0;
	p->job_id = je.j.id;
	p->percent_synced = 0;
	if ((err = replica__job_insert(rs, &je)) != 0 ||
	    (err = replica__image_plan(rs, p, replica__job(rs, je.j.id))) != 0 ||
	    (err = replica__put_job(rs, &replica__job(rs, je.j.id)->j)) != 0 ||
	    (err = replica__put_pair(rs, p)) != 0)
		return err;
	if (out != NULL)
		*out = replica__job(rs, je.j.id);
	return 0;
}

int
replica__copy_begin(struct replica_set *rs, struct rpair *p,
    struct job_ent *je, uint64_t resume_from)
{
	struct sm_input gone = { .err = -ENOENT,
	    .detail = "cannot start copy: volume gone" };
	int err;

	if (replica__vol(rs, je->j.src_id) == NULL ||
	    replica__vol(rs, je->j.tgt_id) == NULL)
		return replica__step(rs, p, SM_EV_COPY_FAILED, &gone, NULL);
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

/* SM_A_WRITTEN_* and SM_A_JOB_*: the pair's active job and its target. */
static int
step_end_job(struct replica_set *rs, struct rpair *p, struct job_ent *je,
    uint16_t a, const struct sm_input *in)
{
	unsigned fin = (a & SM_A_JOB_COMPLETED) ? JOB_COMPLETED :
	    (a & SM_A_JOB_EXCEPTION) ? JOB_EXCEPTION :
	    (a & SM_A_JOB_TERMINATED) ? JOB_TERMINATED : 0;
	struct rvolume *wv = step_written_vol(rs, &je->j);
	int err = 0;

	if (wv != NULL && (a & (SM_A_WRITTEN_FAILED | SM_A_WRITTEN_OK))) {
		wv->failed = (a & SM_A_WRITTEN_FAILED) != 0;
		err = replica__put_vol(rs, wv);
	}
	if (fin != 0) {
		replica__job_finish(rs, je, fin, in->err, in->detail);
		p->job_id = 0;
		if (fin == JOB_COMPLETED)
			p->percent_synced = 100;
	}
	return err != 0 ? err : replica__put_job(rs, &je->j);
}

/* SM_A_NEW_JOB: the job's copy is what the cell's bits say. */
static int
step_new_job(struct replica_set *rs, struct rpair *p, uint16_t a,
    const struct sm_input *in)
{
	struct rjob want;

	memset(&want, 0, sizeof(want));
	want.mode = (a & SM_A_COPY_DIFF) ? REPLICA_COPY_DIFF :
	    REPLICA_COPY_FULL;
	want.reverse = (a & SM_A_REVERSE) != 0;
	/* The kind names the job (3PAR task type) and picks its grant. */
	want.kind = want.reverse ? JOB_KIND_RESTORE :
	    want.mode == REPLICA_COPY_DIFF ? JOB_KIND_RESYNC :
	    JOB_KIND_START_COPY;
	want.copy_type = p->copy_type;
	want.operation = in->operation;
	return replica__new_job(rs, p, &want, in->who, NULL);
}

/* SM_A_COPY_START: the pair's New job runs, its copy goes to the engine. */
static int
step_copy_start(struct replica_set *rs, struct rpair *p)
{
	struct job_ent *je = replica__job(rs, p->job_id);
	int err;

	if (je == NULL)
		return -EPROTO;		/* a copying pair always has its job */
	je->j.state = JOB_RUNNING;
	je->j.started_us = je->j.last_change_us = replica__now(rs);
	je->j.checkpoint = je->j.bytes_done = je->j.bytes_written = 0;
	if ((err = replica__put_job(rs, &je->j)) != 0)
		return err;
	return replica__copy_begin(rs, p, je, 0);
}

static enum log_level
step_log_level(enum sm_event ev)
{
	if (ev == SM_EV_COPY_FAILED)
		return LOG_LVL_WARN;
	if (ev == SM_EV_GRANT_RESYNC || ev == SM_EV_GRANT_COPY ||
	    ev == SM_EV_GRANT_RESTORE)
		return LOG_LVL_DEBUG;	/* "started" follows (txn.c) */
	return LOG_LVL_INFO;
}

int
replica__exec(struct replica_set *rs, struct rpair *p, enum sm_event ev,
    struct sm_result r, const struct sm_input *in)
{
	static const struct sm_input none;
	struct job_ent *je;
	uint32_t src = p->src_id, tgt = p->tgt_id;
	int err;

	if (!r.valid)
		return 0;
	if (in == NULL)
		in = &none;
	je = p->job_id != 0 ? replica__job(rs, p->job_id) : NULL;
	if (je != NULL && !replica__job_active(&je->j))
		je = NULL;
	replica__log(rs, step_log_level(ev), "pair %u->%u: %s%s%s%s%s: %s -> %s "
	    "(job %" PRIu64 ")", src, tgt, replica_sm_event_name(ev),
	    in->who != NULL ? " by " : "", in->who != NULL ?
	    replica__user(in->who) : "",
	    in->detail != NULL ? ": " : "",
	    in->detail != NULL ? in->detail : "",
	    sync_state_name(p->sync_state), step_state_text(r.next),
	    je != NULL ? je->j.id : 0);
	/* Made after the commit (txn.c), and only if it commits. */
	if ((r.actions & SM_A_COPY_CANCEL) && je != NULL && je->in_engine &&
	    (err = replica__txn_defer(rs, TXN_ACT_CANCEL, je->j.id, 0)) != 0)
		return err;
	if (je != NULL && (err = step_end_job(rs, p, je, r.actions, in)) != 0)
		return err;
	/* The instant the copy shows: its image's, else the end of the copy. */
	if (r.actions & SM_A_WHEN_SYNCED)
		p->when_synced_us = je != NULL && je->j.image ==
		    REPLICA_IMAGE_READY ? je->j.image_us : replica__now(rs);
	/*
	 * A finished copy is announced (a snapshot's 0 answer, a held
	 * answer's client polling the job) only once durable: a power cut
	 * must not bring back a Running job over a target that is done.
	 */
	if (r.actions & SM_A_JOB_COMPLETED)
		rs->durable_commit = true;
	/* A successful copy keeps its image as the pair's sync image. */
	if (r.actions & SM_A_JOB_COMPLETED)
		p->sync_image = je != NULL && je->j.image ==
		    REPLICA_IMAGE_READY && p->kind == PAIR_PC ? je->j.id : 0;
	/* A Broken target no longer holds what the sync image shows. */
	if (r.next == SM_ST_BROKEN)
		p->sync_image = 0;
	if (r.next == SM_ST_REMOVED) {
		replica__pair_remove(rs, src, tgt);
		return store_del_pair(rs->store, src, tgt);
	}
	p->sync_state = (uint16_t)replica_sm_state_value(r.next);
	if ((err = replica__put_pair(rs, p)) != 0)
		return err;
	if ((r.actions & SM_A_NEW_JOB) &&
	    (err = step_new_job(rs, p, r.actions, in)) != 0)
		return err;
	if (r.actions & SM_A_COPY_START)
		return step_copy_start(rs, p);
	return 0;
}

int
replica__step(struct replica_set *rs, struct rpair *p, enum sm_event ev,
    const struct sm_input *in, struct sm_result *res)
{
	struct sm_result r = replica_sm_step(p->kind, p->copy_type,
	    p->sync_state, ev);

	if (res != NULL)
		*res = r;
	return replica__exec(rs, p, ev, r, in);
}

/* The event a copy slot given to this job is. */
static enum sm_event
step_grant_event(const struct rjob *j)
{
	if (j->kind == JOB_KIND_START_COPY)
		return SM_EV_GRANT_COPY;
	if (j->kind == JOB_KIND_RESTORE)
		return SM_EV_GRANT_RESTORE;
	return SM_EV_GRANT_RESYNC;
}

/* Give a copy slot to a New job: one grant event for its pair. */
int
replica__grant(struct replica_set *rs, struct job_ent *je)
{
	struct rpair *p = replica__pair(rs, je->j.src_id, je->j.tgt_id);
	struct sm_input refused = { .err = -EPROTO,
	    .detail = "copy cannot start in this state" };
	struct sm_result r;
	int err;

	if (p == NULL || p->job_id != je->j.id)
		return replica__job_orphaned(rs, je);
	if ((err = replica__step(rs, p, step_grant_event(&je->j), NULL,
	    &r)) != 0 || r.valid)
		return err;
	return replica__step(rs, p, SM_EV_VOLUME_LOST, &refused, NULL);
}
