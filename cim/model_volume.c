/* SPDX-License-Identifier: ISC */
/*
 * model_volume.c - TPD_StorageVolume, one per volume of the replica set:
 * its keys, strict and lenient resolvers, path, instance (with its NAA 6
 * WWN) and enumerator.  Values follow CONTRACT.md §2, SPEC.md §2.3 and
 * CLIENTS.md §2.5.  Reads replica state (and looks at a volume's file when
 * a client is shown it); built in the request arena.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cim/model_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

#define VOL_CLASS	"TPD_StorageVolume"

/*
 * A volume whose backing store is lost (replica/health.c): Error first, as
 * 3PAR shows such a VV "failed"; Lost Communication (DMTF: known, contacted
 * before, unreachable now) tells it from a volume a copy failed into.
 */
static const uint16_t os_lost[] = { 6, 13 };

static int
volume_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	if (!model_key_system(c, p) ||
	    !model_key_is(p, "CreationClassName", mc->name) ||
	    model_parse_u32(model_key_text(p, "DeviceID"), &o->vol_id) != 0 ||
	    replica_volume_by_id(c->rs, o->vol_id) == NULL)
		return -ENOENT;
	return 0;
}

/* A key the path may leave out; when present, a class derived from super. */
static bool
key_absent_or(const struct cim_path *p, const char *name, const char *super)
{
	const struct cim_keybinding *k = cim_path_key(p, name);

	return k == NULL || (k->value != NULL && schema_isa(k->value, super));
}

/*
 * Hand-written references (wbemcli users type
 * `TPD_StorageVolume.DeviceID="42",SystemName="S1"`) name a volume by
 * DeviceID when the keys they do carry agree with ours.
 */
static int
volume_lenient(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *o)
{
	const struct cim_keybinding *k;

	if (p->ns != NULL && strcasecmp(p->ns, MODEL_NS_TPD) != 0)
		return -ENOENT;
	if (!schema_isa(p->classname, "CIM_StorageVolume") &&
	    strcasecmp(p->classname, "CIM_ManagedElement") != 0 &&
	    strcasecmp(p->classname, "CIM_LogicalElement") != 0)
		return -ENOENT;
	k = cim_path_key(p, "SystemName");
	if (k != NULL && (k->value == NULL ||
	    strcmp(k->value, model_sysname(c)) != 0))
		return -ENOENT;
	if (!key_absent_or(p, "CreationClassName", "CIM_StorageVolume") ||
	    !key_absent_or(p, "SystemCreationClassName", "CIM_System"))
		return -ENOENT;
	k = cim_path_key(p, "DeviceID");
	/* Digits only: strtoul alone would take " 42", "+42" and "-1". */
	if (k == NULL || k->kind == CIM_KEY_REF ||
	    model_parse_u32(k->value, &o->vol_id) != 0 ||
	    replica_volume_by_id(c->rs, o->vol_id) == NULL)
		return -ENOENT;
	return 0;
}

struct cim_path *
model_volume_path(struct op_ctx *c, uint32_t vol_id)
{
	char *id = cim_arena_printf(c->arena, "%u", (unsigned)vol_id);

	return id ? model_path_sysdev(c, VOL_CLASS, "DeviceID", id) : NULL;
}

static struct cim_path *
volume_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_volume_path(c, o->vol_id);
}

static int
volume_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i, n = replica_volume_count(c->rs);
	int rc;

	for (i = 0; i < n; i++) {
		o.vol_id = replica_volume_at(c->rs, i)->id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * NAA 6 (IEEE registered extended): "6", the 3PAR OUI 0002AC, then 25 hex
 * digits of vendor data: 9 from a hash of the system name, 16 from the id,
 * so the WWN is stable and distinct per system and volume.
 */
char *
model_volume_wwn(struct op_ctx *c, uint32_t vol_id)
{
	uint64_t h = fnv1a(model_sysname(c)) & 0xfffffffffULL;

	return cim_arena_printf(c->arena, "60002AC%09llX%016llX",
	    (unsigned long long)h, (unsigned long long)vol_id);
}

static struct cim_instance *
volume_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct rvolume *v;
	struct model_ib b;

	if ((v = o->vol) == NULL) {
		/* What a client is shown is looked at now (one stat). */
		(void)replica_volume_probe(c->rs, o->vol_id);
		if ((v = replica_volume_by_id(c->rs, o->vol_id)) == NULL)
			return NULL;
	}
	model_ib_init(&b, c, VOL_CLASS, 24);
	model_ib_str(&b, "CreationClassName", VOL_CLASS);
	model_ib_str(&b, "DeviceID", cim_arena_printf(c->arena, "%u",
	    (unsigned)v->id));
	model_ib_str(&b, "SystemCreationClassName", MODEL_S_SYS);
	model_ib_str(&b, "SystemName", model_sysname(c));
	model_ib_str(&b, "ElementName", v->name);
	model_ib_str(&b, "Name", model_volume_wwn(c, v->id));
	model_ib_u(&b, "NameFormat", CIM_T_UINT16, 9);
	model_ib_u(&b, "NameNamespace", CIM_T_UINT16, 2);
	model_ib_u(&b, "BlockSize", CIM_T_UINT64, 512);
	model_ib_u(&b, "NumberOfBlocks", CIM_T_UINT64, v->size / 512);
	model_ib_u(&b, "ConsumableBlocks", CIM_T_UINT64, v->size / 512);
	if (v->missing)
		model_ib_u16s(&b, "OperationalStatus", 2, os_lost);
	else
		model_ib_u16s(&b, "OperationalStatus", 1,
		    v->failed ? model_os_err : model_os_ok);
	model_ib_u(&b, "HealthState", CIM_T_UINT16,
	    v->failed || v->missing ? 25 : 5);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	/* 2 Unrestricted for every volume: smispy only excludes 3. */
	model_ib_u(&b, "Usage", CIM_T_UINT16, 2);
	model_ib_bool(&b, "Primordial", false);
	model_ib_bool(&b, "ThinlyProvisioned", true);
	model_ib_bool(&b, "IsComposite", false);
	model_ib_null(&b, "OtherIdentifyingInfo", CIM_T_STRING, true);
	model_ib_null(&b, "IdentifyingDescriptions", CIM_T_STRING, true);
	model_ib_null(&b, "OtherNameFormat", CIM_T_STRING, false);
	model_ib_null(&b, "OtherNameNamespace", CIM_T_STRING, false);
	return model_ib_done(&b);
}

static const char *const volume_keys[] = { "CreationClassName", "DeviceID",
	"SystemCreationClassName", "SystemName" };
static const char *const volume_supers[] = { "CIM_StorageVolume",
	"CIM_StorageExtent", "CIM_LogicalDevice", MODEL_SUP_ELE, MODEL_SUP_ME,
	NULL };
static const struct model_ops volume_ops = {
	.id = MODEL_ID_VOL,
	.resolve = volume_resolve,
	.lenient = volume_lenient,
	.path = volume_path,
	.instance = volume_instance,
	.objects = volume_objects,
};
const struct model_class model_class_volume = MODEL_CLASS(VOL_CLASS,
    MODEL_NS_TPD, OBJ_VOLUME, volume_keys, volume_supers, &volume_ops);
