/* SPDX-License-Identifier: ISC */
/*
 * model_system.c - the array itself: TPD_StorageSystem, its
 * TPD_StorageConfigurationService and the capabilities that service
 * advertises (TPD_StorageReplicationCapabilities, one per copy type, and
 * TPD_StorageConfigurationCapabilities), each as a class with its keys,
 * resolver, path, instance and enumerator.  Values follow CONTRACT.md §2
 * and SPEC.md §2.5.  Built in the request arena; nothing here changes
 * state or writes XML.
 */
#include <errno.h>
#include <string.h>

#include "cim/model_int.h"

#define SVC_CLASS	"TPD_StorageConfigurationService"
#define SVC_NAME	"StorageConfigurationService"

/* ------------------------------------------------------------ system */

static int
system_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *v = model_key_text(p, "Name");

	(void)mc, (void)o;
	return model_key_is(p, "CreationClassName", MODEL_S_SYS) &&
	    v != NULL && strcmp(v, model_sysname(c)) == 0 ? 0 : -ENOENT;
}

static struct cim_path *
system_path(struct op_ctx *c, const struct model_obj *o)
{
	struct cim_path *p = model_path_new(c, MODEL_S_SYS, MODEL_NS_TPD, 2);

	(void)o;
	if (p != NULL) {
		model_path_key(p, "CreationClassName", MODEL_S_SYS);
		model_path_key(p, "Name", model_sysname(c));
	}
	return p;
}

static struct cim_instance *
system_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t dedicated[] = { 3, 15 };
	struct model_ib b;

	(void)o;
	model_ib_init(&b, c, MODEL_S_SYS, 16);
	model_ib_str(&b, "CreationClassName", MODEL_S_SYS);
	model_ib_str(&b, "Name", model_sysname(c));
	model_ib_str(&b, "ElementName", model_sysname(c));
	model_ib_str(&b, "Caption", "arrayd storage system");
	model_ib_str(&b, "Description",
	    "arrayd: HP 3PAR StoreServ copy-services emulation");
	model_ib_str(&b, "NameFormat", "Other");
	model_ib_u16s(&b, "OperationalStatus", 1, model_os_ok);
	model_ib_u16s(&b, "Dedicated", 2, dedicated);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	model_ib_u(&b, "RequestedState", CIM_T_UINT16, 12);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	return model_ib_done(&b);
}

static const char *const system_keys[] = { "CreationClassName", "Name" };
static const char *const system_supers[] = { "CIM_ComputerSystem",
	"CIM_System", MODEL_SUP_ELE, MODEL_SUP_ME, NULL };
static const struct model_ops system_ops = {
	.id = MODEL_ID_NONE,
	.resolve = system_resolve,
	.path = system_path,
	.instance = system_instance,
	.objects = model_objects_one,
};
const struct model_class model_class_system = MODEL_CLASS(MODEL_S_SYS,
    MODEL_NS_TPD, OBJ_SYSTEM, system_keys, system_supers, &system_ops);

/* ----------------------------------------------------------- service */

int
model_service_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, const char *name)
{
	const char *v = model_key_text(p, "Name");

	return model_key_system(c, p) &&
	    model_key_is(p, "CreationClassName", mc->name) &&
	    v != NULL && strcmp(v, name) == 0 ? 0 : -ENOENT;
}

static int
service_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	(void)o;
	return model_service_resolve(c, mc, p, SVC_NAME);
}

struct cim_path *
model_service_path(struct op_ctx *c)
{
	return model_path_sysdev(c, SVC_CLASS, "Name", SVC_NAME);
}

static struct cim_path *
service_path(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_service_path(c);
}

struct cim_instance *
model_service_instance(struct op_ctx *c, const char *cls, const char *name,
    const char *element_name, const char *description)
{
	struct model_ib b;

	model_ib_init(&b, c, cls, 16);
	model_ib_str(&b, "CreationClassName", cls);
	model_ib_str(&b, "Name", name);
	model_ib_str(&b, "SystemCreationClassName", MODEL_S_SYS);
	model_ib_str(&b, "SystemName", model_sysname(c));
	model_ib_str(&b, "ElementName", element_name);
	model_ib_str(&b, "Description", description);
	model_ib_u16s(&b, "OperationalStatus", 1, model_os_ok);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	model_ib_u(&b, "RequestedState", CIM_T_UINT16, 12);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	model_ib_bool(&b, "Started", true);
	return model_ib_done(&b);
}

static struct cim_instance *
service_instance(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_service_instance(c, SVC_CLASS, SVC_NAME, SVC_NAME,
	    "Physical and virtual copies of volumes");
}

static const char *const service_supers[] = {
	"CIM_StorageConfigurationService", "CIM_Service", MODEL_SUP_ELE,
	MODEL_SUP_ME, NULL };
static const struct model_ops service_ops = {
	.id = MODEL_ID_NONE,
	.resolve = service_resolve,
	.path = service_path,
	.instance = service_instance,
	.objects = model_objects_one,
};
const struct model_class model_class_service = MODEL_CLASS(SVC_CLASS,
    MODEL_NS_TPD, OBJ_SERVICE, model_keys_svc, service_supers, &service_ops);

/* ------------------------------------------------------ capabilities */

static const char *const repl_caps_ids[] = { "UnSyncAssoc-Delta",
	"UnSyncUnAssoc" };
static const char *const conf_caps_ids[] = { "SCC" };

/* Both capabilities classes: InstanceID "TPD:<system>:<name>". */
static char *
caps_iid(struct op_ctx *c, const struct model_obj *o)
{
	return cim_arena_printf(c->arena, "TPD:%s:%s", model_sysname(c),
	    o->name);
}

static struct cim_path *
repl_caps_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, model_class_repl_caps.name, MODEL_NS_TPD,
	    caps_iid(c, o));
}

static struct cim_path *
conf_caps_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, model_class_conf_caps.name, MODEL_NS_TPD,
	    caps_iid(c, o));
}

static int
repl_caps_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	int k = model_lookup(repl_caps_ids, 2, model_iid_local(c,
	    model_key_text(p, "InstanceID")));

	(void)mc;
	if (k < 0)
		return -ENOENT;
	o->name = repl_caps_ids[k];
	return 0;
}

static int
conf_caps_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *loc = model_iid_local(c, model_key_text(p, "InstanceID"));

	(void)mc;
	if (loc == NULL || strcmp(loc, "SCC") != 0)
		return -ENOENT;
	o->name = conf_caps_ids[0];
	return 0;
}

static int
repl_caps_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	return model_objects_named(c, mc, repl_caps_ids, 2, fn, arg);
}

static int
conf_caps_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	return model_objects_named(c, mc, conf_caps_ids, 1, fn, arg);
}

/*
 * One instance serves the service and every pool (ElementCapabilities):
 * smispy reads the actions and element types through the service and the
 * features through each pool.  Volume creation, deletion and growth (5,
 * 6, 7) are synchronous as on a 3PAR; so are snapshot creation and pair
 * changes answered at once (8, 9), while clones and attachments run as
 * jobs (8, 9, 10).  Features: StorageVolume Creation (3) and Modification
 * (5), Single InPool (6), Capacity Expansion (12); never Reduction (13).
 * Element types: StorageVolume (2) and ThinlyProvisionedStorageVolume (5),
 * which a sparse file is.
 */
static struct cim_instance *
conf_caps_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t copy_types[] = { 4, 5 };
	static const uint16_t el_types[] = { 2, 5 };
	static const uint16_t async_act[] = { 8, 9, 10 };
	static const uint16_t sync_act[] = { 5, 6, 7, 8, 9 };
	static const uint16_t el_features[] = { 3, 5, 6, 12 };
	struct model_ib b;

	model_ib_init(&b, c, "TPD_StorageConfigurationCapabilities", 12);
	model_ib_str(&b, "InstanceID", caps_iid(c, o));
	model_ib_str(&b, "ElementName", "Storage configuration capabilities");
	model_ib_u16s(&b, "SupportedCopyTypes", 2, copy_types);
	model_ib_u16s(&b, "SupportedStorageElementTypes", 2, el_types);
	model_ib_u16s(&b, "SupportedAsynchronousActions", 3, async_act);
	model_ib_u16s(&b, "SupportedSynchronousActions", 5, sync_act);
	model_ib_u16s(&b, "SupportedStorageElementFeatures", 4, el_features);
	return model_ib_done(&b);
}

/* Table 40 of the 3PAR guide (SPEC.md §2.5), restricted to what we do. */
static struct cim_instance *
repl_caps_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t vc_sync[] = { 2 }, pc_async[] = { 6 };
	static const uint16_t vc_spec[] = { 2 };
	static const uint16_t vc_mod[] = { 5 }, pc_mod[] = { 2, 4, 12, 13 };
	static const uint16_t vc_host[] = { 5, 6, 10, 11 };
	bool vc = strcmp(o->name, "UnSyncAssoc-Delta") == 0;
	struct model_ib b;

	model_ib_init(&b, c, "TPD_StorageReplicationCapabilities", 16);
	model_ib_str(&b, "InstanceID", caps_iid(c, o));
	model_ib_str(&b, "ElementName", o->name);
	model_ib_u(&b, "SupportedSynchronizationType", CIM_T_UINT16,
	    vc ? 5 : 6);
	if (vc) {
		model_ib_null(&b, "SupportedAsynchronousActions",
		    CIM_T_UINT16, true);
		model_ib_u16s(&b, "SupportedSynchronousActions", 1, vc_sync);
		model_ib_u16s(&b, "SupportedSpecializedElements", 1, vc_spec);
	} else {
		model_ib_u16s(&b, "SupportedAsynchronousActions", 1, pc_async);
		model_ib_null(&b, "SupportedSynchronousActions",
		    CIM_T_UINT16, true);
		model_ib_null(&b, "SupportedSpecializedElements",
		    CIM_T_UINT16, true);
	}
	model_ib_u(&b, "InitialReplicationState", CIM_T_UINT16, vc ? 5 : 2);
	if (vc)
		model_ib_u16s(&b, "SupportedModifyOperations", 1, vc_mod);
	else
		model_ib_u16s(&b, "SupportedModifyOperations", 4, pc_mod);
	model_ib_u(&b, "ReplicaHostAccessibility", CIM_T_UINT16, 3);
	if (vc)
		model_ib_u16s(&b, "HostAccessibleState", 4, vc_host);
	else
		model_ib_null(&b, "HostAccessibleState", CIM_T_UINT16, true);
	model_ib_bool(&b, "PersistentReplicasSupported", true);
	model_ib_u(&b, "MaximumReplicasPerSource", CIM_T_UINT16,
	    vc ? 2048 : 65535);
	if (vc)
		model_ib_u(&b, "DeltaReplicaPoolAccess", CIM_T_UINT16, 3);
	else
		model_ib_null(&b, "DeltaReplicaPoolAccess", CIM_T_UINT16,
		    false);
	return model_ib_done(&b);
}

static const char *const repl_caps_supers[] = {
	"CIM_StorageReplicationCapabilities", "CIM_Capabilities", MODEL_SUP_ME,
	NULL };
static const char *const conf_caps_supers[] = {
	"CIM_StorageConfigurationCapabilities", "CIM_Capabilities",
	MODEL_SUP_ME, NULL };
static const struct model_ops repl_caps_ops = {
	.id = MODEL_ID_NAME,
	.resolve = repl_caps_resolve,
	.path = repl_caps_path,
	.instance = repl_caps_instance,
	.objects = repl_caps_objects,
};
static const struct model_ops conf_caps_ops = {
	.id = MODEL_ID_NAME,
	.resolve = conf_caps_resolve,
	.path = conf_caps_path,
	.instance = conf_caps_instance,
	.objects = conf_caps_objects,
};
const struct model_class model_class_repl_caps = MODEL_CLASS(
    "TPD_StorageReplicationCapabilities", MODEL_NS_TPD, OBJ_REPL_CAPS,
    model_keys_iid, repl_caps_supers, &repl_caps_ops);
const struct model_class model_class_conf_caps = MODEL_CLASS(
    "TPD_StorageConfigurationCapabilities", MODEL_NS_TPD, OBJ_CONF_CAPS,
    model_keys_iid, conf_caps_supers, &conf_caps_ops);
