"""NVIDIA MPS control daemon with private pipe/log directories, always told to quit at the end.

Only processes started with client_env() join this daemon, so the other systems of the run stay
outside MPS even while it is up.
"""
import os
import shutil
import subprocess
import tempfile
import time

CONTROL = "nvidia-cuda-mps-control"


class MpsUnavailable(Exception):
    pass


class MpsDaemon:
    def __init__(self, control=CONTROL, base_dir=None):
        self.control = control
        self.base_dir = base_dir or os.environ.get("REEF_BENCH_MPS_DIR")
        self.running = False
        self.pipe_dir = self.log_dir = None

    def _env(self):
        env = dict(os.environ)
        env.update(self.client_env())
        return env

    def client_env(self):
        return {"CUDA_MPS_PIPE_DIRECTORY": self.pipe_dir, "CUDA_MPS_LOG_DIRECTORY": self.log_dir}

    def start(self):
        exe = shutil.which(self.control)
        if exe is None:
            raise MpsUnavailable("%s not found on PATH" % self.control)
        base = self.base_dir or tempfile.mkdtemp(prefix="reef-bench-mps-", dir="/tmp")
        self.pipe_dir = os.path.join(base, "pipe")
        self.log_dir = os.path.join(base, "log")
        os.makedirs(self.pipe_dir, exist_ok=True)
        os.makedirs(self.log_dir, exist_ok=True)
        # Marked running before the call: a daemon that half-started still gets its quit.
        self.running = True
        res = subprocess.run([exe, "-d"], env=self._env(), capture_output=True, timeout=30)
        if res.returncode != 0:
            self.stop()
            raise MpsUnavailable("%s -d failed (%d): %s" % (self.control, res.returncode,
                                                            (res.stderr or res.stdout).decode(errors="replace")))

    def stop(self):
        """Send 'quit' (idempotent); wait briefly for the daemon to drop its control pipe."""
        if not self.running:
            return
        self.running = False
        exe = shutil.which(self.control) or self.control
        try:
            subprocess.run([exe], input=b"quit\n", env=self._env(), capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return
        control_pipe = os.path.join(self.pipe_dir, "control")
        deadline = time.monotonic() + 10.0
        while os.path.exists(control_pipe) and time.monotonic() < deadline:
            time.sleep(0.1)

    def log_tail(self, lines=20):
        path = os.path.join(self.log_dir or "", "control.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
