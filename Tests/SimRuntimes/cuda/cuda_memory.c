/*
 * cuda_memory.c — allocation: device memory, pinned host memory, stream-ordered alloc/free.
 * cuMemFree / cuMemFreeHost synchronise the device first, as the driver does.
 */
#include "cuda_sim.h"

CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize) {
    CUresult r = cu_enter(__func__);
    void *p = NULL;
    if (!r) r = (!dptr || bytesize == 0) ? CUDA_ERROR_INVALID_VALUE : cu_status(simdev_malloc(bytesize, &p));
    if (!r) *dptr = (CUdeviceptr)(uintptr_t)p;
    char b[32];
    CU_TRACE("%s n=%zu -> %s r=%d", __func__, bytesize, simdev_fmt_ptr(b, p), r);
    return r;
}

CUresult cuMemFree_v2(CUdeviceptr dptr) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s %s", __func__, simdev_fmt_ptr(b, CU_PTR(dptr)));
    if (r) return r;
    if (!dptr) return CUDA_ERROR_INVALID_VALUE;
    r = cu_status(simdev_device_synchronize());
    return r ? r : cu_status(simdev_free(CU_PTR(dptr)));
}

static CUresult host_alloc(const char *api, void **pp, size_t bytesize) {
    CUresult r = cu_enter(api);
    void *p = NULL;
    if (!r) r = (!pp || bytesize == 0) ? CUDA_ERROR_INVALID_VALUE : cu_status(simdev_host_alloc(bytesize, &p));
    if (!r) *pp = p;
    char b[32];
    CU_TRACE("%s n=%zu -> %s r=%d", api, bytesize, simdev_fmt_ptr(b, p), r);
    return r;
}

CUresult cuMemAllocHost_v2(void **pp, size_t bytesize) { return host_alloc(__func__, pp, bytesize); }

CUresult cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags) {
    if (Flags & ~0xfu) { /* portable, devicemap, writecombined, ... */
        simdev_stats_call(__func__);
        return CUDA_ERROR_INVALID_VALUE;
    }
    return host_alloc(__func__, pp, bytesize);
}

CUresult cuMemFreeHost(void *p) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s %s", __func__, simdev_fmt_ptr(b, p));
    if (r) return r;
    r = cu_status(simdev_device_synchronize());
    return r ? r : cu_status(simdev_host_free(p));
}

CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *pdptr, void *p, unsigned int Flags) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    if (!pdptr || Flags != 0 || !simdev_is_pinned_range(p, 1)) return CUDA_ERROR_INVALID_VALUE;
    *pdptr = (CUdeviceptr)(uintptr_t)p; /* unified addressing: same address */
    return CUDA_SUCCESS;
}

CUresult cuPointerGetAttribute(void *data, int attribute, CUdeviceptr ptr) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    if (!data || attribute != 2 /* CU_POINTER_ATTRIBUTE_MEMORY_TYPE */) return CUDA_ERROR_INVALID_VALUE;
    simdev_mem_kind kind = simdev_mem_kind_of((const void *)(uintptr_t)ptr);
    if (kind == SIMDEV_MEM_PAGEABLE) return CUDA_ERROR_INVALID_VALUE;
    *(unsigned int *)data = kind == SIMDEV_MEM_DEVICE ? 2u /* DEVICE */ : 1u /* HOST */;
    return CUDA_SUCCESS;
}

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    if (!free_bytes || !total) return CUDA_ERROR_INVALID_VALUE;
    size_t used;
    simdev_mem_info(&used, total);
    *free_bytes = *total - used;
    return CUDA_SUCCESS;
}

/* ---- stream-ordered allocation (pools are accepted and ignored: one default pool) ---- */
static CUresult alloc_async(const char *api, bool pt, CUdeviceptr *dptr, size_t bytesize, CUstream h) {
    CUresult r = cu_enter(api);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    void *p = NULL;
    if (!r) r = !dptr ? CUDA_ERROR_INVALID_VALUE : cu_status(simdev_malloc_async(s, bytesize, &p));
    if (!r) *dptr = (CUdeviceptr)(uintptr_t)p;
    char b1[32], b2[32];
    CU_TRACE("%s s=%s n=%zu -> %s r=%d", api, cu_fmt_stream(b1, h, pt), bytesize, simdev_fmt_ptr(b2, p), r);
    return r;
}

CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream h) {
    return alloc_async(__func__, false, dptr, bytesize, h);
}
CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream h) {
    return alloc_async(__func__, true, dptr, bytesize, h);
}
CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream h) {
    if (!pool) {
        simdev_stats_call(__func__);
        return CUDA_ERROR_INVALID_VALUE;
    }
    return alloc_async(__func__, false, dptr, bytesize, h);
}
CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream h) {
    if (!pool) {
        simdev_stats_call(__func__);
        return CUDA_ERROR_INVALID_VALUE;
    }
    return alloc_async(__func__, true, dptr, bytesize, h);
}

static CUresult free_async(const char *api, bool pt, CUdeviceptr dptr, CUstream h) {
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s s=%s %s", api, cu_fmt_stream(b1, h, pt), simdev_fmt_ptr(b2, CU_PTR(dptr)));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    return r ? r : cu_status(simdev_free_async(s, CU_PTR(dptr)));
}

CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream h) { return free_async(__func__, false, dptr, h); }
CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream h) { return free_async(__func__, true, dptr, h); }
