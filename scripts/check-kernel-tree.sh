#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree path, end to end: overlay the project on Debian's 6.12 source
# and build our modules in-tree (scripts/kernel-tree.sh), install the
# ipoib_umcast kselftest with the kernel's own selftests Makefile, and run
# it through run_kselftest.sh in the VM against the in-tree modules.
# Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
inst=$(mktemp -d)
trap 'rm -rf "$inst"' EXIT

echo "TAP version 13"
echo "1..3"
log=$inst.log
if tree=$("$top/scripts/kernel-tree.sh" 2> "$log" | tail -n 1) && [ -d "$tree" ]; then
	echo "ok 1 kernel-tree: overlay, olddefconfig, modules_prepare, in-tree build"
else
	echo "not ok 1 kernel-tree: overlay, olddefconfig, modules_prepare, in-tree build"
	sed 's/^/#   /' "$log" | tail -n 30
	exit 1
fi
if make -s -C "$tree/tools/testing/selftests" TARGETS=ipoib_umcast \
	INSTALL_PATH="$inst/ksft" install > "$log" 2>&1; then
	echo "ok 2 kernel-tree: make -C tools/testing/selftests TARGETS=ipoib_umcast install"
else
	echo "not ok 2 kernel-tree: make -C tools/testing/selftests TARGETS=ipoib_umcast install"
	sed 's/^/#   /' "$log" | tail -n 30
	exit 1
fi
rm -f "$log"
VM_MODULES_FROM=$tree VM_EXTRA=$inst/ksft "$top/tools/testing/vm/run.sh" \
	--no-summary "$top/tools/testing/vm/kernel-tree/kselftest.sh" |
	sed -n 's/^\(\(not \)\?ok\) 1 /\1 3 kernel-tree: /p; /^#/p'
