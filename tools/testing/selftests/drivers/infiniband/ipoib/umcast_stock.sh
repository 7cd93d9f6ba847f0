#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream-behaviour subset of the ipoib_umcast kselftest, against
# Debian's stock ib_ipoib on softib: the reference our driver is A/B-tested
# against. (The full kselftest runs on our ib_ipoib on its own.)
source "$SRC/tools/testing/vm/lib.sh"
load_stock ib_ipoib || exit 1
UMCAST_UPSTREAM=1 exec "$SRC/tools/testing/selftests/ipoib_umcast/ipoib_umcast.sh"
