/* SPDX-License-Identifier: ISC */
/*
 * model_pair.c - TPD_StorageSynchronized, one per replica pair: an
 * association whose instances are objects of their own (they have state).
 * Its keys are references to the two volumes; strict and lenient
 * resolvers, path, instance and enumerator.  Values follow SPEC.md §2.3
 * (3PAR Table 42) and CLIENTS.md §4.  Reads replica state (and looks at
 * the volumes' files when a client is shown a pair); built in the request
 * arena.
 */
#include <errno.h>

#include "cim/model_int.h"
#include "cim/schema.h"
#include "replica/replica.h"

#define PAIR_CLASS	"TPD_StorageSynchronized"

/* A nested volume reference (pair keys), resolved in the same mode. */
static int
pair_volref(const struct op_ctx *c, const struct cim_path *ref,
    enum model_mode mode, uint32_t *id)
{
	struct model_obj o;
	int rc;

	if (ref == NULL)
		return -EINVAL;
	rc = model_resolve_mode(c, ref, mode, OBJ_VOLUME, &o);
	if (rc != 0)
		return rc;
	*id = o.vol_id;
	return 0;
}

static int
pair_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	int rc;

	(void)mc;
	rc = pair_volref(c, cim_path_key(p, "SystemElement")->ref,
	    MODEL_STRICT, &o->src_id);
	if (rc == 0)
		rc = pair_volref(c, cim_path_key(p, "SyncedElement")->ref,
		    MODEL_STRICT, &o->tgt_id);
	if (rc != 0)
		return rc == -EINVAL ? -EINVAL : -ENOENT;
	return replica_pair_find(c->rs, o->src_id, o->tgt_id) ? 0 : -ENOENT;
}

/*
 * Two volume references, each resolved leniently; whether a pair joins
 * them is replica/'s question (no pair: return value 4).
 */
static int
pair_lenient(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *o)
{
	const struct cim_keybinding *se, *sy;

	if (!schema_isa(p->classname, "CIM_Synchronized"))
		return -ENOENT;
	se = cim_path_key(p, "SystemElement");
	sy = cim_path_key(p, "SyncedElement");
	if (se == NULL || sy == NULL || se->kind != CIM_KEY_REF ||
	    sy->kind != CIM_KEY_REF ||
	    pair_volref(c, se->ref, MODEL_LENIENT, &o->src_id) != 0 ||
	    pair_volref(c, sy->ref, MODEL_LENIENT, &o->tgt_id) != 0)
		return -ENOENT;
	return 0;
}

struct cim_path *
model_pair_path(struct op_ctx *c, uint32_t src_id, uint32_t tgt_id)
{
	struct cim_path *p;
	struct cim_path *s = model_volume_path(c, src_id);
	struct cim_path *t = model_volume_path(c, tgt_id);

	if (s == NULL || t == NULL)
		return NULL;
	p = model_path_new(c, PAIR_CLASS, MODEL_NS_TPD, 2);
	if (p == NULL)
		return NULL;
	model_path_keyref(p, "SystemElement", s);
	model_path_keyref(p, "SyncedElement", t);
	return p;
}

static struct cim_path *
pair_path(struct op_ctx *c, const struct model_obj *o)
{
	return model_pair_path(c, o->src_id, o->tgt_id);
}

static int
pair_objects(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i, n = replica_pair_count(c->rs);
	int rc;

	for (i = 0; i < n; i++) {
		const struct rpair *pr = replica_pair_at(c->rs, i);

		o.src_id = pr->src_id;
		o.tgt_id = pr->tgt_id;
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

/* The pair as an association: its two volumes. */
static int
pair_links(struct model_gen *g)
{
	size_t i, n = replica_pair_count(g->c->rs);
	struct model_obj a = { .kind = OBJ_VOLUME }, b = { .kind = OBJ_VOLUME };
	int rc;

	for (i = 0; i < n; i++) {
		const struct rpair *pr = replica_pair_at(g->c->rs, i);

		a.vol_id = pr->src_id;
		b.vol_id = pr->tgt_id;
		if ((rc = model_gen_emit(g, a, b)) != 0)
			return rc;
	}
	return 0;
}

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

/*
 * PercentSynced: replica/ decides the number (0 when a copy starts, the
 * copy's progress, 100 when it completes); the model decides only where
 * CIM shows it: while copying and once synced, NULL otherwise (Broken,
 * Initialized).
 */
static int
pair_percent(const struct rpair *pr)
{
	switch (pr->sync_state) {
	case SYNC_FROZEN:
	case SYNC_IDLE:
	case SYNC_RESYNC_IN_PROGRESS:
	case SYNC_COPY_IN_PROGRESS:
	case SYNC_RESTORE_IN_PROGRESS:
		return pr->percent_synced;
	default:
		return -1;
	}
}

/*
 * Mode, as 3PAR's replication types tell it: a snapshot and a physical
 * copy that detaches when it ends (CopyType 5, Synchronous Clone Local)
 * are Synchronous (2); a physical copy that keeps its association
 * (CopyType 4, Asynchronous Clone Local) is Asynchronous (3).
 */
static unsigned
pair_mode(const struct rpair *pr)
{
	return pr->kind == PAIR_PC && pr->copy_type == 4 ? 3 : 2;
}

static struct cim_instance *
pair_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct rpair *pr;
	unsigned cs, ps;
	struct model_ib b;
	int pct;

	if ((pr = o->pair) == NULL) {
		/* A pair shows Broken as soon as one of its files is lost. */
		(void)replica_volume_probe(c->rs, o->src_id);
		(void)replica_volume_probe(c->rs, o->tgt_id);
		pr = replica_pair_find(c->rs, o->src_id, o->tgt_id);
		if (pr == NULL)
			return NULL;
	}
	pair_copy_state(pr->sync_state, &cs, &ps);
	pct = pair_percent(pr);
	model_ib_init(&b, c, PAIR_CLASS, 16);
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
	model_ib_u(&b, "Mode", CIM_T_UINT16, pair_mode(pr));
	model_ib_u(&b, "CopyState", CIM_T_UINT16, cs);
	model_ib_u(&b, "ProgressStatus", CIM_T_UINT16, ps);
	model_ib_u(&b, "RequestedCopyState", CIM_T_UINT16, 15);
	if (pct >= 0)
		model_ib_u(&b, "PercentSynced", CIM_T_UINT16, (unsigned)pct);
	else
		model_ib_null(&b, "PercentSynced", CIM_T_UINT16, false);
	return model_ib_done(&b);
}

static const char *const pair_keys[] = { "SystemElement", "SyncedElement" };
static const char *const pair_supers[] = { "CIM_StorageSynchronized",
	"CIM_Synchronized", NULL };
static const struct model_ops pair_ops = {
	.id = MODEL_ID_PAIR,
	.resolve = pair_resolve,
	.lenient = pair_lenient,
	.path = pair_path,
	.instance = pair_instance,
	.objects = pair_objects,
	.links = pair_links,
};
const struct model_class model_class_pair = {
	.name = PAIR_CLASS, .ns = MODEL_NS_TPD, .kind = OBJ_PAIR,
	.nkeys = 2, .keys = pair_keys, .supers = pair_supers,
	.role = { "SystemElement", "SyncedElement" },
	.refclass = { "CIM_ManagedElement", "CIM_ManagedElement" },
	.ops = &pair_ops,
};
