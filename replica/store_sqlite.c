/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite.c - the SQLite engine of the replica store (store.h): one
 * file holding meta, volumes, pairs and jobs.
 *
 * Journal: WAL with synchronous=NORMAL.  Every state change is written to
 * the WAL before the call that made it returns, so it survives the process
 * dying (kill -9, a crash): the kernel still holds the frames.  A power cut
 * may lose the last few commits, never the file's consistency; that is
 * safe here because nothing arrayd reports depends on a lost commit being
 * kept: the data of a copy is fdatasync'ed before its pair may turn
 * Frozen/Idle, so a lost "Frozen" only means the copy runs again from an
 * older checkpoint.  The one thing a lost commit could break, a task id
 * handed out twice, is prevented by reserving ids in blocks with a commit
 * that is synced (store_commit_durable).  FULL would cost an fsync per
 * state change on the loop thread (4 ms average, 28 ms worst here), which
 * ModifySynchronization's latency cannot afford.
 *
 * Creating, opening and refusing the file (built beside its final name
 * and renamed into place; empty, foreign or newer files refused) is
 * base/sqlfile.c's, shared with indic/store.c; the migrations are here.
 *
 * Records are bound and read by one table-driven binder: each record kind
 * lists its columns (name, C type, place in the struct) once, and the
 * INSERT/SELECT statements, the binding of a put and the reading of a row
 * all follow that list; only the range checks of a loaded row are per
 * kind.  This file must not know the state machine or call replica_ops.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/sqlfile.h"
#include "replica/replica.h"
#include "replica/store.h"
#include "replica/store_sqlite_int.h"

#define STORE_SCHEMA_VERSION	3
#define STORE_SCHEMA_NAME	"arrayd-replica"

/* The statements that are not a record's put or load (those: store_rec). */
enum {
	Q_META_GET, Q_META_SET, Q_VOL_DEL, Q_PAIR_DEL, Q_JOB_DEL, Q_BEGIN,
	Q_COMMIT, Q_ROLLBACK, Q_COUNT
};

static const char *const store_sql[Q_COUNT] = {
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[Q_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[Q_VOL_DEL] = "DELETE FROM volumes WHERE id = ?1",
	[Q_PAIR_DEL] = "DELETE FROM pairs WHERE src_id = ?1 AND tgt_id = ?2",
	[Q_JOB_DEL] = "DELETE FROM jobs WHERE id = ?1",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
};

static const char store_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
	"CREATE TABLE volumes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" pool TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,"
	" is_snapshot INTEGER NOT NULL, parent_id INTEGER NOT NULL,"
	" configured INTEGER NOT NULL, failed INTEGER NOT NULL,"
	" created_us INTEGER NOT NULL);"
	"CREATE TABLE pairs(src_id INTEGER NOT NULL, tgt_id INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, copy_type INTEGER NOT NULL,"
	" sync_state INTEGER NOT NULL, when_synced_us INTEGER NOT NULL,"
	" job_id INTEGER NOT NULL, percent_synced INTEGER NOT NULL,"
	" sync_image INTEGER NOT NULL DEFAULT 0,"
	" sync_dev INTEGER NOT NULL DEFAULT 0, sync_ino INTEGER NOT NULL"
	" DEFAULT 0, sync_ctime_ns INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(src_id, tgt_id));"
	"CREATE TABLE jobs(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	" state INTEGER NOT NULL, percent INTEGER NOT NULL,"
	" submitted_us INTEGER NOT NULL, started_us INTEGER NOT NULL,"
	" ended_us INTEGER NOT NULL, last_change_us INTEGER NOT NULL,"
	" error_code INTEGER NOT NULL, error_desc TEXT NOT NULL,"
	" owner TEXT NOT NULL, method TEXT NOT NULL, rc INTEGER NOT NULL,"
	" src_id INTEGER NOT NULL, tgt_id INTEGER NOT NULL,"
	" copy_type INTEGER NOT NULL, operation INTEGER NOT NULL,"
	" element_name TEXT NOT NULL, hidden INTEGER NOT NULL,"
	" bytes_total INTEGER NOT NULL, bytes_done INTEGER NOT NULL,"
	" checkpoint INTEGER NOT NULL, bytes_written INTEGER NOT NULL,"
	" copy_mode INTEGER NOT NULL, reverse INTEGER NOT NULL,"
	" image INTEGER NOT NULL DEFAULT 0, image_us INTEGER NOT NULL DEFAULT 0,"
	" image_dev INTEGER NOT NULL DEFAULT 0, image_ino INTEGER NOT NULL"
	" DEFAULT 0, image_ctime_ns INTEGER NOT NULL DEFAULT 0,"
	" image_base INTEGER NOT NULL DEFAULT 0,"
	" base_dev INTEGER NOT NULL DEFAULT 0, base_ino INTEGER NOT NULL"
	" DEFAULT 0, base_ctime_ns INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO meta VALUES ('schema', '" STORE_SCHEMA_NAME "');"
	"INSERT INTO meta VALUES ('next_task_id', '1');";

struct store_sqlite {
	struct store base;		/* first: the engine-neutral head */
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	sqlite3_stmt *put[STORE_REC_COUNT];	/* INSERT OR REPLACE */
	sqlite3_stmt *all[STORE_REC_COUNT];	/* SELECT, key order */
	char path[SQLFILE_PATH_MAX];
};

static struct store_sqlite *
sq_of(struct store *base)
{
	return (struct store_sqlite *)base;
}

static const struct sqlfile_kind sq_kind = {
	.what = "state", .schema_sql = store_schema,
	.version = STORE_SCHEMA_VERSION, .errno_of = store_sqlite_errno,
};

static const struct store_ops sq_ops;
static void sq_close(struct store *base);

int
store_sqlite_errno(int src)
{
	switch (src & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EPROTO;
	default:
		return sqlfile_errno(src);
	}
}

static const char *
sq_errmsg(const struct store *base)
{
	const struct store_sqlite *st = (const struct store_sqlite *)base;

	return st->db != NULL ? sqlite3_errmsg(st->db) : "";
}

/*
 * Version 1 did not record how a job copies (rjob.mode, rjob.reverse): its
 * rows get what the job's kind always meant then (Resync and Restore
 * differential, a Restore reversed, a snapshot a clone, the rest full).
 */
static int
sq_migrate_v1(struct store_sqlite *st)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE;"
	    "ALTER TABLE jobs ADD COLUMN copy_mode INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN reverse INTEGER NOT NULL DEFAULT 0;"
	    "UPDATE jobs SET copy_mode = CASE kind WHEN 2 THEN 1 WHEN 3 THEN 1"
	    " WHEN 5 THEN 2 ELSE 0 END, reverse = (kind = 3);"
	    "PRAGMA user_version = 2; COMMIT;", NULL, NULL, NULL);

	if (rc != SQLITE_OK && !sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Version 2 knew no point-in-time images (image.c): its pairs keep no
 * sync image and its jobs read their live source, as they did.
 */
static int
sq_migrate_v2(struct store_sqlite *st)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE;"
	    "ALTER TABLE pairs ADD COLUMN sync_image INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE pairs ADD COLUMN sync_dev INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE pairs ADD COLUMN sync_ino INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE pairs ADD COLUMN sync_ctime_ns INTEGER NOT NULL"
	    " DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image_us INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image_dev INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image_ino INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image_ctime_ns INTEGER NOT NULL"
	    " DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN image_base INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN base_dev INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN base_ino INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE jobs ADD COLUMN base_ctime_ns INTEGER NOT NULL"
	    " DEFAULT 0;"
	    "PRAGMA user_version = 3; COMMIT;", NULL, NULL, NULL);

	if (rc != SQLITE_OK && !sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Prepare every statement: the fixed ones, then each record's two. */
static int
sq_prepare(struct store_sqlite *st)
{
	char sql[1024];
	int rc = SQLITE_OK;

	for (int i = 0; rc == SQLITE_OK && i < Q_COUNT; i++)
		rc = sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL);
	for (int k = 0; rc == SQLITE_OK && k < STORE_REC_COUNT; k++) {
		if (store_rec_sql((enum store_rec)k, true, sql,
		    sizeof(sql)) != 0)
			return SQLITE_TOOBIG;
		rc = sqlite3_prepare_v3(st->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st->put[k], NULL);
		if (rc != SQLITE_OK || store_rec_sql((enum store_rec)k, false,
		    sql, sizeof(sql)) != 0)
			break;
		rc = sqlite3_prepare_v3(st->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st->all[k], NULL);
	}
	return rc;
}

static int sq_meta_get(struct store *base, const char *key, char *buf,
    size_t len);

/* Is this our schema, at a version we know?  Message in errbuf if not. */
static int
sq_check_schema(struct store_sqlite *st, char *errbuf, size_t errlen)
{
	int64_t ver, ntables;
	char name[64];
	int err;

	if ((err = sqlfile_version(st->db, st->path, &sq_kind, &ver,
	    &ntables, errbuf, errlen)) != 0)
		return err;
	/* Each migration takes the file one version up, in order. */
	if ((ver == 1 && sq_migrate_v1(st) != SQLITE_OK) ||
	    ((ver == 1 || ver == 2) && sq_migrate_v2(st) != SQLITE_OK)) {
		snprintf(errbuf, errlen, "%s: damaged or foreign schema: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -EPROTO;
	}
	if (ver != STORE_SCHEMA_VERSION && ver != 1 && ver != 2)
		return sqlfile_foreign(st->path, &sq_kind, ntables, ver, errbuf,
		    errlen);
	if (sq_prepare(st) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: damaged or foreign schema: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -EPROTO;
	}
	if (sq_meta_get(&st->base, "schema", name, sizeof(name)) != 0 ||
	    strcmp(name, STORE_SCHEMA_NAME) != 0) {
		snprintf(errbuf, errlen, "%s: not an arrayd state database "
		    "(no schema mark)", st->path);
		return -EPROTO;
	}
	return 0;
}

/*
 * A checkpoint fsyncs the WAL and the database: on the loop thread that is
 * a stall of up to tens of milliseconds.  The daemon checkpoints on its
 * thread pool (replica_checkpoint_db) every second; SQLite's own automatic
 * checkpoint only steps in as a safety net when the WAL reaches 40 MB.
 */
#define STORE_AUTOCKPT_PAGES "10000"

int
store_sqlite_open(const char *path, struct store **out, char *errbuf,
    size_t errlen)
{
	struct store_sqlite *st;
	int err;

	*out = NULL;
	/* Owned by the caller through *out; freed by store_close(). */
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -ENOMEM;
	st->base.ops = &sq_ops;
	snprintf(st->path, sizeof(st->path), "%s", path);
	if ((err = sqlfile_open(path, &sq_kind, &st->db, errbuf,
	    errlen)) != 0 ||
	    (err = sq_check_schema(st, errbuf, errlen)) != 0 ||
	    (err = sqlfile_wal(st->db, st->path, &sq_kind,
	    "PRAGMA wal_autocheckpoint=" STORE_AUTOCKPT_PAGES ";"
	    "PRAGMA foreign_keys=OFF;", errbuf, errlen)) != 0)
		goto out_close;
	*out = &st->base;
	return 0;
out_close:
	sq_close(&st->base);
	return err;
}

/* Run a prepared statement to completion and reset it. */
static int
sq_run(struct store_sqlite *st, int q)
{
	int rc = sqlite3_step(st->q[q]);

	sqlite3_reset(st->q[q]);
	sqlite3_clear_bindings(st->q[q]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) : -EIO;
	return 0;
}

static int
sq_begin(struct store *base)
{
	return sq_run(sq_of(base), Q_BEGIN);
}

static int
sq_commit(struct store *base)
{
	return sq_run(sq_of(base), Q_COMMIT);
}

/*
 * Checkpoint the committed WAL: a checkpoint fsyncs the WAL before it copies
 * frames back (and then the database), so what was committed survives a
 * power cut once this returns.  For the rare changes that must (task id
 * reservations); the safety level itself cannot change inside a
 * transaction.
 */
static int
sq_sync(struct store *base)
{
	sqlite3 *db = sq_of(base)->db;
	sqlite3_file *wal = NULL;
	int rc = sqlite3_wal_checkpoint_v2(db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/*
	 * BUSY: the pool's checkpoint (daemon/dbckpt) holds the checkpoint
	 * lock, and a PASSIVE one never waits.  Syncing the WAL itself makes
	 * the commit just as durable: its frames and commit mark are on disk.
	 */
	if (rc == SQLITE_BUSY && (rc = sqlite3_file_control(db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &wal)) == SQLITE_OK &&
	    wal != NULL && wal->pMethods != NULL)
		rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);

	if (rc != SQLITE_OK)
		return store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) :
		    -EIO;
	return 0;
}

static void
sq_rollback(struct store *base)
{
	struct store_sqlite *st = sq_of(base);

	if (!sqlite3_get_autocommit(st->db))
		(void)sq_run(st, Q_ROLLBACK);
}

static int
sq_meta_get(struct store *base, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *s = sq_of(base)->q[Q_META_GET];
	int rc, err = -ENOENT;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);

		snprintf(buf, len, "%s", v != NULL ? (const char *)v : "");
		err = 0;
	} else if (rc != SQLITE_DONE) {
		err = store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) :
		    -EIO;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return err;
}

static int
sq_meta_set(struct store *base, const char *key, const char *value)
{
	struct store_sqlite *st = sq_of(base);

	sqlite3_bind_text(st->q[Q_META_SET], 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st->q[Q_META_SET], 2, value, -1, SQLITE_STATIC);
	return sq_run(st, Q_META_SET);
}

/* Put one record of kind k (bound by the record table, store_rec). */
static int
sq_put(struct store *base, enum store_rec k, const void *rec)
{
	struct store_sqlite *st = sq_of(base);
	sqlite3_stmt *s = st->put[k];
	int err = store_rec_bind(s, k, rec), rc;

	if (err == 0 && (rc = sqlite3_step(s)) != SQLITE_DONE)
		err = store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) :
		    -EIO;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return err;
}

static int
sq_put_volume(struct store *base, const struct rvolume *v)
{
	return sq_put(base, STORE_REC_VOLUME, v);
}

static int
sq_put_pair(struct store *base, const struct rpair *p)
{
	return sq_put(base, STORE_REC_PAIR, p);
}

static int
sq_put_job(struct store *base, const struct rjob *j)
{
	return sq_put(base, STORE_REC_JOB, j);
}

static int
sq_del_volume(struct store *base, uint32_t id)
{
	struct store_sqlite *st = sq_of(base);

	sqlite3_bind_int64(st->q[Q_VOL_DEL], 1, id);
	return sq_run(st, Q_VOL_DEL);
}

static int
sq_del_pair(struct store *base, uint32_t src_id, uint32_t tgt_id)
{
	struct store_sqlite *st = sq_of(base);

	sqlite3_bind_int64(st->q[Q_PAIR_DEL], 1, src_id);
	sqlite3_bind_int64(st->q[Q_PAIR_DEL], 2, tgt_id);
	return sq_run(st, Q_PAIR_DEL);
}

static int
sq_del_job(struct store *base, uint64_t id)
{
	struct store_sqlite *st = sq_of(base);

	sqlite3_bind_int64(st->q[Q_JOB_DEL], 1, (int64_t)id);
	return sq_run(st, Q_JOB_DEL);
}

/* One loaded record of any kind. */
union sq_row {
	struct rvolume v;
	struct rpair p;
	struct rjob j;
};

/* The loader's callback for a record of kind k. */
static int
sq_load_one(const struct store_load_cb *cb, enum store_rec k,
    const union sq_row *row)
{
	switch (k) {
	case STORE_REC_VOLUME:
		return cb->volume(cb->arg, &row->v);
	case STORE_REC_PAIR:
		return cb->pair(cb->arg, &row->p);
	default:
		return cb->job(cb->arg, &row->j);
	}
}

/* Walk one table, handing each validated row to cb; message on failure. */
static int
sq_load_table(struct store_sqlite *st, enum store_rec k,
    const struct store_load_cb *cb, char *errbuf, size_t errlen)
{
	const char *what = store_rec_table(k);
	sqlite3_stmt *s = st->all[k];
	union sq_row row;
	int rc, err = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((err = store_rec_read(s, k, &row)) != 0) {
			snprintf(errbuf, errlen, "%s: table %s: row %lld has "
			    "values out of range", st->path, what,
			    (long long)sqlite3_column_int64(s, 0));
			break;
		}
		if ((err = sq_load_one(cb, k, &row)) != 0) {
			snprintf(errbuf, errlen, "%s: table %s: row %lld: %s",
			    st->path, what,
			    (long long)sqlite3_column_int64(s, 0),
			    strerror(-err));
			break;
		}
	}
	if (err == 0 && rc != SQLITE_DONE) {
		snprintf(errbuf, errlen, "%s: reading %s: %s", st->path,
		    what, sqlite3_errmsg(st->db));
		err = store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) :
		    -EIO;
	}
	sqlite3_reset(s);
	return err;
}

static int
sq_load(struct store *base, const struct store_load_cb *cb, char *errbuf,
    size_t errlen)
{
	int err = 0;

	for (int k = 0; err == 0 && k < STORE_REC_COUNT; k++)
		err = sq_load_table(sq_of(base), (enum store_rec)k, cb, errbuf,
		    errlen);
	return err;
}

static void
sq_close(struct store *base)
{
	struct store_sqlite *st = sq_of(base);

	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	for (int k = 0; k < STORE_REC_COUNT; k++) {
		sqlite3_finalize(st->put[k]);
		sqlite3_finalize(st->all[k]);
	}
	sqlite3_close(st->db);
	free(st);
}

static const struct store_ops sq_ops = {
	.begin = sq_begin,
	.commit = sq_commit,
	.sync = sq_sync,
	.rollback = sq_rollback,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.put_volume = sq_put_volume,
	.del_volume = sq_del_volume,
	.put_pair = sq_put_pair,
	.del_pair = sq_del_pair,
	.put_job = sq_put_job,
	.del_job = sq_del_job,
	.load = sq_load,
	.errmsg = sq_errmsg,
	.close = sq_close,
};

/*
 * Checkpoint the WAL of the database at `path` through a connection of its
 * own.  Safe on any thread while the loop's connection keeps working
 * (PASSIVE never blocks readers or writers).  Returns 0 or -errno.
 */
int
replica_checkpoint_db(const char *path)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	/*
	 * A connection learns that the file is in WAL mode only when it
	 * first reads it: a checkpoint on a connection that never read
	 * anything does nothing and says SQLITE_OK (SQLite 3.40, log -1).
	 */
	/*
	 * Closing a connection that read a WAL file tries an EXCLUSIVE
	 * lock (to checkpoint and delete the WAL if it is the last one);
	 * its PENDING byte makes the loop's next transaction fail at once
	 * with "database is locked".  This connection never does that.
	 */
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1",
		    NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_close(db);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;
	return store_sqlite_errno(rc) != 0 ? store_sqlite_errno(rc) : -EIO;
}
