"""One row of the in-process benchmark, in its own process: the real-time CUDA graph replayed every
10 ms by the C client (rt_driver.c) while, optionally, a best-effort model runs a closed loop in a
Python thread on another stream of the same process. Writes one JSON object.

  python3 row.py --row reef --be resnet152 --requests 1500 --driver rt_driver.so --out row.json

The row decides only the RT stream priority (--high-priority) and whether a BE model runs;
Reef itself comes from the environment (LD_PRELOAD, REEF_SCHEDULE) set by run.sh."""
import argparse
import hashlib
import json
import os
import sys
import threading
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))
from models import best_effort, capture_realtime_graph, output_digest  # noqa: E402
from rt_driver import RTDriver  # noqa: E402
from Scripts.bench.stats import percentile  # noqa: E402
from Scripts.gpu.gpu_clocks import ClockSampler  # noqa: E402


class BestEffortLoop(threading.Thread):
    """Closed loop: forward pass on its own stream, wait for it, compare with the reference: the
    loop's own output after five warm-up passes (cuBLAS/cuDNN choose kernels per stream and workspace,
    so a reference computed on another stream may differ in the last bits, with or without Reef)."""

    def __init__(self, model, x):
        super().__init__(daemon=True)
        self.model, self.x, self.reference = model, x, None
        # BE_GREEN=all|<SMs>: the loop runs on a stream of a green context (a diagnosis).
        green = os.environ.get("BE_GREEN")
        if green:
            from driver_streams import green_stream
            self.stream = torch.cuda.ExternalStream(green_stream(0 if green == "all" else int(green)))
        else:
            self.stream = torch.cuda.Stream()
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.done = []          # completion times (monotonic ns)
        self.mismatches = 0
        # sha256 of every iteration's output -> count: runs 3-8 saw nearly every iteration differ
        # from the reference pass in every row, no Reef included; the hashes show whether the
        # iterations agree with each other and with the rows without Reef.
        self.hashes = {}
        self.error = None

    def run(self):
        try:
            with torch.inference_mode(), torch.cuda.stream(self.stream):
                # Warm-up passes first (cuDNN/cuBLAS may settle on other kernels in the first
                # ones), then the reference: a copy, so nothing the loop does can touch it.
                for _ in range(5):
                    self.model(self.x)
                self.reference = self.model(self.x).clone()
                self.stream.synchronize()
                self.ready.set()
                check = os.environ.get("BE_CHECK", "1") != "0"   # 0: no per-iteration copy back
                while not self.stop.is_set():
                    y = self.model(self.x)
                    if not check:
                        self.stream.synchronize()
                        self.done.append(time.monotonic_ns())
                        continue
                    digest = output_digest(y)               # waits for the stream
                    self.done.append(time.monotonic_ns())
                    self.hashes[digest] = self.hashes.get(digest, 0) + 1
                    if not torch.equal(y, self.reference):
                        self.mismatches += 1
        except Exception as e:  # reported in the row's JSON
            self.error = repr(e)
            self.ready.set()

    def rate(self, start_ns, end_ns):
        n = sum(1 for t in self.done if start_ns <= t <= end_ns)
        return n / ((end_ns - start_ns) / 1e9)


def sha256(t):
    return hashlib.sha256(t.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--row", required=True)
    ap.add_argument("--be", default="none", help="none, resnet152 or transformer")
    ap.add_argument("--high-priority", action="store_true", help="RT stream at the greatest CUDA priority")
    ap.add_argument("--requests", type=int, default=1500)
    ap.add_argument("--period-ms", type=float, default=10.0)
    ap.add_argument("--be-alone-s", type=float, default=3.0, help="BE-alone throughput window before RT starts")
    ap.add_argument("--driver", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    result = {"row": a.row, "be_model": a.be, "high_priority": a.high_priority, "requests": a.requests,
              "period_ms": a.period_ms, "reef": {k: v for k, v in os.environ.items() if k.startswith("REEF_")},
              "preloaded": "libreef" in os.environ.get("LD_PRELOAD", "")}
    driver = RTDriver(a.driver)
    graph, handle, out, reference, keep = capture_realtime_graph()
    result["rt_output_sha256"] = hashlib.sha256(reference).hexdigest()

    be = None
    if a.be != "none":
        model, x = best_effort(a.be)
        be = BestEffortLoop(model, x)
        be.start()
        be.ready.wait()
        if be.reference is not None:
            result["be_output_sha256"] = sha256(be.reference)
        time.sleep(1.0)      # warm-up
        t0 = time.monotonic_ns()
        time.sleep(a.be_alone_s)
        result["be_alone_its"] = be.rate(t0, time.monotonic_ns())

    clocks = ClockSampler(a.out + ".clocks.csv")   # what the GPU's clocks did while RT was measured
    lat, gpu, launch, start, end, mism = driver.run(handle, a.high_priority, a.requests, a.period_ms, out.data_ptr(),
                                       out.numel() * out.element_size(), reference)
    result["gpu_clocks"] = clocks.stop()
    result["rt_mismatches"] = mism
    result["rt_window_ns"] = [start, end]
    result["rt_latency_ms"] = lat
    # Device time alone (events around the graph): separates GPU-side slowdown from host-side.
    result["rt_gpu_ms"] = gpu
    result["rt_gpu_p50_ms"], result["rt_gpu_p99_ms"] = percentile(gpu, 50), percentile(gpu, 99)
    # Host time to submit each request (event records + cuGraphLaunch): a device that waits for
    # a slow submission shows up in the device time too (RT_PREPUSH=1 takes that wait out).
    result["rt_launch_ms"] = launch
    result["rt_launch_p50_ms"], result["rt_launch_p99_ms"] = percentile(launch, 50), percentile(launch, 99)
    result["rt_prepush"] = os.environ.get("RT_PREPUSH") == "1"
    result["rt_p50_ms"], result["rt_p90_ms"], result["rt_p99_ms"], result["rt_max_ms"] = (
        percentile(lat, 50), percentile(lat, 90), percentile(lat, 99), max(lat))
    if be is not None:
        result["be_its"] = be.rate(start, end)
        # BE alone again, after RT: with the rate before RT it brackets the RT phase, so a host
        # that drifts during a row shows up (BE rates of one configuration varied by 20 % across
        # rows on some hosts).
        t1 = time.monotonic_ns()
        time.sleep(a.be_alone_s)
        result["be_alone_after_its"] = be.rate(t1, time.monotonic_ns())
        be.stop.set()
        be.join(timeout=60)
        result["be_iterations_during_rt"] = sum(1 for t in be.done if start <= t <= end)
        result["be_mismatches"] = be.mismatches
        result["be_output_hashes"] = be.hashes
        result["be_error"] = be.error
    with open(a.out, "w") as f:
        json.dump(result, f)
    print("%s: RT p50 %.3f p99 %.3f ms (device p50 %.3f, submit p50 %.3f)%s" % (
          a.row, result["rt_p50_ms"], result["rt_p99_ms"], result["rt_gpu_p50_ms"], result["rt_launch_p50_ms"],
          (", BE %.1f it/s (alone %.1f)" % (result["be_its"], result["be_alone_its"])) if be else ""), flush=True)
    del keep, graph


if __name__ == "__main__":
    main()
