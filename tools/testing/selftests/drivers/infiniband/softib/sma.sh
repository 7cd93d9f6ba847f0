#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# softib's Subnet Management Agent, judged by infiniband-diags: smpquery
# reads NodeInfo, NodeDescription, PortInfo, PKeyTable and GUIDInfo over
# directed route to the local port and over a LID-routed SMP that crosses
# the fabric to another device's QP0; the answers agree with the core's
# sysfs.  An attribute a CA does not have is refused, and so is a Set
# with a LID no port may take.  ibportstate moves a port's LID (the old
# one stops answering, the new one answers), disables the link (the port
# goes DOWN, IPoIB loses its carrier) and enables it again (ACTIVE, the
# carrier comes back).
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v smpquery >/dev/null || tap_skip_all "infiniband-diags missing"
tap_plan 21
tap_check "softib, ib_umad and IPoIB load" \
	eval 'softib_setup && load_stock ib_umad && load_stock ib_ipoib'
tap_check "new_device 21 2, new_device 22 1" \
	eval 'softib_new 21 2 && softib_new 22 1'
tap_check "umad nodes for both devices" \
	eval 'wait_for 10 umad_of softib21 1 && wait_for 10 umad_of softib22 1'

S21="-C softib21 -P 1"
S22="-C softib22 -P 1"
PORTS=/sys/class/infiniband/softib21/ports

field() {	# field NAME: a field of smpquery's dotted output in $out
	sed -n "s/^$1:\.*//p" <<< "$out" | head -n 1
}

lid_of() {	# lid_of DEV PORT: the port's LID, decimal
	echo $(($(cat "/sys/class/infiniband/$1/ports/$2/lid")))
}

guid_hex() {	# guid_hex SYSFS_GUID: 0x and 16 hex digits
	echo "0x${1//:/}"
}

out=$(smpquery $S21 -D nodeinfo 0 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "DR NodeInfo: a channel adapter with 2 ports" \
	eval '[ "$(field NodeType)" = "Channel Adapter" ] &&
	      [ "$(field NumPorts)" = 2 ] && [ "$(field LocalPort)" = 1 ]'
tap_check "DR NodeInfo: node GUID and port GUID as sysfs has them" \
	eval '[ "$(field Guid)" = \
		"$(guid_hex "$(cat /sys/class/infiniband/softib21/node_guid)")" ] &&
	      [ "$(field PortGuid)" = "$(guid_hex "$(sed -n "s/^fe80:0000:0000:0000://p" \
		$PORTS/1/gids/0)")" ]'

out=$(smpquery $S21 -D nodedesc 0 2>&1)
echo "# $out"
tap_check "DR NodeDescription is the device's node_desc" \
	grep -qF "$(cat /sys/class/infiniband/softib21/node_desc)" <<< "$out"

out=$(smpquery $S21 -D portinfo 0 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "DR PortInfo: LID as sysfs, SM LID 1, Active, LinkUp" \
	eval '[ "$(field Lid)" = "$(lid_of softib21 1)" ] &&
	      [ "$(field SMLid)" = 1 ] && [ "$(field LinkState)" = Active ] &&
	      [ "$(field PhysLinkState)" = LinkUp ]'
tap_check "DR PortInfo: 4X, QDR legacy, EDR extended speed" \
	eval '[ "$(field LinkWidthActive)" = 4X ] &&
	      [ "$(field LinkSpeedActive)" = "10.0 Gbps" ] &&
	      [ "$(field LinkSpeedExtActive)" = "25.78125 Gbps" ]'

out=$(smpquery $S21 -D portinfo 0 2 2>&1)
tap_check "DR PortInfo of port 2 through port 1" \
	eval '[ "$(field Lid)" = "$(lid_of softib21 2)" ]'

out=$(smpquery $S21 -D pkeys 0 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "DR PKeyTable holds the default P_Key" grep -q "0xffff" <<< "$out"

out=$(smpquery $S21 -D GI 0 2>&1)
tap_check "DR GUIDInfo entry 0 is the port GUID" \
	grep -qi "$(sed -n 's/^fe80:0000:0000:0000://p' $PORTS/1/gids/0 |
		    tr -d :)" <<< "$out"

LID22=$(lid_of softib22 1)
smps0=$(port_stat 22 1 smps)
out=$(smpquery $S21 portinfo "$LID22" 2>&1)
tap_check "LID-routed PortInfo of softib22 answered by softib22's SMA" \
	eval '[ "$(field Lid)" = "$LID22" ] &&
	      [ "$(port_stat 22 1 smps)" -gt "$smps0" ]'

out=$(smpquery $S21 -D switchinfo 0 2>&1)
echo "# $out"
tap_check "SwitchInfo of a CA is refused" \
	eval '! smpquery $S21 -D switchinfo 0 >/dev/null 2>&1'

out=$(ibportstate $S21 -D 0 1 lid 1 2>&1)
tap_check "PortInfo Set with LID 1 is refused, the LID kept" \
	eval '[ "$(lid_of softib21 1)" != 1 ] &&
	      smpquery $S22 portinfo "$(lid_of softib21 1)" >/dev/null 2>&1'

OLD=$(lid_of softib21 1)
NEW=$((OLD + 0x100))
ibportstate $S21 -D 0 1 lid $NEW > /dev/null 2>&1
tap_check "ibportstate lid moves the port's LID" \
	wait_for 5 eval '[ "$(lid_of softib21 1)" = $NEW ]'
tap_check "the new LID answers LID-routed SMPs, the old one does not" \
	eval 'smpquery $S22 portinfo $NEW >/dev/null 2>&1 &&
	      ! smpquery $S22 -t 200 portinfo $OLD >/dev/null 2>&1'

IF=$(softib_ipoib_if 21 1)
$IP link set "$IF" up
tap_check "IPoIB on port 1 has a carrier" wait_for 10 carrier_up "$IF"
ibportstate $S21 -D 0 1 disable > /dev/null 2>&1
tap_check "ibportstate disable: port DOWN, link Disabled, no carrier" \
	eval 'wait_for 5 grep -q DOWN $PORTS/1/state &&
	      grep -q Disabled $PORTS/1/phys_state &&
	      wait_for 10 eval "! carrier_up $IF"'
ibportstate $S21 -D 0 1 enable > /dev/null 2>&1
tap_check "ibportstate enable: port ACTIVE, LinkUp, carrier back" \
	eval 'wait_for 5 grep -q ACTIVE $PORTS/1/state &&
	      grep -q LinkUp $PORTS/1/phys_state &&
	      wait_for 10 carrier_up $IF'
out=$(ibstat softib21 1 2>&1)
echo "$out" | sed 's/^/# /'
tap_check "ibstat: Active, LinkUp, the moved LID" \
	eval 'grep -q "State: Active" <<< "$out" &&
	      grep -q "Physical state: LinkUp" <<< "$out" &&
	      grep -q "Base lid: $NEW$" <<< "$out"'
tap_check "no kernel warnings" dmesg_clean
tap_done
