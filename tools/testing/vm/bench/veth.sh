#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One repetition of the IPoIB benchmark for a veth pair, the software limit.
# Run by scripts/bench.sh; prints BENCH lines (see bench_lib.sh).
IMPL=veth
source ./bench_lib.sh
bench_main
