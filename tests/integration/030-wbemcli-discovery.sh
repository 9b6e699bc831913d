#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 030-wbemcli-discovery: CLIENTS.md section 5 T1.x steps 1-5 and 13 with the
# real sblim-wbemcli (Debian 1.6.3): namespaces, registered profiles,
# ElementConformsToProfile into root/tpd, pools and volumes, raw class XML;
# TLS 1.2 / 1.3, -cte, and the wrong-password message.
. "$(dirname "$0")/lib.sh"
command -v wbemcli > /dev/null || { echo "skip: no wbemcli"; exit 77; }

start_daemon

# 1. namespaces
wbem ein -noverify "$(wurl interop:CIM_Namespace)"
expect_eq "wbemcli ein interop:CIM_Namespace exit" 0 "$WRC"
expect_match "namespace interop listed" 'Name="interop"' "$WOUT"
expect_match "namespace root/tpd listed" 'Name="root/tpd"' "$WOUT"

# 2. registered profiles
wbem ei -noverify "$(wurl interop:CIM_RegisteredProfile)" RegisteredName,RegisteredVersion,RegisteredOrganization,InstanceID
expect_eq "wbemcli ei CIM_RegisteredProfile exit" 0 "$WRC"
echo "$WOUT" | sed 's/^/     /' | head -10
for n in "Array" "Copy Services" "Job Control"; do
	expect_match "profile $n registered by SNIA (11)" "RegisteredName=\"$n\"" "$WOUT"
done
arrayline=$(echo "$WOUT" | grep 'RegisteredName="Array"' | head -1)
expect_match "Array profile organization 11" 'RegisteredOrganization=11' "$arrayline"
ver=$(echo "$arrayline" | sed -n 's/.*RegisteredVersion="\([0-9.]*\)".*/\1/p')
if python3 -c 'import sys; v=tuple(int(x) for x in sys.argv[1].split(".")); sys.exit(0 if v >= (1,4) else 1)' "$ver" 2>/dev/null; then
	pass "Array version $ver >= 1.4"
else fail "Array RegisteredVersion '$ver' not x.y[.z] >= 1.4"; fi
rpclass=$(echo "$arrayline" | sed -n 's/^[^ ]*interop:\([A-Za-z_]*\)\..*/\1/p')
rpid=$(echo "$arrayline" | sed -n 's/.*InstanceID="\([^"]*\)".*/\1/p')
note "Array profile: $rpclass InstanceID=$rpid"

# 3. ElementConformsToProfile into the vendor namespace
wbem ain -noverify -ac CIM_ElementConformsToProfile -arc CIM_ComputerSystem "$(wurl "interop:${rpclass:-CIM_RegisteredProfile}.InstanceID=\"$rpid\"")"
expect_eq "wbemcli ain ElementConformsToProfile exit" 0 "$WRC"
expect_match "Array profile -> root/tpd system" "root/tpd:TPD_StorageSystem\..*Name=\"$SYS\"" "$WOUT"

# 4. pools and volumes
wbem ai -noverify -ac CIM_HostedStoragePool -arc CIM_StoragePool "$(wurl "root/tpd:TPD_StorageSystem.CreationClassName=\"TPD_StorageSystem\",Name=\"$SYS\"")"
expect_eq "wbemcli ai HostedStoragePool exit" 0 "$WRC"
poolline=$(echo "$WOUT" | grep "InstanceID=\"TPD:$SYS:pool0\"" | head -1)
[ -n "$poolline" ] && pass "pool0 hosted by the system" || fail "pool0 not among: $WOUT"
poolclass=$(echo "$poolline" | sed -n 's/^[^ ]*root\/tpd:\([A-Za-z_]*\)\..*/\1/p')
wbem ai -noverify -ac CIM_AllocatedFromStoragePool -arc CIM_StorageVolume "$(wurl "root/tpd:${poolclass:-TPD_StoragePool}.InstanceID=\"TPD:$SYS:pool0\"")"
expect_eq "wbemcli ai AllocatedFromStoragePool exit" 0 "$WRC"
expect_eq "volumes in pool0" 5 "$(echo "$WOUT" | grep -c 'TPD_StorageVolume\.')"
for p in BlockSize=512 'ElementName="vol0"' 'DeviceID="101"' "SystemName=\"$SYS\"" NumberOfBlocks=131072; do
	expect_match "volume property $p" "$p" "$WOUT"
done

# 5. raw class XML with methods, parameters and Key qualifiers
wbem gcd -noverify "$(wurl root/tpd:TPD_StorageConfigurationService)"
expect_eq "wbemcli gcd SCS exit" 0 "$WRC"
expect_match "gcd: METHOD CreateReplica" '<METHOD NAME="CreateReplica"' "$WOUT"
expect_match "gcd: METHOD ModifySynchronization" '<METHOD NAME="ModifySynchronization"' "$WOUT"
expect_match "gcd: PARAMETER" '<PARAMETER' "$WOUT"
# gcd sends IncludeQualifiers=FALSE; cm/cmx send TRUE and need Key qualifiers:
cim_imethod GetClass root/tpd "$(ip ClassName "$(cn TPD_StorageConfigurationService)")$(ip LocalOnly "$(val FALSE)")$(ip IncludeQualifiers "$(val TRUE)")$(ip IncludeClassOrigin "$(val TRUE)")"
expect_eq "GetClass as cm sends it: Key on CreationClassName" 1 "$(xq qualifier CreationClassName Key)"
expect_eq "GetClass as cm sends it: Key on SystemName" 1 "$(xq qualifier SystemName Key)"
wbem gi -noverify "$(wurl "root/tpd:TPD_StorageVolume.CreationClassName=\"TPD_StorageVolume\",DeviceID=\"101\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\"")" ElementName,NumberOfBlocks
expect_eq "wbemcli gi volume exit" 0 "$WRC"
expect_match "gi volume ElementName" 'ElementName="vol0"' "$WOUT"

# 13. transport variants
WBEMCLI_CURL_SSLVERSION=TLSv1.2 wbem ein -noverify "$(wurl root/tpd:CIM_StorageVolume)"
expect_eq "wbemcli over TLS 1.2 exit" 0 "$WRC"
wbem ein -noverify -cte "$(wurl root/tpd:CIM_StorageVolume)"
expect_eq "wbemcli -cte exit" 0 "$WRC"
expect_eq "wbemcli -cte volumes" 5 "$(echo "$WOUT" | grep -c 'TPD_StorageVolume\.')"
wbem ein -cacert "$TEST_DIR/state/tls.crt" "$(wurl root/tpd:CIM_StorageVolume)"
if [ "$WRC" = 0 ]; then pass "wbemcli -cacert state/tls.crt verifies"; else note "WARN: wbemcli -cacert fails ($WOUT) - cert lacks 127.0.0.1?"; fi
WPW=wrong; wbem ein -noverify "$(wurl root/tpd:CIM_StorageVolume)"; unset WPW
expect_eq "wrong password: wbemcli exit" 16 "$WRC"
expect_match "wrong password message" 'Invalid username/password' "$WOUT"
WUSER=browse; WPW=$BROWSE_PW; wbem ein -noverify "$(wurl root/tpd:CIM_StorageVolume)"; unset WUSER WPW
expect_eq "browse user reads with wbemcli" 0 "$WRC"

finish
