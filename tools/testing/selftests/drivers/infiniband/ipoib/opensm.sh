#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPoIB under OpenSM: the subnet is run by OpenSM (softib embedded_sm 0)
# on one of the two hosts' ports, and IPoIB is judged by its SA and its
# switch programming.  Before OpenSM runs the ports are INIT and IPoIB
# has no carrier; then it gets carrier and its MTU from OpenSM's
# broadcast group, both ports are members at OpenSM's SA and in the
# group's row of the MFT OpenSM wrote, and ping works both ways.  OpenSM
# is then stopped and started again under traffic: the new instance
# knows no group until IPoIB rejoins (client reregister), after which
# both ports are members of the broadcast group again, the first one a
# full member of every group it was in before (IPv4 and IPv6 ones too),
# and traffic flows; the carrier never dropped.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (opensm_stock.sh).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

command -v opensm >/dev/null || tap_skip_all "opensm missing"
command -v saquery >/dev/null || tap_skip_all "infiniband-diags missing"
BCAST_MGID=ff12:401b:ffff::ffff:ffff

no_carrier() {
	! carrier_up "$IF1" && ! carrier_up "$IF2" h2 &&
		grep -q ": INIT$" /sys/class/infiniband/softib61/ports/1/state
}

carriers() {
	wait_for 120 carrier_up "$IF1" && wait_for 30 carrier_up "$IF2" h2
}

port_gid() {	# port_gid ID: port 1's GID as saquery prints it
	local g
	g=$(cat "/sys/class/infiniband/softib$1/ports/1/gids/0")
	echo "fe80::${g:20:4}:${g:25:4}:${g:30:4}:${g:35:4}" |
		sed 's/:0\{1,3\}\([0-9a-f]\)/:\1/g'
}

members() {	# both ports are members of the broadcast group at the SA
	local out
	# only a trusted query (OpenSM's default SA_Key, 1) sees PortGids
	out=$(saquery -C softib62 -P 1 --smkey 1 -m 2>&1) || return 1
	[ -n "${SHOW:-}" ] && sed 's/^/# /' <<< "$out"
	grep -A3 "MGID.*$BCAST_MGID" <<< "$out" | grep -q "$(port_gid 61)" &&
		grep -A3 "MGID.*$BCAST_MGID" <<< "$out" | grep -q "$(port_gid 62)"
}

# full_groups ID: the groups port 1 of softib<ID> is a full member of at
# the SA (trusted view), one MGID a line, sorted
full_groups() {
	local g
	g=$(port_gid "$1")
	saquery -C softib62 -P 1 --smkey 1 -m 2>/dev/null |
		awk -v g="$g" '{ v = $0; sub(/.*\.\./, "", v) }
			/^[[:space:]]*MGID/ { m = v }
			/^[[:space:]]*PortGid/ { p = v }
			/^[[:space:]]*ScopeState/ && p == g &&
				index("13579bdf", substr(v, length(v))) { print m }' |
		sort -u
}

groups_back() {	# softib61 is a full member of every group in $HAD_GROUPS
	[ -z "$(comm -23 <(echo "$HAD_GROUPS") <(full_groups 61))" ]
}

sw_port_of() {	# sw_port_of ID: the switch port that port 1 is cabled to
	smpquery -C "softib$1" -P 1 -D nodeinfo 0,1 |
		sed -n 's/^LocalPort:\.*//p'
}

in_mft() {	# OpenSM put both ports in the broadcast group's MFT row
	local u k lid mlid
	u=$(umad_of softib62 1) || return 1
	lid=$(smpquery -C softib62 -P 1 -D portinfo 0,1 0 |
		sed -n 's/^Lid:\.*//p')
	mlid=$(saquery -C softib62 -P 1 -g 2>/dev/null |
		grep -A1 "MGID.*$BCAST_MGID" | sed -n 's/.*Mlid\.*//p')
	echo "# switch LID $lid, broadcast group MLID $mlid"
	for k in "$(sw_port_of 61)" "$(sw_port_of 62)"; do
		[ "$(./ud_mcast mft "$u" "$lid" "$mlid" "$k" get)" = in=1 ] ||
			return 1
	done
}

pings() {
	ping -c 2 -W 3 $A2 > /dev/null && host_exec h2 ping -c 2 -W 3 $A1 >/dev/null
}

restart() {
	ping -i 0.2 -w 120 $A2 > /tmp/ping.out 2>&1 &
	PING=$!
	wait_for 10 grep -q "bytes from" /tmp/ping.out || return 1
	osm_stop
	! members || return 1
	osm_start 61
}

resumed() {
	local n
	wait_for 60 members && wait_for 60 groups_back || return 1
	n=$(grep -c "bytes from" /tmp/ping.out)
	wait_for 30 eval '[ "$(grep -c "bytes from" /tmp/ping.out)" -gt $((n + 3)) ]'
}

tap_plan 15
echo "# driver: $IPOIB_IMPL ib_ipoib"
tap_check "softib, ib_umad and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && load_stock ib_umad && ipoib_load'
tap_check "the requested module is the one loaded" ipoib_is_requested
tap_check "embedded_sm 0, two devices, interfaces up, one in netns h2" \
	eval 'osm_mode && ipoib_pair 61 62 61'
tap_check "ports INIT, no carrier while no SM runs" no_carrier
tap_check "OpenSM on softib61: carrier on both" \
	eval 'osm_start 61 && carriers'
tap_check "MTU 2044 from OpenSM's broadcast group" \
	eval '[ "$(cat /sys/class/net/$IF1/mtu)" = 2044 ]'
tap_check "saquery -m: both ports members of the broadcast group" \
	eval 'wait_for 30 members || SHOW=1 members'
tap_check "OpenSM's MFT row for the broadcast group has both ports" in_mft
tap_check "ping IPv4 both ways" pings
tap_check "ping IPv6 h1 -> h2" ping -6 -c 2 -W 3 $B2
HAD_GROUPS=$(full_groups 61)
echo "$HAD_GROUPS" | sed 's/^/# softib61 full member of /'
tap_check "IP multicast groups too: the broadcast group and at least 2 more" \
	eval '[ "$(grep -c . <<< "$HAD_GROUPS")" -ge 3 ] &&
	      grep -qx "$BCAST_MGID" <<< "$HAD_GROUPS"'
flaps=$(cat "/sys/class/net/$IF1/carrier_changes")
tap_check "OpenSM stopped under traffic and started again" restart
tap_check "every group rejoined at the new OpenSM, traffic resumes" resumed
kill "$PING" 2>/dev/null
flaps=$(($(cat "/sys/class/net/$IF1/carrier_changes") - flaps))
tap_check "the carrier stayed across the restart ($flaps changes)" \
	[ "$flaps" = 0 ]
osm_errors
tap_check "no kernel warnings" dmesg_clean
tap_done
