#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's demo, run inside the VM: two hosts (network namespaces) on a
# softib fabric with our ib_ipoib. On host A an application joins group
# 239.1.1.1 through rdma_cm and receives on its own QP, and a kernel socket
# joins the same group, as an HPC feed handler does to keep routers
# forwarding. Host B streams to the group. With umcast 0 IPoIB attaches its
# QP too and the host gets every packet twice; with umcast 1 it does not.
cd "$SRC/tools/testing/selftests/ipoib_umcast" || exit 1
source ./lib.sh
trap fabric_cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

# Who is attached to GROUP on host A, by QP number, from softib's debugfs.
who() {
	local qpn line
	qpn=$(ipoib_qpn "$IF_A")
	grep "mgid=$(mgid_of "$1" "$IF_A") " $SOFTIB_DBG/attach |
		grep 'dev=softib91 ' | while read -r line; do
		case $line in
		*"qpn=$qpn "*) echo "   IPoIB's QP ($qpn) is attached" ;;
		*) echo "   the application's QP ($(echo "$line" |
			sed 's/.*qpn=\([^ ]*\).*/\1/')) is attached" ;;
		esac
	done
}

round() {	# round UMCAST GROUP
	local rx0 g=$2
	say "umcast $1: echo $1 > /sys/class/net/$IF_A/umcast"
	umcast_set "$IF_A" "$1"
	user_join u "$g" && sock_join s "$g" || exit 1
	sleep 2
	echo " application and socket on host A joined $g; attached:"
	who "$g"
	echo "   ethtool -S $IF_A: $(ethtool -S "$IF_A" | grep -o 'umcast_ignored_groups: [0-9]*')"
	rx0=$(rx_packets "$IF_A")
	send_from_b "$g" 1000
	echo " host B sent 1000 datagrams:"
	echo "   the application received $(member_stop u)"
	echo "   the kernel socket received $(member_stop s)"
	echo "   IPoIB's receive counter on $IF_A moved by $(($(rx_packets "$IF_A") - rx0))"
}

say "two hosts on softib: A (this namespace) and B ($NS_B)"
fabric_setup || exit 1
ibv_devinfo | grep -E 'hca_id|state:|link_layer|port_lid' | sed 's/^/   /'
ip -br addr show dev "$IF_A" | sed 's/^/   /'
ip -d link show dev "$IF_A" | grep -o 'ipoib .*umcast [0-9]*' | sed 's/^/   /'
round 0 239.1.1.1
round 1 239.1.1.2
say "with umcast 1 the application still gets every packet, and IPoIB none"
