/*
 * simblas.h — a tiny cuBLAS/Triton-like library (libsimblas.so): it finds cuLaunchKernel and
 * cuLaunchKernelEx with dlsym (RTLD_DEFAULT first, then a libcuda.so.1 handle) and launches its
 * own GEMM module through them, alternating `extra` buffers and kernelParams.
 * The caller's thread must have a current context (e.g. after any simrt call).
 */
#ifndef SIMBLAS_H
#define SIMBLAS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct simblas_ctx *simblasHandle_t;

int simblasCreate(simblasHandle_t *h);
int simblasDestroy(simblasHandle_t h);
/* Stream for later calls (a CUstream; NULL = legacy default stream). */
int simblasSetStream(simblasHandle_t h, void *stream);
/* Launch priority for cuLaunchKernelEx launches (CU_LAUNCH_ATTRIBUTE_PRIORITY); unset = stream's. */
int simblasSetPriority(simblasHandle_t h, int priority);
/* C[MxN] = A[MxK] * B[KxN], row-major, device pointers. Returns a CUresult. */
int simblasSgemm(simblasHandle_t h, int M, int N, int K, const float *A, const float *B, float *C);

#ifdef __cplusplus
}
#endif
#endif /* SIMBLAS_H */
