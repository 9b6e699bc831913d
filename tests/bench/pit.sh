#!/bin/bash
# SPDX-License-Identifier: ISC
# pit.sh - point-in-time copies on a reflink pool, measured with the copy
# engine (tests/bench/copycli): on a fresh XFS (reflink=1) or Btrfs on a
# direct-I/O loop device, a volume of SIZE MiB is imaged (FICLONE, as
# bdev_image_take does) and copied in full; then 2% of its 1 MiB chunks
# change and it is resynced three ways: COPY_EXTENTS against the previous
# image (the new path), COPY_DIFF with a valid digest map (reads the whole
# source) and a full copy; then restored from an image (COPY_EXTENTS with
# the volume as base, copied and cloned).  Each run starts with the page
# cache dropped and is charged for a final sync; its block I/O is the
# process's (getrusage inblock/oublock, 512-byte units), and each target is
# verified with cmp.  Root only.
#
#   tests/bench/pit.sh [xfs|btrfs] [SIZE_MiB]      (default xfs 2048)
#   env: ENGINE_ARGS="-j 6 -q 6" (copycli knobs for every run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FS=${1:-xfs}
SIZE=${2:-2048}
CLI=$ROOT/tests/bench/copycli

[ "$(id -u)" = 0 ] || { echo "pit.sh: needs root (mount, losetup)"; exit 1; }
make -s -C "$ROOT" tests/bench/copycli >/dev/null

DIR=$(mktemp -d /tmp/arrayd-pit.XXXXXX)
DEV=
cleanup() {
	mountpoint -q "$DIR/mnt" && umount "$DIR/mnt"
	[ -n "$DEV" ] && losetup -d "$DEV"
	rm -rf "$DIR"
}
trap cleanup EXIT
truncate -s $((SIZE * 4 + 1024))M "$DIR/fs.img"
DEV=$(losetup --direct-io=on -f --show "$DIR/fs.img")
case $FS in
xfs) mkfs.xfs -q -f -m reflink=1 "$DEV" ;;
btrfs) mkfs.btrfs -q -f "$DEV" >/dev/null ;;
*) echo "pit.sh: xfs or btrfs"; exit 2 ;;
esac
mkdir "$DIR/mnt"
mount "$DEV" "$DIR/mnt"
M=$DIR/mnt

now() { date +%s.%N; }
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# change N: rewrite every 50th 1 MiB chunk (2%) of the volume, from offset N
change() {
	local i
	for ((i = $1; i < SIZE; i += 50)); do
		head -c 1M /dev/urandom | dd of="$M/vol" bs=1M seek=$i count=1 \
		    conv=notrunc oflag=direct iflag=fullblock status=none
	done
}
# timed NAME TARGET SOURCE COPYCLI-ARGS...: one row of the table
timed() {
	local name=$1 tgt=$2 src=$3 t0 t1 line
	shift 3
	drop
	t0=$(now)
	# shellcheck disable=SC2086 # ENGINE_ARGS is a list of options
	line=$("$CLI" ${ENGINE_ARGS:-} "$@" 2>&1 >/dev/null | grep '^copycli: status')
	sync
	t1=$(now)
	cmp -s "$src" "$tgt" || { echo "pit.sh: $name: target differs"; exit 1; }
	awk -v n="$name" -v t0="$t0" -v t1="$t1" -v size="$SIZE" -v l="$line" '
	    BEGIN { split(l, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
	        printf "%-34s %8.2f s  read %8.1f MiB  written %8.1f MiB  (%5.2f%% / %5.2f%% of the volume)  fell_back=%s\n",
	            n, t1 - t0, v["inblock"] / 2048, v["oublock"] / 2048,
	            v["inblock"] / 2048 * 100 / size, v["oublock"] / 2048 * 100 / size, v["fell_back"] }'
}

echo "pit.sh: $FS, volume $SIZE MiB, 1 MiB chunks, 2% changed, engine ${ENGINE_ARGS:-defaults}, $(uname -r)"
head -c "${SIZE}M" /dev/urandom | dd of="$M/vol" bs=1M oflag=direct iflag=fullblock status=none
sync
cp --reflink=always "$M/vol" "$M/img1"
timed "full copy (first sync)" "$M/tgt" "$M/img1" -m full -d "$M/tgt.map" -i 1 "$M/img1" "$M/tgt"
change 0
cp --reflink=always "$M/vol" "$M/img2"
timed "resync: extents (new)" "$M/tgt" "$M/img2" -m extents -B "$M/img1" -d "$M/tgt.map" -i 1 "$M/img2" "$M/tgt"
rm "$M/img1"
change 7
cp --reflink=always "$M/vol" "$M/img3"
timed "resync: diff with digest map" "$M/tgt" "$M/img3" -m diff -d "$M/tgt.map" -i 1 "$M/img3" "$M/tgt"
timed "resync: full copy, fresh target" "$M/tgt2" "$M/img3" -m full "$M/img3" "$M/tgt2"
rm -f "$M/tgt2"
change 13
timed "restore: extents, copied" "$M/vol" "$M/img3" -m extents -B "$M/vol" "$M/img3" "$M/vol"
change 21
timed "restore: extents, cloned" "$M/vol" "$M/img3" -m extents -C -B "$M/vol" "$M/img3" "$M/vol"
