#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock rdma_cm UD (udaddy) between two network namespaces over softib:
# address and route resolution through IPoIB and the SA's PathRecord,
# SIDR over QP1 between the devices, then UD datagrams both ways.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v udaddy >/dev/null || tap_skip_all "udaddy missing"

udaddy_run() {
	local rc
	host_exec h2 timeout 60 udaddy -b $A2 -C 10 > /tmp/udaddy_srv.out 2>&1 &
	sleep 2
	timeout 60 udaddy -s $A2 -b $A1 -C 10 2>&1 | sed 's/^/# client: /'
	rc=${PIPESTATUS[0]}
	wait $! || rc=1
	sed 's/^/# server: /' /tmp/udaddy_srv.out
	return "$rc"
}

tap_plan 5
tap_check "softib, ib_ipoib, rdma_ucm load" \
	eval 'softib_setup && load_stock ib_ipoib && load_stock rdma_ucm'
tap_check "two devices, IPoIB up, one in netns h2" ipoib_pair 111 112 111
tap_check "carrier on both" \
	eval 'wait_for 15 carrier_up "$IF1" && wait_for 15 carrier_up "$IF2" h2'
tap_check "udaddy: 10 datagrams each way" udaddy_run
tap_check "no kernel warnings" dmesg_clean
tap_done
