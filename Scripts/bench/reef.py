"""Reef rows: where libreef.so is, how each worker is started under it, and what its stats say."""
import glob
import hashlib
import json
import os

from . import stats


def find_library(repo_root, override=None):
    """Path of libreef.so ($REEF_LIB, --reef-lib, or dist/libreef.so), or None when absent."""
    path = override or os.environ.get("REEF_LIB") or os.path.join(repo_root, "dist", "libreef.so")
    return os.path.abspath(path) if os.path.isfile(path) else None


def library_label(path):
    """What identifies the library a run used: its hash, size and time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    st = os.stat(path)
    return {"path": path, "sha256": h.hexdigest(), "size": st.st_size, "mtime": int(st.st_mtime)}


def worker_env(system, role, lib, stats_dir, preload=True):
    """Environment additions for one worker of a Reef system.

    role is 'rt' or 'be' for a one-client process (REEF_CLASS), None for a process hosting both.
    """
    env = {"REEF_STATS": os.path.join(stats_dir, "%p.json")}
    if preload:
        env["LD_PRELOAD"] = lib
    if role:
        env["REEF_CLASS"] = role
    env.update(system.reef_env or {})
    return env


def collect_stats(stats_dir):
    """Every per-process stats JSON the library wrote at exit, with its file name."""
    out = []
    for path in sorted(glob.glob(os.path.join(stats_dir, "*.json"))):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            data = {"unreadable": str(e)}
        out.append({"file": os.path.basename(path), "stats": data})
    return out


# Counters of the library's "scheduling" object (and its "gate" object) worth summing per system.
SCHEDULING_COUNTERS = ("released", "held_at_exit", "preemptions", "inherited_releases")
GATE_COUNTERS = ("gated", "closes", "stalls_opened", "turned_off")


def summarize_stats(entries):
    """What the library's REEF_STATS files say, summed over a system's processes.

    Top-level numbers (launches, graph_launches, ...; not the pid) are summed, and so are the
    scheduler's counters (`scheduling.released`, `.preemptions`, ..., `scheduling.gate.*`).
    Preemption latencies come from `scheduling.preemption_latency`: `drained_us` (RT arrival to the
    moment no released BE command still ran: the device was RT's) and `stopped_us` (to the
    dispatcher stopping BE release). A top-level list under a key containing 'preempt' is taken
    as drained latencies too (older or other formats).
    """
    counters, versions, drained_us, stopped_us = {}, set(), [], []

    def add(name, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            counters[name] = counters.get(name, 0) + value

    def numbers(v):
        return isinstance(v, list) and all(isinstance(x, (int, float)) for x in v)

    for e in entries:
        data = e.get("stats")
        if not isinstance(data, dict):
            continue
        for k, v in data.items():
            if k == "pid":
                continue
            if isinstance(v, (int, float)):
                add(k, v)
            elif k.lower() in ("version", "reef_version") and isinstance(v, str):
                versions.add(v)
            elif "preempt" in k.lower() and numbers(v):
                drained_us.extend(v)
        sched = data.get("scheduling")
        if isinstance(sched, dict):
            for k in SCHEDULING_COUNTERS:
                add(k, sched.get(k))
            gate = sched.get("gate")
            if isinstance(gate, dict):
                for k in GATE_COUNTERS:
                    add("gate_" + k, gate.get(k))
            lat = sched.get("preemption_latency")
            if isinstance(lat, dict):
                if numbers(lat.get("drained_us")):
                    drained_us.extend(lat["drained_us"])
                if numbers(lat.get("stopped_us")):
                    stopped_us.extend(lat["stopped_us"])
    drained_ms = [us / 1000.0 for us in drained_us]
    return {"processes": len(entries), "counters": counters, "versions": sorted(versions),
            "preempt_latency_ms": stats.summarize(drained_ms),
            "preempt_stopped_ms": stats.summarize([us / 1000.0 for us in stopped_us]),
            "preempt_histogram_counts": stats.histogram(drained_ms, stats.DELAY_EDGES_MS)}
