#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 090-queue: max_copy_tasks = 2; a third copy waits as SyncState
# Initialized (2) with JobState New (2), OperationalStatus [15],
# PercentComplete 0, and runs when a slot frees; all targets end identical.
. "$(dirname "$0")/lib.sh"

start_daemon "max_copy_tasks = 2" "copy_rate_limit = 2097152"
fill_dense "$(volpath 101)" 24

attach 101 102 4; expect_rc 4096 "attach 1"; j1=$JOB
attach 101 103 4; expect_rc 4096 "attach 2"; j2=$JOB
attach 101 105 5; expect_rc 4096 "attach 3 (queued)"; j3=$JOB
get_instance "$(job_in "$j3")"
expect_eq "queued job JobState New" 2 "$(xq prop JobState)"
expect_eq "queued job OperationalStatus" 15 "$(xq prop OperationalStatus)"
expect_eq "queued job PercentComplete" 0 "$(xq prop PercentComplete)"
expect_eq "queued job StartTime NULL" NULL "$(xq prop StartTime)"
expect_eq "queued pair Initialized" 2 "$(pair_prop 101 105 SyncState)"
expect_eq "first job running" 4 "$(job_prop "$j1" JobState)"
expect_eq "second job running" 4 "$(job_prop "$j2" JobState)"
running=0
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_ConcreteJob)")$(ip PropertyList "$(plist InstanceID JobState)")"
running=$(xq props JobState | grep -cx 4)
expect_eq "jobs running at once" 2 "$running"
modsync 13 101 105
expect_rc 0 "Stop Copy of a queued pair"
wait_job "$j3" 10
expect_eq "stopped queued job Terminated" 8 "$JOBSTATE"
attach 101 105 4; expect_rc 4096 "attach 3 again (queued)"; j3=$JOB
expect_eq "re-queued pair Initialized" 2 "$(pair_prop 101 105 SyncState)"
# the queued job starts only when a slot frees
seen_max=0
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 60 ]; do
	cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_ConcreteJob)")$(ip PropertyList "$(plist InstanceID JobState)")"
	n=$(xq props JobState | grep -cx 4)
	[ "$n" -gt "$seen_max" ] && seen_max=$n
	[ "$(xq props JobState | grep -cx 7)" -ge 3 ] && break
	sleep 0.2
done
[ "$seen_max" -le 2 ] && pass "never more than 2 copies running ($seen_max)" || fail "$seen_max copies ran at once"
for j in "$j1" "$j2" "$j3"; do expect_job_completed "$j" "job $j"; done
expect_same 101 102 "queue copy 1"
expect_same 101 103 "queue copy 2"
expect_same 101 105 "queue copy 3"

finish
