#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Ring sizes through ethtool -g/-G, on our ib_ipoib: two hosts on softib
# (host B in netns h2).
#
# ethtool -g reports the defaults (rx 256, tx 128) and the device's limit
# (8192). Sizes that are not powers of two, below 32 or above the limit
# are refused with a message, and so is a resize whose new QP the device
# cannot create (softib's fail_qp_creates); a refusal changes nothing: the
# sizes, the QPN and the carrier stay. An accepted size takes effect at
# once on the running interface: the CQs IPoIB owns (rdma res) have the
# new sizes, the QP is new, so the hardware address carries a new QPN,
# and host B learns that address without sending anything (IPoIB
# announces it: gratuitous ARP, unsolicited NA). A TCP transfer running
# across a resize resumes on the new QP and completes; ping works with rings shrunk to 32 entries.
# A resize while the interface is down applies at the next up, which
# announces the new address. A P_Key child starts with its parent's
# sizes. Never a kernel warning.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

command -v iperf3 > /dev/null || tap_skip_all "iperf3 not installed"
IPERF=
CHILD=

# rings IF: "RX TX" as ethtool -g reports the current sizes
rings() {
	ethtool -g "$1" | awk '/^Current/ { cur = 1 }
		cur && $1 == "RX:" { rx = $2 } cur && $1 == "TX:" { tx = $2 }
		END { print rx, tx }'
}

# ring_max IF: "RX TX" of the pre-set maximums
ring_max() {
	ethtool -g "$1" | awk '/^Current/ { exit }
		$1 == "RX:" { rx = $2 } $1 == "TX:" { tx = $2 }
		END { print rx, tx }'
}

is() {	# is WHAT GOT WANT
	[ "$2" = "$3" ] && return 0
	echo "# $1: got '$2', want '$3'"
	return 1
}

# ipoib_cqs DEV: the sizes of the CQs ib_ipoib owns on DEV, sorted
ipoib_cqs() {
	rdma res show cq dev "$1" | grep 'comm \[ib_ipoib\]' |
		sed -n 's/.* cqe \([0-9]*\) .*/\1/p' | sort -n | tr '\n' ' '
}

lladdr() {	# lladdr ADDR: B's neighbour entry for ADDR (one of host A's)
	host_exec h2 $IP neigh show "$1" dev "$IF2" |
		sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

addr1() {
	cat "/sys/class/net/$IF1/address"
}

# B knows A's current address, over IPv4 and IPv6
b_knows_a() {
	local a

	a=$(addr1)
	[ "$(lladdr $A1)" = "$a" ] && [ "$(lladdr $B1)" = "$a" ]
}

pings() {
	wait_for 15 ping -c 1 -W 1 $A2 >/dev/null &&
	host_exec h2 ping -c 2 -W 2 $A1 >/dev/null &&
	host_exec h2 ping -6 -c 2 -W 2 $B1 >/dev/null
}

carriers() {
	cat "/sys/class/net/$IF1/carrier_changes"
}

setup() {
	softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	ipoib_pair 151 152 151 &&
	wait_for 20 carrier_up "$IF1" && wait_for 20 carrier_up "$IF2" h2 &&
	pings && b_knows_a
}

defaults() {
	is "sizes" "$(rings "$IF1")" "256 128" &&
	is "limits" "$(ring_max "$IF1")" "8192 8192" &&
	is "CQs" "$(ipoib_cqs softib151)" "128 256 "
}

# refused MESSAGE ARGS...: ethtool -G IF1 ARGS fails, saying MESSAGE, and
# nothing changes
refused() {
	local msg=$1 out q0 c0 s0

	shift
	q0=$(addr1) c0=$(carriers) s0=$(rings "$IF1")
	if out=$(ethtool -G "$IF1" "$@" 2>&1); then
		echo "# ethtool -G $* was accepted"
		return 1
	fi
	echo "$out" | grep -q "$msg" ||
		{ echo "# ethtool -G $*: '$out'"; return 1; }
	is "sizes" "$(rings "$IF1")" "$s0" && is "address" "$(addr1)" "$q0" &&
	is "carrier_changes" "$(carriers)" "$c0"
}

bad_sizes() {
	refused "power of two" rx 100 &&
	refused "power of two" tx 16 &&
	refused "exceeds maximum" rx 16384
}

no_qp() {
	knob fail_qp_creates 1 &&
	refused "cannot create rings" rx 1024 &&
	is "knob" "$(cat "$SOFTIB_DBG/fail_qp_creates")" 0 &&
	pings
}

# resize RX TX: ethtool -G on the running interface; a new QP, new CQs
resize() {
	Q0=$(qpn_of "$IF1")
	ethtool -G "$IF1" rx "$1" tx "$2" &&
	is "sizes" "$(rings "$IF1")" "$1 $2" &&
	is "CQs" "$(ipoib_cqs softib151)" \
		"$(printf '%s\n' "$1" "$2" | sort -n | tr '\n' ' ')" &&
	[ "$(qpn_of "$IF1")" != "$Q0" ] ||
		{ echo "# QPN $(qpn_of "$IF1"), was $Q0"; return 1; }
}

# announced: B learns the new address while only A may send
announced() {
	wait_for 20 carrier_up "$IF1" && wait_for 10 b_knows_a && return 0
	echo "# A is $(addr1), B has $(lladdr $A1) and $(lladdr $B1)"
	return 1
}

listening() {
	ss -Hltn "sport = :$1" | grep -q .
}

# sent_past BYTES: A's interface sent a megabyte more than BYTES
sent_past() {
	[ "$(tx_bytes)" -gt $(($1 + 1048576)) ]
}

tx_bytes() {
	cat "/sys/class/net/$IF1/statistics/tx_bytes"
}

# tcp_across RX TX: resize while a TCP transfer of 8 s goes from A to B;
# the same connection moves data again on the new QP, and completes
tcp_across() {
	local out=/tmp/ring_iperf.$$ t0

	host_exec h2 iperf3 -s -1 -D -p 5301 &&
		wait_for 5 host_exec h2 bash -c "$(declare -f listening); listening 5301" ||
		return 1
	t0=$(tx_bytes)
	timeout 60 iperf3 -c $A2 -p 5301 -t 8 > "$out" 2>&1 &
	IPERF=$!
	wait_for 20 sent_past "$t0" || { echo "# no transfer"; return 1; }
	resize "$1" "$2" || return 1
	t0=$(tx_bytes)
	wait_for 20 sent_past "$t0" && kill -0 "$IPERF" ||
		{ echo "# the transfer did not resume"; return 1; }
	wait "$IPERF" || { tail -3 "$out" | sed 's/^/# /'; rm -f "$out"; return 1; }
	IPERF=
	grep receiver "$out" | sed 's/^/# /'
	rm -f "$out"
}

small_rings() {
	resize 32 32 && announced &&
	ping -c 20 -i 0.05 -s 3000 -W 2 $A2 >/dev/null &&
	host_exec h2 ping -c 20 -i 0.05 -s 3000 -W 2 $A1 >/dev/null
}

while_down() {
	local q0

	q0=$(qpn_of "$IF1")
	# B1 must stay for its announcement (IPv6 drops it at down by default)
	sysctl -qw "net.ipv6.conf.$IF1.keep_addr_on_down=1" &&
	$IP link set "$IF1" down &&
	ethtool -G "$IF1" rx 512 tx 256 &&
	is "sizes" "$(rings "$IF1")" "512 256" &&
	[ "$(qpn_of "$IF1")" != "$q0" ] &&
	$IP link set "$IF1" up && announced && pings
}

child_inherits() {
	CHILD=ibrc1
	$IP link add link "$IF1" name "$CHILD" type ipoib &&
	is "child sizes" "$(rings "$CHILD")" "512 256" &&
	$IP link del "$CHILD" && CHILD=
}

cleanup() {
	[ -n "$IPERF" ] && kill "$IPERF" 2>/dev/null
	[ -n "$CHILD" ] && $IP link del "$CHILD" 2>/dev/null
	[ -d "$SOFTIB_DBG" ] && knob fail_qp_creates 0
	softib_cleanup
}
trap cleanup EXIT

tap_plan 10
tap_check "two hosts on softib, our ib_ipoib, ping" setup
tap_check "ethtool -g: rx 256, tx 128, limit 8192; the CQs match" defaults
tap_check "bad sizes refused with a message, nothing changed" bad_sizes
tap_check "a QP the device cannot create: refused, nothing changed" no_qp
tap_check "rx 2048 tx 512 on the running interface: new CQs, new QPN" \
	tcp_across 2048 512
tap_check "B learned the new address, announced" announced
tap_check "rx 32 tx 32: announced, large pings both ways" small_rings
tap_check "resized while down: applies, announced at the next up" while_down
tap_check "a new child starts with its parent's sizes" child_inherits
tap_check "no kernel warnings" dmesg_clean
tap_done
