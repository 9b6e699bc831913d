#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 234-indication-events (root: a tmpfs makes a copy fail): what a listener
# subscribed through the Indication profile is told, in order, with one
# SequenceNumber sequence and no DSP0200/DSP0201 violation
# (indlistener.py): a PC create (CIM_InstCreation, its progress and its
# completion as TPD_ConcreteJobInstModification with PreviousInstance, the
# pair's SyncState as CIM_InstModification), a 320 MiB copy's progress
# (PercentComplete going up, each with its PreviousInstance), a Resync, a
# failed copy (JobState 10, OperationalStatus 6,17), a volume created and
# deleted (TPD_StorageVolumeInstCreation / CIM_InstDeletion), and a filter
# that matches nothing delivering nothing.
. "$(dirname "$0")/lib.sh"
require_root

TINY=$(mktemp -d /tmp/arrayd-tiny.XXXXXX)
mount -t tmpfs -o size=8m tmpfs "$TINY" || { echo "skip: cannot mount tmpfs"; rmdir "$TINY"; exit 77; }
trap on_exit EXIT
CLEANUP+=("umount '$TINY'; rmdir '$TINY'")
# Two 320 MiB volumes: a copy long enough for checkpoints (every 64 MiB),
# each announced with the job's PercentComplete.
BIGDIR=$(mktemp -d /tmp/arrayd-big.XXXXXX)
CLEANUP+=("rm -rf '$BIGDIR'")
truncate -s 320M "$BIGDIR/big2.img"
fill_dense "$BIGDIR/big.img" 320	# dense: holes would be skipped at once
truncate -s 64M "$TINY/tiny.img"
EXTRA_CONF="[volume tiny]
pool = pool0
path = $TINY/tiny.img
id = 106

[volume big]
pool = pool0
path = $BIGDIR/big.img
id = 107

[volume big2]
pool = pool0
path = $BIGDIR/big2.img
id = 108

[indications]
progress_interval_ms = 0"
start_daemon
fill_dense "$(volpath 101)" 24

LPORT=$(free_port)
OUT=$TEST_DIR/ind.jsonl
python3 "$IT/indlistener.py" --port "$LPORT" --out "$OUT" \
    >> "$TEST_DIR/listener.log" 2>&1 &
LPID=$!
CLEANUP+=("kill $LPID 2>/dev/null")
for _ in $(seq 50); do
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $LPORT), 1)" 2>/dev/null && break
	sleep 0.1
done

JOBQ="SourceInstance ISA CIM_ConcreteJob"
if python3 "$IT/indsub.py" --port "$PORT" --password "$EDIT_PW" \
    --listener "http://127.0.0.1:$LPORT/" \
    "jobcreate=SELECT * FROM CIM_InstCreation WHERE $JOBQ" \
    "jobmod=SELECT * FROM CIM_InstModification WHERE $JOBQ" \
    "pair=SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_StorageSynchronized" \
    "volcreate=SELECT * FROM TPD_StorageVolumeInstCreation" \
    "voldelete=SELECT * FROM CIM_InstDeletion WHERE SourceInstance ISA CIM_StorageVolume" \
    "never=SELECT * FROM CIM_InstModification WHERE SourceInstance.CIM_ConcreteJob::JobState = 12345" \
    > "$TEST_DIR/indsub.out"; then
	pass "destination, 6 filters and subscriptions created"
else
	fail "subscribing: $(grep FAIL "$TEST_DIR/indsub.out")"
fi

ic() { python3 "$IT/indcheck.py" "$OUT" "$@"; }
# wait_delivered N [FILTER]: until N indications (of FILTER) arrived.
wait_delivered() {
	local n="" i
	for i in $(seq 100); do
		n=$(ic delivered ${2:+--filter "$2"})
		[ "$n" -ge "$1" ] && return 0
		sleep 0.1
	done
	fail "${2:-all}: $n indications delivered, expected $1 within 10 s"
	return 1
}
events() { ic events --filter "$1"; }

# A PC create: its start, its progress, its end; the pair's state.
attach 101 102 4
expect_rc 4096 "attach 101 -> 102"
pc=$JOB
expect_job_completed "$pc" "PC create"
wait_delivered 1 jobcreate
expect_match "PC create: InstCreation of a Running job" \
    '^[0-9]+ CIM_InstCreation TPD_ConcreteJob JobState=4 PercentComplete=[0-9]+ OperationalStatus=2 ' \
    "$(events jobcreate | head -1)"
wait_delivered 1 jobmod
expect_match "PC create: completion with PreviousInstance Running" \
    'TPD_ConcreteJobInstModification TPD_ConcreteJob JobState=7 PercentComplete=100 OperationalStatus=2,17 .*prevJobState=4$' \
    "$(events jobmod | tail -1)"
wait_delivered 1 pair
expect_match "pair: SyncState change told" \
    'CIM_InstModification TPD_StorageSynchronized SyncState=' "$(events pair | tail -1)"

# Progress: a 320 MiB copy saves a checkpoint every 64 MiB, each one a
# PercentComplete change (progress_interval_ms = 0: none held back).
before=$(ic delivered --filter jobmod)
attach 107 108 4
expect_rc 4096 "attach 107 -> 108 (320 MiB)"
expect_job_completed "$JOB" "big copy"
wait_delivered $((before + 1)) jobmod
big=$(events jobmod | tail -n +$((before + 1)))
prog=$(echo "$big" | grep -c ' JobState=4 ')
[ "$prog" -ge 2 ] && pass "big copy: $prog progress indications" ||
	fail "big copy: $prog progress indications: $big"
pcts=$(echo "$big" | sed -n 's/.* PercentComplete=\([0-9]*\).*/\1/p' | tr '\n' ' ')
if sort -n -c <(echo "$pcts" | tr ' ' '\n' | sed '/^$/d') 2>/dev/null; then
	pass "big copy: PercentComplete goes up ($pcts)"
else
	fail "big copy: PercentComplete out of order: $pcts"
fi
expect_match "big copy: ends Completed after its progress" 'JobState=7 ' \
    "$(echo "$big" | tail -1)"
# A Resync of the first pair: a new job, created and completed.
before=$(ic delivered --filter jobmod)
created=$(ic delivered --filter jobcreate)
modsync 4 101 102
expect_rc 4096 "Resync 101 -> 102"
expect_job_completed "$JOB" "Resync"
wait_delivered $((created + 1)) jobcreate
wait_delivered $((before + 1)) jobmod
expect_match "Resync: its creation" \
    '^[0-9]+ CIM_InstCreation TPD_ConcreteJob JobState=4 ' \
    "$(events jobcreate | tail -1)"
expect_match "Resync: its completion" \
    'TPD_ConcreteJobInstModification TPD_ConcreteJob JobState=7 PercentComplete=100 OperationalStatus=2,17 .*prevJobState=4$' \
    "$(events jobmod | tail -1)"

# A failed copy: onto the 8 MiB tmpfs.
before=$(ic delivered --filter jobmod)
attach 101 106 4
expect_rc 4096 "attach onto the tiny tmpfs"
wait_job "$JOB" 60
expect_eq "failed job JobState" 10 "$(xq prop JobState)"
wait_delivered $((before + 1)) jobmod
expect_match "failed copy: Exception told" \
    'TPD_ConcreteJobInstModification TPD_ConcreteJob JobState=10 PercentComplete=100 OperationalStatus=6,17 .*prevJobState=4$' \
    "$(events jobmod | tail -1)"
expect_match "failed copy: the pair turned Broken" 'SyncState=12' \
    "$(events pair | tail -1)"

# A volume created and deleted.
create_vol indvol 8388608
expect_rv 0 "create volume indvol"
vid=$NEWID
wait_delivered 1 volcreate
expect_match "volume creation told" \
    "TPD_StorageVolumeInstCreation TPD_StorageVolume OperationalStatus=2 DeviceID=$vid ElementName=indvol\$" \
    "$(events volcreate | tail -1)"
return_vol "$vid"
expect_rv 0 "delete volume indvol"
wait_delivered 1 voldelete
expect_match "volume deletion told" \
    "TPD_StorageVolumeInstDeletion TPD_StorageVolume OperationalStatus=2 DeviceID=$vid ElementName=indvol\$" \
    "$(events voldelete | tail -1)"

# Every delivery: valid, one sequence per destination, nothing unwanted.
expect_eq "no DSP0200/DSP0201 violation" "" "$(ic violations)"
seq=$(ic sequence)
expect_match "SequenceNumbers without gap or repeat" '^ok [0-9]+$' "$seq"
expect_eq "every request answered 200" "$(ic count)" "$(ic count --answer 200)"
expect_eq "the filter that matches nothing got nothing" 0 "$(ic count --filter never)"
# Latency: IndicationTime (the change handed over) to the listener's receipt.
lat=$(python3 - "$OUT" <<'PY'
import calendar, json, sys, time
ms = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    t = (r.get("props") or {}).get("IndicationTime") or ""
    if len(t) < 21:
        continue
    sec = calendar.timegm(time.strptime(t[:14], "%Y%m%d%H%M%S"))
    ms.append((r["t"] - sec - int(t[15:21]) / 1e6) * 1000)
ms.sort()
print("p50 %.1f ms, max %.1f ms over %d" % (ms[len(ms) // 2], ms[-1], len(ms))
      if ms else "none")
PY
)
note "change to receipt: $lat"
note "$(ic count) indications: $(ic events | awk '{print $2}' | sort | uniq -c | tr -s ' ' | tr '\n' ';')"

finish
