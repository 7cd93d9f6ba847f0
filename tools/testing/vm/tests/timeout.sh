#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a test that runs past its timeout (settings: 10 s).
echo "TAP version 13"
echo "1..1"
sleep 1000
echo "ok 1 timeout"
