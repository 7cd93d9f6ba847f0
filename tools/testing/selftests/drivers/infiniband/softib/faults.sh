#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection: failed, dropped and delayed SA joins make stock IPoIB
# retry until it joins; taking a port down drops carrier and bringing it
# up restores traffic; a client reregister is survived; a P_Key child
# interface works once the P_Key is in the tables; packet loss shows up.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

no_carrier() {
	! carrier_up "$@"
}

ping_ok() {
	wait_for 20 ping -c 1 -W 1 "$1" >/dev/null
}

joins_before_up() {	# joins_before_up KNOB N
	knob "$1" "$2"
	$IP link set "$IF1" down
	wait_for 10 no_carrier "$IF1" || return 1
	$IP link set "$IF1" up
	wait_for 40 carrier_up "$IF1" && ping_ok $A2 &&
		[ "$(cat $SOFTIB_DBG/"$1")" = 0 ]
}

child() {
	local c=$IF1.8001 c2=$IF2.8001
	softib_knob 71 1 pkeys "1 0x8001" && softib_knob 72 1 pkeys "1 0x8001" &&
	$IP link add link "$IF1" name "$c" type ipoib pkey 0x8001 &&
	host_exec h2 $IP link add link "$IF2" name "$c2" type ipoib pkey 0x8001 &&
	$IP addr add 10.172.0.1/24 dev "$c" && $IP link set "$c" up &&
	host_exec h2 $IP addr add 10.172.0.2/24 dev "$c2" &&
	host_exec h2 $IP link set "$c2" up &&
	wait_for 20 carrier_up "$c" && ping_ok 10.172.0.2 &&
	grep -q "^member mgid=ff12:401b:8001:" $SOFTIB_DBG/groups
}

lossy() {
	local out
	knob drop_rate 50
	out=$(ping -c 20 -i 0.2 -W 1 $A2 | grep "packet loss")
	knob drop_rate 0
	echo "# $out"
	! grep -q " 0% packet loss" <<< "$out" && ping_ok $A2
}

tap_plan 12
tap_check "softib and ib_ipoib load" \
	eval 'softib_setup && load_stock ib_ipoib'
tap_check "two devices, IPoIB up" ipoib_pair 71 72 71
tap_check "carrier and ping" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2 && ping_ok $A2'
tap_check "next 2 SA joins fail: IPoIB retries and joins" \
	joins_before_up sa_fail_joins 2
tap_check "next SA join dropped: IPoIB retries and joins" \
	joins_before_up sa_drop_joins 1
knob sa_delay_ms 2000
tap_check "next SA join delayed 2 s: IPoIB joins" \
	joins_before_up sa_delay_joins 1
tap_check "port down: carrier lost" \
	eval 'softib_knob 71 1 link down && wait_for 10 no_carrier "$IF1"'
tap_check "port down: ping fails" eval '! ping -c 2 -W 1 $A2 >/dev/null'
tap_check "port up: carrier and ping back" \
	eval 'softib_knob 71 1 link up && wait_for 20 carrier_up "$IF1" && ping_ok $A2'
sa_mads() {
	port_stat 71 1 sa_mads
}
# the reregister is seen once the port talks to the SA again
tap_check "client reregister: traffic continues" \
	eval 'mads=$(sa_mads) && softib_knob 71 1 reregister 1 &&
	      wait_for 10 eval "[ \$(sa_mads) -gt $mads ]" && ping_ok $A2'
tap_check "P_Key 0x8001 child interfaces ping" child
tap_check "drop_rate 50 loses packets, 0 restores" lossy
grep "dev=softib7" $SOFTIB_DBG/ports | sed 's/^/# /'
dmesg_clean || { echo "# kernel warnings"; exit 1; }
tap_done
