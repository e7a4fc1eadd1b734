"""DISB's metrics from the raw per-request records the workers send back.

DISB reports RT latency, its increase over standalone execution and overall throughput. Its
published percentage is the increase divided by the co-located latency (e.g. +0.207 ms on
2.975 ms = +6.96%); we report that and, more readable, the ratio to standalone.

A raw RT record is [scheduled, submitted, done, device_start, device_end, thread_cpu] in seconds
from the cell start (device times already mapped to the host clock, or None); a BE record has
the same shape with scheduled == submitted.
"""
from . import stats

SCHED, SUBMIT, DONE, DEV_START, DEV_END, CPU = range(6)


def standalone_key(model, rt_mode, arrival, rate=0.0):
    """A client's standalone reference: same model, mode and arrival process, alone (Poisson
    arrivals use the uniform reference of the same mean rate)."""
    if arrival in ("closed", "trace"):
        return "%s|%s|%s" % (model, rt_mode, arrival)
    return "%s|%s|uniform|%g" % (model, rt_mode, rate or 0.0)


def increase(colocated_ms, standalone_ms):
    """DISB's RT-latency increase: absolute, DISB's percent (of co-located) and ratio to standalone."""
    if colocated_ms is None or not standalone_ms:
        return {"standalone_ms": standalone_ms, "increase_ms": None, "increase_pct": None, "ratio": None}
    inc = colocated_ms - standalone_ms
    return {
        "standalone_ms": standalone_ms,
        "increase_ms": inc,
        "increase_pct": 100.0 * inc / colocated_ms if colocated_ms else None,
        "ratio": colocated_ms / standalone_ms,
    }


def _ms(seconds):
    return [1000.0 * s for s in seconds]


def _thread_cpu_per_request(records, ws, we):
    """Thread CPU spent on requests completed in the window, per request (ms), or None."""
    done_sorted = sorted(records, key=lambda r: r[DONE])
    before = [r for r in done_sorted if r[DONE] < ws and r[CPU] is not None]
    inside = [r for r in done_sorted if ws <= r[DONE] < we and r[CPU] is not None]
    if before:
        base, count = before[-1][CPU], len(inside)
    elif len(inside) > 1:
        base, count = inside[0][CPU], len(inside) - 1
    else:
        return None
    if count == 0:
        return None
    return 1000.0 * (inside[-1][CPU] - base) / count


def client_summary(raw, window):
    """Latency, delays, throughput and CPU of one client over the measurement window [ws, we)."""
    ws, we = window
    role = raw["role"]
    recs = raw.get("requests", [])
    if role == "rt":
        inside = [r for r in recs if ws <= r[SCHED] < we]
    else:
        inside = [r for r in recs if ws <= r[DONE] < we]
    unserved = [t for t in raw.get("unserved", []) if ws <= t < we]
    latency = _ms(r[DONE] - r[SCHED] for r in inside)
    timed = [r for r in inside if r[DEV_START] is not None and r[DEV_END] is not None]
    queue = _ms(max(0.0, r[DEV_START] - r[SCHED]) for r in timed)
    dispatch = _ms(max(0.0, r[DEV_START] - r[SUBMIT]) for r in timed)
    span = we - ws
    batch = raw.get("batch", 1)
    out = {
        "id": raw["id"], "model": raw["model"], "role": role, "batch": batch,
        "rt_mode": raw.get("rt_mode"), "arrival": raw.get("arrival"), "rate": raw.get("rate", 0.0),
        "graph_fallback": raw.get("graph_fallback"), "error": raw.get("error"),
        "completed": len(inside), "unserved": len(unserved),
        "throughput_rps": len(inside) / span if span > 0 else None,
        "samples_per_s": batch * len(inside) / span if span > 0 else None,
        "latency_ms": stats.summarize(latency),
        "launch_delay_ms": stats.summarize(_ms(max(0.0, r[SUBMIT] - r[SCHED]) for r in inside)),
        "queue_delay_ms": stats.summarize(queue),
        "dispatch_ms": stats.summarize(dispatch),
        "device_ms": stats.summarize(_ms(r[DEV_END] - r[DEV_START] for r in timed)),
        "cpu_ms_per_req_thread": _thread_cpu_per_request(recs, ws, we),
    }
    if role == "rt":
        out["_latency"] = latency  # dropped before saving; used to pool the cell's RT latency
        out["_queue"] = queue
    return out


def cell_summary(cell, replies, standalone=None):
    """Summarize one cell from its workers' replies.

    cell: {"window": [ws, we], ...}; replies: list of worker replies, each
    {"process_cpu_s": float|None, "clients": [raw, ...]};
    standalone: {standalone_key: {"mean_ms": .., "p99_ms": ..}}.
    """
    standalone = standalone or {}
    ws, we = cell["window"]
    clients, rt_lat, rt_queue = [], [], []
    cpu_total, cpu_known, completed_total = 0.0, True, 0
    for reply in replies:
        summaries = [client_summary(raw, (ws, we)) for raw in reply.get("clients", [])]
        done = sum(s["completed"] for s in summaries)
        cpu = reply.get("process_cpu_s")
        per_req = 1000.0 * cpu / done if cpu is not None and done else None
        for s in summaries:
            s["cpu_ms_per_req_process"] = per_req
            if s["role"] == "rt":
                rt_lat.extend(s.pop("_latency"))
                rt_queue.extend(s.pop("_queue"))
                key = standalone_key(s["model"], s["rt_mode"] or "eager", s["arrival"], s.get("rate"))
                s["standalone_key"] = key
                ref = standalone.get(key) or {}
                s["disb"] = increase(s["latency_ms"]["mean"], ref.get("mean_ms"))
                p99, ref99 = s["latency_ms"]["p99"], ref.get("p99_ms")
                s["p99_ratio"] = p99 / ref99 if p99 is not None and ref99 else None
            clients.append(s)
        if cpu is None:
            cpu_known = False
        else:
            cpu_total += cpu
        completed_total += done
    rt = [c for c in clients if c["role"] == "rt"]
    be = [c for c in clients if c["role"] == "be"]
    pooled = stats.summarize(rt_lat)
    # Pooled standalone mean: each RT client's standalone weighted by its completed requests.
    weights = [(c["completed"], c["disb"]["standalone_ms"]) for c in rt if c["completed"]]
    pooled_sa = (sum(n * m for n, m in weights) / sum(n for n, _ in weights)
                 if weights and all(m for _, m in weights) else None)
    rt_rps = sum(c["throughput_rps"] or 0.0 for c in rt)
    be_rps = sum(c["throughput_rps"] or 0.0 for c in be)
    return {
        "clients": clients,
        "rt": {
            "latency_ms": pooled,
            "cdf_ms": stats.cdf_points(rt_lat),
            "disb": increase(pooled["mean"], pooled_sa),
            # Worst client's p99 over its own standalone p99 (pooled p99s of different models don't compare).
            "worst_p99_ratio": max((c["p99_ratio"] for c in rt if c["p99_ratio"] is not None), default=None),
            "unserved": sum(c["unserved"] for c in rt),
        },
        "throughput": {
            "rt_rps": rt_rps, "be_rps": be_rps, "overall_rps": rt_rps + be_rps,
            "be_samples_per_s": sum(c["samples_per_s"] or 0.0 for c in be),
        },
        "preemption": {
            "source": "cuda-events",
            "definition": "device start of the request's first kernel - scheduled arrival",
            "queue_delay_ms": stats.summarize(rt_queue),
            "histogram_counts": stats.histogram(rt_queue, stats.DELAY_EDGES_MS),  # edges: meta.delay_edges_ms
        },
        "cpu": {
            "process_cpu_s": cpu_total if cpu_known else None,
            "completed": completed_total,
            "cpu_ms_per_req": 1000.0 * cpu_total / completed_total if cpu_known and completed_total else None,
        },
    }


def standalone_entries(cell_result):
    """{standalone_key: {mean_ms, p50_ms, p99_ms, n}} from a standalone cell's summary."""
    out = {}
    for c in cell_result["clients"]:
        lat = c["latency_ms"]
        if c["role"] != "rt" or not lat["n"]:
            continue
        key = standalone_key(c["model"], c["rt_mode"] or "eager", c["arrival"], c.get("rate"))
        out[key] = {"mean_ms": lat["mean"], "p50_ms": lat["p50"], "p99_ms": lat["p99"], "n": lat["n"],
                    "device_ms": c["device_ms"]["mean"]}
    return out
