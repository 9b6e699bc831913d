/* SPDX-License-Identifier: ISC */
/*
 * sm.c - the replica state machine: one static table indexed by (kind of
 * pair, SyncState, event), encoding CONTRACT.md §4 (ModifySynchronization
 * by operation), SPEC.md §3.5-3.6 (per-operation state tables and guards)
 * and the copy-engine outcomes of SPEC.md §6.8.
 *
 * Refusals are explicit cells carrying the return value: 5 for an operation
 * that does not fit the kind of pair (or Operation 0, 1, >= 14), 1 for the
 * operations 3PAR does not support (3, 6-11), 4 for a state that does not
 * allow the operation.  Engine events in a state where no copy runs are
 * refused with 4; the caller logs and ignores them.  This file must stay
 * pure: no I/O, no clock, no allocation.
 */
#include <stddef.h>

#include "replica/sm.h"

/* A refused cell with its return value. */
#define X(r)		{ .next = 0, .actions = 0, .rc = (r), .valid = 0 }
/* An accepted cell. */
#define T(n, a, r)	{ .next = SM_ST_##n, .actions = (a), .rc = (r), .valid = 1 }

/*
 * One row, every column in enum sm_event order; the fixed columns (invalid
 * operations -> 5, unsupported operations -> 1) are filled in here.
 */
#define ROW(detach, resync, restore, start, stop, g_resync, g_copy,	\
	    g_restore, ok, failed, cancelled, term, lost)		\
	{ X(5), detach, X(1), resync, restore, X(1), X(1), X(1), X(1),	\
	  X(1), X(1), start, stop, g_resync, g_copy, g_restore, ok,	\
	  failed, cancelled, term, lost }

#define A_NEW_FULL	(SM_A_NEW_JOB | SM_A_COPY_FULL)
#define A_NEW_DIFF	(SM_A_NEW_JOB | SM_A_COPY_DIFF)
#define A_RESTORE	(SM_A_NEW_JOB | SM_A_COPY_DIFF | SM_A_REVERSE)
#define A_DONE		(SM_A_JOB_COMPLETED | SM_A_WHEN_SYNCED | SM_A_WRITTEN_OK)
#define A_FAIL		(SM_A_JOB_EXCEPTION | SM_A_WRITTEN_FAILED)
/* A volume of a copying pair is lost: the copy stops, the job fails. */
#define A_LOST_RUN	(SM_A_COPY_CANCEL | A_FAIL)
#define A_HALTED	(SM_A_JOB_TERMINATED | SM_A_WRITTEN_FAILED)
#define A_STOP_RUN	(SM_A_COPY_CANCEL | A_HALTED)

/* A PC state in which no copy runs and nothing is allowed but Stop Copy's 4. */
#define PC4_DEAD	ROW(X(4), X(4), X(5), X(4), X(4), X(4), X(4), X(4), \
			    X(4), X(4), X(4), X(4), T(BROKEN, 0, 0))
#define PC5_DEAD	ROW(X(4), X(5), X(5), X(5), X(4), X(4), X(4), X(4), \
			    X(4), X(4), X(4), X(4), T(BROKEN, 0, 0))
#define VC_DEAD		ROW(X(5), X(5), X(4), X(5), X(5), X(4), X(4), X(4), \
			    X(4), X(4), X(4), X(4), T(BROKEN, 0, 0))

static const struct sm_result sm_table[SM_KIND_COUNT][SM_ST_COUNT][SM_EV_COUNT] = {
	[SM_KIND_PC4] = {
		/* Initialized: the copy is queued. */
		[SM_ST_INITIALIZED] = ROW(X(4), X(4), X(5), X(4),
		    T(REMOVED, A_HALTED, 0),
		    T(RESYNC_IN_PROGRESS, SM_A_COPY_START, 0),
		    T(COPY_IN_PROGRESS, SM_A_COPY_START, 0), X(4),
		    X(4), X(4), X(4),
		    T(REMOVED, A_HALTED, REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_FAIL, 0)),
		[SM_ST_RESYNC_IN_PROGRESS] = ROW(X(4), X(4), X(5), X(4),
		    T(REMOVED, A_STOP_RUN, 0), X(4), X(4), X(4),
		    T(FROZEN, A_DONE, 0), T(BROKEN, A_FAIL, 0),
		    T(REMOVED, A_HALTED, 0),
		    T(RESYNC_IN_PROGRESS, SM_A_COPY_CANCEL,
			REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_LOST_RUN, 0)),
		[SM_ST_RESTORE_IN_PROGRESS] = PC4_DEAD,
		[SM_ST_IDLE] = PC4_DEAD,
		[SM_ST_BROKEN] = ROW(X(4), X(4), X(5),
		    T(INITIALIZED, A_NEW_FULL, REPLICA_RC_JOB_STARTED), X(4),
		    X(4), X(4), X(4), X(4), X(4), X(4), X(4),
		    T(BROKEN, 0, 0)),
		[SM_ST_FROZEN] = ROW(T(REMOVED, 0, 0),
		    T(INITIALIZED, A_NEW_DIFF, REPLICA_RC_JOB_STARTED), X(5),
		    T(INITIALIZED, A_NEW_FULL, REPLICA_RC_JOB_STARTED), X(4),
		    X(4), X(4), X(4), X(4), X(4), X(4), X(4),
		    T(BROKEN, 0, 0)),
		[SM_ST_COPY_IN_PROGRESS] = ROW(X(4), X(4), X(5), X(4),
		    T(REMOVED, A_STOP_RUN, 0), X(4), X(4), X(4),
		    T(FROZEN, A_DONE, 0), T(BROKEN, A_FAIL, 0),
		    T(REMOVED, A_HALTED, 0),
		    T(COPY_IN_PROGRESS, SM_A_COPY_CANCEL,
			REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_LOST_RUN, 0)),
	},
	/* CopyType 5: the pair exists only while copying, then vanishes. */
	[SM_KIND_PC5] = {
		[SM_ST_INITIALIZED] = ROW(X(4), X(5), X(5), X(5),
		    T(REMOVED, A_HALTED, 0),
		    T(RESYNC_IN_PROGRESS, SM_A_COPY_START, 0), X(4), X(4),
		    X(4), X(4), X(4),
		    T(REMOVED, A_HALTED, REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_FAIL, 0)),
		[SM_ST_RESYNC_IN_PROGRESS] = ROW(X(4), X(5), X(5), X(5),
		    T(REMOVED, A_STOP_RUN, 0), X(4), X(4), X(4),
		    T(REMOVED, SM_A_JOB_COMPLETED | SM_A_WRITTEN_OK, 0),
		    T(BROKEN, A_FAIL, 0), T(REMOVED, A_HALTED, 0),
		    T(RESYNC_IN_PROGRESS, SM_A_COPY_CANCEL,
			REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_LOST_RUN, 0)),
		[SM_ST_RESTORE_IN_PROGRESS] = PC5_DEAD,
		[SM_ST_IDLE] = PC5_DEAD,
		[SM_ST_BROKEN] = PC5_DEAD,
		[SM_ST_FROZEN] = ROW(T(REMOVED, 0, 0), X(5), X(5), X(5), X(4),
		    X(4), X(4), X(4), X(4), X(4), X(4), X(4),
		    T(BROKEN, 0, 0)),
		[SM_ST_COPY_IN_PROGRESS] = ROW(X(4), X(5), X(5), X(5),
		    T(REMOVED, A_STOP_RUN, 0), X(4), X(4), X(4),
		    T(REMOVED, SM_A_JOB_COMPLETED | SM_A_WRITTEN_OK, 0),
		    T(BROKEN, A_FAIL, 0), T(REMOVED, A_HALTED, 0),
		    T(COPY_IN_PROGRESS, SM_A_COPY_CANCEL,
			REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_LOST_RUN, 0)),
	},
	[SM_KIND_VC] = {
		/*
		 * Initialized: a queued Restore (or the snapshot copy an
		 * instant before its grant).  Terminating a queued Restore
		 * wrote nothing, so the snapshot is Idle again.
		 */
		[SM_ST_INITIALIZED] = ROW(X(5), X(5), X(4), X(5), X(5),
		    T(RESYNC_IN_PROGRESS, SM_A_COPY_START, 0), X(4),
		    T(RESTORE_IN_PROGRESS, SM_A_COPY_START, 0),
		    X(4), X(4), X(4),
		    T(IDLE, SM_A_JOB_TERMINATED, REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_FAIL, 0)),
		/* The hidden snapshot copy: not terminable by callers. */
		[SM_ST_RESYNC_IN_PROGRESS] = ROW(X(5), X(5), X(4), X(5),
		    X(5), X(4), X(4), X(4),
		    T(IDLE, A_DONE, 0), T(BROKEN, A_FAIL, 0),
		    T(BROKEN, A_HALTED, 0), X(4), T(BROKEN, A_LOST_RUN, 0)),
		[SM_ST_RESTORE_IN_PROGRESS] = ROW(X(5), X(5), X(4), X(5),
		    X(5), X(4), X(4), X(4),
		    T(IDLE, A_DONE, 0), T(BROKEN, A_FAIL, 0),
		    T(BROKEN, A_HALTED, 0),
		    T(RESTORE_IN_PROGRESS, SM_A_COPY_CANCEL,
			REPLICA_RC_JOB_STARTED),
		    T(BROKEN, A_LOST_RUN, 0)),
		[SM_ST_IDLE] = ROW(X(5), X(5),
		    T(INITIALIZED, A_RESTORE, REPLICA_RC_JOB_STARTED), X(5),
		    X(5), X(4), X(4), X(4), X(4), X(4), X(4), X(4),
		    T(BROKEN, 0, 0)),
		[SM_ST_BROKEN] = VC_DEAD,
		[SM_ST_FROZEN] = VC_DEAD,
		[SM_ST_COPY_IN_PROGRESS] = VC_DEAD,
	},
};

static const unsigned sm_state_values[SM_ST_COUNT] = {
	[SM_ST_INITIALIZED] = SYNC_INITIALIZED,
	[SM_ST_RESYNC_IN_PROGRESS] = SYNC_RESYNC_IN_PROGRESS,
	[SM_ST_RESTORE_IN_PROGRESS] = SYNC_RESTORE_IN_PROGRESS,
	[SM_ST_IDLE] = SYNC_IDLE,
	[SM_ST_BROKEN] = SYNC_BROKEN,
	[SM_ST_FROZEN] = SYNC_FROZEN,
	[SM_ST_COPY_IN_PROGRESS] = SYNC_COPY_IN_PROGRESS,
};

static const char *const sm_event_names[SM_EV_COUNT] = {
	"invalid operation", "detach", "fracture", "resync", "restore",
	"prepare", "unprepare", "quiesce", "unquiesce", "reset to sync",
	"reset to async", "start copy", "stop copy", "grant (resync)",
	"grant (copy)", "grant (restore)", "copy done", "copy failed",
	"copy cancelled", "terminate", "volume lost",
};

int
replica_sm_state_index(unsigned sync_state)
{
	for (int i = 0; i < SM_ST_COUNT; i++)
		if (sm_state_values[i] == sync_state)
			return i;
	return -1;
}

unsigned
replica_sm_state_value(unsigned index)
{
	return index < SM_ST_COUNT ? sm_state_values[index] : 0;
}

const char *
replica_sm_event_name(enum sm_event ev)
{
	return (unsigned)ev < SM_EV_COUNT ? sm_event_names[ev] : "?";
}

enum sm_event
replica_sm_event_of_op(unsigned operation)
{
	if (operation < 2 || operation > 13)
		return SM_EV_OP_INVALID;
	/* Operations 2..13 map one to one onto SM_EV_DETACH..SM_EV_STOP_COPY. */
	return (enum sm_event)(SM_EV_DETACH + (operation - 2));
}

uint32_t
replica_sm_no_pair_rc(enum sm_event ev)
{
	uint32_t rc;

	if ((unsigned)ev >= SM_EV_COUNT)
		return REPLICA_RC_FAILED;
	rc = sm_table[0][0][ev].rc;
	for (int k = 0; k < SM_KIND_COUNT; k++)
		for (int st = 0; st < SM_ST_COUNT; st++)
			if (sm_table[k][st][ev].valid ||
			    sm_table[k][st][ev].rc != rc)
				return REPLICA_RC_FAILED;
	return rc;
}

struct sm_result
replica_sm_step(enum pair_kind kind, uint16_t copy_type, unsigned sync_state,
    enum sm_event ev)
{
	static const struct sm_result unknown = X(REPLICA_RC_FAILED);
	int st = replica_sm_state_index(sync_state);
	int k;

	if (kind == PAIR_VC)
		k = SM_KIND_VC;
	else if (kind == PAIR_PC && copy_type == 4)
		k = SM_KIND_PC4;
	else if (kind == PAIR_PC && copy_type == 5)
		k = SM_KIND_PC5;
	else
		return unknown;
	if (st < 0 || (unsigned)ev >= SM_EV_COUNT)
		return unknown;
	return sm_table[k][st][ev];
}
