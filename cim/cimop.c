/* SPDX-License-Identifier: ISC */
/*
 * cimop.c - the HTTP handler of the CIM-XML endpoint.  It enforces the
 * protocol rules of SPEC.md §1.2-1.4 in this order: GET /metrics, method
 * (405), shutdown (503), CIMOperation, CIMBatch, Content-Type,
 * CIMProtocolVersion syntax, body parse, then consistency of
 * CIMProtocolVersion, CIMMethod and CIMObject with the body (header-mismatch),
 * then the namespace (ERROR 3 inside a 200).  It writes the response
 * envelope and leaves the operation itself to op_intrinsic/op_extrinsic.
 *
 * M-POST is accepted when a Man header declares the DMTF CIM mapping with
 * ns=NN; the CIM headers are then read as NN-CIMOperation etc.  An M-POST
 * without such a Man header gets 501 (not extended), so clients fall back
 * to POST.  CIMMethod is compared case-insensitively (lenient); the response
 * echoes the body's spelling.
 *
 * Deferred answers (CreateReplica CopyType 4, see cimop.h): the request
 * keeps its arena (the parsed request, host and user live there) in a
 * struct cimop_pending until a tick of s->timer finds its pair out of
 * ResyncInProgress; the answer is then written exactly as an immediate
 * one would be and counted in the metrics with its full duration.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conf/conf.h"
#include "cim/model.h"
#include "cim/cimop.h"
#include "daemon/http.h"
#include "base/log.h"
#include "daemon/metrics.h"
#include "replica/replica.h"
#include "cim/cimop_int.h"

/*
 * One spare arena, reused by the next request: the handler runs on the loop
 * thread only, and keeping the first block avoids a malloc per request.
 */
static struct cim_arena *spare_arena;

struct cim_arena *
cimop__arena_get(void)
{
	struct cim_arena *a = spare_arena;

	spare_arena = NULL;
	return a != NULL ? a : cim_arena_new(ARENA_CAP);
}

void
cimop__arena_put(struct cim_arena *a)
{
	if (spare_arena == NULL) {
		cim_arena_reset(a);
		spare_arena = a;
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

/* Count the request and, at debug level, log it with its CIM operation. */
void
cimop__finish(struct op *o)
{
	int64_t dur = o->in->age_us + (cimop__mono_us() - o->t0);

	metrics_observe_request(o->s->metrics, o->opname, o->resp->status,
	    o->cim_status, dur);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("cim: %s by %s: status %u, CIM %u, %" PRId64 "us",
		    o->opname != NULL ? o->opname : "-",
		    o->in->user != NULL && o->in->user[0] != '\0' ?
		    o->in->user : "-", o->resp->status, o->cim_status, dur);
}

/* A protocol-level failure: status, CIMError token (or NULL), no body. */
void
cimop__fail(struct op *o, unsigned status, const char *token, bool close)
{
	o->resp->status = status;
	o->resp->cimerror = token;
	o->resp->close = close;
	o->resp->content_type = NULL;
	o->resp->body = NULL;
	o->resp->body_len = 0;
	o->resp->cim_response = false;
	cimop__finish(o);
}

static bool
is_metrics_url(const char *url)
{
	size_t n = url != NULL ? strcspn(url, "?") : 0;

	return n == 8 && strncmp(url, "/metrics", 8) == 0;
}

static void
serve_metrics(struct op *o)
{
	struct cim_buf b;

	cim_buf_init(&b);
	if (o->s->metrics != NULL)
		metrics_render(o->s->metrics, o->s->rs, &b);
	if (b.oom) {
		cim_buf_release(&b);
		cimop__fail(o, 500, NULL, false);
		return;
	}
	o->resp->status = 200;
	o->resp->content_type = "text/plain; version=0.0.4";
	o->resp->body = cim_buf_steal(&b, &o->resp->body_len);
	cimop__finish(o);
}

/* HOST for emitted paths: configured name, else Host header sans port. */
const char *
cimop__pick_host(const struct op *o, struct cim_arena *arena)
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
size_t
cimop__max_response(const struct cimop_server *s)
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
		    "CIM_ERR_FAILED sent instead", r->method, cimop__max_response(s));
		cimxml_write_error(b, CIM_ERR_FAILED, "the answer is larger "
		    "than %zu bytes (max_response)", cimop__max_response(s));
	} else {
		cimxml_write_error(b, CIM_ERR_FAILED, "response too large");
	}
	cimxml_end_response(b, r->intrinsic);
	return CIM_ERR_FAILED;
}

/*
 * Write the 200 response for a parsed request into `b`, or as much of it
 * as one slice allows (*cont says where it stands), or nothing
 * when the operation asked to defer its answer (the pair in src, tgt).
 */
static enum answer
respond(struct op *o, const struct cim_request *r, struct cim_arena *arena,
    struct cim_buf *b, uint32_t *src, uint32_t *tgt, struct intrinsic_cont **cont)
{
	struct op_ctx c;

	memset(&c, 0, sizeof(c));
	c.can_defer = o->s->loop != NULL && !o->s->closed &&
	    !o->s->shutting_down && o->in->defer != NULL &&
	    o->in->complete != NULL;
	c.slice_until = c.can_defer ? cimop__slice_end(o->s) : 0;
	b->max = cimop__max_response(o->s);
	c.conf = o->s->conf;
	c.rs = o->s->rs;
	c.host = cimop__pick_host(o, arena);
	c.user = o->in->user;
	c.role = o->in->role;
	c.arena = arena;
	c.req = r;
	c.ns = model_ns_canon(r->ns);
	c.out = b;
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
	return ANSWER_NOW;
}

/* Returns true when a deferred answer kept the arena. */
static bool
process_body(struct op *o, struct cim_arena *arena)
{
	struct cim_request r;
	struct cimxml_err err;
	struct cim_buf b;
	struct intrinsic_cont *cont = NULL;
	uint32_t src = 0, tgt = 0;
	enum answer ans;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	rc = cimxml_parse_request(o->in->body ? o->in->body : "",
	    o->in->body_len, &o->s->limits, arena, &r, &err);
	if (rc == -ENOMEM) {
		cimop__fail(o, 413, NULL, true);
		return false;
	}
	if (rc != 0) {
		cimop__fail(o, err.http_status ? (unsigned)err.http_status : 400,
		    err.token ? err.token : "request-not-valid", true);
		return false;
	}
	o->opname = r.method;
	if (cimop__check_consistency(o, &r, arena) != 0)
		return false;
	cim_buf_init(&b);
	ans = respond(o, &r, arena, &b, &src, &tgt, &cont);
	if (ans == ANSWER_PAIR) {
		cim_buf_release(&b);
		if (cimop__pending_add(o, &r, arena, src, tgt) == 0) {
			o->resp->deferred = true;
			return true;
		}
		cimop__respond_now(o, &r, arena, src, tgt);
		return false;
	}
	if (ans == ANSWER_SLICED) {
		if (cimop__slice_add(o, &r, arena, &b, cont) == 0) {
			o->resp->deferred = true;
			return true;
		}
		cimop__slice_finish_now(o, &r, arena, &b, cont);
	}
	if (b.oom) {
		cim_buf_release(&b);
		cimop__fail(o, 500, NULL, true);
		return false;
	}
	o->resp->status = 200;
	o->resp->content_type = CT_XML;
	o->resp->cim_response = true;
	o->resp->body = cim_buf_steal(&b, &o->resp->body_len);
	/* The op name lives in the arena: record metrics before reuse. */
	cimop__finish(o);
	return false;
}

void
cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct http_resp *resp)
{
	struct op o = { s, in, resp, "", cimop__mono_us(), "-", 0 };
	struct cim_arena *arena;
	const char *m = in->method ? in->method : "";

	if (strcmp(m, "GET") == 0 && is_metrics_url(in->url)) {
		o.opname = "metrics";
		serve_metrics(&o);
		return;
	}
	if (strcmp(m, "POST") != 0 && strcmp(m, "M-POST") != 0) {
		resp->allow = "POST";
		cimop__fail(&o, 405, NULL, false);
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
	arena = cimop__arena_get();
	if (arena == NULL) {
		cimop__fail(&o, 503, NULL, true);
		return;
	}
	if (process_body(&o, arena))
		return;		/* the pending entry owns the arena */
	o.opname = "-";		/* arena memory is about to be reused */
	cimop__arena_put(arena);
}

static const char *
req_header(const void *arg, const char *name)
{
	return http_req_header(arg, name);
}

static void
on_http_cancel(void *arg, struct http_req *r)
{
	cimop_cancel(arg, r);
}

static void *
http_defer(const void *defer_arg, struct cimop_server *s)
{
	return http_req_defer(defer_arg, on_http_cancel, s);
}

static void
http_complete(void *token, struct http_resp *resp)
{
	http_req_complete(token, resp);
}

static enum op_role
role_of(enum auth_role r)
{
	switch (r) {
	case AUTH_BROWSE:
		return OP_ROLE_BROWSE;
	case AUTH_EDIT:
		return OP_ROLE_EDIT;
	case AUTH_NONE:
		break;
	}
	return OP_ROLE_NONE;
}

void
cimop_handle(void *arg, const struct http_req *req, struct http_resp *resp)
{
	struct cimop_in in;
	const char *body;
	size_t len = 0;

	body = http_req_body(req, &len);
	memset(&in, 0, sizeof(in));
	in.method = http_req_method(req);
	in.url = http_req_url(req);
	in.header = req_header;
	in.header_arg = req;
	in.body = body;
	in.body_len = len;
	in.user = http_req_user(req);
	in.role = role_of(http_req_role(req));
	in.age_us = http_req_age_us(req);
	in.defer = http_defer;
	in.complete = http_complete;
	in.defer_arg = req;
	cimop_process(arg, &in, resp);
}
