"""DISB metrics from raw records: windows, latency from the scheduled arrival, increase, throughput, CPU."""
import unittest

from Scripts.bench import disb_metrics as dm


def rt_raw(records, model="vgg19", arrival="uniform", rt_mode="eager", unserved=()):
    return {"id": "rt-" + model, "model": model, "role": "rt", "batch": 1, "rt_mode": rt_mode,
            "arrival": arrival, "requests": records, "unserved": list(unserved)}


def be_raw(records, model="resnet152", batch=1):
    return {"id": "be-" + model, "model": model, "role": "be", "batch": batch, "rt_mode": None,
            "arrival": "closed", "requests": records, "unserved": []}


class IncreaseTest(unittest.TestCase):
    def test_disb_published_example(self):
        # DISB's TensorRT workload A row: 2.975 ms co-located, +0.207 ms (+6.96%).
        inc = dm.increase(2.975, 2.975 - 0.207)
        self.assertAlmostEqual(inc["increase_ms"], 0.207)
        self.assertAlmostEqual(inc["increase_pct"], 6.958, places=2)
        self.assertAlmostEqual(inc["ratio"], 2.975 / 2.768)

    def test_missing_standalone(self):
        self.assertIsNone(dm.increase(3.0, None)["ratio"])
        self.assertIsNone(dm.increase(None, 2.0)["increase_ms"])


class ClientSummaryTest(unittest.TestCase):
    def test_latency_counts_from_scheduled_arrival_and_window(self):
        # [sched, submit, done, dev_start, dev_end, cpu] in seconds
        recs = [
            [0.05, 0.050, 0.052, 0.0505, 0.0515, 0.10],  # warm-up: outside [0.1, 0.3)
            [0.10, 0.101, 0.104, 0.1020, 0.1035, 0.20],  # latency 4 ms, launch 1 ms, queue 2 ms
            [0.20, 0.205, 0.206, 0.2055, 0.2058, 0.30],  # latency 6 ms (late submit counts)
            [0.30, 0.300, 0.302, None, None, 0.40],      # at window end: excluded
        ]
        s = dm.client_summary(rt_raw(recs, unserved=[0.25, 0.35]), (0.1, 0.3))
        self.assertEqual(s["completed"], 2)
        self.assertEqual(s["unserved"], 1)  # 0.35 lies outside the window
        self.assertAlmostEqual(s["latency_ms"]["mean"], 5.0)
        self.assertAlmostEqual(s["launch_delay_ms"]["max"], 5.0)
        self.assertAlmostEqual(s["queue_delay_ms"]["min"], 2.0)
        self.assertAlmostEqual(s["dispatch_ms"]["min"], 0.5)
        self.assertAlmostEqual(s["device_ms"]["mean"], (1.5 + 0.3) / 2)
        self.assertAlmostEqual(s["throughput_rps"], 10.0)
        # CPU: 0.30 at the last in-window completion - 0.10 before the window, over 2 requests
        self.assertAlmostEqual(s["cpu_ms_per_req_thread"], 100.0)

    def test_be_counts_completions_in_window_and_samples(self):
        recs = [[t, t, t + 0.04, None, None, None] for t in (0.0, 0.05, 0.10, 0.15, 0.20, 0.25)]
        s = dm.client_summary(be_raw(recs, batch=8), (0.1, 0.3))
        self.assertEqual(s["completed"], 4)  # done at 0.14, 0.19, 0.24, 0.29
        self.assertAlmostEqual(s["throughput_rps"], 20.0)
        self.assertAlmostEqual(s["samples_per_s"], 160.0)
        self.assertIsNone(s["cpu_ms_per_req_thread"])


class CellSummaryTest(unittest.TestCase):
    def test_pooled_rt_latency_increase_and_overall_throughput(self):
        a = [[t, t, t + 0.002, t, t + 0.0015, None] for t in (0.0, 0.1, 0.2)]  # 2 ms each
        b = [[t, t, t + 0.004, t + 0.001, t + 0.004, None] for t in (0.0, 0.1, 0.2)]  # 4 ms each
        be = [[t, t, t + 0.05, None, None, None] for t in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)]
        replies = [
            {"process_cpu_s": 0.03, "clients": [rt_raw(a, "vgg19"), rt_raw(b, "resnet152")]},
            {"process_cpu_s": 0.01, "clients": [be_raw(be)]},
        ]
        standalone = {dm.standalone_key("vgg19", "eager", "uniform", 0.0): {"mean_ms": 1.0, "p99_ms": 1.0},
                      dm.standalone_key("resnet152", "eager", "uniform", 0.0): {"mean_ms": 2.0, "p99_ms": 4.0}}
        s = dm.cell_summary({"window": [0.0, 0.3]}, replies, standalone)
        self.assertAlmostEqual(s["rt"]["latency_ms"]["mean"], 3.0)
        # Pooled standalone: (3*1 + 3*2)/6 = 1.5 -> +1.5 ms, 50% of 3 ms (DISB), 2x standalone.
        self.assertAlmostEqual(s["rt"]["disb"]["standalone_ms"], 1.5)
        self.assertAlmostEqual(s["rt"]["disb"]["increase_ms"], 1.5)
        self.assertAlmostEqual(s["rt"]["disb"]["increase_pct"], 50.0)
        self.assertAlmostEqual(s["rt"]["disb"]["ratio"], 2.0)
        self.assertAlmostEqual(s["rt"]["worst_p99_ratio"], 2.0)  # vgg19: 2 ms over 1 ms
        self.assertAlmostEqual(s["throughput"]["rt_rps"], 20.0)
        self.assertAlmostEqual(s["throughput"]["be_rps"], 5 / 0.3)  # done 0.05..0.25 in window
        self.assertAlmostEqual(s["throughput"]["overall_rps"], 20.0 + 5 / 0.3)
        self.assertEqual(s["preemption"]["queue_delay_ms"]["n"], 6)
        self.assertAlmostEqual(s["preemption"]["queue_delay_ms"]["max"], 1.0)
        self.assertEqual(sum(s["preemption"]["histogram_counts"]), 6)
        self.assertAlmostEqual(s["cpu"]["cpu_ms_per_req"], 40.0 / 11)
        for c in s["clients"]:
            self.assertNotIn("_latency", c)

    def test_standalone_entries(self):
        recs = [[t, t, t + 0.002, None, None, None] for t in (0.0, 0.1)]
        s = dm.cell_summary({"window": [0.0, 1.0]}, [{"process_cpu_s": None, "clients": [rt_raw(recs, arrival="closed")]}])
        entries = dm.standalone_entries(s)
        self.assertEqual(list(entries), ["vgg19|eager|closed"])
        self.assertAlmostEqual(entries["vgg19|eager|closed"]["mean_ms"], 2.0)
        self.assertIsNone(s["cpu"]["cpu_ms_per_req"])


if __name__ == "__main__":
    unittest.main()
