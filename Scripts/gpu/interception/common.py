"""Small helpers shared by the check scripts (no torch here, so coordinators start fast)."""
import json
import os
import tempfile
import time

# Variables that decide whether and how Reef acts; a baseline process must have none of them.
REEF_CONTROL_VARS = ("LD_PRELOAD", "REEF_STATS", "REEF_DISABLE")


def write_json(path, obj):
    """Write atomically, so a step killed by its timeout leaves the previous complete file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the results are meant to be read by others
    os.replace(tmp, path)


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return default


def reef_loaded(maps_path="/proc/self/maps"):
    """Whether libreef is mapped in this process: proves LD_PRELOAD really took effect."""
    try:
        with open(maps_path, encoding="utf-8", errors="replace") as fh:
            return any("libreef" in line for line in fh)
    except OSError:
        return False


def plain_env(base=None):
    env = dict(os.environ if base is None else base)
    for key in REEF_CONTROL_VARS:
        env.pop(key, None)
    return env


def reef_env(lib, stats_path=None, base=None):
    env = plain_env(base)
    env["LD_PRELOAD"] = lib
    if stats_path:
        env["REEF_STATS"] = stats_path
    return env


def tail(text, limit=2000):
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text if len(text) <= limit else "..." + text[-limit:]


class Deadline:
    """A wall-clock budget, so a coordinator stops starting work it cannot finish."""

    def __init__(self, budget_s):
        self.end = time.monotonic() + budget_s

    def remaining(self):
        return self.end - time.monotonic()
