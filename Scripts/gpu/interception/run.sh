#!/usr/bin/env bash
# Reef CUDA-interception acceptance checks (a)-(g) on one NVIDIA GPU. The single entry point:
#   bash Scripts/gpu/interception/run.sh        (from the repository root)
# Writes $OUT/interception-h100.json (every number, a verdict per check, the environment, the
# command, the commit) and $OUT/interception.log. Every step runs under `timeout`, capped by one
# overall budget (REEF_CHECK_BUDGET_S, default 420 s) so the result JSON is always written; a
# failing step is recorded and the next one still runs.
# Knobs: OUT, REEF_LIB (default dist/libreef.so), PYTHON, REEF_CHECK_BUDGET_S, REEF_COMMIT,
# REEF_CHECK_COMMAND (what to record as the command, if run through a wrapper).
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
COMMAND=${REEF_CHECK_COMMAND:-"bash $0${*:+ $*}"}
OUT=${OUT:-/tmp/reef-interception-out}
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
PY=${PYTHON:-python3}
BUDGET_S=${REEF_CHECK_BUDGET_S:-420}
RESERVE_S=20  # kept back for assembling the result
mkdir -p "$OUT"
LOG=$OUT/interception.log
exec > >(tee "$LOG") 2>&1
TEE_PID=$!
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reef-interception.XXXXXX")
STEPS=$WORK/steps.jsonl
START=$(date +%s)
DEADLINE=$((START + BUDGET_S - RESERVE_S))

# Baselines must be free of Reef whatever the caller's environment holds.
unset LD_PRELOAD REEF_STATS REEF_DISABLE
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# torch.compile compiles in-process: no pool of compile workers to start for one tiny kernel.
export TORCHINDUCTOR_COMPILE_THREADS=1

log() { printf '[%s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - START))" "$*"; }

# budget LIMIT: LIMIT capped by what is left of the overall budget.
budget() {
  local left=$((DEADLINE - $(date +%s)))
  echo $(($1 < left ? $1 : left))
}

# step NAME LIMIT_S CMD...: run CMD under timeout, append its outcome to steps.jsonl.
step() {
  local name=$1 limit; limit=$(budget "$2"); shift 2
  if ((limit < 5)); then
    log "SKIP $name: time budget spent"
    printf '{"name":"%s","rc":null,"skipped":"time budget spent"}\n' "$name" >>"$STEPS"
    return 0
  fi
  log "BEGIN $name (limit ${limit}s): $*"
  local t0 t1 rc secs timed_out=false
  t0=$(date +%s.%N)
  timeout -k 10 "$limit" "$@" </dev/null
  rc=$?
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if ((rc == 124 || rc == 137)); then timed_out=true; fi
  log "END $name rc=$rc ${secs}s timed_out=$timed_out"
  printf '{"name":"%s","rc":%d,"seconds":%s,"limit_s":%d,"timed_out":%s}\n' \
    "$name" "$rc" "$secs" "$limit" "$timed_out" >>"$STEPS"
}

# reef_workload NAME LIMIT ARGS...: workload.py preloaded with Reef, stats into stats/NAME/.
# `env` sets LD_PRELOAD for the workload only, not for `timeout`.
reef_workload() {
  local name=$1 limit=$2; shift 2
  mkdir -p "$WORK/stats/$name"
  # REEF_CAPTURE=all: every launch issued from its captured LaunchRecord, so (a)-(c) prove
  # that records are complete; (d) and (e) measure the default path users get.
  step "workload_$name" "$limit" env LD_PRELOAD="$LIB" REEF_CAPTURE=all REEF_STATS="$WORK/stats/$name/reef-%p.json" \
    "$PY" "$HERE/workload.py" --out "$WORK/wl-${name//_/-}.json" "$@"
}

log "Reef interception checks: repo=$REPO lib=$LIB out=$OUT work=$WORK budget=${BUDGET_S}s"
log "command: $COMMAND"
[[ -f $LIB ]] || log "WARNING: $LIB does not exist: every run with Reef will fail"
nvidia-smi -L || log "WARNING: nvidia-smi failed"

step env 60 "$PY" "$HERE/env_info.py" --repo "$REPO" --lib "$LIB" --out "$WORK/env.json"
step build_cuda 120 bash "$HERE/build_cuda.sh" "$WORK/bin"
# (a)-(c). The run without Reef goes first: it also fills torch.compile's caches, so the Reef
# runs all take the same cached path, and it alone runs torch.profiler.
step workload_plain 180 "$PY" "$HERE/workload.py" --resnet-iters 1 --extras --profile \
  --trace-dir "$WORK/traces" --out "$WORK/wl-plain.json"
# The extras again without Reef, made exactly as the Reef extras run (no ResNet-50 first, no
# profiler): cuBLAS's kernel choice depends on allocator state, so hashes compare like with like.
step workload_plain_extras 120 "$PY" "$HERE/workload.py" --extras --out "$WORK/wl-plain-extras.json"
reef_workload reef_1 90 --resnet-iters 1
reef_workload reef_11 90 --resnet-iters 11
reef_workload reef_extras 120 --extras
# (d), (e): the coordinators get a budget 10 s inside their step limit, to save partial results.
# Both configurations run pinned to the same cores, so neither gets a different CPU or cache.
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 2-7)
L=$(budget 120)
step latency "$L" "${PIN[@]}" "$PY" "$HERE/latency.py" --lib "$LIB" --rounds 600 --pairs 6 --pin-cores 2,3,4,5,6,7 \
  --iters 1 --warmup 30 \
  --budget-s $((L > 20 ? L - 10 : L)) --out "$WORK/latency.json"
L=$(budget 150)
# 9 rounds: with 3 configurations rotated per round, each one runs first, second and third
# equally often (a run's position in its round moved its rate by up to 1 % in H100 runs 5-6).
step microbench "$L" "${PIN[@]}" "$PY" "$HERE/microbench.py" --lib "$LIB" --bin "$WORK/bin/empty_launch" \
  --rounds 9 --with-stats --stats-dir "$WORK/stats/microbench" --launches 1000000 --sync-every 10000 \
  --budget-s $((L > 20 ? L - 10 : L)) --out "$WORK/microbench.json"
# (f), (g)
step cross_runtime 60 "$PY" "$HERE/crossrt.py" --lib "$LIB" --bin "$WORK/bin/cross_runtime" \
  --stats-dir "$WORK/stats/cross_runtime" --out "$WORK/crossrt.json"
step processes 120 "$PY" "$HERE/process_checks.py" --lib "$LIB" --stats-dir "$WORK/stats/processes" \
  --out "$WORK/processes.json"
# (d)'s A/A control, reported next to it: the same coordinator, the "reef" worker preloading a
# library that does nothing. Last, so it only takes time the checks left.
printf 'int reef_aa_control;\n' >"$WORK/aa.c"
if cc -shared -fPIC -o "$WORK/bin/libaa.so" "$WORK/aa.c"; then
  L=$(budget 120)
  step latency_aa "$L" "${PIN[@]}" "$PY" "$HERE/latency.py" --lib "$WORK/bin/libaa.so" --rounds 600 --pairs 6 \
    --pin-cores 2,3,4,5,6,7 --iters 1 --warmup 30 --budget-s $((L > 20 ? L - 10 : L)) --out "$WORK/latency_aa.json"
fi

RESULT=$OUT/interception-h100.json
timeout -k 5 60 "$PY" "$HERE/assemble.py" --work "$WORK" --out "$RESULT" --command "$COMMAND" --started "$START"
rc=$?
if [[ ! -s $RESULT ]]; then
  printf '{"schema":"reef-interception-check/1","error":"assemble.py failed (rc=%d), see interception.log"}\n' "$rc" >"$RESULT"
fi
log "done in $(($(date +%s) - START))s: $RESULT (assemble rc=$rc), raw files in $WORK"
# Let tee write the last lines before the caller collects $OUT.
exec >&- 2>&-
wait "$TEE_PID" 2>/dev/null
exit "$rc"
