#!/usr/bin/env python3
"""Turns a cross-process benchmark run (the folder run.sh wrote) into
bench/results/crossproc-h100.{json,md} and a latency-CDF PNG, with the issue's verdict: Reef RT
p99 <= 1.10 x RT-alone p99 (the two RT-alone rows pooled) with BE throughput >= 85 % of the
no-Reef time-sliced run; the same for Reef under MPS against MPS, reported alongside; the
cross-process signal latency (BE process: another process's RT command -> BE release stopped);
and the `reefctl status` snapshot taken during each Reef row.

  python3 Scripts/gpu/crossproc/report.py RUN_DIR [--out-dir bench/results] [--name crossproc-h100]
"""
import argparse
import glob
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "Scripts", "gpu", "inprocess"))
from Scripts.bench import charts  # noqa: E402
from report import be_identity, cdf_points, merge_counts, percentile  # noqa: E402  (the in-process report's helpers)

ROWS = [("rt_alone", "RT alone"), ("timesliced", "no Reef, time-sliced"), ("mps", "no Reef, MPS"),
        ("reef", "Reef"), ("reef_mps", "Reef + MPS"), ("reef_gate", "Reef, release gate, larger window"),
        ("reef_gate_mps", "Reef + MPS, release gate, larger window"),
        ("reef_gate_predict", "Reef, release gate, larger window, RT arrivals predicted"),
        ("floor", "floor: a BE process with one small kernel per 100 ms, time-sliced"),
        ("floor_mps", "floor: a BE process with one small kernel per 100 ms, MPS"),
        ("timesliced_nd", "no Reef, time-sliced, BE without deterministic algorithms"),
        ("reef_nd", "Reef, BE without deterministic algorithms"),
        ("mps_nd", "no Reef, MPS, BE without deterministic algorithms"),
        ("timesliced_nocheck", "no Reef, time-sliced, BE without its per-iteration output check"),
        ("reef_nocheck", "Reef, BE without its per-iteration output check"),
        ("mps_nocheck", "no Reef, MPS, BE without its per-iteration output check"),
        ("reef_mps_nocheck", "Reef + MPS, BE without its per-iteration output check"),
        ("reef_nocheck_noprewarm", "Reef without REEF_RT_PREWARM, BE without its per-iteration output check"),
        ("reef_nc_w1", "Reef, BE window 1 (no output check)"),
        ("reef_nc_gate", "Reef, release gates, window 8 (no output check)"),
        ("reef_nc_nudge", "Reef, BE process nudges after every foreign RT busy period (no output check)"),
        ("reef_nc_rtreset", "Reef, RT client's private-context kernel every 10th request (no output check)"),
        ("reef_mps_nc_w1", "Reef + MPS, BE window 1 (no output check)"),
        ("reef_mps_nc_gate", "Reef + MPS, release gates, window 8 (no output check)"),
        ("reef_mps_nc_nudge", "Reef + MPS, BE process nudges after every foreign RT busy period (no output check)"),
        ("reef_mps_nc_rtreset", "Reef + MPS, RT client's private-context kernel every 10th request (no output check)"),
        ("rt_alone_mps", "RT alone under MPS"),
        ("reef_nc_prewarm_ev", "Reef, RT client records an event 300 us before each request (no output check)"),
        ("reef_nc_prewarm_k", "Reef, RT client runs an empty kernel 300 us before each request (no output check)"),
        ("reef_mps_nc_prewarm_k", "Reef + MPS, RT client runs an empty kernel 300 us before each request (no output check)"),
        ("reef_nc_small", "Reef, BE = gemm_small (6 MB footprint, no output check)"),
        ("floor_mps_idle", "floor: an MPS client attached, idle after its warm-up (no GPU work)"),
        ("mps_be_outside", "no Reef, RT under MPS, BE process outside MPS (ordinary context)"),
        ("reef_mps_be_outside", "Reef, RT under MPS, BE process outside MPS (ordinary context)"),
        ("rt_alone_end", "RT alone (again, at the end)")]
P99_LIMIT, BE_LIMIT = 1.10, 0.85


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def row_data(run_dir, name):
    rt = load(os.path.join(run_dir, "rows", name + ".rt.json"))
    if not rt:
        return None
    be = load(os.path.join(run_dir, "rows", name + ".be.json"))
    out = {"rt_p50_ms": rt.get("rt_p50_ms"), "rt_p99_ms": rt.get("rt_p99_ms"), "rt_max_ms": rt.get("rt_max_ms"),
           "rt_mismatches": rt.get("rt_mismatches"), "rt_latency_ms": rt.get("rt_latency_ms") or [],
           "rt_gpu_ms": rt.get("rt_gpu_ms") or [],
           "rt_output_sha256": rt.get("rt_output_sha256"), "gpu_clocks": rt.get("gpu_clocks"),
           "rt_gpu_p50_ms": rt.get("rt_gpu_p50_ms"), "rt_gpu_p99_ms": rt.get("rt_gpu_p99_ms")}
    if be and rt.get("rt_window_ns"):
        start, end = rt["rt_window_ns"]
        n = sum(1 for t in be["completions_ns"] if start <= t <= end)
        out.update(be_its=n / ((end - start) / 1e9), be_iterations=n, be_mismatches=be.get("mismatches"),
                   be_output_sha256=be.get("output_sha256"), be_output_hashes=be.get("output_hashes"),
                   be_model=be.get("model"), preloaded=name.startswith("reef"))
    stopped = []
    for sp in glob.glob(os.path.join(run_dir, "rows", name + ".be-stats.*.json")):
        s = (load(sp) or {}).get("scheduling") or {}
        out["be_preemptions"] = s.get("preemptions")
        if s.get("dispatcher_ms"):
            out["be_dispatcher_ms"] = s["dispatcher_ms"]
        stopped += (s.get("preemption_latency") or {}).get("stopped_us", [])
    if stopped:
        out["signal_stopped_us"] = stopped
        out["signal_us"] = signal_summary(stopped)
    status = os.path.join(run_dir, "rows", name + ".status.txt")
    if os.path.exists(status):
        with open(status) as f:
            out["reefctl_status"] = f.read()
    return out


def signal_summary(stopped):
    return {"n": len(stopped), "p50": percentile(stopped, 50), "p99": percentile(stopped, 99), "max": max(stopped)}


def pooled_row(run_dir, name):
    """A row and its repeats (run.sh CROSSPROC_REPEAT: copies named <row>~2, ...) as one: RT
    latencies, device times and signal samples pooled, BE rates averaged (each kept), counts summed."""
    names = [name] + sorted(os.path.basename(p)[:-len(".rt.json")]
                            for p in glob.glob(os.path.join(run_dir, "rows", glob.escape(name) + "~*.rt.json")))
    parts = [d for n in names if (d := row_data(run_dir, n))]
    if len(parts) <= 1:
        return parts[0] if parts else None
    row = dict(parts[0], repeats=len(parts))
    for key in ("rt_latency_ms", "rt_gpu_ms", "signal_stopped_us"):
        row[key] = [v for p in parts for v in p.get(key) or []]
    lat, gpu = row["rt_latency_ms"], row["rt_gpu_ms"]
    if lat:
        row.update(rt_p50_ms=percentile(lat, 50), rt_p99_ms=percentile(lat, 99), rt_max_ms=max(lat))
    if gpu:
        row.update(rt_gpu_p50_ms=percentile(gpu, 50), rt_gpu_p99_ms=percentile(gpu, 99))
    if row["signal_stopped_us"]:
        row["signal_us"] = signal_summary(row["signal_stopped_us"])
    its = [p["be_its"] for p in parts if p.get("be_its")]
    if its:
        row.update(be_its=sum(its) / len(its), be_its_each=its)
    for key in ("rt_mismatches", "be_mismatches", "be_iterations", "be_preemptions"):
        if any(p.get(key) is not None for p in parts):
            row[key] = sum(p.get(key) or 0 for p in parts)
    row["be_output_hashes"] = merge_counts(p.get("be_output_hashes") for p in parts)
    return row


def summarize(run_dir):
    rows = {n: d for n, _ in ROWS if (d := pooled_row(run_dir, n))}
    pooled = [v for n in ("rt_alone", "rt_alone_end") for v in (rows.get(n) or {}).get("rt_latency_ms", [])]
    base = percentile(pooled, 99) if pooled else None
    for d in rows.values():
        d["rt_p99_vs_alone"] = d["rt_p99_ms"] / base if base and d.get("rt_p99_ms") else None

    def verdict(reef, plain):
        r, p = rows.get(reef), rows.get(plain)
        if not r or not p or not base or not p.get("be_its"):
            return {"pass": None, "why": "row missing"}
        be = (r.get("be_its") or 0) / p["be_its"]
        return {"rt_p99_ratio": r["rt_p99_vs_alone"], "be_throughput_ratio": be,
                "pass": bool(r["rt_p99_vs_alone"] <= P99_LIMIT and be >= BE_LIMIT)}

    return {"rows": rows, "rt_alone_pooled_p99_ms": base, "be_identity": be_identity(rows),
            "verdicts": {"reef": verdict("reef", "timesliced"), "reef_mps": verdict("reef_mps", "mps"),
                         "reef_gate": verdict("reef_gate", "timesliced"), "reef_gate_mps": verdict("reef_gate_mps", "mps"),
                         "reef_gate_predict": verdict("reef_gate_predict", "timesliced"),
                         "reef_nocheck": verdict("reef_nocheck", "timesliced_nocheck"),
                         "reef_mps_nocheck": verdict("reef_mps_nocheck", "mps_nocheck")}}


def fmt(v, spec="%.3f"):
    return "—" if v is None else spec % v


def markdown(summary, env, command):
    lines = ["# Cross-process RT/BE scheduling on one GPU (issue 4)", "",
             "- command: `%s`" % command, "- commit: `%s`" % env.get("commit"),
             "- GPU: %s, driver %s, CUDA %s; torch %s; date %s" % (env.get("gpu_name"), env.get("driver_version"),
                                                                env.get("cuda_driver_api_version"), env.get("torch"),
                                                                env.get("date_utc")),
             "- RT process: CUDA-graph ResNet-50 bs1 fp16 every 10 ms (C client, stream at the greatest priority); "
             "BE process: eager ResNet-152 bs32 fp16 closed loop on its own stream. Ratios use the two RT-alone "
             "rows pooled (p99 %s ms)." % fmt(summary["rt_alone_pooled_p99_ms"]), "",
             "| row | RT p50 ms | RT p99 ms | p99 / RT alone | RT max ms | RT device p50 / p99 ms | BE it/s | BE preemptions | signal p50 / p99 us | SM MHz p50 (min) / W |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for n, label in ROWS:
        d = summary["rows"].get(n)
        if not d:
            continue
        sig = d.get("signal_us")
        c = d.get("gpu_clocks")
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label + (" (%d runs pooled)" % d["repeats"] if d.get("repeats") else ""), fmt(d["rt_p50_ms"]), fmt(d["rt_p99_ms"]), fmt(d.get("rt_p99_vs_alone"), "%.2f"), fmt(d["rt_max_ms"]),
            ("%s / %s" % (fmt(d.get("rt_gpu_p50_ms")), fmt(d.get("rt_gpu_p99_ms")))) if d.get("rt_gpu_p50_ms") else "—",
            fmt(d.get("be_its"), "%.1f"), d.get("be_preemptions", "—"),
            ("%.0f / %.0f" % (sig["p50"], sig["p99"])) if sig else "—",
            ("%.0f (%.0f) / %.0f" % (c["sm_mhz_p50"], c["sm_mhz_min"], c["power_w_p50"])) if c else "—"))
    for key, label in (("reef", "Reef vs no Reef (time-sliced)"), ("reef_mps", "Reef + MPS vs MPS"),
                       ("reef_gate", "Reef with release gates vs no Reef (time-sliced)"),
                       ("reef_gate_mps", "Reef + MPS with release gates vs MPS"),
                       ("reef_gate_predict", "Reef with release gates and predicted RT arrivals vs no Reef (time-sliced)"),
                       ("reef_nocheck", "BE without its output check: Reef vs no Reef (time-sliced)"),
                       ("reef_mps_nocheck", "BE without its output check: Reef + MPS vs MPS")):
        v = summary["verdicts"][key]
        if v.get("pass") is not None:
            lines += ["", "%s: RT p99 %.2f× RT alone (limit %.2f), BE %.0f %% (limit %.0f %%): **%s**" % (
                label, v["rt_p99_ratio"], P99_LIMIT, 100 * v["be_throughput_ratio"], 100 * BE_LIMIT,
                "pass" if v["pass"] else "FAIL")]
    alone_mps = (summary["rows"].get("rt_alone_mps") or {}).get("rt_p99_ms")
    if alone_mps:
        under = ["%s %.2f×" % (label, summary["rows"][n]["rt_p99_ms"] / alone_mps)
                 for n, label in (("mps", "no Reef"), ("mps_nocheck", "no Reef (no output check)"),
                                  ("reef_mps", "Reef"), ("reef_mps_nocheck", "Reef (no output check)"))
                 if (summary["rows"].get(n) or {}).get("rt_p99_ms")]
        if under:
            lines += ["", "Under MPS against RT alone under MPS (p99 %.3f ms): %s (RT's graph alone under MPS "
                      "already runs slower on the device than without it)." % (alone_mps, ", ".join(under))]
    ident = summary.get("be_identity") or {}
    if ident:
        labels = dict(ROWS)
        lines += ["", "BE outputs, every iteration hashed (outside: iterations whose output no row without Reef produced):", "",
                  "| row | iterations | distinct outputs | outside |", "|---|---|---|---|"]
        lines += ["| %s | %d | %d | %s |" % (labels.get(n, n), v["iterations"], v["distinct"],
                                            "—" if v["outside"] is None else v["outside"]) for n, v in ident.items()]
    timelines = [(n, d["be_dispatcher_ms"]) for n, d in summary["rows"].items() if d.get("be_dispatcher_ms")]
    if timelines:
        keys = sorted({k for _, t in timelines for k in t})
        labels = dict(ROWS)
        lines += ["", "Where each Reef row's BE-process dispatcher spent its time (ms, from REEF_STATS):", "",
                  "| row | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
        lines += ["| %s | %s |" % (labels.get(n, n), " | ".join("%.0f" % t.get(k, 0) for k in keys)) for n, t in timelines]
    for n in ("reef", "reef_mps", "reef_nocheck", "reef_mps_nocheck"):
        d = summary["rows"].get(n) or {}
        if d.get("reefctl_status"):
            lines += ["", "`reefctl status` during %s:" % n, "", "```", d["reefctl_status"].rstrip(), "```"]
    lines += ["", "Signal latency: in the BE process, from the other process's last published real-time command "
              "to its dispatcher stopping best-effort releases (host clock)."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "bench", "results"))
    ap.add_argument("--name", default="crossproc-h100")
    a = ap.parse_args(argv)
    summary = summarize(a.run_dir)
    if not summary["rows"]:
        sys.exit("no rows under %s/rows" % a.run_dir)
    env = load(os.path.join(a.run_dir, "env.json")) or {}
    command = ""
    if os.path.exists(os.path.join(a.run_dir, "command.txt")):
        with open(os.path.join(a.run_dir, "command.txt")) as f:
            command = f.read().strip()
    os.makedirs(a.out_dir, exist_ok=True)
    for d in summary["rows"].values():
        d["cdf_ms"] = cdf_points(d.pop("rt_latency_ms"))
        d.pop("rt_gpu_ms", None)
        d.pop("signal_stopped_us", None)
    with open(os.path.join(a.out_dir, a.name + ".json"), "w") as f:
        json.dump(dict(summary, environment=env, command=command), f, indent=1)
    with open(os.path.join(a.out_dir, a.name + ".md"), "w") as f:
        f.write(markdown(summary, env, command))
    series = [(label, [x for x, _ in summary["rows"][n]["cdf_ms"]], [y for _, y in summary["rows"][n]["cdf_ms"]])
              for n, label in ROWS if n in summary["rows"] and summary["rows"][n]["cdf_ms"] and n != "rt_alone_end"]
    charts.line_chart(os.path.join(a.out_dir, a.name + "-cdf.png"), "RT latency CDF, RT and BE in two processes",
                      "RT latency (ms, log)", "fraction of requests", series)
    print(json.dumps(summary["verdicts"], indent=1))


if __name__ == "__main__":
    main()
