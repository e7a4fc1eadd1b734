"""Markdown + JSON + PNG of a foreign_kernel.sh run: each mode's RT device time, and its p50 over
the p50 of the same RT kind (graph or eager) alone at the start of the run.

  python3 Scripts/gpu/diag/foreign_kernel_report.py OUT --out-dir bench/results --name foreign-kernel-h100
"""
import argparse
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, REPO)
from Scripts.bench import charts  # noqa: E402

WHERE = {"none": "nothing", "other_stream": "another stream", "same_stream": "RT's own stream",
         "other_stream_rt_function": "another stream, RT's own function",
         "other_stream_other_module": "another stream, from another module", "other_context": "a stream of another context",
         "green_all": "a green-context stream (all SMs)", "green_part": "a green-context stream (part of the SMs)"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--name", required=True)
    a = ap.parse_args()
    with open(os.path.join(a.run_dir, "foreign_kernel.json")) as f:
        text = f.read()
    try:
        run = json.loads(text)
    except ValueError:   # cut short (timeout): close the modes written so far
        run = json.loads(text.rstrip().rstrip(",") + "\n]}")
        run["cut_short"] = True
    with open(os.path.join(a.run_dir, "env.json")) as f:
        env = json.load(f)
    with open(os.path.join(a.run_dir, "command.txt")) as f:
        command = f.read().strip()
    base = {}   # each RT kind (graph, eager, eager in a green context) against itself alone
    for m in run["modes"]:
        if m["foreign"] == "none":
            base.setdefault(m["rt"], m["device_ms_p50"])
    if "green_sms" in run:
        WHERE["green_part"] = "a green-context stream (%d SMs)" % run["green_sms"]
    for m in run["modes"]:
        m["vs_alone"] = m["device_ms_p50"] / base[m["rt"]] if base.get(m["rt"]) else None
    out = {"env": env, "command": command, **run}
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, a.name + ".json"), "w") as f:
        json.dump(out, f, indent=1)
    lines = ["# RT device time after a foreign kernel (`Scripts/gpu/diag/foreign_kernel.c`)", "",
             "- command: `%s`" % command, "- commit: `%s`" % env.get("commit"),
             "- GPU: %s, driver %s; date %s" % (env.get("gpu_name"), env.get("driver_version"), env.get("date_utc")),
             "- RT request: %d kernels of %d blocks x 256 threads (%d FMAs each), as one CUDA graph or launched one by one,"
             " started on the device only once fully submitted; one request every 10 ms; device time from events"
             " around it. Foreign kernel: 1 block, %d FMAs, then a synchronize; modes run in this order, most after"
             " 3 s idle." % (run["kernels"], run["blocks"], run["iters"], run["foreign_iters"]), "",
             "| mode | RT | foreign kernel on | after every n-th request | device p1 / p50 / p99 ms | p50 vs alone |",
             "|---|---|---|---|---|---|"]
    for m in run["modes"]:
        lines.append("| `%s` | %s | %s | %d | %.4f / %.4f / %.4f | %s |" % (
            m["mode"], m["rt"], WHERE.get(m["foreign"], m["foreign"]), m["every"], m["device_ms_p1"],
            m["device_ms_p50"], m["device_ms_p99"], "%.3f" % m["vs_alone"] if m["vs_alone"] else "—"))
    # How long the slow state lasts: in the every-n modes, device time by requests since the
    # last foreign kernel (one request per 10 ms).
    spaced = [m for m in run["modes"] if m["every"] > 1 and m["foreign"] != "none" and m.get("device_ms")]
    if spaced:
        lines += ["", "Device time (median) by time since the last foreign kernel, in the modes with one every n requests:", "",
                  "| mode | 0-10 ms | 10-50 ms | 50-100 ms | 100-500 ms | 500-1500 ms |", "|---|---|---|---|---|---|"]
        edges = [(0, 1), (1, 5), (5, 10), (10, 50), (50, 150)]
        for m in spaced:
            cells = []
            for lo, hi in edges:
                v = sorted(t for i, t in enumerate(m["device_ms"]) if lo <= (i % m["every"]) < hi)
                cells.append("%.4f (%d)" % (v[len(v) // 2], len(v)) if v else "—")
            lines.append("| `%s` | %s |" % (m["mode"], " | ".join(cells)))
        lines.append("")
        lines.append("(n) = requests in the bucket; request i of a mode came (i mod n) x 10 ms after the last foreign kernel.")
    if run.get("cut_short"):
        lines += ["", "The run was cut short (timeout): the modes above are the ones that finished."]
    lines += ["", "![p50 vs alone](%s.png)" % a.name, ""]
    with open(os.path.join(a.out_dir, a.name + ".md"), "w") as f:
        f.write("\n".join(lines))
    charts.bar_chart(os.path.join(a.out_dir, a.name + ".png"), "RT device p50 over RT alone", "ratio",
                     [str(i + 1) for i in range(len(run["modes"]))], [("p50 / alone (bars in table order)",
                                                                          [m["vs_alone"] for m in run["modes"]])])


if __name__ == "__main__":
    main()
