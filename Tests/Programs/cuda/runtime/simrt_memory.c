/*
 * simrt_memory.c — allocation, copies and memsets, mapped onto the driver's typed forms the way
 * cudart does (host-to-device -> cuMemcpyHtoD*, default kind -> the unified cuMemcpy*).
 */
#include "simrt_driver.h"

#define DPTR(p) ((CUdeviceptr)(uintptr_t)(p))

simrtError_t simrtMalloc(void **p, size_t bytes) {
    SIMRT_DRV(d);
    CUdeviceptr dp = 0;
    simrtError_t r = d->cuMemAlloc_v2(&dp, bytes);
    *p = (void *)(uintptr_t)dp;
    return r;
}

simrtError_t simrtFree(void *p) {
    SIMRT_DRV(d);
    return p ? d->cuMemFree_v2(DPTR(p)) : CUDA_SUCCESS;
}

simrtError_t simrtMallocHost(void **p, size_t bytes) {
    SIMRT_DRV(d);
    return d->cuMemAllocHost_v2(p, bytes);
}

simrtError_t simrtFreeHost(void *p) {
    SIMRT_DRV(d);
    return p ? d->cuMemFreeHost(p) : CUDA_SUCCESS;
}

simrtError_t simrtMallocAsync(void **p, size_t bytes, simrtStream_t s) {
    SIMRT_DRV(d);
    CUdeviceptr dp = 0;
    simrtError_t r = d->cuMemAllocAsync(&dp, bytes, s);
    *p = (void *)(uintptr_t)dp;
    return r;
}

simrtError_t simrtFreeAsync(void *p, simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuMemFreeAsync(DPTR(p), s);
}

simrtError_t simrtMemcpy(void *dst, const void *src, size_t bytes, simrtMemcpyKind kind) {
    SIMRT_DRV(d);
    switch (kind) {
    case simrtMemcpyHostToDevice: return d->cuMemcpyHtoD_v2(DPTR(dst), src, bytes);
    case simrtMemcpyDeviceToHost: return d->cuMemcpyDtoH_v2(dst, DPTR(src), bytes);
    case simrtMemcpyDeviceToDevice: return d->cuMemcpyDtoD_v2(DPTR(dst), DPTR(src), bytes);
    default: return d->cuMemcpy(DPTR(dst), DPTR(src), bytes);
    }
}

simrtError_t simrtMemcpyAsync(void *dst, const void *src, size_t bytes, simrtMemcpyKind kind, simrtStream_t s) {
    SIMRT_DRV(d);
    switch (kind) {
    case simrtMemcpyHostToDevice: return d->cuMemcpyHtoDAsync_v2(DPTR(dst), src, bytes, s);
    case simrtMemcpyDeviceToHost: return d->cuMemcpyDtoHAsync_v2(dst, DPTR(src), bytes, s);
    case simrtMemcpyDeviceToDevice: return d->cuMemcpyDtoDAsync_v2(DPTR(dst), DPTR(src), bytes, s);
    default: return d->cuMemcpyAsync(DPTR(dst), DPTR(src), bytes, s);
    }
}

simrtError_t simrtMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
                                size_t height, simrtMemcpyKind kind, simrtStream_t s) {
    SIMRT_DRV(d);
    CUDA_MEMCPY2D c = {0};
    bool src_dev = kind == simrtMemcpyDeviceToHost || kind == simrtMemcpyDeviceToDevice;
    bool dst_dev = kind == simrtMemcpyHostToDevice || kind == simrtMemcpyDeviceToDevice;
    c.srcMemoryType = kind == simrtMemcpyDefault ? CU_MEMORYTYPE_UNIFIED : src_dev ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
    c.dstMemoryType = kind == simrtMemcpyDefault ? CU_MEMORYTYPE_UNIFIED : dst_dev ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
    c.srcHost = src;
    c.srcDevice = DPTR(src);
    c.srcPitch = spitch;
    c.dstHost = dst;
    c.dstDevice = DPTR(dst);
    c.dstPitch = dpitch;
    c.WidthInBytes = width;
    c.Height = height;
    return d->cuMemcpy2DAsync_v2(&c, s);
}

simrtError_t simrtMemset(void *p, int value, size_t bytes) {
    SIMRT_DRV(d);
    return d->cuMemsetD8_v2(DPTR(p), (unsigned char)value, bytes);
}

simrtError_t simrtMemsetAsync(void *p, int value, size_t bytes, simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuMemsetD8Async(DPTR(p), (unsigned char)value, bytes, s);
}

simrtError_t simrtMemsetD32Async(void *p, uint32_t value, size_t count, simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuMemsetD32Async(DPTR(p), value, count, s);
}
