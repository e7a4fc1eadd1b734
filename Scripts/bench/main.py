"""Command line of the benchmark: `Scripts/bench/run.sh <workload|all> [options]`.

Plans the cells, runs them block by block, and writes results.json, results.md and the PNGs into
bench/results/<date>-<gpu>/, merging with an earlier run of the same day and GPU.
"""
import argparse
import os
import shlex
import signal
import sys
import time

from . import arrivals, environment, plan, reef, results_store, systems as sysmod, workloads
from .orchestrator import Runner
from .report import write_report
from .stats import DELAY_EDGES_MS

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_TRACE = os.path.join(HERE, "traces", "bursty.csv")
DEFAULT_VARIANTS = "eager:1,graph:1,graph:32"
DEFAULT_DURATION = 2.0
DEFAULT_WARMUP = 0.5
DEFAULT_BUDGET = 520.0  # no new cell after this: a device call (600 s at most) still ends with its report


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="run.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workloads", nargs="?", default="all",
                    help="A, B, C, D, E, trace, a comma list (B,C) or all")
    ap.add_argument("--systems", default="all",
                    help="comma list of: rt-only, multi-stream, stream-priority, multi-process, mps, "
                         "reef-* names, 'reef' (all Reef rows) or all")
    ap.add_argument("--variants", default=DEFAULT_VARIANTS,
                    help="RT mode:BE batch pairs, e.g. eager:1,graph:32 (default %(default)s)")
    ap.add_argument("--duration", type=float, default=DEFAULT_DURATION,
                    help="measured seconds per cell (DISB uses 60; default %(default)s)")
    ap.add_argument("--warmup", type=float, default=DEFAULT_WARMUP,
                    help="unmeasured seconds at the start of each cell (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="seed for weights, inputs and Poisson arrivals")
    ap.add_argument("--trace", default=DEFAULT_TRACE, help="CSV of client,arrival_ms for the trace workload")
    ap.add_argument("--results-root", default=os.path.join(REPO_ROOT, "bench", "results"))
    ap.add_argument("--out", help="results folder (default <results-root>/<date>-<gpu>)")
    ap.add_argument("--no-merge", action="store_true", help="replace an existing results.json instead of merging")
    ap.add_argument("--backend", choices=("torch", "fake"), default="torch",
                    help="fake: simulated GPU, to try the harness without one")
    ap.add_argument("--reef-lib", help="libreef.so to preload (default $REEF_LIB or dist/libreef.so)")
    ap.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                    help="seconds after which no new cell starts; 0 for none (default %(default)s)")
    ap.add_argument("--raw", action="store_true", help="also keep every request's record (raw/*.json.gz)")
    ap.add_argument("--dry-run", action="store_true", help="print the plan and its time estimate, run nothing")
    ap.add_argument("--report-only", metavar="DIR", help="re-render results.md and PNGs from DIR/results.json")
    args = ap.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0:
        ap.error("--duration must be > 0 and --warmup >= 0")
    return args


def describe_plan(blocks, estimate):
    lines = []
    for b in blocks:
        lines.append("block %-40s %-9s %3d cells, %2d clients" % (b.name, b.clients, len(b.cells), len(b.client_specs())))
    ncells = sum(len(b.cells) for b in blocks)
    lines.append("%d cells in %d blocks; estimated %.0f s (%.1f min) of GPU time incl. model loading"
                 % (ncells, len(blocks), estimate, estimate / 60.0))
    return "\n".join(lines)


def command_line(argv):
    given = os.environ.get("REEF_BENCH_COMMAND")
    return given or "python3 -m Scripts.bench.main " + " ".join(shlex.quote(a) for a in argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.report_only:
        results = results_store.load(os.path.join(args.report_only, "results.json"))
        if results is None:
            sys.exit("no results.json in %s" % args.report_only)
        for path in write_report(results, args.report_only):
            print(path)
        return 0
    wl_list = workloads.parse_workloads(args.workloads)
    sys_list = sysmod.parse_systems(args.systems, sysmod.all_systems())
    variants = plan.parse_variants(args.variants)
    traces = arrivals.load_trace_csv(args.trace) if any(w.name == "trace" for w in wl_list) else ({}, None)
    blocks = plan.build_plan(wl_list, sys_list, variants, args.warmup, args.duration, args.seed, traces)
    estimate = plan.estimate_seconds(blocks)
    print(describe_plan(blocks, estimate), flush=True)
    if args.dry_run:
        return 0

    gpu = environment.gpu() if args.backend == "torch" else {"name": "fake", "driver": None}
    if args.backend == "torch" and not gpu:
        print("warning: nvidia-smi not found; GPU name and driver will be missing", file=sys.stderr)
    out_dir = args.out or results_store.results_dir(args.results_root, gpu.get("name", "unknown-gpu"))
    os.makedirs(out_dir, exist_ok=True)
    results_path = os.path.join(out_dir, "results.json")
    previous = None if args.no_merge else results_store.load(results_path)
    reef_lib = reef.find_library(REPO_ROOT, args.reef_lib)

    results = results_store.empty()
    notes = []
    if any(s.is_reef for s in sys_list):
        if reef_lib:
            notes.append("Reef rows ran with %s." % reef_lib)
            for s in sys_list:
                if not s.is_reef:
                    continue
                if (s.reef_env or {}).get("REEF_SCHEDULE") != "on":
                    notes.append("`%s` does not turn scheduling on (REEF_SCHEDULE): it measures interception "
                                 "overhead only." % s.name)
                elif s.clients == "threads":
                    notes.append("`%s` schedules inside one Python process: a BE thread blocked in a call that "
                                 "keeps the GIL (e.g. `.item()`) while Reef holds its work back for RT also stalls "
                                 "the RT threads until that work runs." % s.name)
        elif args.backend == "torch":
            notes.append("Reef rows skipped: no libreef.so (expected dist/libreef.so or --reef-lib).")
    if args.backend == "fake":
        notes.append("FAKE BACKEND: no GPU was used; numbers only exercise the harness.")
    results["meta"] = {
        "date": environment.today(), "gpu": gpu, "cpu": environment.cpu_model(),
        "commit": environment.commit(REPO_ROOT), "backend": args.backend,
        "duration_s": args.duration, "warmup_s": args.warmup, "seed": args.seed,
        "variants": [v.key for v in variants], "delay_edges_ms": DELAY_EDGES_MS,
        "standalone": "each RT client alone with its workload's own arrival process", "trace": os.path.relpath(args.trace, REPO_ROOT),
        "reef": reef.library_label(reef_lib) if reef_lib else None, "notes": notes,
    }
    run_rec = {"command": command_line(argv), "started": environment.now_iso(),
               "workloads": [w.name for w in wl_list], "systems": [s.name for s in sys_list],
               "variants": [v.key for v in variants], "duration_s": args.duration,
               "warmup_s": args.warmup, "estimate_s": estimate, "budget_s": args.budget}
    results["runs"].append(run_rec)
    t0 = time.monotonic()

    def save():
        run_rec["finished"] = environment.now_iso()
        run_rec["wall_s"] = time.monotonic() - t0
        results_store.save(results_store.merge(previous, results), results_path)

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)  # unwinds through every finally: workers closed, MPS told to quit

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    runner = Runner(REPO_ROOT, out_dir, args.backend, results, save, reef_lib=reef_lib,
                    budget_s=args.budget or None, raw=args.raw, seed=args.seed)
    try:
        runner.run_blocks(blocks)
    finally:
        save()
        merged = results_store.load(results_path)
        for path in write_report(merged, out_dir):
            print(path)
        print("results in %s (%.0f s)" % (out_dir, time.monotonic() - t0), flush=True)
    failed = [k for k, c in results["cells"].items() if c["status"] == "failed"]
    return 1 if failed and len(failed) == len(results["cells"]) else 0


if __name__ == "__main__":
    sys.exit(main())
