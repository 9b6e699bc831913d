#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 100-kill9-resume: kill -9 the daemon in the middle of a copy, restart it
# on the same state: the same job resumes from its checkpoint and completes,
# the target ends identical, no pair shows Frozen before its data matches,
# and task ids are not reused.  Runs unprivileged on sparse files.
. "$(dirname "$0")/lib.sh"

start_daemon "copy_rate_limit = 4194304"
fill_dense "$(volpath 101)" 40

attach 101 102 4
expect_rc 4096 "attach 101->102 (slow)"
job=$JOB
for i in $(seq 100); do
	pc=$(job_prop "$job" PercentComplete)
	[ "${pc:-0}" != NULL ] && [ "${pc:-0}" -ge 15 ] 2>/dev/null && break
	sleep 0.1
done
note "killing arrayd at PercentComplete $pc"
kill9_daemon
sleep 0.2
launch_daemon
note "restarted: pid $PID"
get_instance "$(job_in "$job")"
expect_ok "the job survives the crash"
js=$(xq prop JobState); pcr=$(xq prop PercentComplete)
case $js in 2|4|7) pass "job state after restart: $js ($pcr%)";; *) fail "job state after restart '$js'";; esac
st=$(pair_prop 101 102 SyncState)
if [ "$st" = 14 ]; then
	cmp -s "$(volpath 101)" "$(volpath 102)" && pass "Frozen right after restart and identical" || fail "pair Frozen after restart but data differs"
else
	case $st in 2|5) pass "pair resumes in SyncState $st";; *) fail "pair SyncState after restart '$st'";; esac
fi
[ "$pcr" != NULL ] && [ "${pcr:-0}" -ge 10 ] 2>/dev/null && pass "resumed from a checkpoint ($pcr%)" || note "WARN: PercentComplete after restart '$pcr' (restarted from 0?)"
expect_job_completed "$job" "resumed job"
expect_eq "pair Frozen" 14 "$(pair_prop 101 102 SyncState)"
expect_same 101 102 "after kill -9 and resume"

attach 101 103 5
expect_rc 4096 "a new copy after the restart"
[ "${JOB##*:}" -gt "${job##*:}" ] && pass "task id ${JOB##*:} above ${job##*:} (not reused)" || fail "task id reused: $JOB after $job"
newjob=$JOB
expect_job_completed "$newjob" "new job"

# a second crash while nothing runs: state is kept
kill9_daemon
launch_daemon
expect_eq "pair still Frozen after a crash at rest" 14 "$(pair_prop 101 102 SyncState)"
get_instance "$(job_in "$newjob")"
expect_eq "finished job kept" 7 "$(xq prop JobState)"
attach 101 103 5
[ "${JOB##*:}" -gt "${newjob##*:}" ] && pass "task ids still increase" || fail "task id $JOB not above $newjob"
wait_job "$JOB"

finish
