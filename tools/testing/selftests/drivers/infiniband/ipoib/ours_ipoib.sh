#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# softib's ipoib.sh, run on our ib_ipoib instead of the stock one.
exec bash "$(dirname "$0")/softib_suite.sh" ipoib.sh
