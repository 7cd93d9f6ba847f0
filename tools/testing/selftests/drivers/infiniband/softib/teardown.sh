#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under load: del_device while iperf3 runs over IPoIB, and
# unloading softib while traffic runs, must not warn or hang; repeated
# create/delete cycles leave no SA state behind and slab usage flat.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

slab_kb() {
	sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

traffic() {	# start an iperf3 run h1 -> h2 in the background
	host_exec h2 iperf3 -s -1 -D
	sleep 1
	iperf3 -c $A2 -t 60 > /dev/null 2>&1 &
	IPERF=$!
	sleep 3
}

stop_traffic() {	# the peer may be gone: do not wait for iperf3's end
	kill "$IPERF" 2>/dev/null
	wait "$IPERF" 2>/dev/null
	return 0
}

del_under_load() {
	local t0=$SECONDS rc=0
	traffic
	timeout 60 bash -c "echo 82 > $SOFTIB_BUS/del_device" || rc=1
	echo "# del_device took $((SECONDS - t0 - 4)) s"
	stop_traffic
	[ $rc = 0 ] && [ ! -e /sys/class/infiniband/softib82 ] && softib_del 81
}

cycle() {	# cycle N: N create/IPoIB up/ping/delete rounds
	local i
	for ((i = 0; i < $1; i++)); do
		softib_new 91 1 && softib_new 92 1 || return 1
		wait_for 10 softib_ipoib_if 91 >/dev/null || return 1
		wait_for 10 softib_ipoib_if 92 >/dev/null || return 1
		$IP link set "$(softib_ipoib_if 91)" up
		$IP link set "$(softib_ipoib_if 92)" up
		sleep 1
		softib_del 91 && softib_del 92 || return 1
	done
}

sa_empty() {
	! grep -q "^member\|permanent=0" $SOFTIB_DBG/groups
}

unload_under_load() {
	local t0=$SECONDS
	traffic
	timeout 60 rmmod softib || return 1
	echo "# rmmod took $((SECONDS - t0 - 4)) s"
	stop_traffic
	! grep -q "^softib " /proc/modules
}

down_then_del() {
	local t0=$SECONDS
	softib_new 93 1 && softib_new 94 1 || return 1
	wait_for 10 softib_ipoib_if 93 >/dev/null || return 1
	$IP link set "$(softib_ipoib_if 93)" up
	sleep 2
	softib_knob 93 1 link down && sleep 1 || return 1
	timeout 60 bash -c "echo 93 > $SOFTIB_BUS/del_device" &&
		softib_del 94 || return 1
	echo "# deleting a down port's device took $((SECONDS - t0 - 3)) s"
	[ $((SECONDS - t0)) -lt 20 ]
}

tap_plan 11
tap_check "softib and ib_ipoib load" \
	eval 'softib_setup && load_stock ib_ipoib'
tap_check "pair up" eval 'ipoib_pair 81 82 81 && wait_for 15 carrier_up "$IF1"'
tap_check "del_device under iperf3: no hang" del_under_load
vm_cleanup
tap_check "SA table back to broadcast groups only" wait_for 10 sa_empty
cycle 1
slab0=$(slab_kb)
tap_check "10 create/delete cycles with IPoIB" cycle 10
sleep 2
slab1=$(slab_kb)
echo "# Slab: ${slab0} kB -> ${slab1} kB"
tap_check "slab growth under 1 MB" test $((slab1 - slab0)) -lt 1024
tap_check "SA table empty again" sa_empty
tap_check "delete a device whose port is down: quick" down_then_del
tap_check "pair up again" \
	eval 'ipoib_pair 83 84 83 && wait_for 15 carrier_up "$IF1" && ping -c 1 -W 3 $A2 >/dev/null'
tap_check "rmmod softib under iperf3: no hang" unload_under_load
SOFTIB_IDS=()
tap_check "no kernel warnings" dmesg_clean
tap_done
