#!/usr/bin/env bash
# Repeats the start of an in-process row (ResNet-50 warm-up on a best-effort stream, graph
# capture, first replay, synchronize) in fresh processes under several Reef configurations, to
# reproduce the rare "CUDA error: context is destroyed" seen at that point on the H100 (see
# docs/ARCHITECTURE.md). Prints one line per run (rc, last stderr lines) and a count per config.
#   OUT=<dir> CRASH_RUNS=8 bash Scripts/gpu/diag/capture_crash.sh      (from the repository root)
set -u -o pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=${OUT:-/tmp/reef-diag}/capture_crash
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
RUNS=${CRASH_RUNS:-8}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
PROBE='import sys; sys.path.insert(0, "Scripts/gpu/inprocess"); sys.path.insert(0, ".")
from models import capture_realtime_graph
capture_realtime_graph(); print("capture ok", flush=True)'
CONFIGS=("learn-gate-predict|REEF_BE_GATE=on REEF_RT_PREDICT=on REEF_BE_WINDOW=8"
         "learn-budget|REEF_BE_GATE=off REEF_BE_INFLIGHT_US=100"
         "no-learn|REEF_BE_GATE=off")
for spec in "${CONFIGS[@]}"; do
  IFS='|' read -r name envspec <<<"$spec"
  bad=0
  for i in $(seq 1 "$RUNS"); do
    # shellcheck disable=SC2086
    env LD_PRELOAD="$LIB" REEF_SCHEDULE=on REEF_LOG=info REEF_STATS="$OUT/$name.$i.stats.json" $envspec \
      timeout -k 5 90 python3 -c "$PROBE" >"$OUT/$name.$i.out" 2>"$OUT/$name.$i.err" </dev/null
    rc=$?
    [[ $rc -ne 0 ]] && bad=$((bad + 1))
    echo "$name run $i: rc=$rc $(grep -h -E 'reef\[|Error|error' "$OUT/$name.$i.err" | tail -3 | tr '\n' ' ' | cut -c1-400)"
  done
  echo "== $name: $bad of $RUNS runs failed"
done
