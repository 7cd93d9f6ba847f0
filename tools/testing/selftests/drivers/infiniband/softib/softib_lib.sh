# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the softib selftests; sourced after the VM's lib.sh.
# TAP: tap_plan N, tap_ok COND_STATUS DESC, tap_done (exit 0 or 1).

SOFTIB_BUS=/sys/bus/softib
SOFTIB_DBG=/sys/kernel/debug/softib
IP=$(command -v ip)
TAP_N=0
TAP_FAIL=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

# tap_check DESC CMD...: run CMD, report ok/not ok.
tap_check() {
	local desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if "$@"; then
		echo "ok $TAP_N $desc"
	else
		echo "not ok $TAP_N $desc"
		TAP_FAIL=1
	fi
}

tap_skip() {	# tap_skip DESC REASON
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1 # SKIP $2"
}

tap_done() {
	exit $((TAP_FAIL ? 1 : 0))
}

tap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit 4
}

softib_setup() {
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	[ -d $SOFTIB_BUS ] || load_ours softib || return 1
}

SOFTIB_IDS=()

# softib_new ID NPORTS [OFFLOADS]
softib_new() {
	echo "$1 $2${3:+ $3}" > $SOFTIB_BUS/new_device || return 1
	SOFTIB_IDS+=("$1")
}

# port_stat ID PORT NAME: a counter of softib's debugfs ports line.
port_stat() {
	sed -n "s/^dev=softib$1 port=$2 .* $3=\([0-9]*\).*/\1/p" $SOFTIB_DBG/ports
}

# On exit: OpenSM, namespaces (their interfaces come home), devices,
# and then the embedded SM is back for the next test.
softib_cleanup() {
	local id
	osm_stop
	vm_cleanup
	for id in "${SOFTIB_IDS[@]}"; do
		[ -e "$SOFTIB_BUS/devices/softib$id" ] && softib_del "$id"
	done
	SOFTIB_IDS=()
	if [ -n "$OSM_MODE" ]; then
		echo 1 > $SOFTIB_BUS/embedded_sm
		OSM_MODE=
	fi
}

# OpenSM as the subnet manager (embedded_sm 0), as on real hardware.
OSM_MODE=
OSM_PID=
OSM_LOG=/tmp/opensm.log

# osm_mode: leave the subnet to an external SM; no device may exist.
osm_mode() {
	echo 0 > $SOFTIB_BUS/embedded_sm && OSM_MODE=1
}

# port_guid ID PORT: the GUID of a port, 0x and 16 hex digits
port_guid() {
	local node
	node=$(tr -d : < "/sys/class/infiniband/softib$1/node_guid") || return 1
	printf '0x%016x\n' $((0x$node | $2))
}

# osm_start ID: OpenSM on port 1 of softib<ID>, logging to $OSM_LOG
osm_start() {
	local guid
	guid=$(port_guid "$1" 1) || return 1
	mkdir -p /var/cache/opensm /var/log /etc/opensm
	opensm -g "$guid" -f "$OSM_LOG" > /tmp/opensm.out 2>&1 &
	OSM_PID=$!
}

osm_stop() {
	[ -n "$OSM_PID" ] || return 0
	kill "$OSM_PID" 2>/dev/null
	wait "$OSM_PID" 2>/dev/null
	OSM_PID=
}

# osm_errors: OpenSM's error lines, as TAP comments
osm_errors() {
	grep -h " ERR \|Error" "$OSM_LOG" /tmp/opensm.out 2>/dev/null |
		head -n 40 | sed 's/^/# opensm: /'
}

# port_is ID PORT STATE: the port's state is STATE (INIT, ACTIVE, ...)
port_is() {
	grep -q ": $3\$" "/sys/class/infiniband/softib$1/ports/$2/state"
}
trap softib_cleanup EXIT

softib_del() {
	echo "$1" > $SOFTIB_BUS/del_device
}

# softib_knob ID PORT KNOB VALUE
softib_knob() {
	echo "$4" > "/sys/class/infiniband/softib$1/ports/$2/softib/$3"
}

# The IPoIB interface (parent, not a child) of softib device ID, port PORT.
softib_ipoib_if() {
	local id=$1 port=${2:-1} d want
	want=$(readlink -f "/sys/class/infiniband/softib$id/device") || return 1
	for d in /sys/class/net/*; do
		[ "$(cat "$d/type" 2>/dev/null)" = 32 ] || continue
		[ "$(readlink -f "$d/device")" = "$want" ] || continue
		[ "$(cat "$d/dev_port")" = $((port - 1)) ] || continue
		[ -e "$d/parent" ] && continue
		basename "$d"
		return 0
	done
	return 1
}

# umad_of IBDEV PORT: the umad node of a port (made if devtmpfs has not)
umad_of() {
	local d n mm
	for d in /sys/class/infiniband_mad/umad*; do
		[ "$(cat "$d/ibdev")" = "$1" ] && [ "$(cat "$d/port")" = "$2" ] ||
			continue
		n=/dev/infiniband/${d##*/}
		if [ ! -c "$n" ]; then
			mm=$(cat "$d/dev")
			mkdir -p /dev/infiniband
			mknod "$n" c "${mm%:*}" "${mm#*:}" || return 1
		fi
		echo "$n"
		return 0
	done
	return 1
}

# knob NAME VALUE: set softib's global fault knob NAME (debugfs).
knob() {
	echo "$2" > "$SOFTIB_DBG/$1"
}

# The starvation tests (cq_teardown.sh, sa_unload.sh) pin work to CPUs and
# spin SCHED_FIFO on CPU 0: starve_save checks the machine allows it and
# records the scheduler knobs they turn, starve_restore puts them back.
WQ=/sys/devices/virtual/workqueue/cpumask
TMIG=/proc/sys/kernel/timer_migration
FAIR=/sys/kernel/debug/sched/fair_server/cpu0/runtime

starve_save() {
	[ "$(nproc)" = 2 ] || tap_skip_all "needs exactly two CPUs"
	[ -w $FAIR ] || tap_skip_all "no fair server to turn off"
	WQ0=$(cat $WQ)
	TMIG0=$(cat $TMIG)
	FAIR0=$(cat $FAIR)
}

starve_restore() {
	echo "$FAIR0" > $FAIR
	echo "$TMIG0" > $TMIG
	echo "$WQ0" > $WQ
}

# spinning PID: PID runs SCHED_FIFO.
spinning() {
	grep -q "^policy .*: *1$" "/proc/$1/sched"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s.
wait_for() {
	local t=$(($1 * 5))
	shift
	while ! "$@" 2>/dev/null; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}

dmesg_clean() {
	! dmesg | grep -qE 'WARNING:|BUG:|Oops|general protection'
}

# ipoib_pair: two one-port devices ID1 and ID2 with stock IPoIB, the
# second interface moved to netns "h2"; sets IF1, IF2 and addresses.
ipoib_pair() {	# ipoib_pair ID1 ID2 NET [OFFLOADS]
	local id1=$1 id2=$2 net=$3
	softib_new "$id1" 1 "${4:-}" && softib_new "$id2" 1 "${4:-}" || return 1
	wait_for 10 softib_ipoib_if "$id1" >/dev/null || return 1
	wait_for 10 softib_ipoib_if "$id2" >/dev/null || return 1
	IF1=$(softib_ipoib_if "$id1")
	IF2=$(softib_ipoib_if "$id2")
	A1=10.$net.0.1 A2=10.$net.0.2 B1=fd00:$net::1 B2=fd00:$net::2
	host_add h2 && host_move "$IF2" h2 || return 1
	$IP addr add $A1/24 dev "$IF1" &&
	$IP addr add $B1/64 dev "$IF1" nodad &&
	$IP link set "$IF1" up &&
	host_exec h2 $IP addr add $A2/24 dev "$IF2" &&
	host_exec h2 $IP addr add $B2/64 dev "$IF2" nodad &&
	host_exec h2 $IP link set "$IF2" up
}

carrier_up() {	# carrier_up IF [NETNS]
	if [ -n "${2:-}" ]; then
		host_exec "$2" $IP link show dev "$1" | grep -q LOWER_UP
	else
		$IP link show dev "$1" | grep -q LOWER_UP
	fi
}
