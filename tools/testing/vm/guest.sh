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
# One of two guests (VM_GUEST=a or b on the kernel command line, see
# run.sh) reports <path>@a or <path>@b.
#
# rc is the test's exit status, 124 on timeout. Our modules sit in
# /lib/modules/<release>/updates, so modprobe loads ours before stock ones. After each test the loop
# unloads what the test loaded and fails the test if dmesg gained a
# warning, BUG or Oops, or the kernel became tainted with W.
#
# On a debug kernel (make check-debug) the same dmesg check catches KASAN,
# lockdep, DEBUG_OBJECTS and list corruption reports. With kmemleak, the
# boot's suspects are set aside before READY; each test starts from a
# cleared list and fails if a scan after it (modules unloaded) finds a
# leak. A report switches lockdep off for the rest of the boot, so after
# one the loop stops and the host boots a fresh VM for the tests left.

export PATH=/usr/sbin:/usr/bin
export HOME=/root TERM=dumb SRC=/src LANG=C
exec 3>/dev/ttyS1
/usr/bin/busybox stty -F /dev/ttyS1 raw -echo 2>/dev/null

BAD='WARNING:|BUG:|Oops|general protection fault|Call Trace:|UBSAN:|KASAN:'
BAD+='|kmemleak:|INFO: task .* blocked|possible circular locking'
BAD+='|possible recursive locking|inconsistent lock state|refcount_t:'
BAD+='|ODEBUG:|list_add corruption|list_del corruption|list corruption'
BAD+='|suspicious RCU usage|lock held when returning|bad unlock balance'
# Fault injection dumps a stack per injected failure, on purpose, and so
# do the allocation-failure reports that follow one.
INJECTED='FAULT_INJECTION: forcing a failure|page allocation failure|vmalloc error:'
export VM_KERNEL_BAD=$BAD
KMEMLEAK=/sys/kernel/debug/kmemleak

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

# The kernel's reports since dmesg line $1, less the stack dumps fault
# injection asked for (one "Call Trace:" per injected failure).
kernel_reports() {
	local log traces injected

	log=$(dmesg | tail -n +"$(($1 + 1))")
	injected=$(grep -cE "$INJECTED" <<< "$log")
	traces=0
	grep -E "$BAD" <<< "$log" | while IFS= read -r l; do
		if [[ $l == *"Call Trace:"* ]] && [ $((traces++)) -lt "$injected" ]; then
			continue
		fi
		echo "$l"
	done
}

# kmemleak: scan twice (an object must survive two scans, and be 5 s old,
# to be reported) and print the suspects' report, if any.
kmemleak_scan() {
	local t0=$SECONDS

	[ -w $KMEMLEAK ] || return 0
	echo scan > $KMEMLEAK
	[ $((SECONDS - t0)) -ge 5 ] || sleep $((5 - SECONDS + t0))
	echo scan > $KMEMLEAK
	cat $KMEMLEAK
}

kmemleak_verdict() {
	local leaks

	leaks=$(kmemleak_scan)
	[ -n "$leaks" ] || return 0
	sed 's/^/O # vm: /' <<< "$leaks" | head -n 200 >&3
	echo "kmemleak: $(grep -c '^unreferenced object' <<< "$leaks") leak(s)"
}

lockdep_on() {
	grep -q 'debug_locks:[[:space:]]*1' /proc/lockdep_stats 2>/dev/null
}

kernel_verdict() {
	local before=$1 taint_before=$2 new
	new=$(kernel_reports "$before" | head -n 3)
	if [ -n "$new" ]; then
		echo "kernel: $(echo "$new" | head -n 1)"
	elif (( ($(cat /proc/sys/kernel/tainted) & 512) && !(taint_before & 512) )); then
		echo "kernel tainted W"
	fi
}

run_one() {
	local path=$1 limit=$2 rc lines taint reason left leaks
	local label=$path${VM_GUEST:+@$VM_GUEST}
	[ ! -w $KMEMLEAK ] || echo clear > $KMEMLEAK
	lines=$(dmesg | wc -l)
	taint=$(cat /proc/sys/kernel/tainted)
	echo "BEGIN $label" >&3
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
	leaks=$(kmemleak_verdict)
	reason=$(kernel_verdict "$lines" "$taint")
	reason=${reason:-$leaks}
	[ $rc = 124 ] || [ $rc = 137 ] && reason=${reason:-timeout after ${limit}s}
	echo "END $label $rc $reason" >&3
}

# What kmemleak suspects at boot is not the tests' doing: keep it aside for
# tools/testing/vm/tests/boot_clean.sh, and clear it.
if [ -w $KMEMLEAK ]; then
	mkdir -p /run/vm
	kmemleak_scan > /run/vm/boot-kmemleak
	echo clear > $KMEMLEAK
fi
debug_locks=0
lockdep_on && debug_locks=1

echo READY >&3
while IFS=$'\t' read -r path limit; do
	[ -n "$path" ] || continue
	run_one "$path" "$limit"
	if [ $debug_locks = 1 ] && ! lockdep_on; then
		echo "vm: lockdep is off now; the host boots a new VM" > /dev/kmsg
		reboot -f
	fi
done < /vm/tests.list
echo DONE >&3
sync
reboot -f
