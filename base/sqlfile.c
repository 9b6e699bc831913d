/* SPDX-License-Identifier: ISC */
/*
 * sqlfile.c - create, open and check an arrayd SQLite file (sqlfile.h).
 * The steps and the messages live here once so the stores that keep a
 * file (replica/, indic/) cannot drift apart; what differs between them
 * (schema, version, migrations, pragmas, errno mapping) is theirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sqlfile.h"

static int
sf_errno(const struct sqlfile_kind *kind, int rc)
{
	int err = kind->errno_of(rc);

	return err != 0 ? err : -EIO;
}

int
sqlfile_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

int
sqlfile_fsync_path(const char *path, int flags)
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
 * journal_mode=DELETE and synchronous=FULL while building: the file must
 * be complete on disk before the rename makes it the store; the folder is
 * synced after so the rename itself is durable.
 */
int
sqlfile_create(const char *path, const struct sqlfile_kind *kind,
    char *errbuf, size_t errlen)
{
	char tmp[SQLFILE_PATH_MAX + 100], dir[SQLFILE_PATH_MAX], ver[64];
	char *emsg = NULL;
	sqlite3 *db = NULL;
	int rc, err;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	snprintf(ver, sizeof(ver), "PRAGMA user_version = %d; COMMIT;",
	    kind->version);
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
		rc = sqlite3_exec(db, kind->schema_sql, NULL, NULL, &emsg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, ver, NULL, NULL, &emsg);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: cannot create: %s", path,
		    emsg != NULL ? emsg : db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
		sqlite3_free(emsg);
		sqlite3_close(db);
		unlink(tmp);
		return sf_errno(kind, rc);
	}
	sqlite3_close(db);
	if ((err = sqlfile_fsync_path(tmp, O_RDONLY)) != 0 ||
	    rename(tmp, path) == -1) {
		err = err != 0 ? err : -errno;
		snprintf(errbuf, errlen, "%s: cannot create: %s", path,
		    strerror(-err));
		unlink(tmp);
		return err;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	(void)sqlfile_fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY);
	return 0;
}

int
sqlfile_open(const char *path, const struct sqlfile_kind *kind,
    sqlite3 **db, char *errbuf, size_t errlen)
{
	struct stat sb;
	int err, rc;

	*db = NULL;
	if (strlen(path) >= SQLFILE_PATH_MAX - 8) {
		snprintf(errbuf, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT) {
			err = -errno;
			snprintf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
			return err;
		}
		if ((err = sqlfile_create(path, kind, errbuf, errlen)) != 0)
			return err;
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		return -EINVAL;
	} else if (sb.st_size == 0) {
		snprintf(errbuf, errlen, "%s: empty file, not an arrayd %s "
		    "database (remove it to start afresh)", path, kind->what);
		return -EPROTO;
	}
	rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path,
		    *db != NULL ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
		sqlite3_close_v2(*db);
		*db = NULL;
		return sf_errno(kind, rc);
	}
	return 0;
}

int
sqlfile_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(s);
	return rc;
}

int
sqlfile_version(sqlite3 *db, const char *path,
    const struct sqlfile_kind *kind, int64_t *ver, int64_t *ntables,
    char *errbuf, size_t errlen)
{
	int rc;

	*ver = 0;
	*ntables = 0;
	rc = sqlfile_query_int(db, "PRAGMA user_version", ver);
	if (rc == SQLITE_OK)
		rc = sqlfile_query_int(db, "SELECT count(*) FROM sqlite_master "
		    "WHERE type = 'table'", ntables);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: not an arrayd %s database: %s",
		    path, kind->what, sqlite3_errmsg(db));
		return -EPROTO;
	}
	if (*ver > kind->version) {
		snprintf(errbuf, errlen, "%s: schema version %" PRId64 " is "
		    "newer than %d (written by a newer arrayd)", path, *ver,
		    kind->version);
		return -EPROTO;
	}
	return 0;
}

int
sqlfile_foreign(const char *path, const struct sqlfile_kind *kind,
    int64_t ntables, int64_t ver, char *errbuf, size_t errlen)
{
	snprintf(errbuf, errlen, "%s: not an arrayd %s database (%s, "
	    "user_version %" PRId64 ")", path, kind->what, ntables == 0 ?
	    "empty" : "foreign tables", ver);
	return -EPROTO;
}

int
sqlfile_wal(sqlite3 *db, const char *path, const struct sqlfile_kind *kind,
    const char *pragmas, char *errbuf, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	const char *mode = NULL;
	char *sql;
	int rc;

	sqlite3_busy_timeout(db, 2000);
	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		mode = (const char *)sqlite3_column_text(s, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		snprintf(errbuf, errlen, "%s: cannot use WAL journal: %s",
		    path, sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return -EACCES;
	}
	sqlite3_finalize(s);
	/* Freed below (sqlite3_free). */
	sql = sqlite3_mprintf("PRAGMA synchronous=NORMAL; %s"
	    " BEGIN IMMEDIATE; COMMIT;", pragmas != NULL ? pragmas : "");
	if (sql == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: not writable: %s", path,
		    sqlite3_errmsg(db));
		return sf_errno(kind, rc);
	}
	return 0;
}
