#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wire format, judged by an outside decoder: softib records port 1 of
# softib91 (debugfs capture, an ERF pcap as ibdump writes) while IPoIB
# resolves and pings its peer over IPv4 and IPv6, and Debian's tshark
# decodes the file.  Every packet must decode without error, and ARP
# requests and IPv6 neighbour solicitations must be multicast (an MLID,
# a GRH to the group's MGID, QP 0xFFFFFF) while replies and pings are
# unicast to the peer's LID and QPN (the ones in its hardware address),
# all with the partition's P_Key and the broadcast group's Q_Key, the
# RFC 4391 encapsulation header naming ARP, IPv4 or IPv6.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (capture_stock.sh): the same checks judge both.
# vm-layer: tshark
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

PCAP=/tmp/softib91.pcap
BCAST_MGID=ff12:401b:ffff::ffff:ffff
FIELDS="erf.flags.cap infiniband.lrh.lnh infiniband.lrh.dlid
	infiniband.lrh.slid infiniband.lrh.pktlen frame.len
	infiniband.grh.dgid infiniband.bth.opcode infiniband.bth.p_key
	infiniband.bth.destqp infiniband.deth.q_key infiniband.deth.srcqp
	infiniband.rwh.etype arp.opcode icmp.type icmpv6.type
	_ws.col.Protocol"

lid_of() {	# lid_of ID: port 1's LID, decimal
	echo $(($(cat "/sys/class/infiniband/softib$1/ports/1/lid")))
}

qpn_of() {	# qpn_of IF [NETNS]: the QPN in an interface's hardware address
	local a
	if [ -n "${2:-}" ]; then
		a=$(host_exec "$2" cat "/sys/class/net/$1/address")
	else
		a=$(cat "/sys/class/net/$1/address")
	fi
	echo $((0x${a:3:2}${a:6:2}${a:9:2}))
}

write_fails() {	# write_fails VALUE: the capture knob refuses VALUE (EINVAL)
	local err
	err=$( (echo "$1" > $SOFTIB_DBG/capture) 2>&1) && return 1
	[[ $err == *"Invalid argument"* ]]
}

bad_input() {
	write_fails "91 0 5" && write_fails "91 5 5" && write_fails "91 1 0" &&
		write_fails "91 1 10001" && write_fails "65536 1 1" &&
		write_fails "91 1" && write_fails "on" &&
		grep -q "left=0 kept=0" $SOFTIB_DBG/capture
}

traffic() {	# neighbours forgotten, then ARP, ND and pings both ways
	$IP neigh flush dev "$IF1" && host_exec h2 $IP neigh flush dev "$IF2" &&
		ping -c 2 -W 3 $A2 > /dev/null &&
		host_exec h2 ping -c 2 -W 3 $A1 > /dev/null &&
		ping -6 -c 2 -W 3 $B2 > /dev/null &&
		host_exec h2 ping -6 -c 2 -W 3 $B1 > /dev/null
}

decode() {	# the capture as one line of $FIELDS per packet, in $ROWS
	local args=() f
	for f in $FIELDS; do
		args+=(-e "$f")
	done
	cat $SOFTIB_DBG/capture.pcap > $PCAP || return 1
	ROWS=$(tshark -r $PCAP -T fields -E separator=/t -E occurrence=f \
		"${args[@]}" 2>/dev/null)
	echo "# $(grep -c . <<< "$ROWS") packets decoded"
	[ -n "$ROWS" ]
}

# rows AWK-CONDITION: how many decoded packets meet it (fields $1..$17)
rows() {
	awk -F '\t' "$1 { n++ } END { print n + 0 }" <<< "$ROWS"
}

# Column numbers of $FIELDS, for rows()
IFACE='$1' LNH='$2' DLID='$3' SLID='$4' PKTLEN='$5' FLEN='$6' DGID='$7'
OPC='$8' PKEY='$9' DQP='$10' QKEY='$11' SQP='$12' ETYPE='$13'
ARP='$14' ICMP='$15' ICMP6='$16'

tap_plan 15
echo "# driver: $IPOIB_IMPL ib_ipoib"
# the VM runner brings it: this file asks for its tshark layer
tap_check "tshark is there (the runner's tshark layer)" command -v tshark
tap_check "softib and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && ipoib_load'
tap_check "the requested module is the one loaded" ipoib_is_requested
tap_check "two devices, interfaces up, one in netns h2" \
	eval 'ipoib_pair 91 92 91 && wait_for 15 carrier_up "$IF1" &&
	      wait_for 15 carrier_up "$IF2" h2'
tap_check "capture refuses port 0 or 5, count 0 or 10001, ID 65536, junk" \
	bad_input
L1=$(lid_of 91) L2=$(lid_of 92)
Q1=$(qpn_of "$IF1") Q2=$(qpn_of "$IF2" h2)
echo "# softib91: LID $L1, QPN $Q1; softib92: LID $L2, QPN $Q2"
# as tshark prints them: DestQP in 6 hex digits, SrcQP in 8
D1=$(printf '"0x%06x"' "$Q1") D2=$(printf '"0x%06x"' "$Q2")
S1=$(printf '"0x%08x"' "$Q1") SQP1='"0x00000001"'
tap_check "capture of softib91 port 1 during ARP, ND and pings both ways" \
	eval 'echo "91 1 2000" > $SOFTIB_DBG/capture && traffic &&
	      echo off > $SOFTIB_DBG/capture &&
	      sed "s/^/# /" $SOFTIB_DBG/capture'
tap_check "tshark reads the capture, every packet kept" \
	eval 'decode && [ "$(grep -c . <<< "$ROWS")" = \
		"$(sed -n "s/.*kept=//p" $SOFTIB_DBG/capture)" ]'
echo "$ROWS" | head -n 12 | tr '\t' ' ' | sed 's/^/# /'
tap_check "no packet malformed, no decoder error" \
	eval '[ -z "$(tshark -r $PCAP -Y "_ws.malformed || _ws.expert.severity >= error" \
		2>/dev/null)" ]'
tap_check "every packet: UD SEND (opcode 100), P_Key 0xffff, its PktLen" \
	eval '[ "$(rows "$OPC != 100 || $PKEY != 65535 ||
			 $PKTLEN * 4 + 2 != $FLEN")" = 0 ]'
tap_check "sent (ERF interface 0) from our LID and QPN, received (1) by them" \
	eval '[ "$(rows "$IFACE == 0 && ($SLID != $L1 || $SQP != $S1) &&
			 $SQP != $SQP1")" = 0 ] &&
	      [ "$(rows "$IFACE == 1 && $DLID != $L1 && $DLID < 49152")" = 0 ] &&
	      [ "$(rows "$IFACE == 0")" -gt 0 ] && [ "$(rows "$IFACE == 1")" -gt 0 ]'
tap_check "IPoIB packets carry the broadcast group's Q_Key 0x0000000b" \
	eval '[ "$(rows "$ETYPE != \"\" && $QKEY != \"0x000000000000000b\"")" = 0 ]'
tap_check "ARP request: multicast to the broadcast group, QP 0xffffff" \
	eval '[ "$(rows "$ARP == 1 && $IFACE == 0 && $LNH == \"0x03\" &&
			 $DLID >= 49152 && $DGID == \"$BCAST_MGID\" &&
			 $DQP == \"0xffffff\" && $ETYPE == \"0x0806\"")" -ge 1 ]'
tap_check "ARP reply and ICMP echo: unicast to the peer's LID and QPN" \
	eval '[ "$(rows "$ARP == 2 && $LNH == \"0x02\" && $ETYPE == \"0x0806\"")" -ge 1 ] &&
	      [ "$(rows "$ICMP == 8 && $IFACE == 0 && $DLID == $L2 &&
			 $DQP == $D2 && $ETYPE == \"0x0800\"")" -ge 2 ] &&
	      [ "$(rows "$ICMP == 0 && $IFACE == 1 && $DLID == $L1 &&
			 $DQP == $D1")" -ge 2 ]'
tap_check "IPv6: NS to a solicited-node group, NA and echo unicast" \
	eval '[ "$(rows "$ICMP6 == 135 && $LNH == \"0x03\" && $DLID >= 49152 &&
			 $DGID ~ /^ff12:601b:ffff::1:ff/ && $ETYPE == \"0x86dd\"")" -ge 1 ] &&
	      [ "$(rows "$ICMP6 == 136 && $DLID < 49152")" -ge 1 ] &&
	      [ "$(rows "$ICMP6 == 128 && $IFACE == 0 && $DLID == $L2")" -ge 2 ]'
tap_check "no kernel warnings" dmesg_clean
tap_done
