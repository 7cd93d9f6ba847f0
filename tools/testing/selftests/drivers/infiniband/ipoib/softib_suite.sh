#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one of softib's IPoIB tests (written against the stock driver) on our
# ib_ipoib instead. Argument: the test's file name in ../softib. Called by
# the ours_*.sh wrappers through bash; not a test on its own.
test=${1:?usage: bash $0 TEST}
cd "$(dirname "$0")/../softib" || exit 1
copy=$(mktemp ./.ours.XXXXXX) || exit 1
trap 'rm -f "$copy"' EXIT
sed 's/load_stock ib_ipoib/load_ours ib_ipoib/' "$test" > "$copy"
bash "$copy"
