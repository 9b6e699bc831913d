/* SPDX-License-Identifier: ISC */
/*
 * write_export.c - what a CIM listener receives: the envelope of an
 * ExportIndication request (DSP0200 §7, DSP0201 EXPMETHODCALL) and the
 * untyped WBEM URI (DSP0207) an indication names its source instance by.
 * The indication's properties are the caller's (cimxml_write_property);
 * nothing here knows which indications exist or who receives them.
 */
#include <string.h>

#include "cimxml/cimxml.h"

void
cimxml_begin_export(struct cim_buf *b, const char *msg_id,
    const char *classname)
{
	cim_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"");
	cim_buf_escape(b, msg_id);
	cim_buf_puts(b, "\" PROTOCOLVERSION=\"1.0\"><SIMPLEEXPREQ>"
	    "<EXPMETHODCALL NAME=\"ExportIndication\">"
	    "<EXPPARAMVALUE NAME=\"NewIndication\"><INSTANCE CLASSNAME=\"");
	cim_buf_escape(b, classname);
	cim_buf_puts(b, "\">");
}

void
cimxml_end_export(struct cim_buf *b)
{
	cim_buf_puts(b, "</INSTANCE></EXPPARAMVALUE></EXPMETHODCALL>"
	    "</SIMPLEEXPREQ></MESSAGE></CIM>\n");
}

/* `s` quoted, with '"' and '\' escaped by a backslash. */
static void
uri_quoted(struct cim_buf *b, const char *s)
{
	cim_buf_put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			cim_buf_put(b, "\\", 1);
		cim_buf_put(b, s, 1);
	}
	cim_buf_put(b, "\"", 1);
}

static void
uri_write(struct cim_buf *b, const struct cim_path *p, unsigned depth)
{
	size_t i;

	if (p->host != NULL)
		cim_buf_printf(b, "//%s", p->host);
	if (p->ns != NULL)
		cim_buf_printf(b, "/%s:", p->ns);
	cim_buf_puts(b, p->classname != NULL ? p->classname : "");
	for (i = 0; i < p->nkeys; i++) {
		const struct cim_keybinding *k = &p->keys[i];

		cim_buf_printf(b, "%c%s=", i == 0 ? '.' : ',', k->name);
		if (k->kind == CIM_KEY_REF && k->ref != NULL && depth < 8) {
			struct cim_buf sub;

			/* The nested URI is itself a quoted string value. */
			cim_buf_init(&sub);
			uri_write(&sub, k->ref, depth + 1);
			cim_buf_put(&sub, "", 1);
			if (sub.oom)
				b->oom = true;
			else
				uri_quoted(b, sub.data);
			cim_buf_release(&sub);
		} else if (k->kind == CIM_KEY_NUMERIC ||
		    k->kind == CIM_KEY_BOOLEAN) {
			cim_buf_puts(b, k->value != NULL ? k->value : "");
		} else {
			uri_quoted(b, k->value != NULL ? k->value : "");
		}
	}
}

/* Returns the URI in `arena`, NULL when out of memory. */
char *
cimxml_path_to_uri(struct cim_arena *arena, const struct cim_path *p)
{
	struct cim_buf b;
	char *s;

	cim_buf_init(&b);
	uri_write(&b, p, 0);
	s = b.oom ? NULL : cim_arena_strndup(arena, b.data != NULL ? b.data :
	    "", b.len);
	cim_buf_release(&b);
	return s;
}
