/* SPDX-License-Identifier: ISC */
/*
 * test_indic.c - the indication registry (indic/): records survive a
 * reopen with their ids, keys are unique case-insensitively, limits give
 * -EDQUOT, a filter or destination in use is -EBUSY, the queue keeps
 * push order per destination with sequence numbers from 0 that survive a
 * reopen, a full queue drops and counts, deleting a subscription drops
 * what was queued for it, foreign/newer/empty/garbage files are refused,
 * and the destination allow-list decides as its table says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indic/indic.h"
#include "tests/unit/fixture_dir.h"

/* The records take char *: the registry copies them, never writes. */
#define S(x)	((char *)(uintptr_t)(x))

struct fx {
	char dir[FX_DIR_MAX];
	char path[FX_DIR_MAX + 32];
	struct indic *ix;
	char err[256];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(fx_dir_make(f->dir, "test_indic"), 0);
	snprintf(f->path, sizeof(f->path), "%s/indications.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	indic_close(f->ix);
	fx_dir_remove(f->dir);
	free(f);
	return 0;
}

static void
fx_open(struct fx *f, const struct indic_limits *lim)
{
	indic_close(f->ix);
	f->ix = NULL;
	assert_int_equal(indic_open(f->path, lim, &f->ix, f->err,
	    sizeof(f->err)), 0);
}

static uint64_t
fx_filter(struct fx *f, const char *name, const char *owner)
{
	struct indic_filter flt = {
		.creation_class = S("CIM_IndicationFilter"),
		.system_ccn = S("CIM_ComputerSystem"), .system_name = S("sys"),
		.name = S(name),
		.query = S("SELECT * FROM CIM_InstModification"),
		.query_language = S("WQL"), .source_namespaces = S("root/tpd"),
		.owner = S(owner),
	};

	assert_int_equal(indic_filter_add(f->ix, &flt), 0);
	return flt.id;
}

static uint64_t
fx_dest(struct fx *f, const char *name, const char *owner)
{
	struct indic_dest d = {
		.creation_class = S("CIM_ListenerDestinationCIMXML"),
		.system_ccn = S("CIM_ComputerSystem"), .system_name = S("sys"),
		.name = S(name), .destination = S("http://127.0.0.1:5000"),
		.persistence_type = 3, .protocol = 2, .owner = S(owner),
	};

	assert_int_equal(indic_dest_add(f->ix, &d), 0);
	return d.id;
}

static uint64_t
fx_sub(struct fx *f, uint64_t fid, uint64_t did, const char *owner)
{
	struct indic_sub s = {
		.creation_class = S("CIM_IndicationSubscription"),
		.filter_id = fid, .dest_id = did, .state = 2,
		.on_fatal_error = 2, .owner = S(owner),
	};

	assert_int_equal(indic_sub_add(f->ix, &s), 0);
	return s.id;
}

/* The message is "n=<seq>": a test reads back what it pushed. */
static int
fx_build(void *arg, const char *ctx, uint64_t seq, char **body, size_t *len)
{
	int n;

	(void)ctx;
	if (arg != NULL)
		return -EIO;
	n = asprintf(body, "n=%llu", (unsigned long long)seq);
	if (n < 0)
		return -ENOMEM;
	*len = (size_t)n;
	return 0;
}

static void
test_persist_across_reopen(void **state)
{
	struct fx *f = *state;
	const struct indic_filter *flt;
	const struct indic_dest *d;
	const struct indic_sub *s;
	uint64_t fid, did, sid;

	fx_open(f, NULL);
	fid = fx_filter(f, "pywbemfilter:owned:f1", "alice");
	did = fx_dest(f, "pywbemdestination:owned:d1", "alice");
	sid = fx_sub(f, fid, did, "alice");
	assert_true(fid < did && did < sid);
	fx_open(f, NULL);
	flt = indic_filter_find(f->ix, "PYWBEMFILTER:owned:F1");
	assert_non_null(flt);
	assert_int_equal(flt->id, fid);
	assert_string_equal(flt->query, "SELECT * FROM CIM_InstModification");
	assert_string_equal(flt->query_language, "WQL");
	assert_string_equal(flt->source_namespaces, "root/tpd");
	assert_string_equal(flt->source_namespace, "");
	assert_string_equal(flt->owner, "alice");
	d = indic_dest_get(f->ix, did);
	assert_non_null(d);
	assert_string_equal(d->destination, "http://127.0.0.1:5000");
	assert_int_equal(d->persistence_type, 3);
	assert_true(strncmp(d->seq_context, "arrayd:", 7) == 0);
	s = indic_sub_find(f->ix, fid, did);
	assert_non_null(s);
	assert_int_equal(s->id, sid);
	assert_int_equal(s->state, 2);
	assert_ptr_equal(indic_sub_at(f->ix, 0), s);
	assert_null(indic_sub_at(f->ix, 1));
	/* Ids are never reused, also after a delete and a reopen. */
	assert_int_equal(indic_sub_del(f->ix, sid, NULL), 0);
	assert_int_equal(indic_filter_del(f->ix, fid), 0);
	fx_open(f, NULL);
	assert_null(indic_filter_get(f->ix, fid));
	assert_true(fx_filter(f, "f2", "alice") > sid);
}

static void
test_keys_and_busy(void **state)
{
	struct fx *f = *state;
	struct indic_filter dup = { .name = S("F1"), .owner = S("bob") };
	struct indic_sub s = { .state = 2, .owner = S("bob") };
	uint64_t fid, did;

	fx_open(f, NULL);
	fid = fx_filter(f, "f1", "bob");
	did = fx_dest(f, "d1", "bob");
	assert_int_equal(indic_filter_add(f->ix, &dup), -EEXIST);
	s.filter_id = fid;
	s.dest_id = did + 100;
	assert_int_equal(indic_sub_add(f->ix, &s), -ENOENT);
	fx_sub(f, fid, did, "bob");
	s.dest_id = did;
	assert_int_equal(indic_sub_add(f->ix, &s), -EEXIST);
	assert_int_equal(indic_filter_del(f->ix, fid), -EBUSY);
	assert_int_equal(indic_dest_del(f->ix, did), -EBUSY);
	assert_int_equal(indic_filter_del(f->ix, 9999), -ENOENT);
	assert_int_equal(indic_sub_set_state(f->ix, 9999, 4), -ENOENT);
	assert_int_equal(indic_sub_set_state(f->ix,
	    indic_sub_find(f->ix, fid, did)->id, 4), 0);
	fx_open(f, NULL);
	assert_int_equal(indic_sub_find(f->ix, fid, did)->state, 4);
}

static void
test_limits(void **state)
{
	struct fx *f = *state;
	struct indic_limits lim = {
		.max_subscriptions = 2, .max_per_user = 4, .queue_max = 2,
	};
	struct indic_filter flt = { .name = S("x"), .owner = S("carol") };
	struct indic_sub s = { .state = 2, .owner = S("dave") };
	struct indic_totals t;
	uint64_t f1, f2, f3, d1;

	fx_open(f, &lim);
	f1 = fx_filter(f, "f1", "carol");
	f2 = fx_filter(f, "f2", "carol");
	f3 = fx_filter(f, "f3", "carol");
	d1 = fx_dest(f, "d1", "carol");
	/* carol holds 4: a fifth record of hers is refused, dave's not. */
	assert_int_equal(indic_owner_count(f->ix, "carol"), 4);
	assert_int_equal(indic_filter_add(f->ix, &flt), -EDQUOT);
	fx_sub(f, f1, d1, "dave");
	fx_sub(f, f2, d1, "dave");
	s.filter_id = f3;
	s.dest_id = d1;
	assert_int_equal(indic_sub_add(f->ix, &s), -EDQUOT);
	indic_totals(f->ix, &t);
	assert_int_equal(t.filters, 3);
	assert_int_equal(t.dests, 1);
	assert_int_equal(t.subs, 2);
}

static void
test_queue_order_and_seq(void **state)
{
	struct fx *f = *state;
	struct indic_limits lim = { .queue_max = 3 };
	const struct indic_item *it;
	const struct indic_dest *d;
	struct indic_totals t;
	uint64_t fid, did, sid;

	fx_open(f, &lim);
	fid = fx_filter(f, "f1", "u");
	did = fx_dest(f, "d1", "u");
	sid = fx_sub(f, fid, did, "u");
	assert_null(indic_head(f->ix, did));
	/* A failing build spends no sequence number. */
	assert_int_equal(indic_push(f->ix, sid, fx_build, f), -EIO);
	for (int i = 0; i < 3; i++)
		assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), 0);
	/* Full: dropped and counted, no sequence number spent. */
	assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), -ENOBUFS);
	assert_int_equal(indic_dest_queued(f->ix, did), 3);
	fx_open(f, &lim);
	it = indic_head(f->ix, did);
	assert_non_null(it);
	assert_int_equal(it->seq_no, 0);
	assert_string_equal(it->body, "n=0");
	assert_int_equal(indic_note_failure(f->ix, it->id, "refused"), 0);
	it = indic_head(f->ix, did);
	assert_int_equal(it->attempts, 1);
	assert_int_equal(indic_ack(f->ix, it->id), 0);
	it = indic_head(f->ix, did);
	assert_string_equal(it->body, "n=1");
	assert_int_equal(indic_drop(f->ix, it->id, "gave up"), 0);
	it = indic_head(f->ix, did);
	assert_int_equal(it->seq_no, 2);
	assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), 0);
	d = indic_dest_get(f->ix, did);
	assert_int_equal(d->seq_next, 4);
	assert_int_equal(d->delivered, 1);
	assert_int_equal(d->retried, 1);
	assert_int_equal(d->dropped, 2);
	assert_string_equal(d->last_error, "gave up");
	assert_int_equal(indic_sub_find(f->ix, fid, did)->dropped, 2);
	assert_int_not_equal(indic_sub_find(f->ix, fid, did)->delivery_failure,
	    0);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 2);
	assert_int_equal(t.delivered, 1);
	assert_int_equal(t.retried, 1);
	assert_int_equal(t.dropped, 2);
	fx_open(f, &lim);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 2);
	assert_int_equal(t.dropped, 2);
	assert_int_equal(indic_dest_get(f->ix, did)->seq_next, 4);
	assert_int_equal(indic_ack(f->ix, 999999), -ENOENT);
}

static void
test_sub_delete_drops_queued(void **state)
{
	struct fx *f = *state;
	struct indic_totals t;
	uint64_t f1, f2, did, s1, s2, dropped = 0;
	const struct indic_item *it;

	fx_open(f, NULL);
	f1 = fx_filter(f, "f1", "u");
	f2 = fx_filter(f, "f2", "u");
	did = fx_dest(f, "d1", "u");
	s1 = fx_sub(f, f1, did, "u");
	s2 = fx_sub(f, f2, did, "u");
	assert_int_equal(indic_push(f->ix, s1, fx_build, NULL), 0);
	assert_int_equal(indic_push(f->ix, s2, fx_build, NULL), 0);
	assert_int_equal(indic_push(f->ix, s1, fx_build, NULL), 0);
	assert_non_null(indic_head(f->ix, did));
	assert_int_equal(indic_sub_del(f->ix, s1, &dropped), 0);
	assert_int_equal(dropped, 2);
	it = indic_head(f->ix, did);
	assert_non_null(it);
	assert_int_equal(it->sub_id, s2);
	assert_int_equal(it->seq_no, 1);
	assert_int_equal(indic_dest_get(f->ix, did)->dropped, 2);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 1);
	assert_int_equal(t.dropped, 2);
	assert_int_equal(indic_push(f->ix, s1, fx_build, NULL), -ENOENT);
	fx_open(f, NULL);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 1);
	assert_int_equal(indic_dest_queued(f->ix, did), 1);
}

/*
 * Queue item ids are never reused: not after the queue empties, not after
 * a deleted subscription took the highest ones, not across a reopen (the
 * exporter recognises its in-flight item by id).
 */
static void
test_item_ids_never_reused(void **state)
{
	struct fx *f = *state;
	const struct indic_item *it;
	uint64_t fid, f2, did, sid, s2, dropped, last;

	fx_open(f, NULL);
	fid = fx_filter(f, "f1", "u");
	f2 = fx_filter(f, "f2", "u");
	did = fx_dest(f, "d1", "u");
	sid = fx_sub(f, fid, did, "u");
	s2 = fx_sub(f, f2, did, "u");
	assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), 0);
	it = indic_head(f->ix, did);
	last = it->id;
	assert_int_equal(indic_ack(f->ix, last), 0);
	assert_null(indic_head(f->ix, did));
	/* The queue is empty: a rowid would start again at last. */
	assert_int_equal(indic_push(f->ix, s2, fx_build, NULL), 0);
	it = indic_head(f->ix, did);
	assert_true(it->id > last);
	last = it->id;
	assert_int_equal(indic_sub_del(f->ix, s2, &dropped), 0);
	assert_int_equal(dropped, 1);
	assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), 0);
	it = indic_head(f->ix, did);
	assert_true(it->id > last);
	last = it->id;
	assert_int_equal(indic_ack(f->ix, last), 0);
	fx_open(f, NULL);
	assert_int_equal(indic_push(f->ix, sid, fx_build, NULL), 0);
	it = indic_head(f->ix, did);
	assert_true(it->id > last);
	/* Records and items share the counter: a new record takes none. */
	assert_true(fx_filter(f, "f3", "u") > it->id);
}

/* The message is "<i>:n=<seq>" (arg NULL) or fails for i == 1 (arg set). */
static int
fx_build_many(void *arg, size_t i, const char *ctx, uint64_t seq,
    char **body, size_t *len)
{
	int n;

	(void)ctx;
	if (arg != NULL && i == 1)
		return -ENOMEM;
	n = asprintf(body, "%zu:n=%llu", i, (unsigned long long)seq);
	if (n < 0)
		return -ENOMEM;
	*len = (size_t)n;
	return 0;
}

/* One event for several subscriptions: one transaction, each its own. */
/* A 4 KiB body, as an EXPORT message is. */
static int
fx_build_big(void *arg, size_t i, const char *ctx, uint64_t seq,
    char **body, size_t *len)
{
	(void)arg;
	(void)i;
	(void)ctx;
	(void)seq;
	if ((*body = malloc(4096)) == NULL)
		return -ENOMEM;
	memset(*body, 'x', 4095);
	(*body)[4095] = '\0';
	*len = 4095;
	return 0;
}

/* Frames in the WAL, as another connection's PASSIVE checkpoint sees. */
static int
fx_wal_frames(const char *path)
{
	sqlite3 *db = NULL;
	int log = -1, done = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	/* Without a read first the checkpoint does nothing (log -1). */
	assert_int_equal(sqlite3_exec(db, "SELECT 1 FROM sqlite_master",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, "main",
	    SQLITE_CHECKPOINT_PASSIVE, &log, &done), SQLITE_OK);
	sqlite3_close(db);
	return log;
}

/*
 * The loop's connection leaves checkpoints to another connection (the
 * daemon's pool) below wal_cap_pages, runs one itself at the cap, and the
 * WAL starts over once the other connection has caught up.
 */
static void
test_wal_checkpoint_cap(void **state)
{
	struct fx *f = *state;
	struct indic_limits lim = { .wal_cap_pages = 400 };
	uint64_t fid, did, sid;
	int i, rc, frames;

	fx_open(f, &lim);
	fid = fx_filter(f, "f", "u");
	did = fx_dest(f, "d", "u");
	sid = fx_sub(f, fid, did, "u");
	/* 5-6 pages per commit of a 4 KiB item: 30 stay below 400. */
	for (i = 0; i < 30; i++) {
		rc = 0;
		assert_int_equal(indic_push_many(f->ix, &sid, 1, fx_build_big,
		    NULL, &rc), 0);
		assert_int_equal(rc, 0);
	}
	assert_int_equal(indic_loop_checkpoints(f->ix), 0);
	frames = fx_wal_frames(f->path);
	assert_true(frames >= 60 && frames < 400);
	/* Caught up: the next commit restarts the WAL from its start. */
	assert_int_equal(indic_push_many(f->ix, &sid, 1, fx_build_big, NULL,
	    &rc), 0);
	assert_true(fx_wal_frames(f->path) < 20);
	/* Nobody else checkpoints: the cap makes the loop do it. */
	for (i = 0; i < 200; i++)
		assert_int_equal(indic_push_many(f->ix, &sid, 1, fx_build_big,
		    NULL, &rc), 0);
	assert_true(indic_loop_checkpoints(f->ix) >= 1);
}

/*
 * Acks wait in memory for one flush: counted and off the head at once,
 * written by indic_ack_flush in one transaction; a reopen without the
 * flush (a crash) queues them again; a sub delete flushes first, so an
 * acked item is not counted as dropped.
 */
static void
test_ack_later_flush(void **state)
{
	struct fx *f = *state;
	const struct indic_item *it;
	struct indic_totals t;
	uint64_t fid, did, sid, first;
	int i, rc;

	fx_open(f, NULL);
	fid = fx_filter(f, "f", "u");
	did = fx_dest(f, "d", "u");
	sid = fx_sub(f, fid, did, "u");
	for (i = 0; i < 4; i++)
		assert_int_equal(indic_push_many(f->ix, &sid, 1, fx_build_big,
		    NULL, &rc), 0);
	first = indic_head(f->ix, did)->id;
	assert_int_equal(indic_ack_later(f->ix, first), 0);
	assert_int_equal(indic_ack_later(f->ix, first), -ENOENT);
	it = indic_head(f->ix, did);
	assert_true(it->id > first);
	assert_int_equal(indic_ack_later(f->ix, it->id), 0);
	assert_int_equal(indic_acks_pending(f->ix), 2);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 2);
	assert_int_equal(t.delivered, 2);
	assert_int_equal(indic_dest_get(f->ix, did)->delivered, 2);
	assert_int_equal(indic_dest_queued(f->ix, did), 2);
	/* Flushed: the file agrees after a reopen. */
	assert_int_equal(indic_ack_flush(f->ix), 0);
	assert_int_equal(indic_acks_pending(f->ix), 0);
	assert_int_equal(indic_ack_flush(f->ix), 0);
	fx_open(f, NULL);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 2);
	assert_int_equal(t.delivered, 2);
	assert_int_equal(indic_dest_get(f->ix, did)->delivered, 2);
	/* Pending at a delete: flushed, counted delivered, not dropped. */
	it = indic_head(f->ix, did);
	assert_int_equal(indic_ack_later(f->ix, it->id), 0);
	assert_int_equal(indic_sub_del(f->ix, sid, NULL), 0);
	indic_totals(f->ix, &t);
	assert_int_equal(t.delivered, 3);
	assert_int_equal(t.dropped, 1);
	assert_int_equal(t.queued, 0);
	fx_open(f, NULL);
	indic_totals(f->ix, &t);
	assert_int_equal(t.delivered, 3);
	assert_int_equal(t.dropped, 1);
	assert_int_equal(indic_dest_get(f->ix, did)->delivered, 3);
	assert_int_equal(indic_dest_get(f->ix, did)->dropped, 1);
}

/*
 * An ack never flushed is lost with the process: the item is queued
 * again at the next open (at least once).  The test leaves the handle
 * unflushed by copying the file aside while the ack is pending.
 */
static void
test_ack_later_crash_resends(void **state)
{
	struct fx *f = *state;
	const struct indic_item *it;
	struct indic *ix2 = NULL;
	char copy[FX_DIR_MAX + 64], cmd[4 * FX_DIR_MAX + 512];
	uint64_t fid, did, sid, id;
	int rc;

	fx_open(f, NULL);
	fid = fx_filter(f, "f", "u");
	did = fx_dest(f, "d", "u");
	sid = fx_sub(f, fid, did, "u");
	assert_int_equal(indic_push_many(f->ix, &sid, 1, fx_build_big, NULL,
	    &rc), 0);
	id = indic_head(f->ix, did)->id;
	assert_int_equal(indic_ack_later(f->ix, id), 0);
	assert_null(indic_head(f->ix, did));
	/* The files as a kill -9 now would leave them. */
	snprintf(copy, sizeof(copy), "%s/crash.db", f->dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s && { cp %s-wal %s-wal "
	    "2>/dev/null || true; }", f->path, copy, f->path, copy);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(indic_open(copy, NULL, &ix2, f->err,
	    sizeof(f->err)), 0);
	it = indic_head(ix2, did);
	assert_non_null(it);
	assert_int_equal(it->id, id);
	indic_close(ix2);
}

static void
test_push_many(void **state)
{
	struct fx *f = *state;
	struct indic_limits lim = { .queue_max = 2 };
	const struct indic_item *it;
	struct indic_totals t;
	uint64_t f1, f2, d1, d2, ids[4];
	int rcs[4];

	fx_open(f, &lim);
	f1 = fx_filter(f, "f1", "u");
	f2 = fx_filter(f, "f2", "u");
	d1 = fx_dest(f, "d1", "u");
	d2 = fx_dest(f, "d2", "u");
	ids[0] = fx_sub(f, f1, d1, "u");
	ids[1] = fx_sub(f, f2, d1, "u");
	ids[2] = 999999;
	ids[3] = fx_sub(f, f1, d2, "u");
	assert_int_equal(indic_push_many(f->ix, ids, 4, fx_build_many, NULL,
	    rcs), 0);
	assert_int_equal(rcs[0], 0);
	assert_int_equal(rcs[1], 0);
	assert_int_equal(rcs[2], -ENOENT);
	assert_int_equal(rcs[3], 0);
	/* d1 is full now (2): its two are dropped, d2's is queued; a
	 * failing build spends no sequence number. */
	assert_int_equal(indic_push_many(f->ix, ids, 4, fx_build_many, f,
	    rcs), 0);
	assert_int_equal(rcs[0], -ENOBUFS);
	assert_int_equal(rcs[1], -ENOBUFS);
	assert_int_equal(rcs[3], 0);
	fx_open(f, &lim);
	it = indic_head(f->ix, d1);
	assert_string_equal(it->body, "0:n=0");
	assert_int_equal(indic_ack(f->ix, it->id), 0);
	it = indic_head(f->ix, d1);
	assert_string_equal(it->body, "1:n=1");
	it = indic_head(f->ix, d2);
	assert_string_equal(it->body, "3:n=0");
	assert_int_equal(indic_ack(f->ix, it->id), 0);
	it = indic_head(f->ix, d2);
	assert_string_equal(it->body, "3:n=1");
	assert_int_equal(indic_dest_get(f->ix, d1)->seq_next, 2);
	assert_int_equal(indic_dest_get(f->ix, d1)->dropped, 2);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 2);
	assert_int_equal(t.dropped, 2);
}

static void
fx_write(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
fx_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ------------------------------------------------- one body per event */

/* An event's shared bytes, as cim/ hands them (the properties). */
#define FX_SHARED	"<PROPERTY NAME=\"P\"><VALUE>shared</VALUE></PROPERTY>"

/* "<i>:" FX_SHARED ":n=<seq>" (i == 3: without the shared bytes). */
static int
fx_build_shared(void *arg, size_t i, const char *ctx, uint64_t seq,
    char **body, size_t *len)
{
	int n;

	(void)arg;
	(void)ctx;
	n = asprintf(body, "%zu:%s:n=%llu", i, i == 3 ? "own" : FX_SHARED,
	    (unsigned long long)seq);
	if (n < 0)
		return -ENOMEM;
	*len = (size_t)n;
	return 0;
}

/* One integer from the file, through a connection of the test's own. */
static int64_t
fx_count(const char *path, const char *sql)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* n subscriptions, each to its own destination: dests[i] for subs[i]. */
static void
fx_fanout(struct fx *f, size_t n, uint64_t *subs, uint64_t *dests)
{
	char name[32];
	uint64_t fid = fx_filter(f, "f", "u");
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d%zu", i);
		dests[i] = fx_dest(f, name, "u");
		subs[i] = fx_sub(f, fid, dests[i], "u");
	}
}

static void
fx_head_is(struct fx *f, uint64_t dest, size_t i, uint64_t seq)
{
	const struct indic_item *it = indic_head(f->ix, dest);
	char want[256];

	snprintf(want, sizeof(want), "%zu:%s:n=%llu", i,
	    i == 3 ? "own" : FX_SHARED, (unsigned long long)seq);
	assert_non_null(it);
	assert_int_equal(it->len, strlen(want));
	assert_memory_equal(it->body, want, it->len);
	assert_int_equal(it->body[it->len], '\0');
}

static void
test_body_once(void **state)
{
	struct fx *f = *state;
	uint64_t subs[5], dests[5];
	int rcs[5];
	size_t i;

	fx_open(f, NULL);
	fx_fanout(f, 5, subs, dests);
	assert_int_equal(indic_push_shared(f->ix, subs, 5, FX_SHARED,
	    strlen(FX_SHARED), fx_build_shared, NULL, rcs), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(rcs[i], 0);
	/* Stored once; the items hold only their own parts (item 3, which
	 * lacks the shared bytes, whole). */
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM bodies"), 1);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM queue "
	    "WHERE body_id != 0"), 4);
	assert_int_equal(fx_count(f->path, "SELECT max(length(body) + "
	    "length(tail)) FROM queue WHERE body_id != 0"), strlen("0::n=0"));
	/* Each head is the exact message build() wrote, after a restart
	 * too. */
	fx_open(f, NULL);
	for (i = 0; i < 5; i++)
		fx_head_is(f, dests[i], i, 0);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM bodies"), 1);
	/* The body goes with the last item that uses it, whichever way it
	 * leaves: acked (flushed), dropped, its subscription deleted. */
	assert_int_equal(indic_ack_later(f->ix,
	    indic_head(f->ix, dests[0])->id), 0);
	assert_int_equal(indic_ack_flush(f->ix), 0);
	assert_int_equal(indic_drop(f->ix, indic_head(f->ix, dests[1])->id,
	    "test"), 0);
	assert_int_equal(indic_ack(f->ix, indic_head(f->ix, dests[3])->id),
	    0);
	assert_int_equal(indic_sub_del(f->ix, subs[2], NULL), 0);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM bodies"), 1);
	assert_int_equal(indic_sub_del(f->ix, subs[4], NULL), 0);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM bodies"), 0);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM queue"), 0);
}

/* A version-1 file (each item its whole message) is migrated at open
 * and loses nothing queued. */
static void
test_migrate_v1(void **state)
{
	struct fx *f = *state;
	uint64_t subs[5], dests[5];
	int rcs[5];
	size_t i;

	fx_open(f, NULL);
	fx_fanout(f, 5, subs, dests);
	assert_int_equal(indic_push_many(f->ix, subs, 5, fx_build_shared,
	    NULL, rcs), 0);
	indic_close(f->ix);
	f->ix = NULL;
	/* Back to version 1's layout exactly. */
	fx_sql(f->path, "DROP TRIGGER queue_body_gone;"
	    "DROP INDEX queue_body; DROP TABLE bodies;"
	    "ALTER TABLE queue DROP COLUMN tail;"
	    "ALTER TABLE queue DROP COLUMN body_id;"
	    "PRAGMA user_version = 1;");
	fx_open(f, NULL);
	assert_int_equal(fx_count(f->path, "PRAGMA user_version"), 2);
	for (i = 0; i < 5; i++)
		fx_head_is(f, dests[i], i, 0);
	/* The migrated file takes shared bodies beside the old items. */
	assert_int_equal(indic_push_shared(f->ix, subs, 5, FX_SHARED,
	    strlen(FX_SHARED), fx_build_shared, NULL, rcs), 0);
	assert_int_equal(fx_count(f->path, "SELECT count(*) FROM bodies"), 1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(indic_ack(f->ix,
		    indic_head(f->ix, dests[i])->id), 0);
		fx_head_is(f, dests[i], i, 1);
	}
	fx_open(f, NULL);
	for (i = 0; i < 5; i++)
		fx_head_is(f, dests[i], i, 1);
}

static void
fx_refused(struct fx *f, const char *why)
{
	struct indic *ix = NULL;

	f->err[0] = '\0';
	assert_int_equal(indic_open(f->path, NULL, &ix, f->err,
	    sizeof(f->err)), -EPROTO);
	assert_null(ix);
	assert_non_null(strstr(f->err, why));
}

static void
test_refuse_foreign(void **state)
{
	struct fx *f = *state;

	fx_write(f->path, "", 0);
	fx_refused(f, "empty file");
	fx_write(f->path, "garbage garbage garbage garbage garbage garbage "
	    "garbage garbage garbage garbage garbage garbage", 96);
	fx_refused(f, "not an arrayd indication database");
	unlink(f->path);
	fx_sql(f->path, "CREATE TABLE t(x);");
	fx_refused(f, "foreign tables");
	unlink(f->path);
	fx_open(f, NULL);
	indic_close(f->ix);
	f->ix = NULL;
	fx_sql(f->path, "PRAGMA user_version = 7;");
	fx_refused(f, "newer");
	/* Version 1 with version 2's tables: not migrated, refused. */
	fx_sql(f->path, "PRAGMA user_version = 1;");
	fx_refused(f, "cannot migrate");
	fx_sql(f->path, "PRAGMA user_version = 2;"
	    "INSERT INTO subs VALUES (99, 'c', 5, 6, 2, 2, 0, 0, 0, 'u', 0);");
	fx_refused(f, "inconsistent");
	/* Nothing half-built is left beside it. */
	assert_int_equal(fx_dir_count(f->dir, "indications.db.new"), 0);
}

struct dc_case {
	const char *url;
	const char *allow;	/* space separated, "" empty list */
	int want;
};

static void
test_dest_check_table(void **state)
{
	static const struct dc_case cases[] = {
		{ "http://127.0.0.1:5000", "", 0 },
		{ "https://localhost:5001/x", "", 0 },
		{ "http://[::1]:5000/cimlistener", "", 0 },
		{ "http://10.1.2.77:5000", "", 0 },	/* listen /24 */
		{ "http://10.1.3.77:5000", "", -EACCES },
		{ "http://[fd00::1:2:3:4]:5000", "", 0 },	/* listen /64 */
		{ "http://[fd00:0:0:1::9]:5000", "", -EACCES },
		{ "http://[::ffff:127.0.0.1]:5000", "", 0 },
		{ "http://192.168.1.5", "192.168.0.0/16", 0 },
		{ "http://192.169.1.5", "192.168.0.0/16", -EACCES },
		{ "http://127.0.0.1:5000", "10.0.0.0/8", -EACCES },
		{ "http://10.9.9.9:5000", "127.0.0.0/8 10.9.9.9", 0 },
		{ "http://[2001:db8::5]", "2001:db8::/32", 0 },
		{ "http://[2001:db9::5]", "2001:db8::/32", -EACCES },
		{ "http://1.2.3.4", "0.0.0.0/0", 0 },
		{ "http://1.2.3.4", "10.0.0.0/33", -EINVAL },
		{ "ftp://127.0.0.1", "", -EINVAL },
		{ "127.0.0.1:5000", "", -EINVAL },
		{ "http://example.com:5000", "", -EINVAL },
		{ "http://user@127.0.0.1:5000", "", -EINVAL },
		{ "http://127.0.0.1:0", "", -EINVAL },
		{ "http://127.0.0.1:65536", "", -EINVAL },
		{ "http://127.0.0.1:50x", "", -EINVAL },
		{ "http://[::1:5000", "", -EINVAL },
		{ "http://127.0.0.1 /x", "", -EINVAL },
		{ "http://", "", -EINVAL },
	};
	const char *listen[] = {
		"10.1.2.3", "[fd00::1]:5989", "0.0.0.0", "garbage"
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128], *save = NULL, *tok;
		const char *allow[8];
		size_t n = 0;
		int got;

		snprintf(buf, sizeof(buf), "%s", cases[i].allow);
		for (tok = strtok_r(buf, " ", &save); tok != NULL && n < 8;
		    tok = strtok_r(NULL, " ", &save))
			allow[n++] = tok;
		err[0] = '\0';
		got = indic_dest_check(cases[i].url, allow, n, listen, 4, err,
		    sizeof(err));
		if (got != cases[i].want)
			fail_msg("%s [%s]: got %d want %d (%s)", cases[i].url,
			    cases[i].allow, got, cases[i].want, err);
		if (got != 0)
			assert_true(err[0] != '\0');
	}
	assert_int_equal(indic_cidr_check("10.0.0.0/8"), 0);
	assert_int_equal(indic_cidr_check("::1/128"), 0);
	assert_int_equal(indic_cidr_check("10.0.0.0/"), -EINVAL);
	assert_int_equal(indic_cidr_check("host.example"), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_persist_across_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_and_busy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order_and_seq,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_item_ids_never_reused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_checkpoint_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ack_later_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ack_later_crash_resends,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sub_delete_drops_queued,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuse_foreign, setup,
		    teardown),
		cmocka_unit_test(test_dest_check_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
