#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything "make check" runs, as one TAP stream ending in the single line
# "N passed, N failed, N skipped":
#   1. static checks (scripts/lint.sh), which also rebuild every module;
#   2. the selftests' userspace programs;
#   3. the VM runner's own tests (tools/testing/vm/selftest.sh);
#   4. every executable *.sh below tools/testing/selftests, in the VM;
#   5. the in-tree build on Debian's linux-source and the kselftest installed
#      from it (scripts/check-kernel-tree.sh); a DKMS install with Debian's
#      dkms and the kselftest on what it built (scripts/check-dkms.sh); the
#      patch series: checkpatch, git am, bisect build (check-patches.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
"$top/scripts/install-deps.sh" || exit 1
passed=0 failed=0 skipped=0 n=0

source "$top/scripts/tap-relay.sh"

echo "TAP version 13"
relay < <(scripts/lint.sh --no-summary)

out=$(mktemp)
if scripts/build-selftests.sh > "$out" 2>&1; then
	echo "ok 1 build: selftest programs" > "$out.tap"
else
	{ echo "not ok 1 build: selftest programs"; sed 's/^/#   /' "$out"; } > "$out.tap"
fi
relay < "$out.tap"
rm -f "$out" "$out.tap"

relay < <(tools/testing/vm/selftest.sh)

mapfile -t vmtests < <(find tools/testing/selftests -name '*.sh' -type f \
			-perm -u+x 2>/dev/null | LC_ALL=C sort)
if [ ${#vmtests[@]} -gt 0 ]; then
	relay < <(tools/testing/vm/run.sh --no-summary "${vmtests[@]}")
fi

# The distro path: in-tree build and the kselftest through run_kselftest.sh.
relay < <(scripts/check-kernel-tree.sh)
relay < <(scripts/check-dkms.sh)
relay < <(scripts/check-patches.sh)

echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
