/* SPDX-License-Identifier: ISC */
/*
 * schema_repl.c - the classes of the SNIA Replication Services profile in
 * the class repository: CIM_ReplicationService with CreateElementReplica
 * and ModifyReplicaSynchronization, CIM_ReplicationServiceCapabilities
 * with the query methods clients call, and their TPD_ subclasses.  Value
 * maps, parameters and return maps are DMTF CIM 2.49's
 * (CIM_ReplicationService.mof, CIM_ReplicationServiceCapabilities.mof);
 * only the members arrayd serves or declares are listed.
 */
#include "cim/schema_int.h"

/* ------------------------------------------------------------ value maps */

/* Return values of every method of both classes (DMTF 2.49). */
static const char *const rc_rs_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "..", "4096", "4097..32767", "32768..65535" };
static const char *const rc_rs_val[] = { "Job Completed with No Error",
    "Not Supported", "Unknown", "Timeout", "Failed", "Invalid Parameter",
    "In Use", "DMTF Reserved", "Method Parameters Checked - Job Started",
    "Method Reserved", "Vendor Specific" };
VMAP_CHECK(rc_rs);

static const char *const rs_synctype_map[] = { "..", "6", "7", "8", "9",
    "..", "0x8000.." };
static const char *const rs_synctype_val[] = { "DMTF Reserved", "Mirror",
    "Snapshot", "Clone", "TokenizedClone", "DMTF Reserved",
    "Vendor Specific" };
VMAP_CHECK(rs_synctype);

static const char *const rs_mode_map[] = { "..", "2", "3", "4", "..",
    "0x8000.." };
static const char *const rs_mode_val[] = { "DMTF Reserved", "Synchronous",
    "Asynchronous", "Adaptive", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(rs_mode);

/* ModifyReplicaSynchronization.Operation: not the SCS map (8 = Detach). */
static const char *const rs_op_map[] = { "0", "1", "2", "3", "4", "5", "6",
    "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "21", "22", "23", "24", "25", "26", "27", "..",
    "0x8000..0xFFFF" };
static const char *const rs_op_val[] = { "DMTF Reserved", "DMTF Reserved",
    "Abort", "Activate Consistency", "Activate", "AddSyncPair",
    "Deactivate Consistency", "Deactivate", "Detach", "Dissolve",
    "Failover", "Failback", "Fracture", "RemoveSyncPair", "Resync Replica",
    "Restore from Replica", "Resume", "Reset To Sync", "Reset To Async",
    "Return To ResourcePool", "Reverse Roles", "Split", "Suspend",
    "Unprepare", "Prepare", "Reset To Adaptive", "Reset To Active",
    "Reset Replica", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(rs_op);

static const char *const repltype_map[] = { "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "20", "21", "22", "23", "24", "25", "26", "27", "..", "0x8000.." };
static const char *const repltype_val[] = { "Synchronous Mirror Local",
    "Asynchronous Mirror Local", "Synchronous Mirror Remote",
    "Asynchronous Mirror Remote", "Synchronous Snapshot Local",
    "Asynchronous Snapshot Local", "Synchronous Snapshot Remote",
    "Asynchronous Snapshot Remote", "Synchronous Clone Local",
    "Asynchronous Clone Local", "Synchronous Clone Remote",
    "Asynchronous Clone Remote", "Synchronous TokenizedClone Local",
    "Asynchronous TokenizedClone Local",
    "Synchronous TokenizedClone Remote",
    "Asynchronous TokenizedClone Remote", "Adaptive Mirror Local",
    "Adaptive Mirror Remote", "Adaptive Snapshot Local",
    "Adaptive Snapshot Remote", "Adaptive Clone Local",
    "Adaptive Clone Remote", "Adaptive TokenizedClone Local",
    "Adaptive TokenizedClone Remote", "Active Mirror Local",
    "Active Mirror Remote", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(repltype);

static const char *const rs_actions_map[] = { "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
    "..", "0x8000.." };
static const char *const rs_actions_val[] = { "CreateElementReplica",
    "CreateGroupReplica", "CreateSynchronizationAspect",
    "ModifyReplicaSynchronization", "ModifyListSynchronization",
    "ModifySettingsDefineState", "GetAvailableTargetElements",
    "GetPeerSystems", "GetReplicationRelationships",
    "GetServiceAccessPoints", "CreateGroup", "DeleteGroup", "AddMembers",
    "RemoveMembers", "AddReplicationEntity", "AddServiceAccessPoint",
    "AddSharedSecret", "CreateListReplica",
    "CreateGroupReplicaFromElements",
    "GetReplicationRelationshipInstances",
    "ModifyListSettingsDefineState", "CreateRemoteReplicationCollection",
    "AddToRemoteReplicationCollection",
    "RemoveFromRemoteReplicationCollection", "GetSynchronizationAspects",
    "GetSynchronizationAspectInstances",
    "CreateGroupReplicaFromElementSynchronizations",
    "AddElementsToGroupSynchronized", "ConfirmTargetData",
    "CreateListSynchronizationAspect", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(rs_actions);

static const char *const storobj_map[] = { "2", "3", "4", "..",
    "0x8000.." };
static const char *const storobj_val[] = { "StorageVolume", "LogicalDisk",
    "ReplicationEntity", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(storobj);

static const char *const locality_map[] = { "2", "3", "..", "0x8000.." };
static const char *const locality_val[] = { "Local", "Remote",
    "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(locality);

static const char *const wfcs_method_map[] = { "2", "3", "4", "5", "6", "7",
    "8", "9", "10", "11", "..", "0x8000.." };
static const char *const wfcs_method_val[] = { "CreateElementReplica",
    "CreateGroupReplica", "ModifyReplicaSynchronization",
    "ModifyListSynchronization", "ModifySettingsDefineState",
    "CreateListReplica", "CreateGroupReplicaFromElements",
    "ModifyListSettingsDefineState",
    "CreateGroupReplicaFromElementSynchronizations",
    "AddElementsToGroupSynchronized", "DMTF Reserved", "Vendor Specific" };
VMAP_CHECK(wfcs_method);

/* ------------------------------------------------------------ properties */

static const struct cim_class_prop rscaps_props[] = {
	PROPAVM("SupportedReplicationTypes", UINT16, repltype),
	PROPAVM("SupportedStorageObjects", UINT16, storobj),
	PROPAVM("SupportedAsynchronousActions", UINT16, rs_actions),
	PROPAVM("SupportedSynchronousActions", UINT16, rs_actions),
};

/* ------------------------------------------------------------- methods */

static const struct cim_class_param cer_params[] = {
	PIN("ElementName", STRING),
	PREQVM("SyncType", UINT16, rs_synctype),
	PINVM("Mode", UINT16, rs_mode),
	PREQREF("SourceElement", "CIM_LogicalElement"),
	PINREF("SourceAccessPoint", "CIM_ServiceAccessPoint"),
	PINOUTREF("TargetElement", "CIM_LogicalElement"),
	PINREF("TargetAccessPoint", "CIM_ServiceAccessPoint"),
	{ .name = "ReplicationSettingData", .type = CIM_T_STRING,
	  .q = { .in = true,
	  .embedded_instance = "CIM_ReplicationSettingData" } },
	POUTREF("Job", "CIM_ConcreteJob"),
	POUTREF("Synchronization", "CIM_Synchronized"),
	PINREF("TargetSettingGoal", "CIM_SettingData"),
	PINREF("TargetPool", "CIM_ResourcePool"),
	PIN("WaitForCopyState", UINT16),
	PINREF("ConnectivityCollection", "CIM_ConnectivityCollection"),
	PINREFA("Collections", "CIM_Collection"),
};

static const struct cim_class_param mrs_params[] = {
	PREQVM("Operation", UINT16, rs_op),
	PREQREF("Synchronization", "CIM_Synchronized"),
	{ .name = "ReplicationSettingData", .type = CIM_T_STRING,
	  .q = { .in = true,
	  .embedded_instance = "CIM_ReplicationSettingData" } },
	PINREFA("SyncPair", "CIM_Synchronized"),
	POUTREF("Job", "CIM_ConcreteJob"),
	POUTREF("SettingsState", "CIM_SettingsDefineState"),
	PIN("Force", BOOLEAN),
	PIN("WaitForCopyState", UINT16),
	POUTREF("UpdatedSynchronization", "CIM_Synchronized"),
};

static const struct cim_class_param gate_params[] = {
	PREQREF("SourceElement", "CIM_LogicalElement"),
	PREQVM("SyncType", UINT16, rs_synctype),
	PINVM("Mode", UINT16, rs_mode),
	POUTREF("Job", "CIM_ConcreteJob"),
	POUTREFA("Candidates", "CIM_LogicalElement"),
};

static const struct cim_class_param grr_params[] = {
	PIN("Type", UINT16),
	PINVM("SyncType", UINT16, rs_synctype),
	PINVM("Mode", UINT16, rs_mode),
	PINVM("Locality", UINT16, locality),
	PIN("CopyState", UINT16),
	POUTREF("Job", "CIM_ConcreteJob"),
	POUTREFA("Synchronizations", "CIM_Synchronized"),
};

static const struct cim_class_method rs_methods[] = {
	METHOD("CreateElementReplica", cer_params, rc_rs),
	METHOD("ModifyReplicaSynchronization", mrs_params, rc_rs),
	METHOD("GetAvailableTargetElements", gate_params, rc_rs),
	METHOD("GetReplicationRelationships", grr_params, rc_rs),
};

static const struct cim_class_param convert_params[] = {
	PREQVM("SyncType", UINT16, rs_synctype),
	PINVM("Mode", UINT16, rs_mode),
	PINVM("LocalOrRemote", UINT16, locality),
	{ .name = "SupportedReplicationTypes", .type = CIM_T_UINT16,
	  .q = { .in = false, .out = true, VMAP(repltype) } },
};

static const struct cim_class_param ops_params[] = {
	PREQVM("ReplicationType", UINT16, repltype),
	{ .name = "SupportedOperations", .type = CIM_T_UINT16,
	  .is_array = true, .q = { .in = false, .out = true, VMAP(rs_op) } },
};

static const struct cim_class_param wfcs_params[] = {
	PREQVM("ReplicationType", UINT16, repltype),
	PREQVM("MethodName", UINT16, wfcs_method),
	POUTA("SupportedCopyStates", UINT16),
	PINVM("Operation", UINT16, rs_op),
};

static const struct cim_class_param copystates_params[] = {
	PREQVM("ReplicationType", UINT16, repltype),
	POUTA("SupportedCopyStates", UINT16),
	POUTA("HostAccessible", BOOLEAN),
};

static const struct cim_class_param features_params[] = {
	PREQVM("ReplicationType", UINT16, repltype),
	POUTA("Features", UINT16),
};

static const struct cim_class_param consistency_params[] = {
	PREQVM("ReplicationType", UINT16, repltype),
	POUTA("SupportedConsistency", UINT16),
};

static const struct cim_class_method rscaps_methods[] = {
	METHOD("ConvertSyncTypeToReplicationType", convert_params, rc_rs),
	METHOD("GetSupportedOperations", ops_params, rc_rs),
	METHOD("GetSupportedWaitForCopyStates", wfcs_params, rc_rs),
	METHOD("GetSupportedCopyStates", copystates_params, rc_rs),
	METHOD("GetSupportedFeatures", features_params, rc_rs),
	METHOD("GetSupportedConsistency", consistency_params, rc_rs),
};

/* --------------------------------------------------------------- classes */

const struct cim_class schema__repl_classes[] = {
	{ .name = "CIM_ReplicationService", .superclass = "CIM_Service",
	  METHODS(rs_methods) },
	{ .name = "CIM_ReplicationServiceCapabilities",
	  .superclass = "CIM_Capabilities", PROPS(rscaps_props),
	  METHODS(rscaps_methods) },
	{ .name = "TPD_ReplicationService",
	  .superclass = "CIM_ReplicationService" },
	{ .name = "TPD_ReplicationServiceCapabilities",
	  .superclass = "CIM_ReplicationServiceCapabilities" },
};
const size_t schema__nrepl_classes = SCHEMA_NELEM(schema__repl_classes);
