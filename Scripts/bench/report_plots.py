"""The PNGs of a results folder: per workload and variant, an RT latency CDF per system, throughput
bars, and the queue-delay (preemption latency) histogram."""
import os

from . import charts
from .report_data import find_cell, has_data, system_order, variant_order, workload_order
from .stats import DELAY_EDGES_MS


def plots_for(results, out_dir, workload, variant):
    rows = [(n, find_cell(results, workload, n, variant)) for n in system_order(results)]
    rows = [(n, c) for n, c in rows if has_data(c)]
    if not rows:
        return []
    base = "%s-%s.png" % (workload, variant)
    paths = []
    title = "DISB %s, %s" % (workload, variant)

    cdf = [(n, [p[1] for p in c["rt"]["cdf_ms"]], [p[0] / 100.0 for p in c["rt"]["cdf_ms"]])
           for n, c in rows if c["rt"]["cdf_ms"]]
    if cdf:
        path = os.path.join(out_dir, "cdf-" + base)
        charts.line_chart(path, title + ": RT latency CDF", "RT latency (ms, log)", "fraction of requests", cdf)
        paths.append(path)

    path = os.path.join(out_dir, "throughput-" + base)
    charts.bar_chart(path, title + ": throughput", "requests/s", [n for n, _ in rows],
                     [("RT req/s", [c["throughput"]["rt_rps"] for _, c in rows]),
                      ("BE req/s", [c["throughput"]["be_rps"] for _, c in rows])])
    paths.append(path)

    edges = results.get("meta", {}).get("delay_edges_ms") or DELAY_EDGES_MS
    hist = [(n, c["preemption"]["histogram_counts"]) for n, c in rows
            if sum(c["preemption"].get("histogram_counts") or []) > 0]
    if hist:
        path = os.path.join(out_dir, "preempt-" + base)
        charts.hist_chart(path, title + ": RT queue delay (device start - arrival)", "delay (ms, log)",
                          "fraction of RT requests", edges, hist)
        paths.append(path)
    return paths


def write_plots(results, out_dir):
    paths = []
    for w in workload_order(results):
        if w == "standalone":
            continue
        for v in variant_order(results):
            paths.extend(plots_for(results, out_dir, w, v))
    return paths
