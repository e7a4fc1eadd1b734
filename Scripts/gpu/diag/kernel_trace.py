"""The device-side kernel sequence of one of the in-process benchmark's best-effort models (issue 6):
every kernel's name, start and duration over a few iterations, from the PyTorch profiler (CUPTI),
after warm-up, alone on the GPU. `Scripts/bench/nonoverlap_bound.py` turns it into the best share
of its throughput any scheduler can keep when it never runs a best-effort kernel during a periodic
real-time request. No Reef here: this asks what the model's kernels are.

  python3 Scripts/gpu/diag/kernel_trace.py --be transformer --iterations 5 --out trace.json
"""
import argparse
import json
import os
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "inprocess"))
from models import best_effort  # noqa: E402


def kernels_from_chrome_trace(path):
    with open(path) as f:
        events = json.load(f).get("traceEvents", [])
    out = [{"name": e.get("name", "?"), "start_us": float(e["ts"]), "dur_us": float(e["dur"])}
           for e in events if e.get("ph") == "X" and e.get("cat") == "kernel" and "dur" in e]
    out.sort(key=lambda k: k["start_us"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--be", default="transformer")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    model, x = best_effort(a.be)
    stream = torch.cuda.Stream()
    with torch.inference_mode(), torch.cuda.stream(stream):
        for _ in range(a.warmup):
            model(x)
        stream.synchronize()
        t0 = time.monotonic()
        for _ in range(a.iterations):
            model(x)
        stream.synchronize()
        alone_s = (time.monotonic() - t0) / a.iterations
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            for _ in range(a.iterations):
                model(x)
            stream.synchronize()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.json")
        prof.export_chrome_trace(path)
        kernels = kernels_from_chrome_trace(path)
    busy = sum(k["dur_us"] for k in kernels)
    span = kernels[-1]["start_us"] + kernels[-1]["dur_us"] - kernels[0]["start_us"] if kernels else 0.0
    json.dump({"be": a.be, "iterations": a.iterations, "iteration_s_unprofiled": alone_s,
               "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
               "kernels_per_iteration": len(kernels) / max(1, a.iterations),
               "busy_us": busy, "span_us": span, "kernels": kernels}, open(a.out, "w"))
    print("kernel_trace: %d kernels over %d iterations, busy %.1f ms of a %.1f ms span, %.2f ms/iteration unprofiled"
          % (len(kernels), a.iterations, busy / 1e3, span / 1e3, alone_s * 1e3))


if __name__ == "__main__":
    main()
