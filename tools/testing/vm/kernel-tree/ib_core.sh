#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the VM, with the modules of a kernel tree's in-tree build
# (scripts/check-kernel-tree.sh): the ib_core that modprobe loads is the
# tree's, built with the IB/core patch of the series; Debian's own IB
# modules load on it; and our IPoIB, built in that tree, uses ib_core's
# exact member lookup.
source "$SRC/tools/testing/vm/lib.sh"

stock() {	# stock NAME: the path of Debian's module NAME
	find "/lib/modules/$(uname -r)/kernel" -name "$1.ko*" | head -n 1
}

echo "TAP version 13"
echo "1..3"
ours=$(ours_path ib_core)
if [ -n "$ours" ] && modprobe ib_core && module_is_file ib_core "$ours" &&
   ! module_is_file ib_core "$(stock ib_core)"; then
	echo "ok 1 modprobe loads the tree's ib_core, not Debian's (build ID checked)"
else
	echo "not ok 1 modprobe loads the tree's ib_core, not Debian's (build ID checked)"
	exit 1
fi

bad=
for m in ib_cm iw_cm rdma_cm ib_uverbs rdma_ucm ib_umad rdmavt ib_ipoib; do
	load_stock "$m" && module_is_file "$m" "$(stock "$m")" || bad+=" $m"
done
dmesg | grep -E 'disagrees about version|Unknown symbol' | sed 's/^/# /'
if [ -z "$bad" ]; then
	echo "ok 2 Debian's IB modules load on it, ib_ipoib included"
else
	echo "not ok 2 Debian's IB modules load on it, ib_ipoib included (failed:$bad)"
	exit 1
fi

rmmod ib_ipoib || exit 1
load_ours ib_ipoib || exit 1
owner=$(cat /sys/kernel/debug/ipoib/umcast_owner 2>&1)
if [ "$owner" = exact ]; then
	echo "ok 3 our ib_ipoib built in the tree: umcast_owner reads exact"
else
	echo "not ok 3 our ib_ipoib built in the tree: umcast_owner reads exact (got '$owner')"
	exit 1
fi
