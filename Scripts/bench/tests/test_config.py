"""Workload definitions, systems, the Reef config file and the plan built from them."""
import json
import os
import tempfile
import unittest

from Scripts.bench import plan, systems, workloads as wl

TRACE = ({m: [0.05 * i for i in range(40)] for m in wl.MODELS}, 2.0)


class WorkloadTest(unittest.TestCase):
    def test_disb_definitions(self):
        a = wl.WORKLOADS["A"]
        self.assertEqual([(c.id, c.arrival, c.rate) for c in a.clients],
                         [("rt-vgg19", "uniform", 100.0), ("be-resnet152", "closed", 0.0)])
        self.assertEqual([c.arrival for c in wl.WORKLOADS["B"].clients], ["closed", "closed"])
        c = wl.WORKLOADS["C"]
        self.assertEqual(len(c.rt_clients), 1)
        self.assertEqual(sorted(x.model for x in c.be_clients), sorted(wl.MODELS))
        for name, arrival in (("D", "uniform"), ("E", "poisson"), ("trace", "trace")):
            w = wl.WORKLOADS[name]
            self.assertEqual(sorted(x.model for x in w.rt_clients), sorted(wl.MODELS), name)
            self.assertEqual(sorted(x.model for x in w.be_clients), sorted(wl.MODELS), name)
            self.assertTrue(all(x.arrival == arrival for x in w.rt_clients), name)
            if arrival != "trace":
                self.assertTrue(all(x.rate == 20.0 for x in w.rt_clients), name)

    def test_client_ids_unique_per_workload(self):
        for w in wl.WORKLOADS.values():
            ids = [c.id for c in w.clients]
            self.assertEqual(len(ids), len(set(ids)), w.name)

    def test_parse(self):
        self.assertEqual([w.name for w in wl.parse_workloads("all")], list(wl.ORDER))
        self.assertEqual([w.name for w in wl.parse_workloads("c,b")], ["B", "C"])
        self.assertEqual([w.name for w in wl.parse_workloads("REAL")], ["trace"])
        with self.assertRaises(ValueError):
            wl.parse_workloads("F")


class SystemsTest(unittest.TestCase):
    def test_every_alternative_is_present(self):
        names = [s.name for s in systems.all_systems()]
        for n in ("rt-only", "multi-stream", "stream-priority", "multi-process", "mps", "reef-schedule"):
            self.assertIn(n, names)

    def test_committed_reef_configs_one_per_line(self):
        with open(systems.REEF_CONFIGS) as f:
            lines = [l for l in f.read().splitlines() if l.strip() not in ("[", "]", "")]
        reefs = systems.load_reef_configs()
        self.assertEqual(len(lines), len(reefs))
        self.assertTrue(all(s.is_reef for s in reefs))
        schedule = [s for s in reefs if s.name == "reef-schedule"][0]
        self.assertEqual((schedule.clients, schedule.rt_high_priority), ("threads", True))

    def write(self, entries):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(entries, f)
        self.addCleanup(os.remove, path)
        return path

    def test_new_policy_is_one_entry(self):
        path = self.write([{"name": "reef-passthrough", "env": {}},
                           {"name": "reef-window2", "env": {"REEF_BE_WINDOW": "2"}}])
        reefs = systems.load_reef_configs(path)
        self.assertEqual(reefs[1].reef_env, {"REEF_BE_WINDOW": "2"})
        self.assertEqual(reefs[1].cpu_baseline, "multi-process")
        self.assertIn("REEF_BE_WINDOW=2", reefs[1].summary)

    def test_bad_configs_rejected(self):
        for bad in ([{"name": "fast"}], [{"name": "reef-a"}, {"name": "reef-a"}],
                    [{"name": "reef-a", "env": {"REEF_BE_WINDOW": 2}}],
                    [{"name": "reef-a", "env": {"LD_PRELOAD": "x"}}],
                    [{"name": "reef-a", "clients": "gpus"}], [{"name": "reef-a", "typo": 1}], {"name": "reef-a"}):
            with self.assertRaises(ValueError, msg=bad):
                systems.load_reef_configs(self.write(bad))

    def test_parse_systems(self):
        avail = systems.all_systems()
        self.assertEqual([s.name for s in systems.parse_systems("mps,rt-only", avail)], ["rt-only", "mps"])
        self.assertTrue(all(s.is_reef for s in systems.parse_systems("reef", avail)))
        # An optional Reef row runs only when named.
        self.assertNotIn("reef-pad-predict", [s.name for s in systems.parse_systems("all", avail)])
        self.assertNotIn("reef-pad-predict", [s.name for s in systems.parse_systems("reef", avail)])
        self.assertEqual([s.name for s in systems.parse_systems("reef,reef-pad-predict", avail)].count("reef-pad-predict"), 1)
        with self.assertRaises(ValueError):
            systems.parse_systems("gpu-magic", avail)


class PlanTest(unittest.TestCase):
    def build(self, workloads="all", sys_text="all", variants="eager:1,graph:1,graph:32", duration=2.0):
        return plan.build_plan(wl.parse_workloads(workloads), systems.parse_systems(sys_text, systems.all_systems()),
                               plan.parse_variants(variants), 0.5, duration, 1, TRACE)

    def test_variants(self):
        self.assertEqual([v.key for v in plan.parse_variants("eager:1, graph:32,eager")],
                         ["eager-bs1", "graph-bs32"])
        for bad in ("cuda:1", "eager:x", "eager:0", ""):
            with self.assertRaises(ValueError, msg=bad):
                plan.parse_variants(bad)

    def test_blocks_and_order(self):
        blocks = self.build()
        self.assertEqual([b.name for b in blocks],
                         ["rt-only+multi-stream+stream-priority", "multi-process", "mps", "reef-schedule",
                          "reef-processes", "reef-padding", "reef-gate", "reef-predict"])
        self.assertEqual([b.clients for b in blocks],
                         ["threads", "processes", "processes", "threads", "processes", "threads", "threads", "threads"])
        # 10 client ids serve every workload: 5 RT + 5 BE
        self.assertTrue(all(len(b.client_specs()) == 10 for b in blocks))

    def test_cell_counts(self):
        blocks = self.build()
        threads = blocks[0].cells
        standalone = [c for c in threads if c.workload == "standalone"]
        # per RT mode (2): VGG-19 uniform 100 (A, C), closed (B); 5 models uniform 20 (D, and E's
        # Poisson at the same rate); 5 models trace replay
        self.assertEqual(len(standalone), 2 * (1 + 1 + 5 + 5))
        rt_only = [c for c in threads if c.system == "rt-only"]
        self.assertEqual(len(rt_only), 6 * 2)  # one per workload and RT mode, not per BE batch
        self.assertEqual(len(blocks[1].cells), 6 * 3)

    def test_same_arrivals_for_every_system(self):
        blocks = self.build("E", "multi-stream,mps")
        cells = [c for b in blocks for c in b.cells if c.workload == "E" and c.variant.key == "eager-bs1"]
        arr = [[r.arrivals for r in c.runs] for c in cells]
        self.assertEqual(len(cells), 2)
        self.assertEqual(arr[0], arr[1])

    def test_rt_only_and_priority_cells(self):
        blocks = self.build("C", "rt-only,stream-priority", "eager:1")
        cells = {c.system: c for c in blocks[0].cells if c.workload == "C"}
        self.assertEqual([r.client.role for r in cells["rt-only"].runs], ["rt"])
        sp = cells["stream-priority"]
        self.assertTrue(all(r.high_priority == (r.client.role == "rt") for r in sp.runs))
        self.assertTrue(all(r.batch == 1 for r in sp.runs))

    def test_uniform_peers_staggered_and_be_batch(self):
        blocks = self.build("D", "multi-stream", "graph:32")
        cell = [c for c in blocks[0].cells if c.workload == "D"][0]
        firsts = sorted(r.arrivals[0] for r in cell.runs if r.client.role == "rt")
        self.assertEqual([round(x, 6) for x in firsts], [0.0, 0.01, 0.02, 0.03, 0.04])
        self.assertTrue(all(r.batch == 32 for r in cell.runs if r.client.role == "be"))
        self.assertTrue(all(r.rt_mode == "graph" for r in cell.runs if r.client.role == "rt"))
        self.assertTrue(all(r.arrivals is None for r in cell.runs if r.client.role == "be"))

    def test_default_halves_fit_the_gpu_budget(self):
        # `all` takes longer than one 10-minute device command; A,B,C and D,E,trace (merged
        # into one results folder) each fit, with the default budget under that limit.
        from Scripts.bench import main
        for half in ("A,B,C", "D,E,trace"):
            blocks = self.build(half, duration=main.DEFAULT_DURATION)
            self.assertLess(plan.estimate_seconds(blocks), main.DEFAULT_BUDGET, half)
        self.assertLess(main.DEFAULT_BUDGET, 9 * 60)


if __name__ == "__main__":
    unittest.main()


class ReefStatsTest(unittest.TestCase):
    def test_library_format_scheduling_counters_and_preemption(self):
        from Scripts.bench import reef
        sched = {"released": 7, "preemptions": 2, "held_at_exit": 0, "window": 4,
                 "gate": {"enabled": True, "gated": 3, "closes": 5, "stalls_opened": 1, "turned_off": 0},
                 "preemption_latency": {"count": 2, "dropped": 0, "stopped_us": [10, 30], "drained_us": [100, 300]}}
        entries = [{"file": "1.json", "stats": {"pid": 11, "launches": 10, "scheduling": sched}},
                   {"file": "2.json", "stats": {"pid": 12, "launches": 4,
                                                "scheduling": dict(sched, preemption_latency={"drained_us": [200]})}}]
        s = reef.summarize_stats(entries)
        self.assertEqual(s["counters"], {"launches": 14, "released": 14, "preemptions": 4, "held_at_exit": 0,
                                         "gate_gated": 6, "gate_closes": 10, "gate_stalls_opened": 2,
                                         "gate_turned_off": 0})
        self.assertEqual(s["preempt_latency_ms"]["n"], 3)
        self.assertAlmostEqual(s["preempt_latency_ms"]["max"], 0.3)
        self.assertEqual(s["preempt_stopped_ms"]["n"], 2)
        self.assertEqual(sum(s["preempt_histogram_counts"]), 3)

    def test_counters_summed_versions_and_preemption(self):
        from Scripts.bench import reef
        entries = [{"file": "1.json", "stats": {"launches": 10, "version": "0.2", "preempt_us": [50, 150], "on": True}},
                   {"file": "2.json", "stats": {"launches": 5, "graphs": 1, "version": "0.2"}},
                   {"file": "3.json", "stats": {"unreadable": "bad json"}}]
        s = reef.summarize_stats(entries)
        self.assertEqual(s["processes"], 3)
        self.assertEqual(s["counters"], {"launches": 15, "graphs": 1})
        self.assertEqual(s["versions"], ["0.2"])
        self.assertEqual(s["preempt_latency_ms"]["n"], 2)
        self.assertAlmostEqual(s["preempt_latency_ms"]["mean"], 0.1)
        self.assertEqual(sum(s["preempt_histogram_counts"]), 2)

    def test_worker_env(self):
        from Scripts.bench import reef
        sysm = systems.load_reef_configs()[0]
        env = reef.worker_env(sysm, "rt", "/x/libreef.so", "/tmp/s")
        self.assertEqual(env["LD_PRELOAD"], "/x/libreef.so")
        self.assertEqual(env["REEF_CLASS"], "rt")
        self.assertEqual(env["REEF_STATS"], "/tmp/s/%p.json")
        self.assertNotIn("REEF_CLASS", reef.worker_env(sysm, None, "/x", "/tmp/s"))
