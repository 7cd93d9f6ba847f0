#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The largest MTU our ib_ipoib advertises is the largest it accepts, on a
# parent and on a P_Key child: "ip -d -j link show" reports max_mtu M,
# "ip link set mtu M" succeeds and M + 1 is refused. Before the broadcast
# group is joined M is the port's IB MTU (4096 on softib) less the 4-byte
# IPoIB header; once it is joined, M and the MTU are the group's (2048 on
# softib) less the header.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

CH=ipomtu

max_mtu() {	# max_mtu IF
	$IP -d -j link show dev "$1" |
		sed -n 's/.*"max_mtu":\([0-9]*\).*/\1/p'
}

mtu_of() {
	cat "/sys/class/net/$1/mtu"
}

# limits_agree IF WANT: max_mtu is WANT, is accepted, and one more is not
limits_agree() {
	local max err

	max=$(max_mtu "$1")
	echo "# $1: max_mtu ${max:-none}, mtu $(mtu_of "$1")"
	[ "$max" = "$2" ] || return 1
	err=$($IP link set dev "$1" mtu "$max" 2>&1)
	echo "# ip link set dev $1 mtu $max: ${err:-ok}"
	[ -z "$err" ] && [ "$(mtu_of "$1")" = "$max" ] || return 1
	err=$($IP link set dev "$1" mtu $((max + 1)) 2>&1)
	echo "# ip link set dev $1 mtu $((max + 1)): ${err:-ok}"
	[ -n "$err" ] && [ "$(mtu_of "$1")" = "$max" ]
}

bring_up() {
	$IP link set "$IF" up && $IP link set "$CH" up &&
	wait_for 15 carrier_up "$IF" && wait_for 15 carrier_up "$CH"
}

tap_plan 8
tap_check "softib and our ib_ipoib load" \
	eval 'softib_setup && load_ours ib_ipoib'
tap_check "a device with P_Key 0x8001, its interface and a 0x8001 child" \
	eval 'softib_new 71 1 && softib_knob 71 1 pkeys "1 0x8001" &&
	      wait_for 10 softib_ipoib_if 71 >/dev/null &&
	      IF=$(softib_ipoib_if 71) &&
	      $IP link add link "$IF" name $CH type ipoib pkey 0x8001'
tap_check "parent, down: max_mtu 4092 accepted, 4093 refused" \
	limits_agree "$IF" 4092
tap_check "child, down: max_mtu 4092 accepted, 4093 refused" \
	limits_agree $CH 4092
tap_check "both up, with carrier (broadcast groups joined)" bring_up
tap_check "parent, joined: max_mtu 2044 accepted, 2045 refused" \
	limits_agree "$IF" 2044
tap_check "child, joined: max_mtu 2044 accepted, 2045 refused" \
	limits_agree $CH 2044
tap_check "no kernel warnings" dmesg_clean
$IP link del $CH
softib_del 71
tap_done
