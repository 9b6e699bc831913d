/* SPDX-License-Identifier: ISC */
/*
 * cimop_slice.c - large enumeration and association answers written in
 * slices: the request is held (its arena and the answer so far kept in a
 * struct cimop_slice) and op_intrinsic_resume() writes about slice_us of
 * it per loop turn from a uv_idle handle that runs only while an answer
 * is unfinished, so other connections are served in between.  Unfinished
 * answers take turns, oldest first.  The whole answer is built before it
 * is sent, so a limit (max_response) still replaces it by one ERROR.
 * While shutting down or at close the held ones get 503.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cim/cimop_int.h"

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
 * Hold request `who` whose enumeration stopped at `cont`: the entry (owned
 * by s->slices) takes its arena and the buffer `b`.  Returns 0, or -ENOMEM
 * / -EIO with nothing taken (the caller finishes the answer at once).
 */
int
cimop__slice_add(struct op *o, const struct cimop_held *who,
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
	if ((err = cimop__held_take(o, who, &e->h)) != 0) {
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
	struct cimop_answer resp;
	unsigned cim_status = 0;
	int64_t dur = cimop__mono_us() - e->h.t0;

	memset(&resp, 0, sizeof(resp));
	slice_unlink(s, e);
	if (status == 200) {
		cim_status = cimop__respond_end(s, &e->h.req, &e->b, e->status);
		cimop__answer_xml(&resp, &e->b);
	} else {
		resp.status = status;
		resp.close = true;
	}
	cim_buf_release(&e->b);
	cimop__observe(s, e->h.req.method, resp.status, cim_status, dur);
	log_debug("cim: %s by %s: status %u, CIM %u (sliced), %" PRId64 "us",
	    e->h.req.method, e->h.user[0] != '\0' ? e->h.user : "-", resp.status,
	    cim_status, dur);
	e->h.complete(e->h.token, &resp);
	free(resp.body);	/* complete() took it unless it failed */
	cimop__arena_put(s, e->h.arena);
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
		cimop__slices_close(s);
		return;
	}
	cimop__ctx(s, &e->h, &e->b, &c);
	c.cont = e->cont;
	c.slice_until = cimop__slice_end(s);
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

/* The transport gave up a sliced request (client gone): drop it. */
bool
cimop__slice_cancel(struct cimop_server *s, const void *token)
{
	struct cimop_slice *e;

	for (e = s->slices; e != NULL; e = e->next)
		if (e->h.token == token)
			break;
	if (e == NULL)
		return false;
	slice_unlink(s, e);
	cim_buf_release(&e->b);
	cimop__held_drop(s, &e->h);
	free(e);
	return true;
}

/* Cannot hold a sliced request: write the rest of it now. */
void
cimop__slice_finish_now(struct op *o, const struct cimop_held *who,
    struct cim_buf *b, struct intrinsic_cont *cont)
{
	struct op_ctx c;

	cimop__ctx(o->s, who, b, &c);
	c.cont = cont;
	op_intrinsic_resume(&c);	/* slice_until 0: to the end */
	o->cim_status = cimop__respond_end(o->s, &who->req, b, c.status);
}

/* Close: every held answer gets 503. */
void
cimop__slices_close(struct cimop_server *s)
{
	while (s->slices != NULL)
		slice_answer(s, s->slices, 503);
}
