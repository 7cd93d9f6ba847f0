#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloads.sh on Debian's stock ib_ipoib: a second judge of softib's LSO.
IPOIB_IMPL=stock exec "$(dirname "$0")/offloads.sh"
