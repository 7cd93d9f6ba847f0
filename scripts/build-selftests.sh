#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the userspace parts of the selftests that have a Makefile, in place,
# the way kselftest's lib.mk does (OUTPUT defaults to the source directory).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
for mk in "$top"/tools/testing/selftests/*/Makefile \
	  "$top"/tools/testing/selftests/drivers/infiniband/*/Makefile; do
	[ -e "$mk" ] || continue
	d=$(dirname "$mk")
	make -s -C "$d" KSFT_KHDR_INSTALL=0 all
done
