#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast goes to full members only: three devices, a UD QP attached to
# the same group on two of them, one port joined at the SA as a full
# member (0x1), the other as a send-only member (0x8).  A sender on the
# third device reaches the first and not the second.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
MGID=ff12:401b:ffff:0000:0000:0000:0000:5678

ready() {
	grep -q ready "$1"
}

run() {
	local u1 u2 u3 p1 p2 rc=0
	u1=$(umad_of softib121 1) && u2=$(umad_of softib122 1) &&
		u3=$(umad_of softib123 1) || return 1
	./ud_mcast recv softib121 "$u1" 1 20 8000 > /tmp/full.out 2>&1 &
	p1=$!
	./ud_mcast recv softib122 "$u2" 8 20 8000 > /tmp/sendonly.out 2>&1 &
	p2=$!
	wait_for 10 ready /tmp/full.out && wait_for 10 ready /tmp/sendonly.out ||
		rc=1
	grep "mgid=$MGID" $SOFTIB_DBG/groups | sed 's/^/# /'
	./ud_mcast send softib123 "$u3" 20 | sed 's/^/# sender: /'
	wait $p1 || rc=1
	wait $p2 && rc=1
	sed 's/^/# full member: /' /tmp/full.out
	sed 's/^/# send-only member: /' /tmp/sendonly.out
	grep -q "received=0" /tmp/sendonly.out || rc=1
	return $rc
}

tap_plan 5
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "three devices" \
	eval 'softib_new 121 1 && softib_new 122 1 && softib_new 123 1'
tap_check "umad nodes" eval 'wait_for 5 umad_of softib123 1 >/dev/null'
tap_check "full member receives 20 of 20, send-only member 0" run
tap_check "no kernel warnings" dmesg_clean
tap_done
