"""Looking things up in a results dict: system/variant/workload order and the cell of a table row."""
from . import workloads as wl
from .systems import BASELINES


def system_order(results):
    names = set(results.get("systems", {})) | {c["system"] for c in results["cells"].values()
                                                if c["workload"] != "standalone"}
    base = [s.name for s in BASELINES if s.name in names]
    return base + sorted(n for n in names if n not in base)


def variant_order(results):
    seen = list(results.get("meta", {}).get("variants", []))
    for c in results["cells"].values():
        k = c["variant"]["key"]
        if c["workload"] != "standalone" and c["system"] != "rt-only" and k not in seen:
            seen.append(k)
    return seen


def workload_order(results):
    present = {c["workload"] for c in results["cells"].values()}
    return [w for w in wl.ORDER if w in present]


def find_cell(results, workload, system, variant_key):
    """The cell of a table row; rt-only has one cell per RT mode, shared by that mode's variants."""
    cells = results["cells"]
    cell = cells.get("%s/%s/%s" % (workload, system, variant_key))
    if cell is not None or system != "rt-only":
        return cell
    mode = variant_key.split("-bs")[0]
    for c in cells.values():
        if c["workload"] == workload and c["system"] == system and c["variant"]["rt_mode"] == mode:
            return c
    return None


def has_data(cell):
    return cell is not None and cell.get("status") in ("ok", "partial") and "rt" in cell
