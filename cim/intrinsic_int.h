/* SPDX-License-Identifier: ISC */
/*
 * intrinsic_int.h - inside the intrinsic handlers (intrinsic*.c): the
 * checked IPARAMVALUEs of one call and the shared writers.
 */
#ifndef ARRAYD_CIM_INTRINSIC_INT_H
#define ARRAYD_CIM_INTRINSIC_INT_H

#include "cim/model.h"
#include "cim/plist.h"

enum {
	P_INSTANCENAME, P_CLASSNAME, P_LOCALONLY, P_DEEP, P_QUAL, P_ORIGIN,
	P_PLIST, P_OBJECTNAME, P_ASSOCCLASS, P_RESULTCLASS, P_ROLE,
	P_RESULTROLE, P_NEWINSTANCE, P_MODIFIEDINSTANCE, P__N
};

/* The checked IPARAMVALUEs of one intrinsic call. */
struct iargs {
	unsigned seen;			/* bit per P_ */
	const struct cim_path *inst;	/* InstanceName / ObjectName */
	const char *cls;		/* ClassName, or ObjectName class */
	bool objclass;			/* ObjectName was a CLASSNAME */
	const char *assoc, *result, *role, *rrole;
	int local_only, deep, qual, origin;	/* -1 = absent */
	bool has_plist;
	const char *const *plist;
	size_t nplist;
	struct plist pset;		/* plist as a set, when has_plist */
	/* NewInstance; ModifiedInstance (+ its INSTANCENAME in inst). */
	const struct cim_instance *newinst;
};

int intrinsic_write_instance(struct op_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in);
/* Drop what was written since `mark` and write CIM_ERR_FAILED. */
void intrinsic_fail(struct op_ctx *c, size_t mark, int rc);
/* Use `names` as the PropertyList (builds a->pset); -ENOMEM. */
int intrinsic_set_plist(struct op_ctx *c, struct iargs *a,
    const char *const *names, size_t n);
/* EnumerateInstances(Names), sliced (intrinsic_enum.c). */
void intrinsic_enumerate(struct op_ctx *c, struct iargs *a, bool names);
/*
 * A sliced answer (intrinsic_enum.c): list what it holds, then run it.
 * IFORM_NAMED writes VALUE.NAMEDINSTANCE / INSTANCENAME (enumerations),
 * IFORM_WITHPATH VALUE.OBJECTWITHPATH / OBJECTPATH (associations).
 */
enum intrinsic_form { IFORM_NAMED, IFORM_WITHPATH };
struct intrinsic_cont *intrinsic_cont_new(struct op_ctx *c, const struct iargs *a,
    enum intrinsic_form form, bool names);
/* Add object o (l: the link it was reached by, or NULL), or link l. */
int intrinsic_cont_add(struct op_ctx *c, struct intrinsic_cont *k,
    const struct model_class *mc, const struct model_obj *o,
    const struct model_link *l);
/* Write <IRETURNVALUE> and the first slice; c->cont if unfinished. */
void intrinsic_cont_run(struct op_ctx *c, struct intrinsic_cont *k);
void intrinsic_associators(struct op_ctx *c, struct iargs *a);
void intrinsic_associator_names(struct op_ctx *c, struct iargs *a);
void intrinsic_references(struct op_ctx *c, struct iargs *a);
void intrinsic_reference_names(struct op_ctx *c, struct iargs *a);
void intrinsic_get_class(struct op_ctx *c, struct iargs *a);
void intrinsic_enum_class_names(struct op_ctx *c, struct iargs *a);
void intrinsic_enum_classes(struct op_ctx *c, struct iargs *a);
/* Subscriptions (intrinsic_indic.c). */
void intrinsic_create_instance(struct op_ctx *c, struct iargs *a);
void intrinsic_modify_instance(struct op_ctx *c, struct iargs *a);
/* DeleteInstance of a filter, destination or subscription; false: the
 * class is none of those (the caller answers). */
bool intrinsic_indic_delete(struct op_ctx *c, struct iargs *a);

#endif /* ARRAYD_CIM_INTRINSIC_INT_H */
