#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy the project's kernel files into a 6.12 kernel tree and wire them in:
#
#   overlay.sh TREE
#
# Files are replaced, never written through (TREE may be hard links to a
# pristine tree). Our IPoIB replaces upstream's directory whole. The IB/core
# patch of the series (scripts/series/ib_core.patch) is applied, so IPoIB
# built in this tree uses ib_core's exact member lookup (owner.c).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1

# Replace a file by an edited copy (breaks any hard link).
edit() {	# edit FILE SED-SCRIPT
	local tmp
	tmp=$(mktemp)
	sed "$2" "$1" > "$tmp"
	rm -f "$1"
	mv "$tmp" "$1"
	chmod 644 "$1"
}

# Add LINE after the first line matching ANCHOR, unless LINE is there.
add_after() {	# add_after FILE ANCHOR LINE
	grep -qxF "$3" "$1" || edit "$1" "\\|$2|a\\
$3"
}

# Apply a -p1 patch to TREE without writing through a hard link: each file
# it touches becomes a private copy first, and must be one afterwards.
apply_patch() {	# apply_patch PATCH
	local f tmp

	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"); do
		[ -f "$tree/$f" ] || continue
		tmp=$(mktemp "$tree/$f.XXXXXX")
		cp -p "$tree/$f" "$tmp"
		mv "$tmp" "$tree/$f"
	done
	patch -s -p1 -N -F0 -d "$tree" --no-backup-if-mismatch < "$1"
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"); do
		[ "$(stat -c %h "$tree/$f")" = 1 ] || {
			echo "overlay: $f is still a hard link after patching" >&2
			exit 1
		}
	done
}

cd "$top"
apply_patch "$top/scripts/series/ib_core.patch"
files=$(git ls-files -co --exclude-standard drivers Documentation \
	tools/testing/selftests)
rm -rf "$tree/drivers/infiniband/ulp/ipoib"
for f in $files; do
	[ -f "$f" ] || continue
	rm -f "$tree/$f"
	mkdir -p "$tree/$(dirname "$f")"
	cp -p "$f" "$tree/$f"
done

add_after "$tree/drivers/infiniband/Kconfig" \
	'source "drivers/infiniband/sw/rdmavt/Kconfig"' \
	'source "drivers/infiniband/sw/softib/Kconfig"'
add_after "$tree/drivers/infiniband/sw/Makefile" \
	'obj-$(CONFIG_RDMA_SIW)' \
	'obj-$(CONFIG_INFINIBAND_SOFTIB)	+= softib/'
add_after "$tree/tools/testing/selftests/Makefile" \
	'TARGETS += ipc' 'TARGETS += ipoib_umcast'
add_after "$tree/Documentation/infiniband/index.rst" \
	'   ipoib' '   softib'
"$top/scripts/maintainers-merge.py" "$top/MAINTAINERS" \
	"$tree/MAINTAINERS" > "$tree/MAINTAINERS.new"
rm -f "$tree/MAINTAINERS"
mv "$tree/MAINTAINERS.new" "$tree/MAINTAINERS"
