#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions, on our ib_ipoib and softib. Three callers without the
# right capability: an unprivileged user (uid 65534, no capabilities),
# root inside a new user namespace sharing the init network namespace
# (unshare -U -r: its fsuid maps to 0, so sysfs file modes do not stop
# it; only a capability check in the driver does), and root of a new user
# and network namespace (unshare -U -r -n) where the device is not. Each
# tries to change umcast and mode (sysfs and rtnetlink), to create and
# delete children (sysfs and rtnetlink) and to drive softib (bus files,
# port knobs, debugfs fault knobs). Every attempt must fail with EPERM or
# EACCES (for rtnetlink from the other namespace: the device is not
# found) and change nothing.
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

TRIED=0
REJECTED=0
PORT=/sys/class/infiniband/softib51/ports/1/softib

state() {
	control_state /sys/class/net/"$IF1"/{umcast,mode} \
		"$PORT"/{link,pkeys,mtu} \
		"$SOFTIB_DBG"/{sa_fail_joins,sa_drop_joins,sa_delay_joins} \
		"$SOFTIB_DBG"/{sa_delay_ms,drop_rate}
	grep -c "dev=softib51 " "$SOFTIB_DBG/ports"
}

# as WHO CMD: run the shell command CMD as WHO (user, userns, userns-net)
as() {
	case $1 in
	user) setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all bash -c "$2" ;;
	userns) unshare -U -r bash -c "$2" ;;
	userns-net) unshare -U -r -n bash -c "$2" ;;
	esac
}

# denied WHO CMD ERRNO-REGEX: CMD run as WHO fails, its message matches,
# and nothing changes.
denied() {
	local before after err

	TRIED=$((TRIED + 1))
	before=$(state)
	err=$(as "$1" "$2" 2>&1) && err="(exit 0) $err"
	after=$(state)
	echo "# $1: $2: ${err:-no message}"
	if [[ $err == "(exit 0)"* ]]; then
		echo "# allowed"
	elif [ "$before" != "$after" ]; then
		echo "# state changed"
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
	elif [[ ! $err =~ $3 ]]; then
		echo "# wrong error, wanted $3"
	else
		REJECTED=$((REJECTED + 1))
		return 0
	fi
	return 1
}

PERM='Operation not permitted|Permission denied'

# w FILE VALUE: the shell command that writes VALUE to FILE
w() {
	echo "echo '$2' > $1"
}

ipoib_sysfs() {	# ipoib_sysfs WHO
	local d=/sys/class/net/$IF1 ok=0

	denied "$1" "$(w "$d/umcast" 1)" "$PERM" || ok=1
	denied "$1" "$(w "$d/mode" datagram)" "$PERM" || ok=1
	denied "$1" "$(w "$d/mode" connected)" "$PERM" || ok=1
	denied "$1" "$(w "$d/create_child" 0x8052)" "$PERM" || ok=1
	denied "$1" "$(w "$d/delete_child" 0x8051)" "$PERM" || ok=1
	return $ok
}

ipoib_netlink() {	# ipoib_netlink WHO ERRNO-REGEX
	local ok=0

	denied "$1" "ip link set $IF1 type ipoib umcast 1" "$2" || ok=1
	denied "$1" "ip link set $CH type ipoib umcast 1" "$2" || ok=1
	denied "$1" "ip link add link $IF1 name $IF1.8053 type ipoib pkey 0x8053" \
		"$2" || ok=1
	denied "$1" "ip link del $CH" "$2" || ok=1
	denied "$1" "ip link set $IF1 down" "$2" || ok=1
	return $ok
}

softib_files() {	# softib_files WHO
	local k ok=0

	denied "$1" "$(w $SOFTIB_BUS/new_device "52 1")" "$PERM" || ok=1
	denied "$1" "$(w $SOFTIB_BUS/del_device 51)" "$PERM" || ok=1
	denied "$1" "$(w "$PORT/link" down)" "$PERM" || ok=1
	denied "$1" "$(w "$PORT/reregister" 1)" "$PERM" || ok=1
	denied "$1" "$(w "$PORT/pkeys" "2 0x8054")" "$PERM" || ok=1
	denied "$1" "$(w "$PORT/mtu" 2048)" "$PERM" || ok=1
	for k in sa_fail_joins sa_drop_joins sa_delay_joins sa_delay_ms \
		 drop_rate; do
		denied "$1" "$(w "$SOFTIB_DBG/$k" 7)" "$PERM" || ok=1
	done
	return $ok
}

setup() {
	softib_setup && load_ours ib_ipoib && ipoib_is_requested &&
	softib_new 51 1 && softib_knob 51 1 pkeys "1 0x8051" &&
	softib_knob 51 1 mtu 4096 &&
	wait_for 10 softib_ipoib_if 51 >/dev/null &&
	IF1=$(softib_ipoib_if 51) && $IP link set "$IF1" up &&
	echo 0x8051 > "/sys/class/net/$IF1/create_child" &&
	CH=$IF1.8051 && [ -e "/sys/class/net/$CH/parent" ]
}

# The callers are what the test says: no capabilities at all, and
# capabilities only over a user namespace that owns no device.
callers_ok() {
	as user 'grep -q "^CapEff:.*0000000000000000$" /proc/self/status' &&
	[ "$(as userns 'id -u; readlink /proc/self/ns/net')" = \
	  "$(printf '0\n%s' "$(readlink /proc/self/ns/net)")" ] &&
	[ "$(as userns-net 'readlink /proc/self/ns/net')" != \
	  "$(readlink /proc/self/ns/net)" ]
}

if ! is_ours; then
	tap_skip_all "permissions of our driver's own interfaces"
fi
command -v setpriv >/dev/null && command -v unshare >/dev/null ||
	tap_skip_all "setpriv or unshare missing"
tap_plan 13
tap_check "softib, our ib_ipoib, a child 0x8051" setup
tap_check "the callers lack CAP_NET_ADMIN where the device is" callers_ok
for who in user userns userns-net; do
	tap_check "$who: IPoIB sysfs writes refused" ipoib_sysfs $who
	if [ $who = userns-net ]; then
		tap_check "$who: rtnetlink does not reach the device" \
			ipoib_netlink $who 'Cannot find device|not exist'
	else
		tap_check "$who: IPoIB rtnetlink changes refused" \
			ipoib_netlink $who "$PERM"
	fi
	tap_check "$who: softib control files refused" softib_files $who
done
tap_check "root still can: umcast 1, child 0x8052, softib reregister" \
	eval 'echo 1 > /sys/class/net/$IF1/umcast &&
	      echo 0x8052 > /sys/class/net/$IF1/create_child &&
	      echo 0x8052 > /sys/class/net/$IF1/delete_child &&
	      echo 0 > /sys/class/net/$IF1/umcast &&
	      softib_knob 51 1 reregister 1'
tap_check "no kernel warnings" dmesg_clean
echo "# bad inputs tried: $TRIED, rejected: $REJECTED"
tap_done
