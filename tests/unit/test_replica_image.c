/* SPDX-License-Identifier: ISC */
/*
 * test_replica_image.c - point-in-time images (replica/image.c) with the
 * fake replica_ops: an image is asked for when the method is accepted,
 * also for a copy that then waits in the queue; the copy waits for it and
 * reads it; WhenSynced is its instant; a Resync compares its new image
 * with the pair's sync image and a Restore the snapshot's image with the
 * base volume; FICLONE refused falls back to a live source (logged once
 * per pool), no space breaks the pair; images are dropped after the
 * commit that forgets them (Detach, Stop Copy, a failed copy, a stop
 * while the image is taken); an image being taken at a crash is taken
 * again and a running copy resumes with its image; pools not in
 * point-in-time mode take none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"

#define T_IMAGE	1800000000000000LL	/* the clock when an image is taken */

static int
setup_pit(void **state)
{
	struct ctx *c;

	if (setup(state) != 0)
		return -1;
	c = *state;
	return replica_pool_set_point_in_time(c->rs, "p0", true);
}

/* The image path of job `job` of pair (s, t) taken from volume `from`. */
static void
image_of(struct ctx *c, uint32_t from, uint32_t s, uint32_t t, uint64_t job,
    char *buf, size_t len)
{
	const struct rvolume *v = replica_volume_by_id(c->rs, from);

	assert_non_null(v);
	assert_int_equal(replica_image_path(v->path, s, t, job, buf, len), 0);
}

/* Deliver the image of `job`: taken (status 0) at T_IMAGE, or not. */
static void
image_done(struct ctx *c, uint64_t job, int status)
{
	assert_non_null(fake_rep_image(&c->f, job));
	replica_on_image_done(c->rs, job, status, T_IMAGE, NULL);
}

/* 101 -> 102 attached, imaged and copied: Frozen with its sync image. */
static uint64_t
frozen_pair(struct ctx *c)
{
	uint64_t job = attach_ok(c, 101, 102, 4);

	image_done(c, job, 0);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_FROZEN);
	return job;
}

static void
test_attach_reads_image(void **state)
{
	struct ctx *c = *state;
	const struct fake_image *im;
	const struct rpair *p;
	struct fake_copy *cp;
	char want[400];
	uint64_t job = attach_ok(c, 101, 102, 4);

	/* Asked for at acceptance; the copy waits although a slot is free. */
	im = fake_rep_image(&c->f, job);
	assert_non_null(im);
	image_of(c, 101, 101, 102, job, want, sizeof(want));
	assert_string_equal(im->dst, want);
	assert_string_equal(im->src, replica_volume_by_id(c->rs, 101)->path);
	assert_true(strstr(im->dst, "/.arrayd-images/101-102-g") != NULL);
	assert_int_equal(replica_job_by_id(c->rs, job)->image,
	    REPLICA_IMAGE_TAKING);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_NEW);
	assert_null(fake_rep_copy(&c->f, job));
	assert_false(replica_image_in_use(c->rs, "/nowhere/x.img"));
	assert_true(replica_image_in_use(c->rs, want));

	image_done(c, job, 0);
	assert_int_equal(replica_job_by_id(c->rs, job)->image,
	    REPLICA_IMAGE_READY);
	cp = fake_rep_copy(&c->f, job);
	assert_non_null(cp);
	assert_string_equal(cp->src_path, want);
	assert_int_equal(cp->mode, REPLICA_COPY_FULL);
	assert_string_equal(cp->base_path, "");

	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	p = replica_pair_find(c->rs, 101, 102);
	assert_int_equal(p->sync_state, SYNC_FROZEN);
	/* WhenSynced is the image's instant, not the end of the copy. */
	assert_int_equal(p->when_synced_us, T_IMAGE);
	assert_int_equal(p->sync_image, job);
	assert_true(replica_image_in_use(c->rs, want));
	assert_false(fake_rep_dropped(&c->f, want));
}

/* Queued copies get their image at acceptance too, not at their grant. */
static void
test_queued_imaged_at_once(void **state)
{
	struct ctx *c = *state;
	uint64_t j1, j2, j3;

	replica_set_max_copy_tasks(c->rs, 1);
	j1 = attach_ok(c, 101, 102, 4);
	j2 = attach_ok(c, 104, 103, 5);
	assert_int_equal(replica_attach(c->rs, 103, 102, 4, &who,
	    &(struct replica_result){ 0 }), 0);
	assert_non_null(fake_rep_image(&c->f, j1));
	assert_non_null(fake_rep_image(&c->f, j2));
	/* The second image is ready first: its copy takes the slot. */
	image_done(c, j2, 0);
	assert_non_null(fake_rep_copy(&c->f, j2));
	image_done(c, j1, 0);
	assert_null(fake_rep_copy(&c->f, j1));
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_INITIALIZED);
	/* CopyType 5 goes away when done: its image is dropped with it. */
	assert_true(fake_rep_finish(&c->f, c->rs, j2, 0, NULL));
	assert_non_null(fake_rep_copy(&c->f, j1));
	assert_true(fake_rep_dropped(&c->f, fake_rep_image(&c->f, j2)->dst));
	j3 = attach_ok(c, 104, 103, 4);
	assert_non_null(fake_rep_image(&c->f, j3));
}

static void
test_resync_compares_images(void **state)
{
	struct ctx *c = *state;
	uint64_t first = frozen_pair(c), job;
	char old_img[400], new_img[400];
	struct fake_copy *cp;

	image_of(c, 101, 101, 102, first, old_img, sizeof(old_img));
	assert_int_equal(modify_rc(c, REPLICA_OP_RESYNC, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	image_of(c, 101, 101, 102, job, new_img, sizeof(new_img));
	assert_string_equal(fake_rep_image(&c->f, job)->dst, new_img);
	assert_int_equal(replica_job_by_id(c->rs, job)->mode,
	    REPLICA_COPY_EXTENTS);
	assert_int_equal(replica_job_by_id(c->rs, job)->image_base, first);
	image_done(c, job, 0);
	cp = fake_rep_copy(&c->f, job);
	assert_non_null(cp);
	assert_int_equal(cp->mode, REPLICA_COPY_EXTENTS);
	assert_string_equal(cp->src_path, new_img);
	assert_string_equal(cp->base_path, old_img);
	assert_false(cp->clone_ranges);
	assert_false(fake_rep_dropped(&c->f, old_img));
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	/* The new image is the sync image; the old one goes. */
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_image, job);
	assert_true(fake_rep_dropped(&c->f, old_img));
	assert_false(fake_rep_dropped(&c->f, new_img));
	/* Start Copy is a full copy of a fresh image. */
	assert_int_equal(modify_rc(c, REPLICA_OP_START_COPY, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	image_done(c, job, 0);
	assert_int_equal(fake_rep_copy(&c->f, job)->mode, REPLICA_COPY_FULL);
}

static void
test_restore_compares_with_base(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	struct fake_copy *cp;
	uint64_t hid, job;
	uint32_t snap;
	char img[400];

	assert_int_equal(replica_create(c->rs, 101, "s1", NULL, 4, &who, &r),
	    0);
	snap = r.target_id;
	hid = replica_pair_find(c->rs, 101, snap)->job_id;
	/* The snapshot itself is an instant clone, not imaged. */
	assert_null(fake_rep_image(&c->f, hid));
	assert_true(fake_rep_finish(&c->f, c->rs, hid, 0, NULL));
	assert_int_equal(modify_rc(c, REPLICA_OP_RESTORE, 101, snap, &job),
	    REPLICA_RC_JOB_STARTED);
	/* The image is of the snapshot, beside the snapshot's file. */
	image_of(c, snap, 101, snap, job, img, sizeof(img));
	assert_string_equal(fake_rep_image(&c->f, job)->dst, img);
	image_done(c, job, 0);
	cp = fake_rep_copy(&c->f, job);
	assert_non_null(cp);
	assert_int_equal(cp->mode, REPLICA_COPY_EXTENTS);
	assert_int_equal(cp->from, snap);
	assert_string_equal(cp->src_path, img);
	assert_string_equal(cp->base_path,
	    replica_volume_by_id(c->rs, 101)->path);
	assert_true(cp->clone_ranges);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_pair_find(c->rs, 101, snap)->sync_state,
	    SYNC_IDLE);
	/* A VC keeps no sync image: the Restore's image goes. */
	assert_true(fake_rep_dropped(&c->f, img));
}

/* FICLONE refused: the live source, said once per pool. */
static void
test_refused_reads_live(void **state)
{
	struct ctx *c = *state;
	uint64_t j1 = attach_ok(c, 101, 102, 4), j2;
	struct fake_copy *cp;

	replica_on_image_done(c->rs, j1, -EXDEV, 0, "other file system");
	assert_int_equal(replica_job_by_id(c->rs, j1)->image,
	    REPLICA_IMAGE_NONE);
	cp = fake_rep_copy(&c->f, j1);
	assert_non_null(cp);
	assert_string_equal(cp->src_path,
	    replica_volume_by_id(c->rs, 101)->path);
	assert_int_equal(logged_n(&c->f, "copies read a live source"), 1);
	j2 = attach_ok(c, 104, 103, 5);
	replica_on_image_done(c->rs, j2, -EOPNOTSUPP, 0, NULL);
	assert_non_null(fake_rep_copy(&c->f, j2));
	assert_int_equal(logged_n(&c->f, "copies read a live source"), 1);
	/* WhenSynced is then the completion time, and no sync image. */
	assert_true(fake_rep_finish(&c->f, c->rs, j1, 0, NULL));
	assert_true(replica_pair_find(c->rs, 101, 102)->when_synced_us !=
	    T_IMAGE);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_image, 0);
	/* A Resync without a sync image compares digests. */
	replica_pool_set_point_in_time(c->rs, "p0", false);
	assert_int_equal(modify_rc(c, REPLICA_OP_RESYNC, 101, 102, &j1),
	    REPLICA_RC_JOB_STARTED);
	assert_int_equal(fake_rep_copy(&c->f, j1)->mode, REPLICA_COPY_DIFF);
}

/* No space for the image: Broken, Exception with the reason, not synced. */
static void
test_enospc_breaks(void **state)
{
	struct ctx *c = *state;
	uint64_t first = frozen_pair(c), job;
	int64_t synced = replica_pair_find(c->rs, 101, 102)->when_synced_us;
	const struct rjob *j;
	char old_img[400];

	image_of(c, 101, 101, 102, first, old_img, sizeof(old_img));
	assert_int_equal(modify_rc(c, REPLICA_OP_RESYNC, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	replica_on_image_done(c->rs, job, -ENOSPC, 0, NULL);
	j = replica_job_by_id(c->rs, job);
	assert_int_equal(j->state, JOB_EXCEPTION);
	assert_int_equal(j->error_code, ENOSPC);
	assert_non_null(strstr(j->error_desc, "point-in-time image"));
	assert_non_null(strstr(j->error_desc, "No space left on device"));
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_state,
	    SYNC_BROKEN);
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->when_synced_us,
	    synced);
	assert_null(fake_rep_copy(&c->f, job));
	/* Broken: the sync image no longer describes the target. */
	assert_int_equal(replica_pair_find(c->rs, 101, 102)->sync_image, 0);
	assert_true(fake_rep_dropped(&c->f, old_img));
	/* image_take refusing at once ends the same way. */
	c->f.image_err = -ENOSPC;
	assert_int_equal(modify_rc(c, REPLICA_OP_START_COPY, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_EXCEPTION);
}

static void
test_detach_and_failure_drop(void **state)
{
	struct ctx *c = *state;
	uint64_t job = frozen_pair(c);
	char img[400];

	image_of(c, 101, 101, 102, job, img, sizeof(img));
	assert_int_equal(modify_rc(c, REPLICA_OP_DETACH, 101, 102, NULL), 0);
	assert_true(fake_rep_dropped(&c->f, img));
	assert_false(replica_image_in_use(c->rs, img));
	/* A failed copy drops its image. */
	job = attach_ok(c, 101, 102, 4);
	image_of(c, 101, 101, 102, job, img, sizeof(img));
	image_done(c, job, 0);
	assert_true(fake_rep_finish(&c->f, c->rs, job, -EIO, "read error"));
	assert_true(fake_rep_dropped(&c->f, img));
}

static void
test_stop_copy_drops(void **state)
{
	struct ctx *c = *state;
	uint64_t first = frozen_pair(c), job;
	char old_img[400], new_img[400];

	image_of(c, 101, 101, 102, first, old_img, sizeof(old_img));
	assert_int_equal(modify_rc(c, REPLICA_OP_START_COPY, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	image_of(c, 101, 101, 102, job, new_img, sizeof(new_img));
	image_done(c, job, 0);
	assert_int_equal(modify_rc(c, REPLICA_OP_STOP_COPY, 101, 102, NULL),
	    0);
	assert_true(fake_rep_dropped(&c->f, old_img));
	assert_true(fake_rep_dropped(&c->f, new_img));
	/* Stopped while its image is taken: dropped when the take ends. */
	job = attach_ok(c, 103, 102, 4);
	image_of(c, 103, 103, 102, job, new_img, sizeof(new_img));
	assert_int_equal(modify_rc(c, REPLICA_OP_STOP_COPY, 103, 102, NULL),
	    0);
	c->f.ndropped = 0;
	image_done(c, job, 0);
	assert_true(fake_rep_dropped(&c->f, new_img));
	assert_null(fake_rep_copy(&c->f, job));
}

/* Crash while the image is taken: taken again; while copying: resumed. */
static void
test_crash_retake_and_resume(void **state)
{
	struct ctx *c = *state;
	uint64_t j1 = attach_ok(c, 101, 102, 4), j2 = attach_ok(c, 104, 103, 5);
	struct fake_copy *cp;
	char img2[400];

	image_done(c, j2, 0);
	image_of(c, 104, 104, 103, j2, img2, sizeof(img2));
	replica_on_copy_progress(c->rs, j2, 262144, 524288, 262144, 262144,
	    false);
	c->f.now += 2000000;
	replica_on_copy_progress(c->rs, j2, 393216, 524288, 393216, 393216,
	    false);
	/* Power cut: the set is dropped without a shutdown. */
	replica_set_free(c->rs);
	c->f.nimages = 0;
	c->f.ncopies = 0;
	c->rs = fake_rep_open(&c->f, 2, false);
	assert_non_null(c->rs);
	assert_int_equal(replica_pool_set_point_in_time(c->rs, "p0", true), 0);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_non_null(fake_rep_image(&c->f, j1));
	assert_null(fake_rep_image(&c->f, j2));
	assert_true(fake_rep_logged(&c->f, "taken again"));
	cp = fake_rep_copy(&c->f, j2);
	assert_non_null(cp);
	assert_string_equal(cp->src_path, img2);
	assert_true(cp->resume_from > 0);
	assert_true(replica_image_in_use(c->rs, img2));
	image_done(c, j1, 0);
	assert_non_null(fake_rep_copy(&c->f, j1));
}

/* A pool not in point-in-time mode takes no image. */
static void
test_live_pool(void **state)
{
	struct ctx *c = *state;
	uint64_t job = attach_ok(c, 101, 102, 4);
	struct fake_copy *cp = fake_rep_copy(&c->f, job);

	assert_int_equal(c->f.nimages, 0);
	assert_non_null(cp);
	assert_string_equal(cp->src_path,
	    replica_volume_by_id(c->rs, 101)->path);
	assert_int_equal(replica_job_by_id(c->rs, job)->image,
	    REPLICA_IMAGE_NONE);
	assert_false(replica_pool_point_in_time(c->rs, "p0"));
	assert_int_equal(replica_pool_set_point_in_time(c->rs, "nope", true),
	    -ENOENT);
	/* The mode applies to the next copy. */
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_pool_set_point_in_time(c->rs, "p0", true), 0);
	assert_int_equal(modify_rc(c, REPLICA_OP_RESYNC, 101, 102, &job),
	    REPLICA_RC_JOB_STARTED);
	assert_non_null(fake_rep_image(&c->f, job));
}

/* Snapshot space: measured when made, kept per snapshot, never asked. */
static void
test_snapshot_space(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	uint32_t s1, s2;
	uint64_t job;

	assert_int_equal(replica_create(c->rs, 101, "s1", NULL, 4, &who, &r),
	    0);
	s1 = r.target_id;
	assert_int_equal(replica_create(c->rs, 101, "s2", NULL, 4, &who, &r),
	    0);
	s2 = r.target_id;
	assert_int_equal(c->f.nmeasured, 0);
	/* Not measured yet: a snapshot counts its size. */
	assert_int_equal(replica_snapshot_space(c->rs, 101), 2u << 20);
	job = replica_pair_find(c->rs, 101, s1)->job_id;
	replica_on_copy_progress(c->rs, job, 1u << 20, 1u << 20, 1u << 20,
	    12288, true);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	/* Until measured, a new snapshot holds what its copy wrote. */
	assert_int_equal(replica_snapshot_space(c->rs, 101), 12288 +
	    (1u << 20));
	/* Made: every snapshot of its base is measured (off the loop). */
	assert_int_equal(c->f.nmeasured, 2);
	replica_on_volume_measured(c->rs, s1, 0, 8192);
	assert_int_equal(replica_snapshot_space(c->rs, 101), 8192 + (1u << 20));
	replica_on_volume_measured(c->rs, s2, 0, 4096);
	assert_int_equal(replica_snapshot_space(c->rs, 101), 8192 + 4096);
	/* A failed measurement keeps the last figure. */
	replica_on_volume_measured(c->rs, s1, -EIO, 0);
	assert_int_equal(replica_snapshot_space(c->rs, 101), 8192 + 4096);
	assert_int_equal(replica_snapshot_space(c->rs, 102), 0);
	/* A refresh of every base, and of an unknown volume: harmless. */
	replica_snapshots_measure(c->rs, 0);
	assert_int_equal(c->f.nmeasured, 4);
	replica_on_volume_measured(c->rs, 999, 0, 1);
}

static void
test_image_path(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(replica_image_path("/p/a.img", 1, 2, 3, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/p/.arrayd-images/1-2-g3.img");
	assert_int_equal(replica_image_path("/a.img", 1, 2, 3, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "//.arrayd-images/1-2-g3.img");
	assert_int_equal(replica_image_path("a.img", 1, 2, 3, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "./.arrayd-images/1-2-g3.img");
	assert_int_equal(replica_image_path("/p/a.img", 1, 2, 3, buf, 10),
	    -ENAMETOOLONG);
	assert_string_equal(replica_image_name(REPLICA_IMAGE_READY), "ready");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_reads_image,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_queued_imaged_at_once,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_resync_compares_images,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_restore_compares_with_base,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_refused_reads_live,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_breaks, setup_pit,
		    teardown),
		cmocka_unit_test_setup_teardown(test_detach_and_failure_drop,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_stop_copy_drops,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_crash_retake_and_resume,
		    setup_pit, teardown),
		cmocka_unit_test_setup_teardown(test_live_pool, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_space, setup,
		    teardown),
		cmocka_unit_test(test_image_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
