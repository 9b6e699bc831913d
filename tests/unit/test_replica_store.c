/* SPDX-License-Identifier: ISC */
/*
 * test_replica_store.c - persistence: a reopen restores volumes, pairs,
 * jobs and the system name; a reopen without shutdown (a crash) resumes
 * running copies under the same job from their checkpoint; a clean
 * shutdown parks them Running; task ids are never reused; vanished volumes
 * break their pairs; foreign, newer, empty, garbage and unwritable
 * databases are refused with a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "tests/unit/fake_replica.h"

static const struct replica_caller who = { "bob", "AttachReplica" };

static int
setup(void **state)
{
	struct fake_rep *f = calloc(1, sizeof(*f));

	fake_rep_init(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fake_rep_cleanup(*state);
	free(*state);
	return 0;
}

/* Forget the fake engine's copies, as a restarted process would. */
static void
engine_reset(struct fake_rep *f)
{
	f->ncopies = 0;
}

static void
test_reopen_restores(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs = fake_rep_open(f, 2, true);
	struct replica_result r;
	char name[65];
	uint64_t j1;
	uint32_t snap;

	assert_non_null(rs);
	snprintf(name, sizeof(name), "%s", replica_system_name(rs));
	assert_int_equal(strlen(name), 16);
	for (int i = 0; i < 16; i++)
		assert_true(strchr("0123456789ABCDEF", name[i]) != NULL);
	assert_int_equal(replica_attach(rs, 101, 102, 4, &who, &r), 0);
	j1 = r.job_id;
	fake_rep_finish(f, rs, j1, 0, NULL);
	assert_int_equal(replica_create(rs, 101, "snap", NULL, 4, &who, &r), 0);
	snap = r.target_id;
	fake_rep_finish(f, rs, replica_pair_find(rs, 101, snap)->job_id, 0,
	    NULL);
	replica_set_shutdown(rs);
	replica_set_free(rs);
	engine_reset(f);

	rs = fake_rep_open(f, 2, true);
	assert_non_null(rs);
	assert_string_equal(replica_system_name(rs), name);
	assert_int_equal(replica_pair_find(rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
	assert_true(replica_pair_find(rs, 101, 102)->when_synced_us != 0);
	assert_int_equal(replica_pair_find(rs, 101, snap)->sync_state,
	    SYNC_IDLE);
	assert_true(replica_volume_by_id(rs, snap)->is_snapshot);
	assert_int_equal(replica_volume_by_id(rs, snap)->parent_id, 101);
	assert_string_equal(replica_volume_by_name(rs, "snap")->pool, "p0");
	assert_int_equal(replica_job_by_id(rs, j1)->state, JOB_COMPLETED);
	assert_string_equal(replica_job_by_id(rs, j1)->owner, "bob");
	assert_int_equal(replica_job_by_id(rs, j1)->rc, 4096);
	assert_int_equal(f->ncopies, 0);
	replica_set_free(rs);
}

static void
test_crash_resume(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs = fake_rep_open(f, 2, true);
	struct replica_result r;
	uint64_t j1, j2, j3;

	assert_int_equal(replica_attach(rs, 101, 102, 4, &who, &r), 0);
	j1 = r.job_id;
	assert_int_equal(replica_attach(rs, 101, 103, 5, &who, &r), 0);
	j2 = r.job_id;
	assert_int_equal(replica_create(rs, 102 - 1, "cl", NULL, 5, &who, &r),
	    0);
	j3 = r.job_id;		/* queued */
	/* A checkpoint older than 1 s or 64 MiB back is on disk. */
	f->now += 2000000;
	replica_on_copy_progress(rs, j1, 3 << 18, 1 << 20, 3 << 18, 3 << 18, false);
	replica_on_copy_progress(rs, j1, 7 << 17, 1 << 20, 7 << 17, 7 << 17, false);
	/* Crash: no shutdown. */
	replica_set_free(rs);
	engine_reset(f);

	rs = fake_rep_open(f, 2, false);
	assert_int_equal(replica_job_by_id(rs, j1)->state, JOB_RUNNING);
	assert_int_equal(replica_job_by_id(rs, j1)->checkpoint, 3 << 18);
	assert_int_equal(replica_set_start(rs), 0);
	assert_non_null(fake_rep_copy(f, j1));
	assert_int_equal(fake_rep_copy(f, j1)->resume_from, 3 << 18);
	assert_int_equal(fake_rep_copy(f, j2)->resume_from, 0);
	assert_null(fake_rep_copy(f, j3));
	assert_int_equal(replica_job_by_id(rs, j3)->state, JOB_NEW);
	assert_int_equal(replica_pair_find(rs, 101, 102)->sync_state,
	    SYNC_RESYNC_IN_PROGRESS);
	fake_rep_finish(f, rs, j1, 0, NULL);
	assert_int_equal(replica_pair_find(rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
	assert_int_equal(replica_job_by_id(rs, j3)->state, JOB_RUNNING);
	/* Clean shutdown: copies parked Running, resumed next time. */
	replica_on_copy_progress(rs, j2, 1 << 19, 1 << 20, 1 << 19, 1 << 19, false);
	replica_set_shutdown(rs);
	assert_true(fake_rep_copy(f, j2)->cancel_asked);
	fake_rep_finish(f, rs, j2, -ECANCELED, NULL);
	fake_rep_finish(f, rs, j3, -ECANCELED, NULL);
	assert_int_equal(replica_set_active_copies(rs), 0);
	assert_int_equal(replica_job_by_id(rs, j2)->state, JOB_RUNNING);
	replica_set_free(rs);
	engine_reset(f);

	rs = fake_rep_open(f, 2, true);
	assert_int_equal(fake_rep_copy(f, j2)->resume_from, 1 << 19);
	assert_non_null(fake_rep_copy(f, j3));
	assert_int_equal(replica_job_by_id(rs, j2)->state, JOB_RUNNING);
	replica_set_free(rs);
}

static void
test_task_ids(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs = fake_rep_open(f, 2, true);
	struct replica_result r;
	uint64_t last = 0;

	for (int round = 0; round < 3; round++) {
		assert_int_equal(replica_create(rs, 101, NULL, NULL, 5, &who,
		    &r), 0);
		assert_true(r.job_id > last);
		last = r.job_id;
		fake_rep_finish(f, rs, last, 0, NULL);
		/* Deleting the newest job must not free its id. */
		assert_int_equal(replica_job_delete(rs, last), 0);
		replica_set_free(rs);
		engine_reset(f);
		rs = fake_rep_open(f, 2, true);
	}
	assert_int_equal(replica_job_count(rs), 0);
	assert_int_equal(replica_create(rs, 101, NULL, NULL, 5, &who, &r), 0);
	assert_true(r.job_id > last);
	replica_set_free(rs);
}

/*
 * A power cut can lose the last, unsynced commits, including the task-id
 * counter's newest value.  Rolling the stored counter back, as such a loss
 * would, must not make a reopened set hand out an id again.
 */
static void
test_task_ids_after_lost_commit(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs = fake_rep_open(f, 2, true);
	struct replica_result r;
	uint64_t first, last = 0;
	sqlite3 *db;

	assert_int_equal(replica_create(rs, 101, NULL, NULL, 5, &who, &r), 0);
	first = r.job_id;
	for (int i = 0; i < 5; i++) {
		fake_rep_finish(f, rs, r.job_id, 0, NULL);
		assert_int_equal(replica_job_delete(rs, r.job_id), 0);
		assert_int_equal(replica_create(rs, 101, NULL, NULL, 5, &who,
		    &r), 0);
		last = r.job_id;
	}
	fake_rep_finish(f, rs, last, 0, NULL);
	assert_int_equal(replica_job_delete(rs, last), 0);
	replica_set_free(rs);
	engine_reset(f);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '1' "
	    "WHERE key = 'next_task_id'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	rs = fake_rep_open(f, 2, true);
	assert_int_equal(replica_create(rs, 101, NULL, NULL, 5, &who, &r), 0);
	assert_true(first < last);
	assert_true(r.job_id > last);
	replica_set_free(rs);
}

static void
test_volume_vanished(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs = fake_rep_open(f, 2, true);
	struct replica_result r;
	uint64_t j1, j2;

	assert_int_equal(replica_attach(rs, 101, 102, 4, &who, &r), 0);
	j1 = r.job_id;
	fake_rep_finish(f, rs, j1, 0, NULL);
	assert_int_equal(replica_attach(rs, 101, 103, 4, &who, &r), 0);
	j2 = r.job_id;
	replica_set_free(rs);
	engine_reset(f);
	f->missing[f->nmissing++] = 103;
	f->missing[f->nmissing++] = 102;
	rs = fake_rep_open(f, 2, true);
	assert_true(replica_volume_by_id(rs, 103)->missing);
	assert_int_equal(replica_pair_find(rs, 101, 103)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(replica_job_by_id(rs, j2)->state, JOB_EXCEPTION);
	assert_true(replica_job_by_id(rs, j2)->error_code != 0);
	assert_true(replica_job_by_id(rs, j2)->error_desc[0] != '\0');
	assert_int_equal(replica_pair_find(rs, 101, 102)->sync_state,
	    SYNC_BROKEN);
	assert_null(fake_rep_copy(f, j2));
	/* Configured ids stay stable; a dropped volume is forgotten. */
	replica_set_free(rs);
	{
		struct replica_config cfg = { .db_path = f->db };
		struct replica_ops ops = fake_rep_ops(f);
		char err[256];
		uint32_t id;

		assert_int_equal(replica_set_open(&cfg, &ops, &rs, err,
		    sizeof(err)), 0);
		assert_int_equal(replica_pool_add(rs, "p0", f->dir), 0);
		assert_int_equal(replica_volume_configure(rs, "small", "p0",
		    "/x/small.img", 1 << 20, 0, &id), 0);
		assert_int_equal(id, 104);
		assert_int_equal(replica_volume_configure(rs, "small", "p0",
		    "/x/small.img", 1 << 20, 0, &id), -EEXIST);
		assert_int_equal(replica_volume_configure(rs, "new", "p0",
		    "/x/new.img", 1 << 20, 102, &id), -EEXIST);
		assert_int_equal(replica_volume_configure(rs, "new", "p0",
		    "/x/new.img", 1 << 20, 0, &id), 0);
		assert_int_equal(id, 105);
		assert_int_equal(replica_volume_configure(rs, "bad/name", "p0",
		    "/x", 512, 0, &id), -EINVAL);
		assert_int_equal(replica_volume_configure(rs, "z", "nopool",
		    "/x", 512, 0, &id), -ENOENT);
		assert_int_equal(replica_set_start(rs), 0);
		assert_int_equal(replica_volume_by_id(rs, 104)->size, 1 << 20);
		/* a, b, c are referenced by pairs: kept, missing. */
		assert_true(replica_volume_by_id(rs, 101)->missing);
		replica_set_free(rs);
	}
}

/* Try to open `path`; expect failure with `needle` in the message. */
static void
expect_refused(struct fake_rep *f, const char *path, const char *needle)
{
	struct replica_config cfg = { .db_path = path };
	struct replica_ops ops = fake_rep_ops(f);
	struct replica_set *rs = NULL;
	char err[512] = "";

	assert_true(replica_set_open(&cfg, &ops, &rs, err, sizeof(err)) < 0);
	assert_null(rs);
	if (strstr(err, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}

static void
sql(const char *path, const char *stmt)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_rejected(void **state)
{
	struct fake_rep *f = *state;
	struct replica_set *rs;
	char path[400];
	int fd;

	snprintf(path, sizeof(path), "%s/foreign.db", f->dir);
	sql(path, "CREATE TABLE volumes(x TEXT); CREATE TABLE t(y);");
	expect_refused(f, path, "not an arrayd state database");
	snprintf(path, sizeof(path), "%s/newer.db", f->dir);
	sql(path, "CREATE TABLE meta(key, value); PRAGMA user_version = 9;");
	expect_refused(f, path, "schema version 9 is newer than 3");
	snprintf(path, sizeof(path), "%s/damaged.db", f->dir);
	sql(path, "CREATE TABLE meta(key, value); PRAGMA user_version = 2;");
	expect_refused(f, path, "damaged or foreign schema");
	/* Version 1 is migrated; one without its tables cannot be. */
	snprintf(path, sizeof(path), "%s/damaged1.db", f->dir);
	sql(path, "CREATE TABLE meta(key, value); PRAGMA user_version = 1;");
	expect_refused(f, path, "damaged or foreign schema");
	snprintf(path, sizeof(path), "%s/garbage.db", f->dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	{
		char junk[4096];

		memset(junk, 'x', sizeof(junk));
		assert_int_equal(write(fd, junk, sizeof(junk)), sizeof(junk));
	}
	close(fd);
	expect_refused(f, path, "not an arrayd state database");
	snprintf(path, sizeof(path), "%s/empty.db", f->dir);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	expect_refused(f, path, "empty file");
	/* Unwritable place: under a regular file (root ignores modes). */
	snprintf(path, sizeof(path), "%s/garbage.db/state.db", f->dir);
	expect_refused(f, path, "garbage.db/state.db");
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/ro", f->dir);
		assert_int_equal(mkdir(path, 0500), 0);
		snprintf(path, sizeof(path), "%s/ro/state.db", f->dir);
		expect_refused(f, path, "cannot create");
	}
	/* A good database in a folder that turned read-only for WAL. */
	rs = fake_rep_open(f, 2, true);
	assert_non_null(rs);
	replica_set_free(rs);
}

/* A stored value that does not fit its field refuses the file. */
static void
test_out_of_range(void **state)
{
	struct fake_rep *f = *state;
	static const char *const bad[][2] = {
		{ "UPDATE volumes SET size = 1000 WHERE id = 101",
		    "table volumes: row 101 has values out of range" },
		{ "UPDATE volumes SET parent_id = -1 WHERE id = 102",
		    "table volumes: row 102 has values out of range" },
		{ "UPDATE pairs SET tgt_id = 8589934592",
		    "table pairs: row 101 has values out of range" },
		{ "UPDATE jobs SET copy_mode = 7",
		    "has values out of range" },
		{ "UPDATE jobs SET copy_type = 70000",
		    "has values out of range" },
		{ "UPDATE jobs SET image = 3", "has values out of range" },
		{ "UPDATE pairs SET sync_image = -1",
		    "table pairs: row 101 has values out of range" },
	};
	struct replica_result r;
	struct replica_set *rs;
	char copy[400], cmd[1000];

	rs = fake_rep_open(f, 2, true);
	assert_int_equal(replica_attach(rs, 101, 102, 4, &who, &r), 0);
	replica_set_free(rs);
	snprintf(copy, sizeof(copy), "%s/good.db", f->dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", f->db, copy);
	assert_int_equal(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", copy, f->db);
		assert_int_equal(system(cmd), 0);
		sql(f->db, bad[i][0]);
		expect_refused(f, f->db, bad[i][1]);
	}
}

/* Version 1 as arrayd wrote it: jobs without copy_mode and reverse. */
static const char v1_schema[] =
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
	" checkpoint INTEGER NOT NULL, bytes_written INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('schema', 'arrayd-replica');"
	"INSERT INTO meta VALUES ('next_task_id', '9');"
	"PRAGMA user_version = 1;";

/* A version 1 file opens; each job copies as its kind meant then. */
static void
test_migrate_v1(void **state)
{
	struct fake_rep *f = *state;
	struct replica_config cfg = { .db_path = f->db };
	struct replica_ops ops = fake_rep_ops(f);
	struct replica_set *rs = NULL;
	/* kind: 0 attach, 1 clone, 2 resync, 3 restore, 4 start, 5 snapshot */
	static const enum replica_copy_mode want[6] = { REPLICA_COPY_FULL,
	    REPLICA_COPY_FULL, REPLICA_COPY_DIFF, REPLICA_COPY_DIFF,
	    REPLICA_COPY_FULL, REPLICA_COPY_CLONE };
	char err[512] = "", row[300];

	sql(f->db, v1_schema);
	for (int k = 0; k < 6; k++) {
		snprintf(row, sizeof(row), "INSERT INTO jobs VALUES (%d, %d, 7,"
		    " 100, 1, 1, 1, 1, 0, '', 'u', 'm', 0, 101, 102, 4, 0, '',"
		    " 0, 0, 0, 0, 0);", k + 1, k);
		sql(f->db, row);
	}
	assert_int_equal(replica_set_open(&cfg, &ops, &rs, err, sizeof(err)),
	    0);
	for (int k = 0; k < 6; k++) {
		const struct rjob *j = replica_job_by_id(rs, (uint64_t)k + 1);

		assert_non_null(j);
		assert_int_equal(j->mode, want[k]);
		assert_int_equal(j->reverse, k == JOB_KIND_RESTORE);
	}
	replica_set_free(rs);
}

/*
 * A version 2 file (jobs with copy_mode and reverse, no images) opens:
 * its pairs keep no sync image, its jobs read their live source, and a
 * Running one resumes as it was.
 */
static void
test_migrate_v2(void **state)
{
	struct fake_rep *f = *state;
	struct replica_config cfg = { .db_path = f->db };
	struct replica_ops ops = fake_rep_ops(f);
	struct replica_set *rs = NULL;
	const struct rpair *p;
	const struct rjob *j;
	char err[512] = "", v2[4096];
	const char *cut = strstr(v1_schema, " bytes_written INTEGER NOT NULL);");

	/* Version 2 is version 1 with the two job columns. */
	snprintf(v2, sizeof(v2), "%.*s bytes_written INTEGER NOT NULL,"
	    " copy_mode INTEGER NOT NULL, reverse INTEGER NOT NULL);%s",
	    (int)(cut - v1_schema), v1_schema,
	    cut + strlen(" bytes_written INTEGER NOT NULL);"));
	*strstr(v2, "PRAGMA user_version = 1;") = '\0';
	strcat(v2, "PRAGMA user_version = 2;");
	sql(f->db, v2);
	sql(f->db, "INSERT INTO volumes VALUES (101, 'a', 'p0', '/p/a.img',"
	    " 1048576, 0, 0, 0, 0, 1), (102, 'b', 'p0', '/p/b.img', 1048576,"
	    " 0, 0, 0, 0, 1);"
	    "INSERT INTO pairs VALUES (101, 102, 0, 4, 5, 0, 3, 10);"
	    "INSERT INTO jobs VALUES (3, 2, 4, 10, 1, 1, 0, 1, 0, '', 'u',"
	    " 'm', 4096, 101, 102, 4, 4, '', 0, 1048576, 65536, 65536, 65536,"
	    " 1, 0);");
	assert_int_equal(replica_set_open(&cfg, &ops, &rs, err, sizeof(err)),
	    0);
	assert_non_null(p = replica_pair_find(rs, 101, 102));
	assert_int_equal(p->sync_image, 0);
	assert_non_null(j = replica_job_by_id(rs, 3));
	assert_int_equal(j->image, REPLICA_IMAGE_NONE);
	assert_int_equal(j->mode, REPLICA_COPY_DIFF);
	assert_int_equal(j->checkpoint, 65536);
	replica_set_free(rs);
}

/*
 * replica_checkpoint_db (the daemon's pool checkpointer) really copies the
 * WAL: a fresh connection must read before it checkpoints, or SQLite does
 * nothing and says SQLITE_OK.
 */
static void
test_checkpoint_db_copies(void **state)
{
	struct fake_rep *f = *state;
	sqlite3 *w = NULL;
	struct stat sb;
	char path[400];

	snprintf(path, sizeof(path), "%s/ckpt.db", f->dir);
	assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
	assert_int_equal(sqlite3_exec(w, "PRAGMA journal_mode=WAL;"
	    "PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x);"
	    "INSERT INTO t VALUES (randomblob(40000));", NULL, NULL, NULL),
	    SQLITE_OK);
	/* The writer stays open, as the loop's connection does. */
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < 40000);	/* all of it in the WAL */
	assert_int_equal(replica_checkpoint_db(path), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 40000);	/* copied into the file */
	sqlite3_close(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reopen_restores, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crash_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_task_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_ids_after_lost_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_vanished, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_db_copies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
