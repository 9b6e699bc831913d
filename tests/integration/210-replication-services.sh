#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 210-replication-services: SNIA Replication Services as decided in
# notes/rs-decisions.md (issue 13), on the wire and on disk: discovery (the
# service, its capabilities, HostedService, the profile and its links,
# GetClass), CreateElementReplica as smispy sends it (snapshot SyncType 7,
# clone SyncType 8 one-shot and Mode 3 kept, onto a TargetElement), every
# refusal of CreateElementReplica with nothing half-made after it, and, on a
# second start with replication_service = no, that the service, its
# capabilities and the profile are absent.  ModifyReplicaSynchronization is
# in 211.
. "$(dirname "$0")/lib.sh"

start_daemon "replication_service = yes"
P=$TEST_DIR/pool0
WAIT4=$(pv WaitForCopyState uint16 4)

# ------------------------------------------------------------ 1. discovery
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_ReplicationService)")"
expect_ok "EnumerateInstances CIM_ReplicationService"
expect_eq "one ReplicationService" 1 "$(xq count)"
expect_eq "its class" TPD_ReplicationService "$(xq classes)"
expect_eq "SystemName == system Name" "$SYS" "$(xq prop SystemName)"
expect_eq "Name" ReplicationService "$(xq prop Name)"
CHECK_PROPS=SystemName
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_ReplicationService)")$(ip PropertyList "$(plist SystemName)")"
CHECK_PROPS=""
expect_eq "smispy's EnumerateInstances(PropertyList=[SystemName])" "$SYS" "$(xq prop SystemName)"
rsc_assoc="$(ip ObjectName "$(rs_in)")$(ip AssocClass "$(cn CIM_ElementCapabilities)")$(ip ResultClass "$(cn CIM_ReplicationServiceCapabilities)")"
cim_imethod Associators root/tpd "$rsc_assoc"
expect_ok "Associators(RS, ElementCapabilities, RSC)"
expect_eq "exactly one capabilities instance" 1 "$(xq count)"
expect_eq "its class" TPD_ReplicationServiceCapabilities "$(xq classes)"
expect_eq "SupportedReplicationTypes" 6,10,11 "$(xq prop SupportedReplicationTypes)"
expect_eq "SupportedAsynchronousActions" 2,5 "$(xq prop SupportedAsynchronousActions)"
expect_eq "SupportedSynchronousActions" 2,5 "$(xq prop SupportedSynchronousActions)"
expect_eq "SupportedStorageObjects" 2 "$(xq prop SupportedStorageObjects)"
expect_eq "InstanceID" "TPD:$SYS:RSC" "$(xq prop InstanceID)"
CHECK_PROPS=SupportedReplicationTypes,SupportedAsynchronousActions,SupportedSynchronousActions
cim_imethod Associators root/tpd "$rsc_assoc$(ip PropertyList "$(plist SupportedReplicationTypes SupportedAsynchronousActions SupportedSynchronousActions)")"
CHECK_PROPS=""
expect_eq "with smispy's PropertyList: one" 1 "$(xq count)"
expect_eq "with PropertyList: SupportedReplicationTypes" 6,10,11 "$(xq prop SupportedReplicationTypes)"
expect_eq "with PropertyList: SupportedAsynchronousActions" 2,5 "$(xq prop SupportedAsynchronousActions)"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(sys_in)")$(ip AssocClass "$(cn CIM_HostedService)")"
expect_eq "AssociatorNames(system, HostedService) has the RS" 1 "$(xq classes | grep -cx TPD_ReplicationService)"
expect_eq "... and the SCS" 1 "$(xq classes | grep -cx TPD_StorageConfigurationService)"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(rs_in)")$(ip AssocClass "$(cn CIM_HostedService)")"
expect_eq "AssociatorNames(RS, HostedService) = the system" "$SYS" "$(xq keys Name)"
cim_imethod EnumerateInstances interop "$(ip ClassName "$(cn CIM_RegisteredProfile)")"
rp=$(xq props RegisteredName | paste -d'|' - <(xq props RegisteredVersion) <(xq props RegisteredOrganization))
expect_eq "Replication Services registered 1.6.1 by SNIA (11)" 1 "$(echo "$rp" | grep -cx 'Replication Services|1.6.1|11')"
rp_in() { printf '<INSTANCENAME CLASSNAME="CIM_RegisteredProfile">%s</INSTANCENAME>' "$(kv InstanceID "$1")"; }
cim_imethod AssociatorNames interop "$(ip ObjectName "$(rp_in SNIA:Array)")$(ip AssocClass "$(cn CIM_ReferencedProfile)")"
expect_ok "AssociatorNames(Array, ReferencedProfile)"
expect_eq "Array references Replication Services" 1 "$(xq keys InstanceID | grep -cx SNIA:ReplicationServices)"
cim_imethod AssociatorNames interop "$(ip ObjectName "$(rp_in SNIA:ReplicationServices)")$(ip AssocClass "$(cn CIM_ElementConformsToProfile)")"
expect_ok "AssociatorNames(RS profile, ElementConformsToProfile)"
expect_eq "ECTP: exactly the RS" TPD_ReplicationService "$(xq classes)"
expect_eq "ECTP: the RS of this system" "$SYS" "$(xq keys SystemName)"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(rs_in)")$(ip AssocClass "$(cn CIM_ElementConformsToProfile)")"
expect_eq "ECTP from the RS: the profile" SNIA:ReplicationServices "$(xq keys InstanceID)"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(pool_in)")$(ip AssocClass "$(cn CIM_ElementConformsToProfile)")"
expect_eq "ECTP from a pool: Block Services" SNIA:BlockServices "$(xq keys InstanceID)"
cim_imethod GetClass root/tpd "$(ip ClassName "$(cn TPD_ReplicationService)")$(ip LocalOnly "$(val FALSE)")"
expect_ok "GetClass TPD_ReplicationService"
expect_eq "GetClass shows CreateElementReplica" 1 "$(xq method CreateElementReplica)"
expect_eq "GetClass shows ModifyReplicaSynchronization" 1 "$(xq method ModifyReplicaSynchronization)"
params=$(python3 - "$TEST_DIR/r.body" <<'PY'
import sys, xml.etree.ElementTree as ET
c = ET.parse(sys.argv[1]).getroot().find('.//CLASS')
m = [m for m in c.findall('METHOD') if m.get('NAME') == 'CreateElementReplica'][0]
print(' '.join(p.get('NAME') for p in m))
PY
)
for p in ElementName SyncType Mode SourceElement TargetElement TargetPool WaitForCopyState Job Synchronization ReplicationSettingData; do
	case " $params " in *" $p "*) pass "CreateElementReplica has parameter $p";;
	*) fail "CreateElementReplica lacks parameter $p ($params)";; esac
done

# ------------------------------------------------------------ 2. CER snapshot (smispy)
cer 7 "" 101 rsSnap "$WAIT4"
expect_rv 0 "CER SyncType 7 WaitForCopyState 4"
SNAP=$TARGET
expect_match "TargetElement names a volume" '^[0-9]+$' "$SNAP"
expect_eq "no Job" "" "$JOB"
expect_eq "Synchronization SystemElement" 101 "$SYNC_SRC"
expect_eq "Synchronization SyncedElement" "$SNAP" "$SYNC_TGT"
expect_eq "Synchronization is a reference" reference "$(xq outtype Synchronization)"
expect_eq "snapshot pair SyncState" 11 "$(pair_prop 101 "$SNAP" SyncState)"
expect_eq "snapshot pair CopyType" 4 "$(xq prop CopyType)"
expect_eq "snapshot pair SyncType" 7 "$(xq prop SyncType)"
expect_eq "snapshot pair Mode" 2 "$(xq prop Mode)"
expect_eq "snapshot pair CopyState" 8 "$(xq prop CopyState)"
expect_eq "snapshot pair ProgressStatus" 2 "$(xq prop ProgressStatus)"
expect_eq "snapshot pair PercentSynced" 100 "$(xq prop PercentSynced)"
get_instance "$(vol_in "$SNAP")"
expect_eq "snapshot ElementName" rsSnap "$(xq prop ElementName)"
cmp -s "$P/rsSnap.img" "$P/vol0.img" && pass "snapshot file = source" || fail "rsSnap.img != vol0.img"
cer 7 2 101 rsSnap2
expect_rv 0 "CER SyncType 7 Mode 2, no WaitForCopyState"
expect_eq "... pair SyncType" 7 "$(pair_prop 101 "$TARGET" SyncType)"
cer 7 "" 101 rsSnap3 "$(pv WaitForCopyState uint16 8)"
expect_rv 0 "CER SyncType 7 WaitForCopyState 8"
cer 7 "" 101 rsSnap4 "$WAIT4" "$(pvref TargetPool "$(pool_ref)")"
expect_rv 0 "CER SyncType 7 TargetPool = the source's pool"
[ -f "$P/rsSnap4.img" ] && pass "rsSnap4.img made" || fail "no rsSnap4.img"

# ------------------------------------------------------------ 3. CER clone, one-shot
cer 8 "" 101 rsCopy "$WAIT4"
expect_rv 4096 "CER SyncType 8 Mode absent WaitForCopyState 4"
COPY=$TARGET; cjob=$JOB
expect_match "Job" '^TPD:' "$cjob"
expect_match "TargetElement" '^[0-9]+$' "$COPY"
expect_eq "Synchronization SystemElement" 101 "$SYNC_SRC"
expect_eq "Synchronization SyncedElement" "$COPY" "$SYNC_TGT"
expect_job_completed "$cjob" "one-shot clone"
cmp -s "$P/rsCopy.img" "$P/vol0.img" && pass "clone = source" || fail "rsCopy.img != vol0.img"
expect_pair_gone 101 "$COPY" "one-shot pair gone after the copy"
get_instance "$(vol_in "$COPY")"
expect_eq "the clone stays, ElementName" rsCopy "$(xq prop ElementName)"
cim_imethod Associators root/tpd "$(ip ObjectName "$(job_in "$cjob")")$(ip AssocClass "$(cn CIM_AffectedJobElement)")$(ip ResultClass "$(cn CIM_StorageVolume)")"
expect_eq "AffectedJobElement: first volume is the target" "$COPY" "$(xq keys DeviceID | head -1)"
cer 8 2 101 rsCopy2
expect_rv 4096 "CER SyncType 8 Mode 2 (no WaitForCopyState)"
expect_job_completed "$JOB" "Mode 2 clone"
expect_pair_gone 101 "$TARGET" "Mode 2 pair gone after the copy"

# ------------------------------------------------------------ 4. CER clone, Mode 3 (kept)
cer 8 3 101 rsKeep "$(pv WaitForCopyState uint16 8)"
expect_rv 4096 "CER SyncType 8 Mode 3 WaitForCopyState 8"
KEEP=$TARGET
expect_eq "Synchronization SyncedElement" "$KEEP" "$SYNC_TGT"
expect_job_completed "$JOB" "kept clone"
expect_eq "kept pair SyncState Frozen" 14 "$(pair_prop 101 "$KEEP" SyncState)"
expect_eq "kept pair CopyType" 4 "$(xq prop CopyType)"
expect_eq "kept pair SyncType" 8 "$(xq prop SyncType)"
expect_eq "kept pair Mode" 3 "$(xq prop Mode)"
expect_eq "kept pair CopyState" 4 "$(xq prop CopyState)"
expect_eq "kept pair PercentSynced" 100 "$(xq prop PercentSynced)"
cmp -s "$P/rsKeep.img" "$P/vol0.img" && pass "kept clone = source" || fail "rsKeep.img != vol0.img"
cer 8 3 101 rsKeep2 "$WAIT4" "$(pvref TargetPool "$(pool_ref)")"
expect_rv 4096 "CER Mode 3 WaitForCopyState 4 TargetPool pool0"
expect_job_completed "$JOB" "kept clone 2"
expect_eq "kept clone 2 Frozen" 14 "$(pair_prop 101 "$TARGET" SyncState)"

# ------------------------------------------------------------ 5. CER onto a TargetElement
te102=$(pvref TargetElement "$(vol_ref 102)")
cer 8 "" 101 ignoredName "$WAIT4" "$te102"
expect_rv 4096 "CER SyncType 8 TargetElement 102 (one-shot)"
expect_eq "TargetElement out = 102" 102 "$TARGET"
expect_eq "Synchronization SyncedElement" 102 "$SYNC_TGT"
expect_job_completed "$JOB" "onto 102"
expect_same 101 102 "one-shot onto 102"
expect_pair_gone 101 102 "one-shot onto 102: pair gone"
[ -e "$P/ignoredName.img" ] && fail "ElementName made a file" || pass "ElementName ignored with a TargetElement"
get_instance "$(vol_in 102)"
expect_eq "102 keeps its ElementName" vol1 "$(xq prop ElementName)"
write_data "$P/vol2.img" 3 50
cer 8 3 101 "" "$(pvref TargetElement "$(vol_ref 103)")"
expect_rv 4096 "CER SyncType 8 Mode 3 TargetElement 103 (kept)"
expect_job_completed "$JOB" "onto 103"
expect_same 101 103 "kept onto 103"
expect_eq "pair 101->103 Frozen" 14 "$(pair_prop 101 103 SyncState)"
expect_eq "pair 101->103 Mode" 3 "$(xq prop Mode)"
expect_eq "pair 101->103 CopyType" 4 "$(xq prop CopyType)"

# ------------------------------------------------------------ 6. refusals
ids1=$(vol_ids); files1=$(pool_files)
refuse() {	# RC WHAT ARGS-FOR-cer...
	local want=$1 what=$2; shift 2
	cer "$@"
	expect_rv "$want" "$what"
	expect_eq "$what: no Job" "" "$JOB"
	expect_eq "$what: no new file" "$files1" "$(pool_files)"
	expect_eq "$what: no new volume" "$ids1" "$(vol_ids)"
}
refuse 1 "SyncType 6 Mirror" 6 "" 104 r1 "$WAIT4"
refuse 1 "SyncType 9 TokenizedClone" 9 "" 104 r1 "$WAIT4"
refuse 5 "SyncType 5" 5 "" 104 r1 "$WAIT4"
refuse 5 "SyncType 0" 0 "" 104 r1
refuse 1 "Mode 4 Adaptive" 8 4 104 r1
refuse 1 "Mode 5 Active" 8 5 104 r1
refuse 5 "Mode 9" 8 9 104 r1
refuse 1 "Mode 3 with SyncType 7" 7 3 104 r1
refuse 5 "TargetElement with SyncType 7" 7 "" 104 r1 "$(pvref TargetElement "$(vol_ref 105)")"
refuse 5 "WaitForCopyState 5, snapshot" 7 "" 104 r1 "$(pv WaitForCopyState uint16 5)"
refuse 5 "WaitForCopyState 5, clone" 8 "" 104 r1 "$(pv WaitForCopyState uint16 5)"
refuse 5 "WaitForCopyState 8, one-shot clone" 8 "" 104 r1 "$(pv WaitForCopyState uint16 8)"
refuse 5 "WaitForCopyState 5, kept clone" 8 3 104 r1 "$(pv WaitForCopyState uint16 5)"
refuse 5 "TargetPool with TargetElement" 8 "" 104 r1 "$(pvref TargetElement "$(vol_ref 105)")$(pvref TargetPool "$(pool_ref)")"
refuse 5 "TargetSettingGoal with TargetElement" 8 3 104 r1 "$(pvref TargetElement "$(vol_ref 105)")$(pvref TargetSettingGoal "$(vol_ref 101)")"
refuse 5 "TargetPool a delta pool, clone" 8 "" 104 r1 "$(pvref TargetPool "$(pool_ref "TPD:$SYS:SA.104" TPD_DeltaReplicaStoragePool)")"
refuse 5 "TargetPool an unknown pool, snapshot" 7 "" 104 r1 "$(pvref TargetPool "$(pool_ref "TPD:$SYS:nopool")")"
refuse 1 "a TargetAccessPoint" 8 "" 104 r1 "$(pvref TargetAccessPoint "$(vol_ref 101)")"
refuse 1 "a SourceAccessPoint" 7 "" 104 r1 "$(pvref SourceAccessPoint "$(vol_ref 101)")"
refuse 4 "duplicate ElementName (snapshot)" 7 "" 104 rsCopy "$WAIT4"
refuse 4 "duplicate ElementName (one-shot clone)" 8 "" 104 rsSnap "$WAIT4"
refuse 4 "duplicate ElementName (kept clone)" 8 3 104 vol0
refuse 4 "nonexistent SourceElement (snapshot)" 7 "" 999 r1 "$WAIT4"
refuse 4 "nonexistent SourceElement (clone)" 8 "" 999 r1 "$WAIT4"
refuse 4 "nonexistent SourceElement (kept clone)" 8 3 999 r1
refuse 4 "TargetElement of another size" 8 "" 101 "" "$(pvref TargetElement "$(vol_ref 104)")"
rs_call CreateElementReplica "$(pv ElementName string r1)$(pvref SourceElement "$(vol_ref 104)")"
expect_error 4 "no SyncType (Required): CIM_ERR_INVALID_PARAMETER"
expect_eq "no SyncType: no new volume" "$ids1" "$(vol_ids)"
expect_eq "pairs of 101 unchanged" 14 "$(pair_prop 101 103 SyncState)"

# ------------------------------------------------------------ 7. replication_service = no
stop_daemon
sed -i 's/^replication_service = yes$/replication_service = no/' "$CONF"
grep -qx 'replication_service = no' "$CONF" && pass "conf now says no" || fail "conf not switched"
launch_daemon
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_ReplicationService)")"
expect_ok "no: EnumerateInstanceNames CIM_ReplicationService"
expect_eq "no: no ReplicationService" 0 "$(xq count)"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_ReplicationServiceCapabilities)")"
expect_eq "no: no capabilities" 0 "$(xq count)"
cim_imethod EnumerateInstances interop "$(ip ClassName "$(cn CIM_RegisteredProfile)")"
expect_eq "no: profile list lacks Replication Services" 0 "$(xq props RegisteredName | grep -cx 'Replication Services')"
expect_eq "no: Array still registered" 1 "$(xq props RegisteredName | grep -cx Array)"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(sys_in)")$(ip AssocClass "$(cn CIM_HostedService)")"
expect_eq "no: HostedService lacks the RS" 0 "$(xq classes | grep -cx TPD_ReplicationService)"
expect_eq "no: pairs made through the RS survive the restart" 14 "$(pair_prop 101 103 SyncState)"
finish
