#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 110-failure (root): a copy onto a target on an 8 MiB tmpfs runs out of
# space: pair Broken (12), job Exception (10) [6,17] with ErrorCode and
# ErrorDescription, GetError returns a CIM_Error, Resync refused (4), and
# after the space is fixed Start Copy recovers to Frozen.
. "$(dirname "$0")/lib.sh"
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

attach 101 106 4
expect_rc 4096 "attach onto the tiny tmpfs"
job=$JOB
wait_job "$job" 60
expect_eq "failed job JobState Exception" 10 "$(xq prop JobState)"
expect_eq "failed job OperationalStatus" 6,17 "$(xq prop OperationalStatus)"
expect_eq "failed job PercentComplete" 100 "$(xq prop PercentComplete)"
ec=$(xq prop ErrorCode); ed=$(xq prop ErrorDescription)
[ "$ec" != 0 ] && [ "$ec" != NULL ] && pass "ErrorCode $ec" || fail "ErrorCode '$ec'"
[ "$ed" != NULL ] && [ -n "$ed" ] && pass "ErrorDescription: $ed" || fail "ErrorDescription empty"
expect_eq "pair Broken" 12 "$(pair_prop 101 106 SyncState)"
expect_eq "WhenSynced still NULL" NULL "$(pair_prop 101 106 WhenSynced)"
job_call "$job" GetError ""
expect_rc 0 "GetError on the failed job"
expect_match "GetError returns a CIM_Error" 'CIM_Error' "$(xq outparam Error)"
grep -q 'PARAMVALUE NAME="Error" PARAMTYPE="string" EmbeddedObject="instance"' "$TEST_DIR/r.body" && pass "Error is an embedded instance" || fail "Error PARAMVALUE attributes: $(grep -o '<PARAMVALUE NAME="Error"[^>]*>' "$TEST_DIR/r.body")"
modsync 4 101 106
expect_rc 4 "Resync of a Broken pair"
modsync 2 101 106
expect_rc 4 "Detach of a Broken pair"

mount -o remount,size=80m "$TINY"
modsync 12 101 106
expect_rc 4096 "Start Copy recovers a Broken pair"
expect_job_completed "$JOB" "recovery job"
expect_eq "pair Frozen after recovery" 14 "$(pair_prop 101 106 SyncState)"
cmp -s "$(volpath 101)" "$TINY/tiny.img" && pass "recovered target identical" || fail "recovered target differs"

finish
