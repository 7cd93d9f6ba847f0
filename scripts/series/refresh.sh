#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Carry the stored steps of the patch series over to a changed driver.
#
# make-patches.sh splits IPoIB into several patches. The trees in between
# never existed in git, so it derives them from HEAD's driver by applying,
# in order, the "strip" steps stored next to this script
# (scripts/series/[0-9]-*.diff), each of which removes one concern from the
# tree before it: the umcast policy, then the admin surfaces (sysfs mode,
# ethtool, debugfs), then P_Key children. When the driver changes, a step
# may stop applying, and make-patches.sh fails and points here.
#
#   refresh.sh [OLD_REV]        rebase the steps onto HEAD's driver
#   refresh.sh --continue DIR   go on once the conflicts in DIR are resolved
#
# In a scratch repository, the driver the steps were made against is rebuilt
# (from the blobs named by the steps' "index" lines, which stay in the
# object store whatever happens to the commits; or from OLD_REV if given),
# the steps are committed on top of it, and those commits are cherry-picked
# onto HEAD's driver. Each step is thus a 3-way merge: a change to code
# that every tree shares flows down into every intermediate tree, while a
# change to code a step strips is a conflict for a human. On a conflict the
# scratch repository is kept: resolve it there as in any cherry-pick (edit
# so that the tree is the previous one minus that step's concern, then
# "git add"), and run --continue. A file that the step deletes and HEAD
# changed needs no human: it stays deleted. At the end the
# step files are rewritten from the new trees. Review them (git diff
# scripts/series), commit them, and run make check-patches: like
# make-patches.sh, this script reads the driver from HEAD, committed
# content only.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
sdir=$top/scripts/series
drv=drivers/infiniband/ulp/ipoib
zero=0000000000000000000000000000000000000000

die() {
	echo "refresh: $*" >&2
	exit 1
}

g() {
	git -C "$repo" -c user.name=series -c user.email=series@localhost \
		-c advice.mergeConflict=false "$@"
}

# Fill the scratch work tree with the driver the steps were made against.
old_driver() {	# old_driver [OLD_REV]
	local f blob

	if [ -n "${1:-}" ]; then
		git -C "$top" archive "$1" "$drv" | tar -x -C "$repo"
		return
	fi
	# Files no step touches are the same in every tree: take HEAD's. A
	# touched file's old version is the preimage of the first step that
	# touches it.
	git -C "$top" archive HEAD "$drv" | tar -x -C "$repo"
	awk '/^diff --git /	{ f = substr($3, 3) }
	     /^index /		{ split($2, h, "\\.\\.")
				  if (!(f in seen)) { seen[f] = 1; print f, h[1] } }' \
		"${steps[@]}" | while read -r f blob; do
		if [ "$blob" = "$zero" ]; then
			rm -f "$repo/$f"
			continue
		fi
		mkdir -p "$(dirname "$repo/$f")"
		git -C "$top" cat-file blob "$blob" > "$repo/$f" 2> /dev/null ||
			die "blob $blob ($f) is not in the repository;" \
			    "pass OLD_REV, the commit the steps were made against"
	done
}

# A file the step deletes and HEAD changed stays deleted: that tree has no
# such file, and HEAD's change arrives with the patch that adds it.
resolve_deleted() {
	local f

	for f in $(g status --porcelain | sed -n 's/^UD //p'); do
		g rm -q "$f"
		echo "refresh: $(basename "$f") changed in HEAD, deleted as $name says"
	done
}

pick() {	# pick K: cherry-pick step K onto the tree of step K-1
	local name

	name=$(basename "${steps[$((K - 1))]}")
	if g cherry-pick --allow-empty --keep-redundant-commits "old$K" \
		> "$repo/.git/series-pick.log" 2>&1; then
		g tag "new$K"
		return 0
	fi
	resolve_deleted
	if [ -z "$(g diff --name-only --diff-filter=U)" ]; then
		g commit -q --allow-empty --no-edit
		g tag "new$K"
		return 0
	fi
	echo "refresh: step $name conflicts with HEAD's driver:"
	grep -E '^(CONFLICT|error)' "$repo/.git/series-pick.log" | grep -v 'modify/delete' |
		sed 's/^/  /' || true
	cat <<EOF
Resolve it in $repo (git -C $repo diff shows the conflicts): edit
these files into the previous tree minus what $name strips, "git add"
them, then run
  $0 --continue $repo
EOF
	exit 1
}

write_steps() {
	local k name out

	for k in $(seq 1 "${#steps[@]}"); do
		name=$(basename "${steps[$((k - 1))]}")
		out=$sdir/$name
		g diff --no-renames --full-index "new$((k - 1))" "new$k" > "$out.new"
		if cmp -s "$out" "$out.new"; then
			rm "$out.new"
			echo "refresh: $name unchanged"
		else
			mv "$out.new" "$out"
			echo "refresh: $name rewritten"
		fi
	done
	echo "refresh: review 'git diff scripts/series', commit, run make check-patches"
}

mapfile -t steps < <(ls "$sdir"/[0-9]-*.diff)
[ ${#steps[@]} -gt 0 ] || die "no steps in $sdir"

if [ "${1:-}" = --continue ]; then
	repo=${2:?usage: refresh.sh --continue DIR}
	[ -d "$repo/.git" ] || die "$repo is not a refresh scratch repository"
	[ -z "$(g diff --name-only --diff-filter=U)" ] ||
		die "unresolved files left in $repo:" \
		    "$(g diff --name-only --diff-filter=U | tr '\n' ' ')"
	last=$(g tag -l 'new*' | sed 's/^new//' | sort -n | tail -n 1)
	[ ! -e "$repo/.git/CHERRY_PICK_HEAD" ] || g commit -q --allow-empty --no-edit
	K=$((last + 1))
	# The step in progress is done once HEAD moved past the last tag.
	if [ "$(g rev-parse HEAD)" != "$(g rev-parse "new$last")" ]; then
		g tag "new$K"
		K=$((K + 1))
	fi
else
	repo=$(mktemp -d "${TMPDIR:-/tmp}/series-refresh.XXXXXX")
	g init -q
	old_driver "${1:-}"
	g add -A
	g commit -q -m "the driver the steps were made against"
	g tag old0
	for k in $(seq 1 "${#steps[@]}"); do
		name=$(basename "${steps[$((k - 1))]}")
		g apply --index "${steps[$((k - 1))]}" ||
			die "$name does not apply to the driver it was made against" \
			    "(wrong OLD_REV?)"
		g commit -q --allow-empty -m "$name"
		g tag "old$k"
	done
	g checkout -q -b new old0
	g rm -q -r "$drv"
	git -C "$top" archive HEAD "$drv" | tar -x -C "$repo"
	g add -A
	g commit -q --allow-empty -m "HEAD's driver"
	g tag new0
	changed=$(g diff --name-only old0 new0 | xargs -r -n 1 basename | tr '\n' ' ')
	echo "refresh: driver files changed since the steps were made: ${changed:-none}"
	K=1
fi

while [ "$K" -le ${#steps[@]} ]; do
	pick
	K=$((K + 1))
done
write_steps
rm -rf "$repo"
