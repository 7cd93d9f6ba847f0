#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock ibv_ud_pingpong (libibverbs through libipathverbs) between two
# softib devices, without and with a GRH.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v ibv_ud_pingpong >/dev/null || tap_skip_all "ibv_ud_pingpong missing"

pingpong() {	# pingpong TCP-PORT EXTRA-ARGS...
	local port=$1 rc
	shift
	timeout 60 ibv_ud_pingpong -d softib31 -i 1 -p "$port" -n 200 "$@" \
		> /tmp/udpp_srv.out 2>&1 &
	sleep 1
	timeout 60 ibv_ud_pingpong -d softib32 -i 1 -p "$port" -n 200 "$@" \
		127.0.0.1 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	wait $! || rc=1
	sed 's/^/# server: /' /tmp/udpp_srv.out
	return "$rc"
}

tap_plan 5
tap_check "softib loads" softib_setup
tap_check "two devices" eval 'softib_new 31 1 && softib_new 32 1'
tap_check "ibv_ud_pingpong, no GRH" pingpong 18515
tap_check "ibv_ud_pingpong, GRH (-g 0)" pingpong 18516 -g 0
tap_check "no kernel warnings" dmesg_clean
softib_del 31
softib_del 32
tap_done
