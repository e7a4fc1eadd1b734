/*
 * hipsim_memcpy_sync.c — the synchronous copies. hipMemcpy (and hipMemcpy_spt) are built,
 * like in the real runtime, from the library's own exported hipMemcpyAsync and
 * hipStreamSynchronize, called through the PLT: an LD_PRELOAD shim sees those inner calls
 * and must not count them as the application's. They live in their own file so the
 * compiler cannot inline the exports into them.
 */
#include "hipsim.h"

/* The legacy null stream, or the per-thread one for hipMemcpy_spt. */
static hipError_t copy_then_sync(const hipsim_call *call, void *dst, const void *src,
                                 size_t bytes, hipMemcpyKind kind, hipStream_t stream) {
    hipError_t err = hipMemcpyAsync(dst, src, bytes, kind, stream);
    if (err == hipSuccess) err = hipStreamSynchronize(stream);
    hipsim_trace_copy(call, dst, src, bytes, kind, hipsim_stream(stream, 0), 1, err);
    return err;
}

hipError_t hipMemcpy(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpy");
    HIPSIM_RETURN(copy_then_sync(&call_, dst, src, sizeBytes, kind, NULL));
}

hipError_t hipMemcpy_spt(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpy_spt");
    HIPSIM_RETURN(copy_then_sync(&call_, dst, src, sizeBytes, kind, hipStreamPerThread));
}

hipError_t hipMemcpyHtoD(hipDeviceptr_t dst, void *src, size_t sizeBytes) {
    HIPSIM_ENTER("hipMemcpyHtoD");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyHostToDevice, NULL, 0, 1));
}

hipError_t hipMemcpyDtoH(void *dst, hipDeviceptr_t src, size_t sizeBytes) {
    HIPSIM_ENTER("hipMemcpyDtoH");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyDeviceToHost, NULL, 0, 1));
}

hipError_t hipMemcpyDtoD(hipDeviceptr_t dst, hipDeviceptr_t src, size_t sizeBytes) {
    HIPSIM_ENTER("hipMemcpyDtoD");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyDeviceToDevice, NULL, 0, 1));
}
