#!/usr/bin/env python3
"""Check (g) workload: a CUDA-initialised parent (torch) forks CPU-only children.

Covers multiprocessing's fork Pool and Process+Queue (children leave through os._exit) and a
raw os.fork() child that leaves through normal interpreter shutdown, so exit-time handlers
(Reef's stats writer among them) run in a child that inherited the parent's CUDA state.
Prints only deterministic values; exit code 0 when every value is as expected.
"""
import multiprocessing as mp
import os
import sys
import time


def cpu_work(n):
    return sum(i * i % 7 for i in range(n))


def put_result(queue, n):
    queue.put(cpu_work(n))


def wait_child(pid, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "hung"


def main():
    import torch
    lines, ok = [], True

    def check(name, got, want):
        nonlocal ok
        ok = ok and got == want
        lines.append("%s=%s %s" % (name, got, "ok" if got == want else "MISMATCH (want %s)" % (want,)))

    x = torch.arange(1000, device="cuda", dtype=torch.float32)
    check("gpu_before", float(x.sum().item()), 499500.0)
    ctx = mp.get_context("fork")
    inputs = [10000, 20000, 30000, 40000]
    with ctx.Pool(4) as pool:
        got = pool.map_async(cpu_work, inputs).get(timeout=60)
    check("pool", got, [cpu_work(n) for n in inputs])
    queue = ctx.Queue()
    proc = ctx.Process(target=put_result, args=(queue, 5000))
    proc.start()
    check("queue", queue.get(timeout=60), cpu_work(5000))
    proc.join(60)
    check("process_exitcode", proc.exitcode, 0)
    sys.stdout.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: CPU work, then an ordinary interpreter exit
        os.close(r)
        os.write(w, str(cpu_work(1234)).encode())
        os.close(w)
        sys.exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        data += chunk
    os.close(r)
    check("raw_fork_exit", wait_child(pid, 60), 0)
    check("raw_fork_value", data.decode(), str(cpu_work(1234)))
    check("gpu_after", float((x * 2).sum().item()), 999000.0)
    lines.append("FORK_OK" if ok else "FORK_FAILED")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
