"""Order statistics for the timing checks (d) and (e).

Pure Python on purpose: the coordinators run without numpy/torch, and the unit tests run on
machines without either.
"""
import math


def median(values):
    xs = sorted(values)
    if not xs:
        raise ValueError("median of no values")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must lie in [0, 100]")
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def round_sig(x, digits=6):
    """Round to significant digits so the JSON stays readable without losing the signal."""
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        return x
    if x == 0 or not math.isfinite(x):
        return x
    return round(float(x), digits - 1 - int(math.floor(math.log10(abs(x)))))


def summarize(values, digits=6):
    """n, median, p90, mean, min, max of a non-empty sequence (rounded)."""
    xs = list(values)
    if not xs:
        return {"n": 0}
    return {
        "n": len(xs),
        "median": round_sig(median(xs), digits),
        "p90": round_sig(percentile(xs, 90), digits),
        "mean": round_sig(sum(xs) / len(xs), digits),
        "min": round_sig(min(xs), digits),
        "max": round_sig(max(xs), digits),
    }


def ratio(num, den, digits=6):
    """num/den rounded, or None when either side is missing or den is zero."""
    if num is None or den is None or den == 0:
        return None
    return round_sig(num / den, digits)
