#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": boot the VM once and measure, interleaved, a veth pair (the
# software limit), Debian's stock ib_ipoib and ours (when built), both on
# softib. Writes results.md, results.png, raw.tsv, summary.tsv, host.txt,
# run.log and plot/ to bench/results/ and prints the table. The method is
# in Documentation/infiniband/ipoib-bench.rst.
#
# Environment: BENCH_REPS (5), BENCH_TIME (3 s per iperf3 run), BENCH_PINGS
# (200), BENCH_MCAST (100000 datagrams per umcast stream), BENCH_OUT
# (bench/results), BENCH_PROFILE=1 (profile mode: perf and kprobe traces
# in the VM, reports in run.log; its figures are perturbed). A measurement
# that fails shows as "n/a"; the exit status is non-zero only when the
# harness itself is broken.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bdir=$top/tools/testing/vm/bench
rel=tools/testing/vm/bench
reps=${BENCH_REPS:-5}
out=${BENCH_OUT:-$top/bench/results}

die() { echo "bench: $*" >&2; exit 1; }

"$top/scripts/install-deps.sh" || die "installing dependencies failed"
command -v gnuplot > /dev/null || die "gnuplot missing"
mkdir -p "$out" || die "cannot create $out"

# The helper programs the VM runs: the umcast selftest's two.
umc=$top/tools/testing/selftests/ipoib_umcast
if [ ! -x "$umc/mcast_sock" ] || [ ! -x "$umc/umcast_rdma" ]; then
	"$top/scripts/build-selftests.sh" || die "cannot build the selftest programs"
fi

# Parameters reach the VM as a file next to the tests (the VM gets tools/).
params=$bdir/params.sh
trap 'rm -f "$params"' EXIT
{
	echo "# generated for one run of make bench"
	for v in BENCH_TIME BENCH_PINGS BENCH_MCAST BENCH_MCAST_RATE BENCH_JOIN_RATE; do
		if [ -n "${!v:-}" ]; then
			printf '%s=%q\n' "$v" "${!v}"
		fi
	done
} > "$params" || die "cannot write $params"

# Profile mode: the host's perf with its libraries goes to /extra in the VM.
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	command -v perf > /dev/null || die "profile mode needs perf (linux-perf)"
	extra=$(mktemp -d) || die "no temporary directory"
	trap 'rm -f "$params"; rm -rf "$extra"' EXIT
	mkdir -p "$extra/lib" && cp "$(command -v perf)" "$extra/perf" &&
		ldd "$extra/perf" | grep -o '/[^ ]*' | xargs cp -L -t "$extra/lib" ||
		die "cannot stage perf for the VM"
	rm -f "$extra"/lib/{libc,libm,ld-linux-x86-64}.so*
	echo "BENCH_PROFILE=1" >> "$params"
	export VM_EXTRA=$extra
fi

impls=(veth stock)
if [ -n "$(find "$top/drivers" -name ib_ipoib.ko 2>/dev/null | head -n 1)" ]; then
	impls+=(ours)
else
	echo "bench: our ib_ipoib is not built; its column will read n/a" >&2
fi
tests=()
for ((r = 1; r <= reps; r++)); do
	for i in "${impls[@]}"; do
		tests+=("$rel/$i.sh")
	done
done

log=$out/run.log
echo "bench: ${#tests[@]} runs (${impls[*]}, $reps each) in the VM; log: $log" >&2
# The host's own load skews TCG numbers: note it next to the results.
others=$(pgrep -c qemu-system) || others=0
load0=$(cut -d' ' -f1-3 /proc/loadavg)
start=$SECONDS
V=1 "$top/tools/testing/vm/run.sh" "${tests[@]}" > "$log" 2>&1
rc=$?
printf 'host: %s CPUs; load average %s at the start, %s at the end; %s\n' \
	"$(nproc)" "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$others other QEMU VM(s) running at the start" > "$out/host.txt"
echo "bench: VM part took $((SECONDS - start)) s (run.sh exit $rc)" >&2
grep -q '^TAP version 13' "$log" || { tail -n 20 "$log" >&2; die "the VM runner failed"; }
grep -E '^(not )?ok ' "$log" >&2

python3 "$bdir/report.py" "$log" "$out" || die "no results; see $log"
(cd "$out/plot" && gnuplot plot.gp) || echo "bench: gnuplot failed; no results.png" >&2
echo
cat "$out/results.md"
echo
echo "bench: results in $out: results.md, results.png, raw.tsv, summary.tsv, run.log"
