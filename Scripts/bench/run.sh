#!/usr/bin/env bash
# Reef's DISB benchmark: Scripts/bench/run.sh <A|B|C|D|E|trace|all|B,C> [options]  (--help for all)
# Runs from the repository root so the workers can import Scripts.bench; results go to
# bench/results/<date>-<gpu>/. The MPS daemon gets a private folder that this script also
# tells to quit on exit, even if Python was killed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

export REEF_BENCH_COMMAND="Scripts/bench/run.sh $*"
export REEF_BENCH_MPS_DIR=$(mktemp -d /tmp/reef-bench-mps.XXXXXX)
stop_mps() {
  if [ -S "$REEF_BENCH_MPS_DIR/pipe/control" ] || [ -p "$REEF_BENCH_MPS_DIR/pipe/control" ]; then
    echo quit | CUDA_MPS_PIPE_DIRECTORY="$REEF_BENCH_MPS_DIR/pipe" \
      CUDA_MPS_LOG_DIRECTORY="$REEF_BENCH_MPS_DIR/log" nvidia-cuda-mps-control >/dev/null 2>&1 || true
  fi
  rm -rf "$REEF_BENCH_MPS_DIR"
}
trap stop_mps EXIT

python3 -m Scripts.bench.main "$@"
