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

#endif /* ARRAYD_CIM_H */
