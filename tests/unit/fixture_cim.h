/* SPDX-License-Identifier: ISC */
/*
 * fixture_cim.h - what the extrinsic-method unit tests share
 * (test_cim_extrinsic.c, test_cim_repl.c): a replica_set on fake ops in a
 * mkdtemp() folder with two configured pools, METHODCALL bodies built as
 * text and parsed by cimxml_parse_request, op_extrinsic() run on them with
 * the wire rules of every response checked, readers of the return value
 * and output references, and the calls that bring pairs into the states
 * most tests start from.  Include after <cmocka.h>.
 */
#ifndef ARRAYD_FIXTURE_CIM_H
#define ARRAYD_FIXTURE_CIM_H

#include "tests/unit/fake_replica.h"

#include <expat.h>
#include <sys/stat.h>

#include "cimxml/cimxml.h"
#include "conf/conf.h"
#include "cim/extrinsic_int.h"
#include "cim/model.h"
#include "cim/schema.h"
#include "base/log.h"
#include "replica/replica.h"

/* Volumes of fake_rep_open(). */
#define VA	101u
#define VB	102u
#define VC	103u
#define VSMALL	104u

struct fx {
	struct fake_rep f;
	struct replica_set *rs;
	struct conf conf;
	struct conf_pool pools[2];
	char p1dir[300];
	char n0[4], n1[4];	/* pool names "p0", "p1" */
	char sys[64];
	char *resp;		/* last response, NUL-terminated, malloc'd */
};

/* The target's LOCALNAMESPACEPATH when not NULL (default root/tpd). */
static const char *g_target_ns;
/* Calls made with can_defer, and the pair the last one left deferred. */
static bool g_can_defer;
static uint32_t g_defer_src, g_defer_tgt;

/* ------------------------------------------------------------ fixture */

static inline struct fx *
fx_open(void)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	fake_rep_init(&x->f);
	x->rs = fake_rep_open(&x->f, 2, true);
	assert_non_null(x->rs);
	snprintf(x->p1dir, sizeof(x->p1dir), "%s/p1", x->f.dir);
	memcpy(x->n0, "p0", 3);
	memcpy(x->n1, "p1", 3);
	assert_int_equal(mkdir(x->p1dir, 0700), 0);
	assert_int_equal(replica_pool_add(x->rs, "p1", x->p1dir), 0);
	x->pools[0].name = x->n0;
	x->pools[0].path = x->f.dir;
	x->pools[1].name = x->n1;
	x->pools[1].path = x->p1dir;
	x->conf.pools = x->pools;
	x->conf.npools = 2;
	snprintf(x->sys, sizeof(x->sys), "%s", replica_system_name(x->rs));
	assert_true(strlen(x->sys) > 0);
	return x;
}

static inline void
fx_close(struct fx *x)
{
	free(x->resp);
	replica_set_free(x->rs);
	fake_rep_cleanup(&x->f);
	free(x);
}

static inline int
setup(void **state)
{
	g_target_ns = NULL;
	g_can_defer = false;
	*state = fx_open();
	return 0;
}

static inline int
teardown(void **state)
{
	fx_close(*state);
	return 0;
}

/* ------------------------------------------------- request building */

/* printf into a fresh malloc'd string. */
static inline char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static inline char *
fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	assert_non_null(s);
	return s;
}

/* Path forms of the test paths. */
enum form { F_NAME, F_LOCAL, F_FULL };

static inline const char *
ns_xml(void)
{
	return "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
	    "<NAMESPACE NAME=\"tpd\"/></LOCALNAMESPACEPATH>";
}

/* Wrap an INSTANCENAME in the requested form; frees `iname`. */
static inline char *
wrap(char *iname, enum form fm)
{
	char *s;

	if (fm == F_NAME)
		return iname;
	if (fm == F_LOCAL)
		s = fmt("<LOCALINSTANCEPATH>%s%s</LOCALINSTANCEPATH>", ns_xml(),
		    iname);
	else
		s = fmt("<INSTANCEPATH><NAMESPACEPATH><HOST>client.example"
		    "</HOST>%s</NAMESPACEPATH>%s</INSTANCEPATH>", ns_xml(),
		    iname);
	free(iname);
	return s;
}

static inline char *
kb(const char *name, const char *v)
{
	return fmt("<KEYBINDING NAME=\"%s\"><KEYVALUE VALUETYPE=\"string\">"
	    "%s</KEYVALUE></KEYBINDING>", name, v);
}

/* A volume path with all four keys, in key order `shuffled` or not. */
static inline char *
vol_path(const struct fx *x, uint32_t id, enum form fm, bool shuffled)
{
	char dev[16];
	char *k[4], *s;

	snprintf(dev, sizeof(dev), "%u", (unsigned)id);
	k[0] = kb("CreationClassName", "TPD_StorageVolume");
	k[1] = kb("DeviceID", dev);
	k[2] = kb("SystemCreationClassName", "TPD_StorageSystem");
	k[3] = kb("SystemName", x->sys);
	if (shuffled)
		s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
		    "%s%s%s%s</INSTANCENAME>", k[3], k[1], k[0], k[2]);
	else
		s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
		    "%s%s%s%s</INSTANCENAME>", k[0], k[1], k[2], k[3]);
	for (int i = 0; i < 4; i++)
		free(k[i]);
	return wrap(s, fm);
}

/* What wbemcli users type: DeviceID and SystemName only, numeric guess. */
static inline char *
vol_partial(const char *cls, uint32_t id, const char *sys, enum form fm)
{
	return wrap(fmt("<INSTANCENAME CLASSNAME=\"%s\">"
	    "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"numeric\">%u"
	    "</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"SystemName\">"
	    "<KEYVALUE>%s</KEYVALUE></KEYBINDING></INSTANCENAME>", cls,
	    (unsigned)id, sys), fm);
}

/* A StorageSynchronized path around two nested volume references. */
static inline char *
pair_path(const char *cls, char *src, char *tgt, enum form fm, bool tgtfirst)
{
	char *se = fmt("<KEYBINDING NAME=\"SystemElement\"><VALUE.REFERENCE>"
	    "%s</VALUE.REFERENCE></KEYBINDING>", src);
	char *sy = fmt("<KEYBINDING NAME=\"SyncedElement\"><VALUE.REFERENCE>"
	    "%s</VALUE.REFERENCE></KEYBINDING>", tgt);
	char *s = fmt("<INSTANCENAME CLASSNAME=\"%s\">%s%s</INSTANCENAME>",
	    cls, tgtfirst ? sy : se, tgtfirst ? se : sy);

	free(src);
	free(tgt);
	free(se);
	free(sy);
	return wrap(s, fm);
}

static inline char *
pair_of(const struct fx *x, uint32_t src, uint32_t tgt)
{
	return pair_path("TPD_StorageSynchronized",
	    vol_path(x, src, F_NAME, false), vol_path(x, tgt, F_NAME, false),
	    F_NAME, false);
}

static inline char *
pool_path(const char *iid)
{
	char *k = kb("InstanceID", iid);
	char *s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StoragePool\">%s"
	    "</INSTANCENAME>", k);

	free(k);
	return s;
}

/* The path of configured pool `name` of this system. */
static inline char *
pool_of(const struct fx *x, const char *name)
{
	char iid[128];

	snprintf(iid, sizeof(iid), "TPD:%s:%s", x->sys, name);
	return pool_path(iid);
}

/* <PARAMVALUE> with a reference (untyped when type is NULL); frees path. */
static inline char *
pref(const char *name, char *path, const char *type)
{
	char *s = fmt("<PARAMVALUE NAME=\"%s\"%s%s%s><VALUE.REFERENCE>%s"
	    "</VALUE.REFERENCE></PARAMVALUE>", name,
	    type ? " PARAMTYPE=\"" : "", type ? type : "", type ? "\"" : "",
	    path);

	free(path);
	return s;
}

/* <PARAMVALUE> with a scalar (untyped when type is NULL). */
static inline char *
pval(const char *name, const char *v, const char *type)
{
	return fmt("<PARAMVALUE NAME=\"%s\"%s%s%s><VALUE>%s</VALUE>"
	    "</PARAMVALUE>", name, type ? " PARAMTYPE=\"" : "",
	    type ? type : "", type ? "\"" : "", v);
}

/*
 * Concatenate parameters, freeing them.  A macro over an array rather
 * than varargs, so the NULL that ends the list is a real char *.
 */
#define params(...)	params_of((char *[]){ __VA_ARGS__ })

static inline char *
params_of(char *const *v)
{
	char *acc = strdup(""), *n;

	assert_non_null(acc);
	for (; *v != NULL; v++) {
		n = fmt("%s%s", acc, *v);
		free(acc);
		free(*v);
		acc = n;
	}
	return acc;
}

static inline char *
svc_target(const struct fx *x, const char *sys, const char *name)
{
	char *k[4], *s;

	k[0] = kb("CreationClassName", "TPD_StorageConfigurationService");
	k[1] = kb("SystemCreationClassName", "TPD_StorageSystem");
	k[2] = kb("SystemName", sys != NULL ? sys : x->sys);
	k[3] = kb("Name", name != NULL ? name : "StorageConfigurationService");
	s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageConfigurationService\">"
	    "%s%s%s%s</INSTANCENAME>", k[2], k[0], k[3], k[1]);
	for (int i = 0; i < 4; i++)
		free(k[i]);
	return s;
}

static inline char *
job_target(const struct fx *x, uint64_t job)
{
	char iid[128];
	char *k, *s;

	snprintf(iid, sizeof(iid), "TPD:%s:%llu", x->sys,
	    (unsigned long long)job);
	k = kb("InstanceID", iid);
	s = fmt("<INSTANCENAME CLASSNAME=\"TPD_ConcreteJob\">%s</INSTANCENAME>",
	    k);
	free(k);
	return s;
}

/* ---------------------------------------------------- response checks */

/* Is the response content well-formed XML (inside a wrapper)? */
static inline bool
well_formed(const char *s)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	bool ok;

	assert_non_null(p);
	ok = XML_Parse(p, "<R>", 3, 0) == XML_STATUS_OK &&
	    XML_Parse(p, s, (int)strlen(s), 0) == XML_STATUS_OK &&
	    XML_Parse(p, "</R>", 4, 1) == XML_STATUS_OK;
	if (!ok)
		fprintf(stderr, "not well-formed: %s\n%s\n",
		    XML_ErrorString(XML_GetErrorCode(p)), s);
	XML_ParserFree(p);
	return ok;
}

static inline unsigned
count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/*
 * Wire rules every response obeys: one ERROR xor one RETURNVALUE with
 * PARAMTYPE="uint32"; output PARAMVALUEs carry only NAME and PARAMTYPE
 * (GetError's Error also EmbeddedObject="instance").
 */
static inline void
check_wire(const char *r)
{
	const char *p = r;

	assert_true(well_formed(r));
	if (count(r, "<ERROR") != 0) {
		assert_int_equal(count(r, "<ERROR"), 1);
		assert_int_equal(count(r, "<RETURNVALUE"), 0);
		assert_int_equal(count(r, "<PARAMVALUE"), 0);
		return;
	}
	assert_int_equal(count(r, "<RETURNVALUE"), 1);
	assert_int_equal(count(r, "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>"),
	    1);
	assert_int_equal(strncmp(r, "<RETURNVALUE", 12), 0);
	while ((p = strstr(p, "<PARAMVALUE ")) != NULL) {
		const char *end = strchr(p, '>');
		char tag[256];

		assert_non_null(end);
		assert_true((size_t)(end - p) < sizeof(tag));
		memcpy(tag, p, (size_t)(end - p));
		tag[end - p] = '\0';
		if (strcmp(tag, "<PARAMVALUE NAME=\"Error\" "
		    "PARAMTYPE=\"string\" EmbeddedObject=\"instance\"") != 0) {
			assert_int_equal(count(tag, "="), 2);
			assert_non_null(strstr(tag, "<PARAMVALUE NAME=\""));
			assert_non_null(strstr(tag, "\" PARAMTYPE=\""));
		}
		p = end;
	}
}

/*
 * Parse one METHODCALL of `method` on `target` with PARAMVALUEs `prm`
 * into *req, built in arena a; frees target and prm.  Returns the body,
 * to free once req is no longer used.
 */
static inline char *
parse_call(struct cim_arena *a, const char *method, char *target, char *prm,
    struct cim_request *req)
{
	struct cimxml_err err;
	const char *tag = strncmp(target, "<CLASSNAME", 10) == 0 ?
	    "LOCALCLASSPATH" : "LOCALINSTANCEPATH";
	char *body;

	body = fmt("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1001\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><METHODCALL NAME=\"%s\">"
	    "<%s>%s%s</%s>%s</METHODCALL></SIMPLEREQ></MESSAGE></CIM>",
	    method, tag, g_target_ns != NULL ? g_target_ns : ns_xml(), target,
	    tag,
	    prm != NULL ? prm : "");
	free(target);
	free(prm);
	memset(req, 0, sizeof(*req));
	if (cimxml_parse_request(body, strlen(body), NULL, a, req,
	    &err) != 0)
		fail_msg("parse: %s (%s)\n%s", err.msg, err.token, body);
	return body;
}

/* Run one METHODCALL as `role`; the response content is in x->resp. */
static inline const char *
call_as(struct fx *x, enum op_role role, const char *method, char *target,
    char *prm)
{
	struct cim_arena *a = cim_arena_new(4u << 20);
	struct cim_request req;
	struct cim_buf out;
	struct op_ctx c;
	char *body;

	assert_non_null(a);
	body = parse_call(a, method, target, prm, &req);
	memset(&c, 0, sizeof(c));
	c.conf = &x->conf;
	c.rs = x->rs;
	c.host = "testhost";
	c.user = "alice";
	c.role = role;
	c.arena = a;
	c.req = &req;
	c.ns = model_ns_canon(req.ns);
	assert_non_null(c.ns);	/* cimop.c answers unknown ones itself */
	if (g_target_ns == NULL)
		assert_string_equal(c.ns, MODEL_NS_TPD);
	cim_buf_init(&out);
	c.out = &out;
	c.can_defer = g_can_defer;
	op_extrinsic(&c);
	assert_false(out.oom);
	g_defer_src = c.defer_pair_src;
	g_defer_tgt = c.defer_pair_tgt;
	free(x->resp);
	x->resp = strndup(out.data != NULL ? out.data : "", out.len);
	assert_non_null(x->resp);
	cim_buf_release(&out);
	cim_arena_free(a);
	free(body);
	if (getenv("EXTRINSIC_TRACE") != NULL)
		fprintf(stderr, "%s -> %s\n", method, x->resp);
	if (g_defer_tgt != 0)
		assert_string_equal(x->resp, "");	/* nothing yet */
	else
		check_wire(x->resp);
	return x->resp;
}

static inline const char *
call(struct fx *x, const char *method, char *prm)
{
	return call_as(x, OP_ROLE_EDIT, method, svc_target(x, NULL, NULL), prm);
}

static inline const char *
call_job(struct fx *x, const char *method, uint64_t job, char *prm)
{
	return call_as(x, OP_ROLE_EDIT, method, job_target(x, job), prm);
}

/* ERROR CODE of the response, -1 when it has none. */
static inline long
err_code(const char *r)
{
	const char *p = strstr(r, "<ERROR CODE=\"");

	return p != NULL ? strtol(p + 13, NULL, 10) : -1;
}

/* RETURNVALUE of the response, -1 when it has none. */
static inline long
ret_val(const char *r)
{
	static const char tag[] = "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>";
	const char *p = strstr(r, tag);

	return p != NULL ? strtol(p + sizeof(tag) - 1, NULL, 10) : -1;
}

static inline bool
has_out(const char *r, const char *name)
{
	char tag[96];

	snprintf(tag, sizeof(tag), "<PARAMVALUE NAME=\"%s\"", name);
	return strstr(r, tag) != NULL;
}

#define assert_error(r, code) do { \
	const char *r_ = (r); \
	if (err_code(r_) != (code)) \
		fail_msg("expected ERROR %d, got: %s", (int)(code), r_); \
} while (0)

#define assert_rc(r, v) do { \
	const char *r_ = (r); \
	if (ret_val(r_) != (long)(v)) \
		fail_msg("expected return value %ld, got: %s", (long)(v), r_); \
} while (0)

/*
 * The id in an output reference NAME (Job: InstanceID "TPD:<sys>:<n>",
 * TargetElement: DeviceID), after checking it is an INSTANCEPATH with the
 * context's HOST in root/tpd.
 */
static inline uint64_t
out_id(const char *r, const char *name)
{
	char tag[256];
	const char *p, *e, *k;

	snprintf(tag, sizeof(tag), "<PARAMVALUE NAME=\"%s\" "
	    "PARAMTYPE=\"reference\"><VALUE.REFERENCE><INSTANCEPATH>"
	    "<NAMESPACEPATH><HOST>testhost</HOST><LOCALNAMESPACEPATH>"
	    "<NAMESPACE NAME=\"root\"", name);
	p = strstr(r, tag);
	if (p == NULL)
		fail_msg("no %s INSTANCEPATH with HOST in %s", name, r);
	e = strstr(p, "</PARAMVALUE>");
	assert_non_null(e);
	if (strcmp(name, "Job") == 0) {
		const char *ke;

		assert_non_null(strstr(p, "CLASSNAME=\"TPD_ConcreteJob\""));
		k = strstr(p, "<KEYVALUE");
		assert_true(k != NULL && k < e);
		ke = strstr(k, "</KEYVALUE>");
		assert_true(ke != NULL && ke < e);
		while (ke > k && ke[-1] != ':')
			ke--;
		return strtoull(ke, NULL, 10);
	}
	k = strstr(p, "NAME=\"DeviceID\"");
	assert_true(k != NULL && k < e);
	k = strstr(k, "<KEYVALUE");
	k = strchr(k, '>') + 1;
	return strtoull(k, NULL, 10);
}

/* ----------------------------------------------------- state helpers */

/* AttachOrModifyReplica src -> tgt with CopyType ct; the job id. */
static inline uint64_t
attach(struct fx *x, uint32_t src, uint32_t tgt, const char *ct)
{
	const char *r = call(x, "AttachOrModifyReplica", params(
	    pval("CopyType", ct, NULL),
	    pref("SourceElement", vol_path(x, src, F_FULL, false), NULL),
	    pref("TargetElement", vol_path(x, tgt, F_FULL, false), NULL),
	    NULL));

	assert_rc(r, 4096);
	return out_id(r, "Job");
}

/* A physical copy a -> b (CopyType 4) whose copy finished: Frozen. */
static inline uint64_t
frozen_pc(struct fx *x)
{
	uint64_t job = attach(x, VA, VB, "4");

	assert_true(fake_rep_finish(&x->f, x->rs, job, 0, NULL));
	assert_int_equal(replica_pair_find(x->rs, VA, VB)->sync_state,
	    SYNC_FROZEN);
	return job;
}

/* A virtual copy of a, named "snap", in Idle; its volume id. */
static inline uint32_t
idle_vc(struct fx *x)
{
	const char *r = call(x, "CreateReplica", params(
	    pval("ElementName", "snap", NULL), pval("CopyType", "4", NULL),
	    pref("SourceElement", vol_path(x, VA, F_LOCAL, false), NULL),
	    NULL));
	uint32_t snap;

	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	snap = (uint32_t)out_id(r, "TargetElement");
	/* The snapshot's internal (hidden) copy finishes. */
	if (replica_pair_find(x->rs, VA, snap)->sync_state != SYNC_IDLE) {
		assert_true(x->f.ncopies > 0);
		assert_true(fake_rep_finish(&x->f, x->rs,
		    x->f.copies[x->f.ncopies - 1].job, 0, NULL));
	}
	assert_int_equal(replica_pair_find(x->rs, VA, snap)->sync_state,
	    SYNC_IDLE);
	return snap;
}

static inline const char *
modify(struct fx *x, const char *op, char *sync)
{
	return call(x, "ModifySynchronization", params(
	    pval("Operation", op, NULL), pref("Synchronization", sync, NULL),
	    NULL));
}

/*
 * What cimop.c writes for a deferred snapshot answer of `method`
 * (CreateReplica, CreateElementReplica), into x->resp (NULL: nothing, the
 * pair is still being filled and `give_up` is false).
 */
static inline const char *
fx_deferred(struct fx *x, const char *method, uint32_t src, uint32_t tgt,
    bool give_up)
{
	struct cim_arena *a = cim_arena_new(1u << 20);
	struct cim_request req;
	struct cim_buf out;
	struct op_ctx c;

	assert_non_null(a);
	memset(&req, 0, sizeof(req));
	req.method = method;
	memset(&c, 0, sizeof(c));
	c.conf = &x->conf;
	c.rs = x->rs;
	c.host = "testhost";
	c.user = "alice";
	c.role = OP_ROLE_EDIT;
	c.arena = a;
	c.req = &req;
	c.ns = MODEL_NS_TPD;
	c.defer_pair_src = src;
	c.defer_pair_tgt = tgt;
	cim_buf_init(&out);
	c.out = &out;
	if (!op_extrinsic_deferred(&c, give_up)) {
		assert_int_equal(out.len, 0);
		cim_buf_release(&out);
		cim_arena_free(a);
		return NULL;
	}
	assert_false(out.oom);
	free(x->resp);
	x->resp = strndup(out.data != NULL ? out.data : "", out.len);
	assert_non_null(x->resp);
	cim_buf_release(&out);
	cim_arena_free(a);
	check_wire(x->resp);
	return x->resp;
}

#endif /* ARRAYD_FIXTURE_CIM_H */
