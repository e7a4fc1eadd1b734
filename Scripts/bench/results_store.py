"""results.json: one dict for a whole results folder, merged across partial runs (run.sh A, then B,C)."""
import json
import math
import os

from . import environment

SCHEMA = "reef-bench/1"


def results_dir(root, gpu_name, date=None):
    return os.path.join(root, "%s-%s" % (date or environment.today(), environment.slug(gpu_name)))


def empty():
    return {"schema": SCHEMA, "meta": {}, "runs": [], "systems": {}, "standalone": {}, "blocks": [], "cells": {}}


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    if data.get("schema") != SCHEMA:
        raise ValueError("%s: schema %r, expected %r" % (path, data.get("schema"), SCHEMA))
    return data


def merge(old, new):
    """New cells, standalone entries and system entries replace old ones of the same key; runs add up."""
    if old is None:
        return new
    out = empty()
    out["meta"] = dict(old.get("meta", {}))
    out["meta"].update(new.get("meta", {}))
    notes = list(old.get("meta", {}).get("notes", []))
    notes += [n for n in new.get("meta", {}).get("notes", []) if n not in notes]
    out["meta"]["notes"] = notes
    out["runs"] = old.get("runs", []) + new.get("runs", [])
    out["blocks"] = old.get("blocks", []) + new.get("blocks", [])
    for part in ("systems", "standalone", "cells"):
        out[part] = dict(old.get(part, {}))
        out[part].update(new.get(part, {}))
    return out


def save(results, path):
    """Write atomically so a run killed mid-write leaves the previous file intact."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(clean(results), f, sort_keys=True, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)


def clean(obj):
    """JSON-safe copy: NaN/inf become null, tuples and sets lists, keys strings, floats rounded."""
    if isinstance(obj, float):
        # 6 significant digits: ns resolution on ms values, a third of the file size.
        return float("%.6g" % obj) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [clean(v) for v in obj]
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    return str(obj)
