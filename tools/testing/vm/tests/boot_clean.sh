#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The boot itself, before the first test, left no kernel report in dmesg
# (guest.sh's per-test check, applied to the boot); on a debug kernel the
# checkers are live: lockdep on, kmemleak on, fault injection in debugfs.
# What kmemleak suspected at boot (guest.sh keeps it aside and clears it,
# it is no test's doing) is listed for the record.
echo "TAP version 13"
echo "1..2"
rc=0
boot=$(dmesg | sed '/vm: ---- /,$d' | grep -v 'kmemleak: Kernel memory leak detector initialized')
bad=$(grep -E "${VM_KERNEL_BAD:-WARNING:|BUG:}" <<< "$boot")
if [ -z "$bad" ]; then
	echo "ok 1 no kernel report during boot"
else
	echo "not ok 1 no kernel report during boot"
	grep -E -A 12 "${VM_KERNEL_BAD:-WARNING:|BUG:}" <<< "$boot" |
		head -n 60 | sed 's/^/# /'
	rc=1
fi

if [ ! -e /proc/lockdep_stats ]; then
	echo "ok 2 debug checkers live # SKIP not a debug kernel"
	exit $rc
fi
missing=
grep -q 'debug_locks:[[:space:]]*1' /proc/lockdep_stats || missing+=" lockdep"
[ -w /sys/kernel/debug/kmemleak ] || missing+=" kmemleak"
[ -d /sys/kernel/debug/failslab ] || missing+=" failslab"
[ -d /sys/kernel/debug/fail_page_alloc ] || missing+=" fail_page_alloc"
grep -qw kasan_report /proc/kallsyms || missing+=" KASAN"
if [ -z "$missing" ]; then
	echo "ok 2 debug checkers live: KASAN, lockdep, kmemleak, fault injection"
else
	echo "not ok 2 debug checkers live: missing$missing"
	rc=1
fi
leaks=/run/vm/boot-kmemleak
if [ -s $leaks ]; then
	echo "# kmemleak suspects at boot (not failed on):" \
		"$(grep -c '^unreferenced object' $leaks)"
	head -n 40 $leaks | sed 's/^/#   /'
fi
exit $rc
