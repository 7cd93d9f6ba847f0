#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test, second half: the runner unloaded what the test before
# this one left loaded, so tests start from the same kernel state.
echo "TAP version 13"
echo "1..1"
if grep -q '^veth ' /proc/modules; then
	echo "not ok 1 veth from the previous test is still loaded"
	exit 1
fi
echo "ok 1 modules left by the previous test were unloaded"
