/* SPDX-License-Identifier: ISC */
/*
 * model_int.h - inside the model (model*.c only): the ops each object kind
 * gives its class (resolver, path and instance builders, enumerator), the
 * classes themselves, the instance and path builders, and the helpers the
 * kinds' resolvers share.
 */
#ifndef ARRAYD_CIM_MODEL_INT_H
#define ARRAYD_CIM_MODEL_INT_H

#include "cim/model.h"

#define MODEL_S_SYS	"TPD_StorageSystem"

/* Which fields of struct model_obj tell two objects of one kind apart. */
enum model_id {
	MODEL_ID_NONE,		/* one object of its kind */
	MODEL_ID_VOL,		/* vol_id */
	MODEL_ID_PAIR,		/* src_id, tgt_id */
	MODEL_ID_JOB,		/* job_id */
	MODEL_ID_NAME,		/* name */
	MODEL_ID_IND,		/* ind_id */
};

/* One listing of association instances (model_assoc.c). */
struct model_gen {
	struct op_ctx *c;
	const struct model_class *mc;	/* the association listed */
	model_link_fn fn;
	void *arg;
	struct model_link l;
};
/* A zeroed object of kind k (model_assoc.c). */
struct model_obj model_obj_make(enum model_kind k);
/* The resolve op of every association class: the path names a link. */
int model_assoc_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o);
/* Hand the link a -> b of g->mc to g's callback; returns what it does. */
int model_gen_emit(struct model_gen *g, struct model_obj a,
    struct model_obj b);

/*
 * What a class needs beyond its names and keys; NULL members mean "none".
 * An object kind (model_system.c, model_volume.c ...) fills the first
 * five, an association (model_assoc.c) `resolve` and `links`.
 */
struct model_ops {
	enum model_id id;
	/*
	 * p's keys are exactly mc's (checked by model_resolve.c) and *o is
	 * zeroed with kind and classname set: fill o's ids.  Returns 0,
	 * -ENOENT (no such object) or -EINVAL (malformed key values).
	 */
	int (*resolve)(const struct op_ctx *c, const struct model_class *mc,
	    const struct cim_path *p, struct model_obj *o);
	/* Lenient mode (model.h): any keys; 0 or -ENOENT. */
	int (*lenient)(const struct op_ctx *c, const struct cim_path *p,
	    struct model_obj *o);
	/* The object's canonical path / full instance, in c->arena. */
	struct cim_path *(*path)(struct op_ctx *c, const struct model_obj *o);
	struct cim_instance *(*instance)(struct op_ctx *c,
	    const struct model_obj *o);
	/* Every object of the class, in the order clients see. */
	int (*objects)(struct op_ctx *c, const struct model_class *mc,
	    model_obj_fn fn, void *arg);
	/* Associations: every link of the class (model_assoc.c). */
	int (*links)(struct model_gen *g);
};

/* The classes, each defined beside its kind's code. */
extern const struct model_class model_class_system;	/* model_system.c */
extern const struct model_class model_class_service;
extern const struct model_class model_class_repl_caps;
extern const struct model_class model_class_conf_caps;
extern const struct model_class model_class_repl_service; /* model_repl.c */
extern const struct model_class model_class_repl_service_caps;
extern const struct model_class model_class_pool;	/* model_pool.c */
extern const struct model_class model_class_delta_pool;
extern const struct model_class model_class_volume;	/* model_volume.c */
extern const struct model_class model_class_job;	/* model_job.c */
extern const struct model_class model_class_method_result;
extern const struct model_class model_class_pair;	/* model_pair.c */
extern const struct model_class model_class_namespace;	/* model_interop.c */
extern const struct model_class model_class_object_manager;
extern const struct model_class model_class_profile;
extern const struct model_class model_class_ind_filter;	/* model_indic.c */
extern const struct model_class model_class_ind_dest;
extern const struct model_class model_class_ind_handler;
extern const struct model_class model_class_ind_sub;
extern const struct model_class model_class_ind_service;
extern const struct model_class model_class_ind_caps;
extern const struct model_class model_assoc_ind_caps;
extern const struct model_class model_assoc_ind_hosted;
extern const struct model_class model_assoc_system_volume; /* model_assoc.c */
extern const struct model_class model_assoc_hosted_pool;
extern const struct model_class model_assoc_allocated;
extern const struct model_class model_assoc_capabilities;
extern const struct model_class model_assoc_hosted_service;
extern const struct model_class model_assoc_owning_job;
extern const struct model_class model_assoc_affected_job;
extern const struct model_class model_assoc_job_result;
extern const struct model_class model_assoc_conforms;
extern const struct model_class model_assoc_referenced;

/* An object class's table entry (keys and supers are static arrays). */
#define MODEL_CLASS(n, ns_, k, keys_, sup, ops_) { .name = (n), \
	.ns = (ns_), .kind = (k), \
	.nkeys = sizeof(keys_) / sizeof((keys_)[0]), .keys = (keys_), \
	.supers = (sup), .ops = (ops_) }

/* Superclass chains the kinds share (CIM schema 2.x). */
#define MODEL_SUP_ME	"CIM_ManagedElement"
#define MODEL_SUP_MSE	"CIM_ManagedSystemElement", "CIM_LogicalElement"
#define MODEL_SUP_ELE	"CIM_EnabledLogicalElement", MODEL_SUP_MSE

/* Key lists several classes share (model_build.c). */
extern const char *const model_keys_iid[1];	/* InstanceID */
extern const char *const model_keys_svc[4];	/* a service's four */

/* The array's system name ("" when replica/ has none; model_build.c). */
const char *model_sysname(const struct op_ctx *c);

/* Instance builder (model_build.c), all in c->arena. */
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

/* OperationalStatus values the kinds share: OK, Error. */
extern const uint16_t model_os_ok[1];
extern const uint16_t model_os_err[1];

/* Path builder (model_build.c): `cls` in `ns` with room for nkeys keys. */
struct cim_path *model_path_new(struct op_ctx *c, const char *cls,
    const char *ns, size_t nkeys);
void model_path_key(struct cim_path *p, const char *name, const char *v);
void model_path_keyref(struct cim_path *p, const char *name,
    struct cim_path *ref);
/* A path keyed by InstanceID `iid` (NULL when iid is). */
struct cim_path *model_path_iid(struct op_ctx *c, const char *cls,
    const char *ns, const char *iid);
/* A system's device or service: CreationClassName, `second`, system. */
struct cim_path *model_path_sysdev(struct op_ctx *c, const char *cls,
    const char *second, const char *v);

/* Resolver helpers (model_resolve.c) for the kinds' resolvers. */
/* Text of a non-reference key, NULL when absent or a reference. */
const char *model_key_text(const struct cim_path *p, const char *name);
/* Is key `key` text equal to `want`, ignoring case? */
bool model_key_is(const struct cim_path *p, const char *key,
    const char *want);
/* Do SystemCreationClassName and SystemName name our system? */
bool model_key_system(const struct op_ctx *c, const struct cim_path *p);
/* A nonzero decimal uint32 with nothing around it; 0 or -EINVAL. */
int model_parse_u32(const char *s, uint32_t *out);
/* InstanceID with the "TPD:<sys>:" prefix stripped, NULL if another. */
const char *model_iid_local(const struct op_ctx *c, const char *iid);
/* Index of `s` in tab[0..n), or -1. */
int model_lookup(const char *const *tab, size_t n, const char *s);
/* Enumerators of fixed objects (model_build.c): one each of names[0..n), */
int model_objects_named(struct op_ctx *c, const struct model_class *mc,
    const char *const *names, size_t n, model_obj_fn fn, void *arg);
/* and the single object of a class. */
int model_objects_one(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg);

/*
 * The services of the system (model_system.c): a path names service `name`
 * of class mc on this system (0 or -ENOENT), and the instance every one of
 * them shares but for its class, name and texts.
 */
int model_service_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, const char *name);
struct cim_instance *model_service_instance(struct op_ctx *c, const char *cls,
    const char *name, const char *element_name, const char *description);

/*
 * Is the ReplicationService shown (configuration replication_service)?
 * Its objects, profile and links exist only then (model_repl.c).
 */
bool model_repl_enabled(const struct op_ctx *c);

/* Indication profile links (model_indic.c): the service, for gen_conforms. */
bool model_ind_enabled(const struct op_ctx *c);
/* A subscription as the association link filter -> handler: its instance
 * (NULL: gone), and whether it still exists. */
struct cim_instance *model_ind_sub_instance(struct op_ctx *c,
    const struct model_link *l);
bool model_ind_sub_exists(const struct op_ctx *c, const struct model_link *l);

/* The configured pool called `name`, NULL if none (model_pool.c). */
struct conf_pool;
const struct conf_pool *model_conf_pool(const struct op_ctx *c,
    const char *name);

/* The volume's 32-hex-digit NAA 6 WWN, in c->arena (model_volume.c). */
char *model_volume_wwn(struct op_ctx *c, uint32_t vol_id);

#endif /* ARRAYD_CIM_MODEL_INT_H */
