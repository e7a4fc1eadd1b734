#!/usr/bin/env python3
"""Randomized differential test: random programs, plain vs under Reef, must print the same bytes.

For each seed and runtime (CUDA: build/tests/cuda/random_program, HIP:
build/tests/hip/random_program), the program generates a race-free random multi-stream program
from the seed, runs it on the simulated runtime and prints a deterministic dump of its final
state (and checks it against its own sequential reference). This script runs it
  plain, twice (the second time with another simulated SM count, so the device interleaves work
      differently): both must exit 0 and agree; if not, the GENERATOR is wrong (a racy program,
      or one its own reference disagrees with), which is reported as such;
  under LD_PRELOAD=$REEF_LIB with REEF_CAPTURE=all and a Reef configuration derived from the
      seed (REEF_CLASS rt|be, REEF_BE_WINDOW 1-4, REEF_RT_STREAMS a random subset of the
      program's created streams as creation ordinals "#1,#3"): it must exit 0 with stdout
      bit-identical to the plain run.
Every failure prints the seed, the Reef configuration and a one-line command that replays it,
and the run goes on. Ends with exactly one line "N passed, N failed" (one case = one seed on one
runtime); exits 1 when anything failed. Standard library only.

  differential_e2e.py [--runtime cuda|hip|both] [--seeds N] [--start S] [--seed S] [--size Z]
"""
import argparse
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SEEDS = 1000  # per runtime: both runtimes together take about 15 s on 2 cores today
RUN_TIMEOUT_S = 10  # a run takes milliseconds: longer is a hang (a scheduler deadlock)
EXIT_REFERENCE_MISMATCH = 3  # the program's device run disagrees with its sequential reference
EXIT_GENERATOR_BUG = 4       # the program could not build a race-free program
EXIT_MEANING = {1: "a runtime call failed", 2: "a runtime call failed or bad usage",
                EXIT_REFERENCE_MISMATCH: "device results differ from the sequential reference",
                EXIT_GENERATOR_BUG: "generator bug"}


class Runtime:
    """Where one runtime's program, simulator and extra arguments live."""

    def __init__(self, name, build):
        self.name = name
        self.program = os.path.join(build, "tests", name, "random_program")
        self.sim_dir = os.path.join(build, "sim", name)
        module = os.path.join(build, "tests", "hip", "module_kernels.co")
        self.extra_args = [module] if name == "hip" and os.path.exists(module) else []

    def missing(self):
        lib = "libcuda.so.1" if self.name == "cuda" else "libamdhip64.so.5"
        return [p for p in (self.program, os.path.join(self.sim_dir, lib)) if not os.path.exists(p)]


SCHEDULE = {"on": False, "padding": False}  # --schedule, --padding
PADDED = []  # --padding: kernels each case ran on a partition stream (from REEF_STATS)
GATED = []  # --schedule: kernels each case released behind a release gate (REEF_BE_GATE=on)
GREEN = []  # --schedule: streams each case made in the best-effort green context (REEF_BE_CONTEXT=green)


def reef_config(runtime, seed, nstreams):
    """The Reef scheduling configuration of one case: a pure function of (runtime, seed)."""
    rng = random.Random(seed * 2 + (runtime == "hip"))
    rt = [i for i in range(1, nstreams + 1) if rng.random() < 0.5]
    return {
        **({"REEF_SCHEDULE": "on"} if SCHEDULE["on"] else {}),
        "REEF_CAPTURE": "all",
        "REEF_CLASS": rng.choice(["rt", "be"]),
        "REEF_BE_WINDOW": str(rng.randint(1, 4)),
        "REEF_RT_STREAMS": ",".join(f"#{i}" for i in rt),
        # An in-flight time budget in some cases (fewer commands released at once).
        **({"REEF_BE_INFLIGHT_US": str(rng.choice([1, 50, 500]))} if rng.random() < 0.3 else {}),
        # Kernel padding: forced in most cases (every held kernel padded while real-time work
        # runs: the ordering of padded kernels is what this test checks), by the policy's rules
        # with one duration sample in the others. The simulator has 8 SMs; its clock is paced to
        # the wall clock (results do not depend on time) so that real-time work and held
        # best-effort work overlap in time, which padding needs.
        **({"REEF_PADDING": "on", "REEF_PAD_FORCE": "1" if rng.random() < 0.75 else "0", "SIM_TIME_SCALE": "1",
            "REEF_PAD_MIN_SAMPLES": "1", "REEF_PAD_GRAPH_UNITS": "4",
            "REEF_PAD_PREDICT": "on" if rng.random() < 0.5 else "off",
            "REEF_PAD_PARTITIONS": rng.choice(["1", "2,4", "1,3,6", "4"])} if SCHEDULE["padding"] else {}),
        # Release gates in half the cases: released best-effort kernels wait on a host word that
        # real-time work closes (drawn last, so earlier seeds keep their other settings).
        "REEF_BE_GATE": "on" if rng.random() < 0.5 else "off",
        # Best-effort streams in a green context of their own in half the cases (CUDA; HIP has
        # none and ignores it). Drawn after the others, so earlier seeds keep their settings.
        "REEF_BE_CONTEXT": "green" if rng.random() < 0.5 else "shared",
        # An empty kernel in a private context after real-time busy periods (REEF_RT_NUDGE) in
        # half the cases, every period or every 3rd. Drawn last, as above.
        "REEF_RT_NUDGE": rng.choice(["on", "3"]) if rng.random() < 0.5 else "off",
    }


def second_sms(runtime, seed):
    """SM count of the second plain run (the first uses the simulator's default, 8)."""
    return str(random.Random(f"sms:{runtime}:{seed}").choice([1, 2, 3, 5, 16, 32]))


def case_env(rt, env_extra):
    """The whole environment of one run: nothing inherited, so the replay line is exact."""
    env = {"LD_LIBRARY_PATH": rt.sim_dir}
    env.update(env_extra)
    return env


def case_args(rt, seed, size):
    return [rt.program, str(seed), str(size)] + rt.extra_args


def command_line(rt, seed, size, env_extra):
    """The exact one-line shell command that reruns a program the way the test did."""
    env = case_env(rt, env_extra)
    return "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + \
        " ".join(shlex.quote(a) for a in case_args(rt, seed, size))


def run(rt, seed, size, env_extra):
    try:
        p = subprocess.run(case_args(rt, seed, size), env=case_env(rt, env_extra), capture_output=True,
                           timeout=RUN_TIMEOUT_S)
        return {"rc": p.returncode, "stdout": p.stdout.decode(errors="replace"),
                "stderr": p.stderr.decode(errors="replace")}
    except subprocess.TimeoutExpired as e:
        return {"rc": f"timeout after {RUN_TIMEOUT_S}s (deadlock?)",
                "stdout": (e.stdout or b"").decode(errors="replace"),
                "stderr": (e.stderr or b"").decode(errors="replace")}


def first_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end>"
        y = lb[i] if i < len(lb) else "<end>"
        if x != y:
            return f"line {i + 1}: plain {x!r} vs {y!r}"
    return "no difference"


def tail(text, n=300):
    text = text.strip()
    return repr(text[-n:]) if text else "(empty)"


def exit_text(rc):
    return f"exit {rc}" + (f" ({EXIT_MEANING[rc]})" if rc in EXIT_MEANING else "")


def mechanism_counts(path):
    """From a run's REEF_STATS file (zeros when absent): kernels put on a partition stream
    (padded beside RT or confined before its predicted arrival), kernels released behind a
    release gate, and streams made in the best-effort green context."""
    try:
        with open(path) as f:
            doc = json.load(f)
        os.remove(path)
    except (OSError, ValueError):
        return 0, 0, 0
    scheduling = doc.get("scheduling", {})
    padding = scheduling.get("padding", {})
    padded = int(padding.get("padded", 0)) + int(padding.get("confined_before_rt", 0))
    return (padded, int(scheduling.get("gate", {}).get("gated", 0)),
            int(scheduling.get("be_context", {}).get("streams_made", 0)))


def check_case(rt, seed, size, reef_lib, work_root):
    """Runs one case; returns (verdict, report lines), verdict "pass", "reef", "generator" or "plain"."""
    plain_cmd = command_line(rt, seed, size, {})
    a = run(rt, seed, size, {})
    sms = second_sms(rt.name, seed)
    b = run(rt, seed, size, {"SIM_SMS": sms})
    where = f"{rt.name} seed={seed} size={size}"
    if a["rc"] in (EXIT_GENERATOR_BUG, EXIT_REFERENCE_MISMATCH) or b["rc"] in (EXIT_GENERATOR_BUG, EXIT_REFERENCE_MISMATCH):
        bad = a if a["rc"] in (EXIT_GENERATOR_BUG, EXIT_REFERENCE_MISMATCH) else b
        why = ("could not build a race-free program" if bad["rc"] == EXIT_GENERATOR_BUG else
               "the plain run disagrees with the program's own sequential reference (racy program?)")
        return "generator", [f"GENERATOR BUG {where}: {why}",
                       f"  replay: {plain_cmd if bad is a else command_line(rt, seed, size, {'SIM_SMS': sms})}",
                       f"  stdout: {tail(bad['stdout'])}", f"  stderr: {tail(bad['stderr'])}"]
    if a["rc"] != 0 or b["rc"] != 0:
        bad = a if a["rc"] != 0 else b
        return "plain", [f"FAIL {where}: plain run {exit_text(bad['rc'])} (program or simulator bug)",
                       f"  replay: {plain_cmd}", f"  stderr: {tail(bad['stderr'])}"]
    if a["stdout"] != b["stdout"]:
        return "generator", [f"GENERATOR BUG {where}: two plain runs disagree (racy program)",
                       f"  {first_difference(a['stdout'], b['stdout'])}",
                       f"  replay: {plain_cmd}",
                       f"  replay: {command_line(rt, seed, size, {'SIM_SMS': sms})}"]

    m = re.search(r"\bstreams=(\d+)", a["stdout"])
    cfg = reef_config(rt.name, seed, int(m.group(1)) if m else 6)
    reef_env = dict(cfg, LD_PRELOAD=reef_lib)
    stats = os.path.join(work_root, f"stats-{rt.name}-{seed}.json") if SCHEDULE["on"] else None
    c = run(rt, seed, size, dict(reef_env, REEF_STATS=stats) if stats else reef_env)
    if stats:
        padded, gated, green = mechanism_counts(stats)
        PADDED.append((rt.name, padded))
        GATED.append((rt.name, gated))
        GREEN.append((rt.name, green))
    if c["rc"] == 0 and c["stdout"] == a["stdout"]:
        return "pass", [f"PASS {where}"]
    lines = [f"FAIL {where} under Reef: " +
             (exit_text(c["rc"]) if c["rc"] != 0 else "stdout differs from the plain run"),
             "  reef config: " + " ".join(f"{k}={v}" for k, v in cfg.items()),
             f"  replay: {command_line(rt, seed, size, reef_env)}",
             f"  replay (plain): {plain_cmd}"]
    if c["stdout"] != a["stdout"]:
        lines.append(f"  {first_difference(a['stdout'], c['stdout'])}")
    lines.append(f"  stderr: {tail(c['stderr'])}")
    save = os.path.join(work_root, f"{rt.name}-{seed}")
    os.makedirs(save, exist_ok=True)
    for tag, res in (("plain", a), ("reef", c)):
        for stream in ("stdout", "stderr"):
            with open(os.path.join(save, f"{tag}.{stream}"), "w") as f:
                f.write(res[stream])
    lines.append(f"  outputs: {os.path.relpath(save, REPO)}/")
    return "reef", lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--reef-lib", default=os.environ.get("REEF_LIB"),
                    help="library to preload (default: $REEF_LIB, else <build>/libreef.so)")
    ap.add_argument("--runtime", choices=["cuda", "hip", "both"], default="both")
    ap.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help=f"seeds per runtime (default {DEFAULT_SEEDS})")
    ap.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--seed", type=int, help="replay this one seed (same as --start SEED --seeds 1)")
    ap.add_argument("--size", type=int, default=2, help="program size knob 1..8 (default 2: 20-200 steps)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel cases (default: CPUs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print a line for passing cases too")
    ap.add_argument("--schedule", action="store_true",
                    help="run under Reef with REEF_SCHEDULE=on (held best-effort queues, preemption)")
    ap.add_argument("--padding", action="store_true",
                    help="with --schedule: kernel padding on (REEF_PADDING=on, mostly forced); fails if no "
                         "case padded a kernel")
    args = ap.parse_args()
    SCHEDULE["on"] = args.schedule or args.padding
    SCHEDULE["padding"] = args.padding
    if args.seed is not None:
        args.start, args.seeds, args.verbose = args.seed, 1, True

    build = args.build if os.path.isabs(args.build) else os.path.join(REPO, args.build)
    reef_lib = args.reef_lib or os.path.join(build, "libreef.so")
    reef_lib = reef_lib if os.path.isabs(reef_lib) else os.path.join(REPO, reef_lib)
    runtimes = [Runtime(n, build) for n in (["cuda", "hip"] if args.runtime == "both" else [args.runtime])]
    missing = [p for rt in runtimes for p in rt.missing()] + ([] if os.path.exists(reef_lib) else [reef_lib])
    if missing:
        print("FAIL setup: missing " + ", ".join(os.path.relpath(p, REPO) for p in missing) +
              " (make lib, then make test-differential)")
        print("0 passed, 1 failed")
        return 1

    work_root = os.path.join(build, "e2e", "differential")
    shutil.rmtree(work_root, ignore_errors=True)
    os.makedirs(work_root, exist_ok=True)
    cases = [(rt, seed) for rt in runtimes for seed in range(args.start, args.start + args.seeds)]
    verdicts = {"pass": 0, "reef": 0, "generator": 0, "plain": 0}
    started = time.monotonic()
    print(f"# {len(cases)} cases, size {args.size}, preloading {reef_lib}")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(check_case, rt, seed, args.size, reef_lib, work_root)
                   for rt, seed in cases]
        for fut in futures:  # in seed order, whatever finishes first
            verdict, lines = fut.result()
            verdicts[verdict] += 1
            if verdict != "pass" or args.verbose:
                print("\n".join(lines))
                sys.stdout.flush()
    passed = verdicts.pop("pass")
    failed = sum(verdicts.values())
    # Each mechanism must have been exercised once there are enough cases for it to show up:
    # padding is forced in most cases, a gate only matters in a few percent of them.
    checks = ([("padding", PADDED, 20, "kernels padded", "ran a kernel on a partition stream")] if SCHEDULE["padding"] else []) + \
             ([("gates", GATED, 500, "kernels released behind a gate", "released a kernel behind a gate")] if SCHEDULE["on"] else []) + \
             ([("green context", GREEN, 50, "streams made in the best-effort green context",
                "made a stream in the best-effort green context")] if SCHEDULE["on"] else [])
    for what, seen, enough, counted, did in checks:
        for rt in runtimes:
            if what == "green context" and rt.name != "cuda":
                continue   # HIP has no such context
            counts = [n for name, n in seen if name == rt.name]
            print(f"# {what}, {rt.name}: {sum(counts)} {counted} in {sum(1 for n in counts if n)} of {len(counts)} cases")
            if sum(counts) == 0 and len(counts) >= enough:
                print(f"FAIL {what}, {rt.name}: no case {did} (the mechanism was not exercised)")
                failed += 1
    print(f"# {time.monotonic() - started:.1f}s; failures: {verdicts['reef']} under Reef, "
          f"{verdicts['generator']} generator bugs, {verdicts['plain']} plain-run errors")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
