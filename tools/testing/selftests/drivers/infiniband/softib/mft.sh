#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast goes where the switch's multicast forwarding table says, not
# where the SA's member list says.  Two receivers (softib41, softib42)
# join a group as full members; the embedded SM puts their switch ports,
# and not the sender's (softib43), in the group's MFT row.  An SM that
# takes softib41's port out of the row (a SubnSet of the MFT, as OpenSM
# sends) cuts softib41 off while it is still a member: softib42 gets
# every packet, softib41 none.  Receivers that leave are taken out of
# the row; one that joins is put in, and softib41 receives once more.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
command -v smpquery >/dev/null || tap_skip_all "infiniband-diags missing"

ready() {
	grep -q ready "$1"
}

sw_port_of() {	# sw_port_of IBDEV: the switch port its port 1 is cabled to
	smpquery -C "$1" -P 1 -D nodeinfo 0,1 | sed -n 's/^LocalPort:\.*//p'
}

mft_is() {	# mft_is PORT 0|1: is switch PORT out of (0) or in (1) $MLID's row?
	[ "$(./ud_mcast mft "$U43" 1 "$MLID" "$1" get)" = "in=$2" ]
}

start_recv() {	# start_recv IBDEV UMAD OUT TIMEOUT_MS
	./ud_mcast recv "$1" "$2" 1 20 "$4" > "$3" 2>&1 &
	wait_for 10 ready "$3"
}

setup() {
	U41=$(umad_of softib41 1) && U42=$(umad_of softib42 1) &&
		U43=$(umad_of softib43 1) &&
		K41=$(sw_port_of softib41) && K42=$(sw_port_of softib42) &&
		K43=$(sw_port_of softib43) || return 1
	echo "# switch ports: softib41 $K41, softib42 $K42, softib43 $K43"
	start_recv softib41 "$U41" /tmp/r41.out 6000 && P41=$! &&
		start_recv softib42 "$U42" /tmp/r42.out 10000 && P42=$! ||
		return 1
	MLID=$(sed -n 's/^ready mlid=//p' /tmp/r41.out)
	echo "# group MLID $MLID"
}

cut_off() {
	[ "$(./ud_mcast mft "$U43" 1 "$MLID" "$K41" 0)" = in=0 ] &&
		./ud_mcast send softib43 "$U43" 20 | sed 's/^/# sender: /'
	wait "$P42"
	wait "$P41"
	sed 's/^/# softib41: /' /tmp/r41.out
	sed 's/^/# softib42: /' /tmp/r42.out
	grep -qx received=20 /tmp/r42.out && grep -qx received=0 /tmp/r41.out
}

rejoin() {
	start_recv softib41 "$U41" /tmp/r41.out 10000 && P41=$! &&
		MLID=$(sed -n 's/^ready mlid=//p' /tmp/r41.out) &&
		mft_is "$K41" 1 &&
		./ud_mcast send softib43 "$U43" 20 | sed 's/^/# sender: /'
	wait "$P41"
	sed 's/^/# softib41: /' /tmp/r41.out
	grep -qx received=20 /tmp/r41.out
}

tap_plan 8
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "three devices" \
	eval 'softib_new 41 1 && softib_new 42 1 && softib_new 43 1 &&
	      wait_for 10 umad_of softib43 1 >/dev/null'
tap_check "two receivers joined and attached" setup
tap_check "MFT row: both receivers' switch ports, not the sender's" \
	eval 'mft_is "$K41" 1 && mft_is "$K42" 1 && mft_is "$K43" 0'
tap_check "port taken out of the row: softib42 gets 20, softib41 0" cut_off
tap_check "both receivers left: their ports are out of the row" \
	eval 'mft_is "$K41" 0 && mft_is "$K42" 0'
tap_check "softib41 joins again: back in the row, receives 20" rejoin
tap_check "no kernel warnings" dmesg_clean
tap_done
