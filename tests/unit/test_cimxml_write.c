/* SPDX-License-Identifier: ISC */
/*
 * test_cimxml_write.c - writer golden strings: escaping, envelope, ERROR,
 * every path form, instances (NULL, arrays, references, embedded), classes
 * with qualifiers; and write -> parse -> cim_path_equal round trips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cimxml/cimxml.h"

static struct cim_buf b;

static int
setup(void **state)
{
	(void)state;
	cim_buf_init(&b);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cim_buf_release(&b);
	return 0;
}

static void
assert_buf(const char *want)
{
	assert_false(b.oom);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	b.len = 0;
	b.data[0] = '\0';
}

static void
test_escape(void **state)
{
	(void)state;
	cim_buf_escape(&b, "a&b<c>d\"e'f");
	assert_buf("a&amp;b&lt;c&gt;d&quot;e&apos;f");
	cim_buf_escape(&b, "t\tn\nr\r");
	assert_buf("t&#9;n&#10;r&#13;");
	/* Other C0 controls cannot appear in XML 1.0 at all: dropped. */
	cim_buf_escape(&b, "x\x01y\x1fz\x7f");
	assert_buf("xyz\x7f");
	cim_buf_escape(&b, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	assert_buf("caf\xc3\xa9 \xf0\x9f\x98\x80");
	/* Invalid UTF-8 and U+FFFE become U+FFFD. */
	cim_buf_escape(&b, "a\xff" "b\xc3" "c\xef\xbf\xbe" "d");
	assert_buf("a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "d");
	cim_buf_escape(&b, "");
	cim_buf_escape(&b, NULL);
	cim_buf_puts(&b, "");
	assert_int_equal(b.len, 0);
}

static void
test_buf(void **state)
{
	char *s, big[5000];
	size_t len, i;

	(void)state;
	for (i = 0; i < 1000; i++)
		cim_buf_printf(&b, "%zu,", i);
	assert_int_equal(b.len, strlen(b.data));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cim_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, strlen(b.data));
	s = cim_buf_steal(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(s));
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	s = cim_buf_steal(&b, &len);	/* empty buffer: "" */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	b.oom = true;
	cim_buf_puts(&b, "dropped");
	assert_null(cim_buf_steal(&b, &len));
	assert_false(b.oom);
}

static void
test_envelope(void **state)
{
	(void)state;
	cimxml_begin_response(&b, "1001", true, "deleteInstance");
	cimxml_end_response(&b, true);
	assert_buf("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1001\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
	    "<IMETHODRESPONSE NAME=\"deleteInstance\"></IMETHODRESPONSE>"
	    "</SIMPLERSP></MESSAGE></CIM>\n");
	cimxml_begin_response(&b, "a\"b", false, "CreateReplica");
	cimxml_write_error(&b, CIM_ERR_NOT_FOUND, "%s \"%s\" does not exist",
	    "TPD_ConcreteJob", "TPD:1:17");
	cimxml_end_response(&b, false);
	assert_buf("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"a&quot;b\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
	    "<METHODRESPONSE NAME=\"CreateReplica\"><ERROR CODE=\"6\" "
	    "DESCRIPTION=\"CIM_ERR_NOT_FOUND: TPD_ConcreteJob &quot;TPD:1:17"
	    "&quot; does not exist\"/></METHODRESPONSE>"
	    "</SIMPLERSP></MESSAGE></CIM>\n");
}

static void
test_error(void **state)
{
	char long_msg[2000];

	(void)state;
	cimxml_write_error(&b, CIM_ERR_NOT_SUPPORTED, "%s", "");
	assert_buf("<ERROR CODE=\"7\" DESCRIPTION=\"CIM_ERR_NOT_SUPPORTED\"/>");
	cimxml_write_error(&b, CIM_ERR_INVALID_PARAMETER, "<%d>", 5);
	assert_buf("<ERROR CODE=\"4\" DESCRIPTION=\"CIM_ERR_INVALID_PARAMETER: "
	    "&lt;5&gt;\"/>");
	memset(long_msg, 'm', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	cimxml_write_error(&b, CIM_ERR_FAILED, "%s", long_msg);
	assert_int_equal(b.len, strlen("<ERROR CODE=\"1\" DESCRIPTION=\""
	    "CIM_ERR_FAILED: \"/>") + sizeof(long_msg) - 1);
	b.len = 0;
}

/* The volume path of SPEC.md §6.4, keys as the daemon emits them. */
static struct cim_keybinding vol_keys[] = {
	{ "CreationClassName", CIM_KEY_STRING, "TPD_StorageVolume", NULL },
	{ "DeviceID", CIM_KEY_STRING, "101", NULL },
};
static struct cim_path vol = { NULL, NULL, "TPD_StorageVolume", false, 2,
    vol_keys };

#define VOL_IN "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">" \
	"<KEYBINDING NAME=\"CreationClassName\"><KEYVALUE VALUETYPE=\"string\" " \
	"TYPE=\"string\">TPD_StorageVolume</KEYVALUE></KEYBINDING>" \
	"<KEYBINDING NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"string\" " \
	"TYPE=\"string\">101</KEYVALUE></KEYBINDING></INSTANCENAME>"
#define LNS "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>" \
	"<NAMESPACE NAME=\"tpd\"/></LOCALNAMESPACEPATH>"

static void
test_path_forms(void **state)
{
	struct cim_keybinding pk[] = {
		{ "SystemElement", CIM_KEY_REF, NULL, &vol },
		{ "N", CIM_KEY_NUMERIC, "5", NULL },
		{ "B", CIM_KEY_BOOLEAN, "TRUE", NULL },
	};
	struct cim_path pair = { NULL, NULL, "TPD_StorageSynchronized", false,
	    3, pk };
	struct cim_path cls = { NULL, "root/tpd", "CIM_X", true, 0, NULL };

	(void)state;
	cimxml_write_path(&b, &vol, CIM_PF_INSTANCENAME, "h", "root/tpd");
	assert_buf(VOL_IN);
	cimxml_write_path(&b, &vol, CIM_PF_LOCALINSTANCEPATH, "h", "root/tpd");
	assert_buf("<LOCALINSTANCEPATH>" LNS VOL_IN "</LOCALINSTANCEPATH>");
	cimxml_write_path(&b, &vol, CIM_PF_INSTANCEPATH, "array1", "root/tpd");
	assert_buf("<INSTANCEPATH><NAMESPACEPATH><HOST>array1</HOST>" LNS
	    "</NAMESPACEPATH>" VOL_IN "</INSTANCEPATH>");
	cimxml_write_path(&b, &vol, CIM_PF_OBJECTPATH, NULL, "interop");
	assert_buf("<OBJECTPATH><INSTANCEPATH><NAMESPACEPATH><HOST>localhost"
	    "</HOST><LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/>"
	    "</LOCALNAMESPACEPATH></NAMESPACEPATH>" VOL_IN "</INSTANCEPATH>"
	    "</OBJECTPATH>");
	/* No namespace anywhere: a local form degrades to the name. */
	cimxml_write_path(&b, &vol, CIM_PF_LOCALINSTANCEPATH, NULL, NULL);
	assert_buf(VOL_IN);
	/* Nested reference: LOCALINSTANCEPATH in the caller's namespace. */
	cimxml_write_path(&b, &pair, CIM_PF_INSTANCENAME, "h", "root/tpd");
	assert_buf("<INSTANCENAME CLASSNAME=\"TPD_StorageSynchronized\">"
	    "<KEYBINDING NAME=\"SystemElement\"><VALUE.REFERENCE>"
	    "<LOCALINSTANCEPATH>" LNS VOL_IN "</LOCALINSTANCEPATH>"
	    "</VALUE.REFERENCE></KEYBINDING>"
	    "<KEYBINDING NAME=\"N\"><KEYVALUE VALUETYPE=\"numeric\">5"
	    "</KEYVALUE></KEYBINDING>"
	    "<KEYBINDING NAME=\"B\"><KEYVALUE VALUETYPE=\"boolean\" "
	    "TYPE=\"boolean\">TRUE</KEYVALUE></KEYBINDING></INSTANCENAME>");
	/* A nested path with a host stays an INSTANCEPATH. */
	vol.host = "far";
	cimxml_write_path(&b, &pair, CIM_PF_INSTANCENAME, "h", "root/tpd");
	assert_non_null(strstr(b.data, "<VALUE.REFERENCE><INSTANCEPATH>"
	    "<NAMESPACEPATH><HOST>far</HOST>"));
	vol.host = NULL;
	b.len = 0;
	cimxml_write_path(&b, &cls, CIM_PF_OBJECTPATH, "h", NULL);
	assert_buf("<OBJECTPATH><CLASSPATH><NAMESPACEPATH><HOST>h</HOST>" LNS
	    "</NAMESPACEPATH><CLASSNAME NAME=\"CIM_X\"/></CLASSPATH>"
	    "</OBJECTPATH>");
	cimxml_write_path(&b, &cls, CIM_PF_LOCALINSTANCEPATH, "h", NULL);
	assert_buf("<LOCALCLASSPATH>" LNS "<CLASSNAME NAME=\"CIM_X\"/>"
	    "</LOCALCLASSPATH>");
	cimxml_write_localnamespace(&b, "a<b");
	assert_buf("<LOCALNAMESPACEPATH><NAMESPACE NAME=\"a&lt;b\"/>"
	    "</LOCALNAMESPACEPATH>");
}

static void
test_instance(void **state)
{
	static const char *ops[] = { "2", NULL, "17" };
	static const char *empty[1] = { NULL };
	struct cim_prop props[] = {
		{ .name = "InstanceID", .type = CIM_T_STRING, .text = "a&b" },
		{ .name = "ErrorDescription", .type = CIM_T_STRING,
		    .is_null = true },
		{ .name = "ErrorCode", .type = CIM_T_UINT16 },
		{ .name = "OperationalStatus", .type = CIM_T_UINT16,
		    .is_array = true, .n = 3, .items = ops },
		{ .name = "Nulls", .type = CIM_T_STRING, .is_array = true },
		{ .name = "Empty", .type = CIM_T_STRING, .is_array = true,
		    .n = 0, .items = empty },
		{ .name = "SystemElement", .type = CIM_T_REFERENCE,
		    .ref = &vol, .refclass = "CIM_ManagedElement" },
		{ .name = "NoRef", .type = CIM_T_REFERENCE },
		{ .name = "Err", .type = CIM_T_STRING, .text = "<I/>",
		    .embedded_instance = true },
	};
	struct cim_instance in = { "TPD_X", sizeof(props) / sizeof(props[0]),
	    props };
	static const char *const plist[] = { "errorcode", "INSTANCEID", "zz" };
	struct cim_arena *a = cim_arena_new(1 << 16);
	char *s;

	(void)state;
	vol.ns = "root/tpd";
	cimxml_write_instance(&b, &in, NULL, 0, true);
	assert_buf("<INSTANCE CLASSNAME=\"TPD_X\">"
	    "<PROPERTY NAME=\"InstanceID\" TYPE=\"string\"><VALUE>a&amp;b"
	    "</VALUE></PROPERTY>"
	    "<PROPERTY NAME=\"ErrorDescription\" TYPE=\"string\"></PROPERTY>"
	    "<PROPERTY NAME=\"ErrorCode\" TYPE=\"uint16\"></PROPERTY>"
	    "<PROPERTY.ARRAY NAME=\"OperationalStatus\" TYPE=\"uint16\">"
	    "<VALUE.ARRAY><VALUE>2</VALUE><VALUE.NULL/><VALUE>17</VALUE>"
	    "</VALUE.ARRAY></PROPERTY.ARRAY>"
	    "<PROPERTY.ARRAY NAME=\"Nulls\" TYPE=\"string\"></PROPERTY.ARRAY>"
	    "<PROPERTY.ARRAY NAME=\"Empty\" TYPE=\"string\"><VALUE.ARRAY>"
	    "</VALUE.ARRAY></PROPERTY.ARRAY>"
	    "<PROPERTY.REFERENCE NAME=\"SystemElement\" "
	    "REFERENCECLASS=\"CIM_ManagedElement\"><VALUE.REFERENCE>"
	    "<LOCALINSTANCEPATH>" LNS VOL_IN "</LOCALINSTANCEPATH>"
	    "</VALUE.REFERENCE></PROPERTY.REFERENCE>"
	    "<PROPERTY.REFERENCE NAME=\"NoRef\"></PROPERTY.REFERENCE>"
	    "<PROPERTY NAME=\"Err\" TYPE=\"string\" EMBEDDEDOBJECT=\"instance\">"
	    "<VALUE>&lt;I/&gt;</VALUE></PROPERTY></INSTANCE>");
	vol.ns = NULL;
	/* Property list: case-insensitive, instance order, unknowns ignored. */
	cimxml_write_instance(&b, &in, plist, 3, false);
	assert_buf("<INSTANCE CLASSNAME=\"TPD_X\">"
	    "<PROPERTY NAME=\"InstanceID\" TYPE=\"string\"><VALUE>a&amp;b"
	    "</VALUE></PROPERTY>"
	    "<PROPERTY NAME=\"ErrorCode\" TYPE=\"uint16\"></PROPERTY>"
	    "</INSTANCE>");
	cimxml_write_instance(&b, &in, plist, 0, false);	/* empty list */
	assert_buf("<INSTANCE CLASSNAME=\"TPD_X\"></INSTANCE>");
	in.nprops = 1;
	s = cimxml_instance_to_string(a, &in);
	assert_string_equal(s, "<INSTANCE CLASSNAME=\"TPD_X\"><PROPERTY "
	    "NAME=\"InstanceID\" TYPE=\"string\"><VALUE>a&amp;b</VALUE>"
	    "</PROPERTY></INSTANCE>");
	cim_arena_free(a);
}

static void
test_class(void **state)
{
	static const char *const vm[] = { "2", "3" };
	static const char *const vv[] = { "Detach", "Fracture" };
	static const struct cim_class_param params[] = {
		{ "Operation", CIM_T_UINT16, false, NULL,
		    { .in = true, .required = true, .nvaluemap = 2,
		    .valuemap = vm, .values = vv } },
		{ "Job", CIM_T_REFERENCE, false, "CIM_ConcreteJob",
		    { .out = true } },
		{ "Elems", CIM_T_REFERENCE, true, "CIM_ManagedElement", { 0 } },
		{ "Names", CIM_T_STRING, true, NULL, { .in = true, .out = true } },
	};
	static const struct cim_class_method methods[] = {
		{ "ModifySynchronization", CIM_T_UINT32, "CIM_SCS", 4, params,
		    { 0 } },
	};
	static const struct cim_class_prop props[] = {
		{ "Name", CIM_T_STRING, false, NULL, "CIM_System",
		    { .key = true } },
		{ "Ops", CIM_T_UINT16, true, NULL, "CIM_MSE",
		    { .description = "a<b" } },
		{ "Sys", CIM_T_REFERENCE, false, "CIM_System", "TPD_X",
		    { .embedded_instance = "CIM_Error" } },
	};
	static const struct cim_class cls = { "TPD_X", "CIM_Y",
	    { .is_abstract = true, .association = true }, 3, props, 1,
	    methods };
	static const char *const plist[] = { "NAME" };

	(void)state;
	cimxml_write_class(&b, &cls, false, false, NULL, 0);
	assert_buf("<CLASS NAME=\"TPD_X\" SUPERCLASS=\"CIM_Y\">"
	    "<PROPERTY NAME=\"Name\" TYPE=\"string\"></PROPERTY>"
	    "<PROPERTY.ARRAY NAME=\"Ops\" TYPE=\"uint16\"></PROPERTY.ARRAY>"
	    "<PROPERTY.REFERENCE NAME=\"Sys\" REFERENCECLASS=\"CIM_System\">"
	    "</PROPERTY.REFERENCE>"
	    "<METHOD NAME=\"ModifySynchronization\" TYPE=\"uint32\">"
	    "<PARAMETER NAME=\"Operation\" TYPE=\"uint16\"></PARAMETER>"
	    "<PARAMETER.REFERENCE NAME=\"Job\" REFERENCECLASS=\"CIM_ConcreteJob\">"
	    "</PARAMETER.REFERENCE>"
	    "<PARAMETER.REFARRAY NAME=\"Elems\" "
	    "REFERENCECLASS=\"CIM_ManagedElement\"></PARAMETER.REFARRAY>"
	    "<PARAMETER.ARRAY NAME=\"Names\" TYPE=\"string\"></PARAMETER.ARRAY>"
	    "</METHOD></CLASS>");
	cimxml_write_class(&b, &cls, true, true, plist, 1);
	assert_buf("<CLASS NAME=\"TPD_X\" SUPERCLASS=\"CIM_Y\">"
	    "<QUALIFIER NAME=\"Abstract\" TYPE=\"boolean\"><VALUE>TRUE</VALUE>"
	    "</QUALIFIER><QUALIFIER NAME=\"Association\" TYPE=\"boolean\">"
	    "<VALUE>TRUE</VALUE></QUALIFIER>"
	    "<PROPERTY NAME=\"Name\" TYPE=\"string\" CLASSORIGIN=\"CIM_System\">"
	    "<QUALIFIER NAME=\"Key\" TYPE=\"boolean\"><VALUE>TRUE</VALUE>"
	    "</QUALIFIER></PROPERTY>"
	    "<METHOD NAME=\"ModifySynchronization\" TYPE=\"uint32\" "
	    "CLASSORIGIN=\"CIM_SCS\">"
	    "<PARAMETER NAME=\"Operation\" TYPE=\"uint16\">"
	    "<QUALIFIER NAME=\"In\" TYPE=\"boolean\"><VALUE>TRUE</VALUE>"
	    "</QUALIFIER><QUALIFIER NAME=\"Required\" TYPE=\"boolean\">"
	    "<VALUE>TRUE</VALUE></QUALIFIER>"
	    "<QUALIFIER NAME=\"ValueMap\" TYPE=\"string\"><VALUE.ARRAY>"
	    "<VALUE>2</VALUE><VALUE>3</VALUE></VALUE.ARRAY></QUALIFIER>"
	    "<QUALIFIER NAME=\"Values\" TYPE=\"string\"><VALUE.ARRAY>"
	    "<VALUE>Detach</VALUE><VALUE>Fracture</VALUE></VALUE.ARRAY>"
	    "</QUALIFIER></PARAMETER>"
	    "<PARAMETER.REFERENCE NAME=\"Job\" REFERENCECLASS=\"CIM_ConcreteJob\">"
	    "<QUALIFIER NAME=\"In\" TYPE=\"boolean\"><VALUE>FALSE</VALUE>"
	    "</QUALIFIER><QUALIFIER NAME=\"Out\" TYPE=\"boolean\"><VALUE>TRUE"
	    "</VALUE></QUALIFIER></PARAMETER.REFERENCE>"
	    "<PARAMETER.REFARRAY NAME=\"Elems\" "
	    "REFERENCECLASS=\"CIM_ManagedElement\"></PARAMETER.REFARRAY>"
	    "<PARAMETER.ARRAY NAME=\"Names\" TYPE=\"string\">"
	    "<QUALIFIER NAME=\"In\" TYPE=\"boolean\"><VALUE>TRUE</VALUE>"
	    "</QUALIFIER><QUALIFIER NAME=\"Out\" TYPE=\"boolean\"><VALUE>TRUE"
	    "</VALUE></QUALIFIER></PARAMETER.ARRAY></METHOD></CLASS>");
	/* EmbeddedInstance and Description are string qualifiers. */
	cimxml_write_class(&b, &cls, true, false, NULL, 0);
	assert_non_null(strstr(b.data, "<QUALIFIER NAME=\"EmbeddedInstance\" "
	    "TYPE=\"string\"><VALUE>CIM_Error</VALUE></QUALIFIER>"));
	assert_non_null(strstr(b.data, "<QUALIFIER NAME=\"Description\" "
	    "TYPE=\"string\"><VALUE>a&lt;b</VALUE></QUALIFIER>"));
	b.len = 0;
}

/* Write a path inside a request, parse it back, compare. */
static void
roundtrip(const struct cim_path *p, enum cim_pathform form)
{
	struct cim_arena *a = cim_arena_new(1 << 20);
	struct cim_request r;
	struct cimxml_err err;
	struct cim_buf w;

	cim_buf_init(&w);
	cim_buf_puts(&w, "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
	    "ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"X\">"
	    LNS "<IPARAMVALUE NAME=\"P\"><VALUE.REFERENCE>");
	cimxml_write_path(&w, p, form, "host", "root/tpd");
	cim_buf_puts(&w, "</VALUE.REFERENCE></IPARAMVALUE></IMETHODCALL>"
	    "</SIMPLEREQ></MESSAGE></CIM>");
	if (cimxml_parse_request(w.data, w.len, NULL, a, &r, &err) != 0)
		fail_msg("%s: %s\n%s", err.token, err.msg, w.data);
	assert_true(cim_path_equal(p, r.params[0].value.ref));
	cim_buf_release(&w);
	cim_arena_free(a);
}

static void
test_roundtrip(void **state)
{
	struct cim_keybinding vk[] = {
		{ "CreationClassName", CIM_KEY_STRING, "TPD_StorageVolume", NULL },
		{ "DeviceID", CIM_KEY_STRING, " 1&<>\"'\t\r\n2 ", NULL },
		{ "N", CIM_KEY_NUMERIC, "-42", NULL },
		{ "B", CIM_KEY_BOOLEAN, "false", NULL },
		{ "E", CIM_KEY_STRING, "", NULL },
	};
	struct cim_path v = { "far", "root/other", "TPD_StorageVolume", false,
	    5, vk };
	struct cim_keybinding pk[] = {
		{ "SyncedElement", CIM_KEY_REF, NULL, &v },
		{ "SystemElement", CIM_KEY_REF, NULL, &vol },
	};
	struct cim_path pair = { NULL, NULL, "TPD_StorageSynchronized", false,
	    2, pk };
	struct cim_keybinding uk[] = { { NULL, CIM_KEY_STRING, "x", NULL } };
	struct cim_path unnamed = { NULL, NULL, "S", false, 1, uk };
	struct cim_path cls = { NULL, NULL, "C", true, 0, NULL };
	enum cim_pathform f;

	(void)state;
	for (f = CIM_PF_INSTANCENAME; f <= CIM_PF_INSTANCEPATH; f++) {
		roundtrip(&vol, f);
		roundtrip(&v, f);
		roundtrip(&pair, f);
		roundtrip(&unnamed, f);
		roundtrip(&cls, f);
	}
}

/* cim_buf max (issue 8): exact at the cap, over flags oom and over. */
static void
test_buf_max(void **state)
{
	struct cim_buf mb;
	char *s;
	size_t len;

	(void)state;
	cim_buf_init(&mb);
	mb.max = 10;
	cim_buf_puts(&mb, "12345");
	cim_buf_printf(&mb, "%d", 678);	/* 128-byte guess is not a write */
	cim_buf_put(&mb, "90", 2);
	assert_false(mb.oom);
	assert_int_equal(mb.len, 10);
	s = cim_buf_steal(&mb, &len);
	assert_string_equal(s, "1234567890");
	free(s);
	mb.max = 10;
	cim_buf_puts(&mb, "1234567890");
	cim_buf_puts(&mb, "x");
	assert_true(mb.oom);
	assert_true(mb.over);
	assert_int_equal(mb.len, 10);	/* nothing of the write kept */
	cim_buf_release(&mb);
	mb.max = 10;
	cim_buf_puts(&mb, "12345678");
	cim_buf_printf(&mb, "%s", "abc");
	assert_true(mb.over);
	cim_buf_release(&mb);
	/* Out of memory without a cap is not "over". */
	cim_buf_puts(&mb, "no cap");
	assert_false(mb.oom);
	assert_false(mb.over);
	cim_buf_release(&mb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_class, setup, teardown),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_buf_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
