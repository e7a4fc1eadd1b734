"""GPU clock and power while a benchmark row measures (read-only nvidia-smi sampling).

A GPU shared with a saturating best-effort job draws more power and may run its SMs at a lower
clock than when real-time work has it mostly idle; that slows real-time kernels by itself, with
no scheduling involved. Rows record what the GPU did during their measured window so reports can
tell the two apart. Nothing here changes any GPU setting.
"""
import shutil
import statistics
import subprocess

FIELDS = ["clocks.sm", "clocks.mem", "power.draw", "temperature.gpu", "utilization.gpu"]


class ClockSampler:
    """Samples every `period_ms` into `path` (CSV, no header) until `stop()`; a no-op without
    nvidia-smi."""

    def __init__(self, path, period_ms=100):
        self.path = path
        self.proc = None
        if shutil.which("nvidia-smi"):
            self.out = open(path, "w")
            self.proc = subprocess.Popen(
                ["nvidia-smi", "--query-gpu=" + ",".join(FIELDS), "--format=csv,noheader,nounits", "-lms", str(period_ms)],
                stdout=self.out, stderr=subprocess.DEVNULL)

    def stop(self):
        """Ends sampling; returns summarize(path) (None without samples)."""
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.out.close()
        return summarize(self.path)


def summarize(path):
    """Median and minimum SM clock (MHz), median power (W), temperature (C) and utilization (%)
    over the samples in `path`; None when there are none."""
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = [p.strip() for p in line.split(",")]
                try:
                    rows.append([float(p) for p in parts[:len(FIELDS)]])
                except ValueError:
                    continue
    except OSError:
        return None
    rows = [r for r in rows if len(r) == len(FIELDS)]
    if not rows:
        return None
    col = lambda i: [r[i] for r in rows]  # noqa: E731
    return {"samples": len(rows), "sm_mhz_p50": statistics.median(col(0)), "sm_mhz_min": min(col(0)),
            "mem_mhz_p50": statistics.median(col(1)), "power_w_p50": statistics.median(col(2)),
            "temp_c_max": max(col(3)), "util_pct_p50": statistics.median(col(4))}
