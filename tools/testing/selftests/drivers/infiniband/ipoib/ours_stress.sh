#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress, on our ib_ipoib: 1000 IPv4 multicast groups joined and left on
# one interface (IPoIB's group table, softib's attach table and softib's
# SA all go up by 1000 and back to where they were); join/leave churn
# while umcast flips between 0 and 1 under UDP traffic; 100 P_Key children
# created and deleted through create_child/delete_child, then 100 more
# through "ip link add/del ... type ipoib"; and teardown under traffic:
# "ip netns del" of the namespace holding the peer, rmmod ib_ipoib and
# rmmod softib while iperf3 and ping run. Never a WARN; afterwards the
# modules load again and work.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

MANY=$here/mcast_many
NGROUPS=1000
NCHILD=100
TRAFFIC=()

# The groups IF wants (not send-only), the ones softib attaches to its QP,
# and the default-partition ones softib's SA has its port in.
n_ipoib() {
	awk '$1 == "mgid" && $10 == "no"' "$DBG/${1}_mcg" | wc -l
}

n_attach() {	# IF1's QP on softib95
	grep -c "^dev=softib95 port=1 qpn=$(qpn_of "$1") " "$SOFTIB_DBG/attach"
}

n_sa() {
	local gid

	gid=$(cut -d: -f5- "/sys/class/net/$1/address" |
	      sed 's/\(..\):\(..\)/\1\2/g')
	grep -c "^member mgid=ff12:.01b:ffff:[^ ]* port_gid=$gid .* join_state=0x1$" \
		"$SOFTIB_DBG/groups"
}

counts() {	# counts IF: "ipoib attach sa"
	echo "$(n_ipoib "$1") $(n_attach "$1") $(n_sa "$1")"
}

timed() {	# timed DESC CMD...: run CMD, print how long it took
	local desc=$1 t0=$EPOCHREALTIME rc

	shift
	"$@"
	rc=$?
	echo "# $desc: $(awk -v a="$t0" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.1f", b - a }') s"
	return $rc
}

all_joined() {	# all_joined IF N: N groups wanted, all attached full
	[ "$(n_ipoib "$1")" = "$2" ] &&
	! awk '$1 == "mgid" && $10 == "no" && !($4 == "full" && $8 == "yes")' \
		"$DBG/${1}_mcg" | grep -q . &&
	[ "$(counts "$1")" = "$2 $2 $2" ]
}

many_groups() {
	local base want pid

	sysctl -qw net.ipv4.igmp_max_memberships=$((NGROUPS + 20)) || return 1
	base=$(counts "$IF1")
	echo "# before: ipoib/attach/sa $base"
	[ "${base%% *} ${base%% *} ${base%% *}" = "$base" ] || return 1
	want=$((${base%% *} + NGROUPS))
	$MANY "$IF1" 239.10.0.0 $NGROUPS > /tmp/stress_many &
	pid=$!
	timed "joining $NGROUPS groups" wait_for 120 all_joined "$IF1" $want || {
		echo "# joined: $(counts "$IF1"), wanted $want"
		kill $pid
		return 1
	}
	echo "# with $NGROUPS groups: ipoib/attach/sa $(counts "$IF1")"
	ping -c 1 -W 2 $A2 >/dev/null || return 1
	kill $pid
	wait $pid
	timed "leaving them" wait_for 120 all_joined "$IF1" "${base%% *}" || {
		echo "# after leaving: $(counts "$IF1"), wanted $base"
		return 1
	}
	echo "# after leaving: ipoib/attach/sa $(counts "$IF1")"
}

# UDP from B to A, and ping, in the background.
traffic_start() {
	host_exec h2 iperf3 -s -D -p 5202 >/dev/null 2>&1
	iperf3 -s -D -p 5201 >/dev/null 2>&1
	sleep 0.5
	host_exec h2 iperf3 -c $A1 -p 5201 -u -b 5M -t 300 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	iperf3 -c $A2 -p 5202 -t 300 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	ping -i 0.05 $A2 >/dev/null 2>&1 &
	TRAFFIC+=($!)
}

traffic_stop() {
	kill "${TRAFFIC[@]}" 2>/dev/null
	wait "${TRAFFIC[@]}" 2>/dev/null
	TRAFFIC=()
	pkill -x iperf3 2>/dev/null
	return 0
}

# 30 rounds: 20 groups joined, umcast flipped, the groups left, flipped
# back. On a slow host the TERM may come before mcast_many handles it
# (status 143); only a failed join (status 1) fails the round.
churn_loop() {
	local i pid rc u=/sys/class/net/$IF1/umcast

	for i in $(seq 30); do
		$MANY "$IF1" 239.11.$i.0 20 >/dev/null &
		pid=$!
		echo $((i % 2)) > $u || return 1
		sleep 0.2
		kill $pid
		echo $(((i + 1) % 2)) > $u || return 1
		wait $pid
		rc=$?
		[ $rc = 0 ] || [ $rc = 143 ] ||
			{ echo "# round $i: mcast_many exit $rc"; return 1; }
	done
}

churn() {
	local base

	base=$(n_ipoib "$IF1")
	traffic_start
	timed "30 rounds of churn" churn_loop || return 1
	echo 0 > "/sys/class/net/$IF1/umcast"
	traffic_stop
	timed "settling after churn" wait_for 60 all_joined "$IF1" "$base" || {
		echo "# after churn: $(counts "$IF1"), wanted $base"
		return 1
	}
	mcg_agree_show "$IF1" 95 "$(qpn_of "$IF1")" &&
	wait_for 10 ping -c 1 -W 1 $A2 >/dev/null
}

ipoib_ifs() {
	local d n=0

	for d in /sys/class/net/*; do
		[ "$(cat "$d/type")" = 32 ] && n=$((n + 1))
	done
	echo $n
}

sysfs_children() {
	local i before n

	before=$(ipoib_ifs)
	for i in $(seq $NCHILD); do
		printf '0x%04x\n' $((0x8100 + i)) > "/sys/class/net/$IF1/create_child" ||
			return 1
	done
	n=$(ls -d /sys/class/net/"$IF1".8??? | wc -l)
	echo "# created $n children through create_child"
	[ "$n" = $NCHILD ] && [ "$(ipoib_ifs)" = $((before + NCHILD)) ] &&
	[ "$(cat "/sys/class/net/$IF1.81$(printf %02x $NCHILD)/parent")" = "$IF1" ] ||
		return 1
	for i in $(seq $NCHILD); do
		printf '0x%04x\n' $((0x8100 + i)) > "/sys/class/net/$IF1/delete_child" ||
			return 1
	done
	[ "$(ipoib_ifs)" = "$before" ] &&
	! compgen -G "$DBG/$IF1.8*" >/dev/null
}

netlink_children() {
	local i before

	before=$(ipoib_ifs)
	for i in $(seq $NCHILD); do
		echo "link add link $IF1 name nl$i type ipoib pkey $((0x8200 + i))"
	done | $IP -batch - || return 1
	[ "$(ipoib_ifs)" = $((before + NCHILD)) ] &&
	$IP -d link show nl$NCHILD | grep -q "pkey 0x$(printf %04x $((0x8200 + NCHILD)))" ||
		return 1
	for i in $(seq $NCHILD); do
		echo "link del nl$i"
	done | $IP -batch - || return 1
	[ "$(ipoib_ifs)" = "$before" ] && ! compgen -G "$DBG/nl*" >/dev/null
}

netns_del_under_traffic() {
	traffic_start
	sleep 2
	ip netns pids h2 | xargs -r kill -9
	ip netns delete h2
	VM_HOSTS=()
	traffic_stop
	# netns_refund: the interface comes home instead of disappearing.
	wait_for 20 test -e "/sys/class/net/$IF2"
}

rmmod_under_traffic() {
	host_add h3 && host_move "$IF2" h3 &&
	host_exec h3 $IP addr add $A2/24 dev "$IF2" &&
	host_exec h3 $IP link set "$IF2" up &&
	wait_for 20 ping -c 1 -W 1 $A2 >/dev/null || return 1
	host_exec h3 iperf3 -s -D -p 5202 >/dev/null 2>&1
	sleep 0.5
	iperf3 -c $A2 -p 5202 -t 300 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	ping -i 0.05 $A2 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	sleep 2
	timed "rmmod ib_ipoib" modprobe -r ib_ipoib || return 1
	! grep -q "^ib_ipoib " /proc/modules && traffic_stop &&
	load_ours ib_ipoib && wait_for 10 softib_ipoib_if 95 >/dev/null &&
	wait_for 10 softib_ipoib_if 96 >/dev/null
}

rmmod_softib_under_traffic() {
	IF1=$(softib_ipoib_if 95) && IF2=$(softib_ipoib_if 96) &&
	host_move "$IF2" h3 && $IP addr add $A1/24 dev "$IF1" &&
	$IP link set "$IF1" up &&
	host_exec h3 $IP addr add $A2/24 dev "$IF2" &&
	host_exec h3 $IP link set "$IF2" up &&
	wait_for 20 ping -c 1 -W 1 $A2 >/dev/null || return 1
	iperf3 -c $A2 -p 5202 -t 300 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	ping -i 0.05 $A2 >/dev/null 2>&1 &
	TRAFFIC+=($!)
	sleep 2
	SOFTIB_IDS=()
	timed "rmmod softib" modprobe -r softib || return 1
	traffic_stop
	[ -z "$(softib_ipoib_if 95)" ] && modprobe -r ib_ipoib &&
	! grep -qE "^(softib|ib_ipoib) " /proc/modules
}

works_again() {
	softib_setup && load_ours ib_ipoib && vm_cleanup &&
	ipoib_pair 97 98 197 && wait_for 20 ping -c 1 -W 1 $A2 >/dev/null
}

cleanup() {
	traffic_stop
	softib_cleanup
}
trap cleanup EXIT

is_ours || tap_skip_all "debugfs ground truth of our driver"
[ -x "$MANY" ] || { echo "# $MANY is not built"; exit 1; }
tap_plan 10
tap_check "two hosts on softib, our ib_ipoib" \
	eval 'softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	      ipoib_pair 95 96 195 && wait_for 20 ping -c 1 -W 1 $A2 >/dev/null'
tap_check "$NGROUPS groups joined and left: IPoIB, softib attach, SA agree" \
	many_groups
tap_check "join/leave churn with umcast flipping under traffic" churn
tap_check "$NCHILD children through create_child, then deleted" \
	timed "$NCHILD sysfs children" sysfs_children
tap_check "$NCHILD children through ip link add, then deleted" \
	timed "$NCHILD rtnetlink children" netlink_children
tap_check "ip netns del under traffic: the interface comes home" \
	netns_del_under_traffic
tap_check "rmmod ib_ipoib under traffic, then load again" rmmod_under_traffic
tap_check "rmmod softib under traffic, then ib_ipoib" rmmod_softib_under_traffic
tap_check "the modules load again and work" works_again
tap_check "no kernel warnings" dmesg_clean
tap_done
