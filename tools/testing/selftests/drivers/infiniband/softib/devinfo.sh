#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock rdma-core sees softib devices: ibv_devinfo lists them with an
# InfiniBand link layer and active ports with LIDs, and the core's sysfs
# agrees with softib's debugfs.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v ibv_devinfo >/dev/null || tap_skip_all "ibv_devinfo missing"
tap_plan 12
tap_check "softib loads" softib_setup
tap_check "new_device 11 2" softib_new 11 2
tap_check "ib device softib11 exists" test -d /sys/class/infiniband/softib11
out=$(ibv_devinfo -v -d softib11 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "ibv_devinfo: link_layer InfiniBand" \
	grep -q "link_layer:.*InfiniBand" <<< "$out"
tap_check "ibv_devinfo: two ports PORT_ACTIVE" \
	test "$(grep -c "state:.*PORT_ACTIVE" <<< "$out")" = 2
lids=$(sed -n 's/.*port_lid:[[:space:]]*\([0-9]*\).*/\1/p' <<< "$out" | sort -u)
tap_check "ibv_devinfo: distinct non-zero LIDs" \
	test "$(echo "$lids" | grep -vc '^0$')" = 2
tap_check "sm_lid is 1" grep -q "sm_lid:[[:space:]]*1$" <<< "$out"
tap_check "debugfs ports agree" \
	test "$(grep -c "dev=softib11 .*state=ACTIVE" $SOFTIB_DBG/ports)" = 2
tap_check "P_Key table: index 0 is 0xffff" \
	grep -q "^index=0 pkey=0xffff$" \
	/sys/class/infiniband/softib11/ports/1/softib/pkeys
tap_check "mtu knob: 4096 accepted" softib_knob 11 2 mtu 4096
tap_check "ibv_devinfo: port 2 active_mtu 4096" \
	eval 'ibv_devinfo -d softib11 -i 2 | grep -q "active_mtu:.*4096"'
tap_check "mtu knob: 1000 refused" eval '! softib_knob 11 2 mtu 1000 2>/dev/null'
tap_done
