/* SPDX-License-Identifier: ISC */
/*
 * write_obj.c - INSTANCE and CLASS elements.
 *
 * Attribute sets are the intersection of what pywbem and sblim-wbemcli
 * accept (CLIENTS.md §4 item 5): embedded instances are flagged with
 * EMBEDDEDOBJECT on scalar PROPERTY only (wbemcli knows no other spelling,
 * pywbem reads both), PROPERTY.ARRAY never carries it, QUALIFIER carries
 * NAME and TYPE only, and property-like elements always get an end tag.
 * Instances carry no CLASSORIGIN (struct cim_prop has none).
 */
#include <string.h>
#include <strings.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

/* Property list membership, case-insensitive; plist == NULL selects all. */
static bool
plist_has(const char *const *plist, size_t n, const char *name)
{
	size_t i, len;

	if (plist == NULL)
		return true;
	len = strlen(name);
	for (i = 0; i < n; i++)
		if (plist[i] != NULL && strlen(plist[i]) == len &&
		    strcasecmp(plist[i], name) == 0)
			return true;
	return false;
}

static const char *
type_attr(enum cim_type t)
{
	/* Embedded objects travel as strings. */
	if (t == CIM_T_NONE || t == CIM_T_OBJECT || t == CIM_T_INSTANCE)
		return "string";
	return cim_type_name(t);
}

static void
put_attr(struct cim_buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	cim_buf_printf(b, " %s=\"", name);
	cim_buf_escape(b, v);
	cim_buf_put(b, "\"", 1);
}

static void
write_prop_value(struct cim_buf *b, const struct cim_prop *p)
{
	size_t i;

	if (p->is_array) {
		if (p->is_null || p->items == NULL)
			return;
		cim_buf_puts(b, "<VALUE.ARRAY>");
		for (i = 0; i < p->n; i++) {
			if (p->items[i] == NULL) {
				cim_buf_puts(b, "<VALUE.NULL/>");
				continue;
			}
			cim_buf_puts(b, "<VALUE>");
			cim_buf_escape(b, p->items[i]);
			cim_buf_puts(b, "</VALUE>");
		}
		cim_buf_puts(b, "</VALUE.ARRAY>");
	} else if (!p->is_null && p->text != NULL) {
		cim_buf_puts(b, "<VALUE>");
		cim_buf_escape(b, p->text);
		cim_buf_puts(b, "</VALUE>");
	}
}

void
cimxml_write_property(struct cim_buf *b, const struct cim_prop *p)
{
	if (p->type == CIM_T_REFERENCE) {
		/* Reference arrays have no cim_prop form: written scalar. */
		cim_buf_puts(b, "<PROPERTY.REFERENCE");
		put_attr(b, "NAME", p->name);
		put_attr(b, "REFERENCECLASS", p->refclass);
		cim_buf_put(b, ">", 1);
		if (!p->is_null && p->ref != NULL)
			cimxml__write_ref(b, p->ref);
		cim_buf_puts(b, "</PROPERTY.REFERENCE>");
		return;
	}
	cim_buf_puts(b, p->is_array ? "<PROPERTY.ARRAY" : "<PROPERTY");
	put_attr(b, "NAME", p->name);
	put_attr(b, "TYPE", type_attr(p->type));
	if (!p->is_array) {
		if (p->embedded_instance || p->type == CIM_T_INSTANCE)
			cim_buf_puts(b, " EMBEDDEDOBJECT=\"instance\"");
		else if (p->type == CIM_T_OBJECT)
			cim_buf_puts(b, " EMBEDDEDOBJECT=\"object\"");
	}
	cim_buf_put(b, ">", 1);
	write_prop_value(b, p);
	cim_buf_puts(b, p->is_array ? "</PROPERTY.ARRAY>" : "</PROPERTY>");
}

void
cimxml_write_instance(struct cim_buf *b, const struct cim_instance *in,
    const char *const *plist, size_t nplist, bool include_classorigin)
{
	size_t i;

	(void)include_classorigin;	/* no origin in struct cim_prop */
	cim_buf_puts(b, "<INSTANCE CLASSNAME=\"");
	cim_buf_escape(b, in->classname);
	cim_buf_puts(b, "\">");
	for (i = 0; i < in->nprops; i++)
		if (in->props[i].name != NULL &&
		    plist_has(plist, nplist, in->props[i].name))
			cimxml_write_property(b, &in->props[i]);
	cim_buf_puts(b, "</INSTANCE>");
}

/* Returns the INSTANCE text allocated in the arena, or NULL (no memory). */
char *
cimxml_instance_to_string(struct cim_arena *arena,
    const struct cim_instance *in)
{
	struct cim_buf b;
	char *s;

	cim_buf_init(&b);
	cimxml_write_instance(&b, in, NULL, 0, false);
	s = b.oom ? NULL : cim_arena_strndup(arena, b.data, b.len);
	cim_buf_release(&b);
	return s;
}

/* ----------------------------------------------------------------- class */

static void
qual_bool(struct cim_buf *b, const char *name, bool v)
{
	cim_buf_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"boolean\">"
	    "<VALUE>%s</VALUE></QUALIFIER>", name, v ? "TRUE" : "FALSE");
}

static void
qual_string(struct cim_buf *b, const char *name, const char *v)
{
	cim_buf_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"string\"><VALUE>",
	    name);
	cim_buf_escape(b, v);
	cim_buf_puts(b, "</VALUE></QUALIFIER>");
}

static void
qual_array(struct cim_buf *b, const char *name, const char *const *v,
    size_t n)
{
	size_t i;

	cim_buf_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"string\">"
	    "<VALUE.ARRAY>", name);
	for (i = 0; i < n; i++) {
		cim_buf_puts(b, "<VALUE>");
		cim_buf_escape(b, v[i] != NULL ? v[i] : "");
		cim_buf_puts(b, "</VALUE>");
	}
	cim_buf_puts(b, "</VALUE.ARRAY></QUALIFIER>");
}

/*
 * `param` selects the parameter defaults: In is TRUE unless stated, so an
 * Out-only parameter is written In(FALSE), Out.
 */
static void
write_quals(struct cim_buf *b, const struct cim_qualifiers *q, bool param)
{
	if (q->is_abstract)
		qual_bool(b, "Abstract", true);
	if (q->association)
		qual_bool(b, "Association", true);
	if (q->key)
		qual_bool(b, "Key", true);
	if (param && (q->in || q->out))
		qual_bool(b, "In", q->in);
	if (q->out)
		qual_bool(b, "Out", true);
	if (q->required)
		qual_bool(b, "Required", true);
	if (q->embedded_instance != NULL)
		qual_string(b, "EmbeddedInstance", q->embedded_instance);
	if (q->description != NULL)
		qual_string(b, "Description", q->description);
	if (q->nvaluemap > 0 && q->valuemap != NULL)
		qual_array(b, "ValueMap", q->valuemap, q->nvaluemap);
	if (q->nvaluemap > 0 && q->values != NULL)
		qual_array(b, "Values", q->values, q->nvaluemap);
}

static void
write_class_prop(struct cim_buf *b, const struct cim_class_prop *p,
    bool quals, bool origin)
{
	const char *tag;

	if (p->type == CIM_T_REFERENCE) {
		tag = "PROPERTY.REFERENCE";
		cim_buf_printf(b, "<%s", tag);
		put_attr(b, "NAME", p->name);
		put_attr(b, "REFERENCECLASS", p->refclass);
	} else {
		tag = p->is_array ? "PROPERTY.ARRAY" : "PROPERTY";
		cim_buf_printf(b, "<%s", tag);
		put_attr(b, "NAME", p->name);
		put_attr(b, "TYPE", type_attr(p->type));
	}
	if (origin)
		put_attr(b, "CLASSORIGIN", p->classorigin);
	cim_buf_put(b, ">", 1);
	if (quals)
		write_quals(b, &p->q, false);
	cim_buf_printf(b, "</%s>", tag);
}

static void
write_param(struct cim_buf *b, const struct cim_class_param *p, bool quals)
{
	const char *tag;

	if (p->type == CIM_T_REFERENCE)
		tag = p->is_array ? "PARAMETER.REFARRAY" :
		    "PARAMETER.REFERENCE";
	else
		tag = p->is_array ? "PARAMETER.ARRAY" : "PARAMETER";
	cim_buf_printf(b, "<%s", tag);
	put_attr(b, "NAME", p->name);
	if (p->type == CIM_T_REFERENCE)
		put_attr(b, "REFERENCECLASS", p->refclass);
	else
		put_attr(b, "TYPE", type_attr(p->type));
	cim_buf_put(b, ">", 1);
	if (quals)
		write_quals(b, &p->q, true);
	cim_buf_printf(b, "</%s>", tag);
}

static void
write_method(struct cim_buf *b, const struct cim_class_method *m, bool quals,
    bool origin)
{
	size_t i;

	cim_buf_puts(b, "<METHOD");
	put_attr(b, "NAME", m->name);
	put_attr(b, "TYPE", type_attr(m->rettype != CIM_T_NONE ?
	    m->rettype : CIM_T_UINT32));
	if (origin)
		put_attr(b, "CLASSORIGIN", m->classorigin);
	cim_buf_put(b, ">", 1);
	if (quals)
		write_quals(b, &m->q, false);
	for (i = 0; i < m->nparams; i++)
		write_param(b, &m->params[i], quals);
	cim_buf_puts(b, "</METHOD>");
}

void
cimxml_write_class(struct cim_buf *b, const struct cim_class *c,
    bool include_qualifiers, bool include_classorigin,
    const char *const *plist, size_t nplist)
{
	size_t i;

	cim_buf_puts(b, "<CLASS");
	put_attr(b, "NAME", c->name);
	put_attr(b, "SUPERCLASS", c->superclass);
	cim_buf_put(b, ">", 1);
	if (include_qualifiers)
		write_quals(b, &c->q, false);
	for (i = 0; i < c->nprops; i++)
		if (c->props[i].name != NULL &&
		    plist_has(plist, nplist, c->props[i].name))
			write_class_prop(b, &c->props[i], include_qualifiers,
			    include_classorigin);
	for (i = 0; i < c->nmethods; i++)
		write_method(b, &c->methods[i], include_qualifiers,
		    include_classorigin);
	cim_buf_puts(b, "</CLASS>");
}
