#!/usr/bin/env bash
# Issue 6 on the H100, without Reef: what RT gets when the transformer BE runs beside it on SMs
# of its own. RT (the in-process benchmark's CUDA-graph ResNet-50 bs1, every 10 ms) alone on the
# whole GPU and confined to the SMs that splitting N off leaves (RT_GREEN=rest:N, what confining RT
# costs); then the BE loop on a green context of N SMs (BE_GREEN=N) with RT on the complement
# (disjoint: no SM shared) or on the whole GPU (overlapping, as Reef's padding runs RT); and the
# transformer's kernel sequence alone (kernel_trace.py) for Scripts/bench/nonoverlap_bound.py.
#   OUT=/tmp/out bash Scripts/gpu/diag/partition_diag.sh     (from the repository root)
# Knobs: PARTITION_REQUESTS (600), PARTITION_SIZES ("16 32 64").
set -u -o pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
OUT=${OUT:-/tmp/reef-partition-out}
mkdir -p "$OUT/diag"
python3 "$HERE/kernel_trace.py" --be transformer --iterations 5 --out "$OUT/diag/transformer-trace.json" \
  2>&1 | tail -3 || echo "kernel_trace failed"
sizes=${PARTITION_SIZES:-16 32 64}
rows="rt_alone tf_no_reef"
extra=""
for n in $sizes; do
  rows+=" rt_r$n tf_d$n"
  extra+="rt_r$n|none|high|RT_GREEN=rest:$n;tf_d$n|transformer|high|BE_GREEN=$n RT_GREEN=rest:$n;"
done
mid=$(echo "$sizes" | awk '{print $2 ? $2 : $1}')
rows+=" tf_o$mid tf_d${mid}_reset rt_alone_end"
extra+="tf_o$mid|transformer|high|BE_GREEN=$mid;tf_d${mid}_reset|transformer|high|BE_GREEN=$mid RT_GREEN=rest:$mid RT_RESET_CONTEXT=10"
OUT="$OUT" INPROCESS_REQUESTS=${PARTITION_REQUESTS:-600} INPROCESS_TRANSFORMER=1 INPROCESS_ROWS="$rows" \
  INPROCESS_EXTRA_ROWS="$extra" bash "$REPO/Scripts/gpu/inprocess/run.sh"
