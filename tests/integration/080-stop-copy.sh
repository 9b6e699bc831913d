#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 080-stop-copy: halting a physical copy (Stop Copy 13 and
# RequestStateChange(Terminate) on its job), job methods (RequestStateChange
# on finished jobs, KillJob, GetError), progress reporting.  Copies are
# rate-limited (4 MiB/s over 48 MiB of data) so they can be caught running.
. "$(dirname "$0")/lib.sh"

start_daemon "copy_rate_limit = 4194304"
fill_dense "$(volpath 101)" 48

wait_running() {	# JOBID: until JobState 4 and PercentComplete > 0
	local i js pc
	for i in $(seq 100); do
		get_instance "$(job_in "$1")" JobState PercentComplete
		js=$(xq prop JobState); pc=$(xq prop PercentComplete)
		[ "$js" = 4 ] && [ "${pc:-0}" != NULL ] && [ "${pc:-0}" -gt 0 ] 2>/dev/null && return 0
		sleep 0.1
	done
	fail "job $1 never seen running with progress (JobState '$js' PercentComplete '$pc')"
	return 1
}

attach 101 102 4
expect_rc 4096 "attach 101->102 (slow)"
job=$JOB
wait_running "$job" && pass "job running"
expect_eq "pair ResyncInProgress during the first copy" 5 "$(pair_prop 101 102 SyncState)"
pc1=$(job_prop "$job" PercentComplete)
sleep 1.5
pc2=$(job_prop "$job" PercentComplete)
[ "$pc2" -gt "$pc1" ] 2>/dev/null && pass "PercentComplete moves ($pc1 -> $pc2)" || fail "PercentComplete did not move: '$pc1' -> '$pc2'"
expect_eq "running job OperationalStatus" 2 "$(job_prop "$job" OperationalStatus)"
job_call "$job" GetError ""
expect_rc 0 "GetError on a running job"
expect_eq "GetError Error NULL while running" "" "$(xq outparam Error)"

cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "$job")")"
expect_error 1 "DeleteInstance of a running job"
modsync 13 101 102
expect_rc 0 "Stop Copy"
expect_eq "Stop Copy returns no Job" "" "$JOB"
wait_job "$job" 20
expect_eq "stopped job JobState Terminated" 8 "$(xq prop JobState)"
expect_eq "stopped job OperationalStatus" 10 "$(xq prop OperationalStatus)"
pcs=$(xq prop PercentComplete)
[ "$pcs" != NULL ] && [ "$pcs" -lt 100 ] 2>/dev/null && pass "stopped job PercentComplete kept ($pcs)" || fail "stopped job PercentComplete '$pcs'"
expect_pair_gone 101 102 "after Stop Copy"
get_instance "$(vol_in 102)"
expect_eq "halted target OperationalStatus Error" 6 "$(xq prop OperationalStatus)"
modsync 13 101 102
expect_rc 4 "Stop Copy again (no pair)"

# job methods on a finished job
job_call "$job" RequestStateChange "$(pv RequestedState uint16 4)"
expect_rc 4 "RequestStateChange(Terminate) on a finished job"
for s in 2 3 5 6; do
	job_call "$job" RequestStateChange "$(pv RequestedState uint16 $s)"
	expect_rc 1 "RequestStateChange($s)"
done
job_call "$job" KillJob "$(pv DeleteOnKill boolean FALSE)"
expect_rc 1 "KillJob"
job_call "$job" GetError ""
expect_rc 0 "GetError on a terminated job"
expect_eq "GetError of a user-cancelled job: NULL" "" "$(xq outparam Error)"
job_call "TPD:$SYS:999999" GetError ""
expect_error 6 "GetError on a missing job"
cim_imethod DeleteInstance root/tpd "$(ip InstanceName "$(job_in "$job")")"
expect_ok "DeleteInstance of a terminated job"

# RequestStateChange(Terminate) halts a running copy
attach 101 103 4
expect_rc 4096 "attach 101->103 (slow)"
job2=$JOB
wait_running "$job2"
job_call "$job2" RequestStateChange "$(pv RequestedState uint16 4)"
expect_rc 4096 "RequestStateChange(Terminate) on a running job"
wait_job "$job2" 20
expect_eq "terminated job JobState" 8 "$(xq prop JobState)"
expect_pair_gone 101 103 "after Terminate"

# a new attach clears the target's error and completes
attach 101 102 4
expect_rc 4096 "re-attach onto the halted target"
expect_job_completed "$JOB" "re-attach job"
get_instance "$(vol_in 102)"
expect_eq "target OperationalStatus OK again" 2 "$(xq prop OperationalStatus)"
expect_same 101 102 "after re-attach"
modsync 13 101 102
expect_rc 4 "Stop Copy on a Frozen pair"

finish
