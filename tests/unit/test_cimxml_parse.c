/* SPDX-License-Identifier: ISC */
/*
 * test_cimxml_parse.c - cimxml_parse_request: accepted shapes (every path
 * and value form, pywbem and wbemcli spellings, the shared fixtures) and
 * refused ones (each with its errno, HTTP status and CIMError token).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cimxml/cimxml.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1001\" " \
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
#define TAIL "</SIMPLEREQ></MESSAGE></CIM>"
#define NS "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>" \
	"<NAMESPACE NAME=\"tpd\"/></LOCALNAMESPACEPATH>"
#define IREQ(name, params) HEAD "<IMETHODCALL NAME=\"" name "\">" NS \
	params "</IMETHODCALL>" TAIL
#define IP(name, v) "<IPARAMVALUE NAME=\"" name "\">" v "</IPARAMVALUE>"
#define KB(n, v) "<KEYBINDING NAME=\"" n "\"><KEYVALUE VALUETYPE=\"string\" " \
	"TYPE=\"string\">" v "</KEYVALUE></KEYBINDING>"
#define JOB "<INSTANCENAME CLASSNAME=\"TPD_ConcreteJob\">" \
	KB("InstanceID", "TPD:2FF70002AC01A2B3:17") "</INSTANCENAME>"
#define SCS_LIP "<LOCALINSTANCEPATH>" NS \
	"<INSTANCENAME CLASSNAME=\"TPD_StorageConfigurationService\">" \
	KB("Name", "StorageConfigurationService") "</INSTANCENAME>" \
	"</LOCALINSTANCEPATH>"
#define EREQ(name, params) HEAD "<METHODCALL NAME=\"" name "\">" SCS_LIP \
	params "</METHODCALL>" TAIL

struct fx {
	struct cim_arena *a;
	struct cim_request r;
	struct cimxml_err err;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->a = cim_arena_new(8u << 20);
	assert_non_null(f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	cim_arena_free(f->a);
	free(f);
	return 0;
}

static int
parse_lim(struct fx *f, const char *s, size_t len,
    const struct cimxml_limits *lim)
{
	cim_arena_reset(f->a);
	return cimxml_parse_request(s, len, lim, f->a, &f->r, &f->err);
}

static int
parse(struct fx *f, const char *s)
{
	return parse_lim(f, s, strlen(s), NULL);
}

/* ------------------------------------------------------------ refusals */

static const struct bad_case {
	const char *what;
	const char *xml;
	int rc, http;
	const char *token;
} bad_cases[] = {
	{ "not xml", "hello", -EBADMSG, 400, "request-not-well-formed" },
	{ "truncated", HEAD "<IMETHODCALL NAME=\"X\">" NS, -EBADMSG, 400,
	    "request-not-well-formed" },
	{ "mismatched tag", HEAD "</CIM>", -EBADMSG, 400,
	    "request-not-well-formed" },
	{ "undefined entity", IREQ("X", IP("A", "<VALUE>&foo;</VALUE>")),
	    -EBADMSG, 400, "request-not-well-formed" },
	{ "doctype", "<?xml version=\"1.0\"?><!DOCTYPE CIM SYSTEM "
	    "\"cim.dtd\"><CIM/>", -EINVAL, 400, "request-not-valid" },
	{ "billion laughs", "<?xml version=\"1.0\"?><!DOCTYPE l ["
	    "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;\">]><CIM>&c;</CIM>",
	    -EINVAL, 400, "request-not-valid" },
	{ "external entity", "<?xml version=\"1.0\"?><!DOCTYPE CIM ["
	    "<!ENTITY x SYSTEM \"file:///etc/passwd\">]><CIM>&x;</CIM>",
	    -EINVAL, 400, "request-not-valid" },
	{ "latin-1 declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\""
	    "?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"/>", -EINVAL, 400,
	    "request-not-valid" },
	{ "invalid utf-8", IREQ("X", IP("A", "<VALUE>\xc3\x28</VALUE>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "overlong utf-8", IREQ("X", IP("A", "<VALUE>\xc0\xaf</VALUE>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "surrogate utf-8", IREQ("X", IP("A", "<VALUE>\xed\xa0\x80</VALUE>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "multireq", "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
	    "ID=\"1\" PROTOCOLVERSION=\"1.0\"><MULTIREQ/></MESSAGE></CIM>",
	    -EINVAL, 501, "multiple-requests-unsupported" },
	{ "cim version", "<CIM CIMVERSION=\"3.0\" DTDVERSION=\"2.0\"/>",
	    -EINVAL, 501, "unsupported-cim-version" },
	{ "cim version junk", "<CIM CIMVERSION=\"2.0a\" DTDVERSION=\"2.0\"/>",
	    -EINVAL, 501, "unsupported-cim-version" },
	{ "dtd version", "<CIM CIMVERSION=\"2.6\" DTDVERSION=\"2.\"/>",
	    -EINVAL, 501, "unsupported-dtd-version" },
	{ "protocol version", "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"2.0\"><SIMPLEREQ/></MESSAGE>"
	    "</CIM>", -EINVAL, 501, "unsupported-protocol-version" },
	{ "no cimversion", "<CIM DTDVERSION=\"2.0\"/>", -EINVAL, 400,
	    "request-not-valid" },
	{ "no message id", "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE PROTOCOLVERSION=\"1.0\"><SIMPLEREQ/></MESSAGE></CIM>",
	    -EINVAL, 400, "request-not-valid" },
	{ "wrong root", "<cim CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"/>",
	    -EINVAL, 400, "request-not-valid" },
	{ "empty simplereq", HEAD TAIL, -EINVAL, 400, "request-not-valid" },
	{ "response not request", "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP/></MESSAGE>"
	    "</CIM>", -EINVAL, 400, "request-not-valid" },
	{ "no method name", HEAD "<IMETHODCALL>" NS "</IMETHODCALL>" TAIL,
	    -EINVAL, 400, "request-not-valid" },
	{ "no namespace", HEAD "<IMETHODCALL NAME=\"X\"></IMETHODCALL>" TAIL,
	    -EINVAL, 400, "request-not-valid" },
	{ "empty namespace path", HEAD "<IMETHODCALL NAME=\"X\">"
	    "<LOCALNAMESPACEPATH/></IMETHODCALL>" TAIL, -EINVAL, 400,
	    "request-not-valid" },
	{ "methodcall without path", HEAD "<METHODCALL NAME=\"X\">"
	    "<PARAMVALUE NAME=\"A\"/></METHODCALL>" TAIL, -EINVAL, 400,
	    "request-not-valid" },
	{ "paramvalue in imethodcall", IREQ("X", "<PARAMVALUE NAME=\"A\"/>"),
	    -EINVAL, 400, "request-not-valid" },
	{ "param without name", IREQ("X", "<IPARAMVALUE/>"), -EINVAL, 400,
	    "request-not-valid" },
	{ "two values", IREQ("X", IP("A", "<VALUE>1</VALUE><VALUE>2</VALUE>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "unknown value element", IREQ("X", IP("A", "<FOO/>")), -EINVAL, 400,
	    "request-not-valid" },
	{ "text in non-text element", IREQ("X", IP("A", "junk")), -EINVAL,
	    400, "request-not-valid" },
	{ "element inside VALUE", IREQ("X", IP("A", "<VALUE><B/></VALUE>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "bad VALUETYPE", IREQ("X", IP("A", "<INSTANCENAME CLASSNAME=\"C\">"
	    "<KEYBINDING NAME=\"K\"><KEYVALUE VALUETYPE=\"int\">1</KEYVALUE>"
	    "</KEYBINDING></INSTANCENAME>")), -EINVAL, 400,
	    "request-not-valid" },
	{ "instancename without class", IREQ("X", IP("A", "<INSTANCENAME/>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "keybinding without value", IREQ("X", IP("A",
	    "<INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"/>"
	    "</INSTANCENAME>")), -EINVAL, 400, "request-not-valid" },
	{ "empty value.reference", IREQ("X", IP("A", "<VALUE.REFERENCE/>")),
	    -EINVAL, 400, "request-not-valid" },
	{ "instancepath without host", IREQ("X", IP("A", "<VALUE.REFERENCE>"
	    "<INSTANCEPATH><NAMESPACEPATH>" NS "</NAMESPACEPATH>" JOB
	    "</INSTANCEPATH></VALUE.REFERENCE>")), -EINVAL, 400,
	    "request-not-valid" },
	{ "bad PARAMTYPE", EREQ("X", "<PARAMVALUE NAME=\"A\" PARAMTYPE=\"int\">"
	    "<VALUE>1</VALUE></PARAMVALUE>"), -EINVAL, 400,
	    "request-not-valid" },
	{ "bad EmbeddedObject", EREQ("X", "<PARAMVALUE NAME=\"A\" "
	    "EmbeddedObject=\"yes\"><VALUE>1</VALUE></PARAMVALUE>"), -EINVAL,
	    400, "request-not-valid" },
	{ "garbage in value.array", IREQ("X", IP("A", "<VALUE.ARRAY>"
	    "<VALUE.REFERENCE>" JOB "</VALUE.REFERENCE></VALUE.ARRAY>")),
	    -EINVAL, 400, "request-not-valid" },
};

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		rc = parse(f, c->xml);
		if (rc != c->rc || f->err.http_status != c->http ||
		    f->err.token == NULL || strcmp(f->err.token, c->token) != 0)
			fail_msg("%s: rc %d http %d token %s (%s)", c->what, rc,
			    f->err.http_status, f->err.token, f->err.msg);
		assert_true(f->err.line >= 1 && f->err.col >= 1);
		assert_true(f->err.msg[0] != '\0');
		/* A failed parse leaves no half-built request behind. */
		assert_null(f->r.method);
	}
}

static void
test_empty_body(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse_lim(f, "", 0, NULL), -EBADMSG);
	assert_string_equal(f->err.token, "request-not-well-formed");
	assert_int_equal(parse_lim(f, NULL, 0, NULL), -EBADMSG);
	assert_int_equal(parse(f, "   \n"), -EBADMSG);
	assert_int_equal(f->err.http_status, 400);
}

static void
test_syntax_position(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "<CIM>\n  <A>\n  </B>"), -EBADMSG);
	assert_int_equal(f->err.line, 3);
	assert_int_equal(f->err.col, 5);
	assert_int_equal(parse(f, "<CIM>\n\xff</CIM>"), -EINVAL);
	assert_int_equal(f->err.line, 2);
	assert_int_equal(f->err.col, 1);
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static void
test_limits(void **state)
{
	struct fx *f = *state;
	struct cimxml_limits small = { 8, 20, 10 };
	char *s, *t;
	size_t i;

	/* 10 000-deep nesting: refused at depth 65, never recursed into. */
	s = repeat("<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">", "<a>", 10000,
	    "");
	t = repeat(s, "</a>", 10000, "</CIM>");
	assert_int_equal(parse(f, t), -E2BIG);
	assert_string_equal(f->err.token, "request-not-valid");
	assert_int_equal(f->err.http_status, 400);
	free(s);
	free(t);
	/* Huge attribute (> 64 KiB). */
	s = repeat("<CIM CIMVERSION=\"", "x", 70000, "\" DTDVERSION=\"2.0\"/>");
	assert_int_equal(parse(f, s), -E2BIG);
	free(s);
	/* Huge text node, split by expat into many chunks. */
	s = repeat(HEAD "<IMETHODCALL NAME=\"X\">" NS "<IPARAMVALUE NAME=\"A\">"
	    "<VALUE>", "0123456789", 7000, "</VALUE></IPARAMVALUE>"
	    "</IMETHODCALL>" TAIL);
	assert_int_equal(parse(f, s), -E2BIG);
	free(s);
	/* Element count, counted inside skipped subtrees too. */
	s = repeat(HEAD "<IMETHODCALL NAME=\"X\">" NS "<IPARAMVALUE NAME=\"A\">"
	    "<CLASS NAME=\"C\">", "<PROPERTY NAME=\"P\" TYPE=\"string\">"
	    "</PROPERTY>", 100001, "</CLASS></IPARAMVALUE></IMETHODCALL>"
	    TAIL);
	assert_int_equal(parse(f, s), -E2BIG);
	free(s);
	/* Caller limits. */
	assert_int_equal(parse_lim(f, IREQ("X", IP("A", "<VALUE>12345678901"
	    "</VALUE>")), strlen(IREQ("X", IP("A", "<VALUE>12345678901"
	    "</VALUE>"))), &small), -E2BIG);
	s = repeat(HEAD "<IMETHODCALL NAME=\"X\">" NS, "<IPARAMVALUE NAME=\"A\"/>",
	    30, "</IMETHODCALL>" TAIL);
	assert_int_equal(parse_lim(f, s, strlen(s), &small), -E2BIG);
	free(s);
	s = strdup(IREQ("X", IP("A", "<VALUE.REFERENCE><LOCALINSTANCEPATH>" NS
	    JOB "</LOCALINSTANCEPATH></VALUE.REFERENCE>")));
	assert_int_equal(parse_lim(f, s, strlen(s), &small), -E2BIG);
	free(s);
	/* Every prefix of a valid request fails cleanly. */
	s = strdup(EREQ("M", "<PARAMVALUE NAME=\"A\" PARAMTYPE=\"uint16\">"
	    "<VALUE>4</VALUE></PARAMVALUE>"));
	for (i = 1; i < strlen(s); i++)
		assert_int_not_equal(parse_lim(f, s, i, NULL), 0);
	assert_int_equal(parse(f, s), 0);
	free(s);
}

static void
test_arena_cap(void **state)
{
	struct cim_arena *tiny = cim_arena_new(4096);
	struct cim_request r;
	struct cimxml_err err;
	char *s;

	(void)state;
	assert_non_null(tiny);
	s = repeat(HEAD "<IMETHODCALL NAME=\"X\">" NS,
	    "<IPARAMVALUE NAME=\"A\"><VALUE>v</VALUE></IPARAMVALUE>", 500,
	    "</IMETHODCALL>" TAIL);
	assert_int_equal(cimxml_parse_request(s, strlen(s), NULL, tiny, &r,
	    &err), -ENOMEM);
	assert_int_equal(err.http_status, 413);
	free(s);
	cim_arena_free(tiny);
}

/* ------------------------------------------------------------ accepted */

static const struct cim_param *
param(struct fx *f, const char *name)
{
	const struct cim_param *p = cim_request_param(&f->r, name);

	if (p == NULL)
		fail_msg("no parameter %s", name);
	return p;
}

static void
assert_job_path(const struct cim_path *p)
{
	assert_non_null(p);
	assert_string_equal(p->classname, "TPD_ConcreteJob");
	assert_false(p->is_class);
	assert_int_equal(p->nkeys, 1);
	assert_string_equal(p->keys[0].name, "InstanceID");
	assert_int_equal(p->keys[0].kind, CIM_KEY_STRING);
	assert_string_equal(p->keys[0].value, "TPD:2FF70002AC01A2B3:17");
}

static void
test_intrinsic(void **state)
{
	struct fx *f = *state;
	const struct cim_param *p;

	assert_int_equal(parse(f, IREQ("GetInstance", IP("InstanceName", JOB)
	    IP("LocalOnly", "<VALUE>FALSE</VALUE>") IP("PropertyList",
	    "<VALUE.ARRAY><VALUE>JobState</VALUE><VALUE.NULL/>"
	    "<VALUE> Percent </VALUE></VALUE.ARRAY>") IP("Empty", ""))), 0);
	assert_string_equal(f->r.cim_version, "2.0");
	assert_string_equal(f->r.dtd_version, "2.0");
	assert_string_equal(f->r.msg_id, "1001");
	assert_string_equal(f->r.protocol_version, "1.0");
	assert_true(f->r.intrinsic);
	assert_string_equal(f->r.method, "GetInstance");
	assert_string_equal(f->r.ns, "root/tpd");
	assert_null(f->r.target);
	assert_int_equal(f->r.nparams, 4);
	p = param(f, "instancename");	/* case-insensitive lookup */
	assert_int_equal(p->value.kind, CIM_V_REF);
	assert_job_path(p->value.ref);
	assert_null(p->value.ref->ns);
	assert_null(p->value.ref->host);
	p = param(f, "LocalOnly");
	assert_int_equal(p->value.kind, CIM_V_SCALAR);
	assert_string_equal(p->value.text, "FALSE");
	p = param(f, "PropertyList");
	assert_int_equal(p->value.kind, CIM_V_ARRAY);
	assert_int_equal(p->value.n, 3);
	assert_string_equal(p->value.items[0], "JobState");
	assert_null(p->value.items[1]);
	assert_string_equal(p->value.items[2], " Percent ");	/* exact */
	assert_int_equal(param(f, "Empty")->value.kind, CIM_V_NULL);
	assert_null(cim_request_param(&f->r, "Nope"));
}

static void
test_extrinsic(void **state)
{
	struct fx *f = *state;
	const struct cim_param *p;

	assert_int_equal(parse(f, EREQ("CreateReplica",
	    "<PARAMVALUE NAME=\"CopyType\" PARAMTYPE=\"uint16\"><VALUE>4</VALUE>"
	    "</PARAMVALUE><PARAMVALUE NAME=\"ElementName\"><VALUE>c1</VALUE>"
	    "</PARAMVALUE><PARAMVALUE NAME=\"Goal\" PARAMTYPE=\"string\" "
	    "EmbeddedObject=\"instance\"><VALUE>&lt;INSTANCE CLASSNAME=&quot;"
	    "X&quot;/&gt;</VALUE></PARAMVALUE><PARAMVALUE NAME=\"Old\" "
	    "EMBEDDEDOBJECT=\"object\"/><PARAMVALUE NAME=\"CopyType\">"
	    "<VALUE>5</VALUE></PARAMVALUE>")), 0);
	assert_false(f->r.intrinsic);
	assert_string_equal(f->r.method, "CreateReplica");
	assert_string_equal(f->r.ns, "root/tpd");
	assert_non_null(f->r.target);
	assert_string_equal(f->r.target->classname,
	    "TPD_StorageConfigurationService");
	assert_string_equal(f->r.target->ns, "root/tpd");
	assert_int_equal(f->r.nparams, 5);
	p = param(f, "copytype");
	assert_int_equal(p->paramtype, CIM_T_UINT16);
	assert_string_equal(p->value.text, "4");
	/* Duplicates are kept for the dispatcher to refuse. */
	assert_string_equal(f->r.params[4].name, "CopyType");
	assert_int_equal(f->r.params[4].paramtype, CIM_T_NONE);
	p = param(f, "ElementName");
	assert_int_equal(p->paramtype, CIM_T_NONE);	/* wbemcli: untyped */
	p = param(f, "Goal");
	assert_string_equal(p->embedded, "instance");
	assert_string_equal(p->value.text, "<INSTANCE CLASSNAME=\"X\"/>");
	p = param(f, "Old");
	assert_string_equal(p->embedded, "object");
	assert_int_equal(p->value.kind, CIM_V_NULL);
}

static void
test_static_method(void **state)
{
	struct fx *f = *state;
	const struct cim_param *p;

	assert_int_equal(parse(f, HEAD "<METHODCALL NAME=\"S\"><LOCALCLASSPATH>"
	    NS "<CLASSNAME NAME=\"TPD_X\"/></LOCALCLASSPATH><PARAMVALUE "
	    "NAME=\"R\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>"
	    "<VALUE.REFERENCE>" JOB "</VALUE.REFERENCE><VALUE.NULL/>"
	    "</VALUE.REFARRAY></PARAMVALUE><PARAMVALUE NAME=\"C\">"
	    "<CLASSNAME NAME=\"CIM_Foo\"/></PARAMVALUE></METHODCALL>" TAIL), 0);
	assert_true(f->r.target->is_class);
	assert_string_equal(f->r.target->classname, "TPD_X");
	assert_int_equal(f->r.target->nkeys, 0);
	p = param(f, "R");
	assert_int_equal(p->paramtype, CIM_T_REFERENCE);
	assert_int_equal(p->value.kind, CIM_V_REFARRAY);
	assert_int_equal(p->value.n, 2);
	assert_job_path(p->value.refs[0]);
	assert_null(p->value.refs[1]);
	p = param(f, "C");
	assert_int_equal(p->value.kind, CIM_V_CLASSNAME);
	assert_string_equal(p->value.text, "CIM_Foo");
}

static const struct path_case {
	const char *what;
	const char *xml;	/* content of IPARAMVALUE ObjectName */
	const char *host, *ns, *classname;
	bool is_class;
	size_t nkeys;
	int kind0;		/* kind of keys[0] */
	const char *name0, *value0;
} path_cases[] = {
	{ "INSTANCENAME", JOB, NULL, NULL, "TPD_ConcreteJob", false, 1,
	    CIM_KEY_STRING, "InstanceID", "TPD:2FF70002AC01A2B3:17" },
	{ "VALUE.REFERENCE/INSTANCENAME", "<VALUE.REFERENCE>" JOB
	    "</VALUE.REFERENCE>", NULL, NULL, "TPD_ConcreteJob", false, 1,
	    CIM_KEY_STRING, "InstanceID", "TPD:2FF70002AC01A2B3:17" },
	{ "LOCALINSTANCEPATH", "<VALUE.REFERENCE><LOCALINSTANCEPATH>" NS JOB
	    "</LOCALINSTANCEPATH></VALUE.REFERENCE>", NULL, "root/tpd",
	    "TPD_ConcreteJob", false, 1, CIM_KEY_STRING, "InstanceID",
	    "TPD:2FF70002AC01A2B3:17" },
	{ "INSTANCEPATH", "<VALUE.REFERENCE><INSTANCEPATH><NAMESPACEPATH>"
	    "<HOST>array1:5989</HOST>" NS "</NAMESPACEPATH>" JOB
	    "</INSTANCEPATH></VALUE.REFERENCE>", "array1:5989", "root/tpd",
	    "TPD_ConcreteJob", false, 1, CIM_KEY_STRING, "InstanceID",
	    "TPD:2FF70002AC01A2B3:17" },
	{ "OBJECTPATH", "<OBJECTPATH><INSTANCEPATH><NAMESPACEPATH><HOST>h"
	    "</HOST>" NS "</NAMESPACEPATH>" JOB "</INSTANCEPATH></OBJECTPATH>",
	    "h", "root/tpd", "TPD_ConcreteJob", false, 1, CIM_KEY_STRING,
	    "InstanceID", "TPD:2FF70002AC01A2B3:17" },
	{ "CLASSPATH", "<VALUE.REFERENCE><CLASSPATH><NAMESPACEPATH><HOST>h"
	    "</HOST>" NS "</NAMESPACEPATH><CLASSNAME NAME=\"C\"/></CLASSPATH>"
	    "</VALUE.REFERENCE>", "h", "root/tpd", "C", true, 0, 0, NULL,
	    NULL },
	{ "LOCALCLASSPATH", "<VALUE.REFERENCE><LOCALCLASSPATH>" NS
	    "<CLASSNAME NAME=\"C\"/></LOCALCLASSPATH></VALUE.REFERENCE>", NULL,
	    "root/tpd", "C", true, 0, 0, NULL, NULL },
	{ "CLASSNAME in VALUE.REFERENCE", "<VALUE.REFERENCE><CLASSNAME "
	    "NAME=\"C\"/></VALUE.REFERENCE>", NULL, NULL, "C", true, 0, 0,
	    NULL, NULL },
	{ "wbemcli NAMESPACE end tags, numeric", "<VALUE.REFERENCE>"
	    "<LOCALINSTANCEPATH><LOCALNAMESPACEPATH>\n <NAMESPACE NAME=\"root\">"
	    "</NAMESPACE>\n <NAMESPACE NAME=\"tpd\"></NAMESPACE>\n"
	    "</LOCALNAMESPACEPATH><INSTANCENAME CLASSNAME=\"V\"><KEYBINDING "
	    "NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"numeric\">101</KEYVALUE>"
	    "</KEYBINDING></INSTANCENAME></LOCALINSTANCEPATH>"
	    "</VALUE.REFERENCE>", NULL, "root/tpd", "V", false, 1,
	    CIM_KEY_NUMERIC, "DeviceID", "101" },
	{ "KEYVALUE without attributes", "<INSTANCENAME CLASSNAME=\"V\">"
	    "<KEYBINDING NAME=\"K\"><KEYVALUE>x y</KEYVALUE></KEYBINDING>"
	    "</INSTANCENAME>", NULL, NULL, "V", false, 1, CIM_KEY_STRING, "K",
	    "x y" },
	{ "KEYVALUE TYPE only", "<INSTANCENAME CLASSNAME=\"V\"><KEYBINDING "
	    "NAME=\"K\"><KEYVALUE TYPE=\"uint16\">7</KEYVALUE></KEYBINDING>"
	    "</INSTANCENAME>", NULL, NULL, "V", false, 1, CIM_KEY_NUMERIC, "K",
	    "7" },
	{ "boolean key, empty", "<INSTANCENAME CLASSNAME=\"V\"><KEYBINDING "
	    "NAME=\"K\"><KEYVALUE VALUETYPE=\"boolean\" TYPE=\"boolean\">"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME>", NULL, NULL, "V", false,
	    1, CIM_KEY_BOOLEAN, "K", "" },
	{ "bare KEYVALUE", "<INSTANCENAME CLASSNAME=\"S\"><KEYVALUE "
	    "VALUETYPE=\"string\">2FF7</KEYVALUE></INSTANCENAME>", NULL, NULL,
	    "S", false, 1, CIM_KEY_STRING, NULL, "2FF7" },
	{ "bare VALUE.REFERENCE", "<INSTANCENAME CLASSNAME=\"S\">"
	    "<VALUE.REFERENCE>" JOB "</VALUE.REFERENCE></INSTANCENAME>", NULL,
	    NULL, "S", false, 1, CIM_KEY_REF, NULL, NULL },
	{ "keyless INSTANCENAME", "<INSTANCENAME CLASSNAME=\"S\"/>", NULL,
	    NULL, "S", false, 0, 0, NULL, NULL },
	{ "CDATA key", "<INSTANCENAME CLASSNAME=\"V\"><KEYBINDING NAME=\"K\">"
	    "<KEYVALUE><![CDATA[a<b]]></KEYVALUE></KEYBINDING></INSTANCENAME>",
	    NULL, NULL, "V", false, 1, CIM_KEY_STRING, "K", "a<b" },
};

static void
test_path_forms(void **state)
{
	struct fx *f = *state;
	const struct cim_path *p;
	char buf[4096];
	size_t i;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];

		snprintf(buf, sizeof(buf), "%s", IREQ("Associators",
		    "<IPARAMVALUE NAME=\"ObjectName\">%s</IPARAMVALUE>"));
		{
			char xml[8192];

			snprintf(xml, sizeof(xml), buf, c->xml);
			if (parse(f, xml) != 0)
				fail_msg("%s: %s %s", c->what, f->err.token,
				    f->err.msg);
		}
		assert_int_equal(f->r.params[0].value.kind, CIM_V_REF);
		p = f->r.params[0].value.ref;
		if (c->host == NULL)
			assert_null(p->host);
		else
			assert_string_equal(p->host, c->host);
		if (c->ns == NULL)
			assert_null(p->ns);
		else
			assert_string_equal(p->ns, c->ns);
		assert_string_equal(p->classname, c->classname);
		assert_int_equal(p->is_class, c->is_class);
		assert_int_equal(p->nkeys, c->nkeys);
		if (c->nkeys == 0)
			continue;
		assert_int_equal(p->keys[0].kind, c->kind0);
		if (c->name0 == NULL)
			assert_null(p->keys[0].name);
		else
			assert_string_equal(p->keys[0].name, c->name0);
		if (c->kind0 == CIM_KEY_REF)
			assert_job_path(p->keys[0].ref);
		else
			assert_string_equal(p->keys[0].value, c->value0);
	}
}

static void
test_skipped_values(void **state)
{
	struct fx *f = *state;
	const struct cim_instance *in;

	assert_int_equal(parse(f, IREQ("ModifyInstance",
	    IP("ModifiedInstance", "<VALUE.NAMEDINSTANCE>" JOB "<INSTANCE "
	    "CLASSNAME=\"C\"><QUALIFIER NAME=\"Q\" TYPE=\"string\"><VALUE>q"
	    "</VALUE></QUALIFIER><PROPERTY NAME=\"P\" TYPE=\"string\"><VALUE>x"
	    "</VALUE></PROPERTY><PROPERTY.ARRAY NAME=\"A\" TYPE=\"uint16\">"
	    "<VALUE.ARRAY><VALUE>2</VALUE><VALUE.NULL/></VALUE.ARRAY>"
	    "</PROPERTY.ARRAY><PROPERTY.REFERENCE NAME=\"R\" "
	    "REFERENCECLASS=\"C\"><VALUE.REFERENCE>" JOB "</VALUE.REFERENCE>"
	    "</PROPERTY.REFERENCE><PROPERTY NAME=\"N\" TYPE=\"uint32\"/>"
	    "</INSTANCE></VALUE.NAMEDINSTANCE>") IP("NewInstance", "<INSTANCE "
	    "CLASSNAME=\"C\"/>") IP("NewClass", "<CLASS NAME=\"C\"/>")
	    IP("QualifierDeclaration", "<QUALIFIER.DECLARATION NAME=\"Q\" "
	    "TYPE=\"string\"/>"))), 0);
	assert_int_equal(param(f, "ModifiedInstance")->value.kind,
	    CIM_V_INSTANCE);
	assert_non_null(param(f, "ModifiedInstance")->value.ref);
	in = param(f, "ModifiedInstance")->value.inst;
	assert_non_null(in);
	assert_string_equal(in->classname, "C");
	assert_int_equal(in->nprops, 4);
	assert_string_equal(in->props[0].text, "x");
	assert_true(in->props[1].is_array);
	assert_int_equal(in->props[1].type, CIM_T_UINT16);
	assert_int_equal(in->props[1].n, 2);
	assert_null(in->props[1].items[1]);
	assert_int_equal(in->props[2].type, CIM_T_REFERENCE);
	assert_non_null(in->props[2].ref);
	assert_true(in->props[3].is_null);
	assert_int_equal(param(f, "NewInstance")->value.kind, CIM_V_INSTANCE);
	assert_int_equal(param(f, "NewInstance")->value.inst->nprops, 0);
	assert_int_equal(param(f, "NewClass")->value.kind, CIM_V_OTHER);
	assert_int_equal(param(f, "QualifierDeclaration")->value.kind,
	    CIM_V_OTHER);
	/* What DSP0201 does not allow in an INSTANCE is refused. */
	assert_int_equal(parse(f, IREQ("CreateInstance", IP("NewInstance",
	    "<INSTANCE CLASSNAME=\"C\"><ANYTHING>text</ANYTHING></INSTANCE>"))),
	    -EINVAL);
	assert_int_equal(parse(f, IREQ("CreateInstance", IP("NewInstance",
	    "<INSTANCE CLASSNAME=\"C\"><PROPERTY NAME=\"P\" TYPE=\"bogus\"/>"
	    "</INSTANCE>"))), -EINVAL);
	assert_int_equal(parse(f, IREQ("ModifyInstance", IP("ModifiedInstance",
	    "<VALUE.NAMEDINSTANCE><INSTANCE CLASSNAME=\"C\"/>"
	    "</VALUE.NAMEDINSTANCE>"))), -EINVAL);
	assert_int_equal(parse(f, IREQ("CreateInstance", IP("NewInstance",
	    "<INSTANCE CLASSNAME=\"C\"><PROPERTY.REFERENCE NAME=\"R\">"
	    "<VALUE>x</VALUE></PROPERTY.REFERENCE></INSTANCE>"))), -EINVAL);
}

static void
test_whitespace_and_decl(void **state)
{
	struct fx *f = *state;

	/* No declaration, pretty-printed, CRLF, comments, PI: all fine. */
	assert_int_equal(parse(f, "<!-- c -->\r\n<CIM CIMVERSION=\"2.3\" "
	    "DTDVERSION=\"2.10\">\r\n <MESSAGE ID=\"4711\" PROTOCOLVERSION="
	    "\"1.0\">\r\n  <SIMPLEREQ>\r\n   <?pi x?><IMETHODCALL NAME=\"X\">\r\n"
	    "    <LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/>"
	    "</LOCALNAMESPACEPATH>\r\n   </IMETHODCALL>\r\n  </SIMPLEREQ>\r\n"
	    " </MESSAGE>\r\n</CIM>\r\n"), 0);
	assert_string_equal(f->r.ns, "interop");
	assert_string_equal(f->r.msg_id, "4711");
	assert_int_equal(f->r.nparams, 0);
	assert_int_equal(parse(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	    "standalone=\"yes\"?>" "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
	    "<CORRELATOR NAME=\"c\" TYPE=\"string\"><VALUE>v</VALUE>"
	    "</CORRELATOR><IMETHODCALL NAME=\"X\">" NS "</IMETHODCALL>" TAIL),
	    0);
	/* UTF-8 text survives byte for byte. */
	assert_int_equal(parse(f, IREQ("X", IP("A",
	    "<VALUE>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</VALUE>"))), 0);
	assert_string_equal(f->r.params[0].value.text,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

/* The fixtures the integration tests and the fuzz replay share. */
static void
test_fixtures(void **state)
{
	static const char *const names[] = {
		"GetInstance", "EnumerateInstances", "EnumerateInstanceNames",
		"Associators", "AssociatorNames", "References",
		"ReferenceNames", "GetClass", "DeleteInstance",
		"ModifySynchronization", "CreateReplica",
		"AttachOrModifyReplica",
	};
	struct fx *f = *state;
	char path[256], *buf;
	size_t i, n;
	FILE *fp;

	buf = malloc(1 << 20);
	assert_non_null(buf);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "tests/integration/cimxml/%s.req.xml",
		    names[i]);
		if ((fp = fopen(path, "rb")) == NULL) {
			snprintf(path, sizeof(path),
			    "../integration/cimxml/%s.req.xml", names[i]);
			fp = fopen(path, "rb");
		}
		if (fp == NULL) {
			fail_msg("fixture %s not found", names[i]);
			return;	/* not reached; tells the analysers */
		}
		n = fread(buf, 1, (1 << 20) - 1, fp);
		fclose(fp);
		if (parse_lim(f, buf, n, NULL) != 0)
			fail_msg("%s: %s", names[i], f->err.msg);
		assert_string_equal(f->r.method, names[i]);
		assert_string_equal(f->r.ns, "root/tpd");
		assert_true(f->r.nparams >= 1);
		assert_int_equal(f->r.intrinsic, f->r.target == NULL);
	}
	free(buf);
}

static void
test_nested_refs(void **state)
{
	struct fx *f = *state;
	const struct cim_param *p;
	const struct cim_keybinding *k;
	char buf[1 << 16];
	FILE *fp;
	size_t n;

	fp = fopen("tests/integration/cimxml/ModifySynchronization.req.xml",
	    "rb");
	if (fp == NULL)
		skip();
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	assert_int_equal(parse_lim(f, buf, n, NULL), 0);
	p = param(f, "Synchronization");
	assert_int_equal(p->paramtype, CIM_T_REFERENCE);
	assert_int_equal(p->value.kind, CIM_V_REF);
	assert_string_equal(p->value.ref->classname, "TPD_StorageSynchronized");
	k = cim_path_key(p->value.ref, "syncedelement");
	assert_non_null(k);
	assert_int_equal(k->kind, CIM_KEY_REF);
	assert_string_equal(k->ref->ns, "root/tpd");
	assert_string_equal(cim_path_key(k->ref, "DeviceID")->value, "102");
	k = cim_path_key(p->value.ref, "SystemElement");
	assert_string_equal(cim_path_key(k->ref, "deviceid")->value, "101");
	assert_string_equal(cim_path_key(f->r.target, "SystemName")->value,
	    "2FF70002AC01A2B3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_syntax_position, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test(test_arena_cap),
		cmocka_unit_test_setup_teardown(test_intrinsic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extrinsic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_static_method, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_skipped_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_whitespace_and_decl, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixtures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_refs, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
