#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the VM and run the demo, showing its output.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" && V=1 exec tools/testing/vm/run.sh tools/testing/vm/demo/demo.sh
