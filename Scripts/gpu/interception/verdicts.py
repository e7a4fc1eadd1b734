"""Pass/fail decisions for checks (a)-(g), from the raw results the GPU steps wrote.

One place decides; the GPU scripts only measure. Every check returns
  {"id", "title", "status": pass|fail|error, "pass", "reason", "criteria": [...], "metrics": {...}}
where each criterion is {"name", "value", "threshold", "pass"}; "error" means the inputs needed
to decide were missing (a step crashed or timed out), with the reason saying which.
"""
import re

import reef_stats
import timing

PASS, FAIL, ERROR = "pass", "fail", "error"
LATENCY_MAX_RATIO = 1.01
LATENCY_MIN_ITERS = 300
RATE_MIN_RATIO = 0.97
RATE_MIN_LAUNCHES = 1_000_000
RATE_MIN_RUNS = 2
EXTRA_OPS = ("gemm", "conv", "compiled", "graph")


def get(doc, *keys, default=None):
    for key in keys:
        if not isinstance(doc, dict) or key not in doc:
            return default
        doc = doc[key]
    return doc


def criterion(name, value, threshold, ok):
    return {"name": name, "value": value, "threshold": threshold, "pass": bool(ok)}


def _fmt(value):
    return value if isinstance(value, str) else repr(value)


def finish(cid, title, criteria, metrics, error=None):
    if error:
        status, reason = ERROR, error
    elif not criteria:
        status, reason = ERROR, "no criterion could be evaluated"
    else:
        failed = [c for c in criteria if not c["pass"]]
        status = FAIL if failed else PASS
        reason = "all criteria met" if not failed else "; ".join(
            "%s: %s, required %s" % (c["name"], _fmt(c["value"]), c["threshold"]) for c in failed)
    return {"id": cid, "title": title, "status": status, "pass": status == PASS,
            "reason": reason, "criteria": criteria, "metrics": metrics}


def _short(text, limit=300):
    text = str(text).strip()
    return text if len(text) <= limit else "..." + text[-limit:]


def _errors(doc):
    return "; ".join(_short(e) for e in (doc or {}).get("errors", []))


def _missing(named):
    """Reason naming the inputs that are None, or None if all are present."""
    absent = [name for name, value in named if value is None]
    return ("missing input: " + ", ".join(absent)) if absent else None


# ---- (a) ---------------------------------------------------------------------------------------
def check_launch_count(small, large, stats_small, stats_large, plain):
    title = "ResNet-50 fp16 bs1: Reef launches per inference == torch.profiler kernels per inference"
    prof_one = get(plain, "profile", "resnet_one", "counts", "kernel")
    err = _missing([("Reef run with fewer inferences", get(small, "resnet", "iters")),
                    ("Reef run with more inferences", get(large, "resnet", "iters")),
                    ("Reef stats of the smaller run", stats_small),
                    ("Reef stats of the larger run", stats_large),
                    ("profiler kernel count (run without Reef)", prof_one)])
    if err:
        return finish("a", title, [], {}, err)
    k = large["resnet"]["iters"] - small["resnet"]["iters"]
    if k <= 0:
        return finish("a", title, [], {}, "the larger run does not have more inferences")
    delta = reef_stats.diff(stats_small, stats_large)
    per, exact = reef_stats.per_iteration(delta["launches"], k)
    per_value = int(per) if exact else timing.round_sig(per)
    prof_ten = get(plain, "profile", "resnet_ten", "counts", "kernel")
    uneven = sorted(n for n, d in delta["kernels"].items() if d % k)
    criteria = [
        criterion("libreef.so mapped in both Reef runs",
                  bool(small.get("reef_loaded")) and bool(large.get("reef_loaded")), "true",
                  small.get("reef_loaded") and large.get("reef_loaded")),
        criterion("Reef launch difference divisible by the inference difference",
                  delta["launches"], "multiple of %d" % k, exact),
        criterion("Reef launches per inference", per_value,
                  "== %d (torch.profiler kernels in 1 inference)" % prof_one, exact and per == prof_one),
    ]
    metrics = {
        "inferences_small_run": small["resnet"]["iters"],
        "inferences_large_run": large["resnet"]["iters"],
        "reef_launches_small_run": stats_small["launches"],
        "reef_launches_large_run": stats_large["launches"],
        "reef_launches_per_inference": per_value,
        "reef_launch_calls_per_inference": timing.round_sig(delta["launch_calls"] / k),
        "reef_graph_launches_difference": delta["graph_launches"],
        "reef_calls_per_inference": {n: timing.round_sig(d / k) for n, d in delta["calls"].items()},
        "reef_kernels_not_divisible": uneven[:10],
        "profiler_kernels_one_inference": prof_one,
        "profiler_kernels_ten_inferences": prof_ten,
        "profiler_memcpy_one_inference": get(plain, "profile", "resnet_one", "counts", "gpu_memcpy"),
        "profiler_memset_one_inference": get(plain, "profile", "resnet_one", "counts", "gpu_memset"),
    }
    return finish("a", title, criteria, metrics)


# ---- (b) ---------------------------------------------------------------------------------------
_OP_PATTERNS = {
    "gemm": ("cuBLAS GEMM (torch.matmul fp16 1024x1024)", reef_stats.match_gemm, reef_stats.GEMM_RE.pattern),
    "conv": ("cuDNN convolution (F.conv2d fp16)", reef_stats.match_conv, reef_stats.CONV_RE.pattern),
    "compiled": ("Triton kernel from torch.compile", reef_stats.match_triton, reef_stats.TRITON_RE.pattern),
}


def check_kernels_seen(extras_run, stats_extras, plain):
    title = "Reef sees cuBLAS, cuDNN, Triton kernels and CUDA-graph replays"
    err = _missing([("Reef extras run", extras_run), ("Reef stats of the extras run", stats_extras)])
    if err:
        return finish("b", title, [], {}, err)
    names = sorted(stats_extras["kernels"])
    criteria = [criterion("libreef.so mapped in the Reef run", bool(extras_run.get("reef_loaded")),
                          "true", extras_run.get("reef_loaded"))]
    metrics = {"reef_distinct_kernels": len(names)}
    for op, (label, matcher, pattern) in _OP_PATTERNS.items():
        ran = get(extras_run, "extras", op, "sha256") is not None
        hits = matcher(names)
        profiler_names = sorted(get(plain, "profile", op, "kernel_names", default={}) or {})
        seen = [p for p in profiler_names if any(reef_stats.names_match(r, p) for r in names)]
        by_profiler = bool(profiler_names) and len(seen) == len(profiler_names)
        if not ran:
            value = "op failed: " + _short(get(extras_run, "errors", op, default="no output"))
        elif hits:
            value = hits[0]
        elif by_profiler:
            value = "profiler names all seen: " + ", ".join(seen)[:300]
        else:
            value = "none"
        criteria.append(criterion(label + " seen by Reef", value,
                                  "a Reef kernel name matching /%s/, or every kernel torch.profiler "
                                  "shows for the op" % pattern, ran and (hits or by_profiler)))
        metrics[op] = {"pattern_matches": hits[:5], "profiler_kernels": profiler_names[:5],
                       "profiler_kernels_seen_by_reef": len(seen),
                       "profiler_kernels_total": len(profiler_names)}
    replays = get(extras_run, "extras", "graph", "replays")
    ran = get(extras_run, "extras", "graph", "sha256") is not None
    criteria.append(criterion("CUDA graph replays counted (graph_launches)", stats_extras["graph_launches"],
                              ">= %s (replays)" % replays,
                              ran and replays is not None and stats_extras["graph_launches"] >= replays))
    metrics["graph"] = {"replays": replays, "graph_launches": stats_extras["graph_launches"],
                        "cuGraphLaunch_calls": sum(v for k, v in stats_extras["calls"].items()
                                                   if k.startswith("cuGraphLaunch"))}
    return finish("b", title, criteria, metrics)


# ---- (c) ---------------------------------------------------------------------------------------
def check_bit_identical(plain, reef_runs, plain_extras=None):
    """reef_runs: {"resnet": [workload docs], "extras": workload doc} run with Reef.
    plain_extras: a run without Reef made exactly like the Reef extras run. cuBLAS picks its
    GEMM kernels partly from the allocator's state, so the extras are compared with a process
    that ran the same steps (the profiled plain run also ran ResNet-50 first)."""
    title = "outputs bit-identical with and without Reef (sha256)"
    err = _missing([("run without Reef", plain)])
    if err:
        return finish("c", title, [], {}, err)
    pairs = [("resnet50", get(plain, "resnet", "sha256"), [get(r, "resnet", "sha256") for r in reef_runs.get("resnet", [])])]
    extras_base = plain_extras if plain_extras else plain
    for op in EXTRA_OPS:
        pairs.append((op, get(extras_base, "extras", op, "sha256"), [get(reef_runs.get("extras"), "extras", op, "sha256")]))
    if not any(want is not None and any(g is not None for g in gots) for _, want, gots in pairs):
        return finish("c", title, [], {}, "no output was produced both with and without Reef")
    reef_docs = [d for d in reef_runs.get("resnet", []) + [reef_runs.get("extras")] if d]
    loaded = all(d.get("reef_loaded") is True for d in reef_docs)
    plain_loaded = any(d.get("reef_loaded") is not False for d in (plain, plain_extras) if d)
    criteria = [criterion("libreef.so mapped with Reef, not without",
                          "reef=%s, plain=%s" % (loaded, plain_loaded), "reef=True, plain=False",
                          loaded and not plain_loaded)]
    metrics = {}
    for name, want, gots in pairs:
        gots = [g for g in gots if g is not None]
        if want is None or not gots:
            value = "missing (%s)" % ("no output without Reef" if want is None else "no output with Reef")
            ok = False
        else:
            ok = all(g == want for g in gots)
            value = "identical" if ok else "different"
        criteria.append(criterion(name + " output", value, "identical sha256", ok))
        metrics[name] = {"without_reef": want, "with_reef": gots}
    return finish("c", title, criteria, metrics)


def paired_median_ratio(entries, key, reduce):
    """Median over rounds of reef/plain, where each entry has "round", "config" and `key`
    (reduced to one number per entry by `reduce`). Rounds missing either configuration are
    skipped; None when no round has both."""
    by_round = {}
    for e in entries:
        if e.get("config") in ("reef", "plain") and e.get(key) and e.get("round") is not None:
            by_round.setdefault(e["round"], {})[e["config"]] = reduce(e[key])
    ratios = [v["reef"] / v["plain"] for v in by_round.values() if "reef" in v and "plain" in v and v["plain"]]
    return timing.round_sig(timing.median(ratios), 6) if ratios else None


def worker_flag(lat, config):
    """Whether libreef.so was mapped in the workers of `config`: True or False when every worker
    said so alike, None otherwise. Workers are one dict (one pair) or a list of them (several)."""
    workers = get(lat, "workers", config)
    if isinstance(workers, dict):
        workers = [workers]
    flags = {w.get("reef_loaded") for w in workers or [] if isinstance(w, dict)}
    return flags.pop() if len(flags) == 1 else None


# ---- (d) ---------------------------------------------------------------------------------------
def check_latency(lat, max_ratio=LATENCY_MAX_RATIO, min_iters=LATENCY_MIN_ITERS, aa=None):
    title = "ResNet-50 fp16 bs1 eager latency with Reef <= %.2fx without" % max_ratio
    err = _missing([("latency results", lat)])
    if err:
        return finish("d", title, [], {}, err)
    times = {"reef": [], "plain": []}
    round_medians = {"reef": [], "plain": []}
    for entry in lat.get("rounds", []):
        cfg = entry.get("config")
        if cfg in times and entry.get("times_ms"):
            times[cfg].extend(entry["times_ms"])
            round_medians[cfg].append(timing.round_sig(timing.median(entry["times_ms"])))
    if not times["reef"] or not times["plain"]:
        return finish("d", title, [], {"errors": lat.get("errors", [])},
                      "no timed inferences for %s" % " and ".join(k for k, v in times.items() if not v)
                      + ("; " + _errors(lat) if lat.get("errors") else ""))
    s_reef, s_plain = timing.summarize(times["reef"]), timing.summarize(times["plain"])
    r_unpaired = timing.ratio(s_reef["median"], s_plain["median"])
    # Judged: the median of per-round ratios (each round runs both workers back to back), which
    # cancels the host's slow drift that the ratio of overall medians keeps.
    r_median = paired_median_ratio(lat.get("rounds", []), "times_ms", lambda v: timing.median(v))
    loaded, plain_loaded = worker_flag(lat, "reef"), worker_flag(lat, "plain")
    criteria = [
        criterion("libreef.so mapped in the Reef worker only", "reef=%s, plain=%s" % (loaded, plain_loaded),
                  "reef=True, plain=False", loaded is True and plain_loaded is False),
        criterion("timed inferences with Reef", s_reef["n"], ">= %d" % min_iters, s_reef["n"] >= min_iters),
        criterion("timed inferences without Reef", s_plain["n"], ">= %d" % min_iters, s_plain["n"] >= min_iters),
        criterion("median of per-round latency ratios Reef/plain", r_median, "<= %s" % max_ratio,
                  r_median is not None and r_median <= max_ratio),
    ]
    metrics = {
        "reef_ms": s_reef, "plain_ms": s_plain,
        "ratio_median": r_median,
        "ratio_of_medians_unpaired": r_unpaired,
        "ratio_p90": timing.ratio(s_reef["p90"], s_plain["p90"]),
        "ratio_mean": timing.ratio(s_reef["mean"], s_plain["mean"]),
        "round_medians_reef_ms": round_medians["reef"],
        "round_medians_plain_ms": round_medians["plain"],
        "rounds_completed": len(round_medians["reef"]),
        "design": lat.get("config", {}).get("design"),
        "pin_cores": lat.get("config", {}).get("pin_cores"),
        "errors": lat.get("errors", []),
    }
    # Reported, not judged: the same coordinator with a preload library that does nothing (an
    # A/A control): how far from 1.0 this host puts the statistic when the library is not Reef.
    if aa and aa.get("rounds"):
        metrics["aa_ratio_median"] = paired_median_ratio(aa["rounds"], "times_ms", lambda v: timing.median(v))
        metrics["aa_rounds"] = len({e.get("round") for e in aa["rounds"]})
    return finish("d", title, criteria, metrics)


# ---- (e) ---------------------------------------------------------------------------------------
def check_launch_rate(micro, min_ratio=RATE_MIN_RATIO, min_launches=RATE_MIN_LAUNCHES, min_runs=RATE_MIN_RUNS):
    title = "empty-kernel launch rate with Reef >= %d%% of without" % round(min_ratio * 100)
    err = _missing([("microbenchmark results", micro)])
    if err:
        return finish("e", title, [], {}, err)
    rates = {"reef": [], "plain": []}
    loaded = {"reef": [], "plain": []}
    launches = []
    for run in micro.get("runs", []):
        cfg = run.get("config")
        if cfg in rates and run.get("rc") == 0 and run.get("launches_per_s"):
            rates[cfg].append(run["launches_per_s"])
            loaded[cfg].append(run.get("reef_loaded"))
            launches.append(run.get("launches", 0))
    if not rates["reef"] or not rates["plain"]:
        return finish("e", title, [], {"errors": micro.get("errors", [])},
                      "no successful runs for %s" % " and ".join(k for k, v in rates.items() if not v)
                      + ("; " + _errors(micro) if micro.get("errors") else ""))
    m_reef, m_plain = timing.median(rates["reef"]), timing.median(rates["plain"])
    r_unpaired = timing.ratio(m_reef, m_plain)
    # Judged: the median of per-round ratios (the configurations of a round run back to back).
    ok_runs = [run for run in micro.get("runs", []) if run.get("rc") == 0 and run.get("launches_per_s")]
    r = paired_median_ratio(ok_runs, "launches_per_s", lambda v: v)
    criteria = [
        criterion("libreef.so mapped in Reef runs only",
                  "reef=%s, plain=%s" % (all(v is True for v in loaded["reef"]), any(v is True for v in loaded["plain"])),
                  "reef=True, plain=False",
                  all(v is True for v in loaded["reef"]) and not any(v is True for v in loaded["plain"])),
        criterion("launches per run (fewest)", min(launches), ">= %d" % min_launches, min(launches) >= min_launches),
        criterion("successful runs per configuration (fewest)", min(len(rates["reef"]), len(rates["plain"])),
                  ">= %d" % min_runs, min(len(rates["reef"]), len(rates["plain"])) >= min_runs),
        criterion("median of per-round launch rate ratios Reef/plain", r, ">= %s" % min_ratio,
                  r is not None and r >= min_ratio),
    ]
    metrics = {
        "reef_launches_per_s_median": timing.round_sig(m_reef),
        "plain_launches_per_s_median": timing.round_sig(m_plain),
        "ratio_median": r,
        "ratio_of_medians_unpaired": r_unpaired,
        "reef_launches_per_s": [timing.round_sig(x) for x in rates["reef"]],
        "plain_launches_per_s": [timing.round_sig(x) for x in rates["plain"]],
        "sync_every": micro.get("config", {}).get("sync_every"),
        "launches_per_run": micro.get("config", {}).get("launches"),
        "errors": micro.get("errors", []),
    }
    # Reported, not judged: the library loaded with REEF_DISABLE=1 (C wrappers forward directly),
    # which separates the cost of Reef's core from that of having the library in the process.
    disabled = [run["launches_per_s"] for run in micro.get("runs", [])
                if run.get("config") == "reef_disabled" and run.get("rc") == 0 and run.get("launches_per_s")]
    if disabled:
        metrics["reef_disabled_launches_per_s"] = [timing.round_sig(x) for x in disabled]
        metrics["reef_disabled_ratio_median"] = timing.ratio(timing.median(disabled), m_plain)
    # Reported, not judged: REEF_STATS set, so the launch path counts per api, stream and kernel
    # (the default forwards at once when nothing would read the counts).
    counted = [run["launches_per_s"] for run in micro.get("runs", [])
               if run.get("config") == "reef_stats" and run.get("rc") == 0 and run.get("launches_per_s")]
    if counted:
        metrics["reef_stats_launches_per_s"] = [timing.round_sig(x) for x in counted]
        metrics["reef_stats_ratio_median"] = timing.ratio(timing.median(counted), m_plain)
    return finish("e", title, criteria, metrics)


# ---- (f) ---------------------------------------------------------------------------------------
def parse_replays(stdout):
    m = re.search(r"^graph_replays=(\d+)$", stdout or "", re.M)
    return int(m.group(1)) if m else None


def check_cross_runtime(cross):
    title = "CUDA C++ runtime-API program: identical output, launches counted by Reef"
    err = _missing([("cross-runtime results", cross), ("run without Reef", get(cross, "plain")),
                    ("run with Reef", get(cross, "reef"))])
    if err:
        return finish("f", title, [], {}, err)
    plain, reef = cross["plain"], cross["reef"]
    stats = reef.get("stats")
    replays = parse_replays(plain.get("stdout"))
    same = plain.get("stdout") is not None and plain.get("stdout") == reef.get("stdout")
    launches = get(stats, "launches")
    graphs = get(stats, "graph_launches")
    criteria = [
        criterion("exit code without Reef", plain.get("rc"), "== 0", plain.get("rc") == 0),
        criterion("exit code with Reef", reef.get("rc"), "== 0", reef.get("rc") == 0),
        criterion("stdout with Reef", "identical" if same else "different", "identical to without Reef", same),
        criterion("Reef stats launches", launches if launches is not None else "no stats file", "> 0",
                  launches is not None and launches > 0),
        criterion("Reef stats graph_launches", graphs if graphs is not None else "no stats file",
                  ">= %s (graph replays the program reports)" % replays,
                  graphs is not None and replays is not None and graphs >= replays),
    ]
    metrics = {"graph_replays": replays, "stdout_lines": len((plain.get("stdout") or "").splitlines()),
               "reef_stats": reef_stats.summary(stats, 5) if stats else None,
               "stdout_plain_tail": (plain.get("stdout") or "")[-600:],
               "stdout_reef_tail": (reef.get("stdout") or "")[-600:] if not same else "(same)",
               "stderr_reef_tail": (reef.get("stderr") or "")[-600:]}
    return finish("f", title, criteria, metrics)


# ---- (g) ---------------------------------------------------------------------------------------
def check_processes(proc):
    title = "fork()ed multiprocessing children and processes without GPU use run normally under Reef"
    err = _missing([("process results", proc)])
    if err:
        return finish("g", title, [], {}, err)
    criteria, metrics = [], {}
    for test in proc.get("tests", []):
        name, reef, plain = test.get("name"), test.get("reef") or {}, test.get("plain") or {}
        expected = test.get("expected_stdout")
        rc = reef.get("rc")
        out = (reef.get("stdout") or "").strip()
        if expected is not None:
            ok_out, want = out == expected, "stdout %r" % expected
        else:
            ok_out, want = plain.get("rc") == 0 and out == (plain.get("stdout") or "").strip(), "stdout as without Reef"
        marker = test.get("marker")
        if marker:
            ok_out = ok_out and marker in out
            want += " containing %r" % marker
        value = "rc=%s, stdout %s" % (rc, "as expected" if ok_out else "unexpected")
        if plain and plain.get("rc") not in (0, None):
            value += " (also rc=%s without Reef)" % plain.get("rc")
        criteria.append(criterion(name, value, "rc=0, " + want, rc == 0 and ok_out))
        metrics[name] = {"rc_reef": rc, "rc_plain": plain.get("rc"), "seconds_reef": reef.get("seconds"),
                         "stdout_reef_tail": out[-300:], "stderr_reef_tail": (reef.get("stderr") or "")[-300:]}
    return finish("g", title, criteria, metrics, None if criteria else "no process test ran")
