/* SPDX-License-Identifier: ISC */
/*
 * indication_event.c - the way from a committed replica change to the
 * queues of the subscriptions that want it (cim/indication.h).  This file
 * decides who gets an indication and when: a change no enabled
 * subscription's FROM class can match stops before anything is built; a
 * job's PercentComplete-only change waits out progress_interval_ms since
 * that job's last indication (a state change never waits); the filters
 * are compiled once per filter and kept by filter id (filters cannot be
 * modified and ids are never reused, so an entry never goes stale; those
 * of deleted filters are swept when the cache outgrows the registry).
 * What an indication contains is indication_build.c's.
 *
 * Each job's last indicated record is kept while the job lives, so that
 * PreviousInstance is what the listener saw last: a progress change held
 * back is never lost, the next indication of that job carries it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "conf/conf.h"
#include "cim/indication_int.h"
#include "cim/model.h"
#include "indic/indic.h"
#include "query/query.h"
#include "replica/replica.h"

#define SUB_ENABLED	2	/* CIM_IndicationSubscription.SubscriptionState */
#define ARENA_CAP	(4u << 20)	/* one event's instances: a few KiB */

/* A job that was indicated and has not ended yet. */
struct ci_job {
	uint64_t id;
	int64_t last_us;		/* when its last indication was built */
	struct rjob shown;		/* the record it showed */
};

/* What a filter's FROM class says of an indication class. */
enum ci_from { CI_FROM_UNKNOWN = 0, CI_FROM_YES, CI_FROM_NO };

/* A filter, compiled once; the cache is sorted by id. */
struct ci_filter {
	uint64_t id;
	struct query *q;		/* NULL: it does not compile (logged) */
	uint8_t from[CIM_IND__COUNT];	/* enum ci_from, learnt on first use */
};

/* A subscription the indication goes to (collected before pushing). */
struct ci_target {
	uint64_t sub_id;
	const char *filter_name;	/* copy in the event's arena */
};

struct cim_indication {
	struct cim_indication_opts o;
	char *host;
	struct cim_arena *arena;	/* reset per event */
	int64_t boot_us;		/* makes IndicationIdentifier unique */
	uint64_t serial;
	struct ci_job *jobs;
	size_t njobs, capjobs;
	struct ci_filter *filters;
	size_t nfilters, capfilters;
	struct ci_target *targets;
	size_t captargets;
	struct cim_indication_stats st;
};

static int64_t
clock_now_us(const struct cim_indication *ci)
{
	struct timespec ts;

	if (ci->o.now_us != NULL)
		return ci->o.now_us(ci->o.now_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
cim_indication_new(const struct cim_indication_opts *opts,
    struct cim_indication **out)
{
	struct cim_indication *ci;

	if (opts == NULL || opts->rs == NULL)
		return -EINVAL;
	if ((ci = calloc(1, sizeof(*ci))) == NULL)
		return -ENOMEM;
	ci->o = *opts;
	ci->host = strdup(opts->host != NULL ? opts->host : "");
	ci->arena = cim_arena_new(ARENA_CAP);
	if (ci->host == NULL || ci->arena == NULL) {
		cim_indication_free(ci);
		return -ENOMEM;
	}
	ci->o.host = ci->host;
	ci->boot_us = clock_now_us(ci);
	*out = ci;
	return 0;
}

void
cim_indication_free(struct cim_indication *ci)
{
	size_t i;

	if (ci == NULL)
		return;
	for (i = 0; i < ci->nfilters; i++)
		query_free(ci->filters[i].q);
	free(ci->filters);
	free(ci->jobs);
	free(ci->targets);
	cim_arena_free(ci->arena);
	free(ci->host);
	free(ci);
}

void
cim_indication_set_interval(struct cim_indication *ci, unsigned ms)
{
	ci->o.progress_interval_ms = ms;
}

void
cim_indication_set_conf(struct cim_indication *ci, const struct conf *conf)
{
	ci->o.conf = conf;
	if (conf != NULL)
		ci->o.progress_interval_ms =
		    conf->indications.progress_interval_ms;
}

void
cim_indication_stats(const struct cim_indication *ci,
    struct cim_indication_stats *out)
{
	*out = ci->st;
}

/* ------------------------------------------------------------ filters */

/* Forget the compiled filters whose filter is gone. */
static void
filters_sweep(struct cim_indication *ci)
{
	size_t i, n = 0;

	for (i = 0; i < ci->nfilters; i++) {
		if (indic_filter_get(ci->o.ix, ci->filters[i].id) == NULL) {
			query_free(ci->filters[i].q);
			continue;
		}
		ci->filters[n++] = ci->filters[i];
	}
	ci->nfilters = n;
}

/* Index of filter `id` in the cache, or where it would go. */
static size_t
filter_slot(const struct cim_indication *ci, uint64_t id)
{
	size_t lo = 0, hi = ci->nfilters, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ci->filters[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The cache entry of filter f, compiled on first use; NULL: no memory. */
static struct ci_filter *
filter_entry(struct cim_indication *ci, const struct indic_filter *f)
{
	struct ci_filter *nf;
	struct query *q = NULL;
	char err[160];
	size_t i, cap;
	int rc;

	i = filter_slot(ci, f->id);
	if (i < ci->nfilters && ci->filters[i].id == f->id)
		return &ci->filters[i];
	if (ci->nfilters == ci->capfilters) {
		filters_sweep(ci);
		if (ci->nfilters == ci->capfilters) {
			cap = ci->capfilters == 0 ? 16 : ci->capfilters * 2;
			nf = reallocarray(ci->filters, cap, sizeof(*nf));
			if (nf == NULL)
				return NULL;	/* tried again next event */
			ci->filters = nf;
			ci->capfilters = cap;
		}
		i = filter_slot(ci, f->id);
	}
	/* Names were checked when the filter was created. */
	ci->st.compiled++;
	rc = query_compile(f->query_language, f->query, NULL, &q, err,
	    sizeof(err));
	if (rc == -ENOMEM)
		return NULL;
	if (rc != 0) {
		/* Kept as NULL: logged once, matches nothing. */
		log_warnx("indication filter %s: does not compile: %s",
		    f->name, err);
		q = NULL;
	}
	memmove(&ci->filters[i + 1], &ci->filters[i],
	    (ci->nfilters - i) * sizeof(*ci->filters));
	ci->nfilters++;
	memset(&ci->filters[i], 0, sizeof(ci->filters[i]));
	ci->filters[i].id = f->id;
	ci->filters[i].q = q;
	return &ci->filters[i];
}

/* Can filter fe's FROM class match indications of class `cls`? */
static bool
filter_admits(struct ci_filter *fe, enum cim_ind_class cls)
{
	if (fe->q == NULL)
		return false;
	if (fe->from[cls] == CI_FROM_UNKNOWN)
		fe->from[cls] = cim_ind__class_isa(cim_ind__class_names[cls],
		    query_from_class(fe->q)) ? CI_FROM_YES : CI_FROM_NO;
	return fe->from[cls] == CI_FROM_YES;
}

/*
 * Could any enabled subscription want an indication of class `cls`?  The
 * FROM class alone: nothing is built to answer.
 */
static bool
anyone_wants(struct cim_indication *ci, enum cim_ind_class cls)
{
	const struct indic_sub *s;
	const struct indic_filter *f;
	struct ci_filter *fe;
	size_t i;

	for (i = 0; (s = indic_sub_at(ci->o.ix, i)) != NULL; i++) {
		if (s->state != SUB_ENABLED ||
		    (f = indic_filter_get(ci->o.ix, s->filter_id)) == NULL ||
		    (fe = filter_entry(ci, f)) == NULL)
			continue;
		if (filter_admits(fe, cls))
			return true;
	}
	return false;
}

/* --------------------------------------------------------------- jobs */

static struct ci_job *
job_find(struct cim_indication *ci, uint64_t id)
{
	size_t i;

	for (i = 0; i < ci->njobs; i++)
		if (ci->jobs[i].id == id)
			return &ci->jobs[i];
	return NULL;
}

static void
job_forget(struct cim_indication *ci, uint64_t id)
{
	struct ci_job *j = job_find(ci, id);

	if (j != NULL)
		*j = ci->jobs[--ci->njobs];
}

static bool
job_ended(const struct rjob *r)
{
	return r->state != JOB_NEW && r->state != JOB_RUNNING;
}

/* Remember what a job's indication showed; a finished job is forgotten. */
static void
job_shown(struct cim_indication *ci, const struct rjob *r, int64_t now)
{
	struct ci_job *j = job_find(ci, r->id), *nj;
	size_t cap;

	if (job_ended(r)) {
		job_forget(ci, r->id);
		return;
	}
	if (j == NULL) {
		if (ci->njobs == ci->capjobs) {
			cap = ci->capjobs == 0 ? 16 : ci->capjobs * 2;
			nj = reallocarray(ci->jobs, cap, sizeof(*nj));
			if (nj == NULL)
				return;	/* next one is not held back */
			ci->jobs = nj;
			ci->capjobs = cap;
		}
		j = &ci->jobs[ci->njobs++];
		j->id = r->id;
	}
	j->last_us = now;
	j->shown = *r;
}

/* ------------------------------------------------------------ pushing */

/* Which enabled subscriptions match m: ci->targets[0..*n). */
static int
collect_targets(struct cim_indication *ci, const struct cim_ind_msg *m,
    enum cim_ind_class cls, size_t *n)
{
	struct query_env env = cim_ind__env_proto;
	const struct indic_filter *f;
	const struct indic_sub *s;
	struct ci_filter *fe;
	struct ci_target *nt;
	size_t i, cap;

	env.arg = (void *)m;
	*n = 0;
	for (i = 0; (s = indic_sub_at(ci->o.ix, i)) != NULL; i++) {
		if (s->state != SUB_ENABLED ||
		    (f = indic_filter_get(ci->o.ix, s->filter_id)) == NULL ||
		    (fe = filter_entry(ci, f)) == NULL ||
		    !filter_admits(fe, cls) || !query_match(fe->q, &env))
			continue;
		if (*n == ci->captargets) {
			cap = ci->captargets == 0 ? 16 : ci->captargets * 2;
			if ((nt = reallocarray(ci->targets, cap,
			    sizeof(*nt))) == NULL)
				return -ENOMEM;
			ci->targets = nt;
			ci->captargets = cap;
		}
		/* Registry strings die at its next change: copy. */
		ci->targets[*n].sub_id = s->id;
		if ((ci->targets[*n].filter_name = cim_arena_strdup(ci->arena,
		    f->name)) == NULL)
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

struct push_arg {
	const struct cim_ind_msg *m;
	const struct ci_target *targets;
};

static int
push_build(void *arg, size_t i, const char *seq_context, uint64_t seq_no,
    char **body, size_t *len)
{
	const struct push_arg *pa = arg;

	return cim_ind__export(pa->m, pa->targets[i].filter_name,
	    seq_context, seq_no, body, len);
}

/*
 * Queue m for every target, all in one registry transaction (one commit
 * per event: the loop does not wait on one per subscription); returns how
 * many were queued.
 */
static size_t
push_all(struct cim_indication *ci, const struct cim_ind_msg *m, size_t n)
{
	struct push_arg pa = { .m = m, .targets = ci->targets };
	uint64_t *ids;
	int *rcs;
	size_t i, queued = 0;

	ids = cim_arena_alloc(ci->arena, n * sizeof(*ids));
	rcs = cim_arena_alloc(ci->arena, n * sizeof(*rcs));
	if (ids == NULL || rcs == NULL) {
		ci->st.failed += n;
		log_warnx("indication %s: not queued: out of memory",
		    m->classname);
		return 0;
	}
	for (i = 0; i < n; i++)
		ids[i] = ci->targets[i].sub_id;
	/* m->xml is in every message: the registry stores it once. */
	(void)indic_push_shared(ci->o.ix, ids, n, m->xml, m->xml_len,
	    push_build, &pa, rcs);
	for (i = 0; i < n; i++) {
		if (rcs[i] == 0) {
			queued++;
			continue;
		}
		/* A full queue is counted and logged by the registry. */
		if (rcs[i] != -ENOBUFS) {
			ci->st.failed++;
			log_warn_err(rcs[i], "indication %s for subscription "
			    "%llu: not queued", m->classname,
			    (unsigned long long)ci->targets[i].sub_id);
		}
	}
	return queued;
}

/* ------------------------------------------------------------- events */

static int
build(struct cim_indication *ci, const struct replica_event *ev,
    const struct cim_ind_kind *k, const struct rjob *job_prev, int64_t now,
    struct cim_ind_msg *m)
{
	struct op_ctx c = {
		.conf = ci->o.conf,
		.rs = ci->o.rs,
		.host = ci->host,
		.arena = ci->arena,
		.ns = MODEL_NS_TPD,
	};
	struct cim_ind_input in = {
		.ev = ev,
		.job_prev = job_prev,
		.time_us = now,
		.host = ci->host,
	};
	const char *sys = replica_system_name(ci->o.rs);

	in.identifier = cim_arena_printf(ci->arena, "%s:%llx:%llu",
	    sys != NULL ? sys : "", (unsigned long long)ci->boot_us,
	    (unsigned long long)++ci->serial);
	if (in.identifier == NULL)
		return -ENOMEM;
	return cim_ind__build(&c, k, &in, m);
}

void
cim_indicate(struct cim_indication *ci, const struct replica_event *ev)
{
	const struct rjob *job_prev = NULL;
	struct cim_ind_kind k;
	struct cim_ind_msg m;
	struct ci_job *j = NULL;
	size_t n, queued;
	int64_t now;
	int rc;

	ci->st.events++;
	if (ev->what == REPLICA_JOB && ev->change == REPLICA_DELETED)
		job_forget(ci, ev->before.job->id);
	cim_ind__classify(ev, &k);
	if (k.classname == NULL || ci->o.ix == NULL ||
	    !anyone_wants(ci, k.cls)) {
		/* Nobody saw it: an ended job needs no memory of it. */
		if (ev->what == REPLICA_JOB && ev->after.job != NULL &&
		    job_ended(ev->after.job))
			job_forget(ci, ev->after.job->id);
		return;
	}
	now = clock_now_us(ci);
	if (ev->what == REPLICA_JOB) {
		j = job_find(ci, ev->after.job->id);
		if (k.progress_only && j != NULL && now - j->last_us <
		    (int64_t)ci->o.progress_interval_ms * 1000) {
			ci->st.progress_held++;
			return;
		}
		if (j != NULL)
			job_prev = &j->shown;
	}
	cim_arena_reset(ci->arena);
	if ((rc = build(ci, ev, &k, job_prev, now, &m)) != 0) {
		if (rc == -ENOENT)
			return;
		ci->st.failed++;
		log_warn_err(rc, "indication %s: not built", k.classname);
		return;
	}
	ci->st.built++;
	if (ev->what == REPLICA_JOB)
		job_shown(ci, ev->after.job, now);
	if ((rc = collect_targets(ci, &m, k.cls, &n)) != 0) {
		ci->st.failed++;
		log_warn_err(rc, "indication %s: not matched", k.classname);
		return;
	}
	if (n == 0) {
		ci->st.unmatched++;
		return;
	}
	queued = push_all(ci, &m, n);
	ci->st.queued += queued;
	if (queued > 0 && ci->o.kick != NULL)
		ci->o.kick(ci->o.kick_arg);
}
