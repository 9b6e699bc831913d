/* SPDX-License-Identifier: ISC */
/*
 * intrinsic_assoc.c - Associators, AssociatorNames, References,
 * ReferenceNames (polymorphic AssocClass/ResultClass filters, Role and
 * ResultRole compared case-insensitively, results as INSTANCEPATH with HOST
 * and the object's own namespace) and the class operations GetClass,
 * EnumerateClassNames, EnumerateClasses from the class repository.
 * An ObjectName that names nothing, a class-level ObjectName, or an unknown
 * filter class gives an empty result (SPEC.md Q17, CLIENTS.md §4 item 9).
 * The results are listed here and written in slices by intrinsic_enum.c.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cim/intrinsic_int.h"
#include "cim/schema.h"

enum amode { A_OBJECTS, A_NAMES, A_REFS, A_REFNAMES };

struct assoc_arg {
	const struct iargs *a;
	const struct model_obj *self;
	enum amode mode;
	struct intrinsic_cont *k;		/* the answer being listed */
};

static bool
role_ok(const char *want, const char *role)
{
	return want == NULL || strcasecmp(want, role) == 0;
}

/* List what the link contributes; intrinsic_enum.c writes it in slices. */
static int
assoc_cb(struct op_ctx *c, const struct model_link *l, void *arg)
{
	const struct assoc_arg *x = arg;
	const struct iargs *a = x->a;
	const struct model_class *omc;
	int i;

	for (i = 0; i < 2; i++) {
		const struct model_obj *other = &l->end[1 - i];

		if (!model_obj_equal(&l->end[i], x->self) ||
		    !role_ok(a->role, l->assoc->role[i]))
			continue;
		if (x->mode == A_REFS || x->mode == A_REFNAMES) {
			if (a->result && !model_class_isa(l->assoc, a->result))
				return 0;
			return intrinsic_cont_add(c, x->k, l->assoc, NULL, l);
		}
		omc = model_class_of_kind(other->kind);
		if ((a->assoc && !model_class_isa(l->assoc, a->assoc)) ||
		    !role_ok(a->rrole, l->assoc->role[1 - i]) ||
		    omc == NULL ||
		    (a->result && !model_class_isa(omc, a->result)))
			return 0;
		return intrinsic_cont_add(c, x->k, omc, other, l);
	}
	return 0;
}

static void
traverse(struct op_ctx *c, struct iargs *a, enum amode mode)
{
	struct assoc_arg x = { a, NULL, mode, NULL };
	struct model_obj self;
	int rc = 0;

	c->cont = NULL;
	x.k = intrinsic_cont_new(c, a, IFORM_WITHPATH,
	    mode == A_NAMES || mode == A_REFNAMES);
	if (x.k == NULL) {
		intrinsic_fail(c, c->out->len, -ENOMEM);
		return;
	}
	if (!a->objclass && model_resolve(c, a->inst, &self) == 0 &&
	    self.kind != OBJ_ASSOC) {
		x.self = &self;
		rc = model_links_of(c, &self, assoc_cb, &x);
	}
	if (rc != 0) {
		intrinsic_fail(c, c->out->len, rc);
		return;
	}
	intrinsic_cont_run(c, x.k);
}

void
intrinsic_associators(struct op_ctx *c, struct iargs *a)
{
	traverse(c, a, A_OBJECTS);
}

void
intrinsic_associator_names(struct op_ctx *c, struct iargs *a)
{
	traverse(c, a, A_NAMES);
}

void
intrinsic_references(struct op_ctx *c, struct iargs *a)
{
	traverse(c, a, A_REFS);
}

void
intrinsic_reference_names(struct op_ctx *c, struct iargs *a)
{
	traverse(c, a, A_REFNAMES);
}

/* ------------------------------------------------------------ classes */

static bool
plist_has(const struct iargs *a, const char *name)
{
	return plist_find(&a->pset, name) >= 0;
}

/* LocalOnly (default TRUE) and PropertyList decide the properties. */
static int
write_class(struct op_ctx *c, const struct iargs *a,
    const struct cim_class *cls)
{
	bool local = a->local_only != 0;
	const char **names;
	size_t i, n = 0;

	if (!local && !a->has_plist) {
		cimxml_write_class(c->out, cls, a->qual != 0, a->origin == 1,
		    NULL, 0);
		return 0;
	}
	names = cim_arena_alloc(c->arena, (cls->nprops + 1) * sizeof(*names));
	if (names == NULL)
		return -ENOMEM;
	for (i = 0; i < cls->nprops; i++) {
		const struct cim_class_prop *p = &cls->props[i];

		if (local && p->classorigin != NULL &&
		    strcasecmp(p->classorigin, cls->name) != 0)
			continue;
		if (a->has_plist && !plist_has(a, p->name))
			continue;
		names[n++] = p->name;
	}
	cimxml_write_class(c->out, cls, a->qual != 0, a->origin == 1, names, n);
	return 0;
}

void
intrinsic_get_class(struct op_ctx *c, struct iargs *a)
{
	const struct cim_class *cls = schema_class(a->cls);
	size_t mark = c->out->len;

	if (cls == NULL) {
		op_error(c, CIM_ERR_NOT_FOUND,
		    "class %s does not exist", a->cls);
		return;
	}
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	if (write_class(c, a, cls) != 0) {
		intrinsic_fail(c, mark, -ENOMEM);
		return;
	}
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

/* EnumerateClass(Name)s selection: DeepInheritance defaults to FALSE. */
static bool
class_selected(const struct iargs *a, const struct cim_class *k)
{
	bool deep = a->deep == 1;

	if (a->cls == NULL)
		return deep || k->superclass == NULL;
	if (strcasecmp(k->name, a->cls) == 0)
		return false;
	if (!deep)
		return k->superclass != NULL &&
		    strcasecmp(k->superclass, a->cls) == 0;
	return schema_isa(k->name, a->cls);
}

static void
enum_classes(struct op_ctx *c, struct iargs *a, bool names)
{
	size_t i, mark = c->out->len;

	if (a->cls != NULL && schema_class(a->cls) == NULL) {
		op_error(c, CIM_ERR_INVALID_CLASS,
		    "class %s does not exist", a->cls);
		return;
	}
	cim_buf_puts(c->out, "<IRETURNVALUE>");
	for (i = 0; i < schema_count(); i++) {
		const struct cim_class *k = schema_at(i);

		if (k == NULL || !class_selected(a, k))
			continue;
		if (names) {
			cim_buf_puts(c->out, "<CLASSNAME NAME=\"");
			cim_buf_escape(c->out, k->name);
			cim_buf_puts(c->out, "\"/>");
		} else if (write_class(c, a, k) != 0) {
			intrinsic_fail(c, mark, -ENOMEM);
			return;
		}
	}
	cim_buf_puts(c->out, "</IRETURNVALUE>");
}

void
intrinsic_enum_class_names(struct op_ctx *c, struct iargs *a)
{
	enum_classes(c, a, true);
}

void
intrinsic_enum_classes(struct op_ctx *c, struct iargs *a)
{
	enum_classes(c, a, false);
}
