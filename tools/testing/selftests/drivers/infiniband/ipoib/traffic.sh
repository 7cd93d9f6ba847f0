#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Traffic between two namespaces over ib_ipoib on softib: iperf3 UDP, IPv4
# and IPv6 multicast through kernel socket joins, then ping and IPv4
# multicast on a pair of P_Key 0x8001 children. After each join and each
# leave softib's debugfs (the ground truth) must show the receiver's QP
# attached, then detached; on our driver our debugfs <if>_mcg must agree
# with softib's attach list, group for group and MLID for MLID.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (IPOIB_IMPL=stock, or argument "stock"; traffic_stock.sh).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

MCAST_SOCK=$SRC/tools/testing/selftests/ipoib_umcast/mcast_sock
RECV_OUT=/tmp/traffic_mcast_recv.out

iperf_udp() {
	local out line loss
	host_exec h2 iperf3 -s -1 -D
	sleep 1
	# VM_SLOW: the VM runs a debug kernel that much slower (run.sh).
	out=$(iperf3 -c $A2 -u -b $((20 / ${VM_SLOW:-1}))M -t 3 -f m 2>&1)
	echo "$out" | tail -4 | sed 's/^/# /'
	line=$(grep receiver <<< "$out") || return 1
	loss=$(sed -n 's/.* \([0-9]*\)\/\([0-9]*\) .*/\1 \2/p' <<< "$line")
	echo "# lost/total: ${loss/ //}"
	# most datagrams arrive: loss below 20 %
	awk -v l="${loss% *}" -v t="${loss#* }" \
		'BEGIN { exit !(t > 0 && l * 5 < t) }'
}

# softib_has ID QPN MGID: softib lists QPN on device ID attached to MGID
softib_has() {
	grep -q "^dev=softib$1 port=1 qpn=$2 mgid=$3 " "$SOFTIB_DBG/attach"
}

# softib_wait ID QPN MGID: wait for the attachment, say how long it took
softib_wait() {
	local t0=$SECONDS

	if wait_for 20 softib_has "$@"; then
		echo "# attached after $((SECONDS - t0)) s"
		return 0
	fi
	sed 's/^/# attach: /' "$SOFTIB_DBG/attach"
	grep . $DBG/*_mcg | sed 's/^/# /'
	return 1
}

# mcast_start NETNS IF GROUP: a receiver joined on IF, counting 20 datagrams
mcast_start() {
	local ns=$1

	shift
	: > $RECV_OUT
	if [ "$ns" = h1 ]; then
		$MCAST_SOCK recv -i "$1" -g "$2" -c 20 -t 60 > $RECV_OUT &
	else
		host_exec "$ns" $MCAST_SOCK recv -i "$1" -g "$2" -c 20 -t 60 \
			> $RECV_OUT &
	fi
	RECV_PID=$!
	wait_for 10 grep -qxF "joined group=$2 if=$1" $RECV_OUT
}

# mcast_send NETNS IF GROUP: 20 datagrams at 100/s, then the receiver's count
mcast_send() {
	local ns=$1 rc

	shift
	if [ "$ns" = h1 ]; then
		$MCAST_SOCK send -i "$1" -g "$2" -c 20 -r 100 | sed 's/^/# /'
	else
		host_exec "$ns" $MCAST_SOCK send -i "$1" -g "$2" -c 20 -r 100 |
			sed 's/^/# /'
	fi
	wait $RECV_PID
	rc=$?
	sed 's/^/# receiver: /' $RECV_OUT
	[ $rc = 0 ] && grep -qx 'received 20' $RECV_OUT
}

# mcg_check IF ID QPN MGID joined|left: our debugfs shows MGID joined (or
# not) and agrees with softib's attach list for QPN
mcg_joined_agree() {
	dbg_group_joined "$1" "$4" && mcg_agree "$1" "$2" "$3"
}

mcg_left_agree() {
	! dbg_group_joined "$1" "$4" && mcg_agree "$1" "$2" "$3"
}

mcg_check() {
	local how=$5

	set -- "${@:1:4}"
	wait_for 10 "mcg_${how}_agree" "$@" && return 0
	grep . "$DBG/${1}_mcg" | sed 's/^/# /'
	mcg_agree_show "$1" "$2" "$3"
	return 1
}

# mcast_case FAMILY GROUP MGID RX_NS RX_IF RX_ID TX_NS TX_IF
mcast_case() {
	local fam=$1 grp=$2 mgid=$3 rns=$4 rif=$5 rid=$6 tns=$7 tif=$8 qpn

	if [ "$rns" = h1 ]; then
		qpn=$(qpn_of "$rif")
	else
		qpn=$(qpn_of "$rif" "$rns")
	fi
	tap_check "$fam multicast: socket join of $grp on $rns" \
		mcast_start "$rns" "$rif" "$grp"
	tap_check "$fam multicast: softib has $rns's QP $qpn attached to $mgid" \
		softib_wait "$rid" "$qpn" "$mgid"
	tap_beyond "$fam multicast: our debugfs ${rif}_mcg agrees with softib after the join" \
		mcg_check "$rif" "$rid" "$qpn" "$mgid" joined
	tap_check "$fam multicast $tns -> $rns: 20 of 20 through the socket join" \
		mcast_send "$tns" "$tif" "$grp"
	tap_check "$fam multicast: after the leave softib has $rns's QP detached" \
		wait_for 10 eval '! softib_has "$rid" "$qpn" "$mgid"'
	tap_beyond "$fam multicast: our debugfs ${rif}_mcg agrees with softib after the leave" \
		mcg_check "$rif" "$rid" "$qpn" "$mgid" left
	sed 's/^/# attach: /' "$SOFTIB_DBG/attach"
}

# pkey_children: P_Key 0x8001 in both ports' tables, a netlink child on each
# interface (C1 in h1, C2 in h2), addressed and with carrier
pkey_children() {
	C1=$IF1.8001 C2=$IF2.8001
	softib_knob 33 1 pkeys "1 0x8001" && softib_knob 34 1 pkeys "1 0x8001" &&
	$IP link add link "$IF1" name "$C1" type ipoib pkey 0x8001 &&
	host_exec h2 $IP link add link "$IF2" name "$C2" type ipoib pkey 0x8001 &&
	$IP addr add 10.133.0.1/24 dev "$C1" && $IP link set "$C1" up &&
	host_exec h2 $IP addr add 10.133.0.2/24 dev "$C2" &&
	host_exec h2 $IP link set "$C2" up &&
	wait_for 20 carrier_up "$C1" && wait_for 20 carrier_up "$C2" h2
}

tap_plan 27
echo "# driver: $IPOIB_IMPL ib_ipoib"
tap_check "softib and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && ipoib_load'
tap_check "the requested module is the one loaded" ipoib_is_requested
tap_check "two devices, interfaces up, one in netns h2" ipoib_pair 33 34 33
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
tap_check "ping IPv4 h1 -> h2" ping -c 2 -W 3 $A2
if command -v iperf3 >/dev/null; then
	tap_check "iperf3 UDP $((20 / ${VM_SLOW:-1})) Mbit/s h1 -> h2, loss below 20 %" iperf_udp
else
	tap_skip "iperf3 UDP $((20 / ${VM_SLOW:-1})) Mbit/s h1 -> h2, loss below 20 %" "no iperf3"
fi
if [ -x "$MCAST_SOCK" ]; then
	# ip_ib_mc_map() keeps the low 28 bits of the IPv4 group: ef -> 0f
	mcast_case IPv4 239.1.2.3 ff12:401b:ffff:0000:0000:0000:0f01:0203 \
		h1 "$IF1" 33 h2 "$IF2"
	mcast_case IPv6 ff12::1:5 ff12:601b:ffff:0000:0000:0000:0001:0005 \
		h2 "$IF2" 34 h1 "$IF1"
else
	for i in $(seq 12); do
		tap_skip "multicast step $i" "mcast_sock not built"
	done
fi
tap_check "P_Key 0x8001 children, one in h2, carrier on both" pkey_children
tap_check "P_Key child: ping IPv4 h1 -> h2" ping -c 2 -W 3 10.133.0.2
if [ -x "$MCAST_SOCK" ]; then
	mcast_case "P_Key child IPv4" 239.1.2.4 \
		ff12:401b:8001:0000:0000:0000:0f01:0204 h2 "$C2" 34 h1 "$C1"
else
	for i in $(seq 6); do
		tap_skip "multicast step $i" "mcast_sock not built"
	done
fi
tap_check "no kernel warnings" dmesg_clean
softib_del 33
softib_del 34
tap_done
