"""results.md: environment, systems, standalone reference, one DISB table per workload and variant,
per-client throughput, Reef's CPU overhead and counters, and what was skipped or failed."""
from . import workloads as wl
from .report_data import find_cell, has_data, system_order, variant_order, workload_order


def f(v, digits=2, suffix=""):
    if v is None:
        return "—"
    return ("%." + str(digits) + "f%s") % (v, suffix)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def variant_title(key):
    mode, _, batch = key.partition("-bs")
    return "%s — RT %s, BE batch %s" % (key, "CUDA-graph replay" if mode == "graph" else "eager", batch)


def header_section(results):
    m = results.get("meta", {})
    gpu, v = m.get("gpu", {}), m.get("versions", {})
    cells = [c for c in results["cells"].values()]
    count = lambda s: sum(1 for c in cells if c["status"] == s)
    lines = [
        "# Reef DISB benchmark — %s, %s" % (gpu.get("name", "?"), m.get("date", "?")),
        "",
        "- Commit: `%s`" % m.get("commit", "unknown"),
        "- GPU: %s, %s; driver %s (driver CUDA %s); CPU: %s" % (
            gpu.get("name", "?"), gpu.get("memory", "?"), gpu.get("driver", "?"), gpu.get("driver_cuda", "?"),
            m.get("cpu", "?")),
        "- Software: PyTorch %s (CUDA %s, cuDNN %s), torchvision %s, transformers %s, Python %s; backend `%s`" % (
            v.get("torch", "?"), v.get("torch_cuda", "?"), v.get("cudnn", "?"), v.get("torchvision", "?"),
            v.get("transformers", "?"), v.get("python", "?"), m.get("backend", "?")),
        "- Cells: %d ok, %d partial, %d skipped, %d failed" % (count("ok"), count("partial"), count("skipped"),
                                                              count("failed")),
        "- Each cell: %s s warm-up (not measured) + **%s s measured** (DISB runs 60 s; shortened to fit the GPU "
        "budget). Standalone reference: %s." % (
            m.get("warmup_s"), m.get("duration_s"),
            m.get("standalone") or "each RT model alone, uniform %s req/s" % m.get("standalone_rate")),
        "- Latency = completion − *scheduled* arrival. Δ mean is DISB's RT-latency increase; its % is "
        "of the co-located latency, as DISB prints it; × SA is the ratio to standalone.",
        "- Queue delay = device start of the request's first kernel (CUDA events; a 1-element probe kernel "
        "launched first) − scheduled arrival: the preemption-latency analogue for systems that cannot preempt.",
        "- p99.9 of fewer than 1000 samples is, in effect, the maximum.",
    ]
    reef = m.get("reef")
    if reef:
        lines.append("- libreef.so: sha256 `%s`, %d bytes" % (reef.get("sha256", "?")[:16], reef.get("size", 0)))
    lines += ["", "Commands:", ""]
    for r in results.get("runs", []):
        lines.append("- `%s` — started %s, %s s (estimate %s s)" % (
            r.get("command"), r.get("started"), f(r.get("wall_s"), 0), f(r.get("estimate_s"), 0)))
    notes = m.get("notes", [])
    if notes:
        lines += ["", "Notes:", ""] + ["- " + n for n in notes]
    return "\n".join(lines)


def systems_section(results):
    rows = []
    for name in system_order(results):
        s = results["systems"].get(name, {})
        what = s.get("summary", "")
        if s.get("note"):
            what += " — " + s["note"]
        if s.get("skip_reason"):
            what += " — **skipped: %s**" % s["skip_reason"]
        rows.append(["`%s`" % name, s.get("clients", "?"), what])
    return "## Systems\n\n" + table(["system", "clients", "what it is"], rows)


def standalone_section(results):
    rows = []
    for key in sorted(results.get("standalone", {})):
        model, mode, kind = key.split("|", 2)
        kind = kind.replace("|", " ") + (" req/s" if kind.startswith("uniform|") else "")
        e = results["standalone"][key]
        rows.append([model, mode, kind, f(e.get("mean_ms")), f(e.get("p50_ms")), f(e.get("p99_ms")),
                     f(e.get("device_ms")), e.get("n")])
    return ("## Standalone RT latency (the reference for Δ and × SA)\n\n"
            + table(["model", "RT mode", "arrivals", "mean ms", "p50 ms", "p99 ms", "device ms", "n"], rows))


def workload_table(results, workload, variant):
    rows = []
    for name in system_order(results):
        c = find_cell(results, workload, name, variant)
        if c is None:
            continue
        if not has_data(c):
            rows.append(["`%s`" % name] + ["—"] * 13 + [c["status"]])
            continue
        lat, d, t = c["rt"]["latency_ms"], c["rt"]["disb"], c["throughput"]
        q = c["preemption"]["queue_delay_ms"]
        delta = "—" if d["increase_ms"] is None else "%+.2f (%+.1f%%)" % (d["increase_ms"], d["increase_pct"])
        status = c["status"] + (" (%d unserved)" % c["rt"]["unserved"] if c["rt"].get("unserved") else "")
        rows.append(["`%s`" % name, f(lat["mean"]), f(lat["p50"]), f(lat["p99"]), f(lat["p999"]), delta,
                     f(d["ratio"], 2, "×"), f(c["rt"].get("worst_p99_ratio"), 2, "×"), f(t["rt_rps"], 1),
                     f(t["be_rps"], 1), f(t["be_samples_per_s"], 1), f(t["overall_rps"], 1),
                     f(q["p99"]), f(c["cpu"]["cpu_ms_per_req"], 3), status])
    header = ["system", "RT mean ms", "p50", "p99", "p99.9", "Δ mean ms (DISB %)", "× SA mean",
              "worst × SA p99", "RT req/s", "BE req/s", "BE samples/s", "overall req/s", "queue delay p99 ms",
              "CPU ms/req", "status"]
    return table(header, rows)


def client_table(results, workload, variant):
    names = [n for n in system_order(results) if has_data(find_cell(results, workload, n, variant))]
    w = wl.WORKLOADS.get(workload)
    ids = [c.id for c in w.clients] if w else []
    rows = []
    for cid in ids:
        row = [cid]
        for n in names:
            c = find_cell(results, workload, n, variant)
            match = [x for x in c["clients"] if x["id"] == cid]
            if not match:
                row.append("—")
                continue
            x = match[0]
            cell = f(x["throughput_rps"], 1)
            if x["role"] == "rt" and x["latency_ms"]["p99"] is not None:
                cell += " (p99 %s)" % f(x["latency_ms"]["p99"])
            if x.get("graph_fallback"):
                cell += " eager*"
            row.append(cell)
        rows.append(row)
    return table(["client req/s"] + ["`%s`" % n for n in names], rows)


def plot_links(workload, variant, plots):
    base = "%s-%s.png" % (workload, variant)
    kinds = (("cdf", "RT latency CDF"), ("throughput", "throughput"), ("preempt", "queue delay"))
    return " ".join("![%s](%s-%s)" % (alt, k, base) for k, alt in kinds if "%s-%s" % (k, base) in plots)


def workloads_section(results, plots=()):
    parts = []
    for w in workload_order(results):
        if w == "standalone":
            continue
        desc = wl.WORKLOADS[w].summary if w in wl.WORKLOADS else ""
        parts.append("## Workload %s — %s" % (w, desc))
        for v in variant_order(results):
            if not any(find_cell(results, w, n, v) for n in system_order(results) if n != "rt-only"):
                continue
            parts.append("### %s\n\n%s\n\nPer client (req/s, RT p99 ms; `eager*` = CUDA graph capture failed, "
                         "ran eager):\n\n%s" % (variant_title(v), workload_table(results, w, v),
                                                client_table(results, w, v)))
            links = plot_links(w, v, plots)
            if links:
                parts.append(links)
    return "\n\n".join(parts)


def reef_section(results):
    reef_names = [n for n in system_order(results) if results["systems"].get(n, {}).get("is_reef")]
    if not reef_names:
        return ""
    rows = []
    for name in reef_names:
        base = results["systems"][name].get("cpu_baseline") or "multi-process"
        for w in workload_order(results):
            for v in variant_order(results):
                r, b = find_cell(results, w, name, v), find_cell(results, w, base, v)
                if not (has_data(r) and has_data(b)):
                    continue
                rc, bc = r["cpu"]["cpu_ms_per_req"], b["cpu"]["cpu_ms_per_req"]
                delta = None if rc is None or bc is None else rc - bc
                pct = None if delta is None or not bc else 100.0 * delta / bc
                rows.append(["`%s`" % name, w, v, "`%s`" % base, f(bc, 3), f(rc, 3), f(delta, 3), f(pct, 1, "%")])
    parts = ["## Reef CPU overhead (process CPU time per request, measurement window)",
             table(["Reef system", "workload", "variant", "baseline", "baseline ms/req", "Reef ms/req", "Δ ms/req",
                    "Δ %"], rows) if rows else "No Reef cell with a matching baseline ran."]
    stat_rows = []
    for name in reef_names:
        s = results["systems"][name]
        st = s.get("reef_stats") or {}
        counters = st.get("counters", {})
        shown = ", ".join("%s=%s" % (k, counters[k]) for k in sorted(counters)[:12]) or "—"
        pre = st.get("preempt_latency_ms") or {}
        stop = st.get("preempt_stopped_ms") or {}
        stat_rows.append(["`%s`" % name, s.get("reef_knobs") or "defaults", st.get("processes", 0),
                          pre.get("n") or 0,
                          "%s / %s / %s" % (f(pre.get("p50"), 3), f(pre.get("p99"), 3), f(pre.get("max"), 3)),
                          "%s / %s" % (f(stop.get("p50"), 3), f(stop.get("p99"), 3)), shown])
    parts.append("Reef's own stats (REEF_STATS, summed over the system's processes for the whole block, all "
                 "workloads and variants). Preemption latency, as the library's dispatcher measures it on the "
                 "host: from the first RT command of a burst to the moment no released BE command was still "
                 "running (the GPU was RT's), and to the moment BE release stopped:\n\n"
                 + table(["Reef system", "knobs", "processes", "preemptions measured",
                          "to GPU free p50 / p99 / max ms", "to release stopped p50 / p99 ms", "counters"],
                         stat_rows))
    return "\n\n".join(parts)


def problems_section(results):
    rows = []
    for key in sorted(results["cells"]):
        c = results["cells"][key]
        if c["status"] in ("ok",) and not c.get("error"):
            continue
        first = (c.get("error") or "").strip().splitlines()
        rows.append("- `%s`: %s — %s" % (key, c["status"], first[0] if first else ""))
    if not rows:
        return ""
    return "## Skipped, failed or partial cells\n\n" + "\n".join(rows)


def render(results, plots=()):
    """plots: file names of the PNGs written next to results.md (only those get linked)."""
    sections = [header_section(results), systems_section(results), standalone_section(results),
                workloads_section(results, set(plots)), reef_section(results), problems_section(results)]
    return "\n\n".join(s for s in sections if s) + "\n"
