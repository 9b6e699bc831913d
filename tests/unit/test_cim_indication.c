/* SPDX-License-Identifier: ISC */
/*
 * test_cim_indication.c - subscriptions through op_intrinsic() on parsed
 * CIM-XML, with a real indic/ registry in a temporary folder: every
 * CreateInstance, GetInstance, Enumerate*, ModifyInstance and
 * DeleteInstance path of filters, destinations (and handlers) and
 * subscriptions, their errors and roles, the subscription as an
 * association, the service, capabilities and profile, and what answers
 * when indications are switched off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_replica.h"

#include "conf/conf.h"
#include "cim/intrinsic_int.h"
#include "indic/indic.h"

#include <time.h>

#define SYS	"2FF70002AC01A2B3"

struct env {
	struct fake_rep f;
	struct replica_set *rs;
	struct conf *conf;
	struct indic *ix;
	struct cim_arena *arena;
	char *out;
	unsigned kicks;			/* indic_changed calls */
};

static void
on_indic_changed(void *arg)
{
	((struct env *)arg)->kicks++;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct replica_config cfg = { 0 };
	struct replica_ops ops;
	char err[256], path[400];

	fake_rep_init(&e->f);
	ops = fake_rep_ops(&e->f);
	cfg.db_path = e->f.db;
	cfg.system_name = SYS;
	cfg.max_copy_tasks = 2;
	if (replica_set_open(&cfg, &ops, &e->rs, err, sizeof(err)) != 0 ||
	    replica_set_start(e->rs) != 0)
		return -1;
	e->conf = conf_defaults();
	snprintf(path, sizeof(path), "%s/indications.db", e->f.dir);
	if (indic_open(path, NULL, &e->ix, err, sizeof(err)) != 0)
		return -1;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	free(e->out);
	cim_arena_free(e->arena);
	indic_close(e->ix);
	replica_set_free(e->rs);
	conf_free(e->conf);
	fake_rep_cleanup(&e->f);
	free(e);
	return 0;
}

static const char *
call_as(struct env *e, enum op_role role, const char *ns,
    const char *method, const char *params)
{
	static char body[1 << 16];
	char nsxml[128] = "";
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
	snprintf(body, sizeof(body), "<CIM CIMVERSION=\"2.0\" "
	    "DTDVERSION=\"2.0\"><MESSAGE ID=\"1001\" PROTOCOLVERSION=\"1.0\">"
	    "<SIMPLEREQ><IMETHODCALL NAME=\"%s\"><LOCALNAMESPACEPATH>%s"
	    "</LOCALNAMESPACEPATH>%s</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>",
	    method, nsxml, params);
	cim_arena_free(e->arena);
	e->arena = cim_arena_new(16 << 20);
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
	c.ix = e->ix;
	c.indic_changed = on_indic_changed;
	c.indic_changed_arg = e;
	c.host = "array1.example";
	c.user = role == OP_ROLE_EDIT ? "ed" : "bo";
	c.role = role;
	c.arena = e->arena;
	c.req = &r;
	c.ns = model_ns_canon(r.ns);
	cim_buf_init(&b);
	c.out = &b;
	op_intrinsic(&c);
	assert_null(c.cont);
	assert_false(b.oom);
	cim_buf_puts(&b, "");
	free(e->out);
	e->out = cim_buf_steal(&b, NULL);
	if (getenv("SHOW_XML"))
		fprintf(stderr, "%s: %s\n", method, e->out);
	return e->out;
}

static const char *
call(struct env *e, const char *method, const char *params)
{
	return call_as(e, OP_ROLE_EDIT, "interop", method, params);
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
	fprintf(stderr, "missing: %s\nin: %s\n", (x), (s)); \
	fail(); } } while (0)
#define LACKS(s, x)	do { if (strstr((s), (x)) != NULL) { \
	fprintf(stderr, "unexpected: %s\nin: %s\n", (x), (s)); \
	fail(); } } while (0)
#define ERR(s, code)	HAS((s), "<ERROR CODE=\"" code "\"")
#define NOERR(s)	LACKS((s), "<ERROR")

#define CLS(n)	"<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"" n \
	"\"/></IPARAMVALUE>"
#define KB(n, v) "<KEYBINDING NAME=\"" n "\"><KEYVALUE VALUETYPE=\"string\">" \
	v "</KEYVALUE></KEYBINDING>"
#define P(t, n, v) "<PROPERTY NAME=\"" n "\" TYPE=\"" t "\"><VALUE>" v \
	"</VALUE></PROPERTY>"
#define NEWI(cls, props) "<IPARAMVALUE NAME=\"NewInstance\"><INSTANCE " \
	"CLASSNAME=\"" cls "\">" props "</INSTANCE></IPARAMVALUE>"
#define INAME(x) "<IPARAMVALUE NAME=\"InstanceName\">" x "</IPARAMVALUE>"
#define ONAME(x) "<IPARAMVALUE NAME=\"ObjectName\">" x "</IPARAMVALUE>"
#define PLIST(...) "<IPARAMVALUE NAME=\"PropertyList\"><VALUE.ARRAY>" \
	__VA_ARGS__ "</VALUE.ARRAY></IPARAMVALUE>"

#define KEYS4(cls, name) KB("CreationClassName", cls) KB("Name", name) \
	KB("SystemCreationClassName", "CIM_ComputerSystem") \
	KB("SystemName", SYS)
#define FNAME(n) "<INSTANCENAME CLASSNAME=\"CIM_IndicationFilter\">" \
	KEYS4("CIM_IndicationFilter", n) "</INSTANCENAME>"
#define DNAME(n) "<INSTANCENAME CLASSNAME=\"CIM_ListenerDestinationCIMXML\">" \
	KEYS4("CIM_ListenerDestinationCIMXML", n) "</INSTANCENAME>"
#define NSI "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/>" \
	"</LOCALNAMESPACEPATH>"
#define LIP(x) "<LOCALINSTANCEPATH>" NSI x "</LOCALINSTANCEPATH>"
#define SNAME(f, d) "<INSTANCENAME CLASSNAME=\"CIM_IndicationSubscription\">" \
	"<KEYBINDING NAME=\"Filter\"><VALUE.REFERENCE>" LIP(f) \
	"</VALUE.REFERENCE></KEYBINDING><KEYBINDING NAME=\"Handler\">" \
	"<VALUE.REFERENCE>" LIP(d) "</VALUE.REFERENCE></KEYBINDING>" \
	"</INSTANCENAME>"

#define QUERY "SELECT * FROM CIM_InstModification WHERE SourceInstance " \
	"ISA CIM_ConcreteJob"
#define FPROPS(name, lang, q) P("string", "CreationClassName", \
	"CIM_IndicationFilter") P("string", "SystemCreationClassName", \
	"CIM_ComputerSystem") P("string", "SystemName", SYS) \
	P("string", "Name", name) P("string", "QueryLanguage", lang) \
	P("string", "Query", q)
#define DPROPS(name, url) P("string", "CreationClassName", \
	"CIM_ListenerDestinationCIMXML") P("string", \
	"SystemCreationClassName", "CIM_ComputerSystem") \
	P("string", "SystemName", SYS) P("string", "Name", name) \
	P("string", "Destination", url) P("uint16", "PersistenceType", "3")
#define SPROPS(f, d) "<PROPERTY.REFERENCE NAME=\"Filter\"><VALUE.REFERENCE>" \
	LIP(f) "</VALUE.REFERENCE></PROPERTY.REFERENCE>" \
	"<PROPERTY.REFERENCE NAME=\"Handler\"><VALUE.REFERENCE>" LIP(d) \
	"</VALUE.REFERENCE></PROPERTY.REFERENCE>"

static void
make_three(struct env *e)
{
	const char *o;

	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f1", "WQL", QUERY)));
	NOERR(o);
	HAS(o, "<IRETURNVALUE><INSTANCENAME "
	    "CLASSNAME=\"CIM_IndicationFilter\"");
	o = call(e, "CreateInstance", NEWI("CIM_ListenerDestinationCIMXML",
	    DPROPS("d1", "http://127.0.0.1:5999")));
	NOERR(o);
	HAS(o, "<INSTANCENAME CLASSNAME=\"CIM_ListenerDestinationCIMXML\"");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationSubscription",
	    SPROPS(FNAME("f1"), DNAME("d1"))));
	NOERR(o);
	HAS(o, "<INSTANCENAME CLASSNAME=\"CIM_IndicationSubscription\">"
	    "<KEYBINDING NAME=\"Filter\">");
}

static void
test_create_get_enum(void **state)
{
	struct env *e = *state;
	const char *o;

	make_three(e);
	o = call(e, "GetInstance", INAME(FNAME("f1")));
	NOERR(o);
	HAS(o, "<PROPERTY NAME=\"Query\" TYPE=\"string\"><VALUE>"
	    "SELECT * FROM CIM_InstModification");
	HAS(o, "<VALUE>CIM_ComputerSystem</VALUE>");
	o = call(e, "GetInstance", INAME(DNAME("D1")));
	HAS(o, "<VALUE>http://127.0.0.1:5999</VALUE>");
	HAS(o, "<PROPERTY NAME=\"PersistenceType\" TYPE=\"uint16\"><VALUE>3");
	o = call(e, "GetInstance", INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	HAS(o, "<PROPERTY NAME=\"SubscriptionState\" TYPE=\"uint16\">"
	    "<VALUE>2</VALUE>");
	HAS(o, "<PROPERTY NAME=\"OnFatalErrorPolicy\" TYPE=\"uint16\">"
	    "<VALUE>2</VALUE>");
	o = call(e, "EnumerateInstanceNames",
	    CLS("CIM_IndicationSubscription"));
	assert_int_equal(count(o, "<INSTANCENAME CLASSNAME=\""
	    "CIM_IndicationSubscription\""), 1);
	o = call(e, "EnumerateInstances", CLS("CIM_ListenerDestination"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	/* Browse reads. */
	o = call_as(e, OP_ROLE_BROWSE, "interop", "EnumerateInstances",
	    CLS("CIM_IndicationFilter"));
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1);
	/* A wrong key value matches nothing. */
	o = call(e, "GetInstance", INAME("<INSTANCENAME CLASSNAME=\""
	    "CIM_IndicationFilter\">" KB("CreationClassName",
	    "CIM_IndicationFilter") KB("Name", "f1")
	    KB("SystemCreationClassName", "CIM_ComputerSystem")
	    KB("SystemName", "other") "</INSTANCENAME>"));
	ERR(o, "6");
}

static void
test_associations(void **state)
{
	struct env *e = *state;
	const char *o;

	make_three(e);
	o = call(e, "AssociatorNames", ONAME(FNAME("f1")));
	HAS(o, "<INSTANCENAME CLASSNAME=\"CIM_ListenerDestinationCIMXML\"");
	o = call(e, "References", ONAME(DNAME("d1")));
	HAS(o, "<INSTANCE CLASSNAME=\"CIM_IndicationSubscription\"");
	HAS(o, "SubscriptionState");
	o = call(e, "ReferenceNames", ONAME(DNAME("d1"))
	    "<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME NAME=\""
	    "CIM_IndicationSubscription\"/></IPARAMVALUE>");
	assert_int_equal(count(o, "<OBJECTPATH>"), 1);
}

static void
test_service_profile_schema(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "EnumerateInstances", CLS("CIM_RegisteredProfile"));
	HAS(o, "<VALUE>DMTF:Indications</VALUE>");
	HAS(o, "<VALUE>1.2.2</VALUE>");
	o = call(e, "EnumerateInstances", CLS("CIM_IndicationService"));
	HAS(o, "<PROPERTY NAME=\"DeliveryRetryAttempts\" TYPE=\"uint16\">"
	    "<VALUE>8</VALUE>");
	HAS(o, "<PROPERTY NAME=\"FilterCreationEnabled\" TYPE=\"boolean\">"
	    "<VALUE>TRUE</VALUE>");
	o = call(e, "EnumerateInstanceNames",
	    CLS("CIM_ElementConformsToProfile"));
	HAS(o, "CIM_IndicationService");
	o = call(e, "EnumerateInstanceNames", CLS("CIM_HostedService"));
	HAS(o, "CIM_IndicationService");
	o = call(e, "EnumerateInstances",
	    CLS("CIM_IndicationServiceCapabilities"));
	HAS(o, "SubscriptionsPersisted");
	o = call(e, "GetClass", CLS("CIM_IndicationSubscription")
	    "<IPARAMVALUE NAME=\"LocalOnly\"><VALUE>FALSE</VALUE>"
	    "</IPARAMVALUE>");
	HAS(o, "<CLASS NAME=\"CIM_IndicationSubscription\" "
	    "SUPERCLASS=\"CIM_AbstractIndicationSubscription\"");
	HAS(o, "NAME=\"Handler\"");
}

static void
test_roles(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call_as(e, OP_ROLE_BROWSE, "interop", "CreateInstance",
	    NEWI("CIM_IndicationFilter", FPROPS("f9", "WQL", QUERY)));
	ERR(o, "2");
	make_three(e);
	o = call_as(e, OP_ROLE_BROWSE, "interop", "DeleteInstance",
	    INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	ERR(o, "2");
	o = call_as(e, OP_ROLE_BROWSE, "interop", "ModifyInstance",
	    "<IPARAMVALUE NAME=\"ModifiedInstance\"><VALUE.NAMEDINSTANCE>"
	    SNAME(FNAME("f1"), DNAME("d1")) "<INSTANCE CLASSNAME=\""
	    "CIM_IndicationSubscription\">" P("uint16", "SubscriptionState",
	    "4") "</INSTANCE></VALUE.NAMEDINSTANCE></IPARAMVALUE>");
	ERR(o, "2");
}

static void
test_create_errors(void **state)
{
	struct env *e = *state;
	struct indic_limits lim = { .max_per_user = 3 };
	const char *o;

	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    P("string", "Query", QUERY) P("string", "QueryLanguage", "WQL")));
	ERR(o, "4");
	HAS(o, "Name is required");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f", "XPath", QUERY)));
	ERR(o, "14");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f", "WQL", "SELECT * FROM CIM_NoSuchClass")));
	ERR(o, "15");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f", "WQL", "SELEKT nonsense")));
	ERR(o, "15");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    P("string", "Name", "f") P("string", "SystemName", "elsewhere")
	    P("string", "Query", QUERY) P("string", "QueryLanguage", "WQL")));
	ERR(o, "4");
	HAS(o, "SystemName");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f", "WQL", QUERY) "<PROPERTY.ARRAY NAME=\""
	    "SourceNamespaces\" TYPE=\"string\"><VALUE.ARRAY><VALUE>root/cimv2"
	    "</VALUE></VALUE.ARRAY></PROPERTY.ARRAY>"));
	ERR(o, "4");
	o = call(e, "CreateInstance", NEWI("CIM_ListenerDestinationCIMXML",
	    DPROPS("d", "http://198.51.100.1:5000")));
	ERR(o, "2");
	HAS(o, "allow");
	o = call(e, "CreateInstance", NEWI("CIM_ListenerDestinationCIMXML",
	    DPROPS("d", "not a url")));
	ERR(o, "4");
	o = call(e, "CreateInstance", NEWI("CIM_ListenerDestinationCIMXML",
	    DPROPS("d", "http://127.0.0.1:5000") P("uint16", "Protocol", "4")));
	ERR(o, "4");
	o = call(e, "CreateInstance", NEWI("CIM_IndicationSubscription",
	    SPROPS(FNAME("nope"), DNAME("nope"))));
	ERR(o, "4");
	make_three(e);
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("F1", "WQL", QUERY)));
	ERR(o, "11");
	o = call(e, "DeleteInstance", INAME(FNAME("f1")));
	ERR(o, "1");
	HAS(o, "delete the subscription first");
	/* "ed" holds three records: the fourth is over max_per_user. */
	indic_set_limits(e->ix, &lim);
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f2", "DMTF:CQL", QUERY)));
	ERR(o, "1");
	HAS(o, "max_per_user");
	/* Other classes and namespaces answer as before. */
	o = call_as(e, OP_ROLE_EDIT, "root/tpd", "CreateInstance",
	    NEWI("TPD_StorageVolume", P("string", "ElementName", "x")));
	ERR(o, "7");
	o = call(e, "CreateInstance", NEWI("CIM_Namespace",
	    P("string", "Name", "x")));
	ERR(o, "7");
}

#define MODIFY(state_v, plist) "<IPARAMVALUE NAME=\"ModifiedInstance\">" \
	"<VALUE.NAMEDINSTANCE>" SNAME(FNAME("f1"), DNAME("d1")) \
	"<INSTANCE CLASSNAME=\"CIM_IndicationSubscription\">" \
	P("uint16", "SubscriptionState", state_v) \
	P("uint16", "OnFatalErrorPolicy", "4") \
	"</INSTANCE></VALUE.NAMEDINSTANCE></IPARAMVALUE>" plist

/* A queued message, its content unread here. */
static int
fx_body(void *arg, const char *ctx, uint64_t seq, char **body, size_t *len)
{
	(void)arg;
	(void)ctx;
	(void)seq;
	if ((*body = strdup("x")) == NULL)
		return -ENOMEM;
	*len = 1;
	return 0;
}

static void
test_modify(void **state)
{
	struct env *e = *state;
	const struct indic_sub *sub;
	const char *o;

	make_three(e);
	/* Disabling drops what is queued and lets the exporter look. */
	sub = indic_sub_at(e->ix, 0);
	assert_non_null(sub);
	assert_int_equal(indic_push(e->ix, sub->id, fx_body, NULL), 0);
	assert_int_equal(indic_dest_queued(e->ix, sub->dest_id), 1);
	e->kicks = 0;
	o = call(e, "ModifyInstance", MODIFY("4",
	    PLIST("<VALUE>SubscriptionState</VALUE>")));
	NOERR(o);
	assert_int_equal(e->kicks, 1);
	sub = indic_sub_at(e->ix, 0);
	assert_int_equal(indic_dest_queued(e->ix, sub->dest_id), 0);
	assert_null(indic_head(e->ix, sub->dest_id));
	assert_int_equal(indic_dest_get(e->ix, sub->dest_id)->dropped, 1);
	o = call(e, "GetInstance", INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	HAS(o, "<PROPERTY NAME=\"SubscriptionState\" TYPE=\"uint16\">"
	    "<VALUE>4</VALUE>");
	/* Without a PropertyList only SubscriptionState is taken. */
	o = call(e, "ModifyInstance", MODIFY("2", ""));
	NOERR(o);
	assert_int_equal(e->kicks, 1);	/* enabling stops nothing */
	o = call(e, "GetInstance", INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	HAS(o, "<VALUE>2</VALUE></PROPERTY><PROPERTY NAME=\"OnFatal"
	    "ErrorPolicy\" TYPE=\"uint16\"><VALUE>2</VALUE>");
	o = call(e, "ModifyInstance", MODIFY("3", ""));
	ERR(o, "4");
	o = call(e, "ModifyInstance", MODIFY("4",
	    PLIST("<VALUE>OnFatalErrorPolicy</VALUE>")));
	ERR(o, "7");
	o = call(e, "ModifyInstance", "<IPARAMVALUE NAME=\"ModifiedInstance\">"
	    "<VALUE.NAMEDINSTANCE>" FNAME("f1") "<INSTANCE CLASSNAME=\""
	    "CIM_IndicationFilter\">" P("string", "Query", QUERY)
	    "</INSTANCE></VALUE.NAMEDINSTANCE></IPARAMVALUE>");
	ERR(o, "7");
}

static void
test_delete(void **state)
{
	struct env *e = *state;
	const char *o;

	make_three(e);
	e->kicks = 0;
	o = call(e, "DeleteInstance", INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	NOERR(o);
	assert_int_equal(e->kicks, 1);	/* a delivery in flight stops */
	o = call(e, "DeleteInstance", INAME(SNAME(FNAME("f1"), DNAME("d1"))));
	ERR(o, "6");
	o = call(e, "DeleteInstance", INAME(FNAME("f1")));
	NOERR(o);
	assert_int_equal(e->kicks, 1);	/* a filter has no deliveries */
	o = call(e, "DeleteInstance", INAME(DNAME("d1")));
	NOERR(o);
	assert_int_equal(e->kicks, 2);
	o = call(e, "GetInstance", INAME(DNAME("d1")));
	ERR(o, "6");
	/* A handler (older clients) is its own class over the same store. */
	o = call(e, "CreateInstance", NEWI("CIM_IndicationHandlerCIMXML",
	    P("string", "Name", "h1") P("string", "Destination",
	    "https://[::1]:5001/x")));
	NOERR(o);
	HAS(o, "<INSTANCENAME CLASSNAME=\"CIM_IndicationHandlerCIMXML\">");
	HAS(o, ">TPD_StorageSystem</KEYVALUE>");
	o = call(e, "EnumerateInstanceNames",
	    CLS("CIM_ListenerDestinationCIMXML"));
	LACKS(o, "h1");
	o = call(e, "EnumerateInstanceNames", CLS("CIM_ListenerDestination"));
	HAS(o, "h1");
}

/* Enumeration and lookups at the default max_subscriptions (1000). */
static void
test_thousand(void **state)
{
	struct env *e = *state;
	struct indic_limits lim = { .max_per_user = 3000 };
	struct timespec t0, t1;
	const char *o;
	char name[32];

	indic_set_limits(e->ix, &lim);
	for (unsigned i = 0; i < 1000; i++) {
		struct indic_filter f = { 0 };
		struct indic_dest d = { .persistence_type = 2, .protocol = 2 };
		struct indic_sub s = { .state = 2, .on_fatal_error = 2 };

		snprintf(name, sizeof(name), "f%u", i);
		f.creation_class = (char *)(uintptr_t)"CIM_IndicationFilter";
		f.system_ccn = (char *)(uintptr_t)"CIM_ComputerSystem";
		f.system_name = (char *)(uintptr_t)SYS;
		f.name = name;
		f.query = (char *)(uintptr_t)QUERY;
		f.query_language = (char *)(uintptr_t)"WQL";
		f.owner = (char *)(uintptr_t)"ed";
		assert_int_equal(indic_filter_add(e->ix, &f), 0);
		if (i % 10 == 0) {
			snprintf(name, sizeof(name), "d%u", i);
			d.creation_class = (char *)(uintptr_t)
			    "CIM_ListenerDestinationCIMXML";
			d.system_ccn = f.system_ccn;
			d.system_name = f.system_name;
			d.name = name;
			d.destination = (char *)(uintptr_t)"http://127.0.0.1:1";
			d.owner = f.owner;
			assert_int_equal(indic_dest_add(e->ix, &d), 0);
		}
		s.filter_id = f.id;
		s.dest_id = indic_dest_at(e->ix, i / 10)->id;
		s.owner = f.owner;
		assert_int_equal(indic_sub_add(e->ix, &s), 0);
	}
	/* The 1001st subscription is over max_subscriptions. */
	o = call(e, "CreateInstance", NEWI("CIM_IndicationSubscription",
	    SPROPS(FNAME("f0"), DNAME("d10"))));
	ERR(o, "1");
	HAS(o, "max_subscriptions");
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	o = call(e, "EnumerateInstances", CLS("CIM_IndicationSubscription"));
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	assert_int_equal(count(o, "<VALUE.NAMEDINSTANCE>"), 1000);
	fprintf(stderr, "# EnumerateInstances of 1000 subscriptions: "
	    "%.1f ms CPU\n",
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	o = call(e, "GetInstance", INAME(SNAME(FNAME("f999"), DNAME("d990"))));
	NOERR(o);
}

static void
test_class_listing(void **state)
{
	struct env *e = *state;
	const char *o;

	o = call(e, "EnumerateClassNames", CLS("CIM_ListenerDestination")
	    "<IPARAMVALUE NAME=\"DeepInheritance\"><VALUE>TRUE</VALUE>"
	    "</IPARAMVALUE>");
	HAS(o, "<CLASSNAME NAME=\"CIM_ListenerDestinationCIMXML\"/>");
	HAS(o, "<CLASSNAME NAME=\"CIM_IndicationHandlerCIMXML\"/>");
	o = call(e, "EnumerateClasses", CLS("CIM_Service"));
	HAS(o, "<CLASS NAME=\"CIM_IndicationService\"");
	o = call(e, "GetClass", CLS("CIM_IndicationFilter")
	    "<IPARAMVALUE NAME=\"IncludeQualifiers\"><VALUE>TRUE</VALUE>"
	    "</IPARAMVALUE>");
	HAS(o, "<PROPERTY NAME=\"Query\" TYPE=\"string\"");
	HAS(o, "<QUALIFIER NAME=\"Key\"");
}

static void
test_switched_off(void **state)
{
	struct env *e = *state;
	const char *o;

	make_three(e);
	indic_close(e->ix);
	e->ix = NULL;
	o = call(e, "CreateInstance", NEWI("CIM_IndicationFilter",
	    FPROPS("f2", "WQL", QUERY)));
	ERR(o, "7");
	HAS(o, "switched off");
	o = call(e, "EnumerateInstanceNames", CLS("CIM_IndicationFilter"));
	NOERR(o);
	LACKS(o, "<INSTANCENAME");
	o = call(e, "EnumerateInstances", CLS("CIM_RegisteredProfile"));
	LACKS(o, "Indications");
	o = call(e, "EnumerateInstanceNames", CLS("CIM_IndicationService"));
	LACKS(o, "<INSTANCENAME");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_get_enum, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_associations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_service_profile_schema,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thousand, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_class_listing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_switched_off, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
