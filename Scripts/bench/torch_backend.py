"""The GPU side of a worker: one CUDA stream per client, eager or CUDA-graph requests, CUDA events.

Each model loads once per process and is shared by the process's clients; every (client, batch)
gets its own static input, and each RT client in graph mode its own captured graph.
"""
import importlib.metadata
import platform
import time

import torch

from . import models
from .workloads import MODELS

HIGH_PRIORITY = -1  # CUDA: lower is higher; PyTorch accepts -1 on every version


def _version(pkg):
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return None


def _event():
    # Blocking sync: a waiting client sleeps instead of spinning, so CPU time per request is real work.
    return torch.cuda.Event(enable_timing=True, blocking=True)


def capture_graph(fn):
    """Capture fn() into a CUDA graph after warming it up on a side stream (as PyTorch requires)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, capture_error_mode="thread_local"):
        out = fn()
    torch.cuda.synchronize()
    return graph, out


class TorchExecutor:
    """Runs one client's requests on its stream; RT requests carry device timestamps."""

    def __init__(self, stream, run, timed, probe, graph_fallback=None):
        self.stream = stream
        self.run = run
        self.timed = timed
        self.probe = probe
        self.graph_fallback = graph_fallback
        self.ref = None

    def thread_context(self):
        return torch.no_grad()  # grad mode is per thread

    def begin(self):
        """Reference event for this cell's device times, recorded on the (idle) client stream."""
        self.ref = _event()
        self.ref.record(self.stream)
        self.ref.synchronize()

    def request(self):
        s = self.stream
        start = None
        with torch.cuda.stream(s):
            if self.timed:
                # A one-element kernel first: its completion is when this request got onto the SMs.
                self.probe.add_(1)
                start = _event()
                start.record(s)
            self.run()
            end = _event()
            end.record(s)
        end.synchronize()
        return (start, end) if self.timed else None

    def device_times(self, token):
        start, end = token
        return self.ref.elapsed_time(start) / 1000.0, self.ref.elapsed_time(end) / 1000.0


class TorchBackend:
    def __init__(self):
        self.models = {}
        self.clients = {}
        self.runs = {}  # (client id, mode, batch) -> callable
        self.fallbacks = {}  # client id -> why its graph could not be captured
        self.broken = {}  # client id -> why it could not be set up
        self.probes = {}
        self.streams = {}
        self.executors = {}

    def setup(self, clients, options):
        t0 = time.monotonic()
        seed = int(options.get("seed", 1))
        torch.backends.cudnn.benchmark = False
        torch.cuda.init()
        with torch.no_grad():
            for spec in clients:
                self.clients[spec["id"]] = spec
                try:
                    self._setup_client(spec, seed)
                except Exception as e:  # only the cells using this client fail, with this reason
                    self.broken[spec["id"]] = _first_line(e)
                    _sync_quietly()
            torch.cuda.synchronize()
        hi = torch.cuda.Stream(priority=HIGH_PRIORITY)
        cap = torch.cuda.get_device_capability(0)
        return {
            "backend": "torch", "torch": torch.__version__, "torch_cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version(), "torchvision": _version("torchvision"),
            "transformers": _version("transformers"), "numpy": _version("numpy"),
            "python": platform.python_version(), "gpu": torch.cuda.get_device_name(0),
            "capability": "%d.%d" % cap, "high_stream_priority": getattr(hi, "priority", None),
            "graph_fallbacks": dict(self.fallbacks), "client_errors": dict(self.broken),
            "setup_s": time.monotonic() - t0,
        }

    def _setup_client(self, spec, seed):
        cid, name = spec["id"], spec["model"]
        if name not in self.models:
            # Per-model seed offset: no two models share their random weights.
            self.models[name] = models.build(name, seed + 1000 * MODELS.index(name))
        model = self.models[name]
        self.probes[cid] = torch.zeros(1, device="cuda")
        for batch in spec["batches"]:
            x = models.make_input(name, batch, seed + batch)
            fn = models.forward_fn(name, model, x)
            for _ in range(3):  # cuDNN/cuBLAS heuristics and the allocator settle here
                fn()
            self.runs[(cid, "eager", batch)] = fn
            if spec["role"] == "rt" and "graph" in spec["rt_modes"]:
                try:
                    graph, out = capture_graph(fn)
                    self.runs[(cid, "graph", batch)] = _replayer(graph, out)
                except Exception as e:  # run eager, and say so in the results
                    self.fallbacks[cid] = _first_line(e)
                    _sync_quietly()

    def _stream(self, cid, high):
        key = (cid, bool(high))
        if key not in self.streams:
            self.streams[key] = torch.cuda.Stream(priority=HIGH_PRIORITY if high else 0)
        return self.streams[key]

    def executor(self, client_id, rt_mode, batch, high_priority):
        if client_id in self.broken:
            raise RuntimeError("client %s unavailable: %s" % (client_id, self.broken[client_id]))
        key = (client_id, rt_mode, batch, bool(high_priority))
        if key not in self.executors:
            spec = self.clients[client_id]
            run = self.runs.get((client_id, rt_mode, batch)) or self.runs[(client_id, "eager", batch)]
            fallback = self.fallbacks.get(client_id) if rt_mode == "graph" else None
            self.executors[key] = TorchExecutor(self._stream(client_id, high_priority), run,
                                                spec["role"] == "rt", self.probes[client_id], fallback)
        return self.executors[key]

    def close(self):
        torch.cuda.synchronize()


def _sync_quietly():
    try:
        torch.cuda.synchronize()
    except Exception:  # a sticky CUDA error surfaces again at the next real use
        pass


def _first_line(e):
    return "%s: %s" % (type(e).__name__, (str(e).splitlines() or [""])[0][:300])


def _replayer(graph, out):
    def replay():
        graph.replay()
        return out  # keeps the graph's static output alive
    return replay

