#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# softib's debugfs as a witness: with stock IPoIB up on two devices the
# broadcast group lists both ports as full members and both IPoIB QPs as
# attached; after "ip link set down" IPoIB's membership and attachment on
# that port are gone while the other port's stay.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

BCAST=ff12:401b:ffff:0000:0000:0000:ffff:ffff

gid_of() {	# gid_of ID
	cat /sys/class/infiniband/softib$1/ports/1/gids/0
}

member() {	# member ID JOIN_STATE
	grep -q "^member mgid=$BCAST port_gid=$(gid_of "$1") .*join_state=$2$" \
		$SOFTIB_DBG/groups
}

not_member() {
	! grep -q "^member mgid=$BCAST port_gid=$(gid_of "$1") " $SOFTIB_DBG/groups
}

attached() {	# attached ID
	grep -q "^dev=softib$1 port=1 qpn=.* mgid=$BCAST " $SOFTIB_DBG/attach
}

tap_plan 11
tap_check "softib and ib_ipoib load" \
	eval 'softib_setup && load_stock ib_ipoib'
tap_check "broadcast group exists before any join" \
	grep -q "^group mgid=$BCAST .*qkey=0x0000000b pkey=0xffff mtu=2048" \
	$SOFTIB_DBG/groups
tap_check "two devices, IPoIB up" ipoib_pair 61 62 61
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
sed 's/^/# /' $SOFTIB_DBG/groups
sed 's/^/# /' $SOFTIB_DBG/attach
tap_check "port of softib61 is a full member" member 61 0x1
tap_check "port of softib62 is a full member" member 62 0x1
tap_check "both IPoIB QPs attached to the broadcast group" \
	eval 'attached 61 && attached 62'
tap_check "ip link set down" $IP link set "$IF1" down
tap_check "softib61 membership gone" wait_for 10 not_member 61
tap_check "softib61 attachment gone, softib62 kept" \
	eval '! attached 61 && attached 62 && member 62 0x1'
sed 's/^/# /' $SOFTIB_DBG/groups
tap_check "no kernel warnings" dmesg_clean
tap_done
