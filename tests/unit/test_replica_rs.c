/* SPDX-License-Identifier: ISC */
/*
 * test_replica_rs.c - the Replication Services compositions of
 * replica/method.c: CreateElementReplica without a target
 * (replica_create_attached: a volume of exactly the source's size made as
 * Block Services makes one, then a CopyType 4 attach onto it; every
 * refusal leaves no volume and no file, an attach that refuses after the
 * volume was made deletes it again) and Return To ResourcePool of a
 * physical copy pair (replica_pair_return_target: the pair and its target
 * go in one change from Frozen or Broken; a copying pair, a snapshot pair,
 * no pair and a target that is not deletable are refused, unchanged).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"
#include "replica/replica_int.h"
#include "replica/store.h"

#define MiB	(1ull << 20)

static const struct replica_caller rsw = { "alice", "CreateElementReplica" };

/* One copy slot, so a second copy queues. */
static int
setup_one(void **state)
{
	return fixture_setup_max(state, 1);
}

/* CreateElementReplica: the function's 0 asserted, the result returned. */
static struct replica_result
ca(struct ctx *c, uint32_t src, const char *name, const char *pool)
{
	struct replica_result r;

	assert_int_equal(replica_create_attached(c->rs, src, name, pool, &rsw,
	    &r), 0);
	if (r.rc != REPLICA_RC_JOB_STARTED) {
		assert_int_equal(r.job_id, 0);
		assert_int_equal(r.target_id, 0);
	}
	return r;
}

/* ... which must start: the new volume's id; its job in *job. */
static uint32_t
ca_ok(struct ctx *c, uint32_t src, const char *name, uint64_t *job)
{
	struct replica_result r = ca(c, src, name, NULL);

	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	assert_true(r.job_id != 0);
	assert_true(r.target_id > 104);
	if (job != NULL)
		*job = r.job_id;
	return r.target_id;
}

static uint32_t
rt_rc(struct ctx *c, uint32_t src, uint32_t tgt)
{
	uint32_t rc = 12345;

	assert_int_equal(replica_pair_return_target(c->rs, src, tgt, &rsw,
	    &rc), 0);
	return rc;
}

/* The file intent as the store has it ("" also when never written). */
static void
intent_is(struct ctx *c, const char *want)
{
	char buf[4200] = "";
	int err = store_meta_get(c->rs->store, "file_intent", buf,
	    sizeof(buf));

	assert_true(err == 0 || err == -ENOENT);
	assert_string_equal(buf, want);
}

static void
path_of(const struct ctx *c, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.img", c->f.dir, name);
}

static void
store_fail_nth(struct ctx *c, unsigned n)
{
	struct store_faults sf = { .fail_nth = n, .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
}

/* Nothing made since the fixture: volumes, pairs, files, counters. */
static void
nothing_made(struct ctx *c, size_t nvols, size_t npairs)
{
	struct replica_counters ctr;

	assert_int_equal(replica_volume_count(c->rs), nvols);
	assert_int_equal(replica_pair_count(c->rs), npairs);
	assert_int_equal(c->f.ncreated, c->f.nremoved);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 0);
	assert_int_equal(ctr.volumes_deleted, 0);
	intent_is(c, "");
}

/* ------------------------------------------------------ create_attached */

/*
 * A new volume of exactly the source's size (not rounded to 256 MiB), a
 * PC pair CopyType 4 copying onto it, its job Running with a FULL copy;
 * the copy's end leaves the pair Frozen and the volume kept.
 */
static void
test_ca_ok(void **state)
{
	struct ctx *c = *state;
	const struct rvolume *v;
	const struct rpair *p;
	const struct rjob *j;
	struct fake_copy *fc;
	struct replica_counters ctr;
	char path[400];
	uint64_t job;
	uint32_t id;

	id = ca_ok(c, 101, "cl", &job);
	assert_int_equal(id, 105);
	v = replica_volume_by_id(c->rs, id);
	assert_non_null(v);
	assert_string_equal(v->name, "cl");
	assert_string_equal(v->pool, "p0");
	assert_int_equal(v->size, 1 * MiB);
	assert_false(v->is_snapshot);
	assert_false(v->configured);
	path_of(c, "cl", path, sizeof(path));
	assert_string_equal(v->path, path);
	assert_int_equal(c->f.ncreated, 1);
	assert_string_equal(c->f.created_path, path);
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");

	p = replica_pair_find(c->rs, 101, id);
	assert_non_null(p);
	assert_int_equal(p->kind, PAIR_PC);
	assert_int_equal(p->copy_type, 4);
	assert_int_equal(p->job_id, job);
	j = replica_job_by_id(c->rs, job);
	assert_non_null(j);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_int_equal(j->src_id, 101);
	assert_int_equal(j->tgt_id, id);
	assert_string_equal(j->method, "CreateElementReplica");
	fc = fake_rep_copy(&c->f, job);
	assert_non_null(fc);
	assert_true(fc->active);
	assert_int_equal(fc->mode, REPLICA_COPY_FULL);
	assert_int_equal(fc->from, 101);
	assert_int_equal(fc->to, id);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 1);
	assert_true(fake_rep_logged(&c->f, "pair 101->105: clone with its "
	    "association cl created by alice (job"));

	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	p = replica_pair_find(c->rs, 101, id);
	assert_non_null(p);
	assert_int_equal(p->sync_state, SYNC_FROZEN);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_COMPLETED);
	assert_non_null(replica_volume_by_id(c->rs, id));
}

/* No name: "<source>.<n>"; no pool: the source's; a small source: its size. */
static void
test_ca_default_name(void **state)
{
	struct ctx *c = *state;
	uint32_t id;

	id = ca_ok(c, 101, NULL, NULL);
	assert_string_equal(replica_volume_by_id(c->rs, id)->name, "a.0");
	assert_string_equal(replica_volume_by_id(c->rs, id)->pool, "p0");
	id = ca_ok(c, 104, NULL, NULL);
	assert_string_equal(replica_volume_by_id(c->rs, id)->name, "small.0");
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 512 * 1024);
}

/*
 * Refusals in CreateReplica's order and answers; none makes a volume or
 * a file or changes a pair.
 */
static void
test_ca_refused(void **state)
{
	struct ctx *c = *state;
	size_t nvols = replica_volume_count(c->rs);
	uint64_t job;

	assert_int_equal(ca(c, 101, "a/b", NULL).rc, REPLICA_RC_INVALID);
	assert_int_equal(ca(c, 101, "", NULL).rc, REPLICA_RC_INVALID);
	assert_int_equal(ca(c, 101, "x", "nopool").rc, REPLICA_RC_INVALID);
	/* Name checked before the source. */
	assert_int_equal(ca(c, 999, "a/b", NULL).rc, REPLICA_RC_INVALID);
	assert_int_equal(ca(c, 999, "x", NULL).rc, REPLICA_RC_FAILED);
	assert_int_equal(ca(c, 101, "b", NULL).rc, REPLICA_RC_FAILED);
	nothing_made(c, nvols, 0);

	/* The source's file is gone. */
	fake_rep_set_missing(&c->f, 101, true);
	assert_int_equal(ca(c, 101, "x", NULL).rc, REPLICA_RC_FAILED);
	assert_true(replica_volume_by_id(c->rs, 101)->missing);
	nothing_made(c, nvols, 0);

	/* The source is being written by a copy (b -> c writes c). */
	job = attach_ok(c, 102, 103, 4);
	assert_int_equal(ca(c, 103, "x", NULL).rc, REPLICA_RC_FAILED);
	nothing_made(c, nvols, 1);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));

	/*
	 * 4 MiB of file system, 100 %: 3.5 MiB promised, so a 1 MiB clone
	 * does not fit, a 512 KiB one does.
	 */
	c->f.pool_capacity = 4 * MiB;
	c->f.pool_free = 2 * MiB;
	assert_int_equal(replica_pool_set_overprovision(c->rs, "p0", 100), 0);
	assert_int_equal(ca(c, 102, "x", NULL).rc, REPLICA_RC_FAILED);
	nothing_made(c, nvols, 1);
	assert_int_equal(c->f.ncreated, 0);
	assert_true(ca_ok(c, 104, "x", NULL) > 104);
	assert_int_equal(replica_volume_count(c->rs), nvols + 1);
}

/* The file cannot be made: 4, no volume, nothing to remove. */
static void
test_ca_file_fails(void **state)
{
	struct ctx *c = *state;
	size_t nvols = replica_volume_count(c->rs);

	c->f.create_err = -EIO;
	assert_int_equal(ca(c, 101, "x", NULL).rc, REPLICA_RC_FAILED);
	nothing_made(c, nvols, 0);
	assert_int_equal(c->f.ncreated, 0);
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(c->f.ncopies, 0);
}

/*
 * Volume, pair and job are one commit: when it fails, its -errno, rc 4,
 * the file made for it removed again, no volume, pair, job or copy, and
 * the DeviceID it would have had is not handed out again.
 */
static void
test_ca_attach_store_fails(void **state)
{
	struct ctx *c = *state;
	size_t nvols = replica_volume_count(c->rs);
	size_t njobs = replica_job_count(c->rs);
	struct replica_result r;
	char path[400];

	/* 1: the create intent, 2: volume, pair and job. */
	store_fail_nth(c, 2);
	assert_int_equal(replica_create_attached(c->rs, 101, "x", NULL, &rsw,
	    &r), -ENOSPC);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_int_equal(r.job_id, 0);
	assert_int_equal(r.target_id, 0);
	store_set_faults(c->rs->store, NULL);
	path_of(c, "x", path, sizeof(path));
	assert_null(replica_volume_by_name(c->rs, "x"));
	assert_int_equal(c->f.ncreated, 1);
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	assert_int_equal(replica_job_count(c->rs), njobs);
	assert_int_equal(c->f.ncopies, 0);
	assert_int_equal(replica_volume_count(c->rs), nvols);
	assert_null(replica_pair_find(c->rs, 101, 105));
	/* The intent stays until the next change or start settles it. */
	{
		char want[450];

		snprintf(want, sizeof(want), "create %s", path);
		intent_is(c, want);
	}
	assert_int_equal(ca_ok(c, 101, "x", NULL), 106);
	intent_is(c, "");
}

/* Made and started, then restarted: volume, pair and job are all kept. */
static void
test_ca_persisted(void **state)
{
	struct ctx *c = *state;
	uint64_t job;
	uint32_t id;

	id = ca_ok(c, 101, "cl", &job);
	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, true);
	assert_non_null(c->rs);
	assert_int_equal(replica_volume_by_name(c->rs, "cl")->size, 1 * MiB);
	assert_non_null(replica_pair_find(c->rs, 101, id));
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_RUNNING);
}

/* ---------------------------------------------------- return_target */

/*
 * Frozen: 0; the pair and the target go in one change (both announced
 * deleted), the file is removed, the intent cleared, the job kept; also
 * after a restart.
 */
static void
test_rt_frozen(void **state)
{
	struct ctx *c = *state;
	struct replica_counters ctr;
	char path[400];
	uint64_t job;
	uint32_t id;
	size_t ev;

	id = ca_ok(c, 101, "cl", &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	ev = c->f.nevents;
	assert_int_equal(rt_rc(c, 101, id), REPLICA_RC_OK);
	assert_null(replica_pair_find(c->rs, 101, id));
	assert_null(replica_volume_by_id(c->rs, id));
	path_of(c, "cl", path, sizeof(path));
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	intent_is(c, "");
	assert_true(fake_rep_event(&c->f, ev, REPLICA_PAIR, REPLICA_DELETED,
	    (uint64_t)101 << 32 | id) >= 0);
	assert_true(fake_rep_event(&c->f, ev, REPLICA_VOLUME, REPLICA_DELETED,
	    id) >= 0);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_COMPLETED);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_deleted, 1);
	assert_true(fake_rep_logged(&c->f, "target returned to the pool by "
	    "alice: pair (Frozen)"));

	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, true);
	assert_non_null(c->rs);
	assert_null(replica_pair_find(c->rs, 101, id));
	assert_null(replica_volume_by_id(c->rs, id));
	/* Gone for good: a second return finds no pair. */
	assert_int_equal(rt_rc(c, 101, id), REPLICA_RC_FAILED);
}

/*
 * Broken (the copy failed): 0 as well, though SCS Detach refuses Broken
 * (it still does).  A CopyType 5 pair left Broken goes the same way.
 */
static void
test_rt_broken(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	uint64_t job, size;
	uint32_t id, id5;

	id = ca_ok(c, 101, "cl", &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, -EIO, "disk"));
	assert_int_equal(replica_pair_find(c->rs, 101, id)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(modify_rc(c, REPLICA_OP_DETACH, 101, id, NULL),
	    REPLICA_RC_FAILED);
	assert_int_equal(rt_rc(c, 101, id), REPLICA_RC_OK);
	assert_null(replica_pair_find(c->rs, 101, id));
	assert_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(c->f.nremoved, 1);

	assert_int_equal(replica_volume_provision(c->rs, "t5", "p0", 1, &rsw,
	    &r, &size), 0);
	assert_int_equal(r.rc, REPLICA_RC_OK);
	id5 = r.target_id;
	job = attach_ok(c, 102, id5, 5);
	assert_int_equal(rt_rc(c, 102, id5), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, -EIO, NULL));
	assert_int_equal(replica_pair_find(c->rs, 102, id5)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(rt_rc(c, 102, id5), REPLICA_RC_OK);
	assert_null(replica_volume_by_id(c->rs, id5));
	assert_int_equal(replica_pair_count(c->rs), 0);
}

/* Copying or queued: 6, nothing changed. */
static void
test_rt_copying(void **state)
{
	struct ctx *c = *state;
	uint64_t job, job2;
	uint32_t id, id2;

	id = ca_ok(c, 101, "cl", &job);
	id2 = ca_ok(c, 102, "cl2", &job2);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_RUNNING);
	assert_int_equal(replica_job_by_id(c->rs, job2)->state, JOB_NEW);
	assert_int_equal(rt_rc(c, 101, id), REPLICA_RC_IN_USE);
	assert_int_equal(rt_rc(c, 102, id2), REPLICA_RC_IN_USE);
	assert_non_null(replica_pair_find(c->rs, 101, id));
	assert_non_null(replica_pair_find(c->rs, 102, id2));
	assert_non_null(replica_volume_by_id(c->rs, id));
	assert_non_null(replica_volume_by_id(c->rs, id2));
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(c->f.ncancels, 0);
	assert_true(fake_rep_active(&c->f) == 1);
}

/* A snapshot pair: 5; no such pair: 4; nothing changed. */
static void
test_rt_vc_and_no_pair(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	uint32_t snap;

	assert_int_equal(replica_create(c->rs, 101, "snap", NULL, 4, &who,
	    &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_OK);
	snap = r.target_id;
	assert_true(fake_rep_finish(&c->f, c->rs,
	    replica_pair_find(c->rs, 101, snap)->job_id, 0, NULL));
	assert_int_equal(rt_rc(c, 101, snap), REPLICA_RC_INVALID);
	assert_non_null(replica_pair_find(c->rs, 101, snap));
	assert_non_null(replica_volume_by_id(c->rs, snap));

	assert_int_equal(rt_rc(c, 101, 102), REPLICA_RC_FAILED);
	assert_int_equal(rt_rc(c, 999, 998), REPLICA_RC_FAILED);
	assert_int_equal(rt_rc(c, snap, 101), REPLICA_RC_FAILED);
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(replica_volume_count(c->rs), 5);
}

/*
 * The target is not deletable apart from this pair: declared in the
 * configuration, or the source of another pair: 6, pair kept Frozen.
 */
static void
test_rt_target_kept(void **state)
{
	struct ctx *c = *state;
	uint64_t job;
	uint32_t id;

	job = attach_ok(c, 101, 103, 4);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(rt_rc(c, 101, 103), REPLICA_RC_IN_USE);
	assert_int_equal(replica_pair_find(c->rs, 101, 103)->sync_state,
	    SYNC_FROZEN);
	assert_non_null(replica_volume_by_id(c->rs, 103));

	id = ca_ok(c, 102, "cl", &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(ca_ok(c, id, "cl2", NULL), id + 1);
	/* Its copy reads it, then it stays the source of a pair. */
	assert_int_equal(rt_rc(c, 102, id), REPLICA_RC_IN_USE);
	job = replica_pair_find(c->rs, id, id + 1)->job_id;
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(rt_rc(c, 102, id), REPLICA_RC_IN_USE);
	assert_non_null(replica_pair_find(c->rs, 102, id));
	assert_non_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(c->f.nremoved, 0);
	/* The downstream pair first, then this one. */
	assert_int_equal(rt_rc(c, id, id + 1), REPLICA_RC_OK);
	assert_int_equal(rt_rc(c, 102, id), REPLICA_RC_OK);
	assert_int_equal(c->f.nremoved, 2);
}

/* The store cannot commit: -errno, rc 4, pair and target unchanged. */
static void
test_rt_store_fails(void **state)
{
	struct ctx *c = *state;
	uint64_t job;
	uint32_t id, rc = 0;

	id = ca_ok(c, 101, "cl", &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	store_fail_nth(c, 1);
	assert_int_equal(replica_pair_return_target(c->rs, 101, id, &rsw,
	    &rc), -ENOSPC);
	assert_int_equal(rc, REPLICA_RC_FAILED);
	store_set_faults(c->rs->store, NULL);
	assert_int_equal(replica_pair_find(c->rs, 101, id)->sync_state,
	    SYNC_FROZEN);
	assert_non_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");
	assert_int_equal(rt_rc(c, 101, id), REPLICA_RC_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ca_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ca_default_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ca_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ca_file_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ca_attach_store_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ca_persisted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_frozen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_broken, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_copying, setup_one,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_vc_and_no_pair, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_target_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rt_store_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
