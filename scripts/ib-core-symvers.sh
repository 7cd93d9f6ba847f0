#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# After an in-tree build of ib_core with the IB/core patch of the series
# (drivers/infiniband/core/Module.symvers of TREE), make TREE/Module.symvers
# Debian's with ib_core's exports replaced by the built ones, so that
# modules built in TREE afterwards (IPoIB) can use the new export:
#
#   ib-core-symvers.sh TREE
#
# Our ib_core stands in for Debian's in the VM under Debian's own modules
# (rdma_cm, ib_uverbs, rdmavt, ib_ipoib...), which load only if every
# export they may use keeps its symbol version: an export of Debian's
# ib_core that is missing here, or whose CRC differs, fails. Prints the
# exports Debian's ib_core does not have.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1
kver=${KVER:-$("$top/scripts/kver.sh")}
debian=/usr/src/linux-headers-$kver/Module.symvers
built=$tree/drivers/infiniband/core/Module.symvers
mod=drivers/infiniband/core/ib_core

[ -s "$built" ] || { echo "ib-core-symvers: no $built" >&2; exit 1; }
# Fields: CRC, symbol, module, export type, namespace.
bad=$(awk -F'\t' -v mod="$mod" '
	NR == FNR { if ($3 == mod) crc[$2] = $1; next }
	$3 == mod && !($2 in crc) { print "  missing: " $2 }
	$3 == mod && ($2 in crc) && crc[$2] != $1 {
		print "  CRC changed: " $2 " " $1 " -> " crc[$2] }' "$built" "$debian")
if [ -n "$bad" ]; then
	echo "ib-core-symvers: our ib_core would not stand in for Debian's:" >&2
	echo "$bad" >&2
	exit 1
fi
awk -F'\t' -v mod="$mod" 'NR == FNR { if ($3 == mod) old[$2] = 1; next }
	$3 == mod && !($2 in old) { print $2 }' "$debian" "$built"
{
	awk -F'\t' -v mod="$mod" '$3 != mod' "$debian"
	awk -F'\t' -v mod="$mod" '$3 == mod' "$built"
} > "$tree/Module.symvers.new"
mv "$tree/Module.symvers.new" "$tree/Module.symvers"
