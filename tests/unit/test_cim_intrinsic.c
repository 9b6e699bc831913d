/* SPDX-License-Identifier: ISC */
/*
 * test_cim_intrinsic.c - op_intrinsic() end to end on parsed CIM-XML:
 * a replica set with fake copy ops in a temporary folder, one pool and four
 * volumes, jobs and pairs made through the replica API; assertions on the
 * XML the operations write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_replica.h"

#include "conf/conf.h"
#include "cim/intrinsic_int.h"

#define SYS	"2FF70002AC01A2B3"

struct env {
	struct fake_rep f;
	struct replica_set *rs;
	struct conf *conf;
	struct cim_arena *arena;
	char *out;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct replica_config cfg = { 0 };
	struct replica_ops ops;
	static const char *const names[] = { "a", "b", "c", "small" };
	char err[256], path[400];
	uint32_t id;

	fake_rep_init(&e->f);
	ops = fake_rep_ops(&e->f);
	cfg.db_path = e->f.db;
	cfg.system_name = SYS;
	cfg.max_copy_tasks = 2;
	if (replica_set_open(&cfg, &ops, &e->rs, err, sizeof(err)) != 0)
		return -1;
	if (replica_pool_add(e->rs, "p0", e->f.dir) != 0)
		return -1;
	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.img", e->f.dir, names[i]);
		if (replica_volume_configure(e->rs, names[i], "p0", path,
		    i == 3 ? 512 * 1024 : 1024 * 1024, 101 + i, &id) != 0)
			return -1;
	}
	if (replica_set_start(e->rs) != 0)
		return -1;
	e->conf = conf_defaults();
	e->conf->replication_service = true;
	e->conf->pools = calloc(1, sizeof(*e->conf->pools));
	e->conf->pools[0].name = strdup("p0");
	e->conf->pools[0].path = strdup(e->f.dir);
	e->conf->npools = 1;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	free(e->out);
	cim_arena_free(e->arena);
	replica_set_free(e->rs);
	conf_free(e->conf);
	fake_rep_cleanup(&e->f);
	free(e);
	return 0;
}

/*
 * Between two slices of a sliced call (call_sliced): the test's chance to
 * change the array.  Called with the slice number (1, 2 ...).
 */
static void (*between_slices)(struct env *e, unsigned n);

/*
 * Run one intrinsic call; returns the IMETHODRESPONSE content.  sliced:
 * with a slice time already past, so an enumeration writes one object per
 * slice; the slices are resumed until the answer is complete.
 */
static const char *
call_full(struct env *e, enum op_role role, const char *ns,
    const char *method, const char *params, bool sliced)
{
	static char body[1 << 20];
	char nsxml[256] = "";
	unsigned slices = 0;
	struct cim_request r;
	struct cimxml_err err;
	struct cim_buf b;
	struct op_ctx c;
	char *save, *tok, nsbuf[64];

	snprintf(nsbuf, sizeof(nsbuf), "%s", ns);
	for (tok = strtok_r(nsbuf, "/", &save); tok;
	    tok = strtok_r(NULL, "/", &save))
		snprintf(nsxml + strlen(nsxml), sizeof(nsxml) - strlen(nsxml),
		    "<NAMESPACE NAME=\"%s\"/>", tok);
	snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"utf-8\" "
	    "?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1001\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"%s\">"
	    "<LOCALNAMESPACEPATH>%s</LOCALNAMESPACEPATH>%s</IMETHODCALL>"
	    "</SIMPLEREQ></MESSAGE></CIM>", method, nsxml, params);
	cim_arena_free(e->arena);
	e->arena = cim_arena_new(64 << 20);
	assert_non_null(e->arena);
	memset(&r, 0, sizeof(r));
	if (cimxml_parse_request(body, strlen(body), NULL, e->arena, &r,
	    &err) != 0) {
		fprintf(stderr, "parse: %s %s\n%s\n", err.token, err.msg, body);
		fail();
	}
	memset(&c, 0, sizeof(c));
	c.conf = e->conf;
	c.rs = e->rs;
	c.host = "array1.example";
	c.user = "tester";
	c.role = role;
	c.arena = e->arena;
	c.req = &r;
	c.ns = model_ns_canon(r.ns);
	cim_buf_init(&b);
	c.out = &b;
	assert_non_null(c.ns);
	c.slice_until = sliced ? 1 : 0;
	op_intrinsic(&c);
	while (c.cont != NULL) {
		assert_true(sliced);
		slices++;
		if (between_slices != NULL)
			between_slices(e, slices);
		op_intrinsic_resume(&c);
	}
	assert_false(b.oom);
	cim_buf_puts(&b, "");
	free(e->out);
	e->out = cim_buf_steal(&b, NULL);
	if (getenv("SHOW_XML"))
		fprintf(stderr, "%s: %s\n", method, e->out);
	return e->out;
}

static const char *
call_as(struct env *e, enum op_role role, const char *ns,
    const char *method, const char *params)
{
	return call_full(e, role, ns, method, params, false);
}

static const char *
call(struct env *e, const char *ns, const char *method, const char *params)
{
	return call_as(e, OP_ROLE_EDIT, ns, method, params);
}

static const char *
call_sliced(struct env *e, const char *ns, const char *method,
    const char *params)
{
	return call_full(e, OP_ROLE_EDIT, ns, method, params, true);
}

static unsigned
count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

#define HAS(s, x)	do { if (strstr((s), (x)) == NULL) { \
	fprintf(stderr, "missing: %s\nin: %s\n", (x), (s)); fail(); } } while (0)
#define LACKS(s, x)	do { if (strstr((s), (x)) != NULL) { \
	fprintf(stderr, "unexpected: %s\nin: %s\n", (x), (s)); fail(); } } while (0)

#define CLS(n)	"<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"" n \
	"\"/></IPARAMVALUE>"
#define KB(n, v) "<KEYBINDING NAME=\"" n "\"><KEYVALUE VALUETYPE=\"string\">" \
	v "</KEYVALUE></KEYBINDING>"
#define VOLKEYS(id) KB("CreationClassName", "TPD_StorageVolume") \
	KB("DeviceID", id) KB("SystemCreationClassName", "TPD_StorageSystem") \
	KB("SystemName", SYS)
#define VOLNAME(id) "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">" \
	VOLKEYS(id) "</INSTANCENAME>"
#define INAME(x) "<IPARAMVALUE NAME=\"InstanceName\">" x "</IPARAMVALUE>"
#define ONAME(x) "<IPARAMVALUE NAME=\"ObjectName\">" x "</IPARAMVALUE>"
#define JOBNAME(id) "<INSTANCENAME CLASSNAME=\"TPD_ConcreteJob\">" \
	KB("InstanceID", "TPD:" SYS ":" id) "</INSTANCENAME>"
#define PLIST(...) "<IPARAMVALUE NAME=\"PropertyList\"><VALUE.ARRAY>" \
	__VA_ARGS__ "</VALUE.ARRAY></IPARAMVALUE>"

static uint64_t
attach(struct env *e, uint32_t src, uint32_t tgt)
{
	struct replica_caller who = { "tester", "AttachOrModifyReplica" };
	struct replica_result res;

	assert_int_equal(replica_attach(e->rs, src, tgt, 4, &who, &res), 0);
	assert_int_equal(res.rc, 4096);
	return res.job_id;
}

static void
test_get_instance_forms(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "root/tpd", "GetInstance", INAME(VOLNAME("101")));
	HAS(o, "<IRETURNVALUE><INSTANCE CLASSNAME=\"TPD_StorageVolume\">");
	HAS(o, "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>a</VALUE>");
	HAS(o, "<VALUE>2048</VALUE>");	/* NumberOfBlocks 1 MiB / 512 */
	HAS(o, "</IRETURNVALUE>");
	/* Shuffled keys, lower-case class and key names, numeric DeviceID. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"tpd_storagevolume\">"
	    KB("systemname", SYS) KB("SystemCreationClassName",
	    "TPD_StorageSystem") "<KEYBINDING NAME=\"deviceid\"><KEYVALUE "
	    "VALUETYPE=\"numeric\">102</KEYVALUE></KEYBINDING>"
	    KB("CREATIONCLASSNAME", "tpd_storagevolume") "</INSTANCENAME>"));
	HAS(o, "<VALUE>b</VALUE>");
	/* Superclass name resolves to the TPD_ instance. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">" VOLKEYS("103")
	    "</INSTANCENAME>"));
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_StorageVolume\">");
	/* Foreign system: not found. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
	    KB("CreationClassName", "TPD_StorageVolume") KB("DeviceID", "101")
	    KB("SystemCreationClassName", "TPD_StorageSystem")
	    KB("SystemName", "OTHER") "</INSTANCENAME>"));
	HAS(o, "<ERROR CODE=\"6\"");
	/* Missing key: matches nothing. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
	    KB("DeviceID", "101") "</INSTANCENAME>"));
	HAS(o, "<ERROR CODE=\"6\"");
	/* No such volume. */
	o = call(e, "root/tpd", "GetInstance", INAME(VOLNAME("999")));
	HAS(o, "<ERROR CODE=\"6\"");
	/* Unknown class. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"XYZ_Nothing\">" KB("A", "1")
	    "</INSTANCENAME>"));
	HAS(o, "<ERROR CODE=\"5\"");
	/* Wrong kind of value for InstanceName. */
	o = call(e, "root/tpd", "GetInstance",
	    "<IPARAMVALUE NAME=\"InstanceName\"><VALUE>x</VALUE></IPARAMVALUE>");
	HAS(o, "<ERROR CODE=\"4\"");
	/* Missing required parameter, unknown parameter. */
	o = call(e, "root/tpd", "GetInstance", "");
	HAS(o, "<ERROR CODE=\"4\"");
	o = call(e, "root/tpd", "GetInstance", INAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"Bogus\"><VALUE>1</VALUE></IPARAMVALUE>");
	HAS(o, "<ERROR CODE=\"7\"");
}

static void
test_get_instance_paths(void **state)
{
	struct env *e = *state;
	const char *o;

	/* LOCALINSTANCEPATH inside VALUE.REFERENCE and INSTANCEPATH forms. */
	o = call(e, "root/tpd", "GetInstance",
	    "<IPARAMVALUE NAME=\"InstanceName\"><INSTANCENAME CLASSNAME="
	    "\"TPD_StorageSystem\">" KB("Name", SYS) KB("CreationClassName",
	    "TPD_StorageSystem") "</INSTANCENAME></IPARAMVALUE>");
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_StorageSystem\">");
	HAS(o, "<VALUE>" SYS "</VALUE>");
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"TPD_StorageConfigurationService\">"
	    KB("CreationClassName", "TPD_StorageConfigurationService")
	    KB("Name", "StorageConfigurationService")
	    KB("SystemCreationClassName", "TPD_StorageSystem")
	    KB("SystemName", SYS) "</INSTANCENAME>"));
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_StorageConfigurationService\">");
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_StoragePool\">"
	    KB("InstanceID", "TPD:" SYS ":p0") "</INSTANCENAME>"));
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_StoragePool\">");
	HAS(o, "NAME=\"Primordial\" TYPE=\"boolean\"><VALUE>FALSE</VALUE>");
}

static void
test_job_instance(void **state)
{
	struct env *e = *state;
	uint64_t j = attach(e, 101, 102);
	char id[32];
	const char *o;

	assert_int_equal(j, 1);
	snprintf(id, sizeof(id), "%llu", (unsigned long long)j);
	o = call(e, "root/tpd", "GetInstance", INAME(JOBNAME("1")));
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_ConcreteJob\">");
	HAS(o, "NAME=\"JobState\" TYPE=\"uint16\"><VALUE>4</VALUE>");
	HAS(o, "NAME=\"PercentComplete\" TYPE=\"uint16\"><VALUE>0</VALUE>");
	HAS(o, "NAME=\"ErrorCode\" TYPE=\"uint16\"><VALUE>0</VALUE>");
	HAS(o, "<VALUE>00000000000500.000000:000</VALUE>");
	HAS(o, "NAME=\"DeleteOnCompletion\" TYPE=\"boolean\"><VALUE>FALSE");
	assert_true(fake_rep_finish(&e->f, e->rs, j, 0, NULL));
	o = call(e, "root/tpd", "GetInstance", INAME(JOBNAME("1"))
	    PLIST("<VALUE>JobState</VALUE><VALUE>OperationalStatus</VALUE>"
	    "<VALUE>ErrorDescription</VALUE><VALUE>NotAProperty</VALUE>"));
	HAS(o, "NAME=\"JobState\" TYPE=\"uint16\"><VALUE>7</VALUE>");
	HAS(o, "<VALUE.ARRAY><VALUE>2</VALUE><VALUE>17</VALUE></VALUE.ARRAY>");
	/* NULL requested property present, keys always, others absent. */
	HAS(o, "<PROPERTY NAME=\"ErrorDescription\" TYPE=\"string\"></PROPERTY>");
	HAS(o, "NAME=\"InstanceID\"");
	LACKS(o, "PercentComplete");
	LACKS(o, "NotAProperty");
	/* Empty PropertyList: keys only. */
	o = call(e, "root/tpd", "GetInstance", INAME(JOBNAME("1"))
	    "<IPARAMVALUE NAME=\"PropertyList\"><VALUE.ARRAY></VALUE.ARRAY>"
	    "</IPARAMVALUE>");
	HAS(o, "NAME=\"InstanceID\"");
	LACKS(o, "JobState");
	/* Malformed / foreign job ids. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"TPD_ConcreteJob\">"
	    KB("InstanceID", "TPD:OTHER:1") "</INSTANCENAME>"));
	HAS(o, "<ERROR CODE=\"6\"");
	o = call(e, "root/tpd", "GetInstance", INAME(JOBNAME("77")));
	HAS(o, "<ERROR CODE=\"6\"");
}

static void
test_enumerate(void **state)
{
	struct env *e = *state;
	const char *o;

	attach(e, 101, 102);
	o = call(e, "root/tpd", "EnumerateInstanceNames",
	    CLS("CIM_StorageVolume"));
	assert_int_equal(count(o, "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\""),
	    4);
	LACKS(o, "NAMESPACE");
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_ConcreteJob")
	    PLIST("<VALUE>JobState</VALUE><VALUE>PercentComplete</VALUE>"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE><INSTANCENAME "
	    "CLASSNAME=\"TPD_ConcreteJob\">"), 1);
	HAS(o, "PercentComplete");
	LACKS(o, "TimeSubmitted");
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_StoragePool"));
	assert_int_equal(count(o, "<INSTANCE CLASSNAME=\"TPD_StoragePool\""), 1);
	o = call(e, "root/tpd", "EnumerateInstances",
	    CLS("CIM_StorageSynchronized"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	HAS(o, "<PROPERTY.REFERENCE NAME=\"SystemElement\"");
	HAS(o, "NAME=\"SyncState\" TYPE=\"uint16\"><VALUE>5</VALUE>");
	/* Unknown class: 5; known class without instances here: empty. */
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_Nonsense"));
	HAS(o, "<ERROR CODE=\"5\"");
	o = call(e, "root/tpd", "EnumerateInstances",
	    CLS("CIM_RegisteredProfile"));
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
	o = call(e, "root/tpd", "EnumerateInstances",
	    CLS("CIM_StorageConfigurationCapabilities"));
	HAS(o, "<VALUE.ARRAY><VALUE>4</VALUE><VALUE>5</VALUE></VALUE.ARRAY>");
}

/* DeepInheritance FALSE drops what subclasses added (DSP0200 5.3.2.11). */
static void
test_enumerate_shallow(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_StorageExtent")
	    "<IPARAMVALUE NAME=\"DeepInheritance\"><VALUE>FALSE</VALUE>"
	    "</IPARAMVALUE>");
	assert_int_equal(count(o, "<INSTANCE CLASSNAME=\"TPD_StorageVolume\""),
	    4);
	HAS(o, "NAME=\"BlockSize\"");
	HAS(o, "NAME=\"DeviceID\"");
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_ManagedElement")
	    "<IPARAMVALUE NAME=\"DeepInheritance\"><VALUE>FALSE</VALUE>"
	    "</IPARAMVALUE>");
	LACKS(o, "NAME=\"BlockSize\"");
	LACKS(o, "NAME=\"JobState\"");
	HAS(o, "NAME=\"ElementName\"");
	/* Keys stay, and a PropertyList narrows further. */
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_StorageExtent")
	    "<IPARAMVALUE NAME=\"DeepInheritance\"><VALUE>FALSE</VALUE>"
	    "</IPARAMVALUE>" PLIST("<VALUE>BlockSize</VALUE>"
	    "<VALUE>NoSuchProperty</VALUE>"));
	HAS(o, "NAME=\"BlockSize\"");
	HAS(o, "NAME=\"DeviceID\"");
	LACKS(o, "NAME=\"ElementName\"");
	LACKS(o, "NoSuchProperty");
	/* TRUE (and absent) keep every property. */
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_ManagedElement")
	    "<IPARAMVALUE NAME=\"DeepInheritance\"><VALUE>TRUE</VALUE>"
	    "</IPARAMVALUE>");
	HAS(o, "NAME=\"BlockSize\"");
}

static void
test_associators(void **state)
{
	struct env *e = *state;
	const char *o, *t, *s;

	attach(e, 101, 102);
	o = call(e, "root/tpd", "Associators", ONAME(JOBNAME("1"))
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_AffectedJobElement\"/></IPARAMVALUE>"
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME="
	    "\"CIM_StorageVolume\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<VALUE.OBJECTWITHPATH>"), 2);
	HAS(o, "<INSTANCEPATH><NAMESPACEPATH><HOST>array1.example</HOST>");
	t = strstr(o, "<VALUE>102</VALUE>");
	s = strstr(o, "<VALUE>101</VALUE>");
	assert_non_null(t);
	assert_non_null(s);
	assert_true(t < s);	/* target first */
	o = call(e, "root/tpd", "AssociatorNames", ONAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_AllocatedFromStoragePool\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH><INSTANCEPATH>"), 1);
	HAS(o, "TPD_StoragePool");
	/* Role / ResultRole, case-insensitive. */
	o = call(e, "root/tpd", "AssociatorNames", ONAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_StorageSynchronized\"/></IPARAMVALUE>"
	    "<IPARAMVALUE NAME=\"role\"><VALUE>systemelement</VALUE>"
	    "</IPARAMVALUE><IPARAMVALUE NAME=\"ResultRole\"><VALUE>"
	    "SyncedElement</VALUE></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 1);
	HAS(o, "102");
	o = call(e, "root/tpd", "AssociatorNames", ONAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"Role\"><VALUE>SyncedElement</VALUE>"
	    "</IPARAMVALUE><IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_StorageSynchronized\"/></IPARAMVALUE>");
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
	/* Non-existent object and unknown filter class: empty. */
	o = call(e, "root/tpd", "Associators", ONAME(VOLNAME("999")));
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
	o = call(e, "root/tpd", "Associators", ONAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME="
	    "\"CIM_Bogus\"/></IPARAMVALUE>");
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
}

static void
test_references(void **state)
{
	struct env *e = *state;
	const char *o;

	attach(e, 101, 102);
	o = call(e, "root/tpd", "References", ONAME(VOLNAME("102"))
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME="
	    "\"CIM_StorageSynchronized\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<VALUE.OBJECTWITHPATH>"), 1);
	HAS(o, "<INSTANCENAME CLASSNAME=\"TPD_StorageSynchronized\">");
	HAS(o, "<KEYBINDING NAME=\"SystemElement\"><VALUE.REFERENCE>"
	    "<LOCALINSTANCEPATH>");
	HAS(o, "<PROPERTY.REFERENCE NAME=\"SyncedElement\" REFERENCECLASS="
	    "\"CIM_ManagedElement\"><VALUE.REFERENCE><LOCALINSTANCEPATH>");
	HAS(o, "NAME=\"CopyType\"");
	HAS(o, "NAME=\"SyncState\"");
	o = call(e, "root/tpd", "ReferenceNames", ONAME(JOBNAME("1")));
	/* Owning, 2 x affected, method result. */
	assert_int_equal(count(o, "<OBJECTPATH>"), 4);
	/* GetInstance of an association path, as returned. */
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_StorageSynchronized\">"
	    "<KEYBINDING NAME=\"SyncedElement\"><VALUE.REFERENCE>"
	    VOLNAME("102") "</VALUE.REFERENCE></KEYBINDING>"
	    "<KEYBINDING NAME=\"SystemElement\"><VALUE.REFERENCE>"
	    "<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
	    "<NAMESPACE NAME=\"tpd\"/></LOCALNAMESPACEPATH>" VOLNAME("101")
	    "</LOCALINSTANCEPATH></VALUE.REFERENCE></KEYBINDING>"
	    "</INSTANCENAME>"));
	HAS(o, "<INSTANCE CLASSNAME=\"TPD_StorageSynchronized\">");
	o = call(e, "root/tpd", "GetInstance", INAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_StorageSynchronized\">"
	    "<KEYBINDING NAME=\"SyncedElement\"><VALUE.REFERENCE>"
	    VOLNAME("101") "</VALUE.REFERENCE></KEYBINDING>"
	    "<KEYBINDING NAME=\"SystemElement\"><VALUE.REFERENCE>"
	    VOLNAME("102") "</VALUE.REFERENCE></KEYBINDING>"
	    "</INSTANCENAME>"));
	HAS(o, "<ERROR CODE=\"6\"");
}

static void
test_interop(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "interop", "EnumerateInstances", CLS("CIM_Namespace"));
	HAS(o, "<VALUE>interop</VALUE>");
	HAS(o, "<VALUE>root/tpd</VALUE>");
	o = call(e, "root/interop", "EnumerateInstances",
	    CLS("CIM_ObjectManager"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	HAS(o, "NAME=\"ElementName\" TYPE=\"string\"><VALUE>arrayd</VALUE>");
	o = call(e, "interop", "EnumerateInstances",
	    CLS("CIM_RegisteredProfile") "<IPARAMVALUE NAME=\"LocalOnly\">"
	    "<VALUE>FALSE</VALUE></IPARAMVALUE>" PLIST("<VALUE>RegisteredName"
	    "</VALUE><VALUE>RegisteredVersion</VALUE><VALUE>"
	    "RegisteredOrganization</VALUE>"));
	HAS(o, "<VALUE>Array</VALUE>");
	HAS(o, "NAME=\"RegisteredOrganization\" TYPE=\"uint16\"><VALUE>11<");
	HAS(o, "<VALUE>1.6.1</VALUE>");
	HAS(o, "<VALUE>Block Services</VALUE>");
	o = call(e, "interop", "AssociatorNames", ONAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_RegisteredProfile\">"
	    KB("InstanceID", "SNIA:Array") "</INSTANCENAME>")
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_ElementConformsToProfile\"/></IPARAMVALUE>"
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME="
	    "\"CIM_ComputerSystem\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 1);
	HAS(o, "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"tpd\"/>");
	HAS(o, "TPD_StorageSystem");
	o = call(e, "interop", "AssociatorNames", ONAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_RegisteredProfile\">"
	    KB("InstanceID", "SNIA:Array") "</INSTANCENAME>")
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_ReferencedProfile\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 4);
	HAS(o, "SNIA:BlockServices");
	HAS(o, "SNIA:ReplicationServices");
	/* Hidden: no profile, no reference, no service. */
	e->conf->replication_service = false;
	o = call(e, "interop", "AssociatorNames", ONAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_RegisteredProfile\">"
	    KB("InstanceID", "SNIA:Array") "</INSTANCENAME>")
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_ReferencedProfile\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 3);
	LACKS(o, "ReplicationServices");
	o = call(e, "interop", "EnumerateInstanceNames",
	    CLS("CIM_RegisteredProfile"));
	LACKS(o, "ReplicationServices");
	o = call(e, "root/tpd", "EnumerateInstanceNames",
	    CLS("CIM_ReplicationService"));
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
	e->conf->replication_service = true;
	o = call(e, "root/tpd", "EnumerateInstanceNames",
	    CLS("CIM_ReplicationService"));
	HAS(o, "TPD_ReplicationService");
	/* Block Services conforms through its central class, the pools. */
	o = call(e, "interop", "AssociatorNames", ONAME(
	    "<INSTANCENAME CLASSNAME=\"CIM_RegisteredProfile\">"
	    KB("InstanceID", "SNIA:BlockServices") "</INSTANCENAME>")
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_ElementConformsToProfile\"/></IPARAMVALUE>");
	assert_true(count(o, "<OBJECTPATH>") >= 1);
	assert_int_equal(count(o, "<OBJECTPATH>"),
	    count(o, "TPD_StoragePool"));
	/* Vendor classes are not in interop. */
	o = call(e, "interop", "EnumerateInstances", CLS("CIM_StorageVolume"));
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
}

static void
test_classes(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "interop", "GetClass", CLS("CIM_RegisteredProfile")
	    "<IPARAMVALUE NAME=\"LocalOnly\"><VALUE>FALSE</VALUE></IPARAMVALUE>"
	    "<IPARAMVALUE NAME=\"IncludeQualifiers\"><VALUE>TRUE</VALUE>"
	    "</IPARAMVALUE>");
	HAS(o, "<CLASS NAME=\"CIM_RegisteredProfile\"");
	HAS(o, "ValueMap");
	HAS(o, "SNIA");
	o = call(e, "root/tpd", "GetClass", CLS("TPD_StorageVolume")
	    "<IPARAMVALUE NAME=\"LocalOnly\"><VALUE>FALSE</VALUE></IPARAMVALUE>");
	HAS(o, "<QUALIFIER NAME=\"Key\"");
	HAS(o, "NAME=\"DeviceID\"");
	o = call(e, "root/tpd", "GetClass", CLS("CIM_NoSuchClass"));
	HAS(o, "<ERROR CODE=\"6\"");
	o = call(e, "root/tpd", "EnumerateClassNames", "");
	HAS(o, "<CLASSNAME NAME=\"CIM_ManagedElement\"/>");
	LACKS(o, "TPD_StorageVolume");
	o = call(e, "root/tpd", "EnumerateClassNames", CLS("CIM_StorageVolume"));
	HAS(o, "<CLASSNAME NAME=\"TPD_StorageVolume\"/>");
	o = call(e, "root/tpd", "EnumerateClassNames", CLS("CIM_Zork"));
	HAS(o, "<ERROR CODE=\"5\"");
	o = call(e, "root/tpd", "EnumerateClasses", CLS("CIM_StorageVolume"));
	HAS(o, "<CLASS NAME=\"TPD_StorageVolume\"");
}

static void
test_delete_instance(void **state)
{
	struct env *e = *state;
	uint64_t j = attach(e, 101, 102);
	const char *o;

	o = call_as(e, OP_ROLE_BROWSE, "root/tpd", "DeleteInstance",
	    INAME(JOBNAME("1")));
	HAS(o, "<ERROR CODE=\"2\"");
	o = call(e, "root/tpd", "DeleteInstance", INAME(JOBNAME("1")));
	HAS(o, "<ERROR CODE=\"1\"");	/* still running */
	assert_true(fake_rep_finish(&e->f, e->rs, j, 0, NULL));
	o = call(e, "root/tpd", "DeleteInstance", INAME(JOBNAME("1")));
	assert_string_equal(o, "");	/* void: no IRETURNVALUE */
	o = call(e, "root/tpd", "DeleteInstance", INAME(JOBNAME("1")));
	HAS(o, "<ERROR CODE=\"6\"");
	o = call(e, "root/tpd", "DeleteInstance", INAME(VOLNAME("101")));
	HAS(o, "<ERROR CODE=\"7\"");
}

static void
test_unsupported(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "root/tpd", "OpenEnumerateInstances", CLS("CIM_Job"));
	HAS(o, "<ERROR CODE=\"7\"");
	o = call(e, "root/tpd", "ExecQuery", "");
	HAS(o, "<ERROR CODE=\"7\"");
	o = call(e, "root/tpd", "CreateInstance", "");
	HAS(o, "<ERROR CODE=\"7\"");
	/* Method names match case-insensitively. */
	o = call(e, "root/tpd", "enumerateinstancenames",
	    CLS("TPD_StorageSystem"));
	HAS(o, "<INSTANCENAME CLASSNAME=\"TPD_StorageSystem\"");
	o = call(e, "root/tpd", "EnumerateInstanceNames", CLS("X")
	    CLS("Y"));
	HAS(o, "<ERROR CODE=\"4\"");
}

static void
test_snapshot_pool(void **state)
{
	struct env *e = *state;
	struct replica_caller who = { "tester", "CreateReplica" };
	struct replica_result res;
	const char *o;
	char buf[64];

	assert_int_equal(replica_create(e->rs, 101, "snap1", NULL, 4, &who,
	    &res), 0);
	assert_int_equal(res.rc, 0);
	/* The hidden snapshot job is never visible. */
	o = call(e, "root/tpd", "EnumerateInstanceNames",
	    CLS("CIM_ConcreteJob"));
	assert_string_equal(o, "<IRETURNVALUE></IRETURNVALUE>");
	o = call(e, "root/tpd", "EnumerateInstances",
	    CLS("TPD_DeltaReplicaStoragePool"));
	HAS(o, "TPD:" SYS ":SA.101");
	snprintf(buf, sizeof(buf), "%u", (unsigned)res.target_id);
	assert_true(res.target_id > 104);
	o = call(e, "root/tpd", "AssociatorNames", ONAME(
	    "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
	    KB("CreationClassName", "TPD_StorageVolume")
	    KB("DeviceID", "105") KB("SystemCreationClassName",
	    "TPD_StorageSystem") KB("SystemName", SYS) "</INSTANCENAME>")
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME="
	    "\"CIM_StoragePool\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 1);
	HAS(o, "TPD_DeltaReplicaStoragePool");
	o = call(e, "root/tpd", "Associators", ONAME(VOLNAME("101"))
	    "<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME NAME="
	    "\"CIM_StorageSynchronized\"/></IPARAMVALUE>");
	HAS(o, "<VALUE>snap1</VALUE>");
}

/* ------------------------------------------- issue 8: big requests */

/* A PropertyList of n names: the volume's ElementName, then made-up ones. */
static char *
long_plist(unsigned n)
{
	size_t cap = 64 + (size_t)n * 40;
	char *p = malloc(cap);
	size_t len;

	assert_non_null(p);
	len = (size_t)snprintf(p, cap, "<IPARAMVALUE NAME=\"PropertyList\">"
	    "<VALUE.ARRAY>");
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(p + len, cap - len, i == 0 ?
		    "<VALUE>ElementName</VALUE>" : "<VALUE>P%06u</VALUE>", i);
	snprintf(p + len, cap - len, "</VALUE.ARRAY></IPARAMVALUE>");
	return p;
}

/* Over max_property_list: INVALID_PARAMETER naming the limit; at it: served. */
static void
test_plist_limit(void **state)
{
	struct env *e = *state;
	char *pl, *params;
	const char *o;

	e->conf->max_property_list = 50;
	pl = long_plist(51);
	params = malloc(strlen(pl) + 2048);
	assert_non_null(params);
	sprintf(params, "%s%s", CLS("CIM_StorageVolume"), pl);
	o = call(e, "root/tpd", "EnumerateInstances", params);
	assert_string_equal(o, "<ERROR CODE=\"4\" DESCRIPTION=\""
	    "CIM_ERR_INVALID_PARAMETER: PropertyList has 51 entries; at most 50 "
	    "are accepted (max_property_list)\"/>");
	sprintf(params, "%s%s", INAME(VOLNAME("101")), pl);
	o = call(e, "root/tpd", "GetInstance", params);
	HAS(o, "<ERROR CODE=\"4\"");
	o = call(e, "root/tpd", "Associators", ONAME(VOLNAME("101")) "");
	LACKS(o, "<ERROR");
	free(pl);
	/* Exactly at the limit: served, filtered as asked. */
	pl = long_plist(50);
	sprintf(params, "%s%s", CLS("CIM_StorageVolume"), pl);
	o = call(e, "root/tpd", "EnumerateInstances", params);
	LACKS(o, "<ERROR");
	assert_int_equal(count(o, "<INSTANCE CLASSNAME=\"TPD_StorageVolume\""),
	    4);
	assert_int_equal(count(o, "NAME=\"ElementName\""), 4);
	assert_int_equal(count(o, "NAME=\"DeviceID\""), 8);	/* key + path */
	LACKS(o, "NumberOfBlocks");
	LACKS(o, "P000001");
	free(pl);
	free(params);
	/* Case and duplicates do not matter; NULL requested ones appear. */
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_StorageVolume")
	    PLIST("<VALUE>elementname</VALUE><VALUE>ELEMENTNAME</VALUE>"
	    "<VALUE.NULL/><VALUE>BlockSize</VALUE><VALUE>blocksize</VALUE>"));
	assert_int_equal(count(o, "NAME=\"ElementName\""), 4);
	assert_int_equal(count(o, "NAME=\"BlockSize\""), 4);
	LACKS(o, "NumberOfBlocks");
	/* Without a configuration there is no limit. */
	e->conf->max_property_list = 0;
	pl = long_plist(3000);
	params = malloc(strlen(pl) + 2048);
	assert_non_null(params);
	sprintf(params, "%s%s", CLS("CIM_StorageVolume"), pl);
	o = call(e, "root/tpd", "EnumerateInstances", params);
	LACKS(o, "<ERROR");
	assert_int_equal(count(o, "NAME=\"ElementName\""), 4);
	free(pl);
	free(params);
}

#define SYSNAME "<INSTANCENAME CLASSNAME=\"TPD_StorageSystem\">" \
	KB("Name", SYS) KB("CreationClassName", "TPD_StorageSystem") \
	"</INSTANCENAME>"

/* Written one object per slice: byte for byte what one go writes. */
static void
test_enumerate_sliced(void **state)
{
	struct env *e = *state;
	static const char *const calls[][2] = {
		{ "EnumerateInstances", CLS("CIM_ManagedElement") },
		{ "EnumerateInstances", CLS("CIM_Component") },
		{ "EnumerateInstanceNames", CLS("CIM_ManagedElement") },
		{ "EnumerateInstances", CLS("CIM_StorageVolume")
		    PLIST("<VALUE>ElementName</VALUE><VALUE>Foo</VALUE>") },
		{ "Associators", ONAME(SYSNAME) },
		{ "AssociatorNames", ONAME(SYSNAME) },
		{ "References", ONAME(SYSNAME) },
		{ "ReferenceNames", ONAME(SYSNAME) },
		{ "Associators", ONAME(VOLNAME("101"))
		    PLIST("<VALUE>ElementName</VALUE>") },
	};
	char *whole;

	/* A finished job: a running one's ElapsedTime moves between calls. */
	assert_true(fake_rep_finish(&e->f, e->rs, attach(e, 101, 102), 0,
	    NULL));
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		whole = strdup(call(e, "root/tpd", calls[i][0], calls[i][1]));
		assert_non_null(whole);
		assert_true(count(whole, "CLASSNAME=") > 4);
		assert_string_equal(call_sliced(e, "root/tpd", calls[i][0],
		    calls[i][1]), whole);
		free(whole);
	}
}

static uint64_t deleted_job;

static void
delete_second_job(struct env *e, unsigned n)
{
	if (n == 1)
		assert_int_equal(replica_job_delete(e->rs, deleted_job), 0);
}

/* An object deleted between slices is left out; the answer stays whole. */
static void
test_enumerate_sliced_change(void **state)
{
	struct env *e = *state;
	struct replica_caller who = { "tester", "ModifySynchronization" };
	struct replica_result res;
	uint64_t j1 = attach(e, 101, 102);
	const char *o;

	assert_true(fake_rep_finish(&e->f, e->rs, j1, 0, NULL));
	assert_int_equal(replica_modify(e->rs, REPLICA_OP_RESYNC, 101, 102,
	    &who, &res), 0);
	assert_int_equal(res.rc, 4096);
	assert_true(fake_rep_finish(&e->f, e->rs, res.job_id, 0, NULL));
	o = call(e, "root/tpd", "EnumerateInstances", CLS("CIM_ConcreteJob"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 2);
	deleted_job = res.job_id;
	between_slices = delete_second_job;
	o = call_sliced(e, "root/tpd", "EnumerateInstances",
	    CLS("CIM_ConcreteJob"));
	between_slices = NULL;
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	assert_int_equal(count(o, "</VALUE.NAMEDINSTANCE>"), 1);
	HAS(o, ":1</KEYVALUE>");
	assert_int_equal(strncmp(o, "<IRETURNVALUE>", 14), 0);
	assert_string_equal(o + strlen(o) - 15, "</IRETURNVALUE>");
}

static void
detach_second_pair(struct env *e, unsigned n)
{
	struct replica_caller who = { "tester", "ModifySynchronization" };
	struct replica_result res;

	if (n != 1)
		return;
	assert_int_equal(replica_modify(e->rs, REPLICA_OP_DETACH, 104, 103,
	    &who, &res), 0);
	assert_int_equal(res.rc, 0);
}

/* A pair detached between slices: its association instance is left out. */
static void
test_enumerate_sliced_pair(void **state)
{
	struct env *e = *state;
	const char *o;

	assert_true(fake_rep_finish(&e->f, e->rs, attach(e, 101, 102), 0,
	    NULL));
	assert_true(fake_rep_finish(&e->f, e->rs, attach(e, 104, 103), 0,
	    NULL));
	o = call(e, "root/tpd", "EnumerateInstanceNames",
	    CLS("CIM_StorageSynchronized"));
	assert_int_equal(count(o, "<INSTANCENAME CLASSNAME=\"TPD_Storage"
	    "Synchronized\">"), 2);
	between_slices = detach_second_pair;
	o = call_sliced(e, "root/tpd", "EnumerateInstances",
	    CLS("CIM_StorageSynchronized"));
	between_slices = NULL;
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	assert_string_equal(o + strlen(o) - 15, "</IRETURNVALUE>");
	LACKS(o, "<ERROR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_instance_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_get_instance_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_job_instance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enumerate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enumerate_shallow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_associators, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_references, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_interop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_instance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unsupported, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_pool, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plist_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enumerate_sliced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enumerate_sliced_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_enumerate_sliced_pair,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
