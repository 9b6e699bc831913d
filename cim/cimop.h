/* SPDX-License-Identifier: ISC */
/*
 * cimop.h - the CIM-XML endpoint, independent of any transport: checks the
 * protocol headers of SPEC.md §1.2-1.4 (405, CIMOperation, CIMMethod,
 * CIMObject, CIMProtocolVersion, CIMBatch, Content-Type), parses the body,
 * checks versions and namespace, dispatches to op_intrinsic/op_extrinsic
 * and writes the envelope.  It gets a request as a struct cimop_in and
 * answers with a struct cimop_answer; it knows no transport: the daemon
 * adapts both to HTTP and decides which requests come here.
 *
 * A CreateReplica CopyType 4 is answered only once its snapshot is
 * durable (SPEC.md §3.3: the call is synchronous): the request is held
 * as a waiter keyed by its pair.  The daemon hands every committed replica
 * change to cimop_changed(); a change of a waiter's pair marks it ready
 * and it is answered on a later turn of the same loop (never from inside
 * the hook): Idle gives 0 + TargetElement, Broken or a vanished pair 4, a
 * pair still being filled keeps waiting.  A copy in which no progress is
 * seen for conf->timeout seconds gets 4 (logged; the snapshot is left as
 * it is): a timer runs for that limit only, and progress seen when it
 * fires starts the limit again.  cimop_shutdown() answers the waiting
 * requests 503.
 *
 * A large enumeration or association answer is held the same way and
 * written in slices of about 5 ms, one slice per loop turn (a uv_idle
 * handle runs while any is unfinished), so other connections are served
 * in between; the whole answer is still built before it is sent, so a
 * limit (max_response) replaces it by one ERROR, never a half-written body.
 */
#ifndef ARRAYD_CIMOP_H
#define ARRAYD_CIMOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cimxml/cimxml.h"
#include "cim/op.h"

struct conf;
struct replica_set;
struct indic;
struct replica_event;
struct cimop_waiter;
struct cimop_slice;

/*
 * Counts one answered request: its CIM operation ("-" before the body
 * names one), HTTP status, CIM status (0: none) and duration in
 * microseconds, time before the handler included.
 */
typedef void (*cimop_observe_fn)(void *arg, const char *op,
    unsigned http_status, unsigned cim_status, int64_t dur_us);

/*
 * Handler state, embedded in the daemon.  The daemon sets the first group
 * before the first request (conf again on reload); the rest is cimop's own
 * and starts zeroed.
 */
struct cimop_server {
	const struct conf *conf;
	struct replica_set *rs;
	struct indic *ix;		/* NULL: no subscriptions (indications off) */
	/*
	 * Called (on the loop, before the answer is written) after a
	 * subscription or destination was deleted or a subscription
	 * disabled, so that a delivery in flight for it is stopped at once
	 * (CONTRACT §8); the daemon sets it to export_kick.  NULL: nobody.
	 */
	void (*indic_changed)(void *arg);
	void *indic_changed_arg;
	struct cimxml_limits limits;
	cimop_observe_fn observe;	/* NULL: not counted */
	void *observe_arg;
	/*
	 * The loop of held answers (NULL: a CreateReplica CopyType 4 is
	 * answered at once and enumerations in one go).
	 */
	uv_loop_t *loop;
	unsigned slice_us;		/* slice length; 0: 5 ms (tests: 1) */

	bool shutting_down;		/* new requests get 503 */
	bool closed;
	struct cim_arena *spare_arena;	/* reused by the next request */
	struct cimop_waiter *waiters;	/* CreateReplica waiting for a pair */
	unsigned nwaiters;
	uv_timer_t stall;		/* the waiters' stall limit */
	uv_idle_t ready;		/* runs while a waiter is ready */
	struct cimop_slice *slices;	/* oldest first */
	uv_idle_t idle;			/* runs while a slice is unfinished */
	bool stall_init, ready_init, idle_init;
	unsigned closing;		/* handles still closing */
	void (*close_cb)(void *arg);
	void *close_arg;
};

/*
 * A committed replica change (replica_ops.changed, forwarded by the
 * daemon): waiters on a pair it changed or deleted become ready.  Never
 * answers anything itself.
 */
void cimop_changed(struct cimop_server *s, const struct replica_event *ev);

/* Stop: new requests and waiting ones get 503 (the latter next turn). */
void cimop_shutdown(struct cimop_server *s);

/*
 * Answer every held request (503) and close the handles; `cb` runs once
 * they are closed (at once if none existed).  No deferral afterwards.
 */
void cimop_close(struct cimop_server *s, void (*cb)(void *arg), void *arg);

#define CIMOP_MAX_HEADERS	2

/*
 * The answer, for any transport.  body is malloc'ed and owned by whoever
 * receives the answer.  headers[] are static strings, to be sent in this
 * order after Content-Type (CIMOperation, CIMError, Allow).
 */
struct cimop_answer {
	unsigned status;		/* HTTP status */
	const char *content_type;	/* NULL: none */
	char *body;
	size_t body_len;
	struct {
		const char *name, *value;
	} headers[CIMOP_MAX_HEADERS];
	size_t nheaders;
	bool close;			/* the connection should close */
	bool deferred;			/* nothing now: complete() follows */
};

/*
 * One request.  header() looks a header up case-insensitively (NULL if
 * absent).  defer() (NULL: the transport cannot hold a request) is called
 * at most once, from cimop_process(), which then sets answer->deferred and
 * returns without an answer; the token it returns is handed to complete()
 * with the answer later (body ownership passes), exactly once unless the
 * transport gives the request up first by calling cimop_cancel() with
 * that token.
 */
struct cimop_in {
	const char *method;		/* "POST", "M-POST", "GET" ... */
	const char *(*header)(const void *arg, const char *name);
	const void *header_arg;
	const char *body;
	size_t body_len;
	const char *user;
	enum op_role role;
	int64_t age_us;			/* time spent before the handler */
	void *(*defer)(const void *defer_arg, struct cimop_server *s);
	void (*complete)(void *token, struct cimop_answer *a);
	const void *defer_arg;
};

/* Process one request; `a` starts zeroed. */
void cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct cimop_answer *a);

/* The transport answered a deferred request itself: forget it. */
void cimop_cancel(struct cimop_server *s, const void *token);

#endif /* ARRAYD_CIMOP_H */
