"""The in-process report: verdicts from row files exactly as run.sh and row.py write them."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from . import _paths

REPORT = os.path.join(_paths.GPU, "inprocess", "report.py")


def row(name, p99, be_its=None, be="none", rt_sha="a", be_sha=None, mism=0, lat=None):
    r = {"row": name, "be_model": be, "high_priority": False, "requests": 4, "rt_p50_ms": p99 / 2,
         "rt_p90_ms": p99 * 0.9, "rt_p99_ms": p99, "rt_max_ms": p99 * 1.5, "rt_output_sha256": rt_sha,
         "rt_mismatches": mism, "rt_latency_ms": lat or [p99 / 2, p99 / 2, p99, p99]}
    if be_its is not None:
        r.update(be_its=be_its, be_alone_its=be_its * 1.2, be_output_sha256=be_sha or "b", be_mismatches=0,
                 be_error=None)
    return r


class InprocessReportTest(unittest.TestCase):
    def run_report(self, rows, stats=None):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "rows"))
            for r in rows:
                with open(os.path.join(d, "rows", r["row"] + ".json"), "w") as f:
                    json.dump(r, f)
            for name, s in (stats or {}).items():
                with open(os.path.join(d, "rows", name + ".reef-stats.42.json"), "w") as f:
                    json.dump({"scheduling": s}, f)
            out = os.path.join(d, "out")
            proc = subprocess.run([sys.executable, REPORT, d, "--out-dir", out], capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(os.path.join(out, "inprocess-h100.json")) as f:
                summary = json.load(f)
            with open(os.path.join(out, "inprocess-h100.md")) as f:
                md = f.read()
            self.assertTrue(os.path.exists(os.path.join(out, "inprocess-h100-cdf-resnet152.png")))
            return summary, md

    def test_pass_and_fail(self):
        stats = {"reef": {"preemptions": 3, "preemption_latency": {"stopped_us": [1, 2, 3], "drained_us": [10, 20, 300]}}}
        good = [row("rt_alone", 1.0), row("no_reef", 2.0, 50.0, "resnet152"), row("reef", 1.09, 43.0, "resnet152")]
        s, md = self.run_report(good, stats)
        v = s["verdicts"]["resnet152"]
        self.assertTrue(v["pass"])
        self.assertAlmostEqual(v["rt_p99_ratio"], 1.09)
        self.assertAlmostEqual(v["be_throughput_ratio"], 0.86)
        self.assertTrue(s["verdicts"]["outputs_identical"]["pass"])
        self.assertEqual(s["rows"]["reef"]["preemption"]["count"], 3)
        self.assertEqual(s["rows"]["reef"]["preemption"]["drained_us"]["max"], 300)
        self.assertIn("**pass**", md)
        self.assertIsNone(s["verdicts"]["transformer"]["pass"])

        slow = [row("rt_alone", 1.0), row("no_reef", 2.0, 50.0, "resnet152"), row("reef", 1.2, 49.0, "resnet152")]
        s, md = self.run_report(slow)
        self.assertFalse(s["verdicts"]["resnet152"]["pass"])
        self.assertIn("**FAIL**", md)

        starved = [row("rt_alone", 1.0), row("no_reef", 2.0, 50.0, "resnet152"), row("reef", 1.0, 40.0, "resnet152")]
        self.assertFalse(self.run_report(starved)[0]["verdicts"]["resnet152"]["pass"])

    def test_baseline_pools_both_rt_alone_rows(self):
        rows = [row("rt_alone", 1.0), row("rt_alone_end", 1.2), row("no_reef", 2.0, 50.0, "resnet152"),
                row("reef", 1.3, 50.0, "resnet152")]
        s, md = self.run_report(rows)
        self.assertEqual(s["rt_alone_baseline"]["n"], 8)
        self.assertAlmostEqual(s["rt_alone_baseline"]["rt_p99_ms"], 1.2)
        self.assertAlmostEqual(s["verdicts"]["resnet152"]["rt_p99_ratio"], 1.3 / 1.2)
        self.assertIn("pooled", md)

    def test_floor_line(self):
        floor = row("rt_floor", 1.1, 10.0, "gpu_sparse")
        floor["rt_gpu_p50_ms"] = 0.5
        rows = [row("rt_alone", 1.0), floor, row("no_reef", 2.0, 50.0, "resnet152")]
        s, md = self.run_report(rows)
        self.assertAlmostEqual(s["rt_floor"]["rt_p99_vs_alone"], 1.1)
        self.assertIn("Floor: beside one small kernel on another stream every 100 ms", md)
        self.assertIn("(1.10x)", md)
        self.assertNotIn("Floor:", self.run_report(rows[:1] + rows[2:])[1])

    def test_dataloader_check(self):
        rows = [row("rt_alone", 1.0), row("no_reef", 2.0, 50.0, "resnet152")]
        s, md = self.run_report(rows)
        self.assertIsNone(s["verdicts"]["dataloader_fork"])
        self.assertIn("not run", md)

    def test_output_differences_fail(self):
        rows = [row("rt_alone", 1.0), row("no_reef", 2.0, 50.0, "resnet152"),
                row("reef", 1.0, 50.0, "resnet152", be_sha="c")]
        self.assertFalse(self.run_report(rows)[0]["verdicts"]["outputs_identical"]["pass"])
        rows = [row("rt_alone", 1.0), row("reef", 1.0, 50.0, "resnet152", mism=1)]
        self.assertFalse(self.run_report(rows)[0]["verdicts"]["outputs_identical"]["pass"])


if __name__ == "__main__":
    unittest.main()
