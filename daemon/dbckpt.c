/* SPDX-License-Identifier: ISC */
/*
 * dbckpt.c - the state database's WAL checkpoints, off the loop thread.
 *
 * Commits on the loop thread only append to the WAL (store.c runs WAL with
 * synchronous=NORMAL); a checkpoint fsyncs the WAL and the database, which
 * on this kind of disk takes up to tens of milliseconds.  A timer queues one
 * checkpoint at a time on the thread pool through a connection of its own
 * (replica_checkpoint_db); it never overlaps itself, and a closing waits
 * for the one in flight.  Failures are logged and retried next tick: the
 * loop's connection falls back to SQLite's own checkpoint at 40 MB.
 */
#include "daemon/dbckpt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "replica/replica.h"

struct dbckpt {
	uv_timer_t timer;
	uv_work_t work;
	char *path;
	bool busy;		/* a checkpoint is on the pool */
	bool closing;
	bool timer_closed;
	int err;		/* result of the last checkpoint */
	void (*close_cb)(void *arg);
	void *close_arg;
};

static void
dbckpt_maybe_done(struct dbckpt *k)
{
	void (*cb)(void *) = k->close_cb;
	void *arg = k->close_arg;

	if (!k->closing || k->busy || !k->timer_closed)
		return;
	free(k->path);
	free(k);
	if (cb != NULL)
		cb(arg);
}

static void
on_ckpt_work(uv_work_t *w)
{
	struct dbckpt *k = w->data;

	k->err = replica_checkpoint_db(k->path);
}

static void
on_ckpt_done(uv_work_t *w, int status)
{
	struct dbckpt *k = w->data;

	k->busy = false;
	if (status == 0 && k->err != 0)
		log_warn_err(k->err, "state database %s: checkpoint", k->path);
	dbckpt_maybe_done(k);
}

static void
on_ckpt_tick(uv_timer_t *t)
{
	struct dbckpt *k = t->data;

	if (k->busy || k->closing)
		return;
	k->work.data = k;
	if (uv_queue_work(t->loop, &k->work, on_ckpt_work, on_ckpt_done) == 0)
		k->busy = true;
}

/* Returns 0 and a new dbckpt owned by the caller (dbckpt_close), or -errno. */
int
dbckpt_start(uv_loop_t *loop, const char *db_path, unsigned interval_ms,
    struct dbckpt **out)
{
	struct dbckpt *k;
	int err;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->path = strdup(db_path)) == NULL) {
		free(k);
		return -ENOMEM;
	}
	if ((err = uv_timer_init(loop, &k->timer)) != 0) {
		free(k->path);
		free(k);
		return err;
	}
	k->timer.data = k;
	/* The checkpointer must never keep a draining loop alive. */
	uv_unref((uv_handle_t *)&k->timer);
	uv_timer_start(&k->timer, on_ckpt_tick, interval_ms, interval_ms);
	*out = k;
	return 0;
}

static void
on_timer_closed(uv_handle_t *h)
{
	struct dbckpt *k = h->data;

	k->timer_closed = true;
	dbckpt_maybe_done(k);
}

void
dbckpt_close(struct dbckpt *k, void (*cb)(void *arg), void *arg)
{
	if (k == NULL) {
		if (cb != NULL)
			cb(arg);
		return;
	}
	k->closing = true;
	k->close_cb = cb;
	k->close_arg = arg;
	uv_close((uv_handle_t *)&k->timer, on_timer_closed);
}
