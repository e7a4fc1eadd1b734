import os
import tempfile
import unittest

from Scripts.gpu.gpu_clocks import ClockSampler, summarize


class GpuClocksTests(unittest.TestCase):
    def test_summary_skips_malformed_lines(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.csv")
            with open(path, "w") as f:
                f.write("1980, 2619, 300.0, 40, 10\n1755, 2619, 700.0, 61, 100\n[N/A], 1, 2, 3, 4\n1800, 2619, 650.0, 58, 95\n")
            s = summarize(path)
        self.assertEqual(s["samples"], 3)
        self.assertEqual(s["sm_mhz_p50"], 1800)
        self.assertEqual(s["sm_mhz_min"], 1755)
        self.assertEqual(s["power_w_p50"], 650.0)
        self.assertEqual(s["temp_c_max"], 61)

    def test_no_samples(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "empty.csv")
            open(path, "w").close()
            self.assertIsNone(summarize(path))
            self.assertIsNone(summarize(os.path.join(d, "missing.csv")))

    def test_sampler_without_nvidia_smi_is_a_no_op(self):
        with tempfile.TemporaryDirectory() as d:
            old = os.environ.get("PATH", "")
            os.environ["PATH"] = d
            try:
                s = ClockSampler(os.path.join(d, "c.csv"))
                self.assertIsNone(s.stop())
            finally:
                os.environ["PATH"] = old


if __name__ == "__main__":
    unittest.main()
