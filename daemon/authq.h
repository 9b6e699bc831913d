/* SPDX-License-Identifier: ISC */
/*
 * authq.h - password verification off the loop thread.
 *
 * A Basic credential the auth cache does not know costs a full PBKDF2
 * (tens of milliseconds).  authq runs it on the libuv thread pool, at most
 * `max_active` at a time (so it cannot take the pool from the copy engine),
 * queues up to `max_queued` more (addresses without recent failures ahead
 * of the others) and refuses beyond that.  A failed login answers after a
 * penalty delay that grows with the failures of its address inside one
 * window (authq_penalty_ms), applied with a uv timer, never a sleep; the
 * first penalty of an address per window is logged.  A success is cached
 * in the auth_db (the fast path of the next request) and clears the
 * address's failures.  Loop thread only.
 */
#ifndef ARRAYD_AUTHQ_H
#define ARRAYD_AUTHQ_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "daemon/auth.h"

struct authq;
struct authq_job;
struct metrics;
struct ratelog;

struct authq_opts {
	unsigned max_active;		/* verifications on the pool at once */
	unsigned max_queued;		/* waiting beyond that; more: -EBUSY */
	unsigned max_delay_ms;		/* cap of the failure penalty, 0 off */
};

/* The answer: role AUTH_NONE for a refused credential; user borrowed. */
typedef void (*authq_done_fn)(void *arg, enum auth_role role,
    const char *user);

/*
 * Returns a new queue owned by the caller (authq_close) or NULL.  `rl`
 * and `m` are borrowed (may be NULL) and must outlive it.
 */
struct authq *authq_new(uv_loop_t *loop, const struct authq_opts *o,
    struct ratelog *rl, struct metrics *m);
void authq_set_opts(struct authq *q, const struct authq_opts *o);

/*
 * Verify `header` (copied) against `db` (a reference is held until the
 * job ends) for a client at `addr` (text, for the penalty and the log).
 * Returns 0 and the job in *out: `done` runs later, on the loop thread,
 * exactly once unless authq_cancel() comes first.  Returns -EBUSY when
 * the queue is full (answer 503), -ENOMEM; then `done` never runs.
 */
int authq_submit(struct authq *q, struct auth_db *db, const char *header,
    const char *addr, authq_done_fn done, void *arg, struct authq_job **out);
/* The requester is gone: `done` will not run.  The job frees itself. */
void authq_cancel(struct authq_job *j);

/* Verifications running / waiting (for tests and status). */
unsigned authq_active(const struct authq *q);
unsigned authq_queued(const struct authq *q);

/*
 * Penalty before answering the `failures`-th consecutive failure of an
 * address: none for the first, then 100 ms doubling, capped at max_ms.
 */
unsigned authq_penalty_ms(unsigned failures, unsigned max_ms);

/*
 * Cancel everything still waiting (their `done` does not run) and free
 * the queue once the verifications on the pool have returned; the loop
 * must keep running until then.
 */
void authq_close(struct authq *q);

#endif /* ARRAYD_AUTHQ_H */
