import json
import os
import tempfile
import unittest

from . import _paths  # noqa: F401
import trace_count

TRACE = {"schemaVersion": 1, "traceEvents": [
    {"ph": "X", "cat": "kernel", "name": "k1", "ts": 1, "dur": 2},
    {"ph": "X", "cat": "kernel", "name": "k1", "ts": 3, "dur": 2},
    {"ph": "X", "cat": "Kernel", "name": "k2", "ts": 5, "dur": 2},  # older kineto spelling
    {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD", "ts": 7, "dur": 1},
    {"ph": "X", "cat": "gpu_memset", "name": "Memset", "ts": 8, "dur": 1},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "ts": 0, "dur": 1},
    {"ph": "X", "cat": "cuda_driver", "name": "cuLaunchKernel", "ts": 0, "dur": 1},
    {"ph": "f", "cat": "ac2g", "name": "flow", "ts": 1},
    {"ph": "i", "cat": "kernel", "name": "instant, not an activity", "ts": 1},
    "garbage",
]}


class TraceCountTest(unittest.TestCase):
    def test_counts_device_categories_only(self):
        self.assertEqual(trace_count.count_by_category(TRACE), {"kernel": 3, "gpu_memcpy": 1, "gpu_memset": 1})

    def test_kernel_names(self):
        self.assertEqual(trace_count.kernel_name_counts(TRACE), {"k1": 2, "k2": 1})

    def test_bare_event_list_and_file(self):
        self.assertEqual(trace_count.count_by_category(TRACE["traceEvents"])["kernel"], 3)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.json")
            with open(path, "w") as fh:
                json.dump(TRACE, fh)
            s = trace_count.summarize_trace(trace_count.load_trace(path))
        self.assertEqual(s["counts"]["kernel"], 3)
        self.assertEqual(s["kernel_names"]["k1"], 2)

    def test_empty(self):
        self.assertEqual(trace_count.count_by_category({}), {"kernel": 0, "gpu_memcpy": 0, "gpu_memset": 0})


if __name__ == "__main__":
    unittest.main()
