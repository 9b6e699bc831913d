/* SPDX-License-Identifier: ISC */
/*
 * store.c - the SQLite file under the indication registry: create (beside
 * its final name, then renamed), open, refuse what is not ours, and the
 * statement helpers the other files of indic/ use.
 *
 * Journal as replica/store_sqlite.c and for the same reason: WAL with
 * synchronous=NORMAL, so every committed change survives the process dying
 * (kill -9) without an fsync per change on the loop thread; a power cut
 * may lose the last commits, never the file's consistency.  A lost
 * SequenceNumber increment could hand a number out twice after a power
 * cut; the listener sees a duplicate, which DSP1054 lets it discard.
 * Creating, opening and refusing the file, and the WAL switch, are
 * base/sqlfile.c's, shared with replica/store_sqlite.c (the layer rule
 * keeps indic/ from including replica/).  This file knows no CIM.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indic/indic_int.h"

#define INDIC_SCHEMA_VERSION	2
#define INDIC_SCHEMA_VERSION_TEXT "2"
#define INDIC_SCHEMA_NAME	"arrayd-indications"

/*
 * Version 2: an event's message is stored once.  An item's bytes are
 * queue.body (its own part before the shared one: the MESSAGE ID), then
 * bodies.body of body_id (0: none; the event's properties), then tail
 * (IndicationFilterName, SequenceContext, SequenceNumber and the end).
 * The trigger deletes a body with the last item that uses it, in
 * whatever transaction deletes that item (ack flush, drop, deletes);
 * its "body_id != 0" lets it use the partial index (without it, every
 * deleted item scanned the whole queue).
 * A version-1 row is migrated as it is: body_id 0, empty tail, the
 * same bytes.
 */
#define INDIC_SCHEMA_2 \
	"CREATE TABLE bodies(id INTEGER PRIMARY KEY, body BLOB NOT NULL);" \
	"ALTER TABLE queue ADD COLUMN body_id INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE queue ADD COLUMN tail BLOB NOT NULL DEFAULT x'';" \
	"CREATE INDEX queue_body ON queue(body_id) WHERE body_id != 0;" \
	"CREATE TRIGGER queue_body_gone AFTER DELETE ON queue" \
	" WHEN old.body_id != 0 AND NOT EXISTS (SELECT 1 FROM queue" \
	" WHERE body_id = old.body_id AND body_id != 0) BEGIN" \
	" DELETE FROM bodies WHERE id = old.body_id; END;"

static const char indic_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
	"CREATE TABLE filters(id INTEGER PRIMARY KEY, ccn TEXT NOT NULL,"
	" sys_ccn TEXT NOT NULL, sys_name TEXT NOT NULL,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE, query TEXT NOT NULL,"
	" lang TEXT NOT NULL, src_ns TEXT NOT NULL, src_nss TEXT NOT NULL,"
	" element_name TEXT NOT NULL, owner TEXT NOT NULL,"
	" permanent INTEGER NOT NULL, created_us INTEGER NOT NULL);"
	"CREATE TABLE dests(id INTEGER PRIMARY KEY, ccn TEXT NOT NULL,"
	" sys_ccn TEXT NOT NULL, sys_name TEXT NOT NULL,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE, destination TEXT NOT NULL,"
	" persistence INTEGER NOT NULL, protocol INTEGER NOT NULL,"
	" owner TEXT NOT NULL, created_us INTEGER NOT NULL,"
	" seq_next INTEGER NOT NULL, seq_context TEXT NOT NULL,"
	" delivered INTEGER NOT NULL, retried INTEGER NOT NULL,"
	" dropped INTEGER NOT NULL, last_ok_us INTEGER NOT NULL,"
	" last_fail_us INTEGER NOT NULL, last_error TEXT NOT NULL);"
	"CREATE TABLE subs(id INTEGER PRIMARY KEY, ccn TEXT NOT NULL,"
	" filter_id INTEGER NOT NULL, dest_id INTEGER NOT NULL,"
	" state INTEGER NOT NULL, on_fatal INTEGER NOT NULL,"
	" repeat INTEGER NOT NULL, delivery_failure INTEGER NOT NULL,"
	" dropped INTEGER NOT NULL, owner TEXT NOT NULL,"
	" created_us INTEGER NOT NULL, UNIQUE(filter_id, dest_id));"
	"CREATE TABLE queue(id INTEGER PRIMARY KEY, dest_id INTEGER NOT NULL,"
	" sub_id INTEGER NOT NULL, seq_no INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL, queued_us INTEGER NOT NULL,"
	" body BLOB NOT NULL);"
	"CREATE INDEX queue_dest ON queue(dest_id, id);"
	INDIC_SCHEMA_2
	"INSERT INTO meta VALUES ('schema', '" INDIC_SCHEMA_NAME "');"
	"INSERT INTO meta VALUES ('next_id', '1');"
	"INSERT INTO meta VALUES ('delivered', '0');"
	"INSERT INTO meta VALUES ('retried', '0');"
	"INSERT INTO meta VALUES ('dropped', '0');";

static const struct sqlfile_kind st_kind = {
	.what = "indication", .schema_sql = indic_schema,
	.version = INDIC_SCHEMA_VERSION, .errno_of = indic__errno,
};

int
indic__errno(int src)
{
	/* A duplicate name or pair is the caller's EEXIST. */
	if ((src & 0xff) == SQLITE_CONSTRAINT)
		return -EEXIST;
	return sqlfile_errno(src);
}

int64_t
indic__now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

sqlite3_stmt *
indic__stmt(struct indic *ix, const char *sql, bool *owned, int *rc)
{
	sqlite3_stmt *s;
	size_t i;

	*owned = false;
	for (i = 0; i < ix->nstmts; i++)
		if (strcmp(sqlite3_sql(ix->stmts[i]), sql) == 0)
			return ix->stmts[i];
	*rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s, NULL);
	if (*rc != SQLITE_OK)
		return NULL;
	if (ix->nstmts < INDIC_STMT_CACHE)
		ix->stmts[ix->nstmts++] = s;	/* finalized by indic_close */
	else
		*owned = true;
	return s;
}

void
indic__stmt_done(sqlite3_stmt *s, bool owned)
{
	if (owned) {
		sqlite3_finalize(s);
		return;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

int
indic__run(struct indic *ix, const char *sql, const char *types, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	bool owned;
	int rc = SQLITE_OK, i = 1;

	if ((s = indic__stmt(ix, sql, &owned, &rc)) == NULL)
		return indic__errno(rc) != 0 ? indic__errno(rc) : -EIO;
	va_start(ap, types);
	for (const char *t = types; rc == SQLITE_OK && *t != '\0'; t++, i++) {
		const char *str;
		size_t len;

		switch (*t) {
		case 'U':
			rc = sqlite3_bind_int64(s, i,
			    (sqlite3_int64)va_arg(ap, uint64_t));
			break;
		case 'I':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
			break;
		case 'u':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, unsigned));
			break;
		case 't':
			str = va_arg(ap, const char *);
			rc = sqlite3_bind_text(s, i, str != NULL ? str : "", -1,
			    SQLITE_STATIC);
			break;
		default: /* 'b' */
			str = va_arg(ap, const char *);
			len = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(s, i, str, len, SQLITE_STATIC);
			break;
		}
	}
	va_end(ap);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_DONE || rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	indic__stmt_done(s, owned);
	return rc == SQLITE_OK ? 0 : indic__errno(rc) != 0 ?
	    indic__errno(rc) : -EIO;
}

int
indic__begin(struct indic *ix)
{
	return indic__run(ix, "BEGIN IMMEDIATE", "");
}

void
indic__rollback(struct indic *ix)
{
	if (!sqlite3_get_autocommit(ix->db))
		(void)sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
}

int
indic__commit(struct indic *ix)
{
	int err = indic__run(ix, "COMMIT", "");

	if (err != 0)
		indic__rollback(ix);
	return err;
}

int
indic__meta_save(struct indic *ix)
{
	static const char sql[] = "UPDATE meta SET value = ?1 WHERE key = ?2";
	char v[4][24];
	int err;

	snprintf(v[0], sizeof(v[0]), "%" PRIu64, ix->next_id);
	snprintf(v[1], sizeof(v[1]), "%" PRIu64, ix->tot.delivered);
	snprintf(v[2], sizeof(v[2]), "%" PRIu64, ix->tot.retried);
	snprintf(v[3], sizeof(v[3]), "%" PRIu64, ix->tot.dropped);
	err = indic__run(ix, sql, "tt", v[0], "next_id");
	if (err == 0)
		err = indic__run(ix, sql, "tt", v[1], "delivered");
	if (err == 0)
		err = indic__run(ix, sql, "tt", v[2], "retried");
	if (err == 0)
		err = indic__run(ix, sql, "tt", v[3], "dropped");
	return err;
}

/*
 * Version 1 to 2 in one transaction (all or nothing: a failed migration
 * leaves the version-1 file as it was).  Queued rows are kept as they
 * are: each keeps its whole message in body.  Only our own version-1
 * file is migrated (the meta mark).
 */
static int
st_migrate_1(struct indic *ix, int64_t *ver)
{
	int64_t mark = 0;
	int rc;

	rc = sqlfile_query_int(ix->db, "SELECT count(*) FROM meta WHERE key = "
	    "'schema' AND value = '" INDIC_SCHEMA_NAME "'", &mark);
	if (rc != SQLITE_OK || mark != 1)
		return SQLITE_OK;	/* not ours: st_check_schema says so */
	rc = sqlite3_exec(ix->db, "BEGIN IMMEDIATE;" INDIC_SCHEMA_2
	    "PRAGMA user_version = " INDIC_SCHEMA_VERSION_TEXT "; COMMIT;",
	    NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		(void)sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	else
		*ver = INDIC_SCHEMA_VERSION;
	return rc;
}

/* Is this our schema at a version we know?  Reads meta when it is. */
static int
st_check_schema(struct indic *ix, char *errbuf, size_t errlen)
{
	int64_t ver, ntables, mark = 0, v[4];
	static const char *const keys[4] = {
		"next_id", "delivered", "retried", "dropped"
	};
	char sql[128];
	int err, rc;

	if ((err = sqlfile_version(ix->db, ix->path, &st_kind, &ver,
	    &ntables, errbuf, errlen)) != 0)
		return err;
	if (ver == 1 && (rc = st_migrate_1(ix, &ver)) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: cannot migrate schema version 1 "
		    "to %d: %s", ix->path, INDIC_SCHEMA_VERSION,
		    sqlite3_errmsg(ix->db));
		/* SQLITE_ERROR: its tables are not version 1's. */
		return rc == SQLITE_ERROR ? -EPROTO : indic__errno(rc) != 0 ?
		    indic__errno(rc) : -EIO;
	}
	if (ver != INDIC_SCHEMA_VERSION ||
	    sqlfile_query_int(ix->db, "SELECT count(*) FROM meta WHERE key = "
	    "'schema' AND value = '" INDIC_SCHEMA_NAME "'", &mark) !=
	    SQLITE_OK || mark != 1)
		return sqlfile_foreign(ix->path, &st_kind, ntables, ver,
		    errbuf, errlen);
	for (int i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql), "SELECT CAST(value AS INTEGER) "
		    "FROM meta WHERE key = '%s'", keys[i]);
		if (sqlfile_query_int(ix->db, sql, &v[i]) != SQLITE_OK ||
		    v[i] < 0) {
			snprintf(errbuf, errlen, "%s: damaged meta '%s'",
			    ix->path, keys[i]);
			return -EPROTO;
		}
	}
	ix->next_id = (uint64_t)v[0];
	/* Files written before queue ids came from next_id (rowids). */
	if (sqlfile_query_int(ix->db, "SELECT coalesce(max(id), 0) FROM queue",
	    &mark) == SQLITE_OK && mark >= 0 && (uint64_t)mark >= ix->next_id)
		ix->next_id = (uint64_t)mark + 1;
	ix->tot.delivered = (uint64_t)v[1];
	ix->tot.retried = (uint64_t)v[2];
	ix->tot.dropped = (uint64_t)v[3];
	return 0;
}

/*
 * The loop connection's WAL hook, in place of SQLite's automatic
 * checkpoint (which would run its fsyncs on the loop every 1000 pages):
 * only a WAL of wal_cap_pages is checkpointed here.  PASSIVE: never waits
 * for the pool's connection.
 */
static int
st_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct indic *ix = arg;

	if (pages < 0 || (unsigned)pages < ix->lim.wal_cap_pages)
		return SQLITE_OK;
	ix->loop_ckpts++;
	(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	return SQLITE_OK;
}

int
indic_open(const char *db_path, const struct indic_limits *lim,
    struct indic **out, char *errbuf, size_t errlen)
{
	struct indic *ix;
	int err;

	*out = NULL;
	/* Owned by the caller through *out; freed by indic_close(). */
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return -ENOMEM;
	snprintf(ix->path, sizeof(ix->path), "%s", db_path);
	indic_set_limits(ix, lim);
	/* Checkpoints run on the daemon's thread pool (daemon/dbckpt.c);
	 * the loop's only at the cap (st_wal_hook, indic.h). */
	if ((err = sqlfile_open(db_path, &st_kind, &ix->db, errbuf,
	    errlen)) != 0 ||
	    (err = st_check_schema(ix, errbuf, errlen)) != 0 ||
	    (err = sqlfile_wal(ix->db, ix->path, &st_kind,
	    "PRAGMA journal_size_limit=8388608;", errbuf, errlen)) != 0)
		goto out_close;
	sqlite3_wal_hook(ix->db, st_wal_hook, ix);
	if ((err = indic__load(ix, errbuf, errlen)) != 0)
		goto out_close;
	*out = ix;
	return 0;
out_close:
	indic_close(ix);
	return err;
}

void
indic_set_limits(struct indic *ix, const struct indic_limits *lim)
{
	static const struct indic_limits defaults = {
		.max_subscriptions = 1000, .max_per_user = 300,
		.queue_max = 10000, .wal_cap_pages = 32768,
	};

	ix->lim = lim != NULL ? *lim : defaults;
	if (ix->lim.max_subscriptions == 0)
		ix->lim.max_subscriptions = defaults.max_subscriptions;
	if (ix->lim.max_per_user == 0)
		ix->lim.max_per_user = defaults.max_per_user;
	if (ix->lim.queue_max == 0)
		ix->lim.queue_max = defaults.queue_max;
	if (ix->lim.wal_cap_pages == 0)
		ix->lim.wal_cap_pages = defaults.wal_cap_pages;
}

uint64_t
indic_loop_checkpoints(const struct indic *ix)
{
	return ix->loop_ckpts;
}

void
indic_close(struct indic *ix)
{
	if (ix == NULL)
		return;
	/* What is not flushed is sent again after the restart (indic.h). */
	if (ix->db != NULL)
		(void)indic_ack_flush(ix);
	indic__free_records(ix);
	free(ix->head_body);
	for (size_t i = 0; i < ix->nstmts; i++)
		sqlite3_finalize(ix->stmts[i]);
	if (ix->db != NULL)
		sqlite3_close_v2(ix->db);
	free(ix);
}
