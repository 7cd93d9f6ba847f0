#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test loop inside the VM. Reads /vm/tests.list ("path<TAB>timeout"
# per line), runs each test and reports on the result channel (the second
# serial port, never the console):
#
#   READY
#   BEGIN <path>
#   O <output line>            (the test's stdout and stderr)
#   END <path> <rc> [<reason>]
#   DONE
#
# rc is the test's exit status, 124 on timeout. Our modules sit in
# /lib/modules/<release>/updates, so modprobe loads ours before stock ones. After each test the loop
# unloads what the test loaded and fails the test if dmesg gained a
# warning, BUG or Oops, or the kernel became tainted with W.

export PATH=/usr/sbin:/usr/bin
export HOME=/root TERM=dumb SRC=/src LANG=C
exec 3>/dev/ttyS1
/usr/bin/busybox stty -F /dev/ttyS1 raw -echo 2>/dev/null

BAD='WARNING:|BUG:|Oops|general protection fault|Call Trace:|UBSAN:|KASAN:'
BAD+='|kmemleak:|INFO: task .* blocked|possible circular locking'
BAD+='|possible recursive locking|inconsistent lock state|refcount_t:'

ip link set lo up
depmod -a
base_mods=$(awk '{ print $1 }' /proc/modules)

# Unload every module the test left loaded, dependents first.
unload_test_modules() {
	local left tries=0
	while left=$(awk '{ print $1 }' /proc/modules |
		     grep -vxF -e "${base_mods:-^}") && [ -n "$left" ]; do
		[ $((tries++)) -lt 8 ] || { echo "$left"; return; }
		for m in $left; do rmmod "$m" 2>/dev/null; done
	done
}

# Kill what the test left running and remove its namespaces.
reap_test() {
	local pid
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$pid" -gt 1 ] && [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] ||
			continue
		grep -q '^PPid:[[:space:]]*0$' "/proc/$pid/status" 2>/dev/null &&
			continue
		kill -9 "$pid" 2>/dev/null
	done
	ip -all netns delete 2>/dev/null
}

kernel_verdict() {
	local before=$1 taint_before=$2 new
	new=$(dmesg | tail -n +"$((before + 1))" | grep -E "$BAD" | head -n 3)
	if [ -n "$new" ]; then
		echo "kernel: $(echo "$new" | head -n 1)"
	elif (( ($(cat /proc/sys/kernel/tainted) & 512) && !(taint_before & 512) )); then
		echo "kernel tainted W"
	fi
}

run_one() {
	local path=$1 limit=$2 rc lines taint reason left
	lines=$(dmesg | wc -l)
	taint=$(cat /proc/sys/kernel/tainted)
	echo "BEGIN $path" >&3
	echo "vm: ---- $path (timeout ${limit}s)" > /dev/kmsg
	(
		cd "$SRC/$(dirname "$path")" &&
		exec timeout -k 5 "$limit" "./$(basename "$path")" < /dev/null 2>&1
	) | while IFS= read -r l; do
		printf '%s\n' "$l" > /dev/console
		printf 'O %s\n' "$l" >&3
	done
	rc=${PIPESTATUS[0]}
	reap_test
	left=$(unload_test_modules)
	[ -z "$left" ] || printf 'O # vm: modules left loaded: %s\n' $left >&3
	reason=$(kernel_verdict "$lines" "$taint")
	[ $rc = 124 ] || [ $rc = 137 ] && reason=${reason:-timeout after ${limit}s}
	echo "END $path $rc $reason" >&3
}

echo READY >&3
while IFS=$'\t' read -r path limit; do
	[ -n "$path" ] && run_one "$path" "$limit"
done < /vm/tests.list
echo DONE >&3
sync
reboot -f
