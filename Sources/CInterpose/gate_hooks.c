/* gate_hooks.c — the runtime calls behind release gates (issue 3, DESIGN.md §6): one word of
 * host memory the device can read, and a stream wait on it placed before a released best-effort
 * command. While the word is 0 the device does not start what follows the wait; the host opens
 * it again with a plain store. Each call resolves the real function once and returns the
 * runtime's error code (CUDA_ERROR_NOT_FOUND / 500 when the runtime lacks it). */
#include <string.h>
#include "runtime_fn.h"


/* ---- CUDA ---- */
typedef CUresult (*cu_host_alloc_fn)(void **, size_t, unsigned);
typedef CUresult (*cu_host_devptr_fn)(CUdeviceptr *, void *, unsigned);
typedef CUresult (*cu_wait32_fn)(CUstream, CUdeviceptr, uint32_t, unsigned);

/* Portable (every context) and mapped (the device reads it). The word starts open (1). */
CUresult reef_cu_gate_alloc(uint32_t **host, uint64_t *device) {
    RESOLVE(cu_host_alloc_fn, alloc, cu_fn, "cuMemHostAlloc");
    RESOLVE(cu_host_devptr_fn, devptr, cu_fn, "cuMemHostGetDevicePointer_v2");
    if (!alloc || !devptr) return CUDA_ERROR_NOT_FOUND;
    void *p = NULL;
    CUresult r = alloc(&p, 64, 0x1 /* PORTABLE */ | 0x2 /* DEVICEMAP */);
    if (r != CUDA_SUCCESS) return r;
    memset(p, 0, 64);
    __atomic_store_n((uint32_t *)p, 1u, __ATOMIC_RELEASE);
    CUdeviceptr d = 0;
    r = devptr(&d, p, 0);
    if (r != CUDA_SUCCESS) return r;   /* 64 bytes of pinned memory stay: harmless */
    *host = (uint32_t *)p;
    *device = (uint64_t)d;
    return CUDA_SUCCESS;
}

/* `stream` waits until the word is 1 (CU_STREAM_WAIT_VALUE_EQ). */
CUresult reef_cu_gate_wait(CUstream stream, uint64_t device) {
    RESOLVE(cu_wait32_fn, wait, cu_fn, "cuStreamWaitValue32_v2");
    static cu_wait32_fn wait_v1;
    if (!wait && !wait_v1) wait_v1 = (cu_wait32_fn)cu_fn("cuStreamWaitValue32");
    cu_wait32_fn f = wait ? wait : wait_v1;
    return f ? f(stream, (CUdeviceptr)device, 1u, 0x1 /* CU_STREAM_WAIT_VALUE_EQ */) : CUDA_ERROR_NOT_FOUND;
}

/* ---- HIP ---- */
typedef hipError_t (*hip_ext_malloc_fn)(void **, size_t, unsigned);
typedef hipError_t (*hip_host_malloc_fn)(void **, size_t, unsigned);
typedef hipError_t (*hip_host_devptr_fn)(void **, void *, unsigned);
typedef hipError_t (*hip_wait32_fn)(hipStream_t, void *, uint32_t, unsigned, uint32_t);

/* HIP documents its stream waits on signal memory (hipExtMallocWithFlags with
 * hipMallocSignalMemory, host-visible); mapped pinned memory is the fallback. */
int32_t reef_hip_gate_alloc(uint32_t **host, uint64_t *device) {
    RESOLVE(hip_ext_malloc_fn, ext_malloc, hip_fn, "hipExtMallocWithFlags");
    RESOLVE(hip_host_malloc_fn, host_malloc, hip_fn, "hipHostMalloc");
    RESOLVE(hip_host_devptr_fn, devptr, hip_fn, "hipHostGetDevicePointer");
    void *p = NULL;
    if (ext_malloc && ext_malloc(&p, 8, 0x2 /* hipMallocSignalMemory */) == hipSuccess && p) {
        __atomic_store_n((uint32_t *)p, 1u, __ATOMIC_RELEASE);
        *host = (uint32_t *)p;
        *device = (uint64_t)(uintptr_t)p;
        return hipSuccess;
    }
    if (!host_malloc || !devptr) return 500;
    hipError_t r = host_malloc(&p, 64, 0x2 /* hipHostMallocMapped */ | 0x40000000 /* hipHostMallocCoherent */);
    if (r != hipSuccess) return r;
    memset(p, 0, 64);
    __atomic_store_n((uint32_t *)p, 1u, __ATOMIC_RELEASE);
    void *d = NULL;
    r = devptr(&d, p, 0);
    if (r != hipSuccess) return r;
    *host = (uint32_t *)p;
    *device = (uint64_t)(uintptr_t)d;
    return hipSuccess;
}

int32_t reef_hip_gate_wait(void *stream, uint64_t device) {
    RESOLVE(hip_wait32_fn, wait, hip_fn, "hipStreamWaitValue32");
    return wait ? wait((hipStream_t)stream, (void *)(uintptr_t)device, 1u, 0x1 /* hipStreamWaitValueEq */, 0xffffffffu)
                : 500;
}
