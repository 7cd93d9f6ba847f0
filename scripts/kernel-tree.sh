#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Overlay the project on Debian's linux-source-6.12 tree and build our
# modules in-tree, the way a distribution would:
#
#   kernel-tree.sh [TREE]
#
# TREE (default: a directory in the cache, outside the repository) is made
# afresh as hard links to the cached pristine source; files we change are
# replaced, never written through, so the pristine copy stays intact.
# Then: our files are copied in (drivers/, Documentation/, the selftests),
# wired into drivers/infiniband/Kconfig, drivers/infiniband/sw/Makefile,
# tools/testing/selftests/Makefile and Documentation/infiniband/index.rst,
# and the IB/core patch of the series (scripts/series/ib_core.patch) is
# applied; Debian's config of the running release is taken through
# olddefconfig with softib enabled; modules_prepare runs; ib_core is built
# with the symbol versions of Debian's kernel and must keep those of every
# export of Debian's ib_core (scripts/ib-core-symvers.sh), so Debian's own
# IB modules load on ours; then softib and IPoIB are built against it, and
# IPoIB must use ib_core's exact member lookup (owner.c). Prints the
# tree's path last.
#
# TREE may also come from the environment (KERNEL_TREE), so that several
# checkouts sharing the cache need not share the tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh")
kver=${KVER:-$("$top/scripts/kver.sh")}
cache=$(dirname "$ksrc")
tree=${1:-${KERNEL_TREE:-$cache/kernel-tree}}
jobs=$(nproc)

log() { echo "kernel-tree: $*" >&2; }

log "fresh tree $tree"
rm -rf "$tree"
cp -al "$ksrc" "$tree"
rm -f "$tree/.complete"

"$top/scripts/overlay.sh" "$tree"
# The cached source must still be pristine: the patch still applies to it.
patch -s -p1 -N -F0 -d "$ksrc" --dry-run < "$top/scripts/series/ib_core.patch" || {
	log "the IB/core patch wrote through to $ksrc"
	exit 1
}

log "config: Debian $kver + softib"
cp "/boot/config-$kver" "$tree/.config"
"$tree/scripts/config" --file "$tree/.config" --module INFINIBAND_SOFTIB \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
localver=${kver#"$(make -s -C "$tree" kernelversion)"}
make -s -C "$tree" LOCALVERSION="$localver" olddefconfig
release=$(make -s -C "$tree" LOCALVERSION="$localver" kernelrelease)
[ "$release" = "$kver" ] || { log "release $release != $kver"; exit 1; }

log "modules_prepare"
make -s -C "$tree" -j"$jobs" LOCALVERSION="$localver" modules_prepare
cp "/usr/src/linux-headers-$kver/Module.symvers" "$tree/Module.symvers"

# ib_core alone: for the other modules of drivers/infiniband/core the
# IB/core patch only adds a declaration they do not use, so Debian's builds
# of them stay in use (and are what the VM loads against ours).
log "build drivers/infiniband/core/ib_core.ko"
make -s -C "$tree" -j"$jobs" LOCALVERSION="$localver" \
	M=drivers/infiniband/core ib_core.ko
new=$(KVER=$kver "$top/scripts/ib-core-symvers.sh" "$tree")
log "ib_core: Debian's symbol versions kept; new exports: $(echo $new)"

for d in drivers/infiniband/sw/softib drivers/infiniband/ulp/ipoib; do
	log "build $d"
	make -s -C "$tree" -j"$jobs" LOCALVERSION="$localver" M="$d" modules
done
ipoib=$tree/drivers/infiniband/ulp/ipoib/ib_ipoib.ko
# (Not grep -q: under pipefail, nm killed by SIGPIPE would fail the test.)
nm -u "$ipoib" | grep -w ib_sa_mcmember_others_state > /dev/null || {
	log "ib_ipoib.ko does not use ib_sa_mcmember_others_state (owner_compat.c?)"
	exit 1
}
echo "$tree"
