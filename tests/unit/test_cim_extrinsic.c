/* SPDX-License-Identifier: ISC */
/*
 * test_cim_extrinsic.c - op_extrinsic() driven with real METHODCALL
 * bodies (parsed by cimxml_parse_request) against a replica_set on fake
 * ops in a mkdtemp() folder.  Asserts on the METHODRESPONSE content: the
 * CIM error codes of the contract's validation order, the return values
 * and output parameters of every method, and the wire details clients
 * depend on (RETURNVALUE PARAMTYPE, PARAMVALUE attributes, HOST in output
 * references, the escaped embedded CIM_Error of GetError).  With
 * can_defer, CreateReplica CopyType 4 leaves its pair for cimop.c and
 * op_extrinsic_deferred() answers: 0 + TargetElement only once the
 * snapshot copy finished, 4 when it failed, is gone or still runs.  A
 * handler's internal -errno ends as one ERROR through errmap.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/fixture_cim.h"

/* ------------------------------------------------ validation order */

static void
test_browse_role_denied(void **state)
{
	struct fx *x = *state;

	assert_error(call_as(x, OP_ROLE_BROWSE, "CreateReplica",
	    svc_target(x, NULL, NULL), params(
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL)), 2);
	/* Role before target existence and before method lookup. */
	assert_error(call_as(x, OP_ROLE_BROWSE, "Frobnicate",
	    svc_target(x, "FOREIGN", NULL), NULL), 2);
	assert_error(call_as(x, OP_ROLE_NONE, "GetError", job_target(x, 1),
	    NULL), 2);
	assert_int_equal(replica_volume_count(x->rs), 4);
}

static void
test_unknown_target(void **state)
{
	struct fx *x = *state;

	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica",
	    svc_target(x, "0123456789ABCDEF", NULL), NULL), 6);
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica",
	    svc_target(x, NULL, "OtherService"), NULL), 6);
	/* Before method lookup: an unknown method on a missing target is 6. */
	assert_error(call_as(x, OP_ROLE_EDIT, "Frobnicate",
	    svc_target(x, "0123456789ABCDEF", NULL), NULL), 6);
	/* A volume that does not exist. */
	assert_error(call_as(x, OP_ROLE_EDIT, "RequestStateChange",
	    vol_path(x, 999, F_NAME, false), NULL), 6);
	/* A job that never existed. */
	assert_error(call_job(x, "GetError", 77, NULL), 6);
	/* A class no one knows. */
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica",
	    strdup("<INSTANCENAME CLASSNAME=\"TPD_Nothing\"><KEYBINDING "
	    "NAME=\"Name\"><KEYVALUE>x</KEYVALUE></KEYBINDING></INSTANCENAME>"),
	    NULL), 6);
}

static void
test_unknown_method(void **state)
{
	struct fx *x = *state;

	/* Class paths: no method of ours is static. */
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica", strdup(
	    "<CLASSNAME NAME=\"TPD_StorageConfigurationService\"/>"), NULL),
	    7);
	assert_error(call_as(x, OP_ROLE_EDIT, "Frobnicate", strdup(
	    "<CLASSNAME NAME=\"tpd_storageconfigurationservice\"/>"), NULL),
	    17);
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica", strdup(
	    "<CLASSNAME NAME=\"TPD_Nothing\"/>"), NULL), 6);
	assert_error(call_as(x, OP_ROLE_BROWSE, "CreateReplica", strdup(
	    "<CLASSNAME NAME=\"TPD_StorageConfigurationService\"/>"), NULL),
	    2);
	/* Instances without methods of that name. */
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica",
	    vol_path(x, VA, F_NAME, false), NULL), 17);

	assert_error(call(x, "Frobnicate", NULL), 17);
	/* Known on the service, not on the job. */
	assert_error(call_job(x, "CreateReplica", frozen_pc(x), NULL), 17);
	/* Method lookup before parameter checks. */
	assert_error(call(x, "Frobnicate", pval("Bogus", "1", NULL)), 17);
}

static void
test_unknown_param(void **state)
{
	struct fx *x = *state;

	assert_error(call(x, "CreateReplica", params(
	    pval("CopyType", "4", NULL), pval("Bogus", "1", NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL)), 4);
	/* An output-only parameter is not an input. */
	assert_error(call(x, "CreateReplica", params(
	    pval("CopyType", "4", NULL),
	    pref("TargetElement", vol_path(x, VB, F_FULL, false), NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL)), 4);
	assert_error(call_job(x, "GetError", frozen_pc(x),
	    pval("Error", "x", "string")), 4);
	/* Names from the request are escaped in the description. */
	assert_error(call(x, "CreateReplica", params(
	    pval("a&amp;b&lt;c&quot;d", "1", NULL), NULL)), 4);
	assert_non_null(strstr(x->resp, "a&amp;b&lt;c&quot;d"));
	assert_error(call(x, "x&lt;y&gt;", NULL), 17);
	/* Nothing was created by the refused calls. */
	assert_int_equal(replica_volume_count(x->rs), 4);
}

static void
test_duplicate_param(void **state)
{
	struct fx *x = *state;

	assert_error(call(x, "CreateReplica", params(
	    pval("CopyType", "4", NULL), pval("copytype", "4", NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL)), 4);
	assert_error(call(x, "AttachOrModifyReplica", params(
	    pval("CopyType", "4", NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    pref("TargetElement", vol_path(x, VB, F_FULL, false), NULL),
	    NULL)), 4);
	assert_int_equal(replica_pair_count(x->rs), 0);
}

static void
test_missing_required(void **state)
{
	struct fx *x = *state;

	frozen_pc(x);
	assert_error(call(x, "ModifySynchronization", params(
	    pref("Synchronization", pair_of(x, VA, VB), NULL), NULL)), 4);
	assert_error(call(x, "ModifySynchronization", params(
	    pval("Operation", "2", NULL), NULL)), 4);
	/* A required parameter given as NULL is missing too. */
	assert_error(call(x, "ModifySynchronization", params(
	    strdup("<PARAMVALUE NAME=\"Operation\" PARAMTYPE=\"uint16\"/>"),
	    pref("Synchronization", pair_of(x, VA, VB), NULL), NULL)), 4);
	assert_non_null(replica_pair_find(x->rs, VA, VB));
	/* AttachOrModifyReplica needs all three. */
	assert_error(call(x, "AttachOrModifyReplica", params(
	    pref("SourceElement", vol_path(x, VC, F_FULL, false), NULL),
	    pref("TargetElement", vol_path(x, VSMALL, F_FULL, false), NULL),
	    NULL)), 4);
	assert_error(call(x, "AttachOrModifyReplica", params(
	    pval("CopyType", "4", NULL),
	    pref("TargetElement", vol_path(x, VC, F_FULL, false), NULL),
	    NULL)), 4);
	assert_error(call(x, "AttachOrModifyReplica", params(
	    pval("CopyType", "4", NULL),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL)), 4);
	assert_error(call(x, "CreateReplica", params(
	    pval("CopyType", "4", NULL), NULL)), 4);
	assert_int_equal(replica_pair_count(x->rs), 1);
}

static void
test_unparsable_and_wrong_type(void **state)
{
	struct fx *x = *state;
	static const char *const bad[] = { "abc", "70000", "-1", "", "4.0",
	    "4 4" };
	uint64_t job = frozen_pc(x);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_error(modify(x, bad[i], pair_of(x, VA, VB)), 4);
		assert_error(call(x, "ModifySynchronization", params(
		    pval("Operation", bad[i], "uint16"),
		    pref("Synchronization", pair_of(x, VA, VB), "reference"),
		    NULL)), 4);
	}
	/* A reference given as a scalar. */
	assert_error(call(x, "ModifySynchronization", params(
	    pval("Operation", "2", NULL),
	    pval("Synchronization", "TPD_StorageSynchronized", NULL),
	    NULL)), 4);
	assert_error(call(x, "ModifySynchronization", params(
	    pval("Operation", "2", NULL),
	    pval("Synchronization", "x", "reference"), NULL)), 4);
	/* A scalar given as a reference, and PARAMTYPEs that disagree. */
	assert_error(call(x, "ModifySynchronization", params(
	    pref("Operation", vol_path(x, VA, F_NAME, false), NULL),
	    pref("Synchronization", pair_of(x, VA, VB), NULL), NULL)), 4);
	assert_error(call(x, "ModifySynchronization", params(
	    pval("Operation", "2", "string"),
	    pref("Synchronization", pair_of(x, VA, VB), NULL), NULL)), 4);
	assert_error(call(x, "ModifySynchronization", params(
	    pval("Operation", "2", NULL),
	    pref("Synchronization", pair_of(x, VA, VB), "string"), NULL)), 4);
	/* An array where a scalar is declared. */
	assert_error(call(x, "ModifySynchronization", params(
	    strdup("<PARAMVALUE NAME=\"Operation\"><VALUE.ARRAY><VALUE>2"
	    "</VALUE></VALUE.ARRAY></PARAMVALUE>"),
	    pref("Synchronization", pair_of(x, VA, VB), NULL), NULL)), 4);
	/* A datetime and a boolean that do not parse. */
	assert_error(call_job(x, "RequestStateChange", job, params(
	    pval("RequestedState", "4", NULL),
	    pval("TimeoutPeriod", "tomorrow", NULL), NULL)), 4);
	assert_error(call_job(x, "KillJob", job,
	    pval("DeleteOnKill", "maybe", NULL)), 4);
	/* The pair survived every refused call. */
	assert_int_equal(replica_pair_find(x->rs, VA, VB)->sync_state,
	    SYNC_FROZEN);
}

/* Typed parameters (pywbem) are accepted like untyped ones (wbemcli). */
static void
test_typed_params(void **state)
{
	struct fx *x = *state;
	const char *r;

	r = call(x, "AttachOrModifyReplica", params(
	    pval("CopyType", "4", "uint16"),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), "reference"),
	    pref("TargetElement", vol_path(x, VB, F_FULL, false), "reference"),
	    pval("Goal", "", "string"), NULL));
	assert_rc(r, 4096);
	/* A hex literal of the declared type. */
	r = call(x, "CreateReplica", params(pval("CopyType", "0x4", "uint16"),
	    pval("ElementName", "hexsnap", "string"),
	    pref("SourceElement", vol_path(x, VC, F_NAME, false), "reference"),
	    NULL));
	assert_rc(r, 0);
	assert_non_null(replica_volume_by_name(x->rs, "hexsnap"));
	/* A path straight inside PARAMVALUE (no VALUE.REFERENCE). */
	{
		char *v = vol_path(x, VC, F_FULL, true);

		r = call(x, "CreateReplica", params(pval("CopyType", "4", NULL),
		    pval("ElementName", "bare", NULL),
		    fmt("<PARAMVALUE NAME=\"SourceElement\">%s</PARAMVALUE>",
		    v), NULL));
		free(v);
	}
	assert_rc(r, 0);
	assert_int_equal(replica_volume_by_name(x->rs, "bare")->parent_id, VC);
}

/* ---------------------------------------------- reference path forms */

/* Every wire form and spelling of SourceElement names volume a. */
static void
test_source_forms(void **state)
{
	struct fx *x = *state;
	char *src[9];
	char name[16];

	src[0] = vol_path(x, VA, F_NAME, false);
	src[1] = vol_path(x, VA, F_LOCAL, true);
	src[2] = vol_path(x, VA, F_FULL, true);
	src[3] = vol_partial("TPD_StorageVolume", VA, x->sys, F_NAME);
	src[4] = vol_partial("tpd_storagevolume", VA, x->sys, F_FULL);
	src[5] = vol_partial("CIM_StorageVolume", VA, x->sys, F_LOCAL);
	src[6] = vol_partial("CIM_LogicalElement", VA, x->sys, F_NAME);
	{
		/* Lower-case class, key names and CreationClassName value. */
		char *k = fmt("<INSTANCENAME CLASSNAME=\"tpd_storagevolume\">"
		    "<KEYBINDING NAME=\"systemname\"><KEYVALUE>%s</KEYVALUE>"
		    "</KEYBINDING><KEYBINDING NAME=\"deviceid\"><KEYVALUE>%u"
		    "</KEYVALUE></KEYBINDING><KEYBINDING NAME="
		    "\"creationclassname\"><KEYVALUE>tpd_storagevolume"
		    "</KEYVALUE></KEYBINDING><KEYBINDING NAME="
		    "\"systemcreationclassname\"><KEYVALUE>tpd_storagesystem"
		    "</KEYVALUE></KEYBINDING></INSTANCENAME>", x->sys, VA);
		src[7] = wrap(k, F_LOCAL);
	}
	src[8] = vol_partial("CIM_ManagedElement", VA, x->sys, F_FULL);
	for (size_t i = 0; i < 9; i++) {
		const char *r;
		uint32_t id;

		snprintf(name, sizeof(name), "s%zu", i);
		r = call(x, "CreateReplica", params(pval("ElementName", name,
		    NULL), pval("CopyType", "4", NULL),
		    pref("SourceElement", src[i], NULL), NULL));
		assert_rc(r, 0);
		id = (uint32_t)out_id(r, "TargetElement");
		assert_int_equal(replica_volume_by_id(x->rs, id)->parent_id,
		    VA);
		assert_string_equal(replica_volume_by_id(x->rs, id)->name,
		    name);
	}
}

/* References that name nothing are a semantic failure (4), not an error. */
static void
test_source_not_found(void **state)
{
	struct fx *x = *state;
	char *src[6];

	src[0] = vol_path(x, 999, F_NAME, false);
	src[1] = vol_partial("TPD_StorageVolume", VA, "0123456789ABCDEF",
	    F_NAME);
	src[2] = vol_partial("TPD_StoragePool", VA, x->sys, F_NAME);
	src[3] = wrap(fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
	    "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE>101</KEYVALUE>"
	    "</KEYBINDING><KEYBINDING NAME=\"CreationClassName\"><KEYVALUE>"
	    "TPD_StoragePool</KEYVALUE></KEYBINDING></INSTANCENAME>"), F_NAME);
	src[4] = pool_path("TPD:x:p0");
	/* The volume in another namespace. */
	src[5] = strdup("<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE "
	    "NAME=\"interop\"/></LOCALNAMESPACEPATH><INSTANCENAME CLASSNAME="
	    "\"TPD_StorageVolume\"><KEYBINDING NAME=\"DeviceID\"><KEYVALUE>101"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME></LOCALINSTANCEPATH>");
	for (size_t i = 0; i < 6; i++)
		assert_rc(call(x, "CreateReplica", params(
		    pval("CopyType", "4", NULL),
		    pref("SourceElement", src[i], NULL), NULL)), 4);
	assert_int_equal(replica_volume_count(x->rs), 4);
}

/* The nested references of Synchronization, in every form. */
static void
test_sync_forms(void **state)
{
	struct fx *x = *state;
	const char *r;
	char *sync[6];

	for (int i = 0; i < 6; i++) {
		/* A fresh Frozen PC for each detach. */
		if (i > 0) {
			fx_close(x);
			*state = x = fx_open();
		}
		frozen_pc(x);
		switch (i) {
		case 0:
			sync[i] = pair_of(x, VA, VB);
			break;
		case 1:
			sync[i] = pair_path("TPD_StorageSynchronized",
			    vol_path(x, VA, F_LOCAL, true),
			    vol_path(x, VB, F_FULL, false), F_LOCAL, true);
			break;
		case 2:
			sync[i] = pair_path("tpd_storagesynchronized",
			    vol_path(x, VA, F_FULL, true),
			    vol_path(x, VB, F_LOCAL, true), F_FULL, false);
			break;
		case 3:	/* wbemcli: partial keys inside */
			sync[i] = pair_path("TPD_StorageSynchronized",
			    vol_partial("TPD_StorageVolume", VA, x->sys,
			    F_FULL), vol_partial("TPD_StorageVolume", VB,
			    x->sys, F_FULL), F_NAME, true);
			break;
		case 4:
			sync[i] = pair_path("CIM_StorageSynchronized",
			    vol_partial("CIM_StorageVolume", VA, x->sys,
			    F_NAME), vol_path(x, VB, F_NAME, true), F_LOCAL,
			    false);
			break;
		default:
			sync[i] = pair_path("CIM_Synchronized",
			    vol_path(x, VA, F_NAME, false),
			    vol_partial("tpd_storagevolume", VB, x->sys,
			    F_LOCAL), F_FULL, false);
			break;
		}
		r = modify(x, "2", sync[i]);
		assert_rc(r, 0);
		assert_false(has_out(r, "Job"));
		assert_null(replica_pair_find(x->rs, VA, VB));
	}
}

/* A Synchronization path that names no pair: return value 4. */
static void
test_sync_no_pair(void **state)
{
	struct fx *x = *state;

	frozen_pc(x);
	/* Reversed direction, other volumes, a missing volume, foreign. */
	assert_rc(modify(x, "2", pair_of(x, VB, VA)), 4);
	assert_rc(modify(x, "4", pair_of(x, VA, VC)), 4);
	assert_rc(modify(x, "12", pair_of(x, VA, 999)), 4);
	assert_rc(modify(x, "13", pair_path("TPD_StorageSynchronized",
	    vol_partial("TPD_StorageVolume", VA, "0123456789ABCDEF", F_NAME),
	    vol_partial("TPD_StorageVolume", VB, x->sys, F_NAME), F_NAME,
	    false)), 4);
	/* Not a synchronization at all. */
	assert_rc(modify(x, "2", vol_path(x, VA, F_NAME, false)), 4);
	assert_rc(modify(x, "2", pair_path("TPD_StorageSynchronized",
	    vol_path(x, VA, F_NAME, false), vol_path(x, VB, F_NAME, false),
	    F_NAME, false) /* keys fine */), 0);
	assert_null(replica_pair_find(x->rs, VA, VB));
}

/* ------------------------------------------------- AttachOrModifyReplica */

static const char *
attach_call(struct fx *x, const char *method, uint32_t src, uint32_t tgt,
    const char *ct, char *extra)
{
	return call(x, method, params(pval("CopyType", ct, NULL),
	    extra != NULL ? extra : strdup(""),
	    pref("SourceElement", vol_path(x, src, F_LOCAL, false), NULL),
	    pref("TargetElement", vol_path(x, tgt, F_NAME, true), NULL),
	    NULL));
}

static void
test_attach_job(void **state)
{
	struct fx *x = *state;
	const struct rjob *j;
	const char *r;
	uint64_t job;

	r = attach_call(x, "AttachOrModifyReplica", VA, VB, "4", NULL);
	assert_rc(r, 4096);
	assert_false(has_out(r, "TargetElement"));
	job = out_id(r, "Job");
	j = replica_job_by_id(x->rs, job);
	assert_non_null(j);
	assert_int_equal(j->src_id, VA);
	assert_int_equal(j->tgt_id, VB);
	assert_string_equal(j->owner, "alice");
	assert_string_equal(j->method, "AttachOrModifyReplica");
	assert_int_equal(replica_pair_find(x->rs, VA, VB)->kind, PAIR_PC);
	assert_int_equal(replica_pair_find(x->rs, VA, VB)->copy_type, 4);
	/* The Job reference is usable as a method target. */
	assert_rc(call_job(x, "GetError", job, NULL), 0);
	/* AttachReplica, CopyType 5, method spelled as the client did. */
	r = attach_call(x, "attachreplica", VA, VC, "5", NULL);
	assert_rc(r, 4096);
	j = replica_job_by_id(x->rs, out_id(r, "Job"));
	assert_non_null(j);
	assert_string_equal(j->method, "attachreplica");
	assert_int_equal(replica_pair_find(x->rs, VA, VC)->copy_type, 5);
}

static void
test_attach_refused(void **state)
{
	struct fx *x = *state;
	static const char *const bad_ct[] = { "0", "2", "3", "6", "9",
	    "32768" };

	for (size_t i = 0; i < sizeof(bad_ct) / sizeof(bad_ct[0]); i++)
		assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VB,
		    bad_ct[i], NULL), 5);
	/* ReplicationPipe non-NULL: remote only. */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VB, "4",
	    pref("ReplicationPipe", strdup("<INSTANCENAME CLASSNAME="
	    "\"CIM_NetworkPipe\"><KEYBINDING NAME=\"InstanceID\"><KEYVALUE>p"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME>"), NULL)), 5);
	/* A NULL pipe is no pipe. */
	assert_int_equal(replica_pair_count(x->rs), 0);
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VSMALL, "4",
	    NULL), 4);			/* target smaller */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VA, "4", NULL),
	    4);				/* same volume */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, 999, "4", NULL),
	    4);				/* no target */
	assert_rc(attach_call(x, "AttachOrModifyReplica", 999, VB, "5", NULL),
	    4);				/* no source */
	assert_int_equal(replica_pair_count(x->rs), 0);
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VB, "4",
	    strdup("<PARAMVALUE NAME=\"ReplicationPipe\" "
	    "PARAMTYPE=\"reference\"/>")), 4096);
	/* b is already the replica of a: In Use. */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VC, VB, "4", NULL),
	    6);
	/* AttachReplica: TargetElement and CopyType are optional there. */
	assert_rc(call(x, "AttachReplica", params(
	    pref("SourceElement", vol_path(x, VC, F_FULL, false), NULL),
	    NULL)), 5);
	assert_rc(call(x, "AttachReplica", params(pval("CopyType", "4", NULL),
	    pref("SourceElement", vol_path(x, VC, F_FULL, false), NULL),
	    NULL)), 4);
	/* A snapshot is not a base volume. */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VC, idle_vc(x), "4",
	    NULL), 4);
	assert_int_equal(replica_pair_count(x->rs), 2);
}

/* ----------------------------------------------------- CreateReplica */

static const char *
create_call(struct fx *x, const char *name, const char *ct, char *extra)
{
	return call(x, "CreateReplica", params(
	    name != NULL ? pval("ElementName", name, NULL) : strdup(""),
	    pval("CopyType", ct, NULL), extra != NULL ? extra : strdup(""),
	    pref("SourceElement", vol_path(x, VA, F_FULL, false), NULL),
	    NULL));
}

static void
test_create_snapshot(void **state)
{
	struct fx *x = *state;
	const struct rvolume *v;
	const char *r;
	uint32_t id;

	r = create_call(x, "vc1", "4", NULL);
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	id = (uint32_t)out_id(r, "TargetElement");
	v = replica_volume_by_id(x->rs, id);
	assert_non_null(v);
	assert_true(v->is_snapshot);
	assert_string_equal(v->name, "vc1");
	assert_string_equal(v->pool, "p0");
	assert_int_equal(replica_pair_find(x->rs, VA, id)->kind, PAIR_VC);
	/* No name: the default one.  TargetPool = the source's pool. */
	r = create_call(x, NULL, "4", pref("TargetPool", pool_of(x, "p0"),
	    NULL));
	assert_rc(r, 0);
	id = (uint32_t)out_id(r, "TargetElement");
	assert_true(replica_volume_by_id(x->rs, id)->is_snapshot);
	/* The source's delta pool exists now and is accepted too. */
	r = create_call(x, "vc3", "4", pref("TargetPool", wrap(fmt(
	    "<INSTANCENAME CLASSNAME=\"TPD_DeltaReplicaStoragePool\">"
	    "<KEYBINDING NAME=\"InstanceID\"><KEYVALUE>TPD:%s:SA.%u"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME>", x->sys, VA), F_FULL),
	    NULL));
	assert_rc(r, 0);
	/* TargetSettingGoal is ignored. */
	r = create_call(x, "vc4", "4", pref("TargetSettingGoal", strdup(
	    "<INSTANCENAME CLASSNAME=\"CIM_StorageSetting\"><KEYBINDING "
	    "NAME=\"InstanceID\"><KEYVALUE>g</KEYVALUE></KEYBINDING>"
	    "</INSTANCENAME>"), NULL));
	assert_rc(r, 0);
	assert_int_equal(replica_volume_count(x->rs), 8);
}

static void
test_create_clone(void **state)
{
	struct fx *x = *state;
	const struct rvolume *v;
	const char *r;
	uint32_t id;
	uint64_t job;

	r = create_call(x, "full1", "5", NULL);
	assert_rc(r, 4096);
	job = out_id(r, "Job");
	id = (uint32_t)out_id(r, "TargetElement");
	v = replica_volume_by_id(x->rs, id);
	assert_non_null(v);
	assert_false(v->is_snapshot);
	assert_string_equal(v->pool, "p0");
	assert_int_equal(v->size, replica_volume_by_id(x->rs, VA)->size);
	assert_int_equal(replica_job_by_id(x->rs, job)->tgt_id, id);
	/* CopyType 5 may go into another configured pool. */
	r = create_call(x, "full2", "5", pref("TargetPool", pool_of(x, "p1"),
	    NULL));
	assert_rc(r, 4096);
	v = replica_volume_by_id(x->rs, (uint32_t)out_id(r, "TargetElement"));
	assert_string_equal(v->pool, "p1");
}

static void
test_create_refused(void **state)
{
	struct fx *x = *state;
	static const char *const bad_ct[] = { "2", "3", "0", "6", "32768" };
	static const char *const bad_name[] = { "bad name", "x/y",
	    "0123456789012345678901234567890123" };

	for (size_t i = 0; i < sizeof(bad_ct) / sizeof(bad_ct[0]); i++)
		assert_rc(create_call(x, "n", bad_ct[i], NULL), 5);
	for (size_t i = 0; i < sizeof(bad_name) / sizeof(bad_name[0]); i++)
		assert_rc(create_call(x, bad_name[i], "4", NULL), 5);
	/* A foreign pool: another system, an unknown pool, not a pool. */
	assert_rc(create_call(x, "n", "4", pref("TargetPool",
	    pool_path("TPD:0123456789ABCDEF:p0"), NULL)), 5);
	assert_rc(create_call(x, "n", "5", pref("TargetPool",
	    pool_of(x, "nopool"), NULL)), 5);
	assert_rc(create_call(x, "n", "4", pref("TargetPool",
	    vol_path(x, VB, F_NAME, false), NULL)), 5);
	/* A snapshot cannot go into another pool than its source's. */
	assert_rc(create_call(x, "n", "4", pref("TargetPool",
	    pool_of(x, "p1"), NULL)), 5);
	/* Name in use (a volume, then a snapshot). */
	assert_rc(create_call(x, "b", "4", NULL), 4);
	assert_rc(create_call(x, "once", "4", NULL), 0);
	assert_rc(create_call(x, "once", "5", NULL), 4);
	/* Source missing. */
	assert_rc(call(x, "CreateReplica", params(pval("CopyType", "4", NULL),
	    pref("SourceElement", vol_path(x, 999, F_NAME, false), NULL),
	    NULL)), 4);
	assert_int_equal(replica_volume_count(x->rs), 5);
}

/* ------------------------------------------------ ModifySynchronization */

/* CONTRACT §4's table: return value per operation 0..14. */
static const long pc_frozen_rc[15] = {
	5, 5, 0, 1, 4096, 5, 1, 1, 1, 1, 1, 1, 4096, 4, 5
};
static const long vc_idle_rc[15] = {
	5, 5, 5, 1, 5, 4096, 1, 1, 1, 1, 1, 1, 5, 5, 5
};

static void
test_modify_pc_frozen(void **state)
{
	struct fx *x = *state;
	char op[8];

	for (int i = 0; i < 15; i++) {
		const struct rpair *p;
		const char *r;

		fx_close(x);
		*state = x = fx_open();
		frozen_pc(x);
		snprintf(op, sizeof(op), "%d", i);
		r = modify(x, op, pair_of(x, VA, VB));
		if (ret_val(r) != pc_frozen_rc[i])
			fail_msg("PC Frozen, op %d: want %ld, got %s", i,
			    pc_frozen_rc[i], r);
		assert_int_equal(has_out(r, "Job"), pc_frozen_rc[i] == 4096);
		assert_false(has_out(r, "TargetElement"));
		p = replica_pair_find(x->rs, VA, VB);
		if (i == 2) {		/* Detach: pair gone */
			assert_null(p);
			continue;
		}
		assert_non_null(p);
		if (i == 4)
			assert_int_equal(p->sync_state,
			    SYNC_RESYNC_IN_PROGRESS);
		else if (i == 12)
			assert_int_equal(p->sync_state, SYNC_COPY_IN_PROGRESS);
		else
			assert_int_equal(p->sync_state, SYNC_FROZEN);
		if (pc_frozen_rc[i] == 4096) {
			const struct rjob *j = replica_job_by_id(x->rs,
			    out_id(r, "Job"));

			assert_non_null(j);
			assert_int_equal(j->operation, i);
			assert_int_equal(j->state == JOB_RUNNING ||
			    j->state == JOB_NEW, 1);
		}
	}
}

static void
test_modify_vc_idle(void **state)
{
	struct fx *x = *state;
	char op[8];

	for (int i = 0; i < 15; i++) {
		const struct rpair *p;
		const char *r;
		uint32_t snap;

		fx_close(x);
		*state = x = fx_open();
		snap = idle_vc(x);
		snprintf(op, sizeof(op), "%d", i);
		r = modify(x, op, pair_path("TPD_StorageSynchronized",
		    vol_path(x, VA, F_NAME, false),
		    vol_path(x, snap, F_LOCAL, true), F_NAME, true));
		if (ret_val(r) != vc_idle_rc[i])
			fail_msg("VC Idle, op %d: want %ld, got %s", i,
			    vc_idle_rc[i], r);
		assert_int_equal(has_out(r, "Job"), vc_idle_rc[i] == 4096);
		p = replica_pair_find(x->rs, VA, snap);
		assert_non_null(p);
		assert_int_equal(p->sync_state, i == 5 ?
		    SYNC_RESTORE_IN_PROGRESS : SYNC_IDLE);
	}
}

/* States that do not allow an operation: 4. */
static void
test_modify_state_refused(void **state)
{
	struct fx *x = *state;
	uint64_t job;

	/* A copy running: Resync, Detach and Start Copy fail; Stop works. */
	job = attach(x, VA, VB, "4");
	assert_rc(modify(x, "4", pair_of(x, VA, VB)), 4);
	assert_rc(modify(x, "2", pair_of(x, VA, VB)), 4);
	assert_rc(modify(x, "12", pair_of(x, VA, VB)), 4);
	assert_rc(modify(x, "13", pair_of(x, VA, VB)), 0);
	assert_null(replica_pair_find(x->rs, VA, VB));
	(void)fake_rep_finish(&x->f, x->rs, job, -ECANCELED, NULL);
	assert_int_equal(replica_job_by_id(x->rs, job)->state,
	    JOB_TERMINATED);
	/* Broken: Resync fails, Start Copy restarts the copy. */
	job = attach(x, VA, VC, "4");
	assert_true(fake_rep_finish(&x->f, x->rs, job, -EIO, "read error"));
	assert_int_equal(replica_pair_find(x->rs, VA, VC)->sync_state,
	    SYNC_BROKEN);
	assert_rc(modify(x, "4", pair_of(x, VA, VC)), 4);
	assert_rc(modify(x, "13", pair_of(x, VA, VC)), 4);
	assert_rc(modify(x, "12", pair_of(x, VA, VC)), 4096);
}

/* ------------------------------------------------------ job methods */

static void
test_request_state_change(void **state)
{
	struct fx *x = *state;
	static const char *const unsupported[] = { "2", "3", "5", "6" };
	static const char *const invalid[] = { "7", "0", "1", "32768",
	    "65535" };
	uint64_t job = attach(x, VA, VB, "4");
	const char *r;

	for (size_t i = 0; i < 4; i++)
		assert_rc(call_job(x, "RequestStateChange", job,
		    pval("RequestedState", unsupported[i], NULL)), 1);
	for (size_t i = 0; i < 5; i++)
		assert_rc(call_job(x, "RequestStateChange", job,
		    pval("RequestedState", invalid[i], NULL)), 5);
	assert_rc(call_job(x, "RequestStateChange", job, NULL), 5);
	/* A timeout we cannot keep, before anything else. */
	assert_rc(call_job(x, "RequestStateChange", job, params(
	    pval("RequestedState", "4", NULL),
	    pval("TimeoutPeriod", "00000000000005.000000:000", NULL), NULL)),
	    4098);
	assert_rc(call_job(x, "RequestStateChange", job, params(
	    pval("RequestedState", "4", NULL),
	    pval("TimeoutPeriod", "20300101000000.000000+000", "datetime"),
	    NULL)), 4098);
	assert_int_equal(replica_job_by_id(x->rs, job)->state, JOB_RUNNING);
	/* Terminate (with a zero timeout = none): 4096, job stops. */
	r = call_job(x, "RequestStateChange", job, params(
	    pval("RequestedState", "4", "uint16"),
	    pval("TimeoutPeriod", "00000000000000.000000:000", "datetime"),
	    NULL));
	assert_rc(r, 4096);
	assert_false(has_out(r, "Job"));
	assert_true(x->f.ncancels > 0 || replica_job_by_id(x->rs,
	    job)->state == JOB_TERMINATED);
	(void)fake_rep_finish(&x->f, x->rs, job, -ECANCELED, NULL);
	assert_int_equal(replica_job_by_id(x->rs, job)->state,
	    JOB_TERMINATED);
	/* Finished jobs: 4. */
	assert_rc(call_job(x, "RequestStateChange", job,
	    pval("RequestedState", "4", NULL)), 4);
	job = attach(x, VA, VC, "5");
	assert_true(fake_rep_finish(&x->f, x->rs, job, 0, NULL));
	assert_int_equal(replica_job_by_id(x->rs, job)->state, JOB_COMPLETED);
	assert_rc(call_job(x, "RequestStateChange", job,
	    pval("RequestedState", "4", NULL)), 4);
}

/* Undo the XML escaping of a VALUE. */
static char *
unescape(const char *s, size_t n)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' }, { "&amp;", '&' },
	};
	char *out = malloc(n + 1), *o = out;
	size_t i = 0, k;

	assert_non_null(out);
	while (i < n) {
		for (k = 0; k < 5; k++) {
			size_t l = strlen(ents[k].e);

			if (i + l <= n && strncmp(s + i, ents[k].e, l) == 0) {
				*o++ = ents[k].c;
				i += l;
				break;
			}
		}
		if (k == 5)
			*o++ = s[i++];
	}
	*o = '\0';
	return out;
}

static void
test_get_error(void **state)
{
	struct fx *x = *state;
	static const char head[] = "<PARAMVALUE NAME=\"Error\" "
	    "PARAMTYPE=\"string\" EmbeddedObject=\"instance\"><VALUE>";
	uint64_t run = attach(x, VA, VB, "4");
	uint64_t bad = attach(x, VA, VC, "5");
	const char *r, *p, *e;
	char *inst;

	/* Running: no error. */
	r = call_job(x, "GetError", run, NULL);
	assert_rc(r, 0);
	assert_false(has_out(r, "Error"));
	/* Completed: no error. */
	assert_true(fake_rep_finish(&x->f, x->rs, run, 0, NULL));
	r = call_job(x, "geterror", run, NULL);
	assert_rc(r, 0);
	assert_false(has_out(r, "Error"));
	/* Exception: the CIM_Error, escaped. */
	assert_true(fake_rep_finish(&x->f, x->rs, bad, -EIO,
	    "read <error> & \"more\""));
	assert_int_equal(replica_job_by_id(x->rs, bad)->state, JOB_EXCEPTION);
	r = call_job(x, "GetError", bad, NULL);
	assert_rc(r, 0);
	p = strstr(r, head);
	assert_non_null(p);
	p += sizeof(head) - 1;
	e = strstr(p, "</VALUE></PARAMVALUE>");
	assert_non_null(e);
	assert_null(memchr(p, '<', (size_t)(e - p)));	/* escaped */
	inst = unescape(p, (size_t)(e - p));
	assert_true(well_formed(inst));
	assert_non_null(strstr(inst, "<INSTANCE CLASSNAME=\"CIM_Error\""));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"OwningEntity\" "
	    "TYPE=\"string\"><VALUE>SNIA</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"MessageID\" "
	    "TYPE=\"string\"><VALUE>DRM26</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"Message\" "
	    "TYPE=\"string\"><VALUE>Operation has failed</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY.ARRAY NAME=\"MessageArguments\""
	    " TYPE=\"string\"><VALUE.ARRAY><VALUE>Operation has failed</VALUE>"
	    "</VALUE.ARRAY>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"PerceivedSeverity\" "
	    "TYPE=\"uint16\"><VALUE>2</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"ProbableCause\" "
	    "TYPE=\"uint16\"><VALUE>8</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"CIMStatusCode\" "
	    "TYPE=\"uint32\"><VALUE>2</VALUE>"));
	assert_non_null(strstr(inst, "<PROPERTY NAME=\"CIMStatusCodeDescription"
	    "\" TYPE=\"string\"><VALUE>CIM_ERR_ACCESS_DENIED</VALUE>"));
	/* The job's own description travels along, escaped once more. */
	assert_non_null(strstr(inst, "read &lt;error&gt; &amp;"));
	free(inst);
}

static void
test_get_error_terminated(void **state)
{
	struct fx *x = *state;
	uint64_t job = attach(x, VA, VB, "4");
	const char *r;

	assert_rc(modify(x, "13", pair_of(x, VA, VB)), 0);
	(void)fake_rep_finish(&x->f, x->rs, job, -ECANCELED, NULL);
	assert_int_equal(replica_job_by_id(x->rs, job)->state,
	    JOB_TERMINATED);
	r = call_job(x, "GetError", job, NULL);
	assert_rc(r, 0);
	assert_false(has_out(r, "Error"));
}

/* ------------------------------------------------- Block Services */

#define GRAN	"268435456"

/* The uint64 out parameter `name`, or -1 when absent. */
static long long
out_u64(const char *r, const char *name)
{
	char tag[128];
	const char *p;

	snprintf(tag, sizeof(tag), "<PARAMVALUE NAME=\"%s\" "
	    "PARAMTYPE=\"uint64\"><VALUE>", name);
	p = strstr(r, tag);
	return p != NULL ? strtoll(p + strlen(tag), NULL, 10) : -1;
}

static const char *
bs_create(struct fx *x, char *name, const char *type, const char *size,
    const char *pool)
{
	return call(x, "CreateOrModifyElementFromStoragePool", params(
	    name != NULL ? name : strdup(""),
	    type != NULL ? pval("ElementType", type, "uint16") : strdup(""),
	    pool != NULL ? pref("InPool", pool_of(x, pool), "reference") :
	    strdup(""),
	    size != NULL ? pval("Size", size, "uint64") : strdup(""), NULL));
}

static const char *
bs_grow(struct fx *x, uint32_t id, const char *size, char *extra)
{
	return call(x, "CreateOrModifyElementFromStoragePool", params(
	    pval("ElementType", "2", "uint16"),
	    pref("TheElement", vol_path(x, id, F_FULL, false), "reference"),
	    size != NULL ? pval("Size", size, "uint64") : strdup(""),
	    extra != NULL ? extra : strdup(""), NULL));
}

static const char *
bs_return(struct fx *x, uint32_t id)
{
	return call(x, "ReturnToStoragePool", params(pref("TheElement",
	    vol_path(x, id, F_FULL, false), "reference"), NULL));
}

/* Create: 0 + Size + TheElement; each argument judged as decided. */
static void
test_block_create(void **state)
{
	struct fx *x = *state;
	size_t n = replica_volume_count(x->rs);
	const struct rvolume *v;
	const char *r;
	uint32_t id;

	r = bs_create(x, pval("ElementName", "new1", "string"), "5",
	    "1000000", "p1");
	assert_rc(r, 0);
	assert_int_equal(out_u64(r, "Size"), 268435456);
	assert_false(has_out(r, "Job"));
	id = (uint32_t)out_id(r, "TheElement");
	assert_non_null(v = replica_volume_by_id(x->rs, id));
	assert_string_equal(v->name, "new1");
	assert_string_equal(v->pool, "p1");
	/* ElementType absent and 2 alike; no name: vv.0. */
	r = bs_create(x, NULL, NULL, GRAN, "p0");
	assert_rc(r, 0);
	assert_string_equal(replica_volume_by_id(x->rs,
	    (uint32_t)out_id(r, "TheElement"))->name, "vv.0");
	assert_rc(bs_create(x, NULL, "2", GRAN, "p0"), 0);
	n += 3;
	/* Kinds this array has not: 1; outside the map: 5. */
	assert_rc(bs_create(x, NULL, "3", GRAN, "p0"), 1);
	assert_rc(bs_create(x, NULL, "8", GRAN, "p0"), 1);
	assert_rc(bs_create(x, NULL, "0", GRAN, "p0"), 5);
	assert_rc(bs_create(x, NULL, "9", GRAN, "p0"), 5);
	/* No pool, no size, a Goal, a bad name, a name in use. */
	assert_rc(bs_create(x, NULL, "5", GRAN, NULL), 5);
	assert_rc(bs_create(x, NULL, "5", NULL, "p0"), 5);
	assert_rc(bs_create(x, pref("Goal", pool_of(x, "p0"), "reference"),
	    "5", GRAN, "p0"), 5);
	assert_rc(bs_create(x, pval("ElementName", "a/b", "string"), "5",
	    GRAN, "p0"), 5);
	assert_rc(bs_create(x, pval("ElementName", "new1", "string"), "5",
	    GRAN, "p0"), 4);
	/* Size 0: 4097 with the nearest size; a pool of another system: 5. */
	r = bs_create(x, NULL, "5", "0", "p0");
	assert_rc(r, 4097);
	assert_int_equal(out_u64(r, "Size"), 268435456);
	assert_false(has_out(r, "TheElement"));
	assert_rc(call(x, "CreateOrModifyElementFromStoragePool", params(
	    pref("InPool", pool_path("TPD:0123456789ABCDEF:p0"), NULL),
	    pval("Size", GRAN, NULL), NULL)), 5);
	/* A Size that is no uint64: the parameter's syntax, CIM error 4. */
	assert_error(call(x, "CreateOrModifyElementFromStoragePool", params(
	    pref("InPool", pool_of(x, "p0"), NULL),
	    pval("Size", "abc", "uint64"), NULL)), 4);
	assert_int_equal(replica_volume_count(x->rs), n);
}

/* Grow: 0 + Size + the same TheElement; shrink 4097; who may not: 6, 5. */
static void
test_block_grow(void **state)
{
	struct fx *x = *state;
	const char *r;
	uint32_t id, snap;

	r = bs_create(x, pval("ElementName", "g1", "string"), "5", GRAN,
	    "p0");
	id = (uint32_t)out_id(r, "TheElement");
	r = bs_grow(x, id, "536870913", NULL);
	assert_rc(r, 0);
	assert_int_equal(out_u64(r, "Size"), 805306368);
	assert_int_equal(out_id(r, "TheElement"), id);
	assert_int_equal(replica_volume_by_id(x->rs, id)->size, 805306368);
	/* No Size, or its own: nothing changes. */
	assert_rc(bs_grow(x, id, NULL, NULL), 0);
	assert_rc(bs_grow(x, id, "805306368", NULL), 0);
	r = bs_grow(x, id, GRAN, NULL);
	assert_rc(r, 4097);
	assert_int_equal(out_u64(r, "Size"), 805306368);
	/* A rename, another pool: refused before anything changes. */
	assert_rc(bs_grow(x, id, "1073741824", pval("ElementName", "g2",
	    "string")), 1);
	assert_rc(bs_grow(x, id, "1073741824", pref("InPool",
	    pool_of(x, "p1"), "reference")), 5);
	assert_rc(bs_grow(x, id, "1073741824", pref("InPool",
	    pool_of(x, "p0"), "reference")), 0);
	/* Configured: 6; a snapshot: 5; its base: 6; no such volume: 5. */
	assert_rc(bs_grow(x, VB, "1073741824", NULL), 6);
	snap = idle_vc(x);
	assert_rc(bs_grow(x, snap, "1073741824", NULL), 5);
	assert_rc(bs_grow(x, 99999, "1073741824", NULL), 5);
	assert_int_equal(replica_volume_by_id(x->rs, id)->size, 1073741824);
}

/* Delete: 0 and gone; again 5; configured 6; a snapshot with its pair. */
static void
test_block_return(void **state)
{
	struct fx *x = *state;
	const char *r;
	uint32_t id, snap;

	r = bs_create(x, pval("ElementName", "d1", "string"), "5", GRAN,
	    "p0");
	id = (uint32_t)out_id(r, "TheElement");
	r = bs_return(x, id);
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	assert_null(replica_volume_by_id(x->rs, id));
	assert_rc(bs_return(x, id), 5);
	assert_rc(bs_return(x, VB), 6);
	snap = idle_vc(x);
	assert_rc(bs_return(x, VA), 6);		/* it has a snapshot */
	assert_rc(bs_return(x, snap), 0);
	assert_null(replica_pair_find(x->rs, VA, snap));
	assert_null(replica_volume_by_id(x->rs, snap));
}

/* The pool says which sizes it gives. */
static void
test_block_size_range(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->f.pool_capacity = 4ull << 30;	/* 400 %: 16 GiB less used */
	r = call_as(x, OP_ROLE_EDIT, "GetSupportedSizeRange", pool_of(x, "p1"),
	    params(pval("ElementType", "3", "uint16"), NULL));
	assert_rc(r, 0);
	assert_int_equal(out_u64(r, "MinimumVolumeSize"), 268435456);
	assert_int_equal(out_u64(r, "VolumeSizeDivisor"), 268435456);
	assert_int_equal(out_u64(r, "MaximumVolumeSize"), 16ll << 30);
	r = call_as(x, OP_ROLE_EDIT, "GetSupportedSizeRange", pool_of(x, "p1"),
	    NULL);
	assert_rc(r, 0);
	assert_rc(call_as(x, OP_ROLE_EDIT, "GetSupportedSizeRange",
	    pool_of(x, "p1"), params(pval("ElementType", "2", "uint16"),
	    NULL)), 3);
	assert_rc(call_as(x, OP_ROLE_EDIT, "GetSupportedSizes",
	    pool_of(x, "p1"), NULL), 2);
	/* Beyond what it may still promise: 4097 with that much. */
	r = bs_create(x, NULL, "5", "17179869185", "p1");
	assert_rc(r, 4097);
	assert_int_equal(out_u64(r, "Size"), 16ll << 30);
}

/* -------------------------------- Replication Services capabilities */

/* A TPD_ReplicationServiceCapabilities path with InstanceID iid. */
static char *
rsc_path(const char *iid)
{
	char *k = kb("InstanceID", iid);
	char *s = fmt("<INSTANCENAME CLASSNAME="
	    "\"TPD_ReplicationServiceCapabilities\">%s</INSTANCENAME>", k);

	free(k);
	return s;
}

/* The path of the system's one capabilities instance. */
static char *
rsc_of(const struct fx *x)
{
	char iid[128];

	snprintf(iid, sizeof(iid), "TPD:%s:RSC", x->sys);
	return rsc_path(iid);
}

static const char *
rsc_call(struct fx *x, const char *method, char *prm)
{
	return call_as(x, OP_ROLE_EDIT, method, rsc_of(x), prm);
}

/*
 * The value of output parameter NAME, which must be typed `type`: "6" for
 * a scalar, "[15,19]" for an array (in a static buffer).  Fails when the
 * parameter is missing or typed otherwise.
 */
static const char *
out_values(const char *r, const char *name, const char *type)
{
	static char buf[256];
	char tag[128];
	const char *p, *end, *v;
	size_t n = 0;
	bool array;

	snprintf(tag, sizeof(tag), "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"%s\">",
	    name, type);
	if ((p = strstr(r, tag)) == NULL)
		fail_msg("no %s typed %s in %s", name, type, r);
	p += strlen(tag);
	end = strstr(p, "</PARAMVALUE>");
	assert_non_null(end);
	array = strncmp(p, "<VALUE.ARRAY>", 13) == 0;
	if (array)
		buf[n++] = '[';
	while ((v = strstr(p, "<VALUE>")) != NULL && v < end) {
		v += strlen("<VALUE>");
		p = strstr(v, "</VALUE>");
		assert_true(p != NULL && p < end);
		if (n > 1 || (n == 1 && !array))
			buf[n++] = ',';
		assert_true(n + (size_t)(p - v) + 2 < sizeof(buf));
		memcpy(buf + n, v, (size_t)(p - v));
		n += (size_t)(p - v);
	}
	if (array)
		buf[n++] = ']';
	buf[n] = '\0';
	return buf;
}

/* ReplicationType argument `t` (the only one of four of the methods). */
static char *
rtype(const char *t)
{
	return params(pval("ReplicationType", t, "uint16"), NULL);
}

/*
 * Method `m`'s answer for every ReplicationType that is not one of
 * arrayd's: 1 for the rest of the DMTF map, 5 outside it, never an out
 * parameter; 4 (binding) when the argument is missing or no uint16.
 */
static void
assert_rtype_refusals(struct fx *x, const char *m, const char *out)
{
	static const char *const unsupported[] = { "2", "3", "4", "5", "7",
	    "9", "12", "14", "18", "26", "27" };
	static const char *const invalid[] = { "0", "1", "28", "32767",
	    "32768", "65535" };
	const char *r;
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		r = rsc_call(x, m, rtype(unsupported[i]));
		assert_rc(r, 1);
		assert_false(has_out(r, out));
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		r = rsc_call(x, m, rtype(invalid[i]));
		assert_rc(r, 5);
		assert_false(has_out(r, out));
	}
	assert_error(rsc_call(x, m, NULL), 4);
	assert_error(rsc_call(x, m, strdup("<PARAMVALUE "
	    "NAME=\"ReplicationType\" PARAMTYPE=\"uint16\"/>")), 4);
	assert_error(rsc_call(x, m, rtype("70000")), 4);
}

/* ConvertSyncTypeToReplicationType with SyncType st, Mode, LocalOrRemote. */
static const char *
convert(struct fx *x, const char *st, const char *mode, const char *loc)
{
	return rsc_call(x, "ConvertSyncTypeToReplicationType", params(
	    pval("SyncType", st, "uint16"),
	    mode != NULL ? pval("Mode", mode, "uint16") : strdup(""),
	    loc != NULL ? pval("LocalOrRemote", loc, NULL) : strdup(""),
	    NULL));
}

/* Snapshot -> 6, Clone -> 10, asynchronous Clone -> 11; Mode 2, Local. */
static void
test_rscaps_convert(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	r = convert(x, "7", NULL, NULL);
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "SupportedReplicationTypes",
	    "uint16"), "6");
	assert_string_equal(out_values(convert(x, "7", "2", "2"),
	    "SupportedReplicationTypes", "uint16"), "6");
	assert_string_equal(out_values(convert(x, "8", NULL, NULL),
	    "SupportedReplicationTypes", "uint16"), "10");
	assert_string_equal(out_values(convert(x, "8", "2", "2"),
	    "SupportedReplicationTypes", "uint16"), "10");
	assert_string_equal(out_values(convert(x, "8", "3", NULL),
	    "SupportedReplicationTypes", "uint16"), "11");
	assert_string_equal(out_values(convert(x, "8", "3", "2"),
	    "SupportedReplicationTypes", "uint16"), "11");
	/* Valid, not made here: mirrors, async snapshots, remote, adaptive. */
	r = convert(x, "6", NULL, NULL);
	assert_rc(r, 1);
	assert_false(has_out(r, "SupportedReplicationTypes"));
	assert_rc(convert(x, "6", "3", "3"), 1);
	assert_rc(convert(x, "7", "3", NULL), 1);
	assert_rc(convert(x, "7", "2", "3"), 1);
	assert_rc(convert(x, "8", "4", NULL), 1);
	assert_rc(convert(x, "8", "3", "3"), 1);
	assert_rc(convert(x, "9", NULL, NULL), 1);
	/* Outside the maps: 5, before "not supported". */
	r = convert(x, "5", NULL, NULL);
	assert_rc(r, 5);
	assert_false(has_out(r, "SupportedReplicationTypes"));
	assert_rc(convert(x, "0", NULL, NULL), 5);
	assert_rc(convert(x, "10", NULL, NULL), 5);
	assert_rc(convert(x, "32768", NULL, NULL), 5);
	assert_rc(convert(x, "7", "1", NULL), 5);
	assert_rc(convert(x, "8", "5", NULL), 5);
	assert_rc(convert(x, "8", "2", "1"), 5);
	assert_rc(convert(x, "8", "2", "4"), 5);
	assert_rc(convert(x, "6", "9", NULL), 5);
	/* SyncType is Required. */
	assert_error(rsc_call(x, "ConvertSyncTypeToReplicationType",
	    params(pval("Mode", "2", NULL), NULL)), 4);
	assert_error(convert(x, "65536", NULL, NULL), 4);
}

static void
test_rscaps_operations(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	r = rsc_call(x, "GetSupportedOperations", rtype("6"));
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "SupportedOperations", "uint16"),
	    "[15,19]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedOperations",
	    rtype("10")), "SupportedOperations", "uint16"), "[2,8,9,19]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedOperations",
	    rtype("11")), "SupportedOperations", "uint16"), "[2,8,9,14,19]");
	assert_rtype_refusals(x, "GetSupportedOperations",
	    "SupportedOperations");
}

/* GetSupportedWaitForCopyStates of type t for method name mn. */
static const char *
waits(struct fx *x, const char *t, const char *mn)
{
	return rsc_call(x, "GetSupportedWaitForCopyStates", params(
	    pval("ReplicationType", t, "uint16"),
	    pval("MethodName", mn, "uint16"), NULL));
}

static void
test_rscaps_wait_states(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	/* CreateElementReplica (2) and ModifyReplicaSynchronization (4). */
	r = waits(x, "6", "2");
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "SupportedCopyStates", "uint16"),
	    "[4,8]");
	assert_string_equal(out_values(waits(x, "6", "4"),
	    "SupportedCopyStates", "uint16"), "[4,8]");
	assert_string_equal(out_values(waits(x, "10", "2"),
	    "SupportedCopyStates", "uint16"), "[4]");
	assert_string_equal(out_values(waits(x, "10", "4"),
	    "SupportedCopyStates", "uint16"), "[4]");
	assert_string_equal(out_values(waits(x, "11", "2"),
	    "SupportedCopyStates", "uint16"), "[4,8]");
	/* A kept clone never shows Inactive once made: MRS cannot wait for it. */
	assert_string_equal(out_values(waits(x, "11", "4"),
	    "SupportedCopyStates", "uint16"), "[4]");
	/* Operation does not change the answer. */
	r = rsc_call(x, "GetSupportedWaitForCopyStates", params(
	    pval("ReplicationType", "11", NULL), pval("MethodName", "4", NULL),
	    pval("Operation", "14", NULL), NULL));
	assert_string_equal(out_values(r, "SupportedCopyStates", "uint16"),
	    "[4]");
	/* Group and list methods of the map: 1; outside it: 5. */
	r = waits(x, "6", "3");
	assert_rc(r, 1);
	assert_false(has_out(r, "SupportedCopyStates"));
	assert_rc(waits(x, "10", "5"), 1);
	assert_rc(waits(x, "11", "11"), 1);
	assert_rc(waits(x, "6", "0"), 5);
	assert_rc(waits(x, "6", "1"), 5);
	assert_rc(waits(x, "6", "12"), 5);
	assert_rc(waits(x, "6", "32768"), 5);
	/* The type as in every method; 5 wins over 1 whichever has it. */
	assert_rc(waits(x, "7", "2"), 1);
	assert_rc(waits(x, "7", "3"), 1);
	assert_rc(waits(x, "28", "2"), 5);
	assert_rc(waits(x, "28", "3"), 5);
	assert_rc(waits(x, "7", "12"), 5);
	/* Both are Required. */
	assert_error(rsc_call(x, "GetSupportedWaitForCopyStates", rtype("6")),
	    4);
	assert_error(rsc_call(x, "GetSupportedWaitForCopyStates",
	    params(pval("MethodName", "2", NULL), NULL)), 4);
}

static void
test_rscaps_copy_states(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	r = rsc_call(x, "GetSupportedCopyStates", rtype("6"));
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "SupportedCopyStates", "uint16"),
	    "[2,3,4,5,8]");
	assert_string_equal(out_values(r, "HostAccessible", "boolean"),
	    "[TRUE,TRUE,TRUE,TRUE,TRUE]");
	r = rsc_call(x, "GetSupportedCopyStates", rtype("10"));
	assert_string_equal(out_values(r, "SupportedCopyStates", "uint16"),
	    "[2,3,5]");
	assert_string_equal(out_values(r, "HostAccessible", "boolean"),
	    "[TRUE,TRUE,TRUE]");
	r = rsc_call(x, "GetSupportedCopyStates", rtype("11"));
	assert_string_equal(out_values(r, "SupportedCopyStates", "uint16"),
	    "[2,3,4,5]");
	assert_string_equal(out_values(r, "HostAccessible", "boolean"),
	    "[TRUE,TRUE,TRUE,TRUE]");
	assert_rtype_refusals(x, "GetSupportedCopyStates", "HostAccessible");
	assert_rtype_refusals(x, "GetSupportedCopyStates",
	    "SupportedCopyStates");
}

static void
test_rscaps_features(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	r = rsc_call(x, "GetSupportedFeatures", rtype("6"));
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "Features", "uint16"), "[51]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedFeatures",
	    rtype("10")), "Features", "uint16"), "[18,51]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedFeatures",
	    rtype("11")), "Features", "uint16"), "[16,51]");
	assert_rtype_refusals(x, "GetSupportedFeatures", "Features");
}

static void
test_rscaps_consistency(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->conf.replication_service = true;
	r = rsc_call(x, "GetSupportedConsistency", rtype("6"));
	assert_rc(r, 0);
	assert_string_equal(out_values(r, "SupportedConsistency", "uint16"),
	    "[2]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedConsistency",
	    rtype("10")), "SupportedConsistency", "uint16"), "[2]");
	assert_string_equal(out_values(rsc_call(x, "GetSupportedConsistency",
	    rtype("11")), "SupportedConsistency", "uint16"), "[2]");
	assert_rtype_refusals(x, "GetSupportedConsistency",
	    "SupportedConsistency");
}

/*
 * With replication_service = no the capabilities do not exist (6, before
 * the method or its arguments are looked at); with yes, only the
 * system's own instance does, and only the declared methods.
 */
static void
test_rscaps_target(void **state)
{
	static const char *const methods[] = {
	    "ConvertSyncTypeToReplicationType", "GetSupportedOperations",
	    "GetSupportedWaitForCopyStates", "GetSupportedCopyStates",
	    "GetSupportedFeatures", "GetSupportedConsistency" };
	struct fx *x = *state;
	size_t i;

	assert_false(x->conf.replication_service);
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		assert_error(rsc_call(x, methods[i], rtype("6")), 6);
	assert_error(rsc_call(x, "GetSupportedOperations", NULL), 6);
	x->conf.replication_service = true;
	assert_rc(rsc_call(x, "GetSupportedOperations", rtype("6")), 0);
	assert_error(call_as(x, OP_ROLE_EDIT, "GetSupportedOperations",
	    rsc_path("TPD:othersys:RSC"), rtype("6")), 6);
	/* Declared by DMTF, not by our repository: 17. */
	assert_error(rsc_call(x, "GetSupportedGroupFeatures", rtype("6")), 17);
	/* Methods need edit, as every method. */
	assert_error(call_as(x, OP_ROLE_BROWSE, "GetSupportedOperations",
	    rsc_of(x), rtype("6")), 2);
}

static void
test_kill_job_and_others(void **state)
{
	struct fx *x = *state;
	uint64_t job = attach(x, VA, VB, "4");

	assert_rc(call_job(x, "KillJob", job, NULL), 1);
	assert_rc(call_job(x, "KillJob", job,
	    pval("DeleteOnKill", "true", NULL)), 1);
	assert_rc(call_job(x, "GetErrors", job, NULL), 1);
	assert_int_equal(replica_job_by_id(x->rs, job)->state, JOB_RUNNING);
	/* Other DMTF methods of the service: Not Supported. */
	assert_rc(call(x, "CreateOrModifyStoragePool", NULL), 1);
	assert_rc(call(x, "StartService", NULL), 1);
	/* Methods of other objects: Not Supported either. */
	assert_rc(call_as(x, OP_ROLE_EDIT, "RequestStateChange",
	    vol_path(x, VA, F_NAME, false), pval("RequestedState", "3",
	    NULL)), 1);
	assert_rc(call(x, "RequestStateChange",
	    pval("RequestedState", "2", NULL)), 1);
	/* Their parameters are still checked. */
	assert_error(call(x, "CreateOrModifyElementFromStoragePool",
	    pval("Size", "big", NULL)), 4);
	assert_int_equal(replica_volume_count(x->rs), 4);
}

/* SnapshotVolume[] with one reference; frees path. */
static char *
refarray(char *path, const char *type)
{
	char *s = fmt("<PARAMVALUE NAME=\"SnapshotVolume\"%s%s%s>"
	    "<VALUE.REFARRAY><VALUE.REFERENCE>%s</VALUE.REFERENCE>"
	    "</VALUE.REFARRAY></PARAMVALUE>", type ? " PARAMTYPE=\"" : "",
	    type ? type : "", type ? "\"" : "", path);

	free(path);
	return s;
}

static void
test_update_snapspace(void **state)
{
	struct fx *x = *state;
	uint32_t snap = idle_vc(x);

	assert_rc(call(x, "UpdateDeltaSnapshotSpace", NULL), 0);
	assert_rc(call(x, "UpdateDeltaSnapshotSpace", refarray(
	    vol_path(x, snap, F_NAME, false), NULL)), 0);
	assert_rc(call(x, "UpdateDeltaSnapshotSpace", refarray(
	    vol_path(x, snap, F_LOCAL, true), "reference")), 0);
	/* A base volume is not a snapshot: "Volume does not exist". */
	assert_rc(call(x, "UpdateDeltaSnapshotSpace", refarray(
	    vol_path(x, VB, F_NAME, false), "reference")), 32768);
	/* A single reference where an array is declared. */
	assert_error(call(x, "UpdateDeltaSnapshotSpace", pref("SnapshotVolume",
	    vol_path(x, snap, F_NAME, false), NULL)), 4);
}

/* ------------------------------------------------- review additions */

static void
test_namespace(void **state)
{
	struct fx *x = *state;

	/*
	 * Unknown namespaces never reach op_extrinsic: cimop.c answers 3
	 * (test_cim_cimop.c test_namespace).  The service does not live in
	 * interop.
	 */
	g_target_ns = "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/>"
	    "</LOCALNAMESPACEPATH>";
	assert_error(call_as(x, OP_ROLE_EDIT, "CreateReplica",
	    svc_target(x, NULL, NULL), NULL), 6);
	g_target_ns = NULL;
}

static void
test_partial_keys_strict(void **state)
{
	struct fx *x = *state;
	static const char *const devs[] = { " 101", "+101", "-1", "0x65",
	    "", "101 " };
	char *s;

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
		    "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE>%s</KEYVALUE>"
		    "</KEYBINDING></INSTANCENAME>", devs[i]);
		assert_rc(call(x, "CreateReplica", params(
		    pval("CopyType", "4", NULL), pref("SourceElement", s,
		    NULL), NULL)), 4);
	}
	/* All four keys but the system class is not a system. */
	s = fmt("<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">"
	    "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE>101</KEYVALUE>"
	    "</KEYBINDING><KEYBINDING NAME=\"SystemName\"><KEYVALUE>%s"
	    "</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"CreationClassName\">"
	    "<KEYVALUE>TPD_StorageVolume</KEYVALUE></KEYBINDING><KEYBINDING "
	    "NAME=\"SystemCreationClassName\"><KEYVALUE>TPD_StoragePool"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME>", x->sys);
	assert_rc(call(x, "CreateReplica", params(pval("CopyType", "4", NULL),
	    pref("SourceElement", s, NULL), NULL)), 4);
	/* Only DeviceID: accepted (the only key that tells volumes apart). */
	assert_rc(call(x, "CreateReplica", params(pval("CopyType", "4", NULL),
	    pref("SourceElement", strdup("<INSTANCENAME CLASSNAME="
	    "\"TPD_StorageVolume\"><KEYBINDING NAME=\"DeviceID\"><KEYVALUE>"
	    "101</KEYVALUE></KEYBINDING></INSTANCENAME>"), NULL), NULL)), 0);
	assert_int_equal(replica_volume_count(x->rs), 5);
}

static void
test_goal_and_pool_order(void **state)
{
	struct fx *x = *state;

	/* Goal as an embedded INSTANCE element: ignored, the copy starts. */
	assert_rc(attach_call(x, "AttachOrModifyReplica", VA, VB, "4",
	    strdup("<PARAMVALUE NAME=\"Goal\" PARAMTYPE=\"string\" "
	    "EmbeddedObject=\"instance\"><INSTANCE CLASSNAME="
	    "\"CIM_SettingData\"></INSTANCE></PARAMVALUE>")), 4096);
	/* Source missing outranks "snapshot into another pool". */
	assert_rc(call(x, "CreateReplica", params(pval("CopyType", "4", NULL),
	    pref("TargetPool", pool_of(x, "p1"), NULL),
	    pref("SourceElement", vol_path(x, 999, F_NAME, false), NULL),
	    NULL)), 4);
	/* An empty name is not a valid name. */
	assert_rc(create_call(x, "", "4", NULL), 5);
	/* Another volume's delta pool is foreign. */
	assert_rc(call(x, "CreateReplica", params(pval("ElementName", "sc",
	    NULL), pval("CopyType", "4", NULL), pref("SourceElement",
	    vol_path(x, VC, F_NAME, false), NULL), NULL)), 0);
	assert_rc(create_call(x, "n", "4", pref("TargetPool", fmt(
	    "<INSTANCENAME CLASSNAME=\"TPD_DeltaReplicaStoragePool\">"
	    "<KEYBINDING NAME=\"InstanceID\"><KEYVALUE>TPD:%s:SA.%u"
	    "</KEYVALUE></KEYBINDING></INSTANCENAME>", x->sys, VC), NULL)), 5);
}

/* Terminating a queued (New) copy job. */
static void
test_terminate_queued(void **state)
{
	struct fx *x = *state;
	uint64_t j1 = attach(x, VA, VB, "4");
	uint64_t j2 = attach(x, VA, VC, "4");
	uint32_t d;
	uint64_t j3;
	const char *r;

	(void)j1;
	(void)j2;
	/* A third copy waits (max_copy_tasks 2): a clone of c. */
	r = call(x, "CreateReplica", params(pval("ElementName", "q", NULL),
	    pval("CopyType", "5", NULL), pref("SourceElement",
	    vol_path(x, VSMALL, F_NAME, false), NULL), NULL));
	assert_rc(r, 4096);
	j3 = out_id(r, "Job");
	d = (uint32_t)out_id(r, "TargetElement");
	assert_int_equal(replica_job_by_id(x->rs, j3)->state, JOB_NEW);
	assert_int_equal(replica_pair_find(x->rs, VSMALL, d)->sync_state,
	    SYNC_INITIALIZED);
	assert_rc(call_job(x, "RequestStateChange", j3,
	    pval("RequestedState", "4", NULL)), 4096);
	assert_int_not_equal(replica_job_by_id(x->rs, j3)->state, JOB_NEW);
}

/* ------------------------------------------- deferred CreateReplica */

/* Is the pair still being filled (what a deferred answer waits for)? */
static bool
copying(struct fx *x, uint32_t src, uint32_t tgt)
{
	const struct rpair *p = replica_pair_find(x->rs, src, tgt);

	return p != NULL && (p->sync_state == SYNC_INITIALIZED ||
	    p->sync_state == SYNC_RESYNC_IN_PROGRESS);
}

/*
 * What cimop.c writes for a deferred pair, into x->resp (NULL: nothing,
 * the pair is still being filled and `give_up` is false).
 */
static const char *
deferred_try(struct fx *x, uint32_t src, uint32_t tgt, bool give_up)
{
	return fx_deferred(x, "CreateReplica", src, tgt, give_up);
}

/* What cimop.c writes when it gives up or cannot wait. */
static const char *
deferred_answer(struct fx *x, uint32_t src, uint32_t tgt)
{
	return deferred_try(x, src, tgt, true);
}

static void
test_create_snapshot_deferred(void **state)
{
	struct fx *x = *state;
	uint64_t job;
	uint32_t snap;
	const char *r;

	g_can_defer = true;
	(void)create_call(x, "dv1", "4", NULL);
	assert_int_equal(g_defer_src, VA);
	snap = g_defer_tgt;
	assert_true(replica_volume_by_id(x->rs, snap)->is_snapshot);
	assert_true(copying(x, VA, snap));
	/* Still copying: nothing yet, unless cimop.c gives up (4). */
	assert_null(deferred_try(x, VA, snap, false));
	assert_rc(deferred_answer(x, VA, snap), 4);
	assert_false(has_out(x->resp, "TargetElement"));
	job = x->f.copies[x->f.ncopies - 1].job;
	assert_true(fake_rep_finish(&x->f, x->rs, job, 0, NULL));
	assert_false(copying(x, VA, snap));
	r = deferred_answer(x, VA, snap);
	assert_rc(r, 0);
	assert_false(has_out(r, "Job"));
	assert_int_equal(out_id(r, "TargetElement"), snap);
	assert_non_null(strstr(r, "<INSTANCEPATH><NAMESPACEPATH><HOST>testhost"
	    "</HOST>"));
	/* Already restoring from it: it was complete, still 0. */
	assert_rc(modify(x, "5", pair_of(x, VA, snap)), 4096);
	assert_int_equal(replica_pair_find(x->rs, VA, snap)->sync_state,
	    SYNC_RESTORE_IN_PROGRESS);
	assert_rc(deferred_answer(x, VA, snap), 0);
	/* No such pair: 4. */
	assert_false(copying(x, VB, snap));
	assert_rc(deferred_answer(x, VB, snap), 4);
	assert_false(has_out(x->resp, "TargetElement"));
}

static void
test_create_snapshot_deferred_fail(void **state)
{
	struct fx *x = *state;
	uint32_t snap;

	g_can_defer = true;
	(void)create_call(x, "dv2", "4", NULL);
	snap = g_defer_tgt;
	assert_int_not_equal(snap, 0);
	assert_true(fake_rep_finish(&x->f, x->rs,
	    x->f.copies[x->f.ncopies - 1].job, -EIO, "read error"));
	assert_int_equal(replica_pair_find(x->rs, VA, snap)->sync_state,
	    SYNC_BROKEN);
	assert_false(copying(x, VA, snap));
	assert_rc(deferred_answer(x, VA, snap), 4);
	assert_false(has_out(x->resp, "TargetElement"));
	/* Not held: refusals, CopyType 5, and a copy that cannot start. */
	assert_rc(create_call(x, "dv2", "4", NULL), 4);
	assert_int_equal(g_defer_tgt, 0);
	assert_rc(create_call(x, "dv3", "5", NULL), 4096);
	assert_int_equal(g_defer_tgt, 0);
	/* The snapshot copy cannot start: the state says so at once. */
	x->f.start_err = -EIO;
	assert_rc(create_call(x, "dv4", "4", NULL), 4);
	assert_false(has_out(x->resp, "TargetElement"));
	assert_int_equal(g_defer_tgt, 0);
}

/* One method call bound as op_extrinsic would bind it. */
struct bound_call {
	struct cim_arena *a;
	struct cim_request req;
	char *body;
	struct cim_buf out;		/* an ERROR, if binding wrote one */
	struct op_ctx c;
	struct ext_args b;
};

/* Bind `prm` to method `mname` of class `cls`; ext_bind's result. */
static int
bind_call(struct fx *x, struct bound_call *k, const char *cls,
    const char *mname, char *target, char *prm)
{
	const struct cim_class_method *m =
	    schema_method(schema_class(cls), mname);

	assert_non_null(m);
	memset(k, 0, sizeof(*k));
	k->a = cim_arena_new(1u << 20);
	assert_non_null(k->a);
	k->body = parse_call(k->a, mname, target, prm, &k->req);
	k->c.rs = x->rs;
	k->c.arena = k->a;
	k->c.req = &k->req;
	cim_buf_init(&k->out);
	k->c.out = &k->out;
	return ext_bind(&k->c, m, &k->b);
}

static void
bind_done(struct bound_call *k)
{
	free(k->body);
	cim_buf_release(&k->out);
	cim_arena_free(k->a);
}

/* Each bound parameter keeps the typed value parsed when it was bound. */
static void
test_bound_values(void **state)
{
	struct fx *x = *state;
	const struct ext_arg *g;
	struct bound_call k;
	uint64_t u = 0;

	assert_int_equal(bind_call(x, &k, "TPD_StorageConfigurationService",
	    "CreateReplica", svc_target(x, NULL, NULL), params(
	    pval("CopyType", "0x5", NULL), pval("ElementName", "n1", "string"),
	    pref("SourceElement", vol_path(x, VA, F_NAME, false), NULL),
	    strdup("<PARAMVALUE NAME=\"TargetPool\" PARAMTYPE=\"reference\"/>"),
	    NULL)), 0);
	assert_int_equal(k.out.len, 0);
	assert_int_equal(k.c.status, 0);
	assert_int_equal(k.b.n, 4);
	g = ext_arg(&k.b, "copytype");
	assert_non_null(g);
	assert_int_equal(g->kind, EXT_V_UINT);
	assert_int_equal(g->u, 5);
	assert_true(ext_arg_uint(&k.b, "CopyType", &u));
	assert_int_equal(u, 5);
	assert_string_equal(ext_arg_text(&k.b, "ElementName"), "n1");
	assert_false(ext_arg_uint(&k.b, "ElementName", &u));
	assert_non_null(ext_arg_ref(&k.b, "SourceElement"));
	assert_string_equal(ext_arg_ref(&k.b, "SourceElement")->classname,
	    "TPD_StorageVolume");
	assert_null(ext_arg_ref(&k.b, "CopyType"));
	/* Sent as NULL: bound, but read as absent. */
	assert_int_equal(k.b.arg[3].kind, EXT_V_NULL);
	assert_null(ext_arg(&k.b, "TargetPool"));
	assert_null(ext_arg(&k.b, "TargetSettingGoal"));
	bind_done(&k);

	/* A boolean, and a reference array kept as sent. */
	assert_int_equal(bind_call(x, &k, "TPD_ConcreteJob", "KillJob",
	    job_target(x, 1), pval("DeleteOnKill", "true", NULL)), 0);
	assert_int_equal(k.b.arg[0].kind, EXT_V_BOOL);
	assert_true(k.b.arg[0].b);
	bind_done(&k);
	assert_int_equal(bind_call(x, &k, "TPD_StorageConfigurationService",
	    "UpdateDeltaSnapshotSpace", svc_target(x, NULL, NULL),
	    refarray(vol_path(x, VA, F_NAME, false), NULL)), 0);
	g = ext_arg(&k.b, "SnapshotVolume");
	assert_non_null(g);
	assert_int_equal(g->kind, EXT_V_OTHER);
	assert_int_equal(g->v->kind, CIM_V_REFARRAY);
	assert_int_equal(g->v->n, 1);
	bind_done(&k);

	/* Out of the declared range: ERROR 4, recorded in the context. */
	assert_int_equal(bind_call(x, &k, "TPD_StorageConfigurationService",
	    "CreateReplica", svc_target(x, NULL, NULL),
	    pval("CopyType", "70000", NULL)), -EINVAL);
	assert_int_equal(k.c.status, CIM_ERR_INVALID_PARAMETER);
	assert_non_null(k.out.data);
	assert_non_null(strstr(k.out.data, "<ERROR CODE=\"4\""));
	bind_done(&k);
}

/*
 * A handler's -errno (here the pool refusing memory for the new volume)
 * becomes one ERROR at the handler edge, through errmap.h: the status
 * and the text of the table, named after the method as the client
 * spelled it.
 */
static void
test_internal_failure(void **state)
{
	struct fx *x = *state;
	const char *r;

	x->f.create_err = -ENOMEM;
	r = call(x, "createreplica", params(pval("CopyType", "5", NULL),
	    pval("ElementName", "nomem", NULL),
	    pref("SourceElement", vol_path(x, VA, F_NAME, false), NULL),
	    NULL));
	assert_error(r, 1);
	assert_non_null(strstr(r, "DESCRIPTION=\"CIM_ERR_FAILED: "
	    "createreplica: Cannot allocate memory\""));
	assert_null(replica_volume_by_name(x->rs, "nomem"));
	assert_int_equal(replica_volume_count(x->rs), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_browse_role_denied),
		T(test_unknown_target),
		T(test_unknown_method),
		T(test_unknown_param),
		T(test_duplicate_param),
		T(test_missing_required),
		T(test_unparsable_and_wrong_type),
		T(test_typed_params),
		T(test_source_forms),
		T(test_source_not_found),
		T(test_sync_forms),
		T(test_sync_no_pair),
		T(test_attach_job),
		T(test_attach_refused),
		T(test_create_snapshot),
		T(test_create_clone),
		T(test_create_refused),
		T(test_modify_pc_frozen),
		T(test_modify_vc_idle),
		T(test_modify_state_refused),
		T(test_request_state_change),
		T(test_get_error),
		T(test_get_error_terminated),
		T(test_block_create),
		T(test_block_grow),
		T(test_block_return),
		T(test_block_size_range),
		T(test_rscaps_convert),
		T(test_rscaps_operations),
		T(test_rscaps_wait_states),
		T(test_rscaps_copy_states),
		T(test_rscaps_features),
		T(test_rscaps_consistency),
		T(test_rscaps_target),
		T(test_kill_job_and_others),
		T(test_update_snapspace),
		T(test_namespace),
		T(test_partial_keys_strict),
		T(test_goal_and_pool_order),
		T(test_terminate_queued),
		T(test_create_snapshot_deferred),
		T(test_create_snapshot_deferred_fail),
		T(test_bound_values),
		T(test_internal_failure),
#undef T
	};

	log_init(true, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
