/* SPDX-License-Identifier: ISC */
/*
 * schema_int.h - private to daemon/schema*.c: the table-building macros and
 * the per-file class tables that schema.c flattens at first use.  A class
 * table lists only what each class itself introduces or overrides (with
 * classorigin left NULL); schema.c copies the superclass's members in and
 * stamps classorigin.  Nothing outside daemon/schema*.c includes this.
 */
#ifndef ARRAYD_SCHEMA_INT_H
#define ARRAYD_SCHEMA_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "cimxml/cimxml.h"

#define SCHEMA_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * A value map is two arrays, <x>_map and <x>_val; VMAP_CHECK() makes a
 * length mismatch a compile error, VMAP() fills the three qualifier fields.
 */
#define VMAP_CHECK(x)	_Static_assert(SCHEMA_NELEM(x##_map) == \
    SCHEMA_NELEM(x##_val), "ValueMap/Values length mismatch: " #x)
#define VMAP(x)		.nvaluemap = SCHEMA_NELEM(x##_map), \
			.valuemap = x##_map, .values = x##_val

/* Properties. */
#define PROP(n, t)	{ .name = (n), .type = CIM_T_##t }
#define PROPA(n, t)	{ .name = (n), .type = CIM_T_##t, .is_array = true }
#define PROPR(n, t)	{ .name = (n), .type = CIM_T_##t, \
			  .q = { .required = true } }
#define PROPVM(n, t, vm) { .name = (n), .type = CIM_T_##t, .q = { VMAP(vm) } }
#define PROPAVM(n, t, vm) { .name = (n), .type = CIM_T_##t, .is_array = true, \
			  .q = { VMAP(vm) } }
#define PROPEI(n, cls)	{ .name = (n), .type = CIM_T_STRING, \
			  .q = { .embedded_instance = (cls) } }
#define KEY(n, t)	{ .name = (n), .type = CIM_T_##t, .q = { .key = true } }
#define REFKEY(n, cls)	{ .name = (n), .type = CIM_T_REFERENCE, \
			  .refclass = (cls), .q = { .key = true } }

/* Parameters: IN, IN Required, OUT only, IN+OUT. */
#define PIN(n, t)	{ .name = (n), .type = CIM_T_##t, .q = { .in = true } }
#define PINA(n, t)	{ .name = (n), .type = CIM_T_##t, .is_array = true, \
			  .q = { .in = true } }
#define PREQ(n, t)	{ .name = (n), .type = CIM_T_##t, \
			  .q = { .in = true, .required = true } }
#define PINVM(n, t, vm)	{ .name = (n), .type = CIM_T_##t, \
			  .q = { .in = true, VMAP(vm) } }
#define PREQVM(n, t, vm) { .name = (n), .type = CIM_T_##t, \
			  .q = { .in = true, .required = true, VMAP(vm) } }
#define PINOUT(n, t)	{ .name = (n), .type = CIM_T_##t, \
			  .q = { .in = true, .out = true } }
#define PINREF(n, cls)	{ .name = (n), .type = CIM_T_REFERENCE, \
			  .refclass = (cls), .q = { .in = true } }
#define PINREFA(n, cls)	{ .name = (n), .type = CIM_T_REFERENCE, \
			  .is_array = true, .refclass = (cls), .q = { .in = true } }
#define PREQREF(n, cls)	{ .name = (n), .type = CIM_T_REFERENCE, \
			  .refclass = (cls), .q = { .in = true, .required = true } }
#define PINOUTREF(n, cls) { .name = (n), .type = CIM_T_REFERENCE, \
			  .refclass = (cls), .q = { .in = true, .out = true } }
#define POUT(n, t)	{ .name = (n), .type = CIM_T_##t, \
			  .q = { .in = false, .out = true } }
#define POUTA(n, t)	{ .name = (n), .type = CIM_T_##t, .is_array = true, \
			  .q = { .in = false, .out = true } }
#define POUTREF(n, cls)	{ .name = (n), .type = CIM_T_REFERENCE, \
			  .refclass = (cls), .q = { .in = false, .out = true } }
#define POUTREFA(n, cls) { .name = (n), .type = CIM_T_REFERENCE, \
			  .is_array = true, .refclass = (cls), \
			  .q = { .in = false, .out = true } }
#define POUTEI(n, cls)	{ .name = (n), .type = CIM_T_STRING, \
			  .q = { .in = false, .out = true, \
			  .embedded_instance = (cls) } }
#define POUTEIA(n, cls)	{ .name = (n), .type = CIM_T_STRING, .is_array = true, \
			  .q = { .in = false, .out = true, \
			  .embedded_instance = (cls) } }

/* Methods (all return uint32) and class members. */
#define METHOD(n, pv, rvm) { .name = (n), .rettype = CIM_T_UINT32, \
			  .nparams = SCHEMA_NELEM(pv), .params = (pv), \
			  .q = { VMAP(rvm) } }
#define METHOD0(n)	{ .name = (n), .rettype = CIM_T_UINT32 }
#define PROPS(a)	.nprops = SCHEMA_NELEM(a), .props = (a)
#define METHODS(a)	.nmethods = SCHEMA_NELEM(a), .methods = (a)

/*
 * The class tables, in an order where every superclass precedes its
 * subclasses (schema.c processes the parts in the order listed there).
 */
extern const struct cim_class schema__cim_classes[];
extern const size_t schema__ncim_classes;
extern const struct cim_class schema__assoc_classes[];
extern const size_t schema__nassoc_classes;
extern const struct cim_class schema__repl_classes[];
extern const size_t schema__nrepl_classes;
extern const struct cim_class schema__indic_classes[];
extern const size_t schema__nindic_classes;
extern const struct cim_class schema__tpd_classes[];
extern const size_t schema__ntpd_classes;
extern const struct cim_class schema__indication_classes[];
extern const size_t schema__nindication_classes;

#endif /* ARRAYD_SCHEMA_INT_H */
