#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 060-vc-restore: virtual copy (CreateReplica CT4) is a point-in-time image
# of its source; Restore (5) puts it back: RestoreInProgress (10) -> Idle
# (11), source byte-identical to the snapshot.  Copies are rate-limited so
# the in-progress state is observable.
. "$(dirname "$0")/lib.sh"

start_daemon "copy_rate_limit = 2097152"

cp "$(volpath 101)" "$TEST_DIR/vol0.before"
create_replica snapR 101 4
expect_rc 0 "CreateReplica VC snapR"
snap=$TARGET
[ -n "$snap" ] || die "no TargetElement"
snapfile=$TEST_DIR/pool0/snapR.img
[ -f "$snapfile" ] && pass "snapshot file pool0/snapR.img" || fail "no $snapfile"
wait_pair 101 "$snap" 11 30 && pass "VC pair Idle"
expect_eq "VC ReplicaType" 4 "$(pair_prop 101 "$snap" ReplicaType)"
get_instance "$(vol_in "$snap")"
expect_eq "snapshot ElementName" snapR "$(xq prop ElementName)"
expect_eq "snapshot size" 131072 "$(xq prop NumberOfBlocks)"
cmp -s "$snapfile" "$TEST_DIR/vol0.before" && pass "snapshot = source at creation" || fail "snapshot differs from the source image"

# change the source; the snapshot keeps its image
write_data "$(volpath 101)" 8 30 50
cmp -s "$snapfile" "$TEST_DIR/vol0.before" && pass "snapshot unchanged by source writes" || fail "snapshot changed with its source"

modsync 5 101 "$snap"
expect_rc 4096 "Restore"
rjob=$JOB
[ -n "$rjob" ] || die "Restore without Job"
st=$(pair_prop 101 "$snap" SyncState)
js=$(job_prop "$rjob" JobState)
if [ "$st" = 10 ]; then pass "RestoreInProgress while the job runs (JobState $js)"
elif [ "$js" = 7 ]; then note "restore already finished before the first poll"
else fail "during Restore: SyncState '$st' JobState '$js'"; fi
if [ "$(job_prop "$rjob" JobState)" = 4 ] || [ "$(job_prop "$rjob" JobState)" = 2 ]; then
	modsync 5 101 "$snap"
	# The first restore may finish between the poll and this call: then a
	# second Restore from Idle is legitimate (4096) and must run to its end.
	if [ "$RC" = 4096 ] && [ "$(job_prop "$rjob" JobState)" = 7 ]; then
		note "first restore finished before the second call; it started job $JOB"
		expect_job_completed "$JOB" "second restore job"
	else
		expect_rc 4 "second Restore while one runs"
	fi
fi
expect_job_completed "$rjob" "restore job"
expect_eq "after Restore: Idle" 11 "$(pair_prop 101 "$snap" SyncState)"
cmp -s "$(volpath 101)" "$snapfile" && pass "source = snapshot after Restore" || fail "source differs from snapshot after Restore"
cmp -s "$(volpath 101)" "$TEST_DIR/vol0.before" && pass "source back to its old image" || fail "source not back to its old image"
cim_imethod AssociatorNames root/tpd "$(ip ObjectName "$(job_in "$rjob")")$(ip AssocClass "$(cn CIM_AffectedJobElement)")$(ip ResultClass "$(cn CIM_StorageVolume)")"
n=$(xq count); [ "${n:-0}" -ge 1 ] && pass "restore job has affected volumes ($n)" || fail "restore job: no AffectedJobElement"

# a second snapshot and a restore from it
write_data "$(volpath 101)" 60
cp "$(volpath 101)" "$TEST_DIR/vol0.v2"
create_replica snapS 101 4
expect_rc 0 "CreateReplica VC snapS"
s2=$TARGET
wait_pair 101 "$s2" 11 30
write_data "$(volpath 101)" 1 61
modsync 5 101 "$s2"
expect_rc 4096 "Restore from snapS"
expect_job_completed "$JOB" "restore from snapS"
cmp -s "$(volpath 101)" "$TEST_DIR/vol0.v2" && pass "source = snapS image" || fail "source differs from snapS image"
expect_eq "snapR pair still Idle" 11 "$(pair_prop 101 "$snap" SyncState)"

finish
