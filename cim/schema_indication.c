/* SPDX-License-Identifier: ISC */
/*
 * schema_indication.c - the TPD_ life-cycle indication classes arrayd
 * sends (CONTRACT.md §8, SPEC.md §4.6) in the class repository, so that a
 * filter naming one of them compiles and ISA tests on them answer: the
 * job modification and the volume creation, deletion and modification a
 * 3PAR sends.  Their DMTF superclasses (CIM_InstCreation, CIM_InstDeletion,
 * CIM_InstModification) are in schema_indic.c with the Indications
 * profile, CIM_Indication and CIM_InstIndication in schema_cim.c.  None
 * adds a property.
 */
#include "cim/schema_int.h"

const struct cim_class schema__indication_classes[] = {
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
