#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device deleted while MADs keep arriving at its QP1: ib_mad's CQ, which
# the core polls from a workqueue, must not be freed with that poll work
# queued.  rdmavt calls a CQ's completion handler from a work item on the
# first CPU; ib_free_cq() cancels the poll work and then rdmavt's
# destroy_cq flushes that item, whose handler queues the poll work again,
# unless softib flushed the item before the poll work was cancelled.
#
# The window is held open for seconds: an RT spinner takes CPU 0 with
# CPU 0's fair server (which lends an RT-bound CPU to other tasks 50 ms a
# second) off, so the item waits there until the spinner ends; the
# deletion runs RT on CPU 1, where the core's poll work (unbound
# workqueues are kept to CPU 1) cannot run before the deletion sleeps.
# The MADs are the SA's answers to joins sent before the deletion and
# delayed by the sa_delay knobs, so they still arrive during it (timer
# migration off keeps their timers off CPU 0).  A poll of the freed CQ
# spins on a freed lock with interrupts off: panic_on_rcu_stall turns that
# into a panic the VM runner sees.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./flood ] || tap_skip_all "flood not built"
ROUNDS=${CQ_TEARDOWN_ROUNDS:-3}
STALL=/proc/sys/kernel/panic_on_rcu_stall
starve_save
STALL0=$(cat $STALL)
HOG=

cleanup() {
	[ -z "$HOG" ] || kill "$HOG" 2>/dev/null
	echo "$STALL0" > $STALL
	starve_restore
	knob sa_delay_joins 0
	softib_cleanup
}
trap cleanup EXIT

setup() {	# everything but the spinner on CPU 1
	taskset -p -c 1 $$ > /dev/null && echo 2 > $WQ &&
		echo 0 > $TMIG && echo 0 > $FAIR &&
		echo 1 > $STALL
}

# One round: 4000 joins over 8 s, each answered 6 s late, so answers keep
# arriving from 6 s to 14 s; the deletion starts at 8 s.
round() {
	local umad t0
	softib_new 26 1 && wait_for 10 umad_of softib26 1 >/dev/null || return 1
	umad=$(umad_of softib26 1)
	knob sa_delay_joins 1000000
	./flood join "$umad" 4000 8 > /dev/null || return 1
	./flood hog 0 6 &
	HOG=$!
	wait_for 5 spinning "$HOG" || return 1
	t0=$SECONDS
	./flood rt 1 bash -c "echo 26 > $SOFTIB_BUS/del_device" || return 1
	t0=$((SECONDS - t0))
	echo "# deletion took $t0 s"
	# it waited for the spinner, so the window was open
	[ $t0 -ge 4 ] || return 1
	kill "$HOG" 2>/dev/null
	wait "$HOG" 2>/dev/null
	HOG=
	knob sa_delay_joins 0
	! grep -q "dev=softib26 " $SOFTIB_DBG/ports
}

rounds() {
	local i
	for ((i = 0; i < ROUNDS; i++)); do
		round || return 1
	done
}

tap_plan 5
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "test, timers and unbound workqueues on CPU 1, CPU 0 for RT only" setup
tap_check "SA answers delayed by 6 s" knob sa_delay_ms 6000
tap_check "$ROUNDS deletions with answers arriving at QP1, each waiting for the spinner" rounds
tap_check "no kernel warnings" dmesg_clean
tap_done
