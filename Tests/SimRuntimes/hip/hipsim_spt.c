/*
 * hipsim_spt.c — the per-thread default stream entry points (hipcc
 * -fgpu-default-stream=per-thread, or HIP_API_PER_THREAD_DEFAULT_STREAM): the same
 * operations as their plain twins, except that stream 0 means the calling thread's default
 * stream. Only the _spt names the ROCm 5.2 library exports are provided.
 */
#include "hipsim.h"

hipError_t hipLaunchKernel_spt(const void *function_address, dim3 numBlocks, dim3 dimBlocks,
                               void **args, size_t sharedMemBytes, hipStream_t stream) {
    HIPSIM_ENTER("hipLaunchKernel_spt");
    HIPSIM_RETURN(hipsim_launch_by_stub(&call_, function_address, numBlocks, dimBlocks, args,
                                        sharedMemBytes, stream, 1, 0, NULL, NULL));
}

hipError_t hipLaunchCooperativeKernel_spt(const void *f, dim3 gridDim, dim3 blockDim,
                                          void **kernelParams, uint32_t sharedMemBytes,
                                          hipStream_t hStream) {
    HIPSIM_ENTER("hipLaunchCooperativeKernel_spt");
    HIPSIM_RETURN(hipsim_launch_by_stub(&call_, f, gridDim, blockDim, kernelParams,
                                        sharedMemBytes, hStream, 1, 1, NULL, NULL));
}

hipError_t hipMemcpyAsync_spt(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind,
                              hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyAsync_spt");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, kind, stream, 1, 0));
}

hipError_t hipStreamSynchronize_spt(hipStream_t stream) {
    HIPSIM_ENTER("hipStreamSynchronize_spt");
    HIPSIM_RETURN(hipsim_stream_synchronize(&call_, stream, 1));
}

hipError_t hipStreamQuery_spt(hipStream_t stream) {
    HIPSIM_ENTER("hipStreamQuery_spt");
    HIPSIM_RETURN(hipsim_stream_query(&call_, stream, 1));
}

hipError_t hipStreamWaitEvent_spt(hipStream_t stream, hipEvent_t event, unsigned int flags) {
    HIPSIM_ENTER("hipStreamWaitEvent_spt");
    HIPSIM_RETURN(hipsim_stream_wait_event(&call_, stream, event, flags, 1));
}

hipError_t hipStreamGetFlags_spt(hipStream_t stream, unsigned int *flags) {
    HIPSIM_ENTER("hipStreamGetFlags_spt");
    HIPSIM_RETURN(hipsim_stream_get_flags(stream, flags, 1));
}

hipError_t hipStreamGetPriority_spt(hipStream_t stream, int *priority) {
    HIPSIM_ENTER("hipStreamGetPriority_spt");
    HIPSIM_RETURN(hipsim_stream_get_priority(stream, priority, 1));
}

hipError_t hipMemcpy2D_spt(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
                           size_t height, hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpy2D_spt");
    HIPSIM_RETURN(
        hipsim_copy2d(&call_, dst, dpitch, src, spitch, width, height, kind, NULL, 1, 1));
}

hipError_t hipMemset2D_spt(void *dst, size_t pitch, int value, size_t width, size_t height) {
    HIPSIM_ENTER("hipMemset2D_spt");
    HIPSIM_RETURN(hipsim_fill2d(&call_, dst, pitch, value, width, height, NULL, 1, 1));
}

hipError_t hipMemcpyToSymbol_spt(const void *symbol, const void *src, size_t sizeBytes,
                                 size_t offset, hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpyToSymbol_spt");
    HIPSIM_RETURN(hipsim_copy_to_symbol(&call_, symbol, src, sizeBytes, offset, kind, NULL, 1, 1));
}

hipError_t hipMemcpyFromSymbol_spt(void *dst, const void *symbol, size_t sizeBytes, size_t offset,
                                   hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpyFromSymbol_spt");
    HIPSIM_RETURN(
        hipsim_copy_from_symbol(&call_, dst, symbol, sizeBytes, offset, kind, NULL, 1, 1));
}
