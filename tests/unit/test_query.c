/* SPDX-License-Identifier: ISC */
/*
 * test_query.c - query/: WQL and DMTF:CQL filter queries compiled against
 * a fake schema and matched against fake indications.  The SMI-S client
 * filter strings of issue 12 against job, volume and pair indications;
 * every construct of the grammar; every refusal with its exact message
 * and errno; SQL three-valued logic as truth tables (a condition and its
 * NOT both fail to match exactly when it is unknown); numeric and string
 * coercions; LIKE in both dialects.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "query/query.h"

/* ---- fake schema ------------------------------------------------------ */

struct fake_class {
	const char *name;
	bool indication;
	const char *props[12];
};

#define IND_PROPS { "IndicationIdentifier", "IndicationTime", \
	"SourceInstance", "PreviousInstance", "SourceInstanceModelPath", \
	"SourceInstanceHost", "PerceivedSeverity", "CorrelatedIndications" }

static const struct fake_class fake_classes[] = {
	{ "CIM_Indication", true, { "IndicationIdentifier", "IndicationTime",
	    "SourceInstance", "PreviousInstance", "SourceInstanceHost",
	    "PerceivedSeverity", "CorrelatedIndications", "AlertType",
	    "Description", "OtherSeverity" } },
	{ "CIM_InstCreation", true, IND_PROPS },
	{ "CIM_InstDeletion", true, IND_PROPS },
	{ "CIM_InstModification", true, IND_PROPS },
	{ "TPD_ConcreteJobInstModification", true, IND_PROPS },
	{ "CIM_AlertIndication", true, { "IndicationIdentifier",
	    "AlertType", "Description" } },
	{ "CIM_ConcreteJob", false, { "InstanceID", "Name", "JobState",
	    "PercentComplete", "OperationalStatus", "ErrorCode",
	    "ElementName", "DeleteOnCompletion", "TimeOfLastStateChange",
	    "ErrorDescription" } },
	{ "TPD_ConcreteJob", false, { "InstanceID", "Name", "JobState",
	    "PercentComplete", "OperationalStatus", "ErrorCode",
	    "ElementName", "DeleteOnCompletion", "TimeOfLastStateChange",
	    "ErrorDescription" } },
	{ "CIM_StorageVolume", false, { "DeviceID", "ElementName",
	    "BlockSize", "NumberOfBlocks", "OperationalStatus" } },
	{ "CIM_StorageSynchronized", false, { "SystemElement",
	    "SyncedElement", "SyncState", "CopyType", "WhenSynced" } },
	{ "TPD_StorageSynchronized", false, { "SystemElement",
	    "SyncedElement", "SyncState", "CopyType", "WhenSynced" } },
};

static const struct fake_class *
fake_class_find(const char *name)
{
	for (size_t i = 0; i < sizeof(fake_classes) / sizeof(fake_classes[0]);
	    i++)
		if (strcasecmp(fake_classes[i].name, name) == 0)
			return &fake_classes[i];
	return NULL;
}

static bool
fake_class_known(void *arg, const char *cls, bool *is_indication)
{
	const struct fake_class *c = fake_class_find(cls);

	(void)arg;
	if (c == NULL)
		return false;
	*is_indication = c->indication;
	return true;
}

static bool
class_has(const struct fake_class *c, const char *prop)
{
	for (size_t i = 0; i < 12 && c->props[i] != NULL; i++)
		if (strcasecmp(c->props[i], prop) == 0)
			return true;
	return false;
}

static bool
fake_has_property(void *arg, const char *cls, const char *prop)
{
	const struct fake_class *c;

	(void)arg;
	if (cls != NULL)
		return (c = fake_class_find(cls)) != NULL && class_has(c, prop);
	for (size_t i = 0; i < sizeof(fake_classes) / sizeof(fake_classes[0]);
	    i++)
		if (class_has(&fake_classes[i], prop))
			return true;
	return false;
}

static const struct query_schema schema = {
	.class_known = fake_class_known,
	.has_property = fake_has_property,
};

/* ---- fake instances and indications ----------------------------------- */

struct fake_prop {
	const char *name;
	struct query_value v;
};

struct fake_inst {
	const char *isa[4];	/* its class, then its superclasses */
	struct fake_prop props[12];
};

static int
fake_get(void *arg, const void *inst, const char *prop,
    struct query_value *out)
{
	const struct fake_inst *in = inst != NULL ? inst : arg;

	for (size_t i = 0; i < 12 && in->props[i].name != NULL; i++)
		if (strcasecmp(in->props[i].name, prop) == 0) {
			*out = in->props[i].v;
			return 0;
		}
	return -ENOENT;
}

static bool
fake_isa(void *arg, const void *inst, const char *cls)
{
	const struct fake_inst *in = inst != NULL ? inst : arg;

	for (size_t i = 0; i < 4 && in->isa[i] != NULL; i++)
		if (strcasecmp(in->isa[i], cls) == 0)
			return true;
	return false;
}

#define VI(x)	{ .type = QV_INT, .u.i = (x) }
#define VU(x)	{ .type = QV_UINT, .u.u = (x) }
#define VR(x)	{ .type = QV_REAL, .u.r = (x) }
#define VS(x)	{ .type = QV_STRING, .u.s = (x) }
#define VB(x)	{ .type = QV_BOOL, .u.b = (x) }
#define VN	{ .type = QV_NULL }
#define VA(arr)	{ .type = QV_ARRAY, .u.a = { (arr), \
	sizeof(arr) / sizeof((arr)[0]) } }
#define VO(p)	{ .type = QV_INSTANCE, .u.inst = (p) }

static const struct query_value os_running[] = { VI(2) };
static const struct query_value os_completed[] = { VI(2), VI(17) };
static const struct query_value os_exception[] = { VI(6), VI(17) };
static const struct query_value os_with_null[] = { VI(2), VN };

#define JOB_ISA { "TPD_ConcreteJob", "CIM_ConcreteJob" }

static const struct fake_inst job_running_50 = { JOB_ISA, {
	{ "InstanceID", VS("TPD:job:7") }, { "JobState", VI(4) },
	{ "PercentComplete", VI(50) },
	{ "OperationalStatus", VA(os_running) },
	{ "ElementName", VS("PhysicalCopy vol1") },
	{ "DeleteOnCompletion", VB(false) },
} };
static const struct fake_inst job_running_60 = { JOB_ISA, {
	{ "InstanceID", VS("TPD:job:7") }, { "JobState", VI(4) },
	{ "PercentComplete", VI(60) },
	{ "OperationalStatus", VA(os_running) },
	{ "ElementName", VS("PhysicalCopy vol1") },
	{ "DeleteOnCompletion", VB(false) },
} };
static const struct fake_inst job_completed = { JOB_ISA, {
	{ "InstanceID", VS("TPD:job:7") }, { "JobState", VI(7) },
	{ "PercentComplete", VI(100) },
	{ "OperationalStatus", VA(os_completed) },
	{ "ErrorCode", VI(0) },
	{ "ElementName", VS("PhysicalCopy vol1") },
} };
static const struct fake_inst job_exception = { JOB_ISA, {
	{ "InstanceID", VS("TPD:job:7") }, { "JobState", VI(10) },
	{ "PercentComplete", VI(100) },
	{ "OperationalStatus", VA(os_exception) },
	{ "ErrorCode", VI(28) },
	{ "ElementName", VS("PhysicalCopy vol1") },
} };
static const struct fake_inst volume = {
	{ "TPD_StorageVolume", "CIM_StorageVolume" }, {
	{ "DeviceID", VS("101") }, { "ElementName", VS("vol1") },
	{ "BlockSize", VU(512) }, { "NumberOfBlocks", VU(2097152) },
	{ "OperationalStatus", VA(os_running) },
} };
static const struct fake_inst pair_copying = {
	{ "TPD_StorageSynchronized", "CIM_StorageSynchronized" }, {
	{ "SyncState", VI(15) }, { "CopyType", VI(4) },
} };
static const struct fake_inst pair_frozen = {
	{ "TPD_StorageSynchronized", "CIM_StorageSynchronized" }, {
	{ "SyncState", VI(14) }, { "CopyType", VI(4) },
} };

#define MOD_ISA { "TPD_ConcreteJobInstModification", \
	"CIM_InstModification", "CIM_InstIndication", "CIM_Indication" }

static const struct fake_inst ind_job_progress = { MOD_ISA, {
	{ "IndicationIdentifier", VS("arrayd:1") },
	{ "SourceInstance", VO(&job_running_60) },
	{ "PreviousInstance", VO(&job_running_50) },
} };
static const struct fake_inst ind_job_same = { MOD_ISA, {
	{ "SourceInstance", VO(&job_running_50) },
	{ "PreviousInstance", VO(&job_running_50) },
} };
static const struct fake_inst ind_job_done = { MOD_ISA, {
	{ "SourceInstance", VO(&job_completed) },
	{ "PreviousInstance", VO(&job_running_60) },
} };
static const struct fake_inst ind_job_failed = { MOD_ISA, {
	{ "SourceInstance", VO(&job_exception) },
	{ "PreviousInstance", VO(&job_running_60) },
} };
static const struct fake_inst ind_job_went_wrong = { MOD_ISA, {
	{ "SourceInstance", VO(&job_exception) },
	{ "PreviousInstance", VO(&job_completed) },
} };
static const struct fake_inst ind_job_created = {
	{ "CIM_InstCreation", "CIM_InstIndication", "CIM_Indication" }, {
	{ "SourceInstance", VO(&job_running_50) },
} };
static const struct fake_inst ind_vol_created = {
	{ "CIM_InstCreation", "CIM_InstIndication", "CIM_Indication" }, {
	{ "SourceInstance", VO(&volume) },
} };
static const struct fake_inst ind_vol_modified = {
	{ "CIM_InstModification", "CIM_InstIndication", "CIM_Indication" }, {
	{ "SourceInstance", VO(&volume) },
	{ "PreviousInstance", VO(&volume) },
} };
static const struct fake_inst ind_pair_synced = {
	{ "CIM_InstModification", "CIM_InstIndication", "CIM_Indication" }, {
	{ "SourceInstance", VO(&pair_frozen) },
	{ "PreviousInstance", VO(&pair_copying) },
} };
static const struct fake_inst ind_pair_same = {
	{ "CIM_InstModification", "CIM_InstIndication", "CIM_Indication" }, {
	{ "SourceInstance", VO(&pair_frozen) },
	{ "PreviousInstance", VO(&pair_frozen) },
} };

static bool
match_on(const struct query *q, const struct fake_inst *ind)
{
	struct query_env env = {
		.arg = (void *)(uintptr_t)ind,
		.get = fake_get,
		.isa = fake_isa,
	};

	return query_match(q, &env);
}

static struct query *
must_compile(const char *lang, const char *text)
{
	char err[256] = "";
	struct query *q = NULL;
	int rc = query_compile(lang, text, &schema, &q, err, sizeof(err));

	if (rc != 0)
		fail_msg("%s: %d %s", text, rc, err);
	assert_non_null(q);
	assert_string_equal(err, "");
	return q;
}

/* Compiles (schema checks on) and matches; both languages must agree. */
static bool
matches(const char *text, const struct fake_inst *ind)
{
	struct query *q = must_compile("DMTF:CQL", text);
	struct query *w = must_compile("WQL", text);
	bool m = match_on(q, ind);

	assert_int_equal(m, match_on(w, ind));
	query_free(q);
	query_free(w);
	return m;
}

/* Every refusal of a test is checked; the test fails at its end. */
static int refusal_mismatches;

static void
refusals_done(void)
{
	int n = refusal_mismatches;

	refusal_mismatches = 0;
	assert_int_equal(n, 0);
}

static void
refused(const char *lang, const char *text, bool with_schema, int want_rc,
    const char *want_msg)
{
	char err[256] = "x";
	struct query *q = (struct query *)&err;
	int rc = query_compile(lang, text, with_schema ? &schema : NULL, &q,
	    err, sizeof(err));

	if (rc != want_rc || strcmp(err, want_msg) != 0) {
		print_error("%s\n  got  %d '%s'\n  want %d '%s'\n", text, rc,
		    err, want_rc, want_msg);
		refusal_mismatches++;
	}
	assert_null(q);
}

#define QUERY_BIG	4098	/* 4097 bytes and the NUL */
#define FROM_MOD "SELECT * FROM CIM_InstModification WHERE "

/* ---- the SMI-S client filters ------------------------------------------ */

#define Q_JOB	"SELECT * FROM CIM_InstModification WHERE SourceInstance " \
	"ISA CIM_ConcreteJob"

static void
test_smis_job_isa(void **state)
{
	(void)state;
	assert_true(matches(Q_JOB, &ind_job_progress));
	assert_true(matches(Q_JOB, &ind_job_done));
	assert_false(matches(Q_JOB, &ind_vol_modified));
	assert_false(matches(Q_JOB, &ind_pair_synced));
	/* FROM CIM_InstModification: an InstCreation is not one. */
	assert_false(matches(Q_JOB, &ind_job_created));
}

static void
test_smis_job_progress(void **state)
{
	const char *text = Q_JOB " AND SourceInstance.CIM_ConcreteJob::"
	    "PercentComplete <> PreviousInstance.CIM_ConcreteJob::"
	    "PercentComplete";

	(void)state;
	assert_true(matches(text, &ind_job_progress));
	assert_false(matches(text, &ind_job_same));
	assert_true(matches(text, &ind_job_done));
	/* A volume is not a CIM_ConcreteJob: the scoped property is NULL. */
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.CIM_ConcreteJob::PercentComplete <> "
	    "PreviousInstance.CIM_ConcreteJob::PercentComplete",
	    &ind_vol_modified));
}

static void
test_smis_job_completed(void **state)
{
	const char *ok = Q_JOB " AND ANY SourceInstance.CIM_ConcreteJob::"
	    "OperationalStatus[*] = 17 AND ANY SourceInstance."
	    "CIM_ConcreteJob::OperationalStatus[*] = 2";
	const char *err = Q_JOB " AND ANY SourceInstance.CIM_ConcreteJob::"
	    "OperationalStatus[*] = 17 AND ANY SourceInstance."
	    "CIM_ConcreteJob::OperationalStatus[*] = 6";

	(void)state;
	assert_true(matches(ok, &ind_job_done));
	assert_false(matches(ok, &ind_job_failed));
	assert_false(matches(ok, &ind_job_progress));
	assert_true(matches(err, &ind_job_failed));
	assert_false(matches(err, &ind_job_done));
}

static void
test_smis_unquantified_star(void **state)
{
	const char *text = "SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus[*] = 17";

	(void)state;
	/* No quantifier: x[*] = v means ANY element equals v. */
	assert_true(matches(text, &ind_job_done));
	assert_true(matches(text, &ind_job_failed));
	assert_false(matches(text, &ind_job_progress));
	assert_false(matches(text, &ind_vol_modified));
	/* Without [*], an array against a number is a type mismatch. */
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus = 2", &ind_job_progress));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE NOT "
	    "(SourceInstance.OperationalStatus = 2)", &ind_job_progress));
	/* The same, with the literal on the left. */
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE 17 = "
	    "SourceInstance.OperationalStatus[*]", &ind_job_done));
}

static void
test_smis_volume_created(void **state)
{
	const char *text = "SELECT * FROM CIM_InstCreation WHERE "
	    "SourceInstance ISA CIM_StorageVolume";

	(void)state;
	assert_true(matches(text, &ind_vol_created));
	assert_false(matches(text, &ind_job_created));
	assert_false(matches(text, &ind_vol_modified));
	assert_true(matches("SELECT * FROM CIM_InstDeletion", &(struct
	    fake_inst){ { "CIM_InstDeletion" }, { { NULL, VN } } }));
}

static void
test_smis_sync_state(void **state)
{
	const char *text = "SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance ISA TPD_StorageSynchronized AND "
	    "SourceInstance.SyncState <> PreviousInstance.SyncState";

	(void)state;
	assert_true(matches(text, &ind_pair_synced));
	assert_false(matches(text, &ind_pair_same));
	assert_false(matches(text, &ind_job_progress));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance ISA CIM_StorageSynchronized AND "
	    "SourceInstance.CIM_StorageSynchronized::SyncState = 14",
	    &ind_pair_synced));
}

static void
test_smis_job_state(void **state)
{
	const char *text = "SELECT * FROM TPD_ConcreteJobInstModification "
	    "WHERE SourceInstance.JobState <> PreviousInstance.JobState";

	(void)state;
	assert_true(matches(text, &ind_job_done));
	assert_false(matches(text, &ind_job_progress));
	/* A CIM_InstModification is no TPD_ConcreteJobInstModification. */
	assert_false(matches(text, &ind_pair_synced));
	/* OperationalStatus changed: arrays compare element by element. */
	text = "SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus <> "
	    "PreviousInstance.OperationalStatus";
	assert_true(matches(text, &ind_job_done));
	assert_false(matches(text, &ind_job_progress));
	assert_false(matches(text, &ind_vol_modified));
	/* Same length, [6, 17] against [2, 17]. */
	assert_true(matches(text, &ind_job_went_wrong));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus = "
	    "PreviousInstance.OperationalStatus", &ind_job_went_wrong));
}

/* ---- constructs -------------------------------------------------------- */

static const struct query_value arr_empty[1] = { VN };
static const struct fake_inst props_inst = { { "CIM_ConcreteJob" }, {
	{ "Name", VS("Copy of vol1") },
	{ "ElementName", VS("a%b_c[d]*.e") },
} };
static const struct fake_inst ind_props = { { "CIM_Indication" }, {
	{ "IndicationIdentifier", VS("id-42") },
	{ "PerceivedSeverity", VI(3) },
	{ "IndicationTime", VS("20261207142900.000000+000") },
	{ "SourceInstance", VO(&props_inst) },
	{ "PreviousInstance", { .type = QV_ARRAY, .u.a = { arr_empty, 0 } } },
	{ "AlertType", VB(true) },
	{ "Description", VR(2.5) },
	{ "CorrelatedIndications", VA(os_with_null) },
	{ "SourceInstanceHost", VU(UINT64_MAX) },
} };

static bool
where(const char *cond)
{
	char text[512];

	snprintf(text, sizeof(text), "SELECT * FROM CIM_Indication WHERE %s",
	    cond);
	return matches(text, &ind_props);
}

static bool
where_lang(const char *lang, const char *cond)
{
	char text[512];
	struct query *q;
	bool m;

	snprintf(text, sizeof(text), "SELECT * FROM CIM_Indication WHERE %s",
	    cond);
	q = must_compile(lang, text);
	m = match_on(q, &ind_props);
	query_free(q);
	return m;
}

static void
test_comparisons(void **state)
{
	(void)state;
	assert_true(where("PerceivedSeverity = 3"));
	assert_false(where("PerceivedSeverity = 4"));
	assert_true(where("PerceivedSeverity <> 4"));
	assert_true(where("PerceivedSeverity != 4"));
	assert_true(where("PerceivedSeverity < 4"));
	assert_false(where("PerceivedSeverity < 3"));
	assert_true(where("PerceivedSeverity <= 3"));
	assert_true(where("PerceivedSeverity > 2"));
	assert_false(where("PerceivedSeverity > 3"));
	assert_true(where("PerceivedSeverity >= 3"));
	assert_true(where("3 = PerceivedSeverity"));
	assert_true(where("2 < PerceivedSeverity"));
	assert_true(where("IndicationIdentifier = 'id-42'"));
	assert_true(where("IndicationIdentifier = \"id-42\""));
	assert_false(where("IndicationIdentifier = 'ID-42'"));
	assert_true(where("IndicationIdentifier > 'id-41'"));
	assert_true(where("IndicationIdentifier < 'id-5'"));
	assert_true(where("AlertType = TRUE"));
	assert_true(where("AlertType <> FALSE"));
	assert_true(where("Description = 2.5"));
	assert_true(where("Description > 2"));
	assert_true(where("Description < 3"));
	assert_true(where("1 = 1"));
	assert_false(where("1 = 2"));
}

static void
test_literals(void **state)
{
	(void)state;
	assert_true(where("PerceivedSeverity = 0x3"));
	assert_true(where("PerceivedSeverity = 0X03"));
	assert_true(where("PerceivedSeverity = 11b"));
	assert_true(where("PerceivedSeverity = +3"));
	assert_true(where("PerceivedSeverity > -3"));
	assert_true(where("PerceivedSeverity = 3.0"));
	assert_true(where("PerceivedSeverity = 30e-1"));
	assert_true(where("PerceivedSeverity > .5"));
	assert_true(where("PerceivedSeverity > -9223372036854775808"));
	assert_true(where("SourceInstanceHost = 18446744073709551615"));
	assert_true(where("SourceInstanceHost = 0xffffffffffffffff"));
	assert_true(where("SourceInstance.Name = 'Copy of vol1'"));
	assert_true(where("'it''s' = \"it's\""));
	assert_true(where("\"say \"\"hi\"\"\" = 'say \"hi\"'"));
	assert_true(where("TRUE"));
	assert_false(where("FALSE"));
	assert_false(where("NULL"));
	assert_true(where("NOT FALSE"));
	assert_true(where("AlertType"));
	assert_false(where("NOT AlertType"));
}

static void
test_keywords_and_names_case(void **state)
{
	(void)state;
	assert_true(matches("select * from cim_instmodification where "
	    "sourceinstance isa cim_concretejob and sourceinstance."
	    "cim_concretejob::percentcomplete <> previousinstance."
	    "CIM_CONCRETEJOB::PERCENTCOMPLETE", &ind_job_progress));
	assert_true(matches("SeLeCt * FrOm CIM_InstModification WhErE "
	    "any SourceInstance.OperationalStatus[*] = 17",
	    &ind_job_done));
	/* Whitespace: tabs, newlines, carriage returns between tokens. */
	assert_true(matches("SELECT\t*\r\nFROM CIM_InstModification\nWHERE\n"
	    "SourceInstance ISA CIM_ConcreteJob", &ind_job_done));
}

static void
test_null_tests(void **state)
{
	(void)state;
	assert_true(where("OtherSeverity IS NULL"));
	assert_true(where("PreviousInstance IS NOT NULL"));
	assert_false(where("PreviousInstance IS NULL"));
	assert_true(where("IndicationIdentifier IS NOT NULL"));
	assert_true(where("SourceInstance.ErrorCode IS NULL"));
	assert_false(where("SourceInstance.ErrorCode IS NOT NULL"));
	assert_true(where("SourceInstance.CIM_StorageVolume::BlockSize "
	    "IS NULL"));
	assert_true(where("ANY CorrelatedIndications[*] IS NULL"));
	assert_false(where("EVERY CorrelatedIndications[*] IS NULL"));
	assert_true(where("ANY CorrelatedIndications[*] IS NOT NULL"));
	/* NULL = anything is unknown, even NULL. */
	assert_false(where("NULL = NULL"));
	assert_false(where("NOT (NULL = NULL)"));
	assert_false(where("SourceInstance.ErrorCode = 0"));
	assert_false(where("SourceInstance.ErrorCode <> 0"));
}

static void
test_like(void **state)
{
	(void)state;
	/* CQL: . any one, X* zero or more X, [..] set, \ escape. */
	assert_true(where_lang("CQL", "SourceInstance.Name LIKE 'Copy.*'"));
	assert_true(where_lang("CQL", "SourceInstance.Name LIKE "
	    "'C[a-z]*py of vol[0-9]'"));
	assert_false(where_lang("CQL", "SourceInstance.Name LIKE 'Copy'"));
	assert_false(where_lang("CQL", "SourceInstance.Name LIKE 'copy.*'"));
	assert_true(where_lang("CQL", "SourceInstance.Name NOT LIKE 'x.*'"));
	assert_true(where_lang("CQL", "SourceInstance.ElementName LIKE "
	    "'a%b_c\\[d]\\*\\.e'"));
	assert_true(where_lang("CQL", "SourceInstance.Name LIKE "
	    "'[^a-z]opy.of.vol1'"));
	assert_true(where_lang("CQL", "IndicationIdentifier LIKE 'id-4*2'"));
	assert_true(where_lang("CQL", "IndicationIdentifier LIKE "
	    "'id-[]4]*2'"));
	/* WQL: % any run, _ any one, [..] set, no escape. */
	assert_true(where_lang("WQL", "SourceInstance.Name LIKE 'Copy%'"));
	assert_true(where_lang("WQL", "SourceInstance.Name LIKE '%of%'"));
	assert_true(where_lang("WQL", "SourceInstance.Name LIKE "
	    "'Cop_ of vol_'"));
	assert_false(where_lang("WQL", "SourceInstance.Name LIKE 'Copy.*'"));
	assert_true(where_lang("WQL", "SourceInstance.ElementName LIKE "
	    "'a[%]b[_]c[[]d]*.e'"));
	assert_true(where_lang("WQL", "SourceInstance.Name LIKE '%%%'"));
	assert_true(where_lang("WQL", "'' LIKE '%'"));
	assert_false(where_lang("WQL", "'' LIKE '_'"));
	/* A number is no string: unknown. */
	assert_false(where_lang("WQL", "PerceivedSeverity LIKE '%'"));
	assert_false(where_lang("WQL", "PerceivedSeverity NOT LIKE '%'"));
	/* ANY element of a string array. */
	assert_false(where_lang("CQL", "ANY CorrelatedIndications[*] "
	    "LIKE '.*'"));
}

static void
test_like_no_blowup(void **state)
{
	char cond[256], name[80];
	struct query *q;
	struct fake_inst in = { { "CIM_Indication" }, {
		{ "IndicationIdentifier", VS(name) } } };

	(void)state;
	/* %a%a%a...%b on aaaa...: exponential for a backtracker. */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(cond, sizeof(cond), "SELECT * FROM CIM_Indication WHERE "
	    "IndicationIdentifier LIKE '%%a%%a%%a%%a%%a%%a%%a%%a%%a%%a%%a"
	    "%%a%%a%%a%%a%%a%%a%%a%%a%%a%%b'");
	q = must_compile("WQL", cond);
	assert_false(match_on(q, &in));
	query_free(q);
}

static void
test_quantifiers(void **state)
{
	(void)state;
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "EVERY SourceInstance.OperationalStatus[*] = 2",
	    &ind_job_progress));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "EVERY SourceInstance.OperationalStatus[*] = 2",
	    &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "EVERY SourceInstance.OperationalStatus[*] >= 2",
	    &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "17 = ANY SourceInstance.OperationalStatus[*]", &ind_job_done));
	/* Flipped: 10 > ANY x[*] means ANY x[*] < 10. */
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "10 > ANY SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "10 > EVERY SourceInstance.OperationalStatus[*]",
	    &ind_job_done));
	/* Every operator mirrors: [2, 17]. */
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "17 <= EVERY SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "2 <= EVERY SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "17 >= EVERY SourceInstance.OperationalStatus[*]",
	    &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "3 < ANY SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "17 < ANY SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "17 <> ANY SourceInstance.OperationalStatus[*]", &ind_job_done));
	/* Unquantified, [*] on the right: ANY, mirrored. */
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "16 < SourceInstance.OperationalStatus[*]", &ind_job_done));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "1 >= SourceInstance.OperationalStatus[*]", &ind_job_done));
	/* Empty array: ANY false, EVERY true (vacuous). */
	assert_false(where("ANY PreviousInstance[*] = 1"));
	assert_true(where("EVERY PreviousInstance[*] = 1"));
	/* [2, NULL]: ANY = 2 true; EVERY = 2 unknown (neither way). */
	assert_true(where("ANY CorrelatedIndications[*] = 2"));
	assert_false(where("EVERY CorrelatedIndications[*] = 2"));
	assert_false(where("NOT (EVERY CorrelatedIndications[*] = 2)"));
	assert_false(where("ANY CorrelatedIndications[*] = 3"));
	assert_false(where("NOT (ANY CorrelatedIndications[*] = 3)"));
	/* NULL array: unknown. */
	assert_false(where("ANY SourceInstance.ErrorCode[*] = 0"));
	assert_false(where("NOT (ANY SourceInstance.ErrorCode[*] = 0)"));
	/* A scalar under [*] is an array of one. */
	assert_true(where("ANY PerceivedSeverity[*] = 3"));
}

static void
test_index(void **state)
{
	(void)state;
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus[1] = 17", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus[0] = 2", &ind_job_done));
	/* Past the end, or not an array: NULL. */
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.OperationalStatus[2] IS NULL", &ind_job_done));
	assert_true(where("PerceivedSeverity[0] IS NULL"));
}

static void
test_logic(void **state)
{
	(void)state;
	assert_true(where("PerceivedSeverity = 3 AND AlertType"));
	assert_false(where("PerceivedSeverity = 4 AND AlertType"));
	assert_true(where("PerceivedSeverity = 4 OR AlertType"));
	assert_true(where("NOT PerceivedSeverity = 4"));
	assert_true(where("(PerceivedSeverity = 4 OR PerceivedSeverity = 3) "
	    "AND NOT (AlertType = FALSE)"));
	/* AND binds tighter than OR. */
	assert_true(where("TRUE OR FALSE AND FALSE"));
	assert_false(where("(TRUE OR FALSE) AND FALSE"));
	/* NOT binds tighter than AND. */
	assert_false(where("NOT TRUE AND FALSE"));
	assert_true(where("NOT (TRUE AND FALSE)"));
	/* Parenthesized lists of the same operator join the outer one. */
	assert_false(where("TRUE AND (FALSE AND TRUE)"));
	assert_true(where("FALSE OR (FALSE OR TRUE) OR FALSE"));
	assert_true(where("(TRUE AND TRUE) AND (TRUE AND (TRUE AND TRUE))"));
	/* A long flat list is not nesting. */
	assert_true(where("1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR "
	    "1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR "
	    "1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR "
	    "1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR "
	    "1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 2 OR 1 = 1"));
}

/* tv: 0 false, 1 true, 2 unknown; the property standing for each. */
static const char *const tv_cond[3] = { "AlertType = FALSE",
	"AlertType = TRUE", "OtherSeverity = TRUE" };

static int
tv_observed(const char *cond)
{
	char text[256];
	bool yes, no;

	snprintf(text, sizeof(text), "(%s)", cond);
	yes = where_lang("CQL", text);
	snprintf(text, sizeof(text), "NOT (%s)", cond);
	no = where_lang("CQL", text);
	assert_false(yes && no);
	return yes ? 1 : no ? 0 : 2;
}

static void
test_three_valued_logic(void **state)
{
	/* SQL's tables: F < U < T for AND (min) and OR (max). */
	static const int and_t[3][3] = { { 0, 0, 0 }, { 0, 1, 2 },
		{ 0, 2, 2 } };
	static const int or_t[3][3] = { { 0, 1, 2 }, { 1, 1, 1 },
		{ 2, 1, 2 } };
	static const int not_t[3] = { 1, 0, 2 };
	char cond[256];

	(void)state;
	for (int a = 0; a < 3; a++) {
		assert_int_equal(tv_observed(tv_cond[a]), a);
		snprintf(cond, sizeof(cond), "NOT (%s)", tv_cond[a]);
		assert_int_equal(tv_observed(cond), not_t[a]);
		for (int b = 0; b < 3; b++) {
			snprintf(cond, sizeof(cond), "%s AND %s", tv_cond[a],
			    tv_cond[b]);
			assert_int_equal(tv_observed(cond), and_t[a][b]);
			snprintf(cond, sizeof(cond), "%s OR %s", tv_cond[a],
			    tv_cond[b]);
			assert_int_equal(tv_observed(cond), or_t[a][b]);
			for (int c = 0; c < 3; c++) {
				/* n-ary: (a AND b AND c) = min, OR = max. */
				int mn = and_t[and_t[a][b]][c];
				int mx = or_t[or_t[a][b]][c];

				snprintf(cond, sizeof(cond), "%s AND %s AND %s",
				    tv_cond[a], tv_cond[b], tv_cond[c]);
				assert_int_equal(tv_observed(cond), mn);
				snprintf(cond, sizeof(cond), "%s OR %s OR %s",
				    tv_cond[a], tv_cond[b], tv_cond[c]);
				assert_int_equal(tv_observed(cond), mx);
			}
		}
	}
}

static void
test_coercions(void **state)
{
	(void)state;
	/* Integer kinds: uint64 max is above every int64. */
	assert_true(where("SourceInstanceHost > 9223372036854775807"));
	assert_true(where("SourceInstanceHost > -1"));
	assert_false(where("SourceInstanceHost < -1"));
	assert_true(where("-1 < SourceInstanceHost"));
	assert_true(where("SourceInstanceHost >= 1.8e19"));
	assert_true(where("PerceivedSeverity < 3.5"));
	assert_true(where("PerceivedSeverity > 2.999"));
	assert_true(where("Description >= 2.5 AND Description <= 2.5"));
	/* A string that is a whole number compares as that number. */
	assert_true(where("PerceivedSeverity = '3'"));
	assert_true(where("PerceivedSeverity < '10'"));
	assert_true(where("'3.0' = PerceivedSeverity"));
	assert_true(where("SourceInstanceHost = '18446744073709551615'"));
	/* ... and anything else is unknown, both ways. */
	assert_false(where("PerceivedSeverity = '3 '"));
	assert_false(where("NOT (PerceivedSeverity = '3 ')"));
	assert_false(where("PerceivedSeverity = 'three'"));
	assert_false(where("NOT (PerceivedSeverity = 'three')"));
	assert_false(where("PerceivedSeverity = 'nan'"));
	assert_false(where("'three' = PerceivedSeverity"));
	assert_false(where("NOT ('three' = PerceivedSeverity)"));
	/* Strings order by bytes: 'B' < 'a'. */
	assert_true(where("'B' < 'a'"));
	assert_true(where("'ab' > 'a'"));
	/* Booleans have no order, and are no numbers. */
	assert_false(where("AlertType > FALSE"));
	assert_false(where("NOT (AlertType > FALSE)"));
	assert_false(where("AlertType = 1"));
	assert_false(where("NOT (AlertType = 1)"));
	/* Instances compare with nothing. */
	assert_false(where("SourceInstance = SourceInstance"));
	assert_false(where("NOT (SourceInstance = SourceInstance)"));
	/* ISA of a non-instance is unknown. */
	assert_false(where("PerceivedSeverity ISA CIM_ConcreteJob"));
	assert_false(where("NOT (PerceivedSeverity ISA CIM_ConcreteJob)"));
	/* Arrays have no order. */
	assert_false(where("CorrelatedIndications < CorrelatedIndications"));
	/* [2, NULL] = [2, NULL]: unknown (NULL = NULL is). */
	assert_false(where("CorrelatedIndications = CorrelatedIndications"));
	assert_false(where("NOT (CorrelatedIndications = "
	    "CorrelatedIndications)"));
}

static void
test_nan(void **state)
{
	struct fake_inst in = { { "CIM_Indication" }, {
		{ "Description", VR(NAN) } } };
	struct query *q = must_compile("CQL", "SELECT * FROM CIM_Indication "
	    "WHERE Description = Description OR Description <> 1 OR "
	    "NOT (Description < 1)");

	(void)state;
	assert_false(match_on(q, &in));
	query_free(q);
}

static void
test_from_alias_and_select(void **state)
{
	struct query *q;

	(void)state;
	assert_true(matches("SELECT * FROM CIM_InstModification AS m WHERE "
	    "m.SourceInstance ISA CIM_ConcreteJob", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification m WHERE "
	    "M.SourceInstance.JobState = 7", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "CIM_InstModification.SourceInstance.JobState = 7",
	    &ind_job_done));
	assert_true(matches("SELECT SourceInstance, PreviousInstance, "
	    "IndicationTime FROM CIM_InstModification", &ind_job_done));
	assert_true(matches("SELECT SourceInstance.JobState FROM "
	    "CIM_InstModification WHERE SourceInstance.JobState = 7",
	    &ind_job_done));
	q = must_compile("WQL", "SELECT * FROM CIM_InstModification");
	assert_string_equal(query_from_class(q), "CIM_InstModification");
	assert_true(query_selects(q, "SourceInstance"));
	assert_true(query_selects(q, "anything"));
	query_free(q);
	q = must_compile("CQL", "SELECT m.SourceInstance.JobState, "
	    "IndicationTime FROM CIM_InstModification m");
	assert_true(query_selects(q, "sourceinstance"));
	assert_true(query_selects(q, "IndicationTime"));
	assert_false(query_selects(q, "PreviousInstance"));
	assert_false(query_selects(q, "m"));
	query_free(q);
	q = must_compile("wql",
	    "SELECT * FROM tpd_concretejobinstmodification");
	assert_string_equal(query_from_class(q),
	    "tpd_concretejobinstmodification");
	query_free(q);
	query_free(NULL);
}

/* Indication filters in DSP0202's style, as CQL test suites carry them. */
static void
test_dsp0202_examples(void **state)
{
	(void)state;
	assert_true(matches("SELECT SourceInstance.CIM_ConcreteJob::JobState, "
	    "SourceInstance.CIM_ConcreteJob::OperationalStatus FROM "
	    "CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob OR "
	    "SourceInstance ISA CIM_StorageVolume", &ind_vol_modified));
	/* [2, 17] against [2]: [1] of the previous is NULL, unknown. */
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance ISA CIM_ConcreteJob AND PreviousInstance ISA "
	    "CIM_ConcreteJob AND SourceInstance.CIM_ConcreteJob::"
	    "OperationalStatus[1] <> PreviousInstance.CIM_ConcreteJob::"
	    "OperationalStatus[1]", &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "NOT EVERY SourceInstance.OperationalStatus[*] = 2",
	    &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE EVERY "
	    "CIM_InstModification.SourceInstance.OperationalStatus[*] <> 6",
	    &ind_job_done));
}

/* OMI's WQL: a class as a step of its own is a scope. */
static void
test_wql_class_step(void **state)
{
	(void)state;
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.CIM_ConcreteJob.JobState = 7", &ind_job_done));
	assert_false(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.CIM_StorageVolume.OperationalStatus[0] = 2",
	    &ind_job_done));
	assert_true(matches("SELECT * FROM CIM_InstModification WHERE "
	    "SourceInstance.CIM_StorageVolume.OperationalStatus[0] = 2",
	    &ind_vol_modified));
	refused("WQL", FROM_MOD "SourceInstance.CIM_StorageVolume.JobState = "
	    "7", true, -EINVAL, "line 1, column 57: unknown property "
	    "'JobState' of CIM_StorageVolume");
	refusals_done();
}

static void
test_without_schema(void **state)
{
	char err[128];
	struct query *q = NULL;

	(void)state;
	/* No schema: names are not checked, the grammar is. */
	assert_int_equal(query_compile("CQL", "SELECT * FROM Nowhere WHERE "
	    "Foo.Bar::Baz[*] = 1", NULL, &q, err, sizeof(err)), 0);
	assert_non_null(q);
	assert_false(match_on(q, &ind_job_done));
	query_free(q);
	/* OMI's class step means the same with or without a schema. */
	assert_int_equal(query_compile("WQL", "SELECT * FROM "
	    "CIM_InstModification WHERE SourceInstance.CIM_ConcreteJob."
	    "JobState = 7", NULL, &q, err, sizeof(err)), 0);
	assert_true(match_on(q, &ind_job_done));
	assert_false(match_on(q, &ind_job_progress));
	query_free(q);
	assert_int_equal(query_compile("WQL", "SELECT * FROM "
	    "CIM_InstModification WHERE SourceInstance.CIM_StorageVolume."
	    "OperationalStatus[0] = 2", NULL, &q, err, sizeof(err)), 0);
	assert_false(match_on(q, &ind_job_done));
	assert_true(match_on(q, &ind_vol_modified));
	query_free(q);
	/* errbuf may be NULL, or short: the message is cut, still a string. */
	assert_int_equal(query_compile("CQL", "SELECT", NULL, &q, NULL, 0),
	    -EINVAL);
	assert_null(q);
	assert_int_equal(query_compile("CQL", "SELECT", NULL, &q, err, 10),
	    -EINVAL);
	assert_string_equal(err, "line 1, c");
	assert_int_equal(query_compile("CQL", "SELECT * FROM X WHERE a = 'x",
	    NULL, &q, err, 24), -EINVAL);
	assert_string_equal(err, "line 1, column 27: unte");
}

static void
test_env_edge_cases(void **state)
{
	struct query *q = must_compile("CQL", "SELECT * FROM "
	    "CIM_InstModification WHERE SourceInstance.JobState = 7");
	struct query_env env = { .arg = (void *)(uintptr_t)&ind_job_done,
		.get = fake_get, .isa = fake_isa };
	static const struct fake_inst broken = { MOD_ISA, {
		{ "SourceInstance", { .type = QV_INSTANCE, .u.inst = NULL } },
		{ "PreviousInstance", { .type = QV_STRING, .u.s = NULL } },
	} };

	(void)state;
	assert_true(query_match(q, &env));
	env.get = NULL;
	assert_false(query_match(q, &env));
	env.get = fake_get;
	env.isa = NULL;
	assert_false(query_match(q, &env));
	assert_false(query_match(q, NULL));
	assert_false(match_on(q, &broken));
	query_free(q);
	q = must_compile("CQL", "SELECT * FROM CIM_InstModification WHERE "
	    "PreviousInstance IS NULL");
	assert_true(match_on(q, &broken));
	query_free(q);
}

/* ---- refusals ---------------------------------------------------------- */


static void
test_refuse_language(void **state)
{
	(void)state;
	refused("SQL", "SELECT * FROM CIM_InstModification", true,
	    -EPROTONOSUPPORT, "line 1, column 1: query language 'SQL' is "
	    "not supported (WQL, DMTF:CQL)");
	refused("CIM:CQL", "SELECT * FROM CIM_InstModification", true,
	    -EPROTONOSUPPORT, "line 1, column 1: query language 'CIM:CQL' "
	    "is not supported (WQL, DMTF:CQL)");
	refused(NULL, "SELECT * FROM CIM_InstModification", true,
	    -EPROTONOSUPPORT, "line 1, column 1: query language '' is not "
	    "supported (WQL, DMTF:CQL)");
	refusals_done();
}

static void
test_refuse_size(void **state)
{
	char *big = malloc(QUERY_BIG);
	char deep[512];
	size_t n;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', QUERY_BIG - 1);
	big[QUERY_BIG - 1] = '\0';
	memcpy(big, "SELECT * FROM CIM_InstModification", 34);
	refused("WQL", big, true, -E2BIG,
	    "line 1, column 1: query longer than 4096 bytes");
	/* Exactly 4096 is fine. */
	big[4096] = '\0';
	{
		struct query *q = must_compile("WQL", big);

		query_free(q);
	}
	free(big);
	/* 33 parentheses. */
	n = (size_t)snprintf(deep, sizeof(deep), FROM_MOD);
	for (int i = 0; i < 33; i++)
		deep[n++] = '(';
	strcpy(deep + n, "TRUE");
	refused("CQL", deep, true, -E2BIG, "line 1, column 74: parentheses "
	    "nested deeper than 32");
	/* 32 NOTs around a predicate make 33 levels. */
	n = (size_t)snprintf(deep, sizeof(deep), FROM_MOD);
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "NOT ");
	strcpy(deep + n, "TRUE");
	refused("CQL", deep, true, -E2BIG, "line 1, column 42: condition "
	    "nested deeper than 32");
	/* 31 NOTs: 32 levels, accepted. */
	deep[41] = ' ';
	deep[42] = ' ';
	deep[43] = ' ';
	deep[44] = ' ';
	{
		struct query *q = must_compile("CQL", deep);

		/* An odd number of NOTs over TRUE. */
		assert_false(match_on(q, &ind_job_done));
		query_free(q);
	}
	refusals_done();
}

static void
test_refuse_syntax(void **state)
{
	(void)state;
	refused("WQL", "", true, -EINVAL, "line 1, column 1: syntax error, "
	    "unexpected end of query, expecting SELECT");
	refused("WQL", "SELECT FROM CIM_InstModification", true, -EINVAL,
	    "line 1, column 8: syntax error, unexpected FROM, expecting "
	    "identifier or '*' (at 'FROM')");
	refused("WQL", FROM_MOD, true, -EINVAL, "line 1, column 42: syntax "
	    "error, unexpected end of query");
	refused("WQL", FROM_MOD "SourceInstance ISA", true, -EINVAL,
	    "line 1, column 60: syntax error, unexpected end of query, "
	    "expecting identifier");
	refused("WQL", FROM_MOD "a = = 1", true, -EINVAL, "line 1, column "
	    "46: syntax error, unexpected comparison operator (at '=')");
	refused("WQL", FROM_MOD "TRUE garbage", true, -EINVAL, "line 1, "
	    "column 47: syntax error, unexpected identifier (at 'garbage')");
	refused("WQL", FROM_MOD "\n  SourceInstance ==", true, -EINVAL,
	    "line 2, column 19: syntax error, unexpected comparison "
	    "operator (at '=')");
	refused("WQL", "SELECT * FROM CIM_InstModification, CIM_InstCreation",
	    true, -EINVAL, "line 1, column 35: syntax error, unexpected ',', "
	    "expecting end of query or WHERE or AS or identifier (at ',')");
	refused("CQL", FROM_MOD "SourceInstance.JobState IN (7, 10)", true,
	    -EINVAL, "line 1, column 66: syntax error, unexpected identifier "
	    "(at 'IN')");
	refused("CQL", FROM_MOD "SourceInstance.JobState + 1 = 7", true,
	    -EINVAL, "line 1, column 66: syntax error, unexpected '+' "
	    "(at '+')");
	refused("CQL", FROM_MOD "SourceInstance.JobState LIKE JobState", true,
	    -EINVAL, "line 1, column 71: syntax error, unexpected "
	    "identifier, expecting string (at 'JobState')");
	refused("CQL", FROM_MOD "SourceInstance.JobState[1..2] = 7", true,
	    -EINVAL, "line 1, column 67: syntax error, unexpected '.', "
	    "expecting ']' (at '.')");
	refusals_done();
}

static void
test_refuse_lexical(void **state)
{
	(void)state;
	refused("WQL", FROM_MOD "a = 'open", true, -EINVAL,
	    "line 1, column 46: unterminated string");
	refused("WQL", FROM_MOD "a = \"open", true, -EINVAL,
	    "line 1, column 46: unterminated string");
	refused("WQL", FROM_MOD "a # 1", true, -EINVAL,
	    "line 1, column 44: unexpected character '#'");
	refused("WQL", FROM_MOD "a = 1 \xe2\x88\x91", true, -EINVAL,
	    "line 1, column 48: unexpected byte 0xe2");
	refused("WQL", FROM_MOD "a = 18446744073709551616", true, -EINVAL,
	    "line 1, column 46: integer literal out of range");
	refused("WQL", FROM_MOD "a = -9223372036854775809", true, -EINVAL,
	    "line 1, column 47: integer literal out of range");
	refused("WQL", FROM_MOD "a = 1e999", true, -EINVAL,
	    "line 1, column 46: real literal out of range");
	refused("WQL", FROM_MOD "a[18446744073709551615] = 1", true, -EINVAL,
	    "line 1, column 44: array index out of range");
	refused("CQL", FROM_MOD "ANY SourceInstance.OperationalStatus[*] <> "
	    "#'OK'", true, -EINVAL, "line 1, column 85: symbolic constants "
	    "(#'...') are not supported: use the number");
	refusals_done();
}

static void
test_refuse_unsupported(void **state)
{
	(void)state;
	refused("CQL", FROM_MOD "UPPER(SourceInstance.Name) = 'X'", true,
	    -EINVAL, "line 1, column 42: function UPPER() is not supported");
	refused("CQL", FROM_MOD "ANY SourceInstance.OperationalStatus = 2",
	    true, -EINVAL, "line 1, column 46: ANY needs an array chain "
	    "ending in [*]");
	refused("CQL", FROM_MOD "EVERY SourceInstance.Name LIKE 'x'", true,
	    -EINVAL, "line 1, column 48: EVERY needs an array chain ending "
	    "in [*]");
	refused("CQL", FROM_MOD "SourceInstance[*].JobState = 7", true,
	    -EINVAL, "line 1, column 60: [*] is allowed only on the last "
	    "property of a chain");
	refused("CQL", FROM_MOD "SourceInstance.OperationalStatus[*] = "
	    "PreviousInstance.OperationalStatus[*]", true, -EINVAL,
	    "line 1, column 80: [*] is allowed only once, after ANY or EVERY "
	    "or on the left of a comparison");
	refused("CQL", FROM_MOD "SourceInstance.OperationalStatus[*] ISA "
	    "CIM_ConcreteJob", true, -EINVAL, "line 1, column 42: [*] is "
	    "allowed only once, after ANY or EVERY or on the left of a "
	    "comparison");
	refused("CQL", "SELECT SourceInstance.OperationalStatus[*] FROM "
	    "CIM_InstModification", true, -EINVAL, "line 1, column 8: [*] is "
	    "allowed only once, after ANY or EVERY or on the left of a "
	    "comparison");
	refused("CQL", FROM_MOD "SourceInstance.Name LIKE '*x'", true,
	    -EINVAL, "line 1, column 67: LIKE pattern: '*' at offset 0 "
	    "repeats nothing");
	refused("CQL", FROM_MOD "SourceInstance.Name LIKE 'x\\'", true,
	    -EINVAL, "line 1, column 67: LIKE pattern: ends in a lone '\\'");
	refused("WQL", FROM_MOD "SourceInstance.Name LIKE 'x[ab'", true,
	    -EINVAL, "line 1, column 67: LIKE pattern: unterminated [ set");
	refusals_done();
}

static void
test_refuse_names(void **state)
{
	(void)state;
	refused("WQL", "SELECT * FROM CIM_Nothing", true, -EINVAL,
	    "line 1, column 15: unknown class 'CIM_Nothing' in FROM");
	refused("WQL", "SELECT * FROM\n  CIM_ConcreteJob", true, -EINVAL,
	    "line 2, column 3: class 'CIM_ConcreteJob' in FROM is not an "
	    "indication class");
	refused("CQL", FROM_MOD "SourceInstance.CIM_ConcreteJob::JobStat = 7",
	    true, -EINVAL, "line 1, column 57: unknown property 'JobStat' of "
	    "CIM_ConcreteJob");
	refused("CQL", FROM_MOD "SourceInstance.CIM_Job::JobState = 7", true,
	    -EINVAL, "line 1, column 57: unknown class 'CIM_Job'");
	refused("CQL", FROM_MOD "SourceInstance.JobStat = 7", true, -EINVAL,
	    "line 1, column 57: unknown property 'JobStat' (no class has it)");
	refused("CQL", FROM_MOD "JobState = 7", true, -EINVAL,
	    "line 1, column 42: unknown property 'JobState' of "
	    "CIM_InstModification");
	refused("CQL", FROM_MOD "7 = ANY SourceInstance.OpStatus[*]", true,
	    -EINVAL, "line 1, column 65: unknown property 'OpStatus' (no "
	    "class has it)");
	refused("CQL", FROM_MOD "SourceInstance ISA CIM_Job", true, -EINVAL,
	    "line 1, column 61: unknown class 'CIM_Job'");
	/* Deep in the condition, and in a long SELECT list. */
	refused("CQL", FROM_MOD "TRUE AND NOT (FALSE OR SourceInstance."
	    "JobStat = 7)", true, -EINVAL, "line 1, column 80: unknown "
	    "property 'JobStat' (no class has it)");
	refused("CQL", "SELECT SourceInstance, PreviousInstance, "
	    "IndicationTime, IndicationIdentifier, SourceInstanceModelPath, "
	    "SourceInstanceHost, PerceivedSeverity, CorrelatedIndications, "
	    "SourceInstance.JobState, Bogus FROM CIM_InstModification", true,
	    -EINVAL, "line 1, column 192: unknown property 'Bogus' of "
	    "CIM_InstModification");
	refused("CQL", "SELECT SourceInstance, Bogus FROM CIM_InstModification",
	    true, -EINVAL, "line 1, column 24: unknown property 'Bogus' of "
	    "CIM_InstModification");
	refused("CQL", FROM_MOD "m.SourceInstance IS NULL", true, -EINVAL,
	    "line 1, column 42: unknown property 'm' of "
	    "CIM_InstModification");
	/* The alias is that query's only. */
	refused("CQL", "SELECT * FROM CIM_InstModification n WHERE "
	    "m.SourceInstance IS NULL", true, -EINVAL, "line 1, column 44: "
	    "unknown property 'm' of CIM_InstModification");
	refusals_done();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smis_job_isa),
		cmocka_unit_test(test_smis_job_progress),
		cmocka_unit_test(test_smis_job_completed),
		cmocka_unit_test(test_smis_unquantified_star),
		cmocka_unit_test(test_smis_volume_created),
		cmocka_unit_test(test_smis_sync_state),
		cmocka_unit_test(test_smis_job_state),
		cmocka_unit_test(test_comparisons),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_keywords_and_names_case),
		cmocka_unit_test(test_null_tests),
		cmocka_unit_test(test_like),
		cmocka_unit_test(test_like_no_blowup),
		cmocka_unit_test(test_quantifiers),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_three_valued_logic),
		cmocka_unit_test(test_coercions),
		cmocka_unit_test(test_nan),
		cmocka_unit_test(test_from_alias_and_select),
		cmocka_unit_test(test_dsp0202_examples),
		cmocka_unit_test(test_wql_class_step),
		cmocka_unit_test(test_without_schema),
		cmocka_unit_test(test_env_edge_cases),
		cmocka_unit_test(test_refuse_language),
		cmocka_unit_test(test_refuse_size),
		cmocka_unit_test(test_refuse_syntax),
		cmocka_unit_test(test_refuse_lexical),
		cmocka_unit_test(test_refuse_unsupported),
		cmocka_unit_test(test_refuse_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
