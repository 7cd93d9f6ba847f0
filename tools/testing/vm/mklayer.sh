#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build an optional layer of the VM's initramfs: tools too big to put in
# every boot (mkinitramfs.sh's base), appended by run.sh only when a test
# of the boot asks for them with a line "# vm-layer: NAME".
#
#   tshark   Debian's tshark and its libraries (about 160 MB), the packet
#            decoder that judges softib's captures (softib/capture.sh)
#
# Cached as $OUTDIR/layer-NAME-<key>.cpio, keyed by this script and the
# versions of the packages copied in.
#
# Usage: mklayer.sh OUTDIR NAME   prints the path of the layer's cpio
set -euo pipefail

out=$1
name=$2
here=$(cd "$(dirname "$0")" && pwd)

case $name in
tshark)
	BINS=(/usr/bin/tshark)
	PKGS=(tshark libwireshark16 libwiretap13 libwsutil14)
	;;
*)
	echo "mklayer.sh: no layer '$name'" >&2
	exit 2
	;;
esac
for b in "${BINS[@]}"; do
	[ -x "$b" ] || { echo "mklayer.sh: $b missing (make deps)" >&2; exit 1; }
done
key=$( {
	cat "$0" "$here/copy_lib.sh"
	dpkg-query -W -f='${Package} ${Version}\n' "${PKGS[@]}" 2>/dev/null
} | sha256sum | cut -c1-16)
source "$here/copy_lib.sh"
cpio_out=$out/layer-$name-$key.cpio
cached_or_exit "$cpio_out"
new_root "$out"
copy_with_libs "${BINS[@]}"
# only usr/: the base has the merged-/usr links already
(cd "$root" && find usr -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) > "$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"
echo "$cpio_out"
