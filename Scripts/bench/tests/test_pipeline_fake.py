"""The whole harness end to end on the fake backend: workers, barrier, MPS lifecycle, Reef stats,
results.json merge across two runs, results.md and PNGs; and what a broken worker leaves behind."""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

from Scripts.bench import main
from Scripts.bench.tests.mps_standin import install_standin
from Scripts.bench.tests.pngcheck import read_png
SYSTEMS = "multi-stream,stream-priority,multi-process,mps,reef-schedule"


class PipelineTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp()
        self.mps_dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.out)
        self.addCleanup(shutil.rmtree, self.mps_dir)
        self.env = {"REEF_BENCH_MPS_CONTROL": install_standin(self.out), "REEF_BENCH_MPS_DIR": self.mps_dir,
                    "REEF_BENCH_COMMAND": "Scripts/bench/run.sh (test)"}
        for k, v in self.env.items():
            os.environ[k] = v
            self.addCleanup(os.environ.pop, k, None)

    def run_main(self, workloads, extra=()):
        args = [workloads, "--backend", "fake", "--out", self.out, "--systems", SYSTEMS, "--variants", "eager:1",
                "--duration", "0.3", "--warmup", "0.1", "--budget", "0"] + list(extra)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            rc = main.main(args)
        return rc, buf.getvalue()

    def results(self):
        with open(os.path.join(self.out, "results.json")) as f:
            return json.load(f)

    def mps_log(self):
        with open(os.path.join(self.mps_dir, "log", "standin.log")) as f:
            return f.read().split()

    def test_two_runs_merge_into_one_report(self):
        rc, _ = self.run_main("A")
        self.assertEqual(rc, 0)
        r = self.results()
        a_cells = [c for c in r["cells"].values() if c["workload"] == "A"]
        self.assertEqual(sorted(c["system"] for c in a_cells), sorted(SYSTEMS.split(",")))
        for c in a_cells:
            self.assertEqual(c["status"], "ok", (c["key"], c.get("error")))
            self.assertEqual(c["rt"]["latency_ms"]["n"], 30)  # 100 req/s over 0.3 s
            self.assertGreater(c["throughput"]["be_rps"], 0)
            self.assertIsNotNone(c["rt"]["disb"]["ratio"])
            self.assertGreater(c["preemption"]["queue_delay_ms"]["n"], 0)
        self.assertIn("vgg19|eager|uniform|100", r["standalone"])
        self.assertEqual(self.mps_log(), ["start", "quit"])
        stats = r["systems"]["reef-schedule"]["reef_stats"]
        self.assertEqual(stats["processes"], 1)  # reef-schedule: one process hosts both clients
        self.assertEqual(stats["versions"], ["fake"])
        self.assertEqual(stats["counters"]["launches"], 1)  # the fake library counts one per process

        rc, _ = self.run_main("B")
        self.assertEqual(rc, 0)
        r = self.results()
        self.assertEqual(len(r["runs"]), 2)
        self.assertEqual({c["workload"] for c in r["cells"].values()}, {"standalone", "A", "B"})
        b = r["cells"]["B/multi-stream/eager-bs1"]
        self.assertEqual(b["clients"][0]["arrival"], "closed")
        self.assertIn("vgg19|eager|closed", r["standalone"])
        with open(os.path.join(self.out, "results.md")) as f:
            md = f.read()
        self.assertIn("## Workload A", md)
        self.assertIn("## Workload B", md)
        self.assertIn("Scripts/bench/run.sh (test)", md)
        pngs = [n for n in os.listdir(self.out) if n.endswith(".png")]
        self.assertIn("cdf-B-eager-bs1.png", pngs)
        for n in pngs:
            read_png(os.path.join(self.out, n))

    def test_broken_workers_fail_cells_not_the_run(self):
        os.environ["BENCH_FAKE_FAIL"] = "crash"
        self.addCleanup(os.environ.pop, "BENCH_FAKE_FAIL", None)
        rc, _ = self.run_main("A")
        self.assertEqual(rc, 1)  # every cell failed
        r = self.results()
        self.assertTrue(all(c["status"] == "failed" for c in r["cells"].values()))
        self.assertIn("worker lost", r["cells"]["A/multi-process/eager-bs1"]["error"])
        self.assertEqual(self.mps_log(), ["start", "quit"])  # quit even though the block failed
        self.assertTrue(os.path.exists(os.path.join(self.out, "results.md")))

    def test_a_stalled_cell_fails_and_its_block_stops(self):
        os.environ["BENCH_FAKE_FAIL"] = "stall"
        self.addCleanup(os.environ.pop, "BENCH_FAKE_FAIL", None)
        self.run_main("A,B", ["--systems", "multi-stream"])
        cells = self.results()["cells"]
        errors = [c.get("error") or "" for c in cells.values()]
        self.assertTrue(all(c["status"] == "failed" for c in cells.values()), [c["status"] for c in cells.values()])
        self.assertTrue(any("clients stalled" in e for e in errors), errors)
        self.assertTrue(any("an earlier cell of this block stalled" in e for e in errors), errors)

    def test_setup_failure_and_budget(self):
        os.environ["BENCH_FAKE_FAIL"] = "setup"
        self.addCleanup(os.environ.pop, "BENCH_FAKE_FAIL", None)
        self.run_main("A", ["--systems", "multi-stream"])
        cell = self.results()["cells"]["A/multi-stream/eager-bs1"]
        self.assertEqual(cell["status"], "failed")
        self.assertIn("fake setup failure", cell["error"])
        os.environ.pop("BENCH_FAKE_FAIL")
        self.run_main("C", ["--systems", "multi-stream", "--budget", "1", "--no-merge"])
        cell = self.results()["cells"]["C/multi-stream/eager-bs1"]
        self.assertEqual(cell["status"], "skipped")

    def test_dry_run_runs_nothing(self):
        rc, out = self.run_main("all", ["--dry-run"])
        self.assertEqual(rc, 0)
        self.assertIn("estimated", out)
        self.assertFalse(os.path.exists(os.path.join(self.out, "results.json")))


if __name__ == "__main__":
    unittest.main()
