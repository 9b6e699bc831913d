/* SPDX-License-Identifier: ISC */
/*
 * model_resolve.c - object paths to objects: the one resolver, in its
 * strict mode (an object path of the protocol: any wire form, key order and
 * name case, superclass names; exactly the class's keys; foreign system
 * names are "no such object") and its lenient mode (a reference a client
 * wrote by hand as a method argument: see model.h), plus the key helpers
 * the kinds' resolvers share.  This file picks the candidate classes and
 * checks the key set; what the key values mean is each kind's resolver's
 * (model_volume.c ...).  Reads conf and replica state only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cim/model_int.h"

/* ------------------------------------------------------------ helpers */

const char *
model_key_text(const struct cim_path *p, const char *name)
{
	const struct cim_keybinding *k = cim_path_key(p, name);

	if (k == NULL || k->kind == CIM_KEY_REF || k->value == NULL)
		return NULL;
	return k->value;
}

bool
model_key_is(const struct cim_path *p, const char *key, const char *want)
{
	const char *v = model_key_text(p, key);

	return v != NULL && strcasecmp(v, want) == 0;
}

bool
model_key_system(const struct op_ctx *c, const struct cim_path *p)
{
	const char *v = model_key_text(p, "SystemName");

	return model_key_is(p, "SystemCreationClassName", MODEL_S_SYS) &&
	    v != NULL && strcmp(v, model_sysname(c)) == 0;
}

int
model_parse_u32(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

const char *
model_iid_local(const struct op_ctx *c, const char *iid)
{
	const char *sys = model_sysname(c);
	size_t n = strlen(sys);

	if (iid == NULL || strncmp(iid, "TPD:", 4) != 0 ||
	    strncmp(iid + 4, sys, n) != 0 || iid[4 + n] != ':')
		return NULL;
	return iid + 5 + n;
}

int
model_lookup(const char *const *tab, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------- strict */

/* Are exactly the class's keys present, references where it has roles? */
static bool
keys_match(const struct model_class *mc, const struct cim_path *p)
{
	size_t i;

	if (p->nkeys != mc->nkeys)
		return false;
	for (i = 0; i < mc->nkeys; i++) {
		const struct cim_keybinding *k = cim_path_key(p, mc->keys[i]);

		if (k == NULL)
			return false;
		if ((mc->role[0] != NULL) != (k->kind == CIM_KEY_REF))
			return false;
	}
	return true;
}

static int
resolve_as(const struct op_ctx *c, const struct model_class *mc,
    const struct cim_path *p, struct model_obj *o)
{
	if (!keys_match(mc, p))
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	o->kind = mc->kind;
	o->classname = mc->name;
	return mc->ops->resolve(c, mc, p, o);
}

static int
resolve_strict(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *out)
{
	const char *ns = p->ns != NULL ? model_ns_canon(p->ns) : c->ns;
	const struct model_class *mc;
	bool notfound = false;
	size_t i;
	int rc;

	if (ns == NULL)
		return -ENOENT;
	if (p->is_class || p->classname == NULL)
		return -EINVAL;
	if (!model_class_known(p->classname))
		return -EINVAL;
	/* The class itself first, then concrete classes derived from it. */
	mc = model_class_by_name(p->classname);
	if (mc != NULL && strcmp(mc->ns, ns) == 0) {
		rc = resolve_as(c, mc, p, out);
		if (rc != -EINVAL)
			return rc;
	}
	for (i = 0; i < model_class_count(); i++) {
		mc = model_class_at(i);
		if (strcmp(mc->ns, ns) != 0 || !model_class_isa(mc, p->classname))
			continue;
		rc = resolve_as(c, mc, p, out);
		if (rc == 0)
			return 0;
		if (rc == -ENOENT)
			notfound = true;
	}
	return notfound ? -ENOENT : -EINVAL;
}

/* ------------------------------------------------------- both modes */

int
model_resolve_mode(const struct op_ctx *c, const struct cim_path *p,
    enum model_mode mode, enum model_kind want, struct model_obj *out)
{
	const struct model_class *mc;
	int rc;

	if (mode == MODEL_STRICT) {
		rc = resolve_strict(c, p, out);
		return rc == 0 && want != OBJ_NONE && out->kind != want ?
		    -ENOENT : rc;
	}
	if (p == NULL || p->is_class || p->classname == NULL)
		return -ENOENT;
	if (resolve_strict(c, p, out) == 0 && out->kind == want)
		return 0;
	/* Not a path we would have written: the kind's loose reading. */
	mc = model_class_of_kind(want);
	if (mc == NULL || mc->ops->lenient == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->kind = mc->kind;
	out->classname = mc->name;
	return mc->ops->lenient(c, p, out) == 0 ? 0 : -ENOENT;
}

int
model_resolve(const struct op_ctx *c, const struct cim_path *p,
    struct model_obj *out)
{
	return model_resolve_mode(c, p, MODEL_STRICT, OBJ_NONE, out);
}
