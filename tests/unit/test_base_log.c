/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_log.c - the logger's stderr lines: exact shape (timestamp,
 * program, pid, level), level filtering, log_warn_err's strerror suffix,
 * control characters flattened, long messages cut to one line, and fatalx
 * through its hook (longjmp) and through exit(1) in a child.  stderr is
 * redirected to a temp file for each test.
 */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"

static int saved_stderr = -1;
static FILE *capture;

static int
grab(void **state)
{
	(void)state;
	fflush(stderr);
	if ((capture = tmpfile()) == NULL)
		return -1;
	saved_stderr = dup(STDERR_FILENO);
	if (saved_stderr == -1 || dup2(fileno(capture), STDERR_FILENO) == -1)
		return -1;
	log_init(true, LOG_LVL_INFO);
	return 0;
}

static int
release(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fclose(capture);
	log_set_fatal_hook(NULL);
	return 0;
}

/* Everything logged so far, in a static buffer. */
static const char *
captured(void)
{
	static char buf[16384];
	size_t n;

	rewind(capture);
	n = fread(buf, 1, sizeof(buf) - 1, capture);
	buf[n] = '\0';
	return buf;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_line_shape(void **state)
{
	regex_t re;
	char pat[256];

	(void)state;
	log_info("volume '%s': created (%d MiB)", "vol0", 64);
	snprintf(pat, sizeof(pat), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z arrayd\\[%ld\\]: info: volume "
	    "'vol0': created \\(64 MiB\\)\n$", (long)getpid());
	assert_int_equal(regcomp(&re, pat, REG_EXTENDED), 0);
	assert_int_equal(regexec(&re, captured(), 0, NULL, 0), 0);
	regfree(&re);
}

static void
test_levels(void **state)
{
	const char *out;

	(void)state;
	log_set_level(LOG_LVL_WARN);
	assert_int_equal(log_get_level(), LOG_LVL_WARN);
	assert_true(log_enabled(LOG_LVL_ERROR));
	assert_true(log_enabled(LOG_LVL_WARN));
	assert_false(log_enabled(LOG_LVL_INFO));
	log_errorx("e1");
	log_warnx("w1");
	log_info("i1");
	log_debug("d1");
	out = captured();
	assert_non_null(strstr(out, ": error: e1\n"));
	assert_non_null(strstr(out, ": warning: w1\n"));
	assert_null(strstr(out, "i1"));
	assert_null(strstr(out, "d1"));
	assert_int_equal(count_lines(out), 2);

	log_set_level(LOG_LVL_DEBUG);
	log_debug("d2 %d", 7);
	assert_non_null(strstr(captured(), ": debug: d2 7\n"));

	log_set_level(LOG_LVL_ERROR);
	log_warnx("w3");
	log_warn_err(-EIO, "w4");
	assert_null(strstr(captured(), "w3"));
	assert_null(strstr(captured(), "w4"));
	/* out-of-range levels are clamped */
	log_set_level(42);
	assert_int_equal(log_get_level(), LOG_LVL_DEBUG);
	log_set_level(-3);
	assert_int_equal(log_get_level(), LOG_LVL_ERROR);
}

static void
test_level_parse(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("error"), LOG_LVL_ERROR);
	assert_int_equal(log_level_parse("warning"), LOG_LVL_WARN);
	assert_int_equal(log_level_parse("info"), LOG_LVL_INFO);
	assert_int_equal(log_level_parse("debug"), LOG_LVL_DEBUG);
	assert_int_equal(log_level_parse("warn"), -1);
	assert_int_equal(log_level_parse("INFO"), -1);
	assert_int_equal(log_level_parse(""), -1);
	assert_int_equal(log_level_parse(NULL), -1);
}

static void
test_warn_err(void **state)
{
	char want[128];

	(void)state;
	errno = 1234;
	log_warn_err(-ENOENT, "replica '%s': cannot attach '%s'", "r7",
	    "/v3.img");
	assert_int_equal(errno, 1234);	/* logging leaves errno alone */
	snprintf(want, sizeof(want), ": warning: replica 'r7': cannot attach "
	    "'/v3.img': %s\n", strerror(ENOENT));
	assert_non_null(strstr(captured(), want));
	log_warn_err(EBUSY, "positive codes too");
	snprintf(want, sizeof(want), ": positive codes too: %s\n",
	    strerror(EBUSY));
	assert_non_null(strstr(captured(), want));
}

static void
test_one_line(void **state)
{
	char big[5000];
	const char *out;

	(void)state;
	log_info("client sent 'a\nb\r\x1b[31mc'");
	assert_non_null(strstr(captured(), ": info: client sent 'a?b??[31mc'\n"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	out = captured();
	assert_int_equal(count_lines(out), 2);
	assert_int_equal(out[strlen(out) - 1], '\n');
}

static jmp_buf fatal_jmp;

static void
fatal_hook(void)
{
	longjmp(fatal_jmp, 1);
}

static void
test_fatal_hook(void **state)
{
	(void)state;
	log_set_fatal_hook(fatal_hook);
	if (setjmp(fatal_jmp) == 0) {
		fatalx("cannot go on: %s", "state lost");
		fail_msg("fatalx returned");
	}
	assert_non_null(strstr(captured(), ": error: fatal: cannot go on: "
	    "state lost\n"));
}

static void
test_fatal_exits(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		log_set_fatal_hook(NULL);
		fatalx("bye");
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(captured(), ": error: fatal: bye\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_shape, grab, release),
		cmocka_unit_test_setup_teardown(test_levels, grab, release),
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test_setup_teardown(test_warn_err, grab, release),
		cmocka_unit_test_setup_teardown(test_one_line, grab, release),
		cmocka_unit_test_setup_teardown(test_fatal_hook, grab, release),
		cmocka_unit_test_setup_teardown(test_fatal_exits, grab,
		    release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
