#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 211-replication-modify: ModifyReplicaSynchronization (notes/rs-decisions.md)
# on pairs CreateElementReplica made: 14 Resync on a kept clone (new source
# data copied), 8 Detach and 9 Dissolve (pair gone, target kept), 15
# Restore on a snapshot (base = the snapshot), 19 on a snapshot and on a
# kept clone (target gone), the other operation map (1 / 5), ops not for
# the kind (5), a pair that does not exist (4), Fujitsu's Force and
# WaitForCopyState 15.  Both services on one pair, races and running
# copies are in 212.
. "$(dirname "$0")/lib.sh"

start_daemon "replication_service = yes"
P=$TEST_DIR/pool0
WAIT4=$(pv WaitForCopyState uint16 4)

# ------------------------------------------------------------ 1. kept clone: 14, 8, 9, 19
kept mK1
write_data "$P/vol0.img" 20 41
cmp -s "$P/mK1.img" "$P/vol0.img" && fail "source unchanged?" || pass "source written after the clone"
mrs 14 101 "$K"
expect_rv 4096 "MRS 14 Resync Replica on a kept clone"
expect_match "Resync Job" '^TPD:' "$JOB"
expect_job_completed "$JOB" "resync"
cmp -s "$P/mK1.img" "$P/vol0.img" && pass "after Resync target = source (new data)" || fail "mK1.img != vol0.img after Resync"
expect_eq "after Resync Frozen" 14 "$(pair_prop 101 "$K" SyncState)"
expect_eq "after Resync CopyState" 4 "$(xq prop CopyState)"
mrs 8 101 "$K"
expect_rv 0 "MRS 8 Detach on a kept clone"
expect_eq "Detach: no Job" "" "$JOB"
expect_pair_gone 101 "$K" "Detach: pair gone"
get_instance "$(vol_in "$K")"
expect_eq "Detach: target stays" mK1 "$(xq prop ElementName)"
[ -f "$P/mK1.img" ] && pass "Detach: mK1.img stays" || fail "Detach removed mK1.img"
mrs 8 101 "$K"
expect_rv 4 "MRS 8 again: the pair is gone"

kept mK2
mrs 9 101 "$K"
expect_rv 0 "MRS 9 Dissolve on a kept clone"
expect_pair_gone 101 "$K" "Dissolve: pair gone"
[ -f "$P/mK2.img" ] && pass "Dissolve: mK2.img stays" || fail "Dissolve removed mK2.img"

kept mK3
ids0=$(vol_ids)
mrs 19 101 "$K"
expect_rv 0 "MRS 19 on a kept clone"
expect_pair_gone 101 "$K" "19 kept clone: pair gone"
[ -e "$P/mK3.img" ] && fail "19: mK3.img still there" || pass "19: target file gone"
get_instance "$(vol_in "$K")"
expect_error 6 "19: target volume gone"
expect_eq "19: one volume less" "$(echo "$ids0" | tr ' ' '\n' | grep -vx "$K" | tr '\n' ' ' | sed 's/ $//')" "$(vol_ids)"
expect_eq "19: source kept" 67108864 "$(stat -c %s "$P/vol0.img")"

# ------------------------------------------------------------ 2. snapshot: 15, 19
cer 7 "" 101 mSnap "$WAIT4"
expect_rv 0 "CER snapshot mSnap"
S=$TARGET
cp --sparse=always "$P/mSnap.img" "$TEST_DIR/snap.before"
write_data "$P/vol0.img" 2 60
cmp -s "$P/mSnap.img" "$P/vol0.img" && fail "base not changed" || pass "base written after the snapshot"
mrs 15 101 "$S"
expect_rv 4096 "MRS 15 Restore from Replica on a snapshot"
expect_job_completed "$JOB" "restore"
cmp -s "$P/mSnap.img" "$P/vol0.img" && pass "after Restore base = snapshot" || fail "vol0.img != mSnap.img after Restore"
cmp -s "$TEST_DIR/snap.before" "$P/mSnap.img" && pass "snapshot unchanged by Restore" || fail "Restore changed the snapshot"
wait_pair 101 "$S" 11 10 && pass "after Restore the snapshot pair is Idle again"
# ops not for the kind
for op in 2 8 9 14; do
	mrs $op 101 "$S"; expect_rv 5 "MRS $op on a snapshot"
done
mrs 15 101 "$S" "$(pv WaitForCopyState uint16 5)"
expect_rv 5 "MRS 15 WaitForCopyState 5"
mrs 19 101 "$S"
expect_rv 0 "MRS 19 on a snapshot"
[ -e "$P/mSnap.img" ] && fail "19: mSnap.img still there" || pass "19: snapshot file gone"
expect_pair_gone 101 "$S" "19: snapshot pair gone"
get_instance "$(vol_in "$S")"
expect_error 6 "19: snapshot volume gone"

# ------------------------------------------------------------ 3. the other map, kinds, no pair
kept mK4
K4=$K
for op in 4 12 3 10 22 27; do
	mrs $op 101 "$K4"; expect_rv 1 "MRS $op (DMTF, not arrayd's)"
done
for op in 0 1 28 32768 65535; do
	mrs $op 101 "$K4"; expect_rv 5 "MRS $op (outside the map)"
done
mrs 15 101 "$K4"; expect_rv 5 "MRS 15 on a physical copy"
mrs 14 101 "$K4" "$(pv WaitForCopyState uint16 5)"; expect_rv 5 "MRS 14 WaitForCopyState 5"
rs_call ModifyReplicaSynchronization "$(pv Operation uint16 8)$(pvref Synchronization "$(pair_ref 101 "$K4")")<PARAMVALUE NAME=\"SyncPair\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>$(pair_ref 101 "$K4")</VALUE.REFARRAY></PARAMVALUE>"
expect_rc 5 "MRS with a SyncPair"
mrs 8 101 104; expect_rv 4 "MRS 8 on a Synchronization naming no pair"
mrs 19 999 998; expect_rv 4 "MRS 19 on a pair of unknown volumes"
rs_call ModifyReplicaSynchronization "$(pv Operation uint16 8)$(pvref Synchronization "$(vol_ref 101)")"
expect_rc 4 "MRS with a volume as Synchronization"
expect_eq "after the refusals the pair is Frozen" 14 "$(pair_prop 101 "$K4" SyncState)"
[ -f "$P/mK4.img" ] && pass "after the refusals mK4.img stays" || fail "mK4.img gone"
mrs 8 101 "$K4" "$(pv Force boolean TRUE)$(pv WaitForCopyState uint16 15)"
expect_rv 0 "MRS 8 Force TRUE WaitForCopyState 15 (Fujitsu)"

finish
