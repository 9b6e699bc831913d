/* SPDX-License-Identifier: ISC */
/*
 * model_repl.c - the Replication Services objects: TPD_ReplicationService
 * (one, hosted by the system, beside the StorageConfigurationService) and
 * its TPD_ReplicationServiceCapabilities (one), each as a class with its
 * keys, resolver, path, instance and enumerator.  Both exist only while
 * the configuration's replication_service is yes: with no, they resolve
 * to nothing and enumerate empty, so clients take the CreateReplica path
 * (CLIENTS.md §4 item 29).  Values follow the 3PAR CIM API's
 * TPD_ReplicationServiceCapabilities tables, restricted to what arrayd
 * does (README, Replication Services).  Built in the request arena.
 */
#include <errno.h>
#include <string.h>

#include "conf/conf.h"
#include "cim/model_int.h"

#define RS_CLASS	"TPD_ReplicationService"
#define RS_NAME		"ReplicationService"
#define RSC_CLASS	"TPD_ReplicationServiceCapabilities"
#define RSC_ID		"RSC"

bool
model_repl_enabled(const struct op_ctx *c)
{
	return c->conf == NULL || c->conf->replication_service;
}

/* ------------------------------------------------------------ service */

static int
rs_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	(void)o;
	return model_repl_enabled(c) ? model_service_resolve(c, mc, p,
	    RS_NAME) : -ENOENT;
}

static struct cim_path *
rs_path(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_path_sysdev(c, RS_CLASS, "Name", RS_NAME);
}

static struct cim_instance *
rs_instance(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_service_instance(c, RS_CLASS, RS_NAME,
	    "Replication Service", "Local snapshots and clones of volumes "
	    "(SNIA Replication Services)");
}

static int
rs_objects(struct op_ctx *c, const struct model_class *mc, model_obj_fn fn,
    void *arg)
{
	return model_repl_enabled(c) ? model_objects_one(c, mc, fn, arg) : 0;
}

static const char *const rs_supers[] = { "CIM_ReplicationService",
	"CIM_Service", MODEL_SUP_ELE, MODEL_SUP_ME, NULL };
static const struct model_ops rs_ops = {
	.id = MODEL_ID_NONE,
	.resolve = rs_resolve,
	.path = rs_path,
	.instance = rs_instance,
	.objects = rs_objects,
};
const struct model_class model_class_repl_service = MODEL_CLASS(RS_CLASS,
    MODEL_NS_TPD, OBJ_REPL_SERVICE, model_keys_svc, rs_supers, &rs_ops);

/* ------------------------------------------------------- capabilities */

static int
rsc_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *loc = model_iid_local(c, model_key_text(p, "InstanceID"));

	(void)mc;
	if (!model_repl_enabled(c) || loc == NULL || strcmp(loc, RSC_ID) != 0)
		return -ENOENT;
	o->name = RSC_ID;
	return 0;
}

static struct cim_path *
rsc_path(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_path_iid(c, RSC_CLASS, MODEL_NS_TPD,
	    cim_arena_printf(c->arena, "TPD:%s:%s", model_sysname(c),
	    RSC_ID));
}

/*
 * Replication types: 6 Synchronous Snapshot Local (a virtual copy), 10
 * Synchronous Clone Local (a physical copy that detaches when it ends,
 * CopyType 5), 11 Asynchronous Clone Local (one that keeps its
 * association, CopyType 4).  smispy needs 10 to make either kind.
 * Actions: CreateElementReplica (2) and ModifyReplicaSynchronization (5),
 * answered at once or with a job.  Every array present, never NULL:
 * smispy indexes them unguarded.
 */
static struct cim_instance *
rsc_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t types[] = { 6, 10, 11 };
	static const uint16_t actions[] = { 2, 5 };
	static const uint16_t objects[] = { 2 };
	struct model_ib b;

	(void)o;
	model_ib_init(&b, c, RSC_CLASS, 8);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena,
	    "TPD:%s:%s", model_sysname(c), RSC_ID));
	model_ib_str(&b, "ElementName", "Replication service capabilities");
	model_ib_u16s(&b, "SupportedReplicationTypes", 3, types);
	model_ib_u16s(&b, "SupportedStorageObjects", 1, objects);
	model_ib_u16s(&b, "SupportedAsynchronousActions", 2, actions);
	model_ib_u16s(&b, "SupportedSynchronousActions", 2, actions);
	return model_ib_done(&b);
}

static int
rsc_objects(struct op_ctx *c, const struct model_class *mc, model_obj_fn fn,
    void *arg)
{
	static const char *const ids[] = { RSC_ID };

	return model_repl_enabled(c) ?
	    model_objects_named(c, mc, ids, 1, fn, arg) : 0;
}

static const char *const rsc_supers[] = {
	"CIM_ReplicationServiceCapabilities", "CIM_Capabilities",
	MODEL_SUP_ME, NULL };
static const struct model_ops rsc_ops = {
	.id = MODEL_ID_NAME,
	.resolve = rsc_resolve,
	.path = rsc_path,
	.instance = rsc_instance,
	.objects = rsc_objects,
};
const struct model_class model_class_repl_service_caps = MODEL_CLASS(
    RSC_CLASS, MODEL_NS_TPD, OBJ_RS_CAPS, model_keys_iid, rsc_supers,
    &rsc_ops);
