/* Does one thread's copy into pageable host memory wait behind another thread's, on another
 * stream (issue 6; partition_diag.sh)? With the transformer BE on 16-64 SMs, RT requests queued
 * for seconds while RT's device time stayed ~1.2 ms, and not when the BE loop stopped copying its
 * output back (BE_CHECK=0): the RT client copies each result into pageable memory, the BE loop its
 * digest. Here: thread "BE" launches a kernel spinning DIAG_BE_MS (20) on 8 blocks, then copies
 * 4 KB device-to-host on its stream (into pageable memory, or first synchronizing its stream:
 * case be_sync_first); 2 ms later thread "RT" runs a 20 us kernel on its own high-priority
 * stream, synchronizes it and copies 4 KB back, into pageable or page-locked memory. Reports the
 * median time of RT's copy call.
 *
 *   cc -O2 -pthread -o pageable_copy pageable_copy.c -ldl && ./pageable_copy > result.json */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void *CUcontext, *CUstream, *CUmodule, *CUfunction;

static const char PTX[] =
    ".version 8.0\n.target sm_90\n.address_size 64\n"
    ".visible .entry spin(.param .u64 ns)\n{\n"
    " .reg .pred %p<2>;\n .reg .b64 %rd<6>;\n"
    " ld.param.u64 %rd1, [ns];\n mov.u64 %rd2, %globaltimer;\n"
    "L:\n mov.u64 %rd3, %globaltimer;\n sub.u64 %rd4, %rd3, %rd2;\n"
    " setp.lt.u64 %p1, %rd4, %rd1;\n @%p1 bra L;\n ret;\n}\n";

static struct {
    CUresult (*init)(unsigned);
    CUresult (*deviceGet)(CUdevice *, int);
    CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*ctxSetCurrent)(CUcontext);
    CUresult (*priorityRange)(int *, int *);
    CUresult (*streamCreateWithPriority)(CUstream *, unsigned, int);
    CUresult (*moduleLoadData)(CUmodule *, const void *);
    CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **);
    CUresult (*streamSynchronize)(CUstream);
    CUresult (*memAlloc)(CUdeviceptr *, size_t);
    CUresult (*memHostAlloc)(void **, size_t, unsigned);
    CUresult (*copyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
    CUresult (*pointerGetAttribute)(void *, int, CUdeviceptr);
} cu;

#define CHECK(call) do { CUresult r_ = (call); if (r_ != 0) { \
    fprintf(stderr, "pageable_copy: %s returned %d\n", #call, r_); exit(1); } } while (0)

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static CUcontext ctx;
static CUfunction spin;
static CUstream be_stream, rt_stream;
static CUdeviceptr be_buf, rt_buf;
static void *be_host, *rt_pageable, *rt_pinned;
static uint64_t be_ns;
static int be_sync_first;

static void *be_thread(void *unused) {
    (void)unused;
    CHECK(cu.ctxSetCurrent(ctx));
    uint64_t ns = be_ns;
    void *args[] = {&ns};
    CHECK(cu.launch(spin, 8, 1, 1, 32, 1, 1, 0, be_stream, args, NULL));
    if (be_sync_first) CHECK(cu.streamSynchronize(be_stream));
    CHECK(cu.copyDtoHAsync(be_host, be_buf, 4096, be_stream));
    CHECK(cu.streamSynchronize(be_stream));
    return NULL;
}

static double rt_copy_us(int pinned) {
    pthread_t t;
    pthread_create(&t, NULL, be_thread, NULL);
    struct timespec d = {0, 2000000};
    nanosleep(&d, NULL);
    uint64_t rns = 20000;
    void *rargs[] = {&rns};
    CHECK(cu.launch(spin, 1, 1, 1, 32, 1, 1, 0, rt_stream, rargs, NULL));
    CHECK(cu.streamSynchronize(rt_stream));
    uint64_t t0 = now_ns();
    CHECK(cu.copyDtoHAsync(pinned ? rt_pinned : rt_pageable, rt_buf, 4096, rt_stream));
    CHECK(cu.streamSynchronize(rt_stream));
    double us = (now_ns() - t0) / 1e3;
    pthread_join(t, NULL);
    return us;
}

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) { fprintf(stderr, "pageable_copy: dlsym %s failed\n", name); exit(1); }
    return p;
}

int main(void) {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) { fprintf(stderr, "pageable_copy: dlopen libcuda.so.1 failed\n"); return 1; }
    *(void **)&cu.init = sym(lib, "cuInit");
    *(void **)&cu.deviceGet = sym(lib, "cuDeviceGet");
    *(void **)&cu.primaryCtxRetain = sym(lib, "cuDevicePrimaryCtxRetain");
    *(void **)&cu.ctxSetCurrent = sym(lib, "cuCtxSetCurrent");
    *(void **)&cu.priorityRange = sym(lib, "cuCtxGetStreamPriorityRange");
    *(void **)&cu.streamCreateWithPriority = sym(lib, "cuStreamCreateWithPriority");
    *(void **)&cu.moduleLoadData = sym(lib, "cuModuleLoadData");
    *(void **)&cu.moduleGetFunction = sym(lib, "cuModuleGetFunction");
    *(void **)&cu.launch = sym(lib, "cuLaunchKernel");
    *(void **)&cu.streamSynchronize = sym(lib, "cuStreamSynchronize");
    *(void **)&cu.memAlloc = sym(lib, "cuMemAlloc_v2");
    *(void **)&cu.memHostAlloc = sym(lib, "cuMemHostAlloc");
    *(void **)&cu.copyDtoHAsync = sym(lib, "cuMemcpyDtoHAsync_v2");
    *(void **)&cu.pointerGetAttribute = sym(lib, "cuPointerGetAttribute");
    CUdevice dev;
    CUmodule mod;
    int least = 0, greatest = 0;
    CHECK(cu.init(0));
    CHECK(cu.deviceGet(&dev, 0));
    CHECK(cu.primaryCtxRetain(&ctx, dev));
    CHECK(cu.ctxSetCurrent(ctx));
    CHECK(cu.priorityRange(&least, &greatest));
    CHECK(cu.moduleLoadData(&mod, PTX));
    CHECK(cu.moduleGetFunction(&spin, mod, "spin"));
    CHECK(cu.streamCreateWithPriority(&be_stream, 1, 0));
    CHECK(cu.streamCreateWithPriority(&rt_stream, 1, greatest));
    CHECK(cu.memAlloc(&be_buf, 4096));
    CHECK(cu.memAlloc(&rt_buf, 4096));
    CHECK(cu.memHostAlloc(&rt_pinned, 4096, 0));
    be_host = malloc(4096);
    rt_pageable = malloc(4096);
    const char *e = getenv("DIAG_BE_MS");
    be_ns = (e ? (uint64_t)atoi(e) : 20) * 1000000ull;
    struct { const char *name; int sync_first, pinned; } cases[] = {
        {"be_pageable__rt_pageable", 0, 0},
        {"be_pageable__rt_pinned", 0, 1},
        {"be_sync_first__rt_pageable", 1, 0},
    };
    /* How Reef tells pageable from page-locked memory (CU_POINTER_ATTRIBUTE_MEMORY_TYPE: an error
     * for memory the driver does not know); with HMM a driver might answer for malloc'd memory too. */
    unsigned type_pageable = 0, type_pinned = 0;
    CUresult q_pageable = cu.pointerGetAttribute(&type_pageable, 2, (CUdeviceptr)(uintptr_t)be_host);
    CUresult q_pinned = cu.pointerGetAttribute(&type_pinned, 2, (CUdeviceptr)(uintptr_t)rt_pinned);
    printf("{\"pointer_query\": {\"malloc\": [%d, %u], \"cuMemHostAlloc\": [%d, %u]},\n", q_pageable, type_pageable,
           q_pinned, type_pinned);
    printf("\"be_ms\": %llu, \"cases\": [\n", (unsigned long long)(be_ns / 1000000));
    for (int c = 0; c < 3; c++) {
        be_sync_first = cases[c].sync_first;
        double v[9];
        for (int i = 0; i < 9; i++) v[i] = rt_copy_us(cases[c].pinned);
        for (int i = 1; i < 9; i++)
            for (int j = i; j > 0 && v[j] < v[j - 1]; j--) { double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
        printf("%s{\"case\": \"%s\", \"rt_copy_us_median\": %.1f, \"min\": %.1f, \"max\": %.1f}\n", c ? "," : "",
               cases[c].name, v[4], v[0], v[8]);
        fflush(stdout);
    }
    printf("]}\n");
    return 0;
}
