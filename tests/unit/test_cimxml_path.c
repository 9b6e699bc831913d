/* SPDX-License-Identifier: ISC */
/*
 * test_cimxml_path.c - cim_path_equal/cim_path_key, the CIMObject header
 * parser, %-decoding, the arena, and the scalar helpers of types.c.
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

static struct cim_arena *a;

static int
setup(void **state)
{
	(void)state;
	a = cim_arena_new(1 << 20);
	return a != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	cim_arena_free(a);
	return 0;
}

static struct cim_path *
hdr(const char *s)
{
	struct cim_path *p = cim_arena_alloc(a, sizeof(*p));

	assert_non_null(p);
	if (cimxml_parse_objhdr(s, a, p) != 0)
		fail_msg("objhdr refused: %s", s);
	return p;
}

#define VOL(id) "root/tpd:TPD_StorageVolume.CreationClassName=" \
	"\\\"TPD_StorageVolume\\\",DeviceID=\\\"" id "\\\"," \
	"SystemCreationClassName=\\\"TPD_StorageSystem\\\"," \
	"SystemName=\\\"2FF70002AC01A2B3\\\""

static void
test_objhdr(void **state)
{
	struct cim_path *p, q;
	const struct cim_keybinding *k;

	(void)state;
	p = hdr("root/tpd");
	assert_string_equal(p->ns, "root/tpd");
	assert_null(p->classname);
	p = hdr("root/tpd:TPD_StorageConfigurationService.CreationClassName="
	    "\"TPD_StorageConfigurationService\",Name=\"StorageConfiguration"
	    "Service\",SystemCreationClassName=\"TPD_StorageSystem\","
	    "SystemName=\"2FF70002AC01A2B3\"");
	assert_string_equal(p->ns, "root/tpd");
	assert_string_equal(p->classname, "TPD_StorageConfigurationService");
	assert_int_equal(p->nkeys, 4);
	assert_string_equal(cim_path_key(p, "systemname")->value,
	    "2FF70002AC01A2B3");
	p = hdr("root/tpd:C.K1=\"a\\\"b\\\\c,d\",K2=5,K3=0x1F,K4=true,K5=-1.5e3");
	assert_string_equal(cim_path_key(p, "K1")->value, "a\"b\\c,d");
	assert_int_equal(cim_path_key(p, "K2")->kind, CIM_KEY_NUMERIC);
	assert_int_equal(cim_path_key(p, "K3")->kind, CIM_KEY_NUMERIC);
	assert_int_equal(cim_path_key(p, "K4")->kind, CIM_KEY_BOOLEAN);
	assert_int_equal(cim_path_key(p, "K5")->kind, CIM_KEY_NUMERIC);
	/* Reference keys are quoted nested paths. */
	p = hdr("root/tpd:TPD_StorageSynchronized.SyncedElement=\"" VOL("102")
	    "\",SystemElement=\"" VOL("101") "\"");
	k = cim_path_key(p, "SystemElement");
	assert_int_equal(k->kind, CIM_KEY_REF);
	assert_string_equal(k->ref->ns, "root/tpd");
	assert_string_equal(cim_path_key(k->ref, "DeviceID")->value, "101");
	/* Strings that merely look path-ish stay strings. */
	p = hdr("root/tpd:TPD_ConcreteJob.InstanceID=\"TPD:2FF70002AC01A2B3:17\"");
	assert_int_equal(p->keys[0].kind, CIM_KEY_STRING);
	assert_string_equal(p->keys[0].value, "TPD:2FF70002AC01A2B3:17");
	p = hdr("//array1:5989/root/tpd:C.K=\"v\"");
	assert_string_equal(p->host, "array1:5989");
	assert_string_equal(p->ns, "root/tpd");
	p = hdr("root/tpd:TPD_X");
	assert_true(p->is_class);
	/* Refusals. */
	assert_int_equal(cimxml_parse_objhdr("", a, &q), -EINVAL);
	assert_int_equal(cimxml_parse_objhdr(":C.K=1", a, &q), -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C.K=\"open", a, &q),
	    -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C.K=bare", a, &q),
	    -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C.K=1,", a, &q),
	    -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C.=1", a, &q), -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:1C.K=1", a, &q),
	    -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C.K=\"v\"x", a, &q),
	    -EINVAL);
	assert_int_equal(cimxml_parse_objhdr("root/tpd:C K=1", a, &q), -EINVAL);
}

/* cimxml_path_to_uri writes what cimxml_parse_objhdr reads back. */
static void
test_path_to_uri(void **state)
{
	struct cim_keybinding vk[2] = {
		{ .name = "DeviceID", .value = "a\"b\\c" },
		{ .name = "Primordial", .kind = CIM_KEY_BOOLEAN,
		  .value = "FALSE" },
	};
	struct cim_path vol = { .ns = "root/tpd",
	    .classname = "TPD_StorageVolume", .nkeys = 2, .keys = vk };
	struct cim_keybinding pk[2] = {
		{ .name = "SystemElement", .kind = CIM_KEY_REF, .ref = &vol },
		{ .name = "Count", .kind = CIM_KEY_NUMERIC, .value = "42" },
	};
	struct cim_path pair = { .ns = "root/tpd",
	    .classname = "TPD_StorageSynchronized", .nkeys = 2, .keys = pk };
	const struct cim_keybinding *k;
	struct cim_path *back;
	char *uri;

	(void)state;
	uri = cimxml_path_to_uri(a, &vol);
	assert_string_equal(uri, "/root/tpd:TPD_StorageVolume."
	    "DeviceID=\"a\\\"b\\\\c\",Primordial=FALSE");
	back = hdr(uri + 1);
	assert_true(cim_path_equal(back, &vol));
	assert_string_equal(cim_path_key(back, "DeviceID")->value, "a\"b\\c");
	uri = cimxml_path_to_uri(a, &pair);
	assert_non_null(uri);
	back = hdr(uri + 1);
	assert_true(cim_path_equal(back, &pair));
	k = cim_path_key(back, "SystemElement");
	assert_int_equal(k->kind, CIM_KEY_REF);
	assert_string_equal(cim_path_key(k->ref, "DeviceID")->value,
	    "a\"b\\c");
	assert_int_equal(cim_path_key(back, "Count")->kind, CIM_KEY_NUMERIC);
	/* A host comes first, as DSP0207 has it. */
	vol.host = "array.example";
	assert_string_equal(cimxml_path_to_uri(a, &vol), "//array.example"
	    "/root/tpd:TPD_StorageVolume.DeviceID=\"a\\\"b\\\\c\","
	    "Primordial=FALSE");
}

static void
test_pct_decode(void **state)
{
	(void)state;
	assert_string_equal(cimxml_pct_decode(a, "root%2Ftpd%3AC.K%3D%22v%22"),
	    "root/tpd:C.K=\"v\"");
	assert_string_equal(cimxml_pct_decode(a, "plain+text"), "plain+text");
	assert_string_equal(cimxml_pct_decode(a, "%c3%A9"), "\xc3\xa9");
	assert_null(cimxml_pct_decode(a, "bad%2"));
	assert_null(cimxml_pct_decode(a, "bad%"));
	assert_null(cimxml_pct_decode(a, "bad%zz"));
	assert_null(cimxml_pct_decode(a, "nul%00"));
}

static void
test_path_equal(void **state)
{
	struct cim_path *x, *y;

	(void)state;
	x = hdr("root/tpd:TPD_StorageVolume.DeviceID=\"101\",SystemName=\"S\"");
	/* Case of class, key and namespace names; key order; host. */
	y = hdr("//h/ROOT/TPD:tpd_storagevolume.systemname=\"S\",deviceid=\"101\"");
	assert_true(cim_path_equal(x, y));
	/* String values are case-sensitive... */
	y = hdr("root/tpd:TPD_StorageVolume.DeviceID=\"101\",SystemName=\"s\"");
	assert_false(cim_path_equal(x, y));
	/* ...except *CreationClassName. */
	assert_true(cim_path_equal(
	    hdr("r:C.CreationClassName=\"TPD_X\",SystemCreationClassName=\"A\""),
	    hdr("r:C.creationclassname=\"tpd_x\",SystemCreationClassName=\"a\"")));
	/* Missing namespace matches any; different namespace does not. */
	x->ns = NULL;
	y = hdr("interop:TPD_StorageVolume.DeviceID=\"101\",SystemName=\"S\"");
	assert_true(cim_path_equal(x, y));
	x->ns = "root/tpd";
	assert_false(cim_path_equal(x, y));
	/* Missing, extra, duplicate keys. */
	assert_false(cim_path_equal(x, hdr("root/tpd:TPD_StorageVolume."
	    "DeviceID=\"101\"")));
	assert_false(cim_path_equal(x, hdr("root/tpd:TPD_StorageVolume."
	    "DeviceID=\"101\",DeviceID=\"101\"")));
	assert_false(cim_path_equal(hdr("r:C.K=\"1\",K=\"1\""),
	    hdr("r:C.K=\"1\",L=\"1\"")));
	/* Numbers compare as numbers, also against wbemcli's guesses. */
	assert_true(cim_path_equal(hdr("r:C.K=16"), hdr("r:C.K=0x10")));
	assert_true(cim_path_equal(hdr("r:C.K=\"16\""), hdr("r:C.K=16")));
	assert_true(cim_path_equal(hdr("r:C.K=-0"), hdr("r:C.K=0")));
	assert_false(cim_path_equal(hdr("r:C.K=-1"), hdr("r:C.K=1")));
	assert_true(cim_path_equal(hdr("r:C.K=TRUE"), hdr("r:C.K=true")));
	/* References recurse. */
	assert_true(cim_path_equal(hdr("r:A.R=\"" VOL("1") "\""),
	    hdr("r:a.r=\"" VOL("1") "\"")));
	assert_false(cim_path_equal(hdr("r:A.R=\"" VOL("1") "\""),
	    hdr("r:A.R=\"" VOL("2") "\"")));
	assert_false(cim_path_equal(hdr("r:A.R=\"" VOL("1") "\""),
	    hdr("r:A.R=\"x\"")));
	/* Class vs instance, NULLs. */
	assert_false(cim_path_equal(hdr("r:C"), hdr("r:C.K=1")));
	assert_true(cim_path_equal(hdr("r:C"), hdr("R:c")));
	assert_false(cim_path_equal(hdr("r:C"), hdr("x:C")));
	assert_true(cim_path_equal(NULL, NULL));
	assert_false(cim_path_equal(x, NULL));
	assert_null(cim_path_key(x, "nope"));
	assert_null(cim_path_key(NULL, "DeviceID"));
}

static void
test_arena(void **state)
{
	struct cim_arena *t;
	char *p, *q;
	size_t i;

	(void)state;
	t = cim_arena_new(64 * 1024);
	assert_non_null(t);
	for (i = 0; i < 100; i++) {
		p = cim_arena_alloc(t, 1 + i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_int_equal(p[i], 0);
		q = cim_arena_strdup(t, "abc");
		assert_string_equal(q, "abc");
	}
	assert_true(cim_arena_used(t) > 0);
	assert_string_equal(cim_arena_printf(t, "%d-%s", 42, "x"), "42-x");
	p = cim_arena_alloc(t, 3000);
	memset(p, 'y', 2999);
	p[2999] = '\0';
	assert_int_equal(strlen(cim_arena_printf(t, "%s%s", p, p)), 5998);
	/* The cap is hard and failure is clean. */
	assert_null(cim_arena_alloc(t, 1 << 20));
	assert_null(cim_arena_alloc(t, SIZE_MAX));
	while (cim_arena_alloc(t, 1000) != NULL)
		;
	for (i = 0; cim_arena_strdup(t, "more") != NULL; i++)
		assert_true(i < 1000);
	assert_null(cim_arena_alloc(t, 1));
	cim_arena_reset(t);
	assert_int_equal(cim_arena_used(t), 0);
	assert_non_null(cim_arena_alloc(t, 1000));
	assert_string_equal(cim_arena_strndup(t, "abcdef", 3), "abc");
	cim_arena_free(t);
	cim_arena_free(NULL);
	assert_null(cim_arena_new(16));	/* cannot even hold a block */
}

static void
test_types(void **state)
{
	int t;

	(void)state;
	for (t = CIM_T_BOOLEAN; t < CIM_T__MAX; t++)
		assert_int_equal(cim_type_parse(cim_type_name(t)), t);
	assert_null(cim_type_name(CIM_T_NONE));
	assert_null(cim_type_name(CIM_T__MAX));
	assert_int_equal(cim_type_parse("UINT16"), CIM_T_UINT16);
	assert_int_equal(cim_type_parse("int"), CIM_T_NONE);
	assert_int_equal(cim_type_parse(NULL), CIM_T_NONE);
	assert_true(cim_type_is_integer(CIM_T_SINT64));
	assert_false(cim_type_is_integer(CIM_T_REAL32));
	assert_false(cim_type_is_integer(CIM_T_BOOLEAN));
	assert_string_equal(cim_status_name(CIM_ERR_NOT_FOUND),
	    "CIM_ERR_NOT_FOUND");
	assert_string_equal(cim_status_name(CIM_ERR_SERVER_IS_SHUTTING_DOWN),
	    "CIM_ERR_SERVER_IS_SHUTTING_DOWN");
	assert_string_equal(cim_status_name(CIM_OK), "CIM_OK");
	assert_string_equal(cim_status_name((enum cim_status)99),
	    "CIM_ERR_FAILED");
}

static const struct int_case {
	const char *s;
	enum cim_type t;
	int rc;
	int64_t sv;
	uint64_t uv;
} int_cases[] = {
	{ "0", CIM_T_UINT8, 0, 0, 0 },
	{ "255", CIM_T_UINT8, 0, 255, 255 },
	{ "256", CIM_T_UINT8, -ERANGE, 0, 0 },
	{ "-1", CIM_T_UINT8, -ERANGE, 0, 0 },
	{ "-0", CIM_T_UINT16, 0, 0, 0 },
	{ " 4 ", CIM_T_UINT16, 0, 4, 4 },
	{ "+7", CIM_T_UINT16, 0, 7, 7 },
	{ "0x1000", CIM_T_UINT32, 0, 4096, 4096 },
	{ "0XfF", CIM_T_UINT8, 0, 255, 255 },
	{ "-128", CIM_T_SINT8, 0, -128, (uint64_t)-128 },
	{ "-129", CIM_T_SINT8, -ERANGE, 0, 0 },
	{ "127", CIM_T_SINT8, 0, 127, 127 },
	{ "128", CIM_T_SINT8, -ERANGE, 0, 0 },
	{ "65535", CIM_T_UINT16, 0, 65535, 65535 },
	{ "65536", CIM_T_UINT16, -ERANGE, 0, 0 },
	{ "-32768", CIM_T_SINT16, 0, -32768, (uint64_t)-32768 },
	{ "4294967295", CIM_T_UINT32, 0, 4294967295LL, 4294967295ULL },
	{ "4294967296", CIM_T_UINT32, -ERANGE, 0, 0 },
	{ "-2147483648", CIM_T_SINT32, 0, INT32_MIN, (uint64_t)INT32_MIN },
	{ "18446744073709551615", CIM_T_UINT64, 0, -1, UINT64_MAX },
	{ "18446744073709551616", CIM_T_UINT64, -ERANGE, 0, 0 },
	{ "-9223372036854775808", CIM_T_SINT64, 0, INT64_MIN,
	    (uint64_t)INT64_MIN },
	{ "9223372036854775808", CIM_T_SINT64, -ERANGE, 0, 0 },
	{ "", CIM_T_UINT16, -EINVAL, 0, 0 },
	{ "0x", CIM_T_UINT16, -EINVAL, 0, 0 },
	{ "4a", CIM_T_UINT16, -EINVAL, 0, 0 },
	{ "1.5", CIM_T_UINT16, -EINVAL, 0, 0 },
	{ "- 1", CIM_T_SINT16, -EINVAL, 0, 0 },
	{ "4", CIM_T_STRING, -EINVAL, 0, 0 },
};

static void
test_parse_int_bool(void **state)
{
	int64_t sv;
	uint64_t uv;
	bool bv;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		int rc = cim_parse_int(c->s, c->t, &sv, &uv);

		if (rc != c->rc)
			fail_msg("\"%s\" as %s: %d, want %d", c->s,
			    cim_type_name(c->t), rc, c->rc);
		if (rc == 0 && (sv != c->sv || uv != c->uv))
			fail_msg("\"%s\": %lld/%llu", c->s, (long long)sv,
			    (unsigned long long)uv);
	}
	assert_int_equal(cim_parse_int(NULL, CIM_T_UINT8, NULL, NULL), -EINVAL);
	assert_int_equal(cim_parse_int("1", CIM_T_UINT8, NULL, NULL), 0);
	assert_int_equal(cim_parse_bool("TRUE", &bv), 0);
	assert_true(bv);
	assert_int_equal(cim_parse_bool(" false\n", &bv), 0);
	assert_false(bv);
	assert_int_equal(cim_parse_bool("tRuE", &bv), 0);
	assert_true(bv);
	assert_int_equal(cim_parse_bool("1", &bv), -EINVAL);
	assert_int_equal(cim_parse_bool("truex", &bv), -EINVAL);
	assert_int_equal(cim_parse_bool("", &bv), -EINVAL);
	assert_int_equal(cim_parse_bool(NULL, &bv), -EINVAL);
}

static void
test_datetime(void **state)
{
	char out[26];

	(void)state;
	cim_datetime_format(0, out);
	assert_string_equal(out, "19700101000000.000000+000");
	cim_datetime_format(INT64_C(1370961005123456), out);
	assert_string_equal(out, "20130611143005.123456+000");
	cim_datetime_format(-1, out);
	assert_string_equal(out, "19691231235959.999999+000");
	cim_datetime_format(INT64_MAX, out);
	assert_string_equal(out, "99991231235959.999999+000");
	assert_true(cim_datetime_valid(out));
	cim_interval_format(INT64_C(300000000), out);
	assert_string_equal(out, "00000000000500.000000:000");
	cim_interval_format(INT64_C(90061000001), out);
	assert_string_equal(out, "00000001010101.000001:000");
	cim_interval_format(-5, out);
	assert_string_equal(out, "00000000000000.000000:000");
	cim_interval_format(INT64_MAX, out);
	assert_true(cim_datetime_valid(out));
	assert_true(cim_datetime_valid("20130611163005.123456+120"));
	assert_true(cim_datetime_valid("20130611163005.123456-300"));
	assert_true(cim_datetime_valid("2013**11163005.123***+000"));
	assert_true(cim_datetime_valid("00000000000500.000000:000"));
	assert_true(cim_datetime_valid("********000500.******:000"));
	assert_false(cim_datetime_valid("20180911124613.128***:000x"));
	assert_false(cim_datetime_valid("20131311163005.123456+000"));
	assert_false(cim_datetime_valid("20130600163005.123456+000"));
	assert_false(cim_datetime_valid("20130611243005.123456+000"));
	assert_false(cim_datetime_valid("20130611163005.12*456+000"));
	assert_false(cim_datetime_valid("201306111630051123456+000"));
	assert_false(cim_datetime_valid("20130611163005.123456*000"));
	assert_false(cim_datetime_valid("00000000240000.000000:000"));
	assert_false(cim_datetime_valid("00000000000500.000000:001"));
	assert_false(cim_datetime_valid("2*130611163005.123456+000"));
	assert_false(cim_datetime_valid(""));
	assert_false(cim_datetime_valid(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_objhdr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_to_uri, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pct_decode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path_equal, setup,
		    teardown),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_parse_int_bool),
		cmocka_unit_test(test_datetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
