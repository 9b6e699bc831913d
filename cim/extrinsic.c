/* SPDX-License-Identifier: ISC */
/*
 * extrinsic.c - extrinsic method calls (METHODCALL): the copy-services
 * methods of TPD_StorageConfigurationService and the job methods of
 * TPD_ConcreteJob.
 *
 * Validation follows CONTRACT.md §4 in its order: namespace (3, normally
 * already refused by cimop.c), role (2), target exists (6), method known
 * for the class (17), parameter syntax (unknown, duplicate, missing
 * required, unparsable, wrong type: 4), and only then the semantic
 * checks, which answer with a method return value inside a normal
 * METHODRESPONSE.  Parameters are typed from the class repository, so
 * untyped PARAMVALUEs (wbemcli, cimcli) work.  This file decides nothing
 * about replica states: replica/ does, and returns the value to send.
 * Everything built for the response lives in c->arena.
 *
 * CreateReplica CopyType 4 is synchronous on 3PAR: the snapshot exists
 * and is a point-in-time image when the call returns.  arrayd fills the
 * snapshot with a background copy, so when cimop.c can hold the answer
 * (c->can_defer) the call leaves the pair in c->defer_pair_src/tgt and
 * the answer (op_extrinsic_deferred) comes once the copy is durable.
 */
#include "cim/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimxml/cimxml.h"
#include "base/log.h"
#include "cim/schema.h"
#include "replica/replica.h"

/* Bound input parameters of one call: decl[i] is matched by val[i]. */
#define MAX_PARAMS 16

struct bound {
	const struct cim_class_method *m;
	size_t n;
	const struct cim_class_param *decl[MAX_PARAMS];
	const struct cim_param *val[MAX_PARAMS];
};

/* Return value of "not supported" (DMTF 1). */
#define RC_NOT_SUPPORTED 1u
/* UpdateDeltaSnapshotSpace: "Volume does not exist" (3PAR vendor code). */
#define RC_NO_SUCH_SNAPSHOT 32768u
/* RequestStateChange: Use of Timeout Parameter Not Supported. */
#define RC_TIMEOUT_NOT_SUPPORTED 4098u

static void
write_rc(struct op_ctx *c, uint32_t rc)
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

/*
 * An output reference parameter, always as an INSTANCEPATH with HOST.  A
 * path the arena could not hold marks the buffer out of memory, which
 * cimop.c turns into CIM_ERR_FAILED: an rc without its Job would strand
 * the client.
 */
static void
write_ref_param(struct op_ctx *c, const char *name, const struct cim_path *p)
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

/* ------------------------------------------------------ parameter typing */

static bool
paramtype_fits(enum cim_type sent, const struct cim_class_param *d)
{
	if (sent == CIM_T_NONE)
		return true;
	if (d->type == CIM_T_REFERENCE)
		return sent == CIM_T_REFERENCE;
	if (sent == CIM_T_REFERENCE)
		return false;
	if (cim_type_is_integer(d->type))
		return cim_type_is_integer(sent);
	if (d->type == CIM_T_STRING || d->type == CIM_T_CHAR16)
		return sent == CIM_T_STRING || sent == CIM_T_CHAR16 ||
		    sent == CIM_T_OBJECT || sent == CIM_T_INSTANCE;
	return sent == d->type;
}

/* Is one scalar text a valid value of the declared type? */
static bool
scalar_fits(const char *text, enum cim_type t)
{
	int64_t sv;
	uint64_t uv;
	bool b;

	if (text == NULL)
		return true;
	if (cim_type_is_integer(t))
		return cim_parse_int(text, t, &sv, &uv) == 0;
	if (t == CIM_T_BOOLEAN)
		return cim_parse_bool(text, &b) == 0;
	if (t == CIM_T_DATETIME)
		return cim_datetime_valid(text);
	return true;
}

/* Does the value's shape and text fit the declaration?  NULL fits. */
static bool
value_fits(const struct cim_value *v, const struct cim_class_param *d)
{
	size_t i;

	switch (v->kind) {
	case CIM_V_NULL:
		return true;
	case CIM_V_REF:
		return d->type == CIM_T_REFERENCE && !d->is_array;
	case CIM_V_REFARRAY:
		return d->type == CIM_T_REFERENCE && d->is_array;
	case CIM_V_SCALAR:
		/* An empty VALUE is no number: only strings may be "". */
		return d->type != CIM_T_REFERENCE && !d->is_array &&
		    scalar_fits(v->text != NULL ? v->text : "", d->type);
	case CIM_V_ARRAY:
		if (d->type == CIM_T_REFERENCE || !d->is_array)
			return false;
		for (i = 0; i < v->n; i++)
			if (!scalar_fits(v->items[i], d->type))
				return false;
		return true;
	case CIM_V_INSTANCE:
		/* An INSTANCE element for an EmbeddedInstance string (Goal). */
		return d->type == CIM_T_STRING && !d->is_array &&
		    d->q.embedded_instance != NULL;
	default:
		return false;
	}
}

/*
 * Bind one PARAMVALUE: it must be an input of the method, not given
 * before, and typed and shaped as declared.  Returns 0, or writes
 * ERROR 4 and returns -EINVAL.
 */
static int
bind_one(struct op_ctx *c, const struct cim_param *p, struct bound *b)
{
	const struct cim_class_param *d = schema_param(b->m, p->name);
	size_t j;

	if (d == NULL || (d->q.out && !d->q.in)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "%s is not an input parameter of %s", p->name, b->m->name);
		return -EINVAL;
	}
	for (j = 0; j < b->n; j++) {
		if (b->decl[j] == d) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "parameter %s given twice", d->name);
			return -EINVAL;
		}
	}
	if (!paramtype_fits(p->paramtype, d) ||
	    !value_fits(&p->value, d)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "parameter %s: not a valid %s%s", d->name,
		    d->type == CIM_T_REFERENCE ? "reference" :
		    cim_type_name(d->type), d->is_array ? " array" : "");
		return -EINVAL;
	}
	if (b->n == MAX_PARAMS) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "too many parameters");
		return -EINVAL;
	}
	b->decl[b->n] = d;
	b->val[b->n] = p;
	b->n++;
	return 0;
}

/*
 * Match the request's PARAMVALUEs to the method's declared parameters,
 * then check that every Required one has a value.  Returns 0, or writes
 * ERROR 4 and returns -EINVAL.
 */
static int
bind_params(struct op_ctx *c, const struct cim_class_method *m,
    struct bound *b)
{
	const struct cim_request *r = c->req;
	size_t i, j;

	memset(b, 0, sizeof(*b));
	b->m = m;
	for (i = 0; i < r->nparams; i++)
		if (bind_one(c, &r->params[i], b) != 0)
			return -EINVAL;
	for (i = 0; i < m->nparams; i++) {
		const struct cim_class_param *d = &m->params[i];

		if (!d->q.required)
			continue;
		for (j = 0; j < b->n; j++)
			if (b->decl[j] == d &&
			    b->val[j]->value.kind != CIM_V_NULL)
				break;
		if (j == b->n) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "required parameter %s is missing", d->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* The bound value of a parameter, NULL when absent or NULL. */
static const struct cim_value *
arg(const struct bound *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcasecmp(b->decl[i]->name, name) == 0)
			return b->val[i]->value.kind == CIM_V_NULL ? NULL :
			    &b->val[i]->value;
	return NULL;
}

/* An integer argument; *present false when absent.  Typing already passed. */
static uint64_t
arg_uint(const struct bound *b, const char *name, bool *present)
{
	const struct cim_value *v = arg(b, name);
	int64_t sv = 0;
	uint64_t uv = 0;

	*present = false;
	if (v == NULL || v->kind != CIM_V_SCALAR || v->text == NULL)
		return 0;
	if (cim_parse_int(v->text, CIM_T_UINT64, &sv, &uv) != 0)
		return 0;
	*present = true;
	return uv;
}

static const struct cim_path *
arg_ref(const struct bound *b, const char *name)
{
	const struct cim_value *v = arg(b, name);

	return v != NULL && v->kind == CIM_V_REF ? v->ref : NULL;
}

/* ------------------------------------------------------ reference lookup */

/*
 * A volume named by a reference.  Paths the daemon emitted resolve through
 * the model; hand-written ones (wbemcli users type
 * `TPD_StorageVolume.DeviceID="42",SystemName="S1"`) resolve by DeviceID
 * when the keys they do carry agree with ours.  Returns 0 and *id, or
 * -ENOENT.
 */
static int
resolve_volume(const struct op_ctx *c, const struct cim_path *p, uint32_t *id)
{
	const struct cim_keybinding *k;
	struct model_obj o;
	char *end;
	unsigned long v;

	*id = 0;
	if (p == NULL || p->is_class)
		return -ENOENT;
	if (model_resolve(c, p, &o) == 0)
		goto resolved;
	if (p->ns != NULL && strcasecmp(p->ns, MODEL_NS_TPD) != 0)
		return -ENOENT;
	if (!schema_isa(p->classname, "CIM_StorageVolume") &&
	    strcasecmp(p->classname, "CIM_ManagedElement") != 0 &&
	    strcasecmp(p->classname, "CIM_LogicalElement") != 0)
		return -ENOENT;
	k = cim_path_key(p, "SystemName");
	if (k != NULL && (k->value == NULL ||
	    strcmp(k->value, replica_system_name(c->rs)) != 0))
		return -ENOENT;
	k = cim_path_key(p, "CreationClassName");
	if (k != NULL && (k->value == NULL ||
	    !schema_isa(k->value, "CIM_StorageVolume")))
		return -ENOENT;
	k = cim_path_key(p, "SystemCreationClassName");
	if (k != NULL && (k->value == NULL ||
	    !schema_isa(k->value, "CIM_System")))
		return -ENOENT;
	k = cim_path_key(p, "DeviceID");
	/* Digits only: strtoul alone would take " 42", "+42" and "-1". */
	if (k == NULL || k->kind == CIM_KEY_REF || k->value == NULL ||
	    k->value[0] < '0' || k->value[0] > '9')
		return -ENOENT;
	errno = 0;
	v = strtoul(k->value, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX ||
	    replica_volume_by_id(c->rs, (uint32_t)v) == NULL)
		return -ENOENT;
	*id = (uint32_t)v;
	return 0;
resolved:
	if (o.kind != OBJ_VOLUME)
		return -ENOENT;
	*id = o.vol_id;
	return 0;
}

/*
 * The two volumes a StorageSynchronized reference names.  Whether a pair
 * joins them is replica/'s question (no pair: return value 4).
 */
static int
resolve_pair(const struct op_ctx *c, const struct cim_path *p,
    uint32_t *src, uint32_t *tgt)
{
	const struct cim_keybinding *se, *sy;
	struct model_obj o;

	*src = *tgt = 0;
	if (p == NULL || p->is_class)
		return -ENOENT;
	if (model_resolve(c, p, &o) == 0 && o.kind == OBJ_PAIR) {
		*src = o.src_id;
		*tgt = o.tgt_id;
		return 0;
	}
	if (!schema_isa(p->classname, "CIM_Synchronized"))
		return -ENOENT;
	se = cim_path_key(p, "SystemElement");
	sy = cim_path_key(p, "SyncedElement");
	if (se == NULL || sy == NULL || se->kind != CIM_KEY_REF ||
	    sy->kind != CIM_KEY_REF)
		return -ENOENT;
	if (resolve_volume(c, se->ref, src) != 0 ||
	    resolve_volume(c, sy->ref, tgt) != 0)
		return -ENOENT;
	return 0;
}

/* ------------------------------------------------- service methods */

static void
write_result(struct op_ctx *c, const struct replica_result *res)
{
	write_rc(c, res->rc);
	if (res->job_id != 0)
		write_ref_param(c, "Job", model_job_path(c, res->job_id));
	if (res->target_id != 0)
		write_ref_param(c, "TargetElement",
		    model_volume_path(c, res->target_id));
}

static void
log_result(const struct op_ctx *c, const char *what,
    const struct replica_result *res)
{
	if (res->job_id != 0)
		log_info("%s by %s: %u (job %llu)", what, who_name(c),
		    res->rc, (unsigned long long)res->job_id);
	else
		log_info("%s by %s: %u", what, who_name(c), res->rc);
}

static void
fail_internal(struct op_ctx *c, const char *what, int err)
{
	log_warn_err(err, "%s", what);
	op_error(c, CIM_ERR_FAILED, "%s: %s", what,
	    strerror(-err));
}

/* AttachOrModifyReplica and AttachReplica: a PC onto an existing volume. */
static void
call_attach(struct op_ctx *c, const struct bound *b)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	uint32_t src, tgt;
	bool has_ct;
	uint64_t ct = arg_uint(b, "CopyType", &has_ct);
	int err;

	(void)resolve_volume(c, arg_ref(b, "SourceElement"), &src);
	(void)resolve_volume(c, arg_ref(b, "TargetElement"), &tgt);
	/* Remote mirrors only: a pipe means this is not a local copy. */
	if (!has_ct || ct > UINT16_MAX || arg(b, "ReplicationPipe") != NULL) {
		res.rc = REPLICA_RC_INVALID;
		write_result(c, &res);
		return;
	}
	err = replica_attach(c->rs, src, tgt, (uint16_t)ct, &who, &res);
	if (err < 0) {
		fail_internal(c, c->req->method, err);
		return;
	}
	log_result(c, c->req->method, &res);
	write_result(c, &res);
}

/*
 * TargetPool of CreateReplica.  A configured pool is handed to replica/,
 * which knows that a snapshot (CopyType 4) must stay in its source's pool
 * and orders that check after "source missing" (4).  The source's own
 * delta pool means the default for a snapshot.  Returns 0 and the pool
 * name (NULL = default), or -EINVAL for anything else: a pool of another
 * system, no pool at all, another volume's delta pool (return value 5).
 */
static int
target_pool(struct op_ctx *c, const struct bound *b, uint32_t src,
    uint64_t ct, const char **pool)
{
	const struct cim_path *p = arg_ref(b, "TargetPool");
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
		return true;
	}
	log_warnx("%s by %s: snapshot %u of volume %u %s: answering %u",
	    c->req->method, who_name(c), c->defer_pair_tgt,
	    c->defer_pair_src, p == NULL ? "is gone" :
	    p->sync_state == SYNC_BROKEN ? "could not be filled (Broken)" :
	    snapshot_copying(c->rs, p->src_id, p->tgt_id) ?
	    "is still being copied" : sync_state_name(p->sync_state),
	    REPLICA_RC_FAILED);
	write_rc(c, REPLICA_RC_FAILED);
	return true;
}

static void
call_create_replica(struct op_ctx *c, const struct bound *b)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	const struct cim_value *name = arg(b, "ElementName");
	const char *pool;
	uint32_t src;
	bool has_ct;
	uint64_t ct = arg_uint(b, "CopyType", &has_ct);
	int err;

	(void)resolve_volume(c, arg_ref(b, "SourceElement"), &src);
	if (!has_ct || ct > UINT16_MAX || target_pool(c, b, src, ct, &pool)) {
		res.rc = REPLICA_RC_INVALID;
		write_result(c, &res);
		return;
	}
	err = replica_create(c->rs, src, name != NULL ? name->text : NULL, pool,
	    (uint16_t)ct, &who, &res);
	if (err < 0) {
		fail_internal(c, c->req->method, err);
		return;
	}
	log_result(c, c->req->method, &res);
	if (ct != 4 || res.rc != REPLICA_RC_OK || res.target_id == 0 ||
	    !c->can_defer) {
		write_result(c, &res);
		return;
	}
	/* Not before the snapshot is durable: answered now only if it is. */
	c->defer_pair_src = src;
	c->defer_pair_tgt = res.target_id;
	if (op_extrinsic_deferred(c, false))
		c->defer_pair_src = c->defer_pair_tgt = 0;
}

static void
call_modify_sync(struct op_ctx *c, const struct bound *b)
{
	struct replica_caller who = { c->user, c->req->method };
	struct replica_result res = { 0 };
	uint32_t src, tgt;
	bool has_op;
	uint64_t op = arg_uint(b, "Operation", &has_op);
	int err;

	(void)resolve_pair(c, arg_ref(b, "Synchronization"), &src, &tgt);
	if (op > UINT16_MAX) {
		res.rc = REPLICA_RC_INVALID;
		write_result(c, &res);
		return;
	}
	err = replica_modify(c->rs, (uint16_t)op, src, tgt, &who, &res);
	if (err < 0) {
		fail_internal(c, c->req->method, err);
		return;
	}
	log_result(c, c->req->method, &res);
	write_result(c, &res);
}

/*
 * UpdateDeltaSnapshotSpace (3PAR): recompute snapshot space.  A sparse
 * file's allocation is always current, so there is nothing to wait for:
 * the call checks its arguments and completes synchronously (0).
 */
static void
call_update_snapspace(struct op_ctx *c, const struct bound *b)
{
	const struct cim_value *v = arg(b, "SnapshotVolume");
	uint32_t id;
	size_t i;

	for (i = 0; v != NULL && i < v->n; i++) {
		const struct rvolume *vol;

		if (v->refs[i] == NULL ||
		    resolve_volume(c, v->refs[i], &id) != 0 ||
		    (vol = replica_volume_by_id(c->rs, id)) == NULL ||
		    !vol->is_snapshot) {
			write_rc(c, RC_NO_SUCH_SNAPSHOT);
			return;
		}
	}
	write_rc(c, REPLICA_RC_OK);
}

static void
call_service(struct op_ctx *c, const struct bound *b)
{
	const char *m = b->m->name;

	if (strcasecmp(m, "AttachOrModifyReplica") == 0 ||
	    strcasecmp(m, "AttachReplica") == 0)
		call_attach(c, b);
	else if (strcasecmp(m, "CreateReplica") == 0)
		call_create_replica(c, b);
	else if (strcasecmp(m, "ModifySynchronization") == 0)
		call_modify_sync(c, b);
	else if (strcasecmp(m, "UpdateDeltaSnapshotSpace") == 0)
		call_update_snapspace(c, b);
	else
		write_rc(c, RC_NOT_SUPPORTED);
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

static void
call_get_error(struct op_ctx *c, const struct rjob *j)
{
	struct cim_instance *in;
	char *text;

	write_rc(c, REPLICA_RC_OK);
	/* Running, successful and user-cancelled jobs have no error (NULL). */
	if (j->state != JOB_EXCEPTION)
		return;
	in = job_error_instance(c, j);
	text = in != NULL ? cimxml_instance_to_string(c->arena, in) : NULL;
	if (text == NULL) {
		/* Arena full: cimop.c answers CIM_ERR_FAILED, not a bare 0. */
		c->out->oom = true;
		return;
	}
	cim_buf_puts(c->out, "<PARAMVALUE NAME=\"Error\" PARAMTYPE=\"string\" "
	    "EmbeddedObject=\"instance\"><VALUE>");
	cim_buf_escape(c->out, text);
	cim_buf_puts(c->out, "</VALUE></PARAMVALUE>");
}

static void
call_request_state(struct op_ctx *c, const struct bound *b, uint64_t job)
{
	const struct cim_value *to = arg(b, "TimeoutPeriod");
	bool has_state;
	uint64_t state = arg_uint(b, "RequestedState", &has_state);
	uint32_t rc;
	int err;

	/* A zero interval asks for nothing; another timeout we cannot keep. */
	if (to != NULL && to->kind == CIM_V_SCALAR &&
	    strncmp(to->text, "00000000000000.000000:000", 25) != 0) {
		write_rc(c, RC_TIMEOUT_NOT_SUPPORTED);
		return;
	}
	if (!has_state || state > UINT16_MAX) {
		write_rc(c, REPLICA_RC_INVALID);
		return;
	}
	err = replica_job_request_state(c->rs, job, (uint16_t)state, &rc);
	if (err < 0) {
		fail_internal(c, "RequestStateChange", err);
		return;
	}
	log_info("job %llu: RequestStateChange(%llu) by %s: %u",
	    (unsigned long long)job, (unsigned long long)state, who_name(c),
	    rc);
	write_rc(c, rc);
}

static void
call_job(struct op_ctx *c, const struct bound *b, uint64_t job_id)
{
	const struct rjob *j = replica_job_by_id(c->rs, job_id);
	const char *m = b->m->name;

	if (j == NULL) {
		op_error(c, CIM_ERR_NOT_FOUND,
		    "job %llu does not exist", (unsigned long long)job_id);
		return;
	}
	if (strcasecmp(m, "RequestStateChange") == 0)
		call_request_state(c, b, job_id);
	else if (strcasecmp(m, "GetError") == 0)
		call_get_error(c, j);
	else
		write_rc(c, RC_NOT_SUPPORTED);	/* KillJob: deprecated */
}

/* ----------------------------------------------------------- dispatch */

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
	const struct cim_class *cls;
	const struct cim_class_method *m;
	struct model_obj o;
	struct bound b;

	if (c->ns == NULL) {
		op_error(c, CIM_ERR_INVALID_NAMESPACE,
		    "namespace %s does not exist", r->ns != NULL ? r->ns : "");
		return;
	}
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
	cls = schema_class(o.classname);
	m = cls != NULL ? schema_method(cls, r->method) : NULL;
	if (m == NULL) {
		op_error(c, CIM_ERR_METHOD_NOT_FOUND,
		    "%s has no method %s", o.classname, r->method);
		return;
	}
	if (bind_params(c, m, &b) != 0)
		return;
	if (o.kind == OBJ_SERVICE)
		call_service(c, &b);
	else if (o.kind == OBJ_JOB)
		call_job(c, &b, o.job_id);
	else
		write_rc(c, RC_NOT_SUPPORTED);
}
