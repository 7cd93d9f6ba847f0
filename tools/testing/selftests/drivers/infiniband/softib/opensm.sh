#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# OpenSM runs the softib subnet.  With embedded_sm 0, ports come up INIT
# with no LID and wait; OpenSM, bound to one port through ib_umad,
# discovers the switch and the CAs, gives out LIDs, programs the switch
# and brings every port ACTIVE.  infiniband-diags then judge the result
# against OpenSM's SA: sminfo, saquery, ibnetdiscover, smpquery, ibroute
# and ibstat.  The embedded_sm knob takes only 0 or 1, and only while no
# device exists.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v opensm >/dev/null || tap_skip_all "opensm missing"
command -v saquery >/dev/null || tap_skip_all "infiniband-diags missing"
KNOB=$SOFTIB_BUS/embedded_sm
PORTS="51:1 52:1 52:2 53:1"
S52="-C softib52 -P 1"
S53="-C softib53 -P 1"

write_fails() {	# write_fails VALUE ERRTEXT: writing VALUE to $KNOB fails so
	local err
	err=$( (echo "$1" > $KNOB) 2>&1) && return 1
	echo "# embedded_sm <- '$1': $err"
	[[ $err == *"$2"* ]]
}

lid_of() {	# lid_of ID PORT: the port's LID, decimal
	echo $(($(cat "/sys/class/infiniband/softib$1/ports/$2/lid")))
}

all_ports() {	# all_ports STATE: every port of $PORTS is in STATE
	local p
	for p in $PORTS; do
		port_is "${p%:*}" "${p#*:}" "$1" || return 1
	done
}

lids_ok() {	# a LID each, all different, and the SM's LID is softib51's
	local p lid sm lids=() want
	want=$(lid_of 51 1)
	for p in $PORTS; do
		lid=$(lid_of "${p%:*}" "${p#*:}")
		sm=$(($(cat "/sys/class/infiniband/softib${p%:*}/ports/${p#*:}/sm_lid")))
		echo "# softib${p%:*} port ${p#*:}: LID $lid, SM LID $sm"
		[ "$lid" -gt 0 ] && [ "$sm" = "$want" ] || return 1
		lids+=("$lid")
	done
	[ "$(printf '%s\n' "${lids[@]}" | sort -u | wc -l)" = 4 ]
}

field() {	# field NAME: a field of smpquery's dotted output in $out
	sed -n "s/^$1:\.*//p" <<< "$out" | head -n 1
}

lft_ok() {	# OpenSM's LFT sends each CA port's LID to its switch port
	local p n l
	for p in $PORTS; do
		# a CA's directed route starts out of the port it names
		n=$(smpquery -C "softib${p%:*}" -P "${p#*:}" -D nodeinfo \
			"0,${p#*:}" | sed -n 's/^LocalPort:\.*//p')
		l=$(printf '0x%04x' "$(lid_of "${p%:*}" "${p#*:}")")
		out=$(ibroute $S52 -D 0,1 |
			awk -v l="$l" '$1 == l { print $2 + 0; exit }')
		echo "# LFT: $l -> ${out:-none}, cabled to $n"
		[ "$out" = "$n" ] || return 1
	done
}

tap_plan 17
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "embedded_sm reads 1 by default" grep -qx 1 $KNOB
tap_check "embedded_sm refuses 2, 1x and an empty write (EINVAL)" \
	eval 'write_fails 2 "Invalid argument" &&
	      write_fails 1x "Invalid argument" &&
	      write_fails "" "Invalid argument"'
tap_check "embedded_sm refuses a change while a device exists (EBUSY)" \
	eval 'softib_new 50 1 && write_fails 0 "busy" && softib_del 50 &&
	      grep -qx 1 $KNOB'
tap_check "embedded_sm 0 taken, reads 0" eval 'osm_mode && grep -qx 0 $KNOB'
tap_check "devices 51 (1 port), 52 (2 ports), 53: every port INIT, LID 0" \
	eval 'softib_new 51 1 && softib_new 52 2 && softib_new 53 1 &&
	      all_ports INIT && [ "$(lid_of 52 2)" = 0 ]'
tap_check "umad nodes for every device" \
	eval 'wait_for 10 umad_of softib51 1 && umad_of softib52 1 &&
	      umad_of softib52 2 && umad_of softib53 1 > /dev/null'
tap_check "OpenSM on softib51 brings every port ACTIVE" \
	eval 'osm_start 51 && wait_for 120 all_ports ACTIVE'
tap_check "every port has its own LID, SM LID softib51's" lids_ok

out=$(sminfo $S53 2>&1)
echo "# $out"
sm_guid=$(sed -n 's/.*sm guid \(0x[0-9a-f]*\),.*/\1/p' <<< "$out")
tap_check "sminfo: softib51's port is the master SM" \
	eval '[ "$((sm_guid))" = "$(($(port_guid 51 1)))" ] &&
	      [[ $out == *SMINFO_MASTER* ]]'

out=$(ibnetdiscover $S53 2>&1)
echo "$out" | grep "^Switch\|^Ca\|^\[" | sed 's/^/# /'
tap_check "ibnetdiscover: one switch, three CAs, four links" \
	eval '[ "$(grep -c "^Switch" <<< "$out")" = 1 ] &&
	      [ "$(grep -c "^Ca" <<< "$out")" = 3 ] &&
	      [ "$(grep -c "^\[[0-9]*\].*\"H-" <<< "$out")" = 4 ]'

out=$(saquery $S53 2>&1)
tap_check "saquery (OpenSM's SA): NodeRecords of the switch and the CAs" \
	eval '[ "$(grep -c "NodeRecord dump" <<< "$out")" -ge 4 ] &&
	      grep -q "NodeDescription.*softib switch" <<< "$out" &&
	      grep -q "NodeDescription.*softib53" <<< "$out"'

out=$(saquery $S53 -g 2>&1)
echo "$out" | grep "MGID\|Mlid" | sed 's/^/# /'
tap_check "saquery -g: OpenSM's IPoIB broadcast group" \
	grep -q "MGID.*ff12:401b:ffff::ffff:ffff" <<< "$out"

out=$(smpquery $S52 portinfo "$(lid_of 53 1)" 1 2>&1)
tap_check "smpquery portinfo by LID: softib53 Active, its LID" \
	eval '[ "$(field LinkState)" = Active ] &&
	      [ "$(field Lid)" = "$(lid_of 53 1)" ]'
tap_check "ibroute: OpenSM's LFT leads each LID to its switch port" lft_ok

out=$(ibstat softib52 2 2>&1)
tap_check "ibstat softib52 port 2: Active, LinkUp, SM lid softib51's" \
	eval 'grep -q "State: Active" <<< "$out" &&
	      grep -q "Physical state: LinkUp" <<< "$out" &&
	      grep -q "SM lid: $(lid_of 51 1)\$" <<< "$out"'
osm_errors
tap_check "no kernel warnings" dmesg_clean
tap_done
