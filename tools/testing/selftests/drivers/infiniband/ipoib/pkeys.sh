#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# P_Key table changes, made through the SMA as a subnet manager makes them
# (SubnSet(PKeyTable)), and what IPoIB does with each:
#  - an entry that is not the interface's own changes: the carrier stays;
#  - index 0 gets another P_Key: the parent moves to it, as upstream's
#    does (sysfs pkey, ip -d link, the broadcast address, the broadcast
#    group at the SA), and traffic goes on in the new partition, ARP
#    included; ours also maps the IP multicast groups anew;
#  - a child's P_Key leaves the table: the child loses its carrier, the
#    parent keeps its own; the P_Key comes back: the child regains it.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (pkeys_stock.sh).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
BCAST=ff12:401b:8005:0000:0000:0000:ffff:ffff

lid_of() {	# lid_of ID: the LID of softibID's port
	echo $(($(cat "/sys/class/infiniband/softib$1/ports/1/lid")))
}

pkey_set() {	# pkey_set ID INDEX PKEY: PKeyTable Set, as the SM does
	./ud_mcast pkey "$U" "$(lid_of "$1")" "$2" "$3" |
		grep -qx "pkey=$(printf 0x%04x "$3")"
}

changes() {	# changes IF [NETNS]: the carrier changes of IF
	if [ -n "${2:-}" ]; then
		host_exec "$2" cat "/sys/class/net/$1/carrier_changes"
	else
		cat "/sys/class/net/$1/carrier_changes"
	fi
}

kept() {	# kept C0: IF1's carrier is up and did not change since C0
	local now
	now=$(changes "$IF1")
	echo "# $IF1 carrier changes: $1 before, $now now"
	carrier_up "$IF1" && [ "$now" = "$1" ]
}

pings() {	# pings A B: both ways, after ARP and ND forgot every neighbour
	$IP neigh flush dev "$IF1"
	host_exec h2 $IP neigh flush dev "$IF2"
	ping -c 2 -W 3 "$2" > /dev/null &&
		host_exec h2 ping -c 2 -W 3 "$1" > /dev/null
}

gid_of() {	# gid_of ID: port GID 0 of softibID as the SA prints it
	cat "/sys/class/infiniband/softib$1/ports/1/gids/0"
}

follows() {	# follows PKEY: IF1 moved to PKEY (sysfs, netlink, broadcast)
	local p=${1#0x} brd
	brd=$($IP link show dev "$IF1" | sed -n 's/.* brd \([0-9a-f:]*\).*/\1/p')
	echo "# $IF1: pkey $(cat "/sys/class/net/$IF1/pkey"), brd $brd"
	[ "$(cat "/sys/class/net/$IF1/pkey")" = "$1" ] &&
		$IP -d link show dev "$IF1" | grep -Eq "ipoib pkey +$1 " &&
		[[ $brd == *:12:40:1b:${p:0:2}:${p:2:2}:* ]]
}

joined_bcast() {	# joined_bcast ID: softibID is a member of $BCAST
	grep -q "^member mgid=$BCAST port_gid=$(gid_of "$1") " \
		"$SOFTIB_DBG/groups"
}

remapped() {	# IF1's IP groups carry the new P_Key, none the old
	local maddr
	maddr=$($IP maddr show dev "$IF1" | grep -E ':12:[46]0:1b:')
	echo "$maddr" | sed 's/^/# /'
	echo "$maddr" | grep -q ':12:[46]0:1b:80:05:' &&
		! echo "$maddr" | grep -q ':12:[46]0:1b:ff:ff:'
}

child_up() {	# children IF1.8001 and IF2.8001 with addresses and carrier
	C1=$IF1.8001 C2=$IF2.8001
	pkey_set 85 1 0x8001 && pkey_set 86 1 0x8001 &&
		$IP link add link "$IF1" name "$C1" type ipoib pkey 0x8001 &&
		host_exec h2 $IP link add link "$IF2" name "$C2" type ipoib \
			pkey 0x8001 &&
		$IP addr add 10.89.0.1/24 dev "$C1" && $IP link set "$C1" up &&
		host_exec h2 $IP addr add 10.89.0.2/24 dev "$C2" &&
		host_exec h2 $IP link set "$C2" up &&
		wait_for 20 carrier_up "$C1" && wait_for 20 carrier_up "$C2" h2 &&
		ping -c 2 -W 3 10.89.0.2 > /dev/null
}

tap_plan 14
echo "# driver: $IPOIB_IMPL ib_ipoib"
tap_check "softib, ib_umad and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && load_stock ib_umad && ipoib_load'
tap_check "two devices, interfaces up, one in netns h2" \
	eval 'ipoib_pair 85 86 88 && wait_for 15 carrier_up "$IF1" &&
	      wait_for 15 carrier_up "$IF2" h2 && pings $A1 $A2'
U=$(umad_of softib85 1)

C0=$(changes "$IF1")
tap_check "another entry (index 2) changes: the carrier stays, traffic too" \
	eval 'pkey_set 85 2 0x8007 && pkey_set 85 2 0 && pings $A1 $A2 &&
	      kept "$C0"'

tap_check "index 0 becomes 0x8005 on both ports" \
	eval 'pkey_set 85 0 0x8005 && pkey_set 86 0 0x8005'
tap_check "the parent follows: sysfs pkey, ip -d link, broadcast address" \
	wait_for 10 follows 0x8005
tap_check "the parent joins $BCAST at the SA, gets its carrier back" \
	eval 'wait_for 15 joined_bcast 85 && wait_for 15 carrier_up "$IF1" &&
	      wait_for 15 carrier_up "$IF2" h2'
tap_check "traffic in the new partition: ARP, ping both ways" \
	wait_for 10 pings $A1 $A2
tap_beyond "IPv4 and IPv6 groups mapped anew with P_Key 0x8005" \
	wait_for 10 remapped
tap_beyond "IPv6 in the new partition: ND (solicited-node groups), ping" \
	wait_for 10 pings $B1 $B2
tap_check "index 0 back to 0xffff: the parent follows, traffic goes on" \
	eval 'pkey_set 85 0 0xffff && pkey_set 86 0 0xffff &&
	      wait_for 10 follows 0xffff && wait_for 15 carrier_up "$IF1" &&
	      wait_for 10 pings $A1 $A2'

tap_check "child 0x8001 on both sides: carrier, ping" child_up
C0=$(changes "$IF1")
tap_check "the child's P_Key leaves the table: no carrier, parent keeps its" \
	eval 'pkey_set 85 1 0 && wait_for 10 eval "! carrier_up $C1" &&
	      pings $A1 $A2 && kept "$C0"'
tap_check "the P_Key comes back: the child's carrier and traffic too" \
	eval 'pkey_set 85 1 0x8001 && wait_for 20 carrier_up "$C1" &&
	      wait_for 10 eval "ping -c 1 -W 2 10.89.0.2 > /dev/null" &&
	      kept "$C0"'
tap_check "no kernel warnings" dmesg_clean
tap_done
