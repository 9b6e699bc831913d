#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 050-wbemcli-copy: CLIENTS.md section 5 T1.x steps 6-12 with sblim-wbemcli
# cmx (GetClass-typed, untyped PARAMVALUEs, INSTANCEPATH references with the
# URL host, nested references): CreateReplica CT5 and CT4, job polling with
# gi, AffectedJobElement order, ModifySynchronization, di, negatives.
. "$(dirname "$0")/lib.sh"
command -v wbemcli > /dev/null || { echo "skip: no wbemcli"; exit 77; }

start_daemon

SCS_URL=$(wurl "$SCS_OBJ")
volk() { echo "TPD_StorageVolume.CreationClassName=\"TPD_StorageVolume\",DeviceID=\"$1\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\""; }
jobu() { wurl "root/tpd:TPD_ConcreteJob.InstanceID=\"$1\""; }
# wre REGEX: first capture group of REGEX in $WOUT
wre() { printf '%s' "$WOUT" | python3 -c 'import re,sys; m=re.search(sys.argv[1], sys.stdin.read(), re.S); print(m.group(1) if m else "")' "$1"; }
wrc() { wre '<RETURNVALUE[^>]*>\s*<VALUE>\s*([0-9]+)\s*</VALUE>'; }
wjob() { wre 'NAME="Job".*?NAME="InstanceID"\s*>\s*<KEYVALUE[^>]*>([^<]*)<'; }
wtarget() { wre 'NAME="TargetElement".*?NAME="DeviceID"\s*>\s*<KEYVALUE[^>]*>([^<]*)<'; }
wjob_wait() {	# JOBID: poll with wbemcli gi like a CLI script would
	local t0=$SECONDS st=""
	while [ $((SECONDS - t0)) -lt 60 ]; do
		wbem gi -noverify -nl "$(jobu "$1")" JobState,PercentComplete,OperationalStatus,ErrorCode,ErrorDescription
		st=$(wre 'JobState=([0-9]+)')
		case $st in 7|8|10) break;; esac
		sleep 0.25
	done
	expect_eq "wbemcli gi job $1 JobState" 7 "$st"
	expect_eq "wbemcli gi PercentComplete" 100 "$(wre 'PercentComplete=([0-9]+)')"
	expect_match "wbemcli gi OperationalStatus" '^2,17' "$(wre 'OperationalStatus=([0-9,]+)')"
	expect_eq "wbemcli gi ErrorCode" 0 "$(wre 'ErrorCode=([0-9]+)')"
}

# 6. CreateReplica CT5 (new base volume + one-shot copy)
wbem cmx -noverify "$SCS_URL" "CreateReplica.ElementName=\"t1\",CopyType=5,SourceElement=$(volk 101)"
expect_eq "cmx CreateReplica CT5 exit" 0 "$WRC"
expect_eq "CreateReplica CT5 rc" 4096 "$(wrc)"
job=$(wjob); t1=$(wtarget)
[ -n "$job" ] || { echo "$WOUT" | head -c 1500; die "no Job in the cmx output"; }
note "job $job target $t1"

# 7. poll the job
wjob_wait "$job"

# 8. first AffectedJobElement volume = the new one; it has exactly one pool
wbem ain -noverify -ac CIM_AffectedJobElement -arc CIM_StorageVolume "$(jobu "$job")"
expect_eq "ain AffectedJobElement exit" 0 "$WRC"
first=$(echo "$WOUT" | grep 'TPD_StorageVolume\.' | head -1 | sed -n 's/.*DeviceID="\([^"]*\)".*/\1/p')
expect_eq "first affected volume is the new one" "${t1:-<new>}" "$first"
[ "$first" != 101 ] || fail "first AffectedJobElement is the source"
wbem ai -noverify -ac CIM_AllocatedFromStoragePool -arc CIM_StoragePool "$(wurl "root/tpd:$(volk "$first")")"
expect_eq "new volume in exactly one pool" 1 "$(echo "$WOUT" | grep -c 'InstanceID=')"
[ -f "$TEST_DIR/pool0/t1.img" ] && pass "CT5 target file is pool0/t1.img" || fail "no $TEST_DIR/pool0/t1.img"
cmp -s "$(volpath 101)" "$TEST_DIR/pool0/t1.img" && pass "CT5 target identical to source" || fail "CT5 target differs from source"
wbem rin -noverify -arc CIM_StorageSynchronized "$(wurl "root/tpd:$(volk "$first")")"
expect_eq "CT5 pair gone after completion" 0 "$(echo "$WOUT" | grep -c 'TPD_StorageSynchronized')"

# 9. CreateReplica CT4 (virtual copy): rc 0 + TargetElement, pair via rin, gi on the pair path
wbem cmx -noverify "$SCS_URL" "CreateReplica.ElementName=\"snapA\",CopyType=4,SourceElement=$(volk 101)"
expect_eq "CreateReplica CT4 rc" 0 "$(wrc)"
snap=$(wtarget)
[ -n "$snap" ] || die "CreateReplica CT4 without TargetElement: $WOUT"
expect_eq "CT4 CreateReplica has no Job" "" "$(wjob)"
wbem rin -noverify -arc CIM_StorageSynchronized "$(wurl "root/tpd:$(volk "$snap")")"
expect_eq "rin -arc CIM_StorageSynchronized exit" 0 "$WRC"
syncline=$(echo "$WOUT" | grep 'TPD_StorageSynchronized' | head -1)
expect_match "pair names the source" 'DeviceID=\\?"101\\?"' "$syncline"
expect_match "pair names the snapshot" "DeviceID=\\\\?\"$snap\\\\?\"" "$syncline"
syncpath=${syncline#*/root/tpd:}
wbem gi -noverify "$(wurl "root/tpd:$syncpath")" SyncState,CopyType
expect_eq "gi on the pair path (nested refs) exit" 0 "$WRC"
expect_match "VC pair Idle" 'SyncState=11' "$WOUT"

# 10. ModifySynchronization with nested references on a CT4 physical copy
attach 101 102 4
expect_rc 4096 "AttachOrModifyReplica (curl) for the wbemcli ops"
wait_job "$JOB"
sync="Synchronization=TPD_StorageSynchronized.SyncedElement=$(volk 102),SystemElement=$(volk 101)"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=4,$sync"
expect_eq "cmx Resync rc" 4096 "$(wrc)"
rj=$(wjob)
[ -n "$rj" ] && wjob_wait "$rj"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=3,$sync"
expect_eq "cmx Fracture rc (not supported)" 1 "$(wrc)"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=12,$sync"
expect_eq "cmx Start Copy rc" 4096 "$(wrc)"
sj=$(wjob)
[ -n "$sj" ] && wjob_wait "$sj"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=13,$sync"
expect_eq "cmx Stop Copy after the copy finished" 4 "$(wrc)"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=2,$sync"
expect_eq "cmx Detach rc" 0 "$(wrc)"
wbem rin -noverify -arc CIM_StorageSynchronized "$(wurl "root/tpd:$(volk 102)")"
expect_eq "rin after Detach: empty" 0 "$(echo "$WOUT" | grep -c 'TPD_StorageSynchronized')"
expect_same 101 102 "wbemcli-driven PC"

# 11. di the job, then gi fails with NOT_FOUND
wbem di -noverify "$(jobu "$job")"
expect_eq "wbemcli di job exit" 0 "$WRC"
wbem gi -noverify "$(jobu "$job")"
expect_eq "wbemcli gi deleted job exit" 16 "$WRC"
expect_match "deleted job: NOT_FOUND" 'NOT_FOUND|\(6\)' "$WOUT"

# 12. negatives
wbem cmx -noverify "$SCS_URL" "CreateReplica.ElementName=\"t9\",CopyType=9,SourceElement=$(volk 101)"
expect_eq "CopyType=9 rc" 5 "$(wrc)"
wbem cmx -noverify "$SCS_URL" "CreateReplica.ElementName=\"t8\",CopyType=4,SourceElement=$(volk 999)"
expect_eq "unknown SourceElement rc" 4 "$(wrc)"
wbem cmx -noverify "$SCS_URL" "ModifySynchronization.Operation=8,$sync"
r=$(wrc); if [ "$r" = 1 ]; then pass "Operation=8 (Quiesce) rc 1"; else fail "Operation=8 rc '$r' (expected 1): $(echo "$WOUT" | head -c 300)"; fi
wbem cmx -noverify "$SCS_URL" "CreateReplica.ElementName=\"snapA\",CopyType=4,SourceElement=$(volk 101)"
expect_eq "duplicate ElementName rc" 4 "$(wrc)"
scs_call NoSuchMethod "$(pv X uint16 1)"
expect_error 17 "unknown method (curl)"
wbem cmx -noverify "$SCS_URL" "NoSuchMethod.X=1"
expect_match "wbemcli cmx unknown method: ERROR 17" 'ERROR CODE="17"' "$WOUT"

finish
