"""Markdown + JSON + PNG of partition_diag.sh runs (issue 6): for each row, RT's latency and device
time, its device time over RT alone's in the same run, and the BE loop's rate over its full-GPU
rate alone in the same run; plus, when given, the no-overlap bound of a kernel trace
(Scripts/bench/nonoverlap_bound.py) and pageable_copy.c results.

  python3 Scripts/gpu/diag/partition_report.py --run 'label=DIR' [--run ...] \\
      [--trace trace.json --rt-ms 0.92] [--pageable pageable_copy.json] --out-dir bench/results --name NAME

DIR holds inprocess/rows/*.json, inprocess/command.txt and inprocess/env.json (run.sh's OUT). A
row's environment is read from command.txt's INPROCESS_EXTRA_ROWS (BE_GREEN, RT_GREEN, BE_CHECK,
RT_RESET_CONTEXT)."""
import argparse
import glob
import json
import os
import re
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, REPO)
from Scripts.bench import charts  # noqa: E402
from Scripts.bench import nonoverlap_bound  # noqa: E402

H100_SMS = 132


def row_specs(command):
    """name -> environment dict, from INPROCESS_EXTRA_ROWS in run.sh's command line."""
    m = re.search(r"INPROCESS_EXTRA_ROWS=(.*?) INPROCESS_", command)
    specs = {}
    for spec in (m.group(1).split(";") if m else []):
        parts = spec.split("|")
        if len(parts) == 4:
            specs[parts[0]] = dict(kv.split("=", 1) for kv in parts[3].split() if "=" in kv)
    return specs


def describe(name, env):
    be_sms = env.get("BE_GREEN")
    rt = env.get("RT_GREEN", "")
    rt_sms = H100_SMS - int(rt[5:]) if rt.startswith("rest:") else None
    return {"be_sms": int(be_sms) if be_sms else None, "rt_sms": rt_sms,
            "disjoint": bool(be_sms and rt_sms), "be_check": env.get("BE_CHECK", "1") != "0",
            "rt_reset_every": int(env["RT_RESET_CONTEXT"]) if "RT_RESET_CONTEXT" in env else None}


def load_run(label, folder):
    base = os.path.join(folder, "inprocess")
    command = open(os.path.join(base, "command.txt")).read().strip()
    env = json.load(open(os.path.join(base, "env.json")))
    specs = row_specs(command)
    rows = {}
    for path in sorted(glob.glob(os.path.join(base, "rows", "*.json"))):
        if ".reef-stats." in path:
            continue
        r = json.load(open(path))
        rows[r["row"]] = r
    alone = [rows[n]["rt_gpu_p50_ms"] for n in ("rt_alone", "rt_alone_end") if n in rows]
    alone_dev = sum(alone) / len(alone) if alone else None
    alone_p99 = [rows[n]["rt_p99_ms"] for n in ("rt_alone", "rt_alone_end") if n in rows]
    full = {}   # BE model -> its full-GPU rate alone in this run (rows without BE_GREEN)
    for n, r in rows.items():
        if r.get("be_model") not in (None, "none") and "BE_GREEN" not in specs.get(n, {}) and r.get("be_alone_its"):
            full.setdefault(r["be_model"], []).append(r["be_alone_its"])
    out = []
    for n, r in rows.items():
        d = describe(n, specs.get(n, {}))
        model = r.get("be_model")
        f = full.get(model)
        out.append(dict(d, row=n, be_model=model, rt_p50_ms=r["rt_p50_ms"], rt_p99_ms=r["rt_p99_ms"],
                        rt_device_p50_ms=r["rt_gpu_p50_ms"], rt_device_p99_ms=r["rt_gpu_p99_ms"],
                        rt_device_vs_alone=(r["rt_gpu_p50_ms"] / alone_dev) if alone_dev else None,
                        be_its=r.get("be_its"),
                        be_share_of_full=(r["be_its"] / (sum(f) / len(f))) if f and r.get("be_its") else None,
                        sm_mhz_p50=(r.get("gpu_clocks") or {}).get("sm_mhz_p50"),
                        power_w_p50=(r.get("gpu_clocks") or {}).get("power_w_p50")))
    return {"label": label, "command": command, "commit": env.get("commit"), "gpu": env.get("gpu_name"),
            "driver": env.get("driver_version"), "date_utc": env.get("date_utc"),
            "rt_alone_device_p50_ms": alone_dev, "rt_alone_p99_ms": max(alone_p99) if alone_p99 else None, "rows": out}


def fmt(v, spec="%.3f"):
    return "—" if v is None else spec % v


def markdown(runs, bound, pageable):
    lines = []
    for run in runs:
        lines += ["", "## %s" % run["label"], "",
                  "- commit `%s`, %s, driver %s, %s" % (run["commit"], run["gpu"], run["driver"], run["date_utc"]),
                  "- run.sh command: `%s`" % run["command"],
                  "- RT alone (this run): device p50 %s ms" % fmt(run["rt_alone_device_p50_ms"]), "",
                  "| row | BE | BE SMs | RT SMs | BE copies back | RT reset every | RT p50 ms | RT p99 ms | RT device p50 ms | device / RT alone | BE it/s | BE share of its full-GPU rate | SM MHz / W |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(run["rows"], key=lambda r: (r["be_model"] or "", r["be_sms"] or 0, r["row"])):
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
                r["row"], r["be_model"], r["be_sms"] or ("all" if r["be_model"] not in (None, "none") else "—"),
                r["rt_sms"] or "all", "—" if r["be_model"] in (None, "none") else "yes" if r["be_check"] else "no",
                r["rt_reset_every"] or "—",
                fmt(r["rt_p50_ms"]), fmt(r["rt_p99_ms"]), fmt(r["rt_device_p50_ms"]), fmt(r["rt_device_vs_alone"], "%.2f"),
                fmt(r["be_its"], "%.1f"), fmt(r["be_share_of_full"], "%.2f"),
                fmt(r["sm_mhz_p50"], "%.0f"), fmt(r["power_w_p50"], "%.0f")))
    if bound:
        lines += ["", "## No-overlap bound of the transformer's kernel sequence", "",
                  "- trace: `%s` (%d kernels, %s per iteration; kernel p50 %.0f us, p90 %.0f us, max %.0f us; %.0f %% of kernel time in kernels >= 1 ms)" % (
                      bound["trace"], bound["kernels"], bound["kernels_per_iteration"], bound["kernel_us"]["p50"],
                      bound["kernel_us"]["p90"], bound["kernel_us"]["max"], 100 * bound["time_in_kernels_of_1ms_or_more"]),
                  "- RT %.2f ms every %.0f ms (RT alone's device time); perfect knowledge of arrivals and durations, no overhead" % (
                      bound["rt_ms"], bound["period_ms"]), "",
                  "| a kernel may run into a request by | best share of the BE's alone throughput | requests delayed / s (of 100) | worst delay us |",
                  "|---|---|---|---|"]
        for r in bound["rows"]:
            lines.append("| %d us | %.1f %% | %.1f | %.0f |" % (r["allow_us"], 100 * r["share_of_alone"],
                                                                r["requests_delayed_per_s"], r["worst_delay_us"]))
    if pageable:
        lines += ["", "## Copies into pageable memory across threads (pageable_copy.c)", "",
                  "| case (BE: 20 ms kernel then a 4 KB copy back on its stream; RT 2 ms later) | RT copy median us | min | max |",
                  "|---|---|---|---|"]
        for i, p in enumerate(pageable):
            for c in p["cases"]:
                lines.append("| run %d: %s | %.1f | %.1f | %.1f |" % (i + 1, c["case"], c["rt_copy_us_median"], c["min"], c["max"]))
            if "pointer_query" in p:
                lines.append("")
                lines.append("Run %d, `cuPointerGetAttribute(MEMORY_TYPE)` [result, type]: %s (Reef reads an error as pageable)."
                             % (i + 1, json.dumps(p["pointer_query"])))
                lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", action="append", default=[], help="label=folder")
    ap.add_argument("--trace")
    ap.add_argument("--rt-ms", type=float, default=0.92)
    ap.add_argument("--pageable", action="append", default=[])
    ap.add_argument("--title", default="Issue 6: what co-running costs RT on the H100, and what holding can reach")
    ap.add_argument("--preamble", help="a Markdown file put after the title (commands, reading)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--name", required=True)
    a = ap.parse_args()
    runs = [load_run(*spec.split("=", 1)) for spec in a.run]
    bound = None
    if a.trace:
        bound = nonoverlap_bound.summarize(json.load(open(a.trace)), 10.0, a.rt_ms, [0.0, 50.0, 100.0, 200.0, 500.0])
        bound["trace"] = os.path.basename(a.trace)
    pageable = [json.load(open(p)) for p in a.pageable]
    os.makedirs(a.out_dir, exist_ok=True)
    json.dump({"runs": runs, "nonoverlap_bound": bound, "pageable_copy": pageable},
              open(os.path.join(a.out_dir, a.name + ".json"), "w"), indent=1)
    lines = ["# " + a.title, ""]
    if a.preamble:
        lines += open(a.preamble).read().rstrip().splitlines()
    lines += markdown(runs, bound, pageable)
    lines += ["", "![RT device time beside a confined BE](%s.png)" % a.name]
    open(os.path.join(a.out_dir, a.name + ".md"), "w").write("\n".join(lines) + "\n")
    # RT's device time over RT alone's against the BE's SMs, one line per run and BE model.
    # Legends are short: model, the run's label up to its colon ("call 1" -> c1), "copy" when the
    # BE loop copies back, rN for an RT reset every N requests.
    series = []
    for run in runs:
        keys = sorted({(r["be_model"], r["be_check"], r["rt_reset_every"] or 0) for r in run["rows"]
                       if r["be_model"] not in (None, "none") and r["disjoint"]})
        for model, check, reset in keys:
            pts = sorted((r["be_sms"], r["rt_device_vs_alone"]) for r in run["rows"]
                         if (r["be_model"], r["be_check"], r["rt_reset_every"] or 0) == (model, check, reset)
                         and r["disjoint"] and r["rt_device_vs_alone"])
            label = "%s %s%s%s" % ({"transformer": "tf", "resnet152": "rn152"}.get(model, model[:5]),
                                   run["label"].split(":")[0].replace("call ", "c"), " copy" if check else "",
                                   " r%d" % reset if reset else "")
            series.append((label, [p[0] for p in pts], [p[1] for p in pts]))
    charts.line_chart(os.path.join(a.out_dir, a.name + ".png"), "RT device time / RT alone, BE on N SMs, RT on the rest",
                      "BE SMs", "ratio", series, logx=False, ylim=(0.9, 1.5))


if __name__ == "__main__":
    main()
