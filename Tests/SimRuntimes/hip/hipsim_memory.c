/*
 * hipsim_memory.c — allocations: device memory, pinned host memory, stream-ordered
 * allocation, and the queries a runtime client (or shim) makes about memory.
 */
#include "hipsim.h"

static void trace_alloc(const hipsim_call *call, size_t bytes, const void *ptr, hipError_t err) {
    char pbuf[32];
    HIPSIM_TRACE(call, "%s bytes=%zu ptr=%s rc=%d", call->name, bytes, simdev_fmt_ptr(pbuf, ptr),
                 (int)err);
}

static void trace_free(const hipsim_call *call, const void *ptr, hipError_t err) {
    char pbuf[32];
    HIPSIM_TRACE(call, "%s ptr=%s rc=%d", call->name, simdev_fmt_ptr(pbuf, ptr), (int)err);
}

hipError_t hipMalloc(void **ptr, size_t size) {
    HIPSIM_ENTER("hipMalloc");
    if (ptr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = hipsim_error(simdev_malloc(size, ptr));
    trace_alloc(&call_, size, err == hipSuccess ? *ptr : NULL, err);
    HIPSIM_RETURN(err);
}

/* hipFree waits for the device first, so no queued kernel still uses the memory. */
hipError_t hipFree(void *ptr) {
    HIPSIM_ENTER("hipFree");
    hipError_t err = hipSuccess;
    if (ptr != NULL) {
        simdev_device_synchronize();
        err = hipsim_error(simdev_free(ptr));
    }
    trace_free(&call_, ptr, err);
    HIPSIM_RETURN(err);
}

hipError_t hipHostMalloc(void **ptr, size_t size, unsigned int flags) {
    HIPSIM_ENTER("hipHostMalloc");
    (void)flags; /* coherence / portability hints: every pinned buffer behaves the same here */
    if (ptr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = hipsim_error(simdev_host_alloc(size, ptr));
    trace_alloc(&call_, size, err == hipSuccess ? *ptr : NULL, err);
    HIPSIM_RETURN(err);
}

/* Signal memory (hipMallocSignalMemory, 0x2) is host memory the device reads, as on ROCm; the
 * other flags (fine-grained, uncached) change nothing here. */
hipError_t hipExtMallocWithFlags(void **ptr, size_t size, unsigned int flags) {
    HIPSIM_ENTER("hipExtMallocWithFlags");
    if (ptr == NULL || flags > 0x3) HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = hipsim_error(flags == 0x2 ? simdev_host_alloc(size, ptr) : simdev_malloc(size, ptr));
    trace_alloc(&call_, size, err == hipSuccess ? *ptr : NULL, err);
    HIPSIM_RETURN(err);
}

/* Unified addressing: a pinned buffer's device address is its host address. */
hipError_t hipHostGetDevicePointer(void **devPtr, void *hostPtr, unsigned int flags) {
    HIPSIM_ENTER("hipHostGetDevicePointer");
    if (devPtr == NULL || flags != 0 || !simdev_is_pinned_range(hostPtr, 1)) HIPSIM_RETURN(hipErrorInvalidValue);
    *devPtr = hostPtr;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipHostFree(void *ptr) {
    HIPSIM_ENTER("hipHostFree");
    hipError_t err = hipSuccess;
    if (ptr != NULL) {
        simdev_device_synchronize();
        err = hipsim_error(simdev_host_free(ptr));
    }
    trace_free(&call_, ptr, err);
    HIPSIM_RETURN(err);
}

hipError_t hipMallocAsync(void **dev_ptr, size_t size, hipStream_t stream) {
    HIPSIM_ENTER("hipMallocAsync");
    simdev_stream *s = hipsim_stream(stream, 0);
    if (dev_ptr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    if (s == NULL) HIPSIM_RETURN(hipErrorInvalidHandle);
    hipError_t err = hipsim_error(simdev_malloc_async(s, size, dev_ptr));
    trace_alloc(&call_, size, err == hipSuccess ? *dev_ptr : NULL, err);
    HIPSIM_RETURN(err);
}

hipError_t hipFreeAsync(void *dev_ptr, hipStream_t stream) {
    HIPSIM_ENTER("hipFreeAsync");
    simdev_stream *s = hipsim_stream(stream, 0);
    if (s == NULL) HIPSIM_RETURN(hipErrorInvalidHandle);
    hipError_t err = hipsim_error(simdev_free_async(s, dev_ptr));
    trace_free(&call_, dev_ptr, err);
    HIPSIM_RETURN(err);
}

hipError_t hipMemGetInfo(size_t *free_bytes, size_t *total) {
    HIPSIM_ENTER("hipMemGetInfo");
    if (free_bytes == NULL || total == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    size_t used = 0;
    simdev_mem_info(&used, total);
    *free_bytes = *total - used;
    HIPSIM_RETURN(hipSuccess);
}

/* Device and pinned memory are known to the runtime; plain host memory is not (HIP 5.2
 * answers hipErrorInvalidValue for it). */
hipError_t hipPointerGetAttributes(hipPointerAttribute_t *attributes, const void *ptr) {
    HIPSIM_ENTER("hipPointerGetAttributes");
    if (attributes == NULL || ptr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    simdev_mem_kind kind = simdev_mem_kind_of(ptr);
    if (kind == SIMDEV_MEM_PAGEABLE) HIPSIM_RETURN(hipErrorInvalidValue);
    *attributes = (hipPointerAttribute_t){0};
    attributes->memoryType = kind == SIMDEV_MEM_DEVICE ? hipMemoryTypeDevice : hipMemoryTypeHost;
    attributes->device = 0;
    /* Unified addresses: the same pointer is valid on both sides. */
    attributes->devicePointer = (void *)ptr;
    attributes->hostPointer = kind == SIMDEV_MEM_PINNED ? (void *)ptr : NULL;
    HIPSIM_RETURN(hipSuccess);
}
