#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: two guests joined by a cable.  Each has a virtio NIC
# whose only peer is the other guest's; each pings the other, and the
# two meet at a rendezvous before and after, so neither finishes while
# the other still needs it.
# vm-guests: 2
source "$SRC/tools/testing/vm/lib.sh"
echo "TAP version 13"
echo "1..4"
step() {	# step N DESC CMD...
	local n=$1 d=$2
	shift 2
	if "$@"; then
		echo "ok $n $d"
	else
		echo "not ok $n $d"
		exit 1
	fi
}
step 1 "guest $VM_GUEST: eth0 up on the cable" guest_cable_up
step 2 "guest $VM_GUEST: the other guest is there" guest_sync start 60
step 3 "guest $VM_GUEST: ping $PEER over the cable" \
	ping -c 3 -W 5 "$PEER"
step 4 "guest $VM_GUEST: both done" guest_sync done 60
