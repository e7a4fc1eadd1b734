#!/usr/bin/env python3
"""The environment block of the result: machine, GPU, driver, CUDA, library versions, commit.

Each probe is independent and failure-tolerant: a missing tool leaves its field as an error
string instead of stopping the run.
"""
import argparse
import datetime
import hashlib
import os
import platform
import re
import socket
import subprocess
import sys

import common


def sh(argv, cwd=None, timeout=30):
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env=common.plain_env())
        return proc.stdout.strip() if proc.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def commit(repo):
    # REEF_COMMIT wins: a copy of the working tree sent to the GPU machine may carry a stale .git.
    if os.environ.get("REEF_COMMIT"):
        return os.environ["REEF_COMMIT"], "REEF_COMMIT"
    head = sh(["git", "-C", repo, "rev-parse", "HEAD"]) if os.path.isdir(os.path.join(repo, ".git")) else None
    if head and re.fullmatch(r"[0-9a-f]{40}", head):
        return head, "git rev-parse HEAD"
    return None, "unknown (no git checkout and no REEF_COMMIT)"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def gpu_fields(env):
    query = sh(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm,pstate,"
                "temperature.gpu,power.limit", "--format=csv,noheader"])
    if query:
        keys = ("gpu_name", "driver_version", "gpu_memory_total", "gpu_max_sm_clock", "gpu_pstate",
                "gpu_temperature_c", "gpu_power_limit")
        env.update(zip(keys, [v.strip() for v in query.splitlines()[0].split(",")]))
        env["gpu_count"] = len(query.splitlines())
    else:
        env["gpu_name"] = "error: nvidia-smi query failed"
    banner = sh(["nvidia-smi"]) or ""
    m = re.search(r"CUDA Version:\s*([0-9.]+)", banner)
    env["cuda_driver_api_version"] = m.group(1) if m else None
    nvcc = sh(["nvcc", "--version"]) or sh(["/usr/local/cuda/bin/nvcc", "--version"])
    m = re.search(r"release ([0-9.]+), (V[0-9.]+)", nvcc or "")
    env["nvcc_version"] = "%s (%s)" % m.groups() if m else None


def torch_fields(env):
    try:
        import torch
        env["torch"] = torch.__version__
        env["torch_cuda"] = torch.version.cuda
        env["cudnn"] = torch.backends.cudnn.version()
        env["torch_device"] = torch.cuda.get_device_name(0)
        env["torch_capability"] = "%d.%d" % torch.cuda.get_device_capability(0)
    except Exception as exc:
        env["torch"] = "error: %s" % exc
    for module in ("torchvision", "triton", "transformers", "numpy"):
        try:
            env[module] = __import__(module).__version__
        except Exception as exc:
            env[module] = "error: %s" % type(exc).__name__


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repo", required=True)
    p.add_argument("--lib", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    env = {"hostname": socket.gethostname(),
           "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "python": platform.python_version(), "kernel": platform.release(),
           "cpu_count": os.cpu_count()}
    env["commit"], env["commit_source"] = commit(args.repo)
    env["libreef_path"] = args.lib
    if os.path.isfile(args.lib):
        env["libreef_sha256"] = sha256_file(args.lib)
        env["libreef_bytes"] = os.path.getsize(args.lib)
    else:
        env["libreef_sha256"] = "error: %s not found" % args.lib
    common.write_json(args.out, env)  # the cheap fields survive a hang in the probes below
    gpu_fields(env)
    common.write_json(args.out, env)
    torch_fields(env)
    common.write_json(args.out, env)
    for key in sorted(env):
        print("env: %s = %s" % (key, env[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
