import unittest

from . import _paths  # noqa: F401
from . import fixtures as fx
import reef_stats
import verdicts


def norm(doc):
    return reef_stats.normalize(doc)


def failing(check):
    return [c["name"] for c in check["criteria"] if not c["pass"]]


class LaunchCountTest(unittest.TestCase):
    def setUp(self):
        self.small = fx.workload(1, True, resnet_iters=1)
        self.large = fx.workload(2, True, resnet_iters=11)
        self.plain = fx.workload(3, False, resnet_iters=1, extras=True, profile=True)

    def check(self, s_small, s_large):
        return verdicts.check_launch_count(self.small, self.large, s_small, s_large, self.plain)

    def test_pass_when_equal_to_profiler(self):
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(fx.resnet_stats(2, 11)))
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(c["metrics"]["reef_launches_per_inference"], fx.PER_INFERENCE)
        self.assertEqual(c["metrics"]["profiler_kernels_one_inference"], fx.PER_INFERENCE)
        self.assertEqual(c["metrics"]["reef_kernels_not_divisible"], [])

    def test_fail_when_reef_misses_launches(self):
        large = fx.resnet_stats(2, 11)
        large["launches"] -= 10  # one kernel per inference not seen
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(large))
        self.assertEqual(c["status"], "fail")
        self.assertEqual(failing(c), ["Reef launches per inference"])
        self.assertIn("160", c["reason"])

    def test_fail_when_not_divisible(self):
        large = fx.resnet_stats(2, 11)
        large["launches"] += 3
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(large))
        self.assertEqual(c["status"], "fail")
        self.assertIn("Reef launch difference divisible by the inference difference", failing(c))
        self.assertEqual(c["metrics"]["reef_launches_per_inference"], 161.3)

    def test_fail_when_library_not_loaded(self):
        self.small["reef_loaded"] = False
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(fx.resnet_stats(2, 11)))
        self.assertEqual(failing(c), ["libreef.so mapped in both Reef runs"])

    def test_error_when_inputs_missing(self):
        c = self.check(None, norm(fx.resnet_stats(2, 11)))
        self.assertEqual(c["status"], "error")
        self.assertFalse(c["pass"])
        self.assertIn("Reef stats of the smaller run", c["reason"])
        del self.plain["profile"]
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(fx.resnet_stats(2, 11)))
        self.assertIn("profiler", c["reason"])

    def test_error_when_iterations_do_not_grow(self):
        self.large["resnet"]["iters"] = 1
        c = self.check(norm(fx.resnet_stats(1, 1)), norm(fx.resnet_stats(2, 11)))
        self.assertEqual(c["status"], "error")


class KernelsSeenTest(unittest.TestCase):
    def setUp(self):
        self.run = fx.workload(4, True, extras=True)
        self.plain = fx.workload(3, False, resnet_iters=1, extras=True, profile=True)

    def test_pass(self):
        c = verdicts.check_kernels_seen(self.run, norm(fx.extras_stats(4)), self.plain)
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(c["criteria"][1]["value"], fx.GEMM_KERNEL)
        self.assertEqual(c["metrics"]["graph"]["cuGraphLaunch_calls"], 5)

    def test_profiler_names_rescue_unusual_kernel_names(self):
        stats = fx.extras_stats(4)
        stats["kernels"] = [k for k in stats["kernels"] if k["name"] != fx.GEMM_KERNEL]
        stats["kernels"].append({"name": "_Z9my_matmulPK6__half", "launches": 1})
        self.plain["profile"]["gemm"] = fx.trace_summary({"my_matmul(__half const*)": 1})
        c = verdicts.check_kernels_seen(self.run, norm(stats), self.plain)
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertTrue(c["criteria"][1]["value"].startswith("profiler names all seen"))

    def test_fail_missing_triton_and_graph(self):
        stats = fx.extras_stats(4, graph_launches=2)
        stats["kernels"] = [k for k in stats["kernels"] if not k["name"].startswith("triton")]
        c = verdicts.check_kernels_seen(self.run, norm(stats), self.plain)
        self.assertEqual(c["status"], "fail")
        self.assertEqual(failing(c), ["Triton kernel from torch.compile seen by Reef",
                                      "CUDA graph replays counted (graph_launches)"])

    def test_failed_op_is_reported(self):
        del self.run["extras"]["conv"]
        self.run["errors"]["conv"] = "RuntimeError: cuDNN error"
        c = verdicts.check_kernels_seen(self.run, norm(fx.extras_stats(4)), self.plain)
        self.assertEqual(failing(c), ["cuDNN convolution (F.conv2d fp16) seen by Reef"])
        self.assertIn("cuDNN error", c["reason"])

    def test_error_without_stats(self):
        self.assertEqual(verdicts.check_kernels_seen(self.run, None, self.plain)["status"], "error")


class BitIdenticalTest(unittest.TestCase):
    def runs(self, **hashes):
        h = dict(fx.HASHES, **hashes)
        return {"resnet": [fx.workload(1, True, resnet_iters=1, hashes=h), fx.workload(2, True, resnet_iters=11)],
                "extras": fx.workload(4, True, extras=True, hashes=h)}

    def test_pass(self):
        plain = fx.workload(3, False, resnet_iters=1, extras=True)
        c = verdicts.check_bit_identical(plain, self.runs())
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(len(c["criteria"]), 6)

    def test_baseline_with_reef_loaded_fails(self):
        plain = fx.workload(3, True, resnet_iters=1, extras=True)
        c = verdicts.check_bit_identical(plain, self.runs())
        self.assertEqual(failing(c), ["libreef.so mapped with Reef, not without"])

    def test_fail_on_any_difference(self):
        plain = fx.workload(3, False, resnet_iters=1, extras=True)
        c = verdicts.check_bit_identical(plain, self.runs(resnet="f" * 64, graph="0" * 64))
        self.assertEqual(failing(c), ["resnet50 output", "graph output"])

    def test_missing_outputs_fail(self):
        plain = fx.workload(3, False, resnet_iters=1, extras=True)
        runs = self.runs()
        runs["extras"] = None
        c = verdicts.check_bit_identical(plain, runs)
        self.assertEqual(c["status"], "fail")
        self.assertIn("no output with Reef", c["reason"])
        self.assertEqual(verdicts.check_bit_identical(None, runs)["status"], "error")

    def test_nothing_comparable_is_an_error(self):
        plain = fx.workload(3, False)  # ran, but produced no output at all
        c = verdicts.check_bit_identical(plain, self.runs())
        self.assertEqual(c["status"], "error")
        self.assertIn("no output was produced", c["reason"])


class LatencyTest(unittest.TestCase):
    def test_pass(self):
        c = verdicts.check_latency(fx.latency(reef_ms=4.50, plain_ms=4.48))
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(c["metrics"]["reef_ms"]["n"], 600)
        self.assertEqual(c["metrics"]["rounds_completed"], 10)
        self.assertLessEqual(c["metrics"]["ratio_median"], 1.01)

    def test_fail_on_overhead(self):
        c = verdicts.check_latency(fx.latency(reef_ms=4.60, plain_ms=4.48))
        self.assertEqual(failing(c), ["median of per-round latency ratios Reef/plain"])

    def test_fail_on_too_few_iterations(self):
        c = verdicts.check_latency(fx.latency(rounds=4))
        self.assertEqual(failing(c), ["timed inferences with Reef", "timed inferences without Reef"])

    def test_error_without_rounds(self):
        lat = fx.latency()
        lat["rounds"] = [r for r in lat["rounds"] if r["config"] == "plain"]
        lat["errors"] = ["Traceback ...\n" + "x" * 5000 + "\nEOFError: reef worker exited (rc=-11)"]
        c = verdicts.check_latency(lat)
        self.assertEqual(c["status"], "error")
        self.assertIn("rc=-11", c["reason"])
        self.assertLess(len(c["reason"]), 400)  # long tracebacks are cut to their informative end
        self.assertEqual(verdicts.check_latency(None)["status"], "error")

    def test_fail_when_preload_not_effective(self):
        lat = fx.latency()
        lat["workers"]["reef"]["reef_loaded"] = False
        self.assertEqual(failing(verdicts.check_latency(lat)), ["libreef.so mapped in the Reef worker only"])


class LaunchRateTest(unittest.TestCase):
    def test_pass(self):
        c = verdicts.check_launch_rate(fx.microbench(reef_rate=392000.0, plain_rate=400000.0))
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(c["metrics"]["sync_every"], 10000)

    def test_fail_below_97_percent(self):
        c = verdicts.check_launch_rate(fx.microbench(reef_rate=380000.0, plain_rate=400000.0))
        self.assertEqual(failing(c), ["median of per-round launch rate ratios Reef/plain"])

    def test_paired_ratio_cancels_drift(self):
        # The host slows down by half over the run; each round's pair is equal: ratio 1.0,
        # where the ratio of overall medians would depend on the order within rounds.
        runs = []
        for r in range(6):
            rate = 400000.0 * (1 - r / 12)
            for cfg, extra in (("plain", 0.0), ("reef", -1.0)):
                runs.append({"config": cfg, "round": r, "rc": 0, "launches_per_s": rate + extra,
                             "launches": 1000000, "reef_loaded": cfg == "reef"})
        c = verdicts.check_launch_rate({"runs": runs, "config": {"launches": 1000000, "sync_every": 10000}})
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertAlmostEqual(c["metrics"]["ratio_median"], 1.0, places=4)

    def test_failed_runs_are_ignored_but_counted(self):
        m = fx.microbench(rounds=2)
        for run in m["runs"]:
            if run["config"] == "reef" and run["round"] == 1:
                run["rc"] = -11
        c = verdicts.check_launch_rate(m)
        self.assertEqual(failing(c), ["successful runs per configuration (fewest)"])

    def test_error_without_runs(self):
        self.assertEqual(verdicts.check_launch_rate({"runs": [], "errors": ["x"]})["status"], "error")


class CrossRuntimeTest(unittest.TestCase):
    def test_pass(self):
        c = verdicts.check_cross_runtime(fx.cross())
        self.assertEqual(c["status"], "pass", c["reason"])
        self.assertEqual(c["metrics"]["graph_replays"], 4)

    def test_fail_on_output_difference_and_graph_count(self):
        c = verdicts.check_cross_runtime(fx.cross(stdout_reef=fx.CROSS_STDOUT + "extra\n", graph_launches=3))
        self.assertEqual(failing(c), ["stdout with Reef", "Reef stats graph_launches"])

    def test_fail_without_stats(self):
        cross = fx.cross()
        del cross["reef"]["stats"]
        c = verdicts.check_cross_runtime(cross)
        self.assertEqual(failing(c), ["Reef stats launches", "Reef stats graph_launches"])

    def test_error_when_a_run_is_missing(self):
        self.assertEqual(verdicts.check_cross_runtime({"plain": {}})["status"], "error")

    def test_parse_replays(self):
        self.assertEqual(verdicts.parse_replays("a\ngraph_replays=4\n"), 4)
        self.assertIsNone(verdicts.parse_replays("graph_replays=x"))


class ProcessesTest(unittest.TestCase):
    def test_pass(self):
        c = verdicts.check_processes(fx.processes())
        self.assertEqual(c["status"], "pass", c["reason"])

    def test_fail_on_fork_crash(self):
        c = verdicts.check_processes(fx.processes(fork_rc=-6))
        self.assertEqual(failing(c), ["multiprocessing fork children of a CUDA parent"])

    def test_plain_failure_is_visible(self):
        p = fx.processes()
        p["tests"][0]["plain"]["rc"] = 1
        c = verdicts.check_processes(p)
        self.assertIn("also rc=1 without Reef", c["criteria"][0]["value"])

    def test_error_when_nothing_ran(self):
        self.assertEqual(verdicts.check_processes({"tests": []})["status"], "error")


if __name__ == "__main__":
    unittest.main()
