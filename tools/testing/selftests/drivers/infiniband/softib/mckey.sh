#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock rdma_cm multicast (mckey, IPoIB port space) between two network
# namespaces over softib: the receiver gets every message.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v mckey >/dev/null || tap_skip_all "mckey missing"

MGID=ff12:401b:ffff:0000:0000:0000:0f03:0303
MEMBER=no

mckey_run() {
	local rc gid2
	host_exec h2 timeout 60 mckey -p 2 -m 239.3.3.3 -b $A2 -C 20 \
		> /tmp/mckey_recv.out 2>&1 &
	sleep 3
	gid2=$(cat /sys/class/infiniband/softib52/ports/1/gids/0)
	grep "mgid=$MGID " $SOFTIB_DBG/groups | sed 's/^/# /'
	grep -q "^member mgid=$MGID port_gid=$gid2 .*join_state=0x1$" \
		$SOFTIB_DBG/groups && MEMBER=yes
	timeout 60 mckey -p 2 -m 239.3.3.3 -b $A1 -s -C 20 2>&1 |
		sed 's/^/# sender: /'
	wait $!
	rc=$?
	sed 's/^/# receiver: /' /tmp/mckey_recv.out
	return $rc
}

tap_plan 7
tap_check "softib, ib_ipoib, rdma_ucm load" \
	eval 'softib_setup && load_stock ib_ipoib && load_stock rdma_ucm'
tap_check "two devices, IPoIB up, one in netns h2" ipoib_pair 51 52 51
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
tap_check "mckey -p 2: receiver in h2 gets 20 of 20" mckey_run
tap_check "receiver's port was a full member at the SA" test $MEMBER = yes
tap_check "group left after mckey exits" \
	wait_for 10 eval '! grep -q "member mgid=$MGID " $SOFTIB_DBG/groups'
tap_check "no kernel warnings" dmesg_clean
tap_done
