#!/usr/bin/env bash
# The in-process benchmark of issue 3 on one NVIDIA GPU:
#   REEF_COMMIT=<sha> bash Scripts/gpu/inprocess/run.sh      (from the repository root)
# RT = CUDA-graph ResNet-50 bs1 fp16 every 10 ms (C client, own stream); BE = eager ResNet-152
# bs32 fp16 or a large-batch transformer encoder, closed loop in a Python thread of the same
# process. Each row is its own process; all rows run here, in one call, one after another.
# Writes $OUT/inprocess/rows/*.json, reef-stats files, env.json and run.log; then
#   python3 Scripts/gpu/inprocess/report.py $OUT/inprocess --out-dir bench/results
# Knobs: OUT, REEF_LIB (default dist/libreef.so), PYTHON, INPROCESS_REQUESTS (2000), INPROCESS_ROWS
# (space-separated subset of row names), INPROCESS_TRANSFORMER=1 (adds the transformer rows),
# INPROCESS_PADDING=1 (adds Reef rows with kernel padding on, INPROCESS_PAD_GRAPH_UNITS),
# INPROCESS_BUDGET=1 (adds Reef rows with an in-flight time budget, INPROCESS_INFLIGHT_US),
# INPROCESS_GATE=1 (adds Reef rows with release gates, INPROCESS_GATE_WINDOW), INPROCESS_PREDICT=1
# (adds Reef rows with REEF_RT_PREDICT), INPROCESS_SLOWDOWN=1 (rows that tell why RT slows beside BE),
# INPROCESS_RT_PREFER_L1=1 (RT kernels asking for the most L1, alone and beside BE under Reef),
# INPROCESS_RT_PREPUSH=1 (each RT request fully submitted before the device starts it),
# INPROCESS_RT_CONTEXT=1 (RT's stream in a green context of its own: RT_GREEN, REEF_RT_CONTEXT),
# INPROCESS_NUDGE=1 (Reef rows with REEF_RT_NUDGE: Reef's empty kernel in a private context),
# INPROCESS_REPEAT=N (rows of INPROCESS_REPEAT_ROWS run N times, pooled by the report),
# INPROCESS_EXTRA_ROWS (rows given whole, see below).
# INPROCESS_SLOWDOWN=1 also has rows with the BE stream in a green context (BE_GREEN=all: made by
# the benchmark; REEF_BE_CONTEXT=green: made by Reef, with the RT graph captured on a
# greatest-priority stream, RT_CAPTURE_HIGH=1, and a control row with that capture only).
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
OUT=${OUT:-/tmp/reef-inprocess-out}/inprocess
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
PY=${PYTHON:-python3}
REQUESTS=${INPROCESS_REQUESTS:-2000}
mkdir -p "$OUT/rows"
exec > >(tee "$OUT/run.log") 2>&1
unset LD_PRELOAD REEF_STATS REEF_DISABLE REEF_SCHEDULE
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# Deterministic cuBLAS for every row (with and without Reef): the BE check compares each
# iteration's output bit for bit, and H100 runs 3-7 saw most BE iterations differ from the
# reference in every co-located row, no Reef included.
export CUBLAS_WORKSPACE_CONFIG=${CUBLAS_WORKSPACE_CONFIG:-:4096:8}
START=$(date +%s)
log() { printf '[%s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - START))" "$*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reef-inprocess.XXXXXX")
DRIVER=$WORK/rt_driver.so
cc -O2 -shared -fPIC -o "$DRIVER" "$HERE/rt_driver.c" -ldl || { log "cannot build rt_driver.c"; exit 1; }
"$PY" "$REPO/Scripts/gpu/interception/env_info.py" --repo "$REPO" --lib "$LIB" --out "$OUT/env.json" \
  || log "env_info failed (environment block incomplete)"
printf '%s\n' "$(env | grep -E '^INPROCESS_' | sort | tr '\n' ' ')REEF_COMMIT=${REEF_COMMIT:-} bash Scripts/gpu/inprocess/run.sh" >"$OUT/command.txt"

REEF_ENV=(LD_PRELOAD="$LIB" REEF_SCHEDULE=on)
# name | BE model | RT stream priority | environment
ROWS=(
  "rt_alone|none|normal|"
  "reef_rt_alone|none|high|reef"
  "rt_floor|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
  "no_reef|resnet152|normal|"
  "priority|resnet152|high|"
  "reef|resnet152|high|reef"
  "reef_linger0|resnet152|high|reef REEF_RT_LINGER_US=0"
  "rt_alone_end|none|normal|"
)
if [[ ${INPROCESS_TRANSFORMER:-0} == 1 ]]; then
  ROWS+=("tf_no_reef|transformer|normal|" "tf_priority|transformer|high|" "tf_reef|transformer|high|reef")
fi
# An in-flight time budget (REEF_BE_INFLIGHT_US, default here 100 us): fewer BE commands in
# flight when RT arrives, as many short ones as fit.
if [[ ${INPROCESS_BUDGET:-0} == 1 ]]; then
  ROWS+=("reef_budget|resnet152|high|reef REEF_BE_INFLIGHT_US=${INPROCESS_INFLIGHT_US:-100}"
         "tf_reef_budget|transformer|high|reef REEF_BE_INFLIGHT_US=${INPROCESS_INFLIGHT_US:-100}")
fi
# Release gates (REEF_BE_GATE=on): released BE kernels wait on a host word RT work closes, so
# the window can grow (INPROCESS_GATE_WINDOW, default 8) without RT waiting for it.
if [[ ${INPROCESS_GATE:-0} == 1 ]]; then
  gw=${INPROCESS_GATE_WINDOW:-8}
  ROWS+=("reef_gate|resnet152|high|reef REEF_BE_GATE=on"
         "reef_gate_window|resnet152|high|reef REEF_BE_GATE=on REEF_BE_WINDOW=$gw"
         "reef_gate_budget|resnet152|high|reef REEF_BE_GATE=on REEF_BE_WINDOW=$gw REEF_BE_INFLIGHT_US=${INPROCESS_INFLIGHT_US:-100}"
         "tf_reef_gate|transformer|high|reef REEF_BE_GATE=on"
         "tf_reef_gate_window|transformer|high|reef REEF_BE_GATE=on REEF_BE_WINDOW=$gw")
fi
# Periodic RT predicted (REEF_RT_PREDICT=on): BE kernels that would run into RT's next arrival
# wait for it; alone and with release gates and the larger window.
if [[ ${INPROCESS_PREDICT:-0} == 1 ]]; then
  gw=${INPROCESS_GATE_WINDOW:-8}
  ROWS+=("reef_predict|resnet152|high|reef REEF_RT_PREDICT=on"
         "reef_gate_predict|resnet152|high|reef REEF_RT_PREDICT=on REEF_BE_GATE=on REEF_BE_WINDOW=$gw"
         "tf_reef_rt_predict|transformer|high|reef REEF_RT_PREDICT=on"
         "tf_reef_gate_predict|transformer|high|reef REEF_RT_PREDICT=on REEF_BE_GATE=on REEF_BE_WINDOW=$gw")
fi
# Kernel padding (issue 6): the RT graph is assumed to take INPROCESS_PAD_GRAPH_UNITS SMs
# (default 66, half an H100; `learned` leaves it to Reef, which sizes a captured graph by its
# largest kernel node: for ResNet-50 that may be the whole GPU, so nothing would be padded).
if [[ ${INPROCESS_PADDING:-0} == 1 ]]; then
  units=${INPROCESS_PAD_GRAPH_UNITS:-66}
  pad="REEF_PADDING=on"; [[ $units != learned ]] && pad+=" REEF_PAD_GRAPH_UNITS=$units"
  ROWS+=("reef_pad|resnet152|high|reef $pad" "tf_reef_pad|transformer|high|reef $pad"
         "tf_reef_predict|transformer|high|reef $pad REEF_PAD_PREDICT=on")
fi
# Why RT runs slower beside BE (INPROCESS_SLOWDOWN=1): a small-footprint compute-bound BE and a
# large-footprint memory-bound one, each without and with Reef (models.py: gemm_small, stream_large).
if [[ ${INPROCESS_SLOWDOWN:-0} == 1 ]]; then
  ROWS+=("sd_small_no_reef|gemm_small|high|" "sd_small_reef|gemm_small|high|reef"
         "sd_large_no_reef|stream_large|high|" "sd_large_reef|stream_large|high|reef"
         "sd_tiny_no_reef|tiny_kernels|high|" "sd_tiny_reef|tiny_kernels|high|reef" "sd_cpu|cpu_only|high|"
         "sd_cpu_pure|cpu_pure|high|" "sd_sparse|gpu_sparse|high|"
         "sd_sparse_np|gpu_sparse|normal|" "sd_sparse3|gpu_sparse|high|BE_SPARSE_SLEEP_MS=3"
         "sd_sparse10|gpu_sparse|high|BE_SPARSE_SLEEP_MS=10"
         "sd_once_kernel|once|high|BE_ONCE_OP=kernel" "sd_once_copy|once|high|BE_ONCE_OP=copy"
         "sd_sparse_k|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel"
         "sd_sparse_pageable|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=pageable"
         "sd_sparse_pinned|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=pinned"
         "sd_sparse_k30|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=30"
         "sd_sparse_k100|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "sd_sparse_k_c1|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel CUDA_DEVICE_MAX_CONNECTIONS=1"
         "sd_sparse_green|gpu_sparse|high|BE_CHECK=0 BE_SPARSE_OP=kernel BE_GREEN=all"
         "green_be|resnet152|high|BE_GREEN=all" "reef_green_be|resnet152|high|reef BE_GREEN=all"
         "rt_alone_capture_high|none|normal|RT_CAPTURE_HIGH=1"
         "reef_capture_high|resnet152|high|reef RT_CAPTURE_HIGH=1"
         "reef_be_context|resnet152|high|reef RT_CAPTURE_HIGH=1 REEF_BE_CONTEXT=green"
         "rt_floor_be_context|gpu_sparse|high|reef RT_CAPTURE_HIGH=1 REEF_BE_CONTEXT=green BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "reef_c1|resnet152|high|reef CUDA_DEVICE_MAX_CONNECTIONS=1")
fi
# RT in a context of its own (INPROCESS_RT_CONTEXT=1): on the H100 a kernel of another context (or
# of a whole-device green context) left RT's graph as fast as alone, where one in RT's context
# slows it 9-13 % (bench/results/foreign-kernel-h100.md). RT_GREEN=1: the benchmark makes the RT
# stream in a green context; REEF_RT_CONTEXT=green: Reef does, for the stream the app made.
# RT_RESET_CONTEXT=N: an empty kernel in a private context after every N-th RT request (in the
# synthetic test that put RT's graph back to its fast state for good).
if [[ ${INPROCESS_RT_CONTEXT:-0} == 1 ]]; then
  ROWS+=("rt_green_alone|none|high|RT_GREEN=1"
         "rt_green_floor|gpu_sparse|high|RT_GREEN=1 BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "rt_green_priority|resnet152|high|RT_GREEN=1"
         "reef_rt_context_alone|none|high|reef REEF_RT_CONTEXT=green"
         "rt_floor_rt_context|gpu_sparse|high|reef REEF_RT_CONTEXT=green BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "reef_rt_context|resnet152|high|reef REEF_RT_CONTEXT=green"
         "rt_alone_reset|none|high|RT_RESET_CONTEXT=1"
         "rt_floor_reset|gpu_sparse|high|RT_RESET_CONTEXT=1 BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "priority_reset|resnet152|high|RT_RESET_CONTEXT=1" "reef_reset|resnet152|high|reef RT_RESET_CONTEXT=1"
         "reef_reset10|resnet152|high|reef RT_RESET_CONTEXT=10"
         "reef_sparse_reset|gpu_sparse|high|reef RT_RESET_CONTEXT=1 BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100")
  if [[ ${INPROCESS_TRANSFORMER:-0} == 1 ]]; then
    ROWS+=("tf_reef_rt_context|transformer|high|reef REEF_RT_CONTEXT=green")
  fi
fi
# REEF_RT_NUDGE (INPROCESS_NUDGE=1): Reef itself sends the private-context kernel of the
# RT_RESET_CONTEXT rows, only when a real-time busy period ends with best-effort work pending
# (default every 10th period since session 9: the `reef` row; these rows: every one, off).
if [[ ${INPROCESS_NUDGE:-0} == 1 ]]; then
  ROWS+=("reef_nudge_alone|none|high|reef REEF_RT_NUDGE=on" "reef_nudge|resnet152|high|reef REEF_RT_NUDGE=on"
         "reef_nudge_off|resnet152|high|reef REEF_RT_NUDGE=off"
         "reef_nudge10|resnet152|high|reef REEF_RT_NUDGE=10"
         "reef_sparse_nudge|gpu_sparse|high|reef REEF_RT_NUDGE=on BE_CHECK=0 BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100")
  if [[ ${INPROCESS_TRANSFORMER:-0} == 1 ]]; then
    ROWS+=("tf_reef_nudge|transformer|high|reef REEF_RT_NUDGE=on")
  fi
fi
# RT kernels asking for the most L1 (INPROCESS_RT_PREFER_L1=1; rt_driver.c's RT_PREFER_L1): does
# the shared-memory carveout BE kernels leave behind slow RT down?
if [[ ${INPROCESS_RT_PREFER_L1:-0} == 1 ]]; then
  ROWS+=("rt_alone_l1|none|normal|RT_PREFER_L1=1" "reef_l1|resnet152|high|reef RT_PREFER_L1=1")
fi
# Each RT request fully submitted before the device starts it (INPROCESS_RT_PREPUSH=1;
# rt_driver.c's RT_PREPUSH): is RT's device time beside BE the device waiting for the host?
if [[ ${INPROCESS_RT_PREPUSH:-0} == 1 ]]; then
  ROWS+=("rt_alone_prepush|none|normal|RT_PREPUSH=1" "priority_prepush|resnet152|high|RT_PREPUSH=1"
         "reef_prepush|resnet152|high|reef RT_PREPUSH=1" "sd_small_reef_prepush|gemm_small|high|reef RT_PREPUSH=1")
fi
# Repeats (INPROCESS_REPEAT=N, rows INPROCESS_REPEAT_ROWS, default "no_reef reef"): each listed
# row runs N times in all, the copies named <row>~2 ... <row>~N, in interleaved rounds after the
# other rows; the report pools a row's copies (RT latencies pooled, BE rates averaged), so one
# process's luck (this BE's rate moved ±15 % between rows of one call) weighs less.
# Rows given whole (INPROCESS_EXTRA_ROWS="name|BE model|priority|environment;..."), for a
# one-off experiment; they run after the rows above.
if [[ -n ${INPROCESS_EXTRA_ROWS:-} ]]; then
  IFS=';' read -r -a extra_rows <<<"$INPROCESS_EXTRA_ROWS"
  ROWS+=("${extra_rows[@]}")
fi
. "$REPO/Scripts/gpu/repeat_rows.sh"
repeat_rows "${INPROCESS_REPEAT:-1}" "${INPROCESS_REPEAT_ROWS:-no_reef reef}"
for spec in "${ROWS[@]}"; do
  IFS='|' read -r name be prio envspec <<<"$spec"
  if [[ -n "${INPROCESS_ROWS:-}" && " $INPROCESS_ROWS " != *" ${name%~*} "* ]]; then continue; fi
  envs=()
  for e in $envspec; do
    if [[ $e == reef ]]; then envs+=("${REEF_ENV[@]}" "REEF_STATS=$OUT/rows/$name.reef-stats.%p.json"); else envs+=("$e"); fi
  done
  args=(--row "$name" --be "$be" --requests "$REQUESTS" --driver "$DRIVER" --out "$OUT/rows/$name.json")
  [[ $prio == high ]] && args+=(--high-priority)
  log "BEGIN $name: ${envs[*]:-} row.py ${args[*]}"
  timeout -k 10 150 env "${envs[@]}" "$PY" "$HERE/row.py" "${args[@]}" </dev/null
  log "END $name rc=$?"
done
# A DataLoader with forked workers, without and with Reef (outputs must match).
if [[ " ${INPROCESS_ROWS:-dataloader} " == *" dataloader "* ]]; then
  timeout -k 10 120 "$PY" "$HERE/dataloader_check.py" --out "$OUT/rows/dataloader.plain.json" </dev/null
  log "END dataloader plain rc=$?"
  timeout -k 10 120 env "${REEF_ENV[@]}" "$PY" "$HERE/dataloader_check.py" --out "$OUT/rows/dataloader.reef.json" </dev/null
  log "END dataloader reef rc=$?"
fi
rm -rf "$WORK"
log "done"
