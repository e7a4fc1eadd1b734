"""What a result needs next to it: commit, GPU, driver, CUDA, library versions, the exact command."""
import datetime
import os
import platform
import re
import shutil
import subprocess


def _run(cmd, cwd=None):
    try:
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=20)
        return res.stdout.strip() if res.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def commit(repo_root):
    """$REEF_COMMIT if given (a copied tree may have no .git), else git's HEAD, else 'unknown'."""
    given = os.environ.get("REEF_COMMIT")
    if given:
        return given
    if os.path.exists(os.path.join(repo_root, ".git")) and shutil.which("git"):
        head = _run(["git", "rev-parse", "HEAD"], cwd=repo_root)
        if head:
            dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo_root)
            return head + ("-dirty" if dirty else "")
    return "unknown"


def gpu():
    """GPU name, driver, memory and the driver's CUDA version from nvidia-smi (empty when absent)."""
    if not shutil.which("nvidia-smi"):
        return {}
    line = _run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"])
    info = {}
    if line:
        parts = [p.strip() for p in line.splitlines()[0].split(",")]
        info = dict(zip(("name", "driver", "memory"), parts))
    m = re.search(r"CUDA Version:\s*([0-9.]+)", _run(["nvidia-smi"]))
    if m:
        info["driver_cuda"] = m.group(1)
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def slug(text):
    """'NVIDIA H100 80GB HBM3' -> 'h100-80gb-hbm3' (for the results folder name)."""
    text = re.sub(r"^nvidia\s+", "", text.strip(), flags=re.I)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown-gpu"


def today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
