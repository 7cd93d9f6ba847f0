#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive completions that land while the interface comes up, on our
# ib_ipoib. Bringing an interface up moves its QP to RTS, posts the
# receive ring and only then arms the receive CQ; a packet that fills one
# of the first buffers completes on an unarmed CQ and raises no event. If
# the arm does not report such missed completions, nothing polls the CQ
# until the next packet arrives.
#
# Two hosts on softib (host B in netns h2), IPv6 off and a permanent
# neighbour entry on B, so that nothing but the probe sends to A. Each
# round takes A's interface down, starts udp_probe on B (one datagram at a
# time, each followed only once softib's debugfs says A's port dropped it
# for want of a posted buffer) and brings the interface up; the first
# datagram A's port accepts is the last one sent, so it often lands
# between the first posted buffer and the arm. With no further traffic,
# A's rx_packets must count it within 3 s. Rounds: RX_ARM_ROUNDS (50).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

PROBE=$here/udp_probe
ROUNDS=${RX_ARM_ROUNDS:-50}
OUT=/tmp/rx_arm_probe.out

rx_of() {
	cat "/sys/class/net/$IF1/statistics/rx_packets"
}

rx_above() {	# rx_above COUNT: IF1 counted more than COUNT packets
	[ "$(rx_of)" -gt "$1" ]
}

quiet_pair() {
	softib_new 73 1 && softib_new 74 1 || return 1
	wait_for 10 softib_ipoib_if 73 >/dev/null &&
		wait_for 10 softib_ipoib_if 74 >/dev/null || return 1
	IF1=$(softib_ipoib_if 73) IF2=$(softib_ipoib_if 74)
	A1=10.73.0.1 A2=10.73.0.2
	sysctl -qw net.ipv6.conf."$IF1".disable_ipv6=1 || return 1
	host_add h2 && host_move "$IF2" h2 || return 1
	host_exec h2 sysctl -qw net.ipv6.conf."$IF2".disable_ipv6=1 &&
	$IP addr add $A1/24 dev "$IF1" && $IP link set "$IF1" up &&
	host_exec h2 $IP addr add $A2/24 dev "$IF2" &&
	host_exec h2 $IP link set "$IF2" up &&
	wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2 ||
		return 1
	# B's path to A resolved once; B never asks for A's address again.
	host_exec h2 ping -c 1 -W 3 $A1 >/dev/null &&
	host_exec h2 $IP neigh replace $A1 dev "$IF2" nud permanent \
		lladdr "$(cat "/sys/class/net/$IF1/address")"
}

# One round; sets HIT when the probe's datagram was accepted by A's port.
round() {
	local r0 pid rc

	HIT=0
	$IP link set "$IF1" down || return 1
	r0=$(rx_of)
	"$PROBE" h2 $A1 9 softib73 1 5000 > $OUT &
	pid=$!
	wait_for 5 grep -qx dropping $OUT
	$IP link set "$IF1" up || return 1
	wait $pid
	rc=$?
	[ $rc = 1 ] && return 0
	if [ $rc != 0 ]; then
		echo "# round $1: udp_probe failed: $(tail -n 1 $OUT)"
		HIT=error
		return 1
	fi
	HIT=1
	wait_for 3 rx_above "$r0" && return 0
	echo "# round $1: $(tail -n 1 $OUT), yet $IF1 counted nothing in 3 s"
	"$PROBE" h2 $A1 9 softib73 1 5000 >/dev/null
	wait_for 3 rx_above "$((r0 + 1))"
	echo "# one more datagram, and $IF1 counted $(($(rx_of) - r0))"
	return 1
}

rounds() {
	local i hits=0 bad=0

	for i in $(seq "$ROUNDS"); do
		round "$i" || bad=$((bad + 1))
		[ "$HIT" != error ] || return 1
		hits=$((hits + HIT))
	done
	echo "# $ROUNDS rounds, $hits with a datagram accepted, $bad stalled"
	[ $hits -gt 0 ] && [ $bad = 0 ]
}

[ -x "$PROBE" ] || tap_skip_all "udp_probe not built"
tap_plan 5
tap_check "softib and our ib_ipoib load" \
	eval 'softib_setup && load_ours ib_ipoib'
tap_check "two quiet hosts with carrier, B's path to A resolved" quiet_pair
tap_check "every datagram accepted while coming up is received without further traffic" \
	rounds
tap_check "traffic still flows" ping -c 2 -W 3 $A2
tap_check "no kernel warnings" dmesg_clean
softib_del 73
softib_del 74
tap_done
