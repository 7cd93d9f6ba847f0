#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of "make check-debug" from Debian's linux-source-6.12
# and print the directory holding it:
#
#   debug-kernel.sh [--print-dir]
#
# The kernel is x86_64_defconfig merged with tools/testing/vm/debug.config
# (the VM's needs, the IB stack, KASAN, lockdep, kmemleak, DEBUG_OBJECTS,
# fault injection). It is built out of the source tree (O=), which stays
# pristine, in a cache directory outside the repository keyed by the
# fragment, this script and the source package version:
#
#   $cache/debug-kernel-<key>/build     the O= tree (KDIR for our modules)
#   $cache/debug-kernel-<key>/staging   modules_install (lib/modules/<rel>)
#   $cache/debug-kernel-<key>/.complete written last: a warm run stops here
#
# Every line of the fragment must hold in the final .config; a symbol that
# Kconfig dropped fails the build. --print-dir prints the directory without
# building. Environment: JOBS (default: nproc), NICE (default 19).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/tools/testing/vm/debug.config
ksrc=$("$top/scripts/kernel-source.sh")
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$( { cat "$frag" "$0"; echo "$ver"; } | sha256sum | cut -c1-16)
dir=$(dirname "$ksrc")/debug-kernel-$key
obj=$dir/build

log() { echo "debug-kernel: $*" >&2; }

if [ "${1:-}" = --print-dir ] || [ -e "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$obj"
exec 9> "$dir/.lock"
flock 9
[ ! -e "$dir/.complete" ] || { echo "$dir"; exit 0; }

jobs=${JOBS:-$(nproc)}
kmake() {
	nice -n "${NICE:-19}" make -s -C "$ksrc" O="$obj" -j"$jobs" "$@"
}

# Check that every line of the fragment holds in $obj/.config.
verify_config() {
	local line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		if [[ $line == "# "* ]]; then
			! grep -q "^$sym=" "$obj/.config" && continue
		else
			grep -qxF "$line" "$obj/.config" && continue
		fi
		log "wanted '$line', got '$(grep -E "^(# )?$sym[= ]" \
			"$obj/.config" || echo "$sym undefined")'"
		bad=1
	done < "$frag"
	return $bad
}

start=$(date +%s)
log "config: x86_64_defconfig + $(basename "$frag") in $obj"
kmake x86_64_defconfig
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" \
	> "$obj/merge_config.log"
kmake olddefconfig
verify_config || { log "config fragment not satisfied"; exit 1; }

log "build bzImage and modules (-j$jobs, nice ${NICE:-19})"
kmake bzImage modules
rm -rf "$dir/staging"
kmake INSTALL_MOD_PATH="$dir/staging" modules_install
touch "$dir/.complete"
log "built $(cat "$obj/include/config/kernel.release") in $(($(date +%s) - start)) s"
echo "$dir"
