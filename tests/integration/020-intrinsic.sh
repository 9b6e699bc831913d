#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 020-intrinsic: every intrinsic operation with curl (CONTRACT.md sections
# 2-3, SPEC.md 1.9): path forms, polymorphic filters, PropertyList,
# association traversal, GetClass with qualifiers, DeleteInstance rules.
. "$(dirname "$0")/lib.sh"

start_daemon

ens() { cim_imethod EnumerateInstanceNames "${2:-root/tpd}" "$(ip ClassName "$(cn "$1")")"; }
ei() { cim_imethod EnumerateInstances "${2:-root/tpd}" "$(ip ClassName "$(cn "$1")")${3:-}"; }
assoc() {	# OP OBJECTNAME-XML PARAMS-XML
	cim_imethod "$1" root/tpd "$(ip ObjectName "$2")$3"
}

# --- GetInstance, every INSTANCENAME shape
get_instance "$(vol_in 101)"
expect_ok "GetInstance volume 101 (typed KEYVALUE)"
expect_eq "volume ElementName" vol0 "$(xq prop ElementName)"
expect_eq "volume DeviceID" 101 "$(xq prop DeviceID)"
expect_eq "volume SystemName" "$SYS" "$(xq prop SystemName)"
expect_eq "volume BlockSize" 512 "$(xq prop BlockSize)"
expect_eq "volume NumberOfBlocks" 131072 "$(xq prop NumberOfBlocks)"
get_instance '<INSTANCENAME CLASSNAME="tpd_storagevolume"><KEYBINDING NAME="systemname"><KEYVALUE>'"$SYS"'</KEYVALUE></KEYBINDING><KEYBINDING NAME="DEVICEID"><KEYVALUE VALUETYPE="numeric">101</KEYVALUE></KEYBINDING><KEYBINDING NAME="SystemCreationClassName"><KEYVALUE VALUETYPE="string">TPD_StorageSystem</KEYVALUE></KEYBINDING><KEYBINDING NAME="CreationClassName"><KEYVALUE VALUETYPE="string">TPD_StorageVolume</KEYVALUE></KEYBINDING></INSTANCENAME>'
expect_ok "GetInstance: lower-case names, shuffled keys, numeric VALUETYPE"
expect_eq "shuffled path resolves" vol0 "$(xq prop ElementName)"
get_instance "$(vol_in 104)" ElementName
expect_eq "PropertyList ElementName" small "$(xq prop ElementName)"
expect_eq "PropertyList keeps keys" 104 "$(xq prop DeviceID)"
expect_eq "PropertyList drops others" ABSENT "$(xq prop NumberOfBlocks)"
get_instance "$(vol_in 999)"
expect_error 6 "GetInstance of a missing volume"
get_instance "<INSTANCENAME CLASSNAME=\"TPD_StorageVolume\">$(kv DeviceID 101)</INSTANCENAME>"
expect_error 6 "GetInstance with missing keys"
get_instance "<INSTANCENAME CLASSNAME=\"TPD_NoSuchClass\">$(kv DeviceID 101)</INSTANCENAME>"
e=$(xq error); if [ "$e" = 5 ] || [ "$e" = 6 ]; then pass "GetInstance unknown class: ERROR $e"; else fail "GetInstance unknown class: ERROR '$e'"; fi
get_instance "$(sys_in)"
expect_eq "system Name" "$SYS" "$(xq prop Name)"
get_instance "$(scs_in)"
expect_eq "service SystemName" "$SYS" "$(xq prop SystemName)"
cim_imethod GetInstance root/tpd "$(ip InstanceName "$(vol_in 101)")$(ip LocalOnly "$(val TRUE)")"
expect_eq "LocalOnly TRUE still returns inherited ElementName" vol0 "$(xq prop ElementName)"

# --- enumerations, polymorphic
ens CIM_StorageVolume
expect_eq "EnumerateInstanceNames CIM_StorageVolume count" 5 "$(xq count)"
expect_eq "returned class" TPD_StorageVolume "$(xq classes | sort -u)"
ens CIM_ManagedElement
n=$(xq count); if [ "${n:-0}" -ge 8 ]; then pass "CIM_ManagedElement covers everything ($n)"; else fail "CIM_ManagedElement count '$n'"; fi
ei CIM_StorageVolume
expect_eq "EnumerateInstances CIM_StorageVolume count" 5 "$(xq count)"
expect_eq "ElementNames" "small vol0 vol1 vol2 vol4" "$(xq props ElementName | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no LocalOnly: NumberOfBlocks present" "32768 131072 131072 131072 131072" "$(xq props NumberOfBlocks | sort -n | tr '\n' ' ' | sed 's/ $//')"
CHECK_PROPS=ElementName,NumberOfBlocks,BlockSize
ei CIM_StorageVolume root/tpd "$(ip PropertyList "$(plist ElementName NumberOfBlocks BlockSize)")"
CHECK_PROPS=""
expect_eq "PropertyList: OperationalStatus dropped" "ABSENT" "$(xq props OperationalStatus | sort -u)"
ei CIM_StorageVolume root/tpd "$(ip PropertyList "<VALUE.ARRAY></VALUE.ARRAY>")"
expect_eq "empty PropertyList: only keys" "ABSENT" "$(xq props ElementName | sort -u)"
expect_eq "empty PropertyList: keys kept" "101 102 103 104 105" "$(xq props DeviceID | sort | tr '\n' ' ' | sed 's/ $//')"
cim_imethod EnumerateInstances root/tpd "$(ip classname "$(cn cim_storagevolume)")"
expect_eq "lower-case IPARAMVALUE and class names" 5 "$(xq count)"
ei CIM_ComputerSystem
expect_eq "CIM_ComputerSystem" "TPD_StorageSystem" "$(xq classes)"
expect_eq "system Name" "$SYS" "$(xq prop Name)"
ei CIM_StoragePool
expect_eq "pool InstanceID" "TPD:$SYS:pool0" "$(xq props InstanceID | grep -x "TPD:$SYS:pool0")"
ei CIM_StorageConfigurationService
expect_eq "exactly one SCS" 1 "$(xq count)"
ei CIM_ConcreteJob
expect_eq "no jobs yet" 0 "$(xq count)"
ei TPD_NoSuchClass
expect_error 5 "EnumerateInstances of an unknown class"
cim_imethod EnumerateInstanceNames root/tpd ""
expect_error 4 "EnumerateInstanceNames without ClassName"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_error 4 "duplicate IPARAMVALUE"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")$(ip Bogus "$(val 1)")"
e=$(xq error); if [ "$e" = 4 ] || [ "$e" = 7 ]; then pass "unknown IPARAMVALUE: ERROR $e"; else fail "unknown IPARAMVALUE: ERROR '$e'"; fi

# --- associations
assoc Associators "$(sys_in)" "$(ip AssocClass "$(cn CIM_HostedStoragePool)")$(ip ResultClass "$(cn CIM_StoragePool)")"
expect_ok "Associators system -> pools"
n=$(xq count); if [ "${n:-0}" -ge 1 ]; then pass "HostedStoragePool: $n pool(s)"; else fail "HostedStoragePool: no pool"; fi
pool=$(xq paths | head -1)
poolname=$(echo "$pool" | sed 's/.*<INSTANCENAME/<INSTANCENAME/; s/<\/LOCALINSTANCEPATH>.*//')
CHECK_PROPS=ElementName,BlockSize,NumberOfBlocks,DeviceID,SystemName
assoc Associators "$poolname" "$(ip AssocClass "$(cn CIM_AllocatedFromStoragePool)")$(ip ResultClass "$(cn CIM_StorageVolume)")$(ip PropertyList "$(plist ElementName NameFormat NameNamespace BlockSize NumberOfBlocks Name OtherIdentifyingInfo IdentifyingDescriptions Usage OtherNameFormat OtherNameNamespace SystemName DeviceID)")"
CHECK_PROPS=""
expect_eq "pool -> volumes" 5 "$(xq count)"
assoc AssociatorNames "$(vol_in 101)" "$(ip AssocClass "$(cn CIM_AllocatedFromStoragePool)")$(ip ResultClass "$(cn CIM_StoragePool)")"
expect_eq "volume -> exactly one pool" 1 "$(xq count)"
assoc AssociatorNames "$(sys_in)" "$(ip AssocClass "$(cn CIM_SystemDevice)")$(ip ResultClass "$(cn CIM_StorageVolume)")"
expect_eq "system -> volumes (SystemVolume)" 5 "$(xq count)"
assoc AssociatorNames "$(scs_in)" "$(ip AssocClass "$(cn CIM_ElementCapabilities)")"
n=$(xq count); if [ "${n:-0}" -ge 1 ]; then pass "SCS -> capabilities: $n"; else fail "SCS -> capabilities: none"; fi
assoc References "$(vol_in 101)" "$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "no pairs yet" 0 "$(xq count)"
assoc Associators "$(vol_in 999)" ""
expect_ok "Associators of a missing object"
expect_eq "Associators of a missing object: empty" 0 "$(xq count)"

create_replica snap1 101 4
expect_rc 0 "CreateReplica VC snap1"
expect_eq "CreateReplica VC has no Job" "" "$JOB"
[ -n "$TARGET" ] || die "CreateReplica returned no TargetElement"
note "snapshot DeviceID $TARGET"
assoc References "$(vol_in 101)" "$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "References vol -> pairs" 1 "$(xq count)"
expect_eq "pair class" TPD_StorageSynchronized "$(xq classes)"
expect_eq "pair SyncState (Idle)" 11 "$(xq prop SyncState)"
expect_eq "pair CopyType" 4 "$(xq prop CopyType)"
expect_eq "pair ReplicaType (After Delta)" 4 "$(xq prop ReplicaType)"
expect_eq "pair SyncMaintained" FALSE "$(xq prop SyncMaintained)"
expect_match "pair WhenSynced set" '^[0-9]{14}\.[0-9]{6}\+000$' "$(xq prop WhenSynced)"
assoc ReferenceNames "$(vol_in "$TARGET")" "$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "ReferenceNames: SystemElement" 101 "$(xq keys SystemElement)"
expect_eq "ReferenceNames: SyncedElement" "$TARGET" "$(xq keys SyncedElement)"
assoc References "$(vol_in 101)" "$(ip ResultClass "$(cn CIM_StorageSynchronized)")$(ip Role "$(val SyncedElement)")"
expect_eq "References with the wrong Role" 0 "$(xq count)"
assoc AssociatorNames "$(vol_in 101)" "$(ip AssocClass "$(cn CIM_StorageSynchronized)")$(ip Role "$(val SystemElement)")$(ip ResultRole "$(val SyncedElement)")"
expect_eq "Associators source -> replica" "$TARGET" "$(xq keys DeviceID)"
get_instance "$(pair_in 101 "$TARGET")"
expect_eq "GetInstance of the pair (nested refs)" 11 "$(xq prop SyncState)"
get_instance "<INSTANCENAME CLASSNAME=\"CIM_StorageSynchronized\"><KEYBINDING NAME=\"SystemElement\">$(vref "$(vol_in 101)")</KEYBINDING><KEYBINDING NAME=\"SyncedElement\">$(vref "$(vol_in "$TARGET")")</KEYBINDING></INSTANCENAME>"
if [ "$(xq prop SyncState 2>/dev/null)" = 11 ]; then pass "pair by superclass name, INSTANCENAME refs"
else note "WARN (SPEC 1.7 SHOULD): pair path naming CIM_StorageSynchronized not resolved: ERROR '$(xq error)'"; fi
ens CIM_StorageVolume
expect_eq "snapshot enumerated" 6 "$(xq count)"
create_replica snap1 101 4
expect_rc 4 "CreateReplica with a name in use"
create_replica 'bad name!' 101 4
expect_rc 5 "CreateReplica with an invalid ElementName"

# --- classes
cim_imethod GetClass root/tpd "$(ip ClassName "$(cn TPD_StorageConfigurationService)")$(ip LocalOnly "$(val FALSE)")$(ip IncludeQualifiers "$(val TRUE)")"
expect_ok "GetClass SCS"
for m in CreateReplica AttachOrModifyReplica AttachReplica ModifySynchronization; do
	expect_eq "SCS METHOD $m" 1 "$(xq method $m)"
done
expect_eq "Key qualifier on SCS Name" 1 "$(xq qualifier Name Key)"
expect_eq "Key qualifier on SCS SystemName" 1 "$(xq qualifier SystemName Key)"
grep -q 'PARAMETER.REFERENCE NAME="Synchronization"' "$TEST_DIR/r.body" && pass "Synchronization is a PARAMETER.REFERENCE" || fail "no PARAMETER.REFERENCE Synchronization"
cim_imethod GetClass root/tpd "$(ip ClassName "$(cn TPD_ConcreteJob)")$(ip LocalOnly "$(val FALSE)")$(ip IncludeQualifiers "$(val TRUE)")"
expect_eq "job class RequestStateChange" 1 "$(xq method RequestStateChange)"
expect_eq "job class GetError" 1 "$(xq method GetError)"
for c in CIM_StorageVolume CIM_ConcreteJob CIM_StorageSynchronized TPD_StorageVolume TPD_StorageSynchronized CIM_ManagedElement; do
	cim_imethod GetClass root/tpd "$(ip ClassName "$(cn $c)")"
	expect_ok "GetClass $c"
done
cim_imethod GetClass interop "$(ip ClassName "$(cn CIM_RegisteredProfile)")$(ip LocalOnly "$(val FALSE)")$(ip IncludeQualifiers "$(val TRUE)")"
expect_eq "RegisteredOrganization has ValueMap" 1 "$(xq qualifier RegisteredOrganization ValueMap)"
expect_eq "RegisteredOrganization has Values" 1 "$(xq qualifier RegisteredOrganization Values)"
cim_imethod GetClass root/tpd "$(ip ClassName "$(cn TPD_NoSuchClass)")"
e=$(xq error); if [ "$e" = 5 ] || [ "$e" = 6 ]; then pass "GetClass unknown: ERROR $e"; else fail "GetClass unknown: ERROR '$e'"; fi
cim_imethod EnumerateClassNames root/tpd "$(ip DeepInheritance "$(val TRUE)")"
expect_ok "EnumerateClassNames"
xq classes | grep -qx TPD_StorageVolume && pass "EnumerateClassNames lists TPD_StorageVolume" || fail "EnumerateClassNames lacks TPD_StorageVolume"
cim_imethod EnumerateClasses root/tpd "$(ip DeepInheritance "$(val TRUE)")"
expect_ok "EnumerateClasses"

# --- interop
ei CIM_ObjectManager interop
expect_eq "exactly one CIM_ObjectManager" 1 "$(xq count)"
[ "$(xq prop ElementName)" != NULL ] && [ "$(xq prop ElementName)" != ABSENT ] && pass "ObjectManager ElementName set" || fail "ObjectManager ElementName NULL"
ei CIM_RegisteredProfile interop
n1=$(xq count)
ei CIM_RegisteredProfile root/interop
expect_eq "root/interop alias" "$n1" "$(xq count)"

# --- DeleteInstance and unsupported operations
cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(vol_in 102)")"
expect_error 7 "DeleteInstance of a volume"
cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "TPD:$SYS:999999")")"
expect_error 6 "DeleteInstance of a missing job"
cim_imethod CreateInstance root/tpd "$(ip NewInstance '<INSTANCE CLASSNAME="TPD_StorageVolume"><PROPERTY NAME="ElementName" TYPE="string"><VALUE>x</VALUE></PROPERTY></INSTANCE>')"
expect_error 7 "CreateInstance"
cim_imethod ModifyInstance root/tpd "$(ip ModifiedInstance "<VALUE.NAMEDINSTANCE>$(vol_in 101)<INSTANCE CLASSNAME=\"TPD_StorageVolume\"></INSTANCE></VALUE.NAMEDINSTANCE>")"
expect_error 7 "ModifyInstance"
cim_imethod GetQualifier root/tpd "$(ip QualifierName "$(val Key)")"
expect_error 7 "GetQualifier"

finish
