/*
 * drv_fault.c — error paths: calls before cuInit and without a context, invalid handles and
 * arguments (reported synchronously), then a kernel that reads outside device memory: the fault
 * is deferred to the next synchronisation and is sticky afterwards.
 */
#include "drv_util.h"

#include <pthread.h>

static void *no_context_thread(void *arg) {
    (void)arg;
    CUstream s;
    printf("stream create without a context: %s\n", err_name(cuStreamCreate(&s, 0)));
    return NULL;
}

int main(void) {
    CUdeviceptr p;
    printf("alloc before cuInit: %s\n", err_name(cuMemAlloc_v2(&p, 16)));
    drv_setup();
    pthread_t t;
    pthread_create(&t, NULL, no_context_thread, NULL);
    pthread_join(t, NULL);

    CUmodule mod;
    CUfunction vadd;
    printf("bad image: %s\n", err_name(cuModuleLoadData(&mod, "not a module")));
    printf("unknown kernel in image: %s\n", err_name(cuModuleLoadData(&mod, "reefsim-module\nnope\n")));
    CHECK(cuModuleLoadData(&mod, "reefsim-module\nvadd\n"));
    CHECK(cuModuleGetFunction(&vadd, mod, "vadd"));

    CUdeviceptr a;
    CHECK(cuMemAlloc_v2(&a, 1024 * sizeof(float)));
    int n = 1024;
    static char not_a_stream[64];
    void *args[] = {&a, &a, &a, &n};
    printf("launch on a bogus stream: %s\n",
           err_name(cuLaunchKernel(vadd, 4, 1, 1, 256, 1, 1, 0, (CUstream)not_a_stream, args, NULL)));
    printf("launch with 2048 threads per block: %s\n",
           err_name(cuLaunchKernel(vadd, 1, 1, 1, 2048, 1, 1, 0, NULL, args, NULL)));
    printf("launch with no parameters: %s\n", err_name(cuLaunchKernel(vadd, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL)));
    static char host_bytes[200];
    printf("copy beyond an allocation: %s\n", err_name(cuMemcpyHtoD_v2(a + 4000, host_bytes, sizeof host_bytes)));
    printf("free of an interior pointer: %s\n", err_name(cuMemFree_v2(a + 4)));
    CUevent e;
    CHECK(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
    float ms;
    CHECK(cuEventRecord(e, NULL));
    printf("elapsed time on a no-timing event: %s\n", err_name(cuEventElapsedTime(&ms, e, e)));
    CHECK(cuEventDestroy_v2(e));
    printf("destroyed event query: %s\n", err_name(cuEventQuery(e)));
    CUstream s;
    CHECK(cuStreamCreate(&s, 0));
    CHECK(cuStreamDestroy_v2(s));
    printf("destroyed stream sync: %s\n", err_name(cuStreamSynchronize(s)));

    /* The fault: n elements from a 1024-float buffer with n = 4096. */
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    int too_many = 4096;
    void *bad_args[] = {&a, &a, &a, &too_many};
    printf("faulting launch returns: %s\n", err_name(cuLaunchKernel(vadd, 16, 1, 1, 256, 1, 1, 0, s, bad_args, NULL)));
    printf("stream sync after fault: %s\n", err_name(cuStreamSynchronize(s)));
    printf("later launch: %s\n", err_name(cuLaunchKernel(vadd, 4, 1, 1, 256, 1, 1, 0, NULL, args, NULL)));
    printf("context sync: %s\n", err_name(cuCtxSynchronize()));
    printf("OK\n");
    return 0;
}
