/* SPDX-License-Identifier: ISC */
/*
 * cimop.h - the HTTP handler of the CIM-XML endpoint: checks the protocol
 * headers of SPEC.md §1.2-1.4 (405, CIMOperation, CIMMethod, CIMObject,
 * CIMProtocolVersion, CIMBatch, Content-Type), parses the body, checks
 * versions and namespace, dispatches to op_intrinsic/op_extrinsic and
 * writes the envelope.  Also routes GET /metrics.
 *
 * A CreateReplica CopyType 4 is answered only once its snapshot is
 * durable (SPEC.md §3.3: the call is synchronous): the request is held
 * (http_req_defer) and a 5 ms timer, running only while requests wait,
 * answers each when its pair leaves ResyncInProgress: Idle gives 0 +
 * TargetElement, Broken or a vanished pair 4.  A copy that makes no
 * progress for conf->timeout seconds gets 4 (logged; the snapshot is
 * left as it is).  While shutting down the waiting requests get 503.
 *
 * A large enumeration or association answer is held the same way and
 * written in slices of about 5 ms, one slice per loop turn (a uv_idle
 * handle runs while any is unfinished), so other connections are served
 * in between;
 * the whole answer is still built before it is sent, so a limit
 * (max_response) replaces it by one ERROR, never a half-written body.
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
struct metrics;
struct http_req;
struct http_resp;
struct cimop_pending;
struct cimop_slice;

/* Handler state; the daemon owns it and updates conf on reload. */
struct cimop_server {
	const struct conf *conf;
	struct replica_set *rs;
	struct metrics *metrics;
	struct cimxml_limits limits;
	bool shutting_down;		/* answer 503 */
	/*
	 * Additions: the loop for deferred answers, set by the daemon before
	 * the first request (NULL: CreateReplica CopyType 4 answers at once,
	 * as before).  The rest is cimop.c's own; zero it at start.
	 */
	uv_loop_t *loop;
	struct cimop_pending *pending;	/* requests waiting for their pair */
	unsigned npending;
	uv_timer_t timer;
	bool timer_init, closed;
	void (*close_cb)(void *arg);
	void *close_arg;
	/*
	 * Sliced answers (addition, issue 8): large enumerations being
	 * written one slice per loop turn, oldest first, by `idle`.
	 */
	struct cimop_slice *slices;
	unsigned slice_us;		/* slice length; 0: 5 ms (tests: 1) */
	uv_idle_t idle;
	bool idle_init;
	unsigned closing;		/* handles still closing */
};

/*
 * Answer every waiting request (503) and close the timer; `cb` runs once
 * it is closed (at once if it never existed).  No deferral afterwards.
 */
void cimop_close(struct cimop_server *s, void (*cb)(void *arg), void *arg);

/* An http_handler_fn; `arg` is a struct cimop_server *. */
void cimop_handle(void *arg, const struct http_req *req,
    struct http_resp *resp);

/*
 * One request as the handler sees it, independent of libmicrohttpd so that
 * tests can drive cimop_process() directly (addition to the interface).
 * header() looks a header up case-insensitively (NULL if absent).
 */
struct cimop_in {
	const char *method;		/* "POST", "M-POST", "GET" ... */
	const char *url;
	const char *(*header)(const void *arg, const char *name);
	const void *header_arg;
	const char *body;
	size_t body_len;
	const char *user;
	enum op_role role;
	int64_t age_us;			/* time spent before the handler */
	/*
	 * Deferral (addition; NULL defer: the transport cannot hold a
	 * request).  defer() is called at most once, from cimop_process(),
	 * which then sets resp->deferred and returns without an answer; the
	 * token it returns is handed to complete() with the answer later
	 * (body ownership passes), exactly once unless the transport gives
	 * the request up first by calling cimop_cancel() with that token.
	 */
	void *(*defer)(const void *defer_arg, struct cimop_server *s);
	void (*complete)(void *token, struct http_resp *resp);
	const void *defer_arg;
};

/* The transport answered a deferred request itself: forget it. */
void cimop_cancel(struct cimop_server *s, const void *token);

/* Everything cimop_handle does after adapting the http_req. */
void cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct http_resp *resp);

#endif /* ARRAYD_CIMOP_H */
