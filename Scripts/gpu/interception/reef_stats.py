"""Reading and differencing the JSON that libreef.so writes at exit (REEF_STATS).

Reef only reports totals at process exit, so per-inference counts come from two otherwise
identical processes that differ in the number of inferences: the difference of their stats.
"""
import json
import os
import re

LAUNCH_CALL_RE = re.compile(r"^cuLaunch(Kernel|KernelEx|CooperativeKernel)(_ptsz)?$")

# Kernel-name patterns for check (b). cuBLAS on Hopper names its kernels sm90_xmma_gemm_*,
# nvjet_* or cutlass*; cuDNN forward convolutions are *fprop*/*implicit*/cudnn::*.
GEMM_RE = re.compile(r"gemm|xmma|cutlass|sm90|nvjet|cublas", re.I)
CONV_RE = re.compile(r"conv|fprop|implicit|winograd|cudnn", re.I)
TRITON_RE = re.compile(r"^triton", re.I)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def normalize(raw):
    """A stats document with every field present and typed; unknown fields are dropped."""
    if not isinstance(raw, dict):
        raise ValueError("stats document is not a JSON object")
    calls = raw.get("calls") or {}
    kernels = {}
    for entry in raw.get("kernels") or []:
        if isinstance(entry, dict) and "name" in entry:
            name = str(entry["name"])
            kernels[name] = kernels.get(name, 0) + _int(entry.get("launches"))
    streams = []
    for entry in raw.get("streams") or []:
        if isinstance(entry, dict):
            streams.append({"id": str(entry.get("id")), "launches": _int(entry.get("launches"))})
    return {
        "pid": raw.get("pid"),
        "runtime": raw.get("runtime"),
        "launches": _int(raw.get("launches")),
        "graph_launches": _int(raw.get("graph_launches")),
        "uncaptured_launches": _int(raw.get("uncaptured_launches")),
        "calls": {str(k): _int(v) for k, v in calls.items()} if isinstance(calls, dict) else {},
        "streams": streams,
        "kernels": kernels,
    }


def load(path):
    with open(path, encoding="utf-8") as fh:
        return normalize(json.load(fh))


def find_stats_file(directory, pid):
    """The stats file of process `pid` in `directory` (REEF_STATS=<dir>/reef-%p.json).

    Other processes (compilers, helpers) preloaded with Reef write their own files beside it,
    so pick by pid: first by file name, then by the pid recorded inside.
    """
    if not directory or pid is None or not os.path.isdir(directory):
        return None
    names = sorted(os.listdir(directory))
    for name in names:
        if re.search(r"(?<!\d)%d(?!\d)" % int(pid), name):
            return os.path.join(directory, name)
    for name in names:
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as fh:
                if json.load(fh).get("pid") == pid:
                    return path
        except (OSError, ValueError, AttributeError):
            continue
    return None


def launch_calls(stats):
    """Sum of the kernel-launch entry points in `calls` (a cross-check of `launches`)."""
    return sum(v for k, v in stats["calls"].items() if LAUNCH_CALL_RE.match(k))


def diff(before, after):
    """after - before for every counter; calls and kernels over the union of names."""
    def sub(a, b):
        return {k: b.get(k, 0) - a.get(k, 0) for k in sorted(set(a) | set(b)) if b.get(k, 0) != a.get(k, 0)}
    return {
        "launches": after["launches"] - before["launches"],
        "graph_launches": after["graph_launches"] - before["graph_launches"],
        "uncaptured_launches": after["uncaptured_launches"] - before["uncaptured_launches"],
        "launch_calls": launch_calls(after) - launch_calls(before),
        "calls": sub(before["calls"], after["calls"]),
        "kernels": sub(before["kernels"], after["kernels"]),
    }


def per_iteration(delta, iterations):
    """(delta / iterations, whether it divides exactly)."""
    if iterations <= 0:
        raise ValueError("iterations must be positive")
    return delta / iterations, delta % iterations == 0


def match_gemm(names):
    return [n for n in names if GEMM_RE.search(n) and not CONV_RE.search(n)]


def match_conv(names):
    return [n for n in names if CONV_RE.search(n)]


def match_triton(names):
    return [n for n in names if TRITON_RE.search(n)]


_SKIP_RE = re.compile(r"L[a-z]+n?\d+E|[ST][0-9A-Z]*_")  # literals (Li4E), substitutions (S0_, T1_)


def mangled_identifiers(name):
    """Identifiers of an Itanium-mangled name (_ZN2at6native...): the <length><chars> pieces.

    Scans left to right, consuming each identifier whole by its length, so the digits inside
    literals and substitutions between identifiers are never taken for lengths.
    """
    ids, i = [], 2 if name.startswith("_Z") else 0
    while i < len(name):
        skip = _SKIP_RE.match(name, i)
        if skip:
            i = skip.end()
            continue
        m = re.compile(r"\d+").match(name, i)
        if not m:
            i += 1
            continue
        n, start = int(m.group(0)), m.end()
        piece = name[start:start + n]
        if n > 0 and len(piece) == n and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", piece):
            ids.append(piece)
            i = start + n
        else:
            i = start
    return ids


def names_match(reef_name, profiler_name):
    """Whether a name Reef reports (possibly mangled) is the kernel the profiler shows demangled."""
    if reef_name == profiler_name:
        return True
    if reef_name.startswith("_Z"):
        ids = [s for s in mangled_identifiers(reef_name) if len(s) >= 3]
        return bool(ids) and all(s in profiler_name for s in ids)
    return re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(reef_name), profiler_name) is not None


def top_kernels(stats, n=15):
    items = sorted(stats["kernels"].items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"name": k, "launches": v} for k, v in items[:n]]


def summary(stats, top=15):
    """The part of a stats document worth keeping in the result JSON."""
    return {
        "pid": stats["pid"],
        "runtime": stats["runtime"],
        "launches": stats["launches"],
        "graph_launches": stats["graph_launches"],
        "uncaptured_launches": stats["uncaptured_launches"],
        "launch_calls": launch_calls(stats),
        "calls": stats["calls"],
        "streams": len(stats["streams"]),
        "distinct_kernels": len(stats["kernels"]),
        "top_kernels": top_kernels(stats, top),
    }
