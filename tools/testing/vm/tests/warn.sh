#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a test that passes by itself but makes the kernel WARN;
# the runner must fail it.
source "$SRC/tools/testing/vm/lib.sh"
echo "TAP version 13"
echo "1..1"
insmod "$SRC/tools/testing/vm/module/vm_selftest.ko" || exit 1
echo 1 > /sys/kernel/debug/vm_selftest/warn
echo "ok 1 warn"
