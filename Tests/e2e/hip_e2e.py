#!/usr/bin/env python3
"""End-to-end tests of Reef on the simulated HIP runtime (python3 standard library only).

Static checks first: the simulated libamdhip64.so.5 carries the real ROCm 5.2 library's
version nodes with every symbol in the real node; every versioned HIP reference of the
hipcc-built programs resolves against it; and the kernel argument layouts in the programs'
code-object metadata (what Reef reads) equal the simulator's parameter tables.

Then each program runs twice against the simulator: plain, and under LD_PRELOAD=$REEF_LIB.
The plain run must exit 0, print the expected numbers (Tests/e2e/hip_expected) and keep its
SIM_STATS consistent with its SIM_TRACE. The preloaded run must print the same bytes, leave
an identical SIM_TRACE, and Reef's REEF_STATS must agree with the simulator's SIM_STATS on
launches, graph launches and every call count Reef reports (calls the runtime makes to its
own exports, such as hipMemcpy -> hipMemcpyAsync, are not the application's).

Usage: hip_e2e.py [--build build] [--reef-lib build/libreef.so] [--only NAME]
                  [--update-expected]
Ends with exactly one line "N passed, N failed"; exits 1 when anything failed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hip_codeobj  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
EXPECTED_DIR = os.path.join(HERE, "hip_expected")
REAL_LIB = "/usr/lib/x86_64-linux-gnu/libamdhip64.so.5"
MODULE = "module_kernels.co"
RUN_TIMEOUT_S = 60
SIM_CUS = 8  # compute units of the simulated device (the expected outputs print it)

# (program, arguments; MODULE is replaced by the code object's path)
PROGRAMS = [
    ("streams_events", []),
    ("pageable_async", []),
    ("callbacks_values", []),
    ("compute_kernels", []),
    ("graph_replay", []),
    ("mixed_args", []),
    ("per_thread", []),
    ("symbols_2d", []),
    ("ordered_calls", []),
    ("event_elapsed", []),
    ("error_paths", []),
    ("module_launch", [MODULE]),
    ("triton_launcher", [MODULE]),
]
# Built by hipcc, so they carry versioned HIP references and an embedded fat binary.
HIPCC_PROGRAMS = [name for name, _ in PROGRAMS if name != "triton_launcher"]
# Programs whose own code object declares no kernels (they use the module file).
NO_FATBIN = {"module_launch", "triton_launcher"}


class Report:
    """One printed line per check; skips are printed but not counted."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, label, detail=""):
        if ok:
            self.passed += 1
            print("PASS  %s" % label)
        else:
            self.failed += 1
            print("FAIL  %s%s" % (label, ": " + detail if detail else ""))
        return ok

    def skip(self, label, why):
        print("SKIP  %s: %s" % (label, why))


def canonical(name):
    """The C++-exported entry points are counted under their mangled names by the simulator;
    compare them by the function name (_Z24hipExtModuleLaunchKernel... -> hip...)."""
    m = re.match(r"_Z(\d+)", name)
    if not m:
        return name
    start = m.end()
    return name[start:start + int(m.group(1))]


def canonical_counts(calls):
    out = {}
    for name, count in calls.items():
        out[canonical(name)] = out.get(canonical(name), 0) + count
    return out


def dynamic_symbols(path):
    """{name: (version, defined)} from objdump -T; versions of undefined refs lose their ()."""
    text = subprocess.run(["objdump", "-T", path], capture_output=True, text=True,
                          check=True).stdout
    symbols = {}
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]+ .{7} (\S+)\s+[0-9a-f]+\s+(\(?[\w.]+\)?)\s+(\S+)$", line)
        if not m:
            continue
        section, version, name = m.groups()
        defined = section != "*UND*"
        symbols[name] = (version.strip("()"), defined)
    return symbols


def version_definitions(path):
    """The .gnu.version_d chain as [(name, parent or None)], from objdump -p."""
    text = subprocess.run(["objdump", "-p", path], capture_output=True, text=True,
                          check=True).stdout
    chain, inside = [], False
    for line in text.splitlines():
        if line.startswith("Version definitions:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            if line.startswith("\t"):
                chain[-1] = (chain[-1][0], line.strip())
            else:
                chain.append((line.split()[-1], None))
    return chain


def static_checks(report, sim_lib, prog_dir, real_lib):
    if shutil.which("objdump") is None:
        report.skip("symbol versions", "objdump not installed")
    else:
        # Defined, versioned functions; the linker's own version-name symbols are not exports,
        # and hipsim* are the simulator's own test hooks (no real library has them).
        sim = {n: v for n, (v, d) in dynamic_symbols(sim_lib).items()
               if d and v.startswith("hip_") and n != v and not n.startswith("hipsim")}
        if not os.path.exists(real_lib):
            report.skip("symbol versions", "real library %s not installed" % real_lib)
        else:
            real = {n: v for n, (v, d) in dynamic_symbols(real_lib).items() if d}
            report.check(version_definitions(sim_lib) == version_definitions(real_lib),
                         "simulator: version nodes and chain equal the real library's")
            wrong = sorted("%s@%s (real: %s)" % (n, v, real.get(n, "absent"))
                           for n, v in sim.items() if real.get(n) != v)
            report.check(not wrong and sim, "simulator: %d exports sit in the real library's "
                         "version nodes" % len(sim), ", ".join(wrong))
        for name in HIPCC_PROGRAMS:
            refs = {n: v for n, (v, d) in dynamic_symbols(os.path.join(prog_dir, name)).items()
                    if not d and v.startswith("hip_")}
            missing = sorted("%s@%s" % (n, v) for n, v in refs.items() if sim.get(n) != v)
            report.check(refs and not missing, "%s: %d versioned HIP references resolve in the "
                         "simulator" % (name, len(refs)), ", ".join(missing))

    table_tool = os.path.join(prog_dir, "hipsim_kernel_table")
    table = json.loads(subprocess.run([table_tool], capture_output=True, text=True,
                                      check=True).stdout)
    by_name = {}
    for mangled, row in table.items():
        layout = [tuple(p) for p in row["params"]]
        by_name[mangled] = layout
        by_name[row["plain"]] = layout
    sources = [(name, hip_codeobj.executable_layouts, os.path.join(prog_dir, name))
               for name in HIPCC_PROGRAMS if name not in NO_FATBIN]
    sources.append((MODULE, hip_codeobj.module_layouts, os.path.join(prog_dir, MODULE)))
    for label, reader, path in sources:
        try:
            layouts = reader(path)
        except (OSError, ValueError) as exc:
            report.check(False, "%s: code object metadata readable" % label, str(exc))
            continue
        bad = []
        for kernel, args in sorted(layouts.items()):
            meta = [(offset, size) for offset, size, _kind in args]
            if by_name.get(kernel) != meta:
                bad.append("%s metadata %s vs simulator %s" % (kernel, meta, by_name.get(kernel)))
        report.check(layouts and not bad, "%s: kernarg metadata of %d kernels equals the "
                     "simulator's layouts" % (label, len(layouts)), "; ".join(bad))


def run_program(binary, args, sim_dir, workdir, tag, reef_lib=None, mode="capture"):
    """Runs one program; returns a dict with rc, stdout, stderr, trace, stats, reef_stats.
    With `reef_lib`, `mode` is "capture" (REEF_CAPTURE=all and REEF_STATS), "counted" (REEF_STATS:
    launches counted on the fast path) or "forwarded" (neither: the wrappers forward at once)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIM_", "REEF_")) and k != "LD_PRELOAD"}
    old = env.get("LD_LIBRARY_PATH")
    env["LD_LIBRARY_PATH"] = sim_dir + (":" + old if old else "")
    paths = {key: os.path.join(workdir, "%s.%s" % (tag, key))
             for key in ("trace", "stats", "reef_stats")}
    env["SIM_SMS"] = str(SIM_CUS)
    env["SIM_TRACE"] = paths["trace"]
    env["SIM_STATS"] = paths["stats"]
    if reef_lib:
        env["LD_PRELOAD"] = reef_lib
        if mode == "capture":
            env["REEF_CAPTURE"] = "all"  # launch from the captured records: proves them complete
        if mode != "forwarded":
            env["REEF_STATS"] = paths["reef_stats"]
    result = {"rc": None, "stdout": b"", "stderr": b""}
    try:
        proc = subprocess.run([binary] + args, env=env, capture_output=True,
                              timeout=RUN_TIMEOUT_S)
        result.update(rc=proc.returncode, stdout=proc.stdout, stderr=proc.stderr)
    except subprocess.TimeoutExpired as exc:
        result.update(rc="timeout", stdout=exc.stdout or b"", stderr=exc.stderr or b"")
    for key, path in paths.items():
        try:
            with open(path, "rb") as f:
                raw = f.read()
            result[key] = raw if key == "trace" else json.loads(raw)
        except (OSError, ValueError):
            result[key] = None
    return result


def tail(raw, lines=4):
    text = raw.decode(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


def first_difference(a, b):
    la, lb = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return "line %d: %r vs %r" % (i + 1, x, y)
    return "%d lines vs %d lines" % (len(la), len(lb))


def check_plain(report, name, plain, update_expected):
    ok = report.check(plain["rc"] == 0, "%s: plain run exits 0" % name,
                      "rc=%s stderr: %s" % (plain["rc"], tail(plain["stderr"])))
    expected_path = os.path.join(EXPECTED_DIR, name + ".stdout")
    if update_expected and ok:
        with open(expected_path, "wb") as f:
            f.write(plain["stdout"])
    try:
        with open(expected_path, "rb") as f:
            expected = f.read()
        report.check(plain["stdout"] == expected, "%s: plain stdout is the expected result"
                     % name, first_difference(plain["stdout"], expected))
    except OSError:
        report.check(False, "%s: plain stdout is the expected result" % name,
                     "missing %s" % expected_path)
    stats, trace = plain["stats"], plain["trace"]
    if stats is None or trace is None:
        report.check(False, "%s: SIM_STATS and SIM_TRACE written" % name)
        return
    # Only outermost calls are traced and counted, so the two must agree name by name.
    traced = {}
    for line in trace.decode(errors="replace").splitlines():
        api = line.split(" ", 1)[0]
        traced[api] = traced.get(api, 0) + 1
    counted = canonical_counts(stats.get("calls", {}))
    wrong = ["%s traced %d counted %d" % (api, n, counted.get(api, 0))
             for api, n in sorted(traced.items()) if counted.get(api, 0) != n]
    report.check(not wrong, "%s: SIM_STATS call counts match the SIM_TRACE lines" % name,
                 "; ".join(wrong))


EXPECTED_UNCAPTURED = {"error_paths": 1}


def check_forwarded(report, name, plain, pre):
    """A preloaded run must look exactly like the plain one: exit, stdout, the simulator's trace."""
    report.check(pre["rc"] == 0, "%s: preload run exits 0" % name,
                 "rc=%s stderr: %s" % (pre["rc"], tail(pre["stderr"])))
    report.check(pre["stdout"] == plain["stdout"], "%s: stdout identical under Reef" % name,
                 first_difference(pre["stdout"], plain["stdout"]))
    if pre["trace"] is None or plain["trace"] is None:
        report.check(False, "%s: SIM_TRACE identical under Reef" % name, "trace missing")
    else:
        report.check(pre["trace"] == plain["trace"], "%s: SIM_TRACE identical under Reef" % name,
                     first_difference(pre["trace"], plain["trace"]))


def check_preload(report, name, plain, pre):
    check_forwarded(report, name, plain, pre)
    reef, sim = pre["reef_stats"], pre["stats"]
    if not report.check(reef is not None and sim is not None,
                        "%s: REEF_STATS and SIM_STATS written" % name):
        return
    if "runtime" in reef:
        report.check(reef["runtime"] == "hip", "%s: Reef reports runtime hip" % name,
                     "runtime=%r" % reef["runtime"])
    for key in ("launches", "graph_launches"):
        report.check(reef.get(key) == sim.get(key), "%s: Reef %s == simulator %s" % (name, key, key),
                     "reef %s, simulator %s" % (reef.get(key), sim.get(key)))
    # Every launch of a hipcc-built or module kernel must have been captured from its code
    # object's metadata, not forwarded as it came; error_paths launches one unregistered
    # function on purpose, which can only be forwarded.
    expected = EXPECTED_UNCAPTURED.get(name.split(" ")[0], 0)  # name may carry the run mode
    report.check(reef.get("uncaptured_launches") == expected,
                 "%s: every capturable launch captured into a record" % name,
                 "uncaptured_launches=%r, expected %d" % (reef.get("uncaptured_launches"), expected))
    reef_calls = canonical_counts(reef.get("calls", {}))
    sim_calls = canonical_counts(sim.get("calls", {}))
    wrong = ["%s reef %d sim %d" % (api, n, sim_calls.get(api, 0))
             for api, n in sorted(reef_calls.items()) if sim_calls.get(api, 0) != n]
    report.check(reef_calls and not wrong, "%s: Reef's %d per-API counts equal the simulator's"
                 % (name, len(reef_calls)), "; ".join(wrong) or "Reef reported no calls")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--reef-lib", default=os.environ.get("REEF_LIB"))
    parser.add_argument("--real-lib", default=REAL_LIB)
    parser.add_argument("--only", action="append", help="run only these programs")
    parser.add_argument("--update-expected", action="store_true",
                        help="rewrite hip_expected/ from the plain runs")
    opts = parser.parse_args()

    build = os.path.abspath(os.path.join(REPO, opts.build))
    sim_dir = os.path.join(build, "sim", "hip")
    prog_dir = os.path.join(build, "tests", "hip")
    reef_lib = os.path.abspath(opts.reef_lib or os.path.join(build, "libreef.so"))
    sim_lib = os.path.join(sim_dir, "libamdhip64.so.5")
    report = Report()
    if not os.path.exists(sim_lib) or not os.path.isdir(prog_dir):
        report.check(False, "simulator and programs built", "run `make sim-hip` first")
        print("%d passed, %d failed" % (report.passed, report.failed))
        return 1

    static_checks(report, sim_lib, prog_dir, opts.real_lib)

    have_reef = os.path.exists(reef_lib)
    programs = [(n, a) for n, a in PROGRAMS if not opts.only or n in opts.only]
    with tempfile.TemporaryDirectory(prefix="hip_e2e.") as workdir:
        def both_runs(entry):
            name, args = entry
            args = [os.path.join(prog_dir, MODULE) if a == MODULE else a for a in args]
            binary = os.path.join(prog_dir, name)
            plain = run_program(binary, args, sim_dir, workdir, name + ".plain")
            pre = {mode: run_program(binary, args, sim_dir, workdir, "%s.reef-%s" % (name, mode), reef_lib, mode)
                   for mode in ("capture", "counted", "forwarded")} if have_reef else None
            return name, plain, pre

        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            results = list(pool.map(both_runs, programs))
    for name, plain, pre in results:
        check_plain(report, name, plain, opts.update_expected)
        if pre is None:
            report.skip("%s: runs under LD_PRELOAD" % name, "%s not built" % reef_lib)
        else:
            check_preload(report, name, plain, pre["capture"])
            check_preload(report, name + " (counted, capture held)", plain, pre["counted"])
            check_forwarded(report, name + " (forwarded)", plain, pre["forwarded"])

    print("%d passed, %d failed" % (report.passed, report.failed))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
