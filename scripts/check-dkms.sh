#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS path, end to end: install our modules with Debian's dkms for the
# 6.12 headers (scripts/dkms-install.sh), check what landed in
# /lib/modules/<release>/updates/dkms, run the umcast kselftest in the VM
# on the modules dkms built, then remove the package again. Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${KVER:-$("$top/scripts/kver.sh")}
log=$(mktemp)
trap '"$top/scripts/dkms-install.sh" --remove > /dev/null 2>&1; rm -f "$log"' EXIT

echo "TAP version 13"
echo "1..3"
if "$top/scripts/dkms-install.sh" "$kver" > "$log" 2>&1; then
	echo "ok 1 dkms: add, build, install for $kver"
else
	echo "not ok 1 dkms: add, build, install for $kver"
	sed 's/^/#   /' "$log" | tail -n 30
	exit 1
fi
ok=0
for m in ib_ipoib softib; do
	f=$(ls /lib/modules/"$kver"/updates/dkms/$m.ko* 2>/dev/null)
	[ -n "$f" ] && [ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$kver" ] ||
		{ echo "# $m: missing or wrong vermagic"; ok=1; }
done
[ $ok = 0 ] && echo "ok 2 dkms: ib_ipoib and softib in updates/dkms for $kver" ||
	echo "not ok 2 dkms: ib_ipoib and softib in updates/dkms for $kver"
# What dkms installed, laid out as a tree for the VM runner.
stage=$(mktemp -d)
trap '"$top/scripts/dkms-install.sh" --remove > /dev/null 2>&1; rm -rf "$log" "$stage"' EXIT
for d in sw/softib/softib ulp/ipoib/ib_ipoib; do
	mkdir -p "$stage/drivers/infiniband/${d%/*}"
	xz -dc /lib/modules/"$kver"/updates/dkms/"${d##*/}".ko.xz \
		> "$stage/drivers/infiniband/$d.ko"
done
# A skip here means the modules did not reach the VM: a failure.
VM_MODULES_FROM=$stage "$top/tools/testing/vm/run.sh" --no-summary \
	"$top/tools/testing/selftests/ipoib_umcast/ipoib_umcast.sh" |
	sed -n -e 's/^ok 1 \(.*\) # SKIP/not ok 1 \1 (skipped)/' \
		-e 's/^\(\(not \)\?ok\) 1 /\1 3 dkms: /p; /^#/p'
