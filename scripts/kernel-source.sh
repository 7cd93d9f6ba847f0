#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of an extracted Debian linux-source-6.12 tree, extracting
# it into a cache outside the repository the first time (keyed by the
# tarball's package version). Used by checkpatch, the selftest headers and
# the in-tree build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz | head -n 1)
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
cache=${IPOIB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ipoib-umcast}
dst=$cache/linux-source-$ver

if [ ! -e "$dst/.complete" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.extract.XXXXXX")
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	rm -rf "$dst"
	mv "$tmp" "$dst"
	touch "$dst/.complete"
fi
echo "$dst"
