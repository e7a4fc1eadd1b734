"""Expand workloads x variants x systems into cells, grouped into blocks of shared worker processes.

A block is a set of systems whose workers start with the same environment (threads vs processes,
MPS, Reef knobs), so models load once per block and every cell of the block reuses them.
"""
import zlib
from dataclasses import dataclass, field

from . import arrivals, workloads as wl

RT_MODES = ("eager", "graph")
# Rough costs for the time estimate (seconds), measured guesses for an H100 host.
STARTUP_S = {"threads": 25.0, "processes": 20.0}
CELL_OVERHEAD_S = 0.8  # start lead + drain + reply collection


@dataclass(frozen=True)
class Variant:
    rt_mode: str  # how RT clients run: eager PyTorch or CUDA-graph replay
    be_batch: int  # batch size of every BE client

    @property
    def key(self):
        return "%s-bs%d" % (self.rt_mode, self.be_batch)


def parse_variants(text):
    """'eager:1,graph:32' -> [Variant]; order kept, duplicates dropped."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        mode, _, batch = part.partition(":")
        if mode not in RT_MODES:
            raise ValueError("variant %r: RT mode must be eager or graph" % part)
        try:
            b = int(batch or "1")
        except ValueError:
            raise ValueError("variant %r: BE batch must be an integer" % part)
        if b < 1:
            raise ValueError("variant %r: BE batch must be >= 1" % part)
        v = Variant(mode, b)
        if v not in out:
            out.append(v)
    if not out:
        raise ValueError("no variant given")
    return out


@dataclass
class ClientRun:
    client: wl.Client
    arrivals: list  # seconds from cell start; None for closed loop
    batch: int
    rt_mode: str
    high_priority: bool = False

    def to_wire(self):
        return {"id": self.client.id, "model": self.client.model, "role": self.client.role,
                "arrival": self.client.arrival, "rate": self.client.rate, "arrivals": self.arrivals, "batch": self.batch,
                "rt_mode": self.rt_mode, "high_priority": self.high_priority}


@dataclass
class Cell:
    workload: str
    system: str
    variant: Variant
    runs: list
    warmup: float
    duration: float
    model: str = ""  # standalone cells only: the one RT model measured

    @property
    def key(self):
        if self.model:
            return "%s/%s/%s/%s" % (self.workload, self.system, self.model, self.variant.key)
        return "%s/%s/%s" % (self.workload, self.system, self.variant.key)

    @property
    def window(self):
        return (self.warmup, self.warmup + self.duration)

    @property
    def hard_stop(self):
        # Let an RT backlog drain for a while after the window; what is left is reported unserved.
        return self.warmup + self.duration + min(max(self.duration, 0.5), 2.0)


@dataclass
class Block:
    name: str
    clients: str  # threads | processes
    systems: list
    cells: list = field(default_factory=list)

    def client_specs(self):
        """Per client id: model, role and every RT mode / batch the block's cells use."""
        specs = {}
        for cell in self.cells:
            for run in cell.runs:
                s = specs.setdefault(run.client.id, {"id": run.client.id, "model": run.client.model,
                                                     "role": run.client.role, "rt_modes": [], "batches": []})
                if run.client.role == "rt" and run.rt_mode not in s["rt_modes"]:
                    s["rt_modes"].append(run.rt_mode)
                if run.batch not in s["batches"]:
                    s["batches"].append(run.batch)
        return [specs[k] for k in sorted(specs)]


def stable_seed(*parts):
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def client_arrivals(workload, client, horizon, seed, traces):
    """Scheduled arrivals of one client over [0, horizon); None for closed loop. Same for every system."""
    if client.arrival == "closed":
        return None
    if client.arrival == "uniform":
        peers = [c for c in workload.rt_clients if c.arrival == "uniform" and c.rate == client.rate]
        phase = arrivals.stagger_phase(peers.index(client), len(peers), client.rate)
        return arrivals.uniform(client.rate, horizon, phase)
    if client.arrival == "poisson":
        return arrivals.poisson(client.rate, horizon, stable_seed(seed, workload.name, client.id))
    if client.arrival == "trace":
        per_client, length = traces
        if client.model not in per_client:
            raise ValueError("trace has no arrivals for %s" % client.model)
        return arrivals.replay(per_client[client.model], horizon, length)
    raise ValueError("unknown arrival %r" % client.arrival)


def build_cell(workload, system, variant, warmup, duration, seed, traces):
    horizon = warmup + duration
    runs = []
    for c in workload.clients:
        if system.rt_only and c.role != "rt":
            continue
        rt = c.role == "rt"
        runs.append(ClientRun(c, client_arrivals(workload, c, horizon, seed, traces),
                              1 if rt else variant.be_batch, variant.rt_mode if rt else "eager",
                              rt and system.rt_high_priority))
    return Cell(workload.name, system.name, variant, runs, warmup, duration)


STANDALONE_DURATION = 1.0  # s measured: alone, latency varies little, and there are many


def standalone_key_of(c):
    """Poisson arrivals share the uniform reference of the same mean rate (D and E differ only in
    that); closed loop and trace replay have their own."""
    arrival = "uniform" if c.arrival == "poisson" else c.arrival
    return arrival, (c.rate if arrival in ("uniform",) else 0.0)


def standalone_cells(workload_list, variants, warmup, duration, seed, traces):
    """The reference for DISB's 'increase': each RT client alone, with its workload's arrival
    process (same model, mode, arrival and rate), one cell per distinct one."""
    seen, cells = set(), []
    modes = []
    for v in variants:
        if v.rt_mode not in modes:
            modes.append(v.rt_mode)
    duration = min(duration, STANDALONE_DURATION)
    horizon = warmup + duration
    for w in workload_list:
        for c in w.rt_clients:
            arrival, rate = standalone_key_of(c)
            alone = wl.Client(c.model, "rt", arrival, rate)
            for mode in modes:
                key = (c.model, mode, arrival, rate)
                if key in seen:
                    continue
                seen.add(key)
                same = arrival == c.arrival
                arr = client_arrivals(w, c, horizon, seed, traces) if same else arrivals.uniform(rate, horizon)
                cells.append(Cell("standalone", "standalone-" + arrival, Variant(mode, 1),
                                  [ClientRun(c if same else alone, arr, 1, mode)], warmup, duration, model=c.model))
    return cells


def build_plan(workload_list, systems, variants, warmup, duration, seed, traces):
    """Blocks in run order: the plain threads block first (it also measures standalone)."""
    groups = []
    for s in systems:
        sig = s.env_signature()
        for g in groups:
            if g[0] == sig:
                g[1].append(s)
                break
        else:
            groups.append((sig, [s]))
    plain_sig = ("threads", False, None)
    if not any(sig == plain_sig for sig, _ in groups):
        groups.insert(0, (plain_sig, []))
    # Plain threads first (it measures standalone), then the other baselines, MPS included (a
    # daemon that will not start costs seconds; MPS last was cut by the time budget in every H100
    # run), then Reef's rows: if the budget runs out, the knob variants go first.
    groups.sort(key=lambda g: 0 if g[0] == plain_sig else (3 if g[0][2] is not None else (2 if g[0][1] else 1)))
    blocks = []
    for sig, members in groups:
        name = "+".join(s.name for s in members) or "standalone"
        block = Block(name, sig[0], members)
        if sig == plain_sig:
            block.cells.extend(standalone_cells(workload_list, variants, warmup, duration, seed, traces))
        for w in workload_list:
            done_rt_only = set()
            for v in variants:
                for s in members:
                    if s.rt_only:
                        # Without BE the batch size is irrelevant: one rt-only cell per RT mode.
                        if v.rt_mode in done_rt_only:
                            continue
                        done_rt_only.add(v.rt_mode)
                    block.cells.append(build_cell(w, s, v, warmup, duration, seed, traces))
        blocks.append(block)
    return blocks


def estimate_seconds(blocks):
    total = 0.0
    for b in blocks:
        total += STARTUP_S[b.clients]
        total += sum(c.warmup + c.duration + CELL_OVERHEAD_S for c in b.cells)
    return total
