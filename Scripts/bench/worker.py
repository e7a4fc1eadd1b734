"""A worker process: hosts some clients (one thread each), runs cells on command, replies with raw records.

Run as `python3 -m Scripts.bench.worker --backend torch|fake`. Commands arrive as JSON lines on
stdin: setup (load models once), run (one cell, starting at an absolute CLOCK_MONOTONIC time, the
same clock in every process, which is the start barrier), stop (BE clients may end), quit.
"""
import argparse
import os
import resource
import sys
import threading
import time
import traceback

from . import protocol


def process_cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def sleep_until(t):
    while True:
        left = t - time.monotonic()
        if left <= 0:
            return
        time.sleep(left)


def rt_open_loop(ex, run, start, hard_stop, out):
    """Serve scheduled arrivals in order; latency counts from the scheduled time, backlog included."""
    recs, unserved = [], []
    out["requests"], out["unserved"] = recs, unserved  # filled in place: a failure keeps what was done
    with ex.thread_context():
        ex.begin()
        for a in run["arrivals"]:
            sleep_until(start + a)
            now = time.monotonic()
            if now - start > hard_stop:
                unserved.append(a)
                continue
            token = ex.request()
            done = time.monotonic()
            recs.append([a, now - start, done - start, token, time.thread_time()])


def rt_closed_loop(ex, run, start, window_end, out):
    """Next request as soon as the previous one completes (DISB's closed loop), until the window ends."""
    recs = out["requests"] = []
    with ex.thread_context():
        ex.begin()
        sleep_until(start)
        while True:
            now = time.monotonic()
            if now - start >= window_end:
                break
            token = ex.request()
            done = time.monotonic()
            recs.append([now - start, now - start, done - start, token, time.thread_time()])


def be_loop(ex, run, start, hard_stop, stop, out):
    recs = out["requests"] = []
    with ex.thread_context():
        ex.begin()
        sleep_until(start)
        while not stop.is_set():
            now = time.monotonic()
            if now - start >= hard_stop:
                break
            ex.request()
            done = time.monotonic()
            recs.append([now - start, now - start, done - start, None, time.thread_time()])


def map_device_times(ex, recs):
    """[sched, submit, done, token, cpu] -> [sched, submit, done, dev_start, dev_end, cpu] on the cell clock.

    Device times are relative to a reference event; a request's completion is seen on the host
    no earlier than its device end, so the smallest (host done - device end) is the offset.
    """
    times = []
    for r in recs:
        try:
            times.append(ex.device_times(r[3]) if r[3] is not None else None)
        except Exception:  # timing is optional; latency is not
            times.append(None)
    offsets = [r[2] - t[1] for r, t in zip(recs, times) if t is not None]
    offset = min(offsets) if offsets else None
    mapped = []
    for r, t in zip(recs, times):
        if t is None or offset is None:
            mapped.append([r[0], r[1], r[2], None, None, r[4]])
        else:
            mapped.append([r[0], r[1], r[2], t[0] + offset, t[1] + offset, r[4]])
    return mapped


def run_cell(backend, msg, stdin):
    start = msg["start_at"]
    ws, we = msg["window"]
    hard_stop = msg["hard_stop"]
    stop = threading.Event()
    rt_threads, be_threads, outs = [], [], []
    for run in msg["clients"]:
        ex = backend.executor(run["id"], run["rt_mode"], run["batch"], run["high_priority"])
        out = {"id": run["id"], "model": run["model"], "role": run["role"], "batch": run["batch"],
               "rt_mode": run["rt_mode"] if run["role"] == "rt" else None, "arrival": run["arrival"],
               "rate": run.get("rate", 0.0), "graph_fallback": getattr(ex, "graph_fallback", None), "error": None,
               "requests": [], "unserved": []}
        if run["role"] == "rt" and run["arrivals"] is not None:
            target, args = rt_open_loop, (ex, run, start, hard_stop, out)
        elif run["role"] == "rt":
            target, args = rt_closed_loop, (ex, run, start, we, out)
        else:
            target, args = be_loop, (ex, run, start, hard_stop, stop, out)
        th = threading.Thread(target=_guarded, args=(target, args, out), name=run["id"], daemon=True)
        (rt_threads if run["role"] == "rt" else be_threads).append(th)
        outs.append((ex, out))
    for th in rt_threads + be_threads:
        th.start()
    # Process CPU over exactly the measurement window.
    sleep_until(start + ws)
    cpu0 = process_cpu()
    sleep_until(start + we)
    cpu1 = process_cpu()
    for th in rt_threads:
        th.join(max(0.0, start + hard_stop + 5.0 - time.monotonic()))
    if be_threads:
        if msg.get("be_stop") == "signal":
            # RT clients live in other processes: the orchestrator says when they are all done.
            try:
                stdin.recv(timeout=max(1.0, start + hard_stop + 10.0 - time.monotonic()))
            except protocol.WorkerGone:
                pass
        stop.set()
        for th in be_threads:
            th.join(max(1.0, start + hard_stop + 10.0 - time.monotonic()))
    clients = []
    for ex, out in outs:
        out["requests"] = map_device_times(ex, out["requests"])
        clients.append(out)
    return {"ok": True, "cell": msg.get("cell"), "pid": os.getpid(), "process_cpu_s": cpu1 - cpu0,
            "clients": clients}


def _guarded(target, args, out):
    try:
        target(*args)
    except Exception:
        out["error"] = traceback.format_exc(limit=5)
        sys.stderr.write("client %s failed:\n%s" % (out["id"], out["error"]))


def load_backend(name):
    if name == "fake":
        from .fake_backend import FakeBackend
        return FakeBackend()
    from .torch_backend import TorchBackend
    return TorchBackend()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", choices=("torch", "fake"), default="torch")
    args = ap.parse_args(argv)
    out = protocol.claim_stdout()
    stdin = protocol.LineReader(0)
    backend = None
    while True:
        try:
            msg = stdin.recv()
        except protocol.WorkerGone:
            break
        cmd = msg.get("cmd")
        try:
            if cmd == "setup":
                backend = load_backend(args.backend)
                info = backend.setup(msg["clients"], msg.get("options", {}))
                protocol.send(out, {"ok": True, "pid": os.getpid(), "info": info})
            elif cmd == "run":
                protocol.send(out, run_cell(backend, msg, stdin))
            elif cmd == "stop":
                pass  # a stop that arrived after its cell ended
            elif cmd == "quit":
                if backend is not None:
                    backend.close()
                protocol.send(out, {"ok": True})
                break
            else:
                protocol.send(out, {"ok": False, "error": "unknown command %r" % cmd})
        except Exception:
            protocol.send(out, {"ok": False, "error": traceback.format_exc(limit=8)})
    out.close()


if __name__ == "__main__":
    main()
