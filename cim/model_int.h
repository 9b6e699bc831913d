/* SPDX-License-Identifier: ISC */
/*
 * model_int.h - inside the model (model*.c only): the instance and path
 * builders and the per-kind instance functions.
 */
#ifndef ARRAYD_CIM_MODEL_INT_H
#define ARRAYD_CIM_MODEL_INT_H

#include "cim/model.h"

/* Instance builder helpers (model_inst.c), all in c->arena. */
struct model_ib {
	struct op_ctx *c;
	struct cim_instance *in;
	size_t cap;
	bool oom;
};
void model_ib_init(struct model_ib *b, struct op_ctx *c, const char *cls,
    size_t cap);
void model_ib_str(struct model_ib *b, const char *name, const char *v);
void model_ib_u(struct model_ib *b, const char *name, enum cim_type t,
    uint64_t v);
void model_ib_bool(struct model_ib *b, const char *name, bool v);
void model_ib_null(struct model_ib *b, const char *name, enum cim_type t,
    bool is_array);
void model_ib_u16s(struct model_ib *b, const char *name, size_t n,
    const uint16_t *v);
void model_ib_strs(struct model_ib *b, const char *name, size_t n,
    const char *const *v);
void model_ib_time(struct model_ib *b, const char *name, int64_t usec);
void model_ib_interval(struct model_ib *b, const char *name, int64_t usec);
void model_ib_ref(struct model_ib *b, const char *name, const char *refclass,
    const struct cim_path *p);
void model_ib_embedded(struct model_ib *b, const char *name,
    const struct cim_instance *in);
struct cim_instance *model_ib_done(struct model_ib *b);

/* Path builder: a path of `cls` in `ns` with room for nkeys keys. */
struct cim_path *model_path_new(struct op_ctx *c, const char *cls,
    const char *ns, size_t nkeys);
void model_path_key(struct cim_path *p, const char *name, const char *v);
void model_path_keyref(struct cim_path *p, const char *name,
    struct cim_path *ref);

/* Instances of objects other than jobs (model_inst.c / model_job.c). */
struct cim_instance *model_job_instance(struct op_ctx *c, uint64_t job_id);
struct cim_instance *model_method_result_instance(struct op_ctx *c,
    uint64_t job_id);
struct cim_instance *model_interop_instance(struct op_ctx *c,
    const struct model_obj *o);
/* The volume's 32-hex-digit NAA 6 WWN, in c->arena. */
char *model_volume_wwn(struct op_ctx *c, uint32_t vol_id);
/* Current time for ElapsedTime, microseconds since the epoch. */
int64_t model_now_us(void);

#endif /* ARRAYD_CIM_MODEL_INT_H */
