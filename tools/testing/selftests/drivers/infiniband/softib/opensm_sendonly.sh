#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 2000 send-only join/leave cycles against OpenSM's SA.  IPoIB joins a
# group it only sends to as a SendOnlyFullMember (join state 0x8) and
# leaves it once idle, so a busy host does this all day.  Each cycle uses
# a new MGID; once its only member left, the SA must drop the group and
# free its MLID (some OpenSM versions kept send-only groups, and so ran
# out of MLIDs).  Afterwards the SA has no more groups than before and a
# full member still gets a group.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v opensm >/dev/null || tap_skip_all "opensm missing"
command -v saquery >/dev/null || tap_skip_all "infiniband-diags missing"
[ -x ./ud_mcast ] || tap_skip_all "ud_mcast not built"
CYCLES=2000

sa_groups() {	# the number of groups at OpenSM's SA
	saquery -C softib57 -P 1 -g 2>/dev/null | grep -c "MGID"
}

gid_of() {
	cat /sys/class/infiniband/softib57/ports/1/gids/0
}

setup() {
	osm_mode && softib_new 56 1 && softib_new 57 1 &&
		wait_for 10 umad_of softib57 1 > /dev/null &&
		osm_start 56 && wait_for 120 port_is 57 1 ACTIVE &&
		wait_for 30 eval '[ "$(sa_groups)" -ge 1 ]' || return 1
	U57=$(umad_of softib57 1)
	# OpenSM gives a new group in the IPoIB range the broadcast group's
	# Q_Key, and refuses a join that asks for another.
	export SA_LID QKEY=0x0b1b
	SA_LID=$(cat /sys/class/infiniband/softib57/ports/1/sm_lid)
	G0=$(sa_groups)
	echo "# SA at LID $SA_LID, $G0 groups before"
}

cycles() {
	local out
	out=$(./ud_mcast cycle "$U57" "$(gid_of)" $CYCLES 8 2>&1 | tail -n 3)
	echo "$out" | sed 's/^/# /'
	grep -qx "cycles=$CYCLES failed=0" <<< "$out"
}

tap_plan 6
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "OpenSM runs two devices" setup
tap_check "$CYCLES send-only (0x8) join/leave cycles, none refused" cycles
tap_check "OpenSM kept no group of them" \
	eval 'wait_for 30 eval "[ \$(sa_groups) = $G0 ]" || ! echo "# $(sa_groups) groups"'
tap_check "a full member still gets a group" \
	eval './ud_mcast join "$U57" "$(gid_of)" 1 | grep -q "^mlid=0xc"'
osm_errors
tap_check "no kernel warnings" dmesg_clean
tap_done
