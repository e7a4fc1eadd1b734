/*
 * drv_util.h — setup shared by the programs that call the driver API directly (-lcuda).
 */
#ifndef DRV_UTIL_H
#define DRV_UTIL_H

#include <stdint.h>
#include <time.h>

#include "cuda_sim_extra.h"
#include "test_util.h"

#define DPTR(p) ((CUdeviceptr)(uintptr_t)(p))
#define HPTR(d) ((void *)(uintptr_t)(d))

static inline const char *err_name(CUresult r) {
    const char *s = "?";
    cuGetErrorName(r, &s);
    return s;
}

/* cuInit, device 0, a new context current on this thread. */
static inline CUcontext drv_setup(void) {
    CUdevice dev;
    CUcontext ctx;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuCtxCreate_v2(&ctx, 0, dev));
    return ctx;
}

/* A kernel of the simulator's table, through a module image that names only it. */
static inline CUfunction drv_sim_kernel(const char *name) {
    char image[128];
    snprintf(image, sizeof image, "reefsim-module\n%s\n", name);
    CUmodule mod;
    CUfunction f;
    CHECK(cuModuleLoadData(&mod, image));
    CHECK(cuModuleGetFunction(&f, mod, name));
    return f;
}

/* CLOCK_MONOTONIC in ns (wall time, for pacing against the simulated clock). */
static inline uint64_t drv_wall_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The simulator's `delay` kernel: `blocks` blocks of 32 threads, each busy `ns` simulated ns. */
static inline void drv_launch_delay(CUfunction delay, unsigned blocks, unsigned long long ns, CUstream s) {
    void *params[] = {&ns};
    CHECK(cuLaunchKernel(delay, blocks, 1, 1, 32, 1, 1, 0, s, params, NULL));
}

/* A best-effort stream (least priority) and a real-time one (greatest), both non-blocking: how
 * Reef classes streams by default. */
static inline void drv_be_rt_streams(CUstream *be, CUstream *rt) {
    int least = 0, greatest = 0;
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CHECK(cuStreamCreateWithPriority(be, CU_STREAM_NON_BLOCKING, least));
    CHECK(cuStreamCreateWithPriority(rt, CU_STREAM_NON_BLOCKING, greatest));
}

#endif /* DRV_UTIL_H */
