"""The no-overlap bound (issue 6): hand-checkable kernel sequences against periodic requests."""
import unittest

from Scripts.bench import nonoverlap_bound as nb


def kernels(durations, gap=0.0):
    out, t = [], 0.0
    for d in durations:
        out.append({"name": "k", "start_us": t, "dur_us": d})
        t += d + gap
    return out


class SequenceTest(unittest.TestCase):
    def test_gaps_are_idle_time_between_kernels(self):
        seq = nb.sequence(kernels([100.0, 200.0, 50.0], gap=10.0))
        self.assertEqual(seq, [(0.0, 100.0), (10.0, 200.0), (10.0, 50.0)])


class BoundTest(unittest.TestCase):
    def test_long_kernels_tile_a_gap_in_whole_numbers(self):
        # 1.6 ms kernels, 9.08 ms free per 10 ms period: five fit (8 ms), so 80 % of alone.
        r = nb.bound(nb.sequence(kernels([1600.0] * 10)), 10000.0, 920.0, 0.0)
        self.assertAlmostEqual(r["share_of_alone"], 0.80, delta=0.005)
        self.assertEqual(r["requests_delayed_per_s"], 0.0)
        self.assertEqual(r["worst_delay_us"], 0.0)

    def test_short_kernels_lose_only_the_request(self):
        # 100 us kernels fill everything but the request: 1 - 0.92 / 10.
        r = nb.bound(nb.sequence(kernels([100.0] * 10)), 10000.0, 920.0, 0.0)
        self.assertAlmostEqual(r["share_of_alone"], 0.908, delta=0.01)

    def test_allowing_a_delay_delays_requests_and_never_lowers_the_share(self):
        seq = nb.sequence(kernels([1300.0, 300.0, 700.0] * 4))
        strict = nb.bound(seq, 10000.0, 920.0, 0.0)
        loose = nb.bound(seq, 10000.0, 920.0, 500.0)
        self.assertGreaterEqual(loose["share_of_alone"], strict["share_of_alone"])
        self.assertGreater(loose["requests_delayed_per_s"], 0.0)
        self.assertLessEqual(loose["worst_delay_us"], 500.0 + 1e-6)

    def test_a_kernel_longer_than_a_gap_still_runs(self):
        # 12 ms cannot fit between requests: it crosses one and the replay goes on.
        r = nb.bound(nb.sequence(kernels([12000.0, 100.0])), 10000.0, 920.0, 0.0)
        self.assertGreater(r["share_of_alone"], 0.5)


if __name__ == "__main__":
    unittest.main()
