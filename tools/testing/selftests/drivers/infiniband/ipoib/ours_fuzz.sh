#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input, on our ib_ipoib and softib: garbage written to every writable
# sysfs file of an IPoIB interface (umcast, mode, create_child,
# delete_child, mtu) and to the read-only ones (pkey, parent); malformed
# IFLA_IPOIB_* attributes (wrong sizes, wrong values, unknown types) sent
# by ipoib_nl on RTM_NEWLINK create and change; garbage to softib's bus
# files, port knobs and debugfs fault knobs. Every input must fail with
# the expected errno (netlink: with an extack message) and leave the
# interfaces, their attributes and softib's state exactly as they were.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

NL=$here/ipoib_nl
TRIED=0
REJECTED=0
BIG=$(printf 'A%.0s' $(seq 4096))
DIGITS=$(printf '9%.0s' $(seq 4096))

# Everything a bad input must not change.
state() {
	local p=/sys/class/infiniband/softib61/ports/1/softib

	control_state /sys/class/net/"$IF1"/{umcast,mode,pkey,mtu} \
		/sys/class/net/"$CH"/{parent,pkey} "$p"/{link,pkeys,mtu} \
		"$SOFTIB_DBG"/{sa_fail_joins,sa_drop_joins,sa_delay_joins} \
		"$SOFTIB_DBG"/{sa_delay_ms,drop_rate}
}

# bad FILE INPUT ERRNO-REGEX: writing INPUT (printf %b escapes, so \0 is a
# NUL byte) to FILE fails with a matching error and changes nothing.
bad() {
	local before after err show=${2:0:40}

	TRIED=$((TRIED + 1))
	before=$(state)
	# one write(2): bash's printf would flush at every newline
	err=$(printf '%b' "$2" |
	      dd of="$1" bs=8k count=1 iflag=fullblock status=none 2>&1) &&
		err=
	after=$(state)
	echo "# ${1##*/} <- '$show': ${err##*: }"
	if [ -z "$err" ]; then
		echo "# accepted"
	elif [ "$before" != "$after" ]; then
		echo "# state changed:"
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
	elif [[ ! ${err##*: } =~ $3 ]]; then
		echo "# wrong error, wanted $3"
	else
		REJECTED=$((REJECTED + 1))
		return 0
	fi
	return 1
}

# each FILE ERRNO-REGEX INPUT...: bad() for every INPUT
each() {
	local f=$1 re=$2 ok=0

	shift 2
	for i in "$@"; do
		bad "$f" "$i" "$re" || ok=1
	done
	return $ok
}

EINVAL='Invalid argument'
EBIG='Invalid argument|Numerical result out of range|Argument list too long'
GARBAGE=("\n" " " " \n" "abc" "$BIG" "\0" "$DIGITS")

umcast_fuzz() {
	each "/sys/class/net/$IF1/umcast" "$EBIG" "${GARBAGE[@]}" \
		"2" "-1" "10" "1abc" "0x1" "1 1" " 1" "\t0" "on off" \
		"yes please" "1\0junk" "0\0" "99999999999999999999"
}

mode_fuzz() {
	local f=/sys/class/net/$IF1/mode

	each "$f" "$EBIG" "${GARBAGE[@]}" "0" "1" "-1" "Datagram" \
		"datagramx" "datagram datagram" "datagram\0x" " datagram" &&
	bad "$f" "connected" "Operation not supported"
}

child_fuzz() {
	local f=/sys/class/net/$IF1/create_child

	each "$f" "$EBIG" "${GARBAGE[@]}" "0" "0x8000" "0x0000" "-1" \
		"-0x8062" "0x10000" "65536" "0x8062junk" "0x8062 0x8063" \
		"0x" "pkey" "0x8062\0" "32866\0x" "0x8062\n\n" &&
	bad "$f" "0x8061" "File exists" &&
	bad "$f" "32865" "File exists"
}

delete_fuzz() {
	local f=/sys/class/net/$IF1/delete_child

	each "$f" "$EBIG" "${GARBAGE[@]}" "-1" "0x10000" "0x8061junk" \
		"0x8061\0x" "0x8061 0x8061" &&
	each "$f" "No such device" "0x8099" "0x0099" "0xffff" &&
	bad "/sys/class/net/$CH/delete_child" "0x8061" "No such device"
}

mtu_fuzz() {
	each "/sys/class/net/$IF1/mtu" "$EBIG" "\n" "abc" "-1" "0" "67" \
		"65520" "99999999999" "2044x" "$BIG"
}

readonly_fuzz() {
	each "/sys/class/net/$IF1/pkey" "Permission denied" \
		"0x8001" "\n" "$BIG" &&
	each "/sys/class/net/$CH/parent" "Permission denied" "$IF1" "\n"
}

# nl EXPECT-REGEX ipoib_nl-ARGS...: ipoib_nl is refused with an errno text
# matching EXPECT-REGEX and a non-empty extack; nothing changes.
nl() {
	local re=$1 before after out

	shift
	TRIED=$((TRIED + 1))
	before=$(state)
	out=$("$NL" "$@" 2>&1)
	after=$(state)
	echo "# ${*:2}: $out"
	if [[ ! $out =~ ^error\ [0-9]+\ \(($re)\)\ extack:\ (.*)$ ]]; then
		echo "# not refused with $re"
	elif [ "${BASH_REMATCH[2]}" = - ]; then
		echo "# no extack message"
	elif [ "$before" != "$after" ]; then
		echo "# state changed"
	else
		REJECTED=$((REJECTED + 1))
		return 0
	fi
	return 1
}

# The same malformed IFLA_INFO_DATA attributes, on create and on change.
NL_SIZES=(1/0/0 1/1/1 1/4/0x8062 1/8/0x8062 1/64/0x62
	  2/0/0 2/1/0 2/4/0 2/8/0
	  3/0/0 3/1/1 3/4/1 3/8/1 3/3/0)
NL_TYPES=(0/2/0 4/2/0 5/4/1 100/2/1 0x7fff/2/0 0x8001/2/0)
NL_VALUES=(2/2/1 2/2/2 2/2/0xffff 3/2/2 3/2/0xffff)

nl_each() {	# nl_each ERRNO-REGEX CMD IF [NAME] -- ATTR...
	local re=$1 ok=0 a args=()

	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	for a in "$@"; do
		nl "$re" "${args[@]}" "$a" || ok=1
	done
	return $ok
}

nl_new_fuzz() {
	nl_each "$EBIG" new "$IF1" fz0 -- "${NL_SIZES[@]}" "${NL_TYPES[@]}" &&
	nl_each "$EBIG|Operation not supported" new "$IF1" fz0 -- \
		"${NL_VALUES[@]}" 1/2/0 1/2/0x8000 &&
	nl "$EINVAL" new "$CH" fz0 1/2/0x8062 &&
	nl "Operation not supported|$EINVAL" new "$IF1" fz0 1/2/0x8062 2/2/1
}

nl_set_fuzz() {
	nl_each "$EBIG" set "$IF1" -- "${NL_SIZES[@]}" "${NL_TYPES[@]}" &&
	nl_each "$EBIG|Operation not supported" set "$IF1" -- \
		"${NL_VALUES[@]}" 1/2/0x8063 1/2/0 &&
	nl "Operation not supported|$EINVAL" set "$IF1" 3/2/1 1/2/0x8063 &&
	nl "$EINVAL" set "$IF1" 3/2/1 3/4/1
}

# The same tool gets through when the input is right.
nl_good() {
	"$NL" new "$IF1" fz0 1/2/0x8062 3/2/1 | grep -qx ok &&
	[ "$(cat /sys/class/net/fz0/umcast /sys/class/net/fz0/pkey)" = \
	  "$(printf '1\n0x8062')" ] &&
	"$NL" set fz0 3/2/0 2/2/0 1/2/0x0062 | grep -qx ok &&
	[ "$(cat /sys/class/net/fz0/umcast)" = 0 ] &&
	$IP link del fz0
}

PORT=/sys/class/infiniband/softib61/ports/1/softib

softib_fuzz() {
	each $SOFTIB_BUS/new_device "$EBIG|File exists" "${GARBAGE[@]}" \
		"62 1\0junk" "62\0 1" "61 1" "62 1 1" "0x3e 1" &&
	each $SOFTIB_BUS/del_device "$EBIG|No such file" "${GARBAGE[@]}" \
		"61 61" "62" "-61" "61\0" &&
	each $PORT/link "$EBIG" "${GARBAGE[@]}" "maybe" "up down" "2" \
		"down\0" "1abc" "yes" "upx" &&
	each $PORT/reregister "$EBIG" "${GARBAGE[@]}" "2" "-1" "1x" &&
	each $PORT/pkeys "$EBIG" "${GARBAGE[@]}" "1" "0 0x8061" \
		"99 0x8061" "1 0x10000" "1 -1" "1 0x8061 junk" "x y" \
		"1 0x8061\0junk" "-1 0x8061" &&
	each $PORT/mtu "$EBIG" "${GARBAGE[@]}" "1024" "0" "8192" "-1" \
		"4096x" "2048 4096" "2048\0"
}

debugfs_fuzz() {
	local k ok=0

	for k in sa_fail_joins sa_drop_joins sa_delay_joins sa_delay_ms \
		 drop_rate; do
		each "$SOFTIB_DBG/$k" "$EBIG" "\n" "abc" "$BIG" "1x" "0x" \
			"1 2" "$DIGITS" || ok=1
	done
	bad "$SOFTIB_DBG/drop_rate" "101" "$EBIG" || ok=1
	bad "$SOFTIB_DBG/sa_delay_ms" "60001" "$EBIG" || ok=1
	bad "$SOFTIB_DBG/sa_fail_joins" "-1" "$EBIG" || ok=1
	return $ok
}

setup() {
	softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	softib_new 61 1 && softib_knob 61 1 pkeys "1 0x8061" &&
	wait_for 10 softib_ipoib_if 61 >/dev/null &&
	IF1=$(softib_ipoib_if 61) && $IP link set "$IF1" up &&
	echo 0x8061 > "/sys/class/net/$IF1/create_child" &&
	CH=$IF1.8061 && [ -e "/sys/class/net/$CH/parent" ] &&
	wait_for 15 carrier_up "$IF1"
}

if ! is_ours; then
	tap_skip_all "bad input to our driver's own interfaces"
fi
[ -x "$NL" ] || { echo "# $NL is not built"; exit 1; }
tap_plan 15
tap_check "softib, our ib_ipoib, a child 0x8061" setup
tap_check "sysfs umcast: garbage refused" umcast_fuzz
tap_check "sysfs mode: garbage refused" mode_fuzz
tap_check "sysfs create_child: garbage refused" child_fuzz
tap_check "sysfs delete_child: garbage refused" delete_fuzz
tap_check "sysfs mtu: out of range refused" mtu_fuzz
tap_check "sysfs pkey, parent: read-only" readonly_fuzz
tap_check "netlink: well-formed create and change work" nl_good
tap_check "netlink create: bad IFLA_IPOIB_* refused, with extack" nl_new_fuzz
tap_check "netlink change: bad IFLA_IPOIB_* refused, with extack" nl_set_fuzz
tap_check "softib bus and port files: garbage refused" softib_fuzz
tap_check "softib debugfs knobs: garbage refused" debugfs_fuzz
tap_check "interface still joins and sends" \
	dbg_group_joined "$IF1" ff12:401b:ffff:0000:0000:0000:ffff:ffff
tap_check "delete_child of the real child works" \
	eval 'echo 0x8061 > /sys/class/net/$IF1/delete_child &&
	      [ ! -e /sys/class/net/$CH ]'
tap_check "no kernel warnings" dmesg_clean
echo "# bad inputs tried: $TRIED, rejected: $REJECTED"
tap_done
