/* SPDX-License-Identifier: ISC */
/*
 * test_conf_conf.c - conf_load/conf_validate/conf_parse_size through the
 * public header: every directive, defaults, size suffixes, relative paths,
 * every error kind with its exact text (all reported together), and that
 * conf/arrayd.conf.example parses cleanly and mentions every directive.
 * Files are written to a mkdtemp() folder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "tests/unit/fixture_dir.h"

static char tmpdir[FX_DIR_MAX];
static char conf_path[128];

static int
setup(void **state)
{
	(void)state;
	if (fx_dir_make(tmpdir, "test_conf") != 0)
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/arrayd.conf", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_dir_remove(tmpdir);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Loads `text`; expects success and returns the conf. */
static struct conf *
load_ok(const char *text)
{
	struct conf_errors e = { 0 };
	struct conf *c = NULL;
	int r;

	write_file(conf_path, text);
	r = conf_load(conf_path, &c, &e);
	for (size_t i = 0; i < e.n; i++)
		print_error("unexpected: %s\n", e.msgs[i]);
	assert_int_equal(r, 0);
	assert_int_equal(e.n, 0);
	assert_non_null(c);
	conf_errors_release(&e);
	return c;
}

/*
 * Loads `text`; expects -EINVAL and exactly the NULL-terminated list of
 * messages, each given without the "FILE" prefix (":LINE: ...").
 */
static void
load_fails(const char *text, ...)
{
	struct conf_errors e = { 0 };
	struct conf *c = (struct conf *)1;
	const char *want;
	char full[512];
	size_t n = 0;
	va_list ap;

	write_file(conf_path, text);
	assert_int_equal(conf_load(conf_path, &c, &e), -EINVAL);
	assert_null(c);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL) {
		snprintf(full, sizeof(full), "%s%s", conf_path, want);
		if (n >= e.n)
			fail_msg("missing error: %s", full);
		assert_string_equal(e.msgs[n], full);
		n++;
	}
	va_end(ap);
	for (size_t i = n; i < e.n; i++)
		print_error("extra: %s\n", e.msgs[i]);
	assert_int_equal(e.n, n);
	conf_errors_release(&e);
}

static void
test_defaults(void **state)
{
	struct conf *c = conf_defaults();

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0], "127.0.0.1");
	assert_int_equal(c->https_port, 5989);
	assert_int_equal(c->http_port, 0);
	assert_null(c->tls_cert);
	assert_null(c->tls_key);
	assert_string_equal(c->state_dir, "/var/lib/arrayd");
	assert_string_equal(c->users_file, "/var/lib/arrayd/users");
	assert_null(c->system_name);
	assert_null(c->host_name);
	assert_string_equal(c->log_level, "info");
	assert_int_equal(c->max_copy_tasks, 2);
	assert_int_equal(c->chunk_size, 1024 * 1024);
	assert_int_equal(c->copy_inflight, 6);
	assert_int_equal(c->copy_rate_limit, 0);
	assert_int_equal(c->max_body, 4 * 1024 * 1024);
	assert_int_equal(c->max_depth, 64);
	assert_int_equal(c->max_elements, 100000);
	assert_int_equal(c->max_text, 64 * 1024);
	assert_int_equal(c->timeout, 30);
	assert_int_equal(c->max_connections, 1024);
	assert_int_equal(c->npools, 0);
	assert_int_equal(c->nvolumes, 0);
	assert_int_equal(conf_validate(c, NULL), 0);
	conf_free(c);
	conf_free(NULL);
}

static void
test_empty_file_gives_defaults(void **state)
{
	struct conf *c;
	char want[160];

	(void)state;
	c = load_ok("# nothing\n\n; at all\n");
	assert_string_equal(c->file, conf_path);
	assert_int_equal(c->https_port, 5989);
	assert_string_equal(c->users_file, "/var/lib/arrayd/users");
	conf_free(c);
	c = load_ok("[server]\n");
	snprintf(want, sizeof(want), "%s", conf_path);
	assert_string_equal(c->file, want);
	conf_free(c);
}

static void
test_every_directive(void **state)
{
	struct conf *c;
	char want[256];

	(void)state;
	c = load_ok(
	    "\xEF\xBB\xBF# with a BOM\n"
	    "[server]\n"
	    "listen = 127.0.0.1, ::1 ,10.0.0.1 ; three\n"
	    "https_port = 15989\n"
	    "http_port = 5988   # comment\n"
	    "tls_cert = /etc/ssl/a.pem\n"
	    "tls_key = /etc/ssl/a.key\n"
	    "users_file = /etc/arrayd/users\n"
	    "state_dir = /srv/state\n"
	    "system_name = ARRAY_01.x-y\n"
	    "host_name = array.example.com\n"
	    "log_level = debug\n"
	    "max_copy_tasks = 64\n"
	    "chunk_size = 64K\n"
	    "  copy_inflight = 7\n"
	    "copy_rate_limit = 10m\n"
	    "max_body = 1G\n"
	    "max_depth = 32\n"
	    "max_elements = 5000\n"
	    "max_text = 1k\n"
	    "timeout = 5\n"
	    "max_connections = 10\n"
	    "[pool p0]\n"
	    "path = /srv/pool0\n"
	    "[pool big-pool.1]\n"
	    "path = /srv/pool1\n"
	    "[volume v0]\n"
	    "pool = p0\n"
	    "path = /srv/pool0/v0.img\n"
	    "size = 64M\n"
	    "id = 2147483647\n"
	    "[volume v1]\n"
	    "pool = big-pool.1\n"
	    "path = /dev/sdb\n");
	assert_int_equal(c->nlisten, 3);
	assert_string_equal(c->listen[0], "127.0.0.1");
	assert_string_equal(c->listen[1], "::1");
	assert_string_equal(c->listen[2], "10.0.0.1");
	assert_int_equal(c->https_port, 15989);
	assert_int_equal(c->http_port, 5988);
	assert_string_equal(c->tls_cert, "/etc/ssl/a.pem");
	assert_string_equal(c->tls_key, "/etc/ssl/a.key");
	assert_string_equal(c->users_file, "/etc/arrayd/users");
	assert_string_equal(c->state_dir, "/srv/state");
	assert_string_equal(c->system_name, "ARRAY_01.x-y");
	assert_string_equal(c->host_name, "array.example.com");
	assert_string_equal(c->log_level, "debug");
	assert_int_equal(c->max_copy_tasks, 64);
	assert_int_equal(c->chunk_size, 65536);
	assert_int_equal(c->copy_inflight, 7);
	assert_int_equal(c->copy_rate_limit, 10 * 1024 * 1024);
	assert_int_equal(c->max_body, 1024ULL * 1024 * 1024);
	assert_int_equal(c->max_depth, 32);
	assert_int_equal(c->max_elements, 5000);
	assert_int_equal(c->max_text, 1024);
	assert_int_equal(c->timeout, 5);
	assert_int_equal(c->max_connections, 10);
	assert_int_equal(c->npools, 2);
	assert_string_equal(c->pools[0].name, "p0");
	assert_string_equal(c->pools[0].path, "/srv/pool0");
	assert_int_equal(c->pools[0].line, 23);
	assert_string_equal(c->pools[1].name, "big-pool.1");
	assert_int_equal(c->nvolumes, 2);
	assert_string_equal(c->volumes[0].name, "v0");
	assert_string_equal(c->volumes[0].pool, "p0");
	assert_string_equal(c->volumes[0].path, "/srv/pool0/v0.img");
	assert_int_equal(c->volumes[0].size, 64 * 1024 * 1024);
	assert_int_equal(c->volumes[0].id, 2147483647);
	assert_int_equal(c->volumes[0].line, 27);
	assert_string_equal(c->volumes[1].path, "/dev/sdb");
	assert_int_equal(c->volumes[1].size, 0);
	assert_int_equal(c->volumes[1].id, 0);
	snprintf(want, sizeof(want), "%s", conf_path);
	assert_string_equal(c->file, want);
	conf_free(c);
}

static void
test_relative_paths(void **state)
{
	struct conf *c;
	char want[256], cwd[256], rel[256];
	struct conf_errors e = { 0 };

	(void)state;
	c = load_ok("[server]\nstate_dir = state\ntls_cert = c.pem\n"
	    "tls_key = ../k.pem\n[pool p]\npath = pools/p\n[volume v]\n"
	    "pool = p\npath = v.img\nsize = 1M\n");
	snprintf(want, sizeof(want), "%s/state", tmpdir);
	assert_string_equal(c->state_dir, want);
	snprintf(want, sizeof(want), "%s/state/users", tmpdir);
	assert_string_equal(c->users_file, want);
	snprintf(want, sizeof(want), "%s/c.pem", tmpdir);
	assert_string_equal(c->tls_cert, want);
	snprintf(want, sizeof(want), "%s/../k.pem", tmpdir);
	assert_string_equal(c->tls_key, want);
	snprintf(want, sizeof(want), "%s/pools/p", tmpdir);
	assert_string_equal(c->pools[0].path, want);
	snprintf(want, sizeof(want), "%s/v.img", tmpdir);
	assert_string_equal(c->volumes[0].path, want);
	conf_free(c);

	/* A relative file name is made absolute against the cwd. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	snprintf(rel, sizeof(rel), "arrayd.conf");
	assert_int_equal(conf_load(rel, &c, &e), 0);
	assert_string_equal(c->file, conf_path);
	snprintf(want, sizeof(want), "%s/state", tmpdir);
	assert_string_equal(c->state_dir, want);
	conf_free(c);
	assert_int_equal(chdir(cwd), 0);
}

static void
test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(conf_parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(conf_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(conf_parse_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(conf_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(conf_parse_size("64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(conf_parse_size("1g", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(conf_parse_size("2T", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(conf_parse_size("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(conf_parse_size("18446744073709551616", &v), -ERANGE);
	assert_int_equal(conf_parse_size("16777216T", &v), -ERANGE);
	assert_int_equal(conf_parse_size("16777215T", &v), 0);
	assert_int_equal(conf_parse_size("", &v), -EINVAL);
	assert_int_equal(conf_parse_size(NULL, &v), -EINVAL);
	assert_int_equal(conf_parse_size("K", &v), -EINVAL);
	assert_int_equal(conf_parse_size("-1", &v), -EINVAL);
	assert_int_equal(conf_parse_size("+1", &v), -EINVAL);
	assert_int_equal(conf_parse_size("1 M", &v), -EINVAL);
	assert_int_equal(conf_parse_size("1MB", &v), -EINVAL);
	assert_int_equal(conf_parse_size("1P", &v), -EINVAL);
	assert_int_equal(conf_parse_size("0x10", &v), -EINVAL);
	assert_int_equal(conf_parse_size("1.5M", &v), -EINVAL);
	assert_int_equal(conf_parse_size("1234567890123456789012345678901234",
	    &v), -ERANGE);
}

static void
test_missing_file(void **state)
{
	struct conf_errors e = { 0 };
	struct conf *c = (struct conf *)1;
	char path[160], want[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/nope.conf", tmpdir);
	assert_int_equal(conf_load(path, &c, &e), -ENOENT);
	assert_null(c);
	assert_int_equal(e.n, 1);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path,
	    strerror(ENOENT));
	assert_string_equal(e.msgs[0], want);
	conf_errors_release(&e);
	conf_errors_release(&e);	/* twice is harmless */

	/* A folder opens but cannot be read. */
	assert_true(conf_load(tmpdir, &c, &e) < 0);
	assert_int_equal(e.n, 1);
	conf_errors_release(&e);
}

static void
test_bad_values(void **state)
{
	(void)state;
	load_fails(
	    "[server]\n"
	    "listen = 127.0.0.1, nowhere\n"
	    "https_port = 70000\n"
	    "http_port = -1\n"
	    "state_dir =\n"
	    "system_name = bad name\n"
	    "host_name = a/b\n"
	    "log_level = loud\n"
	    "max_copy_tasks = 0\n"
	    "chunk_size = 65537\n"
	    "copy_inflight = 65\n"
	    "copy_rate_limit = fast\n"
	    "max_body = 1\n"
	    "max_depth = 99999\n"
	    "max_elements = 1e5\n"
	    "max_text = 1T\n"
	    "timeout = 0\n"
	    "max_connections = 12x\n"
	    "listen = ,\n",
	    ":2: listen: 'nowhere' is not an IPv4 or IPv6 address",
	    ":3: https_port: '70000' is out of range 0..65535",
	    ":4: http_port: '-1' is not a number",
	    ":5: state_dir: must not be empty",
	    ":6: system_name: 'bad name' is not 1-32 characters of "
	    "A-Z a-z 0-9 _ . -",
	    ":7: host_name: 'a/b' is not a host name or address",
	    ":8: log_level: 'loud' is not one of error, warning, info, debug",
	    ":9: max_copy_tasks: '0' is out of range 1..64",
	    ":10: chunk_size: '65537' must be a multiple of 4096",
	    ":11: copy_inflight: '65' is out of range 1..64",
	    ":12: copy_rate_limit: 'fast' is not a size (bytes, or a K, M, "
	    "G or T suffix)",
	    ":13: max_body: '1' is out of range 1024..1073741824",
	    ":14: max_depth: '99999' is out of range 1..10000",
	    ":15: max_elements: '1e5' is not a number",
	    ":16: max_text: '1T' is out of range 16..67108864",
	    ":17: timeout: '0' is out of range 1..3600",
	    ":18: max_connections: '12x' is not a number",
	    ":19: listen: duplicate key (first at line 2)",
	    (const char *)NULL);
	load_fails("[server]\nlisten =\nsystem_name = "
	    "abcdefghijabcdefghijabcdefghijabc\nchunk_size = 128M\n",
	    ":2: listen: needs at least one address",
	    ":3: system_name: 'abcdefghijabcdefghijabcdefghijabc' is not "
	    "1-32 characters of A-Z a-z 0-9 _ . -",
	    ":4: chunk_size: '128M' is out of range 65536..67108864",
	    (const char *)NULL);
}

/* A pool's overprovision: 400 when absent, any 0..100000 otherwise. */
static void
test_pool_overprovision(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok("[pool a]\npath = /a\n"
	    "[pool b]\npath = /b\noverprovision = 150\n"
	    "[pool c]\npath = /c\noverprovision = 0\n"
	    "[pool d]\npath = /d\noverprovision = 100000\n");
	assert_int_equal(c->npools, 4);
	assert_int_equal(c->pools[0].overprovision, 400);
	assert_int_equal(c->pools[1].overprovision, 150);
	assert_int_equal(c->pools[2].overprovision, 0);
	assert_int_equal(c->pools[3].overprovision, 100000);
	conf_free(c);
	load_fails("[pool a]\npath = /a\noverprovision = 100001\n"
	    "[pool b]\npath = /b\noverprovision = 50%\n"
	    "[pool c]\npath = /c\noverprovision = -1\n",
	    ":3: overprovision: '100001' is out of range 0..100000",
	    ":6: overprovision: '50%' is not a number",
	    ":9: overprovision: '-1' is not a number",
	    (const char *)NULL);
}

/* A pool's point_in_time: yes when absent, yes/no, anything else refused. */
static void
test_pool_point_in_time(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok("[pool a]\npath = /a\n"
	    "[pool b]\npath = /b\npoint_in_time = no\n"
	    "[pool c]\npath = /c\npoint_in_time = Yes\n");
	assert_int_equal(c->npools, 3);
	assert_true(c->pools[0].point_in_time);
	assert_false(c->pools[1].point_in_time);
	assert_true(c->pools[2].point_in_time);
	conf_free(c);
	load_fails("[pool a]\npath = /a\npoint_in_time = maybe\n",
	    ":3: point_in_time: 'maybe' is not yes or no",
	    (const char *)NULL);
}

static void
test_structure_errors(void **state)
{
	(void)state;
	load_fails(
	    "orphan = 1\n"				/* 1 */
	    "[server]\n"				/* 2 */
	    "https_port = 1\n"				/* 3 */
	    "bogus = 2\n"				/* 4 */
	    "https_port = 2\n"				/* 5 */
	    "just words\n"				/* 6 */
	    "[server\n"					/* 7 */
	    "[server]\n"				/* 8 */
	    "[nonsense]\n"				/* 9 */
	    "ignored = 1\n"				/* 10 */
	    "[pool p0]\n"				/* 11 */
	    "path = /p0\n"				/* 12 */
	    "color = blue\n"				/* 13 */
	    "[pool p0]\n"				/* 14 */
	    "[pool]\n"					/* 15 */
	    "[pool bad/name]\n"				/* 16 */
	    "[pool empty]\n"				/* 17 */
	    "[volume v1]\n"				/* 18 */
	    "pool = p0\n"				/* 19 */
	    "path = /a.img\n"				/* 20 */
	    "size = 1000\n"				/* 21 */
	    "id = 0\n"					/* 22 */
	    "[volume abcdefghijabcdefghijabcdefghijab]\n" /* 23 */
	    "[volume v2]\n"				/* 24 */
	    "pool = ghost\n"				/* 25 */
	    "[server x]\n"				/* 26 */
	    "key: value\n",				/* 27 */
	    ":1: orphan: outside any section",
	    ":4: bogus: unknown key in [server]",
	    ":5: https_port: duplicate key (first at line 3)",
	    ":6: syntax error: expected 'key = value'",
	    ":7: syntax error: missing ']'",
	    ":8: [server]: duplicate section (first at line 2)",
	    ":9: [nonsense]: unknown section",
	    ":13: color: unknown key in [pool]",
	    ":14: [pool p0]: duplicate section (first at line 11)",
	    ":15: [pool]: missing pool name",
	    ":16: [pool bad/name]: bad pool name (1-63 characters of A-Z a-z "
	    "0-9 _ . -)",
	    ":17: path: missing required key in [pool empty]",
	    ":21: size: '1000' must be whole 512-byte blocks",
	    ":22: id: '0' is out of range 1..2147483647",
	    ":23: [volume abcdefghijabcdefghijabcdefghijab]: bad volume name "
	    "(1-31 characters of A-Z a-z 0-9 _ . -)",
	    ":24: path: missing required key in [volume v2]",
	    ":24: pool: no [pool ghost] section",
	    ":26: [server x]: [server] takes no name",
	    ":27: syntax error: expected 'key = value'",
	    (const char *)NULL);
}

static void
test_cross_field(void **state)
{
	(void)state;
	load_fails(
	    "[server]\n"
	    "tls_cert = /c.pem\n"
	    "https_port = 0\n"
	    "[pool p]\n"
	    "path = /p\n"
	    "[volume a]\n"
	    "pool = p\n"
	    "path = /p/a.img\n"
	    "id = 7\n"
	    "[volume b]\n"
	    "pool = p\n"
	    "path = /p/a.img\n"
	    "id = 7\n",
	    ": tls_cert: set without tls_key (give both or neither)",
	    ": https_port: https_port and http_port are both 0, nothing to "
	    "serve",
	    ":10: id: duplicate volume id 7 (also volume 'a' at line 6)",
	    ":10: path: duplicate volume path '/p/a.img' (also volume 'a' at "
	    "line 6)",
	    (const char *)NULL);
	load_fails("[server]\ntls_key = k.pem\nhttp_port = 5989\n",
	    ": tls_key: set without tls_cert (give both or neither)",
	    ": http_port: same port as https_port",
	    (const char *)NULL);
}

static void
test_validate_direct(void **state)
{
	struct conf_errors e = { 0 };
	struct conf *c = conf_defaults();

	(void)state;
	free(c->tls_key);
	c->tls_key = strdup("/k.pem");
	assert_int_equal(conf_validate(c, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msgs[0], "(defaults): tls_key: set without "
	    "tls_cert (give both or neither)");
	conf_errors_release(&e);
	conf_free(c);
}

static void
test_odd_lines(void **state)
{
	char text[512];
	struct conf_errors e = { 0 };
	struct conf *c;
	FILE *fp;

	(void)state;
	/* Over-long line, then a NUL byte, both reported. */
	memset(text, 'a', sizeof(text));
	memcpy(text, "[server]\nstate_dir = /", 22);
	text[400] = '\n';
	text[401] = '\0';
	fp = fopen(conf_path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fwrite("timeout = 3\0\n", 1, 13, fp);
	fclose(fp);
	assert_int_equal(conf_load(conf_path, &c, &e), -EINVAL);
	assert_int_equal(e.n, 2);
	assert_non_null(strstr(e.msgs[0], ":2: line too long (at most"));
	assert_non_null(strstr(e.msgs[1], ":3: line contains a NUL byte"));
	conf_errors_release(&e);

	/* CRLF endings and an empty value for optional keys. */
	c = load_ok("[server]\r\ntls_cert =\r\nsystem_name =\r\n"
	    "https_port = 443\r\n");
	assert_null(c->tls_cert);
	assert_null(c->system_name);
	assert_int_equal(c->https_port, 443);
	conf_free(c);
}

static void
test_example_file(void **state)
{
	const struct conf_key_doc *docs;
	struct conf_errors e = { 0 };
	struct conf *c = NULL;
	char *text, needle[80];
	size_t n, len;
	FILE *fp;

	(void)state;
	assert_int_equal(conf_load("conf/arrayd.conf.example", &c, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(c->npools, 1);
	assert_int_equal(c->nvolumes, 2);
	assert_int_equal(c->https_port, 5989);
	conf_free(c);

	fp = fopen("conf/arrayd.conf.example", "r");
	assert_non_null(fp);
	text = calloc(1, 65536);
	assert_non_null(text);
	len = fread(text + 1, 1, 65534, fp);
	fclose(fp);
	assert_true(len > 0);
	text[0] = '\n';
	n = conf_key_docs(&docs);
	assert_true(n >= 20 + 1 + 4 + 11);
	for (size_t i = 0; i < n; i++) {
		/* "# key = default" for [server], "key = " for the examples */
		if (strcmp(docs[i].section, "server") == 0 ||
		    strcmp(docs[i].section, "indications") == 0)
			snprintf(needle, sizeof(needle), "\n# %s =%s%s\n",
			    docs[i].name, docs[i].def[0] != '\0' ? " " : "",
			    docs[i].def);
		else
			snprintf(needle, sizeof(needle), "\n%s = ",
			    docs[i].name);
		if (strstr(text, needle) == NULL)
			fail_msg("example lacks '%s'", needle + 1);
	}
	free(text);
}

static void
test_key_docs_defaults_parse(void **state)
{
	const struct conf_key_doc *docs;
	struct conf *c, *d;
	char text[4096];
	size_t n, off;

	(void)state;
	/* Writing every documented default back gives conf_defaults(). */
	n = conf_key_docs(&docs);
	off = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(docs[i].section, "server") != 0 &&
		    strcmp(docs[i].section, "indications") != 0)
			continue;
		if (i == 0 || strcmp(docs[i - 1].section, docs[i].section))
			off += (size_t)snprintf(text + off, sizeof(text) - off,
			    "[%s]\n", docs[i].section);
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "%s = %s\n", docs[i].name, docs[i].def);
	}
	assert_true(off < sizeof(text));
	c = load_ok(text);
	d = conf_defaults();
	assert_int_equal(c->https_port, d->https_port);
	assert_int_equal(c->chunk_size, d->chunk_size);
	assert_int_equal(c->max_text, d->max_text);
	assert_string_equal(c->state_dir, d->state_dir);
	assert_string_equal(c->users_file, d->users_file);
	assert_string_equal(c->log_level, d->log_level);
	assert_memory_equal(&c->indications.retry_attempts,
	    &d->indications.retry_attempts, sizeof(struct conf_indications) -
	    offsetof(struct conf_indications, retry_attempts));
	assert_int_equal(c->indications.nallow, d->indications.nallow);
	assert_true(c->indications.enabled && d->indications.enabled);
	conf_free(c);
	conf_free(d);
}

/* [indications]: defaults, every key, and the retry window they give. */
static void
test_indications(void **state)
{
	const struct conf_indications *ind;
	struct conf *c = conf_defaults();

	(void)state;
	ind = &c->indications;
	assert_true(ind->enabled);
	assert_int_equal(ind->nallow, 0);
	assert_null(ind->allow);
	assert_null(ind->ca_file);
	assert_true(ind->verify_tls);
	assert_int_equal(ind->retry_attempts, 8);
	assert_int_equal(ind->retry_interval_s, 2);
	assert_int_equal(ind->timeout_s, 10);
	assert_int_equal(ind->queue_max, 10000);
	assert_int_equal(ind->max_subscriptions, 1000);
	assert_int_equal(ind->max_per_user, 300);
	assert_int_equal(ind->progress_interval_ms, 1000);
	/* 2+4+8+16+30+30+30+30: a listener away for a minute loses nothing */
	assert_int_equal(conf_retry_window(ind), 150);
	assert_true(conf_retry_window(ind) >= 60);
	conf_free(c);

	c = load_ok("[indications]\n"
	    "enabled = no\n"
	    "allow = 127.0.0.0/8 ::1/128,10.1.0.0/16 , 192.0.2.7  "
	    "2001:DB8::/32\n"
	    "ca_file = certs/ca.pem\n"
	    "retry_attempts = 0\n"
	    "retry_interval_s = 30\n"
	    "timeout_s = 300\n"
	    "queue_max = 1\n"
	    "max_subscriptions = 100000\n"
	    "max_per_user = 1\n"
	    "progress_interval_ms = 0\n"
	    "[server]\nhttps_port = 15989\n");
	ind = &c->indications;
	assert_false(ind->enabled);
	assert_int_equal(ind->nallow, 5);
	assert_string_equal(ind->allow[0], "127.0.0.0/8");
	assert_string_equal(ind->allow[1], "::1/128");
	assert_string_equal(ind->allow[2], "10.1.0.0/16");
	assert_string_equal(ind->allow[3], "192.0.2.7/32");
	assert_string_equal(ind->allow[4], "2001:db8::/32");
	assert_true(strstr(ind->ca_file, "/certs/ca.pem") != NULL);
	assert_true(ind->ca_file[0] == '/');
	assert_true(ind->verify_tls);
	assert_int_equal(ind->retry_attempts, 0);
	assert_int_equal(ind->retry_interval_s, 30);
	assert_int_equal(ind->timeout_s, 300);
	assert_int_equal(ind->queue_max, 1);
	assert_int_equal(ind->max_subscriptions, 100000);
	assert_int_equal(ind->max_per_user, 1);
	assert_int_equal(ind->progress_interval_ms, 0);
	assert_int_equal(conf_retry_window(ind), 0);
	assert_int_equal(c->https_port, 15989);
	conf_free(c);

	/* An empty allow is the default list; verify_tls = no alone is fine. */
	c = load_ok("[indications]\nallow =\nverify_tls = off\n"
	    "retry_attempts = 3\nretry_interval_s = 20\n");
	assert_int_equal(c->indications.nallow, 0);
	assert_false(c->indications.verify_tls);
	assert_int_equal(conf_retry_window(&c->indications), 20 + 30 + 30);
	conf_free(c);
}

static void
test_indications_errors(void **state)
{
	(void)state;
	load_fails(
	    "[indications]\n"				/* 1 */
	    "enabled = maybe\n"				/* 2 */
	    "allow = 10.1.2.0/16\n"			/* 3 */
	    "retry_attempts = 1001\n"			/* 4 */
	    "retry_interval_s = 0\n"			/* 5 */
	    "timeout_s = 301\n"				/* 6 */
	    "queue_max = 0\n"				/* 7 */
	    "max_subscriptions = lots\n"		/* 8 */
	    "max_per_user = -3\n"			/* 9 */
	    "progress_interval_ms = 3600001\n"		/* 10 */
	    "colour = red\n"				/* 11 */
	    "enabled = yes\n"				/* 12 */
	    "[indications]\n"				/* 13 */
	    "[indications now]\n"			/* 14 */
	    "verify_tls =\n",				/* 15 */
	    ":2: enabled: 'maybe' is not yes or no",
	    ":3: allow: '10.1.2.0/16': address has bits set beyond the /16 "
	    "prefix",
	    ":4: retry_attempts: '1001' is out of range 0..1000",
	    ":5: retry_interval_s: '0' is out of range 1..30",
	    ":6: timeout_s: '301' is out of range 1..300",
	    ":7: queue_max: '0' is out of range 1..1000000",
	    ":8: max_subscriptions: 'lots' is not a number",
	    ":9: max_per_user: '-3' is not a number",
	    ":10: progress_interval_ms: '3600001' is out of range "
	    "0..3600000",
	    ":11: colour: unknown key in [indications]",
	    ":12: enabled: duplicate key (first at line 2)",
	    ":13: [indications]: duplicate section (first at line 1)",
	    ":14: [indications now]: [indications] takes no name",
	    ":15: verify_tls: must not be empty",
	    (const char *)NULL);
	load_fails("[indications]\nallow = 127.0.0.1/33\n"
	    "[indications]\n",
	    ":2: allow: '127.0.0.1/33': prefix length '33' is not a number "
	    "0..32",
	    ":3: [indications]: duplicate section (first at line 1)",
	    (const char *)NULL);
	load_fails("[indications]\nallow = ::1/129\n",
	    ":2: allow: '::1/129': prefix length '129' is not a number "
	    "0..128",
	    (const char *)NULL);
	load_fails("[indications]\nallow = 10.0.0.0/8 localhost\n",
	    ":2: allow: 'localhost' is not an IPv4 or IPv6 address or "
	    "ADDRESS/PREFIX network",
	    (const char *)NULL);
	load_fails("[indications]\nallow = 10.0.0.0/\n",
	    ":2: allow: '10.0.0.0/': prefix length '' is not a number 0..32",
	    (const char *)NULL);
	load_fails("[indications]\nallow = 10.0.0.0/+8\n",
	    ":2: allow: '10.0.0.0/+8': prefix length '+8' is not a number "
	    "0..32",
	    (const char *)NULL);
	/* Cross-field: a CA that verify_tls = no would never use. */
	load_fails("[indications]\nca_file = /ca.pem\nverify_tls = no\n",
	    ": ca_file: set while verify_tls = no (it would not be used; "
	    "remove one of them)",
	    (const char *)NULL);
}

static void
test_parse_cidr(void **state)
{
	unsigned char a[16];
	unsigned prefix;
	int family;
	char why[160];

	(void)state;
	assert_int_equal(conf_parse_cidr("0.0.0.0/0", &family, a, &prefix,
	    why, sizeof(why)), 0);
	assert_int_equal(family, AF_INET);
	assert_int_equal(prefix, 0);
	assert_int_equal(conf_parse_cidr("192.168.1.128/25", &family, a,
	    &prefix, why, sizeof(why)), 0);
	assert_int_equal(prefix, 25);
	assert_int_equal(a[3], 128);
	assert_int_equal(conf_parse_cidr("192.168.1.129/25", &family, a,
	    &prefix, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "'192.168.1.129/25': address has bits set "
	    "beyond the /25 prefix");
	assert_int_equal(conf_parse_cidr("fe80::", &family, a, &prefix, why,
	    sizeof(why)), 0);
	assert_int_equal(family, AF_INET6);
	assert_int_equal(prefix, 128);
	assert_int_equal(conf_parse_cidr("fe80::1/10", &family, a, &prefix,
	    why, sizeof(why)), -EINVAL);
	assert_int_equal(conf_parse_cidr("", &family, a, &prefix, why,
	    sizeof(why)), -EINVAL);
	assert_int_equal(conf_parse_cidr("1:2:3:4:5:6:7:8:9:0:1:2:3:4:5:6/1",
	    &family, a, &prefix, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "'1:2:3:4:5:6:7:8:9:0:1:2:3:4:5:6/1' is not "
	    "an IPv4 or IPv6 address or ADDRESS/PREFIX network");
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(conf_is_volume_name("a"));
	assert_true(conf_is_volume_name("Vol_1.2-x"));
	assert_true(conf_is_volume_name("abcdefghijabcdefghijabcdefghija"));
	assert_false(conf_is_volume_name("abcdefghijabcdefghijabcdefghijab"));
	assert_false(conf_is_volume_name(""));
	assert_false(conf_is_volume_name("a b"));
	assert_false(conf_is_volume_name("a/b"));
	assert_false(conf_is_volume_name("\xc3\xa9"));
	assert_true(conf_is_pool_name("abcdefghijabcdefghijabcdefghijab"));
	assert_false(conf_is_pool_name(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file_gives_defaults),
		cmocka_unit_test(test_every_directive),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_pool_overprovision),
		cmocka_unit_test(test_pool_point_in_time),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_cross_field),
		cmocka_unit_test(test_validate_direct),
		cmocka_unit_test(test_odd_lines),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_key_docs_defaults_parse),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_indications),
		cmocka_unit_test(test_indications_errors),
		cmocka_unit_test(test_parse_cidr),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
