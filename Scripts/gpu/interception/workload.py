#!/usr/bin/env python3
"""GPU workload for checks (a)-(c), run as separate processes with and without Reef.

  --resnet-iters N  build ResNet-50, warm up, then run exactly N inferences and hash the last
                    output. Two Reef processes differing only in N give launches per inference.
  --extras          GEMM, convolution, torch.compile'd pointwise function, CUDA-graph replays.
  --profile         (run without Reef) torch.profiler kernel counts of one ResNet-50 inference
                    and the kernel names of each extra op.
Every part is guarded, so a failure is recorded in "errors" and the rest still runs; the result
file is rewritten after each part so a timeout keeps what was measured.
"""
import argparse
import os
import sys
import tempfile
import time
import traceback

import common


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--resnet-iters", type=int, default=0)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--extras", action="store_true")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--trace-dir", default=None)
    p.add_argument("--out", required=True)
    return p.parse_args(argv)


def guarded(result, part, fn):
    try:
        return fn()
    except Exception:
        result["errors"][part] = traceback.format_exc(limit=6)[-3000:]
        print("workload: %s failed:\n%s" % (part, result["errors"][part]), file=sys.stderr)
        return None


def run_resnet(tm, iters, warmup, state):
    model, x = tm.build_resnet50()
    for _ in range(warmup):
        tm.infer(model, x)
    times, y = [], None
    for _ in range(iters):
        t0 = time.perf_counter()
        y = tm.infer(model, x)
        times.append(round((time.perf_counter() - t0) * 1e3, 4))
    state["resnet"] = (model, x)
    out = tm.describe(y)
    out.update({"iters": iters, "warmup": warmup, "times_ms": times})
    return out


def run_extras(tm, torch, result, state):
    extras = result.setdefault("extras", {})
    for op, make in (("gemm", tm.make_gemm), ("conv", tm.make_conv), ("compiled", tm.make_compiled)):
        def one(make=make, op=op):
            fn = make()
            fn()  # first call: cuBLAS/cuDNN handles, or the torch.compile compilation
            y = fn()
            torch.cuda.synchronize()
            state[op] = fn
            return tm.describe(y)
        got = guarded(result, op, one)
        if got is not None:
            extras[op] = got

    def graph():
        run_all, replay = tm.make_graph()
        y = run_all()
        torch.cuda.synchronize()
        state["graph"] = replay
        out = tm.describe(y)
        out["replays"] = tm.GRAPH_REPLAYS
        return out
    got = guarded(result, "graph", graph)
    if got is not None:
        extras["graph"] = got


def run_profiles(tm, torch, result, state, trace_dir):
    import trace_count
    from torch.profiler import ProfilerActivity, profile

    def session(name, fn):
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            fn()
            torch.cuda.synchronize()
        path = os.path.join(trace_dir, "trace-%s.json" % name)
        prof.export_chrome_trace(path)
        return trace_count.summarize_trace(trace_count.load_trace(path))

    profiles = result.setdefault("profile", {})
    if "resnet" in state:
        model, x = state["resnet"]
        # The first session pays CUPTI's start-up; keep it out of the counted ones.
        guarded(result, "profile_warmup", lambda: session("warmup", lambda: tm.infer(model, x)))
        for name, n in (("resnet_one", 1), ("resnet_ten", 10)):
            def many(n=n):
                for _ in range(n):
                    tm.infer(model, x)
            got = guarded(result, "profile_" + name, lambda name=name, many=many: session(name, many))
            if got is not None:
                profiles[name] = got
    for op in ("gemm", "conv", "compiled", "graph"):
        if op in state:
            got = guarded(result, "profile_" + op, lambda op=op: session(op, state[op]))
            if got is not None:
                profiles[op] = got


def main(argv=None):
    args = parse_args(argv)
    result = {"pid": os.getpid(), "reef_loaded": common.reef_loaded(), "errors": {},
              "argv": sys.argv[1:] if argv is None else argv}
    common.write_json(args.out, result)
    try:
        import torch
        import torch_models as tm
    except Exception:
        result["errors"]["import"] = traceback.format_exc(limit=3)[-2000:]
        common.write_json(args.out, result)
        print("workload: cannot import torch:\n" + result["errors"]["import"], file=sys.stderr)
        return 1
    result["torch"] = torch.__version__
    state = {}
    if args.resnet_iters > 0:
        got = guarded(result, "resnet", lambda: run_resnet(tm, args.resnet_iters, args.warmup, state))
        if got is not None:
            result["resnet"] = got
        common.write_json(args.out, result)
    if args.extras:
        run_extras(tm, torch, result, state)
        common.write_json(args.out, result)
    if args.profile:
        trace_dir = args.trace_dir or tempfile.mkdtemp(prefix="reef-traces-")
        os.makedirs(trace_dir, exist_ok=True)
        run_profiles(tm, torch, result, state, trace_dir)
        common.write_json(args.out, result)
    print("workload: done pid=%d reef_loaded=%s errors=%s" % (result["pid"], result["reef_loaded"],
                                                              sorted(result["errors"])))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
