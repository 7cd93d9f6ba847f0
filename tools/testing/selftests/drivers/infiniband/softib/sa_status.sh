#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The embedded SA answers good requests with status 0 and bad ones with
# the IBA status codes, through the stock ib_umad interface; refused
# requests leave the group table unchanged.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./sa_query ] || tap_skip_all "sa_query not built"
TEST_MGID=ff12:401b:ffff:0000:0000:0000:0000:1234

expect() {	# expect CASE STATUS
	local out
	out=$(./sa_query "$UMAD" "$GID" "$1" 2>&1)
	echo "# $1: $out"
	[ "$out" = "status=$2" ]
}

no_group() {
	! grep -q "mgid=$TEST_MGID" $SOFTIB_DBG/groups
}

tap_plan 17
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "device 101" softib_new 101 1
wait_for 5 umad_of softib101 1 >/dev/null
UMAD=$(umad_of softib101 1)
GID=$(cat /sys/class/infiniband/softib101/ports/1/gids/0)
tap_check "umad device found" test -c "$UMAD"
tap_check "ClassPortInfo Get: 0x0000" expect cpi 0x0000
tap_check "PathRecord Get to self: 0x0000" expect path_ok 0x0000
tap_check "PathRecord Get, unknown DGID: ERR_NO_RECORDS 0x0300" \
	expect path_unknown 0x0300
tap_check "join without create components: ERR_REQ_INSUFFICIENT_COMPONENTS 0x0600" \
	expect join_short 0x0600
tap_check "join for another port's GID: ERR_REQ_INVALID_GID 0x0500" \
	expect join_badgid 0x0500
tap_check "refused joins created nothing" no_group
tap_check "leave of a missing group: ERR_REQ_INVALID 0x0200" \
	expect leave_none 0x0200
tap_check "unknown attribute: 0x000c" expect bad_attr 0x000c
tap_check "unknown method: 0x0008" expect bad_method 0x0008
tap_check "bad class version: 0x0004" expect bad_version 0x0004
tap_check "join with create components: 0x0000" expect create 0x0000
tap_check "group and member in debugfs" \
	grep -q "^member mgid=$TEST_MGID .*join_state=0x1$" $SOFTIB_DBG/groups
tap_check "leave: 0x0000, group gone" eval 'expect leave 0x0000 && no_group'
tap_check "no kernel warnings" dmesg_clean
tap_done
