#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the project as a git format-patch series against Debian's pristine
# linux-source-6.12 tree, split for review:
#
#   1. RDMA/softib: the software InfiniBand test device
#   2. IB/ipoib: the clean-room datagram-mode core, replacing upstream's
#   3. IB/ipoib: P_Key child interfaces (sysfs and rtnl_link_ops)
#   4. IB/ipoib: the admin surfaces (sysfs mode, ethtool, debugfs)
#   5. IB/core: ib_sa_mcmember_others_state() (scripts/series/ib_core.patch)
#   6. IB/ipoib: the umcast policy
#   7. selftests: the ipoib_umcast kselftest
#   8. Documentation: IPoIB and its sysfs ABI
#
#   make-patches.sh [OUTDIR]        default: build/patches
#
# Only committed content goes in (git archive of HEAD). Patch 6 ends at
# HEAD's driver, less what only out-of-tree builds need: owner_compat.c
# and the Makefile's choice between it and owner.c, made for DKMS builds
# against an ib_core without patch 5 (see series_driver below). The trees
# of patches 4, 3 and 2 never existed in git, so
# they are derived from HEAD's driver by applying in turn the "strip" steps
# in scripts/series/ (1-strip-umcast.diff, 2-strip-admin.diff,
# 3-strip-children.diff), each removing one concern from the tree before
# it, and checked against scripts/series/guards. When the driver has changed
# so that a step no longer applies, this script fails and names it; run
# scripts/series/refresh.sh, which rebases the steps onto HEAD's driver
# with 3-way merges and reports conflicts, then commit the rewritten steps.
#
# The series is made in a small repository holding pristine copies of just
# the files it touches, so making it takes seconds; check-patches.sh proves
# it applies to the whole tree with git am and builds at every step.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh")
out=${1:-$top/build/patches}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
sob="Signed-off-by: IPoIB umcast team <ipoib-umcast@example.org>"
drv=drivers/infiniband/ulp/ipoib
trees=$work/trees
# Let git apply in $trees never take a repository above $work for its own.
export GIT_CEILING_DIRECTORIES=$work

touched="drivers/infiniband/Kconfig drivers/infiniband/sw/Makefile
drivers/infiniband/ulp/ipoib tools/testing/selftests/Makefile
Documentation/infiniband/index.rst Documentation/infiniband/ipoib.rst
drivers/infiniband/core/multicast.c include/rdma/ib_sa.h MAINTAINERS"

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

die() {
	echo "make-patches: $*" >&2
	exit 1
}

# $trees/0 is HEAD's driver; $trees/K is $trees/K-1 minus step K.
derive_trees() {
	local k n re name hits

	mapfile -t steps < <(git -C "$top" ls-tree --name-only HEAD scripts/series/ |
		grep -E '/[0-9]-[^/]*\.diff$' | sort)
	mkdir -p "$trees/0"
	git -C "$top" archive HEAD "$drv" | tar -x -C "$trees/0"
	git -C "$top" show HEAD:scripts/series/guards | grep -vE '^(#|$)' > "$work/guards"
	for k in $(seq 1 ${#steps[@]}); do
		name=${steps[$((k - 1))]}
		cp -a "$trees/$((k - 1))" "$trees/$k"
		git -C "$top" show "HEAD:$name" > "$work/step.diff"
		(cd "$trees/$k" && git apply "$work/step.diff") > "$work/apply.log" 2>&1 || {
			sed 's/^/  /' "$work/apply.log" >&2
			die "$name no longer applies to HEAD's driver, which changed" \
			    "since the steps were made: run scripts/series/refresh.sh," \
			    "resolve what it reports, commit the steps, and try again"
		}
		while IFS=$'\t' read -r n re; do
			[ "$n" -le "$k" ] || continue
			hits=$(cd "$trees/$k" && grep -rnE -- "$re" "$drv") || continue
			echo "$hits" | sed 's/^/  /' >&2
			die "after $name the driver still has what step $n strips" \
			    "(scripts/series/guards): fix the steps (refresh.sh, or by hand)"
		done < "$work/guards"
	done
}

# In a kernel tree with patch 5, ib_core always has the exact member lookup:
# the driver of patch 6 builds owner.o plainly and has no owner_compat.c.
# The Makefile's selection must have exactly the shape below (its comment
# goes with it); anything else fails, as does any mention of the
# fallback left in the driver.
series_driver() {	# series_driver DIR: HEAD's driver in DIR, made in-tree
	local d=$1/$drv hits
	local sel='ipoib-owner := $(if $(shell grep -qs ib_sa_mcmember_others_state \
		 $(srctree)/include/rdma/ib_sa.h && echo y),owner.o,owner_compat.o)
ib_ipoib-y += $(ipoib-owner)'

	[ -f "$d/owner_compat.c" ] && [ -f "$d/owner.c" ] ||
		die "HEAD's driver has no owner.c and owner_compat.c:" \
		    "update series_driver in make-patches.sh"
	rm "$d/owner_compat.c"
	SEL=$sel REPL='ib_ipoib-y += owner.o' awk '
		BEGIN { n = split(ENVIRON["SEL"], sel, "\n") }
		{ line[NR] = $0 }
		END {
			for (i = 1; i + n - 1 <= NR; i++) {
				for (j = 1; j <= n && line[i + j - 1] == sel[j]; j++)
					;
				if (j > n) { at = i; found++ }
			}
			if (found != 1)
				exit 1
			# The comment above the selection, and the blank line
			# before that, go too.
			for (s = at; s > 1 && line[s - 1] ~ /^#/; s--)
				;
			if (s > 1 && line[s - 1] == "")
				s--
			for (i = 1; i < s; i++)
				print line[i]
			print ENVIRON["REPL"]
			for (i = at + n; i <= NR; i++)
				print line[i]
		}' "$d/Makefile" > "$work/Makefile" ||
		die "$drv/Makefile no longer selects owner.o or owner_compat.o" \
		    "in the shape series_driver in make-patches.sh expects: update it"
	mv "$work/Makefile" "$d/Makefile"
	if hits=$(cd "$1" && grep -rnE 'owner_compat|srctree|\$\(shell' "$drv"); then
		echo "$hits" | sed 's/^/  /' >&2
		die "the series' driver still mentions the out-of-tree fallback:" \
		    "word these lines so they hold without owner_compat.c"
	fi
}

driver() {	# driver K: our driver as tree K of derive_trees
	rm -rf "${repo:?}/$drv" "$work/ours/$drv"
	mkdir -p "$repo/$drv" "$work/ours/$drv"
	cp -a "$trees/$1/$drv/." "$repo/$drv"
	cp -a "$trees/$1/$drv/." "$work/ours/$drv"
}

commit() {	# commit SUBJECT BODY
	git -C "$repo" add -A
	git -C "$repo" commit -q -F - <<MSG
$1

$2

$sob
MSG
}

derive_trees
series_driver "$trees/0"
[ ${#steps[@]} = 3 ] ||
	die "scripts/series has ${#steps[@]} steps; the messages below expect 3"
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

driver 3
maintainers
commit "IB/ipoib: replace the driver with a clean-room datagram-mode core" \
"Replace IP over InfiniBand (RFC 4391/4392) with a rewrite in datagram
mode. This first part is what a port needs to carry IP: an interface per
IB port with the 20-byte hardware address and header_ops that let ARP
and neighbour discovery work unchanged, the UD QP with its send and
receive rings and NAPI, unicast paths resolved through PathRecord
queries into reference-counted address handles, port events, and the
multicast engine, since nothing works before the broadcast group is
joined. get_net_dev_by_params lets rdma_cm find our interfaces.
Receive buffers come from a page pool and go through GRO; sends use
scatter-gather when the device has enough SGEs, and IPv4 checksums are
offloaded when it has IB_DEVICE_UD_IP_CSUM.

Multicast is one task per interface, in process context. The other
contexts (rx mode changes, transmits to a group we do not hold, SA join
callbacks) only record facts and kick it; each run moves every group
towards what a single join decision wants (full member with the QP
attached, send-only member, or nothing), and failed joins back off
exponentially. Only the broadcast group is joined before the broadcast
join succeeds, since the others copy its parameters.

Connected mode is not implemented. P_Key children, the admin surfaces
and the umcast policy follow in their own patches."

driver 2
maintainers
commit "IB/ipoib: add P_Key child interfaces" \
"A P_Key child is another interface on the same port in a different
partition, with its own QP and broadcast group. Create one by writing
the P_Key to the parent's create_child sysfs file (the child is named
<parent>.<pkey>; delete_child removes it) or with \"ip link add ... type
ipoib\", whose link ops take IFLA_IPOIB_PKEY and IFLA_IPOIB_MODE
(datagram only) and report both, for parents too. A child holds a
reference on its parent, is unregistered before it when the IB device
goes away, and names it in its parent sysfs file and its iflink. Every
interface shows its P_Key in sysfs. The link ops set netns_refund, so
that IPoIB devices still go back to init_net when their namespace is
destroyed, as they did without link ops."

driver 1
maintainers
commit "IB/ipoib: add the sysfs mode file, ethtool and debugfs" \
"What administrators and tests look at, none of which the datapath
needs:

- the sysfs mode file, which reads \"datagram\" and refuses \"connected\"
  with EOPNOTSUPP, since tools expect to find it;
- ethtool: driver information, link speed from the port's lane speed
  and width, receive CQ moderation, and statistics: the netdev counters
  followed by the driver's own (path queries and failures, multicast
  joins, join failures, send-only joins and leaves, send queue stops,
  receive buffer allocation failures);
- debugfs: ipoib/<if>_mcg lists the multicast groups with their state,
  ipoib/<if>_path the unicast paths. The files follow interface renames
  and are for debugging and tests, not ABI."

git -C "$top" show HEAD:scripts/series/ib_core.patch > "$work/ib_core.patch"
git -C "$repo" apply "$work/ib_core.patch" ||
	die "scripts/series/ib_core.patch does not apply to the pristine tree"
commit "IB/core: tell an SA client which other clients use a multicast group" \
"IPoIB is to leave a multicast group alone when an application already
receives it on its own QP through rdma_cm (the umcast policy of the next
patch). For that it must know whether anyone but IPoIB uses a group of
the port's multicast database, and ib_sa_get_mcmember_rec() cannot tell:
the join state of the record it returns merges the completed joins of
every member, IPoIB's own included, and shows neither joins that still
wait for the SA nor which member a bit belongs to.

Add ib_sa_mcmember_others_state(): the union of the join states that the
members of other SA clients than the caller's have requested in a group.
A member counts from ib_sa_join_multicast() on, whether the SA has
answered or not (the group's pending and active lists), until
ib_sa_free_multicast() unlinks it, so a membership being released no
longer counts while its leave is in flight; neither does one that a port
event took off the active list. All IPoIB interfaces of a host join
through one SA client, so what IPoIB gets back is exactly what
applications and other kernel clients hold.

The lookup takes the port's lock to find the group and then the group's
lock to walk its members, the order mcast_groups_event() already nests
them in, with interrupts disabled as every user of the port lock does."

driver 0
maintainers
commit "IB/ipoib: skip multicast groups held by userspace when umcast is set" \
"An application that receives an IPoIB multicast group on its own UD QP
(rdma_cm, RDMA_PS_IPOIB) usually also joins it through a kernel socket
so that routers keep forwarding it. IPoIB then joins and attaches its
QP too, and the host takes every packet twice.

Add the umcast flag, per interface, as the sysfs file umcast (booleans
only) and as IFLA_IPOIB_UMCAST. With it set, the join decision asks
ib_core (ib_sa_mcmember_others_state(), previous patch) whether a
member of another SA client receives from a group, and does not join
such a group as a full member. Since every IPoIB interface joins
through the same client, a parent and its children never skip each
other's groups, and IPoIB's own memberships, send-only or being
released, never count as someone else's. Unlike the old driver, a
change of the flag takes effect at once, and while it is set the
groups of the multicast list are asked again every second: a skipped
group comes back when the application leaves, so kernel sockets hear it
again, and an attached group is given up when an application joins it
after us. Local senders to a skipped group still join it send-only
and their packets wait for that join instead of being dropped. Skipped
groups show in debugfs (umcast_skipped) and in ethtool -S
(umcast_ignored_groups)."

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
git -C "$repo" format-patch -q --cover-letter -o "$out" HEAD~8..HEAD
subject="IPoIB: clean-room driver with a umcast policy, and softib to test it"
sed -i -e "s/\*\*\* SUBJECT HERE \*\*\*/$subject/" \
	-e '/\*\*\* BLURB HERE \*\*\*/r '"$top/scripts/series-blurb.txt" \
	-e '/\*\*\* BLURB HERE \*\*\*/d' "$out/0000-cover-letter.patch"
ls "$out"
