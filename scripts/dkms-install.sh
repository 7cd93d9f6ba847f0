#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install our modules with Debian's dkms for kernel KVER (default: the
# installed 6.12 headers' release), or remove them again:
#
#   dkms-install.sh [KVER]          add, build, install
#   dkms-install.sh --remove        dkms remove, all kernels
#
# The source package is what dkms.conf needs: the root Kbuild, dkms.conf
# and the two driver directories, copied to /usr/src/<name>-<version>.
# Neither our ib_ipoib nor the distro's declares a MODULE_VERSION, so dkms
# would call them the same version and keep the distro's; Debian's dkms
# reads /usr/share/dkms/modules_to_force_install for packages that must
# override it (also at autoinstall on a new kernel).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/$name-$ver
force=/usr/share/dkms/modules_to_force_install/$name

if [ "${1:-}" = --remove ]; then
	dkms remove -m "$name" -v "$ver" --all 2>/dev/null || true
	rm -rf "$src" "$force"
	exit 0
fi
"$top/scripts/install-deps.sh"
kver=${1:-$("$top/scripts/kver.sh")}

dkms remove -m "$name" -v "$ver" --all > /dev/null 2>&1 || true
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard Kbuild dkms.conf \
	drivers/infiniband/sw/softib drivers/infiniband/ulp/ipoib |
	xargs cp --parents -t "$src")
mkdir -p "$(dirname "$force")"
echo "${name}_version-override" > "$force"
dkms add -m "$name" -v "$ver"
dkms build -m "$name" -v "$ver" -k "$kver"
dkms install -m "$name" -v "$ver" -k "$kver"
