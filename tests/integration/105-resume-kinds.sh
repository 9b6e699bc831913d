#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 105-resume-kinds: a restart in the middle of every kind of job.  Resync
# (4), Start Copy (12), Restore (5 on a VC), CreateReplica CopyType 5 and
# AttachOrModifyReplica CopyType 5 run at once, rate-limited, when the
# daemon is killed with SIGKILL; after the restart each job resumes under
# the same id (Running, then Completed [2,17] at 100 %), each pair ends in
# its state (Frozen / Idle / removed) and the bytes match.  Then a queued
# job (max_copy_tasks = 1) survives a crash still waiting for its slot, and
# a SIGTERM in the middle of a copy drains (exit 0) and resumes.  Task ids
# after each restart are above every id seen before.  Unprivileged.
. "$(dirname "$0")/lib.sh"

MIB=30			# dense data per 32 MiB source: ~7.5 s at 4 MiB/s
EXTRA_CONF=""
for v in 201 202 203 204 205 206 207 208 209 210 211 212; do
	EXTRA_CONF+=$'\n'"[volume v$v]"$'\n'"pool = pool0"$'\n'"path = pool0/$v.img"
	EXTRA_CONF+=$'\n'"id = $v"$'\n'"size = 32M"$'\n'
done
start_daemon "max_copy_tasks = 8"

MAXID=0
seen() {	# JOBID...: remember the highest task id handed out
	local j n
	for j in "$@"; do
		n=${j##*:}
		[[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt "$MAXID" ] && MAXID=$n
	done
	return 0
}
expect_fresh_id() {	# JOBID WHAT: above every id seen before
	local n=${1##*:}
	if [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt "$MAXID" ]; then
		pass "$2: task id $n above all earlier ones ($MAXID)"
	else
		fail "$2: task id '$n' not above $MAXID (reused?)"
	fi
	seen "$1"
}
# wait_pct MIN SECONDS JOBID...: until every job reports PercentComplete >= MIN
wait_pct() {
	local min=$1 limit=$2 t0=$SECONDS j pc low
	shift 2
	while [ $((SECONDS - t0)) -lt "$limit" ]; do
		low=""
		for j in "$@"; do
			pc=$(job_prop "$j" PercentComplete)
			[[ $pc =~ ^[0-9]+$ ]] && [ "$pc" -ge "$min" ] || low="$low $j($pc)"
		done
		[ -z "$low" ] && return 0
		sleep 0.2
	done
	note "not all jobs at $min % after $limit s:$low"
	return 1
}
# expect_running_after JOBID WHAT [SRC TGT]: the same job, Running, and
# its pair (if given) not yet showing Frozen or Idle.
expect_running_after() {
	local js pc st
	get_instance "$(job_in "$1")"
	js=$(xq prop JobState 2>/dev/null); pc=$(xq prop PercentComplete 2>/dev/null)
	if [ "$js" = 4 ]; then pass "$2: job $1 Running after the restart ($pc %)"
	elif [ "$js" = 7 ]; then note "$2: job $1 already Completed after the restart"; return
	else fail "$2: job $1 JobState '$js' after the restart"; show_body; return; fi
	[ $# -ge 4 ] || return 0
	st=$(pair_prop "$3" "$4" SyncState)
	# The copy may end between the two reads: Frozen/Idle is only wrong
	# while the job is still not finished.
	if [ "$st" = 11 ] || [ "$st" = 14 ]; then
		get_instance "$(job_in "$1")"
		[ "$(xq prop JobState 2>/dev/null)" = 7 ] && st="done"
	fi
	case $st in
	done) note "$2: copy finished between the two reads";;
	11|14) fail "$2: pair $3->$4 SyncState $st while its copy runs";;
	*) pass "$2: pair $3->$4 in progress ($st)";;
	esac
}
restart_conf() {	# SED-EXPR: change the configuration and restart cleanly
	stop_daemon
	sed -i "$1" "$CONF"
	launch_daemon
}

# ------------------------------------------------ set-up, no rate limit
for v in 201 203 205 206 207 209 211; do fill_dense "$(volpath "$v")" "$MIB"; done
attach 201 202 4; expect_rc 4096 "PC 201->202"; seen "$JOB"
expect_job_completed "$JOB" "PC 201->202 initial copy"
attach 203 204 4; expect_rc 4096 "PC 203->204"; seen "$JOB"
expect_job_completed "$JOB" "PC 203->204 initial copy"
create_replica snapR 205 4; expect_rc 0 "VC of 205"; seen "$JOB"
snap=$TARGET; snapfile=$TEST_DIR/pool0/snapR.img
[ -n "$snap" ] || die "CreateReplica VC: no TargetElement"
wait_pair 205 "$snap" 11 30
cp "$snapfile" "$TEST_DIR/snap.before"
cmp -s "$snapfile" "$(volpath 205)" && pass "VC image = 205" || fail "VC image differs from 205"

# Changed sources: every chunk differs, so the resync and restore are slow.
restart_conf '/^\[server\]/a copy_rate_limit = 4M'
fill_dense "$(volpath 201)" "$MIB"
fill_dense "$(volpath 205)" "$MIB"
fill_dense "$(volpath 203)" "$MIB"
cmp -s "$(volpath 201)" "$(volpath 202)" && fail "201 unchanged?" || pass "source 201 changed"

# ------------------------------------------------ five kinds, then SIGKILL
modsync 4 201 202; expect_rc 4096 "Resync 201->202"; j_rs=$JOB
modsync 12 203 204; expect_rc 4096 "Start Copy 203->204"; j_sc=$JOB
modsync 5 205 "$snap"; expect_rc 4096 "Restore 205<-$snap"; j_rt=$JOB
create_replica cr5 206 5; expect_rc 4096 "CreateReplica CopyType 5"; j_cr=$JOB
cr5=$TARGET; cr5file=$TEST_DIR/pool0/cr5.img
[ -n "$cr5" ] || fail "CreateReplica CT5: no TargetElement"
attach 207 208 5; expect_rc 4096 "attach 207->208 CopyType 5"; j_at=$JOB
all="$j_rs $j_sc $j_rt $j_cr $j_at"
seen $all
# Five submissions take a few seconds; on a loaded machine the Resync
# (7.5 s at 4 MiB/s) may be done before the kill: then it cannot show a
# resume, which the other four still do.
ss=$(pair_prop 201 202 SyncState)
if [ "$ss" = 14 ]; then
	note "Resync already Frozen before the kill (slow submissions)"
else
	expect_eq "ResyncInProgress" 5 "$ss"
fi
# the last one submitted is the least advanced; polling all would be slow
wait_pct 10 15 "$j_at"
note "SIGKILL with attach CT5 at $(job_prop "$j_at" PercentComplete) %"
kill9_daemon
launch_daemon
note "restarted after SIGKILL: pid $PID"
expect_running_after "$j_rs" "Resync" 201 202
pc=$(job_prop "$j_rs" PercentComplete)
[[ $pc =~ ^[0-9]+$ ]] && [ "$pc" -gt 0 ] && pass "Resync resumed from a checkpoint ($pc %)" ||
    fail "Resync after the restart at '$pc' % (checkpoint lost?)"
expect_running_after "$j_sc" "Start Copy" 203 204
expect_running_after "$j_rt" "Restore" 205 "$snap"
expect_running_after "$j_cr" "CreateReplica CT5" 206 "$cr5"
expect_running_after "$j_at" "attach CT5" 207 208
# a new job right away: its id must not collide with the resumed ones
attach 101 103 5; expect_rc 4096 "a new attach after the restart"
expect_fresh_id "$JOB" "after SIGKILL"
j_new=$JOB
expect_job_completed "$j_rs" "resumed Resync"
expect_job_completed "$j_sc" "resumed Start Copy"
expect_job_completed "$j_rt" "resumed Restore"
expect_job_completed "$j_cr" "resumed CreateReplica CT5"
expect_job_completed "$j_at" "resumed attach CT5"
expect_job_completed "$j_new" "new attach"
expect_eq "Resync pair Frozen" 14 "$(pair_prop 201 202 SyncState)"
expect_same 201 202 "Resync"
expect_eq "Start Copy pair Frozen" 14 "$(pair_prop 203 204 SyncState)"
expect_same 203 204 "Start Copy"
expect_eq "VC pair Idle after Restore" 11 "$(pair_prop 205 "$snap" SyncState)"
cmp -s "$(volpath 205)" "$snapfile" && pass "Restore: 205 = snapshot" || fail "Restore: 205 differs from the snapshot"
cmp -s "$snapfile" "$TEST_DIR/snap.before" && pass "snapshot unchanged by the restore" || fail "snapshot changed"
expect_pair_gone 206 "$cr5" "CreateReplica CT5 pair removed"
cmp -s "$(volpath 206)" "$cr5file" && pass "CreateReplica CT5: 206 = cr5" || fail "CreateReplica CT5: cr5 differs from 206"
expect_pair_gone 207 208 "attach CT5 pair removed"
expect_same 207 208 "attach CT5"
expect_pair_gone 101 103
expect_same 101 103 "new attach"

# ------------------------------------------------ a queued job survives
restart_conf 's/^max_copy_tasks = 8$/max_copy_tasks = 1/'
attach 209 210 4; expect_rc 4096 "attach 209->210 (runs)"; j_q1=$JOB
expect_fresh_id "$j_q1" "after a clean restart"
attach 211 212 5; expect_rc 4096 "attach 211->212 (queued)"; j_q2=$JOB
seen "$j_q2"
expect_eq "queued job New" 2 "$(job_prop "$j_q2" JobState)"
expect_eq "queued pair Initialized" 2 "$(pair_prop 211 212 SyncState)"
wait_pct 25 15 "$j_q1"
kill9_daemon
launch_daemon
expect_running_after "$j_q1" "running job of the queue" 209 210
# Read the queued job first: if the first one still runs afterwards, the
# queued one had no slot when it was read and must still be waiting.  (On
# a loaded machine the kill can land late and the first job end at once.)
js2=$(job_prop "$j_q2" JobState); ss2=$(pair_prop 211 212 SyncState)
if [ "$(job_prop "$j_q1" JobState)" = 4 ]; then
	expect_eq "queued job still New after the restart" 2 "$js2"
	expect_eq "queued pair still Initialized" 2 "$ss2"
else
	note "first job done right after the restart; queued job $js2"
fi
sleep 1
js1=$(job_prop "$j_q1" JobState); js2=$(job_prop "$j_q2" JobState)
if [ "$js1" = 4 ]; then
	expect_eq "queued job waits while the slot is taken" 2 "$js2"
else
	note "first job already $js1 after 1 s"
fi
expect_job_completed "$j_q1" "resumed first job"
expect_job_completed "$j_q2" "queued job"
expect_eq "first pair Frozen" 14 "$(pair_prop 209 210 SyncState)"
expect_same 209 210 "first job of the queue"
expect_pair_gone 211 212 "queued CT5 pair removed"
expect_same 211 212 "queued job"

# ------------------------------------------------ SIGTERM in a copy
fill_dense "$(volpath 203)" "$MIB"
modsync 12 203 204; expect_rc 4096 "Start Copy before SIGTERM"; j_t=$JOB
expect_fresh_id "$j_t" "after the second SIGKILL"
wait_pct 25 15 "$j_t"
stop_daemon
grep -q "job ${j_t##*:}: paused for shutdown" "$TEST_DIR/arrayd.log" &&
    pass "SIGTERM parked job ${j_t##*:}" || note "no 'paused for shutdown' line for ${j_t##*:}"
launch_daemon
expect_running_after "$j_t" "after SIGTERM" 203 204
expect_job_completed "$j_t" "resumed after SIGTERM"
expect_eq "pair Frozen after the drained copy" 14 "$(pair_prop 203 204 SyncState)"
expect_same 203 204 "after SIGTERM and resume"
attach 101 105 5; expect_rc 4096 "attach after the SIGTERM restart"
expect_fresh_id "$JOB" "after SIGTERM"
wait_job "$JOB"

finish
