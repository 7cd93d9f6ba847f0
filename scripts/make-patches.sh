#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the project as a git format-patch series against Debian's pristine
# linux-source-6.12 tree, split for review:
#
#   1. RDMA/softib: the software InfiniBand test device
#   2. IB/ipoib: the clean-room datagram-mode driver, replacing upstream's
#   3. IB/ipoib: the umcast policy
#   4. selftests: the ipoib_umcast kselftest
#   5. Documentation: IPoIB and its sysfs ABI
#
#   make-patches.sh [OUTDIR]        default: build/patches
#
# Only committed content goes in (git archive of HEAD, and of the commit
# that added the driver before its umcast policy, for patch 2). The series
# is made in a small repository holding pristine copies of just the files
# it touches, so making it takes seconds; check-patches.sh proves it
# applies to the whole tree with git am and builds at every step.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh")
out=${1:-$top/build/patches}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
sob="Signed-off-by: IPoIB umcast team <ipoib-umcast@example.org>"
# The driver as first merged, before the umcast policy changed it.
driver_rev=$(git -C "$top" log --format=%H --diff-filter=A -1 -- \
	drivers/infiniband/ulp/ipoib/mcast.c)

touched="drivers/infiniband/Kconfig drivers/infiniband/sw/Makefile
drivers/infiniband/ulp/ipoib tools/testing/selftests/Makefile
Documentation/infiniband/index.rst Documentation/infiniband/ipoib.rst
MAINTAINERS"

# Our committed files into the work repo, and into $work/ours, which
# records what the series has added so far (for MAINTAINERS F: lines).
ours() {	# ours REV PATH...
	local rev=$1
	shift
	git -C "$top" archive "$rev" -- "$@" | tar -x -C "$repo"
	git -C "$top" archive "$rev" -- "$@" | tar -x -C "$work/ours"
}

add_after() {	# add_after FILE ANCHOR LINE
	grep -qxF "$3" "$repo/$1" || sed -i "\\|$2|a\\
$3" "$repo/$1"
}

maintainers() {
	"$top/scripts/maintainers-merge.py" "$top/MAINTAINERS" \
		"$repo/MAINTAINERS" "$work/ours" > "$work/M"
	mv "$work/M" "$repo/MAINTAINERS"
}

commit() {	# commit SUBJECT BODY
	git -C "$repo" add -A
	git -C "$repo" commit -q -F - <<MSG
$1

$2

$sob
MSG
}

git init -q "$repo"
mkdir -p "$work/ours"
git -C "$repo" config user.name "IPoIB umcast team"
git -C "$repo" config user.email "ipoib-umcast@example.org"
(cd "$ksrc" && tar -c $touched) | tar -x -C "$repo"
git -C "$repo" add -A
git -C "$repo" commit -q -m "pristine Debian linux-source-6.12"

ours HEAD drivers/infiniband/sw/softib Documentation/infiniband/softib.rst
add_after drivers/infiniband/Kconfig 'source "drivers/infiniband/sw/rdmavt/Kconfig"' \
	'source "drivers/infiniband/sw/softib/Kconfig"'
add_after drivers/infiniband/sw/Makefile 'obj-$(CONFIG_RDMA_SIW)' \
	'obj-$(CONFIG_INFINIBAND_SOFTIB)	+= softib/'
add_after Documentation/infiniband/index.rst '   ipoib' '   softib'
maintainers
commit "RDMA/softib: add a software InfiniBand device for testing" \
"No software RDMA device in the kernel has the InfiniBand link layer (rxe
is RoCE, siw is iWARP), so IB-only ULPs such as IPoIB cannot be tested
without hardware. softib is a test-only device in the spirit of
netdevsim, built on rdmavt: a bus with new_device/del_device creates
devices whose ports share one virtual subnet with an embedded Subnet
Administrator (ClassPortInfo, PathRecord, MCMemberRecord join/leave),
and a UD engine delivers unicast and multicast between QPs from process
context. Per-port sysfs knobs take ports down and up, request a client
reregister and set P_Keys; debugfs shows the SA group table and the
multicast attachments, and injects SA join failures, delays and packet
loss. driver_id is RDMA_DRIVER_QIB, so rdma-core's libipathverbs serves
userspace verbs. Stock ib_ipoib, ibv_devinfo, mckey and ibv_ud_pingpong
work on it."

rm -rf "$repo/drivers/infiniband/ulp/ipoib"
ours "$driver_rev" drivers/infiniband/ulp/ipoib
maintainers
commit "IB/ipoib: replace the driver with a clean-room datagram implementation" \
"A rewrite of IP over InfiniBand (RFC 4391/4392) in datagram mode with
the same user-visible interfaces: a netdev per port, ARP and ND over
20-byte addresses, PathRecord-resolved address handles, multicast joins
through ib_sa_join_multicast (broadcast first, full and send-only
members, backoff), port events, P_Key children through sysfs and the
\"ipoib\" rtnl_link_ops, sysfs pkey/mode/umcast, ethtool and debugfs.
Connected mode is not implemented; asking for it fails with
EOPNOTSUPP. The multicast code is one task in process context with an
explicit per-group state and a single join decision, which the next
patch gives a policy."

ours HEAD drivers/infiniband/ulp/ipoib
commit "IB/ipoib: skip multicast groups held by userspace when umcast is set" \
"An application that receives an IPoIB multicast group on its own UD QP
(rdma_cm, RDMA_PS_IPOIB) usually also joins it through a kernel socket
so that routers keep forwarding it. IPoIB then joins and attaches its
QP too, and the host takes every packet twice. With umcast set, the
join decision asks the SA multicast database (ib_sa_get_mcmember_rec)
and does not join a group that another client holds. Unlike the old
driver, a change of the flag takes effect at once (a write of 1 also
releases and re-decides held groups), skipped groups are asked again
every second so kernel sockets hear a group again after the application
leaves, IPoIB's own send-only membership never counts as someone
else's, and skipped groups show in debugfs and ethtool -S."

ours HEAD tools/testing/selftests/ipoib_umcast
add_after tools/testing/selftests/Makefile 'TARGETS += ipc' \
	'TARGETS += ipoib_umcast'
maintainers
commit "selftests: ipoib_umcast: test the IPoIB umcast policy" \
"A userspace rdma_cm member (RDMA_PS_IPOIB, UD QP) and kernel socket
joins of the same IPoIB group, in both orders, with umcast 0 and 1,
flag flips with live groups, the application leaving, a send-only
entry first, IPv6, a P_Key child, bad sysfs and netlink input,
unprivileged writes, and a 10k-packet stream. Each step checks traffic
sent from a second network namespace and, on softib, the device's
ground truth. Real fabrics: name two IPoIB interfaces in UMCAST_IF_A
and UMCAST_IF_B; UMCAST_UPSTREAM=1 limits the run to the old driver's
behaviour."

ours HEAD Documentation/infiniband/ipoib.rst \
	Documentation/ABI/testing/sysfs-class-net-ipoib
maintainers
commit "Documentation: IPoIB: describe the driver, umcast and its sysfs ABI" \
"Rewrite Documentation/infiniband/ipoib.rst for the new driver, with a
section on the umcast policy (what it is for, how to use it, how it
decides, its limits), and document every IPoIB sysfs attribute in
Documentation/ABI/testing/sysfs-class-net-ipoib."

rm -rf "$out"
mkdir -p "$out"
git -C "$repo" format-patch -q --cover-letter -o "$out" HEAD~5..HEAD
subject="IPoIB: clean-room driver with a umcast policy, and softib to test it"
sed -i -e "s/\*\*\* SUBJECT HERE \*\*\*/$subject/" \
	-e '/\*\*\* BLURB HERE \*\*\*/r '"$top/scripts/series-blurb.txt" \
	-e '/\*\*\* BLURB HERE \*\*\*/d' "$out/0000-cover-letter.patch"
ls "$out"
