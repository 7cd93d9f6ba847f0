#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: the two-host helper. Two namespaces joined by a veth
# pair must reach each other, and cleanup must remove them.
source "$SRC/tools/testing/vm/lib.sh"
echo "TAP version 13"
echo "1..2"
load_stock veth || exit 1
host_add a && host_add b || exit 1
ip link add va type veth peer name vb || exit 1
host_move va a && host_move vb b || exit 1
host_exec a ip addr add 192.0.2.1/24 dev va
host_exec b ip addr add 192.0.2.2/24 dev vb
host_exec a ip link set va up
host_exec b ip link set vb up
if host_exec a ping -c 2 -W 2 192.0.2.2 > /dev/null; then
	echo "ok 1 ping between hosts a and b"
else
	echo "not ok 1 ping between hosts a and b"; exit 1
fi
vm_cleanup
if ip netns list | grep -q .; then
	echo "not ok 2 cleanup removed the hosts"; exit 1
fi
echo "ok 2 cleanup removed the hosts"
