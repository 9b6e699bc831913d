/* SPDX-License-Identifier: ISC */
/*
 * txn.c - one state change of the replica set, all or nothing: the store
 * transaction, a snapshot of the in-memory registries taken when it begins,
 * and the engine calls (copy_start, copy_cancel) the change asks for.
 *
 * The change is made in memory and written into the open transaction as
 * before; what is new is the order of effects.  The engine calls are only
 * recorded while the transaction is open and made once the commit
 * succeeded; a change whose commit (or any write) fails is rolled back in
 * memory to the snapshot, so memory is exactly what the store holds and no
 * copy ever starts or stops for a change the store does not record.  A
 * copy_start that then fails synchronously is recorded as that copy's
 * failure (pair Broken, job Exception) in a transaction of its own, as a
 * copy that fails later is.
 *
 * Not rolled back, on purpose: the task-id counter (an id is never handed
 * out twice, even by a change that was not saved) and the pools (not
 * stored).  This file must not decide transitions (sm.c does).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

/* Grow *arr to hold n elements of `elem` bytes; *cap follows. */
static int
txn_reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n <= *cap)
		return 0;
	if ((p = realloc(*arr, n * elem)) == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static void
txn_snap_free_paths(struct txn_snap *s)
{
	for (size_t i = 0; i < s->nvols; i++) {
		free(s->vols[i].path);
		s->vols[i].path = NULL;
	}
	s->nvols = 0;
}

/* Copy the registries into rs->snap (volume paths duplicated). */
static int
txn_snap_take(struct replica_set *rs)
{
	struct txn_snap *s = &rs->snap;
	int err;

	if ((err = txn_reserve((void **)&s->vols, &s->capvols, rs->nvols,
	    sizeof(*s->vols))) != 0 ||
	    (err = txn_reserve((void **)&s->vol_registered, &s->capreg,
	    rs->nvols, sizeof(*s->vol_registered))) != 0 ||
	    (err = txn_reserve((void **)&s->pairs, &s->cappairs, rs->npairs,
	    sizeof(*s->pairs))) != 0 ||
	    (err = txn_reserve((void **)&s->jobs, &s->capjobs, rs->njobs,
	    sizeof(*s->jobs))) != 0)
		return err;
	for (size_t i = 0; i < rs->nvols; i++) {
		s->vols[i] = rs->vols[i];
		if ((s->vols[i].path = strdup(rs->vols[i].path)) == NULL) {
			s->nvols = i;
			txn_snap_free_paths(s);
			return -ENOMEM;
		}
		s->nvols = i + 1;
	}
	if (rs->nvols > 0)
		memcpy(s->vol_registered, rs->vol_registered, rs->nvols);
	if (rs->npairs > 0)
		memcpy(s->pairs, rs->pairs, rs->npairs * sizeof(*s->pairs));
	if (rs->njobs > 0)
		memcpy(s->jobs, rs->jobs, rs->njobs * sizeof(*s->jobs));
	s->npairs = rs->npairs;
	s->njobs = rs->njobs;
	s->task_id_reserved = rs->task_id_reserved;
	return 0;
}

/*
 * Put the snapshot back.  The registries only ever grow their capacity,
 * so the snapshot fits into them in place and pointers into them that a
 * caller still holds keep pointing into the (restored) arrays.
 */
static void
txn_snap_restore(struct replica_set *rs)
{
	struct txn_snap *s = &rs->snap;

	for (size_t i = 0; i < rs->nvols; i++)
		free(rs->vols[i].path);
	if (s->nvols > 0) {
		memcpy(rs->vols, s->vols, s->nvols * sizeof(*s->vols));
		memcpy(rs->vol_registered, s->vol_registered, s->nvols);
	}
	rs->nvols = s->nvols;
	s->nvols = 0;			/* the paths moved into rs->vols */
	if (s->npairs > 0)
		memcpy(rs->pairs, s->pairs, s->npairs * sizeof(*s->pairs));
	rs->npairs = s->npairs;
	if (s->njobs > 0)
		memcpy(rs->jobs, s->jobs, s->njobs * sizeof(*s->jobs));
	rs->njobs = s->njobs;
	rs->task_id_reserved = s->task_id_reserved;
}

void
replica__txn_free(struct replica_set *rs)
{
	txn_snap_free_paths(&rs->snap);
	free(rs->snap.vols);
	free(rs->snap.vol_registered);
	free(rs->snap.pairs);
	free(rs->snap.jobs);
	free(rs->acts);
	memset(&rs->snap, 0, sizeof(rs->snap));
	rs->acts = NULL;
	rs->nacts = rs->capacts = 0;
}

int
replica__txn_begin(struct replica_set *rs)
{
	int err;

	if (rs->in_txn)
		return -EALREADY;	/* changes never nest */
	if ((err = store_begin(rs->store)) != 0) {
		replica__log(rs, LOG_LVL_ERROR, "state store: begin: %s",
		    store_errmsg(rs->store));
		return err;
	}
	if ((err = txn_snap_take(rs)) != 0) {
		store_rollback(rs->store);
		replica__log(rs, LOG_LVL_ERROR,
		    "state store: begin: %s", strerror(-err));
		return err;
	}
	rs->in_txn = true;
	rs->nacts = 0;
	return 0;
}

/* Record an engine call for after the commit. */
int
replica__txn_defer(struct replica_set *rs, enum txn_act_kind kind,
    uint64_t job_id, uint64_t resume_from)
{
	int err;

	if (!rs->in_txn)
		return -EPROTO;
	if ((err = txn_reserve((void **)&rs->acts, &rs->capacts,
	    rs->nacts + 1, sizeof(*rs->acts))) != 0)
		return err;
	rs->acts[rs->nacts++] = (struct txn_act){ .kind = kind,
	    .job = job_id, .resume_from = resume_from };
	return 0;
}

/*
 * Commit or roll back the open transaction; no engine call.  A durable
 * change whose commit held but whose sync failed keeps its commit (memory
 * must match the store) and gives up the task-id reservation, so the next
 * id reserves (and syncs) again.
 */
static int
txn_end(struct replica_set *rs, int err)
{
	bool durable = rs->durable_commit;

	rs->durable_commit = false;
	rs->in_txn = false;
	if (err == 0 && (err = store_commit(rs->store)) == 0) {
		int serr;

		replica__announce(rs);
		replica__image_drops(rs);
		txn_snap_free_paths(&rs->snap);
		if (durable && (serr = store_sync(rs->store)) != 0) {
			replica__log(rs, LOG_LVL_ERROR,
			    "state store: commit (task id reservation, "
			    "completion or image) not synced: %s (%s)",
			    strerror(-serr),
			    store_errmsg(rs->store));
			rs->task_id_reserved = rs->next_task_id;
		}
		return 0;
	}
	replica__log(rs, LOG_LVL_ERROR,
	    "state store: change not saved, undone: %s (%s)",
	    strerror(-err), store_errmsg(rs->store));
	store_rollback(rs->store);
	txn_snap_restore(rs);
	rs->nacts = 0;
	return err;
}

/*
 * copy_start for a job granted by the committed change, as the job
 * records it (mode and direction from the cell that created it, step.c).
 */
static int
txn_copy_start(struct replica_set *rs, struct job_ent *je,
    uint64_t resume_from)
{
	const struct rvolume *from = replica__vol(rs,
	    replica_copy_side_volume(&je->j, REPLICA_SIDE_SOURCE));
	const struct rvolume *to = replica__vol(rs,
	    replica_copy_side_volume(&je->j, REPLICA_SIDE_TARGET));
	struct replica_copy_from cf;
	char img[4096], base[4096];
	int rc;

	if (from == NULL || to == NULL)
		return -ENOENT;
	if ((rc = replica__image_from(rs, &je->j, from, to, &cf, img, base,
	    sizeof(img))) != 0)
		return rc;
	rc = rs->ops.copy_start(rs->ops.ctx, je->j.id, from, to, je->j.mode,
	    resume_from, &cf);
	if (rc == 0)
		replica__log(rs, LOG_LVL_INFO,
		    "pair %u->%u: %s %s (job %" PRIu64 ")",
		    je->j.src_id, je->j.tgt_id, job_kind_name(je->j.kind),
		    resume_from != 0 ? "resumed" : "started", je->j.id);
	return rc < 0 ? rc : 0;
}

/*
 * Make the recorded engine calls, in order.  Starts that fail keep their
 * error in the act (rc) and are counted; their jobs leave the engine.
 */
static size_t
txn_run_acts(struct replica_set *rs, struct txn_act *acts, size_t n)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct job_ent *je = replica__job(rs, acts[i].job);

		acts[i].rc = 0;
		if (acts[i].kind == TXN_ACT_IMAGE) {
			if (je != NULL && replica__job_active(&je->j) &&
			    je->j.image == REPLICA_IMAGE_TAKING &&
			    (acts[i].rc = replica__image_take(rs, je)) != 0)
				failed++;
			continue;
		}
		if (je == NULL || !je->in_engine)
			continue;
		if (acts[i].kind == TXN_ACT_CANCEL) {
			rs->ops.copy_cancel(rs->ops.ctx, je->j.id);
			continue;
		}
		if ((acts[i].rc = txn_copy_start(rs, je,
		    acts[i].resume_from)) != 0) {
			je->in_engine = false;
			failed++;
		}
	}
	return failed;
}

/* Record the copies that could not start as failed, in a change of its own. */
static int
txn_record_start_failures(struct replica_set *rs, const struct txn_act *acts,
    size_t n)
{
	int err;

	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	for (size_t i = 0; err == 0 && i < n; i++) {
		struct job_ent *je;
		struct rpair *p;
		char detail[160];
		struct sm_input in = { .detail = detail };

		if (acts[i].rc == 0 || acts[i].kind == TXN_ACT_CANCEL ||
		    (je = replica__job(rs, acts[i].job)) == NULL ||
		    !replica__job_active(&je->j))
			continue;
		if (acts[i].kind == TXN_ACT_IMAGE) {
			err = replica__image_outcome(rs, je, acts[i].rc, 0,
			    NULL);
			continue;
		}
		snprintf(detail, sizeof(detail), "cannot start copy: %s",
		    strerror(-acts[i].rc));
		in.err = acts[i].rc;
		p = replica__pair(rs, je->j.src_id, je->j.tgt_id);
		if (p != NULL && p->job_id == je->j.id)
			err = replica__step(rs, p, SM_EV_COPY_FAILED, &in,
			    NULL);
	}
	if (err == 0)
		err = replica__schedule(rs);
	return txn_end(rs, err);
}

/*
 * Commit what the call wrote, or roll it back (store and memory) when
 * err != 0 or the commit fails; then, after a commit only, make the engine
 * calls the change asked for.  Returns the change's outcome: a copy that
 * fails to start afterwards is that copy's failure, not the call's.
 */
int
replica__txn_commit(struct replica_set *rs, int err)
{
	if ((err = txn_end(rs, err)) != 0)
		return err;
	while (rs->nacts > 0) {
		/* Take the list: recording the failures may add starts. */
		struct txn_act *acts = rs->acts;
		size_t n = rs->nacts;

		rs->acts = NULL;
		rs->nacts = rs->capacts = 0;
		if (txn_run_acts(rs, acts, n) > 0 &&
		    txn_record_start_failures(rs, acts, n) != 0)
			replica__log(rs, LOG_LVL_ERROR,
			    "state store: copies that could not "
			    "start stay Running until the next change or start");
		free(acts);
	}
	return 0;
}
