/* SPDX-License-Identifier: ISC */
/*
 * extrinsic_repl.c - the methods of TPD_ReplicationService (SNIA
 * Replication Services): CreateElementReplica and
 * ModifyReplicaSynchronization.  They are a second door to the same copy
 * services: every call becomes one of the replica/ calls the
 * StorageConfigurationService methods make (replica_create,
 * replica_attach, replica_modify, replica_volume_return) or one of the two
 * made for this profile (replica_create_attached,
 * replica_pair_return_target), so one pair is one pair, in one state
 * machine, whichever service made it.  What this file decides is the
 * translation (README, Replication Services): SyncType, Mode and
 * TargetElement choose the kind of copy; the Replication Services
 * operation map (8 Detach, 14 Resync, ...) is checked here and never the
 * StorageConfigurationService map (8 Quiesce there).
 */
#include <errno.h>
#include <string.h>

#include "cim/extrinsic_int.h"
#include "cim/model.h"
#include "replica/replica.h"

/* SyncType, Mode and CopyState values (DMTF CIM_Synchronized). */
#define SYNC_MIRROR		6u
#define SYNC_SNAPSHOT		7u
#define SYNC_CLONE		8u
#define SYNC_TOKENIZED		9u
#define MODE_SYNC		2u
#define MODE_ASYNC		3u
#define MODE_ADAPTIVE		4u
#define MODE_ACTIVE		5u
#define CS_SYNCHRONIZED		4u
#define CS_INACTIVE		8u
#define CS_NOT_APPLICABLE	15u

/* ModifyReplicaSynchronization.Operation values arrayd carries out. */
enum rs_op {
	RS_OP_ABORT = 2,
	RS_OP_DETACH = 8,
	RS_OP_DISSOLVE = 9,
	RS_OP_RESYNC = 14,
	RS_OP_RESTORE = 15,
	RS_OP_RETURN = 19,
	RS_OP_LAST_DMTF = 27,	/* the DMTF map ends here */
};

/* The answer of a copy that was made or started. */
static void
write_replica_result(struct op_ctx *c, const struct replica_result *res,
    uint32_t src, uint32_t tgt)
{
	ext_write_rc(c, res->rc);
	if (res->rc != REPLICA_RC_OK && res->rc != REPLICA_RC_JOB_STARTED)
		return;
	if (res->job_id != 0)
		ext_write_job(c, res->job_id);
	if (tgt != 0) {
		ext_write_ref(c, "TargetElement", model_volume_path(c, tgt));
		/* The pair exists now (DMTF: "once the association is formed"). */
		if (replica_pair_find(c->rs, src, tgt) != NULL)
			ext_write_ref(c, "Synchronization",
			    model_pair_path(c, src, tgt));
	}
}

/* Is WaitForCopyState absent or one of `ok` (n values)? */
static bool
wait_state_ok(const struct ext_args *b, const uint16_t *ok, size_t n)
{
	uint64_t v;

	if (!ext_arg_uint(b, "WaitForCopyState", &v))
		return true;
	for (size_t i = 0; i < n; i++)
		if (v == ok[i])
			return true;
	return false;
}

/*
 * The checks every CreateElementReplica shares: SyncType (Mirror and
 * TokenizedClone are DMTF's and not arrayd's: 1; outside the map: 5),
 * Mode (Adaptive and Active: 1), and remote or collection arguments
 * (local copies only: 1).  *mode is 0 when absent.
 */
static uint32_t
cer_common_rc(const struct ext_args *b, uint64_t *sync, uint64_t *mode)
{
	*mode = 0;
	if (!ext_arg_uint(b, "SyncType", sync))
		return REPLICA_RC_INVALID;
	if (*sync == SYNC_MIRROR || *sync == SYNC_TOKENIZED)
		return REPLICA_RC_NOT_SUPPORTED;
	if (*sync != SYNC_SNAPSHOT && *sync != SYNC_CLONE)
		return REPLICA_RC_INVALID;
	if (ext_arg_uint(b, "Mode", mode)) {
		if (*mode == MODE_ADAPTIVE || *mode == MODE_ACTIVE)
			return REPLICA_RC_NOT_SUPPORTED;
		if (*mode != MODE_SYNC && *mode != MODE_ASYNC)
			return REPLICA_RC_INVALID;
	}
	if (ext_arg(b, "SourceAccessPoint") != NULL ||
	    ext_arg(b, "TargetAccessPoint") != NULL ||
	    ext_arg(b, "ConnectivityCollection") != NULL ||
	    ext_arg(b, "Collections") != NULL)
		return REPLICA_RC_NOT_SUPPORTED;
	return REPLICA_RC_OK;
}

/* SyncType 7: exactly CreateReplica CopyType 4, answered when durable. */
static int
cer_snapshot(struct op_ctx *c, const struct ext_args *b, uint32_t src,
    uint64_t mode)
{
	static const uint16_t waits[] = { CS_SYNCHRONIZED, CS_INACTIVE };
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const char *pool = NULL;
	int err;

	if (mode == MODE_ASYNC)
		res.rc = REPLICA_RC_NOT_SUPPORTED;
	else if (ext_arg(b, "TargetElement") != NULL ||
	    !wait_state_ok(b, waits, 2) ||
	    ext_target_pool(c, b, src, 4, &pool) != 0)
		res.rc = REPLICA_RC_INVALID;
	if (res.rc != REPLICA_RC_OK) {
		ext_write_rc(c, res.rc);
		return 0;
	}
	err = replica_create(c->rs, src, ext_arg_text(b, "ElementName"), pool,
	    4, &who, &res);
	if (err < 0)
		return err;
	if (res.rc != REPLICA_RC_OK || res.target_id == 0 || !c->can_defer) {
		write_replica_result(c, &res, src, res.target_id);
		return 0;
	}
	/* Not before the snapshot is durable, as CreateReplica. */
	c->defer_pair_src = src;
	c->defer_pair_tgt = res.target_id;
	if (op_extrinsic_deferred(c, false))
		c->defer_pair_src = c->defer_pair_tgt = 0;
	return 0;
}

/*
 * A clone pool (TargetPool): a configured pool, or NULL for the source's.
 * 0, or -EINVAL for anything else (a delta pool, another system's).
 */
static int
clone_pool(struct op_ctx *c, const struct ext_args *b, const char **pool)
{
	const struct cim_path *p = ext_arg_ref(b, "TargetPool");
	struct model_obj o;

	*pool = NULL;
	if (p == NULL)
		return 0;
	if (model_resolve(c, p, &o) != 0 || o.kind != OBJ_POOL)
		return -EINVAL;
	*pool = o.name;
	return 0;
}

/*
 * SyncType 8: a physical copy.  Synchronous (Mode NULL or 2) detaches
 * when it ends (CopyType 5: CreateReplica onto a new volume, or an attach
 * onto TargetElement); asynchronous (Mode 3) keeps its association
 * (CopyType 4: a new volume with replica_create_attached, or an attach).
 */
static int
cer_clone(struct op_ctx *c, const struct ext_args *b, uint32_t src,
    uint64_t mode)
{
	static const uint16_t waits_sync[] = { CS_SYNCHRONIZED };
	static const uint16_t waits_async[] = { CS_SYNCHRONIZED, CS_INACTIVE };
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const struct cim_path *tp = ext_arg_ref(b, "TargetElement");
	bool keep = mode == MODE_ASYNC;
	const char *name = ext_arg_text(b, "ElementName");
	const char *pool = NULL;
	uint32_t tgt = 0;
	int err;

	if (!(keep ? wait_state_ok(b, waits_async, 2) :
	    wait_state_ok(b, waits_sync, 1)) || (tp != NULL &&
	    (ext_arg(b, "TargetPool") != NULL ||
	    ext_arg(b, "TargetSettingGoal") != NULL)) ||
	    (tp == NULL && (keep ? clone_pool(c, b, &pool) :
	    ext_target_pool(c, b, src, 5, &pool)) != 0)) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	if (tp != NULL) {
		(void)ext_resolve_volume(c, tp, &tgt);
		err = replica_attach(c->rs, src, tgt, keep ? 4 : 5, &who, &res);
		res.target_id = tgt;
	} else if (keep) {
		err = replica_create_attached(c->rs, src, name, pool, &who,
		    &res);
	} else {
		err = replica_create(c->rs, src, name, pool, 5, &who, &res);
	}
	if (err < 0)
		return err;
	write_replica_result(c, &res, src, res.target_id);
	return 0;
}

int
ext_call_create_element_replica(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	uint64_t sync = 0, mode = 0;
	uint32_t rc, src;

	(void)o;
	rc = cer_common_rc(b, &sync, &mode);
	if (rc != REPLICA_RC_OK) {
		ext_write_rc(c, rc);
		return 0;
	}
	(void)ext_resolve_volume(c, ext_arg_ref(b, "SourceElement"), &src);
	if (sync == SYNC_SNAPSHOT)
		return cer_snapshot(c, b, src, mode);
	return cer_clone(c, b, src, mode);
}

/* ------------------------------------------------------------- modify */

/*
 * The StorageConfigurationService operation that carries out Replication
 * Services operation `op` on a pair of this kind, 0 for Return To
 * ResourcePool (not a state-machine operation), or -1 when the operation
 * does not fit the kind (5).
 */
static int
rs_op_to_scs(uint64_t op, const struct rpair *p)
{
	bool vc = p->kind == PAIR_VC;

	switch (op) {
	case RS_OP_ABORT:
		return vc ? -1 : REPLICA_OP_STOP_COPY;
	case RS_OP_DETACH:
	case RS_OP_DISSOLVE:
		return vc ? -1 : REPLICA_OP_DETACH;
	case RS_OP_RESYNC:
		return !vc && p->copy_type == 4 ? REPLICA_OP_RESYNC : -1;
	case RS_OP_RESTORE:
		return vc ? REPLICA_OP_RESTORE : -1;
	case RS_OP_RETURN:
		return 0;
	default:
		return -1;
	}
}

/*
 * Operation against the Replication Services map: 0 when arrayd carries
 * it out, 1 for the rest of DMTF's map (mirrors, groups, consistency...),
 * 5 for values outside it.
 */
static uint32_t
rs_op_rc(uint64_t op)
{
	switch (op) {
	case RS_OP_ABORT:
	case RS_OP_DETACH:
	case RS_OP_DISSOLVE:
	case RS_OP_RESYNC:
	case RS_OP_RESTORE:
	case RS_OP_RETURN:
		return REPLICA_RC_OK;
	default:
		return op >= 2 && op <= RS_OP_LAST_DMTF ?
		    REPLICA_RC_NOT_SUPPORTED : REPLICA_RC_INVALID;
	}
}

/* Return To ResourcePool: the snapshot, or the clone's target, goes. */
static int
mrs_return(struct op_ctx *c, const struct rpair *p, uint32_t *rc)
{
	struct replica_caller who = { c->user, c->req->method };
	uint32_t src = p->src_id, tgt = p->tgt_id;

	if (p->kind == PAIR_VC)
		return replica_volume_return(c->rs, tgt, &who, rc);
	return replica_pair_return_target(c->rs, src, tgt, &who, rc);
}

int
ext_call_modify_replica_sync(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	static const uint16_t waits[] = { CS_SYNCHRONIZED, CS_INACTIVE,
	    CS_NOT_APPLICABLE };
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const struct rpair *p;
	uint32_t src, tgt;
	uint64_t op = 0, wait;
	int scs, err;

	(void)o;
	(void)ext_arg_uint(b, "Operation", &op);
	res.rc = rs_op_rc(op);
	if (res.rc == REPLICA_RC_OK && (ext_arg(b, "SyncPair") != NULL ||
	    !wait_state_ok(b, waits, 3)))
		res.rc = REPLICA_RC_INVALID;
	if (res.rc != REPLICA_RC_OK) {
		ext_write_rc(c, res.rc);
		return 0;
	}
	(void)ext_resolve_pair(c, ext_arg_ref(b, "Synchronization"), &src,
	    &tgt);
	if ((p = replica_pair_find(c->rs, src, tgt)) == NULL) {
		ext_write_rc(c, REPLICA_RC_FAILED);
		return 0;
	}
	/*
	 * WaitForCopyState 8 (Inactive) is a snapshot's resting state: only
	 * ops on a VC may wait for it (README, Replication Services); a
	 * physical copy never reaches it, so waiting for it there is 5.
	 */
	if ((scs = rs_op_to_scs(op, p)) < 0 || (p->kind != PAIR_VC &&
	    ext_arg_uint(b, "WaitForCopyState", &wait) &&
	    wait == CS_INACTIVE)) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	if (scs == 0)
		err = mrs_return(c, p, &res.rc);
	else
		err = replica_modify(c->rs, (uint16_t)scs, src, tgt, &who,
		    &res);
	if (err < 0)
		return err;
	ext_write_rc(c, res.rc);
	if (res.job_id != 0)
		ext_write_job(c, res.job_id);
	return 0;
}
