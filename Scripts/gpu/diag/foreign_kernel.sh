#!/usr/bin/env bash
# Runs foreign_kernel.c on the GPU of this machine (see that file): OUT/foreign_kernel.json,
# env.json and command.txt; then
#   python3 Scripts/gpu/diag/foreign_kernel_report.py OUT --out-dir bench/results --name <name>
# Knobs: OUT (default /tmp/reef-foreign-out), DIAG_REQUESTS (300), DIAG_KERNELS (300), DIAG_ITERS (200).
set -u -o pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=${OUT:-/tmp/reef-foreign-out}
mkdir -p "$OUT"
unset LD_PRELOAD
BIN=$(mktemp -d)/foreign_kernel
cc -O2 -o "$BIN" "$HERE/foreign_kernel.c" -ldl || { echo "cannot build foreign_kernel.c" >&2; exit 1; }
python3 "$REPO/Scripts/gpu/interception/env_info.py" --repo "$REPO" --lib none --out "$OUT/env.json" || echo "env_info failed" >&2
printf '%s\n' "$(env | grep -E '^DIAG_' | sort | tr '\n' ' ')REEF_COMMIT=${REEF_COMMIT:-} bash Scripts/gpu/diag/foreign_kernel.sh" >"$OUT/command.txt"
timeout -k 5 240 "$BIN" --out "$OUT/foreign_kernel.json"
