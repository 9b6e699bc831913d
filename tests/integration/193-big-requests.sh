#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# integration: serial
# 193-big-requests: expensive requests are bounded (issue 8, finding 4):
# a 45 000-name PropertyList gets CIM_ERR_INVALID_PARAMETER quickly, a
# 1024-name one (max_property_list) is served and passes the wire rules,
# a normal client is answered while 4 clients repeat a large enumeration
# (bounded in count and time; only a generous latency bound), and an answer
# over a small max_response becomes one CIM_ERR_FAILED naming the limit.
. "$(dirname "$0")/lib.sh"

NVOL=200
EXTRA_CONF=$(for i in $(seq 1 $NVOL); do
	printf '[volume x%d]\npool = pool0\npath = @DIR@/pool0/x%d.img\nsize = 1M\nid = %d\n\n' "$i" "$i" $((1000 + i))
done)
setup_array_orig=$(declare -f setup_array)
eval "${setup_array_orig/setup_array/_setup_array}"
setup_array() { _setup_array "$@"; sed -i "s|@DIR@|$TEST_DIR|g" "$CONF"; }
start_daemon

# plistn N: a PropertyList of ElementName, NumberOfBlocks and N-2 made-up names.
plistn() {
	python3 -c 'import sys; n=int(sys.argv[1]); print("<VALUE.ARRAY><VALUE>ElementName</VALUE><VALUE>NumberOfBlocks</VALUE>" + "".join("<VALUE>P%06d</VALUE>" % i for i in range(n - 2)) + "</VALUE.ARRAY>", end="")' "$1"
}
ms() { date +%s%3N; }

# --- 45 000 names: the precise error, fast
envelope "<IMETHODCALL NAME=\"EnumerateInstances\">$(nsx root/tpd)$(ip ClassName "$(cn CIM_ManagedElement)")$(ip PropertyList "$(plistn 45000)")</IMETHODCALL>" > "$TEST_DIR/req.xml"
cim_headers EnumerateInstances root/tpd
t0=$(ms)
curl_post "${CH[@]}"
t1=$(ms)
wire_check EnumerateInstances
note "request body $(wc -c < "$TEST_DIR/req.xml") bytes, answered in $((t1 - t0)) ms (curl)"
expect_error 4 "EnumerateInstances with 45000 PropertyList entries"
expect_match "error names the limit" 'PropertyList has 45000 entries; at most 1024 are accepted \(max_property_list\)' "$(cat "$TEST_DIR/r.body")"
us=$(grep 'cim: EnumerateInstances by edit: status 200, CIM 4,' "$TEST_DIR/arrayd.log" | tail -1 | sed -n 's/.* \([0-9]*\)us$/\1/p')
if [ -n "$us" ] && [ "$us" -lt 1000000 ]; then pass "refused within 1 s of the body arriving (${us} us in the daemon)"
else fail "refusing took '${us}' us in the daemon"; fi
if [ $((t1 - t0)) -lt 10000 ]; then pass "answered within 10 s ($((t1 - t0)) ms with curl)"
else fail "answer took $((t1 - t0)) ms"; fi
get_instance "$(vol_in 101)" $(for i in $(seq 1025); do echo "P$i"; done)
expect_error 4 "GetInstance with 1025 PropertyList entries"

# --- exactly 1024: served, filtered, wire rules hold
CHECK_PROPS=ElementName,NumberOfBlocks
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StorageVolume)")$(ip PropertyList "$(plistn 1024)")"
CHECK_PROPS=""
expect_ok "EnumerateInstances with 1024 PropertyList entries"
expect_eq "every volume" $((NVOL + 5)) "$(xq count)"
expect_eq "ElementName of volume 1001" x1 "$(xq props ElementName | grep -x x1)"
expect_eq "unrequested BlockSize dropped" ABSENT "$(xq props BlockSize | sort -u)"
expect_eq "made-up names ignored" 0 "$(grep -c 'P000001' "$TEST_DIR/r.body")"

# --- 4 clients repeat a large valid enumeration; a normal client is served
ei_big() { cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_ManagedElement)")$(ip PropertyList "$(plistn 1024)")"; }
ei_big
expect_ok "large enumeration alone"
note "large answer: $(wc -c < "$TEST_DIR/r.body") bytes, $(xq count) instances"
out=$(timeout 200 python3 "$IT/bigload.py" "$PORT" "$BROWSE_PW" "$SYS" 4 1024 CIM_ManagedElement 8 150)
note "$out"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$out"; }
expect_eq "heavy requests failed" 0 "$(field heavy_err)"
n=$(field heavy_ok); if [ "${n:-0}" -ge 4 ]; then pass "heavy requests answered: $n"; else fail "heavy requests answered: '$n'"; fi
expect_eq "normal GetInstance failed" 0 "$(field normal_failed)"
n=$(field normal_ok); if [ "${n:-0}" -ge 5 ]; then pass "normal GetInstance answered: $n"; else fail "normal GetInstance answered: '$n'"; fi
m=$(field p50_ms)
if python3 -c "import sys; sys.exit(0 if float('$m') < 250 else 1)"; then pass "median normal GetInstance $m ms (< 250)"
else fail "median normal GetInstance $m ms"; fi
m=$(field max_ms)
if python3 -c "import sys; sys.exit(0 if float('$m') < 3000 else 1)"; then pass "slowest normal GetInstance $m ms (< 3000)"
else fail "slowest normal GetInstance $m ms"; fi
get_instance "$(vol_in 101)"
expect_eq "daemon still answers" vol0 "$(xq prop ElementName)"

# --- max_response: the whole answer replaced by one error
stop_daemon
sed -i 's/^https_port = .*/&\nmax_response = 64K/' "$CONF"
launch_daemon
ei_big
expect_error 1 "answer over max_response"
expect_match "error names the limit" 'larger than 65536 bytes \(max_response\)' "$(cat "$TEST_DIR/r.body")"
expect_eq "no instance in the answer" 0 "$(grep -c '<INSTANCE' "$TEST_DIR/r.body")"
if grep -q "answer larger than max_response" "$TEST_DIR/arrayd.log"; then pass "logged"
else fail "max_response not logged"; fi
cim_imethod EnumerateInstances root/tpd "$(ip ClassName "$(cn CIM_StoragePool)")"
expect_ok "a small answer under max_response"
finish
