"""The report writer: results.md tables from a fake results dict, valid PNGs, results.json merge."""
import json
import os
import shutil
import tempfile
import unittest

from Scripts.bench import chart_raster, disb_metrics as dm, raster, report, report_tables, results_store
from Scripts.bench.stats import DELAY_EDGES_MS
from Scripts.bench.tests.pngcheck import read_png


def fake_cell(workload, system, variant, rt_ms, be_rps_batches, status="ok"):
    rt = [[t, t, t + rt_ms / 1000.0, t + 0.0002, t + rt_ms / 1000.0, None] for t in [i * 0.01 for i in range(100)]]
    be = [[t, t, t + 0.01, None, None, None] for t in [i * 1.0 / be_rps_batches for i in range(be_rps_batches)]]
    replies = [{"process_cpu_s": 0.05, "clients": [
        {"id": "rt-vgg19", "model": "vgg19", "role": "rt", "batch": 1, "rt_mode": variant.split("-")[0],
         "arrival": "uniform", "requests": rt, "unserved": []},
        {"id": "be-resnet152", "model": "resnet152", "role": "be", "batch": int(variant.split("bs")[1]),
         "rt_mode": None, "arrival": "closed", "requests": be, "unserved": []}]}]
    standalone = {"vgg19|eager|uniform|0": {"mean_ms": 1.0, "p99_ms": 1.0},
                  "vgg19|graph|open": {"mean_ms": 0.8, "p99_ms": 0.8}}
    summary = dm.cell_summary({"window": [0.0, 1.0]}, replies, standalone)
    rec = {"key": "%s/%s/%s" % (workload, system, variant), "workload": workload, "system": system,
           "variant": {"key": variant, "rt_mode": variant.split("-")[0], "be_batch": int(variant.split("bs")[1])},
           "warmup_s": 0.5, "duration_s": 1.0, "status": status, "error": None}
    rec.update(summary)
    return rec


def fake_results():
    r = results_store.empty()
    r["meta"] = {"date": "2030-01-02", "gpu": {"name": "NVIDIA H100 80GB HBM3", "driver": "580.1", "memory": "80 GiB",
                                               "driver_cuda": "13.0"},
                 "commit": "abc123", "backend": "torch", "duration_s": 1.0, "warmup_s": 0.5,
                 "variants": ["eager-bs1", "graph-bs32"], "delay_edges_ms": DELAY_EDGES_MS, "standalone_rate": 50.0,
                 "versions": {"torch": "2.11.0+cu130", "torch_cuda": "13.0"},
                 "reef": {"sha256": "f" * 64, "size": 123}, "notes": ["Reef rows are pass-through today."]}
    r["runs"] = [{"command": "Scripts/bench/run.sh A", "started": "2030-01-02T00:00:00Z", "wall_s": 12.0,
                  "estimate_s": 20.0}]
    r["systems"] = {
        "rt-only": {"summary": "RT alone", "clients": "threads"},
        "multi-stream": {"summary": "no Reef", "clients": "threads"},
        "multi-process": {"summary": "time-sliced", "clients": "processes"},
        "mps": {"summary": "MPS", "clients": "processes", "skip_reason": "MPS unavailable: test"},
        "reef-passthrough": {"summary": "Reef", "clients": "processes", "is_reef": True,
                             "cpu_baseline": "multi-process", "reef_knobs": {},
                             "reef_stats": {"processes": 2, "counters": {"launches": 1000}, "versions": ["0.1"],
                                            "preempt_latency_ms": {"n": 3, "p50": 0.05, "p99": 0.2, "max": 0.25}}},
    }
    r["standalone"] = {"vgg19|eager|uniform|0": {"mean_ms": 1.0, "p50_ms": 1.0, "p99_ms": 1.0, "n": 50, "device_ms": 0.9}}
    cells = [fake_cell("A", "rt-only", "eager-bs1", 1.0, 0), fake_cell("A", "multi-stream", "eager-bs1", 3.0, 50),
             fake_cell("A", "multi-process", "eager-bs1", 2.0, 40), fake_cell("A", "reef-passthrough", "eager-bs1", 2.1, 40),
             fake_cell("A", "multi-stream", "graph-bs32", 4.0, 10), fake_cell("A", "rt-only", "graph-bs32", 0.8, 0)]
    skipped = {"key": "A/mps/eager-bs1", "workload": "A", "system": "mps",
               "variant": {"key": "eager-bs1", "rt_mode": "eager", "be_batch": 1}, "status": "skipped",
               "error": "MPS unavailable: test"}
    r["cells"] = {c["key"]: c for c in cells + [skipped]}
    return r


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def test_markdown_tables(self):
        md = report_tables.render(fake_results())
        self.assertIn("# Reef DISB benchmark — NVIDIA H100 80GB HBM3, 2030-01-02", md)
        self.assertIn("`Scripts/bench/run.sh A`", md)
        self.assertIn("**1.0 s measured**", md)
        self.assertIn("## Workload A", md)
        self.assertIn("### eager-bs1 — RT eager, BE batch 1", md)
        self.assertIn("### graph-bs32 — RT CUDA-graph replay, BE batch 32", md)
        eager = md.split("### eager-bs1")[1].split("###")[0]
        rows = {l.split("|")[1].strip(): l for l in eager.splitlines() if l.startswith("| `")}
        # multi-stream eager: 3 ms vs 1 ms standalone -> +2.00 ms, DISB 66.7%, 3.00x
        self.assertIn("| 3.00 |", rows["`multi-stream`"])
        self.assertIn("+2.00 (+66.7%)", md)
        self.assertIn("3.00×", md)
        self.assertIn("skipped: MPS unavailable: test", md)
        self.assertIn("## Reef CPU overhead", md)
        self.assertIn("launches=1000", md)
        self.assertIn("0.050 / 0.200 / 0.250", md)
        self.assertIn("`A/mps/eager-bs1`: skipped", md)
        # rt-only's graph cell is shared by every graph variant
        graph_section = md.split("### graph-bs32")[1].split("###")[0]
        self.assertIn("`rt-only`", graph_section)

    def test_write_report_files(self):
        paths = report.write_report(fake_results(), self.dir)
        names = sorted(os.path.basename(p) for p in paths)
        self.assertIn("results.md", names)
        for kind in ("cdf", "throughput", "preempt"):
            self.assertIn("%s-A-eager-bs1.png" % kind, names)
        for p in paths:
            if p.endswith(".png"):
                w, h, _, _ = read_png(p)
                self.assertGreater(w * h, 10000)
        with open(os.path.join(self.dir, "results.md")) as f:
            md = f.read()
        self.assertIn("![RT latency CDF](cdf-A-eager-bs1.png)", md)

    def test_raster_charts_draw_series(self):
        path = os.path.join(self.dir, "line.png")
        chart_raster.line_chart(path, "t", "x", "y", [("a", [1.0, 10.0], [0.0, 1.0]), ("b", [2.0, 3.0], [0.0, 1.0])])
        w, h, ch, rows = read_png(path)
        self.assertEqual((w, h, ch), (chart_raster.W, chart_raster.H, 3))
        colours = {bytes(r[1 + 3 * x:4 + 3 * x]) for r in rows for x in range(0, w, 3)}
        self.assertIn(bytes(chart_raster.PALETTE[0]), colours)
        self.assertIn(bytes(chart_raster.PALETTE[1]), colours)
        chart_raster.bar_chart(os.path.join(self.dir, "bar.png"), "t", "y", ["p", "q"], [("s", [1.0, None])])
        chart_raster.hist_chart(os.path.join(self.dir, "hist.png"), "t", "x", "y", [0.1, 1.0, 10.0, 100.0],
                                [("s", [0, 5, 1])])
        for name in ("bar.png", "hist.png"):
            read_png(os.path.join(self.dir, name))

    def test_png_encoder_round_trip(self):
        c = raster.Canvas(3, 2)
        c.set(1, 1, (10, 20, 30))
        path = os.path.join(self.dir, "tiny.png")
        c.save_png(path)
        w, h, _, rows = read_png(path)
        self.assertEqual((w, h), (3, 2))
        self.assertEqual(rows[1][1 + 3:1 + 6], bytes([10, 20, 30]))
        self.assertEqual(rows[0][1:4], bytes([255, 255, 255]))
        with self.assertRaises(ValueError):
            raster.encode_png(2, 2, b"\x00" * 5)


class ResultsStoreTest(unittest.TestCase):
    def test_merge_replaces_cells_and_keeps_runs(self):
        old = fake_results()
        new = results_store.empty()
        new["meta"] = {"notes": ["second"], "duration_s": 2.0}
        new["runs"] = [{"command": "Scripts/bench/run.sh B"}]
        cell = fake_cell("A", "multi-stream", "eager-bs1", 9.0, 50)
        new["cells"] = {cell["key"]: cell}
        merged = results_store.merge(old, new)
        self.assertEqual(len(merged["runs"]), 2)
        self.assertEqual(len(merged["cells"]), len(old["cells"]))
        self.assertAlmostEqual(merged["cells"]["A/multi-stream/eager-bs1"]["rt"]["latency_ms"]["mean"], 9.0)
        self.assertEqual(merged["meta"]["notes"], ["Reef rows are pass-through today.", "second"])
        self.assertEqual(merged["meta"]["duration_s"], 2.0)
        self.assertIs(results_store.merge(None, new), new)

    def test_save_is_valid_json_without_nan(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        r = fake_results()
        r["meta"]["odd"] = [float("nan"), float("inf"), 1.23456789, (1, 2)]
        path = os.path.join(d, "results.json")
        results_store.save(r, path)
        with open(path) as f:
            back = json.load(f)
        self.assertEqual(back["meta"]["odd"], [None, None, 1.23457, [1, 2]])
        self.assertEqual(results_store.load(path)["schema"], results_store.SCHEMA)
        self.assertIsNone(results_store.load(os.path.join(d, "missing.json")))

    def test_results_dir_name(self):
        self.assertEqual(results_store.results_dir("bench/results", "NVIDIA H100 80GB HBM3", "2030-01-02"),
                         os.path.join("bench/results", "2030-01-02-h100-80gb-hbm3"))


if __name__ == "__main__":
    unittest.main()
