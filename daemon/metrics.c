/* SPDX-License-Identifier: ISC */
/*
 * metrics.c - counters behind GET /metrics (Prometheus text format 0.0.4).
 *
 * Requests are counted by operation and HTTP status, with a latency
 * histogram per operation; copy traffic is counted in bytes with a rate
 * smoothed over a few seconds.  Jobs by state and pairs by SyncState are
 * not counted here: they are read from the replica set at render time, so
 * they can never drift from the truth; so are the pools' space (for the
 * configuration's pools) and the volumes CIM created and deleted, which
 * the replica set counts.  What the state cannot show later (how many
 * jobs ended how, how often pairs entered each SyncState) is counted from
 * the replica set's announcements (metrics_observe_change).  The tables
 * are bounded (a client cannot grow them by inventing method names:
 * unknown names fold into "other").  Runs on the loop thread only; no
 * locking.
 */
#include "daemon/metrics.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cimxml/cimxml.h"
#include "conf/conf.h"
#include "replica/replica.h"

/* Operation names we keep apart; anything else is "other". */
static const char *const known_ops[] = {
	"-", "GetInstance", "EnumerateInstances", "EnumerateInstanceNames",
	"Associators", "AssociatorNames", "References", "ReferenceNames",
	"GetClass", "EnumerateClasses", "EnumerateClassNames",
	"DeleteInstance", "CreateReplica", "AttachReplica",
	"AttachOrModifyReplica", "ModifySynchronization",
	/* Replication Services: their latencies were folded into "other"
	 * (found by the bench's ModifyReplicaSynchronization histogram). */
	"CreateElementReplica", "ModifyReplicaSynchronization",
	"RequestStateChange", "GetError", "KillJob", "metrics", "other",
};
#define NOPS (sizeof(known_ops) / sizeof(known_ops[0]))
#define OP_OTHER (NOPS - 1)

/*
 * Upper bounds of the latency buckets, seconds (then +Inf).  Fine below
 * 5 ms: the request path's targets (p99 < 2 ms for ModifySynchronization,
 * < 5 ms for GetInstance) are read off these bounds.
 */
static const double bucket_le[] = {
	0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.5, 2.5,
};
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

/* HTTP statuses we count separately; others fold into the last slot. */
static const unsigned known_status[] = { 200, 400, 401, 405, 413, 501, 503,
    0 };
#define NSTATUS (sizeof(known_status) / sizeof(known_status[0]))

/* Final JobStates, and every SyncState, in the order they are shown. */
static const unsigned jstates_ended[] = { JOB_COMPLETED, JOB_TERMINATED,
    JOB_EXCEPTION };
#define NJOB_ENDS (sizeof(jstates_ended) / sizeof(jstates_ended[0]))
static const unsigned sync_states[] = { SYNC_INITIALIZED,
    SYNC_RESYNC_IN_PROGRESS, SYNC_RESTORE_IN_PROGRESS, SYNC_IDLE,
    SYNC_BROKEN, SYNC_FROZEN, SYNC_COPY_IN_PROGRESS };
#define NSYNC_STATES (sizeof(sync_states) / sizeof(sync_states[0]))

/* Index of `v` in `set` (n entries), n if absent. */
static size_t
state_index(const unsigned *set, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n && set[i] != v; i++)
		;
	return i;
}

struct op_stats {
	uint64_t by_status[NSTATUS];
	uint64_t cim_errors;
	uint64_t buckets[NBUCKETS + 1];
	double sum_seconds;
	uint64_t count;
};

struct metrics {
	struct op_stats ops[NOPS];
	uint64_t copy_processed, copy_written;
	double rate;			/* bytes/s, smoothed */
	double rate_window_bytes;
	int64_t rate_window_start;	/* monotonic us */
	int64_t started;		/* monotonic us */
	uint64_t refused[REFUSE_COUNT];
	uint64_t jobs_ended[NJOB_ENDS];		/* by jstates_ended[] */
	uint64_t pair_entered[NSYNC_STATES];	/* by sync_states[] */
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Returns a new table owned by the caller (metrics_free) or NULL. */
struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->started = m->rate_window_start = mono_us();
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

static size_t
op_index(const char *op)
{
	size_t i;

	if (op == NULL)
		return 0;
	for (i = 0; i < OP_OTHER; i++)
		if (strcasecmp(known_ops[i], op) == 0)
			return i;
	return OP_OTHER;
}

void
metrics_observe_request(struct metrics *m, const char *op,
    unsigned http_status, unsigned cim_status, int64_t dur_us)
{
	struct op_stats *s;
	double sec = dur_us > 0 ? (double)dur_us / 1e6 : 0.0;
	size_t i;

	if (m == NULL)
		return;
	s = &m->ops[op_index(op)];
	for (i = 0; i < NSTATUS - 1; i++)
		if (known_status[i] == http_status)
			break;
	s->by_status[i]++;
	if (cim_status != 0)
		s->cim_errors++;
	for (i = 0; i < NBUCKETS; i++)
		if (sec <= bucket_le[i])
			break;
	s->buckets[i]++;
	s->sum_seconds += sec;
	s->count++;
}

/*
 * The rate is the bytes of the last closed window of at least one second,
 * blended with the previous rate so a single slow chunk does not make the
 * figure jump.
 */
static void
rate_update(struct metrics *m, uint64_t bytes)
{
	int64_t now = mono_us();
	double span = (double)(now - m->rate_window_start) / 1e6;

	m->rate_window_bytes += (double)bytes;
	if (span < 1.0)
		return;
	m->rate = 0.5 * m->rate + 0.5 * (m->rate_window_bytes / span);
	m->rate_window_bytes = 0;
	m->rate_window_start = now;
}

void
metrics_add_copy_bytes(struct metrics *m, uint64_t processed, uint64_t written)
{
	if (m == NULL)
		return;
	m->copy_processed += processed;
	m->copy_written += written;
	rate_update(m, processed);
}

/* Rate as shown: decays to 0 once no copy has reported for a while. */
static double
rate_now(const struct metrics *m)
{
	double idle = (double)(mono_us() - m->rate_window_start) / 1e6;

	return idle > 5.0 ? 0.0 : m->rate;
}

static const char *const refusal_names[REFUSE_COUNT] = {
	[REFUSE_HEADER_TIMEOUT] = "header_timeout",
	[REFUSE_BODY_SLOW] = "body_too_slow",
	[REFUSE_HANDSHAKE_TIMEOUT] = "handshake_timeout",
	[REFUSE_IDLE_TIMEOUT] = "idle_timeout",
	[REFUSE_PER_ADDRESS] = "per_address_limit",
	[REFUSE_TABLE_FULL] = "connection_limit",
	[REFUSE_IDLE_EVICTED] = "idle_evicted",
	[REFUSE_SLOW_EVICTED] = "slow_evicted",
	[REFUSE_AUTH_BUSY] = "auth_busy",
	[REFUSE_AUTH_PENALTY] = "auth_penalty",
	[REFUSE_BODY_BUDGET] = "body_budget",
	[REFUSE_FRAMING] = "bad_framing",
	[REFUSE_TOO_LARGE] = "body_too_large",
};

const char *
metrics_refusal_name(enum metrics_refusal r)
{
	return (unsigned)r < REFUSE_COUNT ? refusal_names[r] : "other";
}

void
metrics_count_refusal(struct metrics *m, enum metrics_refusal r)
{
	if (m != NULL && (unsigned)r < REFUSE_COUNT)
		m->refused[r]++;
}

/* Every reason is shown, zero included, so a scrape sees the set. */
static void
render_refusals(const struct metrics *m, struct cim_buf *out)
{
	cim_buf_puts(out,
	    "# HELP arrayd_http_refused_total Connections and requests the HTTP front door refused or cut, by reason.\n"
	    "# TYPE arrayd_http_refused_total counter\n");
	for (size_t i = 0; i < REFUSE_COUNT; i++)
		cim_buf_printf(out,
		    "arrayd_http_refused_total{reason=\"%s\"} %llu\n",
		    refusal_names[i], (unsigned long long)m->refused[i]);
}

static void
render_requests(const struct metrics *m, struct cim_buf *out)
{
	size_t i, j;
	uint64_t cum;

	cim_buf_puts(out,
	    "# HELP arrayd_requests_total HTTP requests by CIM operation and status.\n"
	    "# TYPE arrayd_requests_total counter\n");
	for (i = 0; i < NOPS; i++)
		for (j = 0; j < NSTATUS; j++)
			if (m->ops[i].by_status[j] != 0) {
				if (known_status[j] != 0)
					cim_buf_printf(out,
					    "arrayd_requests_total{op=\"%s\",status=\"%u\"} %llu\n",
					    known_ops[i], known_status[j],
					    (unsigned long long)m->ops[i].by_status[j]);
				else
					cim_buf_printf(out,
					    "arrayd_requests_total{op=\"%s\",status=\"other\"} %llu\n",
					    known_ops[i],
					    (unsigned long long)m->ops[i].by_status[j]);
			}
	cim_buf_puts(out,
	    "# HELP arrayd_cim_errors_total Responses carrying a CIM ERROR element.\n"
	    "# TYPE arrayd_cim_errors_total counter\n");
	for (i = 0; i < NOPS; i++)
		if (m->ops[i].cim_errors != 0)
			cim_buf_printf(out,
			    "arrayd_cim_errors_total{op=\"%s\"} %llu\n",
			    known_ops[i], (unsigned long long)m->ops[i].cim_errors);
	cim_buf_puts(out,
	    "# HELP arrayd_request_duration_seconds Time from the first byte to the response.\n"
	    "# TYPE arrayd_request_duration_seconds histogram\n");
	for (i = 0; i < NOPS; i++) {
		const struct op_stats *s = &m->ops[i];

		if (s->count == 0)
			continue;
		for (cum = 0, j = 0; j < NBUCKETS; j++) {
			cum += s->buckets[j];
			cim_buf_printf(out,
			    "arrayd_request_duration_seconds_bucket{op=\"%s\",le=\"%g\"} %llu\n",
			    known_ops[i], bucket_le[j], (unsigned long long)cum);
		}
		cim_buf_printf(out,
		    "arrayd_request_duration_seconds_bucket{op=\"%s\",le=\"+Inf\"} %llu\n"
		    "arrayd_request_duration_seconds_sum{op=\"%s\"} %.6f\n"
		    "arrayd_request_duration_seconds_count{op=\"%s\"} %llu\n",
		    known_ops[i], (unsigned long long)s->count, known_ops[i],
		    s->sum_seconds, known_ops[i], (unsigned long long)s->count);
	}
}

static void
render_copies(const struct metrics *m, struct cim_buf *out)
{
	cim_buf_printf(out,
	    "# HELP arrayd_copy_bytes_processed_total Bytes the copy engine copied, compared or skipped.\n"
	    "# TYPE arrayd_copy_bytes_processed_total counter\n"
	    "arrayd_copy_bytes_processed_total %llu\n"
	    "# HELP arrayd_copy_bytes_written_total Bytes the copy engine wrote to targets.\n"
	    "# TYPE arrayd_copy_bytes_written_total counter\n"
	    "arrayd_copy_bytes_written_total %llu\n"
	    "# HELP arrayd_copy_rate_bytes_per_second Copy throughput over the last seconds.\n"
	    "# TYPE arrayd_copy_rate_bytes_per_second gauge\n"
	    "arrayd_copy_rate_bytes_per_second %.0f\n",
	    (unsigned long long)m->copy_processed,
	    (unsigned long long)m->copy_written, rate_now(m));
}

void
metrics_observe_change(struct metrics *m, const struct replica_event *ev)
{
	size_t k;

	if (ev->what == REPLICA_JOB && ev->after.job != NULL &&
	    !ev->after.job->hidden && (ev->before.job == NULL ||
	    ev->before.job->state != ev->after.job->state)) {
		k = state_index(jstates_ended, NJOB_ENDS, ev->after.job->state);
		if (k < NJOB_ENDS)
			m->jobs_ended[k]++;
	}
	if (ev->what == REPLICA_PAIR && ev->after.pair != NULL &&
	    (ev->before.pair == NULL ||
	    ev->before.pair->sync_state != ev->after.pair->sync_state)) {
		k = state_index(sync_states, NSYNC_STATES,
		    ev->after.pair->sync_state);
		if (k < NSYNC_STATES)
			m->pair_entered[k]++;
	}
}

static void
render_changes(const struct metrics *m, struct cim_buf *out)
{
	size_t k;

	cim_buf_puts(out, "# HELP arrayd_jobs_ended_total Jobs that ended, by final JobState.\n"
	    "# TYPE arrayd_jobs_ended_total counter\n");
	for (k = 0; k < NJOB_ENDS; k++)
		cim_buf_printf(out, "arrayd_jobs_ended_total{state=\"%s\"} %llu\n",
		    job_state_name(jstates_ended[k]),
		    (unsigned long long)m->jobs_ended[k]);
	cim_buf_puts(out, "# HELP arrayd_pair_transitions_total Times a pair entered each SyncState.\n"
	    "# TYPE arrayd_pair_transitions_total counter\n");
	for (k = 0; k < NSYNC_STATES; k++)
		cim_buf_printf(out,
		    "arrayd_pair_transitions_total{sync_state=\"%s\"} %llu\n",
		    sync_state_name(sync_states[k]),
		    (unsigned long long)m->pair_entered[k]);
}

static void
render_state(const struct replica_set *rs, struct cim_buf *out)
{
	static const unsigned jstates[] = { JOB_NEW, JOB_RUNNING,
	    JOB_COMPLETED, JOB_TERMINATED, JOB_EXCEPTION };
	size_t i, k, n;

	cim_buf_printf(out,
	    "# HELP arrayd_volumes Volumes of the array.\n"
	    "# TYPE arrayd_volumes gauge\narrayd_volumes %zu\n",
	    replica_volume_count(rs));
	cim_buf_puts(out, "# HELP arrayd_jobs Jobs by JobState.\n"
	    "# TYPE arrayd_jobs gauge\n");
	for (k = 0; k < sizeof(jstates) / sizeof(jstates[0]); k++) {
		for (n = 0, i = 0; i < replica_job_count(rs); i++) {
			const struct rjob *j = replica_job_at(rs, i);

			n += !j->hidden && j->state == jstates[k];
		}
		cim_buf_printf(out, "arrayd_jobs{state=\"%s\"} %zu\n",
		    job_state_name(jstates[k]), n);
	}
	cim_buf_puts(out, "# HELP arrayd_pairs Replica pairs by SyncState.\n"
	    "# TYPE arrayd_pairs gauge\n");
	for (k = 0; k < NSYNC_STATES; k++) {
		for (n = 0, i = 0; i < replica_pair_count(rs); i++)
			n += replica_pair_at(rs, i)->sync_state ==
			    sync_states[k];
		cim_buf_printf(out, "arrayd_pairs{sync_state=\"%s\"} %zu\n",
		    sync_state_name(sync_states[k]), n);
	}
}

static void
render_volume_counters(const struct replica_set *rs, struct cim_buf *out)
{
	struct replica_counters k;

	replica_counters_get(rs, &k);
	cim_buf_printf(out,
	    "# HELP arrayd_volumes_created_total Volumes created through CIM since start.\n"
	    "# TYPE arrayd_volumes_created_total counter\n"
	    "arrayd_volumes_created_total %llu\n"
	    "# HELP arrayd_volumes_deleted_total Volumes deleted through CIM since start.\n"
	    "# TYPE arrayd_volumes_deleted_total counter\n"
	    "arrayd_volumes_deleted_total %llu\n",
	    (unsigned long long)k.volumes_created,
	    (unsigned long long)k.volumes_deleted);
}

/* ---------------------------------------------------------------- pools */

enum pool_gauge {
	PG_CAPACITY, PG_FREE, PG_PROVISIONED, PG_LIMIT, PG_VOLUMES, PG_COUNT
};

static const struct {
	const char *name, *help;
} pool_gauges[PG_COUNT] = {
	[PG_CAPACITY] = { "arrayd_pool_capacity_bytes",
	    "Size of the file system holding the pool's folder." },
	[PG_FREE] = { "arrayd_pool_free_bytes",
	    "Bytes free for arrayd on the pool's file system." },
	[PG_PROVISIONED] = { "arrayd_pool_provisioned_bytes",
	    "Sizes of the pool's volumes added up, snapshots excepted." },
	[PG_LIMIT] = { "arrayd_pool_limit_bytes",
	    "Most the pool's volumes may add up to (overprovision); absent when unlimited." },
	[PG_VOLUMES] = { "arrayd_pool_volumes",
	    "Volumes of the pool, snapshots included." },
};

/* A pool as scraped: its usage, or known false (not in the replica set). */
struct pool_sample {
	const char *name;
	bool known;
	struct replica_pool_usage u;
};

/*
 * Gauge g of a pool into *v; false when the pool has no such sample: an
 * unknown capacity (statvfs failed) gives no capacity or free bytes
 * rather than a 0 that reads as a full disk.
 */
static bool
pool_gauge_value(enum pool_gauge g, const struct replica_pool_usage *u,
    uint64_t *v)
{
	switch (g) {
	case PG_CAPACITY:
		*v = u->capacity;
		return u->capacity != 0;
	case PG_FREE:
		*v = u->free;
		return u->capacity != 0;
	case PG_PROVISIONED:
		*v = u->provisioned;
		return true;
	case PG_LIMIT:
		*v = u->limit;
		return u->limit != UINT64_MAX;
	case PG_VOLUMES:
		*v = u->volumes;
		return true;
	default:
		return false;
	}
}

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void
render_label_value(struct cim_buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			cim_buf_puts(out, "\\\\");
		else if (*s == '"')
			cim_buf_puts(out, "\\\"");
		else if (*s == '\n')
			cim_buf_puts(out, "\\n");
		else
			cim_buf_put(out, s, 1);
	}
}

static void
render_pool_gauge(enum pool_gauge g, const struct pool_sample *ps, size_t n,
    struct cim_buf *out)
{
	uint64_t v;

	cim_buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n",
	    pool_gauges[g].name, pool_gauges[g].help, pool_gauges[g].name);
	for (size_t i = 0; i < n; i++) {
		if (!ps[i].known || !pool_gauge_value(g, &ps[i].u, &v))
			continue;
		cim_buf_printf(out, "%s{pool=\"", pool_gauges[g].name);
		render_label_value(out, ps[i].name);
		cim_buf_printf(out, "\"} %llu\n", (unsigned long long)v);
	}
}

/*
 * The configuration's pools, each asked once (a statvfs) for all five
 * gauges.  A pool the replica set does not know (its folder could not be
 * made) has no samples.
 */
static void
render_pools(const struct replica_set *rs, const struct conf *c,
    struct cim_buf *out)
{
	struct pool_sample *ps;

	if (c == NULL || c->npools == 0)
		return;
	if ((ps = calloc(c->npools, sizeof(*ps))) == NULL) {
		out->oom = true;
		return;
	}
	for (size_t i = 0; i < c->npools; i++) {
		ps[i].name = c->pools[i].name;
		ps[i].known = replica_pool_usage(rs, ps[i].name, &ps[i].u) == 0;
	}
	for (int g = 0; g < PG_COUNT; g++)
		render_pool_gauge((enum pool_gauge)g, ps, c->npools, out);
	free(ps);
}

void
metrics_render(const struct metrics *m, const struct replica_set *rs,
    const struct conf *c, struct cim_buf *out)
{
	cim_buf_printf(out,
	    "# HELP arrayd_uptime_seconds Seconds since the daemon started.\n"
	    "# TYPE arrayd_uptime_seconds gauge\narrayd_uptime_seconds %.0f\n",
	    (double)(mono_us() - m->started) / 1e6);
	render_requests(m, out);
	render_refusals(m, out);
	render_copies(m, out);
	render_changes(m, out);
	if (rs == NULL)
		return;
	render_state(rs, out);
	render_volume_counters(rs, out);
	render_pools(rs, c, out);
}
