#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A peer keeps sending UD datagrams to a LID, as one with a cached path
# does, while the device owning the LID is deleted and created again with
# the same ID (so it gets the same LID back).  Packets for QP numbers
# above 1 are looked up in rdmavt's QP table, which exists only from
# rdmavt's registration to its unregistration: around it they must be
# dropped, never looked up (a NULL or freed table: an Oops).
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./flood ] || tap_skip_all "flood not built"
ROUNDS=${LID_REUSE_ROUNDS:-40}
FLOOD=

cleanup() {
	[ -z "$FLOOD" ] || kill "$FLOOD" 2>/dev/null
	softib_cleanup
}
trap cleanup EXIT

lid_of() {	# lid_of ID: LID of port 1, in decimal
	echo $(($(cat "/sys/class/infiniband/softib$1/ports/1/lid")))
}

port_stat() {	# port_stat ID FIELD
	sed -n "s/^dev=softib$1 port=1 .*$2=\([0-9]*\).*/\1/p" $SOFTIB_DBG/ports
}

flooding() {	# the peer's datagrams leave its port
	local n0
	n0=$(port_stat 22 tx_packets)
	wait_for 10 eval '[ "$(port_stat 22 tx_packets)" -gt $((n0 + 1000)) ]'
}

start_flood() {	# flood LID 0x80 (no such QP) from softib22 until killed
	./flood ud softib22 "$LID" 0x80 3600 > /dev/null &
	FLOOD=$!
	flooding
}

# ROUNDS deletions and creations of softib21 under the flood, each one
# getting the same LID back.
cycles() {
	local i
	for ((i = 0; i < ROUNDS; i++)); do
		softib_del 21 && softib_new 21 1 || return 1
		[ "$(lid_of 21)" = "$LID" ] || {
			echo "# round $i: LID $(lid_of 21), not $LID"
			return 1
		}
	done
	echo "# $ROUNDS rounds"
}

refused() {	# the last softib21 refused datagrams for the missing QP
	local n0
	n0=$(port_stat 21 rx_drops)
	wait_for 10 eval '[ "$(port_stat 21 rx_drops)" -gt $n0 ]'
}

tap_plan 7
tap_check "softib loads" softib_setup
tap_check "target softib21 (lowest LID) and peer softib22" \
	eval 'softib_new 21 1 && softib_new 22 1'
LID=$(lid_of 21)
echo "# softib21 has LID $LID"
tap_check "softib22 floods LID $LID, QP 0x80" start_flood
tap_check "softib21 deleted and created again under the flood" cycles
tap_check "the flood still runs" \
	eval 'kill -0 "$FLOOD" && flooding'
tap_check "the new softib21 gets the datagrams and refuses them" refused
tap_check "no kernel warnings" dmesg_clean
tap_done
