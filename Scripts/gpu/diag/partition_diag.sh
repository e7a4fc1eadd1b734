#!/usr/bin/env bash
# Issue 6 on the H100, without Reef: what RT gets when a BE model runs beside it on SMs of its
# own. RT (the in-process benchmark's CUDA-graph ResNet-50 bs1, every 10 ms) alone on the whole
# GPU and confined to the SMs that splitting N off leaves (RT_GREEN=rest:N, what confining RT
# costs); then the BE loop on a green context of N SMs (BE_GREEN=N) with RT on the complement
# (disjoint: no SM shared) or on the whole GPU (overlapping, as Reef's padding runs RT); and the
# transformer's kernel sequence alone (kernel_trace.py) for Scripts/bench/nonoverlap_bound.py.
#   OUT=/tmp/out bash Scripts/gpu/diag/partition_diag.sh     (from the repository root)
# Knobs: PARTITION_REQUESTS (600), PARTITION_SIZES ("16 32 64"), PARTITION_BE ("transformer";
# also resnet152), PARTITION_BE_CHECK (1; 0: the BE loop copies nothing back per iteration: with
# it, RT's own copy into pageable memory waits behind the BE loop's, see pageable_copy.c),
# PARTITION_RESET (RT_RESET_CONTEXT=N on the co-located rows: a kernel of a private context every
# N requests, which ends the ~12 % slow state another stream's kernels put RT's graph in),
# PARTITION_TRACE (1: the kernel trace), PARTITION_OVERLAP (1: the overlapping row).
set -u -o pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
OUT=${OUT:-/tmp/reef-partition-out}
mkdir -p "$OUT/diag"
if [[ ${PARTITION_TRACE:-1} == 1 ]]; then
  python3 "$HERE/kernel_trace.py" --be transformer --iterations 5 --out "$OUT/diag/transformer-trace.json" \
    2>&1 | tail -3 || echo "kernel_trace failed"
fi
sizes=${PARTITION_SIZES:-16 32 64}
check=${PARTITION_BE_CHECK:-1}
reset=${PARTITION_RESET:-}
co="BE_CHECK=$check${reset:+ RT_RESET_CONTEXT=$reset}"
suffix=$([[ $check == 0 ]] && echo c)${reset:+_r$reset}
rows="rt_alone"
extra=""
for n in $sizes; do
  rows+=" rt_r$n"
  extra+="rt_r$n|none|high|RT_GREEN=rest:$n${reset:+ RT_RESET_CONTEXT=$reset};"
done
for be in ${PARTITION_BE:-transformer}; do
  tag=${be:0:2}
  rows+=" ${tag}_no_reef$suffix"
  extra+="${tag}_no_reef$suffix|$be|normal|$co;"
  for n in $sizes; do
    rows+=" ${tag}_d$n$suffix"
    extra+="${tag}_d$n$suffix|$be|high|$co BE_GREEN=$n RT_GREEN=rest:$n;"
  done
  if [[ ${PARTITION_OVERLAP:-1} == 1 ]]; then
    mid=$(echo "$sizes" | awk '{print $2 ? $2 : $1}')
    rows+=" ${tag}_o$mid$suffix"
    extra+="${tag}_o$mid$suffix|$be|high|$co BE_GREEN=$mid;"
  fi
done
rows+=" rt_alone_end"
OUT="$OUT" INPROCESS_REQUESTS=${PARTITION_REQUESTS:-600} INPROCESS_ROWS="$rows" \
  INPROCESS_EXTRA_ROWS="${extra%;}" bash "$REPO/Scripts/gpu/inprocess/run.sh"
