/* SPDX-License-Identifier: ISC */
/*
 * authq.c - runs auth_verify_header() on the libuv thread pool.
 *
 * Jobs wait in two FIFOs: "clean" for addresses without a failure in the
 * current window, "dirty" for the others; a free slot takes a clean job
 * first, so a flood of wrong passwords from one place does not push a
 * first login from elsewhere to the back of the line.  At most max_active
 * jobs are on the pool: daemon.c sizes the pool with room for them beside
 * the copy engine's chunks, so neither can starve the other.  A failure
 * is answered after authq_penalty_ms(), on a per-job uv timer.  Failures
 * are remembered per address in a small bounded table (least recently
 * failed forgotten first); they expire after a window of quiet.  Cached
 * credentials never come here (http.c asks the cache first).  Loop thread
 * only, except on_authq_work.
 */
#include "daemon/authq.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/log.h"
#include "daemon/metrics.h"
#include "daemon/ratelog.h"

#define AUTHQ_HEADER_MAX	1025	/* one more than auth.c accepts */
#define AUTHQ_ADDR_MAX		64
#define AUTHQ_USER_MAX		64
#define AUTHQ_FAIL_SLOTS	1024
#define AUTHQ_FAIL_WINDOW_MS	60000	/* failures older than this expire */
#define AUTHQ_PENALTY_BASE_MS	100

enum authq_state { JOB_QUEUED, JOB_RUNNING, JOB_DELAYED };

struct authq_job {
	struct authq		*q;
	uv_work_t		 work;
	uv_timer_t		 timer;
	bool			 timer_live;	/* initialised: uv_close it */
	struct auth_db		*db;		/* reference held */
	char			*header;	/* owned, cleansed on free */
	char			 addr[AUTHQ_ADDR_MAX];
	char			 user[AUTHQ_USER_MAX];
	enum auth_role		 role;
	enum authq_state	 state;
	bool			 dirty;		/* in the failing queue */
	authq_done_fn		 done;		/* NULL: cancelled */
	void			*arg;
	TAILQ_ENTRY(authq_job)	 link;
};
TAILQ_HEAD(authq_list, authq_job);

struct authq_fail {
	char		 addr[AUTHQ_ADDR_MAX];
	unsigned	 failures;
	uint64_t	 last_ms;
};

struct authq {
	uv_loop_t		*loop;
	struct authq_opts	 o;
	struct ratelog		*rl;
	struct metrics		*m;
	struct authq_list	 clean, dirty;
	unsigned		 nqueued, nactive, njobs;
	bool			 closing;
	struct authq_fail	 fails[AUTHQ_FAIL_SLOTS];
};

static void authq_pump(struct authq *q);

unsigned
authq_penalty_ms(unsigned failures, unsigned max_ms)
{
	uint64_t ms;

	if (failures < 2 || max_ms == 0)
		return 0;
	if (failures - 2 >= 32)
		return max_ms;
	ms = (uint64_t)AUTHQ_PENALTY_BASE_MS << (failures - 2);
	return ms > max_ms ? max_ms : (unsigned)ms;
}

static uint64_t
authq_now_ms(const struct authq *q)
{
	return uv_now(q->loop);
}

/* ---------------------------------------------------- failure table */

/* The address's entry if it failed inside the window, else NULL. */
static struct authq_fail *
authq_fail_find(struct authq *q, const char *addr)
{
	uint64_t now = authq_now_ms(q);

	for (size_t i = 0; i < AUTHQ_FAIL_SLOTS; i++) {
		struct authq_fail *f = &q->fails[i];

		if (f->failures == 0 || strcmp(f->addr, addr) != 0)
			continue;
		if (now - f->last_ms >= AUTHQ_FAIL_WINDOW_MS) {
			f->failures = 0;
			return NULL;
		}
		return f;
	}
	return NULL;
}

/* Count one more failure of `addr`; returns the count in the window. */
static unsigned
authq_fail_note(struct authq *q, const char *addr)
{
	struct authq_fail *f = authq_fail_find(q, addr), *victim;

	if (f == NULL) {
		victim = &q->fails[0];
		for (size_t i = 0; i < AUTHQ_FAIL_SLOTS; i++) {
			f = &q->fails[i];
			if (f->failures == 0) {
				victim = f;
				break;
			}
			if (f->last_ms < victim->last_ms)
				victim = f;
		}
		f = victim;
		snprintf(f->addr, sizeof(f->addr), "%s", addr);
		f->failures = 0;
	}
	if (f->failures < ~0u)
		f->failures++;
	f->last_ms = authq_now_ms(q);
	return f->failures;
}

static void
authq_fail_clear(struct authq *q, const char *addr)
{
	struct authq_fail *f = authq_fail_find(q, addr);

	if (f != NULL)
		f->failures = 0;
}

/* ------------------------------------------------------------- jobs */

static void
authq_job_release(struct authq_job *j)
{
	struct authq *q = j->q;

	auth_db_free(j->db);
	if (j->header != NULL) {
		OPENSSL_cleanse(j->header, strlen(j->header));
		free(j->header);
	}
	free(j);
	q->njobs--;
	if (q->closing && q->njobs == 0)
		free(q);
}

static void
on_authq_timer_closed(uv_handle_t *h)
{
	authq_job_release(h->data);
}

static void
authq_job_free(struct authq_job *j)
{
	if (j->timer_live) {
		uv_close((uv_handle_t *)&j->timer, on_authq_timer_closed);
		return;
	}
	authq_job_release(j);
}

static void
authq_job_answer(struct authq_job *j)
{
	if (j->done != NULL)
		j->done(j->arg, j->role, j->user);
	authq_job_free(j);
}

static void
on_authq_timer(uv_timer_t *h)
{
	authq_job_answer(h->data);
}

static void
on_authq_work(uv_work_t *w)
{
	struct authq_job *j = w->data;

	j->role = auth_verify_header(j->db, j->header, j->user,
	    sizeof(j->user));
	/*
	 * Pool threads live until exit and OpenSSL's per-thread state would
	 * outlive them unfreed; a verification costs milliseconds, setting
	 * it up again next time microseconds.
	 */
	OPENSSL_thread_stop();
}

/* A failure: count it, maybe log it, and answer now or after a delay. */
static void
authq_job_failed(struct authq *q, struct authq_job *j)
{
	unsigned n = authq_fail_note(q, j->addr), held;
	unsigned delay = authq_penalty_ms(n, q->o.max_delay_ms);
	char key[RATELOG_KEY_MAX];

	j->user[0] = '\0';
	if (delay == 0 || j->done == NULL) {
		authq_job_answer(j);
		return;
	}
	metrics_count_refusal(q->m, REFUSE_AUTH_PENALTY);
	snprintf(key, sizeof(key), "auth-fail %s", j->addr);
	if (ratelog_allow(q->rl, key, authq_now_ms(q), &held))
		log_warnx("auth: %s: %u failed logins in a row, answering "
		    "each late (up to %u ms; %u more not logged)", j->addr, n,
		    q->o.max_delay_ms, held);
	j->state = JOB_DELAYED;
	if (uv_timer_init(q->loop, &j->timer) != 0) {
		authq_job_answer(j);
		return;
	}
	j->timer.data = j;
	j->timer_live = true;
	uv_timer_start(&j->timer, on_authq_timer, delay, 0);
}

static void
on_authq_after_work(uv_work_t *w, int status)
{
	struct authq_job *j = w->data;
	struct authq *q = j->q;

	q->nactive--;
	if (status != 0)
		j->role = AUTH_NONE;
	if (j->role != AUTH_NONE) {
		auth_cache_store(j->db, j->header, j->user, j->role);
		authq_fail_clear(q, j->addr);
		authq_job_answer(j);
	} else if (q->closing) {
		authq_job_free(j);
	} else {
		authq_job_failed(q, j);
	}
	if (!q->closing)
		authq_pump(q);
}

/* Start queued jobs while slots are free, clean ones first. */
static void
authq_pump(struct authq *q)
{
	struct authq_job *j;

	while (q->nactive < q->o.max_active) {
		if ((j = TAILQ_FIRST(&q->clean)) != NULL) {
			TAILQ_REMOVE(&q->clean, j, link);
			/* Its address failed since it was queued: go back. */
			if (authq_fail_find(q, j->addr) != NULL) {
				j->dirty = true;
				TAILQ_INSERT_TAIL(&q->dirty, j, link);
				continue;
			}
		} else if ((j = TAILQ_FIRST(&q->dirty)) != NULL) {
			TAILQ_REMOVE(&q->dirty, j, link);
		} else {
			return;
		}
		q->nqueued--;
		j->state = JOB_RUNNING;
		j->work.data = j;
		if (uv_queue_work(q->loop, &j->work, on_authq_work,
		    on_authq_after_work) != 0) {
			j->role = AUTH_NONE;
			authq_job_answer(j);
			continue;
		}
		q->nactive++;
	}
}

int
authq_submit(struct authq *q, struct auth_db *db, const char *header,
    const char *addr, authq_done_fn done, void *arg, struct authq_job **out)
{
	struct authq_job *j;
	unsigned held;

	*out = NULL;
	if (q->nactive >= q->o.max_active && q->nqueued >= q->o.max_queued) {
		metrics_count_refusal(q->m, REFUSE_AUTH_BUSY);
		if (ratelog_allow(q->rl, "auth-busy", authq_now_ms(q), &held))
			log_warnx("auth: %u verifications waiting, answering "
			    "503 to new logins (%u more not logged)",
			    q->nqueued, held);
		return -EBUSY;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -ENOMEM;
	if ((j->header = strndup(header, AUTHQ_HEADER_MAX)) == NULL) {
		free(j);
		return -ENOMEM;
	}
	j->q = q;
	j->db = auth_db_ref(db);
	snprintf(j->addr, sizeof(j->addr), "%s", addr);
	j->done = done;
	j->arg = arg;
	j->state = JOB_QUEUED;
	j->dirty = authq_fail_find(q, j->addr) != NULL;
	TAILQ_INSERT_TAIL(j->dirty ? &q->dirty : &q->clean, j, link);
	q->nqueued++;
	q->njobs++;
	*out = j;
	authq_pump(q);
	return 0;
}

void
authq_cancel(struct authq_job *j)
{
	struct authq *q = j->q;

	j->done = NULL;
	switch (j->state) {
	case JOB_QUEUED:
		TAILQ_REMOVE(j->dirty ? &q->dirty : &q->clean, j, link);
		q->nqueued--;
		authq_job_free(j);
		break;
	case JOB_DELAYED:
		uv_timer_stop(&j->timer);
		authq_job_free(j);
		break;
	case JOB_RUNNING:
		break;		/* on_authq_after_work frees it */
	}
}

struct authq *
authq_new(uv_loop_t *loop, const struct authq_opts *o, struct ratelog *rl,
    struct metrics *m)
{
	struct authq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->loop = loop;
	q->rl = rl;
	q->m = m;
	TAILQ_INIT(&q->clean);
	TAILQ_INIT(&q->dirty);
	authq_set_opts(q, o);
	return q;
}

void
authq_set_opts(struct authq *q, const struct authq_opts *o)
{
	q->o = *o;
	if (q->o.max_active == 0)
		q->o.max_active = 1;
	if (!q->closing)
		authq_pump(q);
}

unsigned
authq_active(const struct authq *q)
{
	return q->nactive;
}

unsigned
authq_queued(const struct authq *q)
{
	return q->nqueued;
}

void
authq_close(struct authq *q)
{
	struct authq_job *j;

	if (q == NULL)
		return;
	q->closing = true;
	while ((j = TAILQ_FIRST(&q->clean)) != NULL ||
	    (j = TAILQ_FIRST(&q->dirty)) != NULL)
		authq_cancel(j);
	if (q->njobs == 0)
		free(q);
	/* Delayed jobs belong to requests: their owners cancel them. */
}
