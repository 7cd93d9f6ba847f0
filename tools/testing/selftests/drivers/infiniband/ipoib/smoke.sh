#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of ib_ipoib on softib: two one-port devices, one interface
# moved to netns h2, IPv4/IPv6 ping both ways, multicast ground truth in
# debugfs, the sysfs/netlink/ethtool control surface (good and bad input),
# P_Key children, and module unload while traffic runs.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (IPOIB_IMPL=stock, or argument "stock"; smoke_stock.sh). Checks only
# ours passes say "[beyond upstream]" and are skipped on stock; checks where
# ours differs by design are skipped on stock with the reason.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

BCAST_MGID=ff12:401b:ffff:0000:0000:0000:ffff:ffff
BCAST_ADDR=00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff

tap_plan 34
echo "# driver: $IPOIB_IMPL ib_ipoib"
tap_check "softib and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && ipoib_load'
tap_check "the requested module is the one loaded" ipoib_is_requested
tap_check "two devices, interfaces up, one in netns h2" ipoib_pair 31 32 31
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
$IP -d link show dev "$IF1" | sed 's/^/# /'
tap_check "ip -d link show: pkey 0xffff, mode datagram, umcast 0" \
	eval '$IP -d link show dev "$IF1" |
	      grep -Eq "ipoib pkey +0xffff mode +datagram umcast +0000"'
tap_check "MTU 2044 from the broadcast group" \
	eval '[ "$(cat /sys/class/net/$IF1/mtu)" = 2044 ]'
tap_check "broadcast address" \
	eval '[ "$(cat /sys/class/net/$IF1/broadcast)" = $BCAST_ADDR ]'
tap_check "ping IPv4 h1 -> h2" ping -c 3 -W 3 $A2
tap_check "ping IPv4 h2 -> h1" host_exec h2 ping -c 3 -W 3 $A1
tap_check "ping IPv6 h1 -> h2" ping -6 -c 3 -W 3 $B2
tap_check "ping IPv6 h2 -> h1" host_exec h2 ping -6 -c 3 -W 3 $B1
sed 's/^/# /' $DBG/${IF1}_mcg $DBG/${IF1}_path
tap_check "debugfs: broadcast group joined" \
	dbg_group_joined "$IF1" $BCAST_MGID
tap_check "debugfs: a resolved path" dbg_path_resolved "$IF1"
tap_check "softib: the interface's QP attached to the broadcast group" \
	grep -q "^dev=softib31 port=1 qpn=$(qpn_of "$IF1") mgid=$BCAST_MGID " \
		$SOFTIB_DBG/attach

sysfs_bad() {	# sysfs_bad FILE VALUE ERRTEXT
	local err
	err=$( (echo "$2" > "/sys/class/net/$IF1/$1") 2>&1)
	echo "# $1 <- '$2': ${err:-success}"
	[[ $err == *"$3"* ]]
}
tap_check "mode: datagram" grep -qx datagram /sys/class/net/$IF1/mode
NO_CM="stock implements connected mode; ours is datagram only by design"
tap_ours "mode: connected refused" "$NO_CM" \
	sysfs_bad mode connected "not supported"
tap_check "mode: garbage refused" sysfs_bad mode bogus "Invalid argument"
tap_check "umcast: 1 then 0" \
	eval 'echo 1 > /sys/class/net/$IF1/umcast &&
	      grep -qx 1 /sys/class/net/$IF1/umcast &&
	      echo 0 > /sys/class/net/$IF1/umcast &&
	      grep -qx 0 /sys/class/net/$IF1/umcast'
tap_beyond "umcast: garbage refused" \
	eval 'sysfs_bad umcast 2 "Invalid argument" &&
	      grep -qx 0 /sys/class/net/$IF1/umcast'

child_sysfs() {
	echo 0x8001 > /sys/class/net/$IF1/create_child || return 1
	grep -qx 0x8001 /sys/class/net/$IF1.8001/pkey || return 1
	grep -qx "$IF1" /sys/class/net/$IF1.8001/parent || return 1
	[ ! -e /sys/class/net/$IF1/parent ] || return 1
	sysfs_bad create_child 0x8001 "$DUP_ERR" || return 1
	sysfs_bad create_child 0x8000 "Invalid argument" || return 1
	echo 0x8001 > /sys/class/net/$IF1/delete_child || return 1
	# stock deletes the child from a work item
	wait_for 10 test ! -e /sys/class/net/$IF1.8001
}
# A second legacy child of the same P_Key: stock says ENOTUNIQ, ours EEXIST.
if is_ours; then
	DUP_ERR="File exists"
else
	DUP_ERR="Name not unique"
fi
tap_check "sysfs child create/delete, parent file, duplicate and 0x8000 refused" \
	child_sysfs

child_netlink() {
	$IP link add link "$IF1" name ipo8002 type ipoib pkey 0x8002 umcast 1 ||
		return 1
	$IP -d link show ipo8002 | sed 's/^/# /'
	$IP -d link show ipo8002 |
		grep -Eq "ipoib pkey +0x8002 mode +datagram umcast +0001" ||
		return 1
	# stock gives netlink children no sysfs umcast file: ask netlink
	$IP link set ipo8002 type ipoib umcast 0 || return 1
	$IP -d link show ipo8002 | grep -Eq "umcast +0000"
}
tap_check "netlink child add/change, ip -d link show pkey/mode/umcast" \
	child_netlink
tap_ours "netlink: mode connected refused" "$NO_CM" \
	eval '! $IP link set ipo8002 type ipoib mode connected 2>/dev/null'
tap_check "netlink child delete" $IP link del ipo8002
tap_beyond "netlink: child with P_Key 0x8000 refused" \
	eval '! $IP link add link "$IF1" name bad0 type ipoib pkey 0x8000 \
		2>/dev/null'

pkey_later() {	# a child waits for its P_Key to enter the port's table
	local c=$IF1.8003
	echo 0x8003 > /sys/class/net/$IF1/create_child || return 1
	$IP link set "$c" up || return 1
	sleep 2
	! carrier_up "$c" || return 1
	softib_knob 31 1 pkeys "2 0x8003" || return 1
	wait_for 15 carrier_up "$c" || return 1
	sed 's/^/# /' $DBG/${c}_mcg
	wait_for 10 dbg_group_joined "$c" ff12:401b:8003:0000:0000:0000:ffff:ffff ||
		return 1
	echo 0x8003 > /sys/class/net/$IF1/delete_child
}
tap_check "child: carrier once its P_Key appears" pkey_later

tap_beyond "ethtool -S has umcast_ignored_groups" \
	eval 'ethtool -S "$IF1" | grep -q umcast_ignored_groups'
tap_check "ethtool -i says ib_ipoib" \
	eval 'ethtool -i "$IF1" | grep -q "driver: ib_ipoib"'
tap_check "ethtool coalesce out of range refused" \
	eval '! ethtool -C "$IF1" rx-usecs 70000 2>/dev/null'

rdma_cm_ud() {	# SIDR to a listener in h2: rdma_cm asks us for the netdev
	local out
	command -v udaddy >/dev/null || return 0
	modprobe rdma_ucm && modprobe ib_uverbs || return 1
	host_exec h2 timeout 20 udaddy -b $A2 > /tmp/udaddy_srv.out 2>&1 &
	sleep 2
	out=$(timeout 20 udaddy -s $A2 -b $A1 -C 10 2>&1)
	wait $!
	echo "$out" | sed 's/^/# client: /'
	sed 's/^/# server: /' /tmp/udaddy_srv.out
	grep -q "test complete" <<< "$out" && grep -q "test complete" /tmp/udaddy_srv.out
}
tap_check "rdma_cm UD (udaddy) h1 -> h2 over the IPoIB addresses" rdma_cm_ud

iperf_run() {
	local out
	command -v iperf3 >/dev/null || return 0
	host_exec h2 iperf3 -s -1 -D
	sleep 1
	out=$(iperf3 -c $A2 -t 3 -f m 2>&1)
	echo "$out" | tail -3 | sed 's/^/# /'
	grep -q receiver <<< "$out"
}
tap_check "iperf3 TCP h1 -> h2" iperf_run

netns_refund() {	# a dying namespace hands the interface back
	local ifs
	host_add h3 && host_move "$IF1" h3 || return 1
	ip netns delete h3
	wait_for 10 test -e /sys/class/net/"$IF1" || return 1
	$IP addr add $A1/24 dev "$IF1" && $IP link set "$IF1" up &&
		wait_for 15 carrier_up "$IF1" && ping -c 1 -W 3 $A2 >/dev/null
}
tap_check "netns deletion returns the interface to init_net" netns_refund

rename_follows() {	# debugfs files follow an interface rename
	$IP link set "$IF1" down && $IP link set "$IF1" name ibren || return 1
	test -e $DBG/ibren_mcg && test ! -e $DBG/${IF1}_mcg
	local rc=$?
	$IP link set ibren name "$IF1" && $IP link set "$IF1" up || return 1
	[ $rc = 0 ] && test -e $DBG/${IF1}_mcg
}
tap_check "debugfs files follow a rename" rename_follows

unload_busy() {
	local pid rc
	host_exec h2 ping -f -W 1 $A1 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	timeout 30 rmmod ib_ipoib
	rc=$?
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "# rmmod: $rc"
	[ $rc = 0 ] && ! grep -q "^ib_ipoib " /proc/modules
}
tap_check "rmmod during a ping flood" unload_busy
tap_check "no kernel warnings" dmesg_clean
softib_del 31
softib_del 32
tap_done
