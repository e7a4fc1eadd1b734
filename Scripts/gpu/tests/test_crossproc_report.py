"""The cross-process report: verdicts, BE rate over the RT window, signal latency, status paste."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from . import _paths

REPORT = os.path.join(_paths.GPU, "crossproc", "report.py")
SEC = 1_000_000_000


def rt(p99, window=(10 * SEC, 20 * SEC)):
    return {"rt_p50_ms": p99 / 2, "rt_p99_ms": p99, "rt_max_ms": p99, "rt_mismatches": 0,
            "rt_latency_ms": [p99 / 2, p99, p99, p99], "rt_window_ns": list(window), "rt_output_sha256": "a"}


def be(its, window=(10 * SEC, 20 * SEC)):
    start, end = window
    n = int(its * (end - start) / SEC)
    return {"completions_ns": [start + (i + 1) * (end - start) // (n + 1) for i in range(n)], "mismatches": 0,
            "output_sha256": "b"}


class CrossprocReportTest(unittest.TestCase):
    def run_report(self, files):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "rows"))
            for name, content in files.items():
                with open(os.path.join(d, "rows", name), "w") as f:
                    f.write(content if isinstance(content, str) else json.dumps(content))
            out = os.path.join(d, "out")
            p = subprocess.run([sys.executable, REPORT, d, "--out-dir", out], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "crossproc-h100.json")) as f:
                s = json.load(f)
            with open(os.path.join(out, "crossproc-h100.md")) as f:
                md = f.read()
            self.assertTrue(os.path.exists(os.path.join(out, "crossproc-h100-cdf.png")))
            return s, md

    def test_verdict_and_details(self):
        files = {"rt_alone.rt.json": rt(1.0), "rt_alone_end.rt.json": rt(1.0),
                 "timesliced.rt.json": rt(2.1), "timesliced.be.json": be(50),
                 "reef.rt.json": rt(1.08), "reef.be.json": be(45),
                 "reef.be-stats.7.json": {"scheduling": {"preemptions": 900,
                                                         "preemption_latency": {"stopped_us": [10, 20, 30]}}},
                 "reef.status.txt": "segment /dev/shm/x: 2 processes\nPID CLASS\n"}
        s, md = self.run_report(files)
        v = s["verdicts"]["reef"]
        self.assertTrue(v["pass"])
        self.assertAlmostEqual(v["rt_p99_ratio"], 1.08)
        self.assertAlmostEqual(v["be_throughput_ratio"], 0.9)
        self.assertEqual(s["rows"]["reef"]["signal_us"]["max"], 30)
        self.assertIn("reefctl status", md)
        self.assertIsNone(s["verdicts"]["reef_mps"]["pass"])
        files["reef.be.json"] = be(40)
        self.assertFalse(self.run_report(files)[0]["verdicts"]["reef"]["pass"])

    def test_floor_rows(self):
        files = {"rt_alone.rt.json": rt(1.0), "floor.rt.json": rt(1.07), "floor.be.json": be(10),
                 "floor_mps.rt.json": rt(1.01), "floor_mps.be.json": be(10)}
        s, md = self.run_report(files)
        self.assertAlmostEqual(s["rows"]["floor"]["rt_p99_vs_alone"], 1.07)
        self.assertIn("floor: a BE process with one small kernel per 100 ms, time-sliced", md)
        self.assertIn("floor: a BE process with one small kernel per 100 ms, MPS", md)


if __name__ == "__main__":
    unittest.main()
