/* SPDX-License-Identifier: ISC */
/*
 * test_cim_cimop.c - the CIM-XML endpoint through cimop_process(), with no
 * transport (it links cim/ and the layers below only): protocol header
 * rules (405, CIMOperation, CIMBatch, Content-Type, CIMProtocolVersion,
 * CIMMethod, CIMObject with %-decoding, M-POST), body errors with their
 * CIMError tokens, 503 while shutting down, namespace errors inside a 200,
 * MESSAGE ID echo and the method's spelling, and each answer observed once.
 * CreateReplica CopyType 4 on a private loop, the replica set's announce
 * hook wired to cimop_changed(): the answer is held until the fake
 * snapshot copy ends and is written on the loop turn after the change is
 * announced, not inside the hook and with no timer (0 + TargetElement, or
 * 4 when it failed or stalls), 503 at shutdown and close, cancel by the
 * transport, and the loop closes cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_replica.h"

#include "conf/conf.h"
#include "cim/model.h"
#include "cim/cimop.h"

#define SYS	"2FF70002AC01A2B3"

struct env {
	struct fake_rep f;		/* first: the announce hook's ctx */
	struct replica_set *rs;
	struct conf *conf;
	struct cimop_server s;
	struct cimop_answer resp;
	/* What the observe callback saw last, and how often. */
	unsigned nobserved;
	char obs_op[64];
	unsigned obs_http, obs_cim;
	const char *hdrs[16][2];
	size_t nhdrs;
	/* Deferred answers: what complete() got. */
	uv_loop_t loop;
	bool loop_init;
	int token;			/* its address is the token */
	unsigned ndefer, ncomplete;
	struct cimop_answer done;
	uint64_t done_us;		/* when complete() last ran */
	/* test_defer_progress: when the copy moved, answers by then. */
	uint64_t moved_us;
	unsigned ncomplete_at_move;
	bool closed;
};

static void *
fake_defer(const void *arg, struct cimop_server *s)
{
	struct env *e = (struct env *)(uintptr_t)arg;

	assert_ptr_equal(s, &e->s);
	e->ndefer++;
	return &e->token;
}

/* The env is found from the token: it is a field of it. */
static void
fake_complete(void *token, struct cimop_answer *resp)
{
	struct env *e = (struct env *)(void *)((char *)token -
	    offsetof(struct env, token));

	e->ncomplete++;
	e->done_us = uv_hrtime() / 1000;
	free(e->done.body);
	e->done = *resp;
	resp->body = NULL;
}

static void
fake_observe(void *arg, const char *op, unsigned http_status,
    unsigned cim_status, int64_t dur_us)
{
	struct env *e = arg;

	assert_true(dur_us >= 0);
	e->nobserved++;
	snprintf(e->obs_op, sizeof(e->obs_op), "%s", op);
	e->obs_http = http_status;
	e->obs_cim = cim_status;
}

/* The replica set's announce hook: the fake's record, then cimop. */
static void
env_changed(void *ctx, const struct replica_event *ev)
{
	struct env *e = ctx;

	fake_rep_changed(&e->f, ev);
	cimop_changed(&e->s, ev);
}

/* An answer's header by name, NULL if absent. */
static const char *
answer_header(const struct cimop_answer *a, const char *name)
{
	for (size_t i = 0; i < a->nheaders; i++)
		if (strcmp(a->headers[i].name, name) == 0)
			return a->headers[i].value;
	return NULL;
}

static bool
is_method_response(const struct cimop_answer *a)
{
	const char *v = answer_header(a, "CIMOperation");

	return v != NULL && strcmp(v, "MethodResponse") == 0;
}

static const char *
get_header(const void *arg, const char *name)
{
	const struct env *e = arg;

	for (size_t i = 0; i < e->nhdrs; i++)
		if (strcasecmp(e->hdrs[i][0], name) == 0)
			return e->hdrs[i][1];
	return NULL;
}

static void
set_header(struct env *e, const char *name, const char *value)
{
	for (size_t i = 0; i < e->nhdrs; i++)
		if (strcasecmp(e->hdrs[i][0], name) == 0) {
			if (value == NULL) {
				e->hdrs[i][0] = e->hdrs[--e->nhdrs][0];
				e->hdrs[i][1] = e->hdrs[e->nhdrs][1];
			} else {
				e->hdrs[i][1] = value;
			}
			return;
		}
	if (value != NULL) {
		e->hdrs[e->nhdrs][0] = name;
		e->hdrs[e->nhdrs++][1] = value;
	}
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct replica_config cfg = { 0 };
	struct replica_ops ops;
	char err[256], path[400];
	uint32_t id;

	fake_rep_init(&e->f);
	ops = fake_rep_ops(&e->f);
	ops.changed = env_changed;
	cfg.db_path = e->f.db;
	cfg.system_name = SYS;
	if (replica_set_open(&cfg, &ops, &e->rs, err, sizeof(err)) != 0 ||
	    replica_pool_add(e->rs, "p0", e->f.dir) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/a.img", e->f.dir);
	if (replica_volume_configure(e->rs, "a", "p0", path, 1 << 20, 101,
	    &id) != 0 || replica_set_start(e->rs) != 0)
		return -1;
	e->conf = conf_defaults();
	e->s.conf = e->conf;
	e->s.rs = e->rs;
	e->s.observe = fake_observe;
	e->s.observe_arg = e;
	set_header(e, "Content-Type", "application/xml; charset=\"utf-8\"");
	set_header(e, "CIMOperation", "MethodCall");
	set_header(e, "CIMMethod", "EnumerateInstanceNames");
	set_header(e, "CIMObject", "root/tpd");
	set_header(e, "Host", "array1.example:5989");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	free(e->resp.body);
	free(e->done.body);
	cimop_close(&e->s, NULL, NULL);		/* frees the spare arena */
	if (e->loop_init) {
		uv_run(&e->loop, UV_RUN_DEFAULT);
		assert_int_equal(uv_loop_close(&e->loop), 0);
	}
	replica_set_free(e->rs);
	conf_free(e->conf);
	fake_rep_cleanup(&e->f);
	free(e);
	return 0;
}

#define ENUM_BODY(id, name, ns) "<?xml version=\"1.0\" encoding=\"utf-8\" ?>" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"" id "\" " \
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"" name "\">" \
	"<LOCALNAMESPACEPATH>" ns "</LOCALNAMESPACEPATH><IPARAMVALUE " \
	"NAME=\"ClassName\"><CLASSNAME NAME=\"CIM_StorageVolume\"/>" \
	"</IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>"
#define NS_TPD "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"tpd\"/>"

#define SVC_PATH "<LOCALINSTANCEPATH><LOCALNAMESPACEPATH>" NS_TPD \
	"</LOCALNAMESPACEPATH><INSTANCENAME CLASSNAME=\"" \
	"TPD_StorageConfigurationService\"><KEYBINDING NAME=\"CreationClassName\">" \
	"<KEYVALUE>TPD_StorageConfigurationService</KEYVALUE></KEYBINDING>" \
	"<KEYBINDING NAME=\"Name\"><KEYVALUE>StorageConfigurationService" \
	"</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"SystemCreationClassName\">" \
	"<KEYVALUE>TPD_StorageSystem</KEYVALUE></KEYBINDING><KEYBINDING " \
	"NAME=\"SystemName\"><KEYVALUE>" SYS "</KEYVALUE></KEYBINDING>" \
	"</INSTANCENAME></LOCALINSTANCEPATH>"
#define METHOD_BODY "<?xml version=\"1.0\" encoding=\"utf-8\" ?>" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"7\" " \
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><METHODCALL NAME=\"KillJob\">" \
	SVC_PATH "</METHODCALL></SIMPLEREQ></MESSAGE></CIM>"
#define SVC_OBJ(ns) ns ":TPD_StorageConfigurationService.CreationClassName=" \
	"\"TPD_StorageConfigurationService\",Name=\"StorageConfigurationService\"," \
	"SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"" SYS "\""

static void
run(struct env *e, const char *method, const char *body)
{
	struct cimop_in in;

	free(e->resp.body);
	memset(&e->resp, 0, sizeof(e->resp));
	memset(&in, 0, sizeof(in));
	in.method = method;
	in.header = get_header;
	in.header_arg = e;
	in.body = body;
	in.body_len = body ? strlen(body) : 0;
	in.user = "tester";
	in.role = OP_ROLE_EDIT;
	in.defer = fake_defer;
	in.complete = fake_complete;
	in.defer_arg = e;
	cimop_process(&e->s, &in, &e->resp);
	if (getenv("SHOW_XML") && e->resp.body)
		fprintf(stderr, "%u %.*s\n", e->resp.status,
		    (int)e->resp.body_len, e->resp.body);
}

static void
expect(struct env *e, unsigned status, const char *token)
{
	assert_int_equal(e->resp.status, status);
	if (token == NULL)
		assert_null(answer_header(&e->resp, "CIMError"));
	else
		assert_string_equal(answer_header(&e->resp, "CIMError"), token);
	if (status != 200)
		assert_false(is_method_response(&e->resp));
}

static void
body_has(struct env *e, const char *s)
{
	assert_non_null(e->resp.body);
	if (memmem(e->resp.body, e->resp.body_len, s, strlen(s)) == NULL) {
		fprintf(stderr, "missing %s in %.*s\n", s,
		    (int)e->resp.body_len, e->resp.body);
		fail();
	}
}

static void
test_ok(void **state)
{
	struct env *e = *state;

	run(e, "POST", ENUM_BODY("4711", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	assert_true(is_method_response(&e->resp));
	assert_int_equal(e->resp.nheaders, 1);
	assert_string_equal(e->resp.content_type,
	    "application/xml; charset=\"utf-8\"");
	body_has(e, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>");
	body_has(e, "<MESSAGE ID=\"4711\" PROTOCOLVERSION=\"1.0\">");
	body_has(e, "<IMETHODRESPONSE NAME=\"EnumerateInstanceNames\">"
	    "<IRETURNVALUE><INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">");
	body_has(e, "</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>");
	/* Method spelled as sent; CIMMethod compared case-insensitively. */
	set_header(e, "CIMMethod", "ENUMERATEINSTANCENAMES");
	run(e, "POST", ENUM_BODY("1", "enumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	body_has(e, "<IMETHODRESPONSE NAME=\"enumerateInstanceNames\">");
	/* text/xml, unquoted charset, a matching CIMProtocolVersion. */
	set_header(e, "Content-Type", "text/xml; charset=UTF-8");
	set_header(e, "CIMProtocolVersion", "1.0");
	run(e, "POST", ENUM_BODY("2", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	set_header(e, "Content-Type", "application/xml");
	run(e, "POST", ENUM_BODY("3", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
}

static void
test_method_and_shutdown(void **state)
{
	struct env *e = *state;

	run(e, "GET", NULL);
	expect(e, 405, NULL);
	assert_string_equal(answer_header(&e->resp, "Allow"), "POST");
	assert_int_equal(e->resp.nheaders, 1);
	run(e, "PUT", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 405, NULL);
	e->s.shutting_down = true;
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 503, NULL);
	e->s.shutting_down = false;
}

/* Each answer is observed once: operation, HTTP and CIM status. */
static void
test_observe(void **state)
{
	struct env *e = *state;

	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	assert_int_equal(e->nobserved, 1);
	assert_string_equal(e->obs_op, "EnumerateInstanceNames");
	assert_int_equal(e->obs_http, 200);
	assert_int_equal(e->obs_cim, 0);
	/* A CIM error inside a 200 carries its CIM status. */
	set_header(e, "CIMObject", "root/nope");
	run(e, "POST", ENUM_BODY("2", "EnumerateInstanceNames",
	    "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"nope\"/>"));
	assert_int_equal(e->nobserved, 2);
	assert_int_equal(e->obs_http, 200);
	assert_int_equal(e->obs_cim, CIM_ERR_INVALID_NAMESPACE);
	/* Refused before the body names an operation: "-". */
	run(e, "GET", NULL);
	assert_int_equal(e->nobserved, 3);
	assert_string_equal(e->obs_op, "-");
	assert_int_equal(e->obs_http, 405);
}

static void
test_cimoperation(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMOperation", "MethodResponse");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "unsupported-operation");
	set_header(e, "CIMOperation", NULL);
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "unsupported-operation");
	set_header(e, "CIMOperation", "methodcall");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	set_header(e, "CIMBatch", "");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 501, "multiple-requests-unsupported");
}

static void
test_content_type(void **state)
{
	struct env *e = *state;
	static const char *const bad[] = { "text/plain",
	    "application/xml; charset=\"iso-8859-1\"", "application/xmlx",
	    "application/json; charset=utf-8" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_header(e, "Content-Type", bad[i]);
		run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames",
		    NS_TPD));
		expect(e, 400, NULL);
	}
	set_header(e, "Content-Type", NULL);
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, NULL);
}

static void
test_protocol_version(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMProtocolVersion", "2.0");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 501, "unsupported-protocol-version");
	set_header(e, "CIMProtocolVersion", "1.1");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
}

static void
test_header_mismatch(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMMethod", "GetInstance");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
	set_header(e, "CIMMethod", NULL);
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
	set_header(e, "CIMMethod", "EnumerateInstanceNames");
	set_header(e, "CIMObject", "root/other");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
	set_header(e, "CIMObject", NULL);
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
	/* %-encoded namespace is decoded first. */
	set_header(e, "CIMObject", "root%2Ftpd");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	set_header(e, "CIMObject", "root%2");
	run(e, "POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "header-mismatch");
}

static void
test_extrinsic_object(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMMethod", "KillJob");
	set_header(e, "CIMObject", SVC_OBJ("root/tpd"));
	run(e, "POST", METHOD_BODY);
	expect(e, 200, NULL);
	body_has(e, "<METHODRESPONSE NAME=\"KillJob\">");
	body_has(e, "<MESSAGE ID=\"7\"");
	/* wbemcli style: percent-encoded. */
	set_header(e, "CIMObject", "root%2Ftpd%3ATPD_StorageConfigurationService"
	    ".CreationClassName=%22TPD_StorageConfigurationService%22,"
	    "Name=%22StorageConfigurationService%22,SystemCreationClassName="
	    "%22TPD_StorageSystem%22,SystemName=%22" SYS "%22");
	run(e, "POST", METHOD_BODY);
	expect(e, 200, NULL);
	/* Another object. */
	set_header(e, "CIMObject", "root/tpd:TPD_StorageConfigurationService."
	    "CreationClassName=\"TPD_StorageConfigurationService\",Name=\"X\","
	    "SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\""
	    SYS "\"");
	run(e, "POST", METHOD_BODY);
	expect(e, 400, "header-mismatch");
	set_header(e, "CIMObject", "root/tpd");
	run(e, "POST", METHOD_BODY);
	expect(e, 400, "header-mismatch");
}

static void
test_body_errors(void **state)
{
	struct env *e = *state;

	run(e, "POST", "this is not xml");
	expect(e, 400, "request-not-well-formed");
	assert_true(e->resp.close);
	run(e, "POST", "<?xml version=\"1.0\"?><!DOCTYPE CIM [<!ENTITY x "
	    "\"y\">]><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"/>");
	expect(e, 400, "request-not-valid");
	run(e, "POST", "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" "
	    "DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
	    "<SIMPLEREQ></SIMPLEREQ></MESSAGE></CIM>");
	expect(e, 400, "request-not-valid");
	run(e, "POST", "<?xml version=\"1.0\"?><CIM CIMVERSION=\"3.0\" "
	    "DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
	    "<SIMPLEREQ><IMETHODCALL NAME=\"EnumerateInstanceNames\">"
	    "<LOCALNAMESPACEPATH>" NS_TPD "</LOCALNAMESPACEPATH>"
	    "</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>");
	expect(e, 501, "unsupported-cim-version");
	run(e, "POST", "");
	assert_int_equal(e->resp.status, 400);
}

static void
test_namespace(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMObject", "root/nothere");
	run(e, "POST", ENUM_BODY("9", "EnumerateInstanceNames",
	    "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"nothere\"/>"));
	expect(e, 200, NULL);
	body_has(e, "<ERROR CODE=\"3\"");
	body_has(e, "<MESSAGE ID=\"9\"");
	set_header(e, "CIMObject", "root/interop");
	run(e, "POST", ENUM_BODY("9", "EnumerateInstanceNames",
	    "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"interop\"/>"));
	expect(e, 200, NULL);
	body_has(e, "<IRETURNVALUE></IRETURNVALUE>");
	/* HOST from the Host header without its port. */
	set_header(e, "CIMMethod", "AssociatorNames");
	set_header(e, "CIMObject", "interop");
	run(e, "POST", "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" "
	    "DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
	    "<SIMPLEREQ><IMETHODCALL NAME=\"AssociatorNames\">"
	    "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/>"
	    "</LOCALNAMESPACEPATH><IPARAMVALUE NAME=\"ObjectName\">"
	    "<INSTANCENAME CLASSNAME=\"CIM_RegisteredProfile\"><KEYBINDING "
	    "NAME=\"InstanceID\"><KEYVALUE>SNIA:Array</KEYVALUE></KEYBINDING>"
	    "</INSTANCENAME></IPARAMVALUE></IMETHODCALL></SIMPLEREQ>"
	    "</MESSAGE></CIM>");
	expect(e, 200, NULL);
	body_has(e, "<HOST>array1.example</HOST>");
}

static void
test_mpost(void **state)
{
	struct env *e = *state;

	run(e, "M-POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 501, NULL);
	set_header(e, "Man", "http://www.dmtf.org/cim/mapping/http/v1.0 ; ns=73");
	set_header(e, "CIMOperation", NULL);
	set_header(e, "CIMMethod", NULL);
	set_header(e, "CIMObject", NULL);
	set_header(e, "73-CIMOperation", "MethodCall");
	set_header(e, "73-CIMMethod", "EnumerateInstanceNames");
	set_header(e, "73-CIMObject", "root%2Ftpd");
	run(e, "M-POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	set_header(e, "73-CIMOperation", NULL);
	run(e, "M-POST", ENUM_BODY("1", "EnumerateInstanceNames", NS_TPD));
	expect(e, 400, "unsupported-operation");
}

/* ------------------------------------------- deferred CreateReplica */

#define VOL_REF(id) "<VALUE.REFERENCE><LOCALINSTANCEPATH><LOCALNAMESPACEPATH>" \
	NS_TPD "</LOCALNAMESPACEPATH><INSTANCENAME CLASSNAME=\"" \
	"TPD_StorageVolume\"><KEYBINDING NAME=\"DeviceID\"><KEYVALUE>" id \
	"</KEYVALUE></KEYBINDING></INSTANCENAME></LOCALINSTANCEPATH>" \
	"</VALUE.REFERENCE>"
#define CREATE_BODY(id, name, ct) "<?xml version=\"1.0\" encoding=\"utf-8\" ?>" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"" id "\" " \
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><METHODCALL NAME=\"createReplica\">" \
	SVC_PATH "<PARAMVALUE NAME=\"ElementName\"><VALUE>" name "</VALUE>" \
	"</PARAMVALUE><PARAMVALUE NAME=\"CopyType\"><VALUE>" ct "</VALUE>" \
	"</PARAMVALUE><PARAMVALUE NAME=\"SourceElement\" PARAMTYPE=\"reference\">" \
	VOL_REF("101") "</PARAMVALUE></METHODCALL></SIMPLEREQ></MESSAGE></CIM>"

/* A private loop for the deferral timer; CreateReplica headers. */
static void
defer_env(struct env *e)
{
	assert_int_equal(uv_loop_init(&e->loop), 0);
	e->loop_init = true;
	e->s.loop = &e->loop;
	set_header(e, "CIMMethod", "CreateReplica");
	set_header(e, "CIMObject", SVC_OBJ("root/tpd"));
}

/* Run the loop until complete() was called n times (bounded: 3 s). */
static void
defer_wait(struct env *e, unsigned n)
{
	for (int i = 0; i < 600 && e->ncomplete < n; i++)
		uv_run(&e->loop, UV_RUN_ONCE);
	assert_int_equal(e->ncomplete, n);
}

/* The last snapshot copy the fake engine was asked for. */
static uint64_t
last_copy(struct env *e)
{
	assert_true(e->f.ncopies > 0);
	return e->f.copies[e->f.ncopies - 1].job;
}

static bool
done_has(struct env *e, const char *s)
{
	return e->done.body != NULL && memmem(e->done.body, e->done.body_len,
	    s, strlen(s)) != NULL;
}

static void
test_defer_create(void **state)
{
	struct env *e = *state;

	defer_env(e);
	run(e, "POST", CREATE_BODY("55", "sv1", "4"));
	assert_true(e->resp.deferred);
	assert_null(e->resp.body);
	assert_int_equal(e->ndefer, 1);
	assert_int_equal(e->s.nwaiters, 1);
	assert_int_equal(e->nobserved, 0);	/* not answered yet */
	/* Loop turns pass; the copy runs: no answer, nothing polls. */
	for (int i = 0; i < 5; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 0);
	/* The only timer is the stall limit (conf timeout, not 5 ms). */
	assert_true(uv_timer_get_due_in(&e->s.stall) > 1000);
	/* The copy ends: announced, answered on the next turn, not in the
	 * hook. */
	assert_true(fake_rep_finish(&e->f, e->rs, last_copy(e), 0, NULL));
	assert_int_equal(e->ncomplete, 0);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 1);
	assert_int_equal(e->done.status, 200);
	assert_true(is_method_response(&e->done));
	assert_string_equal(e->done.content_type,
	    "application/xml; charset=\"utf-8\"");
	assert_true(done_has(e, "<MESSAGE ID=\"55\" PROTOCOLVERSION=\"1.0\">"));
	assert_true(done_has(e, "<METHODRESPONSE NAME=\"createReplica\">"
	    "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>0</VALUE></RETURNVALUE>"
	    "<PARAMVALUE NAME=\"TargetElement\" PARAMTYPE=\"reference\">"
	    "<VALUE.REFERENCE><INSTANCEPATH><NAMESPACEPATH><HOST>array1.example"
	    "</HOST>"));
	assert_true(done_has(e, "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE "
	    "VALUETYPE=\"string\" TYPE=\"string\">102</KEYVALUE>"));
	assert_false(done_has(e, "\"Job\""));
	assert_true(done_has(e, "</METHODRESPONSE></SIMPLERSP></MESSAGE></CIM>"));
	assert_int_equal(replica_pair_find(e->rs, 101, 102)->sync_state,
	    SYNC_IDLE);
	assert_int_equal(e->s.nwaiters, 0);
	/* Counted once the answer went out. */
	assert_int_equal(e->nobserved, 1);
	assert_string_equal(e->obs_op, "createReplica");	/* as sent */
	assert_int_equal(e->obs_http, 200);
	/* CopyType 5 is not held: 4096 + Job at once. */
	run(e, "POST", CREATE_BODY("56", "cl1", "5"));
	assert_false(e->resp.deferred);
	body_has(e, "<VALUE>4096</VALUE>");
	/* A refused CopyType 4 is answered at once too. */
	run(e, "POST", CREATE_BODY("57", "sv1", "4"));
	assert_false(e->resp.deferred);
	body_has(e, "<VALUE>4</VALUE>");
	assert_int_equal(e->ndefer, 1);
}

static void
test_defer_failed(void **state)
{
	struct env *e = *state;

	defer_env(e);
	run(e, "POST", CREATE_BODY("60", "sv1", "4"));
	assert_true(e->resp.deferred);
	assert_true(fake_rep_finish(&e->f, e->rs, last_copy(e), -EIO,
	    "read error"));
	defer_wait(e, 1);
	assert_int_equal(e->done.status, 200);
	assert_true(done_has(e, "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>4"
	    "</VALUE></RETURNVALUE></METHODRESPONSE>"));
	assert_false(done_has(e, "TargetElement"));
	/* No progress for conf->timeout (1 s): 4, the copy left running. */
	e->conf->timeout = 1;
	run(e, "POST", CREATE_BODY("61", "sv2", "4"));
	assert_true(e->resp.deferred);
	defer_wait(e, 2);
	assert_true(done_has(e, "<VALUE>4</VALUE></RETURNVALUE>"
	    "</METHODRESPONSE>"));
	assert_true(fake_rep_finish(&e->f, e->rs, last_copy(e), 0, NULL));
}

static void
on_copy_moves(uv_timer_t *t)
{
	struct env *e = t->data;

	/*
	 * Taken before the announce: cimop stamps the progress after this,
	 * on the same clock (CLOCK_MONOTONIC, microseconds).
	 */
	e->moved_us = uv_hrtime() / 1000;
	e->ncomplete_at_move = e->ncomplete;
	/* A checkpoint is saved (and announced) once a second of the
	 * replica clock: let that second pass on the fake one. */
	e->f.now += 2000000;
	replica_on_copy_progress(e->rs, last_copy(e), 4096, 1 << 20, 4096,
	    4096, false);
}

/*
 * Announced progress restarts the stall limit: a copy that moved at 0.3 s
 * and then not at all is given up one limit (1 s) after that move, not
 * one limit after the call.  Checked as cause and effect, not against a
 * stopwatch started by the test: the move came before the answer, and
 * the answer came no sooner than one limit after the move (its stamp is
 * taken just before the announce, on cimop's clock, so this holds however
 * late the loop runs).  Without the restart the answer would come one
 * limit after the call, 0.7 s after the move.
 */
static void
test_defer_progress(void **state)
{
	struct env *e = *state;
	uv_timer_t moves;

	defer_env(e);
	e->conf->timeout = 1;
	run(e, "POST", CREATE_BODY("62", "sv1", "4"));
	assert_true(e->resp.deferred);
	uv_timer_init(&e->loop, &moves);
	moves.data = e;
	uv_timer_start(&moves, on_copy_moves, 300, 0);
	defer_wait(e, 1);
	assert_true(e->moved_us != 0);
	assert_int_equal(e->ncomplete_at_move, 0);
	assert_true(e->done_us - e->moved_us >= 1000000);
	assert_true(done_has(e, "<VALUE>4</VALUE></RETURNVALUE>"
	    "</METHODRESPONSE>"));
	uv_close((uv_handle_t *)&moves, NULL);
	uv_run(&e->loop, UV_RUN_NOWAIT);	/* before `moves` goes */
	assert_true(fake_rep_finish(&e->f, e->rs, last_copy(e), 0, NULL));
}

static void
on_cimop_closed(void *arg)
{
	((struct env *)arg)->closed = true;
}

/* The job of the last image the fake was asked to take. */
static uint64_t
last_image(struct env *e)
{
	assert_true(e->f.nimages > 0);
	return e->f.images[e->f.nimages - 1].job;
}

/*
 * On a point-in-time pool a method that starts a physical copy (here
 * CreateReplica CopyType 5) is answered only once the copy's image is
 * durable; the answer is the one written at the call (4096 + Job +
 * TargetElement), also when the image failed (the job says why).
 */
static void
test_defer_image(void **state)
{
	struct env *e = *state;
	uint64_t job;

	defer_env(e);
	assert_int_equal(replica_pool_set_point_in_time(e->rs, "p0", true), 0);
	run(e, "POST", CREATE_BODY("80", "cl1", "5"));
	assert_true(e->resp.deferred);
	assert_null(e->resp.body);
	assert_int_equal(e->s.nwaiters, 1);
	assert_int_equal(e->nobserved, 0);
	job = last_image(e);
	for (int i = 0; i < 5; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 0);
	/* Announced in the image's change, answered on the next turn. */
	replica_on_image_done(e->rs, job, 0, 1234, NULL);
	assert_int_equal(e->ncomplete, 0);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 1);
	assert_int_equal(e->done.status, 200);
	assert_true(is_method_response(&e->done));
	assert_true(done_has(e, "<MESSAGE ID=\"80\" PROTOCOLVERSION=\"1.0\">"));
	assert_true(done_has(e, "<VALUE>4096</VALUE>"));
	assert_true(done_has(e, "NAME=\"Job\""));
	assert_true(done_has(e, "NAME=\"TargetElement\""));
	assert_int_equal(e->s.nwaiters, 0);
	assert_int_equal(e->nobserved, 1);
	assert_int_equal(e->obs_http, 200);
	/* The copy reads the image and runs. */
	assert_non_null(fake_rep_copy(&e->f, job));
	/* No space for the image: the same answer, the job in Exception. */
	run(e, "POST", CREATE_BODY("81", "cl2", "5"));
	assert_true(e->resp.deferred);
	job = last_image(e);
	replica_on_image_done(e->rs, job, -ENOSPC, 0, NULL);
	defer_wait(e, 2);
	assert_true(done_has(e, "<VALUE>4096</VALUE>"));
	assert_int_equal(replica_job_by_id(e->rs, job)->state, JOB_EXCEPTION);
	/* Shutting down while an image is taken: 503. */
	run(e, "POST", CREATE_BODY("82", "cl3", "5"));
	assert_true(e->resp.deferred);
	cimop_shutdown(&e->s);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 3);
	assert_int_equal(e->done.status, 503);
	e->s.shutting_down = false;
	/* The transport gives one up: freed with its answer. */
	run(e, "POST", CREATE_BODY("83", "cl4", "5"));
	assert_true(e->resp.deferred);
	cimop_cancel(&e->s, &e->token);
	assert_int_equal(e->s.nwaiters, 0);
}

static void
test_defer_shutdown(void **state)
{
	struct env *e = *state;

	defer_env(e);
	run(e, "POST", CREATE_BODY("70", "sv1", "4"));
	assert_true(e->resp.deferred);
	/* Shutting down: the next turn answers 503. */
	cimop_shutdown(&e->s);
	assert_int_equal(e->ncomplete, 0);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 1);
	assert_int_equal(e->done.status, 503);
	assert_true(e->done.close);
	assert_null(e->done.body);
	/* A new one while shutting down is refused before any work. */
	run(e, "POST", CREATE_BODY("71", "sv2", "4"));
	expect(e, 503, NULL);
	e->s.shutting_down = false;
	/* The transport gives one up: no answer, nothing left. */
	run(e, "POST", CREATE_BODY("72", "sv3", "4"));
	assert_true(e->resp.deferred);
	assert_int_equal(e->s.nwaiters, 1);
	cimop_cancel(&e->s, &e->token);
	assert_int_equal(e->s.nwaiters, 0);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 1);
	/* Close answers the one still waiting and closes the timer. */
	run(e, "POST", CREATE_BODY("73", "sv4", "4"));
	assert_true(e->resp.deferred);
	cimop_close(&e->s, on_cimop_closed, e);
	assert_int_equal(e->ncomplete, 2);
	assert_int_equal(e->done.status, 503);
	assert_int_equal(uv_run(&e->loop, UV_RUN_DEFAULT), 0);
	assert_true(e->closed);
	/* After close: no deferral, answered at once as without a loop. */
	run(e, "POST", CREATE_BODY("74", "sv5", "4"));
	assert_false(e->resp.deferred);
	body_has(e, "<VALUE>0</VALUE>");
	assert_int_equal(e->ndefer, 3);
	assert_int_equal(uv_loop_close(&e->loop), 0);
	e->loop_init = false;
}

/* ------------------------------------------- issue 8: large answers */

#define ME_BODY(id) "<?xml version=\"1.0\" encoding=\"utf-8\" ?>" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"" id "\" " \
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"" \
	"EnumerateInstances\"><LOCALNAMESPACEPATH>" NS_TPD \
	"</LOCALNAMESPACEPATH><IPARAMVALUE NAME=\"ClassName\"><CLASSNAME " \
	"NAME=\"CIM_ManagedElement\"/></IPARAMVALUE></IMETHODCALL>" \
	"</SIMPLEREQ></MESSAGE></CIM>"
#define RESP_END "</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>"

static unsigned
occurrences(const char *p, size_t len, const char *s)
{
	unsigned n = 0;
	const char *q;

	while ((q = memmem(p, len, s, strlen(s))) != NULL) {
		n++;
		len -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return n;
}

/* Over max_response: one ERROR in a whole envelope, nothing else. */
static void
test_max_response(void **state)
{
	struct env *e = *state;

	set_header(e, "CIMMethod", "EnumerateInstances");
	run(e, "POST", ME_BODY("90"));
	expect(e, 200, NULL);
	assert_true(occurrences(e->resp.body, e->resp.body_len,
	    "<VALUE.NAMEDINSTANCE>") > 3);
	assert_true(e->resp.body_len > 2000);
	e->conf->max_response = 2000;
	run(e, "POST", ME_BODY("91"));
	expect(e, 200, NULL);
	assert_true(is_method_response(&e->resp));
	body_has(e, "<MESSAGE ID=\"91\" PROTOCOLVERSION=\"1.0\">"
	    "<SIMPLERSP><IMETHODRESPONSE NAME=\"EnumerateInstances\">"
	    "<ERROR CODE=\"1\" DESCRIPTION=\"CIM_ERR_FAILED: the answer is "
	    "larger than 2000 bytes (max_response)\"/>" RESP_END);
	assert_int_equal(occurrences(e->resp.body, e->resp.body_len,
	    "INSTANCE"), 0);
	assert_true(e->resp.body_len < 2000);
	/* Small answers are not affected. */
	set_header(e, "CIMMethod", "EnumerateInstanceNames");
	run(e, "POST", ENUM_BODY("92", "EnumerateInstanceNames", NS_TPD));
	expect(e, 200, NULL);
	body_has(e, "<IRETURNVALUE><INSTANCENAME CLASSNAME=\"TPD_StorageVolume\"");
}

/* A private loop, enumeration headers, 1 us slices: one object a turn. */
static void
slice_env(struct env *e)
{
	assert_int_equal(uv_loop_init(&e->loop), 0);
	e->loop_init = true;
	e->s.loop = &e->loop;
	e->s.slice_us = 1;
	set_header(e, "CIMMethod", "EnumerateInstances");
}

/*
 * Written in slices, one per loop turn: the same bytes as in one go; two
 * at once both finish; a cancelled one is dropped; close answers 503.
 */
static void
test_sliced(void **state)
{
	struct env *e = *state;
	char *whole;
	size_t whole_len;
	unsigned turns = 0;

	set_header(e, "CIMMethod", "EnumerateInstances");
	run(e, "POST", ME_BODY("93"));
	expect(e, 200, NULL);
	assert_false(e->resp.deferred);
	whole = e->resp.body;
	whole_len = e->resp.body_len;
	e->resp.body = NULL;
	slice_env(e);
	run(e, "POST", ME_BODY("93"));
	assert_true(e->resp.deferred);
	assert_null(e->resp.body);
	assert_int_equal(e->ndefer, 1);
	while (e->ncomplete == 0 && turns < 100) {
		uv_run(&e->loop, UV_RUN_NOWAIT);
		turns++;
	}
	assert_int_equal(e->ncomplete, 1);
	assert_true(turns > 3);		/* it did take several turns */
	assert_int_equal(e->done.status, 200);
	assert_true(is_method_response(&e->done));
	assert_int_equal(e->done.body_len, whole_len);
	assert_memory_equal(e->done.body, whole, whole_len);
	free(whole);
	/* Two at once; the second over a tiny max_response. */
	run(e, "POST", ME_BODY("94"));
	assert_true(e->resp.deferred);
	e->conf->max_response = 2000;
	run(e, "POST", ME_BODY("95"));
	assert_true(e->resp.deferred);
	/* The one over the limit stops there, before the other ends. */
	defer_wait(e, 2);
	assert_true(done_has(e, "<MESSAGE ID=\"95\""));
	assert_true(done_has(e, "<ERROR CODE=\"1\" DESCRIPTION=\""
	    "CIM_ERR_FAILED: the answer is larger than 2000 bytes "
	    "(max_response)\"/>" RESP_END));
	assert_false(done_has(e, "INSTANCE"));
	defer_wait(e, 3);
	assert_true(done_has(e, "<MESSAGE ID=\"94\""));
	assert_int_equal(e->done.body_len, whole_len);
	e->conf->max_response = 0;
	/* The transport gives one up: never answered, nothing left. */
	run(e, "POST", ME_BODY("96"));
	assert_true(e->resp.deferred);
	cimop_cancel(&e->s, &e->token);
	assert_null(e->s.slices);
	for (int i = 0; i < 20; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(e->ncomplete, 3);
	/* Shutting down: the next turn answers 503. */
	run(e, "POST", ME_BODY("97"));
	assert_true(e->resp.deferred);
	e->s.shutting_down = true;
	defer_wait(e, 4);
	assert_int_equal(e->done.status, 503);
	assert_null(e->done.body);
	e->s.shutting_down = false;
	/* Close answers what is left and closes the idle handle. */
	run(e, "POST", ME_BODY("98"));
	assert_true(e->resp.deferred);
	cimop_close(&e->s, on_cimop_closed, e);
	assert_int_equal(e->ncomplete, 5);
	assert_int_equal(e->done.status, 503);
	assert_int_equal(uv_run(&e->loop, UV_RUN_DEFAULT), 0);
	assert_true(e->closed);
	assert_int_equal(uv_loop_close(&e->loop), 0);
	e->loop_init = false;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_and_shutdown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_observe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cimoperation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_content_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_protocol_version, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_mismatch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extrinsic_object, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_namespace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mpost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_defer_progress, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_defer_failed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_response, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sliced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_image, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_defer_shutdown, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
