#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a kernel WARN with panic_on_warn turned off. The kernel
# survives, so the runner's dmesg and taint check must fail the test.
echo "TAP version 13"
echo "1..1"
echo 0 > /proc/sys/kernel/panic_on_warn
insmod "$SRC/tools/testing/vm/module/vm_selftest.ko" || exit 1
echo 1 > /sys/kernel/debug/vm_selftest/warn
echo "ok 1 warn without panic"
