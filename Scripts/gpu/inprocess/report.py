#!/usr/bin/env python3
"""Turns an in-process benchmark run (the folder run.sh wrote) into
bench/results/inprocess-h100.{json,md} and latency-CDF PNGs, with the issue's verdicts:
  Reef RT p99 <= 1.10 x RT-alone p99, Reef BE throughput >= 85 % of the no-Reef run, and
  bit-identical RT and BE outputs (every request and iteration checked in-process, and the
  output hashes equal across rows).

  python3 Scripts/gpu/inprocess/report.py RUN_DIR [--out-dir bench/results] [--name inprocess-h100]
"""
import argparse
import glob
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, REPO)
from Scripts.bench import charts  # noqa: E402
from Scripts.bench.stats import cdf_points as quantile_points, percentile  # noqa: E402

P99_LIMIT = 1.10
BE_LIMIT = 0.85
def group_rows(summary, key, listed):
    """A group's rows: those it lists, then any other row with its BE model (INPROCESS_EXTRA_ROWS)."""
    return listed + [n for n, r in summary["rows"].items() if n not in listed and (r or {}).get("be_model") == key]


GROUPS = [("resnet152", "BE = eager ResNet-152 bs32 fp16",
           ["rt_alone", "no_reef", "priority", "reef", "reef_linger0", "reef_linger500", "reef_window2",
            "reef_window8", "reef_rt_alone", "reef_pad", "reef_budget", "reef_gate", "reef_gate_window",
            "reef_gate_budget", "reef_predict", "reef_gate_predict", "rt_alone_l1", "reef_l1", "reef_c1", "green_be", "reef_green_be",
            "rt_alone_capture_high", "reef_capture_high", "reef_be_context", "rt_alone_prepush",
            "priority_prepush", "reef_prepush", "rt_green_alone", "rt_green_priority", "reef_rt_context_alone",
            "reef_rt_context", "rt_alone_reset", "priority_reset", "reef_reset", "reef_reset10",
            "reef_nudge_alone", "reef_nudge", "reef_nudge10", "reef_nudge_off", "rt_alone_end"]),
          ("transformer", "BE = transformer encoder (d 2048, 4 layers, 64x512 tokens) fp16",
           ["rt_alone", "tf_no_reef", "tf_priority", "tf_reef", "tf_reef_pad", "tf_reef_predict", "tf_reef_budget",
            "tf_reef_gate", "tf_reef_gate_window", "tf_reef_rt_predict", "tf_reef_gate_predict", "tf_reef_rt_context",
            "tf_reef_nudge"]),
          ("gemm_small", "Why RT slows beside BE: BE = 64 chained 1024x1024 fp16 GEMMs (6 MB footprint)",
           ["rt_alone", "sd_small_no_reef", "sd_small_reef", "sd_small_reef_prepush"]),
          ("stream_large", "Why RT slows beside BE: BE = a pass over 256 Mi fp16 values (1 GB footprint)",
           ["rt_alone", "sd_large_no_reef", "sd_large_reef"]),
          ("tiny_kernels", "Why RT slows beside BE: BE = 64 elementwise kernels on 2 KB (other-stream activity only)",
           ["rt_alone", "sd_tiny_no_reef", "sd_tiny_reef"]),
          ("cpu_only", "Why RT slows beside BE: BE = a busy Python thread, no GPU work (host activity only)",
           ["rt_alone", "sd_cpu"]),
          ("cpu_pure", "Why RT slows beside BE: BE = a busy Python thread that makes no GPU call",
           ["rt_alone", "sd_cpu_pure"]),
          ("gpu_sparse", "Why RT slows beside BE: BE = one small kernel, then 1 ms of host sleep",
           ["rt_alone", "rt_floor", "sd_sparse", "sd_sparse_np", "sd_sparse3", "sd_sparse10", "sd_sparse_k", "sd_sparse_pageable",
            "sd_sparse_pinned", "sd_sparse_k30", "sd_sparse_k100", "sd_sparse_k_c1",
            "sd_sparse_green", "rt_floor_be_context", "rt_green_alone", "rt_green_floor", "rt_floor_rt_context", "rt_floor_reset", "reef_sparse_reset",
            "reef_sparse_nudge"]),
          ("once", "Why RT slows beside BE: one command on another stream before RT, then a busy host thread",
           ["rt_alone", "sd_once_kernel", "sd_once_copy"])]
LABELS = {"rt_alone": "RT alone", "no_reef": "no Reef", "priority": "no Reef + stream priority",
          "reef": "Reef (defaults)", "reef_rt_alone": "Reef, RT alone", "reef_linger0": "Reef, linger 0 us",
          "reef_linger500": "Reef, linger 500 us", "reef_window2": "Reef, window 2",
          "reef_window4": "Reef, window 4", "reef_window8": "Reef, window 8", "reef_window16": "Reef, window 16",
          "reef_window32": "Reef, window 32", "tf_no_reef": "no Reef", "tf_priority": "no Reef + stream priority",
          "tf_reef": "Reef", "reef_pad": "Reef, kernel padding on", "tf_reef_pad": "Reef, kernel padding on",
          "reef_budget": "Reef, in-flight budget", "tf_reef_predict": "Reef, padding + predicted RT arrivals", "tf_reef_budget": "Reef, in-flight budget",
          "reef_gate": "Reef, release gate", "reef_gate_window": "Reef, release gate, larger window",
          "reef_gate_budget": "Reef, release gate, larger window, in-flight budget",
          "tf_reef_gate": "Reef, release gate", "tf_reef_gate_window": "Reef, release gate, larger window",
          "reef_predict": "Reef, RT arrivals predicted", "tf_reef_rt_predict": "Reef, RT arrivals predicted",
          "reef_gate_predict": "Reef, release gate, larger window, RT arrivals predicted",
          "tf_reef_gate_predict": "Reef, release gate, larger window, RT arrivals predicted",
          "rt_alone_end": "RT alone (again, at the end)",
          "rt_alone_l1": "RT alone, RT kernels prefer L1", "reef_l1": "Reef, RT kernels prefer L1",
          "sd_small_no_reef": "no Reef + stream priority", "sd_small_reef": "Reef",
          "sd_large_no_reef": "no Reef + stream priority", "sd_large_reef": "Reef",
          "rt_alone_prepush": "RT alone, requests fully submitted first",
          "priority_prepush": "no Reef + stream priority, RT requests fully submitted first",
          "reef_prepush": "Reef, RT requests fully submitted first",
          "sd_small_reef_prepush": "Reef, RT requests fully submitted first",
          "sd_tiny_no_reef": "no Reef + stream priority", "sd_tiny_reef": "Reef", "sd_cpu": "no Reef", "sd_cpu_pure": "no Reef",
          "sd_sparse": "no Reef",
          "sd_sparse_np": "no Reef, RT stream at normal priority", "sd_sparse3": "no Reef, 3 ms sleep",
          "sd_sparse10": "no Reef, 10 ms sleep",
          "sd_sparse_k": "no Reef, kernel only (outputs not checked)",
          "sd_sparse_pageable": "no Reef, a 2 KB copy to pageable memory instead (outputs not checked)",
          "sd_sparse_pinned": "no Reef, a 2 KB copy to pinned memory instead (outputs not checked)",
          "rt_floor": "floor: one small kernel every 100 ms, no Reef",
          "sd_sparse_k30": "no Reef, kernel only, 30 ms sleep", "sd_sparse_k100": "no Reef, kernel only, 100 ms sleep",
          "sd_sparse_k_c1": "no Reef, kernel only, one hardware queue (CUDA_DEVICE_MAX_CONNECTIONS=1)",
          "reef_c1": "Reef, one hardware queue (CUDA_DEVICE_MAX_CONNECTIONS=1)",
          "sd_sparse_green": "no Reef, kernel only, BE stream in a green context (all SMs)",
          "green_be": "no Reef + stream priority, BE stream in a green context (all SMs)",
          "reef_green_be": "Reef, BE stream in a green context (all SMs)",
          "rt_alone_capture_high": "RT alone, graph captured on a greatest-priority stream",
          "reef_capture_high": "Reef, graph captured on a greatest-priority stream",
          "reef_be_context": "Reef with REEF_BE_CONTEXT=green (graph captured on a greatest-priority stream)",
          "rt_floor_be_context": "floor under Reef with REEF_BE_CONTEXT=green",
          "rt_green_alone": "RT alone, RT stream in a green context (all SMs)",
          "rt_green_floor": "floor with the RT stream in a green context (all SMs), no Reef",
          "rt_green_priority": "no Reef + stream priority, RT stream in a green context (all SMs)",
          "reef_rt_context_alone": "Reef with REEF_RT_CONTEXT=green, RT alone",
          "rt_floor_rt_context": "floor under Reef with REEF_RT_CONTEXT=green",
          "reef_rt_context": "Reef with REEF_RT_CONTEXT=green",
          "tf_reef_rt_context": "Reef with REEF_RT_CONTEXT=green",
          "rt_alone_reset": "RT alone, a kernel in a private context after each request",
          "rt_floor_reset": "floor, a kernel in a private context after each RT request, no Reef",
          "priority_reset": "no Reef + stream priority, a kernel in a private context after each RT request",
          "reef_reset": "Reef, a kernel in a private context after each RT request",
          "reef_sparse_reset": "floor under Reef, a kernel in a private context after each RT request",
          "reef_reset10": "Reef, a kernel in a private context after every 10th RT request",
          "reef_nudge": "Reef with REEF_RT_NUDGE=on (Reef's empty kernel in a private context after RT busy periods)",
          "reef_nudge10": "Reef with REEF_RT_NUDGE=10 (after every 10th RT busy period)",
          "reef_nudge_off": "Reef with REEF_RT_NUDGE=off",
          "reef_nudge_alone": "Reef with REEF_RT_NUDGE=on, RT alone (no BE: never sent)",
          "tf_reef_nudge": "Reef with REEF_RT_NUDGE=on",
          "reef_sparse_nudge": "floor under Reef with REEF_RT_NUDGE=on",
          "sd_once_kernel": "a small kernel once", "sd_once_copy": "a device-to-host copy once"}


def dataloader_check(run_dir):
    """The forked-DataLoader check: both runs complete and agree, or None when it did not run."""
    runs = {}
    for kind in ("plain", "reef"):
        try:
            with open(os.path.join(run_dir, "rows", "dataloader.%s.json" % kind)) as f:
                runs[kind] = json.load(f)
        except (OSError, ValueError):
            runs[kind] = None
    if runs["plain"] is None and runs["reef"] is None:
        return None
    ok = all(r and r.get("ok") for r in runs.values()) and runs["plain"]["sha256"] == runs["reef"]["sha256"]
    return {"pass": bool(ok), "plain": runs["plain"], "reef": runs["reef"]}


def load_rows(run_dir):
    rows = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "rows", "*.json"))):
        if ".reef-stats." in path or os.path.basename(path).startswith("dataloader."):
            continue
        with open(path) as f:
            row = json.load(f)
        stats = []
        for sp in sorted(glob.glob(os.path.join(run_dir, "rows", row["row"] + ".reef-stats.*.json"))):
            with open(sp) as f:
                stats.append(json.load(f))
        row["reef_stats"] = [s.get("scheduling") for s in stats if s.get("scheduling")]
        rows[row["row"]] = row
    return pool_repeats(rows)


def merge_counts(counts):
    """{key: count} dicts (None skipped) summed into one: BE output hashes of a row's copies."""
    out = {}
    for c in counts:
        for k, n in (c or {}).items():
            out[k] = out.get(k, 0) + n
    return out


def pool_repeats(rows):
    """Rows run several times (run.sh INPROCESS_REPEAT: copies named <row>~2, <row>~3, ...) become
    one row: RT latencies and device times pooled (percentiles recomputed), BE rates averaged
    (each copy's kept in `be_its_each`), stats and BE hashes of every copy."""
    groups = {}
    for name in rows:
        groups.setdefault(name.split("~")[0], []).append(name)
    out = {}
    for base, names in groups.items():
        if len(names) == 1:
            out[base] = rows[names[0]]
            continue
        parts = [rows[n] for n in sorted(names, key=lambda n: (n != base, n))]
        row = dict(parts[0], row=base, repeats=len(parts))
        for key in ("rt_latency_ms", "rt_gpu_ms", "rt_launch_ms"):
            row[key] = [v for p in parts for v in (p.get(key) or [])]
        lat, gpu = row["rt_latency_ms"], row["rt_gpu_ms"]
        if lat:
            row["rt_p50_ms"], row["rt_p90_ms"], row["rt_p99_ms"] = (percentile(lat, q) for q in (50, 90, 99))
            row["rt_max_ms"] = max(lat)
        if gpu:
            row["rt_gpu_p50_ms"], row["rt_gpu_p99_ms"] = percentile(gpu, 50), percentile(gpu, 99)
        for key in ("be_its", "be_alone_its", "be_alone_after_its"):
            vals = [p[key] for p in parts if p.get(key)]
            if vals:
                row[key] = sum(vals) / len(vals)
                row[key + "_each"] = vals
        for key in ("rt_mismatches", "be_mismatches", "be_iterations_during_rt"):
            row[key] = sum(p.get(key) or 0 for p in parts)
        row["reef_stats"] = [s for p in parts for s in p.get("reef_stats") or []]
        row["be_output_hashes"] = merge_counts(p.get("be_output_hashes") for p in parts)
        row["be_error"] = next((p["be_error"] for p in parts if p.get("be_error")), None)
        out[base] = row
    return out


def cdf_points(values):
    """(latency, fraction) pairs for a CDF plot, from the benchmark's shared quantiles."""
    return [(v, q / 100.0) for q, v in quantile_points(values)]


def preemption_summary(row):
    stopped, drained = [], []
    for s in row.get("reef_stats") or []:
        p = s.get("preemption_latency") or {}
        stopped += p.get("stopped_us", [])
        drained += p.get("drained_us", [])
    if not drained:
        return None
    return {"count": len(drained),
            "stopped_us": {q: percentile(stopped, q) for q in (50, 90, 99)} | {"max": max(stopped)},
            "drained_us": {q: percentile(drained, q) for q in (50, 90, 99)} | {"max": max(drained)},
            "drained_all_us": drained}


def baseline(rows):
    """RT alone: the latencies of the RT-alone rows pooled (one at the start of the call, one at
    the end, so drift during the call counts against neither side)."""
    pooled = [v for n in ("rt_alone", "rt_alone_end") for v in (rows.get(n) or {}).get("rt_latency_ms") or []]
    if not pooled:
        return None
    return {"rows": [n for n in ("rt_alone", "rt_alone_end") if n in rows], "n": len(pooled),
            "rt_p50_ms": percentile(pooled, 50), "rt_p99_ms": percentile(pooled, 99)}


def summarize(rows):
    base = baseline(rows)
    out = {"rows": {}, "verdicts": {}, "rt_alone_baseline": base}
    for name, r in rows.items():
        lat = r.get("rt_latency_ms") or []
        s = {k: r.get(k) for k in ("be_model", "high_priority", "requests", "rt_p50_ms", "rt_p90_ms", "rt_p99_ms",
                                    "rt_max_ms", "rt_gpu_p50_ms", "rt_gpu_p99_ms", "rt_launch_p50_ms", "rt_prepush", "be_its", "be_alone_its", "be_alone_after_its", "be_iterations_during_rt", "rt_mismatches",
                                    "be_mismatches", "be_error", "rt_output_sha256", "be_output_sha256", "reef",
                                    "preloaded", "gpu_clocks", "repeats", "be_its_each")}
        s["rt_requests_measured"] = len(lat)
        s["cdf_ms"] = cdf_points(lat)
        if base and r.get("rt_p99_ms") is not None:
            s["rt_p99_vs_alone"] = r["rt_p99_ms"] / base["rt_p99_ms"]
            s["rt_p50_vs_alone"] = r["rt_p50_ms"] / base["rt_p50_ms"]
        s["preemption"] = preemption_summary(r)
        s["reef_scheduling"] = [{k: v for k, v in st.items() if k != "preemption_latency"} for st in r.get("reef_stats") or []]
        out["rows"][name] = s

    def verdict(reef, no_reef):
        if reef not in rows or no_reef not in rows or not base:
            return {"pass": None, "why": "row missing"}
        r, n = out["rows"][reef], out["rows"][no_reef]
        p99 = r["rt_p99_vs_alone"]
        be = (r["be_its"] or 0) / n["be_its"] if n.get("be_its") else None
        # Drift-robust companion: each row's BE rate beside RT over its own BE-alone rate (before
        # and after the RT phase), Reef's over no Reef's. Reported, not the verdict.
        kept = lambda x: (x["be_its"] / ((x["be_alone_its"] + x["be_alone_after_its"]) / 2)
                          if x.get("be_its") and x.get("be_alone_its") and x.get("be_alone_after_its") else None)
        kr, kn = kept(r), kept(n)
        return {"rt_p99_ratio": p99, "rt_p99_limit": P99_LIMIT, "be_throughput_ratio": be, "be_limit": BE_LIMIT,
                "be_kept_ratio": kr / kn if kr and kn else None,
                "pass": bool(p99 <= P99_LIMIT and be is not None and be >= BE_LIMIT)}

    # The floor (rt-slowdown-diag.md): RT beside one small kernel on another stream every 100 ms.
    f = out["rows"].get("rt_floor")
    if f and base:
        out["rt_floor"] = {"rt_p50_ms": f["rt_p50_ms"], "rt_p99_ms": f["rt_p99_ms"], "rt_gpu_p50_ms": f["rt_gpu_p50_ms"],
                           "rt_p50_vs_alone": f["rt_p50_ms"] / base["rt_p50_ms"],
                           "rt_p99_vs_alone": f["rt_p99_ms"] / base["rt_p99_ms"]}
    out["verdicts"]["resnet152"] = verdict("reef", "no_reef")
    out["verdicts"]["transformer"] = verdict("tf_reef", "tf_no_reef")
    # REEF_RT_NUDGE rows, judged the same way (reported beside the defaults' verdict).
    out["verdicts"]["resnet152_nudge"] = verdict("reef_nudge", "no_reef")
    out["verdicts"]["transformer_nudge"] = verdict("tf_reef_nudge", "tf_no_reef")
    rt_hashes = {r.get("rt_output_sha256") for r in rows.values()}
    be_hashes = {}
    for r in rows.values():
        if r.get("be_output_sha256"):
            be_hashes.setdefault(r["be_model"], set()).add(r["be_output_sha256"])
    rt_ok = len(rt_hashes) == 1 and all((r.get("rt_mismatches") or 0) == 0 for r in rows.values())
    be_ok = not any(r.get("be_error") for r in rows.values())
    per_iteration = be_identity(rows)
    if per_iteration:
        # Every BE iteration hashed: each Reef row's outputs must be outputs the rows without
        # Reef produced (cuDNN/cuBLAS may legitimately vary without Reef too).
        be_ok = be_ok and all(v["outside"] == 0 for v in per_iteration.values())
    else:   # older rows: each iteration compared with the loop's reference pass
        be_ok = be_ok and all(len(h) == 1 for h in be_hashes.values()) and all(
            (r.get("be_mismatches") or 0) == 0 for r in rows.values())
    out["verdicts"]["outputs_identical"] = {"pass": rt_ok and be_ok, "rt_hashes": len(rt_hashes),
                                            "be_hashes": {k: len(v) for k, v in be_hashes.items()},
                                            "be_per_iteration": per_iteration}
    return out


def be_identity(rows):
    """Per row with hashed BE iterations: iterations, distinct outputs, and how many iterations gave
    an output that no row without Reef (same BE model) gave. {} when no row hashed its iterations."""
    plain = {}
    for r in rows.values():
        if r.get("be_output_hashes") and not r.get("preloaded"):
            plain.setdefault(r["be_model"], set()).update(r["be_output_hashes"])
    out = {}
    for name, r in rows.items():
        hashes = r.get("be_output_hashes")
        if not hashes:
            continue
        seen = plain.get(r["be_model"], set())
        out[name] = {"iterations": sum(hashes.values()), "distinct": len(hashes),
                     "outside": sum(c for h, c in hashes.items() if h not in seen) if seen else None,
                     "reef": bool(r.get("preloaded"))}
    return out


def fmt(v, spec="%.3f"):
    return "—" if v is None else spec % v


def dataloader_line(summary):
    d = summary["verdicts"].get("dataloader_fork")
    if d is None:
        return "DataLoader with forked workers: not run.\n"
    return "DataLoader with forked workers (ResNet-18, 2 fork workers, scheduling on): %s.\n" % (
        "completes under Reef with the same outputs as without" if d["pass"] else "**FAILED** (%s)" % json.dumps(d))


def markdown(summary, env, command):
    lines = ["# In-process RT/BE scheduling on one GPU (issue 3)", ""]
    lines += ["- command: `%s`" % command.strip(), "- commit: `%s`" % env.get("commit"),
              "- GPU: %s, driver %s, CUDA %s; torch %s, torchvision %s; date %s" % (
                  env.get("gpu_name"), env.get("driver_version"), env.get("cuda_driver_api_version"), env.get("torch"),
                  env.get("torchvision"), env.get("date_utc")),
              "- RT: CUDA-graph ResNet-50 bs1 fp16, one request every 10 ms, replayed by a C client (ctypes, GIL released) "
              "on its own stream; latency = completion of the stream synchronize - scheduled arrival.",
              "- BE: closed loop in a Python thread of the same process, on another stream; each iteration's output is "
              "compared with the loop's own second pass (same stream); every RT request's output with the graph's "
              "first replay.",
              "- Each row is its own process; all rows ran in one call, one after another.", ""]
    b = summary.get("rt_alone_baseline")
    if b:
        lines += ["RT-alone baseline for the ratios: the %d latencies of %s pooled: p50 %.3f ms, p99 %.3f ms." % (
            b["n"], " and ".join(b["rows"]), b["rt_p50_ms"], b["rt_p99_ms"]), ""]
    f = summary.get("rt_floor")
    if f:
        lines += ["Floor: beside one small kernel on another stream every 100 ms (`rt_floor`), RT took p50 %.3f ms "
                  "(%.2fx RT alone), p99 %.3f ms (%.2fx), device p50 %.3f ms: what RT pays on this GPU whenever any "
                  "other kernel runs in the process (`bench/results/rt-slowdown-diag.md`)." % (
                      f["rt_p50_ms"], f["rt_p50_vs_alone"], f["rt_p99_ms"], f["rt_p99_vs_alone"],
                      f["rt_gpu_p50_ms"] or 0), ""]
    for key, title, listed in GROUPS:
        names = group_rows(summary, key, listed)
        if not any(summary["rows"].get(n, {}).get("be_model") == key for n in names):
            continue
        lines += ["## " + title, "",
                  "| row | RT p50 ms | RT p99 ms | p99 / RT alone (pooled) | RT max ms | RT device p50 / p99 ms (submit p50) | BE it/s | BE alone it/s | preemptions | drained p50 / p99 us | SM MHz p50 (min) / W |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for n in names:
            r = summary["rows"].get(n)
            if not r:
                continue
            p = r.get("preemption")
            sched = (r.get("reef_scheduling") or [{}])[0]
            c = r.get("gpu_clocks")
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                LABELS.get(n, n) + (" (%d runs pooled)" % r["repeats"] if r.get("repeats") else ""), fmt(r["rt_p50_ms"]), fmt(r["rt_p99_ms"]), fmt(r.get("rt_p99_vs_alone"), "%.2f"),
                fmt(r["rt_max_ms"]),
                ("%s / %s%s" % (fmt(r.get("rt_gpu_p50_ms")), fmt(r.get("rt_gpu_p99_ms")),
                               " (%s)" % fmt(r["rt_launch_p50_ms"]) if r.get("rt_launch_p50_ms") else ""))
                if r.get("rt_gpu_p50_ms") else "—",
                fmt(r.get("be_its"), "%.1f"), fmt(r.get("be_alone_its"), "%.1f"),
                sched.get("preemptions", "—"),
                ("%.0f / %.0f" % (p["drained_us"][50], p["drained_us"][99])) if p else "—",
                ("%.0f (%.0f) / %.0f" % (c["sm_mhz_p50"], c["sm_mhz_min"], c["power_w_p50"])) if c else "—"))
        pooled = [(n, summary["rows"][n]) for n in names if (summary["rows"].get(n) or {}).get("repeats")]
        if pooled:
            lines += [""] + ["%s: %d runs pooled (RT latencies together); BE it/s of each: %s." % (
                LABELS.get(n, n), r["repeats"], ", ".join("%.1f" % v for v in r.get("be_its_each") or []) or "—")
                for n, r in pooled]
        v = summary["verdicts"].get(key, {})
        if v.get("pass") is not None:
            lines += ["", "Verdict: RT p99 ratio %.2f (limit %.2f), BE throughput %.0f %% of no Reef (limit %.0f %%): **%s**" % (
                v["rt_p99_ratio"], P99_LIMIT, 100 * (v["be_throughput_ratio"] or 0), 100 * BE_LIMIT,
                "pass" if v["pass"] else "FAIL")]
        vn = summary["verdicts"].get(key + "_nudge", {})
        if vn.get("pass") is not None:
            lines += ["", "With REEF_RT_NUDGE=on: RT p99 ratio %.2f, BE throughput %.0f %% of no Reef: **%s**" % (
                vn["rt_p99_ratio"], 100 * (vn["be_throughput_ratio"] or 0), "pass" if vn["pass"] else "FAIL")]
            if v.get("be_kept_ratio"):
                lines += ["", "Each row's BE rate beside RT over its own BE-alone rate (measured before and after "
                          "RT), Reef's over no Reef's: %.0f %% (drift-robust; not the verdict)." % (100 * v["be_kept_ratio"])]
        lines.append("")
    o = summary["verdicts"]["outputs_identical"]
    lines += ["Outputs: %s (RT output hashes across rows: %d distinct; BE: %s; per-request/iteration mismatches counted in "
              "each row)." % ("bit-identical" if o["pass"] else "NOT identical", o["rt_hashes"], o["be_hashes"]), ""]
    if o.get("be_per_iteration"):
        lines += ["BE outputs, every iteration hashed (outside: iterations whose output no row without Reef produced):", "",
                  "| row | iterations | distinct outputs | outside |", "|---|---|---|---|"]
        for name, v in o["be_per_iteration"].items():
            lines.append("| %s | %d | %d | %s |" % (LABELS.get(name, name), v["iterations"], v["distinct"],
                                                   "—" if v["outside"] is None else v["outside"]))
        lines += [""]
    lines += [
              dataloader_line(summary),
              "Preemption latency: from the first RT command of a burst to the dispatcher stopping BE release "
              "(stopped) and to no released BE command still running (drained), measured by Reef on the host "
              "(poll interval ~10 us); the RT kernels may start earlier on SMs the BE kernels leave free.", ""]
    timelines = [(n, st["dispatcher_ms"]) for n, r in summary["rows"].items()
                 for st in r.get("reef_scheduling") or [] if st.get("dispatcher_ms")]
    if timelines:
        keys = []   # every row's phases, in first-seen order (older libraries report fewer)
        for _, t in timelines:
            keys += [k for k in t if k not in keys]
        lines += ["Where each Reef row's dispatcher spent its time (ms, from REEF_STATS):", "",
                  "| row | " + " | ".join(k.replace("_", " ") for k in keys) + " |",
                  "|---|" + "---|" * len(keys)]
        lines += ["| %s | %s |" % (LABELS.get(n, n), " | ".join(str(t.get(k, "")) for k in keys)) for n, t in timelines]
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "bench", "results"))
    ap.add_argument("--name", default="inprocess-h100")
    a = ap.parse_args(argv)
    rows = load_rows(a.run_dir)
    if not rows:
        sys.exit("no rows under %s/rows" % a.run_dir)
    env = {}
    if os.path.exists(os.path.join(a.run_dir, "env.json")):
        with open(os.path.join(a.run_dir, "env.json")) as f:
            env = json.load(f)
    command = ""
    if os.path.exists(os.path.join(a.run_dir, "command.txt")):
        with open(os.path.join(a.run_dir, "command.txt")) as f:
            command = f.read()
    summary = summarize(rows)
    summary["verdicts"]["dataloader_fork"] = dataloader_check(a.run_dir)
    summary["environment"] = env
    summary["command"] = command.strip()
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, a.name + ".json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(a.out_dir, a.name + ".md"), "w") as f:
        f.write(markdown(summary, env, command))
    drained = [(LABELS.get(n, n), summary["rows"][n]["preemption"]["drained_all_us"]) for n in summary["rows"]
               if (summary["rows"][n].get("preemption") or {}).get("drained_all_us")]
    if drained:
        series = [(label, [max(v, 1) for v in sorted(vals)], [(i + 1) / len(vals) for i in range(len(vals))])
                  for label, vals in drained]
        charts.line_chart(os.path.join(a.out_dir, "%s-preemption.png" % a.name),
                          "Preemption latency: RT arrival to BE drained (host-observed)", "microseconds (log)",
                          "fraction of preemptions", series)
    for key, title, listed in GROUPS:
        names = group_rows(summary, key, listed)
        if not any(summary["rows"].get(n, {}).get("be_model") == key for n in names):
            continue
        series = [(LABELS.get(n, n), [x for x, _ in summary["rows"][n]["cdf_ms"]], [y for _, y in summary["rows"][n]["cdf_ms"]])
                  for n in names if n in summary["rows"] and summary["rows"][n]["cdf_ms"]
                  and n not in ("rt_alone_end",)]
        if series:
            charts.line_chart(os.path.join(a.out_dir, "%s-cdf-%s.png" % (a.name, key)),
                              "RT latency CDF, " + title, "RT latency (ms, log)", "fraction of requests", series)
    print(json.dumps(summary["verdicts"], indent=1))


if __name__ == "__main__":
    main()
