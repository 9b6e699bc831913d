/* SPDX-License-Identifier: ISC */
/*
 * model_inst.c - the instances arrayd publishes for its storage objects:
 * system, pools, delta-replica pools, volumes, the configuration service,
 * the capabilities and the replica pairs, plus the instance builder the
 * other model files share.  Values follow CONTRACT.md §2, SPEC.md §2.3-2.5
 * and §6.5, CLIENTS.md §2.5.  Everything is built in the request arena;
 * nothing here changes state or writes XML.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <time.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

#define S_SYS	"TPD_StorageSystem"

/* ---------------------------------------------------------- builder */

void
model_ib_init(struct model_ib *b, struct op_ctx *c, const char *cls,
    size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->c = c;
	b->cap = cap;
	b->in = cim_arena_alloc(c->arena, sizeof(*b->in));
	if (b->in != NULL)
		b->in->props = cim_arena_alloc(c->arena,
		    cap * sizeof(*b->in->props));
	if (b->in == NULL || b->in->props == NULL) {
		b->oom = true;
		return;
	}
	b->in->classname = cls;
}

/* A fresh property slot (zeroed), NULL when out of room or memory. */
static struct cim_prop *
ib_slot(struct model_ib *b, const char *name, enum cim_type t)
{
	struct cim_prop *np;

	if (b->oom)
		return NULL;
	if (b->in->nprops == b->cap) {
		np = cim_arena_alloc(b->c->arena, 2 * b->cap * sizeof(*np));
		if (np == NULL) {
			b->oom = true;
			return NULL;
		}
		memcpy(np, b->in->props, b->cap * sizeof(*np));
		b->in->props = np;
		b->cap *= 2;
	}
	np = &b->in->props[b->in->nprops++];
	np->name = name;
	np->type = t;
	return np;
}

void
model_ib_str(struct model_ib *b, const char *name, const char *v)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_STRING);

	if (p == NULL)
		return;
	p->text = v;
	p->is_null = v == NULL;
}

void
model_ib_u(struct model_ib *b, const char *name, enum cim_type t, uint64_t v)
{
	struct cim_prop *p = ib_slot(b, name, t);

	if (p == NULL)
		return;
	p->text = cim_arena_printf(b->c->arena, "%llu", (unsigned long long)v);
	if (p->text == NULL)
		b->oom = true;
}

void
model_ib_bool(struct model_ib *b, const char *name, bool v)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_BOOLEAN);

	if (p != NULL)
		p->text = v ? "TRUE" : "FALSE";
}

void
model_ib_null(struct model_ib *b, const char *name, enum cim_type t,
    bool is_array)
{
	struct cim_prop *p = ib_slot(b, name, t);

	if (p != NULL) {
		p->is_null = true;
		p->is_array = is_array;
	}
}

void
model_ib_u16s(struct model_ib *b, const char *name, size_t n,
    const uint16_t *v)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_UINT16);
	const char **items;
	size_t i;

	if (p == NULL)
		return;
	p->is_array = true;
	items = cim_arena_alloc(b->c->arena, (n + 1) * sizeof(*items));
	if (items == NULL) {
		b->oom = true;
		return;
	}
	for (i = 0; i < n; i++) {
		items[i] = cim_arena_printf(b->c->arena, "%u", (unsigned)v[i]);
		if (items[i] == NULL)
			b->oom = true;
	}
	p->items = items;
	p->n = n;
}

void
model_ib_strs(struct model_ib *b, const char *name, size_t n,
    const char *const *v)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_STRING);

	if (p == NULL)
		return;
	p->is_array = true;
	p->items = (const char **)v;
	p->n = n;
}

void
model_ib_time(struct model_ib *b, const char *name, int64_t usec)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_DATETIME);
	char *s;

	if (p == NULL)
		return;
	if (usec <= 0) {
		p->is_null = true;
		return;
	}
	s = cim_arena_alloc(b->c->arena, 26);
	if (s == NULL) {
		b->oom = true;
		return;
	}
	cim_datetime_format(usec, s);
	p->text = s;
}

void
model_ib_interval(struct model_ib *b, const char *name, int64_t usec)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_DATETIME);
	char *s;

	if (p == NULL)
		return;
	s = cim_arena_alloc(b->c->arena, 26);
	if (s == NULL) {
		b->oom = true;
		return;
	}
	cim_interval_format(usec < 0 ? 0 : usec, s);
	p->text = s;
}

void
model_ib_ref(struct model_ib *b, const char *name, const char *refclass,
    const struct cim_path *ref)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_REFERENCE);

	if (p == NULL)
		return;
	if (ref == NULL)
		b->oom = true;
	p->ref = ref;
	p->refclass = refclass;
}

void
model_ib_embedded(struct model_ib *b, const char *name,
    const struct cim_instance *in)
{
	struct cim_prop *p = ib_slot(b, name, CIM_T_STRING);

	if (p == NULL)
		return;
	p->embedded_instance = true;
	p->text = in != NULL ? cimxml_instance_to_string(b->c->arena, in) :
	    NULL;
	if (p->text == NULL)
		b->oom = true;
}

/* Returns the instance (in the arena) or NULL when memory ran out. */
struct cim_instance *
model_ib_done(struct model_ib *b)
{
	return b->oom ? NULL : b->in;
}

int64_t
model_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *
sysname(const struct op_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
}

static const uint16_t os_ok[] = { 2 };
static const uint16_t os_err[] = { 6 };
/*
 * A volume whose backing store is lost (replica/health.c): Error first, as
 * 3PAR shows such a VV "failed"; Lost Communication (DMTF: known, contacted
 * before, unreachable now) tells it from a volume a copy failed into.
 */
static const uint16_t os_lost[] = { 6, 13 };

/* ------------------------------------------------------------ system */

static struct cim_instance *
inst_system(struct op_ctx *c)
{
	static const uint16_t dedicated[] = { 3, 15 };
	struct model_ib b;

	model_ib_init(&b, c, S_SYS, 16);
	model_ib_str(&b, "CreationClassName", S_SYS);
	model_ib_str(&b, "Name", sysname(c));
	model_ib_str(&b, "ElementName", sysname(c));
	model_ib_str(&b, "Caption", "arrayd storage system");
	model_ib_str(&b, "Description",
	    "arrayd: HP 3PAR StoreServ copy-services emulation");
	model_ib_str(&b, "NameFormat", "Other");
	model_ib_u16s(&b, "OperationalStatus", 1, os_ok);
	model_ib_u16s(&b, "Dedicated", 2, dedicated);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	model_ib_u(&b, "RequestedState", CIM_T_UINT16, 12);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	return model_ib_done(&b);
}

/* -------------------------------------------------------------- pools */

static const char *
conf_pool_path(const struct op_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->conf->npools; i++)
		if (strcmp(c->conf->pools[i].name, name) == 0)
			return c->conf->pools[i].path;
	return NULL;
}

/*
 * Pool space: the filesystem that holds the pool folder (statvfs), which is
 * where new volumes' sparse files go; when it cannot be read, the sum of the
 * pool's volume sizes with nothing remaining.
 */
static void
pool_space(const struct op_ctx *c, const char *name, uint64_t *total,
    uint64_t *remain)
{
	const char *path = conf_pool_path(c, name);
	struct statvfs sv;
	size_t i, n;

	if (path != NULL && statvfs(path, &sv) == 0) {
		*total = (uint64_t)sv.f_blocks * sv.f_frsize;
		*remain = (uint64_t)sv.f_bavail * sv.f_frsize;
		return;
	}
	*total = *remain = 0;
	n = replica_volume_count(c->rs);
	for (i = 0; i < n; i++) {
		const struct rvolume *v = replica_volume_at(c->rs, i);

		if (strcmp(v->pool, name) == 0)
			*total += v->size;
	}
}

static struct cim_instance *
inst_pool(struct op_ctx *c, const struct model_obj *o)
{
	struct model_ib b;
	uint64_t total, remain;

	pool_space(c, o->name, &total, &remain);
	model_ib_init(&b, c, "TPD_StoragePool", 16);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena, "TPD:%s:%s",
	    sysname(c), o->name));
	model_ib_str(&b, "PoolID", o->name);
	model_ib_str(&b, "ElementName", o->name);
	model_ib_str(&b, "Name", o->name);
	model_ib_u(&b, "TotalManagedSpace", CIM_T_UINT64, total);
	model_ib_u(&b, "RemainingManagedSpace", CIM_T_UINT64, remain);
	model_ib_u(&b, "Usage", CIM_T_UINT16, 2);
	model_ib_bool(&b, "Primordial", false);
	model_ib_u16s(&b, "OperationalStatus", 1, os_ok);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	return model_ib_done(&b);
}

/* The delta pool of base volume `id`: the snapshots' space (their sizes). */
static struct cim_instance *
inst_delta_pool(struct op_ctx *c, const struct model_obj *o)
{
	const struct rvolume *base = replica_volume_by_id(c->rs, o->vol_id);
	size_t i, n = replica_volume_count(c->rs);
	uint64_t total = 0;
	struct model_ib b;

	if (base == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct rvolume *v = replica_volume_at(c->rs, i);

		if (v->is_snapshot && v->parent_id == o->vol_id)
			total += v->size;
	}
	model_ib_init(&b, c, "TPD_DeltaReplicaStoragePool", 16);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena,
	    "TPD:%s:SA.%u", sysname(c), (unsigned)o->vol_id));
	model_ib_str(&b, "PoolID", cim_arena_printf(c->arena, "SA.%u",
	    (unsigned)o->vol_id));
	model_ib_str(&b, "ElementName", cim_arena_printf(c->arena,
	    "%s snapshot space", base->name));
	model_ib_u(&b, "TotalManagedSpace", CIM_T_UINT64, total);
	model_ib_u(&b, "RemainingManagedSpace", CIM_T_UINT64, 0);
	/* CIM_StoragePool.Usage 4 = Reserved as a Delta Replica Container. */
	model_ib_u(&b, "Usage", CIM_T_UINT16, 4);
	model_ib_bool(&b, "Primordial", false);
	model_ib_u16s(&b, "OperationalStatus", 1, os_ok);
	return model_ib_done(&b);
}

/* ------------------------------------------------------------ volumes */

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
	uint64_t h = fnv1a(sysname(c)) & 0xfffffffffULL;

	return cim_arena_printf(c->arena, "60002AC%09llX%016llX",
	    (unsigned long long)h, (unsigned long long)vol_id);
}

static struct cim_instance *
inst_volume(struct op_ctx *c, const struct model_obj *o)
{
	const struct rvolume *v;
	struct model_ib b;

	/* What a client is shown is looked at now (one stat). */
	(void)replica_volume_probe(c->rs, o->vol_id);
	if ((v = replica_volume_by_id(c->rs, o->vol_id)) == NULL)
		return NULL;
	model_ib_init(&b, c, "TPD_StorageVolume", 24);
	model_ib_str(&b, "CreationClassName", "TPD_StorageVolume");
	model_ib_str(&b, "DeviceID", cim_arena_printf(c->arena, "%u",
	    (unsigned)v->id));
	model_ib_str(&b, "SystemCreationClassName", S_SYS);
	model_ib_str(&b, "SystemName", sysname(c));
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
		    v->failed ? os_err : os_ok);
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

/* ------------------------------------------------- service, capabilities */

static struct cim_instance *
inst_service(struct op_ctx *c)
{
	struct model_ib b;

	model_ib_init(&b, c, "TPD_StorageConfigurationService", 16);
	model_ib_str(&b, "CreationClassName",
	    "TPD_StorageConfigurationService");
	model_ib_str(&b, "Name", "StorageConfigurationService");
	model_ib_str(&b, "SystemCreationClassName", S_SYS);
	model_ib_str(&b, "SystemName", sysname(c));
	model_ib_str(&b, "ElementName", "StorageConfigurationService");
	model_ib_str(&b, "Description",
	    "Physical and virtual copies of volumes");
	model_ib_u16s(&b, "OperationalStatus", 1, os_ok);
	model_ib_u(&b, "EnabledState", CIM_T_UINT16, 2);
	model_ib_u(&b, "RequestedState", CIM_T_UINT16, 12);
	model_ib_u(&b, "HealthState", CIM_T_UINT16, 5);
	model_ib_bool(&b, "Started", true);
	return model_ib_done(&b);
}

/*
 * Volume creation/deletion/resize (actions 5, 6, 7) are not claimed: there
 * is no CreateOrModifyElementFromStoragePool/ReturnToStoragePool.  Replica
 * creation, modification and attachment are.
 */
static struct cim_instance *
inst_conf_caps(struct op_ctx *c)
{
	static const uint16_t copy_types[] = { 4, 5 };
	static const uint16_t el_types[] = { 2 };
	static const uint16_t async_act[] = { 8, 9, 10 };
	static const uint16_t sync_act[] = { 8, 9 };
	struct model_ib b;

	model_ib_init(&b, c, "TPD_StorageConfigurationCapabilities", 12);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena, "TPD:%s:SCC",
	    sysname(c)));
	model_ib_str(&b, "ElementName", "Storage configuration capabilities");
	model_ib_u16s(&b, "SupportedCopyTypes", 2, copy_types);
	model_ib_u16s(&b, "SupportedStorageElementTypes", 1, el_types);
	model_ib_u16s(&b, "SupportedAsynchronousActions", 3, async_act);
	model_ib_u16s(&b, "SupportedSynchronousActions", 2, sync_act);
	/* Empty, not NULL: smispy tests membership in it. */
	model_ib_u16s(&b, "SupportedStorageElementFeatures", 0, NULL);
	return model_ib_done(&b);
}

/* Table 40 of the 3PAR guide (SPEC.md §2.5), restricted to what we do. */
static struct cim_instance *
inst_repl_caps(struct op_ctx *c, const struct model_obj *o)
{
	static const uint16_t vc_sync[] = { 2 }, pc_async[] = { 6 };
	static const uint16_t vc_spec[] = { 2 };
	static const uint16_t vc_mod[] = { 5 }, pc_mod[] = { 2, 4, 12, 13 };
	static const uint16_t vc_host[] = { 5, 6, 10, 11 };
	bool vc = strcmp(o->name, "UnSyncAssoc-Delta") == 0;
	struct model_ib b;

	model_ib_init(&b, c, "TPD_StorageReplicationCapabilities", 16);
	model_ib_str(&b, "InstanceID", cim_arena_printf(c->arena, "TPD:%s:%s",
	    sysname(c), o->name));
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

/* -------------------------------------------------------------- pairs */

/* SyncState -> CopyState / ProgressStatus, 3PAR Table 42 (SPEC.md §2.3). */
static void
pair_copy_state(unsigned ss, unsigned *cs, unsigned *ps)
{
	switch (ss) {
	case SYNC_INITIALIZED:
		*cs = 2, *ps = 2;
		break;
	case SYNC_RESYNC_IN_PROGRESS:
		*cs = 3, *ps = 6;
		break;
	case SYNC_FROZEN:
		*cs = 4, *ps = 2;
		break;
	case SYNC_IDLE:
		*cs = 8, *ps = 2;
		break;
	case SYNC_COPY_IN_PROGRESS:
		*cs = 3, *ps = 7;
		break;
	case SYNC_RESTORE_IN_PROGRESS:
		*cs = 4, *ps = 8;
		break;
	default:	/* Broken and anything unexpected */
		*cs = 5, *ps = 15;
		break;
	}
}

static int
pair_percent(const struct op_ctx *c, const struct rpair *pr)
{
	const struct rjob *j;

	switch (pr->sync_state) {
	case SYNC_FROZEN:
	case SYNC_IDLE:
		return 100;
	case SYNC_RESYNC_IN_PROGRESS:
	case SYNC_COPY_IN_PROGRESS:
	case SYNC_RESTORE_IN_PROGRESS:
		j = pr->job_id ? replica_job_by_id(c->rs, pr->job_id) : NULL;
		if (j != NULL)
			return j->percent;
		return pr->percent_synced;
	default:
		return -1;
	}
}

static struct cim_instance *
inst_pair(struct op_ctx *c, const struct model_obj *o)
{
	const struct rpair *pr;
	unsigned cs, ps;
	struct model_ib b;
	int pct;

	/* A pair shows Broken as soon as one of its files is lost. */
	(void)replica_volume_probe(c->rs, o->src_id);
	(void)replica_volume_probe(c->rs, o->tgt_id);
	if ((pr = replica_pair_find(c->rs, o->src_id, o->tgt_id)) == NULL)
		return NULL;
	pair_copy_state(pr->sync_state, &cs, &ps);
	pct = pair_percent(c, pr);
	model_ib_init(&b, c, "TPD_StorageSynchronized", 16);
	model_ib_ref(&b, "SystemElement", "CIM_ManagedElement",
	    model_volume_path(c, pr->src_id));
	model_ib_ref(&b, "SyncedElement", "CIM_ManagedElement",
	    model_volume_path(c, pr->tgt_id));
	model_ib_u(&b, "CopyType", CIM_T_UINT16, pr->copy_type);
	model_ib_u(&b, "ReplicaType", CIM_T_UINT16, pr->kind == PAIR_PC ? 2 : 4);
	/* SyncState 6 is never produced (CLIENTS.md §4 item 31). */
	model_ib_u(&b, "SyncState", CIM_T_UINT16,
	    pr->sync_state == 6 ? SYNC_FROZEN : pr->sync_state);
	model_ib_bool(&b, "SyncMaintained", false);
	model_ib_time(&b, "WhenSynced", pr->when_synced_us);
	model_ib_u(&b, "SyncType", CIM_T_UINT16, pr->kind == PAIR_PC ? 8 : 7);
	model_ib_u(&b, "Mode", CIM_T_UINT16, 2);
	model_ib_u(&b, "CopyState", CIM_T_UINT16, cs);
	model_ib_u(&b, "ProgressStatus", CIM_T_UINT16, ps);
	model_ib_u(&b, "RequestedCopyState", CIM_T_UINT16, 15);
	if (pct >= 0)
		model_ib_u(&b, "PercentSynced", CIM_T_UINT16, (unsigned)pct);
	else
		model_ib_null(&b, "PercentSynced", CIM_T_UINT16, false);
	return model_ib_done(&b);
}

/* Returns the instance of an object in c->arena, NULL if gone or no memory. */
struct cim_instance *
model_instance(struct op_ctx *c, const struct model_obj *o)
{
	switch (o->kind) {
	case OBJ_SYSTEM:
		return inst_system(c);
	case OBJ_POOL:
		return inst_pool(c, o);
	case OBJ_DELTA_POOL:
		return inst_delta_pool(c, o);
	case OBJ_VOLUME:
		return inst_volume(c, o);
	case OBJ_SERVICE:
		return inst_service(c);
	case OBJ_REPL_CAPS:
		return inst_repl_caps(c, o);
	case OBJ_CONF_CAPS:
		return inst_conf_caps(c);
	case OBJ_JOB:
		return model_job_instance(c, o->job_id);
	case OBJ_METHOD_RESULT:
		return model_method_result_instance(c, o->job_id);
	case OBJ_PAIR:
		return inst_pair(c, o);
	case OBJ_NAMESPACE:
	case OBJ_OBJECT_MANAGER:
	case OBJ_PROFILE:
		return model_interop_instance(c, o);
	default:
		return NULL;
	}
}
