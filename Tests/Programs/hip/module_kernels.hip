// Kernels for the module-loading programs, built with `hipcc --genco` into a standalone
// code object. extern "C" names are how JIT-style launchers look kernels up; gemm keeps its
// C++ mangled name to exercise lookup by mangled name too. Signatures match sim_kernels.h.
#include <hip/hip_runtime.h>
#include <stdint.h>

struct Params24 {
    float scale;
    int32_t bias;
    double offset;
    int64_t tag;
};

extern "C" __global__ void vadd(const float* a, const float* b, float* c, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

extern "C" __global__ void x2p1(float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = x[i] * 2.0f + 1.0f;
}

extern "C" __global__ void mixed_args(char c, int64_t wide, float f, int64_t* out, Params24 p) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = (int64_t)c + wide + (int64_t)(f * p.scale) + p.bias + (int64_t)p.offset + p.tag + i;
}

__global__ void gemm(const float* A, const float* B, float* C, int M, int N, int K) {
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= M || col >= N) return;
    float acc = 0.0f;
    for (int k = 0; k < K; ++k) acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}
