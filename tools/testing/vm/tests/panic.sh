#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a test that crashes the kernel; the runner must fail it
# without hanging, and go on with the tests after it.
echo "TAP version 13"
echo "1..1"
echo 1 > /proc/sys/kernel/sysrq
echo c > /proc/sysrq-trigger
echo "ok 1 panic"
