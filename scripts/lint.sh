#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, each one a TAP line; any finding fails:
#   checkpatch.pl --strict on every kernel source, Kconfig, Makefile, doc and
#   test script; a clean rebuild of every module with C=2 (sparse) and W=1
#   (extra warnings and kernel-doc); kernel-doc -Wall on every C file; no
#   function over 80 lines; the IB/core patch of the series
#   (scripts/series/ib_core.patch): checkpatch --strict on it as a patch,
#   and it applies to the pristine source; and the clean-room comparison of
#   our C files against the upstream drivers they must not copy
#   (../shared/hooks).
# Usage: lint.sh [--no-summary]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
ksrc=$(scripts/kernel-source.sh) || exit 1
kver=${KVER:-$(scripts/kver.sh)} || exit 1
kdir=${KDIR:-/lib/modules/$kver/build}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
n=0 failed=0

verdict() {	# verdict NAME LOGFILE: ok when the log is empty
	n=$((n + 1))
	if [ -s "$2" ]; then
		echo "not ok $n lint: $1"
		head -n 60 "$2" | sed 's/^/#   /'
		failed=$((failed + 1))
	else
		echo "ok $n lint: $1"
	fi
}

# The root Kconfig is overlay glue (it only sources the real ones) and never
# enters a kernel tree; checkpatch would flag its "source" lines. The series
# steps (scripts/series/*.diff) are diffs, not sources: check-patches.sh
# checks the patches made with them. The IB/core patch is checked below,
# as a patch.
corepatch=scripts/series/ib_core.patch
files=$(git ls-files -co --exclude-standard | grep -E \
	'^(drivers|tools|Documentation|scripts)/|(^|/)(Kconfig|Kbuild|Makefile|dkms\.conf)$' |
	grep -Ev '(^|/)(settings|config)$|^Kconfig$|^scripts/series/.*\.(diff|patch)$' |
	while read -r f; do
		[ -f "$f" ] && echo "$f"
	done)
cfiles=$(echo "$files" | grep -E '\.[ch]$')

echo "TAP version 13"
echo "1..6"

for f in $files; do
	perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--no-summary --show-types -f "$f" 2>&1
done > "$log/checkpatch"
verdict "checkpatch --strict ($(echo "$files" | wc -w) files)" "$log/checkpatch"

mods="CONFIG_INFINIBAND_SOFTIB=m CONFIG_IPOIB_VM_SELFTEST=m"
make -s -C "$kdir" M="$top" $mods clean > /dev/null 2>&1
make -C "$kdir" M="$top" $mods C=2 W=1 modules > "$log/build.out" 2>&1
brc=$?
grep -E 'warning:|error:|: sparse:|note:' "$log/build.out" > "$log/build"
[ $brc = 0 ] || { echo "build failed (exit $brc)"; tail -n 20 "$log/build.out"; } \
	>> "$log/build"
verdict "sparse C=2, W=1 build of every module" "$log/build"

for f in $cfiles; do
	perl "$ksrc/scripts/kernel-doc" -none -Wall "$f" 2>&1
done > "$log/kdoc"
verdict "kernel-doc -Wall ($(echo "$cfiles" | wc -w) C files)" "$log/kdoc"

python3 scripts/funclen.py 80 $cfiles > "$log/funclen" 2> "$log/funclen.sum"
verdict "no function over 80 lines $(sed 's/^# //' "$log/funclen.sum")" "$log/funclen"

# checkpatch takes a file git tracks for a source file (as with -f), so the
# patch goes in on stdin. With no commit message there is no sign-off to
# check; make-patches.sh adds both.
{
	perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types - < "$corepatch" 2>&1 | sed "s|^|$corepatch: |"
	out=$(patch -p1 -N -F0 --dry-run -d "$ksrc" < "$corepatch" 2>&1) ||
		echo "$corepatch: patch -p1 -N -F0 --dry-run fails on $ksrc:"$'\n'"$out"
} > "$log/corepatch"
verdict "$corepatch: checkpatch --strict as a patch, applies to the pristine source" \
	"$log/corepatch"

# The reference holds just the upstream drivers a clean-room check compares
# against (hard links into the cached source tree, made once).
cleanroom=$top/../shared/hooks/cleanroom.py
if [ -f "$cleanroom" ]; then
	ref=$ksrc.cleanroom-ref
	if [ ! -d "$ref" ]; then
		for d in drivers/infiniband/ulp/ipoib drivers/infiniband/hw/qib \
			 drivers/infiniband/sw drivers/net/netdevsim; do
			mkdir -p "$ref.tmp/$(dirname "$d")"
			cp -al "$ksrc/$d" "$ref.tmp/$d"
		done
		mv "$ref.tmp" "$ref"
	fi
	python3 "$cleanroom" "$ref" drivers tools > "$log/cleanroom" 2>&1
	verdict "clean room: no C file shares code with upstream" "$log/cleanroom"
else
	n=$((n + 1))
	echo "ok $n lint: clean room # SKIP ../shared/hooks/cleanroom.py not present"
fi

[ "${1:-}" = --no-summary ] || echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
