#!/usr/bin/env bash
# The cross-process benchmark of issue 4 on one NVIDIA GPU:
#   REEF_COMMIT=<sha> bash Scripts/gpu/crossproc/run.sh      (from the repository root)
# RT process: CUDA-graph ResNet-50 bs1 fp16 every 10 ms (Scripts/gpu/inprocess/row.py --be none,
# C client); BE process: eager ResNet-152 bs32 fp16 closed loop (be_worker.py). Rows: RT alone, no
# Reef time-sliced, no Reef under MPS, Reef, Reef under MPS, RT alone under MPS, RT alone again. Each row starts the
# BE process, waits until it is warm, runs the RT process, then stops the BE process.
# Writes $OUT/crossproc/rows/<row>.{rt,be}.json, reef stats, reefctl status snapshots, env.json.
# Then: python3 Scripts/gpu/crossproc/report.py $OUT/crossproc --out-dir bench/results
# Knobs: OUT, REEF_LIB (dist/libreef.so), REEFCTL (dist/reefctl), PYTHON, CROSSPROC_REQUESTS (1500),
# CROSSPROC_ROWS (subset of row names), CROSSPROC_FLOOR (1: the floor rows, a BE process with one
# small kernel per 100 ms, time-sliced and under MPS), CROSSPROC_BE_VARIANTS (1: BE without
# deterministic algorithms, or without its output check), CROSSPROC_REPEAT=N (rows of
# CROSSPROC_REPEAT_ROWS run N times, pooled by the report), CROSSPROC_ACCEPT (1: issue 4's
# acceptance set, below), CROSSPROC_EXPLORE (1: rows that look for
# the cause of RT's device-time slowdown across processes; 2 and 3: more of them, below).
set -u -o pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
OUT=${OUT:-/tmp/reef-crossproc-out}/crossproc
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
CTL=${REEFCTL:-$REPO/dist/reefctl}
PY=${PYTHON:-python3}
# CROSSPROC_ACCEPT=1: issue 4's acceptance set in one call (~7 min on an H100): RT alone (plain,
# under MPS, again at the end), no Reef and Reef time-sliced three times each, interleaved, and
# under MPS once; the BE loop without its per-iteration output check (see CROSSPROC_BE_VARIANTS).
# Each knob it sets can still be given.
if [[ ${CROSSPROC_ACCEPT:-0} == 1 ]]; then
  export CROSSPROC_BE_VARIANTS=${CROSSPROC_BE_VARIANTS:-1} CROSSPROC_FLOOR=${CROSSPROC_FLOOR:-0}
  export CROSSPROC_REQUESTS=${CROSSPROC_REQUESTS:-1500} CROSSPROC_REPEAT=${CROSSPROC_REPEAT:-3}
  export CROSSPROC_REPEAT_ROWS="${CROSSPROC_REPEAT_ROWS:-timesliced_nocheck reef_nocheck}"
  export CROSSPROC_ROWS="${CROSSPROC_ROWS:-rt_alone timesliced_nocheck reef_nocheck mps_nocheck reef_mps_nocheck rt_alone_mps rt_alone_end}"
fi
REQUESTS=${CROSSPROC_REQUESTS:-1500}
mkdir -p "$OUT/rows"
exec > >(tee "$OUT/run.log") 2>&1
unset LD_PRELOAD REEF_STATS REEF_DISABLE REEF_SCHEDULE REEF_CLASS
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
START=$(date +%s)
log() { printf '[%s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - START))" "$*"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reef-crossproc.XXXXXX")
cc -O2 -shared -fPIC -o "$WORK/rt_driver.so" "$REPO/Scripts/gpu/inprocess/rt_driver.c" -ldl || { log "cannot build rt_driver.c"; exit 1; }
"$PY" "$REPO/Scripts/gpu/interception/env_info.py" --repo "$REPO" --lib "$LIB" --out "$OUT/env.json" >/dev/null || log "env_info failed"
printf '%s\n' "$(env | grep -E '^CROSSPROC_' | sort | tr '\n' ' ')REEF_COMMIT=${REEF_COMMIT:-} bash Scripts/gpu/crossproc/run.sh" >"$OUT/command.txt"

MPS_DIR=$WORK/mps
start_mps() {
  mkdir -p "$MPS_DIR/pipe" "$MPS_DIR/log"
  CUDA_MPS_PIPE_DIRECTORY=$MPS_DIR/pipe CUDA_MPS_LOG_DIRECTORY=$MPS_DIR/log nvidia-cuda-mps-control -d || return 1
  sleep 1
}
stop_mps() {
  echo quit | CUDA_MPS_PIPE_DIRECTORY=$MPS_DIR/pipe CUDA_MPS_LOG_DIRECTORY=$MPS_DIR/log nvidia-cuda-mps-control >/dev/null 2>&1 || true
  sleep 1
}
trap stop_mps EXIT

# name | BE process | MPS | Reef | extra environment for both processes (under Reef)
#      | BE model (default resnet152) | extra environment for the BE process
ROWS=("rt_alone|no|no|no|" "rt_alone_mps|no|yes|no|" "timesliced|yes|no|no|" "mps|yes|yes|no|" "reef|yes|no|yes|"
      "reef_mps|yes|yes|yes|")
# The floor across processes: a BE process that runs one small kernel every 100 ms. In one process
# that already slows RT's graph 12-13 % on the device (bench/results/rt-slowdown-diag.md); does a
# kernel in another process (another context: time-sliced, or under MPS) do the same?
if [[ ${CROSSPROC_FLOOR:-1} == 1 ]]; then
  ROWS+=("floor|yes|no|no||gpu_sparse|BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100"
         "floor_mps|yes|yes|no||gpu_sparse|BE_SPARSE_OP=kernel BE_SPARSE_SLEEP_MS=100")
fi
# Release gates (REEF_BE_GATE=on) with a larger window (CROSSPROC_GATE_WINDOW, default 8).
if [[ ${CROSSPROC_GATE:-0} == 1 ]]; then
  ROWS+=("reef_gate|yes|no|yes|REEF_BE_GATE=on REEF_BE_WINDOW=${CROSSPROC_GATE_WINDOW:-8}"
         "reef_gate_mps|yes|yes|yes|REEF_BE_GATE=on REEF_BE_WINDOW=${CROSSPROC_GATE_WINDOW:-8}")
fi
# Periodic RT predicted (REEF_RT_PREDICT=on) on top of the gates.
if [[ ${CROSSPROC_PREDICT:-0} == 1 ]]; then
  ROWS+=("reef_gate_predict|yes|no|yes|REEF_BE_GATE=on REEF_BE_WINDOW=${CROSSPROC_GATE_WINDOW:-8} REEF_RT_PREDICT=on")
fi
# Why time-sliced and MPS rows stall RT for ms (H100 runs 7-8, 2026-11-26): BE without PyTorch's
# deterministic algorithms (the rows before they were on saw 3.1x time-sliced, 1.24x Reef), or
# without its per-iteration output check and copy back.
if [[ ${CROSSPROC_BE_VARIANTS:-0} == 1 ]]; then
  ROWS+=("timesliced_nd|yes|no|no||resnet152|BE_DETERMINISTIC=0" "reef_nd|yes|no|yes||resnet152|BE_DETERMINISTIC=0"
         "mps_nd|yes|yes|no||resnet152|BE_DETERMINISTIC=0"
         "timesliced_nocheck|yes|no|no||resnet152|BE_CHECK=0" "reef_nocheck|yes|no|yes||resnet152|BE_CHECK=0"
         "mps_nocheck|yes|yes|no||resnet152|BE_CHECK=0" "reef_mps_nocheck|yes|yes|yes||resnet152|BE_CHECK=0"
         "reef_nocheck_noprewarm|yes|no|yes|REEF_RT_PREWARM=off|resnet152|BE_CHECK=0")
fi
# What makes RT's graph slower on the device across processes (CROSSPROC_EXPLORE=1; BE without
# its output check): fewer BE commands in flight, gates, a nudge by the BE process after each
# foreign RT busy period, a kernel in a private context of the RT client after every 10th request.
if [[ ${CROSSPROC_EXPLORE:-0} == 1 ]]; then
  for m in "|no|" "_mps|yes|"; do
    IFS='|' read -r sfx on_mps _ <<<"$m"
    ROWS+=("reef${sfx}_nc_w1|yes|$on_mps|yes|REEF_BE_WINDOW=1|resnet152|BE_CHECK=0"
           "reef${sfx}_nc_gate|yes|$on_mps|yes|REEF_BE_GATE=on REEF_BE_WINDOW=8|resnet152|BE_CHECK=0"
           "reef${sfx}_nc_nudge|yes|$on_mps|yes|REEF_RT_NUDGE=on REEF_RT_NUDGE_FOREIGN=on|resnet152|BE_CHECK=0"
           "reef${sfx}_nc_rtreset|yes|$on_mps|yes|RT_RESET_CONTEXT=10|resnet152|BE_CHECK=0")
  done
fi
# CROSSPROC_EXPLORE=2: the RT client switching its context in early
# (RT_PREWARM_US: an event record or an empty kernel on its stream 300 us before each request);
# a BE with a 6 MB footprint (gemm_small) under Reef.
if [[ ${CROSSPROC_EXPLORE:-0} == 2 ]]; then
  ROWS+=("reef_nc_prewarm_ev|yes|no|yes|RT_PREWARM_US=300 RT_PREWARM_OP=event|resnet152|BE_CHECK=0"
         "reef_nc_prewarm_k|yes|no|yes|RT_PREWARM_US=300 RT_PREWARM_OP=kernel|resnet152|BE_CHECK=0"
         "reef_mps_nc_prewarm_k|yes|yes|yes|RT_PREWARM_US=300 RT_PREWARM_OP=kernel|resnet152|BE_CHECK=0"
         "reef_nc_small|yes|no|yes||gemm_small|BE_CHECK=0")
fi
# CROSSPROC_EXPLORE=3: what under MPS slows RT's graph beside another client (run 12-13: RT alone
# under MPS 1.00 ms on the device, beside any other client's work 1.15 ms): a client that ran its
# warm-up and then stays attached without GPU work; the BE process kept out of MPS (a pipe
# directory with no daemon: an ordinary context, time-sliced against the MPS server), without
# and with Reef.
if [[ ${CROSSPROC_EXPLORE:-0} == 3 ]]; then
  mkdir -p "$WORK/no-mps"
  ROWS+=("floor_mps_idle|yes|yes|no||gpu_sparse|BE_CHECK=0 BE_SPARSE_OP=none BE_SPARSE_SLEEP_MS=100"
         "mps_be_outside|yes|yes|no||resnet152|BE_CHECK=0 CUDA_MPS_PIPE_DIRECTORY=$WORK/no-mps"
         "reef_mps_be_outside|yes|yes|yes||resnet152|BE_CHECK=0 CUDA_MPS_PIPE_DIRECTORY=$WORK/no-mps")
fi
ROWS+=("rt_alone_end|no|no|no|")
# Repeats (CROSSPROC_REPEAT=N, rows CROSSPROC_REPEAT_ROWS): each listed row runs N times in all,
# the copies named <row>~2 ... <row>~N, in interleaved rounds after the other rows; the report
# pools a row's copies (the BE process's rate moved by 2x between calls of the same rows).
. "$REPO/Scripts/gpu/repeat_rows.sh"
repeat_rows "${CROSSPROC_REPEAT:-1}" "${CROSSPROC_REPEAT_ROWS:-timesliced reef mps reef_mps}"
for spec in "${ROWS[@]}"; do
  IFS='|' read -r name with_be mps reef extra be_model be_extra <<<"$spec"
  if [[ -n "${CROSSPROC_ROWS:-}" && " $CROSSPROC_ROWS " != *" ${name%~*} "* ]]; then continue; fi
  common=()
  if [[ $mps == yes ]]; then
    start_mps || { log "SKIP $name: MPS daemon did not start"; continue; }
    common+=(CUDA_MPS_PIPE_DIRECTORY="$MPS_DIR/pipe" CUDA_MPS_LOG_DIRECTORY="$MPS_DIR/log")
  fi
  shm="/reef-bench-$$-${name/\~/-r}"   # one segment per row and copy
  rt_env=("${common[@]}") be_env=("${common[@]}")
  if [[ $reef == yes ]]; then
    rt_env+=(LD_PRELOAD="$LIB" REEF_SCHEDULE=on REEF_CLASS=rt REEF_SHM_NAME="$shm" REEF_STATS="$OUT/rows/$name.rt-stats.%p.json")
    be_env+=(LD_PRELOAD="$LIB" REEF_SCHEDULE=on REEF_CLASS=be REEF_SHM_NAME="$shm" REEF_STATS="$OUT/rows/$name.be-stats.%p.json")
    for e in $extra; do rt_env+=("$e"); be_env+=("$e"); done
  fi
  rm -f "$WORK/ready" "$WORK/stop" "$WORK/rt_done"
  be_pid=
  if [[ $with_be == yes ]]; then
    for e in ${be_extra:-}; do be_env+=("$e"); done
    env "${be_env[@]}" "$PY" "$HERE/be_worker.py" --model "${be_model:-resnet152}" --ready "$WORK/ready" --stop "$WORK/stop" \
      --out "$OUT/rows/$name.be.json" &
    be_pid=$!
    for _ in $(seq 1 600); do [[ -f $WORK/ready ]] && break; sleep 0.1; done
    sleep 2   # BE alone, warm
  fi
  log "BEGIN $name"
  sampler_pid=
  if [[ $reef == yes ]]; then
    # reefctl status every 3 s while the RT process runs; the last one (near its end) is kept.
    ( while [[ ! -f $WORK/rt_done ]]; do
        "$CTL" status --segment "$shm" >"$WORK/status.txt" 2>&1 && cp "$WORK/status.txt" "$OUT/rows/$name.status.txt"
        "$CTL" status --segment "$shm" --json >"$WORK/status.json" 2>&1 && cp "$WORK/status.json" "$OUT/rows/$name.status.json"
        sleep 3
      done ) &
    sampler_pid=$!
  fi
  timeout -k 10 240 env "${rt_env[@]}" "$PY" "$REPO/Scripts/gpu/inprocess/row.py" --row "$name" --be none --high-priority \
    --requests "$REQUESTS" --driver "$WORK/rt_driver.so" --out "$OUT/rows/$name.rt.json" </dev/null
  log "END $name rt rc=$?"
  touch "$WORK/stop" "$WORK/rt_done"
  [[ -n $be_pid ]] && wait "$be_pid"
  # Named pids only: a bare `wait` also waits for the `tee` of the log (bash >= 5.1), forever.
  [[ -n $sampler_pid ]] && wait "$sampler_pid"
  [[ $mps == yes ]] && stop_mps
  rm -f "/dev/shm$shm"
done
rm -rf "$WORK"
log done
