#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 227-torn-copy-btrfs: 220's torn-copy test on a Btrfs pool (reflink): a
# stamped O_DIRECT writer rewrites random 4 KiB blocks of the 32 MiB
# source through AttachReplica, Start Copy, Resync and CreateReplica CT5;
# each target must equal the source after exactly one write inside the
# request and WhenSynced must be that instant (CONTRACT.md §6, issue 10).
# The log and `arrayd status` say the pool is "reflink (btrfs)".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/torn.sh"

setup_array "copy_rate_limit = 64M"
add_fs_pool pbtrfs btrfs 300
add_volume bsrc pbtrfs 211 32; add_volume btgt pbtrfs 212 32
launch_daemon
note "arrayd pid $PID port $PORT dir $TEST_DIR"
pool_mode_checks pbtrfs 'reflink \(btrfs\)'

before=$(vol_ids)
fs_cases btrfs pbtrfs 211 212 pit AttachReplica
after=$(vol_ids)
expect_eq "volumes: the CT5 target added, no image" 1 \
    "$(( $(wc -w <<< "$after") - $(wc -w <<< "$before") ))"
stop_daemon
finish
