"""Runs the plan: one block of worker processes at a time, every cell of the block through them.

Threads blocks have one worker hosting every client; processes blocks have one worker per client
id. A cell starts at an absolute CLOCK_MONOTONIC time sent to all its workers (the barrier); RT
workers reply when their arrivals are served, then BE workers are told to stop and reply.
"""
import gzip
import json
import os
import sys
import time
import traceback

from . import disb_metrics, environment, protocol, reef
from .mps import MpsDaemon, MpsUnavailable
from .worker_process import WorkerProcess, worker_env

LEAD_S = 0.3  # time between sending a cell and its start: delivery plus thread start-up
SETUP_TIMEOUT_S = 600.0
REPLY_SLACK_S = 30.0


class Runner:
    def __init__(self, repo_root, out_dir, backend, results, save, reef_lib=None, budget_s=None,
                 raw=False, seed=1, log=None):
        self.repo_root = repo_root
        self.out_dir = out_dir
        self.backend = backend
        self.results = results  # this run's results dict (results_store.empty() shape)
        self.save = save  # callback: persist self.results (merged with earlier runs)
        self.reef_lib = reef_lib
        self.deadline = None if budget_s is None else time.monotonic() + budget_s
        self.raw = raw
        self.seed = seed
        self.log = log
        self.t0 = time.monotonic()
        # A stand-in for nvidia-cuda-mps-control (tests); with the fake backend and none given, MPS is simulated.
        self.mps_control = os.environ.get("REEF_BENCH_MPS_CONTROL")

    # -- helpers -------------------------------------------------------------------------------
    def say(self, text):
        log = self.log or sys.stderr  # looked up per call, so redirections apply
        log.write("[%7.1fs] %s\n" % (time.monotonic() - self.t0, text))
        log.flush()

    def time_left(self):
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def _record_cell(self, cell, status, error=None, summary=None):
        rec = {"key": cell.key, "workload": cell.workload, "system": cell.system,
               "variant": {"key": cell.variant.key, "rt_mode": cell.variant.rt_mode,
                           "be_batch": cell.variant.be_batch},
               "warmup_s": cell.warmup, "duration_s": cell.duration, "status": status, "error": error,
               "finished": environment.now_iso()}
        if cell.model:
            rec["model"] = cell.model
        if summary:
            rec.update(summary)
        self.results["cells"][cell.key] = rec
        return rec

    def _skip_block(self, block, reason):
        for cell in block.cells:
            self._record_cell(cell, "skipped", reason)
        for s in block.systems:
            self.results["systems"].setdefault(s.name, {})["skip_reason"] = reason
        self.say("skip %s: %s" % (block.name, reason))

    # -- blocks --------------------------------------------------------------------------------
    def run_blocks(self, blocks):
        for block in blocks:
            for s in block.systems:
                self.results["systems"][s.name] = describe_system(s)
            try:
                self.run_block(block)
            finally:
                self.save()

    def run_block(self, block):
        from .plan import STARTUP_S, CELL_OVERHEAD_S
        first = block.cells[0] if block.cells else None
        if first is None:
            return
        if self.time_left() < STARTUP_S[block.clients] + first.warmup + first.duration + CELL_OVERHEAD_S:
            return self._skip_block(block, "time budget exhausted before this block")
        reef_sys = next((s for s in block.systems if s.is_reef), None)
        if reef_sys is not None and self.backend == "torch" and not self.reef_lib:
            return self._skip_block(block, "dist/libreef.so absent: build it and pass it along (or --reef-lib)")
        daemon = None
        workers = {}
        stats_dir = None
        started = time.monotonic()
        record = {"name": block.name, "clients": block.clients, "systems": [s.name for s in block.systems]}
        try:
            extra = {}
            if any(s.mps for s in block.systems):
                if self.backend == "fake" and not self.mps_control:
                    record["mps"] = "simulated (fake backend)"
                else:
                    daemon = MpsDaemon(**({"control": self.mps_control} if self.mps_control else {}))
                    try:
                        daemon.start()
                    except MpsUnavailable as e:
                        return self._skip_block(block, "MPS unavailable: %s" % e)
                    extra.update(daemon.client_env())
                    record["mps"] = {"pipe_dir": daemon.pipe_dir}
            if reef_sys is not None:
                stats_dir = os.path.join(self.out_dir, "reef-stats", reef_sys.name)
                os.makedirs(stats_dir, exist_ok=True)
                for old in os.listdir(stats_dir):
                    os.remove(os.path.join(stats_dir, old))
            specs = block.client_specs()
            groups = {"threads": specs} if block.clients == "threads" else {s["id"]: [s] for s in specs}
            log_dir = os.path.join(self.out_dir, "logs")
            os.makedirs(log_dir, exist_ok=True)
            for name, group in groups.items():
                env = dict(extra)
                if reef_sys is not None:
                    role = group[0]["role"] if len(group) == 1 else None
                    env.update(reef.worker_env(reef_sys, role, self.reef_lib, stats_dir,
                                               preload=self.backend == "torch"))
                log_path = os.path.join(log_dir, "%s--%s.log" % (block.name, name))
                w = WorkerProcess(name, self.backend, worker_env(self.repo_root, env), self.repo_root, log_path)
                workers[name] = (w, group)
            self.say("block %s: %d worker(s) starting" % (block.name, len(workers)))
            for w, group in workers.values():
                w.send({"cmd": "setup", "clients": group, "options": {"seed": self.seed}})
            infos = []
            for w, _ in workers.values():
                reply = w.recv(min(SETUP_TIMEOUT_S, max(10.0, self.time_left())))
                if not reply.get("ok"):
                    raise RuntimeError("setup of %s failed:\n%s" % (w.name, reply.get("error")))
                infos.append(reply.get("info", {}))
            record["startup_s"] = time.monotonic() - started
            record["worker_info"] = infos[0] if infos else {}
            record["graph_fallbacks"] = {k: v for i in infos for k, v in i.get("graph_fallbacks", {}).items()}
            record["client_errors"] = {k: v for i in infos for k, v in i.get("client_errors", {}).items()}
            for cid, why in record["client_errors"].items():
                self.say("block %s: client %s unavailable: %s" % (block.name, cid, why))
            self.results["meta"].setdefault("versions", {}).update(
                {k: v for k, v in record["worker_info"].items() if k in VERSION_KEYS and v})
            self.say("block %s: ready in %.1f s" % (block.name, record["startup_s"]))
            client_worker = {}
            for w, group in workers.values():
                for spec in group:
                    client_worker[spec["id"]] = w
            broken = None
            for cell in block.cells:
                if broken:
                    self._record_cell(cell, "failed", broken)
                    continue
                if self.time_left() < cell.warmup + cell.duration + CELL_OVERHEAD_S:
                    self._record_cell(cell, "skipped", "time budget exhausted")
                    continue
                try:
                    rec = self.run_cell(cell, block, client_worker)
                    if rec and rec["status"] == "failed" and STALLED in (rec.get("error") or ""):
                        # Its workers may still be stuck: later cells would stall too, each
                        # spending its whole timeout. Give the time to other blocks instead.
                        broken = "not run: an earlier cell of this block stalled (%s)" % cell.key
                except protocol.WorkerGone as e:
                    tails = "".join("--- %s\n%s" % (w.name, w.log_tail()) for w, _ in workers.values() if not w.alive())
                    broken = "worker lost: %s\n%s" % (e, tails)
                    self._record_cell(cell, "failed", broken)
                    self.say("cell %s failed: %s" % (cell.key, e))
                self.save()
        except Exception as e:
            msg = "%s: %s" % (type(e).__name__, e)
            detail = traceback.format_exc(limit=5)
            tails = "".join("--- %s\n%s" % (w.name, w.log_tail()) for w, _ in workers.values())
            if daemon is not None:
                tails += "--- MPS control.log\n" + daemon.log_tail()
            for cell in block.cells:
                if cell.key not in self.results["cells"]:
                    self._record_cell(cell, "failed", msg + "\n" + detail + tails)
            self.say("block %s failed: %s" % (block.name, msg))
        finally:
            for w, _ in workers.values():
                w.request_quit()
            for w, _ in workers.values():
                w.close()
            if daemon is not None:
                daemon.stop()
            record["wall_s"] = time.monotonic() - started
            self.results["blocks"].append(record)
            if stats_dir is not None:
                try:
                    entries = reef.collect_stats(stats_dir)
                    self.results["systems"][reef_sys.name]["reef_stats"] = reef.summarize_stats(entries)
                except Exception as e:  # the cells' numbers matter more than the library's counters
                    self.results["systems"][reef_sys.name]["reef_stats_error"] = "%s: %s" % (type(e).__name__, e)

    # -- cells ---------------------------------------------------------------------------------
    def run_cell(self, cell, block, client_worker):
        assignments = {}
        for run in cell.runs:
            w = client_worker[run.client.id]
            assignments.setdefault(w.name, (w, []))[1].append(run)
        start_at = time.monotonic() + LEAD_S
        rt_workers, be_workers = [], []
        for w, runs in assignments.values():
            has_rt = any(r.client.role == "rt" for r in runs)
            # A worker that hosts no RT client can't know when the RT side is done: it waits for 'stop'.
            be_stop = "local" if has_rt or block.clients == "threads" else "signal"
            w.send({"cmd": "run", "cell": cell.key, "start_at": start_at, "window": list(cell.window),
                    "hard_stop": cell.hard_stop, "be_stop": be_stop, "clients": [r.to_wire() for r in runs]})
            (rt_workers if be_stop == "local" else be_workers).append(w)
        timeout = lambda: max(5.0, start_at + cell.hard_stop + REPLY_SLACK_S - time.monotonic())
        replies = []
        try:
            for w in rt_workers:
                replies.append(w.recv(timeout(), cell=cell.key))
        finally:
            for w in be_workers:
                try:
                    w.send({"cmd": "stop", "cell": cell.key})
                except protocol.WorkerGone:
                    pass
        for w in be_workers:
            replies.append(w.recv(timeout(), cell=cell.key))
        errors = [r.get("error") for r in replies if not r.get("ok")]
        errors += ["%s: %s" % (c["id"], c["error"]) for r in replies for c in r.get("clients", []) if c.get("error")]
        if self.raw:
            raw_dir = os.path.join(self.out_dir, "raw")
            os.makedirs(raw_dir, exist_ok=True)
            with gzip.open(os.path.join(raw_dir, cell.key.replace("/", "--") + ".json.gz"), "wt") as f:
                json.dump(replies, f)
        ok_replies = [r for r in replies if r.get("ok")]
        summary = disb_metrics.cell_summary({"window": cell.window}, ok_replies, self.results["standalone"])
        # Clients that answered but completed nothing in the window stalled (a scheduler that
        # never released their work, a deadlock): that cell failed, whatever the replies said.
        stalled = not errors and bool(summary["clients"]) and not summary["cpu"]["completed"]
        if stalled:
            errors.append(STALLED)
        status = "ok" if not errors else ("partial" if summary["clients"] and not stalled else "failed")
        rec = self._record_cell(cell, status, "\n".join(e for e in errors if e) or None, summary)
        if cell.workload == "standalone":
            self.results["standalone"].update(disb_metrics.standalone_entries(rec))
        self.say("%-44s %s" % (cell.key, one_line(rec)))
        return rec


STALLED = "no request completed in the measurement window (clients stalled)"

VERSION_KEYS = ("torch", "torch_cuda", "cudnn", "torchvision", "transformers", "numpy", "python",
                "gpu", "capability", "stream_priority_range", "backend")


def one_line(rec):
    lat = rec["rt"]["latency_ms"]
    parts = []
    if lat["n"]:
        parts.append("RT mean %.2f p99 %.2f ms (n=%d)" % (lat["mean"], lat["p99"], lat["n"]))
    if rec["rt"]["disb"]["ratio"]:
        parts.append("x%.2f standalone" % rec["rt"]["disb"]["ratio"])
    if rec["throughput"]["be_rps"]:
        parts.append("BE %.1f req/s" % rec["throughput"]["be_rps"])
    if rec["status"] != "ok":
        parts.append(rec["status"].upper())
    return ", ".join(parts)


def describe_system(s):
    return {"summary": s.summary, "clients": s.clients, "note": s.note, "is_reef": s.is_reef,
            "rt_only": s.rt_only, "rt_high_priority": s.rt_high_priority, "mps": s.mps,
            "reef_knobs": s.reef_env, "cpu_baseline": s.cpu_baseline}
