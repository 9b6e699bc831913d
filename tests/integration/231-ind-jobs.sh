#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 231-ind-jobs: indications reach a real listener (indlistener.py, which
# checks every DSP0200/DSP0201 export rule): job start (CIM_InstCreation),
# progress and completion (TPD_ConcreteJobInstModification with
# PreviousInstance) of a physical copy and of a Resync, a volume's
# creation and deletion; in order, with consecutive SequenceNumbers in one
# SequenceContext; a filter that matches nothing delivers nothing (its
# destination gets no request at all); status and /metrics count them.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"

EXTRA_CONF="[indications]
progress_interval_ms = 0"
# Copies of a few seconds, so a running job's PercentComplete moves.
start_daemon "copy_rate_limit = 4M"
ind_listener_start ok

JOBQ_NEW="SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_ConcreteJob"
JOBQ_MOD="SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob"
VOLQ_NEW="SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_StorageVolume"
VOLQ_DEL="SELECT * FROM CIM_InstDeletion WHERE SourceInstance ISA CIM_StorageVolume"
NEVERQ="SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob AND SourceInstance.CIM_ConcreteJob::JobState = 12"
ind_subscribe L1 "$LURL/one" jobnew "$JOBQ_NEW"
ind_subscribe L1 "$LURL/one" jobmod "$JOBQ_MOD"
ind_subscribe L1 "$LURL/one" volnew "$VOLQ_NEW"
ind_subscribe L1 "$LURL/one" voldel "$VOLQ_DEL"
ind_subscribe L2 "$LURL/never" never "$NEVERQ"

# A physical copy: created, runs, completes.
fill_dense "$(volpath 101)" 16
attach 101 102 4
expect_rc 4096 "AttachOrModifyReplica CT4 101->102"
job1=$JOB
# GetInstance sees the running job's PercentComplete move: a change the
# contract says is indicated (rate-limited, progress_interval_ms = 0 here).
mid=""
for i in $(seq 50); do
	p=$(job_prop "$job1" PercentComplete)
	case $p in [1-9]|[1-9][0-9]) mid=$p; break;; esac
	sleep 0.2
done
[ -n "$mid" ] && pass "job 1 seen running at $mid%" || note "job 1 never seen between 1% and 99%"
expect_job_completed "$job1" "attach job"
# A Resync of the pair.
write_data "$(volpath 101)" 3 8 13 30 40 50 55 60
modsync 4 101 102
expect_rc 4096 "Resync 101->102"
job2=$JOB
expect_job_completed "$job2" "resync job"
# A volume made and returned.
create_vol indvol 8388608
expect_rv 0 "CreateOrModifyElementFromStoragePool"
newid=$NEWID
return_vol "$newid"
expect_rv 0 "ReturnToStoragePool $newid"

ind_wait_delivered 1 30 --filter voldel || fail "no volume deletion indication within 30 s"
ichk events > "$TEST_DIR/events"
note "delivered: $(wc -l < "$TEST_DIR/events")"; sed 's/^/#   /' "$TEST_DIR/events"
ind_expect_no_violations
ind_expect_sequence

# Per job: InstCreation first, then modifications ending in Completed (7).
for j in "$job1" "$job2"; do
	id=${j##*:}
	lines=$(python3 - "$LOUT" "$j" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("answer") != 200:
        continue
    s = (r.get("source") or {}).get("props") or {}
    if s.get("InstanceID") != sys.argv[2]:
        continue
    pp = (r.get("previous") or {}).get("props") or {}
    out.append("%s:%s:%s:%s" % (r["class"], s.get("JobState"),
               s.get("PercentComplete"), pp.get("JobState")))
print(" ".join(out))
PY
)
	note "job $id: $lines"
	first=${lines%% *}; last=${lines##* }
	expect_match "job $id: started with CIM_InstCreation" '^CIM_InstCreation:' "$first"
	expect_match "job $id: last is a completion modification" '^TPD_ConcreteJobInstModification:7:100:' "$last"
	n=$(echo "$lines" | wc -w)
	# Job 1 copies 16 MiB at 4 MiB/s: about 4 s, a checkpoint (and so a
	# progress announcement) every second: progress is required.  The
	# Resync copies a few chunks and may end before its first checkpoint.
	if [ "$j" = "$job1" ]; then
		[ "$n" -ge 3 ] && pass "job $id: $n indications (start, progress, completion)" ||
			fail "job $id: only $n indications for a copy of about 4 s (GetInstance saw ${mid:-no}% between): $lines"
	else
		[ "$n" -ge 2 ] && pass "job $id: $n indications (start, completion)" ||
			fail "job $id: only $n indications: $lines"
	fi
	prev=-1; bad=""
	for x in $lines; do
		p=$(echo "$x" | cut -d: -f3)
		case $p in None|NULL|'') continue;; esac
		[ "$p" -ge "$prev" ] || bad="$bad $p<$prev"
		prev=$p
	done
	[ -z "$bad" ] && pass "job $id: PercentComplete never goes back" || fail "job $id: PercentComplete went back:$bad"
done
grep -q "TPD_StorageVolumeInstCreation TPD_StorageVolume .*DeviceID=$newid" "$TEST_DIR/events" &&
	pass "volume $newid creation delivered" || fail "no TPD_StorageVolumeInstCreation of $newid"
grep -q "TPD_StorageVolumeInstDeletion TPD_StorageVolume .*DeviceID=$newid" "$TEST_DIR/events" &&
	pass "volume $newid deletion delivered" || fail "no TPD_StorageVolumeInstDeletion of $newid"
c=$(grep -n "InstCreation TPD_StorageVolume .*DeviceID=$newid" "$TEST_DIR/events" | cut -d: -f1)
d=$(grep -n "InstDeletion TPD_StorageVolume .*DeviceID=$newid" "$TEST_DIR/events" | cut -d: -f1)
[ -n "$c" ] && [ -n "$d" ] && [ "$c" -lt "$d" ] && pass "creation before deletion" || fail "creation line '$c', deletion line '$d'"

# The filter that matches nothing: its destination never got a request.
sleep 1
expect_eq "requests to the never-matching destination" 0 \
	"$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l).get("path")=="/never"))' "$LOUT")"

total=$(ichk delivered)
ind_wait_metric arrayd_indications_delivered_total "$total" 10
expect_eq "metrics: queued" 0 "$(ind_metric arrayd_indications_queued)"
expect_eq "metrics: dropped" 0 "$(ind_metric arrayd_indications_dropped_total)"
expect_eq "metrics: subscriptions" 5 "$(ind_metric arrayd_indication_subscriptions)"
"$ARRAYD" status -c "$CONF" > "$TEST_DIR/status.out" 2>&1
grep -q "^5 subscriptions, 2 destinations, 5 filters; 0 queued, $total delivered, 0 retried, 0 dropped" "$TEST_DIR/status.out" &&
	pass "arrayd status: indications line" || { fail "arrayd status lacks the indications line"; cat "$TEST_DIR/status.out"; }
grep -Eq "^L1 +0 +$total +0 +0 +idle +$LURL/one\$" "$TEST_DIR/status.out" &&
	pass "arrayd status: destination line" || fail "arrayd status lacks the L1 line"
stop_daemon
finish
