#!/usr/bin/env bash
# Builds the CUDA programs of checks (e) and (f) into $1, both at once (nvcc is slow, cores are
# plentiful). Exit status: non-zero if either build failed.
set -u
out=${1:?usage: build_cuda.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
"$nvcc" --version | tail -n 2
flags=(-O2 -arch=sm_90 -std=c++17)
echo "build: $nvcc ${flags[*]}"
"$nvcc" "${flags[@]}" -o "$out/empty_launch" "$here/empty_launch.cu" &
p1=$!
"$nvcc" "${flags[@]}" -o "$out/cross_runtime" "$here/cross_runtime.cu" &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
echo "build: empty_launch rc=$r1, cross_runtime rc=$r2"
[ "$r1" -eq 0 ] && [ "$r2" -eq 0 ]
