#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 200-block-services: Block Services as decided in notes/bs-decisions.md
# (issue 11), checked on the wire and on disk: create (rounding, out
# parameters, sparse file, discovery of the new volume, default name),
# every refusal of a create (and that it leaves no file and no volume),
# grow (data kept, refusals), delete (file gone, refusals, a snapshot and
# its pair, a finished clone).  Copies here are not rate-limited;
# what needs a running copy or a race is in 202; the end-to-end flow,
# DeviceIDs across restarts and discovery are in 201.
. "$(dirname "$0")/lib.sh"

start_daemon
P=$TEST_DIR/pool0
GiB=1073741824; U=268435456	# the 3PAR granule: 256 MiB
blocks() { stat -c %b "$1"; }

# ------------------------------------------------------------ 1. create
ids0=$(vol_ids); files0=$(pool_files)
create_vol bsA 1000000
expect_rv 0 "create bsA Size=1000000"
expect_eq "out Size rounded up to 256 MiB" $U "$OUTSIZE"
expect_eq "out Size PARAMTYPE" uint64 "$(xq outtype Size)"
expect_eq "out TheElement PARAMTYPE" reference "$(xq outtype TheElement)"
expect_eq "out TheElement class" TPD_StorageVolume "$(xq outkey TheElement CreationClassName)"
expect_eq "out TheElement SystemName" "$SYS" "$(xq outkey TheElement SystemName)"
expect_eq "no Job out parameter (synchronous)" "" "$(xq outparam Job)"
A=$NEWID
expect_match "bsA DeviceID numeric" '^[0-9]+$' "$A"
case " $ids0 " in *" $A "*) fail "DeviceID $A was already used";; *) pass "DeviceID $A is new";; esac
CHECK_PROPS=ElementName,BlockSize,NumberOfBlocks,DeviceID,SystemName
get_instance "$(vol_in "$A")" ElementName BlockSize NumberOfBlocks DeviceID SystemName
CHECK_PROPS=""
expect_ok "GetInstance of TheElement (smispy PropertyList)"
expect_eq "ElementName" bsA "$(xq prop ElementName)"
expect_eq "BlockSize" 512 "$(xq prop BlockSize)"
expect_eq "NumberOfBlocks" $((U / 512)) "$(xq prop NumberOfBlocks)"
expect_eq "DeviceID" "$A" "$(xq prop DeviceID)"
expect_eq "SystemName" "$SYS" "$(xq prop SystemName)"
expect_eq "bsA.img size" $U "$(stat -c %s "$P/bsA.img" 2>&1)"
expect_eq "bsA.img sparse (blocks allocated)" 0 "$(blocks "$P/bsA.img" 2>&1)"
expect_eq "bsA.img mode" 600 "$(stat -c %a "$P/bsA.img" 2>&1)"
expect_eq "one new file" "$(echo "$files0 bsA.img" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$(pool_files)"
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
expect_eq "EnumerateInstances lists bsA" 1 "$(xq props ElementName | grep -cx bsA)"
expect_eq "EnumerateInstances: 6 volumes" 6 "$(xq count)"
cim_imethod Associators root/tpd "$(ip ObjectName "$(pool_in)")$(ip AssocClass "$(cn CIM_AllocatedFromStoragePool)")$(ip ResultClass "$(cn CIM_StorageVolume)")"
expect_eq "AllocatedFromStoragePool(pool0) lists bsA" 1 "$(xq keys DeviceID | grep -cx "$A")"
# no ElementName: "vv.<smallest free n>"; 31 characters is still a name
comodify "$(pvref InPool "$(pool_ref)")$(pv Size uint64 $U)"
expect_rv 0 "create without ElementName"
D0=$NEWID
get_instance "$(vol_in "$D0")"
expect_eq "default ElementName" vv.0 "$(xq prop ElementName)"
[ -f "$P/vv.0.img" ] && pass "vv.0.img made" || fail "no $P/vv.0.img"
n31=$(printf 'n%.0s' $(seq 31))
comodify "$(pv ElementName string "$n31")$(pv ElementType uint16 2)$(pvref InPool "$(pool_ref)")$(pv Size uint64 $U)"
expect_rv 0 "create with a 31-character name and ElementType 2"
N31=$NEWID
expect_eq "$n31.img size" $U "$(stat -c %s "$P/$n31.img" 2>&1)"

# ------------------------------------------------------------ 2. refusals of a create
create_replica bsSnap "$A" 4
expect_rv 0 "CreateReplica VC of bsA"
SNAP=$TARGET
expect_eq "snapshot file" $U "$(stat -c %s "$P/bsSnap.img" 2>&1)"
ids1=$(vol_ids); files1=$(pool_files)
unchanged() {	# WHAT: nothing made by the refusal
	expect_eq "$1: no new file" "$files1" "$(pool_files)"
	expect_eq "$1: no new volume" "$ids1" "$(vol_ids)"
}
refuse() {	# RC WHAT PARAMS-XML
	comodify "$3"
	expect_rv "$1" "$2"
	unchanged "$2"
}
inpool=$(pvref InPool "$(pool_ref)")
n32=$(printf 'n%.0s' $(seq 32))
for nm in "" "$n32" "a/b" ".." "." "x y" "a&#9;b" "a&#10;b" "bad*"; do
	refuse 5 "ElementName '$nm'" "$(pv ElementName string "$nm")$inpool$(pv Size uint64 $U)"
done
refuse 4 "duplicate ElementName bsA" "$(pv ElementName string bsA)$inpool$(pv Size uint64 $U)"
refuse 4 "ElementName of the snapshot" "$(pv ElementName string bsSnap)$inpool$(pv Size uint64 $U)"
refuse 4097 "Size 0" "$(pv ElementName string z0)$inpool$(pv Size uint64 0)"
expect_eq "Size 0: out Size = the smallest" $U "$OUTSIZE"
pool_call GetSupportedSizeRange ""
expect_rc 0 "GetSupportedSizeRange"
maxsz=$(xq outparam MaximumVolumeSize)
refuse 4097 "Size 2^60" "$(pv ElementName string z1)$inpool$(pv Size uint64 1152921504606846976)"
expect_eq "Size 2^60: out Size = the largest possible" "$maxsz" "$OUTSIZE"
refuse 4097 "Size 2^64-1" "$(pv ElementName string z1)$inpool$(pv Size uint64 18446744073709551615)"
expect_eq "Size 2^64-1: out Size" "$maxsz" "$OUTSIZE"
refuse 5 "no InPool" "$(pv ElementName string z2)$(pv Size uint64 $U)"
refuse 5 "InPool a delta pool" "$(pv ElementName string z3)$(pvref InPool "$(pool_ref "TPD:$SYS:SA.$A" TPD_DeltaReplicaStoragePool)")$(pv Size uint64 $U)"
refuse 5 "InPool of another system" "$(pv ElementName string z4)$(pvref InPool "$(pool_ref "TPD:2FF70002AC0FFFFF:pool0")")$(pv Size uint64 $U)"
refuse 5 "InPool not a pool (a volume)" "$(pv ElementName string z5)$(pvref InPool "$(vol_ref 101)")$(pv Size uint64 $U)"
refuse 5 "InPool an unknown pool" "$(pv ElementName string z6)$(pvref InPool "$(pool_ref "TPD:$SYS:nopool")")$(pv Size uint64 $U)"
refuse 1 "ElementType 3" "$(pv ElementName string z7)$(pv ElementType uint16 3)$inpool$(pv Size uint64 $U)"
refuse 1 "ElementType 8" "$(pv ElementName string z7)$(pv ElementType uint16 8)$inpool$(pv Size uint64 $U)"
refuse 5 "ElementType 9" "$(pv ElementName string z8)$(pv ElementType uint16 9)$inpool$(pv Size uint64 $U)"
refuse 5 "ElementType 0" "$(pv ElementName string z8)$(pv ElementType uint16 0)$inpool$(pv Size uint64 $U)"
refuse 5 "a Goal" "$(pv ElementName string z9)$(pvref Goal "$(vol_ref 101)")$inpool$(pv Size uint64 $U)"
refuse 5 "Size missing" "$(pv ElementName string z10)$inpool"
scs_call CreateOrModifyElementFromStoragePool "$(pv ElementName string z11)$inpool$(pv Size string abc)"
expect_error 4 "Size as string 'abc'"
unchanged "Size 'abc'"
scs_call CreateOrModifyElementFromStoragePool "$(pv ElementName string z12)$inpool$(pv Size uint64 -1)"
expect_error 4 "Size -1"
unchanged "Size -1"
scs_call CreateOrModifyElementFromStoragePool "$(pv ElementName string z13)$(pv InPool string "TPD:$SYS:pool0")$(pv Size uint64 $U)"
expect_error 4 "InPool not a reference"
unchanged "InPool a string"

# ------------------------------------------------------------ 3. grow
create_vol bsG $U
expect_rv 0 "create bsG"
G=$NEWID
write_data "$P/bsG.img" 0 100 255
cp --sparse=always "$P/bsG.img" "$TEST_DIR/bsG.before"
grow_vol "$G" $((U + 1))
expect_rv 0 "grow bsG to 256 MiB + 1"
expect_eq "grow: out Size rounded" $((2 * U)) "$OUTSIZE"
expect_eq "grow: out TheElement" "$G" "$NEWID"
expect_eq "grow: file size" $((2 * U)) "$(stat -c %s "$P/bsG.img")"
cmp -s -n $U "$TEST_DIR/bsG.before" "$P/bsG.img" && pass "grow: data before the grow kept" ||
	fail "grow: first 256 MiB differ: $(cmp -n $U "$TEST_DIR/bsG.before" "$P/bsG.img" 2>&1)"
cmp -s -i $U:0 -n $U "$P/bsG.img" /dev/zero && pass "grow: new part reads zero" || fail "grow: new part not zero"
[ "$(blocks "$P/bsG.img")" -le $((4 * 2048 + 64)) ] && pass "grow: still sparse ($(blocks "$P/bsG.img") blocks)" ||
	fail "grow: not sparse: $(blocks "$P/bsG.img") blocks"
get_instance "$(vol_in "$G")" NumberOfBlocks
expect_eq "grow: NumberOfBlocks" $((2 * U / 512)) "$(xq prop NumberOfBlocks)"
grow_vol "$G" $((2 * U))
expect_rv 0 "grow to the same size"
expect_eq "same size: out Size" $((2 * U)) "$OUTSIZE"
comodify "$(pvref TheElement "$(vol_ref "$G")")"
expect_rv 0 "modify without Size"
expect_eq "no Size: out Size = current" $((2 * U)) "$OUTSIZE"
grow_vol "$G" $U
expect_rv 4097 "shrink"
expect_eq "shrink: out Size = current" $((2 * U)) "$OUTSIZE"
expect_eq "shrink: file size unchanged" $((2 * U)) "$(stat -c %s "$P/bsG.img")"
grow_vol "$N31" $((U + 1))
expect_rv 0 "grow $n31"
grow_vol "$N31" 1152921504606846976
expect_rv 4097 "grow to 2^60"
expect_match "grow to 2^60: out Size = largest, a multiple of 256 MiB" '^[0-9]+$' "$OUTSIZE"
[ $((OUTSIZE % U)) = 0 ] && [ "$OUTSIZE" -gt $((2 * U)) ] && pass "largest grow $OUTSIZE" || fail "largest grow $OUTSIZE"
expect_eq "grow to 2^60: file size unchanged" $((2 * U)) "$(stat -c %s "$P/$n31.img")"
grow_vol 101 $GiB
expect_rv 6 "grow a configured volume"
expect_eq "configured volume file unchanged" 67108864 "$(stat -c %s "$(volpath 101)")"
grow_vol "$A" $((3 * U))
expect_rv 6 "grow the source of a VC"
grow_vol "$SNAP" $((3 * U))
expect_rv 5 "grow a snapshot"
expect_eq "snapshot file unchanged" $U "$(stat -c %s "$P/bsSnap.img")"
comodify "$(pv ElementName string other)$(pvref TheElement "$(vol_ref "$D0")")$(pv Size uint64 $((2 * U)))"
expect_rv 1 "grow with a different ElementName (rename)"
expect_eq "rename refused: file size" $U "$(stat -c %s "$P/vv.0.img")"
comodify "$(pv ElementName string vv.0)$(pvref TheElement "$(vol_ref "$D0")")$(pv Size uint64 $U)"
expect_rv 0 "modify with its own ElementName"
comodify "$(pvref TheElement "$(vol_ref 99999)")$(pv Size uint64 $GiB)"
expect_rv 5 "grow DeviceID 99999"
comodify "$(pvref TheElement "$(vol_ref "$D0")")$(pvref InPool "$(pool_ref "TPD:$SYS:nopool")")$(pv Size uint64 $GiB)"
expect_rv 5 "grow with a foreign InPool"
comodify "$(pvref TheElement "$(vol_ref "$D0")")$inpool$(pv Size uint64 $((2 * U)))"
expect_rv 0 "grow with its own InPool"
expect_eq "grown vv.0" $((2 * U)) "$(stat -c %s "$P/vv.0.img")"
# a volume in a PC pair (target), either way
attach 101 "$D0" 4
expect_rv 4096 "attach 101 -> vv.0 CT4"
wait_job "$JOB"
expect_eq "PC job" 7 "$JOBSTATE"
grow_vol "$D0" $((3 * U))
expect_rv 6 "grow the target of a PC pair"
expect_eq "PC target file unchanged" $((2 * U)) "$(stat -c %s "$P/vv.0.img")"

# ------------------------------------------------------------ 4. delete
return_vol 101
expect_rv 6 "delete a configured volume"
[ -f "$(volpath 101)" ] && pass "configured file kept" || fail "configured file removed"
return_vol "$D0"
expect_rv 6 "delete the target of a PC pair"
return_vol "$A"
expect_rv 6 "delete the source of a VC"
[ -f "$P/bsA.img" ] && pass "VC source file kept" || fail "VC source file removed"
cim_imethod References root/tpd "$(ip ObjectName "$(vol_in "$A")")$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "bsA has its snapshot pair" "$SNAP" "$(xq keys SyncedElement)"
return_vol "$SNAP"
expect_rv 0 "delete the snapshot"
[ -e "$P/bsSnap.img" ] && fail "snapshot file still there" || pass "snapshot file gone"
cim_imethod References root/tpd "$(ip ObjectName "$(vol_in "$A")")$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "bsA pairs after the snapshot delete" 0 "$(xq count)"
expect_pair_gone "$A" "$SNAP" "VC pair gone"
get_instance "$(pool_in "TPD:$SYS:SA.$A" TPD_DeltaReplicaStoragePool)"
expect_error 6 "delta pool of bsA gone"
modsync 2 101 "$D0"
expect_rv 0 "Detach 101 -> vv.0"
return_vol "$D0"
expect_rv 0 "delete vv.0 (detached)"
[ -e "$P/vv.0.img" ] && fail "vv.0.img still there" || pass "vv.0.img gone"
get_instance "$(vol_in "$D0")"
expect_error 6 "GetInstance of the deleted volume"
return_vol "$D0"
expect_rv 5 "delete again"
return_vol 99999
expect_rv 5 "delete DeviceID 99999"
# a finished CopyType 5 clone: its pair is gone, it may be deleted
create_vol bsClone $U
expect_rv 0 "create bsClone"
C=$NEWID
attach "$A" "$C" 5
expect_rv 4096 "CT5 bsA -> bsClone"
wait_job "$JOB"
expect_eq "clone job" 7 "$JOBSTATE"
cmp -s -n $U "$P/bsA.img" "$P/bsClone.img" && pass "clone equals bsA" || fail "clone differs"
return_vol "$C"
expect_rv 0 "delete the finished clone"
[ -e "$P/bsClone.img" ] && fail "bsClone.img still there" || pass "bsClone.img gone"
return_vol "$N31"
expect_rv 0 "delete $n31"
[ -e "$P/$n31.img" ] && fail "$n31.img still there" || pass "$n31.img gone"

# the rest leaves the pool as configured
return_vol "$A"
expect_rv 0 "delete bsA"
rm -f "$TEST_DIR/bsG.before"
return_vol "$G"
expect_rv 0 "delete bsG"
[ -e "$P/bsG.img" ] && fail "bsG.img still there" || pass "bsG.img gone"
expect_eq "pool back to the configured files" "small.img vol0.img vol1.img vol2.img vol4.img" "$(pool_files)"
expect_eq "volumes back to the configured ones" "101 102 103 104 105" "$(vol_ids)"

finish
