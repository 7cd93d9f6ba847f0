# SPDX-License-Identifier: GPL-2.0
#
# The in-VM half of "make bench" (see Documentation/infiniband/ipoib-bench.rst).
# A test (veth.sh, stock.sh, ours.sh) sets IMPL and calls bench_main, which
# builds a two-host link of that kind (host A: the initial namespace, host B:
# namespace "bench_b"), runs one repetition of every measurement and prints
# one machine-readable line per value:
#
#   BENCH impl=IMPL metric=METRIC rep=N value=VALUE unit=UNIT
#   BENCH_INFO impl=IMPL key=KEY value=VALUE
#
# VALUE is "n/a" when a measurement failed; the run goes on. scripts/bench.sh
# runs the tests several times in one VM (interleaved: veth, stock, ours,
# veth, ...) and aggregates the lines. Parameters come from params.sh next to
# this file when scripts/bench.sh wrote one, else from the defaults below.

source "$SRC/tools/testing/vm/lib.sh"

BENCH_TIME=3		# seconds per iperf3 run
BENCH_PINGS=200		# pings per RTT sample, 10 ms apart
BENCH_MCAST=100000	# datagrams per umcast stream
BENCH_MCAST_RATE=0	# their rate per second, 0: as fast as B sends
BENCH_JOIN_RATE=2000	# stream rate during the join latency measurement
[ -r ./params.sh ] && source ./params.sh

NS_B=bench_b
ADDR_A=10.77.0.1
ADDR_B=10.77.0.2
SOFTIB_A=71
SOFTIB_B=72
UMC_DIR=$SRC/tools/testing/selftests/ipoib_umcast
MCAST_SOCK=$UMC_DIR/mcast_sock
UMCAST_RDMA=$UMC_DIR/umcast_rdma
BTMP=$(mktemp -d)
SOFTIB_MADE=()
REP=1

emit() {	# emit METRIC VALUE UNIT
	echo "BENCH impl=$IMPL metric=$1 rep=$REP value=${2:-n/a} unit=$3"
}

info() {	# info KEY VALUE
	echo "BENCH_INFO impl=$IMPL key=$1 value=${2:-n/a}"
}

note() { echo "# bench: $IMPL rep $REP: $*"; }

bench_cleanup() {
	local id

	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	vm_cleanup
	for id in "${SOFTIB_MADE[@]}"; do
		echo "$id" > /sys/bus/softib/del_device 2>/dev/null
	done
	rm -rf "$BTMP"
}
trap bench_cleanup EXIT

# wait_until SECONDS CMD...: poll CMD every 0.2 s.
wait_until() {
	local n=$(($1 * 5))

	shift
	until "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

carrier() {	# carrier IF [NETNS]
	ip ${2:+-n "$2"} link show dev "$1" 2>/dev/null | grep -q LOWER_UP
}

# The parent IPoIB netdev of softib device ID, port 1.
softib_netdev() {
	local want d

	want=$(readlink -f "/sys/class/infiniband/softib$1/device") || return 1
	for d in /sys/class/net/*; do
		[ "$(cat "$d/type" 2>/dev/null)" = 32 ] || continue
		[ -e "$d/parent" ] && continue
		[ "$(readlink -f "$d/device")" = "$want" ] || continue
		basename "$d"
		return 0
	done
	return 1
}

addr_both() {	# give IF_A and IF_B (in NS_B) their addresses, bring them up
	ip addr add $ADDR_A/24 dev "$IF_A" && ip link set "$IF_A" up &&
	ip -n $NS_B addr add $ADDR_B/24 dev "$IF_B" &&
	ip -n $NS_B link set "$IF_B" up
}

setup_veth() {
	load_stock veth || return 1
	host_add $NS_B || return 1
	ip link add bench_va type veth peer name bench_vb || return 1
	IF_A=bench_va IF_B=bench_vb
	host_move $IF_B $NS_B && addr_both
}

setup_ipoib() {	# setup_ipoib stock|ours
	local id

	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	load_ours softib || return 1
	if [ "$1" = stock ]; then
		load_stock ib_ipoib || return 1
	else
		load_ours ib_ipoib || return 1
	fi
	# Only the umcast measurement needs these; without them it reads n/a.
	modprobe rdma_ucm && modprobe ib_uverbs || note "no rdma_ucm/ib_uverbs"
	for id in $SOFTIB_A $SOFTIB_B; do
		echo "$id 1" > /sys/bus/softib/new_device || return 1
		SOFTIB_MADE+=("$id")
	done
	wait_until 15 softib_netdev $SOFTIB_A > /dev/null &&
		wait_until 15 softib_netdev $SOFTIB_B > /dev/null ||
		return 1
	IF_A=$(softib_netdev $SOFTIB_A)
	IF_B=$(softib_netdev $SOFTIB_B)
	host_add $NS_B && host_move "$IF_B" $NS_B && addr_both
}

# CPU time so far, in USER_HZ ticks: the /proc/stat totals "user nice
# system idle iowait irq softirq", then what kworker threads (softib's
# delivery work among them) and ksoftirqd threads have used.
cpu_snap() {
	local kw

	kw=$(cat /proc/[0-9]*/stat 2>/dev/null | awk '
		$2 ~ /^\(kworker/ { k += $14 + $15 }
		$2 ~ /^\(ksoftirqd/ { s += $14 + $15 }
		END { print k + 0, s + 0 }')
	echo "$(awk '$1 == "cpu" { print $2, $3, $4, $5, $6, $7, $8 }' /proc/stat) $kw"
}

net_rx_snap() {
	awk '$1 == "NET_RX:" { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' \
		/proc/softirqs
}

# cpu_split BEFORE AFTER PREFIX: emit PREFIX_{user,sys,softirq,idle} in %
# of all vCPU time over the interval, and PREFIX_{kworker,ksoftirqd} (parts
# of sys and softirq spent in those threads).
cpu_split() {
	local out u s si id kw ks

	out=$(echo "$1 $2" | awk '{
		for (i = 1; i <= 9; i++) d[i] = $(i + 9) - $i
		t = 0
		for (i = 1; i <= 7; i++) t += d[i]
		if (t <= 0) exit
		printf "%.1f %.1f %.1f %.1f %.1f %.1f\n", 100 * (d[1] + d[2]) / t,
			100 * d[3] / t, 100 * d[7] / t, 100 * (d[4] + d[5]) / t,
			100 * d[8] / t, 100 * d[9] / t
	}')
	read -r u s si id kw ks <<< "$out"
	emit "$3_user" "$u" "%"
	emit "$3_sys" "$s" "%"
	emit "$3_softirq" "$si" "%"
	emit "$3_idle" "$id" "%"
	emit "$3_kworker" "$kw" "%"
	emit "$3_ksoftirqd" "$ks" "%"
}

ports_snap() {	# softib's port counters, or nothing (veth)
	[ -r /sys/kernel/debug/softib/ports ] || return 0
	grep -E "dev=softib($SOFTIB_A|$SOFTIB_B) " /sys/kernel/debug/softib/ports
}

# Sum of softib field NAME over both ports.
ports_sum() {	# ports_sum SNAPSHOT NAME
	echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'
}

# Profile mode (BENCH_PROFILE=1; scripts/bench.sh puts perf in /extra):
# a system-wide cpu-clock profile of each throughput run and a kprobe trace
# of the join path, printed as "# perf IMPL WHAT: " and "# join IMPL: "
# comment lines in run.log. TCG has no PMU, hence cpu-clock; perf runs
# iperf3 itself, so the profile covers exactly the measurement.
PERF=/extra/perf
PROF_CMD=()
JOIN_PROBES="ip_mc_join_group ipoib_mcast_kick ipoib_mcast_work
	ipoib_mcast_restart_task ipoib_mcast_join_task ib_sa_join_multicast
	softib_sa_receive ipoib_mcast_join_done ipoib_mcast_join_complete
	ib_attach_mcast"
PING_PROBES="ip_finish_output2 ipoib_start_xmit softib_ud_send_work
	softib_ud_deliver rvt_cq_enter send_complete ipoib_recv_cq_event
	ipoib_ib_rx_completion ipoib_send_cq_event ipoib_ib_tx_completion
	ipoib_rx_poll icmp_rcv ping_rcv"
TRACEFS=/sys/kernel/tracing

prof_on() {
	[ "${BENCH_PROFILE:-0}" = 1 ] && [ -x $PERF ]
}

perf_cmd() {
	LD_LIBRARY_PATH=/extra/lib $PERF "$@"
}

prof_start() {	# the next iperf() runs under perf record -a
	prof_on || return 0
	PROF_CMD=(env LD_LIBRARY_PATH=/extra/lib $PERF record -B -N -q
		-e cpu-clock -F 1000 -a -g -o "$BTMP/perf.data" --)
}

prof_stop() {	# prof_stop WHAT: end the profile, print its reports
	local d=$BTMP/perf.data

	[ ${#PROF_CMD[@]} -gt 0 ] || return 0
	PROF_CMD=()
	{
		echo "self, by symbol:"
		perf_cmd report -i "$d" --stdio --no-children --sort sym -g none \
			--percent-limit 0.7
		echo "with callees, by symbol:"
		perf_cmd report -i "$d" --stdio --children --sort sym -g none \
			--percent-limit 5
		echo "by command:"
		perf_cmd report -i "$d" --stdio --no-children --sort comm -g none \
			--percent-limit 1
	} 2>&1 | grep -v '^#' | grep . | sed "s/^/# perf $IMPL $1: /"
	rm -f "$d"
}

trace_start() {	# trace_start PROBES...
	local f

	prof_on || return 0
	[ -d $TRACEFS/events ] || mount -t tracefs none $TRACEFS || return 0
	echo 0 > $TRACEFS/tracing_on
	echo > $TRACEFS/kprobe_events
	for f in "$@"; do
		echo "p:bench/$f $f" >> $TRACEFS/kprobe_events 2>/dev/null
	done
	echo 1 > $TRACEFS/events/bench/enable
	echo > $TRACEFS/trace
	echo 1 > $TRACEFS/tracing_on
}

trace_stop() {	# trace_stop WHAT: the probes that fired, in ms from the first
	prof_on && [ -d $TRACEFS/events/bench ] || return 0
	echo 0 > $TRACEFS/tracing_on
	grep -v '^#' $TRACEFS/trace | awk '{
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) t = $i + 0
		if (!t0) t0 = t
		printf "%8.3f ms  %s %s %s\n", (t - t0) * 1000, $1, $2, $(NF - 1)
	}' | head -n 60 | sed "s/^/# $1 $IMPL: /"
	echo 0 > $TRACEFS/events/bench/enable
	echo > $TRACEFS/kprobe_events
}

iperf() {	# iperf ARGS...: the client's output, or nothing
	timeout $((BENCH_TIME + 60)) "${PROF_CMD[@]}" \
		iperf3 -c $ADDR_B -t "$BENCH_TIME" -f m "$@" 2>&1
}

m_tcp() {	# m_tcp STREAMS METRIC
	local out val c0 c1 p0 p1

	c0=$(cpu_snap)
	p0=$(ports_snap)
	prof_start
	out=$(iperf -P "$1")
	prof_stop "$2"
	c1=$(cpu_snap)
	p1=$(ports_snap)
	val=$(echo "$out" | awk '/receiver/ && $(NF - 1) == "Mbits/sec" { v = $(NF - 2) }
		END { print v }')
	[ -n "$val" ] || echo "$out" | tail -n 3 | sed 's/^/# iperf3: /'
	emit "$2" "$val" Mbit/s
	cpu_split "$c0" "$c1" "$2_cpu"
	if [ -n "$p0" ]; then
		emit "$2_softib_rx_drops" \
			$(($(ports_sum "$p1" rx_drops) - $(ports_sum "$p0" rx_drops))) pkt
		emit "$2_softib_tx_drops" \
			$(($(ports_sum "$p1" tx_drops) - $(ports_sum "$p0" tx_drops))) pkt
	fi
}

# UDP, 64-byte datagrams, unlimited rate: packets per second received.
m_udp() {
	local out val c0 c1

	c0=$(cpu_snap)
	prof_start
	out=$(iperf -u -l 64 -b 0)
	prof_stop udp64
	c1=$(cpu_snap)
	val=$(echo "$out" | awk '/receiver/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9.]+-[0-9.]+$/) { split($i, t, "-"); d = t[2] - t[1] }
			if ($i ~ /^-?[0-9]+\/[0-9]+$/) { split($i, p, "/"); n = p[2] - p[1] }
		}
		if (d > 0 && n >= 0) v = sprintf("%.2f", n / d / 1000)
	} END { print v }')
	[ -n "$val" ] || echo "$out" | tail -n 3 | sed 's/^/# iperf3: /'
	emit udp64 "$val" kpkt/s
	cpu_split "$c0" "$c1" udp64_cpu
}

# Ping RTT: median and 99th percentile of BENCH_PINGS pings 10 ms apart.
m_ping() {
	local times n

	ping -c 3 -i 0.2 -W 2 $ADDR_B > /dev/null 2>&1
	if prof_on; then	# one echo, traced
		trace_start $PING_PROBES
		ping -c 1 -W 2 $ADDR_B > /dev/null 2>&1
		trace_stop ping
	fi
	times=$(timeout 60 ping -c "$BENCH_PINGS" -i 0.01 -W 2 $ADDR_B 2>/dev/null |
		sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -n)
	n=$(echo "$times" | grep -c .)
	if [ "$n" -lt $((BENCH_PINGS / 2)) ]; then
		note "ping: only $n of $BENCH_PINGS replies"
		emit rtt_p50 "" us
		emit rtt_p99 "" us
		return
	fi
	emit rtt_p50 "$(echo "$times" | awk -v n="$n" \
		'NR == int((n + 1) / 2) { printf "%.0f", $1 * 1000 }')" us
	emit rtt_p99 "$(echo "$times" | awk -v n="$n" \
		'NR == int(n * 0.99 + 0.999) { printf "%.0f", $1 * 1000 }')" us
}

# Join latency: host B is a member of a fresh group and streams to it at
# BENCH_JOIN_RATE; host A's socket joins and waits for the first datagram.
m_join() {
	local g=239.9.$((REP % 250)).1 out member sender

	ip netns exec $NS_B "$MCAST_SOCK" recv -i "$IF_B" -g $g -p 5002 -t 60 \
		> /dev/null 2>&1 &
	member=$!
	sleep 1
	ip netns exec $NS_B "$MCAST_SOCK" send -i "$IF_B" -g $g -p 5002 \
		-c 1000000000 -r "$BENCH_JOIN_RATE" > /dev/null 2>&1 &
	sender=$!
	sleep 1.5
	trace_start $JOIN_PROBES
	out=$(timeout 20 "$MCAST_SOCK" recv -i "$IF_A" -g $g -p 5002 -c 1 -t 10 2>&1)
	trace_stop join
	kill $member $sender 2>/dev/null
	wait $member $sender 2>/dev/null
	[[ $out == *first_us* ]] || note "join latency: $out"
	emit join "$(echo "$out" | awk '$1 == "first_us" { printf "%.2f", $2 / 1000 }')" ms
}

member_received() {	# member_received FILE PID: stop a member, print its count
	kill "$2" 2>/dev/null
	wait_until 10 grep -q '^received ' "$1"
	sed -n 's/^received //p' "$1"
}

ipoib_qpn() {
	ip -o link show dev "$1" |
		sed -n 's|.*link/infiniband \(..\):\(..\):\(..\):\(..\):.*|0x\2\3\4|p'
}

# ipoib_attached GROUP: softib says IPoIB's own QP on IF_A is attached to
# the IPv4 GROUP (its MGID ends in the group's low 28 bits).
ipoib_attached() {
	local a b c d

	IFS=. read -r a b c d <<< "$1"
	grep "qpn=$(ipoib_qpn "$IF_A") " /sys/kernel/debug/softib/attach |
		grep -q "$(printf ':%02x%02x:%02x%02x ' $((a & 15)) "$b" "$c" "$d")"
}

# umcast U: a userspace rdma_cm member and a kernel socket on A hold a
# group, B streams BENCH_MCAST datagrams to it. Counts what IPoIB on A
# received and the CPU the whole VM spent in softirq meanwhile.
m_umcast() {
	local u=$1 g=239.8.$1.$((REP % 250)) upid spid c0 c1 rx0 rx1 n0 n1 t0 t1 m

	if ! echo "$u" > "/sys/class/net/$IF_A/umcast"; then
		note "cannot set umcast on $IF_A"
		for m in rx_pkts softirq_ms netrx user_rx; do emit "umcast${u}_$m" "" -; done
		return
	fi
	"$UMCAST_RDMA" -b $ADDR_A -m "$g" > "$BTMP/u" 2>&1 &
	upid=$!
	wait_until 15 grep -q '^joined' "$BTMP/u" || note "umcast_rdma: $(cat "$BTMP/u")"
	"$MCAST_SOCK" recv -i "$IF_A" -g "$g" > "$BTMP/s" 2>&1 &
	spid=$!
	wait_until 5 grep -q '^joined' "$BTMP/s" || note "mcast_sock: $(cat "$BTMP/s")"
	sleep 2
	emit "umcast${u}_ipoib_attached" "$(ipoib_attached "$g" && echo 1 || echo 0)" -
	c0=$(cpu_snap)
	n0=$(net_rx_snap)
	rx0=$(cat "/sys/class/net/$IF_A/statistics/rx_packets")
	t0=$EPOCHREALTIME
	timeout 300 ip netns exec $NS_B "$MCAST_SOCK" send -i "$IF_B" -g "$g" \
		-c "$BENCH_MCAST" -r "$BENCH_MCAST_RATE" > /dev/null 2>&1 ||
		note "umcast$u: the sender failed"
	t1=$EPOCHREALTIME
	sleep 1
	rx1=$(cat "/sys/class/net/$IF_A/statistics/rx_packets")
	n1=$(net_rx_snap)
	c1=$(cpu_snap)
	emit "umcast${u}_rx_pkts" $((rx1 - rx0)) pkt
	emit "umcast${u}_softirq_ms" "$(echo "$c0 $c1" | awk '{ print ($16 - $7) * 10 }')" ms
	emit "umcast${u}_sys_ms" "$(echo "$c0 $c1" | awk '{ print ($12 - $3) * 10 }')" ms
	emit "umcast${u}_netrx" $((n1 - n0)) softirqs
	emit "umcast${u}_send_s" "$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')" s
	emit "umcast${u}_user_rx" "$(member_received "$BTMP/u" $upid)" pkt
	emit "umcast${u}_sock_rx" "$(member_received "$BTMP/s" $spid)" pkt
	wait 2>/dev/null
}

# How fast the VM runs right now: a fixed CPU-bound loop, in ms. Its spread
# over the runs shows how much the host's load varied.
m_calib() {
	local t0=$EPOCHREALTIME

	awk 'BEGIN { for (i = 0; i < 300000; i++) s += i }'
	emit calib_ms "$(echo "$t0 $EPOCHREALTIME" | awk '{ printf "%.0f", ($2 - $1) * 1000 }')" ms
}

bench_info() {
	local k

	info if_a "$IF_A"
	info mtu "$(cat "/sys/class/net/$IF_A/mtu")"
	info mode "$(cat "/sys/class/net/$IF_A/mode" 2>/dev/null || echo none)"
	for k in tcp-segmentation-offload generic-receive-offload rx-checksumming \
		 tx-checksumming scatter-gather; do
		info "$k" "$(ethtool -k "$IF_A" 2>/dev/null | sed -n "s/^$k: \([a-z]*\).*/\1/p")"
	done
	info kernel "$(uname -r)"
	info cpus "$(nproc)"
}

bench_main() {
	local f=/tmp/bench_rep_$IMPL m

	REP=$(($(cat "$f" 2>/dev/null || echo 0) + 1))
	echo $REP > "$f"
	echo "TAP version 13"
	echo "1..1"
	case $IMPL in
	veth) setup_veth ;;
	stock) setup_ipoib stock ;;
	ours)
		if [ -z "$(ours_path ib_ipoib)" ]; then
			note "our ib_ipoib is not built"
			echo "ok 1 bench $IMPL # SKIP not built"
			exit 4
		fi
		setup_ipoib ours ;;
	esac || {
		note "setup of $IMPL failed"
		for m in tcp4 tcp1 udp64 rtt_p50 rtt_p99 join; do emit $m "" -; done
		echo "not ok 1 bench $IMPL rep $REP # setup failed"
		exit 1
	}
	wait_until 20 carrier "$IF_A" && wait_until 20 carrier "$IF_B" $NS_B ||
		note "no carrier on $IF_A/$IF_B"
	[ "$REP" = 1 ] && bench_info
	ip netns exec $NS_B iperf3 -s -D > /dev/null 2>&1
	m_calib
	m_tcp 4 tcp4
	m_tcp 1 tcp1
	m_udp
	m_ping
	m_join
	if [ "$IMPL" != veth ]; then
		m_umcast 0
		m_umcast 1
	fi
	[ "$IMPL" = veth ] || ethtool -S "$IF_A" 2>/dev/null | sed 's/^/# ethtool -S: /'
	echo "ok 1 bench $IMPL rep $REP"
}
