#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test, debug kernel: an AB-BA lock order. lockdep's splat
# must fail the test (the kernel survives it). Skips without lockdep.
echo "TAP version 13"
echo "1..1"
grep -qs 'debug_locks:[[:space:]]*1' /proc/lockdep_stats ||
	{ echo "ok 1 # SKIP no lockdep"; exit 4; }
insmod "$SRC/tools/testing/vm/module/vm_selftest.ko" || exit 1
echo 1 > /sys/kernel/debug/vm_selftest/lockdep || exit 1
echo "ok 1 locked both ways"
