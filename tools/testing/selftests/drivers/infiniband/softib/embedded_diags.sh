#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The embedded SM/SA answers infiniband-diags as OpenSM does.  sminfo
# finds the SM at LID 1 (it lives in the switch, as a managed switch's
# SM does); saquery's GetTable of NodeRecord, PathRecord and
# MCMemberRecord gets its tables by RMPP, one segment or many: with 20
# ends the PathRecord table is 128 segments, past the window ib_mad's
# RMPP receiver first opens.  MCMemberRecords show members only to a
# trusted requester (SM_Key 1, OpenSM's default).  Then OpenSM runs the
# same devices, and its NodeRecords and PathRecords are compared with
# the embedded SA's.
source "$SRC/tools/testing/vm/lib.sh"
source ./softib_lib.sh

command -v saquery >/dev/null || tap_skip_all "infiniband-diags missing"
command -v opensm >/dev/null || tap_skip_all "opensm missing"
S="-C softib62 -P 2"
SW_GUID=0x2005e00ff000000
MGID=ff12:401b:ffff::5678
BIG="71 72 73 74 75 76 77 78"

lid_of() {	# lid_of ID PORT: the port's LID, decimal
	echo $(($(cat "/sys/class/infiniband/softib$1/ports/$2/lid")))
}

gid_of() {	# gid_of ID PORT: the port's GID 0
	cat "/sys/class/infiniband/softib$1/ports/$2/gids/0"
}

records() {	# records KIND: how many records of KIND saquery printed in $out
	grep -c "^$1 dump:" <<< "$out"
}

# nodes: saquery's NodeRecords in $out, one line each, LIDs left out
nodes() {
	awk '/^NodeRecord dump:/ { if (r) print r; r = "" }
	     /^[[:space:]]+(node_type|num_ports|node_guid|port_guid|port_num|NodeDescription)\./ {
		sub(/^[[:space:]]+/, ""); gsub(/\.\.+/, "="); r = r " " $0 }
	     END { if (r) print r }' <<< "$out" | sort
}

# paths: saquery -p's PathRecords in $out, as "sgid dgid" lines
paths() {
	awk '/^[[:space:]]+dgid\./ { gsub(/.*\.\./, ""); d = $0 }
	     /^[[:space:]]+sgid\./ { gsub(/.*\.\./, ""); print $0, d }' \
		<<< "$out" | sort
}

joined() {	# joined ID:PORT...: each port joins $MGID at the SA
	local p
	for p in "$@"; do
		./ud_mcast join "$(umad_of "softib${p%:*}" "${p#*:}")" \
			"$(gid_of "${p%:*}" "${p#*:}")" 1 > /dev/null || return 1
	done
}

members_ok() {	# the trusted -m: each of softib61:1, 62:1, 62:2 in $MGID
	local gids
	out=$(saquery $S --smkey 1 -m 2>&1)
	gids=$(grep -A2 "MGID.*$MGID" <<< "$out" |
		sed -n 's/^[[:space:]]*PortGid\.*//p' | sort | tr '\n' ' ')
	echo "# trusted -m, members of $MGID: $gids"
	[ "$gids" = "fe80::200:5e00:0:3d01 fe80::200:5e00:0:3e01 fe80::200:5e00:0:3e02 " ]
}

ports_active() {
	port_is 61 1 ACTIVE && port_is 62 1 ACTIVE && port_is 62 2 ACTIVE
}

big_new() {
	local id
	for id in $BIG; do
		softib_new "$id" 2 || return 1
	done
}

tap_plan 14
tap_check "softib and ib_umad load" eval 'softib_setup && load_stock ib_umad'
tap_check "devices 61 (1 port), 62 (2 ports), their umad nodes" \
	eval 'softib_new 61 1 && softib_new 62 2 &&
	      wait_for 10 umad_of softib62 2 > /dev/null'

out=$(sminfo $S 2>&1)
echo "# $out"
tap_check "sminfo: the master SM at LID 1, with the switch's GUID" \
	eval '[[ $out == "sminfo: sm lid 1 sm guid $SW_GUID,"* ]] &&
	      [[ $out == *SMINFO_MASTER* ]]'

out=$(saquery $S 2>&1)
EMB_NODES=$(nodes)
echo "$EMB_NODES" | sed 's/^/# /'
tap_check "saquery: NodeRecords of the switch and of every CA port" \
	eval '[ "$(records NodeRecord)" = 4 ] &&
	      grep -q "=Switch num_ports=128 .*softib switch" <<< "$EMB_NODES" &&
	      grep -q "=0x02005e0000003e02 port_num=2 .*=softib62" <<< "$EMB_NODES"'

out=$(saquery $S "$(lid_of 62 2)" 2>&1)
tap_check "saquery LID: that port's NodeRecord alone" \
	eval '[ "$(records NodeRecord)" = 1 ] &&
	      grep -q "port_guid.*0x02005e0000003e02" <<< "$out"'

out=$(saquery $S -p 2>&1)
EMB_PATHS=$(paths)
tap_check "saquery -p: a PathRecord for each pair of the 4 ends" \
	eval '[ "$(records PathRecord)" = 16 ] &&
	      [ "$(sort -u <<< "$EMB_PATHS" | wc -l)" = 16 ]'

tap_check "three ports join $MGID" joined 61:1 62:1 62:2
out=$(saquery $S -g 2>&1)
echo "$out" | grep MGID | sed 's/^/# /'
tap_check "saquery -g: the broadcast group and $MGID, one record each" \
	eval '[ "$(records "MCMemberRecord group")" = 2 ] &&
	      grep -q "MGID.*ff12:401b:ffff::ffff:ffff" <<< "$out" &&
	      grep -q "MGID.*$MGID" <<< "$out"'
out=$(saquery $S -m 2>&1)
tap_check "saquery -m, untrusted: a record per group, PortGid :: (as OpenSM)" \
	eval '[ "$(grep -c "PortGid" <<< "$out")" = 2 ] &&
	      ! grep "PortGid" <<< "$out" | grep -qv "PortGid\.*::$"'
tap_check "saquery --smkey 1 -m: a record per member, with its PortGid" \
	members_ok

out=
tap_check "20 ends: saquery -p gets all 400 PathRecords (128 RMPP segments)" \
	eval 'big_new && out=$(saquery $S -p 2>&1) &&
	      echo "# $(records PathRecord) PathRecords" &&
	      [ "$(records PathRecord)" = 400 ] &&
	      [ "$(paths | sort -u | wc -l)" = 400 ]'

# The same devices under OpenSM (GUIDs follow the device IDs)
osm_ready() {
	softib_cleanup && osm_mode && softib_new 61 1 && softib_new 62 2 &&
		wait_for 10 umad_of softib61 1 > /dev/null && osm_start 61 &&
		wait_for 120 ports_active
}
osm_nodes() {
	out=$(saquery $S 2>&1)
	[ "$(nodes)" = "$EMB_NODES" ] || { nodes | sed 's/^/# opensm: /'; return 1; }
}
osm_paths() {
	out=$(saquery $S -p 2>&1)
	[ "$(paths)" = "$EMB_PATHS" ] || { paths | sed 's/^/# opensm: /'; return 1; }
}
tap_check "OpenSM on the same devices: its NodeRecords are the embedded SA's" \
	eval 'osm_ready && wait_for 30 osm_nodes'
tap_check "... and so are its PathRecords (the same pairs of ends)" osm_paths
tap_check "no kernel warnings" dmesg_clean
tap_done
