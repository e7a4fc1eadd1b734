import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

from . import _paths  # noqa: F401
from . import fixtures as fx
import assemble


class AssembleTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp()
        fx.make_work_dir(self.work)

    def tearDown(self):
        shutil.rmtree(self.work)

    def test_full_pass(self):
        doc = assemble.build(self.work, "bash Scripts/gpu/interception/run.sh", started=1764097440.0)
        self.assertEqual([c["id"] for c in doc["checks"]], list("abcdefg"))
        self.assertEqual({c["id"]: c["status"] for c in doc["checks"]}, {k: "pass" for k in "abcdefg"},
                         [c["reason"] for c in doc["checks"]])
        self.assertEqual(doc["summary"], {"total": 7, "passed": 7, "failed": 0, "errors": 0, "all_pass": True})
        self.assertEqual(doc["commit"], fx.ENV["commit"])
        self.assertEqual(doc["command"], "bash Scripts/gpu/interception/run.sh")
        self.assertEqual(doc["started_utc"], "2025-11-25T19:04:00Z")
        self.assertEqual(doc["raw"]["reef_stats"]["reef_1"]["pid"], 101)  # not the helper's file
        self.assertEqual(len(doc["steps"]), len(fx.STEP_NAMES))
        json.dumps(doc)  # serialisable

    def test_missing_step_output_gives_error_with_step_note(self):
        os.remove(os.path.join(self.work, "latency.json"))
        shutil.rmtree(os.path.join(self.work, "stats", "reef_11"))
        with open(os.path.join(self.work, "steps.jsonl"), "a") as fh:
            fh.write("not json\n")
        with open(os.path.join(self.work, "steps.jsonl")) as fh:
            lines = fh.read().replace(
            '{"name": "latency", "rc": 0, "seconds": 1.5, "limit_s": 90, "timed_out": false}',
                '{"name": "latency", "rc": 124, "seconds": 90.0, "limit_s": 90, "timed_out": true}')
        with open(os.path.join(self.work, "steps.jsonl"), "w") as fh:
            fh.write(lines)
        doc = assemble.build(self.work, "cmd")
        checks = {c["id"]: c for c in doc["checks"]}
        self.assertEqual(checks["d"]["status"], "error")
        self.assertIn("latency rc=124 (timed out)", checks["d"]["reason"])
        self.assertEqual(checks["a"]["status"], "error")
        self.assertIn("no stats file for pid 102", checks["a"]["reason"])
        self.assertNotIn("reef_extras", checks["a"]["reason"])  # only the stats check (a) uses
        self.assertEqual(doc["summary"]["errors"], 2)
        self.assertFalse(doc["summary"]["all_pass"])
        self.assertEqual(doc["steps"][-1]["name"], "unparsable")

    def test_empty_work_dir(self):
        empty = tempfile.mkdtemp()
        try:
            doc = assemble.build(empty, "cmd")
        finally:
            shutil.rmtree(empty)
        self.assertEqual(doc["summary"]["errors"], 7)
        self.assertIn("did not run", doc["checks"][0]["reason"])

    def test_main_writes_result(self):
        out = os.path.join(self.work, "out", "interception-h100.json")
        with contextlib.redirect_stdout(io.StringIO()):
            rc = assemble.main(["--work", self.work, "--out", out, "--command", "cmd", "--started", "0"])
        self.assertEqual(rc, 0)
        with open(out) as fh:
            self.assertTrue(json.load(fh)["summary"]["all_pass"])


if __name__ == "__main__":
    unittest.main()
