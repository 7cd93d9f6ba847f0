#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A join the SA received from a port that then went down, or whose device
# was deleted (and created again with the same ID, so the same GID and
# LID) before the SA handled it, must not be applied: no ghost member, no
# group nobody holds.  The join is held back by the delay knob; a probe
# join from another device, delayed longer, tells when it was handled.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./sa_query ] || tap_skip_all "sa_query not built"
MGID=ff12:401b:ffff:0000:0000:0000:0000:1234
PROBE=ff12:401b:ffff:0000:0000:0000:0000:4321
STALE_PID=

gid_of() {	# gid_of ID
	cat /sys/class/infiniband/softib$1/ports/1/gids/0
}

delays_left() {	# delays_left N: the SA took all but N delayed joins
	[ "$(cat $SOFTIB_DBG/sa_delay_joins)" = "$1" ]
}

member_of() {	# member_of MGID GID
	grep -q "^member mgid=$1 port_gid=$2 " $SOFTIB_DBG/groups
}

no_ghost() {	# no_ghost GID: no member GID, no group MGID
	! member_of $MGID "$1" && ! grep -q "^group mgid=$MGID " $SOFTIB_DBG/groups
}

bounce() {
	softib_knob 131 1 link down && softib_knob 131 1 link up
}

recreate() {
	softib_del 131 && softib_new 131 1 &&
		wait_for 5 umad_of softib131 1 >/dev/null
}

# stale_join ACTION: port 1 of softib131 sends a join the SA holds back
# for 1.5 s, ACTION runs once the SA has it, then a probe join from
# softib132, held 2 s, is answered: the first join has been handled.
stale_join() {
	local gid out
	gid=$(gid_of 131)
	knob sa_delay_ms 1500 && knob sa_delay_joins 2 || return 1
	./sa_query "$(umad_of softib131 1)" "$gid" create 20000 \
		> /tmp/stale.out 2>&1 &
	STALE_PID=$!
	wait_for 10 delays_left 1 || return 1
	$1 || return 1
	knob sa_delay_ms 2000
	out=$(./sa_query "$(umad_of softib132 1)" "$(gid_of 132)" create 10000 \
	      $PROBE)
	echo "# probe: $out"
	kill "$STALE_PID" 2>/dev/null
	wait "$STALE_PID" 2>/dev/null
	grep -e "mgid=$MGID" -e "mgid=$PROBE" $SOFTIB_DBG/groups | sed 's/^/# /'
	[ "$out" = status=0x0000 ] && member_of $PROBE "$(gid_of 132)" &&
		delays_left 0 && no_ghost "$gid"
}

cleanup() {
	[ -n "$STALE_PID" ] && kill "$STALE_PID" 2>/dev/null
	[ -d $SOFTIB_DBG ] && knob sa_delay_joins 0 && knob sa_delay_ms 0
	softib_cleanup
}
trap cleanup EXIT

tap_plan 7
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "devices 131 and 132" \
	eval 'softib_new 131 1 && softib_new 132 1 && wait_for 5 umad_of softib132 1 >/dev/null'
tap_check "delayed join, port down before it is handled: not applied" \
	stale_join "softib_knob 131 1 link down"
softib_knob 131 1 link up
tap_check "delayed join, port down and up again: not applied" \
	stale_join bounce
tap_check "delayed join, device deleted and created again: not applied" \
	stale_join recreate
tap_check "a delayed join of a live port is applied" \
	eval 'stale_join true; member_of $MGID "$(gid_of 131)" &&
	      grep -qx status=0x0000 /tmp/stale.out'
tap_check "no kernel warnings" dmesg_clean
tap_done
