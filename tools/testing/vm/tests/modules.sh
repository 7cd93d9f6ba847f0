#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: our modules shadow stock ones for modprobe, and
# load_stock still gets Debian's file.
source "$SRC/tools/testing/vm/lib.sh"
echo "TAP version 13"
echo "1..2"
ko=$(modinfo -n vm_selftest 2>/dev/null)
if [[ $ko == */updates/* ]]; then
	echo "ok 1 modprobe finds our modules in updates/"
else
	echo "not ok 1 modprobe finds our modules in updates/ (got '$ko')"
	exit 1
fi
load_stock ib_ipoib || exit 1
stock=$(find "/lib/modules/$(uname -r)/kernel" -name 'ib_ipoib.ko*')
ours=$(ours_path ib_ipoib)
if ! module_is_file ib_ipoib "$stock"; then
	echo "not ok 2 load_stock loaded something other than $stock"
	exit 1
elif [ -n "$ours" ] && module_is_file ib_ipoib "$ours"; then
	echo "not ok 2 the loaded ib_ipoib also matches ours: the check cannot tell"
	exit 1
fi
echo "ok 2 load_stock loads the stock module (build ID checked)"
