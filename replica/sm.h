/* SPDX-License-Identifier: ISC */
/*
 * sm.h - the replica state machine as a pure transition table.
 *
 * One row per (kind of pair, SyncState), one column per event (a
 * ModifySynchronization operation, a copy-slot grant, a copy outcome, a job
 * termination request, a vanished volume).  Each cell says which SyncState
 * follows, which actions step.c must carry out and which method return
 * value the caller gets.  No I/O, no allocation, no clock: step.c runs
 * the actions, looking each event up once.  Internal to replica/ and its tests.
 */
#ifndef ARRAYD_REPLICA_SM_H
#define ARRAYD_REPLICA_SM_H

#include <stdint.h>

#include "replica/replica.h"

/* Row of the table: the kind of pair (CopyType 5 PCs differ from CT4 ones). */
enum sm_kind {
	SM_KIND_PC4,		/* physical copy, UnSyncAssoc */
	SM_KIND_PC5,		/* physical copy, UnSyncUnAssoc (one-shot) */
	SM_KIND_VC,		/* virtual copy (snapshot) */
	SM_KIND_COUNT
};

/* Dense index of the SyncStates a pair can be in. */
enum sm_state {
	SM_ST_INITIALIZED,		/* 2: queued */
	SM_ST_RESYNC_IN_PROGRESS,	/* 5 */
	SM_ST_RESTORE_IN_PROGRESS,	/* 10 */
	SM_ST_IDLE,			/* 11 */
	SM_ST_BROKEN,			/* 12 */
	SM_ST_FROZEN,			/* 14 */
	SM_ST_COPY_IN_PROGRESS,		/* 15 */
	SM_ST_COUNT,
	SM_ST_REMOVED = SM_ST_COUNT,	/* next state only: pair deleted */
};

enum sm_event {
	SM_EV_OP_INVALID,	/* Operation 0, 1, >= 14 */
	SM_EV_DETACH,		/* 2 */
	SM_EV_FRACTURE,		/* 3 */
	SM_EV_RESYNC,		/* 4 */
	SM_EV_RESTORE,		/* 5 */
	SM_EV_PREPARE,		/* 6 */
	SM_EV_UNPREPARE,	/* 7 */
	SM_EV_QUIESCE,		/* 8 */
	SM_EV_UNQUIESCE,	/* 9 */
	SM_EV_RESET_SYNC,	/* 10 */
	SM_EV_RESET_ASYNC,	/* 11 */
	SM_EV_START_COPY,	/* 12 */
	SM_EV_STOP_COPY,	/* 13 */
	SM_EV_GRANT_RESYNC,	/* a copy slot was granted: create/resync/snapshot */
	SM_EV_GRANT_COPY,	/* ... to a Start Copy job */
	SM_EV_GRANT_RESTORE,	/* ... to a Restore job */
	SM_EV_COPY_OK,		/* copy done, status 0 (durable, identical) */
	SM_EV_COPY_FAILED,	/* copy done, -errno */
	SM_EV_COPY_CANCELLED,	/* copy done, -ECANCELED after a terminate */
	SM_EV_TERMINATE,	/* RequestStateChange(4) on the pair's job */
	SM_EV_VOLUME_LOST,	/* a volume of the pair vanished (start-up) */
	SM_EV_COUNT
};

/*
 * Action bits, carried out by step.c (replica__exec) in this order.  The
 * cell that creates a job says how its copy runs (COPY_FULL or COPY_DIFF,
 * REVERSE); the job records it and its copy starts that way.
 */
enum sm_action_flags {
	SM_A_NEW_JOB = 1 << 0,		/* create a job (New) and queue it */
	SM_A_COPY_START = 1 << 1,	/* job Running, ops->copy_start */
	SM_A_COPY_CANCEL = 1 << 2,	/* ops->copy_cancel */
	SM_A_JOB_COMPLETED = 1 << 3,	/* job Completed, percent 100 */
	SM_A_JOB_EXCEPTION = 1 << 4,	/* job Exception with the error */
	SM_A_JOB_TERMINATED = 1 << 5,	/* job Terminated, percent kept */
	SM_A_WHEN_SYNCED = 1 << 6,	/* WhenSynced = now */
	SM_A_WRITTEN_FAILED = 1 << 7,	/* the volume being written: failed */
	SM_A_WRITTEN_OK = 1 << 8,	/* the volume being written: not failed */
	SM_A_COPY_FULL = 1 << 9,	/* the new job copies every chunk */
	SM_A_COPY_DIFF = 1 << 10,	/* the new job writes differing chunks */
	SM_A_REVERSE = 1 << 11,		/* data flows SyncedElement -> SystemElement */
};

struct sm_result {
	uint8_t next;		/* enum sm_state, SM_ST_REMOVED */
	uint16_t actions;	/* enum sm_action_flags */
	uint32_t rc;		/* REPLICA_RC_*, or 4096 */
	uint8_t valid;		/* 0: refused, state unchanged, no actions */
};

/*
 * One table lookup.  An unknown kind/copy_type/state is refused with rc 4
 * (the pair is in a state the machine does not know).
 */
struct sm_result replica_sm_step(enum pair_kind kind, uint16_t copy_type,
    unsigned sync_state, enum sm_event ev);

/*
 * The return value of event `ev` on a pair that does not exist: the rc
 * every cell of its column refuses with when they all agree (an invalid
 * or unsupported operation says so whatever the reference), else 4.
 */
uint32_t replica_sm_no_pair_rc(enum sm_event ev);

enum sm_event replica_sm_event_of_op(unsigned operation);
int replica_sm_state_index(unsigned sync_state);	/* -1: unknown */
unsigned replica_sm_state_value(unsigned index);	/* 0: SM_ST_REMOVED */
const char *replica_sm_event_name(enum sm_event ev);

#endif /* ARRAYD_REPLICA_SM_H */
