#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test, debug kernel: a leak. The runner's kmemleak scan after
# the test must find it and fail the test. Skips without kmemleak.
echo "TAP version 13"
echo "1..1"
[ -w /sys/kernel/debug/kmemleak ] || { echo "ok 1 # SKIP no kmemleak"; exit 4; }
insmod "$SRC/tools/testing/vm/module/vm_selftest.ko" || exit 1
echo 1 > /sys/kernel/debug/vm_selftest/leak || exit 1
echo "ok 1 leaked"
