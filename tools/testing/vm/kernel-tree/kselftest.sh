#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the VM: run the ipoib_umcast kselftest as installed from a kernel
# tree ("make -C tools/testing/selftests TARGETS=ipoib_umcast install"),
# through the kernel's own run_kselftest.sh, with the modules of that
# tree's in-tree build (scripts/check-kernel-tree.sh sets this up). Both
# programs, ipoib_umcast.sh and umcast_owner.sh, must pass.
runner=/extra/run_kselftest.sh
[ -x $runner ] || { echo "1..0 # SKIP no installed kselftest"; exit 4; }
out=$(mktemp)
$runner 2>&1 | tee "$out"
grep -q '^ok [0-9]* selftests: ipoib_umcast: ipoib_umcast.sh$' "$out" &&
	grep -q '^ok [0-9]* selftests: ipoib_umcast: umcast_owner.sh$' "$out"
