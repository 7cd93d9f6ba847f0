#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-debug": the VM test suite on a debug kernel (KASAN, lockdep,
# kmemleak, DEBUG_OBJECTS, DEBUG_LIST, fault injection), as one TAP stream
# ending in "N passed, N failed, N skipped":
#   1. the debug kernel (scripts/debug-kernel.sh; cached outside the
#      repository, so a warm run skips the build);
#   2. our modules built against it, in build/debug/src (the repository's
#      own build for Debian's kernel is left alone), and the selftests'
#      userspace programs;
#   3. the VM runner's own tests, then every executable *.sh below
#      tools/testing/selftests, booting the debug kernel with its in-tree
#      modules as the "stock" ones.
# Any kernel report in a test (KASAN, lockdep, ODEBUG, list corruption,
# kmemleak suspects, WARNING, BUG) fails that test: see guest.sh.
#
#   check-debug.sh [TEST...]    only these VM tests (no runner self-tests)
#
# Environment: VM_MEM (default 3G), VM_TIMEOUT_MULT (default 4).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
"$top/scripts/install-deps.sh" || exit 1
passed=0 failed=0 skipped=0 n=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

source "$top/scripts/tap-relay.sh"

# step NAME CMD...: one TAP line for a build step, its log when it fails.
step() {
	local name=$1 t0=$SECONDS
	shift
	if "$@" > "$out" 2>&1; then
		relay <<< "ok 1 debug: $name ($((SECONDS - t0)) s)"
		return 0
	fi
	relay < <(echo "not ok 1 debug: $name"; tail -n 40 "$out" | sed 's/^/#   /')
	return 1
}

build_modules() {
	local src=$top/build/debug/src

	mkdir -p "$src"
	# Sources only: the build for Debian's kernel leaves its objects and
	# their lists (*.mod name them by path) in the repository.
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude '*.mod' --exclude '*.mod.c' --exclude 'modules.order' \
		--exclude 'Module.symvers' --exclude '*.a' \
		"$top/Kbuild" "$top/Kconfig" "$top/drivers" "$src/"
	find "$src" \( -name '*.mod' -o -name '.*.mod.cmd' \) -delete
	mkdir -p "$src/tools/testing/vm"
	rsync -a --delete "$top/tools/testing/vm/module" "$src/tools/testing/vm/"
	make -C "$kdir/build" M="$src" CONFIG_INFINIBAND_SOFTIB=m \
		CONFIG_IPOIB_VM_SELFTEST=m -j"$(nproc)" modules
}

echo "TAP version 13"
kdir=$(scripts/debug-kernel.sh --print-dir)
if step "kernel $(basename "$kdir")" scripts/debug-kernel.sh &&
   step "our modules against it" build_modules &&
   step "selftest programs" scripts/build-selftests.sh; then
	export VM_KERNEL_DIR=$kdir VM_MODULES_FROM=$top/build/debug/src
	export VM_MEM=${VM_MEM:-3G} VM_TIMEOUT_MULT=${VM_TIMEOUT_MULT:-4}
	# A big log: reports are long. RCU stall warnings at 60 s, not 21:
	# KASAN and lockdep under TCG on a loaded host are that slow.
	export VM_APPEND="log_buf_len=16M rcupdate.rcu_cpu_stall_timeout=60"
	if [ $# -gt 0 ]; then
		vmtests=("$@")
	else
		relay < <(tools/testing/vm/selftest.sh)
		mapfile -t vmtests < <(find tools/testing/selftests -name '*.sh' \
			-type f -perm -u+x 2>/dev/null | LC_ALL=C sort)
	fi
	relay < <(tools/testing/vm/run.sh --no-summary \
		tools/testing/vm/tests/boot_clean.sh "${vmtests[@]}")
fi

echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
