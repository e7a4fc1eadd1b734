#!/usr/bin/env python3
"""Turns the raw outputs of the GPU steps (in the work directory) into the one result JSON.

Reads what each step left behind, finds each Reef process's stats file by pid, lets verdicts.py
decide every check, and records the environment, the step log and the raw numbers. Missing
inputs make a check "error" with the step's exit code and timeout in the reason.
"""
import argparse
import datetime
import json
import os
import sys

import common
import reef_stats
import verdicts

SCHEMA = "reef-interception-check/1"
# The steps each check depends on, for the reason of an "error" verdict.
CHECK_STEPS = {
    "a": ("workload_plain", "workload_reef_1", "workload_reef_11"),
    "b": ("workload_plain", "workload_reef_extras"),
    "c": ("workload_plain", "workload_plain_extras", "workload_reef_1", "workload_reef_11", "workload_reef_extras"),
    "d": ("latency",),
    "e": ("build_cuda", "microbench"),
    "f": ("build_cuda", "cross_runtime"),
    "g": ("processes",),
}
CHECK_STATS = {"a": ("reef_1", "reef_11"), "b": ("reef_extras",)}
WORKLOADS = {"plain": "wl-plain.json", "plain_extras": "wl-plain-extras.json", "reef_1": "wl-reef-1.json",
             "reef_11": "wl-reef-11.json", "reef_extras": "wl-reef-extras.json"}


def read_steps(path):
    steps = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    try:
                        steps.append(json.loads(line))
                    except ValueError:
                        steps.append({"name": "unparsable", "line": line[:200]})
    except OSError:
        pass
    return steps


def step_note(steps, names):
    by_name = {s.get("name"): s for s in steps}
    notes = []
    for name in names:
        s = by_name.get(name)
        if s is None:
            notes.append("%s did not run" % name)
        elif s.get("skipped"):
            notes.append("%s skipped: %s" % (name, s["skipped"]))
        elif s.get("rc") != 0:
            notes.append("%s rc=%s%s" % (name, s.get("rc"), " (timed out)" if s.get("timed_out") else ""))
    return "; ".join(notes)


def load_run_stats(work, name, run):
    """Normalized stats of a Reef workload process, or (None, why)."""
    directory = os.path.join(work, "stats", name)
    if run is None:
        return None, "no workload result"
    path = reef_stats.find_stats_file(directory, run.get("pid"))
    if path is None:
        files = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
        return None, "no stats file for pid %s in %s (files: %s)" % (run.get("pid"), directory, files[:8])
    try:
        return reef_stats.load(path), None
    except (OSError, ValueError) as exc:
        return None, "unreadable stats %s: %s" % (path, exc)


def build(work, command, started=None):
    env = common.read_json(os.path.join(work, "env.json"), {}) or {}
    steps = read_steps(os.path.join(work, "steps.jsonl"))
    runs = {k: common.read_json(os.path.join(work, f)) for k, f in WORKLOADS.items()}
    stats, stats_notes = {}, {}
    for name in ("reef_1", "reef_11", "reef_extras"):
        stats[name], stats_notes[name] = load_run_stats(work, name, runs[name])
    latency = common.read_json(os.path.join(work, "latency.json"))
    latency_aa = common.read_json(os.path.join(work, "latency_aa.json"))
    micro = common.read_json(os.path.join(work, "microbench.json"))
    cross = common.read_json(os.path.join(work, "crossrt.json"))
    procs = common.read_json(os.path.join(work, "processes.json"))

    checks = [
        verdicts.check_launch_count(runs["reef_1"], runs["reef_11"], stats["reef_1"], stats["reef_11"], runs["plain"]),
        verdicts.check_kernels_seen(runs["reef_extras"], stats["reef_extras"], runs["plain"]),
        verdicts.check_bit_identical(runs["plain"], {"resnet": [runs["reef_1"], runs["reef_11"]],
                                                     "extras": runs["reef_extras"]},
                                     plain_extras=runs.get("plain_extras")),
        verdicts.check_latency(latency, aa=latency_aa),
        verdicts.check_launch_rate(micro),
        verdicts.check_cross_runtime(cross),
        verdicts.check_processes(procs),
    ]
    for check in checks:
        if check["status"] != verdicts.PASS:
            note = step_note(steps, CHECK_STEPS[check["id"]])
            if note:
                check["reason"] += " [steps: %s]" % note
        if check["status"] == verdicts.ERROR and check["id"] in CHECK_STATS:
            why = "; ".join("%s: %s" % (k, stats_notes[k]) for k in CHECK_STATS[check["id"]] if stats_notes[k])
            if why:
                check["reason"] += " [stats: %s]" % why

    raw = {
        "reef_stats": {k: reef_stats.summary(v) for k, v in stats.items() if v},
        "stats_notes": {k: v for k, v in stats_notes.items() if v},
        "workload_errors": {k: (v or {}).get("errors") for k, v in runs.items() if v and v.get("errors")},
        "workload_pids": {k: v.get("pid") for k, v in runs.items() if v},
        "reef_loaded": {k: v.get("reef_loaded") for k, v in runs.items() if v},
        "profiler_resnet_one_kernel_names": verdicts.get(runs["plain"], "profile", "resnet_one", "kernel_names"),
        "resnet_times_ms": {k: verdicts.get(v, "resnet", "times_ms") for k, v in runs.items() if v},
        "latency_rounds": (latency or {}).get("rounds"),
        "latency_workers": (latency or {}).get("workers"),
        "microbench_runs": (micro or {}).get("runs"),
        "microbench_config": (micro or {}).get("config"),
        "cross_runtime_stdout": verdicts.get(cross, "plain", "stdout"),
    }
    counts = {s: sum(1 for c in checks if c["status"] == s) for s in (verdicts.PASS, verdicts.FAIL, verdicts.ERROR)}
    now = datetime.datetime.now(datetime.timezone.utc)
    doc = {
        "schema": SCHEMA,
        "command": command,
        "commit": env.get("commit"),
        "commit_source": env.get("commit_source"),
        "environment": env,
        "finished_utc": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": {"total": len(checks), "passed": counts["pass"], "failed": counts["fail"],
                    "errors": counts["error"], "all_pass": counts["pass"] == len(checks)},
        "checks": checks,
        "steps": steps,
        "raw": raw,
    }
    if started is not None:
        doc["started_utc"] = datetime.datetime.fromtimestamp(started, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc["wall_s"] = round(now.timestamp() - started, 1)
    return doc


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--started", type=float, default=None, help="epoch seconds the run began")
    args = p.parse_args(argv)
    doc = build(args.work, args.command, args.started)
    common.write_json(args.out, doc)
    for check in doc["checks"]:
        print("check (%s) %-5s %s -- %s" % (check["id"], check["status"].upper(), check["title"], check["reason"]))
    s = doc["summary"]
    print("summary: %d/%d passed, %d failed, %d errors -> %s" % (s["passed"], s["total"], s["failed"], s["errors"], args.out))
    return 0 if s["all_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
