#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# capture.sh on Debian's stock ib_ipoib: the same judge for the reference.
# vm-layer: tshark
IPOIB_IMPL=stock exec "$(dirname "$0")/capture.sh"
