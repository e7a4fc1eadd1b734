/*
 * drv_contexts.c — a thread's current context is the application's: work held on a stream of one
 * context and issued by Reef from a thread where another context is current (here at stream
 * destroy, which issues the stream's held work in the calling thread) must leave that thread's
 * context as it was. Kernels are non-idempotent (x2p1), so lost or doubled work shows too.
 */
#include "drv_util.h"

#define N 1024

int main(void) {
    CUcontext first = drv_setup();
    CUdevice dev;
    CHECK(cuDeviceGet(&dev, 0));
    CUmodule mod;
    CUfunction x2p1;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\nx2p1\n"));
    CHECK(cuModuleGetFunction(&x2p1, mod, "x2p1"));
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CUdeviceptr d;
    CHECK(cuMemAlloc_v2(&d, N * sizeof(float)));
    CHECK(cuMemsetD32Async(d, 0, N, s));
    int n = N;
    for (int k = 0; k < 4; k++) {
        void *params[] = {&d, &n};
        CHECK(cuLaunchKernel(x2p1, N / 256, 1, 1, 256, 1, 1, 0, s, params, NULL));
    }
    CUcontext second;
    CHECK(cuCtxCreate_v2(&second, 0, dev)); /* current from here on */
    CHECK(cuStreamDestroy_v2(s));            /* the first context's stream, its work maybe held */
    CUcontext now = NULL;
    CHECK(cuCtxGetCurrent(&now));
    printf("current context after destroying the other context's stream: %s\n", now == second ? "unchanged" : "CHANGED");
    EXPECT(now == second);
    CHECK(cuCtxSetCurrent(first));
    CHECK(cuCtxSynchronize());
    float host[N];
    CHECK(cuMemcpyDtoH_v2(host, d, sizeof host));
    for (int i = 0; i < N; i++) EXPECT(host[i] == 15.0f);
    printf("x = 2x + 1 four times: %g\n", host[0]);
    CHECK(cuMemFree_v2(d));
    CHECK(cuCtxDestroy_v2(second));
    printf("OK\n");
    return 0;
}
