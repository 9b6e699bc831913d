/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_fileio.c - fileio_read_all: contents NUL-terminated with
 * their length, empty files, the size cap (at and one past), directories
 * and missing files refused with the step that failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/fileio.h"
#include "tests/unit/fixture_dir.h"

static char tmpdir[FX_DIR_MAX];

static void
put(const char *name, const char *text, char *path, size_t cap)
{
	FILE *fp;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
test_read(void **state)
{
	char path[128], *buf = (char *)1;
	const char *step = NULL;
	size_t len = 99;

	(void)state;
	put("a", "hello\nworld\n", path, sizeof(path));
	assert_int_equal(fileio_read_all(path, 12, &buf, &len, &step), 0);
	assert_string_equal(buf, "hello\nworld\n");
	assert_int_equal(len, 12);
	free(buf);
	/* One byte over the cap. */
	assert_int_equal(fileio_read_all(path, 11, &buf, &len, &step),
	    -EINVAL);
	assert_null(buf);
	assert_int_equal(len, 0);
	/* Empty: an empty string, not NULL; len and step optional. */
	put("e", "", path, sizeof(path));
	assert_int_equal(fileio_read_all(path, 10, &buf, NULL, NULL), 0);
	assert_non_null(buf);
	assert_string_equal(buf, "");
	free(buf);
}

static void
test_refused(void **state)
{
	char path[128], *buf = (char *)1;
	const char *step = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(fileio_read_all(path, 10, &buf, NULL, &step),
	    -ENOENT);
	assert_null(buf);
	assert_string_equal(step, "open");
	assert_int_equal(fileio_read_all(tmpdir, 1 << 20, &buf, NULL, &step),
	    -EINVAL);
	assert_null(buf);
	assert_string_equal(step, "read");
}

static int
setup(void **state)
{
	(void)state;
	return fx_dir_make(tmpdir, "test_fileio");
}

static int
teardown(void **state)
{
	(void)state;
	return fx_dir_remove(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
