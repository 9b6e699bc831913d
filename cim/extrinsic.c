/* SPDX-License-Identifier: ISC */
/*
 * extrinsic.c - extrinsic method calls (METHODCALL): the copy-services
 * methods of TPD_StorageConfigurationService and the job methods of
 * TPD_ConcreteJob, found in one method table.
 *
 * Validation follows CONTRACT.md §4 in its order: namespace (3, cimop.c's
 * check before any handler runs), role (2), target exists (6), method
 * known for the class (17), parameter syntax (4, extrinsic_bind.c), and
 * only then the semantic checks, which answer with a method return value
 * inside a normal METHODRESPONSE.  This file decides nothing about
 * replica states: replica/ does, returns the value to send and logs the
 * change.  A handler returns 0 once it has written its answer, or the
 * -errno of an internal failure, which op_extrinsic() turns into the
 * ERROR through errmap.h.  Everything built for the response lives in
 * c->arena.
 *
 * CreateReplica CopyType 4 is synchronous on 3PAR: the snapshot exists
 * and is a point-in-time image when the call returns.  arrayd fills the
 * snapshot with a background copy, so when cimop.c can hold the answer
 * (c->can_defer) the call leaves the pair in c->defer_pair_src/tgt and
 * the answer (op_extrinsic_deferred) comes once the copy is durable.
 */
#include "cim/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimxml/cimxml.h"
#include "base/log.h"
#include "cim/errmap.h"
#include "cim/extrinsic_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

/* UpdateDeltaSnapshotSpace: "Volume does not exist" (3PAR vendor code). */
#define RC_NO_SUCH_SNAPSHOT 32768u
/* RequestStateChange: Use of Timeout Parameter Not Supported. */
#define RC_TIMEOUT_NOT_SUPPORTED 4098u

void
ext_write_rc(struct op_ctx *c, uint32_t rc)
{
	cim_buf_printf(c->out,
	    "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>%u</VALUE></RETURNVALUE>",
	    rc);
}

/* The authenticated user for logs ("-" when the caller has none). */
static const char *
who_name(const struct op_ctx *c)
{
	return c->user != NULL ? c->user : "-";
}

/* extrinsic_int.h says why a NULL path fails the whole answer. */
void
ext_write_ref(struct op_ctx *c, const char *name, const struct cim_path *p)
{
	if (p == NULL) {
		c->out->oom = true;
		return;
	}
	cim_buf_printf(c->out, "<PARAMVALUE NAME=\"%s\" "
	    "PARAMTYPE=\"reference\"><VALUE.REFERENCE>", name);
	cimxml_write_path(c->out, p, CIM_PF_INSTANCEPATH, c->host, MODEL_NS_TPD);
	cim_buf_puts(c->out, "</VALUE.REFERENCE></PARAMVALUE>");
}

/* ------------------------------------------------------ reference lookup */

int
ext_resolve_volume(const struct op_ctx *c, const struct cim_path *p,
    uint32_t *id)
{
	struct model_obj o;
	int rc = model_resolve_mode(c, p, MODEL_LENIENT, OBJ_VOLUME, &o);

	*id = rc == 0 ? o.vol_id : 0;
	return rc;
}

/* extrinsic_int.h says what the pair's existence is left to. */
int
ext_resolve_pair(const struct op_ctx *c, const struct cim_path *p,
    uint32_t *src, uint32_t *tgt)
{
	struct model_obj o;
	int rc = model_resolve_mode(c, p, MODEL_LENIENT, OBJ_PAIR, &o);

	*src = rc == 0 ? o.src_id : 0;
	*tgt = rc == 0 ? o.tgt_id : 0;
	return rc;
}

/* ------------------------------------------------- service methods */

bool
op_job_image_pending(const struct replica_set *rs, uint64_t job_id)
{
	const struct rjob *j = replica_job_by_id(rs, job_id);

	return j != NULL && j->image == REPLICA_IMAGE_TAKING &&
	    (j->state == JOB_NEW || j->state == JOB_RUNNING);
}

/* extrinsic_int.h: the Job out parameter, held until its image is taken. */
void
ext_write_job(struct op_ctx *c, uint64_t job_id)
{
	ext_write_ref(c, "Job", model_job_path(c, job_id));
	if (c->can_defer && op_job_image_pending(c->rs, job_id))
		c->defer_job = job_id;
}

static void
write_result(struct op_ctx *c, const struct replica_result *res)
{
	ext_write_rc(c, res->rc);
	if (res->job_id != 0)
		ext_write_job(c, res->job_id);
	if (res->target_id != 0)
		ext_write_ref(c, "TargetElement",
		    model_volume_path(c, res->target_id));
}

/*
 * AttachOrModifyReplica and AttachReplica: a PC onto an existing volume.
 * CopyType is declared uint16, so binding has range-checked it.
 */
static int
call_attach(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	uint32_t src, tgt;
	uint64_t ct;
	int err;

	(void)o;
	(void)ext_resolve_volume(c, ext_arg_ref(b, "SourceElement"), &src);
	(void)ext_resolve_volume(c, ext_arg_ref(b, "TargetElement"), &tgt);
	/* Remote mirrors only: a pipe means this is not a local copy. */
	if (!ext_arg_uint(b, "CopyType", &ct) ||
	    ext_arg(b, "ReplicationPipe") != NULL) {
		res.rc = REPLICA_RC_INVALID;
		write_result(c, &res);
		return 0;
	}
	err = replica_attach(c->rs, src, tgt, (uint16_t)ct, &who, &res);
	if (err < 0)
		return err;
	write_result(c, &res);
	return 0;
}

/* extrinsic_int.h: which pools CreateReplica's TargetPool may name. */
int
ext_target_pool(struct op_ctx *c, const struct ext_args *b, uint32_t src,
    uint64_t ct, const char **pool)
{
	const struct cim_path *p = ext_arg_ref(b, "TargetPool");
	struct model_obj o;

	*pool = NULL;
	if (p == NULL)
		return 0;
	if (model_resolve(c, p, &o) != 0)
		return -EINVAL;
	if (o.kind == OBJ_POOL) {
		*pool = o.name;
		return 0;
	}
	if (o.kind == OBJ_DELTA_POOL && ct == 4 && src != 0 &&
	    o.vol_id == src)
		return 0;
	return -EINVAL;
}

/* Is the snapshot pair (src, tgt) still being filled? */
static bool
snapshot_copying(const struct replica_set *rs, uint32_t src, uint32_t tgt)
{
	const struct rpair *p = replica_pair_find(rs, src, tgt);

	return p != NULL && (p->sync_state == SYNC_INITIALIZED ||
	    p->sync_state == SYNC_RESYNC_IN_PROGRESS);
}

bool
op_extrinsic_deferred(struct op_ctx *c, bool give_up)
{
	const struct rpair *p = replica_pair_find(c->rs, c->defer_pair_src,
	    c->defer_pair_tgt);
	struct replica_result res = { 0 };

	if (!give_up && p != NULL && snapshot_copying(c->rs, p->src_id,
	    p->tgt_id))
		return false;

	/* Restore needs Idle: restoring from it means it was complete. */
	if (p != NULL && (p->sync_state == SYNC_IDLE ||
	    p->sync_state == SYNC_RESTORE_IN_PROGRESS)) {
		res.rc = REPLICA_RC_OK;
		res.target_id = c->defer_pair_tgt;
		write_result(c, &res);
		/* CreateElementReplica also names the pair it made. */
		if (strcasecmp(c->req->method, "CreateElementReplica") == 0)
			ext_write_ref(c, "Synchronization", model_pair_path(c,
			    c->defer_pair_src, c->defer_pair_tgt));
		return true;
	}
	log_warnx("%s by %s: snapshot %u of volume %u %s: answering %u",
	    c->req->method, who_name(c), c->defer_pair_tgt,
	    c->defer_pair_src, p == NULL ? "is gone" :
	    p->sync_state == SYNC_BROKEN ? "could not be filled (Broken)" :
	    snapshot_copying(c->rs, p->src_id, p->tgt_id) ?
	    "is still being copied" : sync_state_name(p->sync_state),
	    REPLICA_RC_FAILED);
	ext_write_rc(c, REPLICA_RC_FAILED);
	return true;
}

/* CopyType is declared uint16, so binding has range-checked it. */
static int
call_create_replica(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const char *pool = NULL;
	uint32_t src;
	uint64_t ct = 0;
	int err;

	(void)o;
	(void)ext_resolve_volume(c, ext_arg_ref(b, "SourceElement"), &src);
	err = ext_arg_uint(b, "CopyType", &ct) ?
	    ext_target_pool(c, b, src, ct, &pool) : -EINVAL;
	if (err != 0) {
		res.rc = errmap_rc(err);
		write_result(c, &res);
		return 0;
	}
	err = replica_create(c->rs, src, ext_arg_text(b, "ElementName"), pool,
	    (uint16_t)ct, &who, &res);
	if (err < 0)
		return err;
	if (ct != 4 || res.rc != REPLICA_RC_OK || res.target_id == 0 ||
	    !c->can_defer) {
		write_result(c, &res);
		return 0;
	}
	/* Not before the snapshot is durable: answered now only if it is. */
	c->defer_pair_src = src;
	c->defer_pair_tgt = res.target_id;
	if (op_extrinsic_deferred(c, false))
		c->defer_pair_src = c->defer_pair_tgt = 0;
	return 0;
}

/* Operation is Required and declared uint16: binding has checked both. */
static int
call_modify_sync(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	uint32_t src, tgt;
	uint64_t op = 0;
	int err;

	(void)o;
	(void)ext_arg_uint(b, "Operation", &op);
	(void)ext_resolve_pair(c, ext_arg_ref(b, "Synchronization"), &src,
	    &tgt);
	err = replica_modify(c->rs, (uint16_t)op, src, tgt, &who, &res);
	if (err < 0)
		return err;
	write_result(c, &res);
	return 0;
}

/*
 * UpdateDeltaSnapshotSpace (3PAR): recompute snapshot space.  The call
 * checks its arguments, asks for a new measurement of the named
 * snapshots' bases (off the loop: replica_snapshots_measure) and answers
 * 0 at once; the delta pools show the new figures when they land.
 */
static int
call_update_snapspace(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const struct ext_arg *a = ext_arg(b, "SnapshotVolume");
	const struct cim_value *v = a != NULL ? a->v : NULL;
	uint32_t id;
	size_t i;

	(void)o;
	for (i = 0; v != NULL && i < v->n; i++) {
		const struct rvolume *vol;

		if (v->refs[i] == NULL ||
		    ext_resolve_volume(c, v->refs[i], &id) != 0 ||
		    (vol = replica_volume_by_id(c->rs, id)) == NULL ||
		    !vol->is_snapshot) {
			ext_write_rc(c, RC_NO_SUCH_SNAPSHOT);
			return 0;
		}
	}
	for (i = 0; v != NULL && i < v->n; i++) {
		const struct rvolume *vol;

		if (ext_resolve_volume(c, v->refs[i], &id) == 0 &&
		    (vol = replica_volume_by_id(c->rs, id)) != NULL)
			replica_snapshots_measure(c->rs, vol->parent_id);
	}
	/* No snapshot named: every snapshot. */
	if (v == NULL)
		replica_snapshots_measure(c->rs, 0);
	ext_write_rc(c, REPLICA_RC_OK);
	return 0;
}

/* ----------------------------------------------------- job methods */

/*
 * The CIM_Error of a job that failed on its own, as 3PAR builds it
 * (SPEC.md §4.3): the odd CIMStatusCode 2 is documented and reproduced;
 * the real reason is in ProbableCauseDescription and the job's
 * ErrorDescription.  Allocated in c->arena; NULL when it is full.
 */
static struct cim_instance *
job_error_instance(struct op_ctx *c, const struct rjob *j)
{
	static const char failed[] = "Operation has failed";
	const char *why = j->error_desc[0] != '\0' ?
	    cim_arena_strdup(c->arena, j->error_desc) : NULL;
	const char **args = cim_arena_alloc(c->arena, sizeof(*args));
	const struct cim_prop props[] = {
		{ .name = "OwningEntity", .type = CIM_T_STRING,
		  .text = "SNIA" },
		{ .name = "MessageID", .type = CIM_T_STRING, .text = "DRM26" },
		{ .name = "Message", .type = CIM_T_STRING, .text = failed },
		{ .name = "MessageArguments", .type = CIM_T_STRING,
		  .is_array = true, .n = 1, .items = args },
		{ .name = "PerceivedSeverity", .type = CIM_T_UINT16,
		  .text = "2" },
		{ .name = "ProbableCause", .type = CIM_T_UINT16, .text = "8" },
		{ .name = "ProbableCauseDescription", .type = CIM_T_STRING,
		  .text = why, .is_null = why == NULL },
		{ .name = "CIMStatusCode", .type = CIM_T_UINT32, .text = "2" },
		{ .name = "CIMStatusCodeDescription", .type = CIM_T_STRING,
		  .text = "CIM_ERR_ACCESS_DENIED" },
	};
	struct cim_instance *in = cim_arena_alloc(c->arena, sizeof(*in));
	struct cim_prop *p = cim_arena_alloc(c->arena, sizeof(props));

	if (in == NULL || p == NULL || args == NULL ||
	    (j->error_desc[0] != '\0' && why == NULL))
		return NULL;
	args[0] = failed;
	memcpy(p, props, sizeof(props));
	in->classname = "CIM_Error";
	in->props = p;
	in->nprops = sizeof(props) / sizeof(props[0]);
	return in;
}

static int
call_get_error(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	/* The resolver found the job; no second lookup. */
	const struct rjob *j = o->job;
	struct cim_instance *in;
	char *text;

	(void)b;
	if (j == NULL)
		return -ENOENT;
	ext_write_rc(c, REPLICA_RC_OK);
	/* Running, successful and user-cancelled jobs have no error (NULL). */
	if (j->state != JOB_EXCEPTION)
		return 0;
	in = job_error_instance(c, j);
	text = in != NULL ? cimxml_instance_to_string(c->arena, in) : NULL;
	if (text == NULL) {
		/* Arena full: cimop.c answers CIM_ERR_FAILED, not a bare 0. */
		c->out->oom = true;
		return 0;
	}
	cim_buf_puts(c->out, "<PARAMVALUE NAME=\"Error\" PARAMTYPE=\"string\" "
	    "EmbeddedObject=\"instance\"><VALUE>");
	cim_buf_escape(c->out, text);
	cim_buf_puts(c->out, "</VALUE></PARAMVALUE>");
	return 0;
}

/* RequestedState is declared uint16, so binding has range-checked it. */
static int
call_request_state(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const char *to = ext_arg_text(b, "TimeoutPeriod");
	uint64_t state;
	uint32_t rc;
	int err;

	/* A zero interval asks for nothing; another timeout we cannot keep. */
	if (to != NULL && strncmp(to, "00000000000000.000000:000", 25) != 0) {
		ext_write_rc(c, RC_TIMEOUT_NOT_SUPPORTED);
		return 0;
	}
	if (!ext_arg_uint(b, "RequestedState", &state)) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	err = replica_job_request_state(c->rs, o->job_id, (uint16_t)state,
	    &rc);
	if (err < 0)
		return err;
	ext_write_rc(c, rc);
	return 0;
}

/* ----------------------------------------------------------- dispatch */

/*
 * The methods with a handler, by the class of object they are called on
 * and the class repository's spelling of their name.  A method the
 * repository declares for the class but this table lacks (KillJob,
 * GetErrors, CreateOrModifyStoragePool, ... and the pool methods on a
 * delta pool) answers 1, Not Supported, once its parameters are bound.
 */
struct ext_method {
	enum model_kind kind;
	const char *name;
	int (*fn)(struct op_ctx *c, const struct ext_args *b,
	    const struct model_obj *o);
};

static const struct ext_method methods[] = {
	{ OBJ_SERVICE, "AttachOrModifyReplica", call_attach },
	{ OBJ_SERVICE, "AttachReplica", call_attach },
	{ OBJ_SERVICE, "CreateReplica", call_create_replica },
	{ OBJ_SERVICE, "ModifySynchronization", call_modify_sync },
	{ OBJ_SERVICE, "UpdateDeltaSnapshotSpace", call_update_snapspace },
	{ OBJ_SERVICE, "CreateOrModifyElementFromStoragePool",
	  ext_call_create_or_modify },
	{ OBJ_SERVICE, "ReturnToStoragePool", ext_call_return_to_pool },
	{ OBJ_POOL, "GetSupportedSizeRange", ext_call_size_range },
	{ OBJ_POOL, "GetSupportedSizes", ext_call_sizes },
	{ OBJ_REPL_SERVICE, "CreateElementReplica",
	  ext_call_create_element_replica },
	{ OBJ_REPL_SERVICE, "ModifyReplicaSynchronization",
	  ext_call_modify_replica_sync },
	{ OBJ_RS_CAPS, "ConvertSyncTypeToReplicationType",
	  ext_call_convert_sync_type },
	{ OBJ_RS_CAPS, "GetSupportedOperations",
	  ext_call_supported_operations },
	{ OBJ_RS_CAPS, "GetSupportedWaitForCopyStates",
	  ext_call_supported_wait_states },
	{ OBJ_RS_CAPS, "GetSupportedCopyStates",
	  ext_call_supported_copy_states },
	{ OBJ_RS_CAPS, "GetSupportedFeatures", ext_call_supported_features },
	{ OBJ_RS_CAPS, "GetSupportedConsistency",
	  ext_call_supported_consistency },
	{ OBJ_JOB, "RequestStateChange", call_request_state },
	{ OBJ_JOB, "GetError", call_get_error },
};

/*
 * The method c->req names on object o: the client's name is matched once,
 * against the class repository (NULL: the class has no such method), and
 * *h is then the table's handler for the repository's spelling (NULL:
 * declared, not implemented).
 */
static const struct cim_class_method *
method_lookup(const struct op_ctx *c, const struct model_obj *o,
    const struct ext_method **h)
{
	const struct cim_class *cls = schema_class(o->classname);
	const struct cim_class_method *m = cls != NULL ?
	    schema_method(cls, c->req->method) : NULL;
	size_t i;

	*h = NULL;
	for (i = 0; m != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].kind == o->kind &&
		    strcmp(methods[i].name, m->name) == 0)
			*h = &methods[i];
	return m;
}

/* A call on a class path: none of our methods is static. */
static void
call_static(struct op_ctx *c)
{
	const struct cim_request *r = c->req;
	const struct cim_class *cls = r->target != NULL ?
	    schema_class(r->target->classname) : NULL;

	if (cls == NULL)
		op_error(c, CIM_ERR_NOT_FOUND, "no such class");
	else if (schema_method(cls, r->method) == NULL)
		op_error(c, CIM_ERR_METHOD_NOT_FOUND,
		    "%s has no method %s", cls->name, r->method);
	else
		op_error(c, CIM_ERR_NOT_SUPPORTED,
		    "%s is not a static method", r->method);
}

void
op_extrinsic(struct op_ctx *c)
{
	const struct cim_request *r = c->req;
	const struct cim_class_method *m;
	const struct ext_method *h;
	struct model_obj o;
	struct ext_args b;
	int err;

	/*
	 * Every method needs edit, checked before the target is known
	 * (CONTRACT.md §4 order), so it cannot depend on the method.
	 */
	if (c->role < OP_ROLE_EDIT) {
		op_error(c, CIM_ERR_ACCESS_DENIED,
		    "user %s (role %s) may not invoke methods", who_name(c),
		    op_role_name(c->role));
		return;
	}
	if (r->target == NULL || r->target->is_class) {
		call_static(c);
		return;
	}
	if (model_resolve(c, r->target, &o) != 0) {
		op_error(c, CIM_ERR_NOT_FOUND,
		    "%s: no such instance", r->target->classname);
		return;
	}
	m = method_lookup(c, &o, &h);
	if (m == NULL) {
		op_error(c, CIM_ERR_METHOD_NOT_FOUND,
		    "%s has no method %s", o.classname, r->method);
		return;
	}
	if (ext_bind(c, m, &b) != 0)
		return;
	if (h == NULL) {
		ext_write_rc(c, REPLICA_RC_NOT_SUPPORTED);
		return;
	}
	/* replica/ logs the store failures; cimop.c logs the status. */
	if ((err = h->fn(c, &b, &o)) < 0)
		op_errno(c, err, r->method);
}
