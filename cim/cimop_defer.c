/* SPDX-License-Identifier: ISC */
/*
 * cimop_defer.c - deferred answers
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

static void on_pending_tick(uv_timer_t *t);

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
int
cimop__held_take(struct op *o, const struct cim_request *r, struct cim_arena *arena,
    struct cimop_held *h)
{
	h->req = *r;
	h->arena = arena;
	h->host = cim_arena_strdup(arena, cimop__pick_host(o, arena));
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
void
cimop__held_ctx(const struct cimop_server *s, struct cimop_held *h,
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
void
cimop__held_drop(struct cimop_server *s, struct cimop_held *h)
{
	metrics_observe_request(s->metrics, h->req.method, 503, 0,
	    cimop__mono_us() - h->t0);
	log_debug("cim: %s by %s: given up by the transport", h->req.method,
	    h->user[0] != '\0' ? h->user : "-");
	cimop__arena_put(h->arena);
}

/*
 * Hold request `r` until its snapshot pair is durable.  The pending entry
 * (owned by s->pending) takes `arena`.  Returns 0, or -ENOMEM / -EIO with
 * nothing held (the caller answers at once).
 */
int
cimop__pending_add(struct op *o, const struct cim_request *r,
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
	if ((err = cimop__held_take(o, r, arena, &p->h)) != 0) {
		free(p);
		return err;
	}
	p->src = src;
	p->tgt = tgt;
	p->progress_t = cimop__mono_us();
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

	cimop__held_ctx(s, &p->h, &c);
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
	int64_t dur = cimop__mono_us() - p->h.t0;

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
	cimop__arena_put(p->h.arena);
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
	int64_t now = cimop__mono_us();

	for (p = s->pending; p != NULL; p = next) {
		next = p->next;
		if (s->shutting_down)
			pending_answer(s, p, 503);
		else if (!pending_wait(s, p, now))
			pending_answer(s, p, 200);
	}
}

void
cimop_cancel(struct cimop_server *s, const void *token)
{
	struct cimop_pending *p;

	if (cimop__slice_cancel(s, token))
		return;
	for (p = s->pending; p != NULL; p = p->next)
		if (p->h.token == token)
			break;
	if (p == NULL)
		return;
	pending_unlink(s, p);
	cimop__held_drop(s, &p->h);
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
		cimop__slice_answer(s, s->slices, 503);
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

/* Cannot hold a deferred request: the answer its pair allows now. */
void
cimop__respond_now(struct op *o, const struct cim_request *r,
    struct cim_arena *arena, uint32_t src, uint32_t tgt)
{
	struct cimop_pending now;

	log_warnx("%s: cannot wait for snapshot %u: answering now", r->method,
	    tgt);
	memset(&now, 0, sizeof(now));
	now.h.req = *r;
	now.h.arena = arena;
	now.h.host = cimop__pick_host(o, arena);
	now.h.user = o->in->user != NULL ? o->in->user : "";
	now.h.role = o->in->role;
	now.src = src;
	now.tgt = tgt;
	pending_body(o->s, &now, o->resp);
	cimop__finish(o);
}
