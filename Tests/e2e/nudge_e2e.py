#!/usr/bin/env python3
"""REEF_RT_NUDGE end to end (CUDA simulator, Tests/Programs/cuda/programs/drv_padding.c).

When a real-time busy period of the process ends with best-effort work held or running, Reef's
dispatcher launches one empty kernel (PTX, entry `empty`) in a private context of its own, every
Nth such time, before best-effort work goes on. Checked from REEF_STATS `scheduling.nudge`:
  on         every eligible busy period sends one; none fails; output as without Reef;
  every 3    one in three (the first, fourth, ...);
  default    every 10th (the first, eleventh, ...);
  RT only    no best-effort work: nothing is sent;
  off        nothing is eligible or sent;
  no JIT     the driver refuses the PTX (SIM_PTX=0): the first nudge fails, none is sent, the
             process says so once on stderr and runs on with the same output.
Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, os.environ.get("BUILD", "build"))
REEF_LIB = os.environ.get("REEF_LIB", os.path.join(BUILD, "libreef.so"))
PROGRAM = os.path.join(BUILD, "tests", "cuda", "drv_padding")
REQUESTS = 6

CASES = [
    ("on", "on", [], lambda n: n["eligible"] >= 1 and n["sent"] == n["eligible"] and n["failed"] == 0),
    ("every 3", "3", [], lambda n: n["eligible"] >= 4 and n["sent"] == (n["eligible"] + 2) // 3 and n["failed"] == 0),
    ("default", None, ["--requests", "12"],
     lambda n: n["every"] == 10 and n["eligible"] >= 11 and n["sent"] == (n["eligible"] + 9) // 10 and n["failed"] == 0),
    ("RT only", "on", ["--be-per-request", "0"], lambda n: n["eligible"] == 0 and n["sent"] == 0),
    ("off", "off", [], lambda n: n["every"] == 0 and n["eligible"] == 0 and n["sent"] == 0),
    ("no JIT", "on", [], lambda n: n["sent"] == 0 and n["failed"] == 221),
]
CASE_ENV = {"no JIT": {"SIM_PTX": "0"}}


def run(args, extra):
    env = {"LD_LIBRARY_PATH": os.path.join(BUILD, "sim", "cuda"), "SIM_SMS": "32", "PATH": os.environ.get("PATH", "")}
    env.update(extra)
    if "--requests" not in args:
        args = ["--requests", str(REQUESTS)] + args
    p = subprocess.run([PROGRAM] + args, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    passed = failed = 0
    for name, value, args, rule in CASES:
        want = run(args, CASE_ENV.get(name, {}))
        with tempfile.TemporaryDirectory() as tmp:
            stats = os.path.join(tmp, "stats.json")
            env = {"LD_PRELOAD": REEF_LIB, "REEF_SCHEDULE": "on", "REEF_STATS": stats, **CASE_ENV.get(name, {})}
            if value is not None:
                env["REEF_RT_NUDGE"] = value
            env["SIM_TRACE"] = os.path.join(tmp, "trace.txt")
            got = run(args, env)
            try:
                with open(env["SIM_TRACE"]) as f:
                    trace = f.read().splitlines()
            except OSError:
                trace = []
            try:
                with open(stats) as f:
                    nudge = json.load(f)["scheduling"]["nudge"]
                why = f"nudge stats {nudge}"
            except (OSError, ValueError, KeyError) as e:
                nudge, why = None, f"no nudge stats ({e})"
        ok = want[0] == 0 and got[:2] == want[:2] and nudge is not None and rule(nudge)
        if name == "no JIT":   # said once, naming what failed and how to stop it; context given back
            said = [l for l in got[2].splitlines() if "REEF_RT_NUDGE" in l]
            ctx = [l for l in trace if l.startswith("cuCtx")]
            ok = ok and len(said) == 1 and "error 221" in said[0] and "REEF_RT_NUDGE=off" in said[0]
            # drv_padding makes one context itself; Reef's private one is made and destroyed.
            ok = ok and ctx == ["cuCtxCreate -> ctx r=0"] * 2 + ["cuCtxDestroy ctx r=0"]
            why += f"; stderr {said}; contexts {ctx}"
        if got[:2] != want[:2]:
            why = f"output under Reef differs: exit {got[0]} {got[1]!r} vs {want[0]} {want[1]!r}; stderr {got[2][-300:]!r}"
        print(f"{'PASS' if ok else 'FAIL'} nudge {name}: {why}")
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
