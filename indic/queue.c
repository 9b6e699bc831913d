/* SPDX-License-Identifier: ISC */
/*
 * queue.c - the delivery queue of each destination: push (hands out the
 * SequenceNumber in the same transaction that stores the message), head,
 * ack, failure, drop, and the totals.  Order is the row id: one
 * destination's items leave in the order they were pushed.  The bodies
 * live only in the file; memory holds the counts and one head.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indic/indic_int.h"

/* Count a lost indication on its destination and subscription. */
static int
qu_count_drop(struct indic *ix, struct indic__dest *dx, struct indic__sub *sx)
{
	int err;

	if ((err = indic__run(ix, "UPDATE dests SET dropped = dropped + 1 "
	    "WHERE id = ?", "U", dx->d.id)) != 0)
		return err;
	if (sx != NULL && (err = indic__run(ix, "UPDATE subs SET dropped = "
	    "dropped + 1, delivery_failure = 1 WHERE id = ?", "U",
	    sx->s.id)) != 0)
		return err;
	/* Memory follows only once the commit is made (qu_count_drop_mem). */
	ix->tot.dropped++;
	err = indic__meta_save(ix);
	ix->tot.dropped--;
	return err;
}

static void
qu_count_drop_mem(struct indic *ix, struct indic__dest *dx,
    struct indic__sub *sx)
{
	ix->tot.dropped++;
	dx->d.dropped++;
	if (sx != NULL) {
		sx->s.dropped++;
		sx->s.delivery_failure = 1;
	}
}

/* What a batch changed in memory, undone if its transaction fails. */
struct qu_undo {
	struct indic__dest *dx;
	struct indic__sub *sx;
	bool dropped;			/* else queued */
	uint16_t delivery_failure;	/* sx's before the drop */
};

static void
qu_undo_all(struct indic *ix, const struct qu_undo *u, size_t n,
    uint64_t next_id)
{
	while (n-- > 0) {
		if (u[n].dropped) {
			ix->tot.dropped--;
			u[n].dx->d.dropped--;
			u[n].sx->s.dropped--;
			u[n].sx->s.delivery_failure = u[n].delivery_failure;
			continue;
		}
		u[n].dx->d.seq_next--;
		u[n].dx->queued--;
		u[n].sx->queued--;
		ix->tot.queued--;
	}
	ix->next_id = next_id;
}

/* An event's bytes common to all its items, stored once (bodies). */
struct qu_shared {
	const char *p;
	size_t len;			/* 0: none */
	uint64_t body_id;		/* its row, once an item needed it */
};

/*
 * Insert one item: its message body[0..len) is stored as its own part
 * before sh's bytes, a reference to sh's row, and its own part after
 * (indic_head puts them back together), or whole when sh's bytes are
 * not in it.
 */
static int
qu_insert(struct indic *ix, struct indic__dest *dx, struct indic__sub *sx,
    int64_t now, struct qu_shared *sh, const char *body, size_t len)
{
	const char *at = NULL;
	size_t pre = len, skip = 0;
	int err;

	if (sh->len > 0 && len >= sh->len)
		at = memmem(body, len, sh->p, sh->len);
	if (at != NULL && sh->body_id == 0) {
		if ((err = indic__run(ix, "INSERT INTO bodies(body) VALUES "
		    "(?)", "b", sh->p, sh->len)) != 0)
			return err;
		sh->body_id = (uint64_t)sqlite3_last_insert_rowid(ix->db);
	}
	if (at != NULL) {
		pre = (size_t)(at - body);
		skip = sh->len;
	}
	/* Item ids come from next_id, persisted: never reused (indic.h). */
	return indic__run(ix, "INSERT INTO queue(id, dest_id, sub_id, seq_no,"
	    " attempts, queued_us, body, body_id, tail) VALUES "
	    "(?,?,?,?,0,?,?,?,?)", "UUUUIbUb", ix->next_id, dx->d.id,
	    sx->s.id, dx->d.seq_next, now, body, pre,
	    at != NULL ? sh->body_id : (uint64_t)0, body + pre + skip,
	    len - pre - skip);
}

/* One subscription's part of a batch, inside its transaction. */
static int
qu_push_one(struct indic *ix, struct indic__sub *sx, size_t i,
    int (*build)(void *arg, size_t i, const char *seq_context,
	uint64_t seq_no, char **body, size_t *len), void *arg,
    int64_t now, struct qu_shared *sh, struct qu_undo *u,
    bool *built_failed)
{
	struct indic__dest *dx = indic__dest_of(ix, sx->s.dest_id);
	char *body = NULL;
	size_t len = 0;
	int err;

	if (dx == NULL)
		return -ENOENT;
	u->dx = dx;
	u->sx = sx;
	if (dx->queued >= ix->lim.queue_max) {
		u->dropped = true;
		u->delivery_failure = sx->s.delivery_failure;
		if ((err = indic__run(ix, "UPDATE dests SET dropped = "
		    "dropped + 1 WHERE id = ?", "U", dx->d.id)) != 0 ||
		    (err = indic__run(ix, "UPDATE subs SET dropped = dropped "
		    "+ 1, delivery_failure = 1 WHERE id = ?", "U",
		    sx->s.id)) != 0)
			return err;
		qu_count_drop_mem(ix, dx, sx);
		return -ENOBUFS;
	}
	if ((err = build(arg, i, dx->d.seq_context, dx->d.seq_next, &body,
	    &len)) != 0) {
		free(body);
		*built_failed = true;	/* nothing written for it */
		return err;
	}
	err = qu_insert(ix, dx, sx, now, sh, body, len);
	if (err == 0)
		err = indic__run(ix, "UPDATE dests SET seq_next = ? WHERE "
		    "id = ?", "UU", dx->d.seq_next + 1, dx->d.id);
	free(body);
	if (err != 0)
		return err;
	u->dropped = false;
	ix->next_id++;
	dx->d.seq_next++;
	dx->queued++;
	sx->queued++;
	ix->tot.queued++;
	return 0;
}

int
indic_push_many(struct indic *ix, const uint64_t *sub_ids, size_t n,
    int (*build)(void *arg, size_t i, const char *seq_context,
	uint64_t seq_no, char **body, size_t *len), void *arg, int *rcs)
{
	return indic_push_shared(ix, sub_ids, n, NULL, 0, build, arg, rcs);
}

int
indic_push_shared(struct indic *ix, const uint64_t *sub_ids, size_t n,
    const char *shared, size_t shared_len,
    int (*build)(void *arg, size_t i, const char *seq_context,
	uint64_t seq_no, char **body, size_t *len), void *arg, int *rcs)
{
	struct qu_shared sh = { .p = shared, .len = shared_len };
	struct qu_undo *u;
	struct indic__sub *sx;
	uint64_t next_id = ix->next_id;
	int64_t now = indic__now_us();
	size_t i, nu = 0;
	bool changed = false, built_failed;
	int err;

	if (n == 0)
		return 0;
	/* Freed below; one entry per subscription that changed memory. */
	if ((u = calloc(n, sizeof(*u))) == NULL)
		return -ENOMEM;
	if ((err = indic__begin(ix)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((sx = indic__sub_of(ix, sub_ids[i])) == NULL) {
			rcs[i] = -ENOENT;
			continue;
		}
		built_failed = false;
		rcs[i] = qu_push_one(ix, sx, i, build, arg, now, &sh, &u[nu],
		    &built_failed);
		if (rcs[i] == 0 || rcs[i] == -ENOBUFS) {
			nu++;
			changed = true;
		} else if (!built_failed && rcs[i] != -ENOENT) {
			/* A store failure: the transaction is lost. */
			err = rcs[i];
			goto fail;
		}
	}
	if (!changed) {
		indic__rollback(ix);
		free(u);
		return 0;
	}
	if ((err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0)
		goto fail;
	free(u);
	return 0;
fail:
	indic__rollback(ix);
	qu_undo_all(ix, u, nu, next_id);
	for (i = 0; i < n; i++)
		rcs[i] = err;
	free(u);
	return err;
}

/* indic_push's build, called through indic_push_many. */
struct qu_one {
	int (*build)(void *arg, const char *seq_context, uint64_t seq_no,
	    char **body, size_t *len);
	void *arg;
};

static int
qu_one_build(void *arg, size_t i, const char *seq_context, uint64_t seq_no,
    char **body, size_t *len)
{
	const struct qu_one *o = arg;

	(void)i;
	return o->build(o->arg, seq_context, seq_no, body, len);
}

int
indic_push(struct indic *ix, uint64_t sub_id,
    int (*build)(void *arg, const char *seq_context, uint64_t seq_no,
	char **body, size_t *len), void *arg)
{
	struct qu_one o = { .build = build, .arg = arg };
	int rc = 0, err;

	err = indic_push_many(ix, &sub_id, 1, qu_one_build, &o, &rc);
	return err != 0 ? err : rc;
}

const struct indic_item *
indic_head(struct indic *ix, uint64_t dest_id)
{
	struct indic__dest *dx;
	sqlite3_stmt *s;
	const void *blob;
	bool owned;
	int n, m, k, rc;

	free(ix->head_body);
	ix->head_body = NULL;
	memset(&ix->head, 0, sizeof(ix->head));
	if ((dx = indic__dest_of(ix, dest_id)) == NULL)
		return NULL;
	/* Rows up to acked_upto are delivered, waiting for the flush. */
	/* The message: the item's part, the event's body, the tail. */
	if ((s = indic__stmt(ix, "SELECT q.id, q.sub_id, q.seq_no, "
	    "q.attempts, q.queued_us, q.body, b.body, q.tail, q.body_id "
	    "FROM queue q LEFT JOIN bodies b ON b.id = q.body_id "
	    "WHERE q.dest_id = ? AND q.id > ? ORDER BY q.id LIMIT 1",
	    &owned, &rc)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)dest_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)dx->acked_upto);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	/* A body_id without its body: the file is damaged; say nothing. */
	if (sqlite3_column_int64(s, 8) != 0 &&
	    sqlite3_column_type(s, 6) == SQLITE_NULL)
		goto out;
	for (n = 0, k = 5; k <= 7; k++)
		n += sqlite3_column_bytes(s, k);
	/* Owned by the registry until the next change (freed above). */
	if ((ix->head_body = malloc((size_t)n + 1)) == NULL)
		goto out;
	for (n = 0, k = 5; k <= 7; k++) {
		blob = sqlite3_column_blob(s, k);
		m = sqlite3_column_bytes(s, k);
		if (m > 0)
			memcpy(ix->head_body + n, blob, (size_t)m);
		n += m;
	}
	ix->head_body[n] = '\0';
	ix->head.id = (uint64_t)sqlite3_column_int64(s, 0);
	ix->head.dest_id = dest_id;
	ix->head.sub_id = (uint64_t)sqlite3_column_int64(s, 1);
	ix->head.seq_no = (uint64_t)sqlite3_column_int64(s, 2);
	ix->head.attempts = (unsigned)sqlite3_column_int(s, 3);
	ix->head.queued_us = sqlite3_column_int64(s, 4);
	ix->head.body = ix->head_body;
	ix->head.len = (size_t)n;
	indic__stmt_done(s, owned);
	return &ix->head;
out:
	indic__stmt_done(s, owned);
	return NULL;
}

/* The destination and subscription of a queued item; -ENOENT none. */
static int
qu_item(struct indic *ix, uint64_t item_id, struct indic__dest **dx,
    struct indic__sub **sx)
{
	sqlite3_stmt *s;
	bool owned;
	int err = -ENOENT, rc;

	*dx = NULL;
	*sx = NULL;
	if ((s = indic__stmt(ix, "SELECT dest_id, sub_id FROM queue "
	    "WHERE id = ?", &owned, &rc)) == NULL)
		return -EIO;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)item_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*dx = indic__dest_of(ix, (uint64_t)sqlite3_column_int64(s, 0));
		*sx = indic__sub_of(ix, (uint64_t)sqlite3_column_int64(s, 1));
		err = *dx == NULL ? -EPROTO :
		    item_id <= (*dx)->acked_upto ? -ENOENT : 0;
	}
	indic__stmt_done(s, owned);
	return err;
}

static void
qu_forget_head(struct indic *ix, uint64_t item_id)
{
	if (ix->head.id == item_id) {
		free(ix->head_body);
		ix->head_body = NULL;
		memset(&ix->head, 0, sizeof(ix->head));
	}
}

/* Remove an item from memory's counts after its row is gone. */
static void
qu_unqueue(struct indic *ix, struct indic__dest *dx, struct indic__sub *sx)
{
	dx->queued--;
	if (sx != NULL)
		sx->queued--;
	ix->tot.queued--;
}

int
indic_ack_later(struct indic *ix, uint64_t item_id)
{
	struct indic__dest *dx;
	struct indic__sub *sx;
	int err;

	if ((err = qu_item(ix, item_id, &dx, &sx)) != 0)
		return err;
	dx->acked_upto = item_id;
	dx->acked_n++;
	dx->acked_us = indic__now_us();
	ix->acks_pending++;
	ix->tot.delivered++;
	dx->d.delivered++;
	dx->d.last_ok_us = dx->acked_us;
	qu_unqueue(ix, dx, sx);
	qu_forget_head(ix, item_id);
	return 0;
}

int
indic_ack_flush(struct indic *ix)
{
	struct indic__dest *dx;
	size_t i;
	int err;

	if (ix->acks_pending == 0)
		return 0;
	if ((err = indic__begin(ix)) != 0)
		return err;
	for (i = 0; i < ix->dests.n; i++) {
		dx = ix->dests.v[i];
		if (dx->acked_n == 0)
			continue;
		if ((err = indic__run(ix, "DELETE FROM queue WHERE dest_id = ? "
		    "AND id <= ?", "UU", dx->d.id, dx->acked_upto)) != 0 ||
		    (err = indic__run(ix, "UPDATE dests SET delivered = "
		    "delivered + ?, last_ok_us = ? WHERE id = ?", "UIU",
		    dx->acked_n, dx->acked_us, dx->d.id)) != 0)
			goto fail;
	}
	if ((err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0)
		goto fail;
	for (i = 0; i < ix->dests.n; i++)
		((struct indic__dest *)ix->dests.v[i])->acked_n = 0;
	ix->acks_pending = 0;
	return 0;
fail:
	indic__rollback(ix);
	return err;
}

int
indic_ack(struct indic *ix, uint64_t item_id)
{
	int err;

	if ((err = indic_ack_later(ix, item_id)) != 0)
		return err;
	return indic_ack_flush(ix);
}

uint64_t
indic_acks_pending(const struct indic *ix)
{
	return ix->acks_pending;
}

/* Record why on the destination (memory), keeping the old text on ENOMEM. */
static void
qu_note_error(struct indic__dest *dx, const char *why, int64_t now)
{
	char *e = strdup(why != NULL ? why : "");

	if (e != NULL) {
		free(dx->d.last_error);
		dx->d.last_error = e;
	}
	dx->d.last_fail_us = now;
}

int
indic_note_failure(struct indic *ix, uint64_t item_id, const char *why)
{
	struct indic__dest *dx;
	struct indic__sub *sx;
	int64_t now = indic__now_us();
	int err;

	if ((err = qu_item(ix, item_id, &dx, &sx)) != 0)
		return err;
	ix->tot.retried++;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "UPDATE queue SET attempts = attempts + 1 "
	    "WHERE id = ?", "U", item_id)) != 0 ||
	    (err = indic__run(ix, "UPDATE dests SET retried = retried + 1, "
	    "last_fail_us = ?, last_error = ? WHERE id = ?", "ItU", now, why,
	    dx->d.id)) != 0 ||
	    (err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->tot.retried--;
		return err;
	}
	dx->d.retried++;
	qu_note_error(dx, why, now);
	if (ix->head.id == item_id)
		ix->head.attempts++;
	return 0;
}

int
indic_drop(struct indic *ix, uint64_t item_id, const char *why)
{
	struct indic__dest *dx;
	struct indic__sub *sx;
	int64_t now = indic__now_us();
	int err;

	if ((err = qu_item(ix, item_id, &dx, &sx)) != 0 ||
	    (err = indic_ack_flush(ix)) != 0)
		return err;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM queue WHERE id = ?", "U",
	    item_id)) != 0 ||
	    (err = indic__run(ix, "UPDATE dests SET last_fail_us = ?, "
	    "last_error = ? WHERE id = ?", "ItU", now, why, dx->d.id)) != 0 ||
	    (err = qu_count_drop(ix, dx, sx)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		return err;
	}
	qu_count_drop_mem(ix, dx, sx);
	qu_note_error(dx, why, now);
	qu_unqueue(ix, dx, sx);
	qu_forget_head(ix, item_id);
	return 0;
}

void
indic_totals(const struct indic *ix, struct indic_totals *out)
{
	*out = ix->tot;
	out->filters = (unsigned)ix->filters.n;
	out->dests = (unsigned)ix->dests.n;
	out->subs = (unsigned)ix->subs.n;
}
