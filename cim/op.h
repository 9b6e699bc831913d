/* SPDX-License-Identifier: ISC */
/*
 * op.h - the CIM operation handlers' entry points and the context they
 * share, one per request.
 *
 * cimop.c checks the HTTP/CIM protocol headers, parses the body with
 * cimxml/, checks the namespace, and calls op_intrinsic() or
 * op_extrinsic() with a struct op_ctx.  The handlers map the request onto
 * the model (model.h) and replica/, and write the answer.
 */
#ifndef ARRAYD_CIM_OP_H
#define ARRAYD_CIM_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"

/* What an authenticated user may do (CONTRACT.md §2): read, or also change. */
enum op_role { OP_ROLE_NONE = 0, OP_ROLE_BROWSE = 1, OP_ROLE_EDIT = 2 };
/* "none", "browse", "edit". */
const char *op_role_name(enum op_role r);

struct conf;
struct replica_set;
struct indic;

/* Everything a handler needs for one request; lives for that request. */
struct op_ctx {
	const struct conf *conf;
	struct replica_set *rs;
	/* Indication subscriptions (indic/); NULL when indications are off. */
	struct indic *ix;
	/* cimop_server.indic_changed: a delivery may have to stop. */
	void (*indic_changed)(void *arg);
	void *indic_changed_arg;
	const char *host;		/* HOST of emitted INSTANCEPATHs */
	const char *user;		/* authenticated user */
	enum op_role role;
	struct cim_arena *arena;	/* everything built for the request */
	const struct cim_request *req;
	const char *ns;			/* canonical: MODEL_NS_TPD or MODEL_NS_INTEROP */
	struct cim_buf *out;		/* the response body being written */
	/*
	 * The CIM status of the answer, recorded by op_error() where the
	 * handler decides it (0: no ERROR written); never read back from
	 * the output.
	 */
	unsigned status;
	/*
	 * Deferred answers.  cimop.c sets can_defer when it can hold the
	 * answer.  CreateReplica CopyType 4 then leaves the new pair in
	 * defer_pair_src/tgt and writes nothing while the snapshot's
	 * background copy runs: "answer me when this pair is durable".
	 * cimop.c calls op_extrinsic_deferred() after each change of the pair.
	 */
	bool can_defer;
	uint32_t defer_pair_src, defer_pair_tgt;
	/*
	 * A method that started a physical copy on a point-in-time pool
	 * (CONTRACT.md §6) writes its whole answer (4096 + Job) at once and
	 * leaves the job in defer_job while the copy's image is being
	 * taken: cimop.c holds that answer until the image is durable
	 * (op_job_image_pending() turns false).  Set only with can_defer.
	 */
	uint64_t defer_job;
	/*
	 * Sliced answers.  cimop.c sets slice_until (a
	 * CLOCK_MONOTONIC time in microseconds, 0 = no bound) when it can
	 * hold the request.  An enumeration or association operation still
	 * writing when that time passes stops after the object in hand and
	 * leaves its state in `cont`; cimop.c then calls
	 * op_intrinsic_resume() on later loop turns, with a fresh
	 * slice_until and the same out, arena and req, until cont is NULL.
	 */
	int64_t slice_until;
	struct intrinsic_cont *cont;
};

/*
 * Write ERROR `code` with a printf-style description to c->out and record
 * it as the answer's status (c->status).  Every handler error goes
 * through here.
 */
void op_error(struct op_ctx *c, enum cim_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * op_error() for a -errno a handler got back: the status from ERRMAP_MAP
 * (errmap.h), the description "<what>: <the table's text>".
 */
void op_errno(struct op_ctx *c, int err, const char *what);

/*
 * Write the content of the IMETHODRESPONSE / METHODRESPONSE element for
 * c->req: IRETURNVALUE, or RETURNVALUE + PARAMVALUEs, or one ERROR.  The
 * envelope, including the (I)METHODRESPONSE start and end tags, is
 * cimop.c's (cimxml_begin_response / cimxml_end_response).  Access checks
 * (role) for methods and DeleteInstance are done here, in the contract's
 * order.
 */
void op_intrinsic(struct op_ctx *c);
void op_extrinsic(struct op_ctx *c);
/* Write the next slice of the answer c->cont stands for (see above). */
void op_intrinsic_resume(struct op_ctx *c);
/*
 * The content of the METHODRESPONSE of a deferred snapshot (CreateReplica
 * CopyType 4, CreateElementReplica SyncType 7) for the pair
 * c->defer_pair_src/tgt.  While the snapshot is still being filled
 * (Initialized or ResyncInProgress) it writes nothing and returns false,
 * unless `give_up`.  Else it returns true having written RETURNVALUE 0 +
 * TargetElement (+ Synchronization for CreateElementReplica) once the
 * snapshot is durable (Idle, or already restoring from it), or
 * RETURNVALUE 4 (copy failed: Broken, pair gone, or still copying when
 * cimop.c gives up), logged with the reason.
 */
bool op_extrinsic_deferred(struct op_ctx *c, bool give_up);
/*
 * Must the answer of a method that started job `job_id` still wait for
 * the job's point-in-time image?  False once the image is durable, was
 * refused (the copy reads a live source) or failed (the job says why),
 * and for an unknown or finished job.
 */
bool op_job_image_pending(const struct replica_set *rs, uint64_t job_id);
/*
 * In practice (cimxml.h): cimxml_begin_response/cimxml_end_response write
 * the (I)METHODRESPONSE start and end tags, so op_intrinsic and
 * op_extrinsic write only what goes between them (ERROR, IRETURNVALUE,
 * RETURNVALUE, PARAMVALUE; nothing for a void operation).
 */

#endif /* ARRAYD_CIM_OP_H */
