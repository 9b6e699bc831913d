/* SPDX-License-Identifier: ISC */
/*
 * method.c - the CIM extrinsic methods of the replica layer: attach
 * (AttachOrModifyReplica/AttachReplica), CreateReplica, ModifySynchronization
 * and the job methods.  Each checks its arguments in the order of
 * CONTRACT.md §4 without changing anything, then makes its change in one
 * store transaction that commits before it returns.
 *
 * Beyond the contract's checks (documented, all rc 4 "Failed" or 6 "In
 * Use"): a copy never writes a volume another New/Running copy writes, a
 * source being written by a copy cannot be copied or snapshotted (4), a
 * target any active copy reads or writes is in use (6), a volume whose
 * backing store is missing fails (4); the volumes a call would copy are
 * looked at first (health.c), so a file lost a moment ago counts.  Attach
 * on an existing Broken pair of the same two volumes restarts its copy
 * (the recovery path of a failed CopyType 5 copy, which Start Copy does
 * not accept).
 *
 * The Replication Services methods that are compositions live here too:
 * CreateElementReplica without a target (a Block Services volume, then an
 * attach onto it; undone if the attach refuses) and Return To
 * ResourcePool of a physical copy (the pair and its target in one change).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replica/replica_int.h"
#include "replica/store.h"

static void
replica_result_init(struct replica_result *out, uint32_t rc)
{
	memset(out, 0, sizeof(*out));
	out->rc = rc;
}

/* Is `tgt` already the SyncedElement of a pair other than (src, tgt)? */
static bool
replica_is_synced_element(const struct replica_set *rs, uint32_t src,
    uint32_t tgt)
{
	for (size_t i = 0; i < rs->npairs; i++)
		if (rs->pairs[i].tgt_id == tgt && rs->pairs[i].src_id != src)
			return true;
	return false;
}

/* The semantic checks of attach: rc, nothing changed. */
static uint32_t
replica_attach_check(struct replica_set *rs, uint32_t src_id, uint32_t tgt_id,
    uint16_t copy_type, struct rpair **existing)
{
	const struct rvolume *s = replica__vol(rs, src_id);
	const struct rvolume *t = replica__vol(rs, tgt_id);
	struct rpair *p;

	*existing = NULL;
	if (copy_type != 4 && copy_type != 5)
		return REPLICA_RC_INVALID;
	if (s == NULL || t == NULL || src_id == tgt_id || t->size < s->size ||
	    t->is_snapshot || s->missing || t->missing)
		return REPLICA_RC_FAILED;
	if (replica_is_synced_element(rs, src_id, tgt_id))
		return REPLICA_RC_IN_USE;
	if ((p = replica__pair(rs, src_id, tgt_id)) != NULL) {
		if (p->kind != PAIR_PC || p->sync_state != SYNC_BROKEN)
			return REPLICA_RC_IN_USE;
		*existing = p;
	}
	if (replica__vol_busy(rs, tgt_id))
		return REPLICA_RC_IN_USE;
	if (replica__vol_written(rs, src_id))
		return REPLICA_RC_FAILED;
	return REPLICA_RC_OK;
}

int
replica_attach(struct replica_set *rs, uint32_t src_id, uint32_t tgt_id,
    uint16_t copy_type, const struct replica_caller *who,
    struct replica_result *out)
{
	struct rpair np, *p;
	/* No cell makes an attach's job: it copies every chunk. */
	struct rjob want = { .kind = JOB_KIND_PC_CREATE,
	    .mode = REPLICA_COPY_FULL };
	struct rvolume *t;
	struct job_ent *je;
	uint32_t rc;
	int err;

	(void)replica_volume_probe(rs, src_id);
	(void)replica_volume_probe(rs, tgt_id);
	rc = replica_attach_check(rs, src_id, tgt_id, copy_type, &p);
	replica_result_init(out, rc);
	if (rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO,
		    "pair %u->%u: attach by %s refused (rc %u)",
		    src_id, tgt_id, replica__user(who), rc);
		return 0;
	}
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	if (p == NULL) {
		memset(&np, 0, sizeof(np));
		np.src_id = src_id;
		np.tgt_id = tgt_id;
		np.kind = PAIR_PC;
		np.percent_synced = 0;
		if ((err = replica__pair_insert(rs, &np)) != 0)
			goto out_commit;
		p = replica__pair(rs, src_id, tgt_id);
	}
	p->copy_type = copy_type;
	p->sync_state = SYNC_INITIALIZED;
	t = replica__vol(rs, tgt_id);
	t->failed = false;
	want.copy_type = copy_type;
	if ((err = replica__put_vol(rs, t)) != 0 ||
	    (err = replica__new_job(rs, p, &want, who, &je)) != 0)
		goto out_commit;
	replica__log(rs, LOG_LVL_INFO,
	    "pair %u->%u: physical copy (CopyType %u) submitted by %s "
	    "(job %" PRIu64 ")", src_id, tgt_id, copy_type, replica__user(who),
	    je->j.id);
	out->rc = REPLICA_RC_JOB_STARTED;
	out->job_id = je->j.id;
	err = replica__schedule(rs);
out_commit:
	if ((err = replica__txn_commit(rs, err)) != 0)
		replica_result_init(out, REPLICA_RC_FAILED);
	return err;
}

/* The semantic checks of CreateReplica: rc, nothing changed. */
static uint32_t
replica_create_check(struct replica_set *rs, uint32_t src_id,
    const char *name, const char *pool, uint16_t copy_type)
{
	const struct rvolume *s;

	if (copy_type != 4 && copy_type != 5)
		return REPLICA_RC_INVALID;
	if (name != NULL && !replica_name_valid(name))
		return REPLICA_RC_INVALID;
	if (pool != NULL && replica_pool_path(rs, pool) == NULL)
		return REPLICA_RC_INVALID;
	if ((s = replica__vol(rs, src_id)) == NULL)
		return REPLICA_RC_FAILED;
	/* A snapshot lives in its source's pool (3PAR: the delta pool). */
	if (copy_type == 4 && pool != NULL && strcmp(pool, s->pool) != 0)
		return REPLICA_RC_INVALID;
	if (name != NULL && replica_volume_by_name(rs, name) != NULL)
		return REPLICA_RC_FAILED;
	if (s->missing || replica__vol_written(rs, src_id))
		return REPLICA_RC_FAILED;
	if (replica_pool_path(rs, pool != NULL ? pool : s->pool) == NULL)
		return REPLICA_RC_FAILED;
	/* A clone is a full volume: it must fit under its pool's limit. */
	if (copy_type == 5 && !replica__pool_has_room(rs, pool != NULL ? pool :
	    s->pool, s->size))
		return REPLICA_RC_FAILED;
	return REPLICA_RC_OK;
}

/* Fill *nv for the new volume; nv->path is owned by the caller (free). */
static int
replica_create_volume(struct replica_set *rs, const struct rvolume *s,
    const char *name, const char *pool, uint16_t copy_type,
    struct rvolume *nv, int *file_err)
{
	const char *dir = replica_pool_path(rs, pool);

	memset(nv, 0, sizeof(*nv));
	snprintf(nv->name, sizeof(nv->name), "%s", name);
	snprintf(nv->pool, sizeof(nv->pool), "%s", pool);
	if (asprintf(&nv->path, "%s/%s.img", dir, name) == -1) {
		nv->path = NULL;
		return -ENOMEM;
	}
	nv->size = s->size;
	nv->is_snapshot = copy_type == 4;
	nv->parent_id = copy_type == 4 ? s->id : 0;
	nv->created_us = replica__now(rs);
	return replica__file_create(rs, nv, file_err);
}

/*
 * What a new volume's pair and job are: a snapshot (CopyType 4), a clone
 * that detaches when its copy ends (CopyType 5), or one that keeps its
 * association (replica_create_attached: a CopyType 4 physical copy, as an
 * attach makes).
 */
struct create_kind {
	enum pair_kind pair;
	uint16_t copy_type;
	enum job_kind job;
	enum replica_copy_mode mode;	/* a snapshot: an image; else full */
	bool job_shown;			/* 4096 + Job (a snapshot: 0) */
	const char *what;		/* for the log line */
};
static const struct create_kind create_snapshot = { PAIR_VC, 4,
	JOB_KIND_SNAPSHOT, REPLICA_COPY_CLONE, false, "snapshot" };
static const struct create_kind create_clone = { PAIR_PC, 5,
	JOB_KIND_CLONE_CREATE, REPLICA_COPY_FULL, true, "clone" };
static const struct create_kind create_kept_clone = { PAIR_PC, 4,
	JOB_KIND_PC_CREATE, REPLICA_COPY_FULL, true,
	"clone with its association" };

/*
 * Record the new volume, its pair and its job in the open transaction:
 * one commit, so a crash leaves all three or none (the file intent
 * removes the file then).
 */
static int
replica_create_commit(struct replica_set *rs, uint32_t src_id,
    struct rvolume *nv, const struct create_kind *k,
    const struct replica_caller *who, struct replica_result *out)
{
	struct rpair np, *p;
	struct rjob want;
	struct job_ent *je;
	int err;

	memset(&want, 0, sizeof(want));
	memset(&np, 0, sizeof(np));
	/* The file exists and is durable: record it, and the intent is done. */
	rs->durable_commit = true;
	if ((err = replica__alloc_volume_id(rs, &nv->id)) != 0 ||
	    (err = replica__intent_done(rs)) != 0)
		return err;
	np.src_id = src_id;
	np.tgt_id = nv->id;
	np.kind = k->pair;
	np.copy_type = k->copy_type;
	np.sync_state = SYNC_INITIALIZED;
	if ((err = replica__vol_insert(rs, nv, false)) != 0 ||
	    (err = replica__put_vol(rs, nv)) != 0 ||
	    (err = replica__pair_insert(rs, &np)) != 0)
		return err;
	p = replica__pair(rs, src_id, nv->id);
	want.kind = k->job;
	want.mode = k->mode;
	want.copy_type = k->copy_type;
	snprintf(want.element_name, sizeof(want.element_name), "%s", nv->name);
	if ((err = replica__new_job(rs, p, &want, who, &je)) != 0)
		return err;
	replica__log(rs, LOG_LVL_INFO,
	    "pair %u->%u: %s %s created by %s (job %" PRIu64 ")",
	    src_id, nv->id, k->what, nv->name, replica__user(who), je->j.id);
	out->target_id = nv->id;
	if (k->job_shown) {
		out->rc = REPLICA_RC_JOB_STARTED;
		out->job_id = je->j.id;
	}
	return replica__schedule(rs);
}

/*
 * The file of volume *nv made (durably, behind its intent), then nv, its
 * pair and its job recorded in one transaction; a failed commit removes
 * the file again.  0, or -errno with out->rc 4.
 */
static int
replica_create_record(struct replica_set *rs, uint32_t src_id,
    struct rvolume *nv, const struct create_kind *k,
    const struct replica_caller *who, struct replica_result *out)
{
	int err;

	if ((err = replica__txn_begin(rs)) == 0)
		err = replica__txn_commit(rs, replica_create_commit(rs, src_id,
		    nv, k, who, out));
	if (err != 0) {
		if (rs->ops.volume_remove != NULL)
			(void)rs->ops.volume_remove(rs->ops.ctx, nv);
		replica_result_init(out, REPLICA_RC_FAILED);
		return err;
	}
	rs->counters.volumes_created++;
	return 0;
}

int
replica_create(struct replica_set *rs, uint32_t src_id, const char *name,
    const char *pool, uint16_t copy_type, const struct replica_caller *who,
    struct replica_result *out)
{
	const struct rvolume *s;
	struct rvolume nv;
	char defname[32];
	uint32_t rc;
	int err, ferr = 0;

	(void)replica_volume_probe(rs, src_id);
	rc = replica_create_check(rs, src_id, name, pool, copy_type);
	replica_result_init(out, rc);
	if (rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO,
		    "volume %u: CreateReplica by %s refused (rc %u)",
		    src_id, replica__user(who), rc);
		return 0;
	}
	s = replica__vol(rs, src_id);
	if (name == NULL) {
		if (replica__default_name(rs, s->name, defname,
		    sizeof(defname)) != 0) {
			out->rc = REPLICA_RC_FAILED;
			return 0;
		}
		name = defname;
	}
	if ((err = replica_create_volume(rs, s, name, pool != NULL ? pool :
	    s->pool, copy_type, &nv, &ferr)) != 0 || ferr != 0) {
		free(nv.path);
		out->rc = REPLICA_RC_FAILED;
		return err != 0 ? err : ferr == -ENOMEM ? ferr : 0;
	}
	err = replica_create_record(rs, src_id, &nv, copy_type == 4 ?
	    &create_snapshot : &create_clone, who, out);
	free(nv.path);
	return err;
}

int
replica_create_attached(struct replica_set *rs, uint32_t src_id,
    const char *name, const char *pool, const struct replica_caller *who,
    struct replica_result *out)
{
	const struct rvolume *s;
	struct rvolume nv;
	char defname[32];
	uint32_t rc;
	int err, ferr = 0;

	(void)replica_volume_probe(rs, src_id);
	/* A CopyType 5 clone asks exactly what this one must pass. */
	rc = replica_create_check(rs, src_id, name, pool, 5);
	replica_result_init(out, rc);
	if (rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO, "volume %u: CreateElementReplica "
		    "by %s refused (rc %u)", src_id, replica__user(who), rc);
		return 0;
	}
	s = replica__vol(rs, src_id);
	if (name == NULL) {
		if (replica__default_name(rs, s->name, defname,
		    sizeof(defname)) != 0) {
			out->rc = REPLICA_RC_FAILED;
			return 0;
		}
		name = defname;
	}
	/* A base volume of exactly the source's size, as a clone's. */
	if ((err = replica_create_volume(rs, s, name, pool != NULL ? pool :
	    s->pool, 5, &nv, &ferr)) != 0 || ferr != 0) {
		free(nv.path);
		out->rc = REPLICA_RC_FAILED;
		return err != 0 ? err : ferr == -ENOMEM ? ferr : 0;
	}
	/* Volume, pair and job in one commit: all or nothing across a crash. */
	err = replica_create_record(rs, src_id, &nv, &create_kept_clone, who,
	    out);
	free(nv.path);
	return err;
}

/* Is the copy of pair p queued or running, or does a copy use its target? */
static bool
replica_pair_copying(struct replica_set *rs, const struct rpair *p)
{
	struct job_ent *je = p->job_id != 0 ? replica__job(rs, p->job_id) :
	    NULL;

	return (je != NULL && replica__job_active(&je->j)) ||
	    replica__vol_busy(rs, p->tgt_id);
}

/*
 * The checks of Return To ResourcePool: rc, nothing changed.  A pair
 * Detach would take (Frozen) goes, and so does a Broken one: its failed
 * copy left a target only a new copy or this can clear, while SCS Detach
 * keeps refusing Broken (CONTRACT.md §4 stays as it is).
 */
static uint32_t
replica_return_target_check(struct replica_set *rs, const struct rpair *p)
{
	struct sm_result r;

	if (p == NULL)
		return REPLICA_RC_FAILED;
	if (p->kind != PAIR_PC)
		return REPLICA_RC_INVALID;
	if (replica_pair_copying(rs, p))
		return REPLICA_RC_IN_USE;
	if (replica__volume_return_check(rs, replica__vol(rs, p->tgt_id), p) !=
	    REPLICA_RC_OK)
		return REPLICA_RC_IN_USE;
	r = replica_sm_step(p->kind, p->copy_type, p->sync_state,
	    SM_EV_DETACH);
	if (!r.valid && p->sync_state != SYNC_BROKEN)
		return REPLICA_RC_FAILED;
	return REPLICA_RC_OK;
}

/*
 * The pair and its target go in one durable change (the volume's delete
 * takes the pairs it is the target of, provision.c), not as a Detach
 * commit followed by a delete commit: no crash or store failure can leave
 * the pair detached with its target still there.
 */
int
replica_pair_return_target(struct replica_set *rs, uint32_t src_id,
    uint32_t tgt_id, const struct replica_caller *who, uint32_t *rc)
{
	struct rpair *p = replica__pair(rs, src_id, tgt_id);
	char state[32];
	int err;

	*rc = replica_return_target_check(rs, p);
	if (*rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO, "pair %u->%u: return to the "
		    "pool by %s refused%s%s (rc %u)", src_id, tgt_id,
		    replica__user(who), p != NULL ? " in state " : "",
		    p != NULL ? sync_state_name(p->sync_state) : "", *rc);
		return 0;
	}
	snprintf(state, sizeof(state), "%s", sync_state_name(p->sync_state));
	if ((err = replica__volume_delete(rs, tgt_id, who)) != 0) {
		replica__log(rs, LOG_LVL_ERROR, "pair %u->%u: return to the "
		    "pool by %s failed: %s; pair and target unchanged", src_id,
		    tgt_id, replica__user(who), strerror(-err));
		*rc = REPLICA_RC_FAILED;
		return err;
	}
	rs->counters.volumes_deleted++;
	replica__log(rs, LOG_LVL_INFO, "pair %u->%u: target returned to the "
	    "pool by %s: pair (%s) and volume %u removed", src_id, tgt_id,
	    replica__user(who), state, tgt_id);
	return 0;
}

/*
 * Cross-pair checks for an operation that starts a copy: the volume it
 * writes must be idle, the one it reads must not be written by a copy,
 * and the target must still hold the source (as at attach: a file may
 * have been truncated or grown while arrayd was down).
 */
static uint32_t
replica_modify_check(struct replica_set *rs, const struct rpair *p,
    bool reverse)
{
	const struct rvolume *s = replica__vol(rs, p->src_id);
	const struct rvolume *t = replica__vol(rs, p->tgt_id);

	if (s->missing || t->missing || t->size < s->size)
		return REPLICA_RC_FAILED;
	if (reverse)
		return replica__vol_busy(rs, p->src_id) ||
		    replica__vol_written(rs, p->tgt_id) ?
		    REPLICA_RC_FAILED : REPLICA_RC_OK;
	return replica__vol_written(rs, p->src_id) ||
	    replica__vol_busy(rs, p->tgt_id) ? REPLICA_RC_FAILED :
	    REPLICA_RC_OK;
}

int
replica_modify(struct replica_set *rs, uint16_t operation, uint32_t src_id,
    uint32_t tgt_id, const struct replica_caller *who,
    struct replica_result *out)
{
	enum sm_event ev = replica_sm_event_of_op(operation);
	struct rpair *p = replica__pair(rs, src_id, tgt_id);
	struct sm_input in = { .who = who, .operation = operation };
	struct sm_result r;
	int err;

	replica_result_init(out, REPLICA_RC_FAILED);
	if (p == NULL) {
		out->rc = replica_sm_no_pair_rc(ev);
		return 0;
	}
	/* The one lookup of this event; its cell is executed below. */
	r = replica_sm_step(p->kind, p->copy_type, p->sync_state, ev);
	out->rc = r.valid ? REPLICA_RC_OK : r.rc;
	if (r.valid && (r.actions & SM_A_NEW_JOB)) {
		/*
		 * A volume found lost here breaks the pair in a change of its
		 * own; the check then refuses (missing), so the cell looked
		 * up above is never executed on a pair that moved.
		 */
		(void)replica_volume_probe(rs, src_id);
		(void)replica_volume_probe(rs, tgt_id);
		out->rc = replica_modify_check(rs, p,
		    (r.actions & SM_A_REVERSE) != 0);
	}
	if (out->rc != REPLICA_RC_OK) {
		replica__log(rs, LOG_LVL_INFO,
		    "pair %u->%u: %s by %s refused in state %s "
		    "(rc %u)", src_id, tgt_id, replica_sm_event_name(ev),
		    replica__user(who), sync_state_name(p->sync_state), out->rc);
		return 0;
	}
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	/* A cell that makes a job never removes the pair: p holds it. */
	if ((err = replica__exec(rs, p, ev, r, &in)) == 0 &&
	    (r.actions & SM_A_NEW_JOB))
		out->job_id = p->job_id;
	if (err == 0)
		err = replica__schedule(rs);
	out->rc = r.rc;
	if ((err = replica__txn_commit(rs, err)) != 0)
		replica_result_init(out, REPLICA_RC_FAILED);
	return err;
}

int
replica_job_request_state(struct replica_set *rs, uint64_t job_id,
    uint16_t requested_state, uint32_t *rc)
{
	struct job_ent *je = replica__job(rs, job_id);
	struct sm_result r;
	struct rpair *p;
	int err;

	*rc = REPLICA_RC_FAILED;
	if (je == NULL || je->j.hidden)
		return -ENOENT;
	if (requested_state >= 2 && requested_state <= 6 &&
	    requested_state != 4) {
		*rc = REPLICA_RC_NOT_SUPPORTED;
		return 0;
	}
	if (requested_state != 4) {
		*rc = REPLICA_RC_INVALID;
		return 0;
	}
	if (!replica__job_active(&je->j))
		return 0;
	p = replica__pair(rs, je->j.src_id, je->j.tgt_id);
	if (p == NULL || p->job_id != job_id)
		return -EPROTO;	/* an active job always has its pair */
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	if ((err = replica__step(rs, p, SM_EV_TERMINATE, NULL, &r)) == 0)
		err = replica__schedule(rs);
	if ((err = replica__txn_commit(rs, err)) != 0)
		return err;
	*rc = r.rc;
	replica__log(rs, LOG_LVL_INFO,
	    "job %" PRIu64 ": terminate requested (rc %u)",
	    job_id, *rc);
	return 0;
}

int
replica_job_delete(struct replica_set *rs, uint64_t job_id)
{
	struct job_ent *je = replica__job(rs, job_id);
	int err;

	if (je == NULL || je->j.hidden)
		return -ENOENT;
	if (replica__job_active(&je->j) || je->in_engine)
		return -EBUSY;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	/* Forgotten inside the change, so a failed commit restores it and
	 * the commit announces it. */
	if ((err = store_del_job(rs->store, job_id)) == 0)
		replica__job_remove(rs, job_id);
	if ((err = replica__txn_commit(rs, err)) != 0)
		return err;
	replica__log(rs, LOG_LVL_INFO, "job %" PRIu64 ": deleted", job_id);
	return 0;
}
