"""JSON lines between the orchestrator and its workers, with timeouts on reads.

The worker keeps the real stdout for the protocol and points fd 1 at stderr, so a stray print
from a library can never corrupt a reply.
"""
import json
import os
import select
import time


class WorkerGone(Exception):
    """The other side closed the pipe (the worker died) or a read timed out."""


def send(fileobj, obj):
    fileobj.write((json.dumps(obj, separators=(",", ":")) + "\n").encode())
    fileobj.flush()


class LineReader:
    """Reads newline-terminated JSON objects from a file descriptor, with a timeout per read."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def has_line(self):
        return b"\n" in self.buf

    def recv(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                raise WorkerGone("no reply within %.1f s" % timeout)
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise WorkerGone("pipe closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)


def claim_stdout():
    """Keep the process's stdout for protocol replies; send everything else written to fd 1 to stderr."""
    fd = os.dup(1)
    os.dup2(2, 1)
    return os.fdopen(fd, "wb", buffering=0)
