"""The sharing systems compared in one run: the baselines a user would consider, and Reef's rows.

Reef's rows come from reef_configs.json, one line per policy/knob set, so a new policy is a
one-line addition there.
"""
import json
import os
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REEF_CONFIGS = os.path.join(HERE, "reef_configs.json")
CLIENT_MODES = ("threads", "processes")


@dataclass(frozen=True)
class System:
    name: str
    clients: str  # threads: one process, one stream per client; processes: one process per client
    summary: str
    rt_only: bool = False  # run the workload's RT clients only (GPU dedicated to RT)
    rt_high_priority: bool = False  # RT streams at high CUDA priority
    mps: bool = False
    reef_env: dict = None  # None: no Reef; else the knobs exported next to LD_PRELOAD
    note: str = ""
    cpu_baseline: str = ""  # system whose CPU per request Reef's overhead is measured against
    optional: bool = False  # runs only when named in --systems (not in 'all' or 'reef')
    extra: dict = field(default_factory=dict)

    @property
    def is_reef(self):
        return self.reef_env is not None

    def env_signature(self):
        """Systems with the same signature can share worker processes (same env at exec)."""
        reef = tuple(sorted(self.reef_env.items())) if self.reef_env is not None else None
        return (self.clients, self.mps, reef)


BASELINES = (
    System("rt-only", "threads", "RT clients alone, GPU dedicated to RT (no BE)", rt_only=True),
    System("multi-stream", "threads", "no Reef: one process, one CUDA stream per client, equal priority"),
    System("stream-priority", "threads", "one process, RT streams at high CUDA stream priority",
           rt_high_priority=True),
    System("multi-process", "processes", "no Reef: one process per client, GPU time-sliced"),
    System("mps", "processes", "one process per client under NVIDIA MPS", mps=True),
)


def load_reef_configs(path=REEF_CONFIGS):
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    if not isinstance(entries, list):
        raise ValueError("%s: expected a JSON list" % path)
    systems = []
    seen = set()
    for i, e in enumerate(entries):
        name = e.get("name", "")
        if not name.startswith("reef") or name in seen:
            raise ValueError("%s[%d]: name must start with 'reef' and be unique" % (path, i))
        seen.add(name)
        env = e.get("env", {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
            raise ValueError("%s[%d]: env values must be strings" % (path, i))
        if any(k in ("LD_PRELOAD", "REEF_CLASS", "REEF_STATS") for k in env):
            raise ValueError("%s[%d]: LD_PRELOAD/REEF_CLASS/REEF_STATS are set by the harness" % (path, i))
        clients = e.get("clients", "processes")
        if clients not in CLIENT_MODES:
            raise ValueError("%s[%d]: clients must be one of %s" % (path, i, CLIENT_MODES))
        rt_high = e.get("rt_high_priority", False)
        if not isinstance(rt_high, bool):
            raise ValueError("%s[%d]: rt_high_priority must be true or false" % (path, i))
        optional = e.get("optional", False)
        if not isinstance(optional, bool):
            raise ValueError("%s[%d]: optional must be true or false" % (path, i))
        unknown = set(e) - {"name", "env", "clients", "note", "rt_high_priority", "optional"}
        if unknown:
            raise ValueError("%s[%d]: unknown keys %s" % (path, i, sorted(unknown)))
        knobs = ", ".join("%s=%s" % kv for kv in sorted(env.items())) or "defaults"
        systems.append(System(
            name, clients, "Reef (LD_PRELOAD libreef.so), knobs: %s" % knobs,
            reef_env=dict(env), note=e.get("note", ""), rt_high_priority=rt_high, optional=optional,
            cpu_baseline="multi-process" if clients == "processes" else "multi-stream"))
    return systems


def all_systems(reef_path=REEF_CONFIGS):
    return list(BASELINES) + load_reef_configs(reef_path)


def parse_systems(text, available):
    """'all' or a comma list of names (or 'reef' for every Reef row) -> Systems, in declared order.
    Optional systems (reef_configs.json "optional": true) come only when named."""
    by_name = {s.name: s for s in available}
    wanted = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part == "all":
            wanted.update(n for n, s in by_name.items() if not s.optional)
        elif part == "reef":
            wanted.update(n for n, s in by_name.items() if s.is_reef and not s.optional)
        elif part in by_name:
            wanted.add(part)
        else:
            raise ValueError("unknown system %r (choose from %s, reef, all)" % (part, ", ".join(by_name)))
    if not wanted:
        raise ValueError("no system given")
    return [s for s in available if s.name in wanted]
