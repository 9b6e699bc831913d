/* SPDX-License-Identifier: ISC */
/*
 * extrinsic_int.h - inside the extrinsic handlers (extrinsic*.c): the
 * input parameters of one method call, bound to their declarations and
 * parsed once (extrinsic_bind.c), and the accessors handlers read them
 * with.
 */
#ifndef ARRAYD_CIM_EXTRINSIC_INT_H
#define ARRAYD_CIM_EXTRINSIC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim/op.h"

/* No method of ours declares more input parameters. */
#define EXT_MAX_PARAMS 16

/* How a bound value was parsed; scalars of other types stay text. */
enum ext_vkind {
	EXT_V_NULL,		/* sent as NULL */
	EXT_V_UINT,		/* unsigned integer scalar: u */
	EXT_V_SINT,		/* signed integer scalar: i */
	EXT_V_BOOL,		/* boolean scalar: b */
	EXT_V_TEXT,		/* string, char16, datetime scalar: text */
	EXT_V_REF,		/* one reference: ref */
	EXT_V_OTHER,		/* arrays, reference arrays, an INSTANCE: v */
};

/*
 * One bound input parameter: its declaration, the value as sent (borrowed
 * from the request, lives in the request's arena) and, for scalars, the
 * typed value checked against the declared type when it was bound.
 */
struct ext_arg {
	const struct cim_class_param *decl;
	const struct cim_value *v;
	enum ext_vkind kind;
	union {
		uint64_t u;
		int64_t i;
		bool b;
		const char *text;
		const struct cim_path *ref;
	};
};

/* The bound input parameters of one call, in the order sent. */
struct ext_args {
	const struct cim_class_method *m;
	size_t n;
	struct ext_arg arg[EXT_MAX_PARAMS];
};

/*
 * Bind c->req's PARAMVALUEs to method m's declared inputs: each one an
 * input of m, given once, typed and shaped as declared; then every
 * Required one present and not NULL.  Returns 0, or writes ERROR
 * CIM_ERR_INVALID_PARAMETER and returns -EINVAL.
 */
int ext_bind(struct op_ctx *c, const struct cim_class_method *m,
    struct ext_args *b);
/* Parameter `name` as bound; NULL when absent or sent as NULL. */
const struct ext_arg *ext_arg(const struct ext_args *b, const char *name);
/* An unsigned integer parameter: true and *out, or false when absent. */
bool ext_arg_uint(const struct ext_args *b, const char *name, uint64_t *out);
/* A string (or datetime) parameter; NULL when absent. */
const char *ext_arg_text(const struct ext_args *b, const char *name);
/* A reference parameter; NULL when absent. */
const struct cim_path *ext_arg_ref(const struct ext_args *b,
    const char *name);

/* The RETURNVALUE of a method, a uint32. */
void ext_write_rc(struct op_ctx *c, uint32_t rc);
/*
 * An output reference parameter, always as an INSTANCEPATH with HOST.  A
 * NULL path (the arena could not hold it) marks the buffer out of memory,
 * which cimop.c turns into CIM_ERR_FAILED: an rc without its out
 * parameter would strand the client.
 */
void ext_write_ref(struct op_ctx *c, const char *name,
    const struct cim_path *p);
/*
 * The Job out parameter of a method that started a copy.  When the copy's
 * point-in-time image is still being taken and cimop.c can hold the
 * answer, the whole answer waits for it (op_ctx.defer_job): no client
 * hears 4096 before the instant its copy shows exists.
 */
void ext_write_job(struct op_ctx *c, uint64_t job_id);
/* A volume named by a reference argument (lenient: model.h); 0 or -ENOENT. */
int ext_resolve_volume(const struct op_ctx *c, const struct cim_path *p,
    uint32_t *id);

/*
 * The two volumes a StorageSynchronized reference names (lenient, as a
 * client built it): 0, or -ENOENT with both 0.  Whether a pair joins them
 * is replica/'s question (no pair: return value 4).
 */
int ext_resolve_pair(const struct op_ctx *c, const struct cim_path *p,
    uint32_t *src, uint32_t *tgt);
/*
 * TargetPool of CreateReplica (CopyType ct) for source `src`.  A
 * configured pool is handed to replica/, which knows that a snapshot
 * (CopyType 4) must stay in its source's pool and orders that check after
 * "source missing" (4).  The source's own delta pool means the default
 * for a snapshot.  Returns 0 and the pool name (NULL = default), or
 * -EINVAL for anything else: a pool of another system, no pool at all,
 * another volume's delta pool (return value 5).
 */
int ext_target_pool(struct op_ctx *c, const struct ext_args *b, uint32_t src,
    uint64_t ct, const char **pool);

/* Replication Services handlers (extrinsic_repl.c), in the method table. */
struct model_obj;
int ext_call_create_element_replica(struct op_ctx *c,
    const struct ext_args *b, const struct model_obj *o);
int ext_call_modify_replica_sync(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);

/* Block Services handlers (extrinsic_block.c), in the method table. */
int ext_call_create_or_modify(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_return_to_pool(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_size_range(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_sizes(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);

/*
 * Replication Services capabilities handlers (extrinsic_rscaps.c), in the
 * method table.
 */
int ext_call_convert_sync_type(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_supported_operations(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_supported_wait_states(struct op_ctx *c,
    const struct ext_args *b, const struct model_obj *o);
int ext_call_supported_copy_states(struct op_ctx *c,
    const struct ext_args *b, const struct model_obj *o);
int ext_call_supported_features(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o);
int ext_call_supported_consistency(struct op_ctx *c,
    const struct ext_args *b, const struct model_obj *o);

#endif /* ARRAYD_CIM_EXTRINSIC_INT_H */
