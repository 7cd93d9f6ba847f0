#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipoib_umcast kselftest with OpenSM as the SM and SA: both orders of
# the application's and the socket's joins, flag flips and the holder
# leaving, judged by traffic only (as on real hardware: the kselftest's
# softib ground-truth checks skip when it is given interfaces).  softib
# runs with embedded_sm 0; OpenSM runs on a third device, with a
# partition for the kselftest's P_Key child, and the kselftest gets the
# IPoIB interfaces of the other two.
#
# Runs on our ib_ipoib (IPOIB_IMPL=ours, the default) or, limited to what
# upstream does (UMCAST_UPSTREAM=1), on Debian's stock one
# (umcast_opensm_stock.sh).
source "$SRC/tools/testing/vm/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../softib" || exit 1
source ./softib_lib.sh
source "$here/ipoib_lib.sh"

command -v opensm >/dev/null || tap_skip_all "opensm missing"

active() {
	local id
	for id in 91 92 93; do
		port_is "$id" 1 ACTIVE || return 1
	done
}

# The kselftest's P_Key child (0x8001) needs a partition, with its IPoIB
# broadcast group, as an admin would configure it.
partitions() {
	mkdir -p /etc/opensm &&
	cat > /etc/opensm/partitions.conf <<-EOT
	Default=0x7fff, ipoib, defmember=full : ALL=full ;
	umcast_child=0x0001, ipoib, defmember=full : ALL=full ;
	EOT
}

setup() {
	partitions && softib_setup && load_stock ib_umad && load_stock rdma_ucm &&
		load_stock ib_uverbs && ipoib_load && osm_mode &&
		softib_new 91 1 && softib_new 92 1 && softib_new 93 1 &&
		wait_for 10 umad_of softib93 1 > /dev/null &&
		osm_start 93 && wait_for 120 active &&
		wait_for 10 softib_ipoib_if 91 > /dev/null &&
		wait_for 10 softib_ipoib_if 92 > /dev/null
}

if ! setup; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 softib under OpenSM, two IPoIB interfaces"
	osm_errors
	exit 1
fi
echo "# OpenSM runs the subnet; IPoIB ($IPOIB_IMPL) on" \
	"$(softib_ipoib_if 91) and $(softib_ipoib_if 92)"
is_ours || export UMCAST_UPSTREAM=1
UMCAST_IF_A=$(softib_ipoib_if 91) UMCAST_IF_B=$(softib_ipoib_if 92) \
	"$SRC/tools/testing/selftests/ipoib_umcast/ipoib_umcast.sh"
rc=$?
[ $rc = 0 ] || osm_errors
exit $rc
