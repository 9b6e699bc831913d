/* SPDX-License-Identifier: ISC */
/*
 * model_build.c - what every object kind builds with: an instance built
 * property by property in the order the caller adds them (that order is
 * the wire order), object paths built key by key, the enumerators of
 * fixed objects, and the few values the kinds share (the system name, key
 * lists, OperationalStatus).  Everything lives in the request arena; a
 * builder that runs out of it remembers so, and its result is NULL.
 * Nothing here knows a particular class.
 */
#include <string.h>

#include "cim/model_int.h"
#include "replica/replica.h"

const uint16_t model_os_ok[1] = { 2 };
const uint16_t model_os_err[1] = { 6 };
const char *const model_keys_iid[1] = { "InstanceID" };
const char *const model_keys_svc[4] = { "CreationClassName", "Name",
	"SystemCreationClassName", "SystemName" };

const char *
model_sysname(const struct op_ctx *c)
{
	const char *s = replica_system_name(c->rs);

	return s != NULL ? s : "";
}

/* ---------------------------------------------------------- instances */

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

/* -------------------------------------------------------------- paths */

/* Returns a path owned by c->arena, NULL when the arena is full. */
struct cim_path *
model_path_new(struct op_ctx *c, const char *cls, const char *ns,
    size_t nkeys)
{
	struct cim_path *p;

	p = cim_arena_alloc(c->arena, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->classname = cls;
	p->ns = ns;
	p->keys = cim_arena_alloc(c->arena, (nkeys ? nkeys : 1) *
	    sizeof(*p->keys));
	if (p->keys == NULL)
		return NULL;
	return p;
}

void
model_path_key(struct cim_path *p, const char *name, const char *v)
{
	struct cim_keybinding *k = &p->keys[p->nkeys++];

	k->name = name;
	k->kind = CIM_KEY_STRING;
	k->value = v;
}

void
model_path_keyref(struct cim_path *p, const char *name, struct cim_path *ref)
{
	struct cim_keybinding *k = &p->keys[p->nkeys++];

	k->name = name;
	k->kind = CIM_KEY_REF;
	k->ref = ref;
}

struct cim_path *
model_path_sysdev(struct op_ctx *c, const char *cls, const char *second,
    const char *v)
{
	struct cim_path *p = model_path_new(c, cls, MODEL_NS_TPD, 4);

	if (p == NULL)
		return NULL;
	model_path_key(p, "CreationClassName", cls);
	model_path_key(p, second, v);
	model_path_key(p, "SystemCreationClassName", MODEL_S_SYS);
	model_path_key(p, "SystemName", model_sysname(c));
	return p;
}

struct cim_path *
model_path_iid(struct op_ctx *c, const char *cls, const char *ns,
    const char *iid)
{
	struct cim_path *p;

	if (iid == NULL)
		return NULL;
	p = model_path_new(c, cls, ns, 1);
	if (p != NULL)
		model_path_key(p, "InstanceID", iid);
	return p;
}

/* ------------------------------------------------------- enumerators */

int
model_objects_named(struct op_ctx *c, const struct model_class *mc,
    const char *const *names, size_t n, model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		o.name = names[i];
		if ((rc = fn(c, &o, arg)) != 0)
			return rc;
	}
	return 0;
}

int
model_objects_one(struct op_ctx *c, const struct model_class *mc,
    model_obj_fn fn, void *arg)
{
	struct model_obj o = { .kind = mc->kind, .classname = mc->name };

	return fn(c, &o, arg);
}
