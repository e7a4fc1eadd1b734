"""The GPU-step coordinators driven with fake workers and programs (no GPU, no torch).

LD_PRELOAD points at libc, which is harmless to preload; the fakes tell "with Reef" from
"without" by whether LD_PRELOAD is set, and the fake CUDA program writes a Reef-style stats
file where REEF_STATS says, as libreef.so would.
"""
import contextlib
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import unittest

from . import _paths  # noqa: F401
import crossrt
import latency
import microbench
import process_checks
import verdicts

PRELOAD = "libc.so.6"

FAKE_LATENCY_WORKER = r'''
import argparse, json, os, sys, time
p = argparse.ArgumentParser()
p.add_argument("--cmd-fd", type=int); p.add_argument("--reply-fd", type=int); p.add_argument("--warmup", type=int)
a = p.parse_args()
mode = os.environ.get("FAKE_MODE", "ok")
cmd = os.fdopen(a.cmd_fd); rep = os.fdopen(a.reply_fd, "w", buffering=1)
print("noise on stdout must not disturb the protocol", flush=True)
reef = bool(os.environ.get("LD_PRELOAD"))
if mode == "hang":
    time.sleep(60)
if mode == "broken" and reef:
    rep.write(json.dumps({"ready": False, "error": "CUDA init failed"}) + "\n"); sys.exit(1)
rep.write(json.dumps({"ready": True, "reef_loaded": reef, "pid": os.getpid()}) + "\n")
log = open(os.environ["FAKE_LOG"], "a")
for line in cmd:
    parts = line.split()
    if parts[0] == "quit":
        break
    log.write(("reef" if reef else "plain") + "\n"); log.flush()
    rep.write(json.dumps({"times_ms": [5.0 if reef else 4.98] * int(parts[1])}) + "\n")
'''

FAKE_EMPTY_LAUNCH = r'''
import json, os, sys
if os.environ.get("FAKE_FAIL") and os.environ.get("LD_PRELOAD"):
    sys.stderr.write("cudaStreamCreateWithFlags failed: initialization error\n"); sys.exit(1)
reef = bool(os.environ.get("LD_PRELOAD"))
n, sync = int(sys.argv[1]), int(sys.argv[2])
print("startup noise")
print(json.dumps({"launches": n, "sync_every": sync, "warmup": 20000, "seconds": 2.5,
                  "launches_per_s": 392000.0 if reef else 400000.0, "reef_loaded": reef}))
'''

FAKE_CROSS_RUNTIME = r'''
import json, os
print("priority_range least=0 greatest=-5")
print("affine_sum=1 expected=1 ok")
print("graph_replays=4")
stats = os.environ.get("REEF_STATS")
if stats:
    pid = os.getpid()
    for p, launches in ((pid + 1, 0), (pid, 7)):  # a neighbour's file first, as helpers leave
        with open(stats.replace("%p", str(p)), "w") as fh:
            json.dump({"pid": p, "runtime": "cuda", "launches": launches, "graph_launches": 4 if p == pid else 0,
                       "calls": {"cuLaunchKernel": launches}, "kernels": [{"name": "_Z6affinePKjPjijj", "launches": 1}]}, fh)
'''

FAKE_FORK_CHECK = r'''
print("gpu_before=499500.0 ok")
print("FORK_OK")
'''


def script(directory, name, body):
    path = os.path.join(directory, name)
    with open(path, "w") as fh:
        fh.write("#!%s\n%s" % (sys.executable, body))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def quiet(fn, *args):
    """Run fn with fds 1 and 2 sent to /dev/null: the children's noise is part of the test."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args)
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved + [devnull]:
            os.close(fd)


class CoordinatorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.out = os.path.join(self.tmp, "out.json")
        self.saved_env = dict(os.environ)
        os.environ["FAKE_LOG"] = os.path.join(self.tmp, "order.log")

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.saved_env)
        shutil.rmtree(self.tmp)

    def load(self):
        with open(self.out) as fh:
            return json.load(fh)


class LatencyCoordinatorTest(CoordinatorTest):
    def run_latency(self, rounds=4, budget=60, pairs=1, cores=""):
        worker = script(self.tmp, "worker.py", FAKE_LATENCY_WORKER)
        return quiet(latency.main, ["--lib", PRELOAD, "--out", self.out, "--rounds", str(rounds), "--iters", "80",
                                    "--worker", worker, "--budget-s", str(budget), "--pairs", str(pairs),
                                    "--pin-cores", cores])

    def test_alternates_rounds_and_feeds_the_verdict(self):
        self.assertEqual(self.run_latency(rounds=4), 0)
        res = self.load()
        self.assertTrue(res["complete"])
        order = [r["config"] for r in res["rounds"]]
        self.assertEqual(order, ["reef", "plain", "plain", "reef", "reef", "plain", "plain", "reef"])
        with open(os.environ["FAKE_LOG"]) as fh:
            self.assertEqual(fh.read().split(), order)  # the workers really ran in that order
        self.assertEqual(res["workers"]["reef"][0]["rc"], 0)
        self.assertTrue(res["workers"]["reef"][0]["reef_loaded"])
        self.assertFalse(res["workers"]["plain"][0]["reef_loaded"])
        check = verdicts.check_latency(res)
        self.assertEqual(check["status"], "pass", check["reason"])
        self.assertEqual(check["metrics"]["ratio_median"], 1.00402)

    def test_rounds_spread_over_fresh_worker_pairs(self):
        self.assertEqual(self.run_latency(rounds=6, pairs=3), 0)
        res = self.load()
        self.assertTrue(res["complete"])
        self.assertEqual([r["pair"] for r in res["rounds"]], [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        self.assertEqual([r["round"] for r in res["rounds"][::2]], [0, 1, 2, 3, 4, 5])
        self.assertEqual([w["pair"] for w in res["workers"]["reef"]], [0, 1, 2])
        self.assertEqual({w["rc"] for w in res["workers"]["plain"]}, {0})
        self.assertEqual(verdicts.check_latency(res)["status"], "pass")

    def test_pairs_pinned_to_one_core_each_and_the_aa_control_reported(self):
        core = sorted(os.sched_getaffinity(0))[0]
        self.assertEqual(self.run_latency(rounds=4, pairs=2, cores=str(core)), 0)
        res = self.load()
        self.assertEqual(res["config"]["pin_cores"], [core])
        self.assertEqual({w["core"] for w in res["workers"]["reef"] + res["workers"]["plain"]}, {core})
        check = verdicts.check_latency(res, aa=res)
        self.assertEqual(check["metrics"]["aa_ratio_median"], check["metrics"]["ratio_median"])
        self.assertEqual(check["metrics"]["aa_rounds"], 4)
        self.assertNotIn("aa_ratio_median", verdicts.check_latency(res)["metrics"])

    def test_worker_failure_is_recorded(self):
        os.environ["FAKE_MODE"] = "broken"
        self.assertEqual(self.run_latency(), 1)
        res = self.load()
        self.assertIn("CUDA init failed", " ".join(res["errors"]))
        self.assertEqual(verdicts.check_latency(res)["status"], "error")

    def test_hung_worker_times_out(self):
        os.environ["FAKE_MODE"] = "hang"
        t0 = time.monotonic()
        self.assertEqual(self.run_latency(budget=2), 1)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertIn("TimeoutError", " ".join(self.load()["errors"]))


class MicrobenchCoordinatorTest(CoordinatorTest):
    def run_micro(self, rounds=3):
        binary = script(self.tmp, "empty_launch", FAKE_EMPTY_LAUNCH)
        return quiet(microbench.main, ["--lib", PRELOAD, "--bin", binary, "--out", self.out, "--rounds", str(rounds),
                                       "--launches", "1000000", "--sync-every", "10000", "--budget-s", "60"])

    def test_alternates_and_passes(self):
        self.assertEqual(self.run_micro(), 0)
        res = self.load()
        self.assertEqual([r["config"] for r in res["runs"]], ["plain", "reef", "reef", "plain", "plain", "reef"])
        self.assertEqual(res["config"]["sync"], "cudaStreamSynchronize every 10000 launches and at the end")
        check = verdicts.check_launch_rate(res)
        self.assertEqual(check["status"], "pass", check["reason"])
        self.assertEqual(check["metrics"]["ratio_median"], 0.98)

    def test_stats_configuration_is_reported_not_judged(self):
        binary = script(self.tmp, "empty_launch", FAKE_EMPTY_LAUNCH)
        stats_dir = os.path.join(self.tmp, "stats")
        self.assertEqual(quiet(microbench.main, ["--lib", PRELOAD, "--bin", binary, "--out", self.out, "--rounds", "2",
                                                 "--launches", "1000000", "--sync-every", "10000", "--budget-s", "60",
                                                 "--with-stats", "--stats-dir", stats_dir]), 0)
        res = self.load()
        self.assertEqual([r["config"] for r in res["runs"]], ["plain", "reef", "reef_stats", "reef", "reef_stats", "plain"])
        self.assertTrue(os.path.isdir(stats_dir))
        check = verdicts.check_launch_rate(res)
        self.assertEqual(check["status"], "pass", check["reason"])
        self.assertIn("reef_stats_ratio_median", check["metrics"])

    def test_failing_runs_are_kept(self):
        os.environ["FAKE_FAIL"] = "1"
        self.assertEqual(self.run_micro(rounds=1), 1)
        res = self.load()
        reef = [r for r in res["runs"] if r["config"] == "reef"][0]
        self.assertEqual(reef["rc"], 1)
        self.assertIn("initialization error", reef["stderr_tail"])
        self.assertEqual(verdicts.check_launch_rate(res)["status"], "error")

    def test_parse_last_json(self):
        self.assertEqual(microbench.parse_last_json('x\n{"a": 1}\n{bad\n'), {"a": 1})
        self.assertIsNone(microbench.parse_last_json(None))


class CrossRuntimeCoordinatorTest(CoordinatorTest):
    def test_finds_stats_by_pid_and_passes(self):
        binary = script(self.tmp, "cross_runtime", FAKE_CROSS_RUNTIME)
        stats_dir = os.path.join(self.tmp, "stats")
        self.assertEqual(quiet(crossrt.main, ["--lib", PRELOAD, "--bin", binary, "--stats-dir", stats_dir,
                                              "--out", self.out]), 0)
        res = self.load()
        self.assertEqual(res["reef"]["stats"]["pid"], res["reef"]["pid"])
        self.assertEqual(res["reef"]["stats"]["launches"], 7)
        check = verdicts.check_cross_runtime(res)
        self.assertEqual(check["status"], "pass", check["reason"])


class ProcessCoordinatorTest(CoordinatorTest):
    def test_all_process_kinds(self):
        fork = script(self.tmp, "fork_check.py", FAKE_FORK_CHECK)
        self.assertEqual(quiet(process_checks.main, ["--lib", PRELOAD, "--stats-dir", os.path.join(self.tmp, "s"),
                                                     "--out", self.out, "--fork-script", fork]), 0)
        res = self.load()
        self.assertEqual(len(res["tests"]), 4)
        check = verdicts.check_processes(res)
        self.assertEqual(check["status"], "pass", check["reason"])


if __name__ == "__main__":
    unittest.main()
