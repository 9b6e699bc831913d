/* SPDX-License-Identifier: ISC */
/*
 * test_cim_repl.c - the Replication Services methods of
 * TPD_ReplicationService (extrinsic_repl.c) driven through op_extrinsic()
 * with real METHODCALL bodies, on the fixture of fixture_cim.h with
 * replication_service = yes: the two operation maps over every uint16
 * Operation value (ModifyReplicaSynchronization and the
 * StorageConfigurationService's ModifySynchronization, never confused),
 * CreateElementReplica's kinds of copy and its refusals in the order of
 * /work/notes/rs-decisions.md (README, Replication Services), the RS
 * operations in every reachable (kind, SyncState) against the SCS
 * operation they stand for, and the StorageSynchronized properties in
 * each of those states.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "tests/unit/fixture_cim.h"

static int
setup_rs(void **state)
{
	struct fx *x;

	(void)setup(state);
	x = *state;
	x->conf.replication_service = true;
	return 0;
}

/* ---------------------------------------------------------- helpers */

static char *
rs_target(const struct fx *x)
{
	char *k[4], *s;

	k[0] = kb("CreationClassName", "TPD_ReplicationService");
	k[1] = kb("Name", "ReplicationService");
	k[2] = kb("SystemCreationClassName", "TPD_StorageSystem");
	k[3] = kb("SystemName", x->sys);
	s = fmt("<INSTANCENAME CLASSNAME=\"TPD_ReplicationService\">"
	    "%s%s%s%s</INSTANCENAME>", k[0], k[1], k[2], k[3]);
	for (int i = 0; i < 4; i++)
		free(k[i]);
	return s;
}

/* CreateElementReplica with parameters `prm`. */
static const char *
cer(struct fx *x, char *prm)
{
	return call_as(x, OP_ROLE_EDIT, "CreateElementReplica", rs_target(x),
	    prm);
}

/* CreateElementReplica of volume src: SyncType, Mode (NULL: none), extra. */
static const char *
cer_of(struct fx *x, uint32_t src, const char *sync, const char *mode,
    char *extra)
{
	return cer(x, params(pval("SyncType", sync, "uint16"),
	    pref("SourceElement", vol_path(x, src, F_LOCAL, false),
	    "reference"),
	    mode != NULL ? pval("Mode", mode, "uint16") : strdup(""),
	    extra, NULL));
}

/* ModifyReplicaSynchronization `op` of pair (src, tgt), plus `extra`. */
static const char *
mrs(struct fx *x, unsigned op, uint32_t src, uint32_t tgt, char *extra)
{
	char v[8];

	snprintf(v, sizeof(v), "%u", op);
	return call_as(x, OP_ROLE_EDIT, "ModifyReplicaSynchronization",
	    rs_target(x), params(pval("Operation", v, "uint16"),
	    pref("Synchronization", pair_of(x, src, tgt), "reference"),
	    extra, NULL));
}

/* The StorageConfigurationService's ModifySynchronization, numerically. */
static const char *
scs(struct fx *x, unsigned op, uint32_t src, uint32_t tgt)
{
	char v[8];

	snprintf(v, sizeof(v), "%u", op);
	return modify(x, v, pair_of(x, src, tgt));
}

/* A new volume of 256 MiB made by Block Services (deletable); its id. */
static uint32_t
bs_volume(struct fx *x, const char *name)
{
	const char *r = call(x, "CreateOrModifyElementFromStoragePool", params(
	    pval("ElementName", name, "string"),
	    pval("ElementType", "5", "uint16"),
	    pref("InPool", pool_of(x, "p0"), "reference"),
	    pval("Size", "268435456", "uint64"), NULL));

	assert_rc(r, 0);
	return (uint32_t)out_id(r, "TheElement");
}

/* The copy job `job` ends as `status` says (0 ok, -EIO failed). */
static void
finish(struct fx *x, uint64_t job, int status)
{
	assert_true(fake_rep_finish(&x->f, x->rs, job, status,
	    status != 0 ? "read error" : NULL));
}

static uint16_t
state_of(struct fx *x, uint32_t src, uint32_t tgt)
{
	const struct rpair *p = replica_pair_find(x->rs, src, tgt);

	assert_non_null(p);
	return p->sync_state;
}

/*
 * What the replica set holds, to show a call changed nothing: volumes,
 * pairs with their states and jobs, jobs with their states, and the
 * copies the engine was asked to start or cancel.
 */
#define W_MAX	16
struct world {
	size_t nvol, npair, njob, ncopies;
	unsigned ncancels, ncreated, nremoved;
	struct { uint32_t src, tgt; uint16_t ss, ct; uint64_t job; } p[W_MAX];
	struct { uint64_t id; uint16_t state; } j[W_MAX];
};

static void
world_get(struct fx *x, struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->nvol = replica_volume_count(x->rs);
	w->npair = replica_pair_count(x->rs);
	w->njob = replica_job_count(x->rs);
	w->ncopies = x->f.ncopies;
	w->ncancels = x->f.ncancels;
	w->ncreated = x->f.ncreated;
	w->nremoved = x->f.nremoved;
	assert_true(w->npair <= W_MAX && w->njob <= W_MAX);
	for (size_t i = 0; i < w->npair; i++) {
		const struct rpair *p = replica_pair_at(x->rs, i);

		w->p[i].src = p->src_id;
		w->p[i].tgt = p->tgt_id;
		w->p[i].ss = p->sync_state;
		w->p[i].ct = p->copy_type;
		w->p[i].job = p->job_id;
	}
	for (size_t i = 0; i < w->njob; i++) {
		const struct rjob *j = replica_job_at(x->rs, i);

		w->j[i].id = j->id;
		w->j[i].state = j->state;
	}
}

static bool
world_equal(const struct world *a, const struct world *b)
{
	if (a->nvol != b->nvol || a->npair != b->npair ||
	    a->njob != b->njob || a->ncopies != b->ncopies ||
	    a->ncancels != b->ncancels || a->ncreated != b->ncreated ||
	    a->nremoved != b->nremoved)
		return false;
	for (size_t i = 0; i < a->npair; i++)
		if (a->p[i].src != b->p[i].src || a->p[i].tgt != b->p[i].tgt ||
		    a->p[i].ss != b->p[i].ss || a->p[i].ct != b->p[i].ct ||
		    a->p[i].job != b->p[i].job)
			return false;
	for (size_t i = 0; i < a->njob; i++)
		if (a->j[i].id != b->j[i].id ||
		    a->j[i].state != b->j[i].state)
			return false;
	return true;
}

#define assert_unchanged(x, w, what) do { \
	struct world now_; \
	world_get((x), &now_); \
	if (!world_equal((w), &now_)) \
		fail_msg("%s changed the replica set", (what)); \
} while (0)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh fixture in *state, replication_service on. */
static struct fx *
reopen(void **state)
{
	struct fx *x = *state;

	fx_close(x);
	*state = x = fx_open();
	x->conf.replication_service = true;
	return x;
}

/* --------------------------------------------- operation maps, exhaustive */

/*
 * The pairs the maps run on: a physical copy CopyType 4 of a onto a
 * deletable volume, Frozen (attach, copy finished), or a snapshot of a,
 * Idle.  The target's id.
 */
static uint32_t
base_pair(struct fx *x, bool vc)
{
	uint32_t d;

	if (vc)
		return idle_vc(x);
	d = bs_volume(x, "d");
	finish(x, attach(x, VA, d, "4"), 0);
	assert_int_equal(state_of(x, VA, d), SYNC_FROZEN);
	return d;
}

/* rs-decisions.md: the RS map outside what arrayd carries out. */
static long
rs_map_rest(unsigned op)
{
	return op >= 3 && op <= 27 ? 1 : 5;
}

/* CONTRACT.md §4: the SCS map outside what acts on a pair. */
static long
scs_map_rest(unsigned op)
{
	return op == 3 || (op >= 6 && op <= 11) ? 1 : 5;
}

/* What Operation `op` answers on the base pair (see base_pair). */
static long
map_expect(bool rs, bool vc, unsigned op)
{
	if (rs && !vc) {
		switch (op) {
		case 2: return 4;	/* Abort: nothing is copying */
		case 8: case 9: case 19: return 0;
		case 14: return 4096;
		case 15: return 5;	/* a snapshot's operation */
		default: return rs_map_rest(op);
		}
	}
	if (rs) {
		switch (op) {
		case 2: case 8: case 9: case 14: return 5;
		case 15: return 4096;
		case 19: return 0;
		default: return rs_map_rest(op);
		}
	}
	if (!vc) {
		switch (op) {
		case 2: return 0;
		case 4: case 12: return 4096;
		case 5: return 5;
		case 13: return 4;
		default: return scs_map_rest(op);
		}
	}
	switch (op) {
	case 2: case 4: case 12: case 13: return 5;
	case 5: return 4096;
	default: return scs_map_rest(op);
	}
}

/* After an operation that acted (0 or 4096): what it did. */
static void
map_acted(struct fx *x, bool rs, bool vc, unsigned op, uint32_t tgt,
    const struct world *w)
{
	const char *r = x->resp;
	const struct rpair *p = replica_pair_find(x->rs, VA, tgt);

	if (ret_val(r) == 4096) {
		assert_true(has_out(r, "Job"));
		assert_non_null(p);
		assert_int_equal(replica_job_count(x->rs), w->njob + 1);
		assert_int_equal(p->job_id, out_id(r, "Job"));
		/* Resync, Start Copy: Initialized or copying; Restore. */
		assert_int_equal(p->sync_state, vc ? SYNC_RESTORE_IN_PROGRESS :
		    op == 12 ? SYNC_COPY_IN_PROGRESS :
		    SYNC_RESYNC_IN_PROGRESS);
		assert_int_equal(replica_volume_count(x->rs), w->nvol);
		return;
	}
	assert_false(has_out(r, "Job"));
	assert_null(p);
	assert_int_equal(replica_pair_count(x->rs), w->npair - 1);
	/* Return To ResourcePool takes the target; Detach leaves it. */
	if (rs && op == 19) {
		assert_null(replica_volume_by_id(x->rs, tgt));
		assert_int_equal(replica_volume_count(x->rs), w->nvol - 1);
	} else {
		assert_non_null(replica_volume_by_id(x->rs, tgt));
		assert_int_equal(replica_volume_count(x->rs), w->nvol);
	}
}

/*
 * One METHODCALL of ModifyReplicaSynchronization or ModifySynchronization
 * on a pair, parsed once; each run puts another Operation text into the
 * parsed PARAMVALUE and goes through all of op_extrinsic() again (target,
 * method lookup, binding, the handler), without building and parsing
 * 65536 bodies (about 50 us each, most of the time of the whole loop).
 */
struct tcall {
	struct cim_arena *a;		/* the parsed request */
	struct cim_arena *h;		/* what one run builds (reset) */
	struct cim_request req;
	char *body;
	char val[8];			/* the Operation text */
	struct cim_buf out;
};

static void
tcall_init(struct fx *x, struct tcall *t, bool rs, uint32_t tgt)
{
	struct cim_param *op;

	memset(t, 0, sizeof(*t));
	assert_non_null(t->a = cim_arena_new(1u << 20));
	assert_non_null(t->h = cim_arena_new(1u << 20));
	t->body = parse_call(t->a, rs ? "ModifyReplicaSynchronization" :
	    "ModifySynchronization", rs ? rs_target(x) :
	    svc_target(x, NULL, NULL), params(pval("Operation", "0",
	    "uint16"), pref("Synchronization", pair_of(x, VA, tgt),
	    "reference"), NULL), &t->req);
	op = (struct cim_param *)cim_request_param(&t->req, "Operation");
	assert_non_null(op);
	assert_int_equal(op->value.kind, CIM_V_SCALAR);
	op->value.text = t->val;
	cim_buf_init(&t->out);
}

static void
tcall_done(struct tcall *t)
{
	cim_buf_release(&t->out);
	cim_arena_free(t->h);
	cim_arena_free(t->a);
	free(t->body);
}

/* Run with Operation `op`; the response, NUL-terminated, until the next. */
static const char *
tcall_run(struct fx *x, struct tcall *t, unsigned op)
{
	struct op_ctx c;

	snprintf(t->val, sizeof(t->val), "%u", op);
	cim_arena_reset(t->h);
	t->out.len = 0;
	memset(&c, 0, sizeof(c));
	c.conf = &x->conf;
	c.rs = x->rs;
	c.host = "testhost";
	c.user = "alice";
	c.role = OP_ROLE_EDIT;
	c.arena = t->h;
	c.req = &t->req;
	c.ns = MODEL_NS_TPD;
	c.out = &t->out;
	op_extrinsic(&c);
	cim_buf_put(&t->out, "", 1);
	assert_false(t->out.oom);
	t->out.len--;
	return t->out.data;
}

/*
 * Every Operation value 0..65535 of one map on one kind of pair: the
 * answer of the decided map, and for every value that does not act,
 * nothing changed in the replica set (pairs, states, jobs, volumes,
 * copies).  A value that acts is checked, then the base pair is made
 * again on a fresh fixture.  The first answer of each return value also
 * passes the wire checks.  Returns the seconds the loop took.
 */
static double
map_all(void **state, bool rs, bool vc)
{
	struct fx *x = reopen(state);
	uint32_t tgt = base_pair(x, vc);
	unsigned nact = 0;
	bool seen[6] = { false };
	struct tcall t;
	struct world w;
	double t0 = now_s();

	world_get(x, &w);
	tcall_init(x, &t, rs, tgt);
	for (unsigned op = 0; op <= 65535; op++) {
		long want = map_expect(rs, vc, op);
		const char *r = tcall_run(x, &t, op);

		if (ret_val(r) != want)
			fail_msg("%s on %s: Operation %u answered %ld, want "
			    "%ld: %s", rs ? "ModifyReplicaSynchronization" :
			    "ModifySynchronization", vc ? "VC" : "PC4", op,
			    ret_val(r), want, r);
		if (!seen[want % 6]) {
			seen[want % 6] = true;
			check_wire(r);
		}
		if (want != 0 && want != 4096) {
			if (has_out(r, "Job"))
				fail_msg("Operation %u: a Job: %s", op, r);
			assert_unchanged(x, &w, "a refused Operation");
			continue;
		}
		free(x->resp);
		assert_non_null(x->resp = strdup(r));
		map_acted(x, rs, vc, op, tgt, &w);
		nact++;
		tcall_done(&t);
		x = reopen(state);
		tgt = base_pair(x, vc);
		world_get(x, &w);
		tcall_init(x, &t, rs, tgt);
	}
	tcall_done(&t);
	/* What acts on each kind (rs-decisions.md, CONTRACT.md §4). */
	assert_int_equal(nact, rs ? (vc ? 2 : 4) : (vc ? 1 : 3));
	return now_s() - t0;
}

static void
test_rs_map_pc4(void **state)
{
	double s = map_all(state, true, false);

	print_message("    65536 ModifyReplicaSynchronization on a PC4: "
	    "%.3f s\n", s);
}

static void
test_rs_map_vc(void **state)
{
	double s = map_all(state, true, true);

	print_message("    65536 ModifyReplicaSynchronization on a VC: "
	    "%.3f s\n", s);
}

static void
test_scs_map_pc4(void **state)
{
	double s = map_all(state, false, false);

	print_message("    65536 ModifySynchronization on a PC4: %.3f s\n",
	    s);
}

static void
test_scs_map_vc(void **state)
{
	double s = map_all(state, false, true);

	print_message("    65536 ModifySynchronization on a VC: %.3f s\n", s);
}

/* The values where the two maps differ, side by side on one PC4. */
static void
test_maps_not_confused(void **state)
{
	struct fx *x = *state;
	uint32_t d = base_pair(x, false);

	assert_rc(scs(x, 8, VA, d), 1);		/* SCS 8 Quiesce */
	assert_rc(mrs(x, 4, VA, d, NULL), 1);	/* RS 4 Activate */
	assert_rc(mrs(x, 5, VA, d, NULL), 1);	/* RS 5 AddSyncPair */
	assert_rc(mrs(x, 12, VA, d, NULL), 1);	/* RS 12 Fracture */
	assert_rc(mrs(x, 13, VA, d, NULL), 1);	/* RS 13 RemoveSyncPair */
	assert_rc(scs(x, 14, VA, d), 5);		/* SCS 14: beyond */
	assert_rc(scs(x, 19, VA, d), 5);
	assert_int_equal(state_of(x, VA, d), SYNC_FROZEN);
	assert_rc(scs(x, 4, VA, d), 4096);	/* SCS 4 Resync */
	finish(x, replica_pair_find(x->rs, VA, d)->job_id, 0);
	assert_rc(mrs(x, 14, VA, d, NULL), 4096);	/* RS 14 Resync */
	finish(x, replica_pair_find(x->rs, VA, d)->job_id, 0);
	assert_rc(mrs(x, 8, VA, d, NULL), 0);	/* RS 8 Detach */
	assert_null(replica_pair_find(x->rs, VA, d));
}

/* ------------------------------------------------ StorageSynchronized */

/*
 * GetInstance of pair (src, tgt) through op_intrinsic(), into x->resp;
 * NULL when it answered an ERROR.
 */
static const char *
get_pair(struct fx *x, uint32_t src, uint32_t tgt)
{
	struct cim_arena *a = cim_arena_new(4u << 20);
	struct cimxml_err err;
	struct cim_request req;
	struct cim_buf out;
	struct op_ctx c;
	char *name = pair_of(x, src, tgt);
	char *body = fmt("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME="
	    "\"GetInstance\">%s<IPARAMVALUE NAME=\"InstanceName\">%s"
	    "</IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>",
	    ns_xml(), name);

	assert_non_null(a);
	memset(&req, 0, sizeof(req));
	if (cimxml_parse_request(body, strlen(body), NULL, a, &req, &err) != 0)
		fail_msg("parse: %s\n%s", err.msg, body);
	memset(&c, 0, sizeof(c));
	c.conf = &x->conf;
	c.rs = x->rs;
	c.host = "testhost";
	c.user = "alice";
	c.role = OP_ROLE_EDIT;
	c.arena = a;
	c.req = &req;
	c.ns = MODEL_NS_TPD;
	cim_buf_init(&out);
	c.out = &out;
	op_intrinsic(&c);
	assert_false(out.oom);
	free(x->resp);
	x->resp = strndup(out.data != NULL ? out.data : "", out.len);
	assert_non_null(x->resp);
	cim_buf_release(&out);
	cim_arena_free(a);
	free(body);
	free(name);
	return strstr(x->resp, "<ERROR") != NULL ? NULL : x->resp;
}

/* The value of scalar integer property `name` in r, -1 when NULL/absent. */
static long
prop_u(const char *r, const char *name)
{
	char tag[96];
	const char *p, *e, *v;

	snprintf(tag, sizeof(tag), "<PROPERTY NAME=\"%s\"", name);
	if ((p = strstr(r, tag)) == NULL)
		return -1;
	e = strstr(p, "</PROPERTY>");
	v = strstr(p, "<VALUE>");
	if (e == NULL || v == NULL || v > e)
		return -1;
	return strtol(v + 7, NULL, 10);
}

/*
 * The instance of pair (src, tgt) shows the kind (ReplicaType, SyncType,
 * Mode per rs-decisions.md: Mode 3 only for a PC that keeps its
 * association) and SyncState with the CopyState and ProgressStatus of
 * 3PAR Table 42.
 */
static void
pair_shows(struct fx *x, uint32_t src, uint32_t tgt, bool vc, unsigned ct)
{
	const struct rpair *p = replica_pair_find(x->rs, src, tgt);
	const char *r;
	long cs, ps;

	assert_non_null(p);
	switch (p->sync_state) {
	case SYNC_INITIALIZED: cs = 2; ps = 2; break;
	case SYNC_RESYNC_IN_PROGRESS: cs = 3; ps = 6; break;
	case SYNC_FROZEN: cs = 4; ps = 2; break;
	case SYNC_IDLE: cs = 8; ps = 2; break;
	case SYNC_COPY_IN_PROGRESS: cs = 3; ps = 7; break;
	case SYNC_RESTORE_IN_PROGRESS: cs = 4; ps = 8; break;
	case SYNC_BROKEN: cs = 5; ps = 15; break;
	default: fail_msg("SyncState %u", p->sync_state); return;
	}
	r = get_pair(x, src, tgt);
	if (r == NULL)
		fail_msg("GetInstance of pair %u -> %u: %s", src, tgt,
		    x->resp);
	if (prop_u(r, "SyncState") != p->sync_state ||
	    prop_u(r, "CopyType") != (long)ct ||
	    prop_u(r, "ReplicaType") != (vc ? 4 : 2) ||
	    prop_u(r, "SyncType") != (vc ? 7 : 8) ||
	    prop_u(r, "Mode") != (!vc && ct == 4 ? 3 : 2) ||
	    prop_u(r, "CopyState") != cs ||
	    prop_u(r, "ProgressStatus") != ps ||
	    prop_u(r, "RequestedCopyState") != 15)
		fail_msg("pair %s CopyType %u SyncState %u shows: %s",
		    vc ? "VC" : "PC", ct, p->sync_state, r);
}

/* ------------------------------------------------ CreateElementReplica */

/* The deferred answer cimop.c writes for a CreateElementReplica pair. */
static const char *
cer_deferred(struct fx *x, uint32_t src, uint32_t tgt, bool give_up)
{
	return fx_deferred(x, "CreateElementReplica", src, tgt, give_up);
}

/* The pair an answer's Synchronization names is (src, out TargetElement). */
static uint32_t
out_pair(struct fx *x, const char *r, uint32_t src)
{
	uint32_t tgt = (uint32_t)out_id(r, "TargetElement");
	const char *p = strstr(r, "<PARAMVALUE NAME=\"Synchronization\" "
	    "PARAMTYPE=\"reference\"><VALUE.REFERENCE><INSTANCEPATH>"
	    "<NAMESPACEPATH><HOST>testhost</HOST>");
	char dev[32];

	if (p == NULL)
		fail_msg("no Synchronization in %s", r);
	assert_non_null(strstr(p, "CLASSNAME=\"TPD_StorageSynchronized\""));
	snprintf(dev, sizeof(dev), ">%u</KEYVALUE>", (unsigned)src);
	assert_non_null(strstr(p, dev));
	snprintf(dev, sizeof(dev), ">%u</KEYVALUE>", (unsigned)tgt);
	assert_non_null(strstr(p, dev));
	assert_non_null(replica_pair_find(x->rs, src, tgt));
	return tgt;
}

/* SyncType 7: at once without can_defer, once durable with it. */
static void
test_cer_snapshot(void **state)
{
	struct fx *x = *state;
	const struct rpair *p;
	const char *r;
	uint32_t s1, s2;

	r = cer_of(x, VA, "7", NULL, pval("ElementName", "rs1", "string"));
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	s1 = out_pair(x, r, VA);
	assert_string_equal(replica_volume_by_id(x->rs, s1)->name, "rs1");
	assert_true(replica_volume_by_id(x->rs, s1)->is_snapshot);
	p = replica_pair_find(x->rs, VA, s1);
	assert_int_equal(p->kind, PAIR_VC);
	assert_int_equal(p->copy_type, 4);
	pair_shows(x, VA, s1, true, 4);
	finish(x, p->job_id, 0);
	assert_int_equal(state_of(x, VA, s1), SYNC_IDLE);
	pair_shows(x, VA, s1, true, 4);

	/* Deferred: nothing until durable, then 0 + both references. */
	g_can_defer = true;
	r = cer_of(x, VA, "7", "2", params(pval("ElementName", "rs2",
	    "string"), pval("WaitForCopyState", "8", "uint16"), NULL));
	assert_string_equal(r, "");
	assert_int_equal(g_defer_src, VA);
	s2 = g_defer_tgt;
	assert_non_null(replica_volume_by_name(x->rs, "rs2"));
	assert_int_equal(replica_volume_by_name(x->rs, "rs2")->id, s2);
	assert_null(cer_deferred(x, VA, s2, false));
	assert_rc(cer_deferred(x, VA, s2, true), 4);
	assert_false(has_out(x->resp, "TargetElement"));
	finish(x, replica_pair_find(x->rs, VA, s2)->job_id, 0);
	r = cer_deferred(x, VA, s2, false);
	assert_non_null(r);
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	assert_int_equal(out_pair(x, r, VA), s2);
	/* A refusal is answered at once, deferred or not. */
	r = cer_of(x, VA, "7", NULL, pval("ElementName", "rs2", "string"));
	assert_rc(r, 4);
	assert_int_equal(g_defer_tgt, 0);
	g_can_defer = false;
	/* ReplicationSettingData and TargetSettingGoal: ignored. */
	r = cer_of(x, VC, "7", NULL, params(strdup("<PARAMVALUE NAME="
	    "\"ReplicationSettingData\" PARAMTYPE=\"string\" EmbeddedObject="
	    "\"instance\"><VALUE>&lt;INSTANCE CLASSNAME=&quot;"
	    "CIM_ReplicationSettingData&quot;&gt;&lt;/INSTANCE&gt;</VALUE>"
	    "</PARAMVALUE>"), pref("TargetSettingGoal", vol_path(x, VB,
	    F_NAME, false), "reference"), pref("TargetPool", pool_of(x, "p0"),
	    "reference"), NULL));
	assert_rc(r, 0);
	(void)out_pair(x, r, VC);
}

/* SyncType 8, no target, no Mode: a one-shot copy onto a new volume. */
static void
test_cer_clone_oneshot(void **state)
{
	struct fx *x = *state;
	const struct rpair *p;
	const char *r;
	uint64_t job;
	uint32_t d, e;
	size_t nvol = replica_volume_count(x->rs);

	r = cer_of(x, VA, "8", NULL, pval("ElementName", "c1", "string"));
	assert_rc(r, 4096);
	job = out_id(r, "Job");
	d = out_pair(x, r, VA);
	assert_string_equal(replica_volume_by_id(x->rs, d)->name, "c1");
	assert_false(replica_volume_by_id(x->rs, d)->is_snapshot);
	p = replica_pair_find(x->rs, VA, d);
	assert_int_equal(p->kind, PAIR_PC);
	assert_int_equal(p->copy_type, 5);
	assert_int_equal(p->job_id, job);
	assert_int_equal(replica_volume_count(x->rs), nvol + 1);
	pair_shows(x, VA, d, false, 5);
	finish(x, job, 0);
	/* Detached automatically: the pair goes, the volume stays. */
	assert_null(replica_pair_find(x->rs, VA, d));
	assert_non_null(replica_volume_by_id(x->rs, d));
	assert_int_equal(replica_job_by_id(x->rs, job)->state, JOB_COMPLETED);
	/* Mode 2 is the same, into TargetPool p1, WaitForCopyState 4. */
	r = cer_of(x, VA, "8", "2", params(pval("ElementName", "c2",
	    "string"), pref("TargetPool", pool_of(x, "p1"), "reference"),
	    pval("WaitForCopyState", "4", "uint16"), NULL));
	assert_rc(r, 4096);
	e = out_pair(x, r, VA);
	assert_int_equal(replica_pair_find(x->rs, VA, e)->copy_type, 5);
	assert_string_equal(replica_volume_by_id(x->rs, e)->pool, "p1");
	finish(x, out_id(r, "Job"), 0);
	assert_null(replica_pair_find(x->rs, VA, e));
	assert_int_equal(replica_pair_count(x->rs), 0);
}

/* SyncType 8 Mode 3: a new volume kept in association (CopyType 4). */
static void
test_cer_clone_kept(void **state)
{
	struct fx *x = *state;
	const struct rpair *p;
	const char *r;
	uint64_t job;
	uint32_t d;

	r = cer_of(x, VA, "8", "3", params(pval("ElementName", "k1",
	    "string"), pval("WaitForCopyState", "8", "uint16"), NULL));
	assert_rc(r, 4096);
	job = out_id(r, "Job");
	d = out_pair(x, r, VA);
	p = replica_pair_find(x->rs, VA, d);
	assert_int_equal(p->kind, PAIR_PC);
	assert_int_equal(p->copy_type, 4);
	assert_int_equal(replica_volume_by_id(x->rs, d)->size,
	    replica_volume_by_id(x->rs, VA)->size);
	pair_shows(x, VA, d, false, 4);
	finish(x, job, 0);
	assert_int_equal(state_of(x, VA, d), SYNC_FROZEN);
	pair_shows(x, VA, d, false, 4);
	/* Return To ResourcePool: the pair and its target go together. */
	r = mrs(x, 19, VA, d, pval("WaitForCopyState", "15", "uint16"));
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	assert_null(replica_pair_find(x->rs, VA, d));
	assert_null(replica_volume_by_id(x->rs, d));
}

/* TargetElement given: an attach, CopyType 4 with Mode 3, else 5. */
static void
test_cer_clone_attach(void **state)
{
	struct fx *x = *state;
	const char *r;
	uint64_t job;

	r = cer_of(x, VA, "8", "3", params(pref("TargetElement", vol_path(x,
	    VB, F_FULL, false), "reference"), pval("ElementName", "ignored",
	    "string"), NULL));
	assert_rc(r, 4096);
	job = out_id(r, "Job");
	assert_int_equal(out_pair(x, r, VA), VB);
	assert_int_equal(replica_pair_find(x->rs, VA, VB)->copy_type, 4);
	assert_null(replica_volume_by_name(x->rs, "ignored"));
	pair_shows(x, VA, VB, false, 4);
	finish(x, job, 0);
	assert_int_equal(state_of(x, VA, VB), SYNC_FROZEN);
	/* Kept: Resync Replica copies again; Detach ends it. */
	r = mrs(x, 14, VA, VB, NULL);
	assert_rc(r, 4096);
	finish(x, out_id(r, "Job"), 0);
	assert_rc(mrs(x, 8, VA, VB, NULL), 0);
	assert_non_null(replica_volume_by_id(x->rs, VB));

	/* No Mode: CopyType 5, gone once copied. */
	r = cer_of(x, VC, "8", NULL, params(pref("TargetElement", vol_path(x,
	    VB, F_NAME, false), NULL), pval("WaitForCopyState", "4", "uint16"),
	    NULL));
	assert_rc(r, 4096);
	job = out_id(r, "Job");
	assert_int_equal(out_pair(x, r, VC), VB);
	assert_int_equal(replica_pair_find(x->rs, VC, VB)->copy_type, 5);
	pair_shows(x, VC, VB, false, 5);	/* r is gone from here */
	finish(x, job, 0);
	assert_null(replica_pair_find(x->rs, VC, VB));
	assert_int_equal(replica_volume_count(x->rs), 4);
}

/* One refused CreateElementReplica: its rc and nothing changed. */
#define cer_refused(x, want, call_) do { \
	struct world w_; \
	const char *cr_; \
	world_get((x), &w_); \
	cr_ = (call_); \
	assert_rc(cr_, (want)); \
	assert_false(has_out(cr_, "Job")); \
	assert_false(has_out(cr_, "TargetElement")); \
	assert_false(has_out(cr_, "Synchronization")); \
	assert_unchanged((x), &w_, #call_); \
} while (0)

static char *
refarray_of(const char *name, char *path)
{
	char *s = fmt("<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"reference\">"
	    "<VALUE.REFARRAY><VALUE.REFERENCE>%s</VALUE.REFERENCE>"
	    "</VALUE.REFARRAY></PARAMVALUE>", name, path);

	free(path);
	return s;
}

/* rs-decisions.md §CreateElementReplica, checks 1-6 in their order. */
static void
test_cer_refused(void **state)
{
	struct fx *x = *state;
	uint32_t snap;

	/* 1. SyncType: Mirror, TokenizedClone 1; outside the map 5. */
	cer_refused(x, 1, cer_of(x, VA, "6", NULL, NULL));
	cer_refused(x, 1, cer_of(x, VA, "9", NULL, NULL));
	cer_refused(x, 5, cer_of(x, VA, "0", NULL, NULL));
	cer_refused(x, 5, cer_of(x, VA, "5", NULL, NULL));
	cer_refused(x, 5, cer_of(x, VA, "10", NULL, NULL));
	cer_refused(x, 5, cer_of(x, VA, "65535", NULL, NULL));
	/* ... before Mode. */
	cer_refused(x, 1, cer_of(x, VA, "6", "9", NULL));
	cer_refused(x, 5, cer_of(x, VA, "10", "4", NULL));
	/* 2. Mode: Adaptive, Active 1; outside 5. */
	cer_refused(x, 1, cer_of(x, VA, "8", "4", NULL));
	cer_refused(x, 1, cer_of(x, VA, "7", "5", NULL));
	cer_refused(x, 5, cer_of(x, VA, "8", "0", NULL));
	cer_refused(x, 5, cer_of(x, VA, "8", "1", NULL));
	cer_refused(x, 5, cer_of(x, VA, "8", "6", NULL));
	/* ... before the remote arguments. */
	cer_refused(x, 5, cer_of(x, VA, "8", "6", pref("SourceAccessPoint",
	    vol_path(x, VA, F_NAME, false), "reference")));
	/* 3. Remote or collection arguments: 1, before a missing source. */
	cer_refused(x, 1, cer_of(x, VA, "7", NULL, pref("SourceAccessPoint",
	    vol_path(x, VA, F_NAME, false), "reference")));
	cer_refused(x, 1, cer_of(x, VA, "8", NULL, pref("TargetAccessPoint",
	    vol_path(x, VA, F_NAME, false), "reference")));
	cer_refused(x, 1, cer_of(x, VA, "8", "3", pref(
	    "ConnectivityCollection", vol_path(x, VA, F_NAME, false),
	    "reference")));
	cer_refused(x, 1, cer_of(x, VA, "8", "2", refarray_of("Collections",
	    vol_path(x, VA, F_NAME, false))));
	cer_refused(x, 1, cer_of(x, 999, "7", NULL, pref("SourceAccessPoint",
	    vol_path(x, VA, F_NAME, false), "reference")));
	/* 4. Snapshot: Mode 3 1 (before TargetElement), TargetElement 5. */
	cer_refused(x, 1, cer_of(x, VA, "7", "3", pref("TargetElement",
	    vol_path(x, VB, F_NAME, false), "reference")));
	cer_refused(x, 5, cer_of(x, VA, "7", NULL, pref("TargetElement",
	    vol_path(x, VB, F_NAME, false), "reference")));
	cer_refused(x, 5, cer_of(x, VA, "7", "2", pval("WaitForCopyState",
	    "2", "uint16")));
	cer_refused(x, 5, cer_of(x, VA, "7", NULL, pval("WaitForCopyState",
	    "15", "uint16")));
	/* WaitForCopyState before the missing source (4). */
	cer_refused(x, 5, cer_of(x, 999, "7", NULL, pval("WaitForCopyState",
	    "3", "uint16")));
	/* TargetPool: another system's 5; a pool not the source's 5. */
	cer_refused(x, 5, cer_of(x, VA, "7", NULL, pref("TargetPool",
	    pool_path("TPD:0123456789ABCDEF:p0"), "reference")));
	cer_refused(x, 5, cer_of(x, VA, "7", NULL, pref("TargetPool",
	    pool_of(x, "p1"), "reference")));
	/* Then as CreateReplica: source missing, name in use 4. */
	cer_refused(x, 4, cer_of(x, 999, "7", NULL, NULL));
	cer_refused(x, 4, cer_of(x, VA, "7", NULL, pval("ElementName", "b",
	    "string")));
	cer_refused(x, 5, cer_of(x, VA, "7", NULL, pval("ElementName", "a/b",
	    "string")));
	/* 5. Clone onto a new volume: WaitForCopyState per Mode. */
	cer_refused(x, 5, cer_of(x, VA, "8", NULL, pval("WaitForCopyState",
	    "8", "uint16")));
	cer_refused(x, 5, cer_of(x, VA, "8", "2", pval("WaitForCopyState",
	    "8", "uint16")));
	cer_refused(x, 5, cer_of(x, VA, "8", "3", pval("WaitForCopyState",
	    "15", "uint16")));
	cer_refused(x, 5, cer_of(x, VA, "8", "3", pref("TargetPool",
	    pool_path("TPD:0123456789ABCDEF:p0"), "reference")));
	cer_refused(x, 5, cer_of(x, VA, "8", NULL, pref("TargetPool",
	    pool_path("TPD:0123456789ABCDEF:p0"), "reference")));
	cer_refused(x, 4, cer_of(x, 999, "8", NULL, NULL));
	cer_refused(x, 4, cer_of(x, 999, "8", "3", NULL));
	cer_refused(x, 4, cer_of(x, VA, "8", "3", pval("ElementName", "c",
	    "string")));
	cer_refused(x, 4, cer_of(x, VA, "8", NULL, pval("ElementName", "c",
	    "string")));
	/* 6. Clone onto TargetElement: no TargetPool, no TargetSettingGoal. */
	cer_refused(x, 5, cer_of(x, VA, "8", "3", params(pref("TargetElement",
	    vol_path(x, VB, F_NAME, false), "reference"), pref("TargetPool",
	    pool_of(x, "p0"), "reference"), NULL)));
	cer_refused(x, 5, cer_of(x, VA, "8", NULL, params(pref(
	    "TargetElement", vol_path(x, VB, F_NAME, false), "reference"),
	    pref("TargetSettingGoal", vol_path(x, VB, F_NAME, false),
	    "reference"), NULL)));
	cer_refused(x, 5, cer_of(x, VA, "8", NULL, params(pref(
	    "TargetElement", vol_path(x, VB, F_NAME, false), "reference"),
	    pval("WaitForCopyState", "8", "uint16"), NULL)));
	/* ... then as AttachOrModifyReplica. */
	cer_refused(x, 4, cer_of(x, VA, "8", "3", pref("TargetElement",
	    vol_path(x, 999, F_NAME, false), "reference")));
	cer_refused(x, 4, cer_of(x, VA, "8", NULL, pref("TargetElement",
	    vol_path(x, VA, F_NAME, false), "reference")));
	cer_refused(x, 4, cer_of(x, VA, "8", "3", pref("TargetElement",
	    vol_path(x, VSMALL, F_NAME, false), "reference")));
	snap = idle_vc(x);
	cer_refused(x, 4, cer_of(x, VA, "8", "3", pref("TargetElement",
	    vol_path(x, snap, F_NAME, false), "reference")));
	assert_int_equal(replica_volume_count(x->rs), 5);
	assert_int_equal(replica_pair_count(x->rs), 1);
}

/* replication_service = no: the service is not there (CIM error 6). */
static void
test_rs_disabled(void **state)
{
	struct fx *x = *state;
	uint32_t d = base_pair(x, false);

	x->conf.replication_service = false;
	assert_error(cer_of(x, VA, "7", NULL, NULL), 6);
	assert_error(mrs(x, 8, VA, d, NULL), 6);
	assert_int_equal(replica_volume_count(x->rs), 5);
	assert_int_equal(state_of(x, VA, d), SYNC_FROZEN);
	/* The StorageConfigurationService is there either way. */
	assert_rc(scs(x, 8, VA, d), 1);
	x->conf.replication_service = true;
	assert_rc(mrs(x, 8, VA, d, NULL), 0);
}

/* ModifyReplicaSynchronization's own arguments. */
static void
test_mrs_args(void **state)
{
	struct fx *x = *state;
	uint32_t d = base_pair(x, false), snap;
	struct world w;

	world_get(x, &w);
	/* SyncPair given: 5; WaitForCopyState outside {4, 8, 15}: 5. */
	assert_rc(mrs(x, 8, VA, d, refarray_of("SyncPair", pair_of(x, VA,
	    d))), 5);
	assert_rc(mrs(x, 8, VA, d, pval("WaitForCopyState", "2", "uint16")),
	    5);
	assert_rc(mrs(x, 19, VA, d, pval("WaitForCopyState", "3", "uint16")),
	    5);
	/* An operation outside the map outranks them. */
	assert_rc(mrs(x, 28, VA, d, refarray_of("SyncPair", pair_of(x, VA,
	    d))), 5);
	assert_rc(mrs(x, 3, VA, d, pval("WaitForCopyState", "2", "uint16")),
	    1);
	/* No such pair: 4, whatever the kind would have allowed. */
	assert_rc(mrs(x, 8, VB, VA, NULL), 4);
	assert_rc(mrs(x, 15, VA, VC, NULL), 4);
	assert_rc(mrs(x, 19, VA, 999, NULL), 4);
	/* WaitForCopyState 8 (Inactive) only for a snapshot's operations. */
	assert_rc(mrs(x, 8, VA, d, pval("WaitForCopyState", "8", "uint16")),
	    5);
	assert_rc(mrs(x, 14, VA, d, pval("WaitForCopyState", "8", "uint16")),
	    5);
	assert_unchanged(x, &w, "refused ModifyReplicaSynchronization");
	/* Force, ReplicationSettingData: ignored; 4 and 15 accepted. */
	assert_rc(mrs(x, 9, VA, d, params(pval("Force", "true", "boolean"),
	    pval("WaitForCopyState", "15", "uint16"), NULL)), 0);
	assert_null(replica_pair_find(x->rs, VA, d));
	snap = idle_vc(x);
	assert_rc(mrs(x, 15, VA, snap, pval("WaitForCopyState", "8",
	    "uint16")), 4096);
	assert_int_equal(state_of(x, VA, snap), SYNC_RESTORE_IN_PROGRESS);
}

/* ------------------------------------------- RS operations x states */

enum kind { K_PC4, K_PC5, K_VC };

static const char *const kind_name[] = { "PC4", "PC5", "VC" };

/*
 * A fresh fixture with a pair of `kind` from volume a in SyncState `ss`,
 * brought there through the CIM methods; its target.  Queued
 * (Initialized): the two copy slots are taken by copies b -> e, c -> f
 * first.  The target of a PC is a volume Block Services made, so that
 * Return To ResourcePool may delete it.
 */
static uint32_t
reach(void **state, enum kind k, uint16_t ss)
{
	struct fx *x = reopen(state);
	const char *r;
	uint32_t d = 0;
	uint64_t job;

	if (ss == SYNC_INITIALIZED) {
		(void)attach(x, VB, bs_volume(x, "e"), "4");
		(void)attach(x, VC, bs_volume(x, "f"), "4");
	}
	if (k != K_VC) {
		d = bs_volume(x, "d");
		job = attach(x, VA, d, k == K_PC4 ? "4" : "5");
	} else {
		r = cer_of(x, VA, "7", NULL, pval("ElementName", "s",
		    "string"));
		assert_rc(r, 0);
		d = out_pair(x, r, VA);
		job = replica_pair_find(x->rs, VA, d)->job_id;
	}
	switch (ss) {
	case SYNC_INITIALIZED:
	case SYNC_RESYNC_IN_PROGRESS:
		break;
	case SYNC_BROKEN:
		finish(x, job, -EIO);
		break;
	case SYNC_FROZEN:
	case SYNC_IDLE:
		finish(x, job, 0);
		break;
	case SYNC_COPY_IN_PROGRESS:
		finish(x, job, 0);
		assert_rc(scs(x, 12, VA, d), 4096);
		break;
	case SYNC_RESTORE_IN_PROGRESS:
		finish(x, job, 0);
		assert_rc(scs(x, 5, VA, d), 4096);
		break;
	default:
		fail_msg("no recipe for SyncState %u", ss);
	}
	if (state_of(x, VA, d) != ss)
		fail_msg("%s: reached SyncState %u, not %u", kind_name[k],
		    state_of(x, VA, d), ss);
	return d;
}

/* What a call left: the pair's state (0 gone), its target, jobs. */
struct after {
	long rc;
	uint16_t ss;
	bool tgt_there, job;
	size_t njob;
};

static struct after
after_of(struct fx *x, const char *r, uint32_t tgt)
{
	const struct rpair *p = replica_pair_find(x->rs, VA, tgt);
	struct after a = {
		.rc = ret_val(r),
		.ss = p != NULL ? p->sync_state : 0,
		.tgt_there = replica_volume_by_id(x->rs, tgt) != NULL,
		.job = has_out(r, "Job"),
		.njob = replica_job_count(x->rs),
	};

	return a;
}

/* The RS operations of rs-decisions.md and their SCS counterparts. */
static const unsigned rs_ops[6] = { 2, 8, 9, 14, 15, 19 };

/*
 * The SCS Operation RS `op` carries out on a pair of kind k, 0 when
 * there is none (Return To ResourcePool, or not for the kind: 5).
 */
static unsigned
scs_of(enum kind k, unsigned op)
{
	if (k == K_VC)
		return op == 15 ? 5 : 0;
	switch (op) {
	case 2: return 13;
	case 8: case 9: return 2;
	case 14: return k == K_PC4 ? 4 : 0;
	default: return 0;
	}
}

/*
 * The answers, written from rs-decisions.md and the state machine of
 * CONTRACT.md §4 (test_replica_sm.c's matrix), not from
 * extrinsic_repl.c: one row per reachable (kind, SyncState), one column
 * per RS operation 2, 8, 9, 14, 15, 19.  PC5 never rests Frozen (its
 * pair goes when the copy ends) and never copies again; Idle and
 * RestoreInProgress are a snapshot's, and a snapshot is never queued
 * (its fill is a hidden copy outside the copy slots: copy.c), so never
 * Initialized.
 */
static const struct cell {
	enum kind k;
	uint16_t ss;
	long rc[6];
} cells[] = {
	{ K_PC4, SYNC_INITIALIZED,	{ 0, 4, 4, 4, 5, 6 } },
	{ K_PC4, SYNC_RESYNC_IN_PROGRESS, { 0, 4, 4, 4, 5, 6 } },
	{ K_PC4, SYNC_FROZEN,		{ 4, 0, 0, 4096, 5, 0 } },
	{ K_PC4, SYNC_BROKEN,		{ 4, 4, 4, 4, 5, 0 } },
	{ K_PC4, SYNC_COPY_IN_PROGRESS,	{ 0, 4, 4, 4, 5, 6 } },
	{ K_PC5, SYNC_INITIALIZED,	{ 0, 4, 4, 5, 5, 6 } },
	{ K_PC5, SYNC_RESYNC_IN_PROGRESS, { 0, 4, 4, 5, 5, 6 } },
	{ K_PC5, SYNC_BROKEN,		{ 4, 4, 4, 5, 5, 0 } },
	{ K_VC, SYNC_RESYNC_IN_PROGRESS, { 5, 5, 5, 5, 4, 6 } },
	{ K_VC, SYNC_IDLE,		{ 5, 5, 5, 5, 4096, 0 } },
	{ K_VC, SYNC_RESTORE_IN_PROGRESS, { 5, 5, 5, 5, 4, 6 } },
	{ K_VC, SYNC_BROKEN,		{ 5, 5, 5, 5, 4, 0 } },
};

/*
 * Every cell: the RS operation answers as the table says; a refusal
 * changes nothing; what acts does what its SCS counterpart does in the
 * same state (same rc, same next state, same target, a job alike), and
 * Return To ResourcePool takes pair and target.  Each reached state's
 * StorageSynchronized instance shows it (pair_shows).
 */
static void
test_rs_state_matrix(void **state)
{
	unsigned n = 0;
	double t0 = now_s();

	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		const struct cell *ce = &cells[i];
		bool vc = ce->k == K_VC;

		for (size_t j = 0; j < 6; j++) {
			unsigned op = rs_ops[j], sop = scs_of(ce->k, op);
			uint32_t d = reach(state, ce->k, ce->ss);
			struct fx *x = *state;
			struct after rs, sc;
			struct world w;

			if (j == 0)
				pair_shows(x, VA, d, vc, ce->k == K_PC5 ? 5 :
				    4);
			world_get(x, &w);
			rs = after_of(x, mrs(x, op, VA, d, NULL), d);
			if (rs.rc != ce->rc[j])
				fail_msg("%s SyncState %u: RS %u answered %ld, "
				    "want %ld: %s", kind_name[ce->k], ce->ss, op,
				    rs.rc, ce->rc[j], x->resp);
			n++;
			if (rs.rc != 0 && rs.rc != 4096)
				assert_unchanged(x, &w, "a refused RS op");
			if (rs.ss != 0)
				pair_shows(x, VA, d, vc, ce->k == K_PC5 ? 5 :
				    4);
			if (sop == 0) {
				/* Not for the kind, or Return To Pool. */
				if (op == 19 && rs.rc == 0) {
					assert_int_equal(rs.ss, 0);
					assert_false(rs.tgt_there);
				} else {
					assert_true(op == 19 || rs.rc == 5);
				}
				continue;
			}
			/* The same state again, through the SCS door. */
			d = reach(state, ce->k, ce->ss);
			x = *state;
			sc = after_of(x, scs(x, sop, VA, d), d);
			if (rs.rc != sc.rc || rs.ss != sc.ss ||
			    rs.tgt_there != sc.tgt_there || rs.job != sc.job ||
			    rs.njob != sc.njob)
				fail_msg("%s SyncState %u: RS %u (rc %ld, state "
				    "%u) is not SCS %u (rc %ld, state %u)",
				    kind_name[ce->k], ce->ss, op, rs.rc, rs.ss,
				    sop, sc.rc, sc.ss);
		}
	}
	assert_int_equal(n, 12 * 6);
	print_message("    %u cells: %.3f s\n", n, now_s() - t0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_rs, teardown)
		T(test_rs_map_pc4),
		T(test_rs_map_vc),
		T(test_scs_map_pc4),
		T(test_scs_map_vc),
		T(test_maps_not_confused),
		T(test_cer_snapshot),
		T(test_cer_clone_oneshot),
		T(test_cer_clone_kept),
		T(test_cer_clone_attach),
		T(test_cer_refused),
		T(test_rs_disabled),
		T(test_mrs_args),
		T(test_rs_state_matrix),
#undef T
	};

	log_init(true, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
