#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove the patch series (make-patches.sh): checkpatch --strict on every
# patch, git am onto a fresh checkout of the whole pristine Debian 6.12
# tree, and at every patch (bisectable), with Debian's config: an in-tree
# W=1 and sparse build of softib and IPoIB without a warning, and a
# MAINTAINERS entry for every file the patch adds. At the IB/core patch,
# ib_core is built with W=1 and sparse too, and may add no warning to those
# of the pristine ib_core; it must keep the symbol versions of Debian's
# ib_core (scripts/ib-core-symvers.sh), and the IPoIB builds after it use
# its new export. Prints TAP.
#
# The pristine tree's git repository is made once and cached next to the
# extracted source; each run checks out a fresh work tree from it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-source.sh") || exit 1
kver=${KVER:-$("$top/scripts/kver.sh")}
pristine=$ksrc.git
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)
n=0 failed=0

tap() {	# tap STATUS DESC [LOG]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n patches: $2"
	else
		echo "not ok $n patches: $2"
		[ -z "${3:-}" ] || tail -n 30 "$3" | sed 's/^/#   /'
		failed=1
	fi
}

echo "TAP version 13"
"$top/scripts/make-patches.sh" "$work/series" > "$work/log" 2>&1
tap $? "make-patches: the series is generated" "$work/log"
[ $failed = 0 ] || { echo "1..$n"; exit 1; }
series=$(ls "$work"/series/00*.patch | grep -v 0000-cover)

# Patch 2 deletes upstream IPoIB, whose comments hold a non-lore URL;
# checkpatch flags it although the line is being removed. It also asks
# whether MAINTAINERS needs updating whenever a patch adds a file without
# touching it; the bisect loop below checks that instead, and exactly:
# every added file is covered by an F: line when its patch lands.
for p in $series; do
	perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore PREFER_LORE_ARCHIVE,FILE_PATH_CHANGES "$p"
done > "$work/log" 2>&1
[ ! -s "$work/log" ]
tap $? "checkpatch --strict is clean on every patch" "$work/log"

# Checkouts that share the cache may run this at once: one makes the
# repository, the others wait for it.
exec 9> "$pristine.lock"
flock 9
if [ ! -e "$pristine/.complete" ]; then
	rm -rf "$pristine"
	git init -q --bare "$pristine"
	git --git-dir="$pristine" --work-tree="$ksrc" add -f -A .
	git --git-dir="$pristine" --work-tree="$ksrc" -c user.name=pristine \
		-c user.email=pristine@localhost commit -q -m "Debian linux-source-6.12"
	touch "$pristine/.complete"
fi
exec 9>&-
tree=$work/linux
applied=1
git clone -q --shared "$pristine" "$tree" > "$work/log" 2>&1 &&
git -C "$tree" -c user.name=check -c user.email=check@localhost am -q $series \
	>> "$work/log" 2>&1 && applied=0
tap $applied "git am applies the series to a fresh pristine tree" "$work/log"
[ $applied = 0 ] || {
	echo "not ok $((n + 1)) patches: build (series not applied)"
	echo "not ok $((n + 2)) patches: MAINTAINERS (series not applied)"
	echo "1..$((n + 2))"
	exit 1
}

cp "/boot/config-$kver" "$tree/.config"
"$tree/scripts/config" --file "$tree/.config" --module INFINIBAND_SOFTIB \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
localver=${kver#"$(make -s -C "$tree" kernelversion)"}
mk() { make -s -C "$tree" -j"$jobs" LOCALVERSION="$localver" "$@"; }
{ mk olddefconfig && mk modules_prepare; } > "$work/log" 2>&1
cp "/usr/src/linux-headers-$kver/Module.symvers" "$tree/"
head=$(git -C "$tree" rev-parse HEAD)
total=$(echo "$series" | wc -w)

# Files added by patch REV that no F: line of MAINTAINERS covers after it.
unmaintained() {	# unmaintained REV
	local f

	git -C "$tree" show "$1:MAINTAINERS" > "$work/MAINTAINERS"
	for f in $(git -C "$tree" diff --name-only --diff-filter=A "$1~1" "$1"); do
		awk -v f="$f" '/^F:\t/ && index(f, $2) == 1 { ok = 1; exit }
			       END { exit !ok }' "$work/MAINTAINERS" ||
			echo "$f"
	done
}

# W=1 and sparse (C=1: what the patch made kbuild recompile) for our code
# only: before patch 2, ulp/ipoib is upstream's driver.
build() {	# build DIR [VAR=VALUE...]: in-tree build, no warning allowed
	local dir=$1 w="W=1 C=1" rc

	shift
	[ ! -e "$tree/$dir/ipoib_main.c" ] || w=
	mk M="$dir" $w "$@" modules > "$work/build" 2>&1
	rc=$?
	cat "$work/build" >> "$work/log"
	[ $rc = 0 ] && ! grep -qE 'warning:|error:' "$work/build"
}

# ib_core, unlike our code, is upstream's: its pristine files have W=1 and
# sparse warnings of their own, which are not the series' to fix. So the
# IB/core patch is held to "no new warning": its build is compared with
# that of the same files just before it, line numbers left out (a warning
# moves when the patch adds lines above it). Only ib_core.ko is built: the
# other modules of drivers/infiniband/core gain nothing but a declaration
# in a header they include, and Debian's builds of them stay in use.
core=drivers/infiniband/core
build_core() {	# build_core OUT: ib_core.ko, W=1 C=1; its warnings to OUT
	local rc

	mk M=$core W=1 C=1 ib_core.ko > "$work/build" 2>&1
	rc=$?
	cat "$work/build" >> "$work/log"
	grep -E 'warning:|error:' "$work/build" |
		sed -E 's/^([^:]*):[0-9]+(:[0-9]+)?:/\1:/' | sort -u > "$1"
	return $rc
}

# At the IB/core patch, checked out, its parent's warnings in $work/before.
check_core() {
	build_core "$work/after" || return 1
	comm -13 "$work/before" "$work/after" > "$work/new"
	if [ -s "$work/new" ]; then
		{ echo "warnings the IB/core patch adds:"; cat "$work/new"; } >> "$work/log"
		return 1
	fi
	core_new=$(KVER=$kver "$top/scripts/ib-core-symvers.sh" "$tree" 2>> "$work/log")
}

built=0 core_patch='' core_new=''
for i in $(seq "$((total - 1))" -1 0); do
	rev=$head~$i
	if [ -n "$(git -C "$tree" diff --name-only "$rev~1" "$rev" -- $core)" ]; then
		core_patch=$((total - i))
		build_core "$work/before" || break
	fi
	git -C "$tree" checkout -q "$rev" >> "$work/log" 2>&1 || break
	if [ "$core_patch" = $((total - i)) ] && ! check_core; then
		echo "ib_core failed or warned at patch $core_patch" >> "$work/log"
		core_new=
		break
	fi
	build drivers/infiniband/sw/softib CONFIG_INFINIBAND_SOFTIB=m &&
	build drivers/infiniband/ulp/ipoib || {
		echo "build failed or warned at patch $((total - i))" >> "$work/log"
		break
	}
	built=$((built + 1))
done
[ $built = "$total" ]
tap $? "softib and IPoIB build in-tree, W=1 C=1, no warning, at all $total patches ($built built)" \
	"$work/log"
# IPoIB of the last patch needs what the IB/core patch exports.
uses=$(nm -u "$tree/drivers/infiniband/ulp/ipoib/ib_ipoib.ko" 2> /dev/null |
       awk '{ print $2 }' | grep -xF "${core_new:-^}")
[ -n "$core_new" ] && [ -n "$uses" ]
tap $? "IB/core (patch ${core_patch:-none}): ib_core W=1 C=1 adds no warning,\
 keeps Debian's symbol versions; IPoIB uses $(echo ${uses:-its new export})" "$work/log"
for i in $(seq "$((total - 1))" -1 0); do
	unmaintained "$head~$i"
done > "$work/log" 2>&1
[ ! -s "$work/log" ]
tap $? "every added file has a MAINTAINERS entry when its patch lands" "$work/log"
echo "1..$n"
exit $failed
