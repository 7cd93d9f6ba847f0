#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the VM's base initramfs: busybox, the real userspace tools the tests
# use (with their libraries), rdma-core and its providers, and the stock
# Debian modules of release $KVER with a modules.dep for them.
#
# The result is cached in $OUT/base-<key>.cpio, where the key covers this
# script, the kernel release and the versions of the packages copied in, so
# a warm run costs one dpkg-query and a hash. The per-run part (our modules
# and the tests) is a second, small cpio that run.sh appends.
#
# Usage: mkinitramfs.sh OUTDIR KVER [MODROOT]   prints the path of the base cpio
#
# MODROOT (default /) is where lib/modules/KVER is: a modules_install
# staging directory for a kernel of our own (scripts/debug-kernel.sh), whose
# in-tree modules then stand for the stock ones.
set -euo pipefail

out=$1
kver=$2
modroot=${3:-/}
here=$(cd "$(dirname "$0")" && pwd)

# Userspace tools copied from the host, with their shared libraries.
BINS=(
	/usr/bin/bash /usr/bin/kmod /usr/bin/ip /usr/bin/ping /usr/bin/iperf3
	/usr/sbin/ethtool /usr/bin/rdma /usr/bin/nstat /usr/bin/ss
	/usr/bin/ibv_devinfo /usr/bin/ibv_devices /usr/bin/ibv_ud_pingpong
	/usr/bin/ibv_rc_pingpong /usr/bin/mckey /usr/bin/udaddy
	/usr/bin/rping /usr/bin/ucmatose /usr/bin/strace /usr/bin/timeout
	/usr/bin/setpriv /usr/bin/unshare /usr/bin/nsenter
	/usr/sbin/smpquery /usr/sbin/smpdump /usr/sbin/saquery /usr/sbin/sminfo
	/usr/sbin/ibstat /usr/sbin/ibaddr /usr/sbin/ibportstate
	/usr/sbin/ibnetdiscover /usr/sbin/ibroute /usr/sbin/iblinkinfo
	/usr/sbin/ibtracert /usr/sbin/perfquery /usr/sbin/opensm
)
# Stock modules (with their dependencies) the tests may load.
MODS=(ib_core ib_uverbs ib_umad ib_cm rdma_cm rdma_ucm rdmavt ib_ipoib veth
      virtio_net)
# Packages whose files end up in the image: their versions key the cache.
PKGS=(busybox-static bash kmod iproute2 iputils-ping iperf3 ethtool strace
      coreutils util-linux libibverbs1 librdmacm1 ibverbs-providers ibverbs-utils
      rdmacm-utils infiniband-diags libibmad5 libibumad3 libibnetdisc5 opensm
      libopensm9 libosmcomp5 libosmvendor5 libgcc-s1 libc6)

if [ "$modroot" = / ]; then
	PKGS+=("linux-image-$kver")
fi
key=$( {
	cat "$0" "$here/init" "$here/copy_lib.sh"
	echo "$kver"
	if [ "$modroot" != / ]; then
		echo "$modroot"
		stat -c %Y "$modroot/lib/modules/$kver/modules.dep"
	fi
	dpkg-query -W -f='${Package} ${Version}\n' "${PKGS[@]}" 2>/dev/null
} | sha256sum | cut -c1-16)
# cached_or_exit, new_root, copy_file, copy_with_libs
source "$here/copy_lib.sh"
cpio_out=$out/base-$key.cpio
cached_or_exit "$cpio_out"
new_root "$out"
mkdir -p "$root"/{dev,proc,sys,tmp,run,etc,root,var}

copy_with_libs "${BINS[@]}"
# glibc dlopen()s libgcc_s for pthread_cancel(), which OpenSM calls.
copy_file /usr/lib/x86_64-linux-gnu/libgcc_s.so.1
for tool in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf kmod "$root/usr/bin/$tool"
done

# rdma-core: every verbs provider and its driver file.
copy_with_libs /usr/lib/x86_64-linux-gnu/libibverbs/*.so
mkdir -p "$root/etc/libibverbs.d"
cp /etc/libibverbs.d/*.driver "$root/etc/libibverbs.d/"

# busybox for everything the real tools above do not provide.
cp /bin/busybox "$root/usr/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/usr/bin/$applet" ] || [ -e "$root/usr/sbin/$applet" ] ||
		ln -s busybox "$root/usr/bin/$applet"
done

# Stock modules, compressed as shipped (the kernel decompresses them).
# Only Debian's own files: a DKMS install of ours in updates/ must not
# stand in for the stock module.
mdir=/lib/modules/$kver
smdir=${modroot%/}$mdir
for m in "${MODS[@]}"; do
	modprobe -d "$modroot" -S "$kver" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
	case $ko in
	"$smdir/kernel/"*) ;;
	*) ko=$(find "$smdir/kernel" -name "$(basename "$ko")" | sed -n 1p)
	   [ -n "$ko" ] || continue ;;
	esac
	dst=$root$mdir/${ko#"$smdir/"}
	mkdir -p "$(dirname "$dst")"
	cp "$ko" "$dst"
done
cp "$smdir"/modules.builtin* "$smdir/modules.order" "$root$mdir/"
depmod -b "$root" "$kver"

cp "$here/init" "$root/init"
chmod 755 "$root/init"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
echo "127.0.0.1 localhost" > "$root/etc/hosts"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) > "$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"
echo "$cpio_out"
