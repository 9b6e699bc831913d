/* SPDX-License-Identifier: ISC */
/*
 * test_replica_replica.c - the replica methods with a fake copy engine:
 * attach checks and return values, the copy queue (max 2, three copies),
 * two clients racing on one pair, failure -> Broken -> Resync refused ->
 * Start Copy recovers, Stop Copy, virtual copy create + restore (+ halt),
 * CopyType 5 clones, job state requests and deletion, progress.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"

static void
test_attach_checks(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;

	assert_int_equal(replica_attach(c->rs, 101, 102, 3, &who, &r), 0);
	assert_int_equal(r.rc, 5);
	assert_int_equal(replica_attach(c->rs, 101, 999, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	assert_int_equal(replica_attach(c->rs, 999, 101, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	assert_int_equal(replica_attach(c->rs, 101, 101, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	/* Target smaller than the source. */
	assert_int_equal(replica_attach(c->rs, 101, 104, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	assert_int_equal(r.job_id, 0);
	attach_ok(c, 101, 102, 4);
	/* 102 is already the replica of 101: in use, also from 103. */
	assert_int_equal(replica_attach(c->rs, 103, 102, 4, &who, &r), 0);
	assert_int_equal(r.rc, 6);
	assert_int_equal(replica_attach(c->rs, 101, 102, 4, &who, &r), 0);
	assert_int_equal(r.rc, 6);
	/* 102 is being written: it cannot be a source. */
	assert_int_equal(replica_attach(c->rs, 102, 103, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	/* A snapshot is not a base volume. */
	assert_int_equal(replica_create(c->rs, 103, "snap", NULL, 4, &who, &r),
	    0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(replica_attach(c->rs, 101, r.target_id, 4, &who, &r),
	    0);
	assert_int_equal(r.rc, 4);
}

static void
test_attach_complete(void **state)
{
	struct ctx *c = *state;
	const struct rpair *p;
	const struct rjob *j;
	uint64_t id = attach_ok(c, 101, 102, 4);

	p = replica_pair_find(c->rs, 101, 102);
	assert_non_null(p);
	assert_int_equal(p->sync_state, SYNC_RESYNC_IN_PROGRESS);
	assert_int_equal(p->when_synced_us, 0);
	assert_int_equal(p->kind, PAIR_PC);
	j = replica_job_by_id(c->rs, id);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_string_equal(j->owner, "alice");
	assert_string_equal(j->method, "AttachOrModifyReplica");
	assert_true(j->started_us >= j->submitted_us);
	assert_int_equal(fake_rep_copy(&c->f, id)->mode, REPLICA_COPY_FULL);
	replica_on_copy_progress(c->rs, id, 999 * 1024, 1024 * 1024, 0, 0, false);
	assert_int_equal(j->percent, 97);
	replica_on_copy_progress(c->rs, id, 1024 * 1024, 1024 * 1024, 0, 0, false);
	assert_int_equal(j->percent, 99);	/* never 100 before done */
	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	p = replica_pair_find(c->rs, 101, 102);
	assert_int_equal(p->sync_state, SYNC_FROZEN);
	assert_true(p->when_synced_us != 0);
	assert_int_equal(p->job_id, 0);
	j = replica_job_by_id(c->rs, id);
	assert_int_equal(j->state, JOB_COMPLETED);
	assert_int_equal(j->percent, 100);
	assert_int_equal(j->error_code, 0);
	assert_true(j->ended_us >= j->started_us);
	assert_true(fake_rep_logged(&c->f, "job "));
	/* Detach: pair gone, 0, no job; a second detach finds no pair: 4. */
	assert_int_equal(modify_rc(c, 2, 101, 102, &id), 0);
	assert_int_equal(id, 0);
	assert_null(replica_pair_find(c->rs, 101, 102));
	assert_int_equal(modify_rc(c, 2, 101, 102, NULL), 4);
}

static void
test_queue(void **state)
{
	struct ctx *c = *state;
	uint64_t j1 = attach_ok(c, 101, 102, 4);
	uint64_t j2 = attach_ok(c, 101, 103, 5);
	struct replica_result r;
	uint64_t j3;

	assert_int_equal(replica_create(c->rs, 102 - 1, "clone", NULL, 5, &who,
	    &r), 0);
	/* 101 is only read by j1/j2, so a clone of it is allowed: queued. */
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	j3 = r.job_id;
	assert_true(j1 < j2 && j2 < j3);
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_NEW);
	assert_int_equal(replica_job_by_id(c->rs, j3)->started_us, 0);
	assert_int_equal(replica_pair_find(c->rs, 101, r.target_id)->sync_state,
	    SYNC_INITIALIZED);
	assert_int_equal(fake_rep_active(&c->f), 2);
	/* A slot frees on failure too; FIFO: j3 starts. */
	assert_true(fake_rep_finish(&c->f, c->rs, j2, -ENOSPC, NULL));
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_RUNNING);
	assert_int_equal(replica_pair_find(c->rs, 101, r.target_id)->sync_state,
	    SYNC_RESYNC_IN_PROGRESS);
	assert_int_equal(fake_rep_active(&c->f), 2);
	assert_true(fake_rep_logged(&c->f,
	    "copy failed: No space left on device"));
	/* CopyType 5 failure: Broken pair, Exception job. */
	assert_int_equal(replica_pair_find(c->rs, 101, 103)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(replica_job_by_id(c->rs, j2)->error_code, ENOSPC);
	/* CopyType 5 completion: the pair disappears. */
	assert_true(fake_rep_finish(&c->f, c->rs, j3, 0, NULL));
	assert_null(replica_pair_find(c->rs, 101, r.target_id));
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_COMPLETED);
	/* Lowering and raising the limit. */
	replica_set_max_copy_tasks(c->rs, 1);
	assert_int_equal(replica_set_active_copies(c->rs), 1);
}

static void
test_race(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4), j2;

	fake_rep_finish(&c->f, c->rs, id, 0, NULL);
	/* Two clients resync the same Frozen pair: the second finds it busy. */
	assert_int_equal(modify_rc(c, 4, 101, 102, &id), 4096);
	assert_int_equal(modify_rc(c, 4, 101, 102, &j2), 4);
	assert_int_equal(j2, 0);
	assert_int_equal(fake_rep_copy(&c->f, id)->mode, REPLICA_COPY_DIFF);
	/* Two clients detach/stop: first stop 0, second finds no pair: 4. */
	assert_int_equal(modify_rc(c, 13, 101, 102, NULL), 0);
	assert_int_equal(modify_rc(c, 13, 101, 102, NULL), 4);
	/* Two attaches of the same target: 4096 then 6. */
	attach_ok(c, 101, 102, 4);
	{
		struct replica_result r;

		assert_int_equal(replica_attach(c->rs, 103, 102, 4, &who, &r),
		    0);
		assert_int_equal(r.rc, 6);
	}
}

/* A copy whose file changed under it: Broken, Exception, the volume logged. */
static void
test_copy_volume_changed(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	struct rjob rj = { .kind = JOB_KIND_RESTORE, .reverse = true,
	    .src_id = 101, .tgt_id = 150 };
	const struct rjob *j;
	char line[96];

	fake_rep_copy(&c->f, id)->active = false;
	replica_on_copy_volume_changed(c->rs, id, REPLICA_SIDE_TARGET, -ESTALE,
	    "target /p/vol1.img was unlinked");
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_BROKEN);
	j = replica_job_by_id(c->rs, id);
	assert_int_equal(j->state, JOB_EXCEPTION);
	assert_int_equal(j->error_code, ESTALE);
	assert_string_equal(j->error_desc, "target /p/vol1.img was unlinked");
	snprintf(line, sizeof(line), "volume 102 (%s): target /p/vol1.img was "
	    "unlinked; job %" PRIu64 " fails",
	    replica_volume_by_id(c->rs, 102)->name, id);
	assert_true(fake_rep_logged(&c->f, line));
	/* A Restore reads the pair's target and writes its source. */
	assert_int_equal(replica_copy_side_volume(&rj, REPLICA_SIDE_SOURCE), 150);
	assert_int_equal(replica_copy_side_volume(&rj, REPLICA_SIDE_TARGET), 101);
	rj.kind = JOB_KIND_RESYNC;
	rj.reverse = false;
	assert_int_equal(replica_copy_side_volume(&rj, REPLICA_SIDE_SOURCE), 101);
	assert_int_equal(replica_copy_side_volume(&rj, REPLICA_SIDE_TARGET), 150);
}

static void
test_fail_recover(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4), j2;
	const struct rpair *p;
	int64_t ws;

	fake_rep_finish(&c->f, c->rs, id, 0, NULL);
	ws = replica_pair_find(c->rs, 101, 102)->when_synced_us;
	assert_int_equal(modify_rc(c, 12, 101, 102, &id), 4096);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_COPY_IN_PROGRESS);
	replica_on_copy_progress(c->rs, id, 1 << 19, 1 << 20, 1 << 19, 1 << 19, false);
	fake_rep_finish(&c->f, c->rs, id, -EIO, "read error at byte 524288");
	p = replica_pair_find(c->rs, 101, 102);
	assert_int_equal(p->sync_state, SYNC_BROKEN);
	assert_int_equal(p->when_synced_us, ws);	/* kept */
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_EXCEPTION);
	assert_int_equal(replica_job_by_id(c->rs, id)->percent, 100);
	assert_int_equal(replica_job_by_id(c->rs, id)->error_code, EIO);
	assert_string_equal(replica_job_by_id(c->rs, id)->error_desc,
	    "read error at byte 524288");
	assert_true(replica_volume_by_id(c->rs, 102)->failed);
	assert_int_equal(modify_rc(c, 4, 101, 102, NULL), 4);
	assert_int_equal(modify_rc(c, 2, 101, 102, NULL), 4);
	assert_int_equal(modify_rc(c, 13, 101, 102, NULL), 4);
	assert_int_equal(modify_rc(c, 5, 101, 102, NULL), 5);
	assert_int_equal(modify_rc(c, 3, 101, 102, NULL), 1);
	assert_int_equal(modify_rc(c, 14, 101, 102, NULL), 5);
	assert_int_equal(modify_rc(c, 12, 101, 102, &j2), 4096);
	assert_int_equal(fake_rep_copy(&c->f, j2)->mode, REPLICA_COPY_FULL);
	fake_rep_finish(&c->f, c->rs, j2, 0, NULL);
	p = replica_pair_find(c->rs, 101, 102);
	assert_int_equal(p->sync_state, SYNC_FROZEN);
	assert_true(p->when_synced_us > ws);
	assert_false(replica_volume_by_id(c->rs, 102)->failed);
	/* copy_start failing at once: Broken, Exception. */
	c->f.start_err = -EACCES;
	assert_int_equal(modify_rc(c, 4, 101, 102, &j2), 4096);
	assert_int_equal(replica_job_by_id(c->rs, j2)->state, JOB_EXCEPTION);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_BROKEN);
}

static void
test_stop_copy(void **state)
{
	struct ctx *c = *state;
	uint64_t j1 = attach_ok(c, 101, 102, 4);
	uint64_t j2 = attach_ok(c, 101, 103, 4);
	struct replica_result r;
	uint64_t j3;

	assert_int_equal(replica_create(c->rs, 101, NULL, NULL, 5, &who, &r), 0);
	j3 = r.job_id;
	assert_string_equal(replica_volume_by_id(c->rs, r.target_id)->name,
	    "a.0");
	/* Stop a running copy: 0 at once, the slot frees when it stops. */
	assert_int_equal(modify_rc(c, 13, 101, 102, NULL), 0);
	assert_null(replica_pair_find(c->rs, 101, 102));
	assert_int_equal(replica_job_by_id(c->rs, j1)->state, JOB_TERMINATED);
	assert_true(replica_volume_by_id(c->rs, 102)->failed);
	assert_true(fake_rep_copy(&c->f, j1)->cancel_asked);
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_NEW);
	assert_int_equal(replica_job_delete(c->rs, j1), -EBUSY);
	fake_rep_finish(&c->f, c->rs, j1, -ECANCELED, NULL);
	assert_int_equal(replica_job_by_id(c->rs, j1)->state, JOB_TERMINATED);
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_RUNNING);
	/* Stop a queued copy: no cancel needed. */
	assert_int_equal(modify_rc(c, 13, 101, r.target_id, NULL), 0);
	fake_rep_finish(&c->f, c->rs, j3, -ECANCELED, NULL);
	/* A finished copy cannot be stopped. */
	fake_rep_finish(&c->f, c->rs, j2, 0, NULL);
	assert_int_equal(modify_rc(c, 13, 101, 103, NULL), 4);
	/* A new attach clears the target's failed flag. */
	attach_ok(c, 101, 102, 4);
	assert_false(replica_volume_by_id(c->rs, 102)->failed);
}

static void
test_vc(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	const struct rvolume *v;
	const struct rpair *p;
	uint64_t hid, j;
	uint32_t snap, rc;

	assert_int_equal(replica_create(c->rs, 101, "bad name", NULL, 4, &who,
	    &r), 0);
	assert_int_equal(r.rc, 5);
	assert_int_equal(replica_create(c->rs, 101, "x", "nopool", 4, &who, &r),
	    0);
	assert_int_equal(r.rc, 5);
	assert_int_equal(replica_create(c->rs, 101, "x", NULL, 2, &who, &r), 0);
	assert_int_equal(r.rc, 5);
	assert_int_equal(replica_create(c->rs, 999, "x", NULL, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	assert_int_equal(replica_create(c->rs, 101, "b", NULL, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	c->f.create_err = -ENOSPC;
	assert_int_equal(replica_create(c->rs, 101, "x", NULL, 4, &who, &r), 0);
	assert_int_equal(r.rc, 4);
	assert_int_equal(replica_create(c->rs, 101, "snap1", "p0", 4, &who, &r),
	    0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.job_id, 0);
	snap = r.target_id;
	v = replica_volume_by_id(c->rs, snap);
	assert_true(v->is_snapshot);
	assert_int_equal(v->parent_id, 101);
	assert_int_equal(v->size, 1024 * 1024);
	assert_string_equal(v->pool, "p0");
	assert_true(strstr(v->path, "/snap1.img") != NULL);
	p = replica_pair_find(c->rs, 101, snap);
	assert_int_equal(p->kind, PAIR_VC);
	assert_int_equal(p->sync_state, SYNC_RESYNC_IN_PROGRESS);
	hid = p->job_id;
	assert_true(replica_job_by_id(c->rs, hid)->hidden);
	assert_int_equal(fake_rep_copy(&c->f, hid)->mode, REPLICA_COPY_CLONE);
	/* Hidden jobs are invisible to callers. */
	assert_int_equal(replica_job_request_state(c->rs, hid, 4, &rc),
	    -ENOENT);
	assert_int_equal(replica_job_delete(c->rs, hid), -ENOENT);
	/* Snapshots do not take copy slots: two PCs still start. */
	attach_ok(c, 102, 103, 4);
	assert_int_equal(replica_set_active_copies(c->rs), 2);
	assert_int_equal(modify_rc(c, 5, 101, snap, NULL), 4);
	fake_rep_finish(&c->f, c->rs, hid, 0, NULL);
	p = replica_pair_find(c->rs, 101, snap);
	assert_int_equal(p->sync_state, SYNC_IDLE);
	assert_true(p->when_synced_us != 0);
	assert_int_equal(modify_rc(c, 4, 101, snap, NULL), 5);
	assert_int_equal(modify_rc(c, 2, 101, snap, NULL), 5);
	assert_int_equal(modify_rc(c, 12, 101, snap, NULL), 5);
	assert_int_equal(modify_rc(c, 13, 101, snap, NULL), 5);
	/* Restore: snapshot -> source, differing chunks only. */
	assert_int_equal(modify_rc(c, 5, 101, snap, &j), 4096);
	assert_int_equal(replica_pair_find(c->rs, 101, snap)->sync_state,
	    SYNC_RESTORE_IN_PROGRESS);
	assert_int_equal(fake_rep_copy(&c->f, j)->from, snap);
	assert_int_equal(fake_rep_copy(&c->f, j)->to, 101);
	assert_int_equal(fake_rep_copy(&c->f, j)->mode, REPLICA_COPY_DIFF);
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_int_equal(replica_pair_find(c->rs, 101, snap)->sync_state,
	    SYNC_IDLE);
	/* Halting a restore: 4096, then Broken once the copy stops. */
	assert_int_equal(modify_rc(c, 5, 101, snap, &j), 4096);
	assert_int_equal(replica_job_request_state(c->rs, j, 4, &rc), 0);
	assert_int_equal(rc, 4096);
	assert_int_equal(replica_job_by_id(c->rs, j)->state, JOB_RUNNING);
	fake_rep_finish(&c->f, c->rs, j, -ECANCELED, NULL);
	assert_int_equal(replica_pair_find(c->rs, 101, snap)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(replica_job_by_id(c->rs, j)->state, JOB_TERMINATED);
	assert_true(replica_volume_by_id(c->rs, 101)->failed);
	/* Default names: smallest free n. */
	assert_int_equal(replica_create(c->rs, 102, NULL, NULL, 4, &who, &r), 0);
	assert_string_equal(replica_volume_by_id(c->rs, r.target_id)->name,
	    "b.0");
	assert_int_equal(replica_create(c->rs, 102, NULL, NULL, 4, &who, &r), 0);
	assert_string_equal(replica_volume_by_id(c->rs, r.target_id)->name,
	    "b.1");
}

static void
test_job_requests(void **state)
{
	struct ctx *c = *state;
	uint64_t j1 = attach_ok(c, 101, 102, 4);
	uint64_t j2 = attach_ok(c, 101, 103, 4);
	struct replica_result r;
	uint32_t rc;
	uint64_t j3;

	assert_int_equal(replica_create(c->rs, 101, "cl", NULL, 5, &who, &r), 0);
	j3 = r.job_id;
	for (uint16_t s = 2; s <= 6; s++) {
		if (s == 4)
			continue;
		assert_int_equal(replica_job_request_state(c->rs, j1, s, &rc), 0);
		assert_int_equal(rc, 1);
	}
	assert_int_equal(replica_job_request_state(c->rs, j1, 7, &rc), 0);
	assert_int_equal(rc, 5);
	assert_int_equal(replica_job_request_state(c->rs, j1, 0, &rc), 0);
	assert_int_equal(rc, 5);
	assert_int_equal(replica_job_request_state(c->rs, 9999, 4, &rc),
	    -ENOENT);
	/* Terminate a queued job: finished at once. */
	assert_int_equal(replica_job_request_state(c->rs, j3, 4, &rc), 0);
	assert_int_equal(rc, 4096);
	assert_int_equal(replica_job_by_id(c->rs, j3)->state, JOB_TERMINATED);
	assert_null(replica_pair_find(c->rs, 101, r.target_id));
	/* Terminate a running PC job: halted when the copy stops. */
	assert_int_equal(replica_job_request_state(c->rs, j1, 4, &rc), 0);
	assert_int_equal(rc, 4096);
	assert_true(fake_rep_copy(&c->f, j1)->cancel_asked);
	assert_int_equal(replica_job_delete(c->rs, j1), -EBUSY);
	fake_rep_finish(&c->f, c->rs, j1, -ECANCELED, NULL);
	assert_int_equal(replica_job_by_id(c->rs, j1)->state, JOB_TERMINATED);
	assert_null(replica_pair_find(c->rs, 101, 102));
	assert_true(replica_volume_by_id(c->rs, 102)->failed);
	/* The halt loses the race: the copy completes, pair Frozen. */
	assert_int_equal(replica_job_request_state(c->rs, j2, 4, &rc), 0);
	fake_rep_finish(&c->f, c->rs, j2, 0, NULL);
	assert_int_equal(replica_job_by_id(c->rs, j2)->state, JOB_COMPLETED);
	assert_int_equal(replica_pair_find(c->rs, 101, 103)->sync_state,
	    SYNC_FROZEN);
	/* Finished jobs: terminate 4, delete 0 then -ENOENT. */
	assert_int_equal(replica_job_request_state(c->rs, j2, 4, &rc), 0);
	assert_int_equal(rc, 4);
	assert_int_equal(replica_job_delete(c->rs, j2), 0);
	assert_null(replica_job_by_id(c->rs, j2));
	assert_int_equal(replica_job_delete(c->rs, j2), -ENOENT);
	assert_int_equal(replica_job_request_state(c->rs, j2, 4, &rc), -ENOENT);
}

static void
test_broken_ct5_reattach(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 5);

	fake_rep_finish(&c->f, c->rs, j, -EIO, NULL);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(modify_rc(c, 12, 101, 102, NULL), 5);
	assert_int_equal(modify_rc(c, 4, 101, 102, NULL), 5);
	/* Re-attaching the same two volumes restarts the copy. */
	j = attach_ok(c, 101, 102, 5);
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_null(replica_pair_find(c->rs, 101, 102));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_volume_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_ct5_reattach, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
