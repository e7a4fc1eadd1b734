import json
import os
import tempfile
import unittest

from . import _paths  # noqa: F401
from . import fixtures
import reef_stats


class NormalizeTest(unittest.TestCase):
    def test_fills_missing_fields_and_merges_duplicate_kernels(self):
        s = reef_stats.normalize({"pid": 5, "launches": "7", "kernels": [
            {"name": "k", "launches": 2}, {"name": "k", "launches": 3}, {"launches": 9}, "junk"]})
        self.assertEqual(s["launches"], 7)
        self.assertEqual(s["graph_launches"], 0)
        self.assertEqual(s["calls"], {})
        self.assertEqual(s["kernels"], {"k": 5})

    def test_rejects_non_object(self):
        self.assertRaises(ValueError, reef_stats.normalize, [1, 2])

    def test_load_and_summary(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.json")
            with open(path, "w") as fh:
                json.dump(fixtures.stats(1, 342), fh)
            s = reef_stats.load(path)
        self.assertEqual(s["launches"], 342)
        summary = reef_stats.summary(s)
        self.assertEqual(summary["launch_calls"], 342)
        self.assertEqual(summary["top_kernels"], [{"name": "kernel_x", "launches": 342}])


class FindStatsFileTest(unittest.TestCase):
    def test_by_name_then_by_content(self):
        with tempfile.TemporaryDirectory() as d:
            for name, pid in (("reef-12345.json", 12345), ("reef-1234.json", 1234), ("other.json", 77)):
                with open(os.path.join(d, name), "w") as fh:
                    json.dump({"pid": pid}, fh)
            with open(os.path.join(d, "broken.json"), "w") as fh:
                fh.write("{not json")
            self.assertEqual(os.path.basename(reef_stats.find_stats_file(d, 1234)), "reef-1234.json")
            self.assertEqual(os.path.basename(reef_stats.find_stats_file(d, 12345)), "reef-12345.json")
            self.assertEqual(os.path.basename(reef_stats.find_stats_file(d, 77)), "other.json")
            self.assertIsNone(reef_stats.find_stats_file(d, 123))
        self.assertIsNone(reef_stats.find_stats_file("/nonexistent/dir", 1))
        self.assertIsNone(reef_stats.find_stats_file(None, 1))


class DiffTest(unittest.TestCase):
    def test_difference_per_inference(self):
        small = reef_stats.normalize(fixtures.resnet_stats(1, 1))
        large = reef_stats.normalize(fixtures.resnet_stats(2, 11))
        d = reef_stats.diff(small, large)
        self.assertEqual(d["launches"], 10 * fixtures.PER_INFERENCE)
        self.assertEqual(d["graph_launches"], 0)
        self.assertEqual(d["launch_calls"], 10 * fixtures.PER_INFERENCE)
        self.assertEqual(d["calls"], {"cuLaunchKernel": 10 * fixtures.PER_INFERENCE})  # unchanged calls omitted
        self.assertEqual(reef_stats.per_iteration(d["launches"], 10), (fixtures.PER_INFERENCE, True))
        self.assertEqual(reef_stats.per_iteration(1615, 10), (161.5, False))
        self.assertRaises(ValueError, reef_stats.per_iteration, 5, 0)

    def test_kernels_only_on_one_side(self):
        a = reef_stats.normalize({"kernels": [{"name": "x", "launches": 1}]})
        b = reef_stats.normalize({"kernels": [{"name": "y", "launches": 2}]})
        self.assertEqual(reef_stats.diff(a, b)["kernels"], {"x": -1, "y": 2})


class PatternTest(unittest.TestCase):
    NAMES = [fixtures.GEMM_KERNEL, fixtures.CONV_KERNEL, fixtures.TRITON_KERNEL, fixtures.ELEMENTWISE_MANGLED,
             "sm90_xmma_gemm_f16f16_f16f32_f32_tn_n_tilesize128x128x64_cublas", "cutlass3x_sm90_tensorop_h_gemm",
             "_ZN5cudnn19engines_precompiled16nchwToNhwcKernelI6__halfS1_fLb0ELb1EL21cudnnKernelDataType_t0EEEv"]

    def test_gemm_excludes_convolutions(self):
        self.assertEqual(reef_stats.match_gemm(self.NAMES), [fixtures.GEMM_KERNEL, self.NAMES[4], self.NAMES[5]])

    def test_conv(self):
        self.assertEqual(reef_stats.match_conv(self.NAMES), [fixtures.CONV_KERNEL, self.NAMES[6]])

    def test_triton(self):
        self.assertEqual(reef_stats.match_triton(self.NAMES), [fixtures.TRITON_KERNEL])
        self.assertEqual(reef_stats.match_triton(["not_triton_poi"]), [])


class NameMatchTest(unittest.TestCase):
    def test_mangled_identifiers(self):
        self.assertEqual(reef_stats.mangled_identifiers("_ZN2at6native18elementwise_kernelEv"),
                         ["at", "native", "elementwise_kernel"])
        self.assertEqual(reef_stats.mangled_identifiers("plain"), [])

    def test_mangled_against_demangled(self):
        self.assertTrue(reef_stats.names_match(fixtures.ELEMENTWISE_MANGLED, fixtures.ELEMENTWISE_DEMANGLED))
        other = fixtures.ELEMENTWISE_DEMANGLED.replace("FillFunctor", "CopyFunctor")
        self.assertFalse(reef_stats.names_match(fixtures.ELEMENTWISE_MANGLED, other))

    def test_plain_names(self):
        self.assertTrue(reef_stats.names_match(fixtures.GEMM_KERNEL, fixtures.GEMM_KERNEL))
        self.assertTrue(reef_stats.names_match("reduce_sum", "reduce_sum(unsigned int const*, int)"))
        self.assertFalse(reef_stats.names_match("reduce", "reduce_sum(unsigned int const*, int)"))


if __name__ == "__main__":
    unittest.main()
