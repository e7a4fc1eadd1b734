"""Generates traces/bursty.csv: the arrivals of the trace workload's five RT clients.

Each client alternates calm and burst phases of exponential length (a two-state Markov-modulated
Poisson process), so a few-second cell already sees several bursts. Fixed seeds: rerunning this
rewrites the same file. Usage: python3 -m Scripts.bench.make_bursty_trace [out.csv]
"""
import os
import random
import sys

from .workloads import MODELS

LENGTH_S = 20.0
CALM = (10.0, 0.6)  # (req/s, mean phase length s)
BURST = (80.0, 0.15)  # mean rate overall: (10*0.6 + 80*0.15) / 0.75 = 24 req/s


def client_arrivals(seed, length=LENGTH_S):
    rng = random.Random(seed)
    t, out, burst = 0.0, [], rng.random() < 0.2
    while t < length:
        rate, mean_len = BURST if burst else CALM
        phase_end = min(length, t + rng.expovariate(1.0 / mean_len))
        nxt = t + rng.expovariate(rate)
        while nxt < phase_end:
            out.append(nxt)
            nxt += rng.expovariate(rate)
        t, burst = phase_end, not burst
    return out


def write(path):
    rows = []
    for i, model in enumerate(MODELS):
        rows.extend((t, model) for t in client_arrivals(1000 + i))
    rows.sort()
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Bursty arrivals for DISB's trace workload, made by make_bursty_trace.py (seeded).\n")
        f.write("# length_ms=%d\n" % int(LENGTH_S * 1000))
        f.write("client,arrival_ms\n")
        for t, model in rows:
            f.write("%s,%.2f\n" % (model, t * 1000.0))
    return len(rows)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                            "traces", "bursty.csv")
    print("%d arrivals -> %s" % (write(out), out))
