/* SPDX-License-Identifier: ISC */
/*
 * model_job.c - the jobs: TPD_ConcreteJob (SPEC.md §4.1, CONTRACT.md §5,
 * CLIENTS.md §3.3) and TPD_MethodResult (§4.4), one of each per job a
 * client may see, with their keys ("TPD:<system>:<task id>"), resolver,
 * path, instance and enumerator.  Job values are what every polling client
 * studied accepts: PercentComplete never NULL, ErrorCode 0 unless failed,
 * strict DMTF datetimes.  Every value comes from the job record as
 * replica/ decided it (its percent included); this file only renders it.
 * Built in the request arena; nothing here changes state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cim/model_int.h"
#include "replica/replica.h"

#define JOB_CLASS	"TPD_ConcreteJob"
#define TIME_BEFORE_REMOVAL_US	(5LL * 60 * 1000000)

/* ---------------------------------------------------------- identity */

char *
model_job_instance_id(struct op_ctx *c, uint64_t job_id)
{
	return cim_arena_printf(c->arena, "TPD:%s:%llu", model_sysname(c),
	    (unsigned long long)job_id);
}

int
model_parse_job_instance_id(const struct op_ctx *c, const char *s,
    uint64_t *job_id)
{
	const char *loc = model_iid_local(c, s);
	unsigned long long v;
	char *end;

	if (loc == NULL || *loc < '0' || *loc > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(loc, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return -EINVAL;
	*job_id = v;
	return 0;
}

/* The job of a JOB or METHOD_RESULT object, NULL if gone or hidden. */
static const struct rjob *
job_of(const struct op_ctx *c, const struct model_obj *o)
{
	const struct rjob *j = o->job != NULL ? o->job :
	    replica_job_by_id(c->rs, o->job_id);

	return j != NULL && !j->hidden ? j : NULL;
}

static int
job_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	(void)mc;
	if (model_parse_job_instance_id(c, model_key_text(p, "InstanceID"),
	    &o->job_id) != 0)
		return -ENOENT;
	o->job = job_of(c, o);
	return o->job != NULL ? 0 : -ENOENT;
}

struct cim_path *
model_job_path(struct op_ctx *c, uint64_t job_id)
{
	return model_path_iid(c, JOB_CLASS, MODEL_NS_TPD,
	    model_job_instance_id(c, job_id));
}

static struct cim_path *
job_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_job_path(c, o->job_id);
}

static struct cim_path *
method_result_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, model_class_method_result.name, MODEL_NS_TPD,
	    model_job_instance_id(c, o->job_id));
}

static int
job_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i, n = replica_job_count(c->rs);
	int rc;

	for (i = 0; i < n; i++) {
		const struct rjob *j = replica_job_at(c->rs, i);

		if (j->hidden)
			continue;
		o.job_id = j->id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

/* --------------------------------------------------------------- job */

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

/* Current time for ElapsedTime, microseconds since the epoch. */
static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
job_times(struct model_ib *b, const struct rjob *j)
{
	int64_t elapsed = 0;

	model_ib_time(b, "TimeSubmitted", j->submitted_us);
	model_ib_time(b, "StartTime", j->started_us);
	if (j->started_us > 0) {
		int64_t end = j->ended_us > 0 ? j->ended_us : now_us();

		elapsed = end - j->started_us;
	}
	model_ib_interval(b, "ElapsedTime", elapsed);
	model_ib_time(b, "TimeOfLastStateChange", j->last_change_us > 0 ?
	    j->last_change_us : j->submitted_us);
	model_ib_interval(b, "TimeBeforeRemoval", TIME_BEFORE_REMOVAL_US);
	model_ib_bool(b, "DeleteOnCompletion", false);
	model_ib_u(b, "LocalOrUtcTime", CIM_T_UINT16, 2);
}

/*
 * Returns the job's instance in c->arena; NULL if gone/hidden or no memory.
 * PercentComplete is replica/'s (100 once Completed or failed, at most 99
 * before: replica/copy.c).
 */
static struct cim_instance *
job_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct rjob *j = job_of(c, o);
	uint16_t os[2] = { 0, 0 };
	const char *status, *src, *tgt;
	struct model_ib b;
	size_t nos;
	unsigned err;

	if (j == NULL)
		return NULL;
	job_status(j, &nos, os, &status);
	err = j->state == JOB_EXCEPTION && j->error_code == 0 ? 1 :
	    j->error_code;
	src = vol_label(c, j->src_id);
	tgt = vol_label(c, j->tgt_id);
	model_ib_init(&b, c, JOB_CLASS, 24);
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
	model_ib_u(&b, "PercentComplete", CIM_T_UINT16, j->percent);
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

static struct cim_instance *
method_result_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct rjob *j = job_of(c, o);
	struct model_ib b;

	if (j == NULL)
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

/* ------------------------------------------------------------ classes */

static const char *const job_supers[] = { "CIM_ConcreteJob", "CIM_Job",
	MODEL_SUP_MSE, MODEL_SUP_ME, NULL };
static const char *const method_result_supers[] = { "CIM_MethodResult",
	MODEL_SUP_ME, NULL };
static const struct model_ops job_ops = {
	.id = MODEL_ID_JOB,
	.resolve = job_resolve,
	.path = job_path,
	.instance = job_instance,
	.objects = job_objects,
};
static const struct model_ops method_result_ops = {
	.id = MODEL_ID_JOB,
	.resolve = job_resolve,
	.path = method_result_path,
	.instance = method_result_instance,
	.objects = job_objects,
};
const struct model_class model_class_job = MODEL_CLASS(JOB_CLASS,
    MODEL_NS_TPD, OBJ_JOB, model_keys_iid, job_supers, &job_ops);
const struct model_class model_class_method_result = MODEL_CLASS(
    "TPD_MethodResult", MODEL_NS_TPD, OBJ_METHOD_RESULT, model_keys_iid,
    method_result_supers, &method_result_ops);
