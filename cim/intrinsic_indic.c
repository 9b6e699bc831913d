/* SPDX-License-Identifier: ISC */
/*
 * intrinsic_indic.c - CreateInstance, ModifyInstance and DeleteInstance of
 * the Indications profile's stored classes in interop (CONTRACT.md §8,
 * DSP1054): CIM_IndicationFilter, CIM_ListenerDestinationCIMXML,
 * CIM_IndicationHandlerCIMXML and CIM_IndicationSubscription.  Checks the
 * client's instance, then writes the record through indic/.  Reading them
 * (Get/Enumerate/associations) is the model's (model_indic.c).
 *
 * Decided here (the spec is silent):
 * - order of checks: namespace and class (CIM_ERR_NOT_SUPPORTED, as every
 *   other class answers), indications switched off (NOT_SUPPORTED), role
 *   (ACCESS_DENIED: `edit` creates, modifies and deletes, `browse` reads),
 *   then the instance (INVALID_PARAMETER naming the property).
 * - a destination outside the allow list is CIM_ERR_ACCESS_DENIED (the
 *   server refuses to send there; the URL itself is fine); a destination
 *   that is no http(s) URL with an IP literal or localhost is
 *   CIM_ERR_INVALID_PARAMETER.
 * - limits (conf [indications] max_subscriptions, max_per_user) are
 *   CIM_ERR_FAILED with the limit's name and value in the description
 *   (CIM_ERR_SERVER_LIMITS_EXCEEDED exists for pull operations only).
 * - SystemCreationClassName is kept as sent (pywbem: CIM_ComputerSystem);
 *   SystemName, when sent, must be this system's name (CIM_ObjectManager's
 *   SystemName); missing keys get this system's values.
 * - any `edit` user may delete any subscription: arrayd has no per-user
 *   object ownership elsewhere either.
 * - ModifyInstance changes SubscriptionState (2 Enabled, 4 Disabled) only:
 *   a PropertyList naming anything else is refused; without one, the other
 *   properties of the instance are ignored.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "cim/intrinsic_int.h"
#include "cim/model_int.h"
#include "cim/schema.h"
#include "indic/indic.h"
#include "query/query.h"

#define IND_NAME_MAX	256	/* Name key */
#define IND_TEXT_MAX	4096	/* Query, Destination */

/* Which stored class a name is; OBJ_NONE when none of them. */
static enum model_kind
ind_kind_of(const char *cls)
{
	static const struct model_class *const mine[] = {
		&model_class_ind_filter, &model_class_ind_dest,
		&model_class_ind_handler, &model_class_ind_sub,
	};

	for (size_t i = 0; cls != NULL && i < 4; i++)
		if (strcasecmp(mine[i]->name, cls) == 0)
			return mine[i]->kind;
	return OBJ_NONE;
}

static const struct cim_prop *
ind_prop(const struct cim_instance *in, const char *name)
{
	for (size_t i = 0; i < in->nprops; i++)
		if (in->props[i].name != NULL &&
		    strcasecmp(in->props[i].name, name) == 0)
			return &in->props[i];
	return NULL;
}

/* A scalar string property's text, NULL when absent or NULL. */
static const char *
ind_text(const struct cim_instance *in, const char *name)
{
	const struct cim_prop *p = ind_prop(in, name);

	return p != NULL && !p->is_array && !p->is_null &&
	    p->type != CIM_T_REFERENCE ? p->text : NULL;
}

/*
 * A uint16 property: *out keeps `def` when absent or NULL.  -EINVAL (with
 * the error written) when present but not one of allowed[0..n).
 */
static int
ind_u16(struct op_ctx *c, const struct cim_instance *in, const char *name,
    const unsigned *allowed, size_t n, uint16_t *out)
{
	const char *t = ind_text(in, name);
	uint32_t v;

	if (t == NULL)
		return 0;
	if (model_parse_u32(t, &v) == 0)
		for (size_t i = 0; i < n; i++)
			if (allowed[i] == v) {
				*out = (uint16_t)v;
				return 0;
			}
	op_error(c, CIM_ERR_INVALID_PARAMETER, "%s: value '%.32s' is not "
	    "supported", name, t);
	return -EINVAL;
}

/* A text property that must be there and not too long. */
static const char *
ind_need(struct op_ctx *c, const struct cim_instance *in, const char *name,
    size_t max)
{
	const char *t = ind_text(in, name);

	if (t == NULL || t[0] == '\0')
		op_error(c, CIM_ERR_INVALID_PARAMETER, "property %s is "
		    "required", name);
	else if (strlen(t) > max)
		op_error(c, CIM_ERR_INVALID_PARAMETER, "property %s is longer "
		    "than %zu characters", name, max);
	else
		return t;
	return NULL;
}

/* The four keys of a filter or destination, defaulted and checked. */
struct ind_keys {
	const char *ccn, *sccn, *sysname, *name;
};

static int
ind_keys_get(struct op_ctx *c, const struct cim_instance *in,
    const char *cls, struct ind_keys *k)
{
	k->ccn = ind_text(in, "CreationClassName");
	k->sccn = ind_text(in, "SystemCreationClassName");
	k->sysname = ind_text(in, "SystemName");
	if ((k->name = ind_need(c, in, "Name", IND_NAME_MAX)) == NULL)
		return -EINVAL;
	if (k->ccn == NULL || k->ccn[0] == '\0')
		k->ccn = cls;
	if (strcasecmp(k->ccn, cls) != 0) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "CreationClassName "
		    "'%.64s' is not %s", k->ccn, cls);
		return -EINVAL;
	}
	if (k->sccn == NULL || k->sccn[0] == '\0')
		k->sccn = MODEL_S_SYS;
	else if (strlen(k->sccn) > IND_NAME_MAX ||
	    (!model_class_known(k->sccn) &&
	    strcasecmp(k->sccn, "CIM_ComputerSystem") != 0)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "SystemCreationClassName '%.64s' is not a system class",
		    k->sccn);
		return -EINVAL;
	}
	if (k->sysname == NULL || k->sysname[0] == '\0')
		k->sysname = model_sysname(c);
	if (strcmp(k->sysname, model_sysname(c)) != 0) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "SystemName '%.64s' is "
		    "not this system ('%s')", k->sysname, model_sysname(c));
		return -EINVAL;
	}
	return 0;
}

/* What an indic/ add said, as the client's error; 0 passes through. */
static int
ind_add_error(struct op_ctx *c, int err, const char *what, const char *name)
{
	const struct conf_indications *ci = c->conf != NULL ?
	    &c->conf->indications : NULL;

	switch (err) {
	case 0:
		return 0;
	case -EEXIST:
		op_error(c, CIM_ERR_ALREADY_EXISTS, "%s '%.64s' already exists",
		    what, name);
		break;
	case -EDQUOT:
		op_error(c, CIM_ERR_FAILED, "limit reached: at most %u "
		    "subscriptions in all (max_subscriptions) and %u filters, "
		    "destinations and subscriptions per user (max_per_user)",
		    ci != NULL ? ci->max_subscriptions : 0,
		    ci != NULL ? ci->max_per_user : 0);
		break;
	case -ENOENT:
		op_error(c, CIM_ERR_INVALID_PARAMETER, "%s: the filter or "
		    "handler it names does not exist", what);
		break;
	default:
		op_errno(c, err, "storing the subscription data failed");
		break;
	}
	return err;
}

/* Write the new instance's path as CreateInstance's answer. */
static void
ind_answer_path(struct op_ctx *c, enum model_kind kind, uint64_t id)
{
	struct model_obj o = { .kind = kind, .ind_id = id };
	struct cim_path *p = model_path(c, &o);

	if (p == NULL) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return;
	}
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	cimxml_write_path(c->out, p, CIM_PF_INSTANCENAME, c->host, c->ns);
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

/* query/'s view of the class repository (names checked at subscribe). */
static bool
ind_q_class(void *arg, const char *cls, bool *is_indication)
{
	(void)arg;
	if (schema_class(cls) == NULL && !model_class_known(cls))
		return false;
	*is_indication = schema_isa(cls, "CIM_Indication");
	return true;
}

static bool
ind_q_prop(void *arg, const char *cls, const char *prop)
{
	const struct cim_class *k;

	(void)arg;
	/* No class named (a bare property): the evaluator decides later. */
	if (cls == NULL)
		return true;
	if ((k = schema_class(cls)) == NULL)
		return false;
	for (size_t i = 0; i < k->nprops; i++)
		if (strcasecmp(k->props[i].name, prop) == 0)
			return true;
	return false;
}

/*
 * Compile the filter's query (query/): a language it does not speak is
 * CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED, anything else it refuses
 * CIM_ERR_INVALID_QUERY with its message, here and never at delivery.
 * The compiled form is not kept: the event side compiles the stored text
 * again when it needs it (cheap, and a restart must do so anyway).
 */
static int
ind_query_check(struct op_ctx *c, const char *lang, const char *query)
{
	const struct query_schema qs = {
		.arg = NULL, .class_known = ind_q_class,
		.has_property = ind_q_prop,
	};
	struct query *q = NULL;
	char why[256] = "";
	int err;

	err = query_compile(lang, query, &qs, &q, why, sizeof(why));
	query_free(q);
	if (err == -EPROTONOSUPPORT)
		op_error(c, CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED, "query "
		    "language '%.32s' is not supported (WQL, DMTF:CQL)", lang);
	else if (err == -ENOMEM)
		op_errno(c, err, "compiling the query failed");
	else if (err != 0)
		op_error(c, CIM_ERR_INVALID_QUERY, "%s", why[0] != '\0' ? why :
		    "the query is not valid");
	return err;
}

static void
ind_create_filter(struct op_ctx *c, const struct cim_instance *in)
{
	struct indic_filter f = { 0 };
	const struct cim_prop *snss = ind_prop(in, "SourceNamespaces");
	const char *query, *lang, *sns = ind_text(in, "SourceNamespace");
	struct cim_buf joined;
	struct ind_keys k;
	int err;

	if (ind_keys_get(c, in, "CIM_IndicationFilter", &k) != 0 ||
	    (query = ind_need(c, in, "Query", IND_TEXT_MAX)) == NULL ||
	    (lang = ind_need(c, in, "QueryLanguage", 32)) == NULL ||
	    ind_query_check(c, lang, query) != 0)
		return;
	/* Indications arise in root/tpd only; another source never fires. */
	if (sns != NULL && model_ns_canon(sns) == NULL) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "SourceNamespace "
		    "'%.64s' is not a namespace of this server", sns);
		return;
	}
	cim_buf_init(&joined);
	for (size_t i = 0; snss != NULL && snss->is_array && i < snss->n;
	    i++) {
		const char *ns = snss->items[i];

		if (ns == NULL || model_ns_canon(ns) == NULL) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "SourceNamespaces: '%.64s' is not a namespace of "
			    "this server", ns != NULL ? ns : "NULL");
			cim_buf_release(&joined);
			return;
		}
		if (joined.len > 0)
			cim_buf_puts(&joined, "\n");
		cim_buf_puts(&joined, ns);
	}
	cim_buf_puts(&joined, "");
	f.creation_class = (char *)(uintptr_t)k.ccn;
	f.system_ccn = (char *)(uintptr_t)k.sccn;
	f.system_name = (char *)(uintptr_t)k.sysname;
	f.name = (char *)(uintptr_t)k.name;
	f.query = (char *)(uintptr_t)query;
	f.query_language = (char *)(uintptr_t)lang;
	f.source_namespace = (char *)(uintptr_t)sns;
	f.source_namespaces = joined.data != NULL ? joined.data : NULL;
	f.element_name = (char *)(uintptr_t)ind_text(in, "ElementName");
	f.owner = (char *)(uintptr_t)(c->user != NULL ? c->user : "");
	f.permanent = strstr(k.name, "pywbemsubscriptionmanager") == NULL &&
	    strncmp(k.name, "pywbemfilter:", 13) != 0;
	err = joined.oom ? -ENOMEM : indic_filter_add(c->ix, &f);
	cim_buf_release(&joined);
	if (ind_add_error(c, err, "filter", k.name) == 0)
		ind_answer_path(c, OBJ_IND_FILTER, f.id);
}

static void
ind_create_dest(struct op_ctx *c, const struct cim_instance *in,
    enum model_kind kind)
{
	static const unsigned persist[] = { 1, 2, 3 }, proto[] = { 2 };
	const struct conf *cf = c->conf;
	struct indic_dest d = { .persistence_type = 2, .protocol = 2 };
	const char *url;
	struct ind_keys k;
	char why[256];
	int err;

	if (ind_keys_get(c, in, kind == OBJ_IND_HANDLER ?
	    "CIM_IndicationHandlerCIMXML" : "CIM_ListenerDestinationCIMXML",
	    &k) != 0 ||
	    (url = ind_need(c, in, "Destination", IND_TEXT_MAX)) == NULL ||
	    ind_u16(c, in, "PersistenceType", persist, 3,
	    &d.persistence_type) != 0 ||
	    ind_u16(c, in, "Protocol", proto, 1, &d.protocol) != 0)
		return;
	why[0] = '\0';
	err = indic_dest_check(url, cf != NULL ?
	    (const char *const *)cf->indications.allow : NULL,
	    cf != NULL ? cf->indications.nallow : 0, cf != NULL ?
	    (const char *const *)cf->listen : NULL, cf != NULL ?
	    cf->nlisten : 0, why, sizeof(why));
	if (err != 0) {
		op_error(c, err == -EACCES ? CIM_ERR_ACCESS_DENIED :
		    CIM_ERR_INVALID_PARAMETER, "Destination: %s", why);
		return;
	}
	d.creation_class = (char *)(uintptr_t)k.ccn;
	d.system_ccn = (char *)(uintptr_t)k.sccn;
	d.system_name = (char *)(uintptr_t)k.sysname;
	d.name = (char *)(uintptr_t)k.name;
	d.destination = (char *)(uintptr_t)url;
	d.owner = (char *)(uintptr_t)(c->user != NULL ? c->user : "");
	err = indic_dest_add(c->ix, &d);
	if (ind_add_error(c, err, "listener destination", k.name) == 0)
		ind_answer_path(c, kind, d.id);
}

/* A reference property resolved to a stored record of one of two kinds. */
static int
ind_ref(struct op_ctx *c, const struct cim_instance *in, const char *name,
    enum model_kind k1, enum model_kind k2, uint64_t *id)
{
	const struct cim_prop *p = ind_prop(in, name);
	struct model_obj o;

	if (p == NULL || p->type != CIM_T_REFERENCE || p->ref == NULL) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "property %s (a "
		    "reference) is required", name);
		return -EINVAL;
	}
	if (model_resolve(c, p->ref, &o) != 0 ||
	    (o.kind != k1 && o.kind != k2)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "%s names no %s of this "
		    "server", name, k1 == OBJ_IND_FILTER ?
		    "CIM_IndicationFilter" : "listener destination");
		return -ENOENT;
	}
	*id = o.ind_id;
	return 0;
}

static void
ind_create_sub(struct op_ctx *c, const struct cim_instance *in)
{
	static const unsigned states[] = { 2, 4 }, fatal[] = { 2, 3, 4 };
	static const unsigned repeat[] = { 2 };
	struct indic_sub s = {
		.state = 2, .on_fatal_error = 2, .repeat_policy = 2,
	};
	const char *ccn = ind_text(in, "CreationClassName");
	int err;

	if (ccn != NULL && strcasecmp(ccn, "CIM_IndicationSubscription") != 0) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "CreationClassName "
		    "'%.64s' is not CIM_IndicationSubscription", ccn);
		return;
	}
	if (ind_ref(c, in, "Filter", OBJ_IND_FILTER, OBJ_IND_FILTER,
	    &s.filter_id) != 0 ||
	    ind_ref(c, in, "Handler", OBJ_IND_DEST, OBJ_IND_HANDLER,
	    &s.dest_id) != 0 ||
	    ind_u16(c, in, "SubscriptionState", states, 2, &s.state) != 0 ||
	    ind_u16(c, in, "OnFatalErrorPolicy", fatal, 3,
	    &s.on_fatal_error) != 0 ||
	    ind_u16(c, in, "RepeatNotificationPolicy", repeat, 1,
	    &s.repeat_policy) != 0)
		return;
	s.creation_class = (char *)(uintptr_t)"CIM_IndicationSubscription";
	s.owner = (char *)(uintptr_t)(c->user != NULL ? c->user : "");
	err = indic_sub_add(c->ix, &s);
	if (err == -EEXIST) {
		op_error(c, CIM_ERR_ALREADY_EXISTS, "that filter is already "
		    "subscribed to that destination");
		return;
	}
	if (ind_add_error(c, err, "subscription", "") == 0)
		ind_answer_path(c, OBJ_IND_SUB, s.id);
}

/* The checks every change makes first; 0 to go on. */
static int
ind_gate(struct op_ctx *c, const char *cls, const char *op)
{
	if (ind_kind_of(cls) == OBJ_NONE || c->ns == NULL ||
	    strcmp(c->ns, MODEL_NS_INTEROP) != 0) {
		op_error(c, CIM_ERR_NOT_SUPPORTED, "%s is supported for "
		    "indication filters, listener destinations and "
		    "subscriptions in interop only", op);
		return -1;
	}
	if (c->ix == NULL) {
		op_error(c, CIM_ERR_NOT_SUPPORTED, "indications are switched "
		    "off ([indications] enabled = no)");
		return -1;
	}
	if (c->role < OP_ROLE_EDIT) {
		op_error(c, CIM_ERR_ACCESS_DENIED, "user %s may not change "
		    "subscriptions (role %s)", c->user != NULL ? c->user : "",
		    op_role_name(c->role));
		return -1;
	}
	return 0;
}

void
intrinsic_create_instance(struct op_ctx *c, struct iargs *a)
{
	const struct cim_instance *in = a->newinst;

	if (ind_gate(c, in != NULL ? in->classname : NULL,
	    "CreateInstance") != 0)
		return;
	switch (ind_kind_of(in->classname)) {
	case OBJ_IND_FILTER:
		ind_create_filter(c, in);
		break;
	case OBJ_IND_SUB:
		ind_create_sub(c, in);
		break;
	default:
		ind_create_dest(c, in, ind_kind_of(in->classname));
		break;
	}
}

/* A delivery in flight may be for what just left: let the exporter look. */
static void
ind_changed(struct op_ctx *c)
{
	if (c->indic_changed != NULL)
		c->indic_changed(c->indic_changed_arg);
}

void
intrinsic_modify_instance(struct op_ctx *c, struct iargs *a)
{
	static const unsigned states[] = { 2, 4 };
	const struct cim_instance *in = a->newinst;
	struct model_obj o;
	uint16_t state;
	int err;

	if (ind_gate(c, a->inst != NULL ? a->inst->classname : NULL,
	    "ModifyInstance") != 0)
		return;
	if (model_resolve(c, a->inst, &o) != 0) {
		op_error(c, CIM_ERR_NOT_FOUND, "no such instance of %s",
		    a->inst->classname);
		return;
	}
	if (o.kind != OBJ_IND_SUB) {
		op_error(c, CIM_ERR_NOT_SUPPORTED, "only SubscriptionState of "
		    "a CIM_IndicationSubscription can be modified");
		return;
	}
	for (size_t i = 0; a->has_plist && i < a->nplist; i++)
		if (strcasecmp(a->plist[i], "SubscriptionState") != 0) {
			op_error(c, CIM_ERR_NOT_SUPPORTED, "property %.64s "
			    "cannot be modified (only SubscriptionState)",
			    a->plist[i]);
			return;
		}
	if (a->has_plist && a->nplist == 0)
		return;		/* nothing to change */
	if (ind_text(in, "SubscriptionState") == NULL) {
		op_error(c, CIM_ERR_INVALID_PARAMETER, "SubscriptionState "
		    "(2 Enabled or 4 Disabled) is required");
		return;
	}
	if (ind_u16(c, in, "SubscriptionState", states, 2, &state) != 0)
		return;
	if ((err = indic_sub_set_state(c->ix, o.ind_id, state)) != 0)
		op_errno(c, err, "changing the subscription failed");
	else if (state != INDIC_SUB_ENABLED)
		ind_changed(c);
}

bool
intrinsic_indic_delete(struct op_ctx *c, struct iargs *a)
{
	enum model_kind k = ind_kind_of(a->inst->classname);
	struct model_obj o;
	uint64_t dropped = 0;
	int err;

	if (k == OBJ_NONE)
		return false;
	if (ind_gate(c, a->inst->classname, "DeleteInstance") != 0)
		return true;
	if (model_resolve(c, a->inst, &o) != 0 || o.kind != k) {
		op_error(c, CIM_ERR_NOT_FOUND, "no such instance of %s",
		    a->inst->classname);
		return true;
	}
	if (k == OBJ_IND_SUB)
		err = indic_sub_del(c->ix, o.ind_id, &dropped);
	else if (k == OBJ_IND_FILTER)
		err = indic_filter_del(c->ix, o.ind_id);
	else
		err = indic_dest_del(c->ix, o.ind_id);
	if (err == -EBUSY)
		op_error(c, CIM_ERR_FAILED, "%s is still used by a "
		    "subscription: delete the subscription first",
		    a->inst->classname);
	else if (err != 0)
		op_errno(c, err, "deleting failed");
	else if (k != OBJ_IND_FILTER)
		ind_changed(c);
	return true;
}
