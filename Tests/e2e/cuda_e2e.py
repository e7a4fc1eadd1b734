#!/usr/bin/env python3
"""CUDA end-to-end tests: every program of build/tests/cuda, run against the simulated driver.

For each program:
  (a) plain, twice (LD_LIBRARY_PATH=<build>/sim/cuda, SIM_TRACE, SIM_STATS): exit 0, silent
      stderr, and the same stdout and trace both times (the program itself is deterministic);
  (b) with LD_PRELOAD=<reef lib> (+ REEF_STATS, REEF_LOG=warn): exit 0, silent stderr, stdout
      and SIM_TRACE identical to (a), and Reef's stats agreeing with the simulator's
      (launches, graph_launches, per routed call name). Skipped when the library is missing.
Prints one line per check, then exactly one summary line "N passed, N failed"; exits 1 on any
failure. Standard library only.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ABI_HEADER = os.path.join(REPO, "Sources", "CInterpose", "include", "reef_cuda_abi.h")
RUN_TIMEOUT_S = 30
# Environment that must not leak into the runs from the caller's shell.
SCRUBBED_ENV = ("LD_PRELOAD", "SIM_TRACE", "SIM_STATS", "SIMRT_DEFAULT_STREAM", "REEF_STATS", "REEF_LOG",
                "REEF_CAPTURE")


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, prog, what, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {prog}: {what}")
        else:
            self.failed += 1
            print(f"FAIL {prog}: {what}" + (f" -- {detail}" if detail else ""))
        sys.stdout.flush()
        return ok

    @staticmethod
    def skip(prog, what, why):
        print(f"SKIP {prog}: {what} ({why})")


def routed_names():
    """Exported variant names the shim routes: the X-list of reef_cuda_abi.h + cuCtxSynchronize."""
    with open(ABI_HEADER) as f:
        text = f.read()
    body = text[text.index("#define REEF_CUDA_CALLS(X)"):]
    body = body[: body.index("/* ---- argument-list helpers")]
    names = set(re.findall(r"\bX\((cu\w+),", body))
    names.add("cuCtxSynchronize")
    return names


def programs(test_dir, only):
    progs = []
    for name in sorted(os.listdir(test_dir)):
        path = os.path.join(test_dir, name)
        if name.endswith(".so") or not os.access(path, os.X_OK) or os.path.isdir(path):
            continue
        if only and name not in only:
            continue
        progs.append(name)
    return progs


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def read_json(path):
    text = read_text(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as e:
        return {"_error": f"{path}: invalid JSON: {e}"}


def run(prog_path, work_dir, tag, env_extra, base_env):
    """Run one program; returns dict with rc, stdout, stderr, trace, sim_stats, reef_stats, secs."""
    os.makedirs(work_dir, exist_ok=True)
    env = dict(base_env)
    env["SIM_TRACE"] = os.path.join(work_dir, f"{tag}.trace.%p")
    env["SIM_STATS"] = os.path.join(work_dir, f"{tag}.sim-stats.%p.json")
    env.update(env_extra)
    start = time.monotonic()
    proc = subprocess.Popen([prog_path], cwd=work_dir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = "timeout"
    pid = str(proc.pid)
    result = {
        "rc": rc,
        "stdout": out.decode(errors="replace"),
        "stderr": err.decode(errors="replace"),
        "trace": read_text(os.path.join(work_dir, f"{tag}.trace.{pid}")),
        "sim_stats": read_json(os.path.join(work_dir, f"{tag}.sim-stats.{pid}.json")),
        "secs": time.monotonic() - start,
    }
    if "REEF_STATS" in env_extra:
        candidates = [os.path.join(work_dir, f"{tag}.reef-stats.{pid}.json"),
                      os.path.join(work_dir, f"{tag}.reef-stats.%p.json")]
        result["reef_stats"] = next((s for s in map(read_json, candidates) if s is not None), None)
    for name in (f"{tag}.stdout", f"{tag}.stderr"):
        with open(os.path.join(work_dir, name), "w") as f:
            f.write(result["stdout" if name.endswith("stdout") else "stderr"])
    return result


def first_difference(a, b):
    la, lb = (a or "").splitlines(), (b or "").splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end>"
        y = lb[i] if i < len(lb) else "<end>"
        if x != y:
            return f"line {i + 1}: expected {x!r}, got {y!r}"
    return "no difference"


def check_plain(res, prog, a, a2):
    res.check(a["rc"] == 0, prog, "(a) plain run exits 0", f"rc={a['rc']} stderr={a['stderr'][-300:]!r}")
    res.check(a["stderr"] == "", prog, "(a) plain run prints nothing on stderr", a["stderr"][-300:])
    res.check(a["stdout"].rstrip().endswith("OK"), prog, "(a) plain run reports OK", a["stdout"][-200:])
    res.check(a["stdout"] == a2["stdout"] and a["trace"] == a2["trace"], prog,
              "(a) plain reruns give identical stdout and trace",
              first_difference(a["stdout"] + (a["trace"] or ""), a2["stdout"] + (a2["trace"] or "")))


def stats_calls(stats):
    if not isinstance(stats, dict):
        return {}
    calls = stats.get("calls", {})
    return calls if isinstance(calls, dict) else {}


def check_forwarded(res, prog, a, b, label):
    """A preloaded run whose calls Reef only forwards: it must be indistinguishable from plain."""
    res.check(b["rc"] == 0, prog, f"{label} preloaded run exits 0", f"rc={b['rc']} stderr={b['stderr'][-300:]!r}")
    res.check(b["stderr"] == "", prog, f"{label} no stderr output", b["stderr"][-300:])
    res.check(a["stdout"] == b["stdout"], prog, f"{label} stdout bit-identical to plain",
              first_difference(a["stdout"], b["stdout"]))
    res.check(a["trace"] == b["trace"], prog, f"{label} SIM_TRACE identical to plain (same calls, order, bytes)",
              first_difference(a["trace"], b["trace"]))


def check_preload(res, prog, a, b, routed, label="(b)"):
    res.check(b["rc"] == 0, prog, f"{label} preloaded run exits 0", f"rc={b['rc']} stderr={b['stderr'][-300:]!r}")
    res.check(b["stderr"] == "", prog, f"{label} no stderr output with REEF_LOG=warn", b["stderr"][-300:])
    res.check(a["stdout"] == b["stdout"], prog, f"{label} stdout bit-identical to plain",
              first_difference(a["stdout"], b["stdout"]))
    res.check(a["trace"] == b["trace"], prog, f"{label} SIM_TRACE identical to plain (same calls, order, bytes)",
              first_difference(a["trace"], b["trace"]))

    sim, reef = b["sim_stats"], b.get("reef_stats")
    if reef is None:  # acceptable only when nothing routed reached the driver
        seen = {n: c for n, c in stats_calls(sim).items() if n in routed}
        launches = (sim or {}).get("launches", 0)
        res.check(not seen and not launches, prog, f"{label} Reef wrote its stats (REEF_STATS)",
                  f"no Reef stats file, but the driver saw {sum(seen.values())} routed calls")
        return
    if "_error" in reef:
        res.check(False, prog, f"{label} Reef stats are valid JSON", reef["_error"])
        return
    sim = sim or {"launches": 0, "graph_launches": 0, "calls": {}}
    for key in ("launches", "graph_launches"):
        res.check(reef.get(key) == sim.get(key, 0), prog, f"{label} Reef {key} == simulator {key}",
                  f"reef={reef.get(key)} sim={sim.get(key, 0)}")
    res.check(reef.get("uncaptured_launches") == 0, prog, f"{label} every launch captured into a record",
              f"uncaptured_launches={reef.get('uncaptured_launches')}")
    sim_calls, reef_calls = stats_calls(sim), stats_calls(reef)
    plain_calls = stats_calls(a["sim_stats"])
    names = sorted((set(sim_calls) | set(reef_calls)) & routed)
    bad = [f"{n}: reef={reef_calls.get(n, 0)} sim={sim_calls.get(n, 0)}"
           for n in names if reef_calls.get(n, 0) != sim_calls.get(n, 0)]
    res.check(not bad, prog, f"{label} Reef calls[] == simulator calls[] for {len(names)} routed names",
              "; ".join(bad[:6]))
    extra = [f"{n}: preloaded={sim_calls.get(n, 0)} plain={plain_calls.get(n, 0)}"
             for n in sorted((set(sim_calls) | set(plain_calls)) & routed)
             if sim_calls.get(n, 0) != plain_calls.get(n, 0)]
    res.check(not extra, prog, f"{label} routed calls reaching the driver == the app's own (plain run)",
              "; ".join(extra[:6]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--reef-lib", default=None, help="shim to preload (default: <build>/libreef.so)")
    ap.add_argument("--only", nargs="*", help="run only these programs")
    args = ap.parse_args()

    build = os.path.join(REPO, args.build) if not os.path.isabs(args.build) else args.build
    reef_lib = args.reef_lib or os.path.join(build, "libreef.so")
    reef_lib = reef_lib if os.path.isabs(reef_lib) else os.path.join(REPO, reef_lib)
    sim_dir = os.path.join(build, "sim", "cuda")
    test_dir = os.path.join(build, "tests", "cuda")
    work_root = os.path.join(build, "e2e", "cuda")
    res = Results()
    if not os.path.exists(os.path.join(sim_dir, "libcuda.so.1")) or not os.path.isdir(test_dir):
        res.check(False, "setup", "simulator and programs are built", f"run: make -f Tests/cuda.mk BUILD={args.build} sim-cuda")
        print(f"{res.passed} passed, {res.failed} failed")
        return 1
    shutil.rmtree(work_root, ignore_errors=True)

    base_env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    selftest = os.path.join(build, "sim", "core", "simdev_selftest")
    if os.path.exists(selftest):  # the simulator's own execution model, before trusting it
        st = subprocess.run([selftest], env=base_env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        fails = [l for l in st.stdout.splitlines() if l.startswith("FAIL")]
        res.check(st.returncode == 0, "simdev", "core self-test (scheduling, ordering, faults)",
                  "; ".join(fails[:4]) or st.stderr[-300:])
    base_env["LD_LIBRARY_PATH"] = sim_dir + (":" + os.environ["LD_LIBRARY_PATH"] if os.environ.get("LD_LIBRARY_PATH") else "")
    have_reef = os.path.exists(reef_lib)
    routed = routed_names()
    started = time.monotonic()
    for prog in programs(test_dir, args.only):
        path = os.path.join(test_dir, prog)
        work = os.path.join(work_root, prog)
        a = run(path, work, "plain", {}, base_env)
        a2 = run(path, work, "plain2", {}, base_env)
        check_plain(res, prog, a, a2)
        if not have_reef:
            res.skip(prog, "(b) preloaded run", f"{os.path.relpath(reef_lib, REPO)} not built")
            continue
        b = run(path, work, "reef", {
            "LD_PRELOAD": reef_lib,
            "REEF_STATS": os.path.join(work, "reef.reef-stats.%p.json"),
            "REEF_LOG": "warn",
            "REEF_CAPTURE": "all",  # issue every launch from its captured record: proves capture
        }, base_env)
        check_preload(res, prog, a, b, routed)
        # Default capture (records only for held launches): launches are counted on the fast path.
        c = run(path, work, "counted", {"LD_PRELOAD": reef_lib, "REEF_LOG": "warn",
                                        "REEF_STATS": os.path.join(work, "counted.reef-stats.%p.json")}, base_env)
        check_preload(res, prog, a, c, routed, label="(c)")
        # Nothing to count or schedule: the wrappers forward at once.
        d = run(path, work, "forwarded", {"LD_PRELOAD": reef_lib}, base_env)
        check_forwarded(res, prog, a, d, "(d)")
    print(f"# {time.monotonic() - started:.1f}s, artifacts in {os.path.relpath(work_root, REPO)}")
    print(f"{res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
