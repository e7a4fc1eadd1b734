"""Percentiles and summaries against values worked out by hand."""
import unittest

from Scripts.bench import stats


class PercentileTest(unittest.TestCase):
    def test_hand_computed(self):
        data = [15.0, 20.0, 35.0, 40.0, 50.0]
        # Position (n-1)*q/100 between closest ranks: q=40 -> 1.6 -> 20 + 0.6*15 = 29.
        self.assertAlmostEqual(stats.percentile(data, 40), 29.0)
        self.assertAlmostEqual(stats.percentile(data, 50), 35.0)
        self.assertAlmostEqual(stats.percentile(data, 0), 15.0)
        self.assertAlmostEqual(stats.percentile(data, 100), 50.0)
        # q=99 -> 3.96 -> 40 + 0.96*10 = 49.6
        self.assertAlmostEqual(stats.percentile(data, 99), 49.6)

    def test_unsorted_input_and_single_value(self):
        self.assertAlmostEqual(stats.percentile([3.0, 1.0, 2.0], 50), 2.0)
        self.assertEqual(stats.percentile([7.0], 99.9), 7.0)
        self.assertIsNone(stats.percentile([], 50))

    def test_p999_of_1000_values(self):
        data = list(range(1, 1001))  # 1..1000
        # (999)*0.999 = 998.001 -> 999 + 0.001*1 = 999.001
        self.assertAlmostEqual(stats.percentile(data, 99.9), 999.001)
        self.assertAlmostEqual(stats.percentile(data, 99), 990.01)

    def test_rejects_out_of_range_q(self):
        with self.assertRaises(ValueError):
            stats.percentile([1.0], 101)


class SummaryTest(unittest.TestCase):
    def test_summary(self):
        s = stats.summarize([4.0, 1.0, 3.0, 2.0])
        self.assertEqual(s["n"], 4)
        self.assertAlmostEqual(s["mean"], 2.5)
        self.assertAlmostEqual(s["p50"], 2.5)
        self.assertAlmostEqual(s["p90"], 3.7)
        self.assertAlmostEqual(s["p99"], 3.97)
        self.assertEqual((s["min"], s["max"]), (1.0, 4.0))

    def test_empty_summary(self):
        s = stats.summarize([])
        self.assertEqual(s["n"], 0)
        self.assertIsNone(s["mean"])
        self.assertIsNone(s["p99"])

    def test_cdf_points_are_monotone_and_end_at_max(self):
        pts = stats.cdf_points([5.0, 1.0, 3.0])
        self.assertEqual(pts[0], [0.0, 1.0])
        self.assertEqual(pts[-1], [100.0, 5.0])
        values = [v for _, v in pts]
        self.assertEqual(values, sorted(values))
        self.assertEqual(stats.cdf_points([]), [])


class HistogramTest(unittest.TestCase):
    def test_log_edges(self):
        edges = stats.log_edges(0.1, 100.0, per_decade=1)
        self.assertEqual(len(edges), 4)
        for got, want in zip(edges, [0.1, 1.0, 10.0, 100.0]):
            self.assertAlmostEqual(got, want)

    def test_counts_and_clamping(self):
        edges = [1.0, 10.0, 100.0, 1000.0]
        counts = stats.histogram([0.5, 1.0, 9.99, 10.0, 150.0, 999.0, 5000.0], edges)
        # below range -> first bin; at/above the last inner edge -> last bin
        self.assertEqual(counts, [3, 1, 3])

    def test_delay_edges_cover_microseconds_to_seconds(self):
        self.assertAlmostEqual(stats.DELAY_EDGES_MS[0], 0.001)
        self.assertAlmostEqual(stats.DELAY_EDGES_MS[-1], 10000.0)


if __name__ == "__main__":
    unittest.main()
