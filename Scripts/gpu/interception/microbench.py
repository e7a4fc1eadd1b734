#!/usr/bin/env python3
"""Check (e) coordinator: runs the empty-kernel launch benchmark with and without Reef.

Each run is a fresh process (LD_PRELOAD can only differ between processes); configurations
alternate A B B A ... over the rounds so drifts fall on both. Results are rewritten after every
run so a timeout keeps what was measured.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import common


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lib", required=True)
    p.add_argument("--bin", required=True, help="the built empty_launch program")
    p.add_argument("--out", required=True)
    p.add_argument("--stats-dir", default="/tmp/reef-microbench-stats", help="REEF_STATS files of --with-stats runs")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--launches", type=int, default=1_000_000)
    p.add_argument("--sync-every", type=int, default=10_000)
    p.add_argument("--run-timeout-s", type=float, default=90)
    p.add_argument("--budget-s", type=float, default=150)
    p.add_argument("--with-stats", action="store_true",
                   help="also run with REEF_STATS set: the launch path then counts per api, stream and "
                        "kernel (without it, and without scheduling, the wrappers forward at once)")
    p.add_argument("--with-disabled", action="store_true",
                   help="also run with the library preloaded but REEF_DISABLE=1 (C wrappers only), to "
                        "tell the cost of Reef's core from that of having the library in the process")
    return p.parse_args(argv)


def parse_last_json(stdout):
    for line in reversed((stdout or "").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def run_once(args, config, timeout):
    env = common.reef_env(args.lib) if config.startswith("reef") else common.plain_env()
    if config == "reef_disabled":
        env["REEF_DISABLE"] = "1"
    if config == "reef_stats":
        env["REEF_STATS"] = os.path.join(args.stats_dir, "reef-%p.json")
    t0 = time.monotonic()
    try:
        proc = subprocess.run([args.bin, str(args.launches), str(args.sync_every)], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = "timeout", exc.stdout, exc.stderr
    entry = {"config": config, "rc": rc, "wall_s": round(time.monotonic() - t0, 3)}
    parsed = parse_last_json(out if isinstance(out, str) else common.tail(out, 100000))
    if parsed:
        entry.update(parsed)
    if rc != 0 or not parsed:
        entry["stderr_tail"] = common.tail(err, 600)
    return entry


def main(argv=None):
    args = parse_args(argv)
    if args.with_stats:
        os.makedirs(args.stats_dir, exist_ok=True)
    deadline = common.Deadline(args.budget_s)
    result = {"config": {"launches": args.launches, "sync_every": args.sync_every, "rounds": args.rounds,
                         "kernel": "empty __global__ void, <<<1,1>>>, one non-blocking stream",
                         "sync": "cudaStreamSynchronize every %d launches and at the end" % args.sync_every
                         if args.sync_every else "only at the end"},
              "runs": [], "errors": []}
    longest = 0.0
    for r in range(args.rounds):
        configs = (["plain", "reef"] + (["reef_disabled"] if args.with_disabled else [])
                   + (["reef_stats"] if args.with_stats else []))
        shift = r % len(configs)  # rotate the order so no configuration always goes first
        for config in configs[shift:] + configs[:shift]:
            if deadline.remaining() < 1.3 * longest + 3:
                result["errors"].append("stopped at round %d: time budget spent" % r)
                break
            entry = run_once(args, config, min(args.run_timeout_s, max(1.0, deadline.remaining())))
            entry["round"] = r
            longest = max(longest, entry["wall_s"])
            result["runs"].append(entry)
            common.write_json(args.out, result)
            print("microbench: round %d %s rc=%s rate=%s" % (r, config, entry["rc"], entry.get("launches_per_s")))
        else:
            continue
        break
    common.write_json(args.out, result)
    ok = all(e["rc"] == 0 for e in result["runs"]) and not result["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
