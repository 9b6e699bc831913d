#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# dos.sh - what floods, slow clients and big bodies do to a normal client of
# arrayd (issue 8): figures, not pass/fail.
#
#   dos.sh [BINARY]                  one daemon (default $ARRAYD or ./arrayd)
#   dos.sh --compare OLD NEW         both, scenario by scenario alternately,
#                                    then one table with NEW/OLD ratios
#
# Every run starts its own daemon (tests/integration/lib.sh: throw-away
# state dir, free loopback port, default limits, log_level = warning), runs
# one scenario against it and stops it by PID.  Attackers come from
# 127.0.0.2 and the normal client from 127.0.0.1, and every attack runs a
# second time with both on 127.0.0.1 (per-address caps must not be the only
# defence).  The normal client is dosload.py's probe: GetInstance of a
# volume over HTTPS keep-alive, 50 requests/s, each latency taken from its
# scheduled send time (and, under slowhttptest, also a new TLS connection
# per request, 5/s).
#   base    no attack: the probes alone (this machine's own noise)
#   flood   64 clients flooding wrong passwords: probe p50/p99 (target p99 < 50 ms)
#   slowH/B slowhttptest -c 2000 -H, then -B (source address set by the
#           srcbind.so shim): probe served and p99 (target all, < 100 ms)
#   body    200 clients each holding a 4 MiB - 1 byte unfinished body
#           (browse user) until the daemon's RSS settles: VmRSS peak, VmHWM
#           (target < 64 MiB)
#   tls     openssl s_time -new: new TLS connections/s and server CPU
#           (utime+stime of /proc/PID/stat) per connection, TLS 1.3 and 1.2
#   wrk     GetInstance at 16 keep-alive connections (wrk, cimreq.lua as
#           cim.sh) alone and with 8 clients flooding wrong passwords
# Each load is bounded in time and count; background loads are ended by
# PID from the EXIT trap.  A missing tool skips its scenario with one line.
# Environment: DOS_SCENARIOS (default "base flood slowH slowB body tls wrk"),
# FLOOD_SECS (15), SLOW_SECS (45), HOLD_SECS (60, at most: the hold ends
# when the daemon's RSS has settled), TLS_SECS (8),
# WRK_SECS (10), ATTACK_SRCS ("127.0.0.2 127.0.0.1").
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../integration/lib.sh"
TEST_NAME=bench-dos

DOS_SCENARIOS=${DOS_SCENARIOS:-"base flood slowH slowB body tls wrk"}
FLOOD_SECS=${FLOOD_SECS:-15}
SLOW_SECS=${SLOW_SECS:-45}
HOLD_SECS=${HOLD_SECS:-60}
TLS_SECS=${TLS_SECS:-8}
WRK_SECS=${WRK_SECS:-10}
ATTACK_SRCS=${ATTACK_SRCS:-"127.0.0.2 127.0.0.1"}
NORMAL_SRC=127.0.0.1
WRONG_PW=not-the-password

if [ "${1:-}" = --compare ]; then
	[ $# -eq 3 ] || { echo "usage: dos.sh --compare OLD_BINARY NEW_BINARY"; exit 2; }
	BINS=("$2" "$3"); LABELS=(old new)
else
	BINS=("${1:-$ARRAYD}"); LABELS=(this)
fi
for b in "${BINS[@]}"; do
	[ -x "$b" ] || { echo "dos.sh: no executable $b"; exit 2; }
done
command -v python3 > /dev/null || { echo "skip dos.sh: python3 not found"; exit 0; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/arrayd-dos.XXXXXX")
RES=$WORK/results.tsv
: > "$RES"
BG=()
PY=(python3 "$HERE/dosload.py")
SRCBIND=""
ERRORS=0

dos_exit() {
	local p
	set +e
	for p in "${BG[@]+"${BG[@]}"}"; do kill "$p" 2> /dev/null; done
	for p in "${BG[@]+"${BG[@]}"}"; do wait "$p" 2> /dev/null; done
	[ -n "$PID" ] && { kill -KILL "$PID" 2> /dev/null; wait "$PID" 2> /dev/null; }
	[ -n "$TEST_DIR" ] && rm -rf "$TEST_DIR"
	rm -rf "$WORK"
}
trap dos_exit EXIT
trap 'exit 130' INT TERM

# bg CMD...: start CMD in the background; its PID is in $BGPID and BG.
bg() { "$@" & BGPID=$!; BG+=("$BGPID"); }
# reap PID [SECONDS]: wait for a background load, killing it past SECONDS.
reap() {
	local i
	for i in $(seq $(( ${2:-30} * 10 ))); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
	kill "$1" 2> /dev/null
	wait "$1" 2> /dev/null
}
# rec SCENARIO VARIANT METRIC VALUE: one figure for the table.
rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$LABEL" "$4" >> "$RES"; }
# field FILE KEY: KEY=value from a RESULT line of dosload.py.
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" "$1" | tail -n 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
kib_mib() { awk -v k="$1" 'BEGIN { if (k < 0) print "?"; else printf "%.1f", k / 1024 }'; }
vname() { [ "$1" = "$NORMAL_SRC" ] && echo "attackers@$1 (=client)" || echo "attackers@$1"; }

# daemon_up BINARY: a fresh array and daemon for one run.
daemon_up() {
	ARRAYD=$1
	setup_array "log_level = warning" > "$WORK/setup.log" 2>&1 || return 1
	launch_daemon > "$WORK/launch.log" 2>&1 || { cat "$WORK/launch.log"; return 1; }
	envelope "<IMETHODCALL NAME=\"GetInstance\">$(nsx root/tpd)$(ip InstanceName "$(vol_in 101)")</IMETHODCALL>" > "$TEST_DIR/gi.xml"
	# Warm up: the first login of the probe's user pays the hash once.
	"${PY[@]}" probe --port "$PORT" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" --count 3 --secs 30 > "$WORK/warm.out"
	if [ "$(field "$WORK/warm.out" served)" != 3 ]; then
		echo "dos.sh: $1 does not answer GetInstance: $(cat "$WORK/warm.out")"
		return 1
	fi
}
# daemon_down: stop our daemon, note if it died or crashed (in the row of
# the scenario that ran, SCN and VAR).
daemon_down() {
	local alive=1
	kill -0 "$PID" 2> /dev/null || alive=0
	stop_daemon > "$WORK/stop.log" 2>&1
	if [ $alive = 0 ] || grep -q '^FAIL' "$WORK/stop.log"; then
		rec "$SCN" "$VAR" daemon "$( [ $alive = 0 ] && echo died || echo 'bad exit')"
		echo "  daemon: $(grep '^FAIL' "$WORK/stop.log" | head -n 2 | tr '\n' ' ')"
		tail -n 5 "$TEST_DIR/arrayd.log"
		ERRORS=$((ERRORS + 1))
	fi
	rm -rf "$TEST_DIR"
	TEST_DIR=""
}
# probe_rec SCENARIO VARIANT PREFIX FILE: the probe's figures.
probe_rec() {
	local f=$4
	if ! grep -q '^RESULT' "$f"; then
		rec "$1" "$2" "$3served" "no result"; return
	fi
	rec "$1" "$2" "$3served" "$(field "$f" served)/$(field "$f" sent)"
	rec "$1" "$2" "$3p50_ms" "$(field "$f" p50_ms)"
	rec "$1" "$2" "$3p99_ms" "$(field "$f" p99_ms)"
	rec "$1" "$2" "$3max_ms" "$(field "$f" max_ms)"
	echo "  $3probe: $(sed -n 's/^RESULT role=probe //p' "$f")"
}

# ---------------------------------------------------------------- scenarios

# No attack: what the probes see on this machine today, the yardstick for
# the rows below (the machine is shared; its own noise shows here).
sc_base() {	# -
	bg "${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --secs "$FLOOD_SECS" --fresh 1 --rate 5 > "$WORK/fresh.out"
	local fr=$BGPID
	"${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --secs "$FLOOD_SECS" > "$WORK/probe.out"
	reap "$fr" 30
	probe_rec base "no attack" "" "$WORK/probe.out"
	probe_rec base "no attack" "fresh_" "$WORK/fresh.out"
}

# 64 wrong-password clients; the probe, running before, counts from 2 s
# into the flood on.
sc_flood() {	# ATTACKER_SRC
	local v; v=$(vname "$1")
	bg "${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --start-after 2.5 --secs "$FLOOD_SECS" --timeout 30 > "$WORK/probe.out"
	local pr=$BGPID
	sleep 0.5
	bg "${PY[@]}" flood --port "$PORT" --src "$1" --pw "$WRONG_PW" --body "$TEST_DIR/gi.xml" \
	    --n 64 --secs $((FLOOD_SECS + 2)) --timeout 30 > "$WORK/flood.out"
	local fl=$BGPID
	reap "$pr" $((FLOOD_SECS + 45))
	reap "$fl" 45
	probe_rec flood64 "$v" "" "$WORK/probe.out"
	rec flood64 "$v" "flood_answers" "$(field "$WORK/flood.out" answers)"
	echo "  flood: $(sed -n 's/^RESULT role=flood //p' "$WORK/flood.out")"
}

# slow_attack H|B SECS [env ...]: slowhttptest -c 2000 for SECS seconds,
# started again when it stops early ("No open connections left": the
# server closed them all), so the pressure lasts; one CSV per run.
slow_attack() {
	local end=$((SECONDS + $2)) k=0 child="" mode=$1
	shift 2
	trap '[ -n "$child" ] && kill "$child" 2> /dev/null; exit 0' TERM
	while [ $((end - SECONDS)) -gt 3 ]; do
		k=$((k + 1))
		timeout $((end - SECONDS + 20)) "$@" slowhttptest -c 2000 "-$mode" \
		    -u "https://127.0.0.1:$PORT/cimom" -l $((end - SECONDS)) -r 200 -i 10 -x 24 -s 4096 -p 3 \
		    -g -o "$WORK/slow$k" > "$WORK/slow$k.log" 2>&1 &
		child=$!
		wait "$child"
		child=""
	done
}

# slowhttptest -c 2000 -H or -B for SLOW_SECS; the probes count from 20 s
# (the attack has filled what it can: the ramp is slower than -r 200 as
# every connection is a TLS handshake) to 5 s before the end.  The
# keep-alive client runs from the start, the new-connection one from 20 s.
sc_slow() {	# H|B ATTACKER_SRC
	local v pre=() c20 cend secs=$((SLOW_SECS - 25))
	v=$(vname "$2")
	[ "$2" != 127.0.0.1 ] && pre=(env SRCBIND_ADDR="$2" LD_PRELOAD="$SRCBIND")
	rm -f "$WORK"/slow*.csv "$WORK/ss.end"
	bg slow_attack "$1" "$SLOW_SECS" "${pre[@]+"${pre[@]}"}"
	local sl=$BGPID
	# the keep-alive client was there before the attack; it counts from 20 s
	bg "${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --start-after 20 --secs "$secs" > "$WORK/probe.out"
	local ka=$BGPID
	bg bash -c "sleep $((secs + 20)); ss -Htn state established '( dport = :$PORT )' src $2 | wc -l > '$WORK/ss.end'"
	sleep 20
	c20=$(ss -Htn state established "( dport = :$PORT )" src "$2" | wc -l)
	bg "${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --secs "$secs" --fresh 1 --rate 5 > "$WORK/fresh.out"
	local fr=$BGPID
	reap "$ka" $((secs + 30))
	reap "$fr" 30
	cend=$(cat "$WORK/ss.end" 2> /dev/null || echo '?')
	reap "$sl" 40
	probe_rec "slow$1" "$v" "" "$WORK/probe.out"
	probe_rec "slow$1" "$v" "fresh_" "$WORK/fresh.out"
	rec "slow$1" "$v" "attacker conns (ss) at 20 s" "$c20"
	rec "slow$1" "$v" "attacker conns (ss) at $((SLOW_SECS - 5)) s" "$cend"
	# slowhttptest's own view, its CSVs: Seconds,Closed,Pending,Connected,...
	local csvs=("$WORK"/slow*.csv)
	if [ -f "${csvs[0]}" ]; then
		rec "slow$1" "$v" "slowhttptest runs" "${#csvs[@]}"
		rec "slow$1" "$v" "slowhttptest connected max" "$(awk -F, 'FNR > 1 && $4 > m { m = $4 } END { print m + 0 }' "${csvs[@]}")"
		rec "slow$1" "$v" "slowhttptest closed at end" "$(awk -F, 'FNR == 1 && NR > 1 { t += c } FNR > 1 { c = $2 } END { print t + c }' "${csvs[@]}")"
	fi
	echo "  slowhttptest: attacker connections established (ss) at 20 s: $c20, at $((SLOW_SECS - 5)) s: $cend;" \
	    "${#csvs[@]} run(s), last CSV line $(tail -n 1 "${csvs[-1]}" 2> /dev/null)"
}

# 200 clients each hold an unfinished 4 MiB body (browse user).
sc_body() {	# ATTACKER_SRC
	local v; v=$(vname "$1")
	bg "${PY[@]}" probe --port "$PORT" --src "$NORMAL_SRC" --pw "$EDIT_PW" --body "$TEST_DIR/gi.xml" \
	    --secs 15 > "$WORK/probe.out"
	local pr=$BGPID
	"${PY[@]}" hold --port "$PORT" --src "$1" --user browse --pw "$BROWSE_PW" --n 200 \
	    --size $((4 << 20)) --min-secs 15 --secs "$HOLD_SECS" --pid "$PID" > "$WORK/hold.out"
	reap "$pr" 30
	local f=$WORK/hold.out
	rec body200 "$v" rss_idle_mib "$(kib_mib "$(field "$f" rss_idle_kib)")"
	rec body200 "$v" rss_peak_mib "$(kib_mib "$(field "$f" rss_peak_kib)")"
	rec body200 "$v" vmhwm_mib "$(kib_mib "$(field "$f" hwm_kib)")"
	rec body200 "$v" rss_after_mib "$(kib_mib "$(field "$f" rss_after_kib)")"
	rec body200 "$v" bodies_sent_whole "$(field "$f" complete)/200"
	rec body200 "$v" all_sent_after_s "$(field "$f" all_sent_s)"
	rec body200 "$v" "held (s) / connections still open" "$(field "$f" held_s) / $(field "$f" held_at_end)"
	rec body200 "$v" answers "$(field "$f" answers)"
	probe_rec body200 "$v" "" "$WORK/probe.out"
	echo "  hold: $(sed -n 's/^RESULT role=hold //p' "$f")"
}

# New TLS connections: openssl s_time -new for TLS_SECS, one client.
sc_tls() {	# 1.3|1.2
	local c0 c1 out n secs hz key
	hz=$(getconf CLK_TCK)
	key=$(openssl x509 -in "$TEST_DIR/state/tls.crt" -noout -text 2> /dev/null |
	    sed -n 's/.*Public Key Algorithm: \(.*\)/\1/p; s/.*Public-Key: (\([0-9]*\) bit)/\1/p' | tr '\n' ' ' | sed 's/ $//')
	# s_time prints whole real seconds: the wall time is taken here.
	local t0 t1
	c0=$(cpu_ticks); t0=$(date +%s.%N)
	out=$(timeout $((TLS_SECS + 20)) openssl s_time -connect "127.0.0.1:$PORT" -new \
	    "-tls${1/./_}" -time "$TLS_SECS" 2>&1)
	c1=$(cpu_ticks); t1=$(date +%s.%N)
	n=$(echo "$out" | sed -n 's/^\([0-9]*\) connections in [0-9.]* real seconds.*/\1/p')
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if [ -z "$n" ] || [ "$n" = 0 ]; then
		rec tls "TLS $1" conn_per_s "failed"
		echo "  s_time: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
		return
	fi
	local s; s=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "-tls${1/./_}" -brief 2>&1 |
	    sed -n 's/^Ciphersuite: //p; s/^Peer signature type: //p; s/^Signature type: //p; s/^Server Temp Key: \([^,]*\).*/\1/p' | tr '\n' ' ')
	rec tls "TLS $1" conn_per_s "$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
	rec tls "TLS $1" server_cpu_ms_per_conn "$(awk -v d=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.3f", d * 1000 / hz / n }')"
	rec tls "TLS $1" cert "$key"
	rec tls "TLS $1" negotiated "${s% }"
	if [ "$1" = 1.2 ]; then
		local c ok=""
		for c in AES128-SHA AES256-GCM-SHA384 ECDHE-RSA-AES128-SHA ECDHE-ECDSA-AES128-SHA; do
			echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -cipher "$c" > /dev/null 2>&1 && ok="$ok$c,"
		done
		ok=${ok%,}
		rec tls "TLS $1" "static-RSA/CBC-SHA1 probes accepted" "${ok:-none}"
	fi
	echo "  s_time TLS $1: $n connections in $secs s, server CPU $((c1 - c0)) ticks, cert $key, $s"
}

# wrk GetInstance at 16 connections, alone or with 8 wrong-password clients.
sc_wrk() {	# none|ATTACKER_SRC
	local v fl="" out
	if [ "$1" = none ]; then v="no flood"
	else
		v="8 flooding, $(vname "$1")"
		bg "${PY[@]}" flood --port "$PORT" --src "$1" --pw "$WRONG_PW" --body "$TEST_DIR/gi.xml" \
		    --n 8 --secs $((WRK_SECS + 4)) > "$WORK/flood.out"
		fl=$BGPID
		sleep 2
	fi
	local auth; auth="Authorization: Basic $(printf 'edit:%s' "$EDIT_PW" | base64 -w0)"
	out=$(timeout $((WRK_SECS + 30)) wrk -t2 -c16 -d"${WRK_SECS}s" --latency --timeout 10s \
	    -H "$auth" -s "$HERE/cimreq.lua" "https://127.0.0.1:$PORT/cimom" -- "$TEST_DIR/gi.xml" GetInstance root/tpd 2>&1)
	[ -n "$fl" ] && reap "$fl" 30
	echo "$out" > "$WORK/wrk.out"
	python3 - "$WORK/wrk.out" <<'PY' > "$WORK/wrk.fig"
import re, sys
t = open(sys.argv[1]).read()
def ms(s):
    m = re.match(r'([\d.]+)(us|ms|s)$', s)
    return '%.2f' % (float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]) if m else '?'
rps = re.search(r'Requests/sec:\s+([\d.]+)', t)
p50 = re.search(r'\s50%\s+(\S+)', t); p99 = re.search(r'\s99%\s+(\S+)', t)
mx = re.search(r'Latency\s+\S+\s+\S+\s+(\S+)', t)
ck = re.search(r'CIMCHECK responses=(\d+) cim_errors=(\d+) not_response=(\d+)', t)
to = re.search(r'timeout (\d+)', t)
print('%s %s %s %s %s' % ('%.0f' % float(rps.group(1)) if rps else '?', ms(p50.group(1)) if p50 else '?',
      ms(p99.group(1)) if p99 else '?', ms(mx.group(1)) if mx else '?',
      (int(ck.group(2)) + int(ck.group(3)) + (int(to.group(1)) if to else 0)) if ck else '?'))
PY
	local rps p50 p99 mx err
	read -r rps p50 p99 mx err < "$WORK/wrk.fig"
	rec wrk16 "$v" req_per_s "$rps"
	rec wrk16 "$v" p50_ms "$p50"
	rec wrk16 "$v" p99_ms "$p99"
	rec wrk16 "$v" max_ms "$mx"
	rec wrk16 "$v" errors "$err"
	echo "  wrk: $rps req/s p50 $p50 ms p99 $p99 ms max $mx ms errors $err"
	[ -n "$fl" ] && echo "  flood: $(sed -n 's/^RESULT role=flood //p' "$WORK/flood.out")"
}

# ---------------------------------------------------------------- driver

# runs SCENARIO ARG: run it on every binary in turn (old, new, ...).
runs() {
	local i
	for i in "${!BINS[@]}"; do
		LABEL=${LABELS[$i]}
		echo "-- $1 $2 [$LABEL: ${BINS[$i]}] $(date +%T)"
		if ! daemon_up "${BINS[$i]}"; then
			ERRORS=$((ERRORS + 1))
			[ -n "$PID" ] && kill -KILL "$PID" 2> /dev/null
			PID=""; rm -rf "$TEST_DIR"; TEST_DIR=""
			continue
		fi
		SCN=$1 VAR=$2
		"sc_$1" "$2"
		daemon_down
	done
}

ulimit -n 20000 2> /dev/null || true
for sc in $DOS_SCENARIOS; do
	case $sc in
	base)
		runs base -;;
	flood)
		for s in $ATTACK_SRCS; do runs flood "$s"; done;;
	slowH|slowB)
		if ! command -v slowhttptest > /dev/null; then
			echo "skip $sc: slowhttptest not found (apt-get install slowhttptest)"; continue
		fi
		if [ -z "$SRCBIND" ]; then
			SRCBIND=$WORK/srcbind.so
			if ! ${CC:-cc} -O2 -shared -fPIC -o "$SRCBIND" "$HERE/srcbind.c" -ldl 2> "$WORK/cc.log"; then
				echo "skip $sc: cannot build srcbind.so ($(head -n 1 "$WORK/cc.log"))"; SRCBIND=""; continue
			fi
		fi
		for s in $ATTACK_SRCS; do
			for i in "${!BINS[@]}"; do
				LABEL=${LABELS[$i]}
				echo "-- $sc $(vname "$s") [$LABEL: ${BINS[$i]}] $(date +%T)"
				daemon_up "${BINS[$i]}" || { ERRORS=$((ERRORS + 1)); kill -KILL "$PID" 2> /dev/null; PID=""; continue; }
				SCN=$sc VAR=$(vname "$s")
				sc_slow "${sc#slow}" "$s"
				daemon_down
			done
		done;;
	body)
		for s in $ATTACK_SRCS; do runs body "$s"; done;;
	tls)
		command -v openssl > /dev/null || { echo "skip tls: openssl not found"; continue; }
		runs tls 1.3; runs tls 1.2;;
	wrk)
		command -v wrk > /dev/null || { echo "skip wrk: wrk not found (apt-get install wrk)"; continue; }
		runs wrk none
		for s in $ATTACK_SRCS; do runs wrk "$s"; done;;
	*) echo "dos.sh: unknown scenario $sc"; ERRORS=$((ERRORS + 1));;
	esac
done

echo
echo "== dos.sh figures ($(date -u +'%F %H:%M UTC'), $(nproc) cores; ${BINS[*]})"
python3 "$HERE/dostable.py" "$RES" "${LABELS[@]}"
[ $ERRORS -eq 0 ] || { echo "dos.sh: $ERRORS run(s) failed (above)"; exit 1; }
exit 0
