#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "ip link add ... type ipoib umcast 1" that fails to register, on our
# ib_ipoib. rtnetlink frees a device whose registration failed at once,
# so creating one must not queue work on it. Two failures are provoked,
# many times each, with the new child aimed at netns h3: a name that only
# h3 has (register_netdevice() refuses it before ndo_init) and an ifindex
# that only h3 has (refused after ndo_init). Ground truth is the
# workqueue_queue_work tracepoint, filtered to ipoib_mcast_work, in a
# private tracefs instance: the refused requests ("ip" tasks) must queue
# nothing. A request that succeeds still applies umcast (and does queue
# the multicast task: the tracepoint is not blind), changelink still
# changes it, and at the end ib_ipoib unloads: nothing holds the parent.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

ROUNDS=${NEWLINK_ROUNDS:-100}
TR=/sys/kernel/tracing/instances/ipoib_newlink
EV=$TR/events/workqueue/workqueue_queue_work

cleanup() {
	[ -d "$TR" ] && { echo 0 > "$EV/enable"; rmdir "$TR"; }
	softib_cleanup
}
trap cleanup EXIT

setup() {
	softib_new 72 1 && wait_for 10 softib_ipoib_if 72 >/dev/null || return 1
	IF=$(softib_ipoib_if 72)
	host_add h3 || return 1
	$IP link add link "$IF" name ipoclash type ipoib pkey 0x8002 &&
	$IP link set ipoclash netns h3 || return 1
	# A move keeps the ifindex: free in init_net now, taken in h3.
	IDX=$(host_exec h3 cat /sys/class/net/ipoclash/ifindex)
	[ ! -e /sys/class/net/ipoclash ] && [ -n "$IDX" ]
}

trace_start() {
	local addr

	addr=$(awk '$3 == "ipoib_mcast_work" && $4 == "[ib_ipoib]" { print $1 }' \
		/proc/kallsyms)
	[ -n "$addr" ] && [ "$addr" != 0000000000000000 ] || return 1
	mkdir "$TR" && echo "function == 0x$addr" > "$EV/filter" &&
	echo 1 > "$EV/enable"
}

queued_by_ip() {	# ipoib_mcast_work queued by "ip" tasks so far
	grep -c '^ *ip-[0-9]' "$TR/trace"
}

# refused N ERRTEXT ARGS...: "ip link add ARGS" fails N times with ERRTEXT
# and leaves no interface behind
refused() {
	local n=$1 want=$2 i err

	shift 2
	for i in $(seq "$n"); do
		err=$($IP link add "$@" 2>&1) && return 1
		[[ $err == *"$want"* ]] || { echo "# round $i: $err"; return 1; }
	done
	echo "# $n times: $err"
	! ls /sys/class/net | grep -qv '^\(lo\|ib[0-9]*\)$' &&
	[ "$(host_exec h3 ls /sys/class/net | sort | tr '\n' ' ')" = "ipoclash lo " ]
}

nothing_queued() {
	local n

	n=$(queued_by_ip)
	echo "# ipoib_mcast_work queued by the refused requests: $n"
	grep '^ *ip-[0-9]' "$TR/trace" | head -n 3 | sed 's/^/# /'
	[ "$n" = 0 ]
}

created() {
	$IP link add link "$IF" name ipook type ipoib pkey 0x8001 umcast 1 &&
	$IP -d link show ipook | grep -Eq "umcast +0001" &&
	grep -qx 1 /sys/class/net/ipook/umcast &&
	[ "$(queued_by_ip)" -gt 0 ]
}

changed() {
	$IP link set ipook type ipoib umcast 0 &&
	$IP -d link show ipook | grep -Eq "umcast +0000" &&
	grep -qx 0 /sys/class/net/ipook/umcast
}

unloads() {
	$IP link del ipook && host_exec h3 $IP link del ipoclash &&
	rmmod ib_ipoib && ! grep -q '^ib_ipoib ' /proc/modules
}

tap_plan 9
tap_check "softib and our ib_ipoib load" \
	eval 'softib_setup && load_ours ib_ipoib'
tap_check "an interface, and a child ipoclash moved to netns h3" setup
tap_check "tracing ipoib_mcast_work queueing" trace_start
tap_check "$ROUNDS creations named like h3's ipoclash refused, nothing left" \
	refused "$ROUNDS" "File exists" link "$IF" name ipoclash netns h3 \
		type ipoib pkey 0x8001 umcast 1
tap_check "$ROUNDS creations with h3's ifindex $IDX refused, nothing left" \
	refused "$ROUNDS" "" link "$IF" name ipoidx index "$IDX" netns h3 \
		type ipoib pkey 0x8001 umcast 1
tap_check "the refused creations queued no multicast work" nothing_queued
tap_check "a creation that succeeds applies umcast 1 (and queues the task)" \
	created
tap_check "changelink sets umcast 0" changed
tap_check "children deleted, ib_ipoib unloads, no kernel warnings" \
	eval 'unloads && dmesg_clean'
softib_del 72
tap_done
