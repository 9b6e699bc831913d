/* SPDX-License-Identifier: ISC */
/*
 * model_indic.c - the Indications profile (DSP1054) in the interop
 * namespace: the stored CIM_IndicationFilter, CIM_ListenerDestinationCIMXML
 * (and the older CIM_IndicationHandlerCIMXML) and CIM_IndicationSubscription
 * records of indic/, and the fixed CIM_IndicationService with its
 * CIM_IndicationServiceCapabilities, CIM_ElementCapabilities and
 * CIM_HostedService (to the array's system).  Resolvers, paths, instances
 * and enumerators; nothing here changes the registry (intrinsic_indic.c
 * does) or writes XML.
 *
 * Keys are given back as the client spelled them at CreateInstance
 * (pywbem sends SystemCreationClassName "CIM_ComputerSystem"); a path
 * resolves when every key matches the stored record, class names
 * case-insensitively, Name case-insensitively (indic/ keeps names unique
 * that way), SystemName exactly.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/model_int.h"
#include "indic/indic.h"

#define FILTER_CLASS	"CIM_IndicationFilter"
#define DEST_CLASS	"CIM_ListenerDestinationCIMXML"
#define HANDLER_CLASS	"CIM_IndicationHandlerCIMXML"
#define SUB_CLASS	"CIM_IndicationSubscription"
#define ISVC_CLASS	"CIM_IndicationService"
#define ISVC_NAME	"arrayd:IndicationService"
#define ICAPS_CLASS	"CIM_IndicationServiceCapabilities"
#define ICAPS_IID	"arrayd:IndicationServiceCapabilities"

bool
model_ind_enabled(const struct op_ctx *c)
{
	return c->ix != NULL;
}

/* The kind a destination record is shown as (its CreationClassName). */
static enum model_kind
ind_dest_kind(const struct indic_dest *d)
{
	return strcasecmp(d->creation_class, HANDLER_CLASS) == 0 ?
	    OBJ_IND_HANDLER : OBJ_IND_DEST;
}

/* Do the four keys of p name this stored record? */
static bool
ind_keys_match(const struct cim_path *p, const char *ccn, const char *sccn,
    const char *sysname)
{
	const char *v = model_key_text(p, "SystemName");

	return model_key_is(p, "CreationClassName", ccn) &&
	    model_key_is(p, "SystemCreationClassName", sccn) &&
	    v != NULL && strcmp(v, sysname) == 0;
}

static struct cim_path *
ind_path4(struct op_ctx *c, const char *cls, const char *ccn,
    const char *sccn, const char *sysname, const char *name)
{
	struct cim_path *p = model_path_new(c, cls, MODEL_NS_INTEROP, 4);

	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", ccn);
	model_path_key(p, "Name", name);
	model_path_key(p, "SystemCreationClassName", sccn);
	model_path_key(p, "SystemName", sysname);
	return p;
}

/* Split "a\nb" into an arena array; *n items. */
static const char **
ind_split(struct op_ctx *c, const char *s, size_t *n)
{
	const char **v;
	char *dup, *save = NULL, *tok;
	size_t cap = 1;

	*n = 0;
	for (const char *q = s; *q != '\0'; q++)
		cap += *q == '\n';
	v = cim_arena_alloc(c->arena, cap * sizeof(*v));
	dup = cim_arena_strdup(c->arena, s);
	if (v == NULL || dup == NULL)
		return NULL;
	for (tok = strtok_r(dup, "\n", &save); tok != NULL && *n < cap;
	    tok = strtok_r(NULL, "\n", &save))
		v[(*n)++] = tok;
	return v;
}

/*
 * The id of the i-th stored record a class of kind k shows (*id), false
 * past the end; *shown false for a destination of the other class.
 */
static bool
ind_rec_at(const struct op_ctx *c, enum model_kind k, size_t i, uint64_t *id,
    bool *shown)
{
	const struct indic_filter *f;
	const struct indic_dest *d;
	const struct indic_sub *s;

	*shown = true;
	switch (k) {
	case OBJ_IND_FILTER:
		if ((f = indic_filter_at(c->ix, i)) == NULL)
			return false;
		*id = f->id;
		return true;
	case OBJ_IND_SUB:
		if ((s = indic_sub_at(c->ix, i)) == NULL)
			return false;
		*id = s->id;
		return true;
	default:
		if ((d = indic_dest_at(c->ix, i)) == NULL)
			return false;
		*id = d->id;
		*shown = ind_dest_kind(d) == k;
		return true;
	}
}

/* Every stored record of class mc, in id order. */
static int
ind_objects(struct op_ctx *c, const struct model_class *mc, model_obj_fn fn,
    void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	bool shown;

	for (size_t i = 0; c->ix != NULL &&
	    ind_rec_at(c, mc->kind, i, &o.ind_id, &shown); i++) {
		int rc = shown ? fn(c, &o, arg) : 0;

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ filters */

static int
filter_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const struct indic_filter *f;

	(void)mc;
	if (c->ix == NULL ||
	    (f = indic_filter_find(c->ix, model_key_text(p, "Name"))) == NULL ||
	    !ind_keys_match(p, f->creation_class, f->system_ccn,
	    f->system_name))
		return -ENOENT;
	o->ind_id = f->id;
	return 0;
}

static struct cim_path *
filter_path(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_filter *f = c->ix != NULL ?
	    indic_filter_get(c->ix, o->ind_id) : NULL;

	if (f == NULL)
		return NULL;
	return ind_path4(c, FILTER_CLASS, f->creation_class, f->system_ccn,
	    f->system_name, f->name);
}

static struct cim_instance *
filter_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_filter *f = c->ix != NULL ?
	    indic_filter_get(c->ix, o->ind_id) : NULL;
	const char **ns;
	struct model_ib b;
	size_t n;

	if (f == NULL)
		return NULL;
	model_ib_init(&b, c, FILTER_CLASS, 12);
	model_ib_str(&b, "CreationClassName", f->creation_class);
	model_ib_str(&b, "Name", f->name);
	model_ib_str(&b, "SystemCreationClassName", f->system_ccn);
	model_ib_str(&b, "SystemName", f->system_name);
	model_ib_str(&b, "Query", f->query);
	model_ib_str(&b, "QueryLanguage", f->query_language);
	if (f->source_namespaces[0] != '\0' &&
	    (ns = ind_split(c, f->source_namespaces, &n)) != NULL)
		model_ib_strs(&b, "SourceNamespaces", n, ns);
	else
		model_ib_null(&b, "SourceNamespaces", CIM_T_STRING, true);
	if (f->source_namespace[0] != '\0')
		model_ib_str(&b, "SourceNamespace", f->source_namespace);
	else
		model_ib_null(&b, "SourceNamespace", CIM_T_STRING, false);
	if (f->element_name[0] != '\0')
		model_ib_str(&b, "ElementName", f->element_name);
	else
		model_ib_null(&b, "ElementName", CIM_T_STRING, false);
	model_ib_bool(&b, "IndividualSubscriptionSupported", true);
	return model_ib_done(&b);
}


/* ------------------------------------------------------- destinations */

static int
dest_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const struct indic_dest *d;

	if (c->ix == NULL ||
	    (d = indic_dest_find(c->ix, model_key_text(p, "Name"))) == NULL ||
	    ind_dest_kind(d) != mc->kind ||
	    !ind_keys_match(p, d->creation_class, d->system_ccn,
	    d->system_name))
		return -ENOENT;
	o->ind_id = d->id;
	return 0;
}

static struct cim_path *
dest_path(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_dest *d = c->ix != NULL ?
	    indic_dest_get(c->ix, o->ind_id) : NULL;

	if (d == NULL)
		return NULL;
	return ind_path4(c, ind_dest_kind(d) == OBJ_IND_HANDLER ?
	    HANDLER_CLASS : DEST_CLASS, d->creation_class, d->system_ccn,
	    d->system_name, d->name);
}

static struct cim_instance *
dest_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_dest *d = c->ix != NULL ?
	    indic_dest_get(c->ix, o->ind_id) : NULL;
	struct model_ib b;

	if (d == NULL)
		return NULL;
	model_ib_init(&b, c, ind_dest_kind(d) == OBJ_IND_HANDLER ?
	    HANDLER_CLASS : DEST_CLASS, 10);
	model_ib_str(&b, "CreationClassName", d->creation_class);
	model_ib_str(&b, "Name", d->name);
	model_ib_str(&b, "SystemCreationClassName", d->system_ccn);
	model_ib_str(&b, "SystemName", d->system_name);
	model_ib_str(&b, "Destination", d->destination);
	model_ib_u(&b, "PersistenceType", CIM_T_UINT16, d->persistence_type);
	model_ib_u(&b, "Protocol", CIM_T_UINT16, d->protocol);
	if (ind_dest_kind(d) == OBJ_IND_HANDLER)
		model_ib_str(&b, "Owner", d->owner);
	return model_ib_done(&b);
}


/* ------------------------------------------------------ subscriptions */

/* A subscription's two ends as objects. */
static void
sub_ends(const struct op_ctx *c, const struct indic_sub *s,
    struct model_obj *f, struct model_obj *d)
{
	const struct indic_dest *dd = indic_dest_get(c->ix, s->dest_id);

	memset(f, 0, sizeof(*f));
	memset(d, 0, sizeof(*d));
	f->kind = OBJ_IND_FILTER;
	f->ind_id = s->filter_id;
	d->kind = dd != NULL ? ind_dest_kind(dd) : OBJ_IND_DEST;
	d->ind_id = s->dest_id;
}

static int
sub_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const struct cim_keybinding *kf = cim_path_key(p, "Filter");
	const struct cim_keybinding *kh = cim_path_key(p, "Handler");
	const struct indic_sub *s;
	struct model_obj f, h;

	(void)mc;
	if (c->ix == NULL || kf == NULL || kh == NULL || kf->ref == NULL ||
	    kh->ref == NULL)
		return -ENOENT;
	if (model_resolve_mode(c, kf->ref, MODEL_STRICT, OBJ_IND_FILTER,
	    &f) != 0 || model_resolve(c, kh->ref, &h) != 0 ||
	    (h.kind != OBJ_IND_DEST && h.kind != OBJ_IND_HANDLER) ||
	    (s = indic_sub_find(c->ix, f.ind_id, h.ind_id)) == NULL)
		return -ENOENT;
	o->ind_id = s->id;
	return 0;
}

static const struct indic_sub *
sub_get(const struct op_ctx *c, uint64_t id)
{
	return c->ix != NULL ? indic_sub_get(c->ix, id) : NULL;
}

static struct cim_path *
sub_path(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_sub *s = sub_get(c, o->ind_id);
	struct model_obj f, d;
	struct cim_path *p, *pf, *pd;

	if (s == NULL)
		return NULL;
	sub_ends(c, s, &f, &d);
	pf = model_path(c, &f);
	pd = model_path(c, &d);
	if (pf == NULL || pd == NULL ||
	    (p = model_path_new(c, SUB_CLASS, MODEL_NS_INTEROP, 2)) == NULL)
		return NULL;
	model_path_keyref(p, "Filter", pf);
	model_path_keyref(p, "Handler", pd);
	return p;
}

static struct cim_instance *
sub_build(struct op_ctx *c, const struct indic_sub *s)
{
	struct model_obj f, d;
	struct model_ib b;

	sub_ends(c, s, &f, &d);
	model_ib_init(&b, c, SUB_CLASS, 10);
	model_ib_ref(&b, "Filter", FILTER_CLASS, model_path(c, &f));
	model_ib_ref(&b, "Handler", "CIM_ListenerDestination",
	    model_path(c, &d));
	/* A subscription that lost indications shows Enabled Degraded. */
	model_ib_u(&b, "SubscriptionState", CIM_T_UINT16, s->state == 2 &&
	    s->delivery_failure != 0 ? 3 : s->state);
	model_ib_u(&b, "OnFatalErrorPolicy", CIM_T_UINT16, s->on_fatal_error);
	model_ib_u(&b, "RepeatNotificationPolicy", CIM_T_UINT16,
	    s->repeat_policy);
	model_ib_time(&b, "SubscriptionStartTime", s->created_us);
	return model_ib_done(&b);
}

static struct cim_instance *
sub_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct indic_sub *s = sub_get(c, o->ind_id);

	return s != NULL ? sub_build(c, s) : NULL;
}


static int
sub_links(struct model_gen *g)
{
	const struct indic_sub *s;
	struct model_obj f, d;
	int rc;

	for (size_t i = 0; g->c->ix != NULL &&
	    (s = indic_sub_at(g->c->ix, i)) != NULL; i++) {
		sub_ends(g->c, s, &f, &d);
		if ((rc = model_gen_emit(g, f, d)) != 0)
			return rc;
	}
	return 0;
}

struct cim_instance *
model_ind_sub_instance(struct op_ctx *c, const struct model_link *l)
{
	const struct indic_sub *s = c->ix != NULL ? indic_sub_find(c->ix,
	    l->end[0].ind_id, l->end[1].ind_id) : NULL;

	return s != NULL ? sub_build(c, s) : NULL;
}

bool
model_ind_sub_exists(const struct op_ctx *c, const struct model_link *l)
{
	return c->ix != NULL && indic_sub_find(c->ix, l->end[0].ind_id,
	    l->end[1].ind_id) != NULL;
}

/* ------------------------------------------------ service, capabilities */

static int
isvc_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	(void)o;
	return model_ind_enabled(c) ? model_service_resolve(c, mc, p,
	    ISVC_NAME) : -ENOENT;
}

static struct cim_path *
isvc_path(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return ind_path4(c, ISVC_CLASS, ISVC_CLASS, MODEL_S_SYS,
	    model_sysname(c), ISVC_NAME);
}

/*
 * DSP1054 8.x: what the service does, from conf [indications].
 * SubscriptionRemovalAction 4 (Ignore): a failing destination keeps its
 * subscriptions; indications it cannot take are dropped and counted.
 */
static struct cim_instance *
isvc_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct conf_indications *ci = c->conf != NULL ?
	    &c->conf->indications : NULL;
	struct cim_instance *in;
	struct model_ib b;

	(void)o;
	in = model_service_instance(c, ISVC_CLASS, ISVC_NAME,
	    "Indication Service", "CIM-XML indications for copy jobs, "
	    "volumes and replica pairs");
	if (in == NULL)
		return NULL;
	/* Copy what the shared builder made and add the DSP1054 part. */
	model_ib_init(&b, c, ISVC_CLASS, in->nprops + 8);
	for (size_t i = 0; i < in->nprops && !b.oom; i++)
		b.in->props[b.in->nprops++] = in->props[i];
	model_ib_bool(&b, "FilterCreationEnabled", true);
	model_ib_u(&b, "SubscriptionRemovalAction", CIM_T_UINT16, 4);
	model_ib_null(&b, "SubscriptionRemovalTimeInterval", CIM_T_DATETIME,
	    false);
	model_ib_u(&b, "DeliveryRetryAttempts", CIM_T_UINT16,
	    ci != NULL ? ci->retry_attempts : 0);
	model_ib_u(&b, "DeliveryRetryInterval", CIM_T_UINT32,
	    ci != NULL ? ci->retry_interval_s : 0);
	return model_ib_done(&b);
}

static int
ind_objects_one(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	return model_ind_enabled(c) ? model_objects_one(c, mc, fn, arg) : 0;
}

static int
icaps_resolve(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	const char *iid = model_key_text(p, "InstanceID");

	(void)mc, (void)o;
	return model_ind_enabled(c) && iid != NULL &&
	    strcmp(iid, ICAPS_IID) == 0 ? 0 : -ENOENT;
}

static struct cim_path *
icaps_path(struct op_ctx *c, const struct model_obj *o)
{
	(void)o;
	return model_path_iid(c, ICAPS_CLASS, MODEL_NS_INTEROP, ICAPS_IID);
}

static struct cim_instance *
icaps_instance(struct op_ctx *c, const struct model_obj *o)
{
	const struct conf_indications *ci = c->conf != NULL ?
	    &c->conf->indications : NULL;
	struct model_ib b;

	(void)o;
	model_ib_init(&b, c, ICAPS_CLASS, 12);
	model_ib_str(&b, "InstanceID", ICAPS_IID);
	model_ib_str(&b, "ElementName", "Indication Service Capabilities");
	model_ib_bool(&b, "FilterCreationEnabledIsSettable", false);
	model_ib_bool(&b, "DeliveryRetryAttemptsIsSettable", false);
	model_ib_bool(&b, "DeliveryRetryIntervalIsSettable", false);
	model_ib_bool(&b, "SubscriptionRemovalActionIsSettable", false);
	model_ib_bool(&b, "SubscriptionRemovalTimeIntervalIsSettable", false);
	model_ib_u(&b, "MaxListenerDestinations", CIM_T_UINT32,
	    ci != NULL ? ci->max_subscriptions : 0);
	model_ib_u(&b, "MaxActiveSubscriptions", CIM_T_UINT32,
	    ci != NULL ? ci->max_subscriptions : 0);
	model_ib_bool(&b, "SubscriptionsPersisted", true);
	return model_ib_done(&b);
}

/* --------------------------------------------------------- the classes */

static const char *const ind_keys4[] = { "CreationClassName", "Name",
	"SystemCreationClassName", "SystemName" };
static const char *const filter_supers[] = { "CIM_ManagedElement", NULL };
static const char *const dest_supers[] = { "CIM_ListenerDestination",
	MODEL_SUP_ME, NULL };
static const char *const handler_supers[] = { "CIM_IndicationHandler",
	"CIM_ListenerDestination", MODEL_SUP_ME, NULL };
static const char *const sub_keys[] = { "Filter", "Handler" };
static const char *const sub_supers[] = { "CIM_AbstractIndicationSubscription",
	NULL };
static const char *const isvc_supers[] = { "CIM_Service", MODEL_SUP_ELE,
	MODEL_SUP_ME, NULL };
static const char *const icaps_supers[] = { "CIM_Capabilities", MODEL_SUP_ME,
	NULL };

static const struct model_ops filter_ops = {
	.id = MODEL_ID_IND, .resolve = filter_resolve, .path = filter_path,
	.instance = filter_instance, .objects = ind_objects,
};
static const struct model_ops dest_ops = {
	.id = MODEL_ID_IND, .resolve = dest_resolve, .path = dest_path,
	.instance = dest_instance, .objects = ind_objects,
};
static const struct model_ops sub_ops = {
	.id = MODEL_ID_IND, .resolve = sub_resolve, .path = sub_path,
	.instance = sub_instance, .objects = ind_objects, .links = sub_links,
};
static const struct model_ops isvc_ops = {
	.id = MODEL_ID_NONE, .resolve = isvc_resolve, .path = isvc_path,
	.instance = isvc_instance, .objects = ind_objects_one,
};
static const struct model_ops icaps_ops = {
	.id = MODEL_ID_NONE, .resolve = icaps_resolve, .path = icaps_path,
	.instance = icaps_instance, .objects = ind_objects_one,
};

const struct model_class model_class_ind_filter = MODEL_CLASS(FILTER_CLASS,
    MODEL_NS_INTEROP, OBJ_IND_FILTER, ind_keys4, filter_supers, &filter_ops);
const struct model_class model_class_ind_dest = MODEL_CLASS(DEST_CLASS,
    MODEL_NS_INTEROP, OBJ_IND_DEST, ind_keys4, dest_supers, &dest_ops);
const struct model_class model_class_ind_handler = MODEL_CLASS(HANDLER_CLASS,
    MODEL_NS_INTEROP, OBJ_IND_HANDLER, ind_keys4, handler_supers, &dest_ops);
const struct model_class model_class_ind_sub = {
	.name = SUB_CLASS, .ns = MODEL_NS_INTEROP, .kind = OBJ_IND_SUB,
	.nkeys = 2, .keys = sub_keys, .supers = sub_supers,
	.role = { "Filter", "Handler" },
	.refclass = { FILTER_CLASS, "CIM_ListenerDestination" },
	.ops = &sub_ops,
};
const struct model_class model_class_ind_service = MODEL_CLASS(ISVC_CLASS,
    MODEL_NS_INTEROP, OBJ_IND_SERVICE, ind_keys4, isvc_supers, &isvc_ops);
const struct model_class model_class_ind_caps = MODEL_CLASS(ICAPS_CLASS,
    MODEL_NS_INTEROP, OBJ_IND_CAPS, model_keys_iid, icaps_supers,
    &icaps_ops);

/* ------------------------------------------------------- associations */

static int
gen_ind_caps(struct model_gen *g)
{
	return model_ind_enabled(g->c) ? model_gen_emit(g,
	    model_obj_make(OBJ_IND_SERVICE), model_obj_make(OBJ_IND_CAPS)) : 0;
}

/* DSP1054: the service is hosted by the system it reports on. */
static int
gen_ind_hosted(struct model_gen *g)
{
	return model_ind_enabled(g->c) ? model_gen_emit(g,
	    model_obj_make(OBJ_SYSTEM), model_obj_make(OBJ_IND_SERVICE)) : 0;
}

static const char *const ec_keys[] = { "ManagedElement", "Capabilities" };
static const char *const ec_supers[] = { NULL };
static const char *const hs_keys[] = { "Antecedent", "Dependent" };
static const char *const hs_supers[] = { "CIM_HostedDependency",
	"CIM_Dependency", NULL };
static const struct model_ops ec_ops = {
	.resolve = model_assoc_resolve, .links = gen_ind_caps,
};
static const struct model_ops hs_ops = {
	.resolve = model_assoc_resolve, .links = gen_ind_hosted,
};
const struct model_class model_assoc_ind_caps = {
	.name = "CIM_ElementCapabilities", .ns = MODEL_NS_INTEROP,
	.kind = OBJ_ASSOC, .nkeys = 2, .keys = ec_keys, .supers = ec_supers,
	.role = { "ManagedElement", "Capabilities" },
	.refclass = { "CIM_ManagedElement", "CIM_Capabilities" },
	.ops = &ec_ops,
};
const struct model_class model_assoc_ind_hosted = {
	.name = "CIM_HostedService", .ns = MODEL_NS_INTEROP,
	.kind = OBJ_ASSOC, .nkeys = 2, .keys = hs_keys, .supers = hs_supers,
	.role = { "Antecedent", "Dependent" },
	.refclass = { "CIM_System", "CIM_Service" },
	.ops = &hs_ops,
};
