# SPDX-License-Identifier: GPL-2.0
#
# Building an image root ($root) for mkinitramfs.sh and mklayer.sh: a
# file copied from the host keeps its path, a program brings its shared
# libraries.

# cached_or_exit CPIO: if CPIO is built already, print its path and exit.
cached_or_exit() {
	if [ -s "$1" ]; then
		echo "$1"
		exit 0
	fi
}

# new_root OUTDIR: a fresh $root under OUTDIR, removed on exit, with a
# merged /usr as on the host, so library paths from ldd stay valid.
new_root() {
	local d

	mkdir -p "$1"
	root=$(mktemp -d "$1/.root.XXXXXX")
	trap 'rm -rf "$root"' EXIT
	for d in bin sbin lib lib64; do
		mkdir -p "$root/usr/$d"
		ln -s "usr/$d" "$root/$d"
	done
}

copy_file() {
	local f real
	for f in "$@"; do
		real=$(readlink -f "$f")
		mkdir -p "$root$(dirname "$f")"
		cp -a --no-preserve=ownership "$real" "$root$f"
	done
}

copy_with_libs() {
	local f lib
	for f in "$@"; do
		copy_file "$f"
		# ldd lines look like "libx.so => /path (addr)" or "/lib64/ld... (addr)".
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$root$lib" ] || copy_file "$lib"
		done
	done
}
