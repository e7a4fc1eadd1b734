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


def summarize_stats(entries):
    """Top-level numeric counters summed over processes; version and preemption samples if reported.

    The library's format will grow; anything numeric at the top level is summed, any list of
    numbers under a key containing 'preempt' is taken as preemption latencies in microseconds.
    """
    counters, versions, preempt_us = {}, set(), []
    for e in entries:
        data = e.get("stats")
        if not isinstance(data, dict):
            continue
        for k, v in data.items():
            if isinstance(v, bool):
                continue
            if isinstance(v, (int, float)):
                counters[k] = counters.get(k, 0) + v
            elif k.lower() in ("version", "reef_version") and isinstance(v, str):
                versions.add(v)
            elif "preempt" in k.lower() and isinstance(v, list) and all(isinstance(x, (int, float)) for x in v):
                preempt_us.extend(v)
    preempt_ms = [us / 1000.0 for us in preempt_us]
    return {"processes": len(entries), "counters": counters, "versions": sorted(versions),
            "preempt_latency_ms": stats.summarize(preempt_ms),
            "preempt_histogram_counts": stats.histogram(preempt_ms, stats.DELAY_EDGES_MS)}
