"""DISB's workloads A-E and its trace-driven one, re-created from their published definitions.

A client is one model with one role: RT (real-time, open loop at batch 1 unless closed) or BE
(best-effort, closed loop at the variant's batch size). Client ids are '<role>-<model>', unique in
a workload and shared across workloads, so one process per id serves every workload.
"""
from dataclasses import dataclass, field

MODELS = ("resnet152", "densenet201", "vgg19", "inception_v3", "distilbert")
ARRIVALS = ("uniform", "poisson", "trace", "closed")
ROLES = ("rt", "be")


@dataclass(frozen=True)
class Client:
    model: str
    role: str
    arrival: str  # uniform | poisson | trace | closed
    rate: float = 0.0  # req/s for uniform and poisson

    @property
    def id(self):
        return "%s-%s" % (self.role, self.model)

    def describe(self):
        if self.arrival in ("uniform", "poisson"):
            return "%s %g req/s" % (self.arrival, self.rate)
        return self.arrival


@dataclass(frozen=True)
class Workload:
    name: str
    summary: str
    clients: tuple = field(default_factory=tuple)

    @property
    def rt_clients(self):
        return [c for c in self.clients if c.role == "rt"]

    @property
    def be_clients(self):
        return [c for c in self.clients if c.role == "be"]


def _be_all():
    return tuple(Client(m, "be", "closed") for m in MODELS)


def _rt_all(arrival, rate=0.0):
    return tuple(Client(m, "rt", arrival, rate) for m in MODELS)


WORKLOADS = {
    "A": Workload("A", "1 RT VGG-19 uniform 100 req/s + 1 BE ResNet-152 closed loop",
                  (Client("vgg19", "rt", "uniform", 100.0), Client("resnet152", "be", "closed"))),
    "B": Workload("B", "RT VGG-19 closed loop + BE ResNet-152 closed loop",
                  (Client("vgg19", "rt", "closed"), Client("resnet152", "be", "closed"))),
    "C": Workload("C", "RT VGG-19 uniform 100 req/s + 5 BE models closed loop",
                  (Client("vgg19", "rt", "uniform", 100.0),) + _be_all()),
    "D": Workload("D", "5 RT models uniform 20 req/s each + the same 5 as BE closed loop",
                  _rt_all("uniform", 20.0) + _be_all()),
    "E": Workload("E", "5 RT models Poisson 20 req/s each + the same 5 as BE closed loop",
                  _rt_all("poisson", 20.0) + _be_all()),
    "trace": Workload("trace", "5 RT models replaying a bursty trace + the same 5 as BE closed loop",
                      _rt_all("trace") + _be_all()),
}
ORDER = ("A", "B", "C", "D", "E", "trace")
ALIASES = {"REAL": "trace", "real": "trace", "TRACE": "trace"}


def parse_workloads(text):
    """'all' | 'A' | 'B,C' | 'trace' -> list of Workload in canonical order."""
    names = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "all":
            names.extend(ORDER)
            continue
        part = ALIASES.get(part, part.upper() if part.upper() in WORKLOADS else part)
        if part not in WORKLOADS:
            raise ValueError("unknown workload %r (choose from %s or all)" % (part, ", ".join(ORDER)))
        names.append(part)
    if not names:
        raise ValueError("no workload given")
    return [WORKLOADS[n] for n in ORDER if n in set(names)]
