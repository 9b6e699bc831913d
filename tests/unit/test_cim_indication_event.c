/* SPDX-License-Identifier: ISC */
/*
 * test_cim_indication_event.c - replica changes become indications
 * (cim/indication*.c): each kind of change gives which class with which
 * properties, the ExportIndication request parsed back with expat and
 * checked against DSP0201's structure (its embedded instances parsed
 * again), PercentComplete rate limiting (a state change always sends),
 * the no-subscription fast path (nothing built), filters matching or not,
 * a disabled subscription getting nothing, filters compiled once.
 *
 * The registry (indic/, SQLite in the test's folder) and the filter
 * evaluator (query/) are the real ones; the kick callback takes what was
 * queued, as the daemon's delivery would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_replica.h"

#include <expat.h>
#include <strings.h>
#include <time.h>

#include "cim/indication.h"
#include "cim/model.h"
#include "cimxml/cimxml.h"
#include "conf/conf.h"
#include "indic/indic.h"
#include "query/query.h"
#include "replica/replica.h"

#define SYS	"2FF70002AC01A2B3"
#define HOST	"array.example"
#define VA	101u
#define VB	102u

/* ------------------------------------------------------- the registry */

#define MAXF	8
#define MAXP	64

static struct indic *g_ix;
static uint64_t g_dest;			/* the one destination */
static uint64_t g_subid[MAXF + 1];	/* test index -> subscription id */
static struct pushed {
	unsigned sub;			/* test index */
	uint64_t seq;
	char *body;
	size_t len;
} g_pushed[MAXP];
static size_t g_npushed;
static unsigned g_kicks;

/* Filter `k` with `query`, subscribed (test index k) in `state`. */
static void
sub_add(unsigned k, const char *name, const char *query, uint16_t state)
{
	struct indic_filter f = {
		.creation_class = (char *)"CIM_IndicationFilter",
		.system_ccn = (char *)"CIM_ComputerSystem",
		.system_name = (char *)SYS, .name = (char *)name,
		.query = (char *)query, .query_language = (char *)"WQL",
		.source_namespaces = (char *)"root/tpd",
		.owner = (char *)"alice",
	};
	struct indic_sub s = {
		.creation_class = (char *)"CIM_IndicationSubscription",
		.dest_id = g_dest, .state = state, .on_fatal_error = 2,
		.owner = (char *)"alice",
	};

	assert_true(k >= 1 && k <= MAXF);
	assert_int_equal(indic_filter_add(g_ix, &f), 0);
	s.filter_id = f.id;
	assert_int_equal(indic_sub_add(g_ix, &s), 0);
	g_subid[k] = s.id;
}

static void
sub_state(unsigned k, uint16_t state)
{
	assert_int_equal(indic_sub_set_state(g_ix, g_subid[k], state), 0);
}

/* Take everything queued (in order) into g_pushed. */
static void
drain(void)
{
	const struct indic_item *it;
	unsigned k;

	while ((it = indic_head(g_ix, g_dest)) != NULL) {
		assert_true(g_npushed < MAXP);
		for (k = 1; k <= MAXF && g_subid[k] != it->sub_id; k++)
			;
		assert_true(k <= MAXF);
		g_pushed[g_npushed].sub = k;
		g_pushed[g_npushed].seq = it->seq_no;
		g_pushed[g_npushed].len = it->len;
		g_pushed[g_npushed].body = malloc(it->len + 1);
		assert_non_null(g_pushed[g_npushed].body);
		memcpy(g_pushed[g_npushed].body, it->body, it->len);
		g_pushed[g_npushed++].body[it->len] = '\0';
		assert_int_equal(indic_ack(g_ix, it->id), 0);
	}
}

/* ------------------------------------------------------------- fixture */

struct env {
	struct fake_rep f;
	struct replica_set *rs;
	struct cim_indication *ci;
	int64_t now;
};

static struct env *g_env;

static int64_t
test_now(void *arg)
{
	return ((struct env *)arg)->now;
}

/* The daemon's delivery would start here: the test takes the queue. */
static void
test_kick(void *arg)
{
	(void)arg;
	g_kicks++;
	drain();
}

/* replica_ops.changed as the daemon wires it. */
static void
test_changed(void *ctx, const struct replica_event *ev)
{
	fake_rep_changed(ctx, ev);
	if (g_env != NULL && g_env->ci != NULL)
		cim_indicate(g_env->ci, ev);
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct replica_config cfg = { 0 };
	struct cim_indication_opts o = { 0 };
	struct replica_ops ops;
	static const char *const names[] = { "a", "b", "c" };
	char err[256], path[400];
	uint32_t id;

	struct indic_dest d = {
		.creation_class = (char *)"CIM_ListenerDestinationCIMXML",
		.system_ccn = (char *)"CIM_ComputerSystem",
		.system_name = (char *)SYS, .name = (char *)"listener",
		.destination = (char *)"http://127.0.0.1:5999",
		.persistence_type = 3, .protocol = 2,
		.owner = (char *)"alice",
	};
	char ipath[400];

	g_npushed = 0;
	g_kicks = 0;
	memset(g_subid, 0, sizeof(g_subid));
	fake_rep_init(&e->f);
	snprintf(ipath, sizeof(ipath), "%s/indications.db", e->f.dir);
	if (indic_open(ipath, NULL, &g_ix, err, sizeof(err)) != 0 ||
	    indic_dest_add(g_ix, &d) != 0)
		return -1;
	g_dest = d.id;
	ops = fake_rep_ops(&e->f);
	ops.changed = test_changed;
	cfg.db_path = e->f.db;
	cfg.system_name = SYS;
	cfg.max_copy_tasks = 2;
	if (replica_set_open(&cfg, &ops, &e->rs, err, sizeof(err)) != 0 ||
	    replica_pool_add(e->rs, "p0", e->f.dir) != 0)
		return -1;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.img", e->f.dir, names[i]);
		if (replica_volume_configure(e->rs, names[i], "p0", path,
		    1 << 20, 101 + i, &id) != 0)
			return -1;
	}
	if (replica_set_start(e->rs) != 0)
		return -1;
	e->now = 1800000000000000LL;
	o.rs = e->rs;
	o.ix = g_ix;
	o.host = HOST;
	o.progress_interval_ms = 1000;
	o.now_us = test_now;
	o.now_arg = e;
	o.kick = test_kick;
	if (cim_indication_new(&o, &e->ci) != 0)
		return -1;
	g_env = e;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	g_env = NULL;
	cim_indication_free(e->ci);
	indic_close(g_ix);
	g_ix = NULL;
	replica_set_free(e->rs);
	fake_rep_cleanup(&e->f);
	free(e);
	for (size_t i = 0; i < g_npushed; i++)
		free(g_pushed[i].body);
	return 0;
}

/* ------------------------------------------- the request, parsed back */

#define XMAXP	48

struct xprop {
	char name[48];
	char type[16];
	bool embedded;		/* EMBEDDEDOBJECT="instance" */
	bool is_array;
	char *value;		/* scalar, or array items joined by ',' */
};

struct xmsg {
	char msg_id[32];
	char classname[64];
	struct xprop p[XMAXP];
	size_t np;
	/* the element path down to INSTANCE, checked against DSP0201 */
	char stack[16][24];
	unsigned depth;
	bool bare;		/* an embedded INSTANCE, no envelope */
	bool bad;
	bool in_value;
	bool in_ref;		/* inside a PROPERTY.REFERENCE */
	char text[8192];
	size_t tlen;
};

static const char *
xattr(const char **a, const char *name)
{
	for (; a[0] != NULL; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

/* Which parent each element of an export request must have (DSP0201). */
static const char *
parent_of(const char *el)
{
	static const char *const tab[][2] = {
		{ "MESSAGE", "CIM" }, { "SIMPLEEXPREQ", "MESSAGE" },
		{ "EXPMETHODCALL", "SIMPLEEXPREQ" },
		{ "EXPPARAMVALUE", "EXPMETHODCALL" },
		{ "INSTANCE", "EXPPARAMVALUE" }, { "PROPERTY", "INSTANCE" },
		{ "PROPERTY.ARRAY", "INSTANCE" }, { "VALUE.ARRAY",
		"PROPERTY.ARRAY" }, { "VALUE.NULL", "VALUE.ARRAY" },
		{ "PROPERTY.REFERENCE", "INSTANCE" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i][0], el) == 0)
			return tab[i][1];
	return NULL;
}

static void XMLCALL
x_start(void *ud, const char *el, const char **a)
{
	struct xmsg *m = ud;
	const char *want = parent_of(el), *up;

	up = m->depth > 0 ? m->stack[m->depth - 1] : "";
	if (m->depth >= 16) {
		m->bad = true;
		return;
	}
	snprintf(m->stack[m->depth++], sizeof(m->stack[0]), "%s", el);
	if (strcmp(el, "CIM") == 0) {
		if (m->depth != 1 || xattr(a, "CIMVERSION") == NULL ||
		    strncmp(xattr(a, "CIMVERSION"), "2.", 2) != 0 ||
		    xattr(a, "DTDVERSION") == NULL ||
		    strncmp(xattr(a, "DTDVERSION"), "2.", 2) != 0)
			m->bad = true;
		return;
	}
	if (strcmp(el, "VALUE") == 0) {
		m->in_value = true;
		m->tlen = 0;
		return;
	}
	if (strcmp(el, "INSTANCE") == 0 && m->bare && m->depth == 1)
		want = NULL;
	else if (want == NULL && m->in_ref)
		return;		/* a reference's path: cimxml's own tests */
	else if (want == NULL || strcmp(want, up) != 0) {
		m->bad = true;
		return;
	}
	if (strcmp(el, "MESSAGE") == 0) {
		if (xattr(a, "ID") == NULL || xattr(a, "PROTOCOLVERSION") ==
		    NULL || strcmp(xattr(a, "PROTOCOLVERSION"), "1.0") != 0)
			m->bad = true;
		else
			snprintf(m->msg_id, sizeof(m->msg_id), "%s",
			    xattr(a, "ID"));
	} else if (strcmp(el, "EXPMETHODCALL") == 0) {
		m->bad |= xattr(a, "NAME") == NULL ||
		    strcmp(xattr(a, "NAME"), "ExportIndication") != 0;
	} else if (strcmp(el, "EXPPARAMVALUE") == 0) {
		m->bad |= xattr(a, "NAME") == NULL ||
		    strcmp(xattr(a, "NAME"), "NewIndication") != 0;
	} else if (strcmp(el, "INSTANCE") == 0) {
		m->bad |= xattr(a, "CLASSNAME") == NULL;
		if (!m->bad)
			snprintf(m->classname, sizeof(m->classname), "%s",
			    xattr(a, "CLASSNAME"));
	} else if (strncmp(el, "PROPERTY", 8) == 0) {
		struct xprop *p = &m->p[m->np];

		if (strcmp(el, "PROPERTY.REFERENCE") == 0)
			m->in_ref = true;
		if (m->np == XMAXP || xattr(a, "NAME") == NULL ||
		    (!m->in_ref && xattr(a, "TYPE") == NULL)) {
			m->bad = true;
			return;
		}
		m->np++;
		snprintf(p->name, sizeof(p->name), "%s", xattr(a, "NAME"));
		snprintf(p->type, sizeof(p->type), "%s", m->in_ref ?
		    "reference" : xattr(a, "TYPE"));
		p->is_array = strcmp(el, "PROPERTY.ARRAY") == 0;
		p->embedded = xattr(a, "EMBEDDEDOBJECT") != NULL &&
		    strcmp(xattr(a, "EMBEDDEDOBJECT"), "instance") == 0;
	}
}

static void XMLCALL
x_end(void *ud, const char *el)
{
	struct xmsg *m = ud;
	struct xprop *p;
	size_t old;

	if (m->depth > 0)
		m->depth--;
	if (strcmp(el, "PROPERTY.REFERENCE") == 0)
		m->in_ref = false;
	if (strcmp(el, "VALUE") != 0 || m->np == 0 || m->in_ref)
		return;
	m->in_value = false;
	m->text[m->tlen] = '\0';
	p = &m->p[m->np - 1];
	if (p->value == NULL) {
		p->value = strdup(m->text);
		return;
	}
	old = strlen(p->value);
	p->value = realloc(p->value, old + m->tlen + 2);
	p->value[old] = ',';
	memcpy(p->value + old + 1, m->text, m->tlen + 1);
}

static void XMLCALL
x_text(void *ud, const char *s, int len)
{
	struct xmsg *m = ud;

	if (!m->in_value || m->tlen + (size_t)len >= sizeof(m->text))
		return;
	memcpy(m->text + m->tlen, s, (size_t)len);
	m->tlen += (size_t)len;
}

/* Parse an export request (bare: one INSTANCE); asserts it is valid. */
static struct xmsg *
xparse(const char *xml, size_t len, bool bare)
{
	struct xmsg *m = calloc(1, sizeof(*m));
	XML_Parser p = XML_ParserCreate("UTF-8");

	assert_non_null(m);
	m->bare = bare;
	XML_SetUserData(p, m);
	XML_SetElementHandler(p, x_start, x_end);
	XML_SetCharacterDataHandler(p, x_text);
	assert_int_equal(XML_Parse(p, xml, (int)len, 1), XML_STATUS_OK);
	XML_ParserFree(p);
	assert_false(m->bad);
	assert_true(m->classname[0] != '\0');
	return m;
}

static void
xfree(struct xmsg *m)
{
	for (size_t i = 0; i < m->np; i++)
		free(m->p[i].value);
	free(m);
}

static const struct xprop *
xprop(const struct xmsg *m, const char *name)
{
	for (size_t i = 0; i < m->np; i++)
		if (strcmp(m->p[i].name, name) == 0)
			return &m->p[i];
	return NULL;
}

static const char *
xval(const struct xmsg *m, const char *name)
{
	const struct xprop *p = xprop(m, name);

	return p != NULL ? p->value : NULL;
}

/* The embedded instance in property `name` of m, parsed. */
static struct xmsg *
xembedded(const struct xmsg *m, const char *name)
{
	const struct xprop *p = xprop(m, name);

	assert_non_null(p);
	assert_true(p->embedded);
	assert_string_equal(p->type, "string");
	assert_non_null(p->value);
	return xparse(p->value, strlen(p->value), true);
}

static struct xmsg *
pushed_msg(size_t i)
{
	assert_true(i < g_npushed);
	return xparse(g_pushed[i].body, g_pushed[i].len, false);
}

/* ------------------------------------------------- synthetic records */

static struct rjob
job_rec(uint64_t id, uint16_t state, uint16_t percent)
{
	struct rjob j = {
		.id = id, .kind = JOB_KIND_PC_CREATE, .state = state,
		.percent = percent, .submitted_us = 1800000000000000LL,
		.started_us = 1800000000000000LL, .src_id = VA, .tgt_id = VB,
		.copy_type = 4,
	};

	snprintf(j.method, sizeof(j.method), "AttachReplica");
	snprintf(j.owner, sizeof(j.owner), "alice");
	if (state == JOB_COMPLETED || state == JOB_EXCEPTION)
		j.ended_us = j.started_us + 1000000;
	return j;
}

static void
job_event(struct env *e, enum replica_change ch, const struct rjob *before,
    const struct rjob *after)
{
	struct replica_event ev = { .what = REPLICA_JOB, .change = ch };

	ev.before.job = before;
	ev.after.job = after;
	cim_indicate(e->ci, &ev);
}

static void
vol_event(struct env *e, enum replica_change ch, const struct rvolume *before,
    const struct rvolume *after)
{
	struct replica_event ev = { .what = REPLICA_VOLUME, .change = ch };

	ev.before.vol = before;
	ev.after.vol = after;
	cim_indicate(e->ci, &ev);
}

#define Q_JOB_CREATED	"SELECT * FROM CIM_InstCreation WHERE " \
			"SourceInstance ISA CIM_ConcreteJob"
#define Q_JOB_MODIFIED	"SELECT * FROM CIM_InstModification WHERE " \
			"SourceInstance ISA CIM_ConcreteJob"
#define Q_PAIR_MODIFIED	"SELECT * FROM CIM_InstModification WHERE " \
			"SourceInstance ISA CIM_StorageSynchronized"

/* ---------------------------------------------------------------- tests */

/* A real attach: creation (its start), completion, the pair's Idle. */
static void
test_attach_lifecycle(void **state)
{
	struct env *e = *state;
	struct replica_caller who = { "alice", "AttachReplica" };
	struct replica_result res;
	struct xmsg *m, *src, *prev;
	size_t i, ncreate = 0, njob = 0, npair = 0;
	char num[8];
	unsigned ss_before;

	sub_add(1, "jobcreate", Q_JOB_CREATED, 2);
	sub_add(2, "jobmod", Q_JOB_MODIFIED, 2);
	sub_add(3, "pairmod", Q_PAIR_MODIFIED, 2);
	assert_int_equal(replica_attach(e->rs, VA, VB, 4, &who, &res), 0);
	assert_int_equal(res.rc, 4096);
	ss_before = replica_pair_find(e->rs, VA, VB)->sync_state;
	assert_int_equal(g_npushed, 1);
	assert_int_equal(g_pushed[0].sub, 1);
	m = pushed_msg(0);
	assert_string_equal(m->classname, "CIM_InstCreation");
	assert_null(xprop(m, "PreviousInstance"));
	src = xembedded(m, "SourceInstance");
	assert_string_equal(src->classname, "TPD_ConcreteJob");
	assert_string_equal(xval(src, "JobState"), "4");	/* straight Running */
	assert_string_equal(xval(src, "Owner"), "alice");
	xfree(src);
	xfree(m);
	assert_true(fake_rep_finish(&e->f, e->rs, res.job_id, 0, NULL));
	for (i = 1; i < g_npushed; i++) {
		m = pushed_msg(i);
		if (g_pushed[i].sub == 2) {
			njob++;
			assert_string_equal(m->classname,
			    "TPD_ConcreteJobInstModification");
			src = xembedded(m, "SourceInstance");
			prev = xembedded(m, "PreviousInstance");
			assert_string_equal(xval(src, "JobState"), "7");
			assert_string_equal(xval(src, "OperationalStatus"),
			    "2,17");
			assert_string_equal(xval(src, "PercentComplete"), "100");
			assert_string_equal(xval(prev, "JobState"), "4");
			xfree(src);
			xfree(prev);
		} else if (g_pushed[i].sub == 3) {
			npair++;
			assert_string_equal(m->classname,
			    "CIM_InstModification");
			src = xembedded(m, "SourceInstance");
			prev = xembedded(m, "PreviousInstance");
			assert_string_equal(src->classname,
			    "TPD_StorageSynchronized");
			snprintf(num, sizeof(num), "%u", (unsigned)
			    replica_pair_find(e->rs, VA, VB)->sync_state);
			assert_string_equal(xval(src, "SyncState"), num);
			snprintf(num, sizeof(num), "%u", ss_before);
			assert_string_equal(xval(prev, "SyncState"), num);
			xfree(src);
			xfree(prev);
		} else {
			ncreate++;
		}
		xfree(m);
	}
	assert_int_equal(njob, 1);
	assert_int_equal(npair, 1);
	assert_int_equal(ncreate, 0);
	assert_int_equal(g_kicks, 3);
}

/* Every property of the request, and its DSP0201 structure. */
static void
test_export_request(void **state)
{
	struct env *e = *state;
	struct rjob o = job_rec(17, JOB_RUNNING, 40);
	struct rjob n = job_rec(17, JOB_COMPLETED, 100);
	struct cim_arena *a = cim_arena_new(1 << 16);
	struct xmsg *m, *src, *prev;
	struct cim_path p;
	char when[26], iid[64], num[24];
	const char *uri;

	sub_add(1, "jobmod", Q_JOB_MODIFIED, 2);
	job_event(e, REPLICA_MODIFIED, &o, &n);
	job_event(e, REPLICA_MODIFIED, &n, &n);	/* nothing shown changed */
	assert_int_equal(g_npushed, 1);
	m = pushed_msg(0);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)g_pushed[0].seq);
	assert_string_equal(m->msg_id, num);
	assert_string_equal(m->classname, "TPD_ConcreteJobInstModification");
	assert_non_null(xval(m, "IndicationIdentifier"));
	assert_non_null(strstr(xval(m, "IndicationIdentifier"), SYS));
	cim_datetime_format(e->now, when);
	assert_string_equal(xval(m, "IndicationTime"), when);
	assert_string_equal(xprop(m, "IndicationTime")->type, "datetime");
	assert_string_equal(xval(m, "SourceInstanceHost"), HOST);
	assert_string_equal(xval(m, "IndicationFilterName"), "jobmod");
	assert_string_equal(xval(m, "SequenceContext"),
	    indic_dest_get(g_ix, g_dest)->seq_context);
	assert_true(strlen(xval(m, "SequenceContext")) > 0);
	assert_string_equal(xval(m, "SequenceNumber"), num);
	assert_string_equal(xprop(m, "SequenceNumber")->type, "sint64");
	/* The model path names the job the embedded instance is. */
	uri = xval(m, "SourceInstanceModelPath");
	assert_non_null(uri);
	assert_int_equal(uri[0], '/');
	assert_int_equal(cimxml_parse_objhdr(uri + 1, a, &p), 0);
	assert_string_equal(p.classname, "TPD_ConcreteJob");
	assert_string_equal(p.ns, "root/tpd");
	snprintf(iid, sizeof(iid), "TPD:%s:17", SYS);
	assert_string_equal(cim_path_key(&p, "InstanceID")->value, iid);
	src = xembedded(m, "SourceInstance");
	prev = xembedded(m, "PreviousInstance");
	assert_string_equal(xval(src, "InstanceID"), iid);
	assert_string_equal(xval(src, "JobState"), "7");
	assert_string_equal(xval(prev, "JobState"), "4");
	assert_string_equal(xval(prev, "PercentComplete"), "40");
	assert_string_equal(xval(prev, "OperationalStatus"), "2");
	xfree(src);
	xfree(prev);
	xfree(m);
	cim_arena_free(a);
}

/* PercentComplete: one per interval per job; a state change always. */
static void
test_progress_rate_limited(void **state)
{
	struct env *e = *state;
	struct rjob r[7];
	struct cim_indication_stats st;
	struct xmsg *m, *prev;
	char num[24];
	static const uint16_t pct[] = { 10, 20, 30, 40, 50, 60 };

	sub_add(1, "jobmod", Q_JOB_MODIFIED, 2);
	for (int i = 0; i < 6; i++)
		r[i] = job_rec(5, JOB_RUNNING, pct[i]);
	r[6] = job_rec(5, JOB_COMPLETED, 100);
	job_event(e, REPLICA_MODIFIED, &r[0], &r[1]);	/* sent */
	e->now += 100000;
	job_event(e, REPLICA_MODIFIED, &r[1], &r[2]);	/* held */
	e->now += 1000000;
	job_event(e, REPLICA_MODIFIED, &r[2], &r[3]);	/* sent */
	e->now += 100000;
	job_event(e, REPLICA_MODIFIED, &r[3], &r[4]);	/* held */
	job_event(e, REPLICA_MODIFIED, &r[4], &r[5]);	/* held */
	e->now += 1000;
	job_event(e, REPLICA_MODIFIED, &r[5], &r[6]);	/* state: sent */
	assert_int_equal(g_npushed, 3);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.progress_held, 3);
	assert_int_equal(st.built, 3);
	/* Each PreviousInstance is what the listener saw last. */
	m = pushed_msg(1);
	prev = xembedded(m, "PreviousInstance");
	assert_string_equal(xval(prev, "PercentComplete"), "20");
	xfree(prev);
	xfree(m);
	m = pushed_msg(2);
	prev = xembedded(m, "PreviousInstance");
	assert_string_equal(xval(prev, "PercentComplete"), "40");
	assert_string_equal(xval(prev, "JobState"), "4");
	xfree(prev);
	/* In order, one sequence per destination. */
	assert_int_equal(g_pushed[2].seq, g_pushed[0].seq + 2);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)g_pushed[2].seq);
	assert_string_equal(xval(m, "SequenceNumber"), num);
	xfree(m);
	/* The job ended: its next (new) life is not held back. */
	e->now += 1000;
	job_event(e, REPLICA_MODIFIED, &r[0], &r[1]);
	assert_int_equal(g_npushed, 4);
}

/*
 * A reload hands over the new configuration (cim_indication_set_conf):
 * each job's last indication is kept, so a progress change right after
 * is still held; the new progress_interval_ms applies from then on.
 */
static void
test_reload_keeps_rate_limit(void **state)
{
	struct env *e = *state;
	struct conf *c = conf_defaults();
	struct rjob r[5];
	struct cim_indication_stats st;

	assert_non_null(c);
	sub_add(1, "jobmod", Q_JOB_MODIFIED, 2);
	for (int i = 0; i < 5; i++)
		r[i] = job_rec(5, JOB_RUNNING, (uint16_t)(10 * (i + 1)));
	job_event(e, REPLICA_MODIFIED, &r[0], &r[1]);	/* sent */
	c->indications.progress_interval_ms = 5000;
	cim_indication_set_conf(e->ci, c);
	e->now += 2000000;
	job_event(e, REPLICA_MODIFIED, &r[1], &r[2]);	/* held: 2 s < 5 s */
	assert_int_equal(g_npushed, 1);
	e->now += 3100000;
	job_event(e, REPLICA_MODIFIED, &r[2], &r[3]);	/* sent: 5.1 s */
	assert_int_equal(g_npushed, 2);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.progress_held, 1);
	cim_indication_set_conf(e->ci, NULL);
	conf_free(c);
}

/* Nanoseconds per call of `n` job events o -> n. */
static double
time_events(struct env *e, const struct rjob *o, const struct rjob *n,
    int count)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < count; i++)
		job_event(e, REPLICA_MODIFIED, o, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	    (double)(t1.tv_nsec - t0.tv_nsec)) / count;
}

/*
 * No subscription wants it: nothing is built, and it costs a small part
 * of what a built one does (relative, so valgrind and sanitizers agree).
 */
static void
test_fast_path(void **state)
{
	struct env *e = *state;
	struct rjob o = job_rec(9, JOB_RUNNING, 10);
	struct rjob n = job_rec(9, JOB_COMPLETED, 100);
	struct cim_indication_stats st;
	double unwanted, built;

	(void)time_events(e, &o, &n, 100);
	/* A disabled subscription, and one for another class. */
	sub_add(1, "off", Q_JOB_MODIFIED, 4);
	sub_add(2, "volumes", "SELECT * FROM CIM_InstDeletion", 2);
	unwanted = time_events(e, &o, &n, 20000);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.events, 20100);
	assert_int_equal(st.built, 0);
	assert_int_equal(g_npushed, 0);
	assert_int_equal(g_kicks, 0);
	/* Once per filter; a disabled subscription's is never needed. */
	assert_int_equal(st.compiled, 1);
	/* The class matches, the condition does not: built, not queued. */
	sub_add(3, "never", "SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.JobState = 99", 2);
	built = time_events(e, &o, &n, 2000);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.built, 2000);
	assert_int_equal(st.unmatched, 2000);
	assert_int_equal(g_npushed, 0);
	print_message("event nobody wants: %.0f ns; built, unmatched: "
	    "%.0f ns\n", unwanted, built);
	assert_true(unwanted * 10 < built);
}

/* Filters decide: class, ISA, a value, a change. */
static void
test_filters(void **state)
{
	struct env *e = *state;
	struct rjob o = job_rec(3, JOB_RUNNING, 10);
	struct rjob p = job_rec(3, JOB_RUNNING, 50);
	struct rjob n = job_rec(3, JOB_EXCEPTION, 50);
	struct rvolume v = { .id = 150, .size = 1 << 20, .path = (char *)"/x" };
	struct cim_indication_stats st;
	size_t i;
	unsigned got[8] = { 0 };

	snprintf(v.name, sizeof(v.name), "vnew");
	snprintf(v.pool, sizeof(v.pool), "p0");
	/* The SMI-S job filters (SPEC.md §4.6). */
	sub_add(1, "completed", Q_JOB_MODIFIED " AND ANY SourceInstance."
	    "CIM_ConcreteJob::OperationalStatus[*] = 17 AND ANY "
	    "SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 2", 2);
	sub_add(2, "failed", Q_JOB_MODIFIED " AND ANY SourceInstance."
	    "CIM_ConcreteJob::OperationalStatus[*] = 17 AND ANY "
	    "SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 6", 2);
	sub_add(3, "progress", Q_JOB_MODIFIED " AND SourceInstance."
	    "CIM_ConcreteJob::PercentComplete <> PreviousInstance."
	    "CIM_ConcreteJob::PercentComplete", 2);
	sub_add(4, "volcreate", "SELECT * FROM CIM_InstCreation WHERE "
	    "SourceInstance ISA CIM_StorageVolume", 2);
	sub_add(5, "tpdvol", "SELECT * FROM TPD_StorageVolumeInstCreation", 2);
	sub_add(6, "jobcreate", Q_JOB_CREATED, 2);
	sub_add(7, "bad", "SELECT nonsense", 2);
	job_event(e, REPLICA_CREATED, NULL, &o);
	e->now += 2000000;	/* past the progress interval */
	job_event(e, REPLICA_MODIFIED, &o, &p);
	job_event(e, REPLICA_MODIFIED, &p, &n);
	vol_event(e, REPLICA_CREATED, NULL, &v);
	for (i = 0; i < g_npushed; i++)
		got[g_pushed[i].sub]++;
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], 1);
	assert_int_equal(got[3], 1);
	assert_int_equal(got[4], 1);
	assert_int_equal(got[5], 1);
	assert_int_equal(got[6], 1);
	assert_int_equal(got[7], 0);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.unmatched, 0);
	assert_int_equal(st.compiled, 7);
}

/* A disabled subscription gets nothing; its enabled sibling does. */
static void
test_disabled(void **state)
{
	struct env *e = *state;
	struct rjob o = job_rec(4, JOB_NEW, 0);
	struct rjob n = job_rec(4, JOB_RUNNING, 0);

	sub_add(1, "on", Q_JOB_MODIFIED, 2);
	sub_add(2, "off", Q_JOB_MODIFIED, 4);
	job_event(e, REPLICA_MODIFIED, &o, &n);
	assert_int_equal(g_npushed, 1);
	assert_int_equal(g_pushed[0].sub, 1);
	/* Disabled later: nothing more. */
	sub_state(1, 4);
	job_event(e, REPLICA_MODIFIED, &n, &o);
	assert_int_equal(g_npushed, 1);
}

/* Volumes: creation, deletion, the changes a client sees, and not. */
static void
test_volume_events(void **state)
{
	struct env *e = *state;
	struct rvolume v = { .id = 150, .size = 1 << 20, .path = (char *)"/x" };
	struct rvolume big, bad, moved;
	struct xmsg *m, *src, *prev;

	snprintf(v.name, sizeof(v.name), "vnew");
	snprintf(v.pool, sizeof(v.pool), "p0");
	big = v;
	big.size = 2 << 20;
	bad = big;
	bad.failed = true;
	moved = bad;
	moved.path = (char *)"/y";
	moved.found_ino = 77;
	sub_add(1, "all", "SELECT * FROM CIM_InstIndication", 2);
	vol_event(e, REPLICA_CREATED, NULL, &v);
	vol_event(e, REPLICA_MODIFIED, &v, &big);
	vol_event(e, REPLICA_MODIFIED, &big, &bad);
	vol_event(e, REPLICA_MODIFIED, &bad, &moved);	/* nothing shown */
	vol_event(e, REPLICA_DELETED, &moved, NULL);
	assert_int_equal(g_npushed, 4);
	m = pushed_msg(0);
	assert_string_equal(m->classname, "TPD_StorageVolumeInstCreation");
	assert_null(xprop(m, "PreviousInstance"));
	src = xembedded(m, "SourceInstance");
	assert_string_equal(src->classname, "TPD_StorageVolume");
	assert_string_equal(xval(src, "DeviceID"), "150");
	assert_string_equal(xval(src, "ElementName"), "vnew");
	xfree(src);
	xfree(m);
	m = pushed_msg(1);
	assert_string_equal(m->classname,
	    "TPD_StorageVolumeInstModification");
	src = xembedded(m, "SourceInstance");
	prev = xembedded(m, "PreviousInstance");
	assert_string_equal(xval(src, "NumberOfBlocks"), "4096");
	assert_string_equal(xval(prev, "NumberOfBlocks"), "2048");
	xfree(src);
	xfree(prev);
	xfree(m);
	m = pushed_msg(2);
	src = xembedded(m, "SourceInstance");
	assert_string_equal(xval(src, "OperationalStatus"), "6");
	xfree(src);
	xfree(m);
	m = pushed_msg(3);
	assert_string_equal(m->classname, "TPD_StorageVolumeInstDeletion");
	src = xembedded(m, "SourceInstance");
	assert_string_equal(xval(src, "DeviceID"), "150");
	xfree(src);
	assert_non_null(strstr(xval(m, "SourceInstanceModelPath"),
	    "DeviceID=\"150\""));
	xfree(m);
}

/* Pairs: SyncState changes only; hidden jobs never. */
static void
test_pair_and_hidden(void **state)
{
	struct env *e = *state;
	struct rpair a = { .src_id = VA, .tgt_id = VB, .kind = PAIR_PC,
	    .copy_type = 4, .sync_state = SYNC_COPY_IN_PROGRESS,
	    .percent_synced = 10 };
	struct rpair b = a, c;
	struct rjob h = job_rec(8, JOB_RUNNING, 0), h2;
	struct replica_event ev = { .what = REPLICA_PAIR,
	    .change = REPLICA_MODIFIED };
	struct cim_arena *ar = cim_arena_new(1 << 16);
	struct xmsg *m, *src;
	struct cim_path p;

	b.percent_synced = 50;
	c = b;
	c.sync_state = SYNC_BROKEN;
	h.hidden = true;
	h2 = h;
	h2.state = JOB_COMPLETED;
	sub_add(1, "all", "SELECT * FROM CIM_InstIndication", 2);
	ev.before.pair = &a;
	ev.after.pair = &b;
	cim_indicate(e->ci, &ev);		/* percent only: none */
	ev.before.pair = &b;
	ev.after.pair = &c;
	cim_indicate(e->ci, &ev);
	job_event(e, REPLICA_CREATED, NULL, &h);
	job_event(e, REPLICA_MODIFIED, &h, &h2);
	assert_int_equal(g_npushed, 1);
	m = pushed_msg(0);
	assert_string_equal(m->classname, "CIM_InstModification");
	src = xembedded(m, "SourceInstance");
	assert_string_equal(xval(src, "SyncState"), "12");
	xfree(src);
	/* A reference-keyed model path reads back as the same path. */
	assert_int_equal(cimxml_parse_objhdr(xval(m, "SourceInstanceModelPath")
	    + 1, ar, &p), 0);
	assert_string_equal(p.classname, "TPD_StorageSynchronized");
	assert_int_equal(p.nkeys, 2);
	assert_int_equal(cim_path_key(&p, "SyncedElement")->kind, CIM_KEY_REF);
	assert_string_equal(cim_path_key(cim_path_key(&p, "SyncedElement")->ref,
	    "DeviceID")->value, "102");
	xfree(m);
	cim_arena_free(ar);
}

/*
 * Many subscriptions: built once, queued for each match in order, every
 * copy the same but for the per-subscription properties.
 */
static void
test_many_subscriptions(void **state)
{
	struct env *e = *state;
	struct rjob o = job_rec(21, JOB_RUNNING, 30);
	struct rjob n = job_rec(21, JOB_EXCEPTION, 30);
	struct cim_indication_stats st;
	struct xmsg *first, *m;
	char name[32];
	unsigned k, i;

	for (k = 1; k <= MAXF; k++) {
		snprintf(name, sizeof(name), "f%u", k);
		/* The registry copies every string. */
		sub_add(k, name, k % 2 != 0 ? Q_JOB_MODIFIED :
		    "SELECT * FROM CIM_InstModification WHERE "
		    "SourceInstance.JobState = 7", 2);
	}
	/* And more nobody matches, as an interop namespace fills up. */
	for (i = 0; i < 92; i++) {
		struct indic_filter f = {
			.name = name, .query = (char *)Q_PAIR_MODIFIED,
			.query_language = (char *)"WQL",
			.owner = (char *)"bob",
		};
		struct indic_sub s = { .dest_id = g_dest, .state = 2,
		    .owner = (char *)"bob" };

		snprintf(name, sizeof(name), "other%u", i);
		assert_int_equal(indic_filter_add(g_ix, &f), 0);
		s.filter_id = f.id;
		assert_int_equal(indic_sub_add(g_ix, &s), 0);
	}
	job_event(e, REPLICA_MODIFIED, &o, &n);
	cim_indication_stats(e->ci, &st);
	assert_int_equal(st.built, 1);
	assert_int_equal(st.queued, MAXF / 2);
	assert_int_equal(g_npushed, MAXF / 2);
	assert_int_equal(g_kicks, 1);
	first = pushed_msg(0);
	for (i = 0; i < g_npushed; i++) {
		assert_int_equal(g_pushed[i].sub % 2, 1);
		assert_int_equal(g_pushed[i].seq, g_pushed[0].seq + i);
		m = pushed_msg(i);
		snprintf(name, sizeof(name), "f%u", g_pushed[i].sub);
		assert_string_equal(xval(m, "IndicationFilterName"), name);
		assert_string_equal(xval(m, "IndicationIdentifier"),
		    xval(first, "IndicationIdentifier"));
		assert_string_equal(xval(m, "SourceInstance"),
		    xval(first, "SourceInstance"));
		xfree(m);
	}
	xfree(first);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_rate_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_rate_limited,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_volume_events, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pair_and_hidden, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_subscriptions, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
