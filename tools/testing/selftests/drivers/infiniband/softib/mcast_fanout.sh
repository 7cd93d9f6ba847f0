#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast reaches every member port, however many: 64 ports (sixteen
# four-port devices) join a group as full members first, then a port
# with a UD QP attached joins as the 65th; a sender on another device
# reaches it.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
MGID=ff12:401b:ffff:0000:0000:0000:0000:5678
FILLERS=$(seq 141 156)

fillers_new() {
	local id
	for id in $FILLERS; do
		softib_new "$id" 4 || return 1
	done
	softib_new 157 1 && softib_new 158 1 &&
		wait_for 10 umad_of softib158 1 >/dev/null
}

fillers_join() {
	local id p umad gid
	for id in $FILLERS; do
		for p in 1 2 3 4; do
			umad=$(umad_of "softib$id" $p) &&
			gid=$(cat "/sys/class/infiniband/softib$id/ports/$p/gids/0") &&
			./ud_mcast join "$umad" "$gid" 1 >/dev/null || return 1
		done
	done
}

members() {
	grep -c "^member mgid=$MGID .*join_state=0x1$" $SOFTIB_DBG/groups
}

ready() {
	grep -q ready /tmp/fanout.out
}

run() {
	local rc=0 p
	./ud_mcast recv softib157 "$(umad_of softib157 1)" 1 20 8000 \
		> /tmp/fanout.out 2>&1 &
	p=$!
	wait_for 10 ready || rc=1
	echo "# full members: $(members)"
	./ud_mcast send softib158 "$(umad_of softib158 1)" 20 |
		sed 's/^/# sender: /'
	wait $p || rc=1
	sed 's/^/# 65th member: /' /tmp/fanout.out
	return $rc
}

tap_plan 5
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "sixteen four-port devices and two one-port devices" fillers_new
tap_check "64 ports join as full members" \
	eval 'fillers_join && [ "$(members)" = 64 ]'
tap_check "the 65th member receives 20 of 20" run
tap_check "no kernel warnings" dmesg_clean
tap_done
