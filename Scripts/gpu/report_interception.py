#!/usr/bin/env python3
"""Turns the result of Scripts/gpu/interception/run.sh into the committed benchmark record:
  <out-dir>/interception-h100.json  a byte-for-byte copy of the result
  <out-dir>/interception-h100.md    per check: value, threshold, pass/fail; environment, command,
                                    commit, steps.
Every number in the Markdown is printed from the JSON as it stands there (json.dumps of the
value); the writer computes none, so the record cannot disagree with the measurement.

  python3 Scripts/gpu/report_interception.py path/to/interception-h100.json [--out-dir bench/results]
"""
import argparse
import json
import os
import shutil
import sys

MISSING = "n/a"
ENV_ORDER = ("gpu_name", "driver_version", "cuda_driver_api_version", "nvcc_version", "torch", "torch_cuda",
             "cudnn", "triton", "torchvision", "python", "hostname", "date_utc", "libreef_sha256")


def cell(value):
    """A Markdown table cell: strings as they are, everything else exactly as JSON writes it."""
    if value is None:
        text = MISSING
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or '""'


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def verdict(flag):
    return "PASS" if flag is True else "FAIL" if flag is False else MISSING


def metric_rows(metrics, prefix=""):
    """Flatten metrics one level; long lists stay in the JSON only."""
    rows = []
    for key in sorted(metrics or {}):
        value = metrics[key]
        name = prefix + key
        if isinstance(value, dict) and not prefix:
            rows += metric_rows(value, name + ".")
        elif isinstance(value, list) and len(value) > 12:
            rows.append((name, "(long list, see the JSON)"))
        else:
            rows.append((name, value))
    return rows


def render(doc, name="interception-h100"):
    summary = doc.get("summary") or {}
    env = doc.get("environment") or {}
    out = ["# Reef CUDA interception check on %s" % (env.get("gpu_name") or "H100"), ""]
    if doc.get("error"):
        out += ["**The run did not produce a result:** " + cell(doc["error"]), ""]
    out += table(["", ""], [
        ("Checks passed", "%s of %s" % (cell(summary.get("passed")), cell(summary.get("total")))),
        ("Checks failed", summary.get("failed")),
        ("Checks that could not be decided", summary.get("errors")),
        ("Commit", doc.get("commit")),
        ("Commit source", doc.get("commit_source")),
        ("Command", doc.get("command")),
        ("Started (UTC)", doc.get("started_utc")),
        ("Finished (UTC)", doc.get("finished_utc")),
        ("Wall time (s)", doc.get("wall_s")),
    ])
    checks = doc.get("checks") or []
    out += ["", "## Summary", ""]
    out += table(["Check", "Status", "Reason"],
                 [("(%s) %s" % (c.get("id"), c.get("title")), (c.get("status") or MISSING).upper(), c.get("reason"))
                  for c in checks])
    for c in checks:
        out += ["", "## (%s) %s" % (c.get("id"), c.get("title")), "",
                "Status: **%s**. %s" % (cell((c.get("status") or MISSING).upper()), cell(c.get("reason"))), ""]
        if c.get("criteria"):
            out += table(["Criterion", "Value", "Threshold", "Result"],
                         [(k.get("name"), k.get("value"), k.get("threshold"), verdict(k.get("pass")))
                          for k in c["criteria"]])
            out.append("")
        rows = metric_rows(c.get("metrics"))
        if rows:
            out += ["Measured:", ""] + table(["Metric", "Value"], rows)
    out += ["", "## Environment", ""]
    keys = [k for k in ENV_ORDER if k in env] + sorted(k for k in env if k not in ENV_ORDER)
    out += table(["Key", "Value"], [(k, env[k]) for k in keys])
    steps = doc.get("steps") or []
    if steps:
        out += ["", "## Steps", ""]
        out += table(["Step", "Exit code", "Seconds", "Limit (s)", "Timed out", "Skipped"],
                     [(s.get("name"), s.get("rc"), s.get("seconds"), s.get("limit_s"), s.get("timed_out"),
                       s.get("skipped")) for s in steps])
    out += ["", "Raw per-run numbers (latencies, launch rates, Reef stats) are in %s.json." % name, ""]
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="interception-h100.json written by run.sh")
    p.add_argument("--out-dir", default=os.path.join("bench", "results"))
    p.add_argument("--name", default="interception-h100", help="file name without extension (the GPU's)")
    args = p.parse_args(argv)
    with open(args.input, encoding="utf-8") as fh:
        doc = json.load(fh)
    os.makedirs(args.out_dir, exist_ok=True)
    json_out = os.path.join(args.out_dir, args.name + ".json")
    if not (os.path.exists(json_out) and os.path.samefile(args.input, json_out)):
        shutil.copyfile(args.input, json_out)
    md_out = os.path.join(args.out_dir, args.name + ".md")
    with open(md_out, "w", encoding="utf-8") as fh:
        fh.write(render(doc, args.name))
    print("wrote %s and %s" % (json_out, md_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
