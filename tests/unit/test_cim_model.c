/* SPDX-License-Identifier: ISC */
/*
 * test_cim_model.c - the CIM model: path resolution (every form, key
 * order and case, superclass names, foreign systems, wrong key sets; the
 * lenient mode for hand-written method arguments), the
 * paths it builds, instance values of jobs (state/status pairs, datetimes),
 * method results, pairs, volumes, and the association instances (target
 * first, one pool per volume, hidden jobs invisible).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_replica.h"

#include "conf/conf.h"
#include "cim/model_int.h"

#define SYS	"2FF70002AC01A2B3"

struct env {
	struct fake_rep f;
	struct replica_set *rs;
	struct conf *conf;
	struct cim_arena *arena;
	struct op_ctx c;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct replica_config cfg = { 0 };
	struct replica_ops ops;
	static const char *const names[] = { "a", "b", "c" };
	char err[256], path[400];
	uint32_t id;

	fake_rep_init(&e->f);
	ops = fake_rep_ops(&e->f);
	cfg.db_path = e->f.db;
	cfg.system_name = SYS;
	cfg.max_copy_tasks = 1;
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
	e->conf = conf_defaults();
	e->conf->pools = calloc(1, sizeof(*e->conf->pools));
	e->conf->pools[0].name = strdup("p0");
	e->conf->pools[0].path = strdup(e->f.dir);
	e->conf->npools = 1;
	e->arena = cim_arena_new(16 << 20);
	e->c.conf = e->conf;
	e->c.rs = e->rs;
	e->c.host = "h";
	e->c.arena = e->arena;
	e->c.ns = MODEL_NS_TPD;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	cim_arena_free(e->arena);
	replica_set_free(e->rs);
	conf_free(e->conf);
	fake_rep_cleanup(&e->f);
	free(e);
	return 0;
}

static struct cim_path *
mkpath(struct env *e, const char *cls, const char *ns, size_t n, ...)
{
	struct cim_path *p = model_path_new(&e->c, cls, ns, n);
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *k = va_arg(ap, const char *);
		const char *v = va_arg(ap, const char *);

		model_path_key(p, k, v);
	}
	va_end(ap);
	return p;
}

static const struct cim_prop *
prop(const struct cim_instance *in, const char *name)
{
	for (size_t i = 0; i < in->nprops; i++)
		if (strcmp(in->props[i].name, name) == 0)
			return &in->props[i];
	fprintf(stderr, "no property %s in %s\n", name, in->classname);
	fail();
	return NULL;
}

static uint64_t
attach(struct env *e, uint32_t src, uint32_t tgt)
{
	struct replica_caller who = { "bob", "AttachReplica" };
	struct replica_result res;

	assert_int_equal(replica_attach(e->rs, src, tgt, 4, &who, &res), 0);
	return res.job_id;
}

/* The instance of job `id` as kind k (OBJ_JOB or OBJ_METHOD_RESULT). */
static struct cim_instance *
job_inst(struct env *e, enum model_kind k, uint64_t id)
{
	struct model_obj o = { .kind = k, .job_id = id };

	return model_instance(&e->c, &o);
}

static void
test_resolve_volume(void **state)
{
	struct env *e = *state;
	struct model_obj o;
	struct cim_path *p;

	p = mkpath(e, "tpd_storagevolume", NULL, 4, "SystemName", SYS,
	    "systemcreationclassname", "tpd_storagesystem", "DeviceID", "102",
	    "CreationClassName", "TPD_StorageVolume");
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_VOLUME);
	assert_int_equal(o.vol_id, 102);
	assert_string_equal(o.classname, "TPD_StorageVolume");
	p->classname = "CIM_LogicalDevice";
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_VOLUME);
	p->ns = "ROOT/TPD";
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	p->ns = "root/elsewhere";
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	p = mkpath(e, "TPD_StorageVolume", NULL, 4, "SystemName", "FOREIGN",
	    "SystemCreationClassName", "TPD_StorageSystem", "DeviceID", "102",
	    "CreationClassName", "TPD_StorageVolume");
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	p = mkpath(e, "TPD_StorageVolume", NULL, 4, "SystemName", SYS,
	    "SystemCreationClassName", "TPD_StorageSystem", "DeviceID", "0x66",
	    "CreationClassName", "TPD_StorageVolume");
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	p = mkpath(e, "TPD_StorageVolume", NULL, 2, "DeviceID", "102",
	    "CreationClassName", "TPD_StorageVolume");
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	p = mkpath(e, "No_Such_Class", NULL, 1, "DeviceID", "102");
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	/* Built paths resolve back to the same object. */
	p = model_volume_path(&e->c, 103);
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.vol_id, 103);
	assert_string_equal(p->ns, "root/tpd");
	assert_int_equal(p->nkeys, 4);
}

static void
test_resolve_others(void **state)
{
	struct env *e = *state;
	struct model_obj o;
	struct cim_path *p;
	uint64_t j, id;

	p = mkpath(e, "CIM_ComputerSystem", NULL, 2, "Name", SYS,
	    "CreationClassName", "TPD_StorageSystem");
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_SYSTEM);
	p = model_service_path(&e->c);
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_SERVICE);
	p = mkpath(e, "CIM_StoragePool", NULL, 1, "InstanceID", "TPD:" SYS
	    ":p0");
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_POOL);
	assert_string_equal(o.name, "p0");
	p = mkpath(e, "CIM_StoragePool", NULL, 1, "InstanceID", "TPD:" SYS
	    ":p9");
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	j = attach(e, 101, 102);
	p = model_job_path(&e->c, j);
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_JOB);
	assert_int_equal(o.job_id, j);
	p->classname = "TPD_MethodResult";
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_METHOD_RESULT);
	p = model_pair_path(&e->c, 101, 102);
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_PAIR);
	p = model_pair_path(&e->c, 102, 101);
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	/* Job InstanceID round trip and rejects. */
	assert_int_equal(model_parse_job_instance_id(&e->c,
	    model_job_instance_id(&e->c, 42), &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(model_parse_job_instance_id(&e->c, "TPD:X:1", &id),
	    -EINVAL);
	assert_int_equal(model_parse_job_instance_id(&e->c, "TPD:" SYS ":1x",
	    &id), -EINVAL);
	assert_int_equal(model_parse_job_instance_id(&e->c, "TPD:" SYS ":",
	    &id), -EINVAL);
	/* Interop objects from the interop namespace only. */
	e->c.ns = MODEL_NS_INTEROP;
	p = mkpath(e, "CIM_RegisteredProfile", NULL, 1, "InstanceID",
	    "SNIA:Array");
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(o.kind, OBJ_PROFILE);
	e->c.ns = MODEL_NS_TPD;
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
}

/* Shorthand: resolve p leniently as kind k. */
static int
lenient(struct env *e, const struct cim_path *p, enum model_kind k,
    struct model_obj *o)
{
	return model_resolve_mode(&e->c, p, MODEL_LENIENT, k, o);
}

/* What a client may write by hand as a volume argument, and what not. */
static void
test_resolve_lenient_volume(void **state)
{
	struct env *e = *state;
	static const char *const bad_ids[] = { "+102", " 102", "-1", "0",
		"0x66", "102 ", "4294967398", "999", "" };
	struct model_obj o;
	struct cim_path *p;

	/* wbemcli: TPD_StorageVolume.DeviceID="102",SystemName="<sys>". */
	p = mkpath(e, "TPD_StorageVolume", NULL, 2, "DeviceID", "102",
	    "SystemName", SYS);
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	assert_int_equal(o.kind, OBJ_VOLUME);
	assert_int_equal(o.vol_id, 102);
	assert_string_equal(o.classname, "TPD_StorageVolume");
	/* DeviceID alone under the generic classes clients use. */
	p = mkpath(e, "CIM_ManagedElement", NULL, 1, "DeviceID", "103");
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	assert_int_equal(o.vol_id, 103);
	p->classname = "CIM_LogicalElement";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	p->classname = "cim_storagevolume";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	/* Extra keys are let through; the ones we know must agree. */
	p = mkpath(e, "TPD_StorageVolume", "ROOT/TPD", 5, "DeviceID", "101",
	    "CreationClassName", "CIM_StorageVolume",
	    "SystemCreationClassName", "CIM_System", "SystemName", SYS,
	    "Whatever", "x");
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	assert_int_equal(o.vol_id, 101);
	p->keys[1].value = "TPD_StoragePool";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	p->keys[1].value = "TPD_StorageVolume";
	p->keys[2].value = "CIM_StoragePool";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	p->keys[2].value = "TPD_StorageSystem";
	p->keys[3].value = "FOREIGN";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	p->keys[3].value = SYS;
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), 0);
	p->ns = "interop";
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	/* Only digits name a volume, and only one that exists. */
	p = mkpath(e, "TPD_StorageVolume", NULL, 1, "DeviceID", "102");
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		p->keys[0].value = bad_ids[i];
		assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	}
	/* No DeviceID, a class that is no volume, a class path, nothing. */
	p = mkpath(e, "TPD_StorageVolume", NULL, 1, "SystemName", SYS);
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	p = mkpath(e, "CIM_StoragePool", NULL, 1, "DeviceID", "102");
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	p->classname = "TPD_StorageVolume";
	p->is_class = true;
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	assert_int_equal(lenient(e, NULL, OBJ_VOLUME, &o), -ENOENT);
	/* A path that names another kind exactly is no volume. */
	p = mkpath(e, "CIM_StoragePool", NULL, 1, "InstanceID", "TPD:" SYS
	    ":p0");
	assert_int_equal(model_resolve(&e->c, p, &o), 0);
	assert_int_equal(lenient(e, p, OBJ_VOLUME, &o), -ENOENT);
	assert_int_equal(model_resolve_mode(&e->c, p, MODEL_STRICT,
	    OBJ_VOLUME, &o), -ENOENT);
	/* Kinds without lenient rules take strict paths only. */
	assert_int_equal(lenient(e, p, OBJ_POOL, &o), 0);
	assert_string_equal(o.name, "p0");
	p->keys[0].value = "p0";
	assert_int_equal(lenient(e, p, OBJ_POOL, &o), -ENOENT);
}

/* A pair argument: two volume references, a pair joining them or not. */
static void
test_resolve_lenient_pair(void **state)
{
	struct env *e = *state;
	struct model_obj o;
	struct cim_path *p, *loose;

	(void)attach(e, 101, 102);
	p = model_pair_path(&e->c, 101, 102);
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), 0);
	assert_int_equal(o.kind, OBJ_PAIR);
	assert_int_equal(o.src_id, 101);
	assert_int_equal(o.tgt_id, 102);
	/* No pair joins 101 and 103: replica/ will say so, not the model. */
	p = model_pair_path(&e->c, 101, 103);
	assert_int_equal(model_resolve(&e->c, p, &o), -ENOENT);
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), 0);
	assert_int_equal(o.src_id, 101);
	assert_int_equal(o.tgt_id, 103);
	/* Hand-written volume references inside, generic class outside. */
	loose = mkpath(e, "CIM_StorageVolume", NULL, 1, "DeviceID", "102");
	p = model_path_new(&e->c, "CIM_Synchronized", NULL, 2);
	model_path_keyref(p, "SyncedElement", loose);
	model_path_keyref(p, "SystemElement", model_volume_path(&e->c, 101));
	assert_int_equal(model_resolve(&e->c, p, &o), -EINVAL);
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), 0);
	assert_int_equal(o.src_id, 101);
	assert_int_equal(o.tgt_id, 102);
	/* Either end unresolvable, a missing end, or not a Synchronized. */
	loose->keys[0].value = "999";
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), -ENOENT);
	loose->keys[0].value = "102";
	p->classname = "TPD_SystemVolume";
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), -ENOENT);
	p->classname = "TPD_StorageSynchronized";
	p->nkeys = 1;
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), -ENOENT);
	p = mkpath(e, "TPD_StorageSynchronized", NULL, 2, "SystemElement",
	    "101", "SyncedElement", "102");
	assert_int_equal(lenient(e, p, OBJ_PAIR, &o), -ENOENT);
	/* A volume is no pair, and a pair no volume. */
	assert_int_equal(lenient(e, model_volume_path(&e->c, 101), OBJ_PAIR,
	    &o), -ENOENT);
	assert_int_equal(lenient(e, model_pair_path(&e->c, 101, 102),
	    OBJ_VOLUME, &o), -ENOENT);
}

/* Keeps the first object listed. */
static int
first_job_cb(struct op_ctx *c, const struct model_obj *o, void *arg)
{
	(void)c;
	*(struct model_obj *)arg = *o;
	return 1;
}

/* The resolved job travels with the object; listed objects carry none. */
static void
test_job_resolved_once(void **state)
{
	struct env *e = *state;
	uint64_t j = attach(e, 101, 102);
	struct model_obj o, listed;

	assert_int_equal(model_resolve(&e->c, model_job_path(&e->c, j), &o),
	    0);
	assert_non_null(o.job);
	assert_ptr_equal(o.job, replica_job_by_id(e->rs, j));
	assert_int_equal(model_objects(&e->c, model_class_by_name(
	    "TPD_ConcreteJob"), first_job_cb, &listed), 1);
	assert_int_equal(listed.job_id, j);
	assert_null(listed.job);
	assert_non_null(model_instance(&e->c, &listed));
}

static void
test_job_values(void **state)
{
	struct env *e = *state;
	struct cim_instance *in;
	uint64_t j1, j2;
	const struct cim_prop *p;

	j1 = attach(e, 101, 102);
	j2 = attach(e, 101, 103);	/* queued: max_copy_tasks 1 */
	in = job_inst(e, OBJ_JOB, j2);
	assert_non_null(in);
	assert_string_equal(prop(in, "JobState")->text, "2");
	p = prop(in, "OperationalStatus");
	assert_int_equal(p->n, 1);
	assert_string_equal(p->items[0], "15");
	assert_true(prop(in, "StartTime")->is_null);
	assert_string_equal(prop(in, "ElapsedTime")->text,
	    "00000000000000.000000:000");
	assert_string_equal(prop(in, "PercentComplete")->text, "0");
	assert_string_equal(prop(in, "Owner")->text, "bob");
	assert_true(cim_datetime_valid(prop(in, "TimeSubmitted")->text));
	/* PercentComplete is replica/'s, as it reports the copy. */
	replica_on_copy_progress(e->rs, j1, 42, 100, 0, 0, false);
	assert_string_equal(prop(job_inst(e, OBJ_JOB, j1),
	    "PercentComplete")->text, "42");
	replica_on_copy_progress(e->rs, j1, 100, 100, 0, 0, false);
	assert_string_equal(prop(job_inst(e, OBJ_JOB, j1),
	    "PercentComplete")->text, "99");
	assert_true(fake_rep_finish(&e->f, e->rs, j1, 0, NULL));
	in = job_inst(e, OBJ_JOB, j1);
	assert_string_equal(prop(in, "JobState")->text, "7");
	p = prop(in, "OperationalStatus");
	assert_int_equal(p->n, 2);
	assert_string_equal(p->items[0], "2");
	assert_string_equal(p->items[1], "17");
	assert_string_equal(prop(in, "PercentComplete")->text, "100");
	assert_string_equal(prop(in, "ErrorCode")->text, "0");
	assert_true(prop(in, "ErrorDescription")->is_null);
	assert_true(cim_datetime_valid(prop(in, "ElapsedTime")->text));
	/* j2 is now running; make it fail. */
	assert_true(fake_rep_finish(&e->f, e->rs, j2, -EIO, "disk on fire"));
	in = job_inst(e, OBJ_JOB, j2);
	assert_string_equal(prop(in, "JobState")->text, "10");
	p = prop(in, "OperationalStatus");
	assert_string_equal(p->items[0], "6");
	assert_string_equal(p->items[1], "17");
	assert_string_not_equal(prop(in, "ErrorCode")->text, "0");
	assert_string_equal(prop(in, "PercentComplete")->text, "100");
	assert_false(prop(in, "ErrorDescription")->is_null);
}

static void
test_method_result(void **state)
{
	struct env *e = *state;
	struct cim_instance *in;
	uint64_t j = attach(e, 101, 102);
	const char *pre, *post;

	in = job_inst(e, OBJ_METHOD_RESULT, j);
	assert_non_null(in);
	assert_string_equal(prop(in, "InstanceID")->text,
	    model_job_instance_id(&e->c, j));
	pre = prop(in, "PreCallIndication")->text;
	post = prop(in, "PostCallIndication")->text;
	assert_true(prop(in, "PreCallIndication")->embedded_instance);
	assert_non_null(strstr(pre, "<INSTANCE CLASSNAME=\"CIM_InstMethodCall\""));
	assert_non_null(strstr(pre, "AttachReplica"));
	assert_non_null(strstr(pre, "PreCall"));
	assert_null(strstr(pre, "ReturnValue"));
	assert_null(strstr(pre, "NAME=&quot;Job&quot;"));
	assert_non_null(strstr(post, "Method Parameters Checked - Job Started"));
	assert_non_null(strstr(post, "NAME=&quot;Job&quot;"));
	assert_non_null(strstr(post, "ReturnValueType"));
}

static void
test_pair_values(void **state)
{
	struct env *e = *state;
	struct model_obj o = { .kind = OBJ_PAIR, .src_id = 101, .tgt_id = 102 };
	struct cim_instance *in;
	uint64_t j = attach(e, 101, 102);

	in = model_instance(&e->c, &o);
	assert_non_null(in);
	assert_string_equal(prop(in, "SyncState")->text, "5");
	assert_string_equal(prop(in, "ReplicaType")->text, "2");
	assert_string_equal(prop(in, "SyncType")->text, "8");
	assert_string_equal(prop(in, "CopyState")->text, "3");
	assert_string_equal(prop(in, "ProgressStatus")->text, "6");
	assert_string_equal(prop(in, "PercentSynced")->text, "0");
	assert_true(prop(in, "WhenSynced")->is_null);
	assert_string_equal(prop(in, "SyncMaintained")->text, "FALSE");
	/* The copy's progress, as replica/ decided it (37 %). */
	replica_on_copy_progress(e->rs, j, 37 << 10, 100 << 10, 0, 37 << 10, false);
	in = model_instance(&e->c, &o);
	assert_string_equal(prop(in, "PercentSynced")->text, "37");
	assert_true(fake_rep_finish(&e->f, e->rs, j, 0, NULL));
	in = model_instance(&e->c, &o);
	assert_string_equal(prop(in, "SyncState")->text, "14");
	assert_string_equal(prop(in, "CopyState")->text, "4");
	assert_string_equal(prop(in, "PercentSynced")->text, "100");
	assert_false(prop(in, "WhenSynced")->is_null);
	assert_string_equal(prop(in, "SystemElement")->ref->keys[1].value,
	    "101");
	/* A failed Resync: Broken shows no PercentSynced. */
	assert_int_equal(replica_modify(e->rs, REPLICA_OP_RESYNC, 101, 102,
	    &(struct replica_caller){ "tester", "ModifySynchronization" },
	    &(struct replica_result){ 0 }), 0);
	j = replica_pair_find(e->rs, 101, 102)->job_id;
	assert_true(fake_rep_finish(&e->f, e->rs, j, -EIO, "disk gone"));
	in = model_instance(&e->c, &o);
	assert_string_equal(prop(in, "SyncState")->text, "12");
	assert_true(prop(in, "PercentSynced")->is_null);
}

static void
test_volume_values(void **state)
{
	struct env *e = *state;
	struct model_obj o = { .kind = OBJ_VOLUME, .vol_id = 101 };
	struct cim_instance *in = model_instance(&e->c, &o);
	const char *wwn;

	assert_non_null(in);
	wwn = prop(in, "Name")->text;
	assert_int_equal(strlen(wwn), 32);
	assert_true(wwn[0] == '6');
	for (size_t i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789ABCDEF", wwn[i]));
	assert_string_equal(wwn, model_volume_wwn(&e->c, 101));
	assert_string_not_equal(wwn, model_volume_wwn(&e->c, 102));
	assert_string_equal(prop(in, "BlockSize")->text, "512");
	assert_string_equal(prop(in, "NumberOfBlocks")->text, "2048");
	assert_string_equal(prop(in, "SystemName")->text, SYS);
	assert_string_equal(prop(in, "OperationalStatus")->items[0], "2");
}

/* A volume whose file vanished shows [6 Error, 13 Lost Communication]. */
static void
test_volume_lost(void **state)
{
	struct env *e = *state;
	struct model_obj o = { .kind = OBJ_VOLUME, .vol_id = 102 };
	struct cim_instance *in;
	const struct cim_prop *p;

	fake_rep_set_missing(&e->f, 102, true);
	in = model_instance(&e->c, &o);	/* looks at the file now */
	assert_non_null(in);
	p = prop(in, "OperationalStatus");
	assert_int_equal(p->n, 2);
	assert_string_equal(p->items[0], "6");
	assert_string_equal(p->items[1], "13");
	assert_string_equal(prop(in, "HealthState")->text, "25");
	assert_true(replica_volume_by_id(e->rs, 102)->missing);
	o.vol_id = 101;
	in = model_instance(&e->c, &o);
	assert_string_equal(prop(in, "OperationalStatus")->items[0], "2");
}

struct collect {
	const char *cls;
	struct model_link l[16];
	size_t n;
};

static int
collect_cb(struct op_ctx *c, const struct model_link *l, void *arg)
{
	struct collect *k = arg;

	(void)c;
	if (k->cls && strcmp(l->assoc->name, k->cls) != 0)
		return 0;
	if (k->n < 16)
		k->l[k->n++] = *l;
	return 0;
}

static void
test_links(void **state)
{
	struct env *e = *state;
	struct collect k = { .cls = "TPD_AffectedJobElement" };
	struct model_obj job = { .kind = OBJ_JOB }, vol = { .kind = OBJ_VOLUME };
	struct model_link l;
	struct cim_path *p;

	job.job_id = attach(e, 101, 102);
	assert_int_equal(model_links_of(&e->c, &job, collect_cb, &k), 0);
	assert_int_equal(k.n, 2);
	assert_int_equal(k.l[0].end[0].vol_id, 102);	/* target first */
	assert_int_equal(k.l[1].end[0].vol_id, 101);
	/* Exactly one pool per volume. */
	memset(&k, 0, sizeof(k));
	k.cls = "TPD_AllocatedFromStoragePool";
	vol.vol_id = 103;
	assert_int_equal(model_links_of(&e->c, &vol, collect_cb, &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.l[0].end[0].kind, OBJ_POOL);
	/* Link paths resolve back; a made-up one does not. */
	p = model_link_path(&e->c, &k.l[0]);
	assert_int_equal(model_resolve_link(&e->c, p, &l), 0);
	assert_int_equal(l.end[1].vol_id, 103);
	p->keys[1].ref = model_volume_path(&e->c, 999);
	assert_int_equal(model_resolve_link(&e->c, p, &l), -ENOENT);
	/* All of one class. */
	memset(&k, 0, sizeof(k));
	assert_int_equal(model_links_all(&e->c, model_class_by_name(
	    "TPD_OwningJobElement"), collect_cb, &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.l[0].end[0].kind, OBJ_SERVICE);
}

static void
test_hidden_jobs(void **state)
{
	struct env *e = *state;
	struct replica_caller who = { "bob", "CreateReplica" };
	struct replica_result res;
	struct collect k = { .cls = "TPD_AffectedJobElement" };

	assert_int_equal(replica_create(e->rs, 101, "s1", NULL, 4, &who, &res),
	    0);
	for (size_t i = 0; i < replica_job_count(e->rs); i++) {
		const struct rjob *j = replica_job_at(e->rs, i);

		if (j->hidden)
			assert_null(job_inst(e, OBJ_JOB, j->id));
	}
	assert_int_equal(model_links_all(&e->c, NULL, collect_cb, &k), 0);
	assert_int_equal(k.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve_volume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resolve_others, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resolve_lenient_volume,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_lenient_pair,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_resolved_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_job_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_method_result, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pair_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_volume_lost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_volume_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden_jobs, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
