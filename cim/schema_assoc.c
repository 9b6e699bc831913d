/* SPDX-License-Identifier: ISC */
/*
 * schema_assoc.c - class data: the DMTF association classes (with the
 * StorageSynchronized value maps of SPEC.md §2.3) and every TPD_ class of
 * CONTRACT.md §2, each deriving from the CIM_ class it specialises.  The
 * reference properties of an association are its keys.  Pure data: no
 * code, no instances; schema.c flattens.
 */
#include "cim/schema_int.h"

/* ------------------------------------------------------------ value maps */

static const char *const syncstate_map[] = { "0", "2", "3", "4", "5", "6",
    "7", "8", "9", "10", "11", "12", "13", "14", "15", "..", "0x8000.." };
static const char *const syncstate_val[] = { "Unknown", "Initialized",
    "PrepareInProgress", "Prepared", "ResyncInProgress", "Synchronized",
    "Fracture In Progress", "QuiesceInProgress", "Quiesced",
    "Restore In Progress", "Idle", "Broken", "Fractured", "Frozen",
    "Copy In Progress", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(syncstate);

static const char *const copytype_map[] = { "2", "3", "4", "5", "..",
    "0x8000.." };
static const char *const copytype_val[] = { "Async", "Sync", "UnSyncAssoc",
    "UnSyncUnAssoc", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(copytype);

static const char *const replicatype_map[] = { "0", "2", "3", "4", "5", "..",
    "0x8000.." };
static const char *const replicatype_val[] = { "Not Specified", "Full Copy",
    "Before Delta", "After Delta", "Log", "DMTF Reserved",
    "Vendor Specific" };
VMAP_CHECK(replicatype);

static const char *const synctype_map[] = { "6", "7", "8", "9", "..",
    "0x8000.." };
static const char *const synctype_val[] = { "Mirror",
    "Snapshot", "Clone", "TokenizedClone", "DMTF Reserved",
    "Vendor Specific" };
VMAP_CHECK(synctype);

static const char *const mode_map[] = { "0", "2", "3", "4", "..",
    "0x8000.." };
static const char *const mode_val[] = { "Unknown", "Synchronous",
    "Asynchronous", "Adaptive", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(mode);

static const char *const copystate_map[] = { "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "..",
    "0x8000.." };
static const char *const copystate_val[] = { "Initialized", "Unsynchronized",
    "Synchronized", "Broken", "Fractured", "Split", "Inactive", "Suspended",
    "Failedover", "Prepared", "Aborted", "Skewed", "Mixed", "Not Applicable",
    "Partitioned", "Invalid", "Restored", "DMTF Reserved",
    "Vendor Specific" };
VMAP_CHECK(copystate);

static const char *const progress_map[] = { "0", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "20", "21", "22", "23", "24", "25", "..", "0x8000.." };
static const char *const progress_val[] = { "Unknown", "Completed", "Dormant",
    "Initializing", "Preparing", "Synchronizing", "Resyncing", "Restoring",
    "Fracturing", "Splitting", "Failing over", "Failing back", "Aborting",
    "Mixed", "Not Applicable", "Suspending", "Requires fracture",
    "Requires resync", "Requires activate", "Pending", "Detaching",
    "Requires detach", "Terminating", "Requires split", "Requires resume",
    "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(progress);

static const char *const effects_map[] = { "0", "1", "2", "3", "4", "5",
    "..", "0x8000.." };
static const char *const effects_val[] = { "Unknown", "Other",
    "Exclusive Use", "Performance Impact", "Element Integrity", "Create",
    "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(effects);

static const char *const characteristics_map[] = { "2", "3", "..",
    "0x8000.." };
static const char *const characteristics_val[] = { "Default", "Current",
    "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(characteristics);

/* ------------------------------------------------------------ properties */

static const struct cim_class_prop synchronized_props[] = {
	REFKEY("SystemElement", "CIM_ManagedElement"),
	REFKEY("SyncedElement", "CIM_ManagedElement"),
	PROP("WhenSynced", DATETIME),
	PROP("SyncMaintained", BOOLEAN),
	PROPVM("SyncType", UINT16, synctype),
	PROPVM("Mode", UINT16, mode),
	PROPVM("CopyState", UINT16, copystate),
	PROPVM("RequestedCopyState", UINT16, copystate),
	PROPVM("ProgressStatus", UINT16, progress),
	PROP("PercentSynced", UINT16),
};

static const struct cim_class_prop storagesync_props[] = {
	PROPVM("CopyType", UINT16, copytype),
	PROPVM("ReplicaType", UINT16, replicatype),
	PROPVM("SyncState", UINT16, syncstate),
};

static const struct cim_class_prop owningjob_props[] = {
	REFKEY("OwningElement", "CIM_ManagedElement"),
	REFKEY("OwnedElement", "CIM_Job"),
};

static const struct cim_class_prop affectedjob_props[] = {
	REFKEY("AffectedElement", "CIM_ManagedElement"),
	REFKEY("AffectingElement", "CIM_Job"),
	PROPAVM("ElementEffects", UINT16, effects),
	PROPA("OtherElementEffectsDescriptions", STRING),
};

static const struct cim_class_prop jobresult_props[] = {
	REFKEY("Job", "CIM_ConcreteJob"),
	REFKEY("JobParameters", "CIM_MethodResult"),
};

static const struct cim_class_prop dependency_props[] = {
	REFKEY("Antecedent", "CIM_ManagedElement"),
	REFKEY("Dependent", "CIM_ManagedElement"),
};

static const struct cim_class_prop component_props[] = {
	REFKEY("GroupComponent", "CIM_ManagedElement"),
	REFKEY("PartComponent", "CIM_ManagedElement"),
};

static const struct cim_class_prop syscomponent_props[] = {
	REFKEY("GroupComponent", "CIM_System"),
	REFKEY("PartComponent", "CIM_ManagedSystemElement"),
};

static const struct cim_class_prop sysdevice_props[] = {
	REFKEY("GroupComponent", "CIM_System"),
	REFKEY("PartComponent", "CIM_LogicalDevice"),
};

static const struct cim_class_prop hostedpool_props[] = {
	REFKEY("GroupComponent", "CIM_System"),
	REFKEY("PartComponent", "CIM_StoragePool"),
};

static const struct cim_class_prop hostedservice_props[] = {
	REFKEY("Antecedent", "CIM_System"),
	REFKEY("Dependent", "CIM_Service"),
};

static const struct cim_class_prop allocated_props[] = {
	REFKEY("Antecedent", "CIM_StoragePool"),
	REFKEY("Dependent", "CIM_LogicalElement"),
	PROP("SpaceConsumed", UINT64),
};

static const struct cim_class_prop elemcaps_props[] = {
	REFKEY("ManagedElement", "CIM_ManagedElement"),
	REFKEY("Capabilities", "CIM_Capabilities"),
	PROPAVM("Characteristics", UINT16, characteristics),
};

static const struct cim_class_prop conforms_props[] = {
	REFKEY("ConformantStandard", "CIM_RegisteredProfile"),
	REFKEY("ManagedElement", "CIM_ManagedElement"),
};

static const struct cim_class_prop refprofile_props[] = {
	REFKEY("Antecedent", "CIM_RegisteredProfile"),
	REFKEY("Dependent", "CIM_RegisteredProfile"),
};

/* 3PAR's own extension of the configuration service (SPEC §3.8). */
static const char *const rc_snapspace_map[] = { "0", "1", "4", "5", "4096",
    "32768" };
static const char *const rc_snapspace_val[] = {
    "Job Completed with No Error", "Not Supported", "Failed",
    "Invalid Parameter", "Method Parameters Checked - Job Started",
    "Volume does not exist" };
VMAP_CHECK(rc_snapspace);

static const struct cim_class_param snapspace_params[] = {
	PINREFA("SnapshotVolume", "CIM_StorageVolume"),
	POUTREF("Job", "CIM_ConcreteJob"),
};

static const struct cim_class_method tpd_scs_methods[] = {
	METHOD("UpdateDeltaSnapshotSpace", snapspace_params, rc_snapspace),
};

/* --------------------------------------------------------------- classes */

#define ASSOC		.q = { .association = true }
#define ASSOC_ABSTRACT	.q = { .association = true, .is_abstract = true }

const struct cim_class schema__assoc_classes[] = {
	{ .name = "CIM_Synchronized", ASSOC, PROPS(synchronized_props) },
	{ .name = "CIM_StorageSynchronized", .superclass = "CIM_Synchronized",
	  ASSOC, PROPS(storagesync_props) },
	{ .name = "CIM_OwningJobElement", ASSOC, PROPS(owningjob_props) },
	{ .name = "CIM_AffectedJobElement", ASSOC, PROPS(affectedjob_props) },
	{ .name = "CIM_AssociatedJobMethodResult", ASSOC,
	  PROPS(jobresult_props) },
	{ .name = "CIM_Dependency", ASSOC_ABSTRACT, PROPS(dependency_props) },
	{ .name = "CIM_Component", ASSOC_ABSTRACT, PROPS(component_props) },
	{ .name = "CIM_SystemComponent", .superclass = "CIM_Component",
	  ASSOC, PROPS(syscomponent_props) },
	{ .name = "CIM_SystemDevice", .superclass = "CIM_SystemComponent",
	  ASSOC, PROPS(sysdevice_props) },
	{ .name = "CIM_HostedStoragePool", .superclass = "CIM_SystemComponent",
	  ASSOC, PROPS(hostedpool_props) },
	{ .name = "CIM_HostedDependency", .superclass = "CIM_Dependency",
	  ASSOC },
	{ .name = "CIM_HostedService", .superclass = "CIM_HostedDependency",
	  ASSOC, PROPS(hostedservice_props) },
	{ .name = "CIM_AllocatedFromStoragePool",
	  .superclass = "CIM_Dependency", ASSOC, PROPS(allocated_props) },
	{ .name = "CIM_ElementCapabilities", ASSOC, PROPS(elemcaps_props) },
	{ .name = "CIM_ElementConformsToProfile", ASSOC,
	  PROPS(conforms_props) },
	{ .name = "CIM_ReferencedProfile", .superclass = "CIM_Dependency",
	  ASSOC, PROPS(refprofile_props) },
};
const size_t schema__nassoc_classes = SCHEMA_NELEM(schema__assoc_classes);

/*
 * The vendor classes.  They add nothing but UpdateDeltaSnapshotSpace; the
 * Association qualifier is inherited by schema.c, and narrowing of the
 * reference classes stays at the CIM_ level so a client's GetClass shows
 * the DMTF endpoints.
 */
const struct cim_class schema__tpd_classes[] = {
	{ .name = "TPD_StorageSystem", .superclass = "CIM_ComputerSystem" },
	{ .name = "TPD_StoragePool", .superclass = "CIM_StoragePool" },
	{ .name = "TPD_DynamicStoragePool", .superclass = "CIM_StoragePool" },
	{ .name = "TPD_DeltaReplicaStoragePool",
	  .superclass = "CIM_StoragePool" },
	{ .name = "TPD_StorageVolume", .superclass = "CIM_StorageVolume" },
	{ .name = "TPD_StorageConfigurationService",
	  .superclass = "CIM_StorageConfigurationService",
	  METHODS(tpd_scs_methods) },
	{ .name = "TPD_StorageReplicationCapabilities",
	  .superclass = "CIM_StorageReplicationCapabilities" },
	{ .name = "TPD_StorageConfigurationCapabilities",
	  .superclass = "CIM_StorageConfigurationCapabilities" },
	{ .name = "TPD_ConcreteJob", .superclass = "CIM_ConcreteJob" },
	{ .name = "TPD_MethodResult", .superclass = "CIM_MethodResult" },
	{ .name = "TPD_StorageSynchronized",
	  .superclass = "CIM_StorageSynchronized" },
	{ .name = "TPD_OwningJobElement",
	  .superclass = "CIM_OwningJobElement" },
	{ .name = "TPD_AffectedJobElement",
	  .superclass = "CIM_AffectedJobElement" },
	{ .name = "TPD_AssociatedJobMethodResult",
	  .superclass = "CIM_AssociatedJobMethodResult" },
	{ .name = "TPD_SystemVolume", .superclass = "CIM_SystemDevice" },
	{ .name = "TPD_HostedStoragePool",
	  .superclass = "CIM_HostedStoragePool" },
	{ .name = "TPD_AllocatedFromStoragePool",
	  .superclass = "CIM_AllocatedFromStoragePool" },
	{ .name = "TPD_ElementCapabilities",
	  .superclass = "CIM_ElementCapabilities" },
	{ .name = "TPD_HostedService", .superclass = "CIM_HostedService" },
};
const size_t schema__ntpd_classes = SCHEMA_NELEM(schema__tpd_classes);
