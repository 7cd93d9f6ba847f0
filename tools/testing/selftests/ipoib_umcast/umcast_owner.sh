#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The umcast policy at its edges: who counts as "someone else", and what
# happens around a change. Each scenario is a promise of
# Documentation/infiniband/ipoib.rst that an earlier driver broke:
#  - a write of 1 never leaves IPoIB without its own groups (224.0.0.1,
#    ff02::1, solicited-node) for more than the documented pause, even when
#    the SA is slow to process leaves; neighbour discovery keeps working;
#  - a full join still in flight when 1 is written is decided too;
#  - a parent and a same-P_Key child never count each other as userspace;
#  - a group that leaves the multicast list drops to send-only although
#    the host keeps sending to it;
#  - the first packets to a skipped group are not lost;
#  - with ib_core's member lookup (umcast_owner "exact"): an application's
#    join still in flight is seen, and an application that joins after
#    IPoIB attached takes the group over within the recheck time.
# Needs softib (its SA knobs and ground truth) and our IPoIB (its debugfs).
cd "$(dirname "$0")" || exit 1
source ./lib.sh

S=${VM_SLOW:-1}
DBG_IPOIB=/sys/kernel/debug/ipoib
OWNER_FILE=$DBG_IPOIB/umcast_owner
# ipoib.rst: the pause after a write of 1, and the recheck of umcast groups.
PAUSE_MS=$((500 * S))
RECHECK=$((3 * S))
COUNT=50

cleanup() {
	knob sa_delay_leave_ms 0
	knob sa_delay_joins 0
	ip link del "${CHILD:-none}" 2>/dev/null
	fabric_cleanup
}
trap cleanup EXIT

knob() { [ -e "$SOFTIB_DBG/$1" ] && echo "$2" > "$SOFTIB_DBG/$1"; }

check_eq() {	# check_eq DESC GOT WANT
	[ "$2" = "$3" ]
	tap_result $? "$1 (got $2, want $3)"
}

# our_state IF GROUP [FIELD]: the group's FIELD (default: state) in our
# debugfs ("" if there is no such group).
our_state() {
	awk -v m="$(mgid_of "$2" "$1")" -v f="${3:-state}" '$1 == "mgid" && $2 == m {
		for (i = 1; i < NF; i += 2) if ($i == f) print $(i + 1) }' \
		"/sys/kernel/debug/ipoib/${1}_mcg"
}

umcast_skipped() { [ "$(our_state "$1" "$2" umcast_skipped)" = yes ]; }

# sa_hold: the SA answers every join 2.8 s late, until sa_release.  Not
# longer: ib_core gives a join query 3.3 s (ten resends, 300 ms apart, one
# TID) and fails it after that; a held join completes when the answer to
# its first MAD arrives.  So a held join is in flight for 2.8 s.
sa_hold() { knob sa_delay_ms 2800 && knob sa_delay_joins 1000000; }
sa_release() { knob sa_delay_joins 0; }

state_is() { [ "$(our_state "$1" "$2")" = "$3" ]; }

tx_packets() { cat "/sys/class/net/$1/statistics/tx_packets"; }

# Predicates for wait_until, which evaluates its arguments only once.
rx_b_reached() { [ "$(rx_b)" -ge "$1" ]; }
tx_reached() { [ "$(tx_packets "$1")" -ge "$2" ]; }

rx_b() { ip netns exec $NS_B cat "/sys/class/net/$IF_B/statistics/rx_packets"; }


now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# attach_pat IF GROUP: the line start softib's attach table has while IF's
# IPoIB QP is attached to GROUP.
attach_pat() { echo "qpn=$(ipoib_qpn "$1") mgid=$(mgid_of "$2" "$1") "; }

# gaps SECONDS CMD PATTERN...: run CMD, then sample softib's attach table
# for SECONDS and print, for each PATTERN (from attach_pat, made before,
# since forks are slow under TCG), the longest time (ms) in which it was
# missing; a gap still open at the end counts to the end.
gaps() {
	local secs=$1 cmd=$2 t k seen end
	local -a pats args since worst

	shift 2
	for k in "$@"; do
		pats+=("$k") args+=(-e "$k") since+=(0) worst+=(0)
	done
	$cmd
	end=$(($(now_ms) + secs * 1000))
	while t=$(now_ms) && [ "$t" -lt "$end" ]; do
		seen=$(grep -o "${args[@]}" $SOFTIB_DBG/attach)
		for k in "${!pats[@]}"; do
			if [[ $seen == *"${pats[k]}"* ]]; then
				since[k]=0
			elif [ "${since[k]}" = 0 ]; then
				since[k]=$t
			fi
			[ "${since[k]}" != 0 ] && [ $((t - since[k])) -gt "${worst[k]}" ] &&
				worst[k]=$((t - since[k]))
		done
		sleep 0.02
	done
	echo "${worst[@]}"
}

umcast_on_a() { umcast_set "$IF_A" 1; }

# 1. umcast 0 -> 1 with an SA slow to process leaves: the stack's own link
#    groups (224.0.0.1, ff02::1) never pause, and a group only a socket
#    holds pauses for no more than one SA leave and one SA join.
sc_own_groups() {
	local g=239.78.0.1 leave=$((250 * S)) gap_v4 gap_v6 gap_g max

	if [ ! -e "$SOFTIB_DBG/sa_delay_leave_ms" ]; then
		for g in "224.0.0.1 and ff02::1" "a socket's group" "neighbour discovery"; do
			tap_result 0 "$g after a write of 1" "SKIP softib lacks sa_delay_leave_ms"
		done
		return 0
	fi
	umcast_set "$IF_A" 0
	sock_join s1 "$g" || return 1
	wait_until 10 ipoib_attached "$IF_A" 224.0.0.1 &&
		wait_until 10 ipoib_attached "$IF_A" ff12::1 &&
		wait_until 10 ipoib_attached "$IF_A" "$g" || return 1
	knob sa_delay_leave_ms $leave
	ip -n $NS_B neigh flush dev "$IF_B"
	read -r gap_v4 gap_v6 gap_g < <(gaps $((2 * S)) umcast_on_a \
		"$(attach_pat "$IF_A" 224.0.0.1)" "$(attach_pat "$IF_A" ff12::1)" \
		"$(attach_pat "$IF_A" "$g")")
	[ "$gap_v4" -le 100 ] && [ "$gap_v6" -le 100 ]
	tap_result $? "umcast 0->1, slow SA: 224.0.0.1, ff02::1 stay attached ($gap_v4, $gap_v6 ms)"
	max=$((leave + PAUSE_MS))
	[ "$gap_g" -le $max ]
	tap_result $? "umcast 0->1, slow SA: a socket's group pauses <= $max ms ($gap_g)"
	ip netns exec $NS_B ping -6 -c 1 -W $((3 * S)) $ADDR6_A > /dev/null
	tap_result $? "umcast 0->1: neighbour discovery from host B works"
	knob sa_delay_leave_ms 0
	member_stop s1 > /dev/null
}

# 2. A full join in flight when 1 is written is decided once it completes.
#    The application asks first and the SA holds its join, so IPoIB's join
#    (umcast still 0) waits behind it in ib_core.
sc_pending_join() {
	local g=239.78.0.2

	umcast_set "$IF_A" 0
	sa_hold || return 1
	member_start u2 ./umcast_rdma -b $ADDR_A -m "$g"
	member_wait u2 $((5 * S)) "join requested" || { sa_release; return 1; }
	sock_join s2 "$g" || { sa_release; diag "socket join failed"; return 1; }
	wait_until 5 state_is "$IF_A" "$g" pending || {
		sa_release
		diag "IPoIB's join was not in flight: $(our_state "$IF_A" "$g")"
		return 1
	}
	umcast_set "$IF_A" 1
	sa_release
	member_wait u2 $((20 * S)) "joined mgid=$(mgid_of "$g" "$IF_A")" || return 1
	wait_until $((RECHECK + 3 * S)) not_attached "$IF_A" "$g"
	tap_result $? "join in flight when umcast is set: decided once done, not attached" ||
		diag "IPoIB: $(grep "$(mgid_of "$g" "$IF_A")" "$DBG_IPOIB/${IF_A}_mcg")"
	check_eq "pending join: the application's QP is attached" \
		"$(attached_qps "$IF_A" "$g")" 1
	member_stop s2 > /dev/null
	member_stop u2 > /dev/null
}

# 3. A parent and a same-P_Key child do not count each other as userspace.
sc_siblings() {
	local g=239.78.0.3 rx_p rx_c

	CHILD=${IF_A}.sib
	ip link add link "$IF_A" name "$CHILD" type ipoib umcast 1 &&
		ip addr add 203.0.113.1/24 dev "$CHILD" &&
		ip link set "$CHILD" up || return 1
	wait_until 20 carrier "$CHILD" || return 1
	umcast_set "$IF_A" 1
	sock_join p3 "$g" "$IF_A" && wait_until 10 ipoib_attached "$IF_A" "$g" ||
		return 1
	sock_join c3 "$g" "$CHILD" || return 1
	wait_until 10 ipoib_attached "$CHILD" "$g"
	tap_result $? "same-P_Key child: its IPoIB QP attaches although the parent holds the group"
	rx_p=$(rx_packets "$IF_A") rx_c=$(rx_packets "$CHILD")
	send_from_b c3 "$g" $COUNT
	member_stop c3 $((2 * COUNT)) > /dev/null
	rx_p=$(($(rx_packets "$IF_A") - rx_p)) rx_c=$(($(rx_packets "$CHILD") - rx_c))
	[ $rx_p -ge $COUNT ]
	tap_result $? "siblings: the parent's IPoIB receives the stream ($rx_p of $COUNT)"
	[ $rx_c -ge $COUNT ]
	tap_result $? "siblings: the child's IPoIB receives the stream ($rx_c of $COUNT)"
	member_stop p3 > /dev/null
	ip link del "$CHILD"
	CHILD=
}

# 4. A full group off the multicast list drops to send-only while the host
#    keeps sending to it.
sc_off_list() {
	local g=239.78.0.4 tx tx0

	umcast_set "$IF_A" 0
	sock_join s4 "$g" && wait_until 10 ipoib_attached "$IF_A" "$g" || return 1
	tx0=$(tx_packets "$IF_A")
	./mcast_sock send -i "$IF_A" -g "$g" -c $((40 * S)) -r 10 > /dev/null &
	tx=$!
	# The host sends to the group before and after the socket leaves it.
	wait_until $((5 * S)) tx_reached "$IF_A" $((tx0 + 2))
	member_stop s4 > /dev/null
	wait_until $((3 * S)) state_is "$IF_A" "$g" sendonly
	tap_result $? "group left while sending: IPoIB is send-only ($(our_state "$IF_A" "$g"))"
	check_eq "group left while sending: IPoIB's QP is detached" \
		"$(attached_qps "$IF_A" "$g")" 0
	kill $tx 2>/dev/null
	wait $tx 2>/dev/null
}

# 5. The first packets to a group the policy skips wait for the send-only
#    join instead of being dropped.
sc_skipped_send() {
	local g=239.78.0.5 got rx0

	umcast_set "$IF_A" 1
	user_join u5 "$g" && sock_join s5 "$g" || return 1
	wait_until 5 state_is "$IF_A" "$g" skipped || return 1
	member_start b5 ip netns exec $NS_B ./mcast_sock recv -i "$IF_B" -g "$g"
	member_wait b5 5 "joined group=$g if=$IF_B" || return 1
	rx0=$(rx_b)
	./mcast_sock send -i "$IF_A" -g "$g" -c 20 -r 100 > /dev/null
	wait_until $((2 * S)) rx_b_reached $((rx0 + 20))
	got=$(member_stop b5)
	check_eq "first packets to a skipped group: host B gets all" "$got" 20
	member_stop s5 > /dev/null
	member_stop u5 > /dev/null
}

# 6. Exact lookup: an application's join in flight is seen while IPoIB is
#    a send-only member: a socket joining meanwhile leaves the group
#    skipped, and IPoIB does not attach when the application's join
#    completes (nor before the next recheck would undo it).
sc_user_in_flight() {
	local g=239.78.0.6 bad=0

	umcast_set "$IF_A" 1
	./mcast_sock send -i "$IF_A" -g "$g" -c 1 -r 10 > /dev/null
	wait_until 5 state_is "$IF_A" "$g" sendonly || return 1
	sa_hold || return 1
	member_start u6 ./umcast_rdma -b $ADDR_A -m "$g"
	member_wait u6 $((5 * S)) "join requested" && sock_join s6 "$g" ||
		{ sa_release; return 1; }
	wait_until 2 umcast_skipped "$IF_A" "$g" || bad=1
	if has_line "$UMC_TMP/u6" joined; then
		diag "the application's join completed before the check"
		bad=1
	fi
	sa_release
	member_wait u6 5 "joined mgid=$(mgid_of "$g" "$IF_A")" || bad=1
	wait_until $RECHECK ipoib_attached "$IF_A" "$g" && bad=1
	tap_result $bad "application's join in flight, IPoIB send-only: skipped, never attached" ||
		diag "IPoIB: $(grep "$(mgid_of "$g" "$IF_A")" "$DBG_IPOIB/${IF_A}_mcg")"
	member_stop s6 > /dev/null
	member_stop u6 > /dev/null
}

# 7. Exact lookup: an application that joins after IPoIB attached takes
#    the group over within the recheck time.
sc_user_later() {
	local g=239.78.0.7 rx0

	umcast_set "$IF_A" 1
	sock_join s7 "$g" && wait_until 10 ipoib_attached "$IF_A" "$g" || return 1
	user_join u7 "$g" || return 1
	wait_until $RECHECK not_attached "$IF_A" "$g"
	tap_result $? "application joins after IPoIB: IPoIB detaches within the recheck"
	rx0=$(rx_packets "$IF_A")
	send_from_b u7 "$g" $COUNT
	check_eq "application joins after IPoIB: the application receives" \
		"$(member_stop u7 $COUNT)" $COUNT
	rx0=$(($(rx_packets "$IF_A") - rx0))
	[ $rx0 -lt 5 ]
	tap_result $? "application joins after IPoIB: IPoIB receives next to nothing ($rx0)"
	member_stop s7 > /dev/null
}

[ "${UMCAST_UPSTREAM:-0}" = 1 ] && skip_all "beyond upstream only"
[ -z "${UMCAST_IF_A:-}" ] || skip_all "needs softib's SA knobs"
echo "TAP version 13"
echo "1..15"
fabric_setup || { echo "Bail out! fabric setup failed"; exit 1; }
[ -r $OWNER_FILE ] || { echo "Bail out! not our IPoIB (no $OWNER_FILE)"; exit 1; }
owner=$(cat $OWNER_FILE)
diag "owner lookup: $owner"
sc_own_groups || tap_result 1 "own groups scenario ran"
sc_pending_join || tap_result 1 "pending join scenario ran"
sc_siblings || tap_result 1 "siblings scenario ran"
sc_off_list || tap_result 1 "off-list scenario ran"
sc_skipped_send || tap_result 1 "skipped send scenario ran"
if [ "$owner" = exact ]; then
	sc_user_in_flight || tap_result 1 "in-flight scenario ran"
	sc_user_later || tap_result 1 "late application scenario ran"
else
	for d in "application's join in flight is seen" \
		"application joining later takes over" \
		"  ...it receives" "  ...IPoIB receives nothing"; do
		tap_result 0 "$d" "SKIP needs ib_core's member lookup (umcast_owner $owner)"
	done
fi
exit $TAP_FAILED
