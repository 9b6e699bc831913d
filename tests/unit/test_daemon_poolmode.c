/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_poolmode.c - pool copy modes (daemon/poolmode.c): a pool's
 * mode follows its folder's reflink probe and its point_in_time key, is
 * told to the replica set, shown as one line of text, and logged only when
 * new or changed.  The folder is a temporary one on whatever file system
 * holds /tmp, so the expectation is the probe's own answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "blockdev/blockdev.h"
#include "conf/conf.h"
#include "daemon/poolmode.h"
#include "tests/unit/fake_replica.h"

static void
test_modes(void **state)
{
	struct fake_rep f;
	struct replica_set *rs;
	struct poolmode *pm;
	struct bdev_probe *probe;
	struct conf_pool p = { 0 };
	const char *t;
	bool reflink;

	(void)state;
	fake_rep_init(&f);
	assert_non_null(rs = fake_rep_open(&f, 2, true));
	assert_int_equal(bdev_probe_new(NULL, &probe), 0);
	reflink = bdev_probe_reflink(probe, f.dir);
	bdev_probe_free(probe);
	assert_non_null(pm = poolmode_new());
	assert_null(poolmode_text(pm, "p0"));
	p.name = (char *)"p0";
	p.path = f.dir;
	p.point_in_time = true;
	assert_int_equal(poolmode_update(pm, rs, &p, true), 0);
	assert_int_equal(replica_pool_point_in_time(rs, "p0"), reflink);
	assert_non_null(t = poolmode_text(pm, "p0"));
	assert_non_null(strstr(t, reflink ? "point-in-time copies" :
	    "no reflink ("));
	assert_null(strchr(t, '\t'));
	/* point_in_time = no, or a daemon that takes no images: live. */
	p.point_in_time = false;
	assert_int_equal(poolmode_update(pm, rs, &p, true), 0);
	assert_false(replica_pool_point_in_time(rs, "p0"));
	assert_non_null(strstr(poolmode_text(pm, "p0"),
	    "copies read a live source"));
	p.point_in_time = true;
	assert_int_equal(poolmode_update(pm, rs, &p, false), 0);
	assert_false(replica_pool_point_in_time(rs, "p0"));
	/* A pool the replica set does not know. */
	p.name = (char *)"nope";
	assert_int_equal(poolmode_update(pm, rs, &p, true), -ENOENT);
	poolmode_free(pm);
	poolmode_free(NULL);
	replica_set_free(rs);
	fake_rep_cleanup(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
