"""The best throughput share a best-effort model can keep beside periodic real-time requests when no
best-effort kernel may run during a request (issue 6's question: can holding alone reach its bar?).

Input: a kernel trace from `Scripts/gpu/diag/kernel_trace.py` (the model alone on the GPU: every
kernel's start and duration, in order). The oracle replays that sequence in stream order against
real-time requests every `--period-ms`, each keeping the device `--rt-ms`, and knows both exactly
(arrival times, every kernel's duration, no host overhead beyond the trace's own gaps): a kernel
starts as soon as its stream and the host allow, unless it would still run when the next request
arrives more than `--allow-us` later, in which case it waits for that request to end. Starting
each kernel as early as this allows is optimal for one in-order stream, so the share is an upper
bound for every holding scheduler, Reef's included; a kernel longer than a whole gap between
requests must cross one, and the delay it gives that request is reported.

  python3 Scripts/bench/nonoverlap_bound.py trace.json --period-ms 10 --rt-ms 0.93 \\
      --allow-us 0,50,100,200,500 [--json out.json]
"""
import argparse
import json
import math


def sequence(kernels):
    """(gap before each kernel, duration), in µs: the gap is the idle time the alone trace has
    between the previous kernel's end and this one's start (host-bound launches), 0 for the first."""
    out, end = [], None
    for k in kernels:
        gap = 0.0 if end is None else max(0.0, k["start_us"] - end)
        out.append((gap, k["dur_us"]))
        end = k["start_us"] + k["dur_us"] if end is None else max(end, k["start_us"] + k["dur_us"])
    return out


def replay(seq, period, rt, allow, phase, horizon):
    """Simulates `horizon` µs. Returns (best-effort work done in µs of alone time, requests
    delayed, the largest delay in µs)."""
    t, work, delayed, worst, i = 0.0, 0.0, 0, 0.0, 0
    n = len(seq)
    while t < horizon:
        gap, dur = seq[i % n]
        s = t + gap
        while True:
            k = math.floor((s - phase) / period)          # the last request at or before s
            a = phase + k * period
            if s < a + rt:                                  # inside a request: after it
                s = a + rt
                continue
            nxt = a + period
            if s + dur > nxt + allow:                       # would run into the next request
                if dur > period - rt + allow:               # never fits: it crosses one
                    break
                s = nxt + rt
                continue
            break
        t = s + dur
        if s < nxt < t:                                     # it ran into the request: the request
            delayed += 1                                    # starts when it ends
            worst = max(worst, t - nxt)
            t += rt
        work += gap + dur
        i += 1
    return work, delayed, worst


def bound(seq, period, rt, allow, phases=16, horizon=2_000_000.0):
    alone = sum(g + d for g, d in seq)
    shares, delayed, worst = [], 0, 0.0
    for p in range(phases):
        work, dl, w = replay(seq, period, rt, allow, phase=period * p / phases, horizon=horizon)
        # work is µs of the alone timeline covered in `horizon` µs (run to the end of its last kernel)
        shares.append(work / horizon)
        delayed += dl
        worst = max(worst, w)
    return {"allow_us": allow, "share_of_alone": sum(shares) / len(shares), "share_min": min(shares),
            "share_max": max(shares), "requests_delayed_per_s": delayed / phases / (horizon / 1e6),
            "worst_delay_us": worst, "iteration_alone_us": alone}


def summarize(trace, period_ms, rt_ms, allows_us):
    """A kernel trace's duration profile and its bound for each allowed delay into a request."""
    seq = sequence(trace["kernels"])
    durs = sorted(d for _, d in seq)
    busy = sum(durs)
    return {
        "be": trace.get("be"), "gpu": trace.get("gpu"), "kernels": len(seq),
        "kernels_per_iteration": trace.get("kernels_per_iteration"), "period_ms": period_ms, "rt_ms": rt_ms,
        "busy_share_alone": busy / sum(g + d for g, d in seq),
        "kernel_us": {"p50": durs[len(durs) // 2], "p90": durs[int(len(durs) * 0.9)], "max": durs[-1]},
        "time_in_kernels_of_1ms_or_more": sum(d for d in durs if d >= 1000) / busy if busy else 0.0,
        "rows": [bound(seq, period_ms * 1000, rt_ms * 1000, x) for x in allows_us],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("--period-ms", type=float, default=10.0)
    ap.add_argument("--rt-ms", type=float, required=True, help="device time of one real-time request")
    ap.add_argument("--allow-us", default="0,50,100,200,500",
                    help="how far a kernel may run into a request (the request's delay), comma-separated")
    ap.add_argument("--json")
    a = ap.parse_args()
    summary = summarize(json.load(open(a.trace)), a.period_ms, a.rt_ms, [float(x) for x in a.allow_us.split(",")])
    summary["trace"] = a.trace
    print("%s: %d kernels, p50 %.0f us, p90 %.0f us, max %.0f us; %.0f %% of kernel time in kernels >= 1 ms"
          % (summary["be"], summary["kernels"], summary["kernel_us"]["p50"], summary["kernel_us"]["p90"],
             summary["kernel_us"]["max"], 100 * summary["time_in_kernels_of_1ms_or_more"]))
    print("RT %.2f ms every %.1f ms; best share of the model's alone throughput with no kernel beside a request:"
          % (a.rt_ms, a.period_ms))
    print("| a kernel may run into a request by | share (mean over 16 phases) | min | max | requests delayed /s | worst delay us |")
    print("|---|---|---|---|---|---|")
    for r in summary["rows"]:
        print("| %d us | %.1f %% | %.1f %% | %.1f %% | %.1f | %.0f |" % (
            r["allow_us"], 100 * r["share_of_alone"], 100 * r["share_min"], 100 * r["share_max"],
            r["requests_delayed_per_s"], r["worst_delay_us"]))
    if a.json:
        json.dump(summary, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
