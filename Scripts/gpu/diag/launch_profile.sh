#!/usr/bin/env bash
# Profiles Reef's share of the launch path on a GPU host with a carried perf (issue 2, (d)/(e)):
# the empty-kernel launch loop and an eager ResNet-50 bs1 fp16 loop, each with Reef preloaded,
# sampled with cpu-clock (VMs often expose no PMU). Reports time per DSO and Reef's top symbols.
#   PERFKIT=<dir with perf, ld-linux-x86-64.so.2, lib/> OUT=<dir> bash Scripts/gpu/diag/launch_profile.sh
set -u -o pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=${OUT:-/tmp/reef-diag}/launch_profile
LIB=${REEF_LIB:-$REPO/dist/libreef.so}
KIT=${PERFKIT:-$REPO/.perfkit}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
perf() { "$KIT/ld-linux-x86-64.so.2" --library-path "$KIT/lib" "$KIT/perf" "$@"; }
W=$(mktemp -d)
nvcc -O2 -arch=sm_90 -o "$W/empty_launch" "$REPO/Scripts/gpu/interception/empty_launch.cu" || exit 1
cat >"$W/r50.py" <<'PY'
import time, torch, torchvision
m = torchvision.models.resnet50().half().cuda().eval()
x = torch.randn(1, 3, 224, 224, device="cuda", dtype=torch.half)
with torch.inference_mode():
    for _ in range(50): m(x)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(400): m(x); torch.cuda.synchronize()
    print("r50 eager bs1: %.3f ms per inference" % ((time.perf_counter() - t) / 400 * 1e3))
PY
report() {  # $1 = perf.data
  echo "-- by DSO"; perf report -i "$1" --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -15
  echo "-- libreef.so symbols"; perf report -i "$1" --stdio --dsos libreef.so --sort symbol 2>/dev/null | grep -E '^ +[0-9]' | head -30
}
for cfg in plain reef; do
  env=(); [[ $cfg == reef ]] && env=(LD_PRELOAD="$LIB")
  echo "== empty_launch $cfg"
  env "${env[@]}" taskset -c 3 "$W/empty_launch" 300000 10000
  perf record -e cpu-clock -F 20000 -o "$W/e_$cfg.data" -- env "${env[@]}" taskset -c 3 "$W/empty_launch" 300000 10000 >/dev/null 2>&1 || echo "perf record failed"
  report "$W/e_$cfg.data"
  echo "== r50 $cfg"
  perf record -e cpu-clock -F 20000 -o "$W/r_$cfg.data" -- env "${env[@]}" taskset -c 2-5 python3 "$W/r50.py" 2>&1 | grep -v "^\[" || echo "perf record failed"
  report "$W/r_$cfg.data"
done
rm -rf "$W"
