/* SPDX-License-Identifier: ISC */
/*
 * cimop_defer.c - CreateReplica CopyType 4 answers that wait until the
 * snapshot is durable, and answers of methods that started a physical
 * copy on a point-in-time pool, written at once but held until the copy's
 * image is durable (announce, don't poll; the shape of redis
 * blocked.c).  A held answer is keyed by its job and released by the
 * job's change that ends the image's taking (op_job_image_pending);
 * what it says never changes (4096 + Job: a failed image shows in the
 * job).  The request is held as a waiter keyed by its pair (src,
 * tgt), keeping its arena.  cimop_changed(), called by the daemon for each
 * committed replica change, marks the waiters of a changed or deleted pair
 * ready and starts `ready`, a uv_idle handle that runs only while some are
 * ready; it answers nothing itself.  On the next loop turn on_ready()
 * asks op_extrinsic_deferred() for each ready waiter's answer: a pair
 * still being filled writes nothing and the waiter waits again, anything
 * else is the answer, written exactly as an immediate one would be and
 * counted with its whole duration.  Whether a pair is still being filled
 * is the handler's decision, not this file's.
 *
 * The only timer is the stall limit: it fires when the oldest progress
 * seen is conf->timeout old, and a waiter whose copy has not moved for
 * that long is answered 4 (give up; the copy is left running).  Progress
 * is announced too (a saved checkpoint is a job change, at least once a
 * second while a copy moves), so the limit restarts from the announce,
 * not from a poll.  While shutting down or at close the waiters get 503.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cim/cimop_int.h"
#include "conf/conf.h"
#include "replica/replica.h"

#define STALL_DEFAULT_S	30

/*
 * A CreateReplica CopyType 4 waiting for its snapshot to be durable, or a
 * written answer (job != 0) waiting for its copy's point-in-time image.
 */
struct cimop_waiter {
	struct cimop_waiter *next;
	struct cimop_held h;
	uint32_t src, tgt;		/* the snapshot pair */
	uint64_t job;			/* held answer: the job imaged, else 0 */
	struct cimop_answer held;	/* ... and the answer, body owned */
	unsigned held_cim;		/* ... and its CIM status */
	bool ready;			/* its pair changed, or time is up */
	bool give_up;			/* no progress within the stall limit */
	int64_t progress_t;		/* when the copy last moved (announced) */
};

static void on_ready(uv_idle_t *h);
static void on_stall(uv_timer_t *t);

/* No progress for this long: give up (conf timeout, 30 s by default). */
static int64_t
stall_us(const struct cimop_server *s)
{
	unsigned sec = s->conf != NULL && s->conf->timeout != 0 ?
	    s->conf->timeout : STALL_DEFAULT_S;

	return (int64_t)sec * 1000000;
}

/* Arm the stall timer for the earliest limit of a waiting waiter. */
static void
stall_arm(struct cimop_server *s)
{
	const struct cimop_waiter *w;
	int64_t first = INT64_MAX, wait;

	for (w = s->waiters; w != NULL; w = w->next)
		if (!w->ready && w->progress_t < first)
			first = w->progress_t;
	if (first == INT64_MAX) {
		uv_timer_stop(&s->stall);
		return;
	}
	wait = first + stall_us(s) - cimop__mono_us();
	uv_timer_start(&s->stall, on_stall,
	    wait > 0 ? (uint64_t)(wait + 999) / 1000 : 0, 0);
}

/* Signal: answered on the next loop turn, by on_ready(). */
static void
waiter_ready(struct cimop_server *s, struct cimop_waiter *w)
{
	w->ready = true;
	uv_idle_start(&s->ready, on_ready);
}

static int
handles_init(struct cimop_server *s)
{
	if (!s->stall_init) {
		if (uv_timer_init(s->loop, &s->stall) != 0)
			return -EIO;
		s->stall.data = s;
		s->stall_init = true;
	}
	if (!s->ready_init) {
		if (uv_idle_init(s->loop, &s->ready) != 0)
			return -EIO;
		s->ready.data = s;
		s->ready_init = true;
	}
	return 0;
}

/*
 * A new waiter for request `who` on pair (src, tgt), taking the arena:
 * 0 with *out (not yet listed), or -ENOMEM / -EIO with nothing held.
 */
static int
waiter_new(struct op *o, const struct cimop_held *who, uint32_t src,
    uint32_t tgt, struct cimop_waiter **out)
{
	struct cimop_waiter *w;
	int err;

	if ((err = handles_init(o->s)) != 0)
		return err;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	if ((err = cimop__held_take(o, who, &w->h)) != 0) {
		free(w);
		return err;
	}
	w->src = src;
	w->tgt = tgt;
	w->progress_t = cimop__mono_us();
	*out = w;
	return 0;
}

/* List w (owned by s->waiters from now on) and arm its stall limit. */
static void
waiter_link(struct cimop_server *s, struct cimop_waiter *w)
{
	w->next = s->waiters;
	s->waiters = w;
	s->nwaiters++;
	stall_arm(s);
}

/*
 * Hold request `who` until its snapshot pair is durable.  Returns 0, or
 * -ENOMEM / -EIO with nothing held (the caller answers at once).
 */
int
cimop__waiter_add(struct op *o, const struct cimop_held *who, uint32_t src,
    uint32_t tgt)
{
	struct cimop_waiter *w;
	int err;

	if ((err = waiter_new(o, who, src, tgt, &w)) != 0)
		return err;
	waiter_link(o->s, w);
	return 0;
}

int
cimop__waiter_hold(struct op *o, const struct cimop_held *who, uint64_t job)
{
	const struct rjob *j = replica_job_by_id(o->s->rs, job);
	struct cimop_waiter *w;
	int err;

	if (j == NULL)
		return -ENOENT;
	if ((err = waiter_new(o, who, j->src_id, j->tgt_id, &w)) != 0)
		return err;
	w->job = job;
	w->held = *o->a;
	w->held_cim = o->cim_status;
	memset(o->a, 0, sizeof(*o->a));
	waiter_link(o->s, w);
	return 0;
}

static void
waiter_unlink(struct cimop_server *s, struct cimop_waiter *w)
{
	struct cimop_waiter **pp;

	for (pp = &s->waiters; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			s->nwaiters--;
			break;
		}
	}
}

/*
 * The answer of request `h` waiting for pair (src, tgt) into `a`: false,
 * with nothing written, while the snapshot is still being filled (unless
 * give_up); else true with 200 and the METHODRESPONSE (or 500).
 */
static bool
waiter_body(struct cimop_server *s, struct cimop_held *h, uint32_t src,
    uint32_t tgt, bool give_up, struct cimop_answer *a)
{
	struct op_ctx c;
	struct cim_buf b;

	cim_buf_init(&b);
	cimop__ctx(s, h, &b, &c);
	c.defer_pair_src = src;
	c.defer_pair_tgt = tgt;
	cimxml_begin_response(&b, h->req.msg_id ? h->req.msg_id : "", false,
	    h->req.method);
	if (!op_extrinsic_deferred(&c, give_up)) {
		cim_buf_release(&b);
		return false;
	}
	cimxml_end_response(&b, false);
	cimop__answer_xml(a, &b);
	return true;
}

/*
 * Answer waiter `w` and free it: its METHODRESPONSE, or `status` without
 * a body (503 while shutting down).  Returns false, with nothing done,
 * when its pair is still being filled.
 */
static bool
waiter_answer(struct cimop_server *s, struct cimop_waiter *w, unsigned status)
{
	struct cimop_answer a;
	int64_t dur;

	memset(&a, 0, sizeof(a));
	if (status == 200 && w->job != 0) {
		if (!w->give_up && op_job_image_pending(s->rs, w->job))
			return false;
		a = w->held;
		w->held.body = NULL;
	} else if (status == 200) {
		if (!waiter_body(s, &w->h, w->src, w->tgt, w->give_up, &a))
			return false;
	} else {
		a.status = status;
		a.close = true;
	}
	waiter_unlink(s, w);
	dur = cimop__mono_us() - w->h.t0;
	cimop__observe(s, w->h.req.method, a.status,
	    a.status == 200 ? w->held_cim : 0, dur);
	log_debug("cim: %s by %s: status %u (deferred), %" PRId64 "us",
	    w->h.req.method, w->h.user[0] != '\0' ? w->h.user : "-", a.status,
	    dur);
	w->h.complete(w->h.token, &a);
	free(a.body);	/* complete() took it unless it failed */
	free(w->held.body);
	cimop__arena_put(s, w->h.arena);
	free(w);
	return true;
}

/* Serve the ready waiters (the loop turn after they were signalled). */
static void
on_ready(uv_idle_t *h)
{
	struct cimop_server *s = h->data;
	struct cimop_waiter *w, *next;

	uv_idle_stop(h);
	for (w = s->waiters; w != NULL; w = next) {
		next = w->next;
		if (!w->ready)
			continue;
		w->ready = false;
		(void)waiter_answer(s, w, s->shutting_down ? 503 : 200);
	}
	stall_arm(s);
}

/* The stall limit of some waiter is up: give up on the ones that did not move. */
static void
on_stall(uv_timer_t *t)
{
	struct cimop_server *s = t->data;
	struct cimop_waiter *w;
	int64_t now = cimop__mono_us();

	for (w = s->waiters; w != NULL; w = w->next) {
		if (w->ready || now - w->progress_t < stall_us(s))
			continue;
		if (w->job != 0)
			log_warnx("%s: job %" PRIu64 ": its point-in-time "
			    "image is not taken after %" PRId64 " s: answering "
			    "now", w->h.req.method, w->job,
			    stall_us(s) / 1000000);
		else
			log_warnx("%s: snapshot %u of volume %u: no copy "
			    "progress for %" PRId64 " s, giving up",
			    w->h.req.method, w->tgt, w->src,
			    stall_us(s) / 1000000);
		w->give_up = true;
		waiter_ready(s, w);
	}
	stall_arm(s);
}

/* The copy filling a waiter's pair saved progress: its limit restarts. */
static void
waiter_moved(struct cimop_server *s, const struct replica_event *ev)
{
	const struct rjob *b = ev->before.job, *a = ev->after.job;
	struct cimop_waiter *w;

	if (b == NULL || a == NULL || (a->bytes_done == b->bytes_done &&
	    a->checkpoint == b->checkpoint))
		return;
	for (w = s->waiters; w != NULL; w = w->next)
		if (w->src == a->src_id && w->tgt == a->tgt_id)
			w->progress_t = cimop__mono_us();
}

void
cimop_changed(struct cimop_server *s, const struct replica_event *ev)
{
	const struct rpair *p;
	struct cimop_waiter *w;

	if (ev->what == REPLICA_JOB) {
		const struct rjob *j = ev->after.job != NULL ? ev->after.job :
		    ev->before.job;

		waiter_moved(s, ev);
		for (w = s->waiters; w != NULL; w = w->next)
			if (w->job != 0 && w->job == j->id)
				waiter_ready(s, w);
		return;
	}
	if (ev->what != REPLICA_PAIR)
		return;
	p = ev->after.pair != NULL ? ev->after.pair : ev->before.pair;
	for (w = s->waiters; w != NULL; w = w->next)
		if (w->job == 0 && w->src == p->src_id && w->tgt == p->tgt_id)
			waiter_ready(s, w);
}

void
cimop_shutdown(struct cimop_server *s)
{
	struct cimop_waiter *w;

	s->shutting_down = true;
	for (w = s->waiters; w != NULL; w = w->next)
		waiter_ready(s, w);
}

/* Cannot hold a deferred request: the answer its pair allows now. */
void
cimop__waiter_now(struct op *o, const struct cimop_held *who, uint32_t src,
    uint32_t tgt)
{
	struct cimop_held h = *who;

	log_warnx("%s: cannot wait for snapshot %u: answering now",
	    who->req.method, tgt);
	if (h.user == NULL)
		h.user = "";
	(void)waiter_body(o->s, &h, src, tgt, true, o->a);
	cimop__finish(o);
}

/* The transport gave up a waiting request (client gone): drop it. */
bool
cimop__waiter_cancel(struct cimop_server *s, const void *token)
{
	struct cimop_waiter *w;

	for (w = s->waiters; w != NULL; w = w->next)
		if (w->h.token == token)
			break;
	if (w == NULL)
		return false;
	waiter_unlink(s, w);
	cimop__held_drop(s, &w->h);
	free(w->held.body);
	free(w);
	if (s->stall_init)
		stall_arm(s);
	return true;
}

/* Close: every waiter gets 503 now. */
void
cimop__waiters_close(struct cimop_server *s)
{
	while (s->waiters != NULL)
		(void)waiter_answer(s, s->waiters, 503);
}
