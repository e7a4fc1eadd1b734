"""Order statistics without numpy: percentiles, summaries, CDF points and log histograms."""
import math

# Quantiles kept for CDF plots: every percent plus the tail, so p99.9 stays visible.
CDF_QUANTILES = tuple(float(q) for q in range(0, 100)) + (99.5, 99.9, 99.95, 100.0)


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not values:
        return None
    if not 0.0 <= q <= 100.0:
        raise ValueError("q must be in [0, 100]")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values):
    return sum(values) / len(values) if values else None


def summarize(values):
    """n, mean, p50, p90, p99, p99.9, min, max of a list (None fields when empty)."""
    if not values:
        return {"n": 0, "mean": None, "p50": None, "p90": None, "p99": None, "p999": None,
                "min": None, "max": None}
    data = sorted(values)
    return {
        "n": len(data),
        "mean": sum(data) / len(data),
        "p50": percentile(data, 50),
        "p90": percentile(data, 90),
        "p99": percentile(data, 99),
        "p999": percentile(data, 99.9),
        "min": data[0],
        "max": data[-1],
    }


def cdf_points(values, quantiles=CDF_QUANTILES):
    """[[q, value], ...] for a CDF plot that survives the raw samples being dropped."""
    if not values:
        return []
    data = sorted(values)
    return [[q, percentile(data, q)] for q in quantiles]


def log_edges(lo, hi, per_decade=10):
    """Bin edges spaced evenly in log10 from lo to at least hi."""
    if lo <= 0 or hi <= lo:
        raise ValueError("need 0 < lo < hi")
    steps = int(math.ceil(math.log10(hi / lo) * per_decade - 1e-9))
    return [lo * 10 ** (i / per_decade) for i in range(steps + 1)]


def histogram(values, edges):
    """Counts per [edges[i], edges[i+1]); values below/above the range go to the first/last bin."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        if v < edges[1]:
            i = 0
        elif v >= edges[-2]:
            i = len(counts) - 1
        else:
            lo, hi = 1, len(edges) - 2
            while lo < hi:  # find the last edge <= v
                mid = (lo + hi + 1) // 2
                if edges[mid] <= v:
                    lo = mid
                else:
                    hi = mid - 1
            i = lo
        counts[i] += 1
    return counts


# Preemption / queueing delays: 1 us .. 10 s, 10 bins a decade, in ms.
DELAY_EDGES_MS = log_edges(0.001, 10000.0, 10)
