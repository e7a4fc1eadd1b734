#!/usr/bin/env bash
# The main job: run a workload with and without Reef and show what Reef saw. On a machine with an
# NVIDIA GPU and PyTorch it runs Scripts/demo/torch_demo.py; otherwise a program of the test
# suite against the simulated CUDA driver (Tests/SimRuntimes), which executes its kernels on the CPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib=${REEF_LIB:-$root/build/libreef.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if nvidia-smi -L >/dev/null 2>&1 && python3 -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "== GPU found: $(nvidia-smi -L | head -1)"
  run() { python3 "$root/Scripts/demo/torch_demo.py"; }
  mode=gpu
else
  echo "== no usable GPU: running on the simulated CUDA driver ($root/build/sim/cuda)"
  prog=${REEF_DEMO_PROGRAM:-$root/build/tests/cuda/rt_streams_priority}
  export LD_LIBRARY_PATH=$root/build/sim/cuda:$root/build/tests/cuda${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  run() { "$prog"; }
  mode=sim
fi

echo "== without Reef"
run | tee "$tmp/plain.txt"
echo "== with Reef (LD_PRELOAD=$lib)"
REEF_STATS=$tmp/stats.json LD_PRELOAD=$lib run | tee "$tmp/reef.txt"
echo "== with Reef scheduling on (REEF_SCHEDULE=on: best-effort work held and released by Reef)"
REEF_SCHEDULE=on REEF_STATS=$tmp/sched.json LD_PRELOAD=$lib run | tee "$tmp/sched.txt"

python3 - "$tmp/stats.json" "$tmp/plain.txt" "$tmp/reef.txt" "$mode" "$tmp/sched.json" "$tmp/sched.txt" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
plain, reef, mode = open(sys.argv[2]).read(), open(sys.argv[3]).read(), sys.argv[4]
sched, sched_out = json.load(open(sys.argv[5])), open(sys.argv[6]).read()
def numbers_only(text):  # timings differ run to run; results must not
    return [w for w in text.split() if "sha256" in text and len(w) == 16] if mode == "gpu" else text
print("== what Reef saw")
print(f"runtime {stats['runtime']}: {stats['launches']} kernel launches "
      f"({stats['uncaptured_launches']} uncaptured), {stats['graph_launches']} graph launches, "
      f"{len(stats['streams'])} streams, {len(stats['kernels'])} distinct kernels")
top = sorted(stats["calls"].items(), key=lambda kv: -kv[1])[:8]
print("busiest calls: " + ", ".join(f"{k} {v}" for k, v in top))
for k in stats["kernels"][:5]:
    print(f"  kernel {k['name'][:70]}: {k['launches']} launches")
s = sched.get("scheduling", {})
print(f"with scheduling: {s.get('released')} commands held and released by Reef, "
      f"{s.get('preemptions')} preemptions, window {s.get('window')}, process class {s.get('process_class')}")
same = numbers_only(plain) == numbers_only(reef) == numbers_only(sched_out)
print("results identical without Reef, with Reef, and with Reef scheduling:", "yes" if same else "NO")
sys.exit(0 if same else 1)
PY
