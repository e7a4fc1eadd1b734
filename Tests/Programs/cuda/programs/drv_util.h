/*
 * drv_util.h — setup shared by the programs that call the driver API directly (-lcuda).
 */
#ifndef DRV_UTIL_H
#define DRV_UTIL_H

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

#endif /* DRV_UTIL_H */
