#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the project needs, from Debian packages only.
# Idempotent: when every package is already present it only runs dpkg-query
# once and returns (well under a second).
set -euo pipefail

PKGS=(
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	qemu-system-x86 busybox-static cpio xz-utils zstd sparse rsync
	libibverbs-dev librdmacm-dev ibverbs-providers ibverbs-utils
	rdmacm-utils rdma-core infiniband-diags opensm tshark
	iproute2 iputils-ping iperf3 ethtool procps
	pkg-config python3 gawk
	gnuplot-nox dkms
)

missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PKGS[@]}" \
	2>/dev/null | awk '$1 == "ii" { print $2 }' |
	sort | comm -13 - <(printf '%s\n' "${PKGS[@]}" | sort)) || true

[ -z "$missing" ] && exit 0

echo "install-deps: installing:" $missing >&2
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
