/* SPDX-License-Identifier: ISC */
/*
 * test_replica_health.c - volume health (replica/health.c) with the fake
 * engine: a volume lost at run time (gone, replaced by another inode,
 * shrunk) turns missing once, breaks its pairs, cancels a copy running on
 * it and ends its job in Exception naming the volume, refuses copies (4);
 * a finished copy whose file changed never turns Frozen; a queued copy
 * never starts on a lost volume; a rescan finds the volume again while its
 * pairs stay Broken until Start Copy; at start-up a lost volume is one log
 * line and an interrupted copy on it ends Exception with the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"

static uint32_t
attach_rc(struct ctx *c, uint32_t s, uint32_t t)
{
	struct replica_result r;

	assert_int_equal(replica_attach(c->rs, s, t, 4, &who, &r), 0);
	return r.rc;
}

static uint32_t
create_rc(struct ctx *c, uint32_t s, uint16_t ct)
{
	struct replica_result r;

	assert_int_equal(replica_create(c->rs, s, NULL, NULL, ct, &who, &r), 0);
	return r.rc;
}

static unsigned
sync_state(struct ctx *c, uint32_t s, uint32_t t)
{
	return replica_pair_find(c->rs, s, t)->sync_state;
}

static void
test_lost_at_run_time(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 4);
	const struct rvolume *v;

	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_int_equal(sync_state(c, 101, 102), SYNC_FROZEN);
	assert_int_equal(replica_volume_probe(c->rs, 101), 0);
	assert_int_equal(replica_volume_probe(c->rs, 999), -ENOENT);

	fake_rep_set_missing(&c->f, 102, true);
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENODEV);
	v = replica_volume_by_id(c->rs, 102);
	assert_true(v->missing);
	assert_int_equal(v->missing_why, -ENOENT);
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	assert_int_equal(logged_n(&c->f, "b): backing store"), 2);
	assert_int_equal(logged_n(&c->f, "until it is back"), 1);
	/* Once: a second look logs nothing. */
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENODEV);
	assert_int_equal(logged_n(&c->f, "until it is back"), 1);

	/* Copies from or onto it: 4; nothing is created. */
	assert_int_equal(attach_rc(c, 102, 103), REPLICA_RC_FAILED);
	assert_int_equal(create_rc(c, 102, 4), REPLICA_RC_FAILED);
	assert_int_equal(create_rc(c, 102, 5), REPLICA_RC_FAILED);
	assert_int_equal(modify_rc(c, 12, 101, 102, NULL), REPLICA_RC_FAILED);
	assert_int_equal(c->f.ncreated, 0);
	/* The other volumes copy as before. */
	j = attach_ok(c, 101, 103, 4);
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_int_equal(sync_state(c, 101, 103), SYNC_FROZEN);

	/* Back: healthy after a rescan; its pair Broken until restarted. */
	fake_rep_set_missing(&c->f, 102, false);
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENODEV);
	assert_int_equal(replica_volumes_rescan(c->rs), 0);
	assert_false(replica_volume_by_id(c->rs, 102)->missing);
	assert_true(fake_rep_logged(&c->f, "is back"));
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	assert_int_equal(modify_rc(c, 12, 101, 102, &j),
	    REPLICA_RC_JOB_STARTED);
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_int_equal(sync_state(c, 101, 102), SYNC_FROZEN);
}

static void
test_replaced_and_shrunk(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 4);

	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	j = attach_ok(c, 101, 103, 4);
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	/* Another inode at the path. */
	c->f.gen[1]++;
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENODEV);
	assert_int_equal(replica_volume_by_id(c->rs, 102)->missing_why,
	    -ESTALE);
	assert_true(fake_rep_logged(&c->f, "was replaced by another file"));
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	/* Shrunk below the volume. */
	c->f.vsize[2] = 512 * 1024;
	assert_int_equal(replica_volume_probe(c->rs, 103), -ENODEV);
	assert_int_equal(replica_volume_by_id(c->rs, 103)->missing_why,
	    -ERANGE);
	assert_true(fake_rep_logged(&c->f, "is smaller than the volume"));
	/* A rescan adopts the new inode; a configured volume takes its size. */
	assert_int_equal(replica_volumes_rescan(c->rs), 0);
	assert_false(replica_volume_by_id(c->rs, 102)->missing);
	assert_false(replica_volume_by_id(c->rs, 103)->missing);
	assert_int_equal(replica_volume_by_id(c->rs, 103)->size, 512 * 1024);
	assert_int_equal(replica_volume_probe(c->rs, 102), 0);
	/* Too small for its source now: Start Copy refused. */
	assert_int_equal(modify_rc(c, 12, 101, 103, NULL), REPLICA_RC_FAILED);
}

static void
test_running_copy_cancelled(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 4);
	const struct rjob *job;

	assert_true(fake_rep_copy(&c->f, j)->active);
	fake_rep_set_missing(&c->f, 101, true);
	assert_int_equal(replica_volume_probe(c->rs, 101), -ENODEV);
	assert_true(fake_rep_copy(&c->f, j)->cancel_asked);
	job = replica_job_by_id(c->rs, j);
	assert_int_equal(job->state, JOB_EXCEPTION);
	assert_int_equal(job->error_code, ENOENT);
	assert_non_null(strstr(job->error_desc,
	    "volume 101 (a): backing store"));
	assert_non_null(strstr(job->error_desc, "is missing"));
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	/* The target a copy was cut off in is failed too. */
	assert_true(replica_volume_by_id(c->rs, 102)->failed);
	/* The engine's answer only frees the slot. */
	assert_int_equal(replica_set_active_copies(c->rs), 1);
	assert_true(fake_rep_finish(&c->f, c->rs, j, -ECANCELED, NULL));
	assert_int_equal(replica_set_active_copies(c->rs), 0);
	assert_int_equal(replica_job_by_id(c->rs, j)->state, JOB_EXCEPTION);
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
}

static void
test_copy_done_on_changed_file(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 4);

	/* Looked at once the copy runs: the target's inode is known. */
	c->f.gen[1]++;
	/* The engine says done, but the target is another file now. */
	fake_rep_finish(&c->f, c->rs, j, 0, NULL);
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	assert_int_equal(replica_job_by_id(c->rs, j)->state, JOB_EXCEPTION);
	assert_non_null(strstr(replica_job_by_id(c->rs, j)->error_desc,
	    "was replaced"));
	/* A copy failure marks a lost source at once, too. */
	j = attach_ok(c, 103, 101, 4);
	fake_rep_set_missing(&c->f, 103, true);
	fake_rep_finish(&c->f, c->rs, j, -ENOENT, "read: No such file");
	assert_true(replica_volume_by_id(c->rs, 103)->missing);
	assert_int_equal(sync_state(c, 103, 101), SYNC_BROKEN);
	/* The engine's own account of the failure stays the job's. */
	assert_string_equal(replica_job_by_id(c->rs, j)->error_desc,
	    "read: No such file");
}

static void
test_queued_copy_never_starts(void **state)
{
	struct ctx *c = *state;
	uint64_t j1, j2;

	replica_set_max_copy_tasks(c->rs, 1);
	j1 = attach_ok(c, 101, 102, 4);
	j2 = attach_ok(c, 104, 103, 4);
	assert_int_equal(replica_job_by_id(c->rs, j2)->state, JOB_NEW);
	/* 104 vanishes unseen while its copy waits for the slot. */
	fake_rep_set_missing(&c->f, 104, true);
	fake_rep_finish(&c->f, c->rs, j1, 0, NULL);
	assert_null(fake_rep_copy(&c->f, j2));	/* never handed over */
	assert_true(replica_volume_by_id(c->rs, 104)->missing);
	assert_int_equal(replica_job_by_id(c->rs, j2)->state, JOB_EXCEPTION);
	assert_int_equal(sync_state(c, 104, 103), SYNC_BROKEN);
	assert_int_equal(replica_set_active_copies(c->rs), 0);
}

static void
test_lost_at_start(void **state)
{
	struct ctx *c = *state;
	uint64_t j = attach_ok(c, 101, 102, 4);

	/* Interrupted (the daemon died), its source gone at the restart. */
	replica_set_free(c->rs);
	c->f.ncopies = 0;
	fake_rep_set_missing(&c->f, 101, true);
	c->f.nlogs = 0;
	c->rs = fake_rep_open(&c->f, 2, true);
	assert_non_null(c->rs);
	assert_true(replica_volume_by_id(c->rs, 101)->missing);
	assert_int_equal(logged_n(&c->f, "until it is back"), 1);
	assert_true(fake_rep_logged(&c->f, "volume 101 (a): backing store"));
	assert_int_equal(replica_job_by_id(c->rs, j)->state, JOB_EXCEPTION);
	assert_non_null(strstr(replica_job_by_id(c->rs, j)->error_desc,
	    "volume 101 (a): backing store"));
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
	assert_null(fake_rep_copy(&c->f, j));
	/* Back on a rescan. */
	fake_rep_set_missing(&c->f, 101, false);
	assert_int_equal(replica_volumes_rescan(c->rs), 0);
	assert_false(replica_volume_by_id(c->rs, 101)->missing);
	assert_int_equal(sync_state(c, 101, 102), SYNC_BROKEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lost_at_run_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replaced_and_shrunk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_running_copy_cancelled,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_done_on_changed_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_queued_copy_never_starts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_at_start, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
