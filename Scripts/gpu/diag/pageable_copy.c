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
#include <pthread.h>
#include <string.h>

#include "spin_driver.h"

static struct {
    CUresult (*memAlloc)(CUdeviceptr *, size_t);
    CUresult (*memHostAlloc)(void **, size_t, unsigned);
    CUresult (*copyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
    CUresult (*pointerGetAttribute)(void *, int, CUdeviceptr);
} cu;

static CUstream be_stream, rt_stream;
static CUdeviceptr be_buf, rt_buf;
static void *be_host, *rt_pageable, *rt_pinned;
static uint64_t be_ns;
static int be_sync_first;

static void *be_thread(void *unused) {
    (void)unused;
    CHECK(drv.ctxSetCurrent(drv.ctx));
    launch_spin(be_stream, 8, be_ns);
    if (be_sync_first) CHECK(drv.streamSynchronize(be_stream));
    CHECK(cu.copyDtoHAsync(be_host, be_buf, 4096, be_stream));
    CHECK(drv.streamSynchronize(be_stream));
    return NULL;
}

static double rt_copy_us(int pinned) {
    pthread_t t;
    pthread_create(&t, NULL, be_thread, NULL);
    struct timespec d = {0, 2000000};
    nanosleep(&d, NULL);
    launch_spin(rt_stream, 1, 20000);
    CHECK(drv.streamSynchronize(rt_stream));
    uint64_t t0 = now_ns();
    CHECK(cu.copyDtoHAsync(pinned ? rt_pinned : rt_pageable, rt_buf, 4096, rt_stream));
    CHECK(drv.streamSynchronize(rt_stream));
    double us = (now_ns() - t0) / 1e3;
    pthread_join(t, NULL);
    return us;
}

int main(void) {
    spin_driver_open("pageable_copy");
    *(void **)&cu.memAlloc = drv_sym("cuMemAlloc_v2");
    *(void **)&cu.memHostAlloc = drv_sym("cuMemHostAlloc");
    *(void **)&cu.copyDtoHAsync = drv_sym("cuMemcpyDtoHAsync_v2");
    *(void **)&cu.pointerGetAttribute = drv_sym("cuPointerGetAttribute");
    CHECK(drv.streamCreateWithPriority(&be_stream, 1, 0));
    CHECK(drv.streamCreateWithPriority(&rt_stream, 1, drv.greatest));
    CHECK(cu.memAlloc(&be_buf, 4096));
    CHECK(cu.memAlloc(&rt_buf, 4096));
    CHECK(cu.memHostAlloc(&rt_pinned, 4096, 0));
    be_host = malloc(4096);
    rt_pageable = malloc(4096);
    const char *e = getenv("DIAG_BE_MS");
    be_ns = (e ? (uint64_t)atoi(e) : 20) * 1000000ull;
    /* How Reef tells pageable from page-locked memory (CU_POINTER_ATTRIBUTE_MEMORY_TYPE: an error
     * for memory the driver does not know); with HMM a driver might answer for malloc'd memory too. */
    unsigned type_pageable = 0, type_pinned = 0;
    CUresult q_pageable = cu.pointerGetAttribute(&type_pageable, 2, (CUdeviceptr)(uintptr_t)be_host);
    CUresult q_pinned = cu.pointerGetAttribute(&type_pinned, 2, (CUdeviceptr)(uintptr_t)rt_pinned);
    printf("{\"pointer_query\": {\"malloc\": [%d, %u], \"cuMemHostAlloc\": [%d, %u]},\n", q_pageable, type_pageable,
           q_pinned, type_pinned);
    printf("\"be_ms\": %llu, \"cases\": [\n", (unsigned long long)(be_ns / 1000000));
    struct { const char *name; int sync_first, pinned; } cases[] = {
        {"be_pageable__rt_pageable", 0, 0},
        {"be_pageable__rt_pinned", 0, 1},
        {"be_sync_first__rt_pageable", 1, 0},
    };
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
