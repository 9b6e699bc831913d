/* SPDX-License-Identifier: ISC */
/*
 * schema_indication.c - the life-cycle indication classes arrayd sends
 * (CONTRACT.md §8, SPEC.md §4.6) in the class repository, so that a
 * filter naming one of them compiles and ISA tests on them answer:
 * CIM_InstCreation, CIM_InstDeletion and CIM_InstModification (DMTF CIM
 * 2.49 Event schema) and the TPD_ subclasses a 3PAR sends for jobs and
 * volumes.  CIM_Indication and CIM_InstIndication themselves are in
 * schema_cim.c.  Only what each class introduces is listed here.
 */
#include "cim/schema_int.h"

/* CIM_InstModification: the state before the change, as SourceInstance. */
static const struct cim_class_prop instmod_props[] = {
	PROP("PreviousInstance", STRING),
};

const struct cim_class schema__indication_classes[] = {
	{ .name = "CIM_InstCreation", .superclass = "CIM_InstIndication" },
	{ .name = "CIM_InstDeletion", .superclass = "CIM_InstIndication" },
	{ .name = "CIM_InstModification", .superclass = "CIM_InstIndication",
	  PROPS(instmod_props) },
	{ .name = "TPD_ConcreteJobInstModification",
	  .superclass = "CIM_InstModification" },
	{ .name = "TPD_StorageVolumeInstCreation",
	  .superclass = "CIM_InstCreation" },
	{ .name = "TPD_StorageVolumeInstDeletion",
	  .superclass = "CIM_InstDeletion" },
	{ .name = "TPD_StorageVolumeInstModification",
	  .superclass = "CIM_InstModification" },
};
const size_t schema__nindication_classes =
    SCHEMA_NELEM(schema__indication_classes);
