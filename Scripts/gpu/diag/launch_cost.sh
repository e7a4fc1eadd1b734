#!/usr/bin/env bash
# Where Reef's per-launch cost comes from on a GPU host (issue 2, check (e)):
#  1. the null driver (no GPU work, hot caches): ns per cuLaunchKernel with and without Reef;
#  2. the real driver: empty-kernel launch rate, plain / Reef / REEF_DISABLE=1 runs alternated
#     and pinned to one core, so drift on the host hits every configuration alike;
#  3. hardware counters (perf), where the host exposes them.
#   OUT=<dir> bash Scripts/gpu/diag/launch_cost.sh      (from the repository root)
set -u -o pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=${OUT:-/tmp/reef-diag}/launch_cost
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
W=$(mktemp -d)
inc=$REPO/Sources/CInterpose/include
src=$REPO/Scripts/microbench/scheduler_throughput
lscpu | grep -E "Model name|Socket|Thread|NUMA node\(s\)|L1d|L1i|L2|L3|Hypervisor" || true
cc -O2 -fPIC -shared -Wl,-soname,libcuda.so.1 -I "$inc" "$src/null_gpu.c" -o "$W/libcuda.so.1" -lpthread
cc -O2 -I "$inc" "$src/sched_loop.c" -o "$W/sched_loop" -ldl
echo "== null driver: 10000 launches + sync, 300 iterations, best of 3 rounds"
for i in 1 2 3; do
  echo -n "plain: "; env NULL_GPU_KERNEL_NS=0 NULL_GPU_LAUNCH_NS=0 NULL_GPU_RECORD_NS=0 NULL_GPU_QUERY_NS=0 LD_LIBRARY_PATH=$W taskset -c 3 "$W/sched_loop" 10000 300 3
  echo -n "reef: "; env NULL_GPU_KERNEL_NS=0 NULL_GPU_LAUNCH_NS=0 NULL_GPU_RECORD_NS=0 NULL_GPU_QUERY_NS=0 LD_LIBRARY_PATH=$W LD_PRELOAD=$LIB taskset -c 3 "$W/sched_loop" 10000 300 3
done
nvcc -O2 -arch=sm_90 -o "$W/empty_launch" "$REPO/Scripts/gpu/interception/empty_launch.cu" || exit 1
echo "== real driver: empty kernels, 300000 launches per run, pinned to core 3, alternated"
for i in 1 2 3 4 5 6; do
  echo -n "plain: "; taskset -c 3 "$W/empty_launch" 300000 10000
  echo -n "reef: "; LD_PRELOAD=$LIB taskset -c 3 "$W/empty_launch" 300000 10000
  echo -n "disabled: "; REEF_DISABLE=1 LD_PRELOAD=$LIB taskset -c 3 "$W/empty_launch" 300000 10000
done
if command -v perf >/dev/null; then
  ev=instructions,cycles,iTLB-load-misses,dTLB-load-misses,L1-icache-load-misses,LLC-load-misses
  echo "== perf stat plain"; taskset -c 3 perf stat -e $ev "$W/empty_launch" 300000 10000 2>&1
  echo "== perf stat reef"; LD_PRELOAD=$LIB taskset -c 3 perf stat -e $ev "$W/empty_launch" 300000 10000 2>&1
  LD_PRELOAD=$LIB perf record -q -o "$W/perf.data" "$W/empty_launch" 300000 10000 >/dev/null 2>&1 \
    && perf report -i "$W/perf.data" --stdio --sort dso,symbol 2>/dev/null | grep -v '^#' | head -40
else
  echo "perf: not installed"
fi
rm -rf "$W"
