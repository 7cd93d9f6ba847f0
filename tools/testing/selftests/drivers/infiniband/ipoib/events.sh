#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port events, driven through the SMA as a subnet manager drives them,
# and what IPoIB does with each (the flush levels of upstream IPoIB):
#  - client reregister: every group is joined again, the carrier stays
#    and traffic goes on;
#  - LID change (PortInfo Set of the LID): the carrier stays, paths are
#    queried again;
#  - SM change (PortInfo Set of MasterSMLID): the carrier stays, paths
#    are queried again;
#  - the port going down and up again: the carrier follows it.
# NetworkManager and systemd-networkd react to every carrier change, so an
# event that does not take the link down must not flap it.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or on Debian's stock
# one (events_stock.sh).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

command -v ibportstate >/dev/null || tap_skip_all "infiniband-diags missing"
S81="-C softib81 -P 1"

carrier_changes() {
	cat "/sys/class/net/$IF1/carrier_changes"
}

counter() {	# counter NAME: IF1's ethtool -S counter NAME
	ethtool -S "$IF1" | sed -n "s/^ *$1: //p"
}

pings() {
	ping -c 2 -W 3 $A2 > /dev/null && host_exec h2 ping -c 2 -W 3 $A1 >/dev/null
}

kept() {	# kept C0: the carrier is up and did not change since C0
	local now
	now=$(carrier_changes)
	echo "# carrier changes: $1 before, $now now"
	carrier_up "$IF1" && [ "$now" = "$1" ]
}

requeried() {	# requeried Q0: a packet to h2 made IF1 query its path again
	ping -c 1 -W 1 $A2 > /dev/null
	[ "$(counter path_queries)" -gt "$1" ]
}

set_port() {	# set_port OP VALUE: PortInfo Set of softib81's port
	ibportstate $S81 -D 0 1 "$1" "$2" > /dev/null
}

lid_of() {
	echo $(($(cat /sys/class/infiniband/softib81/ports/1/lid)))
}

tap_plan 15
echo "# driver: $IPOIB_IMPL ib_ipoib"
tap_check "softib, ib_umad and the requested ib_ipoib ($IPOIB_IMPL) load" \
	eval 'softib_setup && load_stock ib_umad && ipoib_load'
tap_check "two devices, interfaces up, one in netns h2" \
	eval 'ipoib_pair 81 82 81 && wait_for 15 carrier_up "$IF1" &&
	      wait_for 15 carrier_up "$IF2" h2 && pings'
umad_of softib81 1 > /dev/null

C0=$(carrier_changes)
R0=$(counter mcast_rejoins)
tap_check "client reregister raised" softib_knob 81 1 reregister 1
tap_beyond "client reregister: every group joined again (mcast_rejoins)" \
	wait_for 10 eval '[ "$(counter mcast_rejoins)" -gt "${R0:-0}" ]'
tap_check "client reregister: traffic goes on" pings
tap_check "client reregister: the carrier stayed" kept "$C0"

C0=$(carrier_changes)
Q0=$(counter path_queries)
L0=$(lid_of)
tap_check "LID change: PortInfo Set of a new LID taken" \
	eval 'set_port lid $((L0 + 0x100)) && [ "$(lid_of)" = $((L0 + 0x100)) ]'
tap_beyond "LID change: the path to h2 is queried again" \
	wait_for 10 requeried "${Q0:-0}"
tap_check "LID change back: traffic goes on" \
	eval 'set_port lid $L0 && wait_for 10 pings'
tap_beyond "LID changes: the carrier stayed" kept "$C0"

C0=$(carrier_changes)
Q0=$(counter path_queries)
tap_check "SM change: MasterSMLID moved away and back" \
	eval 'set_port smlid $(lid_of) && set_port smlid 1'
tap_beyond "SM change: the path to h2 is queried again" \
	wait_for 10 requeried "${Q0:-0}"
tap_beyond "SM change: the carrier stayed, traffic goes on" \
	eval 'kept "$C0" && pings'

C0=$(carrier_changes)
tap_check "port down and up: the carrier follows, traffic comes back" \
	eval 'softib_knob 81 1 link down && wait_for 10 eval "! carrier_up $IF1" &&
	      softib_knob 81 1 link up && wait_for 15 carrier_up "$IF1" &&
	      [ "$(carrier_changes)" -ge $((C0 + 2)) ] && wait_for 10 pings'
tap_check "no kernel warnings" dmesg_clean
tap_done
