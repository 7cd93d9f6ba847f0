#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sa_delay_leave_ms knob makes the SA handle MCMemberRecord leaves
# late, as a slow SA would: with 2000 ms the group table still lists the
# member after the SA got the leave, and the member goes once the leave
# is answered, not before 2 s; joins are not delayed; with 0 the member
# is gone as soon as the leave is answered, well within 2 s.  Out-of-range
# values are refused.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

[ -x ./sa_query ] || tap_skip_all "sa_query not built"
MGID=ff12:401b:ffff:0000:0000:0000:0000:1234
DELAY=2000
LEAVE_PID=

sa_mads() {	# MADs the SA got from port 1 of softib171
	port_stat 171 1 sa_mads
}

mads_above() {
	[ "$(sa_mads)" -gt "$1" ]
}

member() {
	grep -q "^member mgid=$MGID port_gid=$GID " $SOFTIB_DBG/groups
}

now_ms() {
	local us=${EPOCHREALTIME/[.,]/}
	echo $((us / 1000))
}

sa() {	# sa CASE: the answer's status line
	./sa_query "$UMAD" "$GID" "$1" 10000
}

join() {	# join: within the delay, whatever the leave knob says
	local t0 out
	t0=$(now_ms)
	out=$(sa create)
	echo "# join: $out after $(($(now_ms) - t0)) ms"
	[ "$out" = status=0x0000 ] && member && [ $(($(now_ms) - t0)) -lt $DELAY ]
}

# slow_leave: the member outlives the SA's receipt of the leave by the
# delay, and is gone when the leave is answered.
slow_leave() {
	local t0 before out
	before=$(sa_mads)
	t0=$(now_ms)
	sa leave > /tmp/leave.out &
	LEAVE_PID=$!
	wait_for 10 mads_above "$before" || return 1
	member || { echo "# member gone at once"; return 1; }
	wait "$LEAVE_PID"
	out=$(cat /tmp/leave.out)
	echo "# leave: $out after $(($(now_ms) - t0)) ms"
	[ "$out" = status=0x0000 ] && ! member &&
		[ $(($(now_ms) - t0)) -ge $DELAY ]
}

fast_leave() {
	local t0 out
	t0=$(now_ms)
	out=$(sa leave)
	echo "# leave: $out after $(($(now_ms) - t0)) ms"
	[ "$out" = status=0x0000 ] && ! member &&
		[ $(($(now_ms) - t0)) -lt $DELAY ]
}

cleanup() {
	[ -n "$LEAVE_PID" ] && kill "$LEAVE_PID" 2>/dev/null
	[ -e $SOFTIB_DBG/sa_delay_leave_ms ] && knob sa_delay_leave_ms 0
	softib_cleanup
}
trap cleanup EXIT

tap_plan 10
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "device 171" \
	eval 'softib_new 171 1 && wait_for 5 umad_of softib171 1 >/dev/null'
UMAD=$(umad_of softib171 1)
GID=$(cat /sys/class/infiniband/softib171/ports/1/gids/0)
tap_check "sa_delay_leave_ms reads 0" \
	test "$(cat $SOFTIB_DBG/sa_delay_leave_ms 2>/dev/null)" = 0
tap_check "sa_delay_leave_ms $DELAY accepted" knob sa_delay_leave_ms $DELAY
tap_check "sa_delay_leave_ms 60001 refused, value kept" \
	eval '! knob sa_delay_leave_ms 60001 2>/dev/null &&
	      [ "$(cat $SOFTIB_DBG/sa_delay_leave_ms)" = $DELAY ]'
tap_check "join answered at once" join
tap_check "leave delayed: member listed after the SA got it, gone after $DELAY ms" \
	slow_leave
tap_check "sa_delay_leave_ms 0" knob sa_delay_leave_ms 0
tap_check "join, then leave: member gone promptly" eval 'join && fast_leave'
tap_check "no kernel warnings" dmesg_clean
tap_done
