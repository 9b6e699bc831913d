/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_metrics.c - the Prometheus text behind GET /metrics: every
 * line is a # HELP/# TYPE line or a sample in the 0.0.4 text format,
 * histogram buckets are cumulative and end with +Inf equal to _count,
 * unknown operation names fold into "other" (a client cannot grow the
 * table), statuses outside the known set fold into status="other", copy
 * bytes add up, the jobs/pairs gauges follow a live replica set, and the
 * change counters follow the replica set's announcements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>

#include "fake_replica.h"

#include "cimxml/cimxml.h"
#include "conf/conf.h"
#include "daemon/metrics.h"

/* Renders m with rs and c (both may be NULL); text owned by the caller. */
static char *
render_conf(const struct metrics *m, const struct replica_set *rs,
    const struct conf *c)
{
	struct cim_buf b;
	char *s;

	cim_buf_init(&b);
	metrics_render(m, rs, c, &b);
	assert_false(b.oom);
	s = cim_buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

/* Renders m (and rs, may be NULL); returns the text owned by the caller. */
static char *
render(const struct metrics *m, const struct replica_set *rs)
{
	return render_conf(m, rs, NULL);
}

/*
 * Every line matches the sample grammar or is a comment; every sample's
 * metric name was announced by a # TYPE line before it.  Returns the
 * number of sample lines.
 */
static unsigned
check_format(const char *text)
{
	regex_t sample;
	char *dup = strdup(text), *save = NULL, *line;
	char typed[64][80];
	unsigned ntyped = 0, nsamples = 0;

	assert_non_null(dup);
	assert_int_equal(regcomp(&sample,
	    "^[a-z_]+(\\{[^}]*\\})? [0-9.e+-]+$", REG_EXTENDED | REG_NOSUB), 0);
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	for (line = strtok_r(dup, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[80];
		bool known = false;

		if (strncmp(line, "# HELP ", 7) == 0)
			continue;
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char kind[32];

			assert_int_equal(sscanf(line + 7, "%79s %31s", name,
			    kind), 2);
			assert_true(strcmp(kind, "counter") == 0 ||
			    strcmp(kind, "gauge") == 0 ||
			    strcmp(kind, "histogram") == 0);
			assert_true(ntyped < 64);
			snprintf(typed[ntyped++], sizeof(typed[0]), "%s", name);
			continue;
		}
		if (regexec(&sample, line, 0, NULL, 0) != 0) {
			fprintf(stderr, "bad line: '%s'\n", line);
			fail();
		}
		nsamples++;
		for (unsigned i = 0; i < ntyped && !known; i++) {
			size_t n = strlen(typed[i]);

			known = strncmp(line, typed[i], n) == 0 &&
			    (line[n] == ' ' || line[n] == '{' ||
			    strncmp(line + n, "_bucket{", 8) == 0 ||
			    strncmp(line + n, "_sum", 4) == 0 ||
			    strncmp(line + n, "_count", 6) == 0);
		}
		if (!known) {
			fprintf(stderr, "sample without # TYPE: '%s'\n", line);
			fail();
		}
	}
	regfree(&sample);
	free(dup);
	return nsamples;
}

/* The value of the sample line starting with `prefix` + ' ', or -1. */
static double
sample(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;

	while ((p = strstr(p, prefix)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

static unsigned
count_lines(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_empty_is_valid(void **state)
{
	struct metrics *m = metrics_new();
	char *t;

	(void)state;
	assert_non_null(m);
	t = render(m, NULL);
	assert_true(check_format(t) >= 4);
	assert_true(sample(t, "arrayd_uptime_seconds") >= 0);
	assert_true(sample(t, "arrayd_copy_bytes_processed_total") == 0);
	assert_true(sample(t, "arrayd_copy_bytes_written_total") == 0);
	assert_true(sample(t, "arrayd_copy_rate_bytes_per_second") == 0);
	/* No request seen: no request samples, but the families are typed. */
	assert_non_null(strstr(t,
	    "# TYPE arrayd_requests_total counter\n"));
	assert_null(strstr(t, "arrayd_requests_total{"));
	assert_null(strstr(t, "arrayd_jobs{"));	/* no replica set */
	free(t);
	metrics_free(m);
	metrics_free(NULL);
	/* NULL tables are ignored, not dereferenced. */
	metrics_observe_request(NULL, "GetInstance", 200, 0, 10);
	metrics_add_copy_bytes(NULL, 1, 1);
}

static void
test_requests_by_status(void **state)
{
	struct metrics *m = metrics_new();
	char *t;

	(void)state;
	metrics_observe_request(m, "GetInstance", 200, 0, 100);
	metrics_observe_request(m, "getinstance", 200, 0, 100);
	metrics_observe_request(m, "GetInstance", 200, 6, 100);
	metrics_observe_request(m, "GetInstance", 401, 0, 10);
	metrics_observe_request(m, "GetInstance", 500, 0, 10);
	metrics_observe_request(m, "GetInstance", 299, 0, 10);
	metrics_observe_request(m, NULL, 400, 0, 5);
	metrics_observe_request(m, "-", 413, 0, 5);
	t = render(m, NULL);
	check_format(t);
	/* Case-insensitive like CIM names: both spellings count as one. */
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"GetInstance\",status=\"200\"}") == 3);
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"GetInstance\",status=\"401\"}") == 1);
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"GetInstance\",status=\"other\"}") == 2);
	assert_null(strstr(t, "status=\"500\""));
	assert_null(strstr(t, "op=\"getinstance\""));
	assert_true(sample(t,
	    "arrayd_cim_errors_total{op=\"GetInstance\"}") == 1);
	/* Rejected before parsing: op "-". */
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"-\",status=\"400\"}") == 1);
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"-\",status=\"413\"}") == 1);
	assert_true(sample(t,
	    "arrayd_request_duration_seconds_count{op=\"GetInstance\"}") == 6);
	assert_true(sample(t,
	    "arrayd_request_duration_seconds_count{op=\"-\"}") == 2);
	free(t);
	metrics_free(m);
}

/* Buckets of op: cumulative, le ascending, +Inf last and == _count. */
static void
check_histogram(const char *t, const char *op, double want_count,
    double want_sum)
{
	char prefix[128], label[160];
	const char *p = t;
	double prev_le = -1, prev = -1, inf = -1, v;
	unsigned n = 0;

	snprintf(prefix, sizeof(prefix),
	    "arrayd_request_duration_seconds_bucket{op=\"%s\",le=\"", op);
	while ((p = strstr(p, prefix)) != NULL) {
		const char *le = p + strlen(prefix);
		const char *sp = strchr(p, ' ');

		assert_non_null(sp);
		v = strtod(sp + 1, NULL);
		assert_true(v >= prev);
		prev = v;
		if (strncmp(le, "+Inf\"}", 6) == 0) {
			inf = v;
			/* Nothing after +Inf for this op. */
			assert_null(strstr(sp, prefix));
		} else {
			double b = strtod(le, NULL);

			assert_true(b > prev_le);
			prev_le = b;
		}
		n++;
		p = sp;
	}
	assert_true(n >= 2);
	snprintf(label, sizeof(label),
	    "arrayd_request_duration_seconds_count{op=\"%s\"}", op);
	assert_true(inf == sample(t, label));
	assert_true(inf == want_count);
	snprintf(label, sizeof(label),
	    "arrayd_request_duration_seconds_sum{op=\"%s\"}", op);
	v = sample(t, label);
	assert_true(v > want_sum - 1e-5 && v < want_sum + 1e-5);
}

static void
test_histogram_cumulative(void **state)
{
	struct metrics *m = metrics_new();
	static const int64_t durs[] = { 0, -5, 100, 400, 900, 1500, 4000,
	    20000, 90000, 400000, 2000000, 9000000, 60000000 };
	double sum = 0;
	char *t;

	(void)state;
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		metrics_observe_request(m, "EnumerateInstances", 200, 0,
		    durs[i]);
		sum += durs[i] > 0 ? (double)durs[i] / 1e6 : 0;
	}
	metrics_observe_request(m, "ModifySynchronization", 200, 0, 3000);
	t = render(m, NULL);
	check_format(t);
	check_histogram(t, "EnumerateInstances",
	    (double)(sizeof(durs) / sizeof(durs[0])), sum);
	check_histogram(t, "ModifySynchronization", 1, 0.003);
	/* 0 and negative durations land in the first bucket (with 100, 400). */
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"EnumerateInstances\",le=\"0.0005\"}") == 4);
	/* The fine bounds below 5 ms (ModifySynchronization's p99 target). */
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"EnumerateInstances\",le=\"0.00025\"}") == 3);
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"EnumerateInstances\",le=\"0.0015\"}") == 6);
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"EnumerateInstances\",le=\"0.003\"}") == 6);
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"ModifySynchronization\",le=\"0.002\"}") == 0);
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"ModifySynchronization\",le=\"0.003\"}") == 1);
	/* 60 s is above every finite bound: only +Inf holds it. */
	assert_true(sample(t, "arrayd_request_duration_seconds_bucket"
	    "{op=\"EnumerateInstances\",le=\"2.5\"}") == 11);
	free(t);
	metrics_free(m);
}

static void
test_unknown_ops_fold(void **state)
{
	struct metrics *m = metrics_new();
	char name[64], *t;
	unsigned lines_before, lines_after;

	(void)state;
	metrics_observe_request(m, "KillJob", 200, 0, 10);
	metrics_observe_request(m, "Bogus", 200, 0, 10);
	t = render(m, NULL);
	lines_before = count_lines(t, "\n");
	free(t);
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "Invented%u", i);
		metrics_observe_request(m, name, 200, 0, 10);
	}
	metrics_observe_request(m, "", 200, 0, 10);
	metrics_observe_request(m, "op\"}\n 1", 200, 0, 10);
	t = render(m, NULL);
	check_format(t);
	/* Bounded: thousands of names add no line, only counts. */
	lines_after = count_lines(t, "\n");
	assert_int_equal(lines_before, lines_after);
	assert_null(strstr(t, "Invented"));
	assert_null(strstr(t, "Bogus"));
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"other\",status=\"200\"}") == 5003);
	assert_true(sample(t,
	    "arrayd_requests_total{op=\"KillJob\",status=\"200\"}") == 1);
	free(t);
	metrics_free(m);
}

static void
test_copy_bytes(void **state)
{
	struct metrics *m = metrics_new();
	char *t;

	(void)state;
	metrics_add_copy_bytes(m, 1 << 20, 1 << 19);
	metrics_add_copy_bytes(m, 1 << 20, 0);
	metrics_add_copy_bytes(m, 0, 0);
	metrics_add_copy_bytes(m, 5000000000ULL, 5000000000ULL);
	t = render(m, NULL);
	check_format(t);
	assert_true(sample(t, "arrayd_copy_bytes_processed_total") ==
	    (double)(2 * (1 << 20)) + 5e9);
	assert_true(sample(t, "arrayd_copy_bytes_written_total") ==
	    (double)(1 << 19) + 5e9);
	/* The rate window is a second: nothing closed yet, rate still 0. */
	assert_true(sample(t, "arrayd_copy_rate_bytes_per_second") >= 0);
	free(t);
	metrics_free(m);
}

/* The jobs/pairs gauges against what the set itself says. */
static void
check_state_gauges(const char *t, const struct replica_set *rs)
{
	static const unsigned js[] = { JOB_NEW, JOB_RUNNING, JOB_COMPLETED,
	    JOB_TERMINATED, JOB_EXCEPTION };
	static const unsigned ss[] = { SYNC_INITIALIZED,
	    SYNC_RESYNC_IN_PROGRESS, SYNC_RESTORE_IN_PROGRESS, SYNC_IDLE,
	    SYNC_BROKEN, SYNC_FROZEN, SYNC_COPY_IN_PROGRESS };
	char label[96];
	size_t i, k, n;

	for (k = 0; k < sizeof(js) / sizeof(js[0]); k++) {
		for (n = 0, i = 0; i < replica_job_count(rs); i++)
			n += !replica_job_at(rs, i)->hidden &&
			    replica_job_at(rs, i)->state == js[k];
		snprintf(label, sizeof(label), "arrayd_jobs{state=\"%s\"}",
		    job_state_name(js[k]));
		assert_true(sample(t, label) == (double)n);
	}
	for (k = 0; k < sizeof(ss) / sizeof(ss[0]); k++) {
		for (n = 0, i = 0; i < replica_pair_count(rs); i++)
			n += replica_pair_at(rs, i)->sync_state == ss[k];
		snprintf(label, sizeof(label),
		    "arrayd_pairs{sync_state=\"%s\"}", sync_state_name(ss[k]));
		assert_true(sample(t, label) == (double)n);
	}
	assert_true(sample(t, "arrayd_volumes") ==
	    (double)replica_volume_count(rs));
}

static void
test_jobs_and_pairs(void **state)
{
	struct fake_rep *f = calloc(1, sizeof(*f));
	struct replica_caller who = { "bob", "AttachOrModifyReplica" };
	struct replica_result r1, r2;
	struct replica_set *rs;
	struct metrics *m = metrics_new();
	char *t, path[400];
	uint32_t id;

	(void)state;
	assert_non_null(f);
	fake_rep_init(f);
	rs = fake_rep_open(f, 1, false);
	assert_non_null(rs);
	snprintf(path, sizeof(path), "%s/d.img", f->dir);
	assert_int_equal(replica_volume_configure(rs, "d", "p0", path,
	    1024 * 1024, 0, &id), 0);
	assert_int_equal(replica_set_start(rs), 0);

	t = render(m, rs);
	check_format(t);
	assert_true(sample(t, "arrayd_volumes") == 5);
	assert_true(sample(t, "arrayd_jobs{state=\"Running\"}") == 0);
	check_state_gauges(t, rs);
	free(t);

	/* One copy runs (max 1), the second waits in the queue. */
	assert_int_equal(replica_attach(rs, 101, 102, 5, &who, &r1), 0);
	assert_int_equal(r1.rc, REPLICA_RC_JOB_STARTED);
	assert_int_equal(replica_attach(rs, 103, id, 5, &who, &r2), 0);
	assert_int_equal(r2.rc, REPLICA_RC_JOB_STARTED);
	t = render(m, rs);
	check_format(t);
	assert_true(sample(t, "arrayd_jobs{state=\"Running\"}") == 1);
	assert_true(sample(t, "arrayd_jobs{state=\"New\"}") == 1);
	assert_true(sample(t,
	    "arrayd_pairs{sync_state=\"ResyncInProgress\"}") >= 1);
	check_state_gauges(t, rs);
	free(t);

	/* The first ends, the second starts: still one Running. */
	assert_true(fake_rep_finish(f, rs, r1.job_id, 0, NULL));
	t = render(m, rs);
	check_format(t);
	assert_true(sample(t, "arrayd_jobs{state=\"Running\"}") == 1);
	assert_true(sample(t, "arrayd_jobs{state=\"Completed\"}") == 1);
	check_state_gauges(t, rs);
	free(t);

	assert_true(fake_rep_finish(f, rs, r2.job_id, -EIO, "disk gone"));
	t = render(m, rs);
	check_format(t);
	assert_true(sample(t, "arrayd_jobs{state=\"Running\"}") == 0);
	assert_true(sample(t, "arrayd_jobs{state=\"Exception\"}") == 1);
	assert_true(sample(t, "arrayd_pairs{sync_state=\"Broken\"}") == 1);
	assert_true(sample(t,
	    "arrayd_pairs{sync_state=\"ResyncInProgress\"}") == 0);
	check_state_gauges(t, rs);
	free(t);

	metrics_free(m);
	replica_set_free(rs);
	fake_rep_cleanup(f);
	free(f);
}

static void
announce_job(struct metrics *m, const struct rjob *before,
    const struct rjob *after)
{
	struct replica_event ev = { .what = REPLICA_JOB, .change =
	    before == NULL ? REPLICA_CREATED : REPLICA_MODIFIED };

	ev.before.job = before;
	ev.after.job = after;
	metrics_observe_change(m, &ev);
}

static void
announce_pair(struct metrics *m, const struct rpair *before,
    const struct rpair *after)
{
	struct replica_event ev = { .what = REPLICA_PAIR, .change =
	    before == NULL ? REPLICA_CREATED : after == NULL ?
	    REPLICA_DELETED : REPLICA_MODIFIED };

	ev.before.pair = before;
	ev.after.pair = after;
	metrics_observe_change(m, &ev);
}

/*
 * The change counters follow announcements: a job counts once when it
 * enters a final state (not when a finished job changes again, not when
 * it is hidden), a pair each time it enters a SyncState (a deletion or a
 * change that keeps the state does not count).
 */
static void
test_change_counters(void **state)
{
	struct metrics *m = metrics_new();
	struct rjob run = { .id = 1, .state = JOB_RUNNING };
	struct rjob done = { .id = 1, .state = JOB_COMPLETED };
	struct rjob done2 = { .id = 1, .state = JOB_COMPLETED, .percent = 100 };
	struct rjob hid = { .id = 2, .state = JOB_EXCEPTION, .hidden = true };
	struct rjob failed = { .id = 3, .state = JOB_EXCEPTION };
	struct rpair resync = { .src_id = 1, .tgt_id = 2,
	    .sync_state = SYNC_RESYNC_IN_PROGRESS };
	struct rpair frozen = resync, frozen2 = resync, broken = resync;
	char *t;

	(void)state;
	assert_non_null(m);
	frozen.sync_state = frozen2.sync_state = SYNC_FROZEN;
	frozen2.percent_synced = 100;
	broken.sync_state = SYNC_BROKEN;
	t = render(m, NULL);
	check_format(t);
	assert_true(sample(t, "arrayd_jobs_ended_total{state=\"Completed\"}")
	    == 0);
	free(t);

	announce_job(m, NULL, &run);
	announce_job(m, &run, &done);
	announce_job(m, &done, &done2);
	announce_job(m, NULL, &hid);
	announce_job(m, NULL, &failed);
	announce_pair(m, NULL, &resync);
	announce_pair(m, &resync, &frozen);
	announce_pair(m, &frozen, &frozen2);
	announce_pair(m, &frozen2, &resync);
	announce_pair(m, &resync, &broken);
	announce_pair(m, &broken, NULL);
	t = render(m, NULL);
	check_format(t);
	assert_true(sample(t, "arrayd_jobs_ended_total{state=\"Completed\"}")
	    == 1);
	assert_true(sample(t, "arrayd_jobs_ended_total{state=\"Exception\"}")
	    == 1);
	assert_true(sample(t, "arrayd_jobs_ended_total{state=\"Terminated\"}")
	    == 0);
	assert_true(sample(t, "arrayd_pair_transitions_total"
	    "{sync_state=\"ResyncInProgress\"}") == 2);
	assert_true(sample(t, "arrayd_pair_transitions_total"
	    "{sync_state=\"Frozen\"}") == 1);
	assert_true(sample(t, "arrayd_pair_transitions_total"
	    "{sync_state=\"Broken\"}") == 1);
	assert_true(sample(t, "arrayd_pair_transitions_total"
	    "{sync_state=\"Idle\"}") == 0);
	free(t);
	metrics_free(m);
}

/* A pool file system of 10 GiB with 8 GiB free. */
static int
pool_space_10g(void *ctx, const char *path, uint64_t *capacity,
    uint64_t *free_bytes)
{
	(void)ctx;
	(void)path;
	*capacity = 10ULL << 30;
	*free_bytes = 8ULL << 30;
	return 0;
}

/*
 * Block Services: the created/deleted counters and each configured
 * pool's gauges.  No limit sample without a limit, no capacity sample
 * without a known capacity, no samples for a pool the set does not
 * know, and a label value escaped as the text format requires.
 */
static void
test_pools_and_volume_counters(void **state)
{
	static const char odd[] = "we\"ird\\x\ny";
	struct fake_rep *f = calloc(1, sizeof(*f));
	struct replica_caller who = { "bob",
	    "CreateOrModifyElementFromStoragePool" };
	struct conf_pool pools[] = { { .name = (char *)"p0" },
	    { .name = (char *)odd }, { .name = (char *)"gone" } };
	struct conf c = { .pools = pools, .npools = 3 };
	struct replica_config cfg = { .max_copy_tasks = 1 };
	struct replica_ops ops;
	struct replica_result r;
	struct replica_set *rs;
	struct metrics *m = metrics_new();
	char err[256], *t;
	uint64_t size;
	uint32_t rc;

	(void)state;
	assert_non_null(f);
	fake_rep_init(f);
	cfg.db_path = f->db;
	ops = fake_rep_ops(f);
	ops.pool_space = pool_space_10g;
	assert_int_equal(replica_set_open(&cfg, &ops, &rs, err, sizeof(err)),
	    0);
	assert_int_equal(replica_pool_add(rs, "p0", f->dir), 0);
	assert_int_equal(replica_pool_add(rs, odd, f->dir), 0);
	assert_int_equal(replica_set_start(rs), 0);

	t = render_conf(m, rs, &c);
	check_format(t);
	assert_true(sample(t, "arrayd_volumes_created_total") == 0);
	assert_true(sample(t, "arrayd_volumes_deleted_total") == 0);
	assert_true(sample(t, "arrayd_pool_capacity_bytes{pool=\"p0\"}") ==
	    (double)(10ULL << 30));
	assert_true(sample(t, "arrayd_pool_free_bytes{pool=\"p0\"}") ==
	    (double)(8ULL << 30));
	assert_true(sample(t, "arrayd_pool_limit_bytes{pool=\"p0\"}") ==
	    (double)(40ULL << 30));
	assert_true(sample(t, "arrayd_pool_provisioned_bytes{pool=\"p0\"}")
	    == 0);
	assert_true(sample(t, "arrayd_pool_volumes{pool=\"p0\"}") == 0);
	assert_true(sample(t, "arrayd_pool_volumes"
	    "{pool=\"we\\\"ird\\\\x\\ny\"}") == 0);
	assert_null(strstr(t, "gone"));
	free(t);

	/* One volume made and one returned: 256 MiB, the 3PAR granule. */
	assert_int_equal(replica_volume_provision(rs, "v1", "p0", 1, &who, &r,
	    &size), 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(replica_volume_provision(rs, "v2", "p0", 1, &who, &r,
	    &size), 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(replica_volume_return(rs, r.target_id, &who, &rc), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(replica_pool_set_overprovision(rs, "p0", 0), 0);
	t = render_conf(m, rs, &c);
	check_format(t);
	assert_true(sample(t, "arrayd_volumes_created_total") == 2);
	assert_true(sample(t, "arrayd_volumes_deleted_total") == 1);
	assert_true(sample(t, "arrayd_pool_provisioned_bytes{pool=\"p0\"}") ==
	    (double)REPLICA_VOLUME_GRANULE);
	assert_true(sample(t, "arrayd_pool_volumes{pool=\"p0\"}") == 1);
	assert_null(strstr(t, "arrayd_pool_limit_bytes{pool=\"p0\"}"));
	assert_non_null(strstr(t, "# TYPE arrayd_pool_limit_bytes gauge\n"));
	free(t);

	/* Without a configuration: counters, but no pool samples. */
	t = render(m, rs);
	check_format(t);
	assert_true(sample(t, "arrayd_volumes_created_total") == 2);
	assert_null(strstr(t, "arrayd_pool_"));
	free(t);

	metrics_free(m);
	replica_set_free(rs);
	fake_rep_cleanup(f);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_valid),
		cmocka_unit_test(test_requests_by_status),
		cmocka_unit_test(test_histogram_cumulative),
		cmocka_unit_test(test_unknown_ops_fold),
		cmocka_unit_test(test_copy_bytes),
		cmocka_unit_test(test_jobs_and_pairs),
		cmocka_unit_test(test_change_counters),
		cmocka_unit_test(test_pools_and_volume_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
