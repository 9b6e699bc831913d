# SPDX-License-Identifier: ISC
# loopfs.sh - sourced by the copy benchmarks: a real file system on a loop
# device with direct I/O (`losetup --direct-io=on`), so that the guest's
# reads reach the disk instead of a second page cache over the image file,
# and a dropped cache is cold.
#
#   loopfs_make FSTYPE SIZE DIR [MKFS_OPTS...]  image DIR/FSTYPE.img (sparse,
#       SIZE as truncate takes it) on a new loop device, mounted on
#       DIR/FSTYPE.mnt with -o discard (removed files give their space
#       back to the image's file system).  Sets LOOPFS_MNT and LOOPFS_DEV.
#       Returns 1 with one line on stderr when it cannot (not root, no loop
#       device, mkfs missing, not enough space for SIZE in DIR).
#   loopfs_cleanup   unmounts, detaches and removes everything made here;
#       the caller runs it from its EXIT trap.
LOOPFS_MADE=()

loopfs_make() {
	local fs=$1 size=$2 dir=$3 img mnt dev need avail
	shift 3
	if [ "$(id -u)" != 0 ]; then
		echo "loopfs: not root: cannot make a $fs loop file system" >&2; return 1
	fi
	command -v "mkfs.$fs" > /dev/null || { echo "loopfs: no mkfs.$fs" >&2; return 1; }
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir" || return 1
		LOOPFS_MADE+=("rmdir '$dir'")
	fi
	need=$(numfmt --from=iec "$size") || return 1
	avail=$(( $(stat -f -c '%a * %S' "$dir") ))
	if [ "$avail" -lt "$need" ]; then
		echo "loopfs: $dir has $(numfmt --to=iec "$avail") free, the $fs image needs $size" >&2
		return 1
	fi
	img=$dir/$fs.img; mnt=$dir/$fs.mnt
	rm -f "$img"
	truncate -s "$size" "$img" || return 1
	LOOPFS_MADE+=("rm -f '$img'")
	dev=$(losetup --find --show --direct-io=on "$img") ||
	    { echo "loopfs: losetup failed" >&2; return 1; }
	LOOPFS_MADE+=("losetup -d '$dev'")
	"mkfs.$fs" -q "$@" "$dev" > /dev/null || { echo "loopfs: mkfs.$fs failed" >&2; return 1; }
	mkdir -p "$mnt" && mount -o discard "$dev" "$mnt" ||
	    { echo "loopfs: mount failed" >&2; return 1; }
	LOOPFS_MADE+=("umount '$mnt' && rmdir '$mnt'")
	LOOPFS_MNT=$mnt; LOOPFS_DEV=$dev
}

loopfs_cleanup() {
	local i
	for (( i = ${#LOOPFS_MADE[@]} - 1; i >= 0; i-- )); do
		eval "${LOOPFS_MADE[$i]}" 2> /dev/null ||
		    { sleep 1; eval "${LOOPFS_MADE[$i]}" 2> /dev/null; }
	done
	LOOPFS_MADE=()
}
