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

#define ARENA_CAP	(64u << 20)	/* per request: parse + build */
#define CT_XML		"application/xml; charset=\"utf-8\""
#define PENDING_TICK_MS	5
#define STALL_DEFAULT_S	30
#define SLICE_US	5000	/* of a large answer per loop turn */

/*
 * What a request answered after its handler returned keeps: the transport's
 * handle, the request and who sent it.  Shared by both kinds below.
 */
struct cimop_held {
	void *token;			/* the transport's handle */
	void (*complete)(void *token, struct http_resp *resp);
	struct cim_arena *arena;	/* the request's, kept until answered */
	struct cim_request req;		/* its strings live in arena */
	const char *host, *user;	/* in arena */
	enum op_role role;
	int64_t t0;			/* request start, mono_us (age included) */
};

/* A CreateReplica CopyType 4 waiting for its snapshot to be durable. */
struct cimop_pending {
	struct cimop_pending *next;
	struct cimop_held h;
	uint32_t src, tgt;
	int64_t progress_t;		/* when the copy last moved */
	uint64_t progress;		/* bytes copied then */
};

/* A large enumeration being written one slice per loop turn. */
struct cimop_slice {
	struct cimop_slice *next;
	struct cimop_held h;
	struct cim_buf b;		/* the answer so far (owned) */
	struct intrinsic_cont *cont;		/* where the enumeration stands */
	unsigned status;		/* CIM status recorded so far */
};

/*
 * One spare arena, reused by the next request: the handler runs on the loop
 * thread only, and keeping the first block avoids a malloc per request.
 */
static struct cim_arena *spare_arena;

static struct cim_arena *
arena_get(void)
{
	struct cim_arena *a = spare_arena;

	spare_arena = NULL;
	return a != NULL ? a : cim_arena_new(ARENA_CAP);
}

static void
arena_put(struct cim_arena *a)
{
	if (spare_arena == NULL) {
		cim_arena_reset(a);
		spare_arena = a;
	} else {
		cim_arena_free(a);
	}
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The request being processed: input, headers prefix, timing, results. */
struct op {
	struct cimop_server *s;
	const struct cimop_in *in;
	struct http_resp *resp;
	char prefix[8];			/* "NN-" for M-POST */
	int64_t t0;
	const char *opname;
	unsigned cim_status;
};

static const char *
hdr(const struct op *o, const char *name)
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
static void
finish(struct op *o)
{
	int64_t dur = o->in->age_us + (mono_us() - o->t0);

	metrics_observe_request(o->s->metrics, o->opname, o->resp->status,
	    o->cim_status, dur);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("cim: %s by %s: status %u, CIM %u, %" PRId64 "us",
		    o->opname != NULL ? o->opname : "-",
		    o->in->user != NULL && o->in->user[0] != '\0' ?
		    o->in->user : "-", o->resp->status, o->cim_status, dur);
}

/* A protocol-level failure: status, CIMError token (or NULL), no body. */
static void
fail(struct op *o, unsigned status, const char *token, bool close)
{
	o->resp->status = status;
	o->resp->cimerror = token;
	o->resp->close = close;
	o->resp->content_type = NULL;
	o->resp->body = NULL;
	o->resp->body_len = 0;
	o->resp->cim_response = false;
	finish(o);
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
		fail(o, 500, NULL, false);
		return;
	}
	o->resp->status = 200;
	o->resp->content_type = "text/plain; version=0.0.4";
	o->resp->body = cim_buf_steal(&b, &o->resp->body_len);
	finish(o);
}

/*
 * M-POST: "Man: http://www.dmtf.org/cim/mapping/http/v1.0 ; ns=73".
 * Returns 0 with o->prefix set, or -EINVAL.
 */
static int
mpost_prefix(struct op *o)
{
	const char *man = o->in->header ?
	    o->in->header(o->in->header_arg, "Man") : NULL;
	const char *ns;
	int n = 0;

	if (man == NULL || strstr(man, "dmtf.org/cim/mapping/http") == NULL)
		return -EINVAL;
	ns = strstr(man, "ns=");
	if (ns == NULL)
		return -EINVAL;
	ns += 3;
	while (n < 4 && isdigit((unsigned char)ns[n]))
		n++;
	if (n == 0 || (ns[n] != '\0' && ns[n] != ' ' && ns[n] != ';'))
		return -EINVAL;
	snprintf(o->prefix, sizeof(o->prefix), "%.*s-", n, ns);
	return 0;
}

/* application/xml or text/xml, charset absent or utf-8 (quoted or not). */
static bool
content_type_ok(const char *ct)
{
	size_t n;
	const char *p, *cs;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	if (!((n == 15 && strncasecmp(ct, "application/xml", 15) == 0) ||
	    (n == 8 && strncasecmp(ct, "text/xml", 8) == 0)))
		return false;
	for (p = ct + n; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		cs = p + 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0)
			return false;
		cs += 5;
		if (*cs == '"')
			cs++;
		if (*cs != '\0' && *cs != ';' && *cs != ' ' && *cs != '\t')
			return false;
	}
	return true;
}

/* "1.<digits>" */
static bool
protocol_version_ok(const char *v)
{
	size_t i;

	if (v[0] != '1' || v[1] != '.' || v[2] == '\0')
		return false;
	for (i = 2; v[i] != '\0'; i++)
		if (!isdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* Header checks before parsing; returns 0 or -1 with the response set. */
static int
check_headers(struct op *o)
{
	const char *v;

	v = hdr(o, "CIMOperation");
	if (v == NULL || strcasecmp(v, "MethodCall") != 0) {
		fail(o, 400, "unsupported-operation", false);
		return -1;
	}
	if (hdr(o, "CIMBatch") != NULL) {
		fail(o, 501, "multiple-requests-unsupported", false);
		return -1;
	}
	if (!content_type_ok(o->in->header ?
	    o->in->header(o->in->header_arg, "Content-Type") : NULL)) {
		fail(o, 400, NULL, false);
		return -1;
	}
	v = hdr(o, "CIMProtocolVersion");
	if (v != NULL && !protocol_version_ok(v)) {
		fail(o, 501, "unsupported-protocol-version", false);
		return -1;
	}
	return 0;
}

/* CIMObject against the body: namespace (intrinsic) or target path. */
static bool
cimobject_ok(const char *raw, const struct cim_request *r,
    struct cim_arena *arena)
{
	struct cim_path p;
	const char *d;

	if (raw == NULL || *raw == '\0')
		return false;
	d = cimxml_pct_decode(arena, raw);
	if (d == NULL)
		return false;
	if (r->intrinsic) {
		while (*d == '/')
			d++;
		return r->ns != NULL && strcasecmp(d, r->ns) == 0;
	}
	memset(&p, 0, sizeof(p));
	if (cimxml_parse_objhdr(d, arena, &p) != 0 || r->target == NULL)
		return false;
	return cim_path_equal(&p, r->target);
}

/* Consistency of the headers with the parsed body (header-mismatch). */
static int
check_consistency(struct op *o, const struct cim_request *r,
    struct cim_arena *arena)
{
	const char *v = hdr(o, "CIMProtocolVersion");

	if ((v != NULL && (r->protocol_version == NULL ||
	    strcmp(v, r->protocol_version) != 0)) ||
	    (v = hdr(o, "CIMMethod")) == NULL || r->method == NULL ||
	    strcasecmp(v, r->method) != 0 ||
	    !cimobject_ok(hdr(o, "CIMObject"), r, arena)) {
		fail(o, 400, "header-mismatch", false);
		return -1;
	}
	return 0;
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

static int64_t
slice_end(const struct cimop_server *s)
{
	return mono_us() + (s->slice_us != 0 ? s->slice_us : SLICE_US);
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
static unsigned
respond_end(const struct cimop_server *s, const struct cim_request *r,
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

enum answer {
	ANSWER_NOW,		/* b holds the whole response */
	ANSWER_PAIR,		/* wait for the snapshot pair src, tgt */
	ANSWER_SLICED,		/* an enumeration to finish in slices */
};

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
	c.slice_until = c.can_defer ? slice_end(o->s) : 0;
	b->max = max_response(o->s);
	c.conf = o->s->conf;
	c.rs = o->s->rs;
	c.host = pick_host(o, arena);
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
	o->cim_status = respond_end(o->s, r, b, c.status);
	return ANSWER_NOW;
}

/* ------------------------------------------------------ deferred answers */

static void on_pending_tick(uv_timer_t *t);
static void slice_unlink(struct cimop_server *s, struct cimop_slice *e);
static void slice_answer(struct cimop_server *s, struct cimop_slice *e,
    unsigned status);

/* No progress for this long: give up (conf timeout, 30 s by default). */
static int64_t
stall_us(const struct cimop_server *s)
{
	unsigned sec = s->conf != NULL && s->conf->timeout != 0 ?
	    s->conf->timeout : STALL_DEFAULT_S;

	return (int64_t)sec * 1000000;
}

/*
 * Hold request `r` in `h` for an answer after the handler returns: `h`
 * takes `arena` and the transport suspends the request (last, so nothing
 * is suspended on failure).  Returns 0, -ENOMEM or -EIO.
 */
static int
held_take(struct op *o, const struct cim_request *r, struct cim_arena *arena,
    struct cimop_held *h)
{
	h->req = *r;
	h->arena = arena;
	h->host = cim_arena_strdup(arena, pick_host(o, arena));
	h->user = cim_arena_strdup(arena, o->in->user != NULL ?
	    o->in->user : "");
	if (h->host == NULL || h->user == NULL)
		return -ENOMEM;
	h->role = o->in->role;
	h->t0 = o->t0 - o->in->age_us;
	h->complete = o->in->complete;
	h->token = o->in->defer(o->in->defer_arg, o->s);
	return h->token != NULL ? 0 : -EIO;
}

/* The handler context of a held request, with the current configuration
 * (a reload may have swapped it since the request came). */
static void
held_ctx(const struct cimop_server *s, struct cimop_held *h,
    struct op_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->conf = s->conf;
	c->rs = s->rs;
	c->host = h->host;
	c->user = h->user;
	c->role = h->role;
	c->arena = h->arena;
	c->req = &h->req;
	c->ns = model_ns_canon(h->req.ns);
}

/* A held request the transport gave up (client gone): count, log, free. */
static void
held_drop(struct cimop_server *s, struct cimop_held *h)
{
	metrics_observe_request(s->metrics, h->req.method, 503, 0,
	    mono_us() - h->t0);
	log_debug("cim: %s by %s: given up by the transport", h->req.method,
	    h->user[0] != '\0' ? h->user : "-");
	arena_put(h->arena);
}

/*
 * Hold request `r` until its snapshot pair is durable.  The pending entry
 * (owned by s->pending) takes `arena`.  Returns 0, or -ENOMEM / -EIO with
 * nothing held (the caller answers at once).
 */
static int
pending_add(struct op *o, const struct cim_request *r,
    struct cim_arena *arena, uint32_t src, uint32_t tgt)
{
	struct cimop_server *s = o->s;
	struct cimop_pending *p;
	int err;

	if (!s->timer_init) {
		if (uv_timer_init(s->loop, &s->timer) != 0)
			return -EIO;
		s->timer.data = s;
		s->timer_init = true;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	if ((err = held_take(o, r, arena, &p->h)) != 0) {
		free(p);
		return err;
	}
	p->src = src;
	p->tgt = tgt;
	p->progress_t = mono_us();
	p->next = s->pending;
	s->pending = p;
	if (s->npending++ == 0)
		uv_timer_start(&s->timer, on_pending_tick, PENDING_TICK_MS,
		    PENDING_TICK_MS);
	return 0;
}

static void
pending_unlink(struct cimop_server *s, struct cimop_pending *p)
{
	struct cimop_pending **pp;

	for (pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			s->npending--;
			break;
		}
	}
	if (s->pending == NULL && s->timer_init)
		uv_timer_stop(&s->timer);
}

/* The METHODRESPONSE of a deferred request into resp (200, or 500). */
static void
pending_body(struct cimop_server *s, struct cimop_pending *p,
    struct http_resp *resp)
{
	struct op_ctx c;
	struct cim_buf b;

	held_ctx(s, &p->h, &c);
	c.defer_pair_src = p->src;
	c.defer_pair_tgt = p->tgt;
	cim_buf_init(&b);
	c.out = &b;
	cimxml_begin_response(&b, p->h.req.msg_id ? p->h.req.msg_id : "", false,
	    p->h.req.method);
	op_extrinsic_deferred(&c);
	cimxml_end_response(&b, false);
	if (b.oom) {
		cim_buf_release(&b);
		resp->status = 500;
		resp->close = true;
		return;
	}
	resp->status = 200;
	resp->content_type = CT_XML;
	resp->cim_response = true;
	resp->body = cim_buf_steal(&b, &resp->body_len);
}

/*
 * Answer and free one waiting request: its METHODRESPONSE, or `status`
 * without a body (503 while shutting down).  Counted in the metrics with
 * its whole duration.
 */
static void
pending_answer(struct cimop_server *s, struct cimop_pending *p,
    unsigned status)
{
	struct http_resp resp;
	int64_t dur = mono_us() - p->h.t0;

	memset(&resp, 0, sizeof(resp));
	pending_unlink(s, p);
	if (status == 200)
		pending_body(s, p, &resp);
	else {
		resp.status = status;
		resp.close = true;
	}
	metrics_observe_request(s->metrics, p->h.req.method, resp.status, 0,
	    dur);
	log_debug("cim: %s by %s: status %u (deferred), %" PRId64 "us",
	    p->h.req.method, p->h.user[0] != '\0' ? p->h.user : "-", resp.status,
	    dur);
	p->h.complete(p->h.token, &resp);
	free(resp.body);	/* complete() took it unless it failed */
	arena_put(p->h.arena);
	free(p);
}

/* Is the snapshot still being filled, and still making progress? */
static bool
pending_wait(struct cimop_server *s, struct cimop_pending *p, int64_t now)
{
	const struct rpair *pr;
	const struct rjob *j;

	if (!op_snapshot_copying(s->rs, p->src, p->tgt))
		return false;
	pr = replica_pair_find(s->rs, p->src, p->tgt);
	j = pr->job_id != 0 ? replica_job_by_id(s->rs, pr->job_id) : NULL;
	if (j != NULL && j->bytes_done != p->progress) {
		p->progress = j->bytes_done;
		p->progress_t = now;
	}
	if (now - p->progress_t < stall_us(s))
		return true;
	log_warnx("%s: snapshot %u of volume %u: no copy progress for %" PRId64
	    " s, giving up", p->h.req.method, p->tgt, p->src,
	    stall_us(s) / 1000000);
	return false;
}

static void
on_pending_tick(uv_timer_t *t)
{
	struct cimop_server *s = t->data;
	struct cimop_pending *p, *next;
	int64_t now = mono_us();

	for (p = s->pending; p != NULL; p = next) {
		next = p->next;
		if (s->shutting_down)
			pending_answer(s, p, 503);
		else if (!pending_wait(s, p, now))
			pending_answer(s, p, 200);
	}
}

/* The transport gave up a sliced request (client gone): drop it. */
static bool
slice_cancel(struct cimop_server *s, const void *token)
{
	struct cimop_slice *e;

	for (e = s->slices; e != NULL; e = e->next)
		if (e->h.token == token)
			break;
	if (e == NULL)
		return false;
	slice_unlink(s, e);
	cim_buf_release(&e->b);
	held_drop(s, &e->h);
	free(e);
	return true;
}

void
cimop_cancel(struct cimop_server *s, const void *token)
{
	struct cimop_pending *p;

	if (slice_cancel(s, token))
		return;
	for (p = s->pending; p != NULL; p = p->next)
		if (p->h.token == token)
			break;
	if (p == NULL)
		return;
	pending_unlink(s, p);
	held_drop(s, &p->h);
	free(p);
}

static void
on_cimop_handle_closed(uv_handle_t *h)
{
	struct cimop_server *s = h->data;

	if (h == (uv_handle_t *)&s->timer)
		s->timer_init = false;
	else
		s->idle_init = false;
	if (--s->closing == 0 && s->close_cb != NULL)
		s->close_cb(s->close_arg);
}

void
cimop_close(struct cimop_server *s, void (*cb)(void *arg), void *arg)
{
	s->closed = true;
	while (s->pending != NULL)
		pending_answer(s, s->pending, 503);
	while (s->slices != NULL)
		slice_answer(s, s->slices, 503);
	if (!s->timer_init && !s->idle_init) {
		if (cb != NULL)
			cb(arg);
		return;
	}
	s->close_cb = cb;
	s->close_arg = arg;
	s->closing = (s->timer_init ? 1u : 0u) + (s->idle_init ? 1u : 0u);
	if (s->timer_init)
		uv_close((uv_handle_t *)&s->timer, on_cimop_handle_closed);
	if (s->idle_init)
		uv_close((uv_handle_t *)&s->idle, on_cimop_handle_closed);
}

/* -------------------------------------------------------- sliced answers */

static void on_slice_idle(uv_idle_t *h);

/* Put e last: unfinished answers take their slices in turn. */
static void
slice_append(struct cimop_server *s, struct cimop_slice *e)
{
	struct cimop_slice **pp = &s->slices;

	while (*pp != NULL)
		pp = &(*pp)->next;
	e->next = NULL;
	*pp = e;
}

/*
 * Hold request `r` whose enumeration stopped at `cont`: the entry (owned by
 * s->slices) takes `arena` and the buffer `b`.  Returns 0, or -ENOMEM /
 * -EIO with nothing taken (the caller finishes the answer at once).
 */
static int
slice_add(struct op *o, const struct cim_request *r, struct cim_arena *arena,
    struct cim_buf *b, struct intrinsic_cont *cont)
{
	struct cimop_server *s = o->s;
	struct cimop_slice *e;
	int err;

	if (!s->idle_init) {
		if (uv_idle_init(s->loop, &s->idle) != 0)
			return -EIO;
		s->idle.data = s;
		s->idle_init = true;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	if ((err = held_take(o, r, arena, &e->h)) != 0) {
		free(e);
		return err;
	}
	e->b = *b;
	cim_buf_init(b);
	e->cont = cont;
	slice_append(s, e);
	if (s->slices == e)
		uv_idle_start(&s->idle, on_slice_idle);
	return 0;
}

static void
slice_unlink(struct cimop_server *s, struct cimop_slice *e)
{
	struct cimop_slice **pp;

	for (pp = &s->slices; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	if (s->slices == NULL && s->idle_init)
		uv_idle_stop(&s->idle);
}

/*
 * Answer and free one sliced request: its finished METHODRESPONSE, or
 * `status` without a body (503 while shutting down).
 */
static void
slice_answer(struct cimop_server *s, struct cimop_slice *e, unsigned status)
{
	struct http_resp resp;
	unsigned cim_status = 0;
	int64_t dur = mono_us() - e->h.t0;

	memset(&resp, 0, sizeof(resp));
	slice_unlink(s, e);
	if (status == 200) {
		cim_status = respond_end(s, &e->h.req, &e->b, e->status);
		if (e->b.oom) {
			resp.status = 500;
			resp.close = true;
		} else {
			resp.status = 200;
			resp.content_type = CT_XML;
			resp.cim_response = true;
			resp.body = cim_buf_steal(&e->b, &resp.body_len);
		}
	} else {
		resp.status = status;
		resp.close = true;
	}
	cim_buf_release(&e->b);
	metrics_observe_request(s->metrics, e->h.req.method, resp.status,
	    cim_status, dur);
	log_debug("cim: %s by %s: status %u, CIM %u (sliced), %" PRId64 "us",
	    e->h.req.method, e->h.user[0] != '\0' ? e->h.user : "-", resp.status,
	    cim_status, dur);
	e->h.complete(e->h.token, &resp);
	free(resp.body);	/* complete() took it unless it failed */
	arena_put(e->h.arena);
	free(e);
}

/*
 * One slice of the oldest unfinished answer per loop turn; an answer that
 * is still unfinished goes to the back, so concurrent ones share turns.
 */
static void
on_slice_idle(uv_idle_t *h)
{
	struct cimop_server *s = h->data;
	struct cimop_slice *e = s->slices;
	struct op_ctx c;

	if (e == NULL) {
		uv_idle_stop(h);
		return;
	}
	if (s->shutting_down) {
		while (s->slices != NULL)
			slice_answer(s, s->slices, 503);
		return;
	}
	held_ctx(s, &e->h, &c);
	c.out = &e->b;
	c.cont = e->cont;
	c.slice_until = slice_end(s);
	op_intrinsic_resume(&c);
	if (c.status != 0)
		e->status = c.status;
	if (c.cont == NULL || e->b.oom) {
		slice_answer(s, e, 200);
		return;
	}
	e->cont = c.cont;
	if (e->next == NULL)
		return;
	s->slices = e->next;
	slice_append(s, e);
}

/* Cannot hold a deferred request: the answer its pair allows now. */
static void
respond_now(struct op *o, const struct cim_request *r,
    struct cim_arena *arena, uint32_t src, uint32_t tgt)
{
	struct cimop_pending now;

	log_warnx("%s: cannot wait for snapshot %u: answering now", r->method,
	    tgt);
	memset(&now, 0, sizeof(now));
	now.h.req = *r;
	now.h.arena = arena;
	now.h.host = pick_host(o, arena);
	now.h.user = o->in->user != NULL ? o->in->user : "";
	now.h.role = o->in->role;
	now.src = src;
	now.tgt = tgt;
	pending_body(o->s, &now, o->resp);
	finish(o);
}

/* Cannot hold a sliced request: write the rest of it now. */
static void
slice_finish_now(struct op *o, const struct cim_request *r,
    struct cim_arena *arena, struct cim_buf *b, struct intrinsic_cont *cont)
{
	struct op_ctx c;

	memset(&c, 0, sizeof(c));
	c.conf = o->s->conf;
	c.rs = o->s->rs;
	c.host = pick_host(o, arena);
	c.user = o->in->user;
	c.role = o->in->role;
	c.arena = arena;
	c.req = r;
	c.ns = model_ns_canon(r->ns);
	c.out = b;
	c.cont = cont;
	op_intrinsic_resume(&c);	/* slice_until 0: to the end */
	o->cim_status = respond_end(o->s, r, b, c.status);
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
		fail(o, 413, NULL, true);
		return false;
	}
	if (rc != 0) {
		fail(o, err.http_status ? (unsigned)err.http_status : 400,
		    err.token ? err.token : "request-not-valid", true);
		return false;
	}
	o->opname = r.method;
	if (check_consistency(o, &r, arena) != 0)
		return false;
	cim_buf_init(&b);
	ans = respond(o, &r, arena, &b, &src, &tgt, &cont);
	if (ans == ANSWER_PAIR) {
		cim_buf_release(&b);
		if (pending_add(o, &r, arena, src, tgt) == 0) {
			o->resp->deferred = true;
			return true;
		}
		respond_now(o, &r, arena, src, tgt);
		return false;
	}
	if (ans == ANSWER_SLICED) {
		if (slice_add(o, &r, arena, &b, cont) == 0) {
			o->resp->deferred = true;
			return true;
		}
		slice_finish_now(o, &r, arena, &b, cont);
	}
	if (b.oom) {
		cim_buf_release(&b);
		fail(o, 500, NULL, true);
		return false;
	}
	o->resp->status = 200;
	o->resp->content_type = CT_XML;
	o->resp->cim_response = true;
	o->resp->body = cim_buf_steal(&b, &o->resp->body_len);
	/* The op name lives in the arena: record metrics before reuse. */
	finish(o);
	return false;
}

void
cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct http_resp *resp)
{
	struct op o = { s, in, resp, "", mono_us(), "-", 0 };
	struct cim_arena *arena;
	const char *m = in->method ? in->method : "";

	if (strcmp(m, "GET") == 0 && is_metrics_url(in->url)) {
		o.opname = "metrics";
		serve_metrics(&o);
		return;
	}
	if (strcmp(m, "POST") != 0 && strcmp(m, "M-POST") != 0) {
		resp->allow = "POST";
		fail(&o, 405, NULL, false);
		return;
	}
	if (s->shutting_down) {
		fail(&o, 503, NULL, true);
		return;
	}
	if (strcmp(m, "M-POST") == 0 && mpost_prefix(&o) != 0) {
		fail(&o, 501, NULL, false);
		return;
	}
	if (check_headers(&o) != 0)
		return;
	arena = arena_get();
	if (arena == NULL) {
		fail(&o, 503, NULL, true);
		return;
	}
	if (process_body(&o, arena))
		return;		/* the pending entry owns the arena */
	o.opname = "-";		/* arena memory is about to be reused */
	arena_put(arena);
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
