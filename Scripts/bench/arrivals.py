"""Arrival processes: when each open-loop request is scheduled, in seconds from the cell start.

Latency is measured from these scheduled times (not from submission), so a client that falls
behind is charged for it, as DISB does.
"""
import math
import random


def uniform(rate, horizon, phase=0.0):
    """Periodic arrivals at `rate` req/s in [0, horizon), the first at `phase`."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    period = 1.0 / rate
    if not 0.0 <= phase < period:
        raise ValueError("phase must be in [0, 1/rate)")
    times = []
    t = phase
    while t < horizon:
        times.append(t)
        t = phase + len(times) * period  # multiply, don't accumulate, so no drift
    return times


def poisson(rate, horizon, seed):
    """Poisson arrivals (exponential gaps) at mean `rate` req/s in [0, horizon); same seed, same list."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    rng = random.Random(seed)
    times = []
    t = rng.expovariate(rate)
    while t < horizon:
        times.append(t)
        t += rng.expovariate(rate)
    return times


def stagger_phase(index, count, rate):
    """Spread `count` uniform clients of one rate over a period so they don't all fire together."""
    if count <= 0 or not 0 <= index < count:
        raise ValueError("index must be in [0, count)")
    return index / (count * rate)


def replay(trace_times, horizon, length=None):
    """Replay a trace (seconds, sorted) over [0, horizon), looping it every `length` seconds."""
    times = sorted(trace_times)
    if not times:
        return []
    if length is None:
        # Without a stated length, loop one mean gap after the last arrival.
        gap = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 1.0
        length = times[-1] + gap
    if length <= 0 or length <= times[-1]:
        raise ValueError("trace length must exceed its last arrival")
    out = []
    base = 0.0
    while base < horizon:
        for t in times:
            if base + t >= horizon:
                break
            out.append(base + t)
        base += length
    return out


def load_trace_csv(path):
    """Parse `client,arrival_ms` rows into ({client: [seconds]}, length_s or None).

    Lines starting with '#' are comments; '# length_ms=N' states the loop length. A header row
    whose second field is not a number is skipped.
    """
    per_client = {}
    length = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                body = line.lstrip("#").strip()
                if body.startswith("length_ms="):
                    length = float(body.split("=", 1)[1]) / 1000.0
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 2:
                raise ValueError("%s:%d: expected 'client,arrival_ms'" % (path, lineno))
            try:
                ms = float(parts[1])
            except ValueError:
                if not per_client:
                    continue  # header row
                raise ValueError("%s:%d: arrival_ms is not a number" % (path, lineno))
            if ms < 0 or math.isnan(ms):
                raise ValueError("%s:%d: arrival_ms must be >= 0" % (path, lineno))
            per_client.setdefault(parts[0], []).append(ms / 1000.0)
    for times in per_client.values():
        times.sort()
    return per_client, length
