#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pkeys.sh on Debian's stock ib_ipoib: the A/B reference for ours.
IPOIB_IMPL=stock exec "$(dirname "$0")/pkeys.sh"
