#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the IPoIB benchmark for Debian's stock ib_ipoib over two softib devices.
# Run by scripts/bench.sh; prints BENCH lines (see bench_lib.sh).
IMPL=stock
source ./bench_lib.sh
bench_main
