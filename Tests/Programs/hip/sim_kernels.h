// Device kernels shared by the HIP test programs.
//
// Names and parameter lists match the simulated device's kernel table
// (Tests/SimRuntimes/core/simdev.h: vadd, saxpy, gemm, x2p1, reduce_sum, delay, empty) plus
// mixed_args, which the HIP simulator adds (Tests/SimRuntimes/hip/hipsim_kernels.c). The
// simulator matches the mangled name the compiler registers through __hipRegisterFunction.
// The device code is compiled for real (gfx90a) so the code object carries true argument
// metadata, but it never runs: the simulator executes a C twin.
#pragma once
#include <hip/hip_runtime.h>
#include <stdint.h>

// 24 bytes with an 8-byte aligned tail, so its kernarg offset is padded.
struct Params24 {
    float scale;
    int32_t bias;
    double offset;
    int64_t tag;
};

__global__ void vadd(const float* a, const float* b, float* c, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

__global__ void saxpy(float a, const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

// Row-major C[MxN] = A[MxK] * B[KxN]; grid.x covers N, grid.y covers M.
__global__ void gemm(const float* A, const float* B, float* C, int M, int N, int K) {
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= M || col >= N) return;
    float acc = 0.0f;
    for (int k = 0; k < K; ++k) acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}

// Not idempotent: replaying it (e.g. a scheduler retrying a launch) changes the result.
__global__ void x2p1(float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = x[i] * 2.0f + 1.0f;
}

__global__ void reduce_sum(const int* in, int* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(out, in[i]);
}

// Busy for `ns` per block on the simulated clock; keeps a stream occupied.
__global__ void delay(unsigned long long ns) {
    long long start = clock64();
    while ((unsigned long long)(clock64() - start) < ns) {
    }
}

__global__ void empty() {}

// Mixed argument sizes and alignments: char at 0, int64 at 8, float at 16, pointer at 24,
// 24-byte struct at 32 (kernarg segment 56 bytes).
__global__ void mixed_args(char c, int64_t wide, float f, int64_t* out, Params24 p) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = (int64_t)c + wide + (int64_t)(f * p.scale) + p.bias + (int64_t)p.offset + p.tag + i;
}
