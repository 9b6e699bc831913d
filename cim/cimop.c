/* SPDX-License-Identifier: ISC */
/*
 * cimop.c - the dispatch of the CIM-XML endpoint.  It enforces the protocol
 * rules of SPEC.md §1.2-1.4 in this order: method (405), shutdown (503),
 * CIMOperation, CIMBatch, Content-Type, CIMProtocolVersion syntax, body
 * parse, then consistency of CIMProtocolVersion, CIMMethod and CIMObject
 * with the body (header-mismatch), then the namespace (ERROR 3 inside a
 * 200); the header rules themselves are cimop_check.c's.  It writes the
 * response envelope and leaves the operation to op_intrinsic/op_extrinsic;
 * an answer that must wait goes to cimop_defer.c (a snapshot pair) or
 * cimop_slice.c (a large enumeration).  It builds every handler context
 * (cimop__ctx) and decides the answer's CIM headers (CIMOperation,
 * CIMError, Allow).  It knows no transport and counts nothing itself: each
 * answer goes to the observe callback the daemon gave.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "cim/cimop_int.h"
#include "cim/model.h"
#include "conf/conf.h"

#define ARENA_CAP	(64u << 20)	/* per request: parse + build */
#define SLICE_US	5000		/* of a large answer per loop turn */

/*
 * One spare arena per server, reused by the next request: the handler runs
 * on the loop thread only, and keeping the first block avoids a malloc per
 * request.  Freed by cimop_close(); none is kept after it.
 */
static struct cim_arena *
arena_get(struct cimop_server *s)
{
	struct cim_arena *a = s->spare_arena;

	s->spare_arena = NULL;
	return a != NULL ? a : cim_arena_new(ARENA_CAP);
}

void
cimop__arena_put(struct cimop_server *s, struct cim_arena *a)
{
	if (s->spare_arena == NULL && !s->closed) {
		cim_arena_reset(a);
		s->spare_arena = a;
	} else {
		cim_arena_free(a);
	}
}

int64_t
cimop__mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *
cimop__hdr(const struct op *o, const char *name)
{
	char full[64];

	if (o->in->header == NULL)
		return NULL;
	if (o->prefix[0] == '\0')
		return o->in->header(o->in->header_arg, name);
	snprintf(full, sizeof(full), "%s%s", o->prefix, name);
	return o->in->header(o->in->header_arg, full);
}

void
cimop__observe(const struct cimop_server *s, const char *op,
    unsigned http_status, unsigned cim_status, int64_t dur_us)
{
	if (s->observe != NULL)
		s->observe(s->observe_arg, op, http_status, cim_status, dur_us);
}

/* Count the request and, at debug level, log it with its CIM operation. */
void
cimop__finish(struct op *o)
{
	int64_t dur = o->in->age_us + (cimop__mono_us() - o->t0);

	cimop__observe(o->s, o->opname, o->a->status, o->cim_status, dur);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("cim: %s by %s: status %u, CIM %u, %" PRId64 "us",
		    o->opname != NULL ? o->opname : "-",
		    o->in->user != NULL && o->in->user[0] != '\0' ?
		    o->in->user : "-", o->a->status, o->cim_status, dur);
}

/* Add a header; no answer of cimop's has more than CIMOP_MAX_HEADERS. */
static void
answer_header(struct cimop_answer *a, const char *name,
    const char *value)
{
	if (a->nheaders < CIMOP_MAX_HEADERS) {
		a->headers[a->nheaders].name = name;
		a->headers[a->nheaders++].value = value;
	}
}

/*
 * The answer for the finished response in `b` (taken): 200 with the
 * CIM-XML body, or 500 and a close when it ran out of memory.
 */
void
cimop__answer_xml(struct cimop_answer *a, struct cim_buf *b)
{
	if (b->oom) {
		cim_buf_release(b);
		a->status = 500;
		a->close = true;
		return;
	}
	a->status = 200;
	a->content_type = CT_XML;
	answer_header(a, "CIMOperation", "MethodResponse");
	a->body = cim_buf_steal(b, &a->body_len);
}

/* A protocol-level failure: status, CIMError token (or NULL), no body. */
void
cimop__fail(struct op *o, unsigned status, const char *token, bool close)
{
	o->a->status = status;
	o->a->close = close;
	o->a->content_type = NULL;
	o->a->body = NULL;
	o->a->body_len = 0;
	o->a->nheaders = 0;
	if (token != NULL)
		answer_header(o->a, "CIMError", token);
	cimop__finish(o);
}

/* HOST for emitted paths: configured name, else Host header sans port. */
static const char *
pick_host(const struct op *o, struct cim_arena *arena)
{
	const struct conf *cf = o->s->conf;
	const char *h, *colon;

	if (cf != NULL && cf->host_name != NULL && cf->host_name[0] != '\0')
		return cf->host_name;
	h = o->in->header ? o->in->header(o->in->header_arg, "Host") : NULL;
	if (h == NULL || *h == '\0')
		return "localhost";
	if (h[0] == '[') {
		colon = strchr(h, ']');
		return colon ? cim_arena_strndup(arena, h, (size_t)(colon - h + 1))
		    : "localhost";
	}
	colon = strchr(h, ':');
	if (colon == NULL)
		return h;
	if (strchr(colon + 1, ':') != NULL)	/* bare IPv6 */
		return h;
	return colon == h ? "localhost" :
	    cim_arena_strndup(arena, h, (size_t)(colon - h));
}

int64_t
cimop__slice_end(const struct cimop_server *s)
{
	return cimop__mono_us() + (s->slice_us != 0 ? s->slice_us : SLICE_US);
}

/*
 * The answer-size limit (conf max_response; none without a configuration).
 * A CIM-level failure, not an HTTP one: DSP0200 lists CIM_ERR_FAILED for
 * every operation, and clients show its description.
 */
static size_t
max_response(const struct cimop_server *s)
{
	return s->conf != NULL ? (size_t)s->conf->max_response : 0;
}

/*
 * Close the response in `b` whose handler recorded CIM status `status`;
 * an answer that ran out of memory or passed max_response becomes one
 * ERROR (nothing of the partial answer is kept).  Returns the CIM status.
 */
unsigned
cimop__respond_end(const struct cimop_server *s, const struct cim_request *r,
    struct cim_buf *b, unsigned status)
{
	bool over;

	cimxml_end_response(b, r->intrinsic);
	if (!b->oom)
		return status;
	over = b->over;
	cim_buf_release(b);
	cim_buf_init(b);
	cimxml_begin_response(b, r->msg_id ? r->msg_id : "", r->intrinsic,
	    r->method);
	if (over) {
		log_warnx("%s: answer larger than max_response (%zu bytes): "
		    "CIM_ERR_FAILED sent instead", r->method, max_response(s));
		cimxml_write_error(b, CIM_ERR_FAILED, "the answer is larger "
		    "than %zu bytes (max_response)", max_response(s));
	} else {
		cimxml_write_error(b, CIM_ERR_FAILED, "response too large");
	}
	cimxml_end_response(b, r->intrinsic);
	return CIM_ERR_FAILED;
}

/*
 * The handler context of request `h` writing to `out`, the one place a
 * struct op_ctx is filled.  conf and rs are the server's current ones: a
 * reload may have swapped the configuration since a held request came.
 */
void
cimop__ctx(const struct cimop_server *s, const struct cimop_held *h,
    struct cim_buf *out, struct op_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->conf = s->conf;
	c->rs = s->rs;
	c->ix = s->ix;
	c->indic_changed = s->indic_changed;
	c->indic_changed_arg = s->indic_changed_arg;
	c->host = h->host;
	c->user = h->user;
	c->role = h->role;
	c->arena = h->arena;
	c->req = &h->req;
	c->ns = model_ns_canon(h->req.ns);
	c->out = out;
}

/*
 * Hold request `who` in `h` for an answer after the handler returns: `h`
 * takes the arena and the transport suspends the request (last, so nothing
 * is suspended on failure).  Returns 0, -ENOMEM or -EIO.
 */
int
cimop__held_take(struct op *o, const struct cimop_held *who,
    struct cimop_held *h)
{
	*h = *who;
	h->host = cim_arena_strdup(who->arena, who->host);
	h->user = cim_arena_strdup(who->arena, who->user != NULL ?
	    who->user : "");
	if (h->host == NULL || h->user == NULL)
		return -ENOMEM;
	h->complete = o->in->complete;
	h->token = o->in->defer(o->in->defer_arg, o->s);
	return h->token != NULL ? 0 : -EIO;
}

/* A held request the transport gave up (client gone): count, log, free. */
void
cimop__held_drop(struct cimop_server *s, struct cimop_held *h)
{
	cimop__observe(s, h->req.method, 503, 0, cimop__mono_us() - h->t0);
	log_debug("cim: %s by %s: given up by the transport", h->req.method,
	    h->user[0] != '\0' ? h->user : "-");
	cimop__arena_put(s, h->arena);
}

enum answer {
	ANSWER_NOW,		/* b holds the whole response */
	ANSWER_PAIR,		/* wait for the snapshot pair src, tgt */
	ANSWER_HELD,		/* b holds it; released when the job's image is */
	ANSWER_SLICED,		/* an enumeration to finish in slices */
};

/*
 * Write the 200 response for request `who` into `b`, or as much of it as
 * one slice allows (*cont says where it stands), or nothing when the
 * operation asked to defer its answer (the pair in src, tgt).
 */
static enum answer
respond(struct op *o, const struct cimop_held *who, struct cim_buf *b,
    uint32_t *src, uint32_t *tgt, uint64_t *job,
    struct intrinsic_cont **cont)
{
	const struct cim_request *r = &who->req;
	struct op_ctx c;

	b->max = max_response(o->s);
	cimop__ctx(o->s, who, b, &c);
	c.can_defer = o->s->loop != NULL && !o->s->closed &&
	    !o->s->shutting_down && o->in->defer != NULL &&
	    o->in->complete != NULL;
	c.slice_until = c.can_defer ? cimop__slice_end(o->s) : 0;
	cimxml_begin_response(b, r->msg_id ? r->msg_id : "", r->intrinsic,
	    r->method);
	if (c.ns == NULL)
		op_error(&c, CIM_ERR_INVALID_NAMESPACE,
		    "namespace %s does not exist", r->ns ? r->ns : "");
	else if (r->intrinsic)
		op_intrinsic(&c);
	else
		op_extrinsic(&c);
	if (c.defer_pair_tgt != 0 && !b->oom) {
		*src = c.defer_pair_src;
		*tgt = c.defer_pair_tgt;
		return ANSWER_PAIR;
	}
	if (c.cont != NULL && !b->oom) {
		*cont = c.cont;
		return ANSWER_SLICED;
	}
	o->cim_status = cimop__respond_end(o->s, r, b, c.status);
	if (c.defer_job != 0 && !b->oom) {
		*job = c.defer_job;
		return ANSWER_HELD;
	}
	return ANSWER_NOW;
}

/* Returns true when a held answer kept the arena. */
static bool
process_body(struct op *o, struct cim_arena *arena)
{
	struct cimop_held who;
	struct cimxml_err err;
	struct cim_buf b;
	struct intrinsic_cont *cont = NULL;
	uint32_t src = 0, tgt = 0;
	uint64_t job = 0;
	enum answer ans;
	int rc;

	memset(&who, 0, sizeof(who));
	memset(&err, 0, sizeof(err));
	rc = cimxml_parse_request(o->in->body ? o->in->body : "",
	    o->in->body_len, &o->s->limits, arena, &who.req, &err);
	if (rc == -ENOMEM) {
		cimop__fail(o, 413, NULL, true);
		return false;
	}
	if (rc != 0) {
		cimop__fail(o, err.http_status ? (unsigned)err.http_status : 400,
		    err.token ? err.token : "request-not-valid", true);
		return false;
	}
	o->opname = who.req.method;
	if (cimop__check_consistency(o, &who.req, arena) != 0)
		return false;
	who.arena = arena;
	who.host = pick_host(o, arena);
	who.user = o->in->user;
	who.role = o->in->role;
	who.t0 = o->t0 - o->in->age_us;
	cim_buf_init(&b);
	ans = respond(o, &who, &b, &src, &tgt, &job, &cont);
	if (ans == ANSWER_PAIR) {
		cim_buf_release(&b);
		if (cimop__waiter_add(o, &who, src, tgt) == 0) {
			o->a->deferred = true;
			return true;
		}
		cimop__waiter_now(o, &who, src, tgt);
		return false;
	}
	if (ans == ANSWER_HELD) {
		cimop__answer_xml(o->a, &b);
		if (cimop__waiter_hold(o, &who, job) == 0) {
			o->a->deferred = true;
			return true;
		}
		/* Cannot hold it: the answer goes now, written as it was. */
		cimop__finish(o);
		return false;
	}
	if (ans == ANSWER_SLICED) {
		if (cimop__slice_add(o, &who, &b, cont) == 0) {
			o->a->deferred = true;
			return true;
		}
		cimop__slice_finish_now(o, &who, &b, cont);
	}
	cimop__answer_xml(o->a, &b);
	/* The op name lives in the arena: record metrics before reuse. */
	cimop__finish(o);
	return false;
}

void
cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct cimop_answer *a)
{
	struct op o = { .s = s, .in = in, .a = a, .t0 = cimop__mono_us(),
	    .opname = "-" };
	struct cim_arena *arena;
	const char *m = in->method ? in->method : "";

	if (strcmp(m, "POST") != 0 && strcmp(m, "M-POST") != 0) {
		cimop__fail(&o, 405, NULL, false);
		answer_header(a, "Allow", "POST");
		return;
	}
	if (s->shutting_down) {
		cimop__fail(&o, 503, NULL, true);
		return;
	}
	if (strcmp(m, "M-POST") == 0 && cimop__mpost_prefix(&o) != 0) {
		cimop__fail(&o, 501, NULL, false);
		return;
	}
	if (cimop__check_headers(&o) != 0)
		return;
	arena = arena_get(s);
	if (arena == NULL) {
		cimop__fail(&o, 503, NULL, true);
		return;
	}
	if (process_body(&o, arena))
		return;		/* the held request owns the arena */
	o.opname = "-";		/* arena memory is about to be reused */
	cimop__arena_put(s, arena);
}

void
cimop_cancel(struct cimop_server *s, const void *token)
{
	if (!cimop__slice_cancel(s, token))
		(void)cimop__waiter_cancel(s, token);
}

static void
on_cimop_handle_closed(uv_handle_t *h)
{
	struct cimop_server *s = h->data;

	if (--s->closing == 0 && s->close_cb != NULL)
		s->close_cb(s->close_arg);
}

static void
close_handle(struct cimop_server *s, uv_handle_t *h, bool *live)
{
	if (!*live)
		return;
	*live = false;
	s->closing++;
	uv_close(h, on_cimop_handle_closed);
}

void
cimop_close(struct cimop_server *s, void (*cb)(void *arg), void *arg)
{
	s->closed = true;
	cimop__waiters_close(s);
	cimop__slices_close(s);
	if (s->spare_arena != NULL) {
		cim_arena_free(s->spare_arena);
		s->spare_arena = NULL;
	}
	s->close_cb = cb;
	s->close_arg = arg;
	close_handle(s, (uv_handle_t *)&s->stall, &s->stall_init);
	close_handle(s, (uv_handle_t *)&s->ready, &s->ready_init);
	close_handle(s, (uv_handle_t *)&s->idle, &s->idle_init);
	if (s->closing == 0 && cb != NULL)
		cb(arg);
}
