#!/usr/bin/env python3
"""Check (d) coordinator: ResNet-50 bs1 fp16 latency with and without Reef.

Design: one long-lived worker per configuration (LD_PRELOAD=libreef.so, and none), both built
and warmed up in parallel, then alternated round by round through pipes (A B B A A B ...), so
only one of them uses the GPU at a time and slow drifts (clocks, temperature) fall on both
equally. Long-lived workers avoid paying model build and warm-up for every round, which leaves
time for more rounds than fresh processes would. The idle worker blocks on a pipe read and
submits no GPU work, so it does not perturb the timed one.

Eager bs1 latency is mostly host time, and one Python process can run a few per cent faster or
slower than another for reasons of its own (where its memory landed, which cores it ran on):
H100 runs saw the per-round ratio's median at 0.92 in one pair of workers and 1.02 in the next,
with the same library. So the rounds are spread over `--pairs` fresh pairs of workers, one pair
after the other; each round still pairs the two configurations of one worker pair. With
`--pin-cores`, both workers of pair k run on the one core `cores[k % n]` (they never run at the
same time), so the two sides of every round see the same core; an A/A run (the "reef" worker
preloading a library that does nothing) on the H100 moved between 0.84 and 1.03 without it.
"""
import argparse
import json
import os
import select
import subprocess
import sys
import time

import common

HERE = os.path.dirname(os.path.abspath(__file__))
DESIGN = ("pairs of long-lived workers (with/without LD_PRELOAD), warmed up once, alternating rounds "
          "ABBA via pipes, the rounds spread over several fresh pairs; wall time of "
          "model(x)+torch.cuda.synchronize() per inference")


class Worker:
    """A worker process and its two pipes; recv() reads a JSON line with a timeout."""

    def __init__(self, name, argv, env, core=None):
        self.name = name
        cmd_r, cmd_w = os.pipe()
        rep_r, rep_w = os.pipe()
        pin = (lambda: os.sched_setaffinity(0, {core})) if core is not None else None
        self.proc = subprocess.Popen(argv + ["--cmd-fd", str(cmd_r), "--reply-fd", str(rep_w)],
                                     env=env, pass_fds=(cmd_r, rep_w), stdin=subprocess.DEVNULL, preexec_fn=pin)
        os.close(cmd_r)
        os.close(rep_w)
        self.cmd_fd, self.rep_fd, self.buf = cmd_w, rep_r, b""

    def send(self, line):
        os.write(self.cmd_fd, (line + "\n").encode())

    def recv(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("%s worker gave no reply within %.0f s" % (self.name, timeout))
            ready, _, _ = select.select([self.rep_fd], [], [], left)
            if ready:
                chunk = os.read(self.rep_fd, 1 << 16)
                if not chunk:
                    raise EOFError("%s worker exited (rc=%s)" % (self.name, self.proc.poll()))
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def close(self, timeout=20):
        try:
            self.send("quit")
        except OSError:
            pass
        for fd in (self.cmd_fd, self.rep_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lib", required=True, help="path of libreef.so")
    p.add_argument("--out", required=True)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--iters", type=int, default=60, help="timed inferences per round and configuration")
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--pairs", type=int, default=1, help="fresh worker pairs the rounds are spread over")
    p.add_argument("--pin-cores", default="", help="comma-separated cores: pair k runs both workers on one of them")
    p.add_argument("--budget-s", type=float, default=150)
    p.add_argument("--worker", default=os.path.join(HERE, "latency_worker.py"))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    deadline = common.Deadline(args.budget_s)
    result = {"config": {"rounds": args.rounds, "iters_per_round": args.iters, "warmup": args.warmup,
                         "design": DESIGN, "lib": args.lib},
              "workers": {}, "rounds": [], "errors": [], "complete": False}
    argv_w = [sys.executable, args.worker, "--warmup", str(args.warmup)]
    result["config"]["pairs"] = args.pairs
    cores = [int(c) for c in args.pin_cores.split(",") if c.strip()]
    result["config"]["pin_cores"] = cores
    failed = False
    round_s, pair_s = 0.0, 0.0
    per_pair = -(-args.rounds // max(1, args.pairs))
    r = 0
    try:
        for pair in range(max(1, args.pairs)):
            if r >= args.rounds:
                break
            if pair > 0 and deadline.remaining() < 1.2 * pair_s + 2:
                result["errors"].append("stopped before worker pair %d: time budget spent" % pair)
                break
            p0 = time.monotonic()
            core = cores[pair % len(cores)] if cores else None
            workers = {"reef": Worker("reef", argv_w, common.reef_env(args.lib), core),
                       "plain": Worker("plain", argv_w, common.plain_env(), core)}
            info = {name: {"pair": pair, "core": core} for name in workers}   # hello and exit status per worker
            try:
                for name, w in workers.items():
                    hello = w.recv(timeout=max(1.0, min(240.0, deadline.remaining())))
                    info[name].update(hello)
                    if not hello.get("ready"):
                        raise RuntimeError("%s worker failed to start: %s" % (name, hello.get("error")))
                for _ in range(per_pair):
                    if r >= args.rounds:
                        break
                    if deadline.remaining() < 1.5 * round_s + 2:
                        result["errors"].append("stopped before round %d: time budget spent" % r)
                        break
                    t0 = time.monotonic()
                    for name in (("reef", "plain") if r % 2 == 0 else ("plain", "reef")):
                        workers[name].send("run %d" % args.iters)
                        reply = workers[name].recv(timeout=max(1.0, min(120.0, deadline.remaining())))
                        result["rounds"].append({"round": r, "pair": pair, "config": name, "times_ms": reply["times_ms"]})
                    round_s = time.monotonic() - t0
                    r += 1
                common.write_json(args.out, result)
            except Exception:
                failed = True
                raise
            finally:
                for name, w in workers.items():  # a worker that broke the protocol gets little grace
                    info[name]["rc"] = w.close(timeout=2 if failed else 20)
                    result["workers"].setdefault(name, []).append(info[name])
            pair_s = time.monotonic() - p0
            if result["errors"]:
                break
        result["complete"] = len(result["rounds"]) == 2 * args.rounds
    except Exception as exc:  # keep the rounds measured so far
        result["errors"].append("%s: %s" % (type(exc).__name__, exc))
    finally:
        common.write_json(args.out, result)
    print("latency: %d rounds recorded, errors=%s" % (len(result["rounds"]) // 2, result["errors"]))
    return 0 if result["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
