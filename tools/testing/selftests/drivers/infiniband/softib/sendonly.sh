#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast goes to the members that receive (IBA join states): four
# devices, a UD QP attached to the same group on three of them, one port
# joined at the SA as a full member (0x1), one as a non-member (0x2), one
# as a send-only member (0x8).  A sender on the fourth device reaches the
# full member and the non-member, not the send-only member.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
MGID=ff12:401b:ffff:0000:0000:0000:0000:5678

ready() {
	grep -q ready "$1"
}

run() {
	local u1 u2 u3 u4 p1 p2 p4 rc=0
	u1=$(umad_of softib121 1) && u2=$(umad_of softib122 1) &&
		u3=$(umad_of softib123 1) && u4=$(umad_of softib124 1) ||
		return 1
	./ud_mcast recv softib121 "$u1" 1 20 8000 > /tmp/full.out 2>&1 &
	p1=$!
	./ud_mcast recv softib122 "$u2" 8 20 8000 > /tmp/sendonly.out 2>&1 &
	p2=$!
	./ud_mcast recv softib124 "$u4" 2 20 8000 > /tmp/non.out 2>&1 &
	p4=$!
	wait_for 10 ready /tmp/full.out && wait_for 10 ready /tmp/sendonly.out &&
		wait_for 10 ready /tmp/non.out || rc=1
	grep "mgid=$MGID" $SOFTIB_DBG/groups | sed 's/^/# /'
	./ud_mcast send softib123 "$u3" 20 | sed 's/^/# sender: /'
	wait $p1
	wait $p2
	wait $p4
	sed 's/^/# full member: /' /tmp/full.out
	sed 's/^/# non-member: /' /tmp/non.out
	sed 's/^/# send-only member: /' /tmp/sendonly.out
	return $rc
}

tap_plan 8
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "four devices" \
	eval 'softib_new 121 1 && softib_new 122 1 && softib_new 123 1 && softib_new 124 1'
tap_check "umad nodes" eval 'wait_for 5 umad_of softib124 1 >/dev/null'
tap_check "receivers joined and attached, sender sent" run
tap_check "full member (0x1) receives 20 of 20" \
	grep -qx "received=20" /tmp/full.out
tap_check "non-member (0x2) receives 20 of 20" \
	grep -qx "received=20" /tmp/non.out
tap_check "send-only member (0x8) receives 0" \
	grep -qx "received=0" /tmp/sendonly.out
tap_check "no kernel warnings" dmesg_clean
tap_done
