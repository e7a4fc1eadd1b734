import unittest

from . import _paths  # noqa: F401
import timing


class TimingTest(unittest.TestCase):
    def test_median_odd_and_even(self):
        self.assertEqual(timing.median([3, 1, 2]), 2)
        self.assertEqual(timing.median([4, 1, 3, 2]), 2.5)
        self.assertRaises(ValueError, timing.median, [])

    def test_percentile_interpolates_like_numpy(self):
        xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        self.assertAlmostEqual(timing.percentile(xs, 90), 9.1)  # numpy.percentile(xs, 90)
        self.assertAlmostEqual(timing.percentile(xs, 50), 5.5)
        self.assertEqual(timing.percentile(xs, 0), 1)
        self.assertEqual(timing.percentile(xs, 100), 10)
        self.assertEqual(timing.percentile([7], 90), 7)
        self.assertRaises(ValueError, timing.percentile, xs, 101)

    def test_round_sig(self):
        self.assertEqual(timing.round_sig(4.123456789), 4.12346)
        self.assertEqual(timing.round_sig(412345.67), 412346.0)
        self.assertEqual(timing.round_sig(0.000123456789, 3), 0.000123)
        self.assertEqual(timing.round_sig(0), 0)
        self.assertIsNone(timing.round_sig(None))
        self.assertIs(timing.round_sig(True), True)

    def test_summarize(self):
        s = timing.summarize([1.0, 2.0, 3.0, 4.0])
        self.assertEqual(s, {"n": 4, "median": 2.5, "p90": 3.7, "mean": 2.5, "min": 1.0, "max": 4.0})
        self.assertEqual(timing.summarize([]), {"n": 0})

    def test_ratio(self):
        self.assertEqual(timing.ratio(1.01, 1.0), 1.01)
        self.assertIsNone(timing.ratio(1.0, 0))
        self.assertIsNone(timing.ratio(None, 1.0))


if __name__ == "__main__":
    unittest.main()
