#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send-queue recovery, on our ib_ipoib: two hosts on softib (host B in
# netns h2), without any port event.
#
# QP error: softib's qp_error_sends fails three sends with a local QP
# operation error and moves the sending QP to the error state, as an HCA
# does. IPoIB must restart its QP each time (qp_recoveries in ethtool -S
# counts three, over both hosts), ping must work again and neither
# interface may lose its carrier (carrier_changes stays).
#
# Stuck queue (after both interfaces went down and up, so that it starts
# from a working pair whatever came before): softib's stall_sends holds
# every data send, host A floods B with datagrams until its send queue
# fills and stops, and nothing completes. While the stall lasts, the
# transmit watchdog must fire (tx_timeouts) and restart the QP
# (qp_recoveries), which gives back the stuck sends: A's tx_packets (it
# counts posted sends) moves past the full ring. Once the stall is lifted,
# ping works again, with the carrier kept. Never a kernel warning.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

FLOOD=

# within SECONDS CMD...: poll CMD until it succeeds, for SECONDS of time
# (wait_for counts polls, and a poll here may be a ping waiting 1 s).
within() {
	local end=$((SECONDS + $1))

	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.2
	done
}

# counter IF NAME [NETNS]: counter NAME of ethtool -S, empty if there is none
counter() {
	local cmd=(ethtool -S "$1")

	[ -n "${3:-}" ] && cmd=(host_exec "$3" "${cmd[@]}")
	"${cmd[@]}" | awk -v n="$2:" '$1 == n { print $2 }'
}

# both NAME: counter NAME summed over both hosts; fails if one lacks it
both() {
	local a b

	a=$(counter "$IF1" "$1") && b=$(counter "$IF2" "$1" h2) &&
	[ -n "$a" ] && [ -n "$b" ] && echo $((a + b))
}

carriers() {	# carrier_changes of both interfaces
	echo "$(cat "/sys/class/net/$IF1/carrier_changes")" \
	     "$(host_exec h2 cat "/sys/class/net/$IF2/carrier_changes")"
}

pings() {
	within 15 ping -c 1 -W 1 $A2 >/dev/null &&
	host_exec h2 ping -c 2 -W 2 $A1 >/dev/null
}

above() {	# above CMD... VALUE: CMD prints a number above VALUE
	local v n

	v=${*: -1}
	n=$("${@:1:$#-1}") && [ -n "$n" ] && [ "$n" -gt "$v" ]
}

setup() {
	softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	ipoib_pair 141 142 141 &&
	wait_for 20 carrier_up "$IF1" && wait_for 20 carrier_up "$IF2" h2 &&
	pings
}

# A ping per poll, so that sends keep coming until all three failed:
# each failure after the first needs a QP that sends again.
errors_used() {
	ping -c 1 -W 1 $A2 >/dev/null
	[ "$(cat "$SOFTIB_DBG/qp_error_sends")" = 0 ]
}

inject_errors() {
	C0=$(carriers)
	R0=$(both qp_recoveries)
	knob qp_error_sends 3 || return 1
	within 20 errors_used && return 0
	echo "# $(cat "$SOFTIB_DBG/qp_error_sends") injected errors never met a send"
	knob qp_error_sends 0
	return 1
}

counted() {	# counted CMD... BEFORE MIN: the counter grew by MIN or more
	local n=${*: -1} b=${*: -2:1} now

	[ -n "$b" ] || { echo "# no such counter"; return 1; }
	within 20 above "${@:1:$#-2}" $((b + n - 1)) && return 0
	now=$("${@:1:$#-2}")
	echo "# went from $b to $now"
	return 1
}

carriers_kept() {
	[ "$(carriers)" = "$C0" ] && return 0
	echo "# carrier_changes went from $C0 to $(carriers)"
	return 1
}

# Phase two starts from a working pair whatever phase one left.
fresh_start() {
	$IP link set "$IF1" down && $IP link set "$IF1" up &&
	host_exec h2 $IP link set "$IF2" down &&
	host_exec h2 $IP link set "$IF2" up &&
	wait_for 20 carrier_up "$IF1" && wait_for 20 carrier_up "$IF2" h2 &&
	pings
}

flood() {	# datagrams from A to B, in the background
	bash -c "exec 3>/dev/udp/$A2/9 && for i in {1..300}; do echo x >&3; done" \
		2>/dev/null &
	FLOOD=$!
}

tx_packets() {
	cat "/sys/class/net/$IF1/statistics/tx_packets"
}

stall() {
	local s0

	C0=$(carriers)
	T0=$(counter "$IF1" tx_timeouts)
	R0=$(counter "$IF1" qp_recoveries)
	s0=$(counter "$IF1" tx_queue_stops)
	knob stall_sends 1 && flood || return 1
	within 20 above counter "$IF1" tx_queue_stops "$s0" || return 1
	# Nothing completes: the count stays until the QP is restarted.
	P0=$(tx_packets)
	echo "# $IF1 stopped its send queue after $P0 packets"
}

# A restarted QP gave back its sends: the queue takes packets again.
sends_again() {
	within 30 above tx_packets "$P0" && return 0
	echo "# still $(tx_packets) packets"
	return 1
}

unstall() {
	knob stall_sends 0 && pings
}

cleanup() {
	[ -n "$FLOOD" ] && kill "$FLOOD" 2>/dev/null
	[ -d "$SOFTIB_DBG" ] && knob stall_sends 0 && knob qp_error_sends 0
	softib_cleanup
}
trap cleanup EXIT

tap_plan 10
tap_check "two hosts on softib, our ib_ipoib, ping" setup
tap_check "3 QP errors injected, each met a send" inject_errors
tap_check "ping works after the QP errors" pings
tap_check "qp_recoveries counted 3 QP restarts" counted both qp_recoveries "$R0" 3
tap_check "carrier kept through the QP errors" carriers_kept
tap_check "sends stalled: the send queue fills and stops" \
	eval 'fresh_start && stall'
tap_check "stalled: the watchdog restarts the QP, which sends again" sends_again
tap_check "tx_timeouts and qp_recoveries counted it" \
	eval 'counted counter "$IF1" tx_timeouts "$T0" 1 &&
	      counted counter "$IF1" qp_recoveries "$R0" 1'
tap_check "stall lifted: ping works, carrier kept" \
	eval 'unstall && carriers_kept'
tap_check "no kernel warnings" dmesg_clean
tap_done
