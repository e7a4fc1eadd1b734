"""Arrival generators: rates, phases, seeded determinism, trace parsing and replay."""
import os
import tempfile
import unittest

from Scripts.bench import arrivals
from Scripts.bench.workloads import MODELS

BURSTY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "traces", "bursty.csv")


class UniformTest(unittest.TestCase):
    def test_rate_and_spacing(self):
        t = arrivals.uniform(100.0, 1.0)
        self.assertEqual(len(t), 100)
        self.assertAlmostEqual(t[0], 0.0)
        self.assertAlmostEqual(t[1] - t[0], 0.01)
        self.assertAlmostEqual(t[-1], 0.99)

    def test_phase_shifts_every_arrival(self):
        t = arrivals.uniform(20.0, 1.0, phase=0.01)
        self.assertEqual(len(t), 20)
        self.assertAlmostEqual(t[0], 0.01)
        self.assertAlmostEqual(t[-1], 0.96)

    def test_no_drift_over_long_runs(self):
        t = arrivals.uniform(1000.0, 60.0)
        self.assertEqual(len(t), 60000)
        self.assertAlmostEqual(t[-1], 59.999, places=9)

    def test_rejects_bad_arguments(self):
        with self.assertRaises(ValueError):
            arrivals.uniform(0.0, 1.0)
        with self.assertRaises(ValueError):
            arrivals.uniform(10.0, 1.0, phase=0.1)  # phase must be < 1/rate

    def test_stagger_spreads_peers_over_one_period(self):
        phases = [arrivals.stagger_phase(i, 5, 20.0) for i in range(5)]
        self.assertEqual(phases, [0.0, 0.01, 0.02, 0.03, 0.04])
        with self.assertRaises(ValueError):
            arrivals.stagger_phase(5, 5, 20.0)


class PoissonTest(unittest.TestCase):
    def test_same_seed_same_arrivals(self):
        self.assertEqual(arrivals.poisson(20.0, 10.0, seed=7), arrivals.poisson(20.0, 10.0, seed=7))

    def test_different_seed_different_arrivals(self):
        self.assertNotEqual(arrivals.poisson(20.0, 10.0, seed=7), arrivals.poisson(20.0, 10.0, seed=8))

    def test_mean_rate(self):
        t = arrivals.poisson(20.0, 500.0, seed=1)  # 10000 expected; sd 100
        self.assertLess(abs(len(t) - 10000), 400)
        self.assertTrue(all(0 <= a < 500.0 for a in t))
        self.assertEqual(t, sorted(t))

    def test_gaps_look_exponential(self):
        t = arrivals.poisson(50.0, 400.0, seed=3)
        gaps = [b - a for a, b in zip(t, t[1:])]
        mean = sum(gaps) / len(gaps)
        self.assertAlmostEqual(mean, 0.02, delta=0.001)
        # For an exponential distribution the standard deviation equals the mean.
        sd = (sum((g - mean) ** 2 for g in gaps) / len(gaps)) ** 0.5
        self.assertAlmostEqual(sd / mean, 1.0, delta=0.05)


class TraceTest(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        return path

    def test_parse_header_comments_and_length(self):
        path = self.write("# a comment\n# length_ms=1000\nclient,arrival_ms\nvgg19,20\nvgg19,10\nbert,5.5\n\n")
        per_client, length = arrivals.load_trace_csv(path)
        self.assertEqual(per_client, {"vgg19": [0.01, 0.02], "bert": [0.0055]})
        self.assertEqual(length, 1.0)

    def test_parse_errors(self):
        for bad in ("vgg19,1,2\n", "vgg19,-1\n", "vgg19,1\nvgg19,x\n"):
            with self.assertRaises(ValueError, msg=bad):
                arrivals.load_trace_csv(self.write(bad))

    def test_replay_loops_with_stated_length(self):
        self.assertEqual(arrivals.replay([0.1, 0.5], 2.5, length=1.0), [0.1, 0.5, 1.1, 1.5, 2.1])

    def test_replay_without_length_loops_one_mean_gap_after_the_end(self):
        out = arrivals.replay([0.0, 0.2, 0.4], 1.0)
        self.assertEqual([round(x, 9) for x in out], [0.0, 0.2, 0.4, 0.6, 0.8])

    def test_replay_rejects_length_inside_trace(self):
        with self.assertRaises(ValueError):
            arrivals.replay([0.1, 0.9], 2.0, length=0.5)

    def test_committed_bursty_trace(self):
        per_client, length = arrivals.load_trace_csv(BURSTY)
        self.assertEqual(sorted(per_client), sorted(MODELS))
        self.assertEqual(length, 20.0)
        for model, times in per_client.items():
            rate = len(times) / length
            self.assertTrue(10.0 < rate < 40.0, (model, rate))
            # Bursty: some 100 ms windows hold far more than the mean rate would put there.
            counts = [0] * int(length * 10)
            for t in times:
                counts[int(t * 10)] += 1
            self.assertGreaterEqual(max(counts), 4 * rate / 10, model)


if __name__ == "__main__":
    unittest.main()
