#!/usr/bin/env python3
"""Check (f) coordinator: the CUDA C++ program once without and once with Reef.

Keeps both outputs and the Reef run's stats (found by the child's pid among the files that
REEF_STATS=<dir>/reef-%p.json produced); verdicts.py compares them.
"""
import argparse
import os
import subprocess
import sys
import time

import common
import reef_stats


def run(argv, env, timeout):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = "timeout"
    return {"pid": proc.pid, "rc": rc, "stdout": out, "stderr": common.tail(err, 2000),
            "seconds": round(time.monotonic() - t0, 3)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lib", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--stats-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout-s", type=float, default=60)
    args = p.parse_args(argv)
    os.makedirs(args.stats_dir, exist_ok=True)
    result = {"plain": run([args.bin], common.plain_env(), args.timeout_s)}
    common.write_json(args.out, result)
    # Launch every kernel from its captured record: identical output then proves capture.
    reef_env = common.reef_env(args.lib, os.path.join(args.stats_dir, "reef-%p.json"))
    reef_env["REEF_CAPTURE"] = "all"
    reef = run([args.bin], reef_env, args.timeout_s)
    path = reef_stats.find_stats_file(args.stats_dir, reef["pid"])
    reef["stats_file"] = path
    if path:
        try:
            reef["stats"] = reef_stats.load(path)
        except (OSError, ValueError) as exc:
            reef["stats_error"] = "%s: %s" % (type(exc).__name__, exc)
    result["reef"] = reef
    common.write_json(args.out, result)
    same = result["plain"]["stdout"] == reef["stdout"]
    print("crossrt: rc plain=%s reef=%s identical_stdout=%s stats=%s" % (
        result["plain"]["rc"], reef["rc"], same, bool(reef.get("stats"))))
    return 0 if same and reef["rc"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
