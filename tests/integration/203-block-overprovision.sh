#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 203-block-overprovision: the per-pool `overprovision` limit
# (notes/bs-decisions.md): with 1 % the pool may promise capacity/100 less
# what its volumes already have; a bigger create is 4097 with out Size =
# that headroom rounded down to 256 MiB (the same as GetSupportedSizeRange
# says), a create of exactly that is made, then nothing more (4097, Size
# 0) and no grow; a delete gives the room back; 0 = no limit (16 TiB, and
# a file the file system cannot hold is 4097 with nothing left behind).
# Skips (77) while the daemon does not know the key yet (branch bsdaemon).
. "$(dirname "$0")/lib.sh"

U=268435456
TIB16=17592186044416
setup_array
trap on_exit EXIT
set_overprovision() {	# PERCENT: the key in [pool pool0]
	sed -i '/^overprovision = /d' "$CONF"
	sed -i "s|^path = $TEST_DIR/pool0\$|&\noverprovision = $1|" "$CONF"
}
set_overprovision 1
if ! "$ARRAYD" -t -c "$CONF" > "$TEST_DIR/t.out" 2>&1; then
	if grep -q "overprovision: unknown key" "$TEST_DIR/t.out"; then
		echo "skip: this arrayd has no [pool] overprovision key yet: $(cat "$TEST_DIR/t.out")"
		exit 77
	fi
	die "arrayd -t: $(cat "$TEST_DIR/t.out")"
fi
launch_daemon
P=$TEST_DIR/pool0
configured=$((4 * 67108864 + 16777216))

get_instance "$(pool_in)" TotalManagedSpace
cap=$(xq prop TotalManagedSpace)
expect_eq "TotalManagedSpace = df size" "$(df -B1 --output=size "$P" | tail -1 | tr -d ' ')" "$cap"
room=$(( cap / 100 - configured )); room=$(( room - room % U ))
note "capacity $cap, 1 % headroom $room"
[ "$room" -ge $((2 * U)) ] || { echo "skip: file system too small for this test ($cap)"; exit 77; }
pool_call GetSupportedSizeRange ""
expect_rc 0 "GetSupportedSizeRange"
expect_eq "MaximumVolumeSize = 1 % headroom" "$room" "$(xq outparam MaximumVolumeSize)"
create_vol opBig $(( cap / 100 + 1 ))
expect_rv 4097 "create bigger than 1 % of the file system"
expect_eq "out Size = headroom rounded down" "$room" "$OUTSIZE"
[ -e "$P/opBig.img" ] && fail "opBig.img made" || pass "no opBig.img"
create_vol opBig $(( room + 1 ))
expect_rv 4097 "create one byte over the headroom"
expect_eq "out Size" "$room" "$OUTSIZE"
create_vol opMax "$room"
expect_rv 0 "create exactly the headroom"
M=$NEWID
expect_eq "opMax.img size" "$room" "$(stat -c %s "$P/opMax.img" 2>&1)"
expect_eq "opMax.img sparse" 0 "$(stat -c %b "$P/opMax.img" 2>&1)"
create_vol opMore $U
expect_rv 4097 "create with no headroom left"
expect_eq "no headroom: out Size 0" 0 "$OUTSIZE"
[ -e "$P/opMore.img" ] && fail "opMore.img made" || pass "no opMore.img"
grow_vol "$M" $((room + U))
expect_rv 4097 "grow with no headroom left"
expect_eq "grow refused: out Size = current" "$room" "$OUTSIZE"
expect_eq "opMax.img size kept" "$room" "$(stat -c %s "$P/opMax.img" 2>&1)"
pool_call GetSupportedSizeRange ""
expect_eq "MaximumVolumeSize at the limit" 0 "$(xq outparam MaximumVolumeSize)"
return_vol "$M"
expect_rv 0 "delete opMax"
create_vol opMore $U
expect_rv 0 "room again after the delete"
stop_daemon

set_overprovision 0
launch_daemon
pool_call GetSupportedSizeRange ""
expect_eq "overprovision 0: MaximumVolumeSize 16 TiB" $TIB16 "$(xq outparam MaximumVolumeSize)"
create_vol opHuge $((TIB16 + 1))
expect_rv 4097 "overprovision 0: over 16 TiB"
expect_eq "over 16 TiB: out Size" $TIB16 "$OUTSIZE"
# 16 TiB is what the range promises, but ext4 holds at most 16 TiB - 4 KiB
# in a file: EFBIG -> 4097 (decisions: file errors), and no file left.
create_vol opHuge $TIB16
if [ "$RC" = 0 ]; then
	pass "a 16 TiB volume was made (file system allows it)"
	expect_eq "opHuge.img size" $TIB16 "$(stat -c %s "$P/opHuge.img" 2>&1)"
	return_vol "$NEWID"; expect_rv 0 "delete opHuge"
else
	expect_rv 4097 "16 TiB refused by the file system"
	# The next size down is offered, and it can be had.
	expect_eq "refused 16 TiB: out Size" $((TIB16 - 268435456)) "$OUTSIZE"
	create_vol opHuge "$OUTSIZE"
	expect_rv 0 "the offered size"
	expect_eq "opHuge.img size" $((TIB16 - 268435456)) "$(stat -c %s "$P/opHuge.img" 2>&1)"
	return_vol "$NEWID"; expect_rv 0 "delete opHuge"
fi
[ -e "$P/opHuge.img" ] && fail "opHuge.img left behind" || pass "no opHuge.img"

finish
