#!/usr/bin/env python3
"""Kernel padding's two rules end to end (CUDA simulator, Tests/Programs/cuda/programs/drv_padding.c).

A real-time kernel runs while best-effort kernels are submitted; with REEF_PADDING=on Reef may
run a held best-effort kernel beside it on a partition of the device (a green-context stream in
the simulator), only if (a) the partition fits in the SMs the real-time kernel leaves free and
(b) its learned duration ends before the real-time work's predicted end. Three programs sit on
either side of the rules (32 simulated SMs, partitions of 8 and 16 SMs, paced clock):
  fits       RT 8 blocks x 5 ms, BE 4 blocks x 200 us: some BE kernels padded, none refused for
             room (near the end of each RT kernel the time rule rightly holds the rest);
  too long   BE kernels of 20 ms beside 5 ms of RT: none padded, held for the time rule;
  no room    the RT kernel takes all 32 SMs: none padded, held for the occupancy rule;
  graph      as fits, the RT kernel replayed from a captured CUDA graph (sized at capture);
  predicted arrivals  REEF_PAD_PREDICT with periodic RT: kernels confined while RT is idle;
  held before predicted arrivals  REEF_RT_PREDICT (padding off): kernels that would run into
             periodic RT's next arrival wait for it (the simulator lets RT blocks start beside
             BE blocks, so only the decisions and the unchanged output are checked here);
  copy-back  as held before predicted arrivals, each request's result copied back after it: the
             learned arrival gap is the period.
Every run must also print what the program prints without Reef. The counts come from REEF_STATS.
Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, os.environ.get("BUILD", "build"))
REEF_LIB = os.environ.get("REEF_LIB", os.path.join(BUILD, "libreef.so"))
PROGRAM = os.path.join(BUILD, "tests", "cuda", "drv_padding")

CASES = [
    ("fits", [], lambda p: p["padded"] > 0 and p["hold_decisions"]["no_free_units"] == 0),
    ("too long", ["--be-ns", "20000000", "--requests", "3"],
     lambda p: p["padded"] == 0 and p["hold_decisions"]["too_long"] > 0),
    ("no room", ["--rt-blocks", "32"], lambda p: p["padded"] == 0 and p["hold_decisions"]["no_free_units"] > 0),
    # RT as a captured CUDA graph (8 blocks): Reef looks into graphs at capture end, so the graph
    # is known to leave 24 SMs and BE kernels are padded beside it.
    ("graph", ["--rt-graph", "1"], lambda p: p["padded"] > 0 and p["hold_decisions"]["no_free_units"] == 0),
    # REEF_PAD_PREDICT: RT every 10 ms (1 ms, 8 SMs), BE kernels of 4 ms on the whole device, 12 ms
    # of them per period, so a backlog: some BE kernels that would overlap the next arrival run on a partition while RT is
    # idle. (The simulator lets blocks share an SM, so it cannot show what this does to RT
    # latency; the GPU runs will.)
    ("predicted arrivals", ["--period-ns", "10000000", "--rt-blocks", "8", "--rt-ns", "1000000", "--be-blocks", "32",
                            "--be-ns", "4000000", "--be-per-request", "3", "--requests", "12"],
     lambda p: p["confined_before_rt"] > 0),
    # REEF_RT_PREDICT (no partitions needed): the same periodic RT with 12 ms of 2 ms BE kernels per
    # 10 ms period; BE kernels that would still run at RT's next predicted arrival wait for it.
    ("held before predicted arrivals", ["--period-ns", "10000000", "--rt-blocks", "32", "--rt-ns", "1000000",
                                        "--be-blocks", "32", "--be-ns", "2000000", "--be-per-request", "6",
                                        "--requests", "12"],
     lambda p: p["held_before_rt_arrival"] > 0 and p["padded"] == 0),
    # The same with each request's result copied back on the RT stream right after it: the copy
    # continues the request, so the learned arrival gap stays the 10 ms period (counted as an
    # arrival of its own it made gaps of ~1 and ~9 ms, and BE waited most of each period).
    ("copy-back continues the request", ["--period-ns", "10000000", "--rt-blocks", "32", "--rt-ns", "1000000",
                                         "--be-blocks", "32", "--be-ns", "2000000", "--be-per-request", "6",
                                         "--requests", "12", "--rt-copyback", "1"],
     lambda p: p["held_before_rt_arrival"] > 0 and p["rt_arrival_gap_us"]["samples"] >= 5
     and 9000 <= p["rt_arrival_gap_us"]["mean"] <= 11000 and p["rt_busy_period_us"]["mean"] < 5000
     # every request one arrival (12), each checked against the window predicted for it
     and sum(p["rt_arrivals"][k] for k in ("unpredicted", "early", "in_window", "after_window")) == 12
     and p["rt_arrivals"]["in_window"] >= 6
     # and arrivals in their window mostly find no best-effort work on the device (without the
     # hold, all of them do: the predicted-arrivals case above)
     and p["rt_arrivals"]["with_best_effort_on_device"]["in_window"] <= p["rt_arrivals"]["in_window"] // 3),
]
CASE_ENV = {"predicted arrivals": {"REEF_PAD_PREDICT": "on"},
            "held before predicted arrivals": {"REEF_RT_PREDICT": "on", "REEF_PADDING": "off"},
            "copy-back continues the request": {"REEF_RT_PREDICT": "on", "REEF_PADDING": "off"}}


def run(args, extra):
    env = {"LD_LIBRARY_PATH": os.path.join(BUILD, "sim", "cuda"), "SIM_SMS": "32", "PATH": os.environ.get("PATH", "")}
    env.update(extra)
    p = subprocess.run([PROGRAM] + args, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    passed = failed = 0
    for name, args, rule in CASES:
        want = run(args, {})
        with tempfile.TemporaryDirectory() as tmp:
            stats = os.path.join(tmp, "stats.json")
            got = run(args, {"LD_PRELOAD": REEF_LIB, "REEF_SCHEDULE": "on", "REEF_PADDING": "on",
                             "REEF_PAD_PARTITIONS": "8,16", "REEF_PAD_MIN_SAMPLES": "1", "REEF_STATS": stats,
                             **CASE_ENV.get(name, {})})
            try:
                with open(stats) as f:
                    padding = json.load(f)["scheduling"]["padding"]
            except (OSError, ValueError, KeyError) as e:
                padding = None
                why = f"no padding stats ({e})"
        ok = want[0] == 0 and got[:2] == want[:2] and padding is not None and rule(padding)
        if padding is not None:
            why = (f"padded {padding['padded']}, confined before RT {padding['confined_before_rt']}, "
                   f"held before RT arrivals {padding['held_before_rt_arrival']}, "
                   f"RT arrival gap us {padding.get('rt_arrival_gap_us')}, RT arrivals {padding.get('rt_arrivals')}, "
                   f"holds {padding['hold_decisions']}, "
                   f"padded kernels longer than predicted {padding['padded_longer_than_predicted']} "
                   f"of {padding['padded_checked']} checked")
        if got[:2] != want[:2]:
            why = f"output under Reef differs: exit {got[0]} {got[1]!r} vs {want[0]} {want[1]!r}; stderr {got[2][-300:]!r}"
        print(f"{'PASS' if ok else 'FAIL'} padding {name}: {why}")
        passed, failed = passed + ok, failed + (not ok)
    # REEF_PROFILE: what a run learned is saved at exit and read by the next run.
    with tempfile.TemporaryDirectory() as tmp:
        profile = os.path.join(tmp, "profile.txt")
        env = {"LD_PRELOAD": REEF_LIB, "REEF_SCHEDULE": "on", "REEF_PADDING": "on", "REEF_PAD_PARTITIONS": "8,16",
               "REEF_PROFILE": profile, "REEF_LOG": "info"}
        first = run([], env)
        try:
            with open(profile) as f:
                lines = f.read().splitlines()
        except OSError:
            lines = []
        second = run([], env)
        ok = (first[0] == 0 and second[0] == 0 and lines[:1] == ["reef-profile 1"] and len(lines) >= 2
              and "kernel shapes loaded" in second[2])
        print(f"{'PASS' if ok else 'FAIL'} padding profile saved at exit and loaded by the next run: "
              f"{len(lines) - 1 if lines else 0} shape(s) saved; second run says "
              f"{[l for l in second[2].splitlines() if 'REEF_PROFILE' in l][:1]}")
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
