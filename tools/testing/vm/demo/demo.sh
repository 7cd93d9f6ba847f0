#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's demo, run inside the VM: load the InfiniBand stack and, when
# softib is built, create a two-port fabric and show it through stock
# rdma-core tools.
source "$SRC/tools/testing/vm/lib.sh"

say() { printf '\n== %s\n' "$*"; }

say "kernel $(uname -r), InfiniBand core and stock IPoIB"
for m in ib_core ib_uverbs ib_umad rdma_ucm rdmavt ib_ipoib; do
	load_stock "$m" || exit 1
done
lsmod | grep -E '^(ib_|rdma|rdmavt)' | awk '{ print "  loaded:", $1 }'

if [ -z "$(ours_path softib)" ]; then
	say "softib is not built yet: the stack is loaded, no device to show"
	exit 0
fi
load_ours softib || exit 1
echo "1 1" > /sys/bus/softib/new_device
echo "2 1" > /sys/bus/softib/new_device
sleep 2
say "ibv_devinfo (stock rdma-core through libipathverbs)"
ibv_devinfo | grep -E 'hca_id|state|link_layer|port_lid|sm_lid'
say "stock ib_ipoib interfaces"
ip -br link show type ipoib
