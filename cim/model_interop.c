/* SPDX-License-Identifier: ISC */
/*
 * model_interop.c - the objects of the interop namespace that tell a
 * client what this server is: CIM_ObjectManager (arrayd itself),
 * CIM_Namespace (one per namespace served) and CIM_RegisteredProfile (the
 * SMI-S profiles implemented), each as a class with its keys, resolver,
 * path, instance and enumerator.  Built in the request arena; nothing here
 * reads replica state beyond the system name.
 */
#include <errno.h>
#include <string.h>

#include "cim/model_int.h"

#ifndef ARRAYD_VERSION
#define ARRAYD_VERSION "0.1"
#endif

#define OM_CLASS	"CIM_ObjectManager"
#define OM_NAME		"arrayd"
#define NS_CLASS	"CIM_Namespace"
#define PROFILE_CLASS	"CIM_RegisteredProfile"

static const char *const ns_ids[] = { MODEL_NS_INTEROP, MODEL_NS_TPD };

/* Keys and properties the object manager and namespaces share. */
static void
om_keys(struct model_ib *b, struct op_ctx *c, const char *ccn)
{
	model_ib_str(b, "SystemCreationClassName", MODEL_S_SYS);
	model_ib_str(b, "SystemName", model_sysname(c));
	model_ib_str(b, "CreationClassName", ccn);
}

static void
om_path_keys(struct op_ctx *c, struct cim_path *p)
{
	model_path_key(p, "SystemCreationClassName", MODEL_S_SYS);
	model_path_key(p, "SystemName", model_sysname(c));
}

/* ---------------------------------------------------- object manager */

static int
om_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *n = model_key_text(p, "Name");

	(void)o;
	if (!model_key_system(c, p) ||
	    !model_key_is(p, "CreationClassName", mc->name))
		return -ENOENT;
	return n != NULL && strcmp(n, OM_NAME) == 0 ? 0 : -ENOENT;
}

static struct cim_path *
om_path(struct op_ctx *c, const struct model_obj *o)
{
	struct cim_path *p = model_path_new(c, OM_CLASS, MODEL_NS_INTEROP, 4);

	(void)o;
	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", OM_CLASS);
	model_path_key(p, "Name", OM_NAME);
	om_path_keys(c, p);
	return p;
}

static struct cim_instance *
om_instance(struct op_ctx *c, const struct model_obj *o)
{
	struct model_ib b;

	(void)o;
	model_ib_init(&b, c, OM_CLASS, 12);
	om_keys(&b, c, OM_CLASS);
	model_ib_str(&b, "Name", OM_NAME);
	model_ib_str(&b, "ElementName", OM_NAME);
	model_ib_str(&b, "Description", "arrayd " ARRAYD_VERSION
	    " (HP 3PAR copy-services emulation)");
	model_ib_u16s(&b, "OperationalStatus", 1, model_os_ok);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	model_ib_bool(&b, "Started", true);
	model_ib_bool(&b, "GatherStatisticalData", false);
	return model_ib_done(&b);
}

static const char *const om_supers[] = { "CIM_WBEMService", "CIM_Service",
	MODEL_SUP_ELE, MODEL_SUP_ME, NULL };
static const struct model_ops om_ops = {
	.id = MODEL_ID_NONE,
	.resolve = om_resolve,
	.path = om_path,
	.instance = om_instance,
	.objects = model_objects_one,
};
const struct model_class model_class_object_manager = MODEL_CLASS(OM_CLASS,
    MODEL_NS_INTEROP, OBJ_OBJECT_MANAGER, model_keys_svc, om_supers,
    &om_ops);

/* --------------------------------------------------------- namespaces */

static int
ns_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *om = model_key_text(p, "ObjectManagerName");
	int k;

	if (!model_key_system(c, p) ||
	    !model_key_is(p, "CreationClassName", mc->name) ||
	    !model_key_is(p, "ObjectManagerCreationClassName", OM_CLASS) ||
	    om == NULL || strcmp(om, OM_NAME) != 0)
		return -ENOENT;
	k = model_lookup(ns_ids, 2, model_ns_canon(model_key_text(p, "Name")));
	if (k < 0)
		return -ENOENT;
	o->name = ns_ids[k];
	return 0;
}

static struct cim_path *
ns_path(struct op_ctx *c, const struct model_obj *o)
{
	struct cim_path *p = model_path_new(c, NS_CLASS, MODEL_NS_INTEROP, 6);

	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", NS_CLASS);
	model_path_key(p, "Name", o->name);
	model_path_key(p, "ObjectManagerCreationClassName", OM_CLASS);
	model_path_key(p, "ObjectManagerName", OM_NAME);
	om_path_keys(c, p);
	return p;
}

static int
ns_objects(struct op_ctx *c, const struct model_class *mc, model_obj_fn fn,
    void *arg)
{
	return model_objects_named(c, mc, ns_ids, 2, fn, arg);
}

static struct cim_instance *
ns_instance(struct op_ctx *c, const struct model_obj *o)
{
	struct model_ib b;

	model_ib_init(&b, c, NS_CLASS, 10);
	om_keys(&b, c, NS_CLASS);
	model_ib_str(&b, "Name", o->name);
	model_ib_str(&b, "ObjectManagerCreationClassName", OM_CLASS);
	model_ib_str(&b, "ObjectManagerName", OM_NAME);
	model_ib_str(&b, "ElementName", o->name);
	model_ib_u(&b, "ClassInfo", CIM_T_UINT16, 0);
	return model_ib_done(&b);
}

static const char *const ns_keys[] = { "CreationClassName", "Name",
	"ObjectManagerCreationClassName", "ObjectManagerName",
	"SystemCreationClassName", "SystemName" };
static const char *const ns_supers[] = { MODEL_SUP_ME, NULL };
static const struct model_ops ns_ops = {
	.id = MODEL_ID_NAME,
	.resolve = ns_resolve,
	.path = ns_path,
	.instance = ns_instance,
	.objects = ns_objects,
};
const struct model_class model_class_namespace = MODEL_CLASS(NS_CLASS,
    MODEL_NS_INTEROP, OBJ_NAMESPACE, ns_keys, ns_supers, &ns_ops);

/* ----------------------------------------------------------- profiles */

/* org: RegisteredOrganization, 11 SNIA, 2 DMTF; InstanceID "<ORG>:<id>". */
struct profile_def {
	const char *id, *name, *version;
	unsigned org;
};

#define ORG_SNIA	11
#define ORG_DMTF	2

static const struct profile_def profiles[] = {
	{ "Array", "Array", "1.6.1", ORG_SNIA },
	{ "BlockServices", "Block Services", "1.6.1", ORG_SNIA },
	{ "CopyServices", "Copy Services", "1.6.1", ORG_SNIA },
	{ "JobControl", "Job Control", "1.6.1", ORG_SNIA },
	{ "ReplicationServices", "Replication Services", "1.6.1", ORG_SNIA },
	{ "Server", "Server", "1.6.1", ORG_SNIA },
	/* DSP1054 1.2.2, the version pywbem's and SMI-S 1.6's servers show. */
	{ "Indications", "Indications", "1.2.2", ORG_DMTF },
};
#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

/* Is profile `pd` registered now?  Replication Services only when shown. */
static bool
profile_shown(const struct op_ctx *c, const struct profile_def *pd)
{
	if (strcmp(pd->id, "Indications") == 0)
		return model_ind_enabled(c);
	return strcmp(pd->id, "ReplicationServices") != 0 ||
	    model_repl_enabled(c);
}

static const struct profile_def *
profile_by_id(const struct op_ctx *c, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < NPROFILES; i++)
		if (strcmp(profiles[i].id, id) == 0)
			return profile_shown(c, &profiles[i]) ? &profiles[i] :
			    NULL;
	return NULL;
}

static int
profile_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *iid = model_key_text(p, "InstanceID");
	const struct profile_def *pd;

	(void)mc;
	if (iid == NULL || strlen(iid) < 5 || (pd = profile_by_id(c,
	    iid + 5)) == NULL || strncmp(iid, pd->org == ORG_DMTF ? "DMTF:" :
	    "SNIA:", 5) != 0)
		return -ENOENT;
	o->name = pd->id;
	return 0;
}

static char *
profile_iid(struct op_ctx *c, const char *id)
{
	const struct profile_def *pd = profile_by_id(c, id);

	return cim_arena_printf(c->arena, "%s:%s", pd != NULL &&
	    pd->org == ORG_DMTF ? "DMTF" : "SNIA", id);
}

static struct cim_path *
profile_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_path_iid(c, PROFILE_CLASS, MODEL_NS_INTEROP,
	    profile_iid(c, o->name));
}

static int
profile_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i;
	int rc;

	for (i = 0; i < NPROFILES; i++) {
		if (!profile_shown(c, &profiles[i]))
			continue;
		o.name = profiles[i].id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static struct cim_instance *
profile_instance(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t adv[] = { 2 };
	const struct profile_def *pd = profile_by_id(c, o->name);
	struct model_ib b;

	if (pd == NULL)
		return NULL;
	model_ib_init(&b, c, PROFILE_CLASS, 8);
	model_ib_str(&b, "InstanceID", profile_iid(c, pd->id));
	model_ib_u(&b, "RegisteredOrganization", CIM_T_UINT16, pd->org);
	model_ib_str(&b, "RegisteredName", pd->name);
	model_ib_str(&b, "RegisteredVersion", pd->version);
	model_ib_u16s(&b, "AdvertiseTypes", 1, adv);
	model_ib_str(&b, "ElementName", pd->name);
	return model_ib_done(&b);
}

static const char *const profile_supers[] = {
	"CIM_RegisteredSpecification", MODEL_SUP_ME, NULL };
static const struct model_ops profile_ops = {
	.id = MODEL_ID_NAME,
	.resolve = profile_resolve,
	.path = profile_path,
	.instance = profile_instance,
	.objects = profile_objects,
};
const struct model_class model_class_profile = MODEL_CLASS(PROFILE_CLASS,
    MODEL_NS_INTEROP, OBJ_PROFILE, model_keys_iid, profile_supers,
    &profile_ops);
