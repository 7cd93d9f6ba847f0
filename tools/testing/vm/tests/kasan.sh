#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test, debug kernel: a use after free. KASAN's report must
# fail the test. Skips without KASAN: never read freed memory for real.
echo "TAP version 13"
echo "1..1"
grep -qw kasan_report /proc/kallsyms || { echo "ok 1 # SKIP no KASAN"; exit 4; }
insmod "$SRC/tools/testing/vm/module/vm_selftest.ko" || exit 1
echo 1 > /sys/kernel/debug/vm_selftest/uaf
echo "ok 1 read after free"
