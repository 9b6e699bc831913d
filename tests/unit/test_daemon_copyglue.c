/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_copyglue.c - the replica <-> blockdev seam with nothing
 * faked: blockdev's copy engine on a real uv loop, real files in a mkdtemp
 * folder, a real replica set with its SQLite store there, wired through
 * copyglue_ops.  A pair attached through replica/ copies real bytes,
 * progress reaches the replica set, a copy that cannot start is one log
 * line, terminating the job cancels a running copy, and a queued copy
 * started from inside the previous copy's done callback finds that copy
 * already out of copyglue's table (the ordering copyglue.c documents).
 * The ARRAYD_FAILPOINT test hooks kill a child process where HACKING.md
 * says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "base/log.h"
#include "blockdev/blockdev.h"
#include "daemon/copyglue.h"
#include "replica/replica.h"

#define VOL_SIZE	(1024 * 1024)	/* bytes per volume */

static const struct replica_caller who = { "alice", "AttachReplica" };

struct glue_env {
	char dir[64];
	uv_loop_t loop;
	struct copy_engine *eng;
	struct copyglue *g;
	struct replica_set *rs;
	struct replica_ops glue_ops;	/* copyglue's own, wrapped below */
	/* What the wrapped copy_start saw at each call. */
	unsigned nstarts;
	unsigned running_at_start[8];
	bool first_in_table[8];
	uint64_t first_job;
};

/* The environment of the running test, for the copy_start wrapper. */
static struct glue_env *cur;

static int
env_copy_start(void *ctx, uint64_t job_id, const struct rvolume *src,
    const struct rvolume *tgt, enum replica_copy_mode mode,
    uint64_t resume_from, const struct replica_copy_from *from)
{
	double rate;

	if (cur->nstarts < 8) {
		cur->running_at_start[cur->nstarts] = copyglue_running(cur->g);
		cur->first_in_table[cur->nstarts] = cur->first_job != 0 &&
		    copyglue_job_rate(cur->g, cur->first_job, &rate);
	}
	cur->nstarts++;
	return cur->glue_ops.copy_start(ctx, job_id, src, tgt, mode,
	    resume_from, from);
}

static void
env_file(const struct glue_env *e, const char *name, bool random_data,
    char *path, size_t len)
{
	char buf[4096];
	int fd;

	snprintf(path, len, "%s/%s.img", e->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (size_t off = 0; random_data && off < VOL_SIZE; off += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(rand() & 0xff);
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	assert_int_equal(ftruncate(fd, VOL_SIZE), 0);
	close(fd);
}

/* Volumes a (101, data), b (102), c (103, data), d (104); `same` makes
 * d name c's file. */
static void
env_open(struct glue_env *e, unsigned max_copies, bool same)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	struct copy_engine_opts eo = { .chunk_size = 64 * 1024,
	    .max_inflight_total = 4, .max_inflight_job = 2 };
	struct replica_config rc = { .max_copy_tasks = max_copies };
	struct replica_ops ops;
	char db[128], path[128], err[256];
	uint32_t id;

	memset(e, 0, sizeof(*e));
	cur = e;
	snprintf(e->dir, sizeof(e->dir), "/tmp/test_copyglue.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	assert_int_equal(uv_loop_init(&e->loop), 0);
	assert_int_equal(copy_engine_new(&e->loop, &eo, &e->eng), 0);
	assert_non_null(e->g = copyglue_new(e->eng, NULL, 0));
	copyglue_ops(e->g, &e->glue_ops);
	ops = e->glue_ops;
	ops.copy_start = env_copy_start;
	snprintf(db, sizeof(db), "%s/state.db", e->dir);
	rc.db_path = db;
	assert_int_equal(replica_set_open(&rc, &ops, &e->rs, err,
	    sizeof(err)), 0);
	copyglue_set_replica_set(e->g, e->rs);
	assert_int_equal(replica_pool_add(e->rs, "p0", e->dir), 0);
	for (unsigned i = 0; i < 4; i++) {
		env_file(e, same && i == 3 ? "c" : names[i], i % 2 == 0, path,
		    sizeof(path));
		assert_int_equal(replica_volume_configure(e->rs, names[i], "p0",
		    path, VOL_SIZE, 0, &id), 0);
		assert_int_equal(id, 101 + i);
	}
	assert_int_equal(replica_set_start(e->rs), 0);
}

/* Turn the loop until job `id` is no longer New or Running (10 s cap). */
static void
env_run_until_done(struct glue_env *e, uint64_t id)
{
	uint64_t t0 = uv_hrtime();
	const struct rjob *j;

	while ((j = replica_job_by_id(e->rs, id)) != NULL &&
	    (j->state == JOB_NEW || j->state == JOB_RUNNING ||
	    copyglue_running(e->g) > 0)) {
		assert_true(uv_hrtime() - t0 < 10000000000ull);
		uv_run(&e->loop, UV_RUN_ONCE);
	}
}

static void
on_engine_closed(void *arg)
{
	*(bool *)arg = true;
}

static int
env_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Free in the daemon's order; the loop must close with nothing left. */
static void
env_close(struct glue_env *e)
{
	bool closed = false;

	replica_set_free(e->rs);
	copy_engine_close(e->eng, on_engine_closed, &closed);
	while (!closed)
		uv_run(&e->loop, UV_RUN_ONCE);
	copyglue_free(e->g);
	assert_int_equal(uv_loop_close(&e->loop), 0);
	(void)nftw(e->dir, env_rm, 16, FTW_DEPTH | FTW_PHYS);
	cur = NULL;
}

/* The two volume files hold the same bytes. */
static void
assert_same_files(const struct glue_env *e, const char *x, const char *y)
{
	static char a[VOL_SIZE], b[VOL_SIZE];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.img", e->dir, x);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(a, 1, VOL_SIZE, f), VOL_SIZE);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.img", e->dir, y);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(b, 1, VOL_SIZE, f), VOL_SIZE);
	fclose(f);
	assert_memory_equal(a, b, VOL_SIZE);
}

static void
test_attach_copies(void **state)
{
	struct glue_env e;
	struct replica_result r;
	const struct rjob *j;

	(void)state;
	env_open(&e, 2, false);
	assert_int_equal(replica_attach(e.rs, 101, 102, 4, &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	assert_int_equal(copyglue_running(e.g), 1);
	env_run_until_done(&e, r.job_id);
	j = replica_job_by_id(e.rs, r.job_id);
	assert_int_equal(j->state, JOB_COMPLETED);
	assert_int_equal(j->percent, 100);
	/* The engine's last progress reached the replica set. */
	assert_int_equal(j->bytes_total, VOL_SIZE);
	assert_int_equal(j->bytes_done, VOL_SIZE);
	assert_int_equal(j->checkpoint, VOL_SIZE);
	assert_int_equal(replica_pair_find(e.rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
	assert_int_equal(copyglue_running(e.g), 0);
	assert_same_files(&e, "a", "b");
	env_close(&e);
}

/* Count the lines of `path` that contain `needle`. */
static unsigned
count_lines(const char *path, const char *needle)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* d names c's file: the engine refuses the copy at once (-EINVAL). */
static void
test_start_fails_once(void **state)
{
	struct glue_env e;
	struct replica_result r;
	char logpath[128];
	int fd, saved;

	(void)state;
	env_open(&e, 2, true);
	snprintf(logpath, sizeof(logpath), "%s/stderr.log", e.dir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_int_equal(dup2(fd, 2), 2);
	assert_int_equal(replica_attach(e.rs, 103, 104, 4, &who, &r), 0);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	close(fd);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	assert_int_equal(replica_job_by_id(e.rs, r.job_id)->state,
	    JOB_EXCEPTION);
	assert_int_equal(replica_pair_find(e.rs, 103, 104)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(copyglue_running(e.g), 0);
	assert_int_equal(count_lines(logpath, strerror(EINVAL)), 1);
	assert_int_equal(count_lines(logpath, "cannot start copy"), 1);
	env_close(&e);
}

static void
test_terminate_cancels(void **state)
{
	struct glue_env e;
	struct replica_result r;

	(void)state;
	env_open(&e, 2, false);
	copyglue_set_rate(e.g, 64 * 1024);	/* 16 s for the volume */
	assert_int_equal(replica_attach(e.rs, 101, 102, 4, &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	uv_run(&e.loop, UV_RUN_NOWAIT);
	assert_int_equal(copyglue_running(e.g), 1);
	assert_int_equal(replica_job_request_state(e.rs, r.job_id, 4, &r.rc),
	    0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	env_run_until_done(&e, r.job_id);
	assert_int_equal(replica_job_by_id(e.rs, r.job_id)->state,
	    JOB_TERMINATED);
	assert_null(replica_pair_find(e.rs, 101, 102));
	assert_int_equal(copyglue_running(e.g), 0);
	assert_int_equal(replica_set_active_copies(e.rs), 0);
	env_close(&e);
}

/*
 * One slot, two copies: the second starts from inside the first's done
 * callback, and copyglue has taken the first out of its table by then.
 */
static void
test_queued_start_reenters(void **state)
{
	struct glue_env e;
	struct replica_result r1, r2;

	(void)state;
	env_open(&e, 1, false);
	assert_int_equal(replica_attach(e.rs, 101, 102, 4, &who, &r1), 0);
	assert_int_equal(replica_attach(e.rs, 103, 104, 4, &who, &r2), 0);
	assert_int_equal(replica_job_by_id(e.rs, r2.job_id)->state, JOB_NEW);
	e.first_job = r1.job_id;
	env_run_until_done(&e, r2.job_id);
	assert_int_equal(e.nstarts, 2);
	assert_int_equal(e.running_at_start[1], 0);
	assert_false(e.first_in_table[1]);
	assert_int_equal(replica_job_by_id(e.rs, r1.job_id)->state,
	    JOB_COMPLETED);
	assert_int_equal(replica_job_by_id(e.rs, r2.job_id)->state,
	    JOB_COMPLETED);
	assert_same_files(&e, "a", "b");
	assert_same_files(&e, "c", "d");
	env_close(&e);
}

/*
 * In a child with ARRAYD_FAILPOINT=fp, copyglue's volume_create (or
 * volume_remove) on `path`; returns the child's wait status.
 */
static int
failpoint_child(const char *fp, bool remove, const char *path)
{
	struct rvolume v = { .id = 7, .size = VOL_SIZE };
	struct replica_ops ops;
	struct copyglue *g;
	int status = 0;
	pid_t pid;

	fflush(NULL);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		setenv("ARRAYD_FAILPOINT", fp, 1);
		if ((g = copyglue_new(NULL, NULL, 0)) == NULL)
			_exit(3);
		copyglue_ops(g, &ops);
		v.path = (char *)path;
		_exit((remove ? ops.volume_remove : ops.volume_create)(ops.ctx,
		    &v) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static bool
killed(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/*
 * volume-file-created dies with the file there at its size;
 * volume-file-removed dies before the unlink; any other value changes
 * nothing.
 */
static void
test_failpoints(void **state)
{
	char dir[64], path[128];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_copyglue.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v.img", dir);
	assert_true(killed(failpoint_child("volume-file-created", false,
	    path)));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, VOL_SIZE);
	assert_true(killed(failpoint_child("volume-file-removed", true,
	    path)));
	assert_int_equal(stat(path, &st), 0);
	/* Not a failpoint of its kind, or none known: the work is done. */
	assert_int_equal(failpoint_child("volume-file-created", true, path), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(failpoint_child("volume-file-removed", false, path),
	    0);
	assert_int_equal(failpoint_child("no-such-failpoint", true, path), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_copies),
		cmocka_unit_test(test_start_fails_once),
		cmocka_unit_test(test_terminate_cancels),
		cmocka_unit_test(test_queued_start_reenters),
		cmocka_unit_test(test_failpoints),
	};

	log_init(true, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
