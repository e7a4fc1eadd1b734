#!/usr/bin/env python3
"""Cross-process scheduling through the shared-memory control segment, on the simulated CUDA
runtime (each process has its own simulated device, so what is checked is the control plane:
the signal, the registry, reefctl, recovery; GPU effects are measured on the H100).

  (a) a best-effort process (rt_latency --role be) and a real-time process (--role rt), both
      preloaded with REEF_SCHEDULE=on and one segment (REEF_SHM_NAME): the BE process preempts
      for the RT process's requests (REEF_STATS preemptions >= half the RT requests, with no real-time
      stream of its own), releases everything (held_at_exit 0), and prints what it prints alone;
      the signal latency (foreign request -> BE release stopped) is reported;
  (b) the same BE process with a segment of its own: no preemption (the signal caused them);
  (c) `reefctl status` (table and --json) while both run lists both, with their classes;
  (d) a process SIGKILLed while attached is reclaimed (`reefctl gc`, and by the next process);
  (e) a corrupt or foreign segment is refused with a message and the program still runs
      (pass-through for cross-process, same output);
  (f) reefctl usage errors exit 2, a missing segment exits 1, never a crash;
  (h) a real-time process SIGKILLed mid-run leaves no stuck best-effort queue in another process;
  (i) a real-time request whose device work runs 8 ms, in a process with BE work of its own,
      keeps another process's BE work held all that time (not only 2 ms after its last command);
  (j) REEF_RT_PREWARM: a periodic real-time process (drv_periodic_rt) beside a best-effort one
      runs Reef's empty kernel before its predicted requests; not alone, not when turned off,
      not in a process of class be;
      (a)/(i) also check release gates are on by default in the BE process only;
  (g) `reefctl set <pid> rt` and `set <pid>:#1 rt` reach the process (status shows them; the
      stream's held work is issued; it ends with nothing held), `reefctl policy set/get`, and
      out-of-range values, bad streams or unknown pids exit 2.
Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, label, detail=""):
        print(("PASS " if ok else "FAIL ") + label + (": " + detail if detail else ""), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def env_for(build, lib, shm, cls, stats):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REEF_", "SIM_")) and k != "LD_PRELOAD"}
    env["LD_LIBRARY_PATH"] = os.path.join(build, "sim", "cuda")
    env.update({"LD_PRELOAD": lib, "REEF_SCHEDULE": "on", "REEF_SHM_NAME": shm, "REEF_CLASS": cls,
                "REEF_STATS": stats})
    return env


def stats_of(pattern):
    files = glob.glob(pattern)
    if len(files) != 1:
        return None
    with open(files[0]) as f:
        return json.load(f).get("scheduling")


def reefctl(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def wait_listed(ctl, shm, pid, timeout=5.0):
    """Waits until `pid` is in the segment (it registers at its first held or real-time command)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rc, out, _ = reefctl(ctl, "status", "--segment", shm, "--json")
        if rc == 0 and any(p["pid"] == pid for p in json.loads(out)["processes"]):
            return True
        time.sleep(0.02)
    return False


def pair_run(r, build, lib, ctl, tmp, shared, rt_args=("--role", "rt"), tag=None, rt_class="rt"):
    prog = os.path.join(build, "tests", "cuda", "rt_latency")
    be_shm = "/reef-e2e-%d-a" % os.getpid()
    rt_shm = be_shm if shared else "/reef-e2e-%d-b" % os.getpid()
    tag = tag or ("shared" if shared else "separate")
    be = subprocess.Popen([prog, "--report", "--role", "be", "--stay-ms", "1500"],
                          env=env_for(build, lib, be_shm, "be", os.path.join(tmp, tag + "-be.%p.json")),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_listed(ctl, be_shm, be.pid)
    rt = subprocess.Popen([prog, "--report", *rt_args], env=env_for(build, lib, rt_shm, rt_class, os.path.join(tmp, tag + "-rt.%p.json")),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    status = None
    if shared:
        deadline = time.time() + 5
        while time.time() < deadline and rt.poll() is None:
            rc, out, _ = reefctl(ctl, "status", "--segment", be_shm, "--json")
            if rc == 0:
                doc = json.loads(out)
                pids = {p["pid"]: p for p in doc["processes"]}
                if be.pid in pids and rt.pid in pids and pids[be.pid]["class"] == "be" and pids[rt.pid]["class"] == "rt":
                    status = (doc, reefctl(ctl, "status", "--segment", be_shm)[1])
                    if pids[rt.pid]["rt_requests"] >= 2:   # latencies published too: done
                        break
            time.sleep(0.05)
    be_out, be_err = be.communicate(timeout=60)
    rt_out, rt_err = rt.communicate(timeout=60)
    for shm in {be_shm, rt_shm}:
        try:
            os.unlink("/dev/shm" + shm)
        except OSError:
            pass
    return (be.returncode, be_out, be_err), (rt.returncode, rt_out, rt_err), status


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--reef-lib", default=os.environ.get("REEF_LIB"))
    ap.add_argument("--reefctl", default=None)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    lib = os.path.abspath(a.reef_lib or os.path.join(build, "libreef.so"))
    ctl = os.path.abspath(a.reefctl or os.path.join(build, "reefctl"))
    r = Results()
    with tempfile.TemporaryDirectory() as tmp:
        # (a) + (c)
        (be_rc, be_out, be_err), (rt_rc, rt_out, rt_err), status = pair_run(r, build, lib, ctl, tmp, True)
        r.check(be_rc == 0 and be_out.rstrip().endswith("OK"), "(a) BE process exits 0 with OK", "rc %d %s" % (be_rc, be_err[-300:]))
        r.check(rt_rc == 0 and rt_out.rstrip().endswith("OK"), "(a) RT process exits 0 with OK", "rc %d %s" % (rt_rc, rt_err[-300:]))
        be_stats = stats_of(os.path.join(tmp, "shared-be.*.json"))
        requests = sum(1 for line in rt_out.splitlines() if line.startswith("rt "))
        # Each request lasts ~0.1 ms of wall time; a loaded 2-core machine may not run the BE
        # dispatcher during every one, so half of them is the bar (separate segments give 0).
        r.check(be_stats is not None and be_stats["preemptions"] >= max(1, requests // 2),
                "(a) the BE process preempted for the other process's requests",
                "preemptions %s for %d RT requests" % (be_stats and be_stats["preemptions"], requests))
        r.check(be_stats is not None and be_stats["held_at_exit"] == 0 and be_stats["released"] > 0,
                "(a) BE work all released", str(be_stats and {k: be_stats[k] for k in ("released", "held_at_exit")}))
        # A best-effort process beside a real-time one gates by default, with a window of 8.
        gate = (be_stats or {}).get("gate") or {}
        r.check(gate.get("enabled") is True and gate.get("gated", 0) > 0 and gate.get("closes", 0) > 0
                and be_stats["window"] == 8 and not gate.get("turned_off"),
                "(a) the BE process gated its work by default (window 8)",
                "gate %s window %s" % (gate, be_stats and be_stats.get("window")))
        if be_stats:
            stopped = sorted(be_stats["preemption_latency"]["stopped_us"])
            if stopped:
                print("INFO (a) cross-process signal: last RT command -> BE release stopped, us: p50 %d, max %d (n=%d)"
                      % (stopped[len(stopped) // 2], stopped[-1], len(stopped)))
        r.check(status is not None, "(c) reefctl status --json listed both processes with classes be and rt",
                json.dumps(status[0]) if status else "not seen")
        if status:
            table = status[1]
            r.check(table.splitlines()[1].split()[:3] == ["PID", "CLASS", "STREAMS"] and "rt_latency" in table,
                    "(c) reefctl status table", table.replace("\n", " | ")[:300])
            rtp = [p for p in status[0]["processes"] if p["class"] == "rt"][0]
            r.check(rtp["rt_requests"] >= 2 and rtp["rt_p99_us_at_most"] is not None and rtp["rt_p99_us_at_most"] >= 32,
                    "(c) the RT process publishes its request latencies (p99 at least one 50 us simulated kernel)",
                    "requests %s, p50 <= %s us, p99 <= %s us" % (rtp["rt_requests"], rtp["rt_p50_us_at_most"], rtp["rt_p99_us_at_most"]))
        # (b)
        (be_rc, _, _), (rt_rc, _, _), _ = pair_run(r, build, lib, ctl, tmp, False)
        alone = stats_of(os.path.join(tmp, "separate-be.*.json"))
        r.check(be_rc == 0 and rt_rc == 0 and alone is not None and alone["preemptions"] == 0,
                "(b) with separate segments the BE process never preempts", str(alone and alone["preemptions"]))
        # (i) requests whose device work outlasts foreignIdleNanos (2 ms) after their last command
        # (8 requests of one 8 ms kernel) in a process that also has best-effort work of its own
        # (so it tracks its real-time work: both halves of rt_latency, class be, the RT stream
        # real-time by priority): the other BE process holds for the whole of each request, since
        # the first publishes that its work is still incomplete. Before, it resumed 2 ms after the
        # last command: about 2 ms of each 8 ms request. (A process with real-time work only
        # does not track it, so for its requests the 2 ms rule stands.)
        (be_rc, _, _), (rt_rc, rt_out, rt_err), _ = pair_run(r, build, lib, ctl, tmp, True, ("--rt-ns", "8000000"), "long",
                                                             rt_class="be")
        long_stats = stats_of(os.path.join(tmp, "long-be.*.json"))
        held_ms = long_stats and long_stats.get("dispatcher_ms", {}).get("realtime")
        r.check(be_rc == 0 and rt_rc == 0 and held_ms is not None and held_ms >= 40,
                "(i) a BE process holds while another process's long real-time request runs on the device",
                "BE dispatcher time in real-time phase %s ms for 8 requests of 8 ms (rc %d/%d) %s"
                % (held_ms, be_rc, rt_rc, rt_err[-200:]))
        # That process issued real-time work itself: no default gates there (window 4).
        mixed = stats_of(os.path.join(tmp, "long-rt.*.json"))
        r.check(mixed is not None and mixed["gate"]["enabled"] is False and mixed["gate"]["gated"] == 0 and mixed["window"] == 4,
                "(i) a process with real-time work of its own does not gate by default",
                str(mixed and (mixed["gate"], mixed["window"])))
        # (j) REEF_RT_PREWARM: a periodic real-time process beside a best-effort one runs Reef's
        # empty kernel before each predicted request once the period is known; none without a
        # best-effort process in its segment, none when turned off.
        periodic = os.path.join(build, "tests", "cuda", "drv_periodic_rt")
        # REEF_CLASS=be: its stream is real-time by priority, but the process may run best-effort
        # work of its own (then contexts do not switch): no prewarm there either.
        for n, (label, shared, extra) in enumerate((("with a BE process", True, {}), ("alone in its segment", False, {}),
                                                    ("REEF_RT_PREWARM=off", True, {"REEF_RT_PREWARM": "off"}),
                                                    ("of class be (RT stream by priority)", True, {"REEF_CLASS": "be"}))):
            tag = "prewarm%d" % n
            be_shm = "/reef-e2e-%d-pw" % os.getpid()
            rt_shm = be_shm if shared else "/reef-e2e-%d-pw-alone" % os.getpid()
            be = subprocess.Popen([os.path.join(build, "tests", "cuda", "rt_latency"), "--report", "--role", "be", "--stay-ms", "1200"],
                                  env=env_for(build, lib, be_shm, "be", os.path.join(tmp, tag + "-be.%p.json")),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_listed(ctl, be_shm, be.pid)
            env = env_for(build, lib, rt_shm, "rt", os.path.join(tmp, tag + "-rt.%p.json"))
            env.update(extra)
            rt = subprocess.run([periodic, "--requests", "40", "--period-us", "10000"], env=env,
                                capture_output=True, text=True, timeout=60)
            be.communicate(timeout=60)
            for shm in {be_shm, rt_shm}:
                try:
                    os.unlink("/dev/shm" + shm)
                except OSError:
                    pass
            pw = ((stats_of(os.path.join(tmp, tag + "-rt.*.json")) or {}).get("prewarm")) or {}
            ok = rt.returncode == 0 and rt.stdout.rstrip().endswith("OK") and pw.get("failed") == 0
            if label == "with a BE process":
                # 40 requests: the period is learned from the first five; a loaded CI machine
                # may wake late for some (then no kernel for that request).
                ok = ok and pw.get("sent", 0) >= 15 and abs(pw.get("period_us", 0) - 10000) <= 1250 and pw.get("lead_us") == 300
            else:
                ok = ok and pw.get("sent") == 0
            r.check(ok, "(j) REEF_RT_PREWARM, periodic RT process %s" % label, "%s rc %d %s" % (pw, rt.returncode, rt.stderr[-200:]))
        # (g) reefctl set and policy
        shm = "/reef-e2e-%d-set" % os.getpid()
        prog = os.path.join(build, "tests", "cuda", "rt_latency")
        target = subprocess.Popen([prog, "--report", "--role", "be", "--stay-ms", "1000"],
                                  env=env_for(build, lib, shm, "be", os.path.join(tmp, "set.%p.json")),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        listed = wait_listed(ctl, shm, target.pid)
        rc_set, out_set, err_set = reefctl(ctl, "set", str(target.pid), "rt", "--segment", shm)
        _, st, _ = reefctl(ctl, "status", "--segment", shm, "--json")
        shown = [p for p in json.loads(st)["processes"] if p["pid"] == target.pid] if st else []
        t_out, t_err = target.communicate(timeout=60)
        set_stats = stats_of(os.path.join(tmp, "set.*.json"))
        r.check(listed and rc_set == 0 and shown and shown[0]["class"] == "rt" and shown[0]["class_override"] == "rt"
                and target.returncode == 0 and set_stats and set_stats["held_at_exit"] == 0,
                "(g) reefctl set <pid> rt: status shows it, the process runs on and ends with nothing held",
                "%s %s rc %s" % (out_set.strip() or err_set.strip(), shown, target.returncode))
        # A stream of a best-effort process set real-time: its held work is issued, status lists it.
        target = subprocess.Popen([prog, "--report", "--role", "be", "--stay-ms", "1000"],
                                  env=env_for(build, lib, shm, "be", os.path.join(tmp, "setstream.%p.json")),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        listed = wait_listed(ctl, shm, target.pid)
        rc_s, out_s, err_s = reefctl(ctl, "set", "%d:#1" % target.pid, "rt", "--segment", shm)
        time.sleep(0.3)
        _, st, _ = reefctl(ctl, "status", "--segment", shm, "--json")
        shown = [p for p in json.loads(st)["processes"] if p["pid"] == target.pid] if st else []
        rc_bad, _, err_bad = reefctl(ctl, "set", "%d:#0" % target.pid, "rt", "--segment", shm)
        target.communicate(timeout=60)
        s_stats = stats_of(os.path.join(tmp, "setstream.*.json"))
        r.check(listed and rc_s == 0 and shown and shown[0]["stream_overrides"] == {"#1": "rt"} and shown[0]["held"] == 0
                and target.returncode == 0 and s_stats and s_stats["held_at_exit"] == 0 and rc_bad == 2,
                "(g) reefctl set <pid>:#1 rt: the stream's held work is issued at once; a bad stream exits 2",
                "%s %s" % (out_s.strip() or err_s.strip(), shown and {k: shown[0][k] for k in ("held", "stream_overrides")}))
        rc1, _, _ = reefctl(ctl, "policy", "set", "window", "3", "--segment", shm)
        _, got, _ = reefctl(ctl, "policy", "get", "--json", "--segment", shm)
        rc2, _, err2 = reefctl(ctl, "policy", "set", "window", "5000", "--segment", shm)
        rc3, _, err3 = reefctl(ctl, "set", "999999", "be", "--segment", shm)
        rc4, out4, _ = reefctl(ctl, "policy", "set", "padding", "on", "--segment", shm)
        _, got4, _ = reefctl(ctl, "policy", "get", "padding", "--segment", shm)
        rc5, _, err5 = reefctl(ctl, "policy", "set", "padding", "maybe", "--segment", shm)
        rc6, _, _ = reefctl(ctl, "policy", "set", "padding", "unset", "--segment", shm)
        r.check(rc1 == 0 and json.loads(got) == {"window": 3, "linger_us": 0, "padding": None, "pad_slack_us": 0}
                and rc2 == 2 and "1...1024" in err2 and rc3 == 2 and "not attached" in err3
                and rc4 == 0 and got4.strip() == "padding on" and rc5 == 2 and "on, off or unset" in err5 and rc6 == 0,
                "(g) policy set/get (window, padding); out-of-range values and unknown pids exit 2 with a message",
                got.strip() + " " + got4.strip())
        try:
            os.unlink("/dev/shm" + shm)
        except OSError:
            pass
        # (h) a real-time process SIGKILLed mid-run leaves no stuck best-effort queue elsewhere
        shm = "/reef-e2e-%d-rtkill" % os.getpid()
        be = subprocess.Popen([prog, "--report", "--role", "be", "--stay-ms", "800"],
                              env=env_for(build, lib, shm, "be", os.path.join(tmp, "rtkill-be.%p.json")),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_listed(ctl, shm, be.pid)
        rtp = subprocess.Popen([prog, "--report", "--role", "rt"], env=env_for(build, lib, shm, "rt", os.path.join(tmp, "rtkill-rt.%p.json")),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.06)   # a few requests in
        rtp.send_signal(signal.SIGKILL)
        rtp.wait()

        def released():
            rc, out, _ = reefctl(ctl, "status", "--segment", shm, "--json")
            mine = [p for p in json.loads(out)["processes"] if p["pid"] == be.pid] if rc == 0 else []
            return mine[0]["released"] if mine else None

        time.sleep(0.05)
        before = released()
        time.sleep(0.35)
        after = released()
        be_out, be_err = be.communicate(timeout=60)
        killed_stats = stats_of(os.path.join(tmp, "rtkill-be.*.json"))
        r.check(before is not None and after is not None and after > before and be.returncode == 0
                and killed_stats is not None and killed_stats["held_at_exit"] == 0,
                "(h) after a real-time process is SIGKILLed mid-run, another process's best-effort work keeps being released",
                "released %s -> %s over 0.35 s after the kill; rc %d" % (before, after, be.returncode))
        try:
            os.unlink("/dev/shm" + shm)
        except OSError:
            pass
        # (d) SIGKILL while attached
        shm = "/reef-e2e-%d-kill" % os.getpid()
        prog = os.path.join(build, "tests", "cuda", "rt_latency")
        victim = subprocess.Popen([prog, "--report", "--role", "be", "--stay-ms", "5000"],
                                  env=env_for(build, lib, shm, "be", os.path.join(tmp, "kill.%p.json")),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = wait_listed(ctl, shm, victim.pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        t0 = time.time()
        rc, out, _ = reefctl(ctl, "status", "--segment", shm, "--json")
        listed = rc == 0 and any(p["pid"] == victim.pid for p in json.loads(out)["processes"])
        rc_gc, gc_out, _ = reefctl(ctl, "gc", "--segment", shm, "--remove-empty")
        r.check(seen and not listed and rc_gc == 0 and "reclaimed 1 entry" in gc_out and time.time() - t0 < 1.0,
                "(d) a SIGKILLed process is dropped from status and reclaimed by gc within 1 s", gc_out.strip())
        # (e) corrupt and foreign segments
        for what, data in (("corrupt", b"\xff" * 14512), ("foreign size", b"\0" * 4096)):
            shm = "/reef-e2e-%d-bad" % os.getpid()
            with open("/dev/shm" + shm, "wb") as f:
                f.write(data)
            os.chmod("/dev/shm" + shm, 0o600)
            p = subprocess.run([prog], env=env_for(build, lib, shm, "be", os.path.join(tmp, "bad.%p.json")),
                               capture_output=True, text=True, timeout=60)
            plain = subprocess.run([prog], env={"LD_LIBRARY_PATH": os.path.join(build, "sim", "cuda")},
                                   capture_output=True, text=True, timeout=60)
            rc_s, _, err_s = reefctl(ctl, "status", "--segment", shm)
            r.check(p.returncode == 0 and p.stdout == plain.stdout and "refused" in p.stderr and rc_s == 1 and "refused" in err_s,
                    "(e) %s segment refused with a message; the program runs as without Reef" % what,
                    (p.stderr.strip() or "")[:200])
            os.unlink("/dev/shm" + shm)
        # (f) CLI errors
        rc, _, err = reefctl(ctl, "status", "--bogus")
        r.check(rc == 2 and "Unknown option" in err, "(f) unknown option exits 2 with a message", "rc %d" % rc)
        rc, _, err = reefctl(ctl, "status", "--segment", "/reef-e2e-missing")
        r.check(rc == 1 and "No such file" in err, "(f) missing segment exits 1 with a message", "rc %d: %s" % (rc, err.strip()))
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
