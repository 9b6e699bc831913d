/* SPDX-License-Identifier: ISC */
/*
 * model_job.c - instances of TPD_ConcreteJob and TPD_MethodResult (SPEC.md
 * §4.1, §4.4; CONTRACT.md §5; CLIENTS.md §3.3) and of the interop classes
 * (CIM_Namespace, CIM_ObjectManager, CIM_RegisteredProfile).  Job values
 * are what every polling client studied accepts: PercentComplete never
 * NULL, ErrorCode 0 unless failed, strict DMTF datetimes.  Built in the
 * request arena; nothing here changes state.
 */
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "replica/replica.h"

#ifndef ARRAYD_VERSION
#define ARRAYD_VERSION "0.1"
#endif

#define S_SYS	"TPD_StorageSystem"
#define TIME_BEFORE_REMOVAL_US	(5LL * 60 * 1000000)

static const char *
sysname(const struct op_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
}

/* A volume's name for job texts, or its id when it is gone. */
static const char *
vol_label(struct op_ctx *c, uint32_t id)
{
	const struct rvolume *v = replica_volume_by_id(c->rs, id);

	if (v != NULL)
		return v->name;
	return cim_arena_printf(c->arena, "#%u", (unsigned)id);
}

static void
job_status(const struct rjob *j, size_t *nos, uint16_t os[2],
    const char **status)
{
	switch (j->state) {
	case JOB_NEW:
		os[0] = 15, *nos = 1, *status = "Queued";
		break;
	case JOB_RUNNING:
		os[0] = 2, *nos = 1, *status = "Running";
		break;
	case JOB_COMPLETED:
		os[0] = 2, os[1] = 17, *nos = 2, *status = "Completed";
		break;
	case JOB_EXCEPTION:
		os[0] = 6, os[1] = 17, *nos = 2, *status = "Failed";
		break;
	case JOB_TERMINATED:
		os[0] = 10, *nos = 1, *status = "Terminated";
		break;
	default:
		os[0] = 0, *nos = 1, *status = "Unknown";
		break;
	}
}

static void
job_times(struct model_ib *b, const struct rjob *j)
{
	int64_t elapsed = 0;

	model_ib_time(b, "TimeSubmitted", j->submitted_us);
	model_ib_time(b, "StartTime", j->started_us);
	if (j->started_us > 0) {
		int64_t end = j->ended_us > 0 ? j->ended_us : model_now_us();

		elapsed = end - j->started_us;
	}
	model_ib_interval(b, "ElapsedTime", elapsed);
	model_ib_time(b, "TimeOfLastStateChange", j->last_change_us > 0 ?
	    j->last_change_us : j->submitted_us);
	model_ib_interval(b, "TimeBeforeRemoval", TIME_BEFORE_REMOVAL_US);
	model_ib_bool(b, "DeleteOnCompletion", false);
	model_ib_u(b, "LocalOrUtcTime", CIM_T_UINT16, 2);
}

/* Returns the job's instance in c->arena; NULL if gone/hidden or no memory. */
struct cim_instance *
model_job_instance(struct op_ctx *c, uint64_t job_id)
{
	const struct rjob *j = replica_job_by_id(c->rs, job_id);
	uint16_t os[2] = { 0, 0 };
	const char *status, *src, *tgt;
	struct model_ib b;
	size_t nos;
	unsigned pct, err;

	if (j == NULL || j->hidden)
		return NULL;
	job_status(j, &nos, os, &status);
	pct = j->state == JOB_COMPLETED || j->state == JOB_EXCEPTION ? 100 :
	    (j->percent > 100 ? 100 : j->percent);
	err = j->state == JOB_EXCEPTION && j->error_code == 0 ? 1 :
	    j->error_code;
	src = vol_label(c, j->src_id);
	tgt = vol_label(c, j->tgt_id);
	model_ib_init(&b, c, "TPD_ConcreteJob", 24);
	model_ib_str(&b, "InstanceID", model_job_instance_id(c, j->id));
	model_ib_str(&b, "Name", job_kind_name(j->kind));
	model_ib_str(&b, "ElementName", cim_arena_printf(c->arena,
	    "%s %s -> %s", job_kind_name(j->kind), src, tgt));
	model_ib_str(&b, "Caption", j->method);
	model_ib_str(&b, "Description", cim_arena_printf(c->arena,
	    "%s: copy %s onto %s", j->method, src, tgt));
	model_ib_u(&b, "JobState", CIM_T_UINT16, j->state);
	model_ib_u16s(&b, "OperationalStatus", nos, os);
	model_ib_str(&b, "JobStatus", status);
	model_ib_u(&b, "PercentComplete", CIM_T_UINT16, pct);
	job_times(&b, j);
	model_ib_u(&b, "ErrorCode", CIM_T_UINT16, err);
	model_ib_str(&b, "ErrorDescription",
	    j->error_desc[0] != '\0' ? j->error_desc : NULL);
	model_ib_str(&b, "Owner", j->owner[0] != '\0' ? j->owner : NULL);
	model_ib_u(&b, "JobRunTimes", CIM_T_UINT32, 1);
	return model_ib_done(&b);
}

/* ------------------------------------------------------- method result */

static const char *
rc_text(uint32_t rc)
{
	switch (rc) {
	case 0:
		return "Job Completed with No Error";
	case 1:
		return "Not Supported";
	case 4:
		return "Failed";
	case 5:
		return "Invalid Parameter";
	case 6:
		return "In Use";
	case 4096:
		return "Method Parameters Checked - Job Started";
	default:
		return "Unknown";
	}
}

/* The __MethodParameters of the call that made job j (+ outputs if post). */
static struct cim_instance *
method_params(struct op_ctx *c, const struct rjob *j, bool post)
{
	const char *m = j->method;
	struct model_ib b;

	model_ib_init(&b, c, "__MethodParameters", 8);
	if (strcasecmp(m, "ModifySynchronization") == 0) {
		model_ib_u(&b, "Operation", CIM_T_UINT16, j->operation);
		model_ib_ref(&b, "Synchronization", "CIM_StorageSynchronized",
		    model_pair_path(c, j->src_id, j->tgt_id));
	} else {
		if (strcasecmp(m, "CreateReplica") == 0)
			model_ib_str(&b, "ElementName", j->element_name[0] ?
			    j->element_name : NULL);
		model_ib_ref(&b, "SourceElement", "CIM_LogicalElement",
		    model_volume_path(c, j->src_id));
		if (strcasecmp(m, "CreateReplica") != 0)
			model_ib_ref(&b, "TargetElement", "CIM_LogicalElement",
			    model_volume_path(c, j->tgt_id));
		model_ib_u(&b, "CopyType", CIM_T_UINT16, j->copy_type);
		if (post && strcasecmp(m, "CreateReplica") == 0)
			model_ib_ref(&b, "TargetElement", "CIM_LogicalElement",
			    model_volume_path(c, j->tgt_id));
	}
	if (post)
		model_ib_ref(&b, "Job", "CIM_ConcreteJob",
		    model_job_path(c, j->id));
	return model_ib_done(&b);
}

static struct cim_instance *
inst_method_call(struct op_ctx *c, const struct rjob *j, bool post)
{
	struct model_ib b;

	model_ib_init(&b, c, "CIM_InstMethodCall", 12);
	model_ib_time(&b, "IndicationTime", j->submitted_us);
	model_ib_str(&b, "MethodName", j->method);
	model_ib_embedded(&b, "MethodParameters", method_params(c, j, post));
	model_ib_bool(&b, "PreCall", !post);
	if (post) {
		model_ib_str(&b, "ReturnValue", rc_text(j->rc));
		model_ib_u(&b, "ReturnValueType", CIM_T_UINT16, 9);
	}
	return model_ib_done(&b);
}

struct cim_instance *
model_method_result_instance(struct op_ctx *c, uint64_t job_id)
{
	const struct rjob *j = replica_job_by_id(c->rs, job_id);
	struct model_ib b;

	if (j == NULL || j->hidden)
		return NULL;
	model_ib_init(&b, c, "TPD_MethodResult", 8);
	model_ib_str(&b, "InstanceID", model_job_instance_id(c, j->id));
	model_ib_str(&b, "ElementName", j->method);
	model_ib_str(&b, "Description", cim_arena_printf(c->arena,
	    "Result of %s (task %llu)", j->method, (unsigned long long)j->id));
	model_ib_embedded(&b, "PreCallIndication", inst_method_call(c, j,
	    false));
	model_ib_embedded(&b, "PostCallIndication", inst_method_call(c, j,
	    true));
	return model_ib_done(&b);
}

/* ------------------------------------------------------------- interop */

struct profile_def {
	const char *id, *name, *version;
};

static const struct profile_def profiles[] = {
	{ "Array", "Array", "1.6.1" },
	{ "CopyServices", "Copy Services", "1.6.1" },
	{ "JobControl", "Job Control", "1.6.1" },
	{ "Server", "Server", "1.6.1" },
};

static struct cim_instance *
inst_profile(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t adv[] = { 2 };
	const struct profile_def *pd = NULL;
	struct model_ib b;
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].id, o->name) == 0)
			pd = &profiles[i];
	if (pd == NULL)
		return NULL;
	model_ib_init(&b, c, "CIM_RegisteredProfile", 8);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena, "SNIA:%s",
	    pd->id));
	model_ib_u(&b, "RegisteredOrganization", CIM_T_UINT16, 11);
	model_ib_str(&b, "RegisteredName", pd->name);
	model_ib_str(&b, "RegisteredVersion", pd->version);
	model_ib_u16s(&b, "AdvertiseTypes", 1, adv);
	model_ib_str(&b, "ElementName", pd->name);
	return model_ib_done(&b);
}

static void
om_keys(struct model_ib *b, struct op_ctx *c, const char *ccn)
{
	model_ib_str(b, "SystemCreationClassName", S_SYS);
	model_ib_str(b, "SystemName", sysname(c));
	model_ib_str(b, "CreationClassName", ccn);
}

struct cim_instance *
model_interop_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t ok[] = { 2 };
	struct model_ib b;

	switch (o->kind) {
	case OBJ_PROFILE:
		return inst_profile(c, o);
	case OBJ_NAMESPACE:
		model_ib_init(&b, c, "CIM_Namespace", 10);
		om_keys(&b, c, "CIM_Namespace");
		model_ib_str(&b, "Name", o->name);
		model_ib_str(&b, "ObjectManagerCreationClassName",
		    "CIM_ObjectManager");
		model_ib_str(&b, "ObjectManagerName", "arrayd");
		model_ib_str(&b, "ElementName", o->name);
		model_ib_u(&b, "ClassInfo", CIM_T_UINT16, 0);
		return model_ib_done(&b);
	case OBJ_OBJECT_MANAGER:
		model_ib_init(&b, c, "CIM_ObjectManager", 12);
		om_keys(&b, c, "CIM_ObjectManager");
		model_ib_str(&b, "Name", "arrayd");
		model_ib_str(&b, "ElementName", "arrayd");
		model_ib_str(&b, "Description", "arrayd " ARRAYD_VERSION
		    " (HP 3PAR copy-services emulation)");
		model_ib_u16s(&b, "OperationalStatus", 1, ok);
		model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
		model_ib_bool(&b, "Started", true);
		model_ib_bool(&b, "GatherStatisticalData", false);
		return model_ib_done(&b);
	default:
		return NULL;
	}
}
