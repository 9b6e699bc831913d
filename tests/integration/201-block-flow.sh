#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 201-block-flow: Block Services end to end (notes/bs-decisions.md): two
# created volumes copied (CT5, then CT4 and Detach) and deleted; DeviceIDs
# never reused, also across restarts; and what a client discovers Block
# Services by: the registered profile (wbemcli), the capabilities of the
# service and the pool, the pool's size methods and space against df.
. "$(dirname "$0")/lib.sh"

start_daemon
P=$TEST_DIR/pool0
U=268435456	# the 3PAR granule: 256 MiB

# ------------------------------------------------------------ full flow
create_vol flowA $U; expect_rv 0 "create flowA"; FA=$NEWID
create_vol flowB $U; expect_rv 0 "create flowB"; FB=$NEWID
write_data "$P/flowA.img" 0 17 128 255
attach "$FA" "$FB" 5
expect_rv 4096 "attach flowA -> flowB CT5"
expect_job_completed "$JOB" "flow copy"
cmp -s "$P/flowA.img" "$P/flowB.img" && pass "flowA = flowB" || fail "flowA != flowB: $(cmp "$P/flowA.img" "$P/flowB.img" 2>&1)"
expect_pair_gone "$FA" "$FB" "CT5 pair removed when done"
modsync 2 "$FA" "$FB"
expect_rv 4 "detach after CT5 completion (no pair left)"
attach "$FA" "$FB" 4
expect_rv 4096 "attach flowA -> flowB CT4"
expect_job_completed "$JOB" "flow PC"
modsync 2 "$FA" "$FB"
expect_rv 0 "detach flowA -> flowB"
return_vol "$FB"; expect_rv 0 "delete flowB"
return_vol "$FA"; expect_rv 0 "delete flowA"
[ -e "$P/flowA.img" ] || [ -e "$P/flowB.img" ] && fail "flow files left: $(pool_files)" || pass "flow files gone"
expect_eq "pool back to the configured files" "small.img vol0.img vol1.img vol2.img vol4.img" "$(pool_files)"
expect_eq "volumes back to the configured ones" "101 102 103 104 105" "$(vol_ids)"

# ------------------------------------------------------------ 6. DeviceIDs never reused
create_vol idX $U; X=$NEWID
return_vol "$X"; expect_rv 0 "delete idX"
create_vol idY $U; Y=$NEWID
[ "$Y" -gt "$X" ] && pass "id $Y after deleted $X" || fail "DeviceID $Y not above deleted $X"
[ "$X" -gt "$FB" ] && pass "id $X above all earlier ($FB)" || fail "DeviceID $X not above $FB"
stop_daemon
launch_daemon
get_instance "$(vol_in "$Y")"
expect_eq "idY survives a restart" idY "$(xq prop ElementName)"
expect_eq "idY size after restart" $((U / 512)) "$(xq prop NumberOfBlocks)"
create_vol idZ $U; Z=$NEWID
expect_rv 0 "create idZ after restart"
[ "$Z" -gt "$Y" ] && pass "id $Z after restart above $Y" || fail "DeviceID $Z after restart not above $Y"
return_vol "$Y"; expect_rv 0 "delete idY"
stop_daemon
launch_daemon
create_vol idW $U; W=$NEWID
[ "$W" -gt "$Z" ] && pass "id $W after delete+restart above $Z" || fail "DeviceID $W not above $Z"
expect_eq "files" "idW.img idZ.img small.img vol0.img vol1.img vol2.img vol4.img" "$(pool_files)"

# ------------------------------------------------------------ 8. discovery
if command -v wbemcli > /dev/null; then
	wbem ei -noverify "$(wurl interop:CIM_RegisteredProfile)" RegisteredName,RegisteredVersion,RegisteredOrganization,InstanceID
	expect_eq "wbemcli ei CIM_RegisteredProfile exit" 0 "$WRC"
	bsline=$(echo "$WOUT" | grep 'RegisteredName="Block Services"')
	expect_eq "one Block Services profile" 1 "$(echo "$WOUT" | grep -c 'RegisteredName="Block Services"')"
	expect_match "Block Services 1.6.1" 'RegisteredVersion="1\.6\.1"' "$bsline"
	expect_match "Block Services org 11" 'RegisteredOrganization=11' "$bsline"
	bsclass=$(echo "$bsline" | sed -n 's/^[^ ]*interop:\([A-Za-z_]*\)\..*/\1/p')
	bsid=$(echo "$bsline" | sed -n 's/.*InstanceID="\([^"]*\)".*/\1/p')
	arrayline=$(echo "$WOUT" | grep 'RegisteredName="Array"' | head -1)
	arclass=$(echo "$arrayline" | sed -n 's/^[^ ]*interop:\([A-Za-z_]*\)\..*/\1/p')
	arid=$(echo "$arrayline" | sed -n 's/.*InstanceID="\([^"]*\)".*/\1/p')
	note "Block Services: $bsclass $bsid; Array: $arclass $arid"
	wbem ain -noverify -ac CIM_ReferencedProfile "$(wurl "interop:$arclass.InstanceID=\"$arid\"")"
	expect_eq "wbemcli ain ReferencedProfile exit" 0 "$WRC"
	expect_match "Array references Block Services" "InstanceID=\"$bsid\"" "$WOUT"
	wbem ain -noverify -ac CIM_ElementConformsToProfile "$(wurl "interop:$bsclass.InstanceID=\"$bsid\"")"
	expect_eq "wbemcli ain ElementConformsToProfile exit" 0 "$WRC"
	expect_match "Block Services -> pool0" "root/tpd:TPD_StoragePool\.InstanceID=\"TPD:$SYS:pool0\"" "$WOUT"
	expect_eq "Block Services -> only pools" "" "$(echo "$WOUT" | grep -v 'TPD_StoragePool\.' | grep .)"
else
	note "no wbemcli: profile checks over curl"
	cim_imethod EnumerateInstances interop "$(ip ClassName "$(cn CIM_RegisteredProfile)")"
	expect_eq "Block Services profile" 1 "$(xq props RegisteredName | grep -cx 'Block Services')"
fi
cim_imethod Associators root/tpd "$(ip ObjectName "$(scs_in)")$(ip AssocClass "$(cn CIM_ElementCapabilities)")$(ip ResultClass "$(cn CIM_StorageConfigurationCapabilities)")"
expect_eq "SCS capabilities: one" 1 "$(xq count)"
acts=",$(xq prop SupportedSynchronousActions),"
for a in 5 6 7; do expect_match "SupportedSynchronousActions has $a" ",$a," "$acts"; done
expect_eq "SupportedStorageElementTypes" 2,5 "$(xq prop SupportedStorageElementTypes)"
cim_imethod Associators root/tpd "$(ip ObjectName "$(pool_in)")$(ip AssocClass "$(cn CIM_ElementCapabilities)")$(ip ResultClass "$(cn CIM_StorageConfigurationCapabilities)")"
expect_eq "pool capabilities: one" 1 "$(xq count)"
feats=",$(xq prop SupportedStorageElementFeatures),"
for f in 3 12; do expect_match "pool SupportedStorageElementFeatures has $f" ",$f," "$feats"; done
pool_call GetSupportedSizeRange ""
expect_rc 0 "GetSupportedSizeRange"
expect_eq "MinimumVolumeSize" $U "$(xq outparam MinimumVolumeSize)"
expect_eq "VolumeSizeDivisor" $U "$(xq outparam VolumeSizeDivisor)"
expect_eq "MaximumVolumeSize PARAMTYPE" uint64 "$(xq outtype MaximumVolumeSize)"
mx=$(xq outparam MaximumVolumeSize)
[ "${mx:-0}" -gt 0 ] && [ $((mx % U)) = 0 ] && pass "MaximumVolumeSize $mx" || fail "MaximumVolumeSize '$mx'"
pool_call GetSupportedSizeRange "$(pv ElementType uint16 5)"
expect_rc 0 "GetSupportedSizeRange ElementType 5"
pool_call GetSupportedSizeRange "$(pv ElementType uint16 2)"
expect_rc 3 "GetSupportedSizeRange ElementType 2"
pool_call GetSupportedSizes ""
expect_rc 2 "GetSupportedSizes"
pool_call GetSupportedSizes "$(pv ElementType uint16 4)"
expect_rc 3 "GetSupportedSizes ElementType 4"
get_instance "$(pool_in)" TotalManagedSpace RemainingManagedSpace
tms=$(xq prop TotalManagedSpace); rms=$(xq prop RemainingManagedSpace)
read -r dsize davail <<< "$(df -B1 --output=size,avail "$P" | tail -1)"
expect_eq "TotalManagedSpace = df size" "$dsize" "$tms"
d=$(( rms - davail )); d=${d#-}
[ "$d" -le $((64 * 1048576)) ] && pass "RemainingManagedSpace $rms ~ df avail $davail" ||
	fail "RemainingManagedSpace $rms, df avail $davail (off by $d)"

finish
