#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# del_device of a device a verbs program holds open waits for the program
# (rdmavt cannot disassociate it), but nothing else waits with it: debugfs
# reads, creating and deleting other devices all go on, the ID stays taken
# until the device is gone, and the deletion ends when the program exits.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v ibv_ud_pingpong >/dev/null || tap_skip_all "ibv_ud_pingpong missing"
command -v ss >/dev/null || tap_skip_all "ss missing"

PORT=18530
SERVER=
DEL=

cleanup() {	# the server first: a deletion may be waiting for it
	[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null
	[ -z "$DEL" ] || wait_for 30 ended "$DEL"
	softib_cleanup
}
trap cleanup EXIT

ended() {	# ended PID: the process is gone or a zombie
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" = Z ]
}

# bounded SECONDS CMD...: run CMD in the background and give its status if
# it ends within SECONDS; else fail and leave it (it may sleep on a lock).
bounded() {
	local t=$1 pid
	shift
	"$@" &
	pid=$!
	if wait_for "$t" ended "$pid"; then
		wait "$pid"
		return
	fi
	echo "# still blocked after $t s: $*"
	return 1
}

listening() {
	ss -ltn | grep -q ":$PORT "
}

uverbs_of() {	# uverbs_of IBDEV: the device has a uverbs node
	grep -qx "$1" /sys/class/infiniband_verbs/uverbs*/ibdev 2>/dev/null
}

hold() {	# a UD pingpong server opens softib51 and waits for its client
	ibv_ud_pingpong -d softib51 -i 1 -p $PORT > /dev/null 2>&1 &
	SERVER=$!
	wait_for 20 listening
}

del_waits() {	# del_device 51 in the background, stuck on the server
	(echo 51 > $SOFTIB_BUS/del_device) &
	DEL=$!
	wait_for 20 eval '! uverbs_of softib51' && ! ended "$DEL"
}

read_ports() {
	cat $SOFTIB_DBG/ports > /tmp/del_busy.ports
}

ports_ok() {	# the dying device is not listed, the other one is
	sed 's/^/# /' /tmp/del_busy.ports
	grep -q "dev=softib52 " /tmp/del_busy.ports &&
		! grep -q "dev=softib51 " /tmp/del_busy.ports
}

fails_with() {	# fails_with FILE INPUT ERRNO-TEXT
	local err
	err=$( (echo "$2" > "$SOFTIB_BUS/$1") 2>&1)
	echo "# $1 <- '$2': ${err:-success}"
	[[ $err == *"$3"* ]]
}

server_exits() {
	kill "$SERVER" && wait "$SERVER" 2>/dev/null
	SERVER=
	wait_for 30 ended "$DEL" && wait "$DEL" && DEL= &&
		[ ! -e $SOFTIB_BUS/devices/softib51 ] &&
		[ ! -e /sys/class/infiniband/softib51 ]
}

tap_plan 11
tap_check "softib loads" softib_setup
tap_check "two devices" eval 'softib_new 51 1 && softib_new 52 1'
tap_check "a verbs program holds softib51" hold
tap_check "del_device 51 waits for it" del_waits
tap_check "debugfs ports readable meanwhile" bounded 10 read_ports
tap_check "it lists softib52, not the dying softib51" ports_ok
SOFTIB_IDS+=(53)
tap_check "another device can be created and deleted meanwhile" \
	bounded 20 eval 'echo "53 1" > $SOFTIB_BUS/new_device && softib_del 53'
tap_check "ID 51 still taken: new_device fails with EEXIST" \
	bounded 10 fails_with new_device "51 1" "File exists"
tap_check "softib51 is being deleted: del_device fails with ENOENT" \
	bounded 10 fails_with del_device 51 "No such file or directory"
tap_check "the program exits: the deletion ends, softib51 is gone" server_exits
tap_check "ID 51 can be used again, no kernel warnings" \
	eval 'softib_new 51 1 && dmesg_clean'
tap_done
