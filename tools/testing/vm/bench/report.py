#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Aggregate the BENCH lines of a "make bench" run.

    report.py RUN_LOG OUTDIR

Reads the VM's output (scripts/bench.sh runs tools/testing/vm/run.sh with
V=1), and writes to OUTDIR: raw.tsv (every value), summary.tsv (median,
min, max and count per implementation and metric), results.md (the
tables) and, in plot/, plot.gp and one data file per panel for gnuplot
(run it in plot/ to write results.png). Every
median is over the repetitions that produced a number; a metric without
any is "n/a". Exit status 0, or 1 when the log holds no BENCH line at all
(the harness is broken, not a measurement).
"""
import os
import re
import statistics
import sys
import time

IMPLS = ["veth", "stock", "ours"]

# metric, label, higher is better
MAIN = [
    ("tcp4", "TCP throughput, 4 streams", True),
    ("tcp1", "TCP throughput, 1 stream", True),
    ("udp64", "UDP 64-byte packet rate (received)", True),
    ("rtt_p50", "ping RTT, median", False),
    ("rtt_p99", "ping RTT, p99", False),
    ("join", "multicast join to first packet", False),
]

UMCAST = [
    ("rx_pkts", "IPoIB rx packets on host A"),
    ("softirq_ms", "softirq CPU, whole VM (ms)"),
    ("sys_ms", "system CPU, whole VM (ms)"),
    ("netrx", "NET_RX softirqs"),
    ("user_rx", "received by the rdma_cm member"),
    ("sock_rx", "received by the kernel socket"),
    ("send_s", "stream duration (s)"),
    ("ipoib_attached", "IPoIB QP attached (softib)"),
]

CPU = [("tcp4_cpu", "TCP x4"), ("udp64_cpu", "UDP 64 B")]
CPU_PARTS = ["user", "sys", "softirq", "idle", "kworker", "ksoftirqd"]

LINE = re.compile(r"BENCH impl=(\S+) metric=(\S+) rep=(\S+) value=(\S+) unit=(\S+)")
INFO = re.compile(r"BENCH_INFO impl=(\S+) key=(\S+) value=(.*)$")
TAP = re.compile(r"^(not ok|ok) \d+ (\S+)(?: # (.*))?$")


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 100 or v == int(v):
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


class Stats:
    def __init__(self, values, unit):
        self.unit = unit
        self.n_all = len(values)
        self.vals = [v for v in values if v is not None]
        ok = bool(self.vals)
        self.med = statistics.median(self.vals) if ok else None
        self.lo = min(self.vals) if ok else None
        self.hi = max(self.vals) if ok else None

    def cell(self):
        if self.med is None:
            return "n/a"
        s = "%s (%s–%s)" % (fmt(self.med), fmt(self.lo), fmt(self.hi))
        if len(self.vals) < self.n_all:
            s += " [%d/%d ok]" % (len(self.vals), self.n_all)
        return s


def parse(log):
    data, units, info, notes, runs = {}, {}, {}, [], {}
    current = None
    with open(log, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = LINE.search(line)
            if m:
                impl, metric, rep, value, unit = m.groups()
                # The pass: how many runs of IMPL ended before this line
                # (the guest's rep restarts when the VM boots again).
                rep = runs.get(impl, [0])[0] + 1
                data.setdefault((impl, metric), []).append((rep, num(value)))
                if unit != "-" or metric not in units:
                    units[metric] = unit
                continue
            m = INFO.search(line)
            if m:
                info.setdefault(m.group(1), {}).setdefault(m.group(2), m.group(3))
                continue
            m = TAP.match(line)
            if m:
                impl = os.path.basename(m.group(2)).removesuffix(".sh")
                runs.setdefault(impl, [0, 0])
                runs[impl][0] += 1
                if m.group(1) == "not ok":
                    runs[impl][1] += 1
                    notes.append("%s: a run failed: %s" % (impl, m.group(3)))
                elif m.group(3) and "SKIP" in m.group(3):
                    notes.append("%s: skipped (%s)" % (impl, m.group(3)))
                current = None
            elif line.startswith("#   # bench:"):
                notes.append(line[len("#   # bench: "):])
    del current
    return data, units, info, notes, runs


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(metric, higher, st):
    """The issue's targets, as figures: met / not met / n/a."""
    v, s, o = (st[i].med for i in ("veth", "stock", "ours"))
    if metric in ("tcp4", "tcp1", "udp64"):
        rs, rv = ratio(o, s), ratio(o, v)
        if rs is None or rv is None:
            return "≥1.2× stock, ≥0.7× veth: n/a"
        ok = rs >= 1.2 and rv >= 0.7
        return "≥1.2× stock, ≥0.7× veth: %s" % ("met" if ok else "not met")
    if metric == "join":
        if o is None or s is None:
            return "≤ stock: n/a"
        return "≤ stock: %s" % ("met" if o <= s else "not met")
    return ""


def write_panel(outdir, name, rows):
    """One panel's data; returns its file name and a y range maximum
    that keeps the bars readable (whiskers clipped at 3x the largest
    median)."""
    meds = [s.med for _, s in rows if s.med is not None]
    his = [s.hi for _, s in rows if s.hi is not None]
    ymax = "*"
    if meds and his and max(meds) > 0 and max(his) > 3 * max(meds):
        ymax = "%g" % (3 * max(meds))
    os.makedirs(os.path.join(outdir, "plot"), exist_ok=True)
    path = os.path.join(outdir, "plot", "%s.dat" % name)
    with open(path, "w") as f:
        for label, s in rows:
            if s.med is None:
                f.write('"%s" NaN NaN NaN\n' % label)
            else:
                f.write('"%s" %g %g %g\n' % (label, s.med, s.lo, s.hi))
    return os.path.basename(path), ymax


def plot_script(outdir, panels):
    lines = [
        "# generated by the bench report generator",
        "set terminal pngcairo size 1500,900 font ',10'",
        "set output '../results.png'",
        "set datafile missing 'NaN'",
        "set style fill solid 0.6 border -1",
        "set boxwidth 0.6",
        "set grid ytics",
        "unset key",
        "set multiplot layout 2,4 title 'IPoIB bench: median, whiskers min-max "
        "(QEMU TCG, 2 vCPU; clipped: y axis cut at 3x the largest median)'",
    ]
    for (f, ymax), title, unit in panels:
        if ymax != "*":
            title += " (clipped)"
        lines += [
            "set yrange [0:%s]" % ymax,
            "set title '%s'" % title,
            "set ylabel '%s'" % unit,
            "plot '%s' using 0:2:xtic(1) with boxes lc rgb '#4477aa', "
            "'' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0" % f,
        ]
    lines.append("unset multiplot")
    with open(os.path.join(outdir, "plot", "plot.gp"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    log, outdir = sys.argv[1], sys.argv[2]
    data, units, info, notes, runs = parse(log)
    if not data:
        print("report.py: no BENCH line in %s" % log, file=sys.stderr)
        return 1
    with open(os.path.join(outdir, "raw.tsv"), "w") as f:
        f.write("impl\tmetric\trep\tvalue\tunit\n")
        for (impl, metric), vals in sorted(data.items()):
            for rep, v in vals:
                f.write("%s\t%s\t%s\t%s\t%s\n" % (impl, metric, rep,
                                                  "n/a" if v is None else v,
                                                  units[metric]))

    def stats(impl, metric):
        return Stats([v for _, v in data.get((impl, metric), [])],
                     units.get(metric, "-"))

    with open(os.path.join(outdir, "summary.tsv"), "w") as f:
        f.write("impl\tmetric\tmedian\tmin\tmax\tn\tunit\n")
        for impl, metric in sorted(data):
            s = stats(impl, metric)
            f.write("%s\t%s\t%s\t%s\t%s\t%d\t%s\n" % (
                impl, metric, fmt(s.med), fmt(s.lo), fmt(s.hi), len(s.vals),
                s.unit))

    reps = max((len(v) for v in data.values()), default=0)
    out = []
    out.append("# IPoIB benchmark results")
    out.append("")
    out.append("%s; %d repetitions per implementation (interleaved); "
               "median (min–max). QEMU TCG, %s vCPU, kernel %s: absolute "
               "numbers are emulation-bound, the ratios are what matters. "
               "Method: Documentation/infiniband/ipoib-bench.rst." % (
                   time.strftime("%Y-%m-%d %H:%M UTC",
                                 time.gmtime(os.path.getmtime(log))), reps,
                   info.get("veth", info.get("stock", {})).get("cpus", "?"),
                   info.get("veth", info.get("stock", {})).get("kernel", "?")))
    out.append("")
    out.append("| metric | unit | veth | stock ib_ipoib | our ib_ipoib "
               "| ours/stock | ours/veth | target |")
    out.append("|---|---|---|---|---|---|---|---|")
    panels = []
    for metric, label, higher in MAIN:
        st = {i: stats(i, metric) for i in IMPLS}
        unit = units.get(metric, "-")
        o = st["ours"].med
        out.append("| %s (%s) | %s | %s | %s | %s | %s | %s | %s |" % (
            label, "higher is better" if higher else "lower is better", unit,
            st["veth"].cell(), st["stock"].cell(), st["ours"].cell(),
            fmt(ratio(o, st["stock"].med)), fmt(ratio(o, st["veth"].med)),
            verdict(metric, higher, st)))
        panels.append((write_panel(outdir, metric,
                                   [(i, st[i]) for i in IMPLS]),
                       label, unit))

    out.append("")
    out.append("Paired ratios: the same ratios taken within each pass (the "
               "three implementations run back to back), median (min–max); "
               "less sensitive to the host's load drifting during the run.")
    out.append("")
    out.append("| metric | ours/stock | ours/veth | stock/veth |")
    out.append("|---|---|---|---|")
    for metric, label, higher in MAIN:
        byrep = {i: dict(data.get((i, metric), [])) for i in IMPLS}
        cells = []
        for a, b in (("ours", "stock"), ("ours", "veth"), ("stock", "veth")):
            rs = [ratio(byrep[a][r], byrep[b].get(r)) for r in byrep[a]]
            cells.append(Stats(rs, "").cell())
        out.append("| %s | %s |" % (label, " | ".join(cells)))

    out.append("")
    out.append("## umcast: a userspace-held group on host A")
    out.append("")
    out.append("An rdma_cm member (umcast_rdma) and a kernel socket on host A "
               "hold one group; host B streams datagrams to it. With "
               "umcast=1 IPoIB should not attach, so its receive counters "
               "stay at zero (target) and the softirq time falls.")
    out.append("")
    out.append("| | stock, umcast=0 | stock, umcast=1 | ours, umcast=0 "
               "| ours, umcast=1 |")
    out.append("|---|---|---|---|---|")
    for metric, label in UMCAST:
        cells = [stats(i, "umcast%d_%s" % (u, metric)).cell()
                 for i in ("stock", "ours") for u in (0, 1)]
        out.append("| %s | %s |" % (label, " | ".join(cells)))
    sav = []
    for i in ("stock", "ours"):
        a = stats(i, "umcast0_softirq_ms").med
        b = stats(i, "umcast1_softirq_ms").med
        r = stats(i, "umcast1_rx_pkts").med
        sav.append("%s: softirq umcast=1/umcast=0 = %s, IPoIB rx packets "
                   "with umcast=1 = %s (target 0: %s)" % (
                       i, fmt(ratio(b, a)), fmt(r),
                       "n/a" if r is None else ("met" if r == 0 else "not met")))
    out.append("")
    out += ["- " + s for s in sav]
    umc = []
    for i in ("stock", "ours"):
        for u in (0, 1):
            umc.append(("%s:%d" % (i, u),
                        stats(i, "umcast%d_rx_pkts" % u)))
    panels.append((write_panel(outdir, "umcast_rx", umc),
                   "umcast (impl:flag): IPoIB rx packets", "packets"))
    umc = []
    for i in ("stock", "ours"):
        for u in (0, 1):
            umc.append(("%s:%d" % (i, u),
                        stats(i, "umcast%d_softirq_ms" % u)))
    panels.append((write_panel(outdir, "umcast_softirq", umc),
                   "umcast (impl:flag): softirq CPU", "ms"))

    out.append("")
    out.append("## Where the CPU goes")
    out.append("")
    out.append("Share of all vCPU time during the run, median; user, sys, "
               "softirq and idle from /proc/stat, the last two columns from "
               "per-thread times (sys or softirq ticks that hit while such a "
               "thread ran). Everything is tick-sampled. softib delivers "
               "packets from a workqueue, so the kworker column is softib's "
               "delivery plus the IPoIB completion/NAPI work and IP receive "
               "processing it triggers inline; on veth it is near 0. The "
               "rest of sys is the applications' syscalls and the transmit "
               "path down to IPoIB's xmit.")
    out.append("")
    out.append("| run | impl | user % | sys % | softirq % | idle % "
               "| in kworker threads % | in ksoftirqd % |")
    out.append("|---|---|---|---|---|---|---|---|")
    for prefix, label in CPU:
        for i in IMPLS:
            cells = [fmt(stats(i, "%s_%s" % (prefix, p)).med)
                     for p in CPU_PARTS]
            if all(c == "n/a" for c in cells):
                continue
            out.append("| %s | %s | %s |" % (label, i, " | ".join(cells)))
    drops = []
    for i in ("stock", "ours"):
        for m in ("tcp4", "tcp1"):
            s = stats(i, m + "_softib_rx_drops")
            if s.med is not None:
                drops.append("%s %s: %s" % (i, m, fmt(s.med)))
    if drops:
        out.append("")
        out.append("softib receive drops (no receive buffer posted), median "
                   "per run: " + ", ".join(drops) + ".")

    out.append("")
    out.append("## Environment")
    out.append("")
    keys = ["if_a", "mtu", "mode", "tcp-segmentation-offload",
            "generic-receive-offload", "rx-checksumming", "tx-checksumming",
            "scatter-gather"]
    out.append("| | " + " | ".join(keys) + " |")
    out.append("|---" * (len(keys) + 1) + "|")
    for i in IMPLS:
        if i in info:
            out.append("| %s | %s |" % (i, " | ".join(
                info[i].get(k, "n/a") for k in keys)))
    runs_txt = ", ".join("%s %d (%d failed)" % (i, runs[i][0], runs[i][1])
                         for i in IMPLS if i in runs)
    out.append("")
    out.append("VM test runs: %s." % (runs_txt or "none"))
    cal = ", ".join("%s %s" % (i, stats(i, "calib_ms").cell())
                    for i in IMPLS if (i, "calib_ms") in data)
    if cal:
        out.append("")
        out.append("VM speed: a fixed CPU-bound loop at the start of each run "
                   "took (ms) " + cal + "; a wide range means the host's "
                   "load changed during the run.")
    host = os.path.join(outdir, "host.txt")
    if os.path.exists(host):
        with open(host) as f:
            out.append("")
            out.append("Host: " + f.read().strip().removeprefix("host: ") +
                       " (a busy host widens the min–max ranges).")
    if "ours" not in runs:
        notes.insert(0, "ours: our ib_ipoib is not built, so its column "
                     "reads n/a")
    if notes:
        out.append("")
        out.append("Notes from the runs:")
        out.append("")
        seen = set()
        for n in notes:
            if n not in seen:
                seen.add(n)
                out.append("- " + n)
    text = "\n".join(out) + "\n"
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(text)
    plot_script(outdir, panels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
