#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Garbage, duplicate and out-of-range input to new_device/del_device (and
# its offload list) is refused with the right errno and changes nothing.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

devices() {
	ls $SOFTIB_BUS/devices | tr '\n' ' '
	ls /sys/class/infiniband | tr '\n' ' '
}

# expect FILE INPUT ERRNO-TEXT: the write fails with that error, and
# neither the bus nor the InfiniBand class changes.
expect() {
	local before after err
	before=$(devices)
	err=$( (echo "$2" > "$SOFTIB_BUS/$1") 2>&1)
	after=$(devices)
	echo "# $1 <- '$2': ${err:-success}"
	[[ $err == *"$3"* ]] && [ "$before" = "$after" ]
}

tap_plan 22
tap_check "softib loads" softib_setup
tap_check "new_device 41 1" softib_new 41 1
tap_check "garbage" expect new_device "abc" "Invalid argument"
tap_check "empty" expect new_device "" "Invalid argument"
tap_check "ID without port count" expect new_device "42" "Invalid argument"
tap_check "zero ports" expect new_device "42 0" "Invalid argument"
tap_check "too many ports" expect new_device "42 99" "Invalid argument"
tap_check "ID out of range" expect new_device "70000 1" "Invalid argument"
tap_check "negative ID" expect new_device "-1 1" "Invalid argument"
tap_check "trailing garbage" expect new_device "42 1 x" "Invalid argument"
tap_check "offload named twice" expect new_device "42 1 csum,csum" "Invalid argument"
tap_check "unknown offload" expect new_device "42 1 tso,lro" "Invalid argument"
tap_check "empty offload name" expect new_device "42 1 tso," "Invalid argument"
tap_check "garbage after offloads" expect new_device "42 1 csum,tso x" "Invalid argument"
tap_check "offloads none: accepted and shown" \
	eval 'softib_new 42 1 none && [ "$(cat $SOFTIB_BUS/devices/softib42/offloads)" = none ]'
tap_check "default offloads: csum,tso" \
	eval '[ "$(cat $SOFTIB_BUS/devices/softib41/offloads)" = csum,tso ]'
tap_check "duplicate ID" expect new_device "41 2" "File exists"
tap_check "del unknown ID" expect del_device "43" "No such file or directory"
tap_check "del garbage" expect del_device "x" "Invalid argument"
tap_check "del out of range" expect del_device "70000" "Invalid argument"
tap_check "del 41 works" softib_del 41
softib_del 42
tap_check "no kernel warnings" dmesg_clean
tap_done
