#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The umcast policy of IPoIB. A userspace application joins an IPoIB
# multicast group through rdma_cm and receives on its own UD QP; a kernel
# socket on the same host joins the same group (IP_ADD_MEMBERSHIP). With
# /sys/class/net/<if>/umcast = 1, IPoIB must not attach its own QP to a
# group someone else holds. Every scenario checks two witnesses: softib's
# ground truth (which QPs are attached) and traffic sent from host B.
#
# Environment: UMCAST_IF_A/UMCAST_IF_B name two IPoIB interfaces (real
# hardware); otherwise softib devices are created. UMCAST_UPSTREAM=1 runs
# only the scenarios upstream IPoIB passes too. See lib.sh.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

# Seconds within which a flag change or a userspace leave takes effect;
# Documentation/infiniband/ipoib.rst promises 2 s plus one SA join.
SETTLE=10
COUNT=200

check_truth() {	# check_truth DESC CMD...: a ground-truth check
	local desc=$1
	shift
	if [ "$GROUND_TRUTH" = 1 ]; then
		"$@"
		tap_result $? "$desc" || truth_dump "$@"
	else
		tap_result 0 "$desc" "SKIP no softib ground truth"
	fi
}

# What softib knows about a group, for the log of a failed check; takes
# the check's command line and uses its interface and group arguments.
truth_dump() {
	local ifc g mgid

	while [ $# -gt 1 ]; do
		[ -e "/sys/class/net/$1" ] && { ifc=$1 g=$2; break; }
		shift
	done
	[ -n "$ifc" ] && mgid=$(mgid_of "$g" "$ifc") || return 0
	diag "$ifc IPoIB qpn $(ipoib_qpn "$ifc"), group $g = $mgid:"
	grep -h "mgid=$mgid" $SOFTIB_DBG/groups $SOFTIB_DBG/attach | sed 's/^/#   /'
}

check_eq() {	# check_eq DESC GOT WANT
	[ "$2" = "$3" ]
	tap_result $? "$1 (got $2, want $3)"
}

check_rx() {	# check_rx DESC MEMBER WANT: MEMBER received WANT datagrams
	check_eq "$1" "$(member_stop "$2" "$3")" "$3" || traffic_dump
}

# Where datagrams can be lost, for the log of a short count: softib's port
# counters and both hosts' UDP error counters.
traffic_dump() {
	[ "$GROUND_TRUTH" = 1 ] && sed 's/^/#   /' $SOFTIB_DBG/ports
	diag "host A UDP errors: $(udp_errors)"
	diag "host B UDP errors: $(udp_errors $NS_B)"
}

udp_errors() {	# udp_errors [NETNS]: the nonzero *Errors of Udp and Udp6
	${1:+ip netns exec "$1"} cat /proc/net/snmp /proc/net/snmp6 |
	awk '$1 == "Udp:" && !h { split($0, name); h = 1; next }
	     $1 == "Udp:" { for (i = 2; i <= NF; i++)
				if (name[i] ~ /Errors$/ && $i) printf "%s=%s ", name[i], $i }
	     $1 ~ /^Udp6.*Errors$/ && $2 { printf "%s=%s ", $1, $2 }'
}

beyond() { [ "${UMCAST_UPSTREAM:-0}" != 1 ]; }

# ipoib_in_state IF GROUP STATE...: our IPoIB's debugfs lists GROUP in one
# of the STATEs.
ipoib_in_state() {
	local f=/sys/kernel/debug/ipoib/$1_mcg mgid

	mgid=$(mgid_of "$2" "$1")
	shift 2
	grep -qE "^mgid $mgid state ($(IFS='|'; echo "$*")) " "$f"
}

# ipoib_decided IF GROUP: wait until IPoIB has decided about GROUP, which
# a socket on IF joined: ours then lists it skipped or joined. Stock IPoIB
# keeps no trace of a group it skipped, so there only time can tell (2 s;
# its restart task runs as soon as the socket joins).
ipoib_decided() {
	if ! beyond; then
		sleep 2
	elif ! wait_until $SETTLE ipoib_in_state "$1" "$2" skipped full; then
		echo "# IPoIB did not decide on $2 ($1) within ${SETTLE}s" >&2
		return 1
	fi
}

# both_join GROUP: userspace (member u) and a socket (member s) join GROUP
# on host A, and IPoIB has decided on it.
both_join() {
	user_join u "$1" && sock_join s "$1" && ipoib_decided "$IF_A" "$1"
}

# umcast 0: IPoIB attaches even though userspace holds the group.
sc_umcast_off() {
	local g=239.77.0.1
	umcast_set "$IF_A" 0
	user_join u "$g" && sock_join s "$g" || return 1
	wait_until 5 ipoib_attached "$IF_A" "$g"
	check_truth "umcast=0: IPoIB attaches to a group userspace holds" \
		ipoib_attached "$IF_A" "$g"
	send_from_b s "$g" $COUNT
	check_rx "umcast=0: the socket receives" s $COUNT
	check_rx "umcast=0: userspace receives" u $COUNT
}

# umcast 1, userspace first: IPoIB neither joins nor attaches.
sc_user_first() {
	local g=239.77.0.2 rx0
	umcast_set "$IF_A" 1
	both_join "$g" || return 1
	check_truth "umcast=1: IPoIB skips a group userspace holds" \
		not_attached "$IF_A" "$g"
	check_truth "umcast=1: the userspace QP is attached" \
		test "$(attached_qps "$IF_A" "$g")" = 1
	if beyond; then
		grep -q "mgid $(mgid_of "$g" "$IF_A") .* umcast_skipped yes" \
			"/sys/kernel/debug/ipoib/${IF_A}_mcg"
		tap_result $? "umcast=1: debugfs ${IF_A}_mcg marks the group skipped"
		check_eq "umcast=1: ethtool counts the skipped group" \
			"$(ethtool -S "$IF_A" | sed -n 's/.*umcast_ignored_groups: //p')" 1
	fi
	rx0=$(rx_packets "$IF_A")
	send_from_b u "$g" $COUNT
	check_rx "umcast=1: userspace receives" u $COUNT
	check_eq "umcast=1: the socket stays deaf" "$(member_stop s)" 0
	[ $(($(rx_packets "$IF_A") - rx0)) -lt 20 ]
	tap_result $? "umcast=1: IPoIB receive counters do not move"
}

# umcast 1, socket first: IPoIB already holds the group and keeps it,
# unless ib_core tells it the group's members (sc_socket_first_exact).
sc_socket_first() {
	local g=239.77.0.3
	umcast_set "$IF_A" 1
	sock_join s "$g" || return 1
	wait_until 5 ipoib_attached "$IF_A" "$g"
	user_join u "$g" || return 1
	[ "$OWNER" = exact ] && { sc_socket_first_exact "$g"; return; }
	check_truth "socket first: IPoIB stays attached (documented limit)" \
		ipoib_attached "$IF_A" "$g"
	send_from_b s "$g" $COUNT
	check_rx "socket first: the socket receives" s $COUNT
	if beyond; then
		sock_join s "$g" || return 1
		umcast_set "$IF_A" 1
		check_truth "socket first: writing 1 again hands the group to userspace" \
			wait_until $SETTLE not_attached "$IF_A" "$g"
		member_stop s > /dev/null
	fi
	check_rx "socket first: userspace receives" u $COUNT
}

# With the exact owner lookup (in-tree, ib_core's member lookup), IPoIB
# sees the application that joined after it, and gives the group up
# within the recheck: the socket goes deaf, the application gets it all.
sc_socket_first_exact() {
	local g=$1 rx0
	check_truth "socket first, exact lookup: IPoIB gives the group up within the recheck" \
		wait_until $SETTLE not_attached "$IF_A" "$g"
	if beyond; then
		umcast_set "$IF_A" 1
		check_truth "socket first, exact lookup: writing 1 again keeps it off" \
			not_attached "$IF_A" "$g"
	fi
	rx0=$(rx_packets "$IF_A")
	send_from_b u "$g" $COUNT
	check_rx "socket first, exact lookup: userspace receives" u $COUNT
	rx0=$(($(rx_packets "$IF_A") - rx0))
	[ $rx0 -lt 20 ]
	tap_result $? "socket first, exact lookup: IPoIB receive counters do not move ($rx0)"
	member_stop s > /dev/null
}

# Beyond upstream: flipping the flag re-runs the decision at once.
sc_flip() {
	local g=239.77.0.4
	umcast_set "$IF_A" 1
	both_join "$g" || return 1
	umcast_set "$IF_A" 0
	check_truth "flip 1->0: IPoIB attaches within ${SETTLE}s" \
		wait_until $SETTLE ipoib_attached "$IF_A" "$g"
	send_from_b s "$g" $COUNT
	check_rx "flip 1->0: the socket receives" s $COUNT
	sock_join s "$g" || return 1
	umcast_set "$IF_A" 1
	check_truth "flip 0->1: IPoIB detaches within ${SETTLE}s" \
		wait_until $SETTLE not_attached "$IF_A" "$g"
	send_from_b u "$g" $COUNT
	check_rx "flip 0->1: userspace still receives" u $((2 * COUNT))
	member_stop s > /dev/null
}

# Beyond upstream: when the userspace holder leaves, IPoIB joins.
sc_user_leaves() {
	local g=239.77.0.5
	umcast_set "$IF_A" 1
	both_join "$g" || return 1
	member_stop u > /dev/null
	check_truth "userspace leaves: IPoIB joins within ${SETTLE}s" \
		wait_until $SETTLE ipoib_attached "$IF_A" "$g"
	send_from_b s "$g" $COUNT
	check_rx "userspace leaves: the socket receives again" s $COUNT
}

# Beyond upstream: IPoIB's own send-only entry never makes it skip.
sc_send_only() {
	local g=239.77.0.6
	umcast_set "$IF_A" 1
	./mcast_sock send -i "$IF_A" -g "$g" -c 5 > /dev/null
	wait_until $SETTLE ipoib_in_state "$IF_A" "$g" sendonly || {
		echo "# no send-only entry for $g within ${SETTLE}s" >&2
		return 1
	}
	sock_join s "$g" || return 1
	check_truth "send-only first: IPoIB still joins for the socket" \
		wait_until $SETTLE ipoib_attached "$IF_A" "$g"
	send_from_b s "$g" $COUNT
	check_rx "send-only first: the socket receives" s $COUNT
}

sc_ipv6() {
	local g=ff12::77
	umcast_set "$IF_A" 1
	user_join u "$g" || { echo "IPv6 userspace join failed" >&2; return 1; }
	sock_join s "$g" || { echo "IPv6 socket join failed" >&2; return 1; }
	ipoib_decided "$IF_A" "$g" || return 1
	check_truth "IPv6 umcast=1: IPoIB skips the group" \
		not_attached "$IF_A" "$g"
	send_from_b u "$g" $COUNT
	check_rx "IPv6 umcast=1: userspace receives" u $COUNT
	member_stop s > /dev/null
}

# A P_Key child created with umcast 1 through netlink.
sc_child() {
	local g=239.77.0.8 ca=$IF_A.8001 cb=$IF_B.8001
	if [ "$GROUND_TRUTH" = 1 ]; then
		softib_add_pkey softib91 0x8001 && softib_add_pkey softib92 0x8001 ||
			return 1
	fi
	ip link add link "$IF_A" name "$ca" type ipoib pkey 0x8001 umcast 1 ||
		{ echo "cannot create $ca" >&2; return 1; }
	ip -n $NS_B link add link "$IF_B" name "$cb" type ipoib pkey 0x8001 ||
		{ echo "cannot create $cb" >&2; return 1; }
	ip addr add 203.0.113.1/24 dev "$ca" && ip link set "$ca" up &&
	ip -n $NS_B addr add 203.0.113.2/24 dev "$cb" &&
	ip -n $NS_B link set "$cb" up || return 1
	wait_until 20 carrier "$ca" && wait_until 20 carrier "$cb" $NS_B ||
		return 1
	check_eq "child: umcast set at creation" "$(($(ipoib_attr "$ca" umcast)))" 1
	user_join u "$g" 203.0.113.1 && sock_join s "$g" "$ca" || return 1
	ipoib_decided "$ca" "$g" || return 1
	check_truth "child umcast=1: IPoIB skips the group" not_attached "$ca" "$g"
	send_from_b u "$g" $COUNT "$cb"
	check_rx "child umcast=1: userspace receives" u $COUNT
	member_stop s > /dev/null
	ip link del "$ca"
}

softib_add_pkey() {	# softib_add_pkey IBDEV PKEY: table index 1, port 1
	echo "1 $2" > "/sys/class/infiniband/$1/ports/1/softib/pkeys"
}

# Beyond upstream: only whole boolean words (0/1, n/y, no/yes, off/on,
# false/true), and a clear error for the rest.
sc_bad_input() {
	local v bad=0
	umcast_set "$IF_A" 0
	for v in 2 -1 abc "" " 1" x; do
		if echo "$v" > "/sys/class/net/$IF_A/umcast" 2>/dev/null; then
			diag "sysfs accepted '$v'"
			bad=1
		fi
	done
	[ $bad = 0 ] && [ "$(cat "/sys/class/net/$IF_A/umcast")" = 0 ]
	tap_result $? "sysfs: non-boolean input is refused, value unchanged"
	! ip link set "$IF_A" type ipoib umcast 2 2>"$UMC_TMP/nl" &&
	[ "$(cat "/sys/class/net/$IF_A/umcast")" = 0 ]
	tap_result $? "netlink: umcast 2 is refused ($(head -c 80 "$UMC_TMP/nl"))"
	ip link set "$IF_A" type ipoib umcast 1 &&
	[ "$(cat "/sys/class/net/$IF_A/umcast")" = 1 ]
	tap_result $? "netlink: umcast 1 is accepted"
	ip -d link show "$IF_A" | grep -q 'umcast 0001\|umcast 1'
	tap_result $? "netlink: ip -d link show reports umcast"
}

sc_unprivileged() {
	local f=/sys/class/net/$IF_A/umcast
	umcast_set "$IF_A" 0
	! setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c "echo 1 > $f" 2>/dev/null && [ "$(cat $f)" = 0 ]
	tap_result $? "an unprivileged user cannot write umcast"
	if beyond; then
		! unshare -U -r sh -c "echo 1 > $f" 2>/dev/null && [ "$(cat $f)" = 0 ]
		tap_result $? "root of a user namespace without CAP_NET_ADMIN cannot"
	fi
}

# The point of it all: a 10k stream to a userspace-held group.
sc_stream() {
	local g=239.77.0.9 n=10000 rx0
	umcast_set "$IF_A" 1
	both_join "$g" || return 1
	rx0=$(rx_packets "$IF_A")
	send_from_b u "$g" $n
	check_rx "10k stream: userspace receives all of it" u $n
	rx0=$(($(rx_packets "$IF_A") - rx0))
	[ $rx0 -lt 20 ]
	tap_result $? "10k stream: IPoIB receive counters do not move ($rx0)"
	member_stop s > /dev/null
}

run() {	# run SCENARIO: a scenario that could not even set up fails once
	local log=$UMC_TMP/$1.log
	"$@" 2> "$log" || { tap_result 1 "$1: setup failed"; sed 's/^/# /' "$log"; }
	grep -v '^#' "$log" | sed 's/^/# /'
	grep '^#' "$log"
}

echo "TAP version 13"
trap fabric_cleanup EXIT
fabric_setup || { tap_result 1 "fabric setup"; echo "1..$TAP_N"; exit 1; }
tap_result 0 "fabric: $IF_A and $IF_B ($NS_B) up"
# How our IPoIB learns who else holds a group ("exact" in-tree, "merged"
# out of tree); stock IPoIB has no such file and behaves as "merged".
OWNER=$(cat /sys/kernel/debug/ipoib/umcast_owner 2>/dev/null)
diag "umcast owner lookup: ${OWNER:-none (stock IPoIB)}"
check_eq "umcast defaults to 0" "$(cat "/sys/class/net/$IF_A/umcast")" 0
run sc_umcast_off
run sc_user_first
run sc_socket_first
beyond && run sc_flip
beyond && run sc_user_leaves
beyond && run sc_send_only
run sc_ipv6
run sc_child
beyond && run sc_bad_input
run sc_unprivileged
run sc_stream
echo "1..$TAP_N"
exit $TAP_FAILED
