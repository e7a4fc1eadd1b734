/*
 * hipsim_memset_sync.c — hipMemset and hipMemset_spt, built from the library's own exported
 * hipMemsetAsync and hipStreamSynchronize through the PLT (see hipsim_memcpy_sync.c for why).
 */
#include "hipsim.h"

static hipError_t fill_then_sync(const hipsim_call *call, void *dst, int value, size_t bytes,
                                 hipStream_t stream) {
    hipError_t err = hipMemsetAsync(dst, value, bytes, stream);
    if (err == hipSuccess) err = hipStreamSynchronize(stream);
    hipsim_trace_fill(call, dst, (uint32_t)value & 0xffu, 1, bytes, hipsim_stream(stream, 0), err);
    return err;
}

hipError_t hipMemset(void *dst, int value, size_t sizeBytes) {
    HIPSIM_ENTER("hipMemset");
    HIPSIM_RETURN(fill_then_sync(&call_, dst, value, sizeBytes, NULL));
}

hipError_t hipMemset_spt(void *dst, int value, size_t sizeBytes) {
    HIPSIM_ENTER("hipMemset_spt");
    HIPSIM_RETURN(fill_then_sync(&call_, dst, value, sizeBytes, hipStreamPerThread));
}
