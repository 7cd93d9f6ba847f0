#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# softib's ground_truth.sh, run on our ib_ipoib instead of the stock one.
exec bash "$(dirname "$0")/softib_suite.sh" ground_truth.sh
