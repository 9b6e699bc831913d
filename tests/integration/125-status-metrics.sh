#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 125-status-metrics: what an operator sees while a copy runs.  A
# rate-limited copy (copy_rate_limit 8M, 64 MiB dense source) is started with
# AttachOrModifyReplica; meanwhile `arrayd status` shows the volumes, the
# pair by SyncState name and the running job with a progress bar, percent,
# rate and ETA, and GET /metrics (with credentials) is Prometheus text with
# the request counters, one Running job, one ResyncInProgress pair and copy
# bytes moving.  Status and metrics show pool0's space (5 volumes, 272 MiB
# provisioned, the 400% limit) and no volume created or deleted through CIM
# yet.  Without credentials /metrics is 401.  Once the daemon is
# down `arrayd status` says "not running" and exits 1.
. "$(dirname "$0")/lib.sh"

# metrics [curl args...]: GET /metrics into r.body/r.hdr; sets HTTP_CODE.
metrics() {
	: > "$TEST_DIR/r.body"; : > "$TEST_DIR/r.hdr"
	HTTP_CODE=$(curl -sS "${CURL_TLS[@]}" --max-time 20 -o "$TEST_DIR/r.body" \
	    -D "$TEST_DIR/r.hdr" -w '%{http_code}' "$@" \
	    "https://127.0.0.1:$PORT/metrics" 2> "$TEST_DIR/r.err")
	[ -n "$HTTP_CODE" ] || HTTP_CODE=000
}
# mval NAME{LABELS}: the value of that sample in r.body ("" if absent).
mval() {
	awk -v k="$1" 'substr($0, 1, length(k) + 1) == k " " { print $2; exit }' \
	    "$TEST_DIR/r.body"
}
# status_out: `arrayd status -c $CONF` into ST_OUT/ST_RC (bounded).
status_out() {
	ST_OUT=$(timeout 20 "$ARRAYD" status -c "$CONF" 2> "$TEST_DIR/status.err")
	ST_RC=$?
	ST_ERR=$(cat "$TEST_DIR/status.err")
}
# expect_line WHAT ERE: some line of ST_OUT matches ERE.
expect_line() {
	if grep -qE "$2" <<< "$ST_OUT"; then pass "$1: /$2/"
	else fail "$1: no line /$2/ in: $(tr '\n' '|' <<< "$ST_OUT")"; fi
}

setup_array "copy_rate_limit = 8M"
fill_dense "$(volpath 101)" 64	# every chunk is data: 64 MiB at 8 MiB/s
trap on_exit EXIT
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"

# A few requests of known operations before the copy.
get_instance "$(vol_in 101)"
expect_ok "GetInstance volume"
cim_imethod EnumerateInstanceNames root/tpd "$(ip ClassName "$(cn TPD_StorageVolume)")"
expect_ok "EnumerateInstanceNames"

attach 101 102 4
expect_rc 4096 "AttachOrModifyReplica CT4 101->102 (rate-limited)"
[ -n "$JOB" ] || die "no Job out parameter"
taskid=${JOB##*:}

# ---- arrayd status while the copy runs
running=""
for _ in $(seq 50); do	# the first progress report: at most 5 s
	status_out
	jl=$(grep -E "^$taskid +" <<< "$ST_OUT")
	if [[ $jl =~ Running ]] && [[ $jl =~ [0-9.]+[KMG]/s ]]; then running=1; break; fi
	sleep 0.1
done
expect_eq "arrayd status exit while running" 0 "$ST_RC"
[ -n "$running" ] && pass "status shows job $taskid Running with a rate" ||
	fail "status: no Running job $taskid with a rate: $(tr '\n' '|' <<< "$ST_OUT") $ST_ERR"
expect_match "status: system name" "system $SYS" "$ST_OUT"
expect_line "status: pool usage" \
    '^pool pool0: 5 volumes, 272\.0M provisioned of [0-9.]+[KMGTP] limit \(400%\), [0-9.]+[BKMGTP] free of [0-9.]+[BKMGTP]$'
expect_line "status: CIM volume counters" \
    '^volumes through CIM since start: 0 created, 0 deleted$'
expect_line "status: VOLUMES table" '^VOLUMES$'
for v in "101 +vol0 +pool0 +64.0M" "102 +vol1 +pool0" "103 +vol2" "104 +small +pool0 +16.0M" "105 +vol4"; do
	expect_line "status: volume" "^$v"
done
expect_line "status: PAIRS table" '^PAIRS$'
pl=$(grep -E '^101 +102 ' <<< "$ST_OUT")
expect_match "status: pair 101->102 by SyncState name" '^101 +102 +PC +ResyncInProgress +4 ' "$pl"
expect_line "status: JOBS table" '^JOBS$'
expect_match "status: job kind and state" "^$taskid +[a-z_]+ +Running " "$jl"
expect_match "status: progress bar" '\[[#.]{20}\]' "$jl"
expect_match "status: percent" ' [0-9]{1,3}% ' "$jl"
expect_match "status: bytes done/total" '[0-9.]+[BKMG]/64\.0M' "$jl"
expect_match "status: rate" ' [0-9.]+[BKMG]/s ' "$jl"
expect_match "status: ETA" '[0-9]+(m[0-9]{2}s|h[0-9]{2}m)$' "$jl"
pct=$(sed -E 's/.*\] +([0-9]+)%.*/\1/' <<< "$jl")
if [ -n "$pct" ] && [ "$pct" -lt 100 ]; then pass "status: percent $pct below 100 while running"
else fail "status: percent '$pct' while running"; fi

# ---- GET /metrics while the copy runs
metrics -u "edit:$EDIT_PW"
expect_http 200 "GET /metrics with credentials"
expect_header Content-Type '^text/plain' "metrics"
bad=$(grep -vE '^# (HELP|TYPE) [a-z_]+ |^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$' "$TEST_DIR/r.body" | head -3)
[ -z "$bad" ] && pass "metrics: every line is a sample or # HELP/# TYPE" ||
	fail "metrics: lines outside the text format: $bad"
for op in GetInstance EnumerateInstanceNames AttachOrModifyReplica; do
	v=$(mval "arrayd_requests_total{op=\"$op\",status=\"200\"}")
	if [ -n "$v" ] && [ "$v" -ge 1 ]; then pass "metrics: arrayd_requests_total $op 200 = $v"
	else fail "metrics: arrayd_requests_total{op=\"$op\",status=\"200\"} '$v'"; fi
done
expect_eq "metrics: arrayd_jobs Running" 1 "$(mval 'arrayd_jobs{state="Running"}')"
expect_eq "metrics: arrayd_pairs ResyncInProgress" 1 "$(mval 'arrayd_pairs{sync_state="ResyncInProgress"}')"
expect_eq "metrics: arrayd_volumes" 5 "$(mval arrayd_volumes)"
expect_eq "metrics: arrayd_volumes_created_total" 0 "$(mval arrayd_volumes_created_total)"
expect_eq "metrics: arrayd_volumes_deleted_total" 0 "$(mval arrayd_volumes_deleted_total)"
expect_eq "metrics: pool0 volumes" 5 "$(mval 'arrayd_pool_volumes{pool="pool0"}')"
expect_eq "metrics: pool0 provisioned" $((272 * 1024 * 1024)) \
    "$(mval 'arrayd_pool_provisioned_bytes{pool="pool0"}')"
pcap=$(mval 'arrayd_pool_capacity_bytes{pool="pool0"}')
if [ -n "$pcap" ] && [ "$pcap" -gt 0 ]; then pass "metrics: pool0 capacity $pcap"
else fail "metrics: arrayd_pool_capacity_bytes{pool=\"pool0\"} '$pcap'"; fi
expect_eq "metrics: pool0 limit is 400% of capacity" "$((pcap * 4))" \
    "$(mval 'arrayd_pool_limit_bytes{pool="pool0"}')"
[ -n "$(mval 'arrayd_pool_free_bytes{pool="pool0"}')" ] && pass "metrics: pool0 free bytes" ||
	fail "metrics: no arrayd_pool_free_bytes{pool=\"pool0\"}"
cb=$(mval arrayd_copy_bytes_processed_total)
if [ -n "$cb" ] && [ "$cb" -gt 0 ]; then pass "metrics: copy bytes processed $cb > 0"
else fail "metrics: arrayd_copy_bytes_processed_total '$cb'"; fi
cw=$(mval arrayd_copy_bytes_written_total)
if [ -n "$cw" ] && [ "$cw" -gt 0 ]; then pass "metrics: copy bytes written $cw > 0"
else fail "metrics: arrayd_copy_bytes_written_total '$cw'"; fi
inf=$(mval 'arrayd_request_duration_seconds_bucket{op="GetInstance",le="+Inf"}')
expect_eq "metrics: GetInstance +Inf bucket = _count" \
    "$(mval 'arrayd_request_duration_seconds_count{op="GetInstance"}')" "$inf"

# The rate limit holds: 64 MiB cannot be done at 8 MiB/s this early.
if [ -n "$cb" ] && [ "$cb" -lt $((60 * 1024 * 1024)) ]; then pass "copy still under way ($cb bytes)"
else fail "copy not rate-limited: $cb bytes processed"; fi

# ---- /metrics without (or with wrong) credentials
metrics
expect_http 401 "GET /metrics without credentials"
expect_header WWW-Authenticate '^Basic' "metrics 401"
if grep -q arrayd_ "$TEST_DIR/r.body"; then fail "401 body leaks metrics"; else pass "401 body has no metrics"; fi
metrics -u "edit:wrong-password"
expect_http 401 "GET /metrics with a wrong password"

# The metrics request itself is counted (op "metrics").
metrics -u "browse:$BROWSE_PW"
expect_http 200 "GET /metrics as a browse user"
v=$(mval 'arrayd_requests_total{op="metrics",status="200"}')
if [ -n "$v" ] && [ "$v" -ge 1 ]; then pass "metrics: own requests counted ($v)"
else fail "metrics: arrayd_requests_total{op=\"metrics\",status=\"200\"} '$v'"; fi

# ---- after the copy: Frozen, no Running job
expect_job_completed "$JOB" "rate-limited attach job"
status_out
expect_eq "arrayd status exit after the copy" 0 "$ST_RC"
expect_line "status: pair now Frozen" '^101 +102 +PC +Frozen '
expect_line "status: job Completed at 100%" "^$taskid +[a-z_]+ +Completed +\\[#{20}\\] +100% "
metrics -u "edit:$EDIT_PW"
expect_eq "metrics: no Running job after the copy" 0 "$(mval 'arrayd_jobs{state="Running"}')"
expect_eq "metrics: one Completed job" 1 "$(mval 'arrayd_jobs{state="Completed"}')"
expect_eq "metrics: pair Frozen" 1 "$(mval 'arrayd_pairs{sync_state="Frozen"}')"
cb2=$(mval arrayd_copy_bytes_processed_total)
expect_eq "metrics: all 64 MiB processed" $((64 * 1024 * 1024)) "$cb2"
expect_same 101 102 "after the rate-limited copy"

# ---- daemon down: status says so, exit 1
stop_daemon
status_out
expect_eq "arrayd status exit when down" 1 "$ST_RC"
expect_match "arrayd status when down" "not running" "$ST_ERR$ST_OUT"

finish
