#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault recovery, on our ib_ipoib: two hosts on softib, host A holding
# three socket multicast groups and a P_Key child. For each injected fault
# (failed SA joins, dropped joins that time out, delayed joins, a port
# flapping, a storm of 20 client reregisters, 50 % packet loss during a
# rejoin) both interfaces must recover: every group IPoIB had is joined
# and attached again, IPoIB's debugfs <if>_mcg agrees group for group and
# MLID for MLID with softib's attach table, and unicast and multicast
# traffic flow. Where the kernel has failslab (a debug kernel), slab
# allocations made under ib_ipoib also fail: the Nth of a create_child
# write (/proc/self/fail-nth, N = 1, 2, ..., 32, then sparser, until the
# write makes fewer than N; each failure leaves nothing, or a child that
# deletes cleanly) and at random during a rejoin. At the end the
# modules unload: nothing holds them. Never a WARN.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

MCAST_SOCK=$SRC/tools/testing/selftests/ipoib_umcast/mcast_sock
FAILSLAB=/sys/kernel/debug/failslab
OUT=/tmp/fault_recovery
FAULTS=0
SURVIVED=0
PHASE=0
HOLDERS=()

knob() {
	echo "$2" > "$SOFTIB_DBG/$1"
}

# The groups IF wants to receive (send-only ones come and go with
# traffic): what must come back after a fault.
groups_of() {
	awk '$1 == "mgid" && $10 == "no" { print $2 }' "$DBG/${1}_mcg" | sort
}

# The default-partition groups softib's SA has IF's port as a full
# member of (a port flap makes the SA forget them).
sa_groups_of() {	# sa_groups_of IF [NETNS]
	local a gid

	if [ -n "${2:-}" ]; then
		a=$(host_exec "$2" cat "/sys/class/net/$1/address")
	else
		a=$(cat "/sys/class/net/$1/address")
	fi
	gid=$(cut -d: -f5- <<< "$a" | sed 's/\(..\):\(..\)/\1\2/g')
	sed -n "s/^member mgid=\(ff12:.01b:ffff:[^ ]*\) port_gid=$gid .* join_state=0x1$/\1/p" \
		"$SOFTIB_DBG/groups" | sort
}

# IF wants the baseline groups, holds all of them as an attached full
# member, softib attaches exactly those to IF's QP, and softib's SA has
# IF's port in exactly those groups.
settled() {	# settled IF ID BASELINE
	local ns qpn

	[ "$1" = "$IF2" ] && ns=h2
	qpn=$(qpn_of "$1" $ns)
	[ "$(groups_of "$1")" = "$3" ] &&
	! awk '$1 == "mgid" && $10 == "no" && !($4 == "full" && $8 == "yes")' \
		"$DBG/${1}_mcg" | grep -q . &&
	mcg_agree "$1" "$2" "$qpn" &&
	[ "$(sa_groups_of "$1" $ns)" = "$3" ]
}

# Every injected SA fault was used up: the faults really happened.
consumed() {
	local k

	for k in sa_fail_joins sa_drop_joins sa_delay_joins; do
		[ "$(cat "$SOFTIB_DBG/$k")" = 0 ] || return 1
	done
}

# A socket on host A joins a fresh group; host B sends to it; A gets it.
mcast_flows() {
	local g=239.9.1.$PHASE mgid out=$OUT.recv

	local pid

	mgid=$(printf 'ff12:401b:ffff:0000:0000:0000:0f09:01%02x' $PHASE)
	$MCAST_SOCK recv -i "$IF1" -g $g -c 3 -t 40 > $out &
	pid=$!
	wait_for 30 dbg_group_joined "$IF1" "$mgid" &&
		host_exec h2 $MCAST_SOCK send -i "$IF2" -g $g -c 30 -r 50 \
			>/dev/null
	wait $pid
	grep -qx "received 3" $out
}

# recovered SECONDS: both hosts settle, ping and multicast work.
recovered() {
	local ok=0

	PHASE=$((PHASE + 1))
	wait_for "$1" settled "$IF1" 91 "$BASE1" || {
		echo "# $IF1 did not settle:"; sed 's/^/#   /' "$DBG/${IF1}_mcg"
		mcg_agree_show "$IF1" 91 "$(qpn_of "$IF1")"
		sa_groups_of "$IF1" | sed 's/^/#   SA: /'
		ok=1
	}
	wait_for "$1" settled "$IF2" 92 "$BASE2" || {
		echo "# $IF2 did not settle:"; sed 's/^/#   /' "$DBG/${IF2}_mcg"
		ok=1
	}
	[ $ok = 0 ] && wait_for 20 ping -c 1 -W 1 $A2 >/dev/null &&
	wait_for 20 ping -c 1 -W 1 10.191.0.2 >/dev/null && mcast_flows
}

sa_mads() {	# MADs softib's SA got from device ID's port
	port_stat "$1" 1 sa_mads
}

# rejoined SINCE: host A's port sent the SA at least one MAD per group
# since SINCE (its sa_mads then): the fault made IPoIB join again.
rejoined() {
	[ $(($(sa_mads 91) - $1)) -ge "$(wc -l <<< "$BASE1")" ]
}

# inject SECONDS CMD...: inject, then the faults must be used up and
# the groups rejoined before the hosts count as recovered.
inject() {
	local secs=$1 m0

	shift
	m0=$(sa_mads 91)
	"$@" || return 1
	wait_for "$secs" consumed || { echo "# faults not used up"; return 1; }
	wait_for "$secs" rejoined "$m0" || {
		echo "# only $(($(sa_mads 91) - m0)) SA MADs since the fault"
		return 1
	}
	recovered "$secs"
}

# fault DESC N SECONDS CMD...: inject N faults with CMD, then require
# recovery.
fault() {
	local desc=$1 n=$2 before=$TAP_FAIL

	shift 2
	FAULTS=$((FAULTS + n))
	TAP_FAIL=0
	tap_check "$desc: recovered" inject "$@"
	[ $TAP_FAIL = 0 ] && SURVIVED=$((SURVIVED + n))
	TAP_FAIL=$((TAP_FAIL | before))
}

rereg() {
	softib_knob 91 1 reregister 1 && softib_knob 92 1 reregister 1
}

sa_faults() {	# sa_faults KNOB N: the next N joins suffer, then rejoin
	knob "$1" "$2" && rereg
}

flaps() {
	local i

	for i in 1 2 3; do
		softib_knob 91 1 link down && sleep 0.3 &&
		softib_knob 91 1 link up && sleep 0.3 || return 1
	done
}

storm() {
	local i

	for i in $(seq 20); do
		softib_knob 91 1 reregister 1 || return 1
	done
	for i in $(seq 20); do
		softib_knob 92 1 reregister 1 || return 1
	done
}

lossy_rejoin() {
	local out

	knob drop_rate 50 && rereg || return 1
	out=$(ping -c 10 -i 0.2 -W 1 $A2 | grep "packet loss")
	knob drop_rate 0
	echo "# under 50 % loss: $out"
	! grep -q " 0% packet loss" <<< "$out"
}

# A fault-injection attribute (failslab's unless a path is given);
# remembered values are restored on exit.
FS_SAVED=()
fs_set() {
	local f=$1

	[ "${f#/}" != "$f" ] || f=$FAILSLAB/$f
	FS_SAVED+=("$f=$(cat "$f")")
	echo "$2" > "$f"
}

fs_restore() {	# newest first, so twice-set attributes end as found
	local i s

	for ((i = ${#FS_SAVED[@]} - 1; i >= 0; i--)); do
		s=${FS_SAVED[i]}
		echo "${s#*=}" > "${s%%=*}"
	done
	FS_SAVED=()
}

# Fail sleeping allocations too (the default spares them), quietly (a
# stack dump per failure would read as a kernel problem), and only those
# made with ib_ipoib's code on the stack: the stack filter takes the span
# of the module's memory from /proc/modules. Without the filter the shell
# running this test would have its own forks fail. fail-nth counts down at
# every fault-injection point, so the others (user copies, page and
# function failures) get the same filter and quiet.
FS_READY=0
fs_prepare() {
	local base size end d

	read -r _ size _ _ _ base _ < <(grep "^ib_ipoib " /proc/modules)
	[ -n "$base" ] && [ -w "$FAILSLAB/require-start" ] || return 1
	end=$(printf '0x%x' $((base + size)))
	for d in "$FAILSLAB" /sys/kernel/debug/fail_{page_alloc,usercopy,function}; do
		[ -d "$d" ] || continue
		fs_set "$d/verbose" 0 && fs_set "$d/task-filter" N &&
		fs_set "$d/require-start" "$base" &&
		fs_set "$d/require-end" "$end" || return 1
	done
	fs_set ignore-gfp-wait N && fs_set space 0 && fs_set interval 1 &&
	fs_set probability 0 && fs_set times -1 && FS_READY=1
}

# One create_child write with the Nth allocation under ib_ipoib of this
# task failing. Prints the outcome (ok, or the error) and the count that
# fail-nth had left afterwards: not 0 means the Nth allocation never came.
# Only builtins run between setting and reading fail-nth (same task).
child_nth() {
	(
		local left r=ok

		echo "$1" > /proc/self/fail-nth || exit 1
		{ echo 0x8093 > "/sys/class/net/$IF1/create_child"; } 2>&1 ||
			r=failed
		read -r left < /proc/self/fail-nth
		echo 0 > /proc/self/fail-nth
		echo "$r $left"
	) | sed 's/.*: //' | tr '\n' ' '
}

nothing_half_made() {
	[ ! -e "/sys/class/net/$IF1.8093" ] &&
	[ ! -e "$DBG/$IF1.8093_mcg" ] &&
	[ "$(echo /sys/class/net/*)" = "$NETDEVS" ]
}

# A child made despite the failure (of something optional, like its
# debugfs file) must delete cleanly.
made_whole() {
	[ -e "/sys/class/net/$IF1.8093" ] &&
	echo 0x8093 > "/sys/class/net/$IF1/delete_child" && nothing_half_made
}

# Fail the 1st, 2nd, ... allocation of create_child (every one of the
# first 32, then every eighth or so: a child makes hundreds), until the
# write makes fewer allocations than N. Each failure must leave no trace,
# or (when the driver could carry on) a child that deletes cleanly.
failslab_child() {
	local n=1 out res left w errs=0

	[ $FS_READY = 1 ] || return 1
	NETDEVS=$(echo /sys/class/net/*)
	while [ $n -le 8000 ]; do
		out=$(child_nth $n)
		read -r -a w <<< "$out"
		res=${w[-2]:-} left=${w[-1]:-}
		[ "$left" != 0 ] && break
		FAULTS=$((FAULTS + 1))
		if nothing_half_made || made_whole; then
			SURVIVED=$((SURVIVED + 1))
		else
			echo "# fail-nth $n: '$out' left something behind"
			errs=1
		fi
		n=$((n < 32 ? n + 1 : n + n / 8))
	done
	echo "# create_child: failed at $FAULTS of its first $((n - 1)) allocations, then '$out'"
	[ $n -gt 1 ] && [ "$res" = ok ] && [ "$left" != 0 ] && [ $errs = 0 ] &&
	echo 0x8093 > "/sys/class/net/$IF1/delete_child" && nothing_half_made
}

# Allocations fail at random (1 in 4, at most 30) while both hosts rejoin.
failslab_joins() {
	local left

	[ $FS_READY = 1 ] || return 1
	fs_set times 30 && fs_set probability 25 && rereg
	sleep 2
	echo 0 > $FAILSLAB/probability
	left=$(cat $FAILSLAB/times)
	echo "# failslab injected $((30 - left)) failures during the rejoin"
	FAULTS=$((FAULTS + 30 - left - 1))
	SURVIVED=$((SURVIVED + 30 - left - 1))
	[ "$left" -lt 30 ]
}

hold_groups() {
	local g

	for g in 239.9.0.1 239.9.0.2 239.9.0.3; do
		$MCAST_SOCK recv -i "$IF1" -g $g -t 3600 >/dev/null &
		HOLDERS+=($!)
	done
}

child_pair() {
	softib_knob 91 1 pkeys "1 0x8091" && softib_knob 92 1 pkeys "1 0x8091" &&
	echo 0x8091 > "/sys/class/net/$IF1/create_child" &&
	host_exec h2 sh -c "echo 0x8091 > /sys/class/net/$IF2/create_child" &&
	$IP addr add 10.191.0.1/24 dev "$IF1.8091" &&
	$IP link set "$IF1.8091" up &&
	host_exec h2 $IP addr add 10.191.0.2/24 dev "$IF2.8091" &&
	host_exec h2 $IP link set "$IF2.8091" up &&
	wait_for 20 ping -c 1 -W 1 10.191.0.2 >/dev/null
}

baseline() {
	wait_for 20 carrier_up "$IF1" && wait_for 20 carrier_up "$IF2" h2 &&
	wait_for 20 ping -c 1 -W 1 $A2 >/dev/null && hold_groups &&
	sleep 2 && BASE1=$(groups_of "$IF1") && BASE2=$(groups_of "$IF2") &&
	echo "# $IF1 holds $(wc -l <<< "$BASE1") groups, $IF2 $(wc -l <<< "$BASE2")" &&
	settled "$IF1" 91 "$BASE1" && settled "$IF2" 92 "$BASE2"
}

# Nothing holds the modules once the devices are gone.
unloads() {
	kill "${HOLDERS[@]}" 2>/dev/null
	wait
	vm_cleanup
	softib_del 91 && softib_del 92 && SOFTIB_IDS=() &&
	modprobe -r ib_ipoib && ! grep -q "^ib_ipoib " /proc/modules &&
	[ ! -d "$DBG" ] && modprobe -r softib &&
	! grep -q "^softib " /proc/modules
}

cleanup() {
	[ ${#FS_SAVED[@]} = 0 ] || fs_restore
	kill "${HOLDERS[@]}" 2>/dev/null
	softib_cleanup
}
trap cleanup EXIT

is_ours || tap_skip_all "debugfs ground truth of our driver"
[ -x "$MCAST_SOCK" ] || { echo "# $MCAST_SOCK is not built"; exit 1; }
tap_plan 14
tap_check "two hosts on softib, our ib_ipoib" \
	eval 'softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	      ipoib_pair 91 92 191'
tap_check "P_Key 0x8091 children ping" child_pair
tap_check "baseline: groups joined, debugfs agrees with softib" baseline
fault "3 SA joins fail" 3 40 sa_faults sa_fail_joins 3
fault "2 SA joins dropped (time out)" 2 60 sa_faults sa_drop_joins 2
fault "3 SA joins delayed 1.5 s" 3 40 eval 'knob sa_delay_ms 1500 &&
	sa_faults sa_delay_joins 3'
fault "port down/up 3 times" 3 40 flaps
fault "20 client reregisters on each port" 40 60 storm
fault "50 % packet loss during a rejoin" 1 40 lossy_rejoin
if [ -w "$FAILSLAB/probability" ] && [ -e /proc/self/fail-nth ]; then
	tap_check "failslab ready" fs_prepare
	tap_check "fail-nth during create_child: clean failures" failslab_child
	fault "failslab during rejoin" 1 60 failslab_joins
	fs_restore
else
	tap_skip "failslab ready" "no $FAILSLAB (not a debug kernel)"
	tap_skip "fail-nth during create_child" "no failslab"
	tap_skip "failslab during rejoin" "no failslab"
fi
tap_check "modules unload: nothing holds them" unloads
tap_check "no kernel warnings" dmesg_clean
echo "# faults injected: $FAULTS, survived: $SURVIVED"
tap_done
