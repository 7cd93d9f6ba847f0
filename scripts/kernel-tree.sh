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
# tools/testing/selftests/Makefile and Documentation/infiniband/index.rst;
# Debian's config of the running release is taken through olddefconfig
# with softib enabled; modules_prepare runs; and the IB directories we own
# are built with the symbol versions of Debian's kernel, so the modules
# load on it. Prints the tree's path last.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh")
kver=${KVER:-$("$top/scripts/kver.sh")}
cache=$(dirname "$ksrc")
tree=${1:-$cache/kernel-tree}
jobs=$(nproc)

log() { echo "kernel-tree: $*" >&2; }

log "fresh tree $tree"
rm -rf "$tree"
cp -al "$ksrc" "$tree"
rm -f "$tree/.complete"

"$top/scripts/overlay.sh" "$tree"

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

for d in drivers/infiniband/sw/softib drivers/infiniband/ulp/ipoib; do
	log "build $d"
	make -s -C "$tree" -j"$jobs" LOCALVERSION="$localver" M="$d" modules
done
echo "$tree"
