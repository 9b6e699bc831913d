/* SPDX-License-Identifier: ISC */
/*
 * indication_int.h - inside cim/indication*.c: which indication a replica
 * change is (decided before anything is built), the indication as built
 * once per event, and how a filter sees it (struct query_env).
 */
#ifndef ARRAYD_CIM_INDICATION_INT_H
#define ARRAYD_CIM_INDICATION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim/indication.h"
#include "cim/op.h"
#include "query/query.h"

/* The indication classes arrayd sends, as small numbers. */
enum cim_ind_class {
	CIM_IND_CREATION,		/* CIM_InstCreation (jobs) */
	CIM_IND_MODIFICATION,		/* CIM_InstModification (pairs) */
	CIM_IND_JOB_MOD,		/* TPD_ConcreteJobInstModification */
	CIM_IND_VOL_CREATION,		/* TPD_StorageVolumeInstCreation */
	CIM_IND_VOL_DELETION,		/* TPD_StorageVolumeInstDeletion */
	CIM_IND_VOL_MOD,		/* TPD_StorageVolumeInstModification */
	CIM_IND__COUNT
};
extern const char *const cim_ind__class_names[CIM_IND__COUNT];

/* What a change is, before anything is built (indication_build.c). */
struct cim_ind_kind {
	const char *classname;		/* indication class; NULL: none */
	enum cim_ind_class cls;		/* the same, as a number */
	bool progress_only;		/* a job's PercentComplete alone moved */
};
void cim_ind__classify(const struct replica_event *ev,
    struct cim_ind_kind *out);

/* One indication, built once per event in an arena. */
struct cim_ind_msg {
	const char *classname;
	struct cim_arena *arena;	/* where everything below lives */
	const struct cim_instance *ind;	/* the indication (no per-subscription
					 * properties) */
	const struct cim_instance *src;	/* SourceInstance */
	const struct cim_instance *prev; /* PreviousInstance, NULL if none */
	const char *xml;		/* ind's properties written once */
	size_t xml_len;
};

/* What to build: the change, and which record stands for "before". */
struct cim_ind_input {
	const struct replica_event *ev;
	/* Jobs: the state the listener saw last (NULL: ev's before). */
	const struct rjob *job_prev;
	const char *identifier;		/* IndicationIdentifier */
	int64_t time_us;		/* IndicationTime */
	const char *host;		/* SourceInstanceHost */
};

/*
 * Build the indication of `in` (classified as `k`) into *out, everything
 * in c->arena.  0, -ENOENT (the model shows no such instance: a hidden
 * job) or -ENOMEM.
 */
int cim_ind__build(struct op_ctx *c, const struct cim_ind_kind *k,
    const struct cim_ind_input *in, struct cim_ind_msg *out);

/*
 * The ExportIndication request of m for one subscription, in a malloc'ed
 * *body (caller frees).  0 or -ENOMEM.
 */
int cim_ind__export(const struct cim_ind_msg *m, const char *filter_name,
    const char *seq_context, uint64_t seq_no, char **body, size_t *len);

/* A filter's view of m (arg: m). */
extern const struct query_env cim_ind__env_proto;
/* Is class `name` `super` or derived from it (repository or model)? */
bool cim_ind__class_isa(const char *name, const char *super);

#endif /* ARRAYD_CIM_INDICATION_INT_H */
