#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock ib_ipoib over two softib devices, one interface in a second
# network namespace: IPv4 and IPv6 ping both ways, an iperf3 TCP run and
# IPv4 multicast between the namespaces through kernel socket joins.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

tap_plan 10
tap_check "softib and ib_ipoib load" \
	eval 'softib_setup && load_stock ib_ipoib'
tap_check "two devices, interfaces up, one in netns h2" ipoib_pair 21 22 21
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
tap_check "ping IPv4 h1 -> h2" ping -c 3 -W 3 $A2
tap_check "ping IPv4 h2 -> h1" host_exec h2 ping -c 3 -W 3 $A1
tap_check "ping IPv6 h1 -> h2" ping -6 -c 3 -W 3 $B2
tap_check "ping IPv6 h2 -> h1" host_exec h2 ping -6 -c 3 -W 3 $B1

iperf_run() {
	local out
	host_exec h2 iperf3 -s -1 -D
	sleep 1
	out=$(iperf3 -c $A2 -t 5 -f m 2>&1)
	echo "$out" | tail -4 | sed 's/^/# /'
	grep -q receiver <<< "$out"
}
if command -v iperf3 >/dev/null; then
	tap_check "iperf3 TCP h1 -> h2" iperf_run
else
	tap_skip "iperf3 TCP h1 -> h2" "iperf3 missing"
fi

mcast_run() {
	host_exec h2 ./mcast_sock recv -i "$IF2" -g 239.1.2.3 -c 20 -t 5 \
		> /tmp/mcast_recv.out &
	sleep 1
	./mcast_sock send -i "$IF1" -g 239.1.2.3 -c 20 -r 100 || return 1
	wait $!
	sed 's/^/# /' /tmp/mcast_recv.out
	grep -qx 'received 20' /tmp/mcast_recv.out
}
if [ -x ./mcast_sock ]; then
	tap_check "IPv4 multicast h1 -> h2, 20 of 20" mcast_run
else
	tap_skip "IPv4 multicast h1 -> h2" "mcast_sock not built"
fi
tap_check "no kernel warnings" dmesg_clean
grep "dev=softib2[12] " $SOFTIB_DBG/ports | sed 's/^/# /'
tap_done
