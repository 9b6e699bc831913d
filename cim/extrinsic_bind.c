/* SPDX-License-Identifier: ISC */
/*
 * extrinsic_bind.c - the input parameters of a method call, bound to the
 * method's declaration in the class repository (CONTRACT.md §4 parameter
 * syntax: unknown, duplicate, missing required, unparsable, wrong type all
 * answer ERROR CIM_ERR_INVALID_PARAMETER).  Parameters are typed from the
 * declaration, so untyped PARAMVALUEs (wbemcli, cimcli) work.  Each scalar
 * is parsed here once and kept typed in its struct ext_arg; the handlers
 * read those values and never parse text again.  Nothing here knows what
 * a method does.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cim/extrinsic_int.h"
#include "cim/schema.h"

static bool
paramtype_fits(enum cim_type sent, const struct cim_class_param *d)
{
	if (sent == CIM_T_NONE)
		return true;
	if (d->type == CIM_T_REFERENCE)
		return sent == CIM_T_REFERENCE;
	if (sent == CIM_T_REFERENCE)
		return false;
	if (cim_type_is_integer(d->type))
		return cim_type_is_integer(sent);
	if (d->type == CIM_T_STRING || d->type == CIM_T_CHAR16)
		return sent == CIM_T_STRING || sent == CIM_T_CHAR16 ||
		    sent == CIM_T_OBJECT || sent == CIM_T_INSTANCE;
	return sent == d->type;
}

static bool
type_is_signed(enum cim_type t)
{
	return t == CIM_T_SINT8 || t == CIM_T_SINT16 || t == CIM_T_SINT32 ||
	    t == CIM_T_SINT64;
}

/*
 * Parse one scalar text as the declared type; true when it is a valid
 * value (an empty or absent text is no number, boolean or datetime).
 * With `a`, the typed value is kept there.
 */
static bool
scalar_parse(const char *text, enum cim_type t, struct ext_arg *a)
{
	int64_t sv;
	uint64_t uv;
	bool b;

	if (cim_type_is_integer(t)) {
		if (text == NULL || cim_parse_int(text, t, &sv, &uv) != 0)
			return false;
		if (a != NULL && type_is_signed(t)) {
			a->kind = EXT_V_SINT;
			a->i = sv;
		} else if (a != NULL) {
			a->kind = EXT_V_UINT;
			a->u = uv;
		}
		return true;
	}
	if (t == CIM_T_BOOLEAN) {
		if (text == NULL || cim_parse_bool(text, &b) != 0)
			return false;
		if (a != NULL) {
			a->kind = EXT_V_BOOL;
			a->b = b;
		}
		return true;
	}
	if (t == CIM_T_DATETIME &&
	    !cim_datetime_valid(text != NULL ? text : ""))
		return false;
	if (a != NULL) {
		a->kind = EXT_V_TEXT;
		a->text = text;
	}
	return true;
}

/*
 * Does the value's shape and text fit declaration d?  A NULL value fits.
 * On success a->kind and the typed value are set.
 */
static bool
value_parse(const struct cim_value *v, const struct cim_class_param *d,
    struct ext_arg *a)
{
	size_t i;

	a->kind = EXT_V_OTHER;
	switch (v->kind) {
	case CIM_V_NULL:
		a->kind = EXT_V_NULL;
		return true;
	case CIM_V_REF:
		if (d->type != CIM_T_REFERENCE || d->is_array)
			return false;
		a->kind = EXT_V_REF;
		a->ref = v->ref;
		return true;
	case CIM_V_REFARRAY:
		return d->type == CIM_T_REFERENCE && d->is_array;
	case CIM_V_SCALAR:
		/* An empty VALUE is no number: only strings may be "". */
		return d->type != CIM_T_REFERENCE && !d->is_array &&
		    scalar_parse(v->text, d->type, a);
	case CIM_V_ARRAY:
		if (d->type == CIM_T_REFERENCE || !d->is_array)
			return false;
		/* A NULL element is a NULL entry, valid for every type. */
		for (i = 0; i < v->n; i++)
			if (v->items[i] != NULL &&
			    !scalar_parse(v->items[i], d->type, NULL))
				return false;
		return true;
	case CIM_V_INSTANCE:
		/* An INSTANCE element for an EmbeddedInstance string (Goal). */
		return d->type == CIM_T_STRING && !d->is_array &&
		    d->q.embedded_instance != NULL;
	default:
		return false;
	}
}

/*
 * Bind one PARAMVALUE: it must be an input of the method, not given
 * before, and typed and shaped as declared.  Returns 0, or writes
 * ERROR 4 and returns -EINVAL.
 */
static int
bind_one(struct op_ctx *c, const struct cim_param *p, struct ext_args *b)
{
	const struct cim_class_param *d = schema_param(b->m, p->name);
	struct ext_arg a;
	size_t j;

	if (d == NULL || (d->q.out && !d->q.in)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "%s is not an input parameter of %s", p->name, b->m->name);
		return -EINVAL;
	}
	for (j = 0; j < b->n; j++) {
		if (b->arg[j].decl == d) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "parameter %s given twice", d->name);
			return -EINVAL;
		}
	}
	memset(&a, 0, sizeof(a));
	if (!paramtype_fits(p->paramtype, d) ||
	    !value_parse(&p->value, d, &a)) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "parameter %s: not a valid %s%s", d->name,
		    d->type == CIM_T_REFERENCE ? "reference" :
		    cim_type_name(d->type), d->is_array ? " array" : "");
		return -EINVAL;
	}
	if (b->n == EXT_MAX_PARAMS) {
		op_error(c, CIM_ERR_INVALID_PARAMETER,
		    "too many parameters");
		return -EINVAL;
	}
	a.decl = d;
	a.v = &p->value;
	b->arg[b->n++] = a;
	return 0;
}

int
ext_bind(struct op_ctx *c, const struct cim_class_method *m,
    struct ext_args *b)
{
	const struct cim_request *r = c->req;
	size_t i, j;

	memset(b, 0, sizeof(*b));
	b->m = m;
	for (i = 0; i < r->nparams; i++)
		if (bind_one(c, &r->params[i], b) != 0)
			return -EINVAL;
	for (i = 0; i < m->nparams; i++) {
		const struct cim_class_param *d = &m->params[i];

		if (!d->q.required)
			continue;
		for (j = 0; j < b->n; j++)
			if (b->arg[j].decl == d &&
			    b->arg[j].kind != EXT_V_NULL)
				break;
		if (j == b->n) {
			op_error(c, CIM_ERR_INVALID_PARAMETER,
			    "required parameter %s is missing", d->name);
			return -EINVAL;
		}
	}
	return 0;
}

const struct ext_arg *
ext_arg(const struct ext_args *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcasecmp(b->arg[i].decl->name, name) == 0)
			return b->arg[i].kind == EXT_V_NULL ? NULL :
			    &b->arg[i];
	return NULL;
}

bool
ext_arg_uint(const struct ext_args *b, const char *name, uint64_t *out)
{
	const struct ext_arg *a = ext_arg(b, name);

	if (a == NULL || a->kind != EXT_V_UINT)
		return false;
	*out = a->u;
	return true;
}

const char *
ext_arg_text(const struct ext_args *b, const char *name)
{
	const struct ext_arg *a = ext_arg(b, name);

	return a != NULL && a->kind == EXT_V_TEXT ? a->text : NULL;
}

const struct cim_path *
ext_arg_ref(const struct ext_args *b, const char *name)
{
	const struct ext_arg *a = ext_arg(b, name);

	return a != NULL && a->kind == EXT_V_REF ? a->ref : NULL;
}
