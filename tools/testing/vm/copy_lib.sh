# SPDX-License-Identifier: GPL-2.0
#
# Copying host files into an image root ($root), for mkinitramfs.sh and
# mklayer.sh: a file keeps its path, a program brings its shared libraries.

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
