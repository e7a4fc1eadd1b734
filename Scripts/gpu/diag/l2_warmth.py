"""How much of RT's slowdown beside BE work is a cold L2 cache, and can access-policy windows keep it
warm? (issues 3, 4: every Reef row ran RT 11-17 % slower at the median than RT alone, even with BE
held before RT arrived.) RT = the in-process benchmark's CUDA-graph ResNet-50 bs1 fp16 on a
greatest-priority stream; each request is timed from launch to the end of its synchronize (no
queueing: nothing else runs while it does). Between requests, per mode:

  warm              nothing (RT alone, as in the benchmark's rt_alone row)
  flush             a kernel reading and writing a buffer larger than L2, normal L2 policy
  flush_streaming   the same kernel with a streaming access-policy window over its buffer
  be                one eager ResNet-152 bs32 fp16 forward pass (the benchmark's BE)
  *_prewarm         as before, then RT's weights read (torch._foreach_norm) just before the request
  flush_rt_stream   the flush kernel on RT's own stream;  idle<N>  N seconds idle, once
  persist_*         RT graph nodes carry a persisting window over RT's weights (L2 set-aside at
                    the device maximum), then warm / flush / be as above

  python3 l2_warmth.py --helper l2_policy.so --out l2.json [--requests 300]
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "inprocess"))
from models import best_effort, resnet, seeded  # noqa: E402

NORMAL, STREAMING, PERSISTING = 0, 1, 2


def percentile(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


class Helper:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        u64 = ctypes.c_uint64
        self.lib.l2_error.restype = ctypes.c_char_p
        for name, args in (("l2_stream_window", [u64, u64, ctypes.c_size_t, ctypes.c_float, ctypes.c_int, ctypes.c_int]),
                           ("l2_graph_window", [u64, u64, ctypes.c_size_t, ctypes.c_float, ctypes.c_int, ctypes.c_int]),
                           ("l2_set_persisting", [ctypes.c_size_t]), ("l2_reset_persisting", []),
                           ("l2_limits", [ctypes.POINTER(ctypes.c_longlong)])):
            getattr(self.lib, name).argtypes = args
            getattr(self.lib, name).restype = ctypes.c_int

    def call(self, name, *args):
        rc = getattr(self.lib, name)(*args)
        if rc < 0:
            raise RuntimeError("%s: %s" % (name, self.lib.l2_error().decode()))
        return rc

    def limits(self):
        out = (ctypes.c_longlong * 3)()
        self.call("l2_limits", out)
        return {"l2_bytes": out[0], "max_persisting_bytes": out[1], "max_window_bytes": out[2]}


def capture(model, x, stream):
    g = torch.cuda.CUDAGraph(keep_graph=True)
    with torch.inference_mode(), torch.cuda.graph(g, stream=stream):
        out = model(x)
    return g, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--helper", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--period-ms", type=float, default=10.0)
    ap.add_argument("--plan", default="all", help="all, same_stream, other_stream, idle or recovery")
    a = ap.parse_args()
    h = Helper(a.helper)
    torch.cuda.init()
    limits = h.limits()
    print("limits", limits, flush=True)

    torch.backends.cudnn.benchmark = False
    model, x = resnet(50), seeded((1, 3, 224, 224), 1)
    with torch.inference_mode():
        for _ in range(3):
            model(x)
    torch.cuda.synchronize()
    cap = torch.cuda.Stream()
    plain, out_plain = capture(model, x, cap)
    persist, out_persist = capture(model, x, cap)
    ptrs = [(p.data_ptr(), p.numel() * p.element_size()) for p in model.parameters()]
    base = min(p for p, _ in ptrs)
    span = max(p + n for p, n in ptrs) - base
    wbytes = min(span, limits["max_window_bytes"])
    set_aside = limits["max_persisting_bytes"]
    ratio = min(1.0, set_aside / wbytes) if wbytes else 0.0
    nodes = h.call("l2_graph_window", int(persist.raw_cuda_graph()), base, wbytes, ratio, PERSISTING, NORMAL)
    info = {"limits": limits, "rt_weights_bytes": sum(n for _, n in ptrs), "rt_weights_span": span,
            "rt_window_bytes": wbytes, "rt_window_hit_ratio": ratio, "rt_graph_nodes_with_window": nodes}
    print(info, flush=True)

    fbytes = min(limits["max_window_bytes"], 4 * limits["l2_bytes"]) // (2 << 20) * (2 << 20)
    buf = torch.zeros(fbytes // 2, dtype=torch.float16, device="cuda")
    f_plain, f_stream = torch.cuda.Stream(), torch.cuda.Stream()
    h.call("l2_stream_window", f_stream.cuda_stream, buf.data_ptr(), fbytes, 1.0, STREAMING, STREAMING)
    info["flush_bytes"] = fbytes
    be_model, be_x = best_effort("resnet152")
    be_stream = torch.cuda.Stream()
    rt = torch.cuda.Stream(priority=-1)   # high priority, as the benchmark's RT stream

    params = [p for p in model.parameters()]
    idled = set()

    def between(kind):
        if kind.endswith("_prewarm"):   # RT's weights read into L2 just before the request
            between(kind[:-len("_prewarm")])
            with torch.inference_mode(), torch.cuda.stream(f_plain):
                torch._foreach_norm(params)
            f_plain.synchronize()
        elif kind == "flush_rt_stream":   # the same kernel on RT's own stream: no other stream used
            with torch.cuda.stream(rt):
                buf.add_(1)
            rt.synchronize()
        elif kind.startswith("idle"):      # idle<N>: N seconds with nothing on the GPU, once
            if kind not in idled:
                idled.add(kind)
                time.sleep(float(kind[4:]))
        elif kind == "flush":
            with torch.cuda.stream(f_plain):
                buf.add_(1)
            f_plain.synchronize()
        elif kind == "flush_streaming":
            with torch.cuda.stream(f_stream):
                buf.add_(1)
            f_stream.synchronize()
        elif kind == "be":
            with torch.inference_mode(), torch.cuda.stream(be_stream):
                be_model(be_x)
            be_stream.synchronize()

    def run(graph, kind):
        lat = []
        with torch.cuda.stream(rt):
            for _ in range(10):
                graph.replay()
            rt.synchronize()
            next_at = time.perf_counter_ns()
            for _ in range(a.requests):
                between(kind)
                next_at += int(a.period_ms * 1e6)
                while time.perf_counter_ns() < next_at:
                    pass
                next_at = time.perf_counter_ns()   # `be` takes longer than a period: no backlog
                t = time.perf_counter_ns()
                graph.replay()
                rt.synchronize()
                lat.append((time.perf_counter_ns() - t) / 1e6)
        return {"p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90), "p99_ms": percentile(lat, 99),
                "max_ms": max(lat), "n": len(lat)}

    # `warm` between the others: whether RT alone comes back to its first latency after each.
    plans = {
        # Fresh processes, one question each: does RT alone come back to its first latency after
        # a flush on RT's own stream, after one on another stream, after idle time?
        "same_stream": ["warm", "flush_rt_stream", "warm"],
        "other_stream": ["warm", "flush", "warm"],
        "idle": ["warm", "idle5", "warm"],
        "recovery": ["warm", "flush", "idle20", "warm"],
    }
    if a.plan in plans:
        plan = [(m, plain, m if m != "warm" else "none", 0) for m in plans[a.plan]]
    else:
        plan = [("warm", plain, "none", 0), ("flush", plain, "flush", 0), ("warm", plain, "none", 0),
                ("flush_streaming", plain, "flush_streaming", 0), ("warm", plain, "none", 0), ("be", plain, "be", 0),
                ("warm", plain, "none", 0), ("flush_prewarm", plain, "flush_prewarm", 0),
                ("be_prewarm", plain, "be_prewarm", 0), ("warm", plain, "none", 0),
                ("persist_warm", persist, "none", set_aside), ("persist_flush", persist, "flush", set_aside),
                ("persist_be", persist, "be", set_aside), ("warm", plain, "none", 0)]
    modes = []
    for name, graph, kind, setaside in plan:
        try:
            h.call("l2_reset_persisting")
            h.call("l2_set_persisting", setaside)
            r = run(graph, kind)
        except Exception as e:  # one failing mode must not lose the others
            r = {"error": repr(e)}
        r["mode"] = name
        modes.append(r)
        print(name, r, flush=True)
    h.call("l2_reset_persisting")
    h.call("l2_set_persisting", 0)
    same = torch.equal(out_plain, out_persist)
    result = {"info": info, "modes": modes, "outputs_equal": bool(same),
              "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
