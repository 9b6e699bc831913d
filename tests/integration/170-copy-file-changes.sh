#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 170-copy-file-changes: a physical copy of a 256 MiB volume (rate-limited
# to 4 MiB/s so it is caught running) whose source or target file changes
# under it (truncated, unlinked, the target replaced by a directory or by
# another file) ends
# with the pair Broken (12) and the job Exception (10) with an
# ErrorDescription naming the file and the change, one error line in the
# log, and never Frozen (14) or Completed (7) (CONTRACT.md §4, §6).  The
# daemon is stopped (SIGSTOP) while a change takes more than one system call
# (rm + mkdir), so what the copy sees is the change, not a half of it.
. "$(dirname "$0")/lib.sh"

SIZE=$((256 << 20))
P=""	# the pool folder, set once the array exists
EXTRA_CONF=""
for v in 201 202 203 211 212 213 214 215 216; do
	EXTRA_CONF+="[volume v$v]
pool = pool0
path = @POOL@/$v.img
id = $v

"
done
# setup_array makes TEST_DIR; the volumes' files must exist at start.
setup_array "copy_rate_limit = 4M"
P=$TEST_DIR/pool0
sed -i "s|@POOL@|$P|" "$CONF"
for v in 201 202 203; do	# sources: 256 MiB of data, no holes
	head -c "$SIZE" /dev/urandom > "$P/$v.img"
done
for v in 211 212 213 214 215 216; do truncate -s "$SIZE" "$P/$v.img"; done
trap on_exit EXIT
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"

wait_running() {	# JOBID: until JobState 4 and PercentComplete > 0
	local i js pc
	for i in $(seq 100); do
		get_instance "$(job_in "$1")" JobState PercentComplete
		js=$(xq prop JobState); pc=$(xq prop PercentComplete)
		[ "$js" = 4 ] && [ "${pc:-0}" != NULL ] && [ "${pc:-0}" -gt 0 ] 2>/dev/null && return 0
		sleep 0.1
	done
	fail "job $1 never seen running with progress (JobState '$js' PercentComplete '$pc')"
	return 1
}

# change_case WHAT SRC TGT 'SHELL ACTION' DESCRIPTION-REGEX
change_case() {
	local what=$1 src=$2 tgt=$3 action=$4 re=$5 job desc js chvol
	note "--- $what"
	case $what in source*|*source) chvol=$src;; *) chvol=$tgt;; esac
	attach "$src" "$tgt" 4
	expect_rc 4096 "$what: attach $src->$tgt"
	job=$JOB
	wait_running "$job" || return
	sleep 0.5
	kill -STOP "$PID"
	eval "$action"
	kill -CONT "$PID"
	wait_job "$job" 120 || return
	expect_eq "$what: JobState Exception" 10 "$(xq prop JobState)"
	js=$(xq prop OperationalStatus)
	[ "$js" != 2,17 ] && pass "$what: job OperationalStatus $js (not Completed)" ||
	    fail "$what: job reports Completed [2,17]"
	desc=$(xq prop ErrorDescription)
	expect_match "$what: ErrorDescription" "$re" "$desc"
	expect_eq "$what: pair Broken" 12 "$(pair_prop "$src" "$tgt" SyncState)"
	expect_eq "$what: WhenSynced NULL" NULL "$(pair_prop "$src" "$tgt" WhenSynced)"
	# Nothing turns it Frozen later.
	sleep 0.5
	expect_eq "$what: pair still Broken" 12 "$(pair_prop "$src" "$tgt" SyncState)"
	re=${re#^}; re=${re%\$}
	if grep -E ": error: volume $chvol \(v$chvol\): $re; job ${job##*:} fails\$" \
	    "$TEST_DIR/arrayd.log" > /dev/null; then
		pass "$what: error line in the log"
	else
		fail "$what: no error line for /$re/ in the log"
	fi
}

S=$SIZE
change_case "truncate source" 202 211 "truncate -s 4096 '$P/202.img'" \
    "^source $P/202\\.img was truncated \\($S -> 4096 bytes\\)\$"
change_case "truncate target" 201 212 "truncate -s 4096 '$P/212.img'" \
    "^target $P/212\\.img was truncated \\($S -> [0-9]+ bytes\\)\$"
change_case "unlink source" 203 213 "rm -f '$P/203.img'" \
    "^source $P/203\\.img was unlinked\$"
change_case "unlink target" 201 214 "rm -f '$P/214.img'" \
    "^target $P/214\\.img was unlinked\$"
change_case "replace target by a directory" 201 215 \
    "rm -f '$P/215.img' && mkdir '$P/215.img'" \
    "^target $P/215\\.img was replaced by a directory \\(inode [0-9]+ -> [0-9]+\\)\$"
truncate -s "$SIZE" "$TEST_DIR/216.new"
change_case "replace target by another file" 201 216 "mv '$TEST_DIR/216.new' '$P/216.img'" \
    "^target $P/216\\.img was replaced \\(inode [0-9]+ -> [0-9]+\\)\$"

n=$(grep -c ': error: volume [0-9]* (v[0-9]*): .*; job [0-9]* fails' "$TEST_DIR/arrayd.log")
expect_eq "one error line per change" 6 "$n"
# Put right, the truncated target takes a copy again, to the end (unlimited).
truncate -s "$SIZE" "$P/212.img"
sed -i 's/^copy_rate_limit = .*/copy_rate_limit = 0/' "$CONF"
kill -HUP "$PID"
for i in $(seq 50); do grep -q 'reload: done' "$TEST_DIR/arrayd.log" && break; sleep 0.1; done
modsync 12 201 212
expect_rc 4096 "Start Copy onto the target put right"
expect_job_completed "$JOB" "copy onto the target put right"
expect_eq "pair Frozen after a clean copy" 14 "$(pair_prop 201 212 SyncState)"
cmp -s "$P/201.img" "$P/212.img" && pass "target identical after the clean copy" ||
    fail "target differs after the clean copy"
finish
