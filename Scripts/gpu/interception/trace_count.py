"""Counting device activity in a torch.profiler Chrome trace (export_chrome_trace).

Kineto tags GPU kernels with cat "kernel", copies with "gpu_memcpy" and sets with "gpu_memset";
older releases capitalised them, so compare case-insensitively.
"""
import json

DEVICE_CATEGORIES = ("kernel", "gpu_memcpy", "gpu_memset")


def load_trace(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _events(trace):
    events = trace.get("traceEvents", []) if isinstance(trace, dict) else trace
    return [e for e in events if isinstance(e, dict) and e.get("ph") == "X"]


def count_by_category(trace):
    counts = {c: 0 for c in DEVICE_CATEGORIES}
    for event in _events(trace):
        cat = str(event.get("cat", "")).lower()
        if cat in counts:
            counts[cat] += 1
    return counts


def kernel_name_counts(trace):
    names = {}
    for event in _events(trace):
        if str(event.get("cat", "")).lower() == "kernel":
            name = str(event.get("name", ""))
            names[name] = names.get(name, 0) + 1
    return names


def summarize_trace(trace):
    return {"counts": count_by_category(trace), "kernel_names": kernel_name_counts(trace)}
