# SPDX-License-Identifier: GPL-2.0
#
# Sourced by check.sh and check-debug.sh: relay renumbers one stage's TAP
# into the global stream and counts verdicts in the caller's n, passed,
# failed and skipped.

relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"TAP version"*|1..*) ;;
		"ok "*"# SKIP"*)
			n=$((n + 1)); skipped=$((skipped + 1))
			echo "ok $n ${line#ok [0-9]* }" ;;
		"ok "*)
			n=$((n + 1)); passed=$((passed + 1))
			echo "ok $n ${line#ok [0-9]* }" ;;
		"not ok "*)
			n=$((n + 1)); failed=$((failed + 1))
			echo "not ok $n ${line#not ok [0-9]* }" ;;
		*[0-9]" passed, "[0-9]*" failed"*) ;;
		*) echo "$line" ;;
		esac
	done
}
