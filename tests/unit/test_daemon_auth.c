/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_auth.c - the users file and HTTP Basic checks: hashing and
 * verifying, wrong and unknown credentials, malformed headers, the
 * verification cache (hit path, failures not cached, round robin),
 * auth_passwd keeping other lines and mode 0600, bad names, malformed
 * files.  auth.c is included so the cache can be inspected; PBKDF2 runs at
 * 1000 iterations for speed.  The two halves (cache lookup on the loop,
 * verification safe on a worker), the db's reference count, and authq on
 * a private loop: the worker cap and the full queue (-EBUSY), clean
 * addresses served before failing ones, the failure penalty schedule and
 * its delay, cancellation, and a clean close.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <uv.h>

#include "../../daemon/auth.c"
#include "daemon/authq.h"
#include "tests/unit/fixture_dir.h"

/* A cheap hash for every db and line of these tests. */
static const struct auth_opts ao = { .iterations = 1000 };
static char tmpdir[FX_DIR_MAX];
static char users[128];

static int
setup(void **state)
{
	(void)state;
	if (fx_dir_make(tmpdir, "test_auth") != 0)
		return -1;
	snprintf(users, sizeof(users), "%s/users", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return fx_dir_remove(tmpdir);
}

/* auth_passwd on this test's users file, with the cheap hash. */
static int
passwd(const char *name, const char *password, enum auth_role role)
{
	return auth_passwd(users, name, password, role, &ao);
}

static int
reset(void **state)
{
	(void)state;
	unlink(users);
	return 0;
}

/* "Basic " + base64(raw[0..len)) into out. */
static void
basic(char *out, size_t cap, const char *raw, size_t len)
{
	unsigned char b64[1024];
	size_t n;

	assert_true(len < 700);
	n = (size_t)EVP_EncodeBlock(b64, (const unsigned char *)raw, (int)len);
	assert_true(n + 7 <= cap);
	memcpy(out, "Basic ", 6);
	memcpy(out + 6, b64, n + 1);
}

static struct auth_db *
load(void)
{
	struct auth_db *db = NULL;
	char err[256];

	assert_int_equal(auth_db_load(users, &ao, &db, err, sizeof(err)), 0);
	assert_non_null(db);
	return db;
}

static char *
slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
test_roles(void **state)
{
	(void)state;
	assert_string_equal(auth_role_name(AUTH_BROWSE), "browse");
	assert_string_equal(auth_role_name(AUTH_EDIT), "edit");
	assert_string_equal(auth_role_name(AUTH_NONE), "none");
	assert_int_equal(auth_role_parse("browse"), AUTH_BROWSE);
	assert_int_equal(auth_role_parse("edit"), AUTH_EDIT);
	assert_int_equal(auth_role_parse("Edit"), AUTH_NONE);
	assert_int_equal(auth_role_parse(""), AUTH_NONE);
	assert_int_equal(auth_role_parse(NULL), AUTH_NONE);
}

static void
test_hash_and_verify(void **state)
{
	struct auth_db *db;
	char h[512], user[64];
	struct stat st;

	(void)state;
	assert_int_equal(passwd("alice", "s3cret:x", AUTH_EDIT), 0);
	assert_int_equal(passwd("bob@site", "pw", AUTH_BROWSE), 0);
	assert_int_equal(stat(users, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	db = load();
	assert_int_equal(auth_db_count(db), 2);

	basic(h, sizeof(h), "alice:s3cret:x", 14);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_EDIT);
	assert_string_equal(user, "alice");
	basic(h, sizeof(h), "bob@site:pw", 11);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_BROWSE);
	assert_string_equal(user, "bob@site");
	/* A NULL or short user buffer is fine. */
	assert_int_equal(auth_check_header(db, h, NULL, 0), AUTH_BROWSE);
	assert_int_equal(auth_check_header(db, h, user, 3), AUTH_BROWSE);
	assert_string_equal(user, "bo");

	/* wrong password, unknown user, empty password */
	strcpy(user, "unchanged");
	basic(h, sizeof(h), "alice:s3cret", 12);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	assert_string_equal(user, "unchanged");
	basic(h, sizeof(h), "mallory:s3cret:x", 16);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	basic(h, sizeof(h), "alice:", 6);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	auth_db_free(db);
	auth_db_free(NULL);
	assert_int_equal(auth_db_count(NULL), 0);
}

static void
test_header_forms(void **state)
{
	struct auth_db *db;
	char h[512], user[64], big[2048];

	(void)state;
	assert_int_equal(passwd("alice", "pw", AUTH_EDIT), 0);
	db = load();
	/* "alice:pw" = YWxpY2U6cHc= */
	assert_int_equal(auth_check_header(db, "Basic YWxpY2U6cHc=", user,
	    sizeof(user)), AUTH_EDIT);
	assert_int_equal(auth_check_header(db, "basic YWxpY2U6cHc=", user,
	    sizeof(user)), AUTH_EDIT);
	assert_int_equal(auth_check_header(db, "BASIC   YWxpY2U6cHc=  ", user,
	    sizeof(user)), AUTH_EDIT);
	assert_int_equal(auth_check_header(db, " \tBasic\tYWxpY2U6cHc=", user,
	    sizeof(user)), AUTH_EDIT);

	static const char *const bad[] = {
		"", "Basic", "Basic ", "Basic    ", "Bearer YWxpY2U6cHc=",
		"BasicYWxpY2U6cHc=", "Basic YWxpY2U6cHc", "Basic YWxpY2U6cHc==",
		"Basic YWxpY2U6cHc=YWxp", "Basic YWxpY2U6cHc= x",
		"Basic YWxp!2U6cHc=", "Basic YWxpY2U6cHd=",	/* spare bits */
		"Basic YWxpY2U=",				/* no colon */
		"Basic Og==",					/* ":" only */
		"Digest username=\"alice\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (auth_check_header(db, bad[i], user, sizeof(user)) !=
		    AUTH_NONE)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(auth_check_header(db, NULL, user, sizeof(user)),
	    AUTH_NONE);
	assert_int_equal(auth_check_header(NULL, "Basic YWxpY2U6cHc=", user,
	    sizeof(user)), AUTH_NONE);
	/* NUL bytes inside the credentials */
	basic(h, sizeof(h), "alice\0:pw", 9);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	basic(h, sizeof(h), "alice:pw\0", 9);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	/* over-long header */
	memset(big, 'A', sizeof(big));
	memcpy(big, "Basic ", 6);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(auth_check_header(db, big, user, sizeof(user)),
	    AUTH_NONE);
	/* none of the failures were cached */
	for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (i >= 4)
			assert_int_equal(db->cache[i].role, AUTH_NONE);
	auth_db_free(db);
}

static void
test_cache(void **state)
{
	struct auth_db *db;
	char h[512], hv[600], user[64];
	size_t used = 0;

	(void)state;
	assert_int_equal(passwd("carol", "right", AUTH_BROWSE), 0);
	db = load();
	basic(h, sizeof(h), "carol:right", 11);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_BROWSE);
	for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++)
		used += db->cache[i].role != AUTH_NONE;
	assert_int_equal(used, 1);
	/*
	 * Spoil the stored hash: the remembered header still passes (the hit
	 * path never hashes), a header not seen before does not.
	 */
	db->users[0].hash[0] ^= 0xff;
	strcpy(user, "x");
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_BROWSE);
	assert_string_equal(user, "carol");
	snprintf(hv, sizeof(hv), "basic %s", h + 6);
	assert_int_equal(auth_check_header(db, hv, user, sizeof(user)),
	    AUTH_NONE);
	db->users[0].hash[0] ^= 0xff;

	/* Failed attempts are never remembered. */
	basic(hv, sizeof(hv), "carol:wrong", 11);
	for (int i = 0; i < 3; i++)
		assert_int_equal(auth_check_header(db, hv, user, sizeof(user)),
		    AUTH_NONE);
	used = 0;
	for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++)
		used += db->cache[i].role != AUTH_NONE;
	assert_int_equal(used, 1);

	/* More distinct good headers than slots: round robin, all pass. */
	for (int i = 0; i < AUTH_CACHE_SLOTS + 5; i++) {
		snprintf(hv, sizeof(hv), "Basic %*s%s", i + 1, "", h + 6);
		assert_int_equal(auth_check_header(db, hv, user,
		    sizeof(user)), AUTH_BROWSE);
	}
	assert_int_equal(db->next, (1 + AUTH_CACHE_SLOTS + 5) %
	    AUTH_CACHE_SLOTS);
	assert_int_equal(auth_check_header(db, hv, user, sizeof(user)),
	    AUTH_BROWSE);
	auth_db_free(db);
}

static void
test_passwd_preserves(void **state)
{
	struct auth_db *db;
	char h[512], user[64], before[4096], *after, *a, *c;

	(void)state;
	assert_int_equal(passwd("alice", "a", AUTH_EDIT), 0);
	assert_int_equal(passwd("bob", "b", AUTH_BROWSE), 0);
	assert_int_equal(passwd("carol", "c", AUTH_BROWSE), 0);
	/* a comment, and a last line without newline, are kept */
	FILE *fp = fopen(users, "a");
	fputs("# operators\n", fp);
	fclose(fp);
	snprintf(before, sizeof(before), "%s", slurp(users));

	assert_int_equal(passwd("bob", "newb", AUTH_EDIT), 0);
	after = slurp(users);
	/* alice's and carol's lines are byte-identical, in the same order */
	a = strstr(before, "alice:");
	c = strstr(before, "carol:");
	*strchr(a, '\n') = '\0';
	*strchr(c, '\n') = '\0';
	assert_non_null(strstr(after, a));
	assert_non_null(strstr(after, c));
	assert_true(strstr(after, a) < strstr(after, "bob:edit:"));
	assert_true(strstr(after, "bob:edit:") < strstr(after, c));
	assert_non_null(strstr(after, "\n# operators\n"));
	assert_null(strstr(after, "bob:browse:"));

	db = load();
	assert_int_equal(auth_db_count(db), 3);
	basic(h, sizeof(h), "bob:newb", 8);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_EDIT);
	basic(h, sizeof(h), "bob:b", 5);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_NONE);
	basic(h, sizeof(h), "carol:c", 7);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_BROWSE);
	auth_db_free(db);

	/* no temp files left behind */
	assert_int_equal(fx_dir_count(tmpdir, ""), 1);
}

static void
test_iterations_per_line(void **state)
{
	static const struct auth_opts slow = { .iterations = 1500 };
	struct auth_db *db;
	char h[512], user[64], err[256];

	(void)state;
	assert_int_equal(auth_passwd(users, "dave", "d", AUTH_BROWSE, &slow),
	    0);
	assert_non_null(strstr(slurp(users), "$1500$"));
	db = load();
	assert_int_equal(db->dummy.iter, 1000);	/* the decoy: the options' */
	auth_db_free(db);
	assert_int_equal(auth_db_load(users, NULL, &db, err, sizeof(err)), 0);
	assert_int_equal(db->dummy.iter, AUTH_ITERATIONS_DEFAULT);
	basic(h, sizeof(h), "dave:d", 6);
	assert_int_equal(auth_check_header(db, h, user, sizeof(user)),
	    AUTH_BROWSE);
	auth_db_free(db);
}

static void
test_passwd_bad_input(void **state)
{
	char name64[65];

	(void)state;
	memset(name64, 'n', 64);
	name64[64] = '\0';
	assert_int_equal(passwd("", "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("a:b", "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("a b", "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("a\nb", "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("\xc3\xa9", "pw", AUTH_EDIT),
	    -EINVAL);
	assert_int_equal(passwd(name64, "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd(NULL, "pw", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("ok", "", AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("ok", NULL, AUTH_EDIT), -EINVAL);
	assert_int_equal(passwd("ok", "pw", AUTH_NONE), -EINVAL);
	assert_int_equal(passwd("ok", "pw", (enum auth_role)7),
	    -EINVAL);
	assert_int_equal(access(users, F_OK), -1);	/* nothing written */
	name64[63] = '\0';
	assert_int_equal(passwd(name64, "pw", AUTH_EDIT), 0);
	assert_int_equal(auth_passwd("/nonexistent-dir/users", "ok", "pw",
	    AUTH_EDIT, &ao), -ENOENT);
}

static void
test_load_errors(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "nocolons\n", ":1: expected name:role:hash" },
		{ "# c\nx:browse\n", ":2: expected name:role:hash" },
		{ "a b:edit:pbkdf2-sha256$1$AAAAAAAAAAA=$x\n",
		  ":1: bad user name" },
		{ "a:root:pbkdf2-sha256$1$AAAAAAAAAAA=$x\n",
		  ":1: unknown role" },
		{ "a:edit:md5$1$AAAAAAAAAAA=$x\n", ":1: unknown hash scheme" },
		{ "a:edit:pbkdf2-sha256$1$AAAAAAAAAAA=\n",
		  ":1: expected pbkdf2-sha256" },
		{ "a:edit:pbkdf2-sha256$0$AAAAAAAAAAA=$x\n",
		  ":1: bad iteration count" },
		{ "a:edit:pbkdf2-sha256$-5$AAAAAAAAAAA=$x\n",
		  ":1: bad iteration count" },
		{ "a:edit:pbkdf2-sha256$10$AAAA$x\n", ":1: bad salt" },
		{ "a:edit:pbkdf2-sha256$10$AAAAAAAAAAA=$AAAA\n",
		  ":1: bad hash" },
		{ "a:edit:pbkdf2-sha256$10$AAAAAAAAAAA=$AAAA$x\n",
		  ":1: expected pbkdf2-sha256" },
	};
	struct auth_db *db;
	char err[256], want[256];
	FILE *fp;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fp = fopen(users, "w");
		fputs(cases[i].text, fp);
		fclose(fp);
		db = (struct auth_db *)1;
		assert_int_equal(auth_db_load(users, &ao, &db, err,
		    sizeof(err)), -EINVAL);
		assert_null(db);
		snprintf(want, sizeof(want), "%s%s", users, cases[i].err);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, err,
			    want);
	}
	/* duplicate user */
	unlink(users);
	assert_int_equal(passwd("a", "x", AUTH_EDIT), 0);
	snprintf(want, sizeof(want), "%s", slurp(users));
	fp = fopen(users, "a");
	fputs(want, fp);
	fclose(fp);
	assert_int_equal(auth_db_load(users, &ao, &db, err, sizeof(err)),
	    -EINVAL);
	snprintf(want, sizeof(want), "%s:2: duplicate user", users);
	assert_string_equal(err, want);
	/* missing file: empty db, nobody gets in */
	unlink(users);
	db = load();
	assert_int_equal(auth_db_count(db), 0);
	assert_int_equal(auth_check_header(db, "Basic YWxpY2U6cHc=", NULL, 0),
	    AUTH_NONE);
	auth_db_free(db);
	/* a folder is not a users file */
	assert_true(auth_db_load(tmpdir, &ao, &db, err, sizeof(err)) < 0);
	assert_null(db);
}

static void
test_halves(void **state)
{
	struct auth_db *db;
	enum auth_role role;
	char h[512], bad[512], user[64], longh[AUTH_HEADER_MAX + 10];

	(void)state;
	assert_int_equal(passwd("alice", "s3", AUTH_EDIT), 0);
	db = load();
	basic(h, sizeof(h), "alice:s3", 8);
	basic(bad, sizeof(bad), "alice:no", 8);
	assert_int_equal(auth_cache_lookup(db, h, user, sizeof(user), &role),
	    -ENOENT);
	assert_int_equal(role, AUTH_NONE);
	/* The slow half neither reads nor fills the cache. */
	assert_int_equal(auth_verify_header(db, h, user, sizeof(user)),
	    AUTH_EDIT);
	assert_string_equal(user, "alice");
	assert_int_equal(auth_cache_lookup(db, h, user, sizeof(user), &role),
	    -ENOENT);
	assert_int_equal(auth_verify_header(db, bad, user, sizeof(user)),
	    AUTH_NONE);
	auth_cache_store(db, h, "alice", AUTH_EDIT);
	user[0] = '\0';
	assert_int_equal(auth_cache_lookup(db, h, user, sizeof(user), &role),
	    0);
	assert_int_equal(role, AUTH_EDIT);
	assert_string_equal(user, "alice");
	/* A refusal is never stored. */
	auth_cache_store(db, bad, "alice", AUTH_NONE);
	assert_int_equal(auth_cache_lookup(db, bad, user, sizeof(user),
	    &role), -ENOENT);
	memset(longh, 'A', sizeof(longh) - 1);
	longh[sizeof(longh) - 1] = '\0';
	assert_int_equal(auth_cache_lookup(db, longh, user, sizeof(user),
	    &role), -EINVAL);
	/* A reference keeps the db across its owner's free (a reload). */
	assert_ptr_equal(auth_db_ref(db), db);
	auth_db_free(db);
	assert_int_equal(db->refs, 1);
	assert_int_equal(auth_verify_header(db, h, user, sizeof(user)),
	    AUTH_EDIT);
	auth_db_free(db);
}

static void
test_penalty_schedule(void **state)
{
	(void)state;
	assert_int_equal(authq_penalty_ms(0, 2000), 0);
	assert_int_equal(authq_penalty_ms(1, 2000), 0);
	assert_int_equal(authq_penalty_ms(2, 2000), 100);
	assert_int_equal(authq_penalty_ms(3, 2000), 200);
	assert_int_equal(authq_penalty_ms(4, 2000), 400);
	assert_int_equal(authq_penalty_ms(6, 2000), 1600);
	assert_int_equal(authq_penalty_ms(7, 2000), 2000);
	assert_int_equal(authq_penalty_ms(40, 2000), 2000);
	assert_int_equal(authq_penalty_ms(~0u, 2000), 2000);
	assert_int_equal(authq_penalty_ms(5, 0), 0);
	assert_int_equal(authq_penalty_ms(5, 150), 150);
}

/* One authq answer as the test saw it. */
struct answer {
	const char	*tag;
	enum auth_role	 role;
	uint64_t	 at_ms;
	int		*order;		/* shared counter */
	int		 seq;		/* 0: not answered */
	uv_loop_t	*loop;
};

static void
on_answer(void *arg, enum auth_role role, const char *user)
{
	struct answer *a = arg;

	a->role = role;
	/* The loop's time: the clock authq's penalty timer runs on. */
	a->at_ms = uv_now(a->loop);
	a->seq = ++*a->order;
	if (role != AUTH_NONE)
		assert_string_equal(user, "alice");
}

static void
test_authq(void **state)
{
	struct authq_opts o = { 1, 2, 300 };
	struct answer a[8];
	struct authq_job *j;
	struct auth_db *db;
	struct authq *q;
	uv_loop_t loop;
	enum auth_role role;
	char good[512], bad[512], user[64];
	uint64_t t0;
	int order = 0;

	(void)state;
	assert_int_equal(passwd("alice", "s3", AUTH_EDIT), 0);
	db = load();
	basic(good, sizeof(good), "alice:s3", 8);
	basic(bad, sizeof(bad), "alice:no", 8);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 8; i++) {
		a[i].order = &order;
		a[i].loop = &loop;
	}
	assert_int_equal(uv_loop_init(&loop), 0);
	q = authq_new(&loop, &o, NULL, NULL);
	assert_non_null(q);

	/* 127.0.0.2 fails once: its address is "dirty" from now on. */
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.2", on_answer,
	    &a[0], &j), 0);
	assert_int_equal(authq_active(q), 1);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(a[0].seq, 1);
	assert_int_equal(a[0].role, AUTH_NONE);

	/*
	 * One worker: a[1] runs, a[2] (failing address) and a[3] (clean)
	 * wait, a fourth is refused; the clean one is served first.
	 */
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.9", on_answer,
	    &a[1], &j), 0);
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.2", on_answer,
	    &a[2], &j), 0);
	assert_int_equal(authq_submit(q, db, good, "127.0.0.1", on_answer,
	    &a[3], &j), 0);
	assert_int_equal(authq_active(q), 1);
	assert_int_equal(authq_queued(q), 2);
	assert_int_equal(authq_submit(q, db, good, "127.0.0.1", on_answer,
	    &a[4], &j), -EBUSY);
	assert_null(j);
	/*
	 * On the loop's clock, not uv_hrtime(): the penalty timer is armed
	 * at a loop time no earlier than this and fires once the loop time
	 * is 100 ms past it, exactly, however loaded the machine is.
	 */
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(a[3].role, AUTH_EDIT);
	assert_true(a[3].seq < a[2].seq);
	/* 127.0.0.2's second failure in a row waited the 100 ms penalty. */
	assert_int_equal(a[2].role, AUTH_NONE);
	assert_true(a[2].at_ms - t0 >= 100);
	/* The success was cached: the next request takes the fast path. */
	assert_int_equal(auth_cache_lookup(db, good, user, sizeof(user),
	    &role), 0);
	assert_int_equal(role, AUTH_EDIT);

	/* Cancelled while running and while queued: no answer. */
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.3", on_answer,
	    &a[5], &j), 0);
	authq_cancel(j);
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.3", on_answer,
	    &a[6], &j), 0);
	assert_int_equal(authq_submit(q, db, bad, "127.0.0.3", on_answer,
	    &a[7], &j), 0);
	authq_cancel(j);
	/* A reload frees the owner's reference; the jobs keep theirs. */
	auth_db_free(db);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(a[5].seq, 0);
	assert_int_equal(a[7].seq, 0);
	assert_int_equal(a[6].role, AUTH_NONE);
	assert_true(a[6].seq > 0);
	authq_close(q);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test_setup(test_hash_and_verify, reset),
		cmocka_unit_test_setup(test_header_forms, reset),
		cmocka_unit_test_setup(test_cache, reset),
		cmocka_unit_test_setup(test_passwd_preserves, reset),
		cmocka_unit_test_setup(test_iterations_per_line, reset),
		cmocka_unit_test_setup(test_passwd_bad_input, reset),
		cmocka_unit_test_setup(test_load_errors, reset),
		cmocka_unit_test_setup(test_halves, reset),
		cmocka_unit_test(test_penalty_schedule),
		cmocka_unit_test_setup(test_authq, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
