"""Summarizes several in-process benchmark calls (Scripts/gpu/inprocess/run.sh outputs) that ask
why RT runs slower on the device beside BE work: one table row per benchmark row, with the
call's GPU and commit, RT device time over the same call's RT-alone device time, and the host
submission time. Writes <name>.json, <name>.md and <name>-device.png.

  python3 Scripts/gpu/diag/slowdown_summary.py DIR/inprocess [DIR/inprocess ...] --out-dir bench/results \
      --name rt-slowdown-diag
"""
import argparse
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "Scripts", "gpu", "inprocess"))
from Scripts.bench import charts  # noqa: E402
from report import LABELS  # noqa: E402

ALONE = ("rt_alone", "rt_alone_end")


def load_call(run_dir):
    with open(os.path.join(run_dir, "env.json")) as f:
        env = json.load(f)
    with open(os.path.join(run_dir, "command.txt")) as f:
        command = f.read().strip()
    rows = {}
    rows_dir = os.path.join(run_dir, "rows")
    for name in sorted(os.listdir(rows_dir)):
        if name.endswith(".json") and ".reef-stats." not in name:
            with open(os.path.join(rows_dir, name)) as f:
                rows[name[:-5]] = json.load(f)
    return env, command, rows


def summarize(dirs):
    calls = []
    for i, d in enumerate(dirs, 1):
        env, command, rows = load_call(d)
        alone = [rows[n]["rt_gpu_p50_ms"] for n in ALONE if n in rows and rows[n].get("rt_gpu_p50_ms")]
        base = sum(alone) / len(alone) if alone else None
        out = []
        for name, r in rows.items():
            gpu = r.get("rt_gpu_p50_ms")
            out.append({"row": name, "label": LABELS.get(name, name), "be_model": r.get("be_model"),
                        "preloaded": r.get("preloaded"), "high_priority": r.get("high_priority"),
                        "rt_p50_ms": r.get("rt_p50_ms"), "rt_p99_ms": r.get("rt_p99_ms"),
                        "rt_gpu_p50_ms": gpu, "rt_gpu_p99_ms": r.get("rt_gpu_p99_ms"),
                        "rt_gpu_p1_ms": sorted(r["rt_gpu_ms"])[len(r["rt_gpu_ms"]) // 100] if r.get("rt_gpu_ms") else None,
                        "rt_launch_p50_ms": r.get("rt_launch_p50_ms"),
                        "device_vs_alone": gpu / base if gpu and base else None,
                        "be_its": r.get("be_its")})
        calls.append({"call": i, "gpu": env.get("gpu_name"), "commit": env.get("commit"), "date_utc": env.get("date_utc"),
                      "driver": env.get("driver_version"), "command": command, "rt_alone_device_p50_ms": base,
                      "rows": out})
    return {"calls": calls}


def fmt(v, f="%.3f"):
    return f % v if v is not None else "—"


def chart_bars(summary):
    """(number, call, row, ratio) per non-baseline row: the chart labels bars by number only
    (the raster backend has no room for names), the Markdown lists what each number is."""
    bars = []
    for c in summary["calls"]:
        for r in c["rows"]:
            if r["device_vs_alone"] and r["row"] not in ALONE:
                bars.append((len(bars) + 1, c["call"], r["row"], r["device_vs_alone"]))
    return bars


def markdown(summary, name):
    lines = ["# Why RT runs slower on the device beside BE work: one-variable experiments", "",
             "Each call ran `Scripts/gpu/inprocess/run.sh` (command below) with rows that change one thing; RT is the",
             "in-process benchmark's CUDA-graph ResNet-50 bs1 fp16 replayed every 10 ms by the C client.",
             "`device` = events recorded on RT's stream just before and after the graph; `vs alone` = device p50 over",
             "the same call's RT-alone device p50; `submit` = host time of the event records + cuGraphLaunch.",
             "This file: `python3 Scripts/gpu/diag/slowdown_summary.py <each call's inprocess folder> --out-dir "
             "bench/results --name %s --notes <reading>`." % name, ""]
    for c in summary["calls"]:
        lines += ["## Call %d: %s, commit `%s`, driver %s, %s" % (c["call"], c["gpu"], c["commit"], c["driver"], c["date_utc"]),
                  "", "`%s`" % c["command"], "",
                  "| row | BE | Reef | RT p50 / p99 ms | device p1 / p50 / p99 ms | vs alone | submit p50 ms | BE it/s |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in c["rows"]:
            lines.append("| %s (`%s`) | %s | %s | %s / %s | %s / %s / %s | %s | %s | %s |" % (
                r["label"], r["row"], r["be_model"], "yes" if r["preloaded"] else "no", fmt(r["rt_p50_ms"]),
                fmt(r["rt_p99_ms"]), fmt(r["rt_gpu_p1_ms"]), fmt(r["rt_gpu_p50_ms"]), fmt(r["rt_gpu_p99_ms"]),
                fmt(r["device_vs_alone"], "%.2f"), fmt(r["rt_launch_p50_ms"]), fmt(r["be_its"], "%.1f")))
        lines.append("")
    lines += ["![device time over RT alone](%s-device.png)" % name, "",
              "Bars: " + "; ".join("%d = call %d `%s` (%.2f)" % b for b in chart_bars(summary)) + ".", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", help="inprocess output folders (with env.json, command.txt, rows/)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--name", default="rt-slowdown-diag")
    ap.add_argument("--notes", help="a Markdown file appended to the report (the reading of the results)")
    a = ap.parse_args()
    summary = summarize(a.dirs)
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, a.name + ".json"), "w") as f:
        json.dump(summary, f, indent=1)
    md = markdown(summary, a.name)
    if a.notes:
        with open(a.notes) as f:
            md += "\n" + f.read()
    with open(os.path.join(a.out_dir, a.name + ".md"), "w") as f:
        f.write(md)
    bars = chart_bars(summary)
    cats, vals = [str(b[0]) for b in bars], [b[3] for b in bars]
    charts.bar_chart(os.path.join(a.out_dir, a.name + "-device.png"),
                     "RT device time (p50) over RT alone, same call", "ratio", cats, [("device p50 / RT alone", vals)])


if __name__ == "__main__":
    main()
