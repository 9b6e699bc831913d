#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 232-ind-failed-copy (root): a copy onto a target on an 8 MiB tmpfs runs
# out of space; the listener gets the job's start (CIM_InstCreation), then
# its failure: TPD_ConcreteJobInstModification with JobState Exception (10)
# and OperationalStatus 6,17 (Error, Stopped), PreviousInstance Running,
# and the pair's CIM_InstModification to Broken (12), in order, with
# consecutive SequenceNumbers; an SMI-S "job failed" filter
# (OperationalStatus contains 6 and 17) gets that one alone.
. "$(dirname "$0")/lib.sh"
. "$IT/indlib.sh"
require_root

TINY=$(mktemp -d /tmp/arrayd-tiny.XXXXXX)
mount -t tmpfs -o size=8m tmpfs "$TINY" || { echo "skip: cannot mount tmpfs"; rmdir "$TINY"; exit 77; }
trap on_exit EXIT
CLEANUP+=("umount '$TINY'; rmdir '$TINY'")
truncate -s 64M "$TINY/tiny.img"
EXTRA_CONF="[volume tiny]
pool = pool0
path = $TINY/tiny.img
id = 106"
start_daemon
fill_dense "$(volpath 101)" 24
ind_listener_start ok
ind_subscribe L1 "$LURL/all" jobnew "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_ConcreteJob"
ind_subscribe L1 "$LURL/all" jobmod "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob"
ind_subscribe L1 "$LURL/all" pairs "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_StorageSynchronized"
ind_subscribe L2 "$LURL/failed" failed "SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob AND ANY SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 6 AND ANY SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 17"

attach 101 106 4
expect_rc 4096 "attach onto the tiny tmpfs"
job=$JOB
wait_job "$job" 60
expect_eq "failed job JobState Exception" 10 "$(xq prop JobState)"

ind_wait_delivered 1 30 --filter failed || fail "no indication for the 'job failed' filter within 30 s"
sleep 1
ichk events --filter jobnew > "$TEST_DIR/e.new"
ichk events --filter jobmod > "$TEST_DIR/e.mod"
ichk events --filter pairs > "$TEST_DIR/e.pairs"
ichk events --filter failed > "$TEST_DIR/e.failed"
cat "$TEST_DIR"/e.* | sed 's/^/#   /'
expect_match "job start" '^[0-9]+ CIM_InstCreation TPD_ConcreteJob JobState=4' "$(head -1 "$TEST_DIR/e.new")"
expect_match "job failure is the last modification" \
	'TPD_ConcreteJobInstModification TPD_ConcreteJob JobState=10 PercentComplete=[0-9]+ OperationalStatus=6,17 .*prevJobState=4$' \
	"$(tail -1 "$TEST_DIR/e.mod")"
expect_match "pair went Broken" 'CIM_InstModification TPD_StorageSynchronized .*SyncState=12' "$(tail -1 "$TEST_DIR/e.pairs")"
expect_eq "the 'job failed' filter got one indication" 1 "$(wc -l < "$TEST_DIR/e.failed")"
expect_match "... the failure" 'JobState=10 .*OperationalStatus=6,17' "$(cat "$TEST_DIR/e.failed")"
s_new=$(head -1 "$TEST_DIR/e.new" | cut -d' ' -f1); s_fail=$(tail -1 "$TEST_DIR/e.mod" | cut -d' ' -f1)
[ "$s_new" -lt "$s_fail" ] && pass "start ($s_new) sequenced before failure ($s_fail)" || fail "start $s_new, failure $s_fail"
ind_expect_no_violations
ind_expect_sequence
stop_daemon
finish
