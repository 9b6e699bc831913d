/* SPDX-License-Identifier: ISC */
/*
 * schema.h - the class repository: every TPD_ and CIM_ class arrayd knows,
 * kept as data (properties with types and qualifiers, methods with
 * parameters), so GetClass, polymorphic class filters and the typing of
 * untyped parameters all come from one place.  Classes are stored
 * flattened: each lists its inherited properties and methods too, with
 * classorigin naming the class that defined them.
 */
#ifndef ARRAYD_SCHEMA_H
#define ARRAYD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"

/* Class by name, case-insensitive; NULL if unknown. */
const struct cim_class *schema_class(const char *name);
/* All classes, in an order where superclasses come first. */
size_t schema_count(void);
const struct cim_class *schema_at(size_t i);
/* Is `sub` the class `super` or derived from it (case-insensitive)? */
bool schema_isa(const char *sub, const char *super);
/* Property / method of a class by name, case-insensitive, NULL if none. */
const struct cim_class_prop *schema_prop(const struct cim_class *c,
    const char *name);
const struct cim_class_method *schema_method(const struct cim_class *c,
    const char *name);
const struct cim_class_param *schema_param(const struct cim_class_method *m,
    const char *name);

/*
 * The Values text of `v` under a ValueMap: an exact entry first, then a
 * range ("7..4095", "0x8000..0xFFFF", "0x8000.." open-ended), then a bare
 * "..".  Returns a static string, or NULL when nothing maps `v`.
 */
const char *schema_value_text(const struct cim_qualifiers *q, uint64_t v);

#endif /* ARRAYD_SCHEMA_H */
