# SPDX-License-Identifier: GPL-2.0
#
# Helpers for ipoib_umcast.sh: TAP, fabric setup, MGIDs, the background
# members and the two witnesses (softib's ground truth in debugfs, and
# traffic).
#
# Fabric: host A is the current network namespace, host B a namespace
# "umc_b". With UMCAST_IF_A and UMCAST_IF_B set (two IPoIB interfaces on
# one machine, e.g. two HCA ports on a real fabric) those are used and
# the ground-truth checks are skipped; otherwise two softib devices are
# created. UMCAST_UPSTREAM=1 limits the run to what upstream IPoIB does.

NS_B=umc_b
SOFTIB_DBG=/sys/kernel/debug/softib
SOFTIB_IDS="91 92"
ADDR_A=198.51.100.1 ADDR_B=198.51.100.2
ADDR6_A=fd00:77::1 ADDR6_B=fd00:77::2
UMC_TMP=$(mktemp -d)
TAP_N=0
TAP_FAILED=0

tap_result() {	# tap_result STATUS DESC [DIRECTIVE]; returns STATUS
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N $2${3:+ # $3}"
	else
		echo "not ok $TAP_N $2"
		TAP_FAILED=1
	fi
	return "$1"
}

diag() { echo "# $*"; }

skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

# wait_until SECONDS CMD...: true as soon as CMD succeeds, polling 0.2 s.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# The parent IPoIB netdev of IB device DEV, port 1.
ibdev_netdev() {
	local want d
	want=$(readlink -f "/sys/class/infiniband/$1/device") || return 1
	for d in /sys/class/net/*; do
		[ "$(cat "$d/type" 2>/dev/null)" = 32 ] || continue
		[ -e "$d/parent" ] && continue
		[ "$(readlink -f "$d/device")" = "$want" ] || continue
		basename "$d"
		return 0
	done
	return 1
}

# The interfaces get their qdisc when they first come up, the default one:
# fq_codel on Debian, whose CoDel drops a datagram that waited over 5 ms
# (a VM waiting for a CPU) without telling the sender. pfifo_fast drops
# only when full, and then sendto() says so (mcast_sock sets RECVERR and
# tries again). fabric_cleanup restores the default.
QDISC_SYSCTL=/proc/sys/net/core/default_qdisc

fabric_softib() {
	local id

	[ -d /sys/bus/softib ] || modprobe softib 2>/dev/null ||
		skip_all "no IPoIB interfaces given and no softib module"
	modprobe ib_ipoib || return 1
	modprobe rdma_ucm && modprobe ib_uverbs || return 1
	QDISC_SAVED=$(cat $QDISC_SYSCTL) && echo pfifo_fast > $QDISC_SYSCTL ||
		return 1
	for id in $SOFTIB_IDS; do
		echo "$id 1" > /sys/bus/softib/new_device || return 1
	done
	wait_until 15 ibdev_netdev softib91 > /dev/null &&
		wait_until 15 ibdev_netdev softib92 > /dev/null || return 1
	IF_A=$(ibdev_netdev softib91)
	IF_B=$(ibdev_netdev softib92)
	GROUND_TRUTH=1
}

fabric_setup() {
	if [ -n "${UMCAST_IF_A:-}" ]; then
		IF_A=$UMCAST_IF_A IF_B=$UMCAST_IF_B GROUND_TRUTH=0
	else
		fabric_softib || return 1
	fi
	ip netns add $NS_B && ip link set "$IF_B" netns $NS_B || return 1
	ip addr add $ADDR_A/24 dev "$IF_A" &&
	ip addr add $ADDR6_A/64 dev "$IF_A" nodad &&
	ip link set "$IF_A" up &&
	ip -n $NS_B addr add $ADDR_B/24 dev "$IF_B" &&
	ip -n $NS_B addr add $ADDR6_B/64 dev "$IF_B" nodad &&
	ip -n $NS_B link set lo up && ip -n $NS_B link set "$IF_B" up || return 1
	wait_until 20 carrier "$IF_A" && wait_until 20 carrier "$IF_B" $NS_B
}

fabric_cleanup() {
	local id

	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	ip netns pids $NS_B 2>/dev/null | xargs -r kill -9
	ip netns del $NS_B 2>/dev/null
	if [ "${GROUND_TRUTH:-0}" = 1 ]; then
		for id in $SOFTIB_IDS; do
			echo "$id" > /sys/bus/softib/del_device 2>/dev/null
		done
	fi
	[ -z "${QDISC_SAVED:-}" ] || echo "$QDISC_SAVED" > $QDISC_SYSCTL
	rm -rf "$UMC_TMP"
}

carrier() {	# carrier IF [NETNS]
	ip ${2:+-n "$2"} link show dev "$1" 2>/dev/null | grep -q LOWER_UP
}

# if_ibdev IF: the IB device under IF. A P_Key child's is its parent's,
# "ip link" names it after the "@" (stock IPoIB gives a child made through
# netlink neither a device link nor a "parent" file).
if_ibdev() {
	local ifc=$1 want d

	[ -e "/sys/class/net/$ifc/device" ] ||
		ifc=$(ip -o link show dev "$ifc" |
		      sed -n 's/^[0-9]*: [^@:]*@\([^:]*\):.*/\1/p')
	[ -n "$ifc" ] && [ -e "/sys/class/net/$ifc/device" ] || return 1
	want=$(readlink -f "/sys/class/net/$ifc/device")
	for d in /sys/class/infiniband/*; do
		[ "$(readlink -f "$d/device")" = "$want" ] || continue
		basename "$d"
		return 0
	done
	return 1
}

# addr_if ADDR: the interface (current namespace) that has address ADDR.
addr_if() {
	ip -o addr show to "$1" | awk '{ print $2; exit }' | grep .
}

# The IPoIB QPN of IF, from its hardware address (bytes 1-3), as softib
# prints it.
ipoib_qpn() {
	ip ${2:+-n "$2"} -o link show dev "$1" |
		sed -n 's|.*link/infiniband \(..\):\(..\):\(..\):\(..\):.*|0x\2\3\4|p'
}

# ipoib_attr IF NAME: an IFLA_IPOIB_* value as "ip -d link" prints it
# (children made through netlink need not have sysfs files upstream).
ipoib_attr() {
	ip -d link show dev "$1" | sed -n "s/.* ipoib .*$2 \([0-9a-fx]*\).*/\1/p"
}

# The P_Key of IF with the full-membership bit, as 4 hex digits.
if_pkey() {
	local pkey

	pkey=$(ipoib_attr "$1" pkey)
	[ -n "$pkey" ] || return 1
	printf '%04x' $((pkey | 0x8000))
}

# mgid_of GROUP IF: the IPoIB MGID of an IPv4 group, or of an IPv6 group
# written as ff12::N (N up to 4 hex digits), in softib's %pI6 format.
mgid_of() {
	local g=$1 pkey a b c d
	pkey=$(if_pkey "$2")
	if [[ $g == *:* ]]; then
		printf 'ff12:601b:%s:0000:0000:0000:0000:%04x\n' "$pkey" \
			"0x${g##*:}"
	else
		IFS=. read -r a b c d <<< "$g"
		printf 'ff12:401b:%s:0000:0000:0000:%02x%02x:%02x%02x\n' "$pkey" \
			$((a & 15)) "$b" "$c" "$d"
	fi
}

# attach_line IF GROUP: the start of the line of softib's attach table that
# says IF's IPoIB QP is attached to GROUP, as a grep pattern. QP numbers
# are per device (both softib devices hand out the same ones), so it names
# IF's device too. Fails when IF's device or QPN cannot be found.
attach_line() {
	local dev qpn

	dev=$(if_ibdev "$1") && qpn=$(ipoib_qpn "$1") && [ -n "$qpn" ] ||
		{ echo "# no IB device or QPN for $1" >&2; return 1; }
	echo "^dev=$dev port=[0-9]* qpn=$qpn mgid=$(mgid_of "$2" "$1") "
}

# ipoib_attached IF GROUP: softib says IF's IPoIB QP is attached to GROUP.
ipoib_attached() {
	local re

	re=$(attach_line "$1" "$2") && grep -q "$re" $SOFTIB_DBG/attach
}

# not_attached IF GROUP: softib says IF's IPoIB QP is not attached to it.
not_attached() {
	local re

	re=$(attach_line "$1" "$2") && ! grep -q "$re" $SOFTIB_DBG/attach
}

# attached_qps IF GROUP: how many QPs of any kind (IPoIB's and userspace's)
# on IF's device are attached to GROUP.
attached_qps() {
	local dev

	dev=$(if_ibdev "$1") || return 1
	grep -c "^dev=$dev .* mgid=$(mgid_of "$2" "$1") " $SOFTIB_DBG/attach
}

rx_packets() { cat "/sys/class/net/$1/statistics/rx_packets"; }

umcast_set() { echo "$2" > "/sys/class/net/$1/umcast"; }

# Background members on host A. Each writes its output to a file named
# after the member, and a "joined" line naming its group once the join
# completed. The files are reused (a member of the same name in an earlier
# scenario, or earlier in this one), so member_start empties the file
# before the member exists, and the joins wait for the line naming their
# own group: a line left by an earlier member must never pass for this
# one's, or the test goes on before the member has joined.

# member_start NAME CMD...: run CMD in the background as member NAME.
member_start() {
	local name=$1
	shift
	: > "$UMC_TMP/$name"
	"$@" >> "$UMC_TMP/$name" 2>&1 &
	eval "PID_$name=$!"
}

# has_line FILE WORDS: FILE has a line that is WORDS, or WORDS and more
# words after a space (WORDS taken literally).
has_line() {
	awk -v p="$2" '$0 == p || index($0, p " ") == 1 { found = 1; exit }
		END { exit !found }' "$1"
}

# member_wait NAME SECONDS WORDS: wait for the member's line WORDS.
member_wait() {
	wait_until "$2" has_line "$UMC_TMP/$1" "$3" && return 0
	echo "# $1: no line \"$3\" within $2 s; its output:" >&2
	sed "s/^/# $1: /" "$UMC_TMP/$1" >&2
	return 1
}

user_join() {	# user_join NAME GROUP [LOCAL_ADDR]
	local addr=${3:-$ADDR_A} ifc
	[[ $2 == *:* ]] && addr=${3:-$ADDR6_A}
	ifc=$(addr_if "$addr") ||
		{ echo "# $1: no interface has $addr" >&2; return 1; }
	member_start "$1" ./umcast_rdma -b "$addr" -m "$2"
	member_wait "$1" 15 "joined mgid=$(mgid_of "$2" "$ifc")"
}

sock_join() {	# sock_join NAME GROUP [IF]
	local ifc=${3:-$IF_A}
	member_start "$1" ./mcast_sock recv -i "$ifc" -g "$2"
	member_wait "$1" 5 "joined group=$2 if=$ifc"
}

# member_count NAME: how many datagrams the member has counted so far (its
# last "count" line, or its final "received" line).
member_count() {
	local n

	n=$(sed -n 's/^\(count\|received\) //p' "$UMC_TMP/$1" | tail -n 1)
	echo "${n:-0}"
}

member_has() { [ "$(member_count "$1")" -ge "$2" ]; }	# member_has NAME N

# member_stop NAME [WANT]: end a member, once it has counted WANT datagrams
# (or 10 s, times VM_SLOW, went by without); prints how many it received.
# Often called in a command substitution (a subshell, which cannot wait
# for the member), so it watches for the member's last line instead.
member_stop() {
	local pid
	eval "pid=\$PID_$1"
	[ -z "${2:-}" ] ||
		wait_until $((10 * ${VM_SLOW:-1})) member_has "$1" "$2"
	kill "$pid" 2>/dev/null
	wait_until 10 grep -q '^received ' "$UMC_TMP/$1"
	grep -q '^received ' "$UMC_TMP/$1" ||
		sed "s/^/# $1: /" "$UMC_TMP/$1" >&2
	sed -n 's/^received //p' "$UMC_TMP/$1"
}

# b_send IF GROUP COUNT: paced datagrams from host B, at 2000/s or that
# divided by VM_SLOW (the test VM's debug kernel, tools/testing/vm).
b_send() {
	ip netns exec $NS_B ./mcast_sock send -i "$1" -g "$2" -c "$3" \
		-r $((2000 / ${VM_SLOW:-1})) > /dev/null
}

# send_from_b MEMBER GROUP COUNT [IF]: COUNT datagrams from host B to
# GROUP, the first alone: the rest follow once MEMBER (on host A) counted
# it. B's IPoIB keeps only 64 datagrams while it joins a group to send,
# so a stream that does not wait for that join loses its head whenever
# the join is slow (a loaded host). The first is sent again every few
# seconds until it arrives: a subnet manager answers a join before it
# has programmed the switches for the new member (OpenSM does), and a
# datagram the switches do not forward yet is lost, not late. It returns
# once all are sent; "member_stop NAME COUNT" waits for them to arrive,
# so checks that none arrived elsewhere belong after that.
send_from_b() {
	local ifc=${4:-$IF_B} n0 try

	n0=$(member_count "$1")
	for try in 1 2 3 4; do
		b_send "$ifc" "$2" 1
		wait_until $((3 * ${VM_SLOW:-1})) member_has "$1" $((n0 + 1)) &&
			break
		[ $try = 4 ] &&
			echo "# $1 did not get the first datagram to $2" >&2
	done
	[ "$3" -le 1 ] || b_send "$ifc" "$2" $(($3 - 1))
}
