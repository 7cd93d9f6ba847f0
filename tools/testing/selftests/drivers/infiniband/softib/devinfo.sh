#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock rdma-core sees softib devices: ibv_devinfo lists them with an
# InfiniBand link layer and active ports with LIDs, and the core's sysfs
# agrees with softib's debugfs.  The device attributes pass the checks of
# rdma-core's pyverbs test_query_device/test_query_device_ex and name
# softib's vendor ID, part, hardware and firmware versions.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v ibv_devinfo >/dev/null || tap_skip_all "ibv_devinfo missing"
tap_plan 15
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

attr() {	# attr NAME: a device attribute from ibv_devinfo -v
	sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" <<< "$out" | head -n 1
}

# What pyverbs' DeviceTest.verify_device_attr asserts (rdma-core v44 on):
# GUIDs and the listed limits non-zero, max_mr_size above and
# page_size_cap at least the page size.
pyverbs_attrs() {
	local page n bad=0
	page=$(sed -n 's/^KernelPageSize: *\([0-9]*\) kB$/\1/p' /proc/self/smaps |
	       head -n 1)
	page=$((page * 1024))
	[ "$page" -gt 0 ] || { echo "# page size unknown"; return 1; }
	for n in vendor_id node_guid sys_image_guid max_qp max_qp_wr max_sge \
		 max_cq max_cqe max_mr max_pd max_pkeys; do
		case $(attr $n) in
		""|0|0x0|0x0000|0000:0000:0000:0000)
			echo "# $n is zero or missing"
			bad=1 ;;
		esac
	done
	# (unsigned 64-bit values: bash sees those from 2^63 up as negative)
	n=$(($(attr max_mr_size)))
	[ "$n" -lt 0 ] || [ "$n" -gt "$page" ] || { echo "# max_mr_size"; bad=1; }
	n=$(($(attr page_size_cap)))
	[ "$n" -lt 0 ] || [ "$n" -ge "$page" ] || { echo "# page_size_cap"; bad=1; }
	[ "$(attr max_sge_rd)" -ge 0 ] || { echo "# max_sge_rd"; bad=1; }
	return $bad
}
tap_check "device attributes pass pyverbs' verify_device_attr" pyverbs_attrs
tap_check "vendor_id 0x02005e, vendor_part_id 1, hw_ver 0x1" \
	eval '[ $(($(attr vendor_id))) = $((0x02005e)) ] &&
	      [ "$(attr vendor_part_id)" = 1 ] && [ "$(attr hw_ver)" = 0x1 ]'
tap_check "fw_ver 1.0.0, in sysfs too" \
	eval '[ "$(attr fw_ver)" = 1.0.0 ] &&
	      [ "$(cat /sys/class/infiniband/softib11/fw_ver)" = 1.0.0 ]'
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
