/* SPDX-License-Identifier: ISC */
/*
 * request.c - the element tree of parse.c checked against the part of the
 * CIM-XML DTD (DSP0201 2.x) a server needs, and turned into struct
 * cim_request.
 *
 * Envelope and versions (SPEC.md §1.4-1.5), every object-path form
 * (INSTANCENAME, LOCALINSTANCEPATH, INSTANCEPATH, CLASSNAME, LOCALCLASSPATH,
 * CLASSPATH, OBJECTPATH; references nest) and every value form.  Values
 * stay text: typing is the class repository's job.  Duplicate parameters
 * are kept for the dispatcher to refuse.  Nothing here knows a method name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

struct bctx {
	struct cim_arena *a;
	struct cimxml_err *err;
};

static int path_any(struct bctx *c, const struct xnode *n,
    struct cim_path *p);

static int
invalid(struct bctx *c, const struct xnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* request-not-valid (400) at n's position. */
static int
invalid(struct bctx *c, const struct xnode *n, const char *fmt, ...)
{
	char msg[sizeof(c->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cimxml__err(c->err, -EINVAL, 400, "request-not-valid",
	    n != NULL ? n->line : 1, n != NULL ? n->col : 1, "%s", msg);
}

static int
nomem(struct bctx *c, const struct xnode *n)
{
	return cimxml__err(c->err, -ENOMEM, 413, NULL, n->line, n->col, "%s",
	    "request arena exhausted");
}

static const char *
attr(const struct xnode *n, const char *name)
{
	size_t i;

	for (i = 0; n->attrs[i] != NULL; i += 2)
		if (strcmp(n->attrs[i], name) == 0)
			return n->attrs[i + 1];
	return NULL;
}

/* A required attribute; NULL after filling *err. */
static const char *
need_attr(struct bctx *c, const struct xnode *n, const char *name)
{
	const char *v = attr(n, name);

	if (v == NULL)
		invalid(c, n, "%s: missing attribute %s", n->name, name);
	return v;
}

static size_t
nchildren(const struct xnode *n)
{
	size_t k = 0;

	for (n = n->child; n != NULL; n = n->next)
		k++;
	return k;
}

/* ^<major>\.[0-9]+$ */
static bool
version_ok(const char *v, char major)
{
	if (v[0] != major || v[1] != '.' || v[2] == '\0')
		return false;
	for (v += 2; *v != '\0'; v++)
		if (*v < '0' || *v > '9')
			return false;
	return true;
}

/* ------------------------------------------------------------------ paths */

/* NAMESPACE+ joined by '/'; both <NAMESPACE/> and empty-element forms. */
static int
localns(struct bctx *c, const struct xnode *n, const char **out)
{
	const struct xnode *k;
	size_t len = 0, o = 0;
	const char *nm;
	char *s;

	if (n->el != XEL_LOCALNAMESPACEPATH)
		return invalid(c, n, "expected LOCALNAMESPACEPATH, got %s",
		    n->name);
	if (n->child == NULL)
		return invalid(c, n, "%s", "LOCALNAMESPACEPATH is empty");
	for (k = n->child; k != NULL; k = k->next) {
		if (k->el != XEL_NAMESPACE)
			return invalid(c, k, "%s not allowed in "
			    "LOCALNAMESPACEPATH", k->name);
		if ((nm = need_attr(c, k, "NAME")) == NULL)
			return -EINVAL;
		if (k->child != NULL)
			return invalid(c, k, "%s", "NAMESPACE must be empty");
		len += strlen(nm) + 1;
	}
	if ((s = cim_arena_alloc(c->a, len)) == NULL)
		return nomem(c, n);
	for (k = n->child; k != NULL; k = k->next) {
		nm = attr(k, "NAME");
		if (k != n->child)	/* empty segments keep their '/' */
			s[o++] = '/';
		memcpy(s + o, nm, strlen(nm));
		o += strlen(nm);
	}
	s[o] = '\0';
	*out = s;
	return 0;
}

/* NAMESPACEPATH = HOST, LOCALNAMESPACEPATH */
static int
nspath(struct bctx *c, const struct xnode *n, struct cim_path *p)
{
	const struct xnode *h = n->child;

	if (n->el != XEL_NAMESPACEPATH)
		return invalid(c, n, "expected NAMESPACEPATH, got %s", n->name);
	if (h == NULL || h->el != XEL_HOST || h->next == NULL ||
	    h->next->next != NULL)
		return invalid(c, n, "%s",
		    "NAMESPACEPATH needs HOST, LOCALNAMESPACEPATH");
	p->host = h->text;
	return localns(c, h->next, &p->ns);
}

static int
keyvalue(struct bctx *c, const struct xnode *n, struct cim_keybinding *k)
{
	const char *vt = attr(n, "VALUETYPE");
	enum cim_type t = cim_type_parse(attr(n, "TYPE"));

	k->value = n->text;
	if (vt == NULL) {
		/* Derive from TYPE when only TYPE came; default string. */
		if (t == CIM_T_BOOLEAN)
			k->kind = CIM_KEY_BOOLEAN;
		else if (cim_type_is_integer(t) || t == CIM_T_REAL32 ||
		    t == CIM_T_REAL64)
			k->kind = CIM_KEY_NUMERIC;
		else
			k->kind = CIM_KEY_STRING;
	} else if (strcasecmp(vt, "string") == 0) {
		k->kind = CIM_KEY_STRING;
	} else if (strcasecmp(vt, "numeric") == 0) {
		k->kind = CIM_KEY_NUMERIC;
	} else if (strcasecmp(vt, "boolean") == 0) {
		k->kind = CIM_KEY_BOOLEAN;
	} else {
		return invalid(c, n, "KEYVALUE: bad VALUETYPE \"%.32s\"", vt);
	}
	return 0;
}

/* VALUE.REFERENCE: exactly one path element. */
static int
valueref(struct bctx *c, const struct xnode *n, struct cim_path **out)
{
	struct cim_path *p;

	if (n->child == NULL || n->child->next != NULL)
		return invalid(c, n, "%s",
		    "VALUE.REFERENCE needs exactly one path");
	if (n->child->el == XEL_OBJECTPATH)
		return invalid(c, n->child, "%s",
		    "OBJECTPATH not allowed in VALUE.REFERENCE");
	if ((p = cim_arena_alloc(c->a, sizeof(*p))) == NULL)
		return nomem(c, n);
	*out = p;
	return path_any(c, n->child, p);
}

/* One key: KEYVALUE or VALUE.REFERENCE (named by the caller or NULL). */
static int
keyval_any(struct bctx *c, const struct xnode *v, struct cim_keybinding *k)
{
	if (v->el == XEL_KEYVALUE)
		return keyvalue(c, v, k);
	if (v->el == XEL_VALUE_REFERENCE) {
		k->kind = CIM_KEY_REF;
		return valueref(c, v, &k->ref);
	}
	return invalid(c, v, "%s not allowed as a key value", v->name);
}

/* INSTANCENAME = KEYBINDING* | KEYVALUE? | VALUE.REFERENCE? */
static int
instancename(struct bctx *c, const struct xnode *n, struct cim_path *p)
{
	const struct xnode *k;
	size_t i = 0, nk = nchildren(n);
	int rc;

	if ((p->classname = need_attr(c, n, "CLASSNAME")) == NULL)
		return -EINVAL;
	if (nk == 0)
		return 0;
	if ((p->keys = cim_arena_alloc(c->a, nk * sizeof(*p->keys))) == NULL)
		return nomem(c, n);
	p->nkeys = nk;
	if (n->child->el != XEL_KEYBINDING) {
		if (nk != 1)
			return invalid(c, n, "%s", "INSTANCENAME: one unnamed "
			    "key value only");
		return keyval_any(c, n->child, &p->keys[0]);
	}
	for (k = n->child; k != NULL; k = k->next, i++) {
		if (k->el != XEL_KEYBINDING)
			return invalid(c, k, "%s not allowed in INSTANCENAME",
			    k->name);
		if ((p->keys[i].name = need_attr(c, k, "NAME")) == NULL)
			return -EINVAL;
		if (k->child == NULL || k->child->next != NULL)
			return invalid(c, k, "%s",
			    "KEYBINDING needs exactly one value");
		if ((rc = keyval_any(c, k->child, &p->keys[i])) != 0)
			return rc;
	}
	return 0;
}

static int
classname(struct bctx *c, const struct xnode *n, struct cim_path *p)
{
	if (n->el != XEL_CLASSNAME)
		return invalid(c, n, "expected CLASSNAME, got %s", n->name);
	if (n->child != NULL)
		return invalid(c, n, "%s", "CLASSNAME must be empty");
	p->is_class = true;
	p->classname = need_attr(c, n, "NAME");
	return p->classname != NULL ? 0 : -EINVAL;
}

/* Two-part forms: (LOCAL)NAMESPACEPATH then INSTANCENAME/CLASSNAME. */
static int
path_pair(struct bctx *c, const struct xnode *n, struct cim_path *p,
    bool local, bool cls)
{
	const struct xnode *a = n->child;
	int rc;

	if (a == NULL || a->next == NULL || a->next->next != NULL)
		return invalid(c, n, "%s needs two children", n->name);
	rc = local ? localns(c, a, &p->ns) : nspath(c, a, p);
	if (rc != 0)
		return rc;
	if (cls)
		return classname(c, a->next, p);
	if (a->next->el != XEL_INSTANCENAME)
		return invalid(c, a->next, "expected INSTANCENAME, got %s",
		    a->next->name);
	return instancename(c, a->next, p);
}

static int
path_any(struct bctx *c, const struct xnode *n, struct cim_path *p)
{
	switch (n->el) {
	case XEL_INSTANCENAME:
		return instancename(c, n, p);
	case XEL_LOCALINSTANCEPATH:
		return path_pair(c, n, p, true, false);
	case XEL_INSTANCEPATH:
		return path_pair(c, n, p, false, false);
	case XEL_CLASSNAME:
		return classname(c, n, p);
	case XEL_LOCALCLASSPATH:
		return path_pair(c, n, p, true, true);
	case XEL_CLASSPATH:
		return path_pair(c, n, p, false, true);
	case XEL_OBJECTPATH:
		if (n->child == NULL || n->child->next != NULL ||
		    (n->child->el != XEL_INSTANCEPATH &&
		    n->child->el != XEL_CLASSPATH))
			return invalid(c, n, "%s", "OBJECTPATH needs "
			    "INSTANCEPATH or CLASSPATH");
		return path_any(c, n->child, p);
	default:
		return invalid(c, n, "%s is not an object path", n->name);
	}
}

/* ----------------------------------------------------------------- values */

/* VALUE.ARRAY = (VALUE | VALUE.NULL)*; VALUE.NULL items are NULL. */
static int
value_array(struct bctx *c, const struct xnode *n, struct cim_value *v)
{
	const struct xnode *k;
	size_t i = 0;

	v->kind = CIM_V_ARRAY;
	v->n = nchildren(n);
	if (v->n == 0)
		return 0;
	if ((v->items = cim_arena_alloc(c->a, v->n * sizeof(*v->items))) ==
	    NULL)
		return nomem(c, n);
	for (k = n->child; k != NULL; k = k->next, i++) {
		if (k->el == XEL_VALUE)
			v->items[i] = k->text;
		else if (k->el != XEL_VALUE_NULL || k->child != NULL)
			return invalid(c, k, "%s not allowed in VALUE.ARRAY",
			    k->name);
	}
	return 0;
}

/* VALUE.REFARRAY = (VALUE.REFERENCE | VALUE.NULL)* */
static int
value_refarray(struct bctx *c, const struct xnode *n, struct cim_value *v)
{
	const struct xnode *k;
	size_t i = 0;
	int rc;

	v->kind = CIM_V_REFARRAY;
	v->n = nchildren(n);
	if (v->n == 0)
		return 0;
	if ((v->refs = cim_arena_alloc(c->a, v->n * sizeof(*v->refs))) ==
	    NULL)
		return nomem(c, n);
	for (k = n->child; k != NULL; k = k->next, i++) {
		if (k->el == XEL_VALUE_REFERENCE) {
			if ((rc = valueref(c, k, &v->refs[i])) != 0)
				return rc;
		} else if (k->el != XEL_VALUE_NULL || k->child != NULL) {
			return invalid(c, k, "%s not allowed in "
			    "VALUE.REFARRAY", k->name);
		}
	}
	return 0;
}

/* ---------------------------------------------------------- instances */

/* One PROPERTY, PROPERTY.ARRAY or PROPERTY.REFERENCE of an INSTANCE. */
static int
property(struct bctx *c, const struct xnode *n, struct cim_prop *p)
{
	const struct xnode *v = n->child;
	const char *t, *eo;
	struct cim_value val;
	int rc;

	memset(&val, 0, sizeof(val));
	if ((p->name = need_attr(c, n, "NAME")) == NULL)
		return -EINVAL;
	/* Qualifiers (skipped, childless nodes here) come first. */
	while (v != NULL && v->el == XEL_QUALIFIER)
		v = v->next;
	if (v != NULL && v->next != NULL)
		return invalid(c, n, "PROPERTY %.40s has more than one value",
		    p->name);
	p->is_null = v == NULL;
	if (n->el == XEL_PROPERTY_REFERENCE) {
		p->type = CIM_T_REFERENCE;
		p->refclass = attr(n, "REFERENCECLASS");
		if (v == NULL)
			return 0;
		if (v->el != XEL_VALUE_REFERENCE)
			return invalid(c, v, "%s not allowed in "
			    "PROPERTY.REFERENCE", v->name);
		return valueref(c, v, (struct cim_path **)&p->ref);
	}
	t = attr(n, "TYPE");
	p->type = t != NULL ? cim_type_parse(t) : CIM_T_STRING;
	if (p->type == CIM_T_NONE || p->type == CIM_T_REFERENCE)
		return invalid(c, n, "PROPERTY %.40s: bad TYPE", p->name);
	if (n->el == XEL_PROPERTY_ARRAY) {
		p->is_array = true;
		if (v == NULL)
			return 0;
		if (v->el != XEL_VALUE_ARRAY)
			return invalid(c, v, "%s not allowed in "
			    "PROPERTY.ARRAY", v->name);
		if ((rc = value_array(c, v, &val)) != 0)
			return rc;
		p->n = val.n;
		p->items = val.items;
		return 0;
	}
	if ((eo = attr(n, "EmbeddedObject")) == NULL)
		eo = attr(n, "EMBEDDEDOBJECT");
	p->embedded_instance = eo != NULL && strcmp(eo, "instance") == 0;
	if (v == NULL)
		return 0;
	if (v->el != XEL_VALUE)
		return invalid(c, v, "%s not allowed in PROPERTY", v->name);
	p->text = v->text;
	return 0;
}

/* INSTANCE = QUALIFIER*, (PROPERTY | PROPERTY.ARRAY | PROPERTY.REFERENCE)* */
static int
instance(struct bctx *c, const struct xnode *n, struct cim_instance **out)
{
	struct cim_instance *in;
	const struct xnode *k;
	size_t np = 0;
	int rc;

	if (n->el != XEL_INSTANCE)
		return invalid(c, n, "expected INSTANCE, got %s", n->name);
	if ((in = cim_arena_alloc(c->a, sizeof(*in))) == NULL)
		return nomem(c, n);
	memset(in, 0, sizeof(*in));
	if ((in->classname = need_attr(c, n, "CLASSNAME")) == NULL)
		return -EINVAL;
	for (k = n->child; k != NULL; k = k->next)
		np += k->el != XEL_QUALIFIER;
	if (np > 0 && (in->props = cim_arena_alloc(c->a, np *
	    sizeof(*in->props))) == NULL)
		return nomem(c, n);
	for (k = n->child; k != NULL; k = k->next) {
		struct cim_prop *p;

		if (k->el == XEL_QUALIFIER)
			continue;
		if (k->el != XEL_PROPERTY && k->el != XEL_PROPERTY_ARRAY &&
		    k->el != XEL_PROPERTY_REFERENCE)
			return invalid(c, k, "%s not allowed in INSTANCE",
			    k->name);
		p = &in->props[in->nprops++];
		memset(p, 0, sizeof(*p));
		if ((rc = property(c, k, p)) != 0)
			return rc;
	}
	*out = in;
	return 0;
}

/* VALUE.NAMEDINSTANCE = INSTANCENAME, INSTANCE */
static int
namedinstance(struct bctx *c, const struct xnode *n, struct cim_value *v)
{
	const struct xnode *k = n->child;

	v->kind = CIM_V_INSTANCE;
	if (k == NULL || k->el != XEL_INSTANCENAME || k->next == NULL ||
	    k->next->next != NULL)
		return invalid(c, n, "%s", "VALUE.NAMEDINSTANCE needs "
		    "INSTANCENAME, INSTANCE");
	if ((v->ref = cim_arena_alloc(c->a, sizeof(*v->ref))) == NULL)
		return nomem(c, n);
	memset(v->ref, 0, sizeof(*v->ref));
	if (instancename(c, k, v->ref) != 0)
		return -EINVAL;
	return instance(c, k->next, &v->inst);
}

/* The optional single child of (I)PARAMVALUE. */
static int
value_any(struct bctx *c, const struct xnode *n, struct cim_value *v)
{
	switch (n->el) {
	case XEL_VALUE:
		v->kind = CIM_V_SCALAR;
		v->text = n->text;
		return 0;
	case XEL_VALUE_ARRAY:
		return value_array(c, n, v);
	case XEL_VALUE_REFERENCE:
		v->kind = CIM_V_REF;
		return valueref(c, n, &v->ref);
	case XEL_VALUE_REFARRAY:
		return value_refarray(c, n, v);
	case XEL_CLASSNAME:
		v->kind = CIM_V_CLASSNAME;
		if (n->child != NULL)
			return invalid(c, n, "%s", "CLASSNAME must be empty");
		v->text = need_attr(c, n, "NAME");
		return v->text != NULL ? 0 : -EINVAL;
	case XEL_INSTANCENAME:
	case XEL_LOCALINSTANCEPATH:
	case XEL_INSTANCEPATH:
	case XEL_OBJECTPATH:
	case XEL_LOCALCLASSPATH:
	case XEL_CLASSPATH:
		/* Lenient: paths outside VALUE.REFERENCE are references. */
		v->kind = CIM_V_REF;
		if ((v->ref = cim_arena_alloc(c->a, sizeof(*v->ref))) == NULL)
			return nomem(c, n);
		return path_any(c, n, v->ref);
	case XEL_INSTANCE:
		v->kind = CIM_V_INSTANCE;
		return instance(c, n, &v->inst);
	case XEL_VALUE_NAMEDINSTANCE:
		return namedinstance(c, n, v);
	case XEL_CLASS:
	case XEL_QUALIFIER_DECLARATION:
		v->kind = CIM_V_OTHER;
		return 0;
	default:
		return invalid(c, n, "%s not allowed as a parameter value",
		    n->name);
	}
}

static int
param(struct bctx *c, const struct xnode *n, struct cim_param *p,
    bool extrinsic)
{
	const char *t, *eo;

	if (n->el != (extrinsic ? XEL_PARAMVALUE : XEL_IPARAMVALUE))
		return invalid(c, n, "%s not allowed in %s", n->name,
		    extrinsic ? "METHODCALL" : "IMETHODCALL");
	if ((p->name = need_attr(c, n, "NAME")) == NULL)
		return -EINVAL;
	if (extrinsic && (t = attr(n, "PARAMTYPE")) != NULL &&
	    (p->paramtype = cim_type_parse(t)) == CIM_T_NONE)
		return invalid(c, n, "PARAMVALUE %.40s: bad PARAMTYPE "
		    "\"%.32s\"", p->name, t);
	if ((eo = attr(n, "EmbeddedObject")) == NULL)
		eo = attr(n, "EMBEDDEDOBJECT");
	if (eo != NULL && strcmp(eo, "object") != 0 &&
	    strcmp(eo, "instance") != 0)
		return invalid(c, n, "%s", "bad EmbeddedObject");
	p->embedded = eo;
	if (n->child == NULL)
		return 0;	/* CIM_V_NULL */
	if (n->child->next != NULL)
		return invalid(c, n, "%s %.40s has more than one value",
		    n->name, p->name);
	return value_any(c, n->child, &p->value);
}

/* ------------------------------------------------------------- envelope */

/* (I)METHODCALL: target, then parameters. */
static int
call(struct bctx *c, const struct xnode *n, struct cim_request *r)
{
	const struct xnode *k = n->child;
	size_t i = 0;
	int rc;

	r->intrinsic = n->el == XEL_IMETHODCALL;
	if ((r->method = need_attr(c, n, "NAME")) == NULL)
		return -EINVAL;
	if (k == NULL)
		return invalid(c, n, "%s has no target", n->name);
	if (r->intrinsic) {
		rc = localns(c, k, &r->ns);
	} else if (k->el != XEL_LOCALINSTANCEPATH &&
	    k->el != XEL_LOCALCLASSPATH) {
		rc = invalid(c, k, "METHODCALL needs LOCALINSTANCEPATH or "
		    "LOCALCLASSPATH, got %s", k->name);
	} else if ((r->target = cim_arena_alloc(c->a, sizeof(*r->target))) ==
	    NULL) {
		rc = nomem(c, n);
	} else {
		rc = path_any(c, k, r->target);
		r->ns = r->target->ns;
	}
	if (rc != 0)
		return rc;
	if ((r->nparams = nchildren(n) - 1) == 0)
		return 0;
	if ((r->params = cim_arena_alloc(c->a, r->nparams *
	    sizeof(*r->params))) == NULL)
		return nomem(c, n);
	for (k = k->next; k != NULL; k = k->next, i++)
		if ((rc = param(c, k, &r->params[i], !r->intrinsic)) != 0)
			return rc;
	return 0;
}

static int
simplereq(struct bctx *c, const struct xnode *n, struct cim_request *r)
{
	const struct xnode *k;

	/* CORRELATOR* (DSP0201 2.4), then exactly one call. */
	for (k = n->child; k != NULL && k->el == XEL_CORRELATOR; k = k->next)
		;
	if (k == NULL || k->next != NULL ||
	    (k->el != XEL_IMETHODCALL && k->el != XEL_METHODCALL))
		return invalid(c, k != NULL ? k : n, "%s", "SIMPLEREQ needs "
		    "exactly one IMETHODCALL or METHODCALL");
	return call(c, k, r);
}

static int
message(struct bctx *c, const struct xnode *n, struct cim_request *r)
{
	const struct xnode *k;

	if (n == NULL || n->el != XEL_MESSAGE || n->next != NULL)
		return invalid(c, n, "%s", "CIM needs exactly one MESSAGE");
	if ((r->msg_id = need_attr(c, n, "ID")) == NULL ||
	    (r->protocol_version = need_attr(c, n, "PROTOCOLVERSION")) == NULL)
		return -EINVAL;
	if (!version_ok(r->protocol_version, '1'))
		return cimxml__err(c->err, -EINVAL, 501,
		    "unsupported-protocol-version", n->line, n->col,
		    "PROTOCOLVERSION \"%.32s\" not supported",
		    r->protocol_version);
	k = n->child;
	if (k != NULL && k->el == XEL_MULTIREQ)
		return cimxml__err(c->err, -EINVAL, 501,
		    "multiple-requests-unsupported", k->line, k->col, "%s",
		    "MULTIREQ not supported");
	if (k == NULL || k->el != XEL_SIMPLEREQ || k->next != NULL)
		return invalid(c, k != NULL ? k : n, "%s",
		    "MESSAGE needs exactly one SIMPLEREQ");
	return simplereq(c, k, r);
}

int
cimxml__build_request(const struct xnode *root, struct cim_arena *a,
    struct cim_request *r, struct cimxml_err *err)
{
	struct bctx c = { a, err };

	if (root == NULL || root->el != XEL_CIM)
		return invalid(&c, root, "root element is %s, not CIM",
		    root != NULL ? root->name : "missing");
	if ((r->cim_version = need_attr(&c, root, "CIMVERSION")) == NULL ||
	    (r->dtd_version = need_attr(&c, root, "DTDVERSION")) == NULL)
		return -EINVAL;
	if (!version_ok(r->cim_version, '2'))
		return cimxml__err(err, -EINVAL, 501, "unsupported-cim-version",
		    root->line, root->col, "CIMVERSION \"%.32s\" not supported",
		    r->cim_version);
	if (!version_ok(r->dtd_version, '2'))
		return cimxml__err(err, -EINVAL, 501, "unsupported-dtd-version",
		    root->line, root->col, "DTDVERSION \"%.32s\" not supported",
		    r->dtd_version);
	return message(&c, root->child, r);
}
