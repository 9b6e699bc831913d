/* SPDX-License-Identifier: ISC */
/*
 * test_cim_errmap.c - the -errno table of cim/errmap.h checked row by row
 * against a literal copy written from CONTRACT.md §3-4 (not derived from
 * the X-macro): CIM status, method return value and text of every entry,
 * the table's size (a new row needs a line here), the fallback for an
 * errno it does not list (CIM_ERR_FAILED, 4, strerror), and op_errno()
 * writing one ERROR and recording its status in the context.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cim/errmap.h"
#include "cim/op.h"

static const struct {
	int err;
	enum cim_status status;
	uint32_t rc;
} want[] = {
	{ -ENOENT, CIM_ERR_NOT_FOUND, 4 },
	{ -EINVAL, CIM_ERR_INVALID_PARAMETER, 5 },
	{ -EOPNOTSUPP, CIM_ERR_NOT_SUPPORTED, 1 },
	{ -EBUSY, CIM_ERR_FAILED, 6 },
	{ -EACCES, CIM_ERR_FAILED, 4 },
	{ -ENOMEM, CIM_ERR_FAILED, 4 },
	{ -ENOSPC, CIM_ERR_FAILED, 4 },
	{ -EIO, CIM_ERR_FAILED, 4 },
	{ -EPROTO, CIM_ERR_FAILED, 4 },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

static void
test_every_entry(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NWANT; i++) {
		assert_int_equal(errmap_status(want[i].err), want[i].status);
		assert_int_equal(errmap_rc(want[i].err), want[i].rc);
		/* The C library's words, as the log has them. */
		assert_string_equal(errmap_text(want[i].err),
		    strerror(-want[i].err));
	}
	/* ENOTSUP is EOPNOTSUPP on Linux: one row for both. */
	assert_int_equal(errmap_status(-ENOTSUP), CIM_ERR_NOT_SUPPORTED);
}

static void
test_table_size(void **state)
{
	size_t n = 0;

	(void)state;
#define XX(e, status, rc, text)	n++;
	ERRMAP_MAP(XX)
#undef XX
	assert_int_equal(n, NWANT);
}

static void
test_unknown(void **state)
{
	static const int other[] = { -EXDEV, -ETIMEDOUT, -EPERM, -12345 };
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		assert_int_equal(errmap_status(other[i]), CIM_ERR_FAILED);
		assert_int_equal(errmap_rc(other[i]), REPLICA_RC_FAILED);
		/* strerror's buffer for an unknown one lasts one call. */
		snprintf(text, sizeof(text), "%s", errmap_text(other[i]));
		assert_string_equal(text, strerror(-other[i]));
	}
}

static void
test_op_errno(void **state)
{
	struct cim_buf out;
	struct op_ctx c;

	(void)state;
	memset(&c, 0, sizeof(c));
	cim_buf_init(&out);
	c.out = &out;
	op_errno(&c, -ENOSPC, "CreateReplica");
	assert_int_equal(c.status, CIM_ERR_FAILED);
	assert_non_null(out.data);
	assert_string_equal(out.data, "<ERROR CODE=\"1\" DESCRIPTION=\""
	    "CIM_ERR_FAILED: CreateReplica: No space left on device\"/>");
	cim_buf_release(&out);
	cim_buf_init(&out);
	op_errno(&c, -ENOENT, "GetError");
	assert_int_equal(c.status, CIM_ERR_NOT_FOUND);
	assert_non_null(strstr(out.data, "<ERROR CODE=\"6\""));
	cim_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry),
		cmocka_unit_test(test_table_size),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_op_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
