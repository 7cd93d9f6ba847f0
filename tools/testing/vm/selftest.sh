#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the VM runner itself, run on the host: feed run.sh fixtures whose
# outcome is known and check its verdicts. Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
fx=tools/testing/vm/tests
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# One run; the panic in the middle must not stop the tests after it. The
# checkers of the debug kernel (leak, lockdep, kasan) skip on others.
"$top/tools/testing/vm/run.sh" --no-summary $fx/boot_clean.sh \
	$fx/pass.sh $fx/fail.sh $fx/warn.sh $fx/warn_nopanic.sh \
	$fx/panic.sh $fx/timeout.sh $fx/netns.sh $fx/modules.sh \
	$fx/leave_module.sh $fx/module_gone.sh $fx/leak.sh $fx/lockdep.sh \
	$fx/kasan.sh $fx/pass.sh > "$out" 2>&1
rc=$?
# A VM that never reaches /init: booted once more, then its test fails.
VM_APPEND="${VM_APPEND:-} rdinit=/nonexistent panic=1" \
	"$top/tools/testing/vm/run.sh" --no-summary $fx/pass.sh 2>&1 |
	sed 's/^/unbootable: /' >> "$out"

# Two guests joined by a cable (a test with "# vm-guests: 2").
"$top/tools/testing/vm/run.sh" --no-summary $fx/pair/two_guests.sh 2>&1 |
	sed 's/^/pair: /' >> "$out"

checks=(
	"ok [0-9]* $fx/pass.sh\$|a passing test passes"
	"not ok [0-9]* $fx/fail.sh # exit 1|a failing test fails"
	"not ok [0-9]* $fx/warn.sh # VM died.*WARNING|a kernel WARN fails the test"
	"not ok [0-9]* $fx/warn_nopanic.sh # kernel: .*WARNING|a WARN that does not panic is caught in dmesg"
	"not ok [0-9]* $fx/panic.sh # VM died.*|a kernel panic fails the test"
	"not ok [0-9]* $fx/timeout.sh # timeout|a test past its timeout fails"
	"ok [0-9]* $fx/netns.sh\$|tests after a panic still run; two-host helper works"
	"ok [0-9]* $fx/modules.sh\$|our modules shadow stock ones; load_stock gets Debian's"
	"ok [0-9]* $fx/module_gone.sh\$|modules a test leaves loaded are unloaded after it"
	"ok [0-9]* $fx/boot_clean.sh\$|the boot leaves no kernel report"
	"unbootable: # booting again|a VM that did not boot is booted once more"
	"unbootable: not ok 1 $fx/pass.sh # VM did not boot|...and then its tests fail"
	"pair: 1\\.\\.2$|a two-guest test gives two results"
	"pair: ok 1 $fx/pair/two_guests.sh@a$|two guests on a cable: guest a pings b"
	"pair: ok 2 $fx/pair/two_guests.sh@b$|...and guest b pings a"
)
if [ -n "${VM_KERNEL_DIR:-}" ]; then
	checks+=(
	"not ok [0-9]* $fx/leak.sh # .*kmemleak|a kmemleak suspect fails the test"
	"not ok [0-9]* $fx/lockdep.sh # kernel: .*circular locking|a lockdep splat fails the test"
	"not ok [0-9]* $fx/kasan.sh # VM died.*BUG: KASAN|a KASAN report fails the test"
	"ok 1[0-9] $fx/pass.sh\$|tests run on after lockdep and KASAN reports (the last one)"
	)
else
	checks+=(
	"ok [0-9]* $fx/leak.sh # SKIP|kmemleak test skips on a non-debug kernel"
	"ok [0-9]* $fx/lockdep.sh # SKIP|lockdep test skips on a non-debug kernel"
	"ok [0-9]* $fx/kasan.sh # SKIP|KASAN test skips on a non-debug kernel"
	)
fi
echo "TAP version 13"
echo "1..$((${#checks[@]} + 1))"
i=0
for c in "${checks[@]}"; do
	i=$((i + 1))
	if grep -Eq "^${c%%|*}" "$out"; then
		echo "ok $i runner: ${c#*|}"
	else
		echo "not ok $i runner: ${c#*|}"
		bad=1
	fi
done
i=$((i + 1))
if [ $rc != 0 ]; then
	echo "ok $i runner: exit status is non-zero when a test fails"
else
	echo "not ok $i runner: exit status is non-zero when a test fails"
	bad=1
fi
if [ -n "${bad:-}" ]; then
	sed 's/^/# /' "$out"
	exit 1
fi
