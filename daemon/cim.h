/* SPDX-License-Identifier: ISC */
/*
 * cim.h - what CIM operation handlers share inside daemon/.
 *
 * cimop.c checks the HTTP/CIM protocol headers, parses the body with
 * cimxml/, checks the namespace, and calls cim_intrinsic() or
 * cim_extrinsic() with a struct cim_ctx.  model.c maps the array's state
 * (conf + replica_set) to CIM objects: it resolves object paths to objects
 * and builds paths and instances for them.  This is the one place where
 * CIM names meet replica/ and conf/ data.
 */
#ifndef ARRAYD_CIM_H
#define ARRAYD_CIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"
#include "daemon/auth.h"

struct conf;
struct replica_set;

#define CIM_NS_TPD	"root/tpd"
#define CIM_NS_INTEROP	"interop"	/* "root/interop" is an alias */

/* Everything a handler needs for one request; lives for that request. */
struct cim_ctx {
	const struct conf *conf;
	struct replica_set *rs;
	const char *host;		/* HOST of emitted INSTANCEPATHs */
	const char *user;		/* authenticated user */
	enum auth_role role;
	struct cim_arena *arena;	/* everything built for the request */
	const struct cim_request *req;
	const char *ns;			/* canonical: CIM_NS_TPD or CIM_NS_INTEROP */
	struct cim_buf *out;		/* the response body being written */
	/*
	 * Deferred answers (addition).  cimop.c sets can_defer when it can
	 * hold the answer.  CreateReplica CopyType 4 then leaves the new pair
	 * in defer_pair_src/tgt and writes nothing while the snapshot's
	 * background copy runs; cimop.c answers once the pair has left
	 * ResyncInProgress, with cim_extrinsic_deferred().
	 */
	bool can_defer;
	uint32_t defer_pair_src, defer_pair_tgt;
	/*
	 * Sliced answers (addition, issue 8).  cimop.c sets slice_until (a
	 * CLOCK_MONOTONIC time in microseconds, 0 = no bound) when it can
	 * hold the request.  An enumeration or association operation still
	 * writing when that time passes stops after the object in hand and
	 * leaves its state in `cont`; cimop.c then calls
	 * cim_intrinsic_resume() on later loop turns, with a fresh
	 * slice_until and the same out, arena and req, until cont is NULL.
	 */
	int64_t slice_until;
	struct cim_cont *cont;
};

/*
 * Write the content of the IMETHODRESPONSE / METHODRESPONSE element for
 * c->req: IRETURNVALUE, or RETURNVALUE + PARAMVALUEs, or one ERROR.  The
 * envelope, including the (I)METHODRESPONSE start and end tags, is
 * cimop.c's (cimxml_begin_response / cimxml_end_response).  Access checks
 * (role) for methods and DeleteInstance are done here, in the contract's
 * order.
 */
void cim_intrinsic(struct cim_ctx *c);
void cim_extrinsic(struct cim_ctx *c);
/* Write the next slice of the answer c->cont stands for (see above). */
void cim_intrinsic_resume(struct cim_ctx *c);
/*
 * Is the snapshot pair (src, tgt) still being filled (Initialized or
 * ResyncInProgress)?  Then a deferred CreateReplica keeps waiting.
 */
bool cim_snapshot_copying(const struct replica_set *rs, uint32_t src,
    uint32_t tgt);
/*
 * The content of the METHODRESPONSE of a deferred CreateReplica for the
 * pair c->defer_pair_src/tgt: RETURNVALUE 0 + TargetElement once the
 * snapshot is durable (Idle, or already restoring from it), else
 * RETURNVALUE 4 (copy failed: Broken, pair gone, or still copying when
 * cimop.c gives up), logged with the reason.
 */
void cim_extrinsic_deferred(struct cim_ctx *c);
/*
 * In practice (cimxml.h): cimxml_begin_response/cimxml_end_response write
 * the (I)METHODRESPONSE start and end tags, so cim_intrinsic and
 * cim_extrinsic write only what goes between them (ERROR, IRETURNVALUE,
 * RETURNVALUE, PARAMVALUE; nothing for a void operation).
 */

/* ------------------------------------------------------------------ model */

enum cim_obj_kind {
	OBJ_NONE = 0,
	OBJ_SYSTEM,		/* TPD_StorageSystem */
	OBJ_POOL,		/* TPD_StoragePool (configured pool) */
	OBJ_DELTA_POOL,		/* TPD_DeltaReplicaStoragePool of a base volume */
	OBJ_VOLUME,		/* TPD_StorageVolume */
	OBJ_SERVICE,		/* TPD_StorageConfigurationService */
	OBJ_REPL_CAPS,		/* TPD_StorageReplicationCapabilities */
	OBJ_CONF_CAPS,		/* TPD_StorageConfigurationCapabilities */
	OBJ_JOB,		/* TPD_ConcreteJob */
	OBJ_METHOD_RESULT,	/* TPD_MethodResult */
	OBJ_PAIR,		/* TPD_StorageSynchronized */
	OBJ_NAMESPACE,		/* CIM_Namespace (interop) */
	OBJ_OBJECT_MANAGER,	/* CIM_ObjectManager (interop) */
	OBJ_PROFILE,		/* CIM_RegisteredProfile (interop) */
	OBJ_ASSOC,		/* any other association instance */
};

/* A resolved object: which kind, and the ids that name it. */
struct cim_obj {
	enum cim_obj_kind kind;
	const char *classname;		/* canonical class of the instance */
	uint32_t vol_id;		/* VOLUME, DELTA_POOL (its base volume) */
	uint32_t src_id, tgt_id;	/* PAIR */
	uint64_t job_id;		/* JOB, METHOD_RESULT */
	const char *name;		/* POOL name, NAMESPACE name, PROFILE id,
					 * capabilities id */
};

/*
 * Resolve a path (any wire form, any key order/case) in namespace `ns`
 * (the path's own namespace wins when it has one) to an existing object.
 * Returns 0, -ENOENT (well formed, no such object), or -EINVAL (keys
 * missing/extra, unknown class for the namespace).  Superclass names
 * (CIM_StorageVolume ...) resolve to the TPD_ instance.
 */
int model_resolve(const struct cim_ctx *c, const struct cim_path *p,
    struct cim_obj *out);

/* Canonical paths (no host, namespace set), allocated in c->arena. */
struct cim_path *model_path(struct cim_ctx *c, const struct cim_obj *o);
struct cim_path *model_volume_path(struct cim_ctx *c, uint32_t vol_id);
struct cim_path *model_job_path(struct cim_ctx *c, uint64_t job_id);
struct cim_path *model_pair_path(struct cim_ctx *c, uint32_t src_id,
    uint32_t tgt_id);
struct cim_path *model_service_path(struct cim_ctx *c);

/* The full instance of an object (all properties), in c->arena. */
struct cim_instance *model_instance(struct cim_ctx *c,
    const struct cim_obj *o);

/* The job's InstanceID "TPD:<system>:<id>" and its inverse (-EINVAL). */
char *model_job_instance_id(struct cim_ctx *c, uint64_t job_id);
int model_parse_job_instance_id(const struct cim_ctx *c, const char *s,
    uint64_t *job_id);

/* -------------------------------------------------- model internals
 * Shared by model*.c and intrinsic.c (additions to the lead's interface).
 */

/* A class arrayd has instances of, in one namespace. */
struct model_class {
	const char *name;		/* canonical spelling */
	const char *ns;			/* CIM_NS_TPD or CIM_NS_INTEROP */
	enum cim_obj_kind kind;		/* OBJ_ASSOC for plain associations */
	size_t nkeys;
	const char *const *keys;	/* key property names */
	const char *const *supers;	/* NULL-terminated superclass chain */
	const char *role[2];		/* associations: reference properties */
	const char *refclass[2];	/* their REFERENCECLASS */
};

/* "root/tpd" or "interop" for any accepted spelling, NULL otherwise. */
const char *model_ns_canon(const char *ns);

size_t model_class_count(void);
const struct model_class *model_class_at(size_t i);
/* Concrete class by name (case-insensitive), NULL if none. */
const struct model_class *model_class_by_name(const char *name);
/* Is mc `super` or derived from it (repository, else our own chain)? */
bool model_class_isa(const struct model_class *mc, const char *super);
/* Is `name` a class the repository or our chains know? */
bool model_class_known(const char *name);

/* One association instance: end[i] is referenced by assoc->role[i]. */
struct cim_link {
	const struct model_class *assoc;
	struct cim_obj end[2];
};

typedef int (*model_obj_fn)(struct cim_ctx *c, const struct cim_obj *o,
    void *arg);
typedef int (*model_link_fn)(struct cim_ctx *c, const struct cim_link *l,
    void *arg);

bool model_obj_equal(const struct cim_obj *a, const struct cim_obj *b);
/* The namespace an object lives in. */
const char *model_obj_ns(const struct cim_obj *o);
/* Every object of non-association class mc; stops when fn returns != 0
 * and returns that value. */
int model_objects(struct cim_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg);
/* Every association instance of class mc (NULL: of every class). */
int model_links_all(struct cim_ctx *c, const struct model_class *mc,
    model_link_fn fn, void *arg);
/* Every association instance that references `o`. */
int model_links_of(struct cim_ctx *c, const struct cim_obj *o,
    model_link_fn fn, void *arg);
/* Resolve an association path (0, -ENOENT, -EINVAL). */
int model_resolve_link(const struct cim_ctx *c, const struct cim_path *p,
    struct cim_link *out);
struct cim_path *model_link_path(struct cim_ctx *c, const struct cim_link *l);
/* Does link l (listed earlier in this request) still exist?  Cheap. */
bool model_link_exists(struct cim_ctx *c, const struct cim_link *l);
struct cim_instance *model_link_instance(struct cim_ctx *c,
    const struct cim_link *l);

/* Instance builder helpers (model_inst.c), all in c->arena. */
struct model_ib {
	struct cim_ctx *c;
	struct cim_instance *in;
	size_t cap;
	bool oom;
};
void model_ib_init(struct model_ib *b, struct cim_ctx *c, const char *cls,
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
struct cim_path *model_path_new(struct cim_ctx *c, const char *cls,
    const char *ns, size_t nkeys);
void model_path_key(struct cim_path *p, const char *name, const char *v);
void model_path_keyref(struct cim_path *p, const char *name,
    struct cim_path *ref);

/* Instances of objects other than jobs (model_inst.c / model_job.c). */
struct cim_instance *model_job_instance(struct cim_ctx *c, uint64_t job_id);
struct cim_instance *model_method_result_instance(struct cim_ctx *c,
    uint64_t job_id);
struct cim_instance *model_interop_instance(struct cim_ctx *c,
    const struct cim_obj *o);
/* The volume's 32-hex-digit NAA 6 WWN, in c->arena. */
char *model_volume_wwn(struct cim_ctx *c, uint32_t vol_id);
/* Current time for ElapsedTime, microseconds since the epoch. */
int64_t model_now_us(void);

/* ------------------------------------------------ intrinsic internals */

enum {
	P_INSTANCENAME, P_CLASSNAME, P_LOCALONLY, P_DEEP, P_QUAL, P_ORIGIN,
	P_PLIST, P_OBJECTNAME, P_ASSOCCLASS, P_RESULTCLASS, P_ROLE,
	P_RESULTROLE, P__N
};

/*
 * A PropertyList as a set (plist.c): the names sorted case-insensitively
 * without duplicates, and one scratch flag per name for the caller.
 */
struct cim_plist {
	const char **names;
	size_t n;
	bool *seen;
};
/* Build the set of `names` (VALUE.NULL items skipped) in the arena. */
int cim_plist_build(struct cim_arena *arena, const char *const *names,
    size_t n, struct cim_plist *out);
/* Index of `name` (case-insensitive) in the set, -1 if absent. */
long cim_plist_find(const struct cim_plist *p, const char *name);

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
	struct cim_plist pset;		/* plist as a set, when has_plist */
};

const struct model_class *intrinsic_class_of(const struct cim_obj *o);
int intrinsic_write_instance(struct cim_ctx *c, const struct iargs *a,
    const struct model_class *mc, struct cim_instance *in);
/* Drop what was written since `mark` and write CIM_ERR_FAILED. */
void intrinsic_fail(struct cim_ctx *c, size_t mark, int rc);
/* Use `names` as the PropertyList (builds a->pset); -ENOMEM. */
int intrinsic_set_plist(struct cim_ctx *c, struct iargs *a,
    const char *const *names, size_t n);
/* EnumerateInstances(Names), sliced (intrinsic_enum.c). */
void intrinsic_enumerate(struct cim_ctx *c, struct iargs *a, bool names);
/*
 * A sliced answer (intrinsic_enum.c): list what it holds, then run it.
 * IFORM_NAMED writes VALUE.NAMEDINSTANCE / INSTANCENAME (enumerations),
 * IFORM_WITHPATH VALUE.OBJECTWITHPATH / OBJECTPATH (associations).
 */
enum intrinsic_form { IFORM_NAMED, IFORM_WITHPATH };
struct cim_cont *intrinsic_cont_new(struct cim_ctx *c, const struct iargs *a,
    enum intrinsic_form form, bool names);
/* Add object o (l: the link it was reached by, or NULL), or link l. */
int intrinsic_cont_add(struct cim_ctx *c, struct cim_cont *k,
    const struct model_class *mc, const struct cim_obj *o,
    const struct cim_link *l);
/* Write <IRETURNVALUE> and the first slice; c->cont if unfinished. */
void intrinsic_cont_run(struct cim_ctx *c, struct cim_cont *k);
void intrinsic_associators(struct cim_ctx *c, struct iargs *a);
void intrinsic_associator_names(struct cim_ctx *c, struct iargs *a);
void intrinsic_references(struct cim_ctx *c, struct iargs *a);
void intrinsic_reference_names(struct cim_ctx *c, struct iargs *a);
void intrinsic_get_class(struct cim_ctx *c, struct iargs *a);
void intrinsic_enum_class_names(struct cim_ctx *c, struct iargs *a);
void intrinsic_enum_classes(struct cim_ctx *c, struct iargs *a);

#endif /* ARRAYD_CIM_H */
