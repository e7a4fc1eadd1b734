"""The orchestrator's handle on one worker process: spawn, send, receive with timeout, close."""
import os
import subprocess
import sys

from . import protocol


class WorkerProcess:
    def __init__(self, name, backend, env, cwd, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "ab")
        argv = [sys.executable, "-m", "Scripts.bench.worker", "--backend", backend]
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log)
        self.reader = protocol.LineReader(self.proc.stdout.fileno())
        self.quit_sent = False

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def send(self, obj):
        try:
            protocol.send(self.proc.stdin, obj)
        except (BrokenPipeError, OSError, ValueError) as e:
            raise protocol.WorkerGone("%s: cannot send (%s)" % (self.name, e))

    def recv(self, timeout, cell=None):
        """Next reply; with `cell`, skip stale replies of an earlier cell that timed out."""
        while True:
            try:
                msg = self.reader.recv(timeout)
            except protocol.WorkerGone as e:
                raise protocol.WorkerGone("%s: %s" % (self.name, e))
            if cell is None or msg.get("cell") in (cell, None):
                return msg

    def request_quit(self):
        """Ask the worker to exit (so exit handlers such as Reef's stats run); close() waits for it.

        Sent to every worker of a block before waiting on any, so they shut down in parallel.
        """
        if self.alive() and not self.quit_sent:
            self.quit_sent = True
            try:
                self.send({"cmd": "quit"})
            except protocol.WorkerGone:
                pass

    def close(self, timeout=10.0):
        """Quit politely, then terminate, then kill."""
        self.request_quit()
        if self.alive():
            try:
                self.recv(timeout)
            except protocol.WorkerGone:
                pass
        for stop, wait in ((None, 15.0), (self.proc.terminate, 5.0), (self.proc.kill, 5.0)):
            if stop is not None and self.alive():
                stop()
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.log.close()

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def worker_env(repo_root, extra):
    """The parent's environment without anything that would put a worker under MPS or Reef by accident."""
    env = {k: v for k, v in os.environ.items()
           if k != "LD_PRELOAD" and not k.startswith("CUDA_MPS_") and not k.startswith("REEF_")}
    env["PYTHONPATH"] = repo_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env
