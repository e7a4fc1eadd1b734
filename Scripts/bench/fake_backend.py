"""A stand-in for the GPU so the whole harness (workers, barrier, metrics, report) runs without one.

Each "forward pass" sleeps for a model-specific time while holding a process-wide lock, like a
device that runs one request at a time. Used by the tests and by `run.sh --backend fake`.
"""
import contextlib
import json
import os
import threading
import time

# Rough bs1 forward times (ms); only their order of magnitude matters here.
MODEL_MS = {"vgg19": 1.0, "resnet152": 2.0, "densenet201": 2.5, "inception_v3": 1.5, "distilbert": 0.8}


FAIL_ENV = "BENCH_FAKE_FAIL"  # tests: 'setup' fails setup, 'crash' kills the worker mid-cell,
# 'stall' makes every request outlast the measurement window (nothing completes in it)


class FakeExecutor:
    def __init__(self, device_lock, model, batch, rt_mode, timed):
        self.lock = device_lock
        self.seconds = MODEL_MS[model] * (1.0 + 0.1 * (batch - 1)) / 1000.0
        self.timed = timed
        self.graph_fallback = None
        self.ref = None
        self.rt_mode = rt_mode

    def thread_context(self):
        return contextlib.nullcontext()

    def begin(self):
        self.ref = time.monotonic()

    def request(self):
        if os.environ.get(FAIL_ENV) == "crash":
            os._exit(3)
        if os.environ.get(FAIL_ENV) == "stall":
            time.sleep(1.0)
        with self.lock:
            start = time.monotonic()
            time.sleep(self.seconds)
            end = time.monotonic()
        return (start - self.ref, end - self.ref) if self.timed else None

    def device_times(self, token):
        return token


class FakeBackend:
    def __init__(self):
        self.lock = threading.Lock()
        self.clients = {}

    def setup(self, clients, options):
        if os.environ.get(FAIL_ENV) == "setup":
            raise RuntimeError("fake setup failure")
        for c in clients:
            if c["model"] not in MODEL_MS:
                raise ValueError("unknown model %r" % c["model"])
            self.clients[c["id"]] = c
        return {"backend": "fake", "gpu": "fake", "torch": None, "clients": sorted(self.clients)}

    def executor(self, client_id, rt_mode, batch, high_priority):
        c = self.clients[client_id]
        return FakeExecutor(self.lock, c["model"], batch, rt_mode, c["role"] == "rt")

    def close(self):
        # Stand in for libreef.so's exit-time stats, so the harness's collection path is exercised.
        path = os.environ.get("REEF_STATS")
        if path:
            with open(path.replace("%p", str(os.getpid())), "w") as f:
                json.dump({"version": "fake", "class": os.environ.get("REEF_CLASS"), "launches": 1}, f)
