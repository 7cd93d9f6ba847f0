#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a test that fails; the runner must report it failed.
echo "TAP version 13"
echo "1..1"
echo "not ok 1 fail"
exit 1
