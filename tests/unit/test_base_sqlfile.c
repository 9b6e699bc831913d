/* SPDX-License-Identifier: ISC */
/*
 * test_base_sqlfile.c - base/sqlfile.c: a new file is built and renamed
 * into place with the schema and user_version of its kind; sqlfile_open
 * creates a missing file and refuses a folder, an empty file and a too
 * long path; sqlfile_version refuses a file that is no database and a
 * newer version; sqlfile_foreign names what it found; sqlfile_wal leaves
 * the file in WAL with synchronous=NORMAL and the store's own pragmas.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/sqlfile.h"

static int
kind_errno(int rc)
{
	return rc == SQLITE_OK ? 0 : rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

static const struct sqlfile_kind kind = {
	.what = "test",
	.schema_sql = "CREATE TABLE t(a INTEGER);INSERT INTO t VALUES (7);",
	.version = 4,
	.errno_of = kind_errno,
};

struct fx {
	char dir[64];
	char path[128];
	char err[256];
};

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_sqlfile.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/x.db", fx->dir);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static int64_t
q_int(sqlite3 *db, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(sqlfile_query_int(db, sql, &v), SQLITE_OK);
	return v;
}

static void
test_create_renames_into_place(void **state)
{
	struct fx *fx = *state;
	char tmp[160];
	sqlite3 *db;

	assert_int_equal(sqlfile_create(fx->path, &kind, fx->err,
	    sizeof(fx->err)), 0);
	snprintf(tmp, sizeof(tmp), "%s.new", fx->path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(q_int(db, "PRAGMA user_version"), 4);
	assert_int_equal(q_int(db, "SELECT a FROM t"), 7);
	/* Built with the rollback journal, not WAL: one file to rename. */
	assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'delete'"), 1);
	sqlite3_close(db);
}

static void
test_create_reports_bad_schema(void **state)
{
	struct fx *fx = *state;
	struct sqlfile_kind bad = kind;
	char tmp[160];

	bad.schema_sql = "CREATE TABLE t(;";
	assert_int_equal(sqlfile_create(fx->path, &bad, fx->err,
	    sizeof(fx->err)), -EIO);
	assert_non_null(strstr(fx->err, ": cannot create: "));
	assert_int_equal(access(fx->path, F_OK), -1);
	snprintf(tmp, sizeof(tmp), "%s.new", fx->path);
	assert_int_equal(access(tmp, F_OK), -1);
}

static void
test_open_creates_and_wal(void **state)
{
	struct fx *fx = *state;
	int64_t ver, ntables;
	sqlite3 *db;

	assert_int_equal(sqlfile_open(fx->path, &kind, &db, fx->err,
	    sizeof(fx->err)), 0);
	assert_non_null(db);
	assert_int_equal(sqlfile_version(db, fx->path, &kind, &ver, &ntables,
	    fx->err, sizeof(fx->err)), 0);
	assert_int_equal(ver, 4);
	assert_int_equal(ntables, 1);
	assert_int_equal(sqlfile_wal(db, fx->path, &kind,
	    "PRAGMA journal_size_limit=12345;", fx->err, sizeof(fx->err)), 0);
	assert_int_equal(q_int(db, "PRAGMA synchronous"), 1);	/* NORMAL */
	assert_int_equal(q_int(db, "PRAGMA journal_size_limit"), 12345);
	assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'wal'"), 1);
	sqlite3_close_v2(db);
}

static void
test_open_refuses(void **state)
{
	struct fx *fx = *state;
	char longp[SQLFILE_PATH_MAX + 16], want[256];
	sqlite3 *db = (sqlite3 *)fx;
	int fd;

	assert_int_equal(sqlfile_open(fx->dir, &kind, &db, fx->err,
	    sizeof(fx->err)), -EINVAL);
	assert_null(db);
	snprintf(want, sizeof(want), "%s: not a regular file", fx->dir);
	assert_string_equal(fx->err, want);

	fd = open(fx->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sqlfile_open(fx->path, &kind, &db, fx->err,
	    sizeof(fx->err)), -EPROTO);
	snprintf(want, sizeof(want), "%s: empty file, not an arrayd test "
	    "database (remove it to start afresh)", fx->path);
	assert_string_equal(fx->err, want);

	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(sqlfile_open(longp, &kind, &db, fx->err,
	    sizeof(fx->err)), -ENAMETOOLONG);
	/* The message names the path first; errbuf cuts it here. */
	assert_memory_equal(fx->err, "/aaa", 4);
}

static void
test_version_refuses(void **state)
{
	struct fx *fx = *state;
	int64_t ver, ntables;
	char want[256];
	sqlite3 *db;
	FILE *f;

	/* Newer than this build. */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE z(b);"
	    "PRAGMA user_version = 9;", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlfile_version(db, fx->path, &kind, &ver, &ntables,
	    fx->err, sizeof(fx->err)), -EPROTO);
	snprintf(want, sizeof(want), "%s: schema version 9 is newer than 4 "
	    "(written by a newer arrayd)", fx->path);
	assert_string_equal(fx->err, want);
	assert_int_equal(sqlfile_foreign(fx->path, &kind, 1, 9, fx->err,
	    sizeof(fx->err)), -EPROTO);
	snprintf(want, sizeof(want), "%s: not an arrayd test database "
	    "(foreign tables, user_version 9)", fx->path);
	assert_string_equal(fx->err, want);
	assert_int_equal(sqlfile_foreign(fx->path, &kind, 0, 0, fx->err,
	    sizeof(fx->err)), -EPROTO);
	assert_non_null(strstr(fx->err, "(empty, user_version 0)"));
	sqlite3_close(db);

	/* No database at all. */
	assert_int_equal(unlink(fx->path), 0);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fputs("this is not an SQLite file, just text long enough\n", f);
	fclose(f);
	assert_int_equal(sqlfile_open(fx->path, &kind, &db, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(sqlfile_version(db, fx->path, &kind, &ver, &ntables,
	    fx->err, sizeof(fx->err)), -EPROTO);
	snprintf(want, sizeof(want), "%s: not an arrayd test database: ",
	    fx->path);
	assert_memory_equal(fx->err, want, strlen(want));
	sqlite3_close_v2(db);
}

static void
test_errno(void **state)
{
	(void)state;
	assert_int_equal(sqlfile_errno(SQLITE_OK), 0);
	assert_int_equal(sqlfile_errno(SQLITE_DONE), 0);
	assert_int_equal(sqlfile_errno(SQLITE_ROW), 0);
	assert_int_equal(sqlfile_errno(SQLITE_NOMEM), -ENOMEM);
	assert_int_equal(sqlfile_errno(SQLITE_IOERR_FSYNC), -EIO);
	assert_int_equal(sqlfile_errno(SQLITE_FULL), -ENOSPC);
	assert_int_equal(sqlfile_errno(SQLITE_CONSTRAINT_UNIQUE), -EIO);
}

static void
test_fsync_path(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sqlfile_fsync_path(fx->dir, O_RDONLY | O_DIRECTORY),
	    0);
	assert_int_equal(sqlfile_fsync_path(fx->path, O_RDONLY), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_renames_into_place,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_reports_bad_schema,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_creates_and_wal,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_version_refuses,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_errno),
		cmocka_unit_test_setup_teardown(test_fsync_path,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
