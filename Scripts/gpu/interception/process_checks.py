#!/usr/bin/env python3
"""Check (g) coordinator: programs that must behave exactly as without Reef when preloaded.

Each test runs with Reef (LD_PRELOAD and REEF_STATS set, as a user would) and without; the
verdict wants rc 0 and the expected output (or, for the fork test, the output of the run
without Reef, which is deterministic).
"""
import argparse
import os
import subprocess
import sys
import time

import common

HERE = os.path.dirname(os.path.abspath(__file__))


def tests(python, fork_script):
    return [
        {"name": "multiprocessing fork children of a CUDA parent", "argv": [python, fork_script],
         "marker": "FORK_OK", "timeout": 120},
        {"name": "python3 -c without GPU use", "timeout": 60,
         "argv": [python, "-c", "print(sum(i * i for i in range(10**6)))"],
         "expected_stdout": "333332833333500000"},
        {"name": "/bin/true", "argv": ["/bin/true"], "expected_stdout": "", "timeout": 30},
        {"name": "sh pipeline", "argv": ["/bin/sh", "-c", "echo reef | tr a-z A-Z"],
         "expected_stdout": "REEF", "timeout": 30},
    ]


def run(argv, env, timeout):
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = "timeout", common.tail(exc.stdout, 4000), exc.stderr
    return {"rc": rc, "stdout": out, "stderr": common.tail(err, 1500), "seconds": round(time.monotonic() - t0, 3)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lib", required=True)
    p.add_argument("--stats-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--fork-script", default=os.path.join(HERE, "fork_check.py"))
    args = p.parse_args(argv)
    os.makedirs(args.stats_dir, exist_ok=True)
    stats = os.path.join(args.stats_dir, "reef-%p.json")
    result = {"tests": []}
    for test in tests(sys.executable, args.fork_script):
        entry = {k: v for k, v in test.items() if k != "timeout"}
        entry["reef"] = run(test["argv"], common.reef_env(args.lib, stats), test["timeout"])
        entry["plain"] = run(test["argv"], common.plain_env(), test["timeout"])
        result["tests"].append(entry)
        common.write_json(args.out, result)
        print("processes: %s: rc reef=%s plain=%s" % (test["name"], entry["reef"]["rc"], entry["plain"]["rc"]))
    return 0 if all(t["reef"]["rc"] == 0 for t in result["tests"]) else 1


if __name__ == "__main__":
    sys.exit(main())
