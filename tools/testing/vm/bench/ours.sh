#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the IPoIB benchmark for our ib_ipoib over two softib
# devices (skipped when it is not built).
# Run by scripts/bench.sh; prints BENCH lines (see bench_lib.sh).
IMPL=ours
source ./bench_lib.sh
bench_main
