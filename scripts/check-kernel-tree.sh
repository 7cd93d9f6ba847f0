#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree path, end to end: overlay the project on Debian's 6.12 source
# with the IB/core patch and build ib_core, softib and IPoIB in-tree
# (scripts/kernel-tree.sh), install the ipoib_umcast kselftest with the
# kernel's own selftests Makefile, and in one VM boot on the in-tree
# modules: check that the tree's ib_core is the one loaded, that Debian's
# IB modules load on it and that IPoIB uses the exact owner lookup
# (tools/testing/vm/kernel-tree/ib_core.sh); run the kselftest through
# run_kselftest.sh (both its programs: ipoib_umcast.sh and umcast_owner.sh,
# which on the exact lookup also runs the scenarios only it can decide).
# Prints TAP.
#
#   check-kernel-tree.sh [TREE]     TREE as for kernel-tree.sh
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
inst=$(mktemp -d)
trap 'rm -rf "$inst" "$inst.log"' EXIT
vmtests=(tools/testing/vm/kernel-tree/ib_core.sh
	 tools/testing/vm/kernel-tree/kselftest.sh)

echo "TAP version 13"
echo "1..$((2 + ${#vmtests[@]}))"
log=$inst.log
step1="overlay, IB/core patch, olddefconfig, modules_prepare, in-tree build"
step2="kselftest installed (TARGETS=ipoib_umcast install), test programs built"
if tree=$("$top/scripts/kernel-tree.sh" "$@" 2> "$log" | tail -n 1) && [ -d "$tree" ]; then
	echo "ok 1 kernel-tree: $step1"
else
	echo "not ok 1 kernel-tree: $step1"
	sed 's/^/#   /' "$log" | tail -n 30
	exit 1
fi
if make -s -C "$tree/tools/testing/selftests" TARGETS=ipoib_umcast \
	INSTALL_PATH="$inst/ksft" install > "$log" 2>&1 &&
   "$top/scripts/build-selftests.sh" >> "$log" 2>&1; then
	echo "ok 2 kernel-tree: $step2"
else
	echo "not ok 2 kernel-tree: $step2"
	sed 's/^/#   /' "$log" | tail -n 30
	exit 1
fi
rm -f "$log"
# One boot for all; run.sh numbers them from 1, here they follow step 2.
VM_MODULES_FROM=$tree VM_EXTRA=$inst/ksft "$top/tools/testing/vm/run.sh" \
	--no-summary "${vmtests[@]/#/$top/}" |
	awk 'match($0, /^(not )?ok [0-9]+ /) {
		head = substr($0, 1, RLENGTH - 1)
		n = head
		sub(/^(not )?ok /, "", n)
		printf "%s%d kernel-tree: %s\n", substr(head, 1, length(head) - length(n)),
		       n + 2, substr($0, RLENGTH + 1)
		next
	     }
	     /^#/'
