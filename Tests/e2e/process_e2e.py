#!/usr/bin/env python3
"""Reef preloaded into processes that never touch a GPU, and into forking ones: they must run
exactly as without it (same output, exit code 0, nothing on stderr) and write no stats."""
import os
import subprocess
import sys
import tempfile

REEF_LIB = os.environ.get("REEF_LIB", os.path.abspath("build/libreef.so"))

FORK_PROGRAM = r"""
import multiprocessing as mp
def work(x):
    return sum(i * x for i in range(10000))
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(3) as pool:
        print(pool.map(work, range(8)))
    import os
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    print("child exit", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""

CASES = [
    ("true", ["/bin/true"]),
    ("shell pipeline", ["/bin/sh", "-c", "echo hello | tr a-z A-Z; ls / >/dev/null"]),
    ("python no gpu", [sys.executable, "-c", "import json, ctypes, hashlib; print(hashlib.sha256(b'reef').hexdigest())"]),
    ("python fork pool", [sys.executable, "-c", FORK_PROGRAM]),
]


def run(argv, preload, stats):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = REEF_LIB
        env["REEF_STATS"] = stats
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in CASES:
            stats = os.path.join(tmp, name.replace(" ", "_") + "-%p.json")
            plain = run(argv, False, stats)
            reef = run(argv, True, stats)
            problems = []
            if reef.returncode != plain.returncode:
                problems.append(f"exit {reef.returncode} with Reef, {plain.returncode} without")
            if reef.stdout != plain.stdout:
                problems.append(f"stdout differs: {reef.stdout!r} vs {plain.stdout!r}")
            if reef.stderr != plain.stderr:
                problems.append(f"stderr differs: {reef.stderr!r}")
            if problems:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(problems))
            else:
                passed += 1
                print(f"ok   {name}")
        leftovers = [f for f in os.listdir(tmp)]
        if leftovers:
            failed += 1
            print(f"FAIL no-GPU processes wrote stats files: {leftovers}")
        else:
            passed += 1
            print("ok   no stats written by processes without GPU work")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
