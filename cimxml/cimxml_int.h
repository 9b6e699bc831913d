/* SPDX-License-Identifier: ISC */
/*
 * cimxml_int.h - helpers shared by the files of cimxml/ only.
 *
 * Never included outside cimxml/ (the daemon uses cimxml.h).
 */
#ifndef ARRAYD_CIMXML_INT_H
#define ARRAYD_CIMXML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"

/* Pointer to the first non-blank of `s`; *len excludes trailing blanks. */
const char *cimxml__trim(const char *s, size_t *len);
/* Sign and magnitude of a decimal or 0x literal: 0, -EINVAL or -ERANGE. */
int cimxml__parse_mag(const char *s, bool *neg, uint64_t *mag);
/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid/truncated.
 * Rejects overlongs, surrogates, > U+10FFFF and the non-characters
 * U+FFFE/U+FFFF that XML 1.0 forbids. */
size_t cimxml__utf8_len(const unsigned char *s, size_t avail);

/* <VALUE.REFERENCE> for a nested path (LOCALINSTANCEPATH when it has a
 * namespace, INSTANCEPATH when it has a host, else INSTANCENAME). */
void cimxml__write_ref(struct cim_buf *b, const struct cim_path *r);

/* ------------------------------------------------ parser tree (parse.c) */

/* Elements the request side knows; anything else is XEL_UNKNOWN. */
enum xel {
	XEL_UNKNOWN = 0,
	XEL_CIM,
	XEL_CLASS,
	XEL_CLASSNAME,
	XEL_CLASSPATH,
	XEL_CORRELATOR,
	XEL_HOST,
	XEL_IMETHODCALL,
	XEL_INSTANCE,
	XEL_INSTANCENAME,
	XEL_INSTANCEPATH,
	XEL_IPARAMVALUE,
	XEL_KEYBINDING,
	XEL_KEYVALUE,
	XEL_LOCALCLASSPATH,
	XEL_LOCALINSTANCEPATH,
	XEL_LOCALNAMESPACEPATH,
	XEL_MESSAGE,
	XEL_METHODCALL,
	XEL_MULTIREQ,
	XEL_NAMESPACE,
	XEL_NAMESPACEPATH,
	XEL_OBJECTPATH,
	XEL_PARAMVALUE,
	XEL_PROPERTY,
	XEL_PROPERTY_ARRAY,
	XEL_PROPERTY_REFERENCE,
	XEL_QUALIFIER,
	XEL_QUALIFIER_DECLARATION,
	XEL_SIMPLEREQ,
	XEL_VALUE,
	XEL_VALUE_ARRAY,
	XEL_VALUE_NAMEDINSTANCE,
	XEL_VALUE_NULL,
	XEL_VALUE_REFARRAY,
	XEL_VALUE_REFERENCE,
};

/*
 * One element of the request, arena-allocated.  Children of "skipped"
 * elements (INSTANCE, CLASS, ...) are counted against the limits but not
 * stored.  `text` is set only for #PCDATA elements (VALUE, KEYVALUE, HOST),
 * "" when empty.
 */
struct xnode {
	enum xel el;
	const char *name;
	unsigned line, col;
	const char **attrs;	/* name, value, ..., NULL */
	const char *text;
	struct xnode *parent, *child, *last, *next;
};

/* Fill *err and return rc. */
int cimxml__err(struct cimxml_err *err, int rc, int http_status,
    const char *token, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Tree -> request (request.c).  0 or -EINVAL/-ENOMEM with *err filled. */
int cimxml__build_request(const struct xnode *root, struct cim_arena *a,
    struct cim_request *out, struct cimxml_err *err);

#endif /* ARRAYD_CIMXML_INT_H */
