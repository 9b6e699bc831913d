/* SPDX-License-Identifier: ISC */
/*
 * schema_cim.c - class data: the DMTF CIM_ classes (not associations) the
 * daemon's TPD_ classes and interop instances derive from, with the value
 * maps clients translate and the method signatures of CIM_Job,
 * CIM_ConcreteJob and CIM_StorageConfigurationService as SPEC.md §3-§5
 * gives them.  Each class lists only what it introduces or overrides;
 * schema.c flattens.  Pure data: no code, no instances.
 */
#include "cim/schema_int.h"

/* ------------------------------------------------------------ value maps */

static const char *const opstatus_map[] = { "0", "1", "2", "3", "4", "5",
    "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "..", "0x8000.." };
static const char *const opstatus_val[] = { "Unknown", "Other", "OK",
    "Degraded", "Stressed", "Predictive Failure", "Error",
    "Non-Recoverable Error", "Starting", "Stopping", "Stopped",
    "In Service", "No Contact", "Lost Communication", "Aborted", "Dormant",
    "Supporting Entity in Error", "Completed", "Power Mode", "Relocating",
    "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(opstatus);

static const char *const health_map[] = { "0", "5", "10", "15", "20", "25",
    "30", "..", "32768..65535" };
static const char *const health_val[] = { "Unknown", "OK",
    "Degraded/Warning", "Minor failure", "Major failure", "Critical failure",
    "Non-recoverable error", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(health);

static const char *const enabled_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", "8", "9", "10", "11..32767", "32768..65535" };
static const char *const enabled_val[] = { "Unknown", "Other", "Enabled",
    "Disabled", "Shutting Down", "Not Applicable", "Enabled but Offline",
    "In Test", "Deferred", "Quiesce", "Starting", "DMTF Reserved",
    "Vendor Reserved" };
VMAP_CHECK(enabled);

static const char *const reqstate_map[] = { "0", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "..", "32768..65535" };
static const char *const reqstate_val[] = { "Unknown", "Enabled", "Disabled",
    "Shut Down", "No Change", "Offline", "Test", "Deferred", "Quiesce",
    "Reboot", "Reset", "Not Applicable", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(reqstate);

static const char *const enadefault_map[] = { "2", "3", "5", "6", "7", "9",
    "..", "32768..65535" };
static const char *const enadefault_val[] = { "Enabled", "Disabled",
    "Not Applicable", "Enabled but Offline", "No Default", "Quiesce",
    "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(enadefault);

static const char *const jobstate_map[] = { "2", "3", "4", "5", "6", "7", "8",
    "9", "10", "11", "12", "13..32767", "32768..65535" };
static const char *const jobstate_val[] = { "New", "Starting", "Running",
    "Suspended", "Shutting Down", "Completed", "Terminated", "Killed",
    "Exception", "Service", "Query Pending", "DMTF Reserved",
    "Vendor Reserved" };
VMAP_CHECK(jobstate);

static const char *const extusage_map[] = { "1", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "..",
    "32768..65535" };
static const char *const extusage_val[] = { "Other", "Unrestricted",
    "Reserved for ComputerSystem (the block server)",
    "Reserved by Replication Services", "Reserved by Migration Services",
    "Local Replica Source", "Remote Replica Source", "Local Replica Target",
    "Remote Replica Target", "Local Replica Source or Target",
    "Remote Replica Source or Target", "Delta Replica Target",
    "Element Component", "Reserved to be Unrestricted Pool Contributor",
    "Composite Volume Member", "Composite LogicalDisk Member",
    "Reserved for Sparing", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(extusage);

static const char *const nameformat_map[] = { "0", "1", "2", "3", "4", "5",
    "6", "7", "8", "9", "10", "11", ".." };
static const char *const nameformat_val[] = { "Unknown", "Other",
    "VPD83NAA6", "VPD83NAA5", "VPD83Type2", "VPD83Type1", "VPD83Type0",
    "SNVM", "NodeWWN", "NAA", "EUI64", "T10VID", "DMTF Reserved" };
VMAP_CHECK(nameformat);

static const char *const namens_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", ".." };
static const char *const namens_val[] = { "Unknown", "Other", "VPD83Type3",
    "VPD83Type2", "VPD83Type1", "VPD80", "NodeWWN", "SNVM",
    "DMTF Reserved" };
VMAP_CHECK(namens);

static const char *const poolusage_map[] = { "1", "2", "3", "4", "5", "6", "7",
    "8", "..", "32768..65535" };
static const char *const poolusage_val[] = { "Other", "Unrestricted",
    "Reserved for ComputerSystem (the block server)",
    "Reserved as a Delta Replica Container",
    "Reserved for Migration Services",
    "Reserved for Local Replication Services",
    "Reserved for Remote Replication Services", "Reserved for Sparing",
    "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(poolusage);

/* CIM_RegisteredProfile.RegisteredOrganization as in the DMTF MOF. */
static const char *const regorg_map[] = { "1", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "20", "21", ".." };
static const char *const regorg_val[] = { "Other", "DMTF", "CompTIA",
    "Consortium for Service Innovation", "FAST", "GGF", "INTAP", "itSMF",
    "NAC", "Northwest Energy Efficiency Alliance", "SNIA", "TM Forum",
    "The Open Group", "ANSI", "IEEE", "IETF", "INCITS", "ISO", "W3C", "OGF",
    "The Green Grid", "DMTF Reserved" };
VMAP_CHECK(regorg);

static const char *const advtypes_map[] = { "1", "2", "3" };
static const char *const advtypes_val[] = { "Other", "Not Advertised",
    "SLP" };
VMAP_CHECK(advtypes);

static const char *const copytypes_map[] = { "2", "3", "4", "5", "..",
    "0x8000.." };
static const char *const copytypes_val[] = { "Async", "Sync", "UnSyncAssoc",
    "UnSyncUnAssoc", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(copytypes);

static const char *const initrepl_map[] = { "2", "3", "4", "5", "..",
    "0x8000.." };
static const char *const initrepl_val[] = { "Initialized", "Prepared",
    "Synchronized", "Idle", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(initrepl);

static const char *const errtype_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", "8", "9", "10", "..", "0x8000.." };
static const char *const errtype_val[] = { "Unknown", "Other",
    "Communications Error", "Quality of Service Error", "Software Error",
    "Hardware Error", "Environmental Error", "Security Error",
    "Oversubscription Error", "Unavailable Resource Error",
    "Unsupported Operation Error", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(errtype);

static const char *const severity_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", "..", "0x8000.." };
static const char *const severity_val[] = { "Unknown", "Other",
    "Information", "Degraded/Warning", "Minor", "Major", "Critical",
    "Fatal/NonRecoverable", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(severity);

static const char *const errsrcfmt_map[] = { "0", "1", "2", ".." };
static const char *const errsrcfmt_val[] = { "Unknown", "Other",
    "CIMObjectPath", "DMTF Reserved" };
VMAP_CHECK(errsrcfmt);

static const char *const cimstatus_map[] = { "1", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", ".." };
static const char *const cimstatus_val[] = { "CIM_ERR_FAILED",
    "CIM_ERR_ACCESS_DENIED", "CIM_ERR_INVALID_NAMESPACE",
    "CIM_ERR_INVALID_PARAMETER", "CIM_ERR_INVALID_CLASS", "CIM_ERR_NOT_FOUND",
    "CIM_ERR_NOT_SUPPORTED", "CIM_ERR_CLASS_HAS_CHILDREN",
    "CIM_ERR_CLASS_HAS_INSTANCES", "CIM_ERR_INVALID_SUPERCLASS",
    "CIM_ERR_ALREADY_EXISTS", "CIM_ERR_NO_SUCH_PROPERTY",
    "CIM_ERR_TYPE_MISMATCH", "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
    "CIM_ERR_INVALID_QUERY", "CIM_ERR_METHOD_NOT_AVAILABLE",
    "CIM_ERR_METHOD_NOT_FOUND", "DMTF Reserved" };
VMAP_CHECK(cimstatus);

static const char *const rvtype_map[] = { "2", "3", "4", "5", "6", "7", "8",
    "9", "10", "11", "12", "13", "14", "15", "16", ".." };
static const char *const rvtype_val[] = { "boolean", "string", "char16",
    "uint8", "sint8", "uint16", "sint16", "uint32", "sint32", "uint64",
    "sint64", "datetime", "real32", "real64", "reference", "DMTF Reserved" };
VMAP_CHECK(rvtype);

/* ------------------------------------------------- method return value maps */

/* CreateReplica, DeleteStoragePool, ReturnToStoragePool, ... (SPEC §5). */
static const char *const rc_scs_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7..4095", "4096", "4097..32767", "32768..65535" };
static const char *const rc_scs_val[] = { "Job Completed with No Error",
    "Not Supported", "Unknown", "Timeout", "Failed", "Invalid Parameter",
    "In Use", "DMTF Reserved", "Method Parameters Checked - Job Started",
    "Method Reserved", "Vendor Specific" };
VMAP_CHECK(rc_scs);

/* CreateOrModifyStoragePool / ...ElementFromStoragePool add 4097. */
static const char *const rc_size_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7..4095", "4096", "4097", "4098..32767", "32768..65535" };
static const char *const rc_size_val[] = { "Job Completed with No Error",
    "Not Supported", "Unknown", "Timeout", "Failed", "Invalid Parameter",
    "In Use", "DMTF Reserved", "Method Parameters Checked - Job Started",
    "Size Not Supported", "Method Reserved", "Vendor Specific" };
VMAP_CHECK(rc_size);

/* ModifySynchronization, AttachReplica, AttachOrModifyReplica. */
static const char *const rc_repl_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7..0xFFF", "0x1000", "0x1001..0x7FFF", "0x8000..0xFFFF" };
static const char *const rc_repl_val[] = { "Job Completed with No Error",
    "Not Supported", "Unspecified Error", "Timeout", "Failed",
    "Invalid Parameter", "In Use", "DMTF Reserved",
    "Method Parameters Checked - Job Started", "Method Reserved",
    "Vendor Specific" };
VMAP_CHECK(rc_repl);

/* RequestStateChange (CIM_ConcreteJob and CIM_EnabledLogicalElement). */
static const char *const rc_rsc_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "..", "4096", "4097", "4098", "4099", "4100..32767", "32768..65535" };
static const char *const rc_rsc_val[] = { "Completed with No Error",
    "Not Supported", "Unknown or Unspecified Error",
    "Cannot complete within Timeout Period", "Failed", "Invalid Parameter",
    "In Use", "DMTF Reserved",
    "Method Parameters Checked - Transition Started",
    "Invalid State Transition", "Use of Timeout Parameter Not Supported",
    "Busy", "Method Reserved", "Vendor Specific" };
VMAP_CHECK(rc_rsc);

static const char *const rc_geterr_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "..", "32768..65535" };
static const char *const rc_geterr_val[] = { "Success", "Not Supported",
    "Unspecified Error", "Timeout", "Failed", "Invalid Parameter",
    "Access Denied", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(rc_geterr);

static const char *const rc_kill_map[] = { "0", "1", "2", "3", "4", "6", "7",
    "..", "32768..65535" };
static const char *const rc_kill_val[] = { "Success", "Not Supported",
    "Unknown", "Timeout", "Failed", "Access Denied", "Not Found",
    "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(rc_kill);

/* ------------------------------------------------------ parameter maps */

static const char *const jobreq_map[] = { "2", "3", "4", "5", "6",
    "7..32767", "32768..65535" };
static const char *const jobreq_val[] = { "Start", "Suspend", "Terminate",
    "Kill", "Service", "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(jobreq);

static const char *const elereq_map[] = { "2", "3", "4", "6", "7", "8", "9",
    "10", "11", "..", "32768..65535" };
static const char *const elereq_val[] = { "Enabled", "Disabled", "Shut Down",
    "Offline", "Test", "Defer", "Quiesce", "Reboot", "Reset",
    "DMTF Reserved", "Vendor Reserved" };
VMAP_CHECK(elereq);

static const char *const msop_map[] = { "0", "1", "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "..", "0x8000..0xFFFF" };
static const char *const msop_val[] = { "DMTF Reserved", "DMTF Reserved",
    "Detach", "Fracture", "Resync Replica", "Restore from Replica", "Prepare",
    "Unprepare", "Quiesce", "Unquiesce", "Reset To Sync", "Reset To Async",
    "Start Copy", "Stop Copy", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(msop);

static const char *const crcopy_map[] = { "2", "3", "4", "5", "..",
    "32768..65535" };
static const char *const crcopy_val[] = { "Async", "Sync", "UnSyncAssoc",
    "UnSyncUnAssoc", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(crcopy);

static const char *const atcopy_map[] = { "2", "3", "4", "5", "..",
    "0x8000..0xFFFF" };
static const char *const atcopy_val[] = { "Async", "Sync", "UnSyncAssoc",
    "UnSyncUnAssoc", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(atcopy);

static const char *const amcopy_map[] = { "2", "3", "4", "5", "6..4095",
    "0x1000..0xFFFF" };
static const char *const amcopy_val[] = { "Async", "Sync", "UnSyncAssoc",
    "UnSyncUnAssoc", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(amcopy);

static const char *const eltype_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", "8", "..", "32768..65535" };
static const char *const eltype_val[] = { "Unknown", "Reserved",
    "StorageVolume", "StorageExtent", "LogicalDisk",
    "ThinlyProvisionedStorageVolume", "ThinlyProvisionedLogicalDisk",
    "ThinlyProvisionedAllocatedStoragePool",
    "ThinlyProvisionedQuotaStoragePool", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(eltype);

/* CreateOrModifyElementFromStoragePool.ElementType (DMTF 2.49). */
static const char *const cmeltype_map[] = { "0", "1", "2", "3", "4", "5",
    "6", "7", "8", "..", "32768..65535" };
static const char *const cmeltype_val[] = { "Unknown", "Reserved",
    "StorageVolume", "StorageExtent", "LogicalDisk",
    "ThinlyProvisionedStorageVolume", "ThinlyProvisionedLogicalDisk",
    "FullyProvisionedStorageVolume", "FullyProvisionedLogicalDisk",
    "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(cmeltype);

/* CIM_StoragePool.GetSupportedSizeRange/GetSupportedSizes.ElementType. */
static const char *const pooleltype_map[] = { "2", "3", "4", "5", "6" };
static const char *const pooleltype_val[] = { "Storage Pool",
    "Storage Volume", "Logical Disk", "Thin Provisioned Volume",
    "Thin Provisioned Logical Disk" };
VMAP_CHECK(pooleltype);

static const char *const usageop_map[] = { "2", "3", "..", "0x8000..0xFFFF" };
static const char *const usageop_val[] = { "Set", "Unset", "DMTF Reserved",
    "Vendor Specific" };
VMAP_CHECK(usageop);

/* GetSupportedSizeRange: 2 = "Use GetSupportedSizes instead". */
static const char *const rc_sizerange_map[] = { "0", "1", "2", "3" };
static const char *const rc_sizerange_val[] = { "Method completed OK",
    "Method not supported", "Use GetSupportedSizes instead",
    "Invalid Element Type" };
VMAP_CHECK(rc_sizerange);

static const char *const rc_sizes_map[] = { "0", "1", "2", "3" };
static const char *const rc_sizes_val[] = { "Method completed OK",
    "Method not supported", "Use GetSupportedSizeRange instead",
    "Invalid Element Type" };
VMAP_CHECK(rc_sizes);

/* ------------------------------------------------------------ properties */

static const struct cim_class_prop managedelement_props[] = {
	PROP("InstanceID", STRING),
	PROP("Caption", STRING),
	PROP("Description", STRING),
	PROP("ElementName", STRING),
};

static const struct cim_class_prop mse_props[] = {
	PROP("InstallDate", DATETIME),
	PROP("Name", STRING),
	PROPAVM("OperationalStatus", UINT16, opstatus),
	PROPA("StatusDescriptions", STRING),
	PROP("Status", STRING),
	PROPVM("HealthState", UINT16, health),
};

static const struct cim_class_prop ele_props[] = {
	PROPVM("EnabledState", UINT16, enabled),
	PROP("OtherEnabledState", STRING),
	PROPVM("RequestedState", UINT16, reqstate),
	PROPVM("EnabledDefault", UINT16, enadefault),
	PROP("TimeOfLastStateChange", DATETIME),
};

static const struct cim_class_prop system_props[] = {
	KEY("CreationClassName", STRING),
	KEY("Name", NONE),
	PROP("NameFormat", STRING),
	PROP("PrimaryOwnerName", STRING),
	PROP("PrimaryOwnerContact", STRING),
	PROPA("Roles", STRING),
};

static const struct cim_class_prop computersystem_props[] = {
	PROPA("Dedicated", UINT16),
	PROPA("OtherDedicatedDescriptions", STRING),
	PROPA("OtherIdentifyingInfo", STRING),
	PROPA("IdentifyingDescriptions", STRING),
};

static const struct cim_class_prop logicaldevice_props[] = {
	KEY("SystemCreationClassName", STRING),
	KEY("SystemName", STRING),
	KEY("CreationClassName", STRING),
	KEY("DeviceID", STRING),
	PROPA("OtherIdentifyingInfo", STRING),
	PROPA("IdentifyingDescriptions", STRING),
};

static const struct cim_class_prop storageextent_props[] = {
	PROP("BlockSize", UINT64),
	PROP("NumberOfBlocks", UINT64),
	PROP("ConsumableBlocks", UINT64),
	PROP("IsBasedOnUnderlyingRedundancy", BOOLEAN),
	PROP("NoSinglePointOfFailure", BOOLEAN),
	PROP("DataRedundancy", UINT16),
	PROP("PackageRedundancy", UINT16),
	PROP("DeltaReservation", UINT8),
	PROP("Primordial", BOOLEAN),
	PROPVM("NameFormat", UINT16, nameformat),
	PROPVM("NameNamespace", UINT16, namens),
	PROP("OtherNameFormat", STRING),
	PROP("OtherNameNamespace", STRING),
	PROPA("ExtentStatus", UINT16),
	PROPVM("Usage", UINT16, extusage),
	PROP("OtherUsageDescription", STRING),
	PROPA("ClientSettableUsage", UINT16),
	PROP("IsComposite", BOOLEAN),
	PROP("ThinlyProvisioned", BOOLEAN),
};

static const struct cim_class_prop service_props[] = {
	KEY("SystemCreationClassName", STRING),
	KEY("SystemName", STRING),
	KEY("CreationClassName", STRING),
	KEY("Name", NONE),
	PROP("PrimaryOwnerName", STRING),
	PROP("PrimaryOwnerContact", STRING),
	PROP("StartMode", STRING),
	PROP("Started", BOOLEAN),
};

static const struct cim_class_prop objectmanager_props[] = {
	PROP("GatherStatisticalData", BOOLEAN),
};

static const struct cim_class_prop job_props[] = {
	PROP("JobStatus", STRING),
	PROP("TimeSubmitted", DATETIME),
	PROP("ScheduledStartTime", DATETIME),
	PROP("StartTime", DATETIME),
	PROP("ElapsedTime", DATETIME),
	PROP("JobRunTimes", UINT32),
	PROP("RunMonth", UINT8),
	PROP("RunDay", SINT8),
	PROP("RunDayOfWeek", SINT8),
	PROP("RunStartInterval", DATETIME),
	PROP("LocalOrUtcTime", UINT16),
	PROP("UntilTime", DATETIME),
	PROP("Notify", STRING),
	PROP("Owner", STRING),
	PROP("Priority", UINT32),
	PROP("PercentComplete", UINT16),
	PROP("DeleteOnCompletion", BOOLEAN),
	PROP("ErrorCode", UINT16),
	PROP("ErrorDescription", STRING),
	PROP("RecoveryAction", UINT16),
	PROP("OtherRecoveryAction", STRING),
};

static const struct cim_class_prop concretejob_props[] = {
	KEY("InstanceID", NONE),
	{ .name = "Name", .q = { .required = true } },
	PROPVM("JobState", UINT16, jobstate),
	PROP("TimeOfLastStateChange", DATETIME),
	{ .name = "TimeBeforeRemoval", .type = CIM_T_DATETIME,
	  .q = { .required = true } },
};

static const struct cim_class_prop storagepool_props[] = {
	KEY("InstanceID", NONE),
	PROPR("PoolID", STRING),
	PROP("Primordial", BOOLEAN),
	PROP("TotalManagedSpace", UINT64),
	PROP("RemainingManagedSpace", UINT64),
	PROPVM("Usage", UINT16, poolusage),
	PROP("OtherUsageDescription", STRING),
	PROPA("ClientSettableUsage", UINT16),
	PROP("SpaceLimitDetermination", UINT16),
	PROP("SpaceLimit", UINT64),
	PROP("LowSpaceWarningThreshold", UINT16),
};

static const struct cim_class_prop capabilities_props[] = {
	KEY("InstanceID", NONE),
	{ .name = "ElementName", .q = { .required = true } },
};

static const struct cim_class_prop replcaps_props[] = {
	PROP("SupportedSynchronizationType", UINT16),
	PROPA("SupportedAsynchronousActions", UINT16),
	PROPA("SupportedSynchronousActions", UINT16),
	PROPA("SupportedSpecializedElements", UINT16),
	PROPA("SupportedModifyOperations", UINT16),
	PROPVM("InitialReplicationState", UINT16, initrepl),
	PROP("ReplicaHostAccessibility", UINT16),
	PROPA("HostAccessibleState", UINT16),
	PROP("PersistentReplicasSupported", BOOLEAN),
	PROP("MaximumReplicasPerSource", UINT16),
	PROP("DeltaReplicaPoolAccess", UINT16),
	PROP("MaximumLocalReplicationDepth", UINT16),
};

static const struct cim_class_prop confcaps_props[] = {
	PROPA("SupportedAsynchronousActions", UINT16),
	PROPA("SupportedSynchronousActions", UINT16),
	PROPA("SupportedStorageElementTypes", UINT16),
	PROPA("SupportedStoragePoolFeatures", UINT16),
	PROPA("SupportedStorageElementFeatures", UINT16),
	PROPAVM("SupportedCopyTypes", UINT16, copytypes),
	PROPVM("InitialReplicationState", UINT16, initrepl),
	PROPA("SupportedStorageElementUsage", UINT16),
	PROPA("ClientSettableElementUsage", UINT16),
	PROPA("SupportedStoragePoolUsage", UINT16),
	PROPA("ClientSettablePoolUsage", UINT16),
};

static const struct cim_class_prop methodresult_props[] = {
	KEY("InstanceID", NONE),
	PROPEI("PreCallIndication", "CIM_InstMethodCall"),
	PROPEI("PostCallIndication", "CIM_InstMethodCall"),
};

static const struct cim_class_prop namespace_props[] = {
	KEY("SystemCreationClassName", STRING),
	KEY("SystemName", STRING),
	KEY("ObjectManagerCreationClassName", STRING),
	KEY("ObjectManagerName", STRING),
	KEY("CreationClassName", STRING),
	KEY("Name", STRING),
	PROPR("ClassInfo", UINT16),
	PROP("DescriptionOfClassInfo", STRING),
	PROP("ClassType", UINT16),
	PROP("DescriptionOfClassType", STRING),
};

static const struct cim_class_prop regprofile_props[] = {
	KEY("InstanceID", NONE),
	{ .name = "RegisteredOrganization", .type = CIM_T_UINT16,
	  .q = { .required = true, VMAP(regorg) } },
	PROP("OtherRegisteredOrganization", STRING),
	PROPR("RegisteredName", STRING),
	PROPR("RegisteredVersion", STRING),
	{ .name = "AdvertiseTypes", .type = CIM_T_UINT16, .is_array = true,
	  .q = { .required = true, VMAP(advtypes) } },
	PROPA("AdvertiseTypeDescriptions", STRING),
};

static const struct cim_class_prop error_props[] = {
	PROPVM("ErrorType", UINT16, errtype),
	PROP("OtherErrorType", STRING),
	PROP("OwningEntity", STRING),
	PROPR("MessageID", STRING),
	PROP("Message", STRING),
	PROPA("MessageArguments", STRING),
	PROPVM("PerceivedSeverity", UINT16, severity),
	PROP("ProbableCause", UINT16),
	PROP("ProbableCauseDescription", STRING),
	PROPA("RecommendedActions", STRING),
	PROP("ErrorSource", STRING),
	PROPVM("ErrorSourceFormat", UINT16, errsrcfmt),
	PROP("OtherErrorSourceFormat", STRING),
	PROPVM("CIMStatusCode", UINT32, cimstatus),
	PROP("CIMStatusCodeDescription", STRING),
};

static const struct cim_class_prop indication_props[] = {
	PROP("IndicationIdentifier", STRING),
	PROPA("CorrelatedIndications", STRING),
	PROP("IndicationTime", DATETIME),
	PROPVM("PerceivedSeverity", UINT16, severity),
	PROP("OtherSeverity", STRING),
	PROP("IndicationFilterName", STRING),
	PROP("SequenceContext", STRING),
	PROP("SequenceNumber", SINT64),
};

static const struct cim_class_prop instindication_props[] = {
	PROP("SourceInstance", STRING),
	PROP("SourceInstanceModelPath", STRING),
	PROP("SourceInstanceHost", STRING),
};

static const struct cim_class_prop instmethodcall_props[] = {
	PROPR("MethodName", STRING),
	PROP("MethodParameters", STRING),
	PROP("ReturnValue", STRING),
	PROPVM("ReturnValueType", UINT16, rvtype),
	PROPR("PreCall", BOOLEAN),
	{ .name = "Error", .type = CIM_T_STRING, .is_array = true,
	  .q = { .embedded_instance = "CIM_Error" } },
};

/* --------------------------------------------------------------- methods */

static const struct cim_class_param ele_rsc_params[] = {
	PINVM("RequestedState", UINT16, elereq),
	POUTREF("Job", "CIM_ConcreteJob"),
	PIN("TimeoutPeriod", DATETIME),
};

static const struct cim_class_method ele_methods[] = {
	METHOD("RequestStateChange", ele_rsc_params, rc_rsc),
};

static const struct cim_class_method service_methods[] = {
	METHOD0("StartService"),
	METHOD0("StopService"),
};

static const struct cim_class_param killjob_params[] = {
	PIN("DeleteOnKill", BOOLEAN),
};

static const struct cim_class_method job_methods[] = {
	METHOD("KillJob", killjob_params, rc_kill),
};

static const struct cim_class_param job_rsc_params[] = {
	PINVM("RequestedState", UINT16, jobreq),
	PIN("TimeoutPeriod", DATETIME),
};

static const struct cim_class_param geterror_params[] = {
	POUTEI("Error", "CIM_Error"),
};

static const struct cim_class_param geterrors_params[] = {
	POUTEIA("Errors", "CIM_Error"),
};

static const struct cim_class_method concretejob_methods[] = {
	METHOD("RequestStateChange", job_rsc_params, rc_rsc),
	METHOD("GetError", geterror_params, rc_geterr),
	METHOD("GetErrors", geterrors_params, rc_geterr),
};

static const struct cim_class_param cmsp_params[] = {
	PIN("ElementName", STRING),
	POUTREF("Job", "CIM_ConcreteJob"),
	PINREF("Goal", "CIM_StorageSetting"),
	PINOUT("Size", UINT64),
	PINA("InPools", STRING),
	PINA("InExtents", STRING),
	PINOUTREF("Pool", "CIM_StoragePool"),
};

static const struct cim_class_param dsp_params[] = {
	POUTREF("Job", "CIM_ConcreteJob"),
	PINREF("Pool", "CIM_StoragePool"),
};

static const struct cim_class_param cmefsp_params[] = {
	PIN("ElementName", STRING),
	PINVM("ElementType", UINT16, cmeltype),
	POUTREF("Job", "CIM_ConcreteJob"),
	PINREF("Goal", "CIM_ManagedElement"),
	PINOUT("Size", UINT64),
	PINREF("InPool", "CIM_StoragePool"),
	PINOUTREF("TheElement", "CIM_LogicalElement"),
};

static const struct cim_class_param rtsp_params[] = {
	POUTREF("Job", "CIM_ConcreteJob"),
	PINREF("TheElement", "CIM_LogicalElement"),
};

static const struct cim_class_param createreplica_params[] = {
	PIN("ElementName", STRING),
	POUTREF("Job", "CIM_ConcreteJob"),
	PREQREF("SourceElement", "CIM_LogicalElement"),
	POUTREF("TargetElement", "CIM_LogicalElement"),
	PINREF("TargetSettingGoal", "CIM_StorageSetting"),
	PINREF("TargetPool", "CIM_StoragePool"),
	PINVM("CopyType", UINT16, crcopy),
};

static const struct cim_class_param modsync_params[] = {
	PREQVM("Operation", UINT16, msop),
	POUTREF("Job", "CIM_ConcreteJob"),
	PREQREF("Synchronization", "CIM_StorageSynchronized"),
};

static const struct cim_class_param attach_params[] = {
	POUTREF("Job", "CIM_ConcreteJob"),
	PREQREF("SourceElement", "CIM_ManagedElement"),
	PINREF("TargetElement", "CIM_ManagedElement"),
	PINVM("CopyType", UINT16, atcopy),
};

static const struct cim_class_param attachmod_params[] = {
	POUTREF("Job", "CIM_ConcreteJob"),
	PREQREF("SourceElement", "CIM_ManagedElement"),
	PREQREF("TargetElement", "CIM_ManagedElement"),
	PREQVM("CopyType", UINT16, amcopy),
	{ .name = "Goal", .type = CIM_T_STRING,
	  .q = { .in = true, .embedded_instance = "CIM_SettingData" } },
	PINREF("ReplicationPipe", "CIM_NetworkPipe"),
};

static const struct cim_class_param getbyusage_params[] = {
	PINVM("ElementType", UINT16, eltype),
	PIN("Usage", UINT16),
	PINREF("Criteria", "CIM_ManagedElement"),
	POUTREFA("TheElements", "CIM_ManagedElement"),
};

static const struct cim_class_param usagechange_params[] = {
	PINREF("TheElement", "CIM_ManagedElement"),
	PINVM("Operation", UINT16, usageop),
	PIN("UsageValue", UINT16),
	PIN("OtherUsageDescription", STRING),
	POUTREF("Job", "CIM_ConcreteJob"),
};

static const struct cim_class_param sizerange_params[] = {
	PINVM("ElementType", UINT16, pooleltype),
	PINREF("Goal", "CIM_StorageSetting"),
	POUT("MinimumVolumeSize", UINT64),
	POUT("MaximumVolumeSize", UINT64),
	POUT("VolumeSizeDivisor", UINT64),
};

static const struct cim_class_param sizes_params[] = {
	PINVM("ElementType", UINT16, pooleltype),
	PINREF("Goal", "CIM_StorageSetting"),
	POUTA("Sizes", UINT64),
};

static const struct cim_class_method pool_methods[] = {
	METHOD("GetSupportedSizes", sizes_params, rc_sizes),
	METHOD("GetSupportedSizeRange", sizerange_params, rc_sizerange),
};

static const struct cim_class_method scs_methods[] = {
	METHOD("CreateOrModifyStoragePool", cmsp_params, rc_size),
	METHOD("DeleteStoragePool", dsp_params, rc_scs),
	METHOD("CreateOrModifyElementFromStoragePool", cmefsp_params,
	    rc_size),
	METHOD("ReturnToStoragePool", rtsp_params, rc_scs),
	METHOD("CreateReplica", createreplica_params, rc_scs),
	METHOD("ModifySynchronization", modsync_params, rc_repl),
	METHOD("AttachReplica", attach_params, rc_repl),
	METHOD("AttachOrModifyReplica", attachmod_params, rc_repl),
	METHOD("GetElementsBasedOnUsage", getbyusage_params, rc_scs),
	METHOD("RequestUsageChange", usagechange_params, rc_scs),
};

/* --------------------------------------------------------------- classes */

const struct cim_class schema__cim_classes[] = {
	{ .name = "CIM_ManagedElement", .q = { .is_abstract = true },
	  PROPS(managedelement_props) },
	{ .name = "CIM_ManagedSystemElement",
	  .superclass = "CIM_ManagedElement", .q = { .is_abstract = true },
	  PROPS(mse_props) },
	{ .name = "CIM_LogicalElement",
	  .superclass = "CIM_ManagedSystemElement",
	  .q = { .is_abstract = true } },
	{ .name = "CIM_EnabledLogicalElement",
	  .superclass = "CIM_LogicalElement", .q = { .is_abstract = true },
	  PROPS(ele_props), METHODS(ele_methods) },
	{ .name = "CIM_System", .superclass = "CIM_EnabledLogicalElement",
	  .q = { .is_abstract = true }, PROPS(system_props) },
	{ .name = "CIM_ComputerSystem", .superclass = "CIM_System",
	  PROPS(computersystem_props) },
	{ .name = "CIM_LogicalDevice",
	  .superclass = "CIM_EnabledLogicalElement",
	  .q = { .is_abstract = true }, PROPS(logicaldevice_props) },
	{ .name = "CIM_StorageExtent", .superclass = "CIM_LogicalDevice",
	  PROPS(storageextent_props) },
	{ .name = "CIM_StorageVolume", .superclass = "CIM_StorageExtent" },
	{ .name = "CIM_Service", .superclass = "CIM_EnabledLogicalElement",
	  .q = { .is_abstract = true }, PROPS(service_props),
	  METHODS(service_methods) },
	{ .name = "CIM_StorageConfigurationService",
	  .superclass = "CIM_Service", METHODS(scs_methods) },
	{ .name = "CIM_WBEMService", .superclass = "CIM_Service",
	  .q = { .is_abstract = true } },
	{ .name = "CIM_ObjectManager", .superclass = "CIM_WBEMService",
	  PROPS(objectmanager_props) },
	{ .name = "CIM_Job", .superclass = "CIM_LogicalElement",
	  .q = { .is_abstract = true }, PROPS(job_props),
	  METHODS(job_methods) },
	{ .name = "CIM_ConcreteJob", .superclass = "CIM_Job",
	  PROPS(concretejob_props), METHODS(concretejob_methods) },
	{ .name = "CIM_StoragePool", .superclass = "CIM_LogicalElement",
	  PROPS(storagepool_props), METHODS(pool_methods) },
	{ .name = "CIM_Capabilities", .superclass = "CIM_ManagedElement",
	  .q = { .is_abstract = true }, PROPS(capabilities_props) },
	{ .name = "CIM_StorageReplicationCapabilities",
	  .superclass = "CIM_Capabilities", PROPS(replcaps_props) },
	{ .name = "CIM_StorageConfigurationCapabilities",
	  .superclass = "CIM_Capabilities", PROPS(confcaps_props) },
	{ .name = "CIM_MethodResult", .superclass = "CIM_ManagedElement",
	  PROPS(methodresult_props) },
	{ .name = "CIM_Namespace", .superclass = "CIM_ManagedElement",
	  PROPS(namespace_props) },
	{ .name = "CIM_RegisteredProfile", .superclass = "CIM_ManagedElement",
	  PROPS(regprofile_props) },
	{ .name = "CIM_Error", PROPS(error_props) },
	{ .name = "CIM_Indication", .q = { .is_abstract = true },
	  PROPS(indication_props) },
	{ .name = "CIM_InstIndication", .superclass = "CIM_Indication",
	  .q = { .is_abstract = true }, PROPS(instindication_props) },
	{ .name = "CIM_InstMethodCall", .superclass = "CIM_InstIndication",
	  PROPS(instmethodcall_props) },
};
const size_t schema__ncim_classes = SCHEMA_NELEM(schema__cim_classes);
