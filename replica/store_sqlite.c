/* SPDX-License-Identifier: ISC */
/*
 * store.c - the replica layer's SQLite file.
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
 * A new file is built beside its final name and renamed into place, so a
 * crash during the first start never leaves an empty or half-built file;
 * an existing empty file is therefore someone else's and is refused, like
 * a file of another schema, a newer schema or no database at all.  This
 * file must not know the state machine or call replica_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "replica/replica.h"
#include "replica/store.h"

enum {
	Q_META_GET, Q_META_SET, Q_VOL_PUT, Q_VOL_DEL, Q_PAIR_PUT, Q_PAIR_DEL,
	Q_JOB_PUT, Q_JOB_DEL, Q_VOL_ALL, Q_PAIR_ALL, Q_JOB_ALL, Q_BEGIN,
	Q_COMMIT, Q_ROLLBACK, Q_COUNT
};

#define JOB_COLS "id, kind, state, percent, submitted_us, started_us, " \
	"ended_us, last_change_us, error_code, error_desc, owner, method, " \
	"rc, src_id, tgt_id, copy_type, operation, element_name, hidden, " \
	"bytes_total, bytes_done, checkpoint, bytes_written, copy_mode, " \
	"reverse"
#define VOL_COLS "id, name, pool, path, size, is_snapshot, parent_id, " \
	"configured, failed, created_us"
#define PAIR_COLS "src_id, tgt_id, kind, copy_type, sync_state, " \
	"when_synced_us, job_id, percent_synced"

static const char *const store_sql[Q_COUNT] = {
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[Q_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[Q_VOL_PUT] = "INSERT OR REPLACE INTO volumes(" VOL_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_VOL_DEL] = "DELETE FROM volumes WHERE id = ?1",
	[Q_PAIR_PUT] = "INSERT OR REPLACE INTO pairs(" PAIR_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_PAIR_DEL] = "DELETE FROM pairs WHERE src_id = ?1 AND tgt_id = ?2",
	[Q_JOB_PUT] = "INSERT OR REPLACE INTO jobs(" JOB_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
	[Q_JOB_DEL] = "DELETE FROM jobs WHERE id = ?1",
	[Q_VOL_ALL] = "SELECT " VOL_COLS " FROM volumes ORDER BY id",
	[Q_PAIR_ALL] = "SELECT " PAIR_COLS " FROM pairs "
	    "ORDER BY src_id, tgt_id",
	[Q_JOB_ALL] = "SELECT " JOB_COLS " FROM jobs ORDER BY id",
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
	" copy_mode INTEGER NOT NULL, reverse INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('schema', '" STORE_SCHEMA_NAME "');"
	"INSERT INTO meta VALUES ('next_task_id', '1');";

struct store {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	char path[4096];
	struct store_faults faults;	/* tests only: commits that fail */
	unsigned ncommits;		/* commits tried since the faults were set */
};

static int
store_errno(int src)
{
	switch (src & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
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
		return -EIO;
	}
}

const char *
store_errmsg(const struct store *st)
{
	return st != NULL && st->db != NULL ? sqlite3_errmsg(st->db) : "";
}

static int
store_fsync_path(const char *path, int flags)
{
	int fd, err = 0;

	if ((fd = open(path, flags | O_CLOEXEC)) == -1)
		return -errno;
	if (fsync(fd) == -1)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Build a fresh database at path + ".new" and rename it into place, then
 * sync the folder so the rename itself is durable.
 */
static int
store_create(const char *path, char *errbuf, size_t errlen)
{
	char tmp[4200], dir[4096];
	char *emsg = NULL;
	sqlite3 *db = NULL;
	int rc, err;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (unlink(tmp) == -1 && errno != ENOENT) {
		err = -errno;
		snprintf(errbuf, errlen, "%s: %s", tmp, strerror(errno));
		return err;
	}
	rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE;"
		    "PRAGMA synchronous=FULL; BEGIN;", NULL, NULL, &emsg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, store_schema, NULL, NULL, &emsg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA user_version = "
		    STORE_SCHEMA_VERSION_TEXT "; COMMIT;",
		    NULL, NULL, &emsg);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: cannot create: %s", path,
		    emsg != NULL ? emsg : db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
		sqlite3_free(emsg);
		sqlite3_close(db);
		unlink(tmp);
		return store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	}
	sqlite3_close(db);
	if ((err = store_fsync_path(tmp, O_RDONLY)) != 0 ||
	    rename(tmp, path) == -1) {
		err = err != 0 ? err : -errno;
		snprintf(errbuf, errlen, "%s: cannot create: %s", path,
		    strerror(-err));
		unlink(tmp);
		return err;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	(void)store_fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY);
	return 0;
}

static int
store_pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * Version 1 did not record how a job copies (rjob.mode, rjob.reverse): its
 * rows get what the job's kind always meant then (Resync and Restore
 * differential, a Restore reversed, a snapshot a clone, the rest full).
 */
static int
store_migrate_v1(struct store *st)
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

/* Is this our schema, at a version we know?  Message in errbuf if not. */
static int
store_check_schema(struct store *st, char *errbuf, size_t errlen)
{
	int64_t ver = 0, ntables = 0;
	char name[64];
	int rc;

	rc = store_pragma_int(st->db, "PRAGMA user_version", &ver);
	if (rc == SQLITE_OK)
		rc = store_pragma_int(st->db, "SELECT count(*) FROM "
		    "sqlite_master WHERE type = 'table'", &ntables);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: not an arrayd state database: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -EPROTO;
	}
	if (ver > STORE_SCHEMA_VERSION) {
		snprintf(errbuf, errlen, "%s: schema version %" PRId64 " is "
		    "newer than %d (written by a newer arrayd)", st->path, ver,
		    STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	if (ver == 1 && (rc = store_migrate_v1(st)) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: damaged or foreign schema: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -EPROTO;
	}
	if (ver != STORE_SCHEMA_VERSION && ver != 1) {
		snprintf(errbuf, errlen, "%s: not an arrayd state database "
		    "(%s, user_version %" PRId64 ")", st->path, ntables == 0 ?
		    "empty" : "foreign tables", ver);
		return -EPROTO;
	}
	for (int i = 0; i < Q_COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL);
		if (rc != SQLITE_OK) {
			snprintf(errbuf, errlen, "%s: damaged or foreign "
			    "schema: %s", st->path, sqlite3_errmsg(st->db));
			return -EPROTO;
		}
	}
	if (store_meta_get(st, "schema", name, sizeof(name)) != 0 ||
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

/* Switch to WAL and prove we can write (a read-only folder fails here). */
static int
store_setup(struct store *st, char *errbuf, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	const char *mode = NULL;
	int rc;

	sqlite3_busy_timeout(st->db, 2000);
	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s,
	    NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		mode = (const char *)sqlite3_column_text(s, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		snprintf(errbuf, errlen, "%s: cannot use WAL journal: %s",
		    st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -EACCES;
	}
	sqlite3_finalize(s);
	rc = sqlite3_exec(st->db, "PRAGMA synchronous=NORMAL;"
	    "PRAGMA wal_autocheckpoint=" STORE_AUTOCKPT_PAGES ";"
	    "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE; COMMIT;", NULL, NULL,
	    NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: not writable: %s", st->path,
		    sqlite3_errmsg(st->db));
		return store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	}
	return 0;
}

int
store_open(const char *path, struct store **out, char *errbuf, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int err, rc;

	*out = NULL;
	if (strlen(path) >= sizeof(st->path) - 8) {
		snprintf(errbuf, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT) {
			err = -errno;
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			return err;
		}
		if ((err = store_create(path, errbuf, errlen)) != 0)
			return err;
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		return -EINVAL;
	} else if (sb.st_size == 0) {
		snprintf(errbuf, errlen, "%s: empty file, not an arrayd state "
		    "database (remove it to start afresh)", path);
		return -EPROTO;
	}
	/* Owned by the caller through *out; freed by store_close(). */
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -ENOMEM;
	snprintf(st->path, sizeof(st->path), "%s", path);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
		err = store_errno(rc) != 0 ? store_errno(rc) : -EIO;
		goto out_close;
	}
	if ((err = store_check_schema(st, errbuf, errlen)) != 0 ||
	    (err = store_setup(st, errbuf, errlen)) != 0)
		goto out_close;
	*out = st;
	return 0;
out_close:
	store_close(st);
	return err;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	sqlite3_close(st->db);
	free(st);
}

/* Run a prepared statement to completion and reset it. */
static int
store_run(struct store *st, int q)
{
	int rc = sqlite3_step(st->q[q]);

	sqlite3_reset(st->q[q]);
	sqlite3_clear_bindings(st->q[q]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	return 0;
}

int
store_begin(struct store *st)
{
	return store_run(st, Q_BEGIN);
}

void
store_set_faults(struct store *st, const struct store_faults *f)
{
	if (f != NULL)
		st->faults = *f;
	else
		memset(&st->faults, 0, sizeof(st->faults));
	st->ncommits = 0;
}

/*
 * The injected failure for this commit, or 0.  The transaction stays open,
 * as after a COMMIT that SQLite refused, so the caller's rollback applies.
 */
static int
store_fault(struct store *st)
{
	const struct store_faults *f = &st->faults;
	unsigned n;

	if (f->fail_nth == 0)
		return 0;
	n = ++st->ncommits;
	if (n < f->fail_nth || (n > f->fail_nth && !f->fail_every))
		return 0;
	return f->err < 0 ? f->err : -ENOSPC;
}

int
store_commit(struct store *st)
{
	int err = store_fault(st);

	return err != 0 ? err : store_run(st, Q_COMMIT);
}

/*
 * Checkpoint the committed WAL: a checkpoint fsyncs the WAL before it copies
 * frames back (and then the database), so what was committed survives a
 * power cut once this returns.  For the rare changes that must (task id
 * reservations); the safety level itself cannot change inside a
 * transaction.
 */
int
store_sync(struct store *st)
{
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	return 0;
}

int
store_commit_durable(struct store *st)
{
	int err = store_commit(st);

	return err != 0 ? err : store_sync(st);
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)store_run(st, Q_ROLLBACK);
}

int
store_meta_get(struct store *st, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *s = st->q[Q_META_GET];
	int rc, err = -ENOENT;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);

		snprintf(buf, len, "%s", v != NULL ? (const char *)v : "");
		err = 0;
	} else if (rc != SQLITE_DONE) {
		err = store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return err;
}

int
store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_bind_text(st->q[Q_META_SET], 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st->q[Q_META_SET], 2, value, -1, SQLITE_STATIC);
	return store_run(st, Q_META_SET);
}

int
store_put_volume(struct store *st, const struct rvolume *v)
{
	sqlite3_stmt *s = st->q[Q_VOL_PUT];

	sqlite3_bind_int64(s, 1, v->id);
	sqlite3_bind_text(s, 2, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, v->pool, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, v->path != NULL ? v->path : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)v->size);
	sqlite3_bind_int(s, 6, v->is_snapshot);
	sqlite3_bind_int64(s, 7, v->parent_id);
	sqlite3_bind_int(s, 8, v->configured);
	sqlite3_bind_int(s, 9, v->failed);
	sqlite3_bind_int64(s, 10, v->created_us);
	return store_run(st, Q_VOL_PUT);
}

int
store_del_volume(struct store *st, uint32_t id)
{
	sqlite3_bind_int64(st->q[Q_VOL_DEL], 1, id);
	return store_run(st, Q_VOL_DEL);
}

int
store_put_pair(struct store *st, const struct rpair *p)
{
	sqlite3_stmt *s = st->q[Q_PAIR_PUT];

	sqlite3_bind_int64(s, 1, p->src_id);
	sqlite3_bind_int64(s, 2, p->tgt_id);
	sqlite3_bind_int(s, 3, p->kind);
	sqlite3_bind_int(s, 4, p->copy_type);
	sqlite3_bind_int(s, 5, p->sync_state);
	sqlite3_bind_int64(s, 6, p->when_synced_us);
	sqlite3_bind_int64(s, 7, (int64_t)p->job_id);
	sqlite3_bind_int(s, 8, p->percent_synced);
	return store_run(st, Q_PAIR_PUT);
}

int
store_del_pair(struct store *st, uint32_t src_id, uint32_t tgt_id)
{
	sqlite3_bind_int64(st->q[Q_PAIR_DEL], 1, src_id);
	sqlite3_bind_int64(st->q[Q_PAIR_DEL], 2, tgt_id);
	return store_run(st, Q_PAIR_DEL);
}

int
store_put_job(struct store *st, const struct rjob *j)
{
	sqlite3_stmt *s = st->q[Q_JOB_PUT];

	sqlite3_bind_int64(s, 1, (int64_t)j->id);
	sqlite3_bind_int(s, 2, j->kind);
	sqlite3_bind_int(s, 3, j->state);
	sqlite3_bind_int(s, 4, j->percent);
	sqlite3_bind_int64(s, 5, j->submitted_us);
	sqlite3_bind_int64(s, 6, j->started_us);
	sqlite3_bind_int64(s, 7, j->ended_us);
	sqlite3_bind_int64(s, 8, j->last_change_us);
	sqlite3_bind_int(s, 9, j->error_code);
	sqlite3_bind_text(s, 10, j->error_desc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, j->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, j->method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 13, j->rc);
	sqlite3_bind_int64(s, 14, j->src_id);
	sqlite3_bind_int64(s, 15, j->tgt_id);
	sqlite3_bind_int(s, 16, j->copy_type);
	sqlite3_bind_int(s, 17, j->operation);
	sqlite3_bind_text(s, 18, j->element_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 19, j->hidden);
	sqlite3_bind_int64(s, 20, (int64_t)j->bytes_total);
	sqlite3_bind_int64(s, 21, (int64_t)j->bytes_done);
	sqlite3_bind_int64(s, 22, (int64_t)j->checkpoint);
	sqlite3_bind_int64(s, 23, (int64_t)j->bytes_written);
	sqlite3_bind_int(s, 24, j->mode);
	sqlite3_bind_int(s, 25, j->reverse);
	return store_run(st, Q_JOB_PUT);
}

int
store_del_job(struct store *st, uint64_t id)
{
	sqlite3_bind_int64(st->q[Q_JOB_DEL], 1, (int64_t)id);
	return store_run(st, Q_JOB_DEL);
}

/* Copy a text column; -EINVAL when it does not fit. */
static int
store_col_text(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	size_t n = t != NULL ? strlen((const char *)t) : 0;

	if (n >= len)
		return -EINVAL;
	memcpy(buf, t != NULL ? (const char *)t : "", n + 1);
	return 0;
}

static int
store_row_volume(sqlite3_stmt *s, struct rvolume *v)
{
	int64_t id = sqlite3_column_int64(s, 0);
	int64_t size = sqlite3_column_int64(s, 4);

	memset(v, 0, sizeof(*v));
	if (id <= 0 || id > UINT32_MAX || size < 0 || size % 512 != 0)
		return -EINVAL;
	v->id = (uint32_t)id;
	if (store_col_text(s, 1, v->name, sizeof(v->name)) != 0 ||
	    store_col_text(s, 2, v->pool, sizeof(v->pool)) != 0)
		return -EINVAL;
	v->path = (char *)sqlite3_column_text(s, 3);
	v->size = (uint64_t)size;
	v->is_snapshot = sqlite3_column_int(s, 5) != 0;
	v->parent_id = (uint32_t)sqlite3_column_int64(s, 6);
	v->configured = sqlite3_column_int(s, 7) != 0;
	v->failed = sqlite3_column_int(s, 8) != 0;
	v->created_us = sqlite3_column_int64(s, 9);
	return v->path != NULL && v->name[0] != '\0' ? 0 : -EINVAL;
}

static int
store_row_pair(sqlite3_stmt *s, struct rpair *p)
{
	int kind = sqlite3_column_int(s, 2), ct = sqlite3_column_int(s, 3);
	int ss = sqlite3_column_int(s, 4), pct = sqlite3_column_int(s, 7);

	memset(p, 0, sizeof(*p));
	p->src_id = (uint32_t)sqlite3_column_int64(s, 0);
	p->tgt_id = (uint32_t)sqlite3_column_int64(s, 1);
	if ((kind != PAIR_PC && kind != PAIR_VC) || (ct != 4 && ct != 5) ||
	    (kind == PAIR_VC && ct != 4) || pct < -1 || pct > 100)
		return -EINVAL;
	switch (ss) {
	case SYNC_INITIALIZED: case SYNC_RESYNC_IN_PROGRESS:
	case SYNC_RESTORE_IN_PROGRESS: case SYNC_IDLE: case SYNC_BROKEN:
	case SYNC_FROZEN: case SYNC_COPY_IN_PROGRESS:
		break;
	default:
		return -EINVAL;
	}
	p->kind = (enum pair_kind)kind;
	p->copy_type = (uint16_t)ct;
	p->sync_state = (uint16_t)ss;
	p->when_synced_us = sqlite3_column_int64(s, 5);
	p->job_id = (uint64_t)sqlite3_column_int64(s, 6);
	p->percent_synced = pct;
	return 0;
}

static int
store_row_job(sqlite3_stmt *s, struct rjob *j)
{
	int kind = sqlite3_column_int(s, 1), state = sqlite3_column_int(s, 2);
	int pct = sqlite3_column_int(s, 3), mode = sqlite3_column_int(s, 23);

	memset(j, 0, sizeof(*j));
	j->id = (uint64_t)sqlite3_column_int64(s, 0);
	if (j->id == 0 || kind < JOB_KIND_PC_CREATE ||
	    kind > JOB_KIND_SNAPSHOT || pct < 0 || pct > 100 ||
	    mode < REPLICA_COPY_FULL || mode > REPLICA_COPY_CLONE)
		return -EINVAL;
	if (state != JOB_NEW && state != JOB_RUNNING && state != JOB_COMPLETED &&
	    state != JOB_TERMINATED && state != JOB_EXCEPTION)
		return -EINVAL;
	j->kind = (enum job_kind)kind;
	j->state = (uint16_t)state;
	j->percent = (uint16_t)pct;
	j->submitted_us = sqlite3_column_int64(s, 4);
	j->started_us = sqlite3_column_int64(s, 5);
	j->ended_us = sqlite3_column_int64(s, 6);
	j->last_change_us = sqlite3_column_int64(s, 7);
	j->error_code = (uint16_t)sqlite3_column_int(s, 8);
	if (store_col_text(s, 9, j->error_desc, sizeof(j->error_desc)) != 0 ||
	    store_col_text(s, 10, j->owner, sizeof(j->owner)) != 0 ||
	    store_col_text(s, 11, j->method, sizeof(j->method)) != 0 ||
	    store_col_text(s, 17, j->element_name,
	    sizeof(j->element_name)) != 0)
		return -EINVAL;
	j->rc = (uint32_t)sqlite3_column_int64(s, 12);
	j->src_id = (uint32_t)sqlite3_column_int64(s, 13);
	j->tgt_id = (uint32_t)sqlite3_column_int64(s, 14);
	j->copy_type = (uint16_t)sqlite3_column_int(s, 15);
	j->operation = (uint16_t)sqlite3_column_int(s, 16);
	j->hidden = sqlite3_column_int(s, 18) != 0;
	j->bytes_total = (uint64_t)sqlite3_column_int64(s, 19);
	j->bytes_done = (uint64_t)sqlite3_column_int64(s, 20);
	j->checkpoint = (uint64_t)sqlite3_column_int64(s, 21);
	j->bytes_written = (uint64_t)sqlite3_column_int64(s, 22);
	j->mode = (enum replica_copy_mode)mode;
	j->reverse = sqlite3_column_int(s, 24) != 0;
	return 0;
}

/* Walk one table, handing each validated row to cb; message on failure. */
static int
store_load_table(struct store *st, int q, const struct store_load_cb *cb,
    char *errbuf, size_t errlen)
{
	static const char *const what[] = { "volumes", "pairs", "jobs" };
	sqlite3_stmt *s = st->q[q];
	union { struct rvolume v; struct rpair p; struct rjob j; } row;
	int rc, err = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (q == Q_VOL_ALL)
			err = store_row_volume(s, &row.v);
		else if (q == Q_PAIR_ALL)
			err = store_row_pair(s, &row.p);
		else
			err = store_row_job(s, &row.j);
		if (err != 0) {
			snprintf(errbuf, errlen, "%s: table %s: row %lld has "
			    "values out of range", st->path, what[q - Q_VOL_ALL],
			    (long long)sqlite3_column_int64(s, 0));
			break;
		}
		if (q == Q_VOL_ALL)
			err = cb->volume(cb->arg, &row.v);
		else if (q == Q_PAIR_ALL)
			err = cb->pair(cb->arg, &row.p);
		else
			err = cb->job(cb->arg, &row.j);
		if (err != 0) {
			snprintf(errbuf, errlen, "%s: table %s: row %lld: %s",
			    st->path, what[q - Q_VOL_ALL],
			    (long long)sqlite3_column_int64(s, 0),
			    strerror(-err));
			break;
		}
	}
	if (err == 0 && rc != SQLITE_DONE) {
		snprintf(errbuf, errlen, "%s: reading %s: %s", st->path,
		    what[q - Q_VOL_ALL], sqlite3_errmsg(st->db));
		err = store_errno(rc) != 0 ? store_errno(rc) : -EIO;
	}
	sqlite3_reset(s);
	return err;
}

int
store_load(struct store *st, const struct store_load_cb *cb, char *errbuf,
    size_t errlen)
{
	int err;

	if ((err = store_load_table(st, Q_VOL_ALL, cb, errbuf, errlen)) != 0 ||
	    (err = store_load_table(st, Q_PAIR_ALL, cb, errbuf, errlen)) != 0)
		return err;
	return store_load_table(st, Q_JOB_ALL, cb, errbuf, errlen);
}

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
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_close(db);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY)
		return 0;
	return store_errno(rc) != 0 ? store_errno(rc) : -EIO;
}
