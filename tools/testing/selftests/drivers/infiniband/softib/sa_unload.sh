#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading softib with SA requests in flight: the SA's exit must drop the
# requests still queued without touching one whose work already runs (it
# frees itself), or destroy_workqueue() runs freed work.
#
# The race is set up on purpose.  Joins are sent and held back by the
# sa_delay knobs; their device is deleted; then the SA's worker is kept
# off the CPUs while the delays expire, so thousands of requests pile up
# queued: unbound workqueues are kept to CPU 0, where an RT spinner runs
# with CPU 0's fair server off.  For the unload the spinner leaves CPU 0
# to others 0.5 ms in 5: the worker works through the pile slowly, so it
# still takes request after request while the SA's exit, on CPU 1, walks
# them.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./flood ] || tap_skip_all "flood not built"
N=${SA_UNLOAD_JOINS:-15000}
ROUNDS=${SA_UNLOAD_ROUNDS:-3}
DELAY_MS=10000
starve_save
HOG=
FLAG=/tmp/sa_unload.spin

cleanup() {
	[ -z "$HOG" ] || kill "$HOG" 2>/dev/null
	rm -f $FLAG
	starve_restore
	[ ! -d $SOFTIB_DBG ] || knob sa_delay_joins 0
	softib_cleanup
}
trap cleanup EXIT

# The test, the send work and so the delay timers on CPU 1.
pin() {
	taskset -p -c 1 $$ > /dev/null && echo 2 > $WQ && echo 0 > $TMIG
}

# N joins from softib28, each to be handled DELAY_MS after the SA got it;
# DEADLINE is when the last delay ends (with the timer wheel's slack).
joins() {
	local umad t0=$SECONDS
	softib_new 28 1 && wait_for 10 umad_of softib28 1 >/dev/null || return 1
	umad=$(umad_of softib28 1)
	knob sa_delay_ms $DELAY_MS && knob sa_delay_joins "$N" &&
		./flood join "$umad" "$N" 0 > /dev/null &&
		wait_for 60 eval '[ "$(cat $SOFTIB_DBG/sa_delay_joins)" = 0 ]' ||
		return 1
	DEADLINE=$((SECONDS + DELAY_MS / 1000 + 2))
	echo "# the SA got them in $((SECONDS - t0)) s"
}

starve() {	# the SA's worker gets no CPU until the unload
	echo 1 > $WQ && echo 0 > $FAIR && touch $FLAG || return 1
	./flood hog 0 240 $FLAG &
	HOG=$!
	wait_for 5 spinning "$HOG"
}

expired() {	# the delays are over; nothing to watch but the clock
	[ $SECONDS -ge "$DEADLINE" ]
}

unload() {
	echo "# rmmod at $SECONDS s, delays over at $DEADLINE s"
	rm $FLAG && timeout 60 rmmod softib &&
		! grep -q "^softib " /proc/modules || return 1
	kill "$HOG" && wait "$HOG" 2>/dev/null
	HOG=
	echo 2 > $WQ && echo "$FAIR0" > $FAIR
}

# One round: N delayed joins, their device deleted, the SA's worker
# starved until the delays are over, then the unload.
round() {
	softib_setup && joins && softib_del 28 && starve &&
		wait_for 120 expired && unload
}

rounds() {
	local i
	for ((i = 0; i < ROUNDS; i++)); do
		round || return 1
	done
}

tap_plan 4
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "test, delay timers and send work on CPU 1" pin
tap_check "$ROUNDS rounds: rmmod softib with $N requests queued, the worker taking them" \
	rounds
SOFTIB_IDS=()
tap_check "no kernel warnings" dmesg_clean
tap_done
