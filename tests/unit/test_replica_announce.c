/* SPDX-License-Identifier: ISC */
/*
 * test_replica_announce.c - announce, don't poll: after each committed
 * change the replica set calls replica_ops.changed once per volume, pair
 * and job that was created, modified or deleted, with the state before and
 * after; a change that is rolled back announces nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"
#include "replica/replica_int.h"
#include "replica/store.h"

#define PAIR(s, t)	((uint64_t)(s) << 32 | (t))

/* One copy slot, so a second copy queues. */
static int
setup_one(void **state)
{
	return fixture_setup_max(state, 1);
}

static const struct fake_event *
event_at(const struct ctx *c, long i)
{
	assert_true(i >= 0 && (size_t)i < c->f.nevents);
	return &c->f.events[i];
}

/* Attach, finish, Resync: each step announces its pair and job moves. */
static void
test_pair_and_job_lifecycle(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	const struct fake_event *e;
	size_t mark;

	assert_int_equal(replica_attach(c->rs, 101, 102, 4, &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	e = event_at(c, fake_rep_event(&c->f, 0, REPLICA_PAIR,
	    REPLICA_CREATED, PAIR(101, 102)));
	assert_int_equal(e->before, 0);
	assert_int_equal(e->after,
	    replica_pair_find(c->rs, 101, 102)->sync_state);
	e = event_at(c, fake_rep_event(&c->f, 0, REPLICA_JOB,
	    REPLICA_CREATED, r.job_id));
	assert_int_equal(e->after, JOB_RUNNING);
	/* Announced after the commit, before the engine call returns. */
	assert_int_equal(c->f.ncopies, 1);

	mark = c->f.nevents;
	assert_true(fake_rep_finish(&c->f, c->rs, r.job_id, 0, NULL));
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_PAIR,
	    REPLICA_MODIFIED, PAIR(101, 102)));
	assert_int_equal(e->before, SYNC_RESYNC_IN_PROGRESS);
	assert_int_equal(e->after, SYNC_FROZEN);
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, r.job_id));
	assert_int_equal(e->before, JOB_RUNNING);
	assert_int_equal(e->after, JOB_COMPLETED);
	/* Nothing else changed: volumes are not announced. */
	assert_int_equal(fake_rep_event(&c->f, mark, REPLICA_VOLUME,
	    REPLICA_MODIFIED, 101), -1);
	assert_int_equal(fake_rep_event(&c->f, mark, REPLICA_VOLUME,
	    REPLICA_MODIFIED, 102), -1);

	mark = c->f.nevents;
	assert_int_equal(replica_modify(c->rs, REPLICA_OP_RESYNC, 101, 102,
	    &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_PAIR,
	    REPLICA_MODIFIED, PAIR(101, 102)));
	assert_int_equal(e->before, SYNC_FROZEN);
	assert_int_equal(e->after, SYNC_RESYNC_IN_PROGRESS);
	assert_true(fake_rep_event(&c->f, mark, REPLICA_JOB, REPLICA_CREATED,
	    r.job_id) >= 0);
}

/* A queued job is created New, and announced again when it is granted. */
static void
test_queue_grant(void **state)
{
	struct ctx *c = *state;
	struct replica_result r1, r2;
	const struct fake_event *e;
	size_t mark;

	assert_int_equal(replica_attach(c->rs, 101, 102, 5, &who, &r1), 0);
	assert_int_equal(replica_attach(c->rs, 101, 103, 5, &who, &r2), 0);
	e = event_at(c, fake_rep_event(&c->f, 0, REPLICA_JOB,
	    REPLICA_CREATED, r2.job_id));
	assert_int_equal(e->after, JOB_NEW);
	mark = c->f.nevents;
	assert_true(fake_rep_finish(&c->f, c->rs, r1.job_id, 0, NULL));
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, r2.job_id));
	assert_int_equal(e->before, JOB_NEW);
	assert_int_equal(e->after, JOB_RUNNING);
}

/* A snapshot volume is announced created; a deleted job deleted. */
static void
test_volume_created_job_deleted(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	const struct rvolume *v;
	size_t mark;

	assert_int_equal(replica_create(c->rs, 101, "snap1", NULL, 5, &who,
	    &r), 0);
	assert_int_not_equal(r.target_id, 0);
	v = replica_volume_by_name(c->rs, "snap1");
	assert_non_null(v);
	assert_true(fake_rep_event(&c->f, 0, REPLICA_VOLUME, REPLICA_CREATED,
	    v->id) >= 0);
	assert_true(fake_rep_finish(&c->f, c->rs, r.job_id, 0, NULL));
	mark = c->f.nevents;
	assert_int_equal(replica_job_delete(c->rs, r.job_id), 0);
	assert_true(fake_rep_event(&c->f, mark, REPLICA_JOB, REPLICA_DELETED,
	    r.job_id) >= 0);
	assert_int_equal(c->f.nevents, mark + 1);
}

/* A change whose commit fails is undone and never announced. */
static void
test_rolled_back_is_silent(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct store_faults sf = { .fail_nth = 1, .fail_every = true,
	    .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
	assert_int_equal(replica_attach(c->rs, 101, 102, 4, &who, &r),
	    -ENOSPC);
	assert_int_equal(replica_create(c->rs, 101, "r1", NULL, 4, &who, &r),
	    -ENOSPC);
	assert_int_equal(c->f.nevents, 0);
	store_set_faults(c->rs->store, NULL);
}

/* A checkpoint saved outside a change is announced (and only when saved). */
static void
test_checkpoint_announced(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	const struct fake_event *e;
	size_t mark = c->f.nevents;

	/* Within the interval: memory only, nothing announced. */
	replica_on_copy_progress(c->rs, id, 4096, 1 << 20, 4096, 4096, false);
	assert_int_equal(c->f.nevents, mark);
	c->f.now += 2 * REPLICA_CKPT_INTERVAL_US;
	replica_on_copy_progress(c->rs, id, 1 << 19, 1 << 20, 1 << 19,
	    1 << 19, false);
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, id));
	assert_int_equal(e->before, JOB_RUNNING);
	assert_int_equal(e->after, JOB_RUNNING);
	assert_int_equal(c->f.nevents, mark + 1);
}

/*
 * A checkpoint's `before` is the job as last announced, not as the
 * previous (unannounced) chunk left it: otherwise before.percent ==
 * after.percent and listeners never see progress (notes/bugs-ind.md).
 */
static void
test_checkpoint_before_is_last_announced(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	const struct fake_event *e;
	size_t mark = c->f.nevents;

	replica_on_copy_progress(c->rs, id, 1 << 18, 1 << 20, 1 << 18,
	    1 << 18, false);
	c->f.now += 2 * REPLICA_CKPT_INTERVAL_US;
	replica_on_copy_progress(c->rs, id, 1 << 19, 1 << 20, 1 << 19,
	    1 << 19, false);
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, id));
	assert_int_equal(e->pct_before, 0);
	assert_int_equal(e->pct_after, 50);
	/* Three chunks, then the next checkpoint: 50 -> 87. */
	mark = c->f.nevents;
	replica_on_copy_progress(c->rs, id, 5 << 17, 1 << 20, 5 << 17,
	    5 << 17, false);
	replica_on_copy_progress(c->rs, id, 6 << 17, 1 << 20, 6 << 17,
	    6 << 17, false);
	assert_int_equal(c->f.nevents, mark);
	c->f.now += 2 * REPLICA_CKPT_INTERVAL_US;
	replica_on_copy_progress(c->rs, id, 7 << 17, 1 << 20, 7 << 17,
	    7 << 17, false);
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, id));
	assert_int_equal(e->pct_before, 50);
	assert_int_equal(e->pct_after, 87);
	assert_int_equal(c->f.nevents, mark + 1);
}

/*
 * A copy's last numbers are not a checkpoint of their own: its outcome's
 * change saves them, so the end of a copy is one store write and one
 * announcement of the job, not two.
 */
static void
test_last_progress_saved_with_outcome(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	const struct fake_event *e;
	size_t mark;

	c->f.now += 2 * REPLICA_CKPT_INTERVAL_US;	/* a checkpoint is due */
	mark = c->f.nevents;
	replica_on_copy_progress(c->rs, id, 1 << 20, 1 << 20, 1 << 20,
	    1 << 20, true);
	assert_int_equal(c->f.nevents, mark);
	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	e = event_at(c, fake_rep_event(&c->f, mark, REPLICA_JOB,
	    REPLICA_MODIFIED, id));
	assert_int_equal(e->after, JOB_COMPLETED);
	assert_int_equal(fake_rep_event(&c->f, (size_t)(e - c->f.events) + 1,
	    REPLICA_JOB, REPLICA_MODIFIED, id), -1);
	/* The final numbers are in the store. */
	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 1, false);
	assert_non_null(c->rs);
	assert_int_equal(replica_job_by_id(c->rs, id)->bytes_done, 1 << 20);
	assert_int_equal(replica_job_by_id(c->rs, id)->bytes_written, 1 << 20);
}

/* The set under test, for the engine hooks below. */
static struct replica_set *hook_rs;
static unsigned hook_cancels_in_change;

/* copy_cancel that notes a call made while a change is still open. */
static void
hook_cancel(void *ctx, uint64_t job_id)
{
	if (hook_rs->in_txn)
		hook_cancels_in_change++;
	fake_rep_copy_cancel(ctx, job_id);
}

static void
hook_install(struct ctx *c)
{
	hook_rs = c->rs;
	hook_cancels_in_change = 0;
	c->rs->ops.copy_cancel = hook_cancel;
}

/*
 * A volume lost under a running copy: the cancel is part of the change, so
 * a change that is not saved cancels nothing, and a saved one cancels
 * after its commit.
 */
static void
test_lost_volume_cancel_after_commit(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	struct store_faults sf = { .fail_nth = 1, .fail_every = true,
	    .err = -ENOSPC };
	size_t mark = c->f.nevents;

	hook_install(c);
	fake_rep_set_missing(&c->f, 102, true);
	store_set_faults(c->rs->store, &sf);
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENOSPC);
	assert_int_equal(c->f.ncancels, 0);
	assert_int_equal(c->f.nevents, mark);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_RESYNC_IN_PROGRESS);
	store_set_faults(c->rs->store, NULL);
	assert_int_equal(replica_volume_probe(c->rs, 102), -ENODEV);
	assert_int_equal(c->f.ncancels, 1);
	assert_int_equal(hook_cancels_in_change, 0);
	assert_true(fake_rep_copy(&c->f, id)->cancel_asked);
	assert_true(fake_rep_event(&c->f, mark, REPLICA_PAIR, REPLICA_MODIFIED,
	    PAIR(101, 102)) >= 0);
}

/* Shutdown parks running copies; it cancels them after its change. */
static void
test_shutdown_cancels_after_commit(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);

	hook_install(c);
	replica_set_shutdown(c->rs);
	assert_int_equal(c->f.ncancels, 1);
	assert_int_equal(hook_cancels_in_change, 0);
	assert_true(fake_rep_finish(&c->f, c->rs, id, -ECANCELED, NULL));
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_RUNNING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pair_and_job_lifecycle,
		    setup_one, teardown),
		cmocka_unit_test_setup_teardown(test_queue_grant, setup_one,
		    teardown),
		cmocka_unit_test_setup_teardown(test_volume_created_job_deleted,
		    setup_one, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_is_silent,
		    setup_one, teardown),
		cmocka_unit_test_setup_teardown(
		    test_last_progress_saved_with_outcome, setup_one, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_announced,
		    setup_one, teardown),
		cmocka_unit_test_setup_teardown(
		    test_checkpoint_before_is_last_announced, setup_one,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_lost_volume_cancel_after_commit, setup_one, teardown),
		cmocka_unit_test_setup_teardown(
		    test_shutdown_cancels_after_commit, setup_one, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
