# SPDX-License-Identifier: ISC
#
# lib.sh - shared pieces of the integration tests (sourced, chrony
# test.common style): build a throw-away array (pool folder, sparse volumes,
# configuration, users), start ./arrayd on a free loopback port, stop it by
# PID from an EXIT trap, send CIM-XML requests with curl or wbemcli, and
# assert on the answers.  Every response with HTTP 200 goes through
# wirecheck.py (the CLIENTS.md section 4 rules).  Nothing here touches a
# process it did not start.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IT=$TOP/tests/integration
ARRAYD=${ARRAYD:-$TOP/arrayd}
# Debian's interpreter first: a version manager's shim (pyenv)
# costs ~0.3 s a call, and a test makes hundreds of calls, which stretched
# the rate-limited copies' timing assumptions.  The scripts need only the
# standard library.
# (A PATH entry, not a shell function: `python3 ... &` must leave $! the
# interpreter's PID, which the tests kill.)
if [ -x /usr/bin/python3 ]; then PATH=/usr/bin:$PATH; export PATH; fi
WC="python3 $IT/wirecheck.py"
SYS=2FF70002AC01A2B3
EDIT_PW=edit-Secret-1
BROWSE_PW=browse-Secret-1
TEST_NAME=$(basename "$0" .sh)
FAILS=0
CHECKS=0
MSGID=1000
PID=""
TEST_DIR=""
CLEANUP=()
CURL_TLS=(-k)
CHECK_PROPS=""
AS_USER=edit

# ---------------------------------------------------------------- results

note() { echo "# $*"; }
pass() { CHECKS=$((CHECKS + 1)); echo "ok   $*"; }
fail() {
	CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1))
	echo "FAIL $*"
}
die() { fail "$*"; exit 1; }
show_body() {
	[ -f "$TEST_DIR/r.body" ] && echo "     response: $(head -c 700 "$TEST_DIR/r.body" | tr '\n' ' ')"
}
expect_eq() {	# WHAT EXPECTED GOT
	if [ "$2" = "$3" ]; then pass "$1 = $2"
	else fail "$1: expected '$2', got '$3'"; fi
}
expect_match() {	# WHAT REGEX GOT
	if [[ $3 =~ $2 ]]; then pass "$1 ~ $2"
	else fail "$1: expected /$2/, got '$3'"; fi
}
expect_http() {		# CODE [WHAT]
	if [ "$HTTP_CODE" = "$1" ]; then pass "${2:-request}: HTTP $1"
	else fail "${2:-request}: expected HTTP $1, got $HTTP_CODE"; show_body; fi
}
expect_header() {	# NAME REGEX [WHAT]
	local v
	v=$(hdr "$1")
	if [[ $v =~ $2 ]]; then pass "${3:-response}: $1: $v"
	else fail "${3:-response}: header $1 expected /$2/, got '$v'"; fi
}
expect_error() {	# CODE [WHAT]
	local e
	e=$(xq error)
	if [ "$HTTP_CODE" = 200 ] && [ "$e" = "$1" ]; then pass "${2:-request}: ERROR $1"
	else fail "${2:-request}: expected ERROR CODE=$1, got HTTP $HTTP_CODE ERROR '$e'"; show_body; fi
}
expect_ok() {		# [WHAT]: HTTP 200 and no ERROR element
	local e
	e=$(xq error 2>/dev/null)
	if [ "$HTTP_CODE" = 200 ] && [ -z "$e" ]; then pass "${1:-request}: ok"
	else fail "${1:-request}: expected success, got HTTP $HTTP_CODE ERROR '$e'"; show_body; fi
}
expect_rc() {		# VALUE [WHAT]: RETURNVALUE
	local r
	r=$(xq rc 2>/dev/null)
	if [ "$HTTP_CODE" = 200 ] && [ "$r" = "$1" ]; then pass "${2:-method}: returns $1"
	else fail "${2:-method}: expected RETURNVALUE $1, got HTTP $HTTP_CODE rc '$r' ERROR '$(xq error 2>/dev/null)'"; show_body; fi
}
finish() {
	echo "$TEST_NAME: $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ] && exit 0
	exit 1
}
require_root() {
	if [ "${ARRAYD_TEST_ROOT:-0}" != 1 ] || [ "$(id -u)" != 0 ]; then
		echo "skip: needs root and ARRAYD_TEST_ROOT=1"; exit 77
	fi
}

# ---------------------------------------------------------------- array setup

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
volpath() {	# DEVICEID -> backing file
	case $1 in
	101) echo "$TEST_DIR/pool0/vol0.img";; 102) echo "$TEST_DIR/pool0/vol1.img";;
	103) echo "$TEST_DIR/pool0/vol2.img";; 104) echo "$TEST_DIR/pool0/small.img";;
	105) echo "$TEST_DIR/pool0/vol4.img";;
	*) echo "$TEST_DIR/pool0/$1.img";;
	esac
}
write_data() {	# FILE MiB-OFFSET... : 1 MiB of random data at each offset
	local f=$1 o; shift
	for o in "$@"; do
		dd if=/dev/urandom of="$f" bs=1M count=1 seek="$o" conv=notrunc status=none
	done
}
fill_dense() {	# FILE MIB: the first MIB MiB random (for slow copies)
	dd if=/dev/urandom of="$1" bs=1M count="$2" conv=notrunc status=none
}
# setup_array [server-lines...]: $TEST_DIR, volumes, conf, users.
# EXTRA_CONF (optional) is appended after the volume sections.
setup_array() {
	TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/arrayd-it.XXXXXX")
	mkdir -p "$TEST_DIR/pool0" "$TEST_DIR/state"
	local v
	for v in vol0 vol1 vol2 vol4; do truncate -s 64M "$TEST_DIR/pool0/$v.img"; done
	truncate -s 16M "$TEST_DIR/pool0/small.img"
	write_data "$TEST_DIR/pool0/vol0.img" 0 5 33 63
	write_data "$TEST_DIR/pool0/vol1.img" 10 40	# stale data a copy must clear
	write_data "$TEST_DIR/pool0/vol2.img" 7
	PORT=$(free_port)
	CONF=$TEST_DIR/arrayd.conf
	{
		echo "[server]"
		echo "listen = 127.0.0.1"
		echo "https_port = $PORT"
		echo "state_dir = $TEST_DIR/state"
		echo "system_name = $SYS"
		echo "chunk_size = 256K"
		local l; for l in "$@"; do echo "$l"; done
		echo
		echo "[pool pool0]"
		echo "path = $TEST_DIR/pool0"
		echo
		echo "[volume vol0]"; echo "pool = pool0"; echo "path = $TEST_DIR/pool0/vol0.img"; echo "id = 101"; echo
		echo "[volume vol1]"; echo "pool = pool0"; echo "path = $TEST_DIR/pool0/vol1.img"; echo "id = 102"; echo
		echo "[volume vol2]"; echo "pool = pool0"; echo "path = $TEST_DIR/pool0/vol2.img"; echo "id = 103"; echo
		echo "[volume small]"; echo "pool = pool0"; echo "path = $TEST_DIR/pool0/small.img"; echo "id = 104"; echo
		echo "[volume vol4]"; echo "pool = pool0"; echo "path = $TEST_DIR/pool0/vol4.img"; echo "id = 105"; echo
		echo "${EXTRA_CONF:-}"
	} > "$CONF"
	add_user edit edit "$EDIT_PW"
	add_user browse browse "$BROWSE_PW"
}
add_user() {	# NAME ROLE PASSWORD
	if ! printf '%s\n' "$3" | "$ARRAYD" passwd -c "$CONF" --role "$2" "$1" \
	    > "$TEST_DIR/passwd.out" 2>&1; then
		die "arrayd passwd $1 failed: $(cat "$TEST_DIR/passwd.out")"
	fi
}
# launch_daemon: start ./arrayd on the existing $CONF, wait for "listening on".
launch_daemon() {
	[ -x "$ARRAYD" ] || die "no $ARRAYD (make arrayd)"
	echo "=== start $(date +%T)" >> "$TEST_DIR/arrayd.log"
	LOGSTART=$(wc -l < "$TEST_DIR/arrayd.log")
	"$ARRAYD" -c "$CONF" -v 2>> "$TEST_DIR/arrayd.log" &
	PID=$!
	local i
	for i in $(seq 150); do
		if tail -n +"$LOGSTART" "$TEST_DIR/arrayd.log" | grep -q "listening on https://127.0.0.1:$PORT"; then
			break
		fi
		if ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID"; local rc=$?; PID=""
			tail -n 20 "$TEST_DIR/arrayd.log"
			die "arrayd exited ($rc) before listening"
		fi
		sleep 0.1
	done
	[ "$i" -lt 150 ] || { tail -n 20 "$TEST_DIR/arrayd.log"; die "no 'listening on https://127.0.0.1:$PORT' within 15 s"; }
	CACERT=$TEST_DIR/state/tls.crt
	CURL_TLS=(-k)
	if [ -f "$CACERT" ]; then
		if curl -sS --max-time 10 --cacert "$CACERT" -o /dev/null \
		    "https://127.0.0.1:$PORT/cimom" 2> "$TEST_DIR/tlsprobe" ||
		    ! grep -q 'SSL\|certificate' "$TEST_DIR/tlsprobe"; then
			CURL_TLS=(--cacert "$CACERT")
		else
			note "self-signed cert does not verify for 127.0.0.1 ($(cat "$TEST_DIR/tlsprobe")); using -k"
		fi
	else
		fail "no self-signed certificate at $CACERT"
	fi
}
start_daemon() {	# [server-lines...]
	setup_array "$@"
	trap on_exit EXIT
	launch_daemon
	note "arrayd pid $PID port $PORT dir $TEST_DIR"
}
forbidden_log() {
	grep -nE '(^|[^-])fatal|leaked|AddressSanitizer|LeakSanitizer|runtime error|Segmentation' \
	    "$TEST_DIR/arrayd.log"
}
stop_daemon() {		# SIGTERM to our PID only; exit status must be 0
	[ -n "$PID" ] || return 0
	local i rc
	kill -TERM "$PID" 2>/dev/null
	for i in $(seq 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$PID" 2>/dev/null; then
		fail "arrayd did not exit within 20 s of SIGTERM"
		kill -KILL "$PID" 2>/dev/null
	fi
	wait "$PID"; rc=$?
	PID=""
	if [ "$rc" -eq 0 ]; then pass "arrayd exit status 0 on SIGTERM"
	else fail "arrayd exit status $rc on SIGTERM"; fi
	if forbidden_log; then fail "forbidden lines in arrayd.log (above)"; fi
}
kill9_daemon() {
	[ -n "$PID" ] || return 0
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=""
}
on_exit() {
	local rc=$?
	set +e
	stop_daemon
	local c
	for c in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do eval "$c"; done
	if [ "$FAILS" -gt 0 ] && [ "$rc" -eq 0 ]; then rc=1; fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "--- last 30 lines of arrayd.log ($TEST_DIR kept)"
		tail -n 30 "$TEST_DIR/arrayd.log" 2>/dev/null
	elif [ -n "$TEST_DIR" ] && [ -z "${ARRAYD_TEST_KEEP:-}" ]; then
		rm -rf "$TEST_DIR"
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- CIM-XML pieces

nsx() {		# NAMESPACE -> LOCALNAMESPACEPATH
	local out="" p
	IFS=/ read -ra _segs <<< "$1"
	for p in "${_segs[@]}"; do [ -n "$p" ] && out="$out<NAMESPACE NAME=\"$p\"/>"; done
	printf '<LOCALNAMESPACEPATH>%s</LOCALNAMESPACEPATH>' "$out"
}
kv() { printf '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string" TYPE="string">%s</KEYVALUE></KEYBINDING>' "$1" "$2"; }
sys_in() {
	printf '<INSTANCENAME CLASSNAME="TPD_StorageSystem">%s%s</INSTANCENAME>' \
	    "$(kv CreationClassName TPD_StorageSystem)" "$(kv Name "$SYS")"
}
vol_in() {	# DEVICEID
	printf '<INSTANCENAME CLASSNAME="TPD_StorageVolume">%s%s%s%s</INSTANCENAME>' \
	    "$(kv CreationClassName TPD_StorageVolume)" "$(kv DeviceID "$1")" \
	    "$(kv SystemCreationClassName TPD_StorageSystem)" "$(kv SystemName "$SYS")"
}
lip() { printf '<LOCALINSTANCEPATH>%s%s</LOCALINSTANCEPATH>' "$(nsx root/tpd)" "$1"; }
vref() { printf '<VALUE.REFERENCE>%s</VALUE.REFERENCE>' "$1"; }
vol_ref() { vref "$(lip "$(vol_in "$1")")"; }
pair_in() {	# SRC TGT
	printf '<INSTANCENAME CLASSNAME="TPD_StorageSynchronized"><KEYBINDING NAME="SyncedElement">%s</KEYBINDING><KEYBINDING NAME="SystemElement">%s</KEYBINDING></INSTANCENAME>' \
	    "$(vol_ref "$2")" "$(vol_ref "$1")"
}
pair_ref() { vref "$(lip "$(pair_in "$1" "$2")")"; }
scs_in() {
	printf '<INSTANCENAME CLASSNAME="TPD_StorageConfigurationService">%s%s%s%s</INSTANCENAME>' \
	    "$(kv CreationClassName TPD_StorageConfigurationService)" "$(kv Name StorageConfigurationService)" \
	    "$(kv SystemCreationClassName TPD_StorageSystem)" "$(kv SystemName "$SYS")"
}
SCS_OBJ="root/tpd:TPD_StorageConfigurationService.CreationClassName=\"TPD_StorageConfigurationService\",Name=\"StorageConfigurationService\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\""
job_in() { printf '<INSTANCENAME CLASSNAME="TPD_ConcreteJob">%s</INSTANCENAME>' "$(kv InstanceID "$1")"; }
job_ref() { vref "$(lip "$(job_in "$1")")"; }
ip() { printf '<IPARAMVALUE NAME="%s">%s</IPARAMVALUE>' "$1" "$2"; }
cn() { printf '<CLASSNAME NAME="%s"/>' "$1"; }
val() { printf '<VALUE>%s</VALUE>' "$1"; }
plist() { local x o="<VALUE.ARRAY>"; for x in "$@"; do o="$o<VALUE>$x</VALUE>"; done; printf '%s</VALUE.ARRAY>' "$o"; }
pv() { printf '<PARAMVALUE NAME="%s" PARAMTYPE="%s"><VALUE>%s</VALUE></PARAMVALUE>' "$1" "$2" "$3"; }
pvref() { printf '<PARAMVALUE NAME="%s" PARAMTYPE="reference">%s</PARAMVALUE>' "$1" "$2"; }
envelope() {	# INNER
	MSGID=$((MSGID + 1))
	printf '<?xml version="1.0" encoding="utf-8" ?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="%s" PROTOCOLVERSION="1.0"><SIMPLEREQ>%s</SIMPLEREQ></MESSAGE></CIM>\n' "$MSGID" "$1"
}

# ---------------------------------------------------------------- sending

user_pw() { if [ "$AS_USER" = browse ]; then echo "$BROWSE_PW"; else echo "$EDIT_PW"; fi; }
hdr() { python3 - "$TEST_DIR/r.hdr" "$1" <<'EOF'
import sys, re
blocks = [b for b in re.split(r'\r?\n\r?\n', open(sys.argv[1], encoding='latin-1').read()) if b.strip()]
for ln in (blocks[-1].splitlines()[1:] if blocks else []):
    k, _, v = ln.partition(':')
    if k.strip().lower() == sys.argv[2].lower():
        print(v.strip()); break
EOF
}
xq() { $WC xq "$TEST_DIR/r.body" "$@"; }
# curl_post [curl args...]: POST $TEST_DIR/req.xml; sets HTTP_CODE.
# CURL_SENT/CURL_DONE: microseconds since the epoch just before and after
# curl (bash's clock, no fork), for tests that bound an instant by a request.
curl_post() {
	: > "$TEST_DIR/r.body"; : > "$TEST_DIR/r.hdr"
	CURL_SENT=${EPOCHREALTIME/[.,]/}
	HTTP_CODE=$(curl -sS "${CURL_TLS[@]}" --max-time 20 -o "$TEST_DIR/r.body" \
	    -D "$TEST_DIR/r.hdr" -w '%{http_code}' "$@" "https://127.0.0.1:$PORT/cimom" \
	    --data-binary @"$TEST_DIR/req.xml" 2> "$TEST_DIR/r.err")
	CURL_DONE=${EPOCHREALTIME/[.,]/}
	[ -n "$HTTP_CODE" ] || HTTP_CODE=000
}
wire_check() {		# OP [--void]
	[ "$HTTP_CODE" = 200 ] || return 0
	local out
	if ! out=$($WC check --op "$1" --id "$MSGID" ${CHECK_PROPS:+--props "$CHECK_PROPS"} \
	    "${@:2}" "$TEST_DIR/r.hdr" "$TEST_DIR/r.body"); then
		fail "wire rules broken by the $1 response:"; echo "$out" | sed 's/^/     /'
	fi
}
cim_headers() {		# METHOD CIMOBJECT -> curl -H args in CH[]
	CH=(-H 'Content-Type: application/xml; charset="utf-8"' -H 'CIMOperation: MethodCall'
	    -H "CIMMethod: $1" -H "CIMObject: $2" -u "$AS_USER:$(user_pw)")
}
# cim_imethod OP NAMESPACE PARAMS-XML: an intrinsic call.
cim_imethod() {
	envelope "<IMETHODCALL NAME=\"$1\">$(nsx "$2")$3</IMETHODCALL>" > "$TEST_DIR/req.xml"
	cim_headers "$1" "$2"
	curl_post "${CH[@]}"
	local void=()
	[ "$1" = DeleteInstance ] && void=(--void)
	wire_check "$1" "${void[@]+"${void[@]}"}"
}
# cim_invoke TARGET-INSTANCENAME CIMOBJECT METHOD PARAMS-XML: an extrinsic call.
cim_invoke() {
	envelope "<METHODCALL NAME=\"$3\">$(lip "$1")$4</METHODCALL>" > "$TEST_DIR/req.xml"
	cim_headers "$3" "$2"
	curl_post "${CH[@]}"
	wire_check "$3"
}
scs_call() { cim_invoke "$(scs_in)" "$SCS_OBJ" "$1" "$2"; }
job_call() { cim_invoke "$(job_in "$1")" "root/tpd:TPD_ConcreteJob.InstanceID=\"$1\"" "$2" "$3"; }
get_instance() {	# INSTANCENAME-XML [PROP...]
	local pl=""
	[ $# -gt 1 ] && pl=$(ip PropertyList "$(plist "${@:2}")")
	cim_imethod GetInstance root/tpd "$(ip InstanceName "$1")$pl"
}

# ---------------------------------------------------------------- copy services

# attach SRC TGT COPYTYPE: AttachOrModifyReplica; sets RC and JOB (InstanceID).
attach() {
	scs_call AttachOrModifyReplica "$(pvref SourceElement "$(vol_ref "$1")")$(pvref TargetElement "$(vol_ref "$2")")$(pv CopyType uint16 "$3")"
	RC=$(xq rc 2>/dev/null); JOB=$(xq outkey Job InstanceID 2>/dev/null)
}
# modsync OP SRC TGT: ModifySynchronization; sets RC and JOB.
modsync() {
	scs_call ModifySynchronization "$(pv Operation uint16 "$1")$(pvref Synchronization "$(pair_ref "$2" "$3")")"
	RC=$(xq rc 2>/dev/null); JOB=$(xq outkey Job InstanceID 2>/dev/null)
}
# create_replica NAME SRC COPYTYPE: sets RC, JOB, TARGET (DeviceID of TargetElement).
create_replica() {
	scs_call CreateReplica "$(pv ElementName string "$1")$(pvref SourceElement "$(vol_ref "$2")")$(pv CopyType uint16 "$3")"
	RC=$(xq rc 2>/dev/null); JOB=$(xq outkey Job InstanceID 2>/dev/null)
	TARGET=$(xq outkey TargetElement DeviceID 2>/dev/null)
}
job_prop() {	# JOBID PROP
	get_instance "$(job_in "$1")" >/dev/null
	xq prop "$2"
}
pair_prop() {	# SRC TGT PROP
	get_instance "$(pair_in "$1" "$2")" >/dev/null
	if [ -n "$(xq error 2>/dev/null)" ]; then echo "ERROR$(xq error)"; return; fi
	xq prop "$3"
}
# wait_job JOBID [SECONDS]: poll until JobState is 7, 8 or 10; sets JOBSTATE.
wait_job() {
	local limit=${2:-60} t0=$SECONDS
	JOBSTATE=""
	while [ $((SECONDS - t0)) -lt "$limit" ]; do
		get_instance "$(job_in "$1")"
		JOBSTATE=$(xq prop JobState 2>/dev/null)
		case $JOBSTATE in 7|8|10) return 0;; esac
		sleep 0.2
	done
	fail "job $1 not finished after $limit s (JobState '$JOBSTATE')"
	return 1
}
# wait_pair SRC TGT STATE [SECONDS]
wait_pair() {
	local limit=${4:-60} t0=$SECONDS s=""
	while [ $((SECONDS - t0)) -lt "$limit" ]; do
		s=$(pair_prop "$1" "$2" SyncState)
		[ "$s" = "$3" ] && return 0
		sleep 0.2
	done
	fail "pair $1->$2 SyncState '$s', expected $3 within $limit s"
	return 1
}
expect_job_completed() {	# JOBID [WHAT]
	wait_job "$1" || return 1
	expect_eq "${2:-job} JobState" 7 "$(xq prop JobState)"
	expect_eq "${2:-job} OperationalStatus" 2,17 "$(xq prop OperationalStatus)"
	expect_eq "${2:-job} PercentComplete" 100 "$(xq prop PercentComplete)"
	expect_eq "${2:-job} ErrorCode" 0 "$(xq prop ErrorCode)"
}
expect_same() {		# DEVID-A DEVID-B [WHAT]
	if cmp -s "$(volpath "$1")" "$(volpath "$2")"; then pass "${3:-data}: volumes $1 and $2 identical"
	else fail "${3:-data}: volumes $1 and $2 differ: $(cmp "$(volpath "$1")" "$(volpath "$2")" 2>&1 | head -1)"; fi
}
expect_pair_gone() {	# SRC TGT [WHAT]
	get_instance "$(pair_in "$1" "$2")"
	expect_error 6 "${3:-pair $1->$2 gone}"
}

# ---------------------------------------------------------------- wbemcli

wurl() { echo "https://${WUSER:-edit}:${WPW:-$EDIT_PW}@127.0.0.1:$PORT/$1"; }
# wbem ARGS...: run wbemcli (bounded); sets WOUT and WRC (16 = failure).
wbem() {
	WOUT=$(timeout 30 wbemcli "$@" 2>&1); WRC=$?
	return 0
}

# ---------------------------------------------------------------- block services

pool_in() {	# [INSTANCEID [CLASS]]: pool0 of this system by default
	printf '<INSTANCENAME CLASSNAME="%s">%s</INSTANCENAME>' "${2:-TPD_StoragePool}" \
	    "$(kv InstanceID "${1:-TPD:$SYS:pool0}")"
}
pool_ref() { vref "$(lip "$(pool_in "$@")")"; }
POOL_OBJ="root/tpd:TPD_StoragePool.InstanceID=\"TPD:$SYS:pool0\""
pool_call() { cim_invoke "$(pool_in)" "$POOL_OBJ" "$1" "$2"; }
# comodify PARAMS-XML: CreateOrModifyElementFromStoragePool; sets RC,
# OUTSIZE (out Size), NEWID (DeviceID of out TheElement).
comodify() {
	scs_call CreateOrModifyElementFromStoragePool "$1"
	RC=""; OUTSIZE=""; NEWID=""
	{ read -r RC; read -r OUTSIZE; read -r NEWID; } < <(xq each rc "outparam Size" \
	    "outkey TheElement DeviceID" 2>/dev/null)
}
expect_rv() {		# VALUE [WHAT]: $RC of the last block call (no extra parse)
	if [ "$HTTP_CODE" = 200 ] && [ "$RC" = "$1" ]; then pass "${2:-method}: returns $1"
	else fail "${2:-method}: expected RETURNVALUE $1, got HTTP $HTTP_CODE rc '$RC'"; show_body; fi
}
# create_vol NAME SIZE: a volume in pool0; sets RC, OUTSIZE, NEWID.
create_vol() {
	comodify "$(pv ElementName string "$1")$(pvref InPool "$(pool_ref)")$(pv Size uint64 "$2")"
}
grow_vol() {	# DEVICEID SIZE
	comodify "$(pvref TheElement "$(vol_ref "$1")")$(pv Size uint64 "$2")"
}
return_vol() {	# DEVICEID: ReturnToStoragePool; sets RC
	scs_call ReturnToStoragePool "$(pvref TheElement "$(vol_ref "$1")")"
	RC=$(xq rc 2>/dev/null)
}
vol_ids() {	# every DeviceID, sorted, space-separated
	cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")"
	xq keys DeviceID | sort -n | tr '\n' ' ' | sed 's/ $//'
}
pool_files() { (cd "$TEST_DIR/pool0" && LC_ALL=C ls -1 | tr '\n' ' ' | sed 's/ $//'); }

# ---------------------------------------------------------------- replication services

rs_in() {
	printf '<INSTANCENAME CLASSNAME="TPD_ReplicationService">%s%s%s%s</INSTANCENAME>' \
	    "$(kv CreationClassName TPD_ReplicationService)" "$(kv Name ReplicationService)" \
	    "$(kv SystemCreationClassName TPD_StorageSystem)" "$(kv SystemName "$SYS")"
}
RS_OBJ="root/tpd:TPD_ReplicationService.CreationClassName=\"TPD_ReplicationService\",Name=\"ReplicationService\",SystemCreationClassName=\"TPD_StorageSystem\",SystemName=\"$SYS\""
rs_call() { cim_invoke "$(rs_in)" "$RS_OBJ" "$1" "$2"; }
# cer SYNCTYPE MODE SRC NAME [PARAMS-XML...]: CreateElementReplica (MODE or
# NAME "" = not sent); sets RC, JOB, TARGET (DeviceID of TargetElement) and
# SYNC_SRC/SYNC_TGT (the DeviceIDs the out Synchronization names).
cer() {
	local p m="" n=""
	[ -n "$2" ] && m=$(pv Mode uint16 "$2")
	[ -n "$4" ] && n=$(pv ElementName string "$4")
	p="$n$(pv SyncType uint16 "$1")$m$(pvref SourceElement "$(vol_ref "$3")")"
	rs_call CreateElementReplica "$p${*:5}"
	RC=""; JOB=""; TARGET=""; SYNC_SRC=""; SYNC_TGT=""
	{ read -r RC; read -r JOB; read -r TARGET; read -r SYNC_SRC; read -r SYNC_TGT; } < <(xq each rc \
	    "outkey Job InstanceID" "outkey TargetElement DeviceID" \
	    "outkey Synchronization SystemElement" "outkey Synchronization SyncedElement" 2>/dev/null)
}
# mrs OP SRC TGT [PARAMS-XML...]: ModifyReplicaSynchronization on the pair
# SRC -> TGT; sets RC and JOB.
mrs() {
	rs_call ModifyReplicaSynchronization "$(pv Operation uint16 "$1")$(pvref Synchronization "$(pair_ref "$2" "$3")")${*:4}"
	RC=""; JOB=""
	{ read -r RC; read -r JOB; } < <(xq each rc "outkey Job InstanceID" 2>/dev/null)
}
# setconf KEY VALUE: a [server] line changed by SIGHUP (copy_rate_limit).
setconf() {
	sed -i "/^$1 = /d" "$CONF"
	sed -i "/^\[server\]/a $1 = $2" "$CONF"
	kill -HUP "$PID"
	sleep 0.5
}
# kept NAME [SRC]: a Frozen clone that keeps its association (CER Mode 3,
# WaitForCopyState 4); sets K to its DeviceID.
kept() {
	cer 8 3 "${2:-101}" "$1" "$(pv WaitForCopyState uint16 4)"
	K=$TARGET
	[ "$RC" = 4096 ] || fail "CER Mode 3 $1: rc $RC"
	wait_job "$JOB" 30 >/dev/null
	wait_pair "${2:-101}" "$K" 14 10
}

# ---------------------------------------------------------------- pool filesystems

# fs_mount DIR FSTYPE MIB: a fresh FSTYPE filesystem (xfs with reflink,
# btrfs or ext4) of MIB MiB, in an image file on a loop device with direct
# I/O (so reads reach the disk, not the host's page cache), mounted at DIR;
# the EXIT trap unmounts, detaches and removes it.  Sets FS_DEV.  Skips the
# test (77) with one line when not root or without a loop device.
fs_mount() {
	local dir=$1 fs=$2 mb=$3 img=$1.fsimg mkfs
	if [ "${ARRAYD_TEST_ROOT:-0}" != 1 ] || [ "$(id -u)" != 0 ]; then
		echo "skip: needs root and ARRAYD_TEST_ROOT=1 to mount $fs on a loop device"
		rm -rf "$TEST_DIR"; exit 77
	fi
	case $fs in
	xfs) mkfs=(mkfs.xfs -q -f -m reflink=1);;
	btrfs) mkfs=(mkfs.btrfs -q -f);;
	ext4) mkfs=(mkfs.ext4 -q -F);;
	*) die "fs_mount: no filesystem '$fs'";;
	esac
	command -v "${mkfs[0]}" > /dev/null || die "no ${mkfs[0]} (make deps)"
	trap on_exit EXIT
	truncate -s "${mb}M" "$img" || die "truncate $img"
	"${mkfs[@]}" "$img" > "$TEST_DIR/mkfs.out" 2>&1 ||
	    die "${mkfs[*]} failed: $(tail -n 3 "$TEST_DIR/mkfs.out")"
	if ! FS_DEV=$(losetup --direct-io=on -f --show "$img" 2> "$TEST_DIR/losetup.err"); then
		echo "skip: no loop device: $(head -n 1 "$TEST_DIR/losetup.err")"
		rm -rf "$TEST_DIR"; exit 77
	fi
	CLEANUP+=("mountpoint -q '$dir' && umount '$dir'; losetup -d '$FS_DEV'; rm -f '$img'")
	[ "$(cat "/sys/block/${FS_DEV#/dev/}/loop/dio" 2>/dev/null)" = 1 ] ||
	    note "$FS_DEV: direct I/O refused by the image's filesystem (reads may hit the host cache)"
	mkdir -p "$dir"
	mount "$FS_DEV" "$dir" 2> "$TEST_DIR/mount.err" ||
	    die "mount $fs ($FS_DEV): $(cat "$TEST_DIR/mount.err")"
	note "$dir: $fs, $mb MiB on $FS_DEV"
}
# add_fs_pool NAME FSTYPE MIB: after setup_array, before launch_daemon: a
# pool NAME on a fresh filesystem (fs_mount) at $TEST_DIR/NAME.
add_fs_pool() {
	fs_mount "$TEST_DIR/$1" "$2" "$3"
	printf '\n[pool %s]\npath = %s\n' "$1" "$TEST_DIR/$1" >> "$CONF"
}
# add_volume NAME POOL ID MIB: a configured volume, the sparse file
# <pool path>/NAME.img (pool0 or an add_fs_pool pool).
add_volume() {
	truncate -s "$4M" "$TEST_DIR/$2/$1.img" || die "truncate $TEST_DIR/$2/$1.img"
	printf '\n[volume %s]\npool = %s\npath = %s\nid = %s\n' "$1" "$2" \
	    "$TEST_DIR/$2/$1.img" "$3" >> "$CONF"
}
# drop_cache FILE...: write back and evict the files' pages (fadvise
# DONTNEED), so the next read of them is a read from the disk.
drop_cache() {
	local f
	sync
	for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none; done
}
# io_bytes PID: "read_bytes write_bytes" of /proc/PID/io (whole process).
io_bytes() {
	awk '/^read_bytes:/ { r = $2 } /^write_bytes:/ { w = $2 } END { print r, w }' "/proc/$1/io"
}
