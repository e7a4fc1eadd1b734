/*
 * drv_library.c — CUkernel handles from cuLibraryGetKernel, launched directly as CUfunction (as
 * CUDA 12+ runtimes do) and through cuKernelGetFunction; parameter queries on both handle kinds
 * (cuFuncGetParamInfo refuses a CUkernel: a shim must fall back to cuKernelGetParamInfo).
 */
#include "drv_util.h"

#define N 2048

static float ha[N], hb[N], hc[N];

int main(void) {
    drv_setup();
    CUlibrary lib;
    CUkernel kvadd, kgemm, kreduce;
    CHECK(cuLibraryLoadData(&lib, "reefsim-module\nvadd\ngemm\nreduce_sum\n", NULL, NULL, 0, NULL, NULL, 0));
    CHECK(cuLibraryGetKernel(&kvadd, lib, "vadd"));
    CHECK(cuLibraryGetKernel(&kgemm, lib, "gemm"));
    CHECK(cuLibraryGetKernel(&kreduce, lib, "reduce_sum"));
    CUfunction fgemm;
    CHECK(cuKernelGetFunction(&fgemm, kgemm));

    size_t off, size;
    printf("cuFuncGetParamInfo(CUkernel): %s\n", err_name(cuFuncGetParamInfo((CUfunction)kgemm, 0, &off, &size)));
    printf("gemm params via CUkernel:");
    for (size_t i = 0; cuKernelGetParamInfo(kgemm, i, &off, &size) == CUDA_SUCCESS; i++) printf(" (%zu,%zu)", off, size);
    printf("\ngemm params via CUfunction:");
    for (size_t i = 0; cuFuncGetParamInfo(fgemm, i, &off, &size) == CUDA_SUCCESS; i++) printf(" (%zu,%zu)", off, size);
    printf("\n");
    const char *name = NULL;
    CHECK(cuKernelGetName(&name, kreduce));
    printf("kernel name: %s\n", name);
    CHECK(cuFuncGetName(&name, fgemm));
    printf("function name: %s\n", name);

    for (int i = 0; i < N; i++) {
        ha[i] = (float)(i % 19);
        hb[i] = (float)(i % 6);
    }
    CUdeviceptr da, db, dc, dsum;
    CHECK(cuMemAlloc_v2(&da, sizeof ha));
    CHECK(cuMemAlloc_v2(&db, sizeof hb));
    CHECK(cuMemAlloc_v2(&dc, sizeof hc));
    CHECK(cuMemAlloc_v2(&dsum, sizeof(int)));
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CHECK(cuMemcpyHtoDAsync_v2(da, ha, sizeof ha, s));
    CHECK(cuMemcpyHtoDAsync_v2(db, hb, sizeof hb, s));

    int n = N;
    void *vadd_args[] = {&da, &db, &dc, &n};
    CHECK(cuLaunchKernel((CUfunction)kvadd, N / 256, 1, 1, 256, 1, 1, 0, s, vadd_args, NULL));

    /* GEMM 32x64 * 64x32 over the same buffers, via the CUfunction of a CUkernel and via the
     * CUkernel in cuLaunchKernelEx */
    int M = 32, K = 64, Nn = 32;
    void *gemm_args[] = {&da, &db, &dc, &M, &Nn, &K};
    CHECK(cuLaunchKernel(fgemm, 2, 2, 1, 16, 16, 1, 0, s, gemm_args, NULL));
    CUlaunchConfig cfg = {2, 2, 1, 16, 16, 1, 0, s, NULL, 0};
    CHECK(cuLaunchKernelEx(&cfg, (CUfunction)kgemm, gemm_args, NULL));

    /* int reduction over the float bits is meaningless; reduce the gemm output as ints instead */
    CHECK(cuMemsetD32Async(dsum, 0, 1, s));
    int count = M * Nn;
    void *reduce_args[] = {&dc, &dsum, &count};
    CHECK(cuLaunchKernel((CUfunction)kreduce, 4, 1, 1, 256, 1, 1, 0, s, reduce_args, NULL));
    int sum = 0;
    CHECK(cuMemcpyDtoHAsync_v2(hc, dc, sizeof hc, s));
    CHECK(cuMemcpyDtoHAsync_v2(&sum, dsum, sizeof sum, s));
    for (int r = 0; r < M; r++)
        for (int c = 0; c < Nn; c++) {
            float acc = 0;
            for (int k = 0; k < K; k++) acc += ha[r * K + k] * hb[k * Nn + c];
            EXPECT(hc[r * Nn + c] == acc);
        }
    unsigned want_sum = 0; /* 32-bit wrap-around, as on the device */
    for (int i = 0; i < M * Nn; i++) {
        unsigned bits;
        memcpy(&bits, &hc[i], sizeof bits);
        want_sum += bits;
    }
    EXPECT((unsigned)sum == want_sum);
    print_floats("gemm", hc, (size_t)(M * Nn));
    printf("reduce over gemm bits: %d\n", sum);

    CHECK(cuStreamDestroy_v2(s));
    CHECK(cuMemFree_v2(da));
    CHECK(cuMemFree_v2(db));
    CHECK(cuMemFree_v2(dc));
    CHECK(cuMemFree_v2(dsum));
    CHECK(cuLibraryUnload(lib));
    printf("OK\n");
    return 0;
}
