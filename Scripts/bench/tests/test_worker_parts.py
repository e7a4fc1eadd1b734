"""Worker-side pieces: the JSON-lines protocol, device-time mapping, and the MPS daemon's lifecycle."""
import os
import shutil
import tempfile
import unittest

from Scripts.bench import mps, protocol, worker
from Scripts.bench.tests.mps_standin import install_standin


class ProtocolTest(unittest.TestCase):
    def test_round_trip_and_partial_lines(self):
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        with os.fdopen(w, "wb", buffering=0) as out:
            protocol.send(out, {"cmd": "run", "x": [1, 2]})
            out.write(b'{"cmd": "st')
            out.write(b'op"}\n')
        reader = protocol.LineReader(r)
        self.assertEqual(reader.recv(1.0), {"cmd": "run", "x": [1, 2]})
        self.assertEqual(reader.recv(1.0), {"cmd": "stop"})
        with self.assertRaises(protocol.WorkerGone):
            reader.recv(1.0)  # writer closed

    def test_timeout(self):
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        self.addCleanup(os.close, w)
        with self.assertRaises(protocol.WorkerGone):
            protocol.LineReader(r).recv(0.05)


class FakeTimedExecutor:
    def __init__(self, times):
        self.times = times

    def device_times(self, token):
        return self.times[token]


class DeviceTimeTest(unittest.TestCase):
    def test_offset_from_fastest_completion(self):
        # Device clock = host clock - 10 s; host sees completions 3 ms, 1 ms and 2 ms late.
        ex = FakeTimedExecutor({0: (-9.999, -9.998), 1: (-9.990, -9.985), 2: (-9.980, -9.979)})
        recs = [[0.0, 0.0, 0.005, 0, 0.1], [0.01, 0.01, 0.016, 1, 0.2], [0.02, 0.02, 0.023, 2, 0.3]]
        out = worker.map_device_times(ex, recs)
        # offset = min(done - dev_end) = 0.016 - (-9.985) = 10.001
        self.assertAlmostEqual(out[1][3], 0.011)
        self.assertAlmostEqual(out[1][4], 0.016)
        self.assertAlmostEqual(out[0][3], 0.002)
        self.assertEqual(out[2][5], 0.3)
        self.assertEqual(len(out[0]), 6)

    def test_untimed_requests(self):
        out = worker.map_device_times(FakeTimedExecutor({}), [[0.0, 0.0, 0.01, None, None]])
        self.assertEqual(out, [[0.0, 0.0, 0.01, None, None, None]])


class MpsTest(unittest.TestCase):
    def setUp(self):
        self.base = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.base)
        self.standin = install_standin(self.base)

    def log(self):
        with open(os.path.join(self.base, "log", "standin.log")) as f:
            return f.read().split()

    def test_start_and_quit_with_private_dirs(self):
        d = mps.MpsDaemon(control=self.standin, base_dir=self.base)
        with d:
            self.assertTrue(os.path.exists(os.path.join(self.base, "pipe", "control")))
            self.assertEqual(d.client_env()["CUDA_MPS_PIPE_DIRECTORY"], os.path.join(self.base, "pipe"))
        self.assertEqual(self.log(), ["start", "quit"])
        d.stop()  # idempotent: no second quit
        self.assertEqual(self.log(), ["start", "quit"])

    def test_quit_even_when_the_run_fails(self):
        with self.assertRaises(RuntimeError):
            with mps.MpsDaemon(control=self.standin, base_dir=self.base):
                raise RuntimeError("cell failed")
        self.assertEqual(self.log(), ["start", "quit"])

    def test_failed_start_is_reported_and_still_quit(self):
        os.environ["BENCH_MPS_FAIL_START"] = "1"
        self.addCleanup(os.environ.pop, "BENCH_MPS_FAIL_START")
        with self.assertRaises(mps.MpsUnavailable):
            mps.MpsDaemon(control=self.standin, base_dir=self.base).start()
        self.assertEqual(self.log(), ["start", "quit"])

    def test_missing_binary(self):
        with self.assertRaises(mps.MpsUnavailable):
            mps.MpsDaemon(control="no-such-mps-control-binary", base_dir=self.base).start()


if __name__ == "__main__":
    unittest.main()
