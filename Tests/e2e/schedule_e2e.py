#!/usr/bin/env python3
"""Every simulator test program computes the same results with Reef's scheduling on
(REEF_SCHEDULE=on) as without Reef: best-effort work held and released by the dispatcher,
real-time work issued at once, for CUDA and HIP, for both process classes and several windows.
Programs that exercise error paths are left out: under scheduling a launch error surfaces at the
next synchronize instead of at the launch, by design."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, os.environ.get("BUILD", "build"))
REEF_LIB = os.environ.get("REEF_LIB", os.path.join(BUILD, "libreef.so"))
ERROR_PATH_PROGRAMS = {"drv_fault", "drv_launch", "error_paths"}
# (process class, window, more environment): the last puts best-effort streams in a green context
# of their own (CUDA; HIP has none and runs as in the others).
CONFIGS = [("be", 1, {}), ("be", 2, {}), ("be", 4, {}), ("rt", 2, {}), ("be", 4, {"REEF_BE_CONTEXT": "green"})]
# Programs that check something only the calling thread's own issue shows: without a dispatcher
# the held work is issued by the thread that needs it (drv_contexts: its current context).
PROGRAM_ENV = {"drv_contexts": {"REEF_DEBUG_NO_DISPATCHER": "1"}}
REPEATS = int(os.environ.get("SCHEDULE_REPEATS", "2"))


def programs(runtime):
    folder = os.path.join(BUILD, "tests", runtime)
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name in ERROR_PATH_PROGRAMS or "." in name or not os.access(path, os.X_OK):
            continue
        if name in ("hipsim_kernel_table", "random_program"):  # random_program: differential_e2e.py
            continue
        yield name, path


def run(runtime, path, extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REEF_", "SIM_")) and k != "LD_PRELOAD"}
    libdirs = [os.path.join(BUILD, "sim", runtime), os.path.join(BUILD, "tests", runtime)]
    env["LD_LIBRARY_PATH"] = ":".join(libdirs + [env.get("LD_LIBRARY_PATH", "")])
    env.update(extra_env)
    args = [path]
    if os.path.basename(path) in ("module_launch", "triton_launcher"):
        args.append(os.path.join(BUILD, "tests", runtime, "module_kernels.co"))
    p = subprocess.run(args, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout


def main():
    passed = failed = 0
    for runtime in ("cuda", "hip"):
        for name, path in programs(runtime):
            want = run(runtime, path, {})
            if want[0] != 0:
                print(f"SKIP {runtime}/{name}: exits {want[0]} without Reef")
                continue
            bad = []
            for cls, window, more in CONFIGS:
                for _ in range(REPEATS):
                    got = run(runtime, path, {"LD_PRELOAD": REEF_LIB, "REEF_SCHEDULE": "on", "REEF_CLASS": cls,
                                              "REEF_BE_WINDOW": str(window), "REEF_CAPTURE": "all",
                                              **more, **PROGRAM_ENV.get(name, {})})
                    if got != want:
                        bad.append(f"REEF_CLASS={cls} REEF_BE_WINDOW={window} "
                                   + " ".join(f"{k}={v}" for k, v in more.items()) + f": exit {got[0]}")
            if bad:
                failed += 1
                print(f"FAIL {runtime}/{name}: " + "; ".join(bad[:3]))
            else:
                passed += 1
                print(f"PASS {runtime}/{name}: identical under scheduling ({len(CONFIGS) * REPEATS} runs)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
