#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# softib has no RC or UC transport, so it refuses RC and UC QPs where a
# device that lacks a transport refuses them: at creation, EOPNOTSUPP.
# UD QPs and SRQs (which UD QPs can receive through) are still created.
# ibv_rc_pingpong stops at QP creation.  Stock ib_ipoib cannot tell in
# advance: its ipoib_cm_dev_init() advertises connected mode without
# creating an RC QP, so "mode connected" is accepted; its first RC QP, for
# the first unicast destination, is then refused (dmesg "failed to create
# tx qp: -95") and unicast is lost until "mode datagram" brings it back.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./qp_types ] || tap_skip_all "qp_types not built"
command -v ibv_rc_pingpong >/dev/null || tap_skip_all "ibv_rc_pingpong missing"

qp_types() {
	local out
	out=$(./qp_types softib161)
	echo "# $out"
	[ "$out" = "rc=EOPNOTSUPP uc=EOPNOTSUPP ud=ok srq=ok ud_srq=ok " ]
}

rc_pingpong() {
	local out rc
	out=$(timeout 20 ibv_rc_pingpong -d softib161 -i 1 -p 18517 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	[ $rc = 1 ] && grep -q "Couldn't create QP" <<< "$out"
}

mode() {	# mode connected|datagram
	echo "$1" > "/sys/class/net/$IF1/mode" &&
		[ "$(cat "/sys/class/net/$IF1/mode")" = "$1" ]
}

tx_qp_refused() {
	dmesg | grep -q "$IF1: failed to create tx qp: -95"
}

tap_plan 10
tap_check "softib and ib_ipoib load" \
	eval 'softib_setup && load_stock ib_ipoib'
tap_check "device 161" softib_new 161 1
tap_check "RC and UC QPs refused with EOPNOTSUPP; UD, SRQ, UD on SRQ created" \
	qp_types
tap_check "ibv_rc_pingpong fails at QP creation" rc_pingpong
tap_check "stock IPoIB on two more devices, ping" \
	eval 'ipoib_pair 162 163 162 && wait_for 15 carrier_up "$IF1" &&
	      wait_for 20 ping -c 1 -W 1 $A2 >/dev/null'
tap_check "stock IPoIB accepts mode connected" mode connected
tap_check "connected mode: unicast lost" eval '! ping -c 3 -W 1 $A2 >/dev/null'
tap_check "connected mode: its RC QP was refused at creation" \
	wait_for 5 tx_qp_refused
tap_check "mode datagram: ping back" \
	eval 'mode datagram && wait_for 20 ping -c 1 -W 1 $A2 >/dev/null'
tap_check "no kernel warnings" dmesg_clean
tap_done
