# SPDX-License-Identifier: GPL-2.0
#
# Shared by the tests here that run on both IPoIB drivers; sourced after
# ../softib/softib_lib.sh. IPOIB_IMPL (environment, or the test's first
# argument) picks the driver: "ours" (default) or "stock" (Debian's).
#
#   ipoib_load               load the requested ib_ipoib
#   ipoib_is_requested       the loaded ib_ipoib is the requested file
#   tap_beyond DESC CMD...   a check only ours passes: "[beyond upstream]"
#                            is added to DESC; skipped on stock
#   tap_ours DESC WHY CMD... different by design: runs on ours only,
#                            skipped on stock with the reason WHY
#   qpn_of IF [NETNS]        an interface's QPN (hw address bytes 1-3)
#   dbg_group_joined IF MGID IPoIB's debugfs lists MGID (full form) as
#                            joined: ours "state full ... attached yes",
#                            stock "complete: yes"
#   mcg_agree IF ID QPN      ours only: the groups our debugfs says are
#                            attached, with their MLIDs, are exactly those
#                            softib's attach file lists for QPN on device ID

IPOIB_IMPL=${IPOIB_IMPL:-${1:-ours}}
case $IPOIB_IMPL in
ours | stock) ;;
*)
	echo "IPOIB_IMPL must be ours or stock, not '$IPOIB_IMPL'" >&2
	exit 2
	;;
esac
DBG=/sys/kernel/debug/ipoib

is_ours() {
	[ "$IPOIB_IMPL" = ours ]
}

ipoib_load() {
	load_$IPOIB_IMPL ib_ipoib
}

# The module file the requested driver comes from.
ipoib_ko() {
	if is_ours; then
		ours_path ib_ipoib
	else
		find "/lib/modules/$(uname -r)/kernel" -name 'ib_ipoib.ko*' |
			head -n 1
	fi
}

# The loaded ib_ipoib is the file this run asked for (build IDs compared).
ipoib_is_requested() {
	local ko

	ko=$(ipoib_ko)
	echo "# $IPOIB_IMPL: $ko"
	[ -n "$ko" ] && module_is_file ib_ipoib "$ko"
}

tap_beyond() {
	local desc="$1 [beyond upstream]"

	shift
	if is_ours; then
		tap_check "$desc" "$@"
	else
		tap_skip "$desc" "beyond upstream"
	fi
}

tap_ours() {
	local desc=$1 why=$2

	shift 2
	if is_ours; then
		tap_check "$desc" "$@"
	else
		tap_skip "$desc" "on stock: $why"
	fi
}

qpn_of() {
	local a

	if [ -n "${2:-}" ]; then
		a=$(host_exec "$2" cat "/sys/class/net/$1/address")
	else
		a=$(cat "/sys/class/net/$1/address")
	fi
	a=${a:3:8}
	echo "0x${a//:/}"
}

# ff12:401b:ffff:0000:... -> ff12:401b:ffff:0:... (stock's debugfs form)
short_gid() {
	echo "$1" | sed -E 's/(^|:)0+([0-9a-f])/\1\2/g'
}

dbg_group_joined() {
	if is_ours; then
		grep -q "^mgid $2 state full join_state 0x1 attached yes " \
			"$DBG/${1}_mcg"
	else
		grep -A3 -x "GID: $(short_gid "$2")" "$DBG/${1}_mcg" |
			grep -Eq '^ +complete: +yes$'
	fi
}

dbg_path_resolved() {
	if is_ours; then
		grep -q "lid 0x" "$DBG/${1}_path"
	else
		grep -Eq '^ +DLID: +0x' "$DBG/${1}_path"
	fi
}

ours_attached() {	# ours_attached IF: "MGID MLID" per attached group
	# Lines are "key value" pairs; find fields by key, not position.
	awk '$1 == "mgid" { delete v; for (i = 1; i < NF; i += 2) v[$i] = $(i + 1)
			    if (v["attached"] == "yes") print v["mgid"], v["mlid"] }' \
		"$DBG/${1}_mcg" | sort
}

softib_attached() {	# softib_attached ID QPN
	sed -n "s/^dev=softib$1 port=1 qpn=$2 mgid=\([^ ]*\) mlid=\(.*\)$/\1 \2/p" \
		"$SOFTIB_DBG/attach" | sort
}

mcg_agree() {
	local a b

	a=$(ours_attached "$1")
	b=$(softib_attached "$2" "$3")
	[ -n "$a" ] && [ "$a" = "$b" ]
}

# mcg_agree_show IF ID QPN: mcg_agree, printing both sides on failure
mcg_agree_show() {
	mcg_agree "$@" && return 0
	ours_attached "$1" | sed 's/^/# ours:   /'
	softib_attached "$2" "$3" | sed 's/^/# softib: /'
	return 1
}

# control_state FILE...: each FILE's lines as NAME=VALUE, then the netdevs
# and softib devices; what a refused write must leave as it was (bash
# builtins only: it runs twice per input, and forks are slow under TCG).
control_state() {
	local f l

	for f in "$@"; do
		while read -r l; do
			echo "${f##*/}=$l"
		done < "$f"
	done
	echo /sys/class/net/* $SOFTIB_BUS/devices/*
}
