#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every softib port is cabled to one switch, and infiniband-diags see it
# as a real one: directed-route SMPs reach the switch (NodeInfo,
# SwitchInfo, PortInfo of its ports) and the CAs behind it; ibnetdiscover
# draws the switch and each CA port's link to it; ibroute dumps an LFT
# the embedded SM wrote, which follows a port's LID when it moves.
# Unicast goes by the switch: a switch port disabled through its PortInfo
# cuts its CA off, enabling it brings the CA back.  Deleting a device
# frees its switch ports.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v ibnetdiscover >/dev/null || tap_skip_all "infiniband-diags missing"
tap_plan 14
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "new_device 31 2, new_device 32 1" \
	eval 'softib_new 31 2 && softib_new 32 1'
tap_check "umad nodes for both devices" \
	eval 'wait_for 10 umad_of softib31 1 && wait_for 10 umad_of softib32 1'

S31="-C softib31 -P 1"
S32="-C softib32 -P 1"

field() {	# field NAME: a field of smpquery's dotted output in $out
	sed -n "s/^$1:\.*//p" <<< "$out" | head -n 1
}

lid_of() {	# lid_of DEV PORT: the port's LID, decimal
	echo $(($(cat "/sys/class/infiniband/$1/ports/$2/lid")))
}

sw_port_of() {	# sw_port_of ARGS: the switch port a CA port is cabled to
	smpquery $1 -D nodeinfo 0,1 | sed -n 's/^LocalPort:\.*//p'
}

out=$(smpquery $S31 -D nodeinfo 0,1 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "DR 0,1 reaches a switch of 128 ports" \
	eval '[ "$(field NodeType)" = Switch ] && [ "$(field NumPorts)" = 128 ]'
K32=$(sw_port_of "$S32")
K31=$(field LocalPort)
out=$(smpquery $S31 -D nodeinfo 0,1,$K32 2>&1)
tap_check "DR 0,1,$K32 reaches softib32 through the switch" \
	eval '[ "$(field NodeType)" = "Channel Adapter" ] &&
	      [ "$(field Guid)" = 0x02005e0000002000 ]'

out=$(smpquery $S31 -D switchinfo 0,1 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "SwitchInfo: LFT of 49152 LIDs, LinearFDBTop covers the ports" \
	eval '[ "$(field LinearFdbCap)" = 49152 ] &&
	      [ "$(field LinearFdbTop)" -ge "$(lid_of softib32 1)" ]'

out=$(smpquery $S31 -D portinfo 0,1 $K32 2>&1)
tap_check "switch port $K32: LinkUp, Active, 4X" \
	eval '[ "$(field PhysLinkState)" = LinkUp ] &&
	      [ "$(field LinkState)" = Active ] &&
	      [ "$(field LinkWidthActive)" = 4X ]'

out=$(ibnetdiscover $S31 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "ibnetdiscover: one switch, two CAs, three links" \
	eval '[ "$(grep -c "^Switch" <<< "$out")" = 1 ] &&
	      [ "$(grep -c "^Ca" <<< "$out")" = 2 ] &&
	      [ "$(grep -c "^\[[0-9]*\].*\"H-" <<< "$out")" = 3 ]'

lft_port() {	# lft_port LID: the LFT's out port for LID, from ibroute
	ibroute $S31 -D 0,1 | awk -v l="$(printf '0x%04x' "$1")" \
		'$1 == l { print $2 + 0; exit }'
}
lft_ok() {
	local a b c
	a=$(lft_port "$(lid_of softib32 1)") b=$(lft_port "$(lid_of softib31 1)")
	c=$(lft_port 1)
	echo "# LFT: softib32 -> $a, softib31 -> $b, LID 1 -> $c"
	[ "$a" = "$K32" ] && [ "$b" = "$K31" ] && [ "$c" = 0 ]
}
tap_check "ibroute: each LID to its port's switch port, LID 1 to port 0" \
	lft_ok

OLD=$(lid_of softib31 1)
NEW=$((OLD + 0x200))
ibportstate $S31 -D 0 1 lid $NEW > /dev/null 2>&1
tap_check "a moved LID is rerouted, the old one dropped from the LFT" \
	eval 'wait_for 5 eval "[ \"\$(lft_port $NEW)\" = $K31 ]" &&
	      [ -z "$(lft_port $OLD)" ]'

L32=$(lid_of softib32 1)
ibportstate $S31 -D 0,1 $K32 disable > /dev/null 2>&1
out=$(smpquery $S31 -D portinfo 0,1 $K32 2>&1)
tap_check "switch port $K32 disabled: softib32 unreachable by LID" \
	eval '[ "$(field PhysLinkState)" = Disabled ] &&
	      ! smpquery $S31 -t 200 nodeinfo $L32 >/dev/null 2>&1'
ibportstate $S31 -D 0,1 $K32 enable > /dev/null 2>&1
tap_check "switch port $K32 enabled: softib32 answers again" \
	wait_for 5 smpquery $S31 nodeinfo "$L32"

tap_check "deleting softib32 frees its switch port" \
	eval 'softib_del 32 &&
	      out=$(smpquery $S31 -D portinfo 0,1 $K32 2>&1) &&
	      [ "$(field PhysLinkState)" = Polling ] &&
	      [ "$(field LinkState)" = Down ]'
tap_check "no kernel warnings" dmesg_clean
tap_done
