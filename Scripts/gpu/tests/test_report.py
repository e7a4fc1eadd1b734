import contextlib
import io
import json
import os
import re
import shutil
import tempfile
import unittest

from . import _paths  # noqa: F401
from . import fixtures as fx
import assemble
import report_interception

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def numbers(text):
    return set(NUMBER.findall(text))


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        work = os.path.join(self.tmp, "work")
        fx.make_work_dir(work)
        self.doc = assemble.build(work, "bash Scripts/gpu/interception/run.sh", started=1764097440.0)
        self.doc["checks"][3]["metrics"]["ratio_median"] = 1.004467  # a float as assemble writes it
        self.input = os.path.join(self.tmp, "interception-h100.json")
        with open(self.input, "w") as fh:
            json.dump(self.doc, fh, indent=1)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_writes_copy_and_markdown(self):
        out_dir = os.path.join(self.tmp, "bench", "results")
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(report_interception.main([self.input, "--out-dir", out_dir]), 0)
        with open(self.input, "rb") as a, open(os.path.join(out_dir, "interception-h100.json"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(os.path.join(out_dir, "interception-h100.md")) as fh:
            md = fh.read()
        self.assertIn("| Checks passed | 7 of 7 |", md)
        self.assertIn(fx.ENV["commit"], md)
        self.assertIn("bash Scripts/gpu/interception/run.sh", md)
        self.assertIn("## (d) ResNet-50 fp16 bs1 eager latency with Reef <= 1.01x without", md)
        self.assertIn("| median of per-round latency ratios Reef/plain |", md)
        self.assertIn("NVIDIA H100 80GB HBM3", md)
        # one PASS per criterion plus one per check in the summary table
        self.assertEqual(md.count("| PASS |"), sum(len(c["criteria"]) for c in self.doc["checks"]) + 7)

    def test_every_number_in_markdown_is_in_the_json(self):
        md = report_interception.render(self.doc)
        invented = numbers(md) - numbers(json.dumps(self.doc))
        self.assertEqual(invented, set())
        self.assertIn("1.004467", numbers(md))

    def test_same_file_in_and_out(self):
        out_dir = os.path.dirname(self.input)
        with contextlib.redirect_stdout(io.StringIO()):
            report_interception.main([self.input, "--out-dir", out_dir])
        self.assertTrue(os.path.exists(os.path.join(out_dir, "interception-h100.md")))

    def test_missing_fields_render_as_na(self):
        md = report_interception.render({"error": "assemble.py failed (rc=1), see interception.log"})
        self.assertIn("did not produce a result", md)
        self.assertIn("| Commit | n/a |", md)
        self.assertEqual(numbers(md) - numbers(json.dumps({"error": "assemble.py failed (rc=1)"})), set())

    def test_failed_check_and_cell_escaping(self):
        doc = json.loads(json.dumps(self.doc))
        c = doc["checks"][0]
        c["status"], c["reason"] = "fail", "a | b\nc"
        c["criteria"][2]["pass"] = False
        md = report_interception.render(doc)
        self.assertIn("| FAIL |", md)
        self.assertIn("a \\| b c", md)


if __name__ == "__main__":
    unittest.main()
