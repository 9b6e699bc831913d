/* SPDX-License-Identifier: ISC */
/*
 * case_filter.h - run one case of a unit test by name.  The Makefile
 * forces this header into every tests/unit/test_*.c (-include), so no
 * test's main() knows of it: before main() runs, TEST_CASE (cmocka's
 * pattern: `*` and `?` are wildcards) becomes cmocka's test filter, e.g.
 *
 *	TEST_CASE=test_matrix ./tests/unit/test_replica_sm
 *	make check-unit TEST_CASE='test_map_*'
 *
 * Unset or empty, every case runs.
 */
#ifndef ARRAYD_CASE_FILTER_H
#define ARRAYD_CASE_FILTER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static void __attribute__((constructor))
case_filter_from_env(void)
{
	const char *pattern = getenv("TEST_CASE");

	if (pattern != NULL && pattern[0] != '\0')
		cmocka_set_test_filter(pattern);
}

#endif /* ARRAYD_CASE_FILTER_H */
