#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPoIB's send offloads under the contract of real HCAs, which softib
# models (Documentation/infiniband/softib.rst, "Offloads"): a UD QP
# computes checksums and takes LSO sends only if it was created with
# IB_QP_CREATE_IPOIB_UD_LSO, which a device with IBK_UD_TSO accepts.
# softib counts every IPv4 TCP/UDP packet that leaves with a wrong
# checksum (bad_csum) and every LSO send (lso_sends).
#
# Three pairs of hosts, on devices with both offloads, checksum only and
# none: TCP and UDP across IPoIB must work with no packet leaving with a
# wrong checksum, with TSO (one LSO send per GSO skb) where the device has
# it. Runs on our ib_ipoib or Debian's stock one (offloads_stock.sh);
# stock advertises checksum offload on a device without TSO, where its QP
# has no offloads, so its packets leave unfinished and are dropped: the
# checksum-only checks are ours only.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

command -v iperf3 > /dev/null || tap_skip_all "iperf3 not installed"

# feature IF NAME: the state ethtool -k gives NAME ("on" or "off").
feature() {
	ethtool -k "$1" | sed -n "s/^$2: \([a-z]*\).*/\1/p"
}

# bad_csum ID1 ID2: wrong checksums both ports sent, added up.
bad_csum() {
	echo $(($(port_stat "$1" 1 bad_csum) + $(port_stat "$2" 1 bad_csum)))
}

# listening PORT: a TCP listener on PORT (iperf3's control port).
listening() {
	ss -Hltn "sport = :$1" | grep -q .
}

# iperf_to NETNS PORT ADDR ARGS...: an iperf3 server in NETNS ("" for this
# host) for one test, and its client sending to ADDR from the other host.
iperf_to() {
	local srv=(host_exec "$1") cli=() port=$2 addr=$3 out

	[ -n "$1" ] || { srv=(); cli=(host_exec h2); }
	shift 3
	"${srv[@]}" iperf3 -s -1 -D -p "$port" &&
		wait_for 5 "${srv[@]}" bash -c "$(declare -f listening); listening $port" ||
		return 1
	out=$("${cli[@]}" timeout 60 iperf3 -c "$addr" -p "$port" "$@" 2>&1) ||
		{ echo "$out" | tail -3 | sed 's/^/# /'; return 1; }
	echo "$out" | grep receiver | sed 's/^/# /'
}

tcp_ok() {	# 8 MB of TCP from h1 to h2, and back
	iperf_to h2 5201 $A2 -n 8M && iperf_to "" 5202 $A1 -n 8M
}

udp_ok() {	# 2 MB of UDP datagrams of 1400 bytes, from h1 to h2
	iperf_to h2 5203 $A2 -u -l 1400 -b 50M -n 2M
}

# pair_case OFFLOADS ID1 ID2 NET [TAP]: a pair on devices with OFFLOADS;
# TAP (default tap_check) runs the traffic checks.
pair_case() {
	local off=$1 id1=$2 id2=$3 tap=${5:-tap_check} ok=0
	ipoib_pair "$id1" "$id2" "$4" "$off" &&
		wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2 ||
		{ tap_check "$off: a pair of hosts" false; return 1; }
	echo "# $off: $(ethtool -k "$IF1" | grep -E '^(tx-checksumming|tcp-seg)' |
		tr '\n' ' ')"
	$tap "$off: TCP both ways" tcp_ok || ok=1
	$tap "$off: UDP" udp_ok || ok=1
	echo "# $off: bad_csum $(bad_csum "$id1" "$id2")," \
		"lso_sends $(port_stat "$id1" 1 lso_sends) $(port_stat "$id2" 1 lso_sends)"
	return $ok
}

tap_plan 15
tap_check "softib and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && ipoib_load'
tap_check "softib: new_device takes offloads and shows them" \
	eval 'softib_new 49 1 tso && [ "$(cat $SOFTIB_BUS/devices/softib49/offloads)" = tso ]'
softib_del 49

pair_case csum,tso 41 42 41
tap_check "csum,tso: TSO and checksum offload on" \
	eval '[ "$(feature "$IF1" tcp-segmentation-offload)" = on ] &&
	      [ "$(feature "$IF1" tx-checksumming)" = on ]'
tap_check "csum,tso: GSO skbs went as LSO sends" \
	eval '[ "$(port_stat 41 1 lso_sends)" -gt 0 ] && [ "$(port_stat 42 1 lso_sends)" -gt 0 ]'
tap_check "csum,tso: no packet left with a wrong checksum" \
	eval '[ "$(bad_csum 41 42)" = 0 ]'
softib_cleanup

pair_case csum 43 44 43 tap_beyond
tap_check "csum: TSO off (the device has no UD LSO)" \
	eval '[ "$(feature "$IF1" tcp-segmentation-offload)" = off ]'
tap_beyond "csum: no packet left with a wrong checksum (no QP offloads)" \
	eval '[ "$(bad_csum 43 44)" = 0 ]'
softib_cleanup

pair_case none 45 46 45
tap_check "none: no packet left with a wrong checksum" \
	eval '[ "$(bad_csum 45 46)" = 0 ]'
tap_check "no kernel warnings" dmesg_clean
tap_done
