#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the userspace programs of every selftest directory that has a
# Makefile, in place, with the kernel's own kselftest lib.mk. Our selftest
# Makefiles "include ../lib.mk" (or ../../../lib.mk) as in a kernel tree;
# out of tree, make's -I points at a directory of the same depth inside
# Debian's linux-source tree, where that relative path finds the real
# lib.mk.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh")
kst=$ksrc/tools/testing/selftests

find "$top/tools/testing/selftests" -name Makefile 2>/dev/null | sort |
while read -r mk; do
	d=$(dirname "$mk")
	rel=${d#"$top/tools/testing/selftests/"}
	depth=$(($(tr -cd / <<< "$rel" | wc -c) + 1))
	peer=$(find "$kst" -mindepth "$depth" -maxdepth "$depth" -type d |
	       LC_ALL=C sort | sed -n 1p)
	MAKELEVEL=0 make -s -C "$d" -I "$peer" OUTPUT="$d" all
done
