#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel release to build against and boot: the one of $KDIR if
# given, else the newest installed Debian 6.12 headers. Build and boot must
# always use the same release.
set -euo pipefail

if [ -n "${KDIR:-}" ]; then
	cat "$KDIR/include/config/kernel.release"
	exit 0
fi
for d in /usr/src/linux-headers-6.12*-amd64; do
	[ -e "$d/include/config/kernel.release" ] && cat "$d/include/config/kernel.release"
done | sort -V | tail -n 1 | grep . || {
	echo "kver: no linux-headers-6.12-amd64 installed (run scripts/install-deps.sh)" >&2
	exit 1
}
