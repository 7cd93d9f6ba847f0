#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run tests in a QEMU (TCG) VM booting Debian's 6.12 kernel, and print TAP.
#
#   run.sh [--no-summary] TEST...
#
# TEST is a path relative to the repository root (or absolute below it).
# Its timeout comes from a kselftest "settings" file in its directory
# (timeout=N), else 120 s. Results travel over the VM's second serial port;
# a test that began but never ended (panic, hang, host timeout) fails, and
# the VM is booted again for the tests after it. Console logs are kept in
# build/vm/logs/. Exit status: 0 when nothing failed.
#
# Environment: KVER (default: installed headers), VM_MEM (2G), VM_CPUS (2),
# V=1 prints every test's output, not only the failing ones';
# VM_MODULES_FROM=TREE takes softib and IPoIB (and the runner's own module,
# and ib_core built with the IB/core patch, when TREE has them) from a
# kernel tree's build, to shadow the stock ones; VM_EXTRA=DIR is copied to
# /extra in the VM. A kernel of our own (scripts/debug-kernel.sh):
# VM_KERNEL_DIR=DIR boots DIR/build's bzImage with the modules installed in
# DIR/staging as the "stock" ones; VM_TIMEOUT_MULT=N multiplies every
# timeout (slow debug kernels) and reaches tests as VM_SLOW=N, for them to
# scale rates down; VM_APPEND adds kernel parameters.
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
vmdir=$top/build/vm
summary=1
[ "${1:-}" = --no-summary ] && { summary=0; shift; }
[ $# -gt 0 ] || { echo "usage: $0 [--no-summary] TEST..." >&2; exit 2; }

"$top/scripts/install-deps.sh" || exit 1
if [ -n "${VM_KERNEL_DIR:-}" ]; then
	kver=$(cat "$VM_KERNEL_DIR/build/include/config/kernel.release") || exit 1
	kernel=$VM_KERNEL_DIR/build/arch/x86/boot/bzImage
	modroot=$VM_KERNEL_DIR/staging
else
	kver=${KVER:-$("$top/scripts/kver.sh")} || exit 1
	kernel=/boot/vmlinuz-$kver
	modroot=/
fi
[ -r "$kernel" ] || { echo "run.sh: $kernel missing" >&2; exit 1; }
base=$("$top/tools/testing/vm/mkinitramfs.sh" "$vmdir" "$kver" "$modroot") ||
	exit 1
mult=${VM_TIMEOUT_MULT:-1}

tests=()
for t in "$@"; do
	t=$(realpath -m --relative-to="$top" "$t")
	[ -x "$top/$t" ] || { echo "run.sh: $t is not an executable test" >&2; exit 2; }
	tests+=("$t")
done

test_timeout() {
	local s=$top/$(dirname "$1")/settings
	local t

	t=$(sed -n 's/^timeout=\([0-9]\+\)$/\1/p' "$s" 2>/dev/null | grep .)
	echo $((${t:-120} * mult))
}

# The per-run cpio: our modules, the tools tree, the list of tests.
make_overlay() {
	local stage=$vmdir/overlay
	rm -rf "$stage"
	mkdir -p "$stage/src" "$stage/vm"
	local kodirs="drivers tools"
	if [ -n "${VM_MODULES_FROM:-}" ]; then
		# Kernel modules from a kernel tree (in-tree build) instead.
		kodirs=tools
		(cd "$VM_MODULES_FROM" && find drivers/infiniband/sw/softib \
			drivers/infiniband/ulp/ipoib -name '*.ko' -print0 |
			xargs -0 -r cp --parents -t "$stage/src")
		# Only ib_core of the core modules: Debian's others load on it.
		local core=drivers/infiniband/core/ib_core.ko
		[ ! -e "$VM_MODULES_FROM/$core" ] ||
			(cd "$VM_MODULES_FROM" && cp --parents -t "$stage/src" "$core")
		[ ! -e "$VM_MODULES_FROM/tools/testing/vm/module/vm_selftest.ko" ] ||
			kodirs=
	fi
	[ -z "$kodirs" ] || (cd "$top" && find $kodirs -name '*.ko' -print0 \
		2>/dev/null | xargs -0 -r cp --parents -t "$stage/src")
	[ -n "$kodirs" ] || (cd "$VM_MODULES_FROM" &&
		cp --parents -t "$stage/src" tools/testing/vm/module/vm_selftest.ko)
	[ -z "${VM_EXTRA:-}" ] || cp -a "$VM_EXTRA" "$stage/extra"
	# Ours also go to updates/, which modprobe prefers over the stock
	# kernel/ tree once guest.sh has run depmod.
	mkdir -p "$stage/usr/lib/modules/$kver/updates"
	find "$stage/src" -name '*.ko' -exec cp -t \
		"$stage/usr/lib/modules/$kver/updates" {} +
	rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		"$top/tools" "$stage/src/"
	printf '%s\n' "$@" > "$stage/vm/tests.list"
	(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet)
}

KERNEL_ARGS="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 rdinit=/init"
KERNEL_ARGS+=" mitigations=off${VM_APPEND:+ $VM_APPEND}"
# An unknown NAME=value parameter lands in init's environment.
[ "$mult" = 1 ] || KERNEL_ARGS+=" VM_SLOW=$mult"
KERNEL_BAD='WARNING:|BUG:|Oops|Kernel panic|general protection fault'
mkdir -p "$vmdir/logs"
passed=0 failed=0 skipped=0 n=0
echo "TAP version 13"

report() {	# report PATH RC REASON OUTPUT_FILE
	local path=$1 rc=$2 reason=$3 out=$4 verdict
	n=$((n + 1))
	if [ "$rc" = 0 ] && [ -z "$reason" ]; then
		verdict="ok $n $path"; passed=$((passed + 1))
	elif [ "$rc" = 4 ] && [ -z "$reason" ]; then
		verdict="ok $n $path # SKIP"; skipped=$((skipped + 1))
	else
		verdict="not ok $n $path # ${reason:-exit $rc}"; failed=$((failed + 1))
	fi
	if [ "${V:-0}" = 1 ] || [[ $verdict == "not ok"* ]] || [[ $verdict == *SKIP ]]; then
		sed 's/^/#   /' "$out"
	fi
	echo "$verdict"
}

# The optional initramfs layers (mklayer.sh) tests ask for with a line
# "# vm-layer: NAME".
layers_of() {
	local t
	for t in "$@"; do
		sed -n 's/^# vm-layer: \([a-z0-9-]*\)$/\1/p' "$top/$t"
	done | sort -u
}

# How many guests a test asks for with a line "# vm-guests: N" (1 or 2)
guests_of() {
	local n
	n=$(sed -n 's/^# vm-guests: \([12]\)$/\1/p' "$top/$1" | head -n 1)
	echo "${n:-1}"
}

# The initramfs of a boot: the base, the layers its tests ask for, and the
# per-run part; "$@" are the tests' "path<TAB>timeout" lines.
make_image() {
	local layer
	cat "$base"
	for layer in $(layers_of "${@%%$'\t'*}"); do
		cat "$("$top/tools/testing/vm/mklayer.sh" "$vmdir" "$layer")"
	done
	make_overlay "$@"
}

# Boot once for the tests in "$@"; sets $next to the index (into "$@")
# of the first test that did not run to its END, or $# when all did.
boot_once() {
	local list=() budget=$((90 * mult)) t limit stamp res con img
	for t in "$@"; do
		limit=$(test_timeout "$t")
		list+=("$t"$'\t'"$limit")
		budget=$((budget + limit + 30))
	done
	stamp=$(date +%Y%m%d-%H%M%S)-$$-$RANDOM
	res=$vmdir/logs/$stamp.results
	con=$vmdir/logs/$stamp.console
	img=$vmdir/initrd-$$.cpio
	make_image "${list[@]}" > "$img"
	timeout -k 5 "$budget" qemu-system-x86_64 -accel tcg,thread=multi \
		-cpu max -m "${VM_MEM:-2G}" -smp "${VM_CPUS:-2}" \
		-nodefaults -display none -no-reboot -nic none \
		-kernel "$kernel" -initrd "$img" \
		-append "$KERNEL_ARGS" \
		-serial "file:$con" -serial "file:$res" </dev/null >/dev/null 2>&1
	local qrc=$?
	rm -f "$img"
	parse_results "$res" "$con" "$qrc" "$@"
}

parse_results() {
	local res=$1 con=$2 qrc=$3 path rc reason cur="" out i=0
	shift 3
	out=$(mktemp)
	next=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"BEGIN "*) cur=${line#BEGIN }; : > "$out" ;;
		"O "*) printf '%s\n' "${line#O }" >> "$out" ;;
		"END "*)
			read -r path rc reason <<< "${line#END }"
			report "$path" "$rc" "$reason" "$out"
			cur=""; next=$((next + 1)) ;;
		esac
	done < <(tr -d '\r' < "$res" 2>/dev/null)
	if [ -n "$cur" ]; then
		local first
		first=$(grep -m1 -E "$KERNEL_BAD" "$con" | sed 's/^\[[^]]*\] *//')
		{
			echo "--- console ($con):"
			grep -m1 -E "$KERNEL_BAD" -A 10 "$con" || tail -n 15 "$con"
		} >> "$out"
		if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
			reason="VM hung (host timeout)"
		else
			reason="VM died during the test: ${first:-no kernel message}"
		fi
		report "$cur" 1 "$reason" "$out"
		next=$((next + 1))
	elif [ "$next" = 0 ] && ! grep -q '^READY' "$res" 2>/dev/null; then
		echo "# VM did not boot; console: $con"
		grep -v '^$' "$con" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
		# Before READY nothing of ours is loaded: a crash there is the
		# emulator's (seen: an Oops in sched_clock_cpu at 1.3 s under
		# TCG). Boot once more before failing the tests.
		if [ "$boot_retries" -gt 0 ]; then
			boot_retries=$((boot_retries - 1))
			echo "# booting again"
			rm -f "$out"
			return
		fi
		for path in "$@"; do
			: > "$out"
			report "$path" 1 "VM did not boot" "$out"
		done
		next=$#
	fi
	rm -f "$out"
}

# A test asking for two guests gets a pair of its own, booted together:
# guest "a" and guest "b", each with a virtio NIC, the two NICs joined to
# each other by QEMU's stream netdev over a unix socket in the build
# directory (no host network, no host address). Both run the test, with
# VM_GUEST=a or b in the environment, and report "<path>@a", "<path>@b".
boot_pair() {
	local t=$1 limit budget stamp sock img g srv mac=1 pids=() rcs=() i
	local boot_retries=0	# a pair is not booted again
	limit=$(test_timeout "$t")
	budget=$((90 * mult + limit + 30))
	stamp=$(date +%Y%m%d-%H%M%S)-$$-$RANDOM
	sock=$vmdir/cable-$stamp.sock
	img=$vmdir/initrd-$$-pair.cpio
	make_image "$t"$'\t'"$limit" > "$img"
	for g in a b; do
		srv=on
		if [ $g = b ]; then
			# b connects to the socket a listens on
			srv=off
			for i in $(seq 100); do
				[ -S "$sock" ] && break
				sleep 0.1
			done
		fi
		timeout -k 5 "$budget" qemu-system-x86_64 -accel tcg,thread=multi \
			-cpu max -m "${VM_MEM:-2G}" -smp 1 \
			-nodefaults -display none -no-reboot -nic none \
			-netdev "stream,id=cable,server=$srv,addr.type=unix,addr.path=$sock" \
			-device "virtio-net-pci,netdev=cable,mac=52:54:00:77:00:0$mac" \
			-kernel "$kernel" -initrd "$img" \
			-append "$KERNEL_ARGS VM_GUEST=$g" \
			-serial "file:$vmdir/logs/$stamp.$g.console" \
			-serial "file:$vmdir/logs/$stamp.$g.results" \
			</dev/null >/dev/null 2>&1 &
		pids+=($!)
		mac=$((mac + 1))
	done
	for i in 0 1; do
		wait "${pids[$i]}"
		rcs+=($?)
	done
	rm -f "$img" "$sock"
	i=0
	for g in a b; do
		parse_results "$vmdir/logs/$stamp.$g.results" \
			"$vmdir/logs/$stamp.$g.console" "${rcs[$i]}" "$t@$g"
		i=$((i + 1))
	done
}

rest=() pairs=()
for t in "${tests[@]}"; do
	if [ "$(guests_of "$t")" = 2 ]; then
		pairs+=("$t")
	else
		rest+=("$t")
	fi
done
# a pair's test is two results
echo "1..$((${#rest[@]} + 2 * ${#pairs[@]}))"
boot_retries=1
while [ ${#rest[@]} -gt 0 ]; do
	boot_once "${rest[@]}"
	rest=("${rest[@]:$next}")
done
for t in "${pairs[@]}"; do
	boot_pair "$t"
done

[ $summary = 1 ] && echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
