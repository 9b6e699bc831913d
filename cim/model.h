/* SPDX-License-Identifier: ISC */
/*
 * model.h - the instance model: maps the array's state (conf +
 * replica_set) to CIM objects.  It resolves object paths to objects,
 * lists the objects and association instances of each class, and builds
 * their paths and instances.  This is the one place where CIM names meet
 * replica/ and conf/ data.
 */
#ifndef ARRAYD_CIM_MODEL_H
#define ARRAYD_CIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim/op.h"

#define MODEL_NS_TPD	"root/tpd"
#define MODEL_NS_INTEROP	"interop"	/* "root/interop" is an alias */


enum model_kind {
	OBJ_NONE = 0,
	OBJ_SYSTEM,		/* TPD_StorageSystem */
	OBJ_POOL,		/* TPD_StoragePool (configured pool) */
	OBJ_DELTA_POOL,		/* TPD_DeltaReplicaStoragePool of a base volume */
	OBJ_VOLUME,		/* TPD_StorageVolume */
	OBJ_SERVICE,		/* TPD_StorageConfigurationService */
	OBJ_REPL_CAPS,		/* TPD_StorageReplicationCapabilities */
	OBJ_CONF_CAPS,		/* TPD_StorageConfigurationCapabilities */
	OBJ_REPL_SERVICE,	/* TPD_ReplicationService */
	OBJ_RS_CAPS,		/* TPD_ReplicationServiceCapabilities */
	OBJ_JOB,		/* TPD_ConcreteJob */
	OBJ_METHOD_RESULT,	/* TPD_MethodResult */
	OBJ_PAIR,		/* TPD_StorageSynchronized */
	OBJ_NAMESPACE,		/* CIM_Namespace (interop) */
	OBJ_OBJECT_MANAGER,	/* CIM_ObjectManager (interop) */
	OBJ_PROFILE,		/* CIM_RegisteredProfile (interop) */
	OBJ_IND_FILTER,		/* CIM_IndicationFilter (interop, stored) */
	OBJ_IND_DEST,		/* CIM_ListenerDestinationCIMXML (stored) */
	OBJ_IND_HANDLER,	/* CIM_IndicationHandlerCIMXML (stored) */
	OBJ_IND_SUB,		/* CIM_IndicationSubscription (stored) */
	OBJ_IND_SERVICE,	/* CIM_IndicationService */
	OBJ_IND_CAPS,		/* CIM_IndicationServiceCapabilities */
	OBJ_ASSOC,		/* any other association instance */
};

struct rjob;
struct rvolume;
struct rpair;

/* A resolved object: which kind, and the ids that name it. */
struct model_obj {
	enum model_kind kind;
	const char *classname;		/* canonical class of the instance */
	uint32_t vol_id;		/* VOLUME, DELTA_POOL (its base volume) */
	uint32_t src_id, tgt_id;	/* PAIR */
	uint64_t job_id;		/* JOB, METHOD_RESULT */
	uint64_t ind_id;		/* IND_FILTER, IND_DEST, IND_HANDLER,
					 * IND_SUB: the indic/ record id */
	const char *name;		/* POOL name, NAMESPACE name, PROFILE id,
					 * capabilities id */
	/*
	 * JOB, METHOD_RESULT: the job model_resolve() found, so that the
	 * instance built next needs no second lookup.  Borrowed from c->rs
	 * and valid only until the replica set changes; NULL in objects
	 * listed by model_objects() and model_links_*(), which may outlive
	 * a change (a sliced answer), so the builder looks the job up.
	 */
	const struct rjob *job;
	/*
	 * VOLUME, PAIR: a record to render instead of the one the replica
	 * set holds now (NULL: look it up, probing the volume first).  An
	 * indication renders the state before and after a change this way
	 * (cim/indication_build.c), also of a record already deleted; no
	 * probe runs, so building never changes the replica set.  JOB
	 * objects take a record the same way through `job`.
	 */
	const struct rvolume *vol;
	const struct rpair *pair;
};

/* How model_resolve_mode() matches a path to an object. */
enum model_mode {
	/*
	 * An object path of the protocol (GetInstance, a method's target):
	 * any wire form, key order and key name case, superclass names;
	 * exactly the class's keys, and the object must exist.
	 */
	MODEL_STRICT,
	/*
	 * A reference given as a method argument, which clients write by
	 * hand (wbemcli: `TPD_StorageVolume.DeviceID="42",SystemName="S1"`):
	 * what strict accepts, or else a volume named by its DeviceID when
	 * the other keys it carries agree with ours (missing and extra keys
	 * are let through, a namespace other than root/tpd is not), and a
	 * pair named by two such volume references, whether or not a pair
	 * joins them (replica/ answers that).  Other kinds: strict only.
	 */
	MODEL_LENIENT,
};

/*
 * Resolve a path in namespace c->ns (the path's own namespace wins when it
 * has one) to an object.  `want` is the kind the caller needs: OBJ_NONE
 * for any (strict mode only), else another kind is "no such object".
 * Returns 0, -ENOENT (no such object), or, strict only, -EINVAL (keys
 * missing/extra, unknown class for the namespace).
 */
int model_resolve_mode(const struct op_ctx *c, const struct cim_path *p,
    enum model_mode mode, enum model_kind want, struct model_obj *out);
/* Strict, any kind: model_resolve_mode(c, p, MODEL_STRICT, OBJ_NONE, out). */
int model_resolve(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *out);

/* Canonical paths (no host, namespace set), allocated in c->arena. */
struct cim_path *model_path(struct op_ctx *c, const struct model_obj *o);
struct cim_path *model_volume_path(struct op_ctx *c, uint32_t vol_id);
struct cim_path *model_job_path(struct op_ctx *c, uint64_t job_id);
struct cim_path *model_pair_path(struct op_ctx *c, uint32_t src_id,
    uint32_t tgt_id);
struct cim_path *model_service_path(struct op_ctx *c);

/* The full instance of an object (all properties), in c->arena. */
struct cim_instance *model_instance(struct op_ctx *c,
    const struct model_obj *o);

/* The job's InstanceID "TPD:<system>:<id>" and its inverse (-EINVAL). */
char *model_job_instance_id(struct op_ctx *c, uint64_t job_id);
int model_parse_job_instance_id(const struct op_ctx *c, const char *s,
    uint64_t *job_id);



struct model_ops;

/*
 * A class arrayd has instances of, in one namespace.  Each is defined in
 * the file of its object kind (model_volume.c ...) or in model_assoc.c,
 * together with its ops; model.c lists them in the order clients see.
 */
struct model_class {
	const char *name;		/* canonical spelling */
	const char *ns;			/* MODEL_NS_TPD or MODEL_NS_INTEROP */
	enum model_kind kind;		/* OBJ_ASSOC for plain associations */
	size_t nkeys;
	const char *const *keys;	/* key property names */
	const char *const *supers;	/* NULL-terminated superclass chain */
	const char *role[2];		/* associations: reference properties */
	const char *refclass[2];	/* their REFERENCECLASS */
	const struct model_ops *ops;	/* resolver, builders, enumerator
					 * (model_int.h) */
};

/* "root/tpd" or "interop" for any accepted spelling, NULL otherwise. */
const char *model_ns_canon(const char *ns);

size_t model_class_count(void);
const struct model_class *model_class_at(size_t i);
/* Concrete class by name (case-insensitive), NULL if none. */
const struct model_class *model_class_by_name(const char *name);
/* The class of an object's kind, NULL for OBJ_NONE and OBJ_ASSOC. */
const struct model_class *model_class_of_kind(enum model_kind k);
/* Is mc `super` or derived from it (repository, else our own chain)? */
bool model_class_isa(const struct model_class *mc, const char *super);
/* Is `name` a class the repository or our chains know? */
bool model_class_known(const char *name);

/* One association instance: end[i] is referenced by assoc->role[i]. */
struct model_link {
	const struct model_class *assoc;
	struct model_obj end[2];
};

typedef int (*model_obj_fn)(struct op_ctx *c, const struct model_obj *o,
    void *arg);
typedef int (*model_link_fn)(struct op_ctx *c, const struct model_link *l,
    void *arg);

bool model_obj_equal(const struct model_obj *a, const struct model_obj *b);
/* The namespace an object lives in. */
const char *model_obj_ns(const struct model_obj *o);
/* Every object of non-association class mc; stops when fn returns != 0
 * and returns that value. */
int model_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg);
/* Every association instance of class mc (NULL: of every class). */
int model_links_all(struct op_ctx *c, const struct model_class *mc,
    model_link_fn fn, void *arg);
/* Every association instance that references `o`. */
int model_links_of(struct op_ctx *c, const struct model_obj *o,
    model_link_fn fn, void *arg);
/* Resolve an association path (0, -ENOENT, -EINVAL). */
int model_resolve_link(const struct op_ctx *c, const struct cim_path *p,
    struct model_link *out);
struct cim_path *model_link_path(struct op_ctx *c, const struct model_link *l);
/* Does link l (listed earlier in this request) still exist?  Cheap. */
bool model_link_exists(struct op_ctx *c, const struct model_link *l);
struct cim_instance *model_link_instance(struct op_ctx *c,
    const struct model_link *l);

#endif /* ARRAYD_CIM_MODEL_H */
