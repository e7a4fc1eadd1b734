/*
 * blas_gemm.c — GEMMs through libsimblas (direct dlsym'd cuLaunchKernel / cuLaunchKernelEx, with
 * `extra` buffers and kernelParams in turn) on two streams, one with a launch priority, mixed
 * with runtime work; checked against a CPU GEMM.
 */
#include "simblas.h"
#include "simrt.h"
#include "test_util.h"

#define M 48
#define N 40
#define K 24
#define CALLS 6

static float A[M * K], B[K * N], C[M * N], want[M * N];

int main(void) {
    for (int i = 0; i < M * K; i++) A[i] = (float)(i % 7) - 3.0f;
    for (int i = 0; i < K * N; i++) B[i] = (float)(i % 5) - 2.0f;
    for (int r = 0; r < M; r++)
        for (int c = 0; c < N; c++) {
            float acc = 0;
            for (int k = 0; k < K; k++) acc += A[r * K + k] * B[k * N + c];
            want[r * N + c] = acc;
        }
    CHECK(simrtInit()); /* context current on this thread, as a real app would have */
    simrtStream_t s[2];
    CHECK(simrtStreamCreate(&s[0], simrtStreamNonBlocking, 0));
    CHECK(simrtStreamCreate(&s[1], 0, -3));
    float *dA, *dB, *dC[CALLS];
    CHECK(simrtMalloc((void **)&dA, sizeof A));
    CHECK(simrtMalloc((void **)&dB, sizeof B));
    for (int i = 0; i < CALLS; i++) CHECK(simrtMalloc((void **)&dC[i], sizeof C));
    CHECK(simrtMemcpy(dA, A, sizeof A, simrtMemcpyHostToDevice));
    CHECK(simrtMemcpy(dB, B, sizeof B, simrtMemcpyHostToDevice));

    simblasHandle_t h[2];
    CHECK(simblasCreate(&h[0]));
    CHECK(simblasCreate(&h[1]));
    CHECK(simblasSetStream(h[0], s[0]));
    CHECK(simblasSetStream(h[1], s[1]));
    CHECK(simblasSetPriority(h[1], -4));
    for (int i = 0; i < CALLS; i++) CHECK(simblasSgemm(h[i % 2], M, N, K, dA, dB, dC[i]));
    CHECK(simrtDeviceSynchronize());
    for (int i = 0; i < CALLS; i++) {
        CHECK(simrtMemcpy(C, dC[i], sizeof C, simrtMemcpyDeviceToHost));
        expect_floats("gemm", C, want, M * N);
    }
    print_floats("C = A*B", C, M * N);

    /* Default stream (NULL) through simblas too. */
    CHECK(simblasSetStream(h[0], NULL));
    CHECK(simblasSgemm(h[0], M, N, K, dA, dB, dC[0]));
    CHECK(simrtMemcpy(C, dC[0], sizeof C, simrtMemcpyDeviceToHost));
    expect_floats("gemm on default stream", C, want, M * N);

    CHECK(simblasDestroy(h[0]));
    CHECK(simblasDestroy(h[1]));
    CHECK(simrtStreamDestroy(s[0]));
    CHECK(simrtStreamDestroy(s[1]));
    CHECK(simrtFree(dA));
    CHECK(simrtFree(dB));
    for (int i = 0; i < CALLS; i++) CHECK(simrtFree(dC[i]));
    printf("OK\n");
    return 0;
}
