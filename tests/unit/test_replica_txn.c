/* SPDX-License-Identifier: ISC */
/*
 * test_replica_txn.c - commit before act: every mutating entry point of the
 * replica set, with the store made to fail its commit (store_set_faults),
 * must return the error, leave volumes, pairs and jobs exactly as they were
 * (compared through the public getters), make no engine call (the fake
 * records copy_start/copy_cancel/volume files), and a re-opened store must
 * hold what memory holds.  Also: a copy outcome or checkpoint that cannot
 * be saved, and a copy that cannot start after its change committed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"
#include "replica/replica_int.h"
#include "replica/store.h"

/* Everything the public getters show, copied. */
struct view {
	size_t nvols, npairs, njobs;
	struct rvolume vols[16];
	char paths[16][300];
	struct rpair pairs[16];
	struct rjob jobs[16];
};

static void
view_take(const struct replica_set *rs, struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->nvols = replica_volume_count(rs);
	v->npairs = replica_pair_count(rs);
	v->njobs = replica_job_count(rs);
	assert_true(v->nvols <= 16 && v->npairs <= 16 && v->njobs <= 16);
	for (size_t i = 0; i < v->nvols; i++) {
		v->vols[i] = *replica_volume_at(rs, i);
		snprintf(v->paths[i], sizeof(v->paths[i]), "%s",
		    v->vols[i].path);
		v->vols[i].path = NULL;
	}
	for (size_t i = 0; i < v->npairs; i++)
		v->pairs[i] = *replica_pair_at(rs, i);
	for (size_t i = 0; i < v->njobs; i++)
		v->jobs[i] = *replica_job_at(rs, i);
}

static void
view_equal(const struct view *a, const struct view *b)
{
	assert_int_equal(a->nvols, b->nvols);
	assert_int_equal(a->npairs, b->npairs);
	assert_int_equal(a->njobs, b->njobs);
	for (size_t i = 0; i < a->nvols; i++) {
		const struct rvolume *x = &a->vols[i], *y = &b->vols[i];

		assert_int_equal(x->id, y->id);
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->pool, y->pool);
		assert_string_equal(a->paths[i], b->paths[i]);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->is_snapshot, y->is_snapshot);
		assert_int_equal(x->parent_id, y->parent_id);
		assert_int_equal(x->configured, y->configured);
		assert_int_equal(x->failed, y->failed);
		assert_int_equal(x->created_us, y->created_us);
	}
	for (size_t i = 0; i < a->npairs; i++) {
		const struct rpair *x = &a->pairs[i], *y = &b->pairs[i];

		assert_int_equal(x->src_id, y->src_id);
		assert_int_equal(x->tgt_id, y->tgt_id);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->copy_type, y->copy_type);
		assert_int_equal(x->sync_state, y->sync_state);
		assert_int_equal(x->when_synced_us, y->when_synced_us);
		assert_int_equal(x->job_id, y->job_id);
		assert_int_equal(x->percent_synced, y->percent_synced);
	}
	for (size_t i = 0; i < a->njobs; i++) {
		const struct rjob *x = &a->jobs[i], *y = &b->jobs[i];

		assert_int_equal(x->id, y->id);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->state, y->state);
		assert_int_equal(x->percent, y->percent);
		assert_int_equal(x->submitted_us, y->submitted_us);
		assert_int_equal(x->started_us, y->started_us);
		assert_int_equal(x->ended_us, y->ended_us);
		assert_int_equal(x->last_change_us, y->last_change_us);
		assert_int_equal(x->error_code, y->error_code);
		assert_string_equal(x->error_desc, y->error_desc);
		assert_string_equal(x->owner, y->owner);
		assert_int_equal(x->src_id, y->src_id);
		assert_int_equal(x->tgt_id, y->tgt_id);
		assert_int_equal(x->bytes_done, y->bytes_done);
		assert_int_equal(x->checkpoint, y->checkpoint);
	}
}

/* Every commit from the next one on fails with -ENOSPC. */
static void
store_full(struct ctx *c)
{
	struct store_faults sf = { .fail_nth = 1, .fail_every = true,
	    .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
}

static void
store_fail_nth(struct ctx *c, unsigned n)
{
	struct store_faults sf = { .fail_nth = n, .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
}

static void
store_ok(struct ctx *c)
{
	store_set_faults(c->rs->store, NULL);
}

/* Close and re-open the store (not started): it must show `want`. */
static void
reopen_equal(struct ctx *c, const struct view *want)
{
	struct view got;

	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, false);
	assert_non_null(c->rs);
	view_take(c->rs, &got);
	view_equal(want, &got);
}

/* A Frozen CopyType 4 pair 101 -> 102, its job Completed. */
static void
frozen_pair(struct ctx *c)
{
	uint64_t id = attach_ok(c, 101, 102, 4);

	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
}

static void
test_attach(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view before, after;
	size_t ncopies = c->f.ncopies;

	view_take(c->rs, &before);
	store_full(c);
	assert_int_equal(replica_attach(c->rs, 101, 102, 4, &who, &r),
	    -ENOSPC);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_int_equal(r.job_id, 0);
	view_take(c->rs, &after);
	view_equal(&before, &after);
	assert_int_equal(c->f.ncopies, ncopies);
	assert_true(fake_rep_logged(&c->f, "change not saved"));
	/* The copy slot it would have taken is free: the next attach runs. */
	store_ok(c);
	attach_ok(c, 101, 103, 5);
	assert_int_equal(c->f.ncopies, ncopies + 1);
	view_take(c->rs, &before);
	reopen_equal(c, &before);
}

static void
test_modify(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view before, after;
	static const uint16_t ops[] = { 4, 12, 2 };	/* Resync, Start, Detach */
	size_t ncopies;

	frozen_pair(c);
	ncopies = c->f.ncopies;
	view_take(c->rs, &before);
	store_full(c);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(replica_modify(c->rs, ops[i], 101, 102, &who,
		    &r), -ENOSPC);
		assert_int_equal(r.rc, REPLICA_RC_FAILED);
		assert_int_equal(r.job_id, 0);
		view_take(c->rs, &after);
		view_equal(&before, &after);
		assert_int_equal(c->f.ncopies, ncopies);
	}
	store_ok(c);
	reopen_equal(c, &before);
}

static void
test_stop_and_terminate(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view before, after;
	uint64_t id = attach_ok(c, 101, 102, 4);
	uint32_t rc;

	view_take(c->rs, &before);
	store_full(c);
	assert_int_equal(replica_modify(c->rs, 13, 101, 102, &who, &r),
	    -ENOSPC);
	assert_int_equal(replica_job_request_state(c->rs, id, 4, &rc),
	    -ENOSPC);
	view_take(c->rs, &after);
	view_equal(&before, &after);
	assert_int_equal(c->f.ncancels, 0);
	assert_false(fake_rep_copy(&c->f, id)->cancel_asked);
	/* Saved now: the cancel follows the commit. */
	store_ok(c);
	assert_int_equal(replica_modify(c->rs, 13, 101, 102, &who, &r), 0);
	assert_int_equal(c->f.ncancels, 1);
	assert_true(fake_rep_copy(&c->f, id)->cancel_asked);
}

static void
test_create(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view before, after;
	size_t ncopies = c->f.ncopies;

	view_take(c->rs, &before);
	store_full(c);
	for (uint16_t ct = 4; ct <= 5; ct++) {
		assert_int_equal(replica_create(c->rs, 101, "r1", NULL, ct,
		    &who, &r), -ENOSPC);
		assert_int_equal(r.rc, REPLICA_RC_FAILED);
		assert_int_equal(r.target_id, 0);
		view_take(c->rs, &after);
		view_equal(&before, &after);
		assert_int_equal(c->f.ncopies, ncopies);
		/* Its intent could not be recorded: no file was made. */
		assert_int_equal(c->f.ncreated, 0);
		assert_int_equal(c->f.nremoved, 0);
	}
	assert_null(replica_volume_by_name(c->rs, "r1"));
	store_ok(c);
	reopen_equal(c, &before);
}

static void
test_job_delete(void **state)
{
	struct ctx *c = *state;
	struct view before, after;
	uint64_t id;

	frozen_pair(c);
	id = replica_job_at(c->rs, 0)->id;
	view_take(c->rs, &before);
	store_full(c);
	assert_int_equal(replica_job_delete(c->rs, id), -ENOSPC);
	view_take(c->rs, &after);
	view_equal(&before, &after);
	store_ok(c);
	reopen_equal(c, &before);
}

static void
test_volume_configure(void **state)
{
	struct ctx *c = *state;
	struct view before, after;
	char path[400];
	uint32_t id = 0;

	view_take(c->rs, &before);
	snprintf(path, sizeof(path), "%s/new.img", c->f.dir);
	store_full(c);
	assert_int_equal(replica_volume_configure(c->rs, "new", "p0", path,
	    1024 * 1024, 0, &id), -ENOSPC);
	assert_int_equal(id, 0);
	view_take(c->rs, &after);
	view_equal(&before, &after);
	assert_null(replica_volume_by_name(c->rs, "new"));
	store_ok(c);
	reopen_equal(c, &before);
}

/*
 * The outcome of a finished copy cannot be saved: the job stays Running
 * (never Completed unsaved), and the copy runs again from its stored
 * checkpoint at the next change that commits; then it completes.
 */
static void
test_copy_done(void **state)
{
	struct ctx *c = *state;
	struct view before, after;
	uint64_t id = attach_ok(c, 101, 102, 4);
	const struct rjob *j;

	view_take(c->rs, &before);
	store_full(c);
	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	view_take(c->rs, &after);
	view_equal(&before, &after);
	j = replica_job_by_id(c->rs, id);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_int_not_equal(j->percent, 100);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_RESYNC_IN_PROGRESS);
	assert_int_equal(replica_set_active_copies(c->rs), 0);
	assert_true(fake_rep_logged(&c->f, "outcome not saved"));
	/* Another change commits: the copy is started again. */
	store_ok(c);
	attach_ok(c, 104, 103, 4);
	assert_non_null(fake_rep_copy(&c->f, id));
	assert_true(fake_rep_copy(&c->f, id)->active);
	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_COMPLETED);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
}

/* A final commit that fails after a restart stays Running in the store. */
static void
test_copy_done_reopen(void **state)
{
	struct ctx *c = *state;
	struct view before;
	uint64_t id = attach_ok(c, 101, 102, 4);

	view_take(c->rs, &before);
	store_full(c);
	assert_true(fake_rep_finish(&c->f, c->rs, id, 0, NULL));
	store_ok(c);
	reopen_equal(c, &before);
	/* Started: the job resumes from its checkpoint, as after a crash. */
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_true(fake_rep_copy(&c->f, id)->active);
}

/* Checkpoints that cannot be saved: the copy goes on, logged once. */
static void
test_progress(void **state)
{
	struct ctx *c = *state;
	uint64_t id = attach_ok(c, 101, 102, 4);
	const uint64_t mib = 1024 * 1024;
	unsigned n0;

	c->f.now += 2000000;
	replica_on_copy_progress(c->rs, id, mib / 4, mib, mib / 4, mib / 4, false);
	store_full(c);
	n0 = c->f.nlogs;
	for (unsigned i = 2; i <= 3; i++) {
		c->f.now += 2000000;
		replica_on_copy_progress(c->rs, id, i * mib / 4, mib,
		    i * mib / 4, i * mib / 4, false);
	}
	assert_int_equal(c->f.nlogs - n0, 1);
	assert_true(fake_rep_logged(&c->f, "checkpoint not saved"));
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_RUNNING);
	assert_true(fake_rep_copy(&c->f, id)->active);
	assert_int_equal(c->f.ncancels, 0);
	/* Memory may run ahead of the store for progress; state may not. */
	assert_int_equal(replica_job_by_id(c->rs, id)->checkpoint, 3 * mib / 4);
	store_ok(c);
	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, false);
	assert_int_equal(replica_job_by_id(c->rs, id)->checkpoint, mib / 4);
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_RUNNING);
	/* The next saved checkpoint after a failure logs the recovery. */
	assert_int_equal(replica_set_start(c->rs), 0);
	store_fail_nth(c, 1);
	c->f.now += 2000000;
	replica_on_copy_progress(c->rs, id, mib / 2, mib, mib / 2, mib / 2, false);
	c->f.now += 2000000;
	replica_on_copy_progress(c->rs, id, mib / 2, mib, mib / 2, mib / 2, false);
	assert_true(fake_rep_logged(&c->f, "checkpoint saved again"));
	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, false);
	assert_int_equal(replica_job_by_id(c->rs, id)->checkpoint, mib / 2);
}

/*
 * copy_start fails after the change committed: the copy's failure is
 * recorded (Broken / Exception).  When that record cannot be saved, the
 * job stays Running in memory and store, and starts at the next change.
 */
static void
test_start_fails(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view mem;
	uint64_t id;

	c->f.start_err = -EIO;
	id = attach_ok(c, 101, 102, 4);
	assert_int_equal(replica_job_by_id(c->rs, id)->state, JOB_EXCEPTION);
	/* One failure, one log line (where the copy is recorded failed). */
	assert_int_equal(logged_n(&c->f, "cannot start copy"), 1);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_BROKEN);

	c->f.start_err = -EIO;
	store_fail_nth(c, 2);	/* the attach commits, its failure does not */
	assert_int_equal(replica_attach(c->rs, 101, 103, 4, &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	assert_int_equal(replica_job_by_id(c->rs, r.job_id)->state,
	    JOB_RUNNING);
	assert_int_equal(replica_set_active_copies(c->rs), 0);
	view_take(c->rs, &mem);
	store_ok(c);
	reopen_equal(c, &mem);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_true(fake_rep_copy(&c->f, r.job_id)->active);
}

/* Resume at start-up: no copy starts unless the start-up change commits. */
static void
test_set_start(void **state)
{
	struct ctx *c = *state;
	struct view before, after;
	uint64_t id = attach_ok(c, 101, 102, 4);
	size_t ncopies = c->f.ncopies;

	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, false);
	view_take(c->rs, &before);
	store_full(c);
	assert_int_equal(replica_set_start(c->rs), -ENOSPC);
	view_take(c->rs, &after);
	view_equal(&before, &after);
	assert_int_equal(c->f.ncopies, ncopies);
	assert_int_equal(replica_set_active_copies(c->rs), 0);
	store_ok(c);
	reopen_equal(c, &before);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_int_equal(c->f.ncopies, ncopies + 1);
	assert_true(fake_rep_copy(&c->f, id)->active);
}

/*
 * A queued copy is granted by the completion of another: when that
 * completion is not saved, the queued copy does not start either.
 */
static void
test_queue_grant(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct view before, after;
	uint64_t a = attach_ok(c, 101, 102, 4);
	size_t ncopies;

	attach_ok(c, 104, 103, 4);
	assert_int_equal(replica_create(c->rs, 101, "q", NULL, 5, &who, &r),
	    0);
	assert_int_equal(replica_job_by_id(c->rs, r.job_id)->state, JOB_NEW);
	ncopies = c->f.ncopies;
	view_take(c->rs, &before);
	store_full(c);
	assert_true(fake_rep_finish(&c->f, c->rs, a, 0, NULL));
	view_take(c->rs, &after);
	view_equal(&before, &after);
	assert_int_equal(c->f.ncopies, ncopies);
	/* A change that commits restarts `a` first; the queue still waits. */
	store_ok(c);
	replica_set_max_copy_tasks(c->rs, 2);
	assert_true(fake_rep_copy(&c->f, a)->active);
	assert_int_equal(replica_job_by_id(c->rs, r.job_id)->state, JOB_NEW);
	assert_true(fake_rep_finish(&c->f, c->rs, a, 0, NULL));
	assert_int_equal(replica_job_by_id(c->rs, a)->state, JOB_COMPLETED);
	assert_int_equal(replica_job_by_id(c->rs, r.job_id)->state,
	    JOB_RUNNING);
	assert_true(fake_rep_copy(&c->f, r.job_id)->active);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_terminate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_volume_configure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copy_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_done_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_grant, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
