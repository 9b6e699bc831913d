#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 040-pc-copy: the physical-copy life cycle (CONTRACT.md sections 4-6):
# AttachOrModifyReplica CT4 -> job -> Frozen -> identical data; Resync after
# a change; Start Copy; Detach; job deletion; CT5 pair removed when done;
# the attach refusals.
. "$(dirname "$0")/lib.sh"

start_daemon

taskno() { echo "${1##*:}"; }

attach 101 102 4
expect_rc 4096 "AttachOrModifyReplica CT4 101->102"
expect_match "Job InstanceID" "^TPD:$SYS:[0-9]+\$" "$JOB"
[ -n "$JOB" ] || die "no Job out parameter"
job1=$JOB
expect_job_completed "$job1" "attach job"
expect_match "job TimeSubmitted" '^[0-9]{14}\.[0-9]{6}[+-][0-9]{3}$' "$(xq prop TimeSubmitted)"
expect_eq "job DeleteOnCompletion" FALSE "$(xq prop DeleteOnCompletion)"
cim_imethod References root/tpd "$(ip ObjectName "$(vol_in 102)")$(ip ResultClass "$(cn CIM_StorageSynchronized)")"
expect_eq "one pair on the target" 1 "$(xq count)"
expect_eq "pair SyncState Frozen" 14 "$(xq prop SyncState)"
expect_eq "pair CopyType" 4 "$(xq prop CopyType)"
expect_eq "pair ReplicaType Full Copy" 2 "$(xq prop ReplicaType)"
ws1=$(xq prop WhenSynced)
expect_match "pair WhenSynced" '^[0-9]{14}\.[0-9]{6}\+000$' "$ws1"
expect_same 101 102 "after attach"
alloc=$(( $(stat -c %b "$(volpath 102)") * $(stat -c %B "$(volpath 102)") ))
if [ "$alloc" -le $((8 * 1024 * 1024)) ]; then pass "target stays thin ($alloc bytes allocated)"
else fail "target not thin: $alloc bytes allocated for 4 MiB of data"; fi

# job associations
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(job_in "$job1")")$(ip AssocClass "$(cn CIM_AffectedJobElement)")$(ip ResultClass "$(cn CIM_StorageVolume)")"
expect_eq "AffectedJobElement: target first, then source" "102 101" "$(xq keys DeviceID | tr '\n' ' ' | sed 's/ $//')"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(job_in "$job1")")$(ip AssocClass "$(cn CIM_OwningJobElement)")"
expect_eq "OwningJobElement -> SCS" TPD_StorageConfigurationService "$(xq classes)"
cim_imethod Associators root/tpd "$(ip ObjectName "$(job_in "$job1")")$(ip AssocClass "$(cn CIM_AssociatedJobMethodResult)")"
expect_eq "AssociatedJobMethodResult -> MethodResult" TPD_MethodResult "$(xq classes)"
get_instance "<INSTANCENAME CLASSNAME=\"TPD_MethodResult\">$(kv InstanceID "$job1")</INSTANCENAME>"
expect_ok "GetInstance TPD_MethodResult"

# refusals while the pair exists
attach 103 102 4
expect_rc 6 "attach onto a target already in a pair"
attach 101 101 4
expect_rc 4 "attach a volume onto itself"
attach 101 104 4
expect_rc 4 "attach onto a smaller target"
attach 999 103 4
expect_rc 4 "attach from a missing source"
attach 101 999 4
expect_rc 4 "attach onto a missing target"
attach 101 103 3
expect_rc 5 "attach with CopyType 3"
attach 101 103 7
expect_rc 5 "attach with CopyType 7"

# Resync after a change: only what differs, back to Frozen
write_data "$(volpath 101)" 20 47
sleep 1.1	# WhenSynced must move
modsync 4 101 102
expect_rc 4096 "Resync"
job2=$JOB
[ "$(taskno "$job2")" -gt "$(taskno "$job1")" ] && pass "task ids increase" || fail "task id $job2 not above $job1"
expect_job_completed "$job2" "resync job"
expect_eq "after Resync: Frozen" 14 "$(pair_prop 101 102 SyncState)"
ws2=$(xq prop WhenSynced)
[[ $ws2 > $ws1 ]] && pass "WhenSynced moved ($ws1 -> $ws2)" || fail "WhenSynced did not move: $ws1 -> $ws2"
expect_same 101 102 "after Resync"

# Start Copy: full copy, back to Frozen
write_data "$(volpath 101)" 2
modsync 12 101 102
expect_rc 4096 "Start Copy"
expect_job_completed "$JOB" "start-copy job"
expect_eq "after Start Copy: Frozen" 14 "$(pair_prop 101 102 SyncState)"
expect_same 101 102 "after Start Copy"

# Detach: synchronous, pair gone, target independent
modsync 2 101 102
expect_rc 0 "Detach"
expect_eq "Detach returns no Job" "" "$JOB"
expect_pair_gone 101 102 "after Detach"
get_instance "$(vol_in 102)"
expect_eq "detached target still a volume" vol1 "$(xq prop ElementName)"
expect_eq "detached target OperationalStatus" 2 "$(xq prop OperationalStatus)"
modsync 2 101 102
expect_rc 4 "Detach of a pair that no longer exists"

# delete the finished job with wbemcli, then it is gone
if command -v wbemcli > /dev/null; then
	wbem di -noverify "$(wurl "root/tpd:TPD_ConcreteJob.InstanceID=\"$job1\"")"
	expect_eq "wbemcli di job exit" 0 "$WRC"
else
	cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "$job1")")"
	expect_ok "DeleteInstance job"
fi
get_instance "$(job_in "$job1")"
expect_error 6 "GetInstance of the deleted job"
get_instance "<INSTANCENAME CLASSNAME=\"TPD_MethodResult\">$(kv InstanceID "$job1")</INSTANCENAME>"
expect_error 6 "MethodResult deleted with its job"
cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "$job1")")"
expect_error 6 "DeleteInstance twice"

# CT5: one-shot copy, pair removed on completion
attach 101 103 5
expect_rc 4096 "AttachOrModifyReplica CT5 101->103"
expect_job_completed "$JOB" "CT5 job"
expect_pair_gone 101 103 "CT5 pair removed on completion"
expect_same 101 103 "after CT5"
modsync 4 101 103
expect_rc 4 "Resync of a removed CT5 pair"

finish
