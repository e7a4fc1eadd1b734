// Kernel arguments of mixed sizes and alignments (char, int64, float, pointer, 24-byte
// struct) passed through every launch entry point: the triple-chevron stub, hipLaunchKernel
// with an explicit void** array, hipExtLaunchKernel with events, and the cooperative launch.
// A shim that copies arguments by offset must reproduce each value exactly.
#include "prog_common.h"
#include "sim_kernels.h"
#include <hip/hip_ext.h>

#define THREADS 8

static void show(const char* label, const int64_t* dev) {
    int64_t host[THREADS];
    HIP_CHECK(hipMemcpy(host, dev, sizeof host, hipMemcpyDeviceToHost));
    printf("%s:", label);
    for (int i = 0; i < THREADS; ++i) printf(" %lld", (long long)host[i]);
    printf("\n");
}

int main() {
    int64_t* out = nullptr;
    HIP_CHECK(hipMalloc((void**)&out, THREADS * sizeof(int64_t)));
    hipStream_t s;
    HIP_CHECK(hipStreamCreate(&s));

    Params24 p = {2.5f, -7, 1000.75, 1LL << 40};
    char c = 'A';
    int64_t wide = -(1LL << 33);
    float f = 3.0f;

    mixed_args<<<1, THREADS, 0, s>>>(c, wide, f, out, p);
    HIP_CHECK(hipStreamSynchronize(s));
    show("chevron", out);

    // Same kernel through the raw entry point: one pointer per declared parameter.
    char c2 = 'z';
    int64_t wide2 = 123456789012LL;
    float f2 = -1.5f;
    Params24 p2 = {4.0f, 99, -0.25, -5};
    void* args[] = {&c2, &wide2, &f2, &out, &p2};
    HIP_CHECK(hipLaunchKernel((const void*)mixed_args, dim3(1), dim3(THREADS), args, 0, s));
    HIP_CHECK(hipStreamSynchronize(s));
    show("hipLaunchKernel", out);

    // The argument storage is reused right after the call: values were captured at launch.
    hipEvent_t start, stop;
    HIP_CHECK(hipEventCreate(&start));
    HIP_CHECK(hipEventCreate(&stop));
    wide2 = 7;
    HIP_CHECK(hipExtLaunchKernel((const void*)mixed_args, dim3(1), dim3(THREADS), args, 0, s,
                                 start, stop, 0));
    wide2 = -999999;
    p2.tag = 1 << 20;
    HIP_CHECK(hipEventSynchronize(stop));
    show("hipExtLaunchKernel", out);

    HIP_CHECK(hipLaunchCooperativeKernel((const void*)mixed_args, dim3(1), dim3(THREADS), args,
                                         0, s));
    HIP_CHECK(hipStreamSynchronize(s));
    show("cooperative", out);

    HIP_CHECK(hipEventDestroy(start));
    HIP_CHECK(hipEventDestroy(stop));
    HIP_CHECK(hipStreamDestroy(s));
    HIP_CHECK(hipFree(out));
    printf("done\n");
    return 0;
}
