/*
 * hipsim_memset.c — fills: hipMemsetAsync (bytes) and the typed hipMemsetD8/D16/D32 forms,
 * asynchronous and synchronous. hipMemset itself is in hipsim_memset_sync.c.
 */
#include "hipsim.h"

void hipsim_trace_fill(const hipsim_call *call, const void *dst, uint32_t value,
                       unsigned elem_size, size_t count, const simdev_stream *s, hipError_t err) {
    char dbuf[32], sbuf[32];
    HIPSIM_TRACE(call, "%s dst=%s value=0x%x elem=%u count=%zu s=%s rc=%d", call->name,
                 simdev_fmt_ptr(dbuf, dst), value, elem_size, count,
                 s ? simdev_fmt_stream(sbuf, s) : "?", (int)err);
}

hipError_t hipsim_fill(const hipsim_call *call, void *dst, uint32_t value, unsigned elem_size,
                       size_t count, hipStream_t stream, int per_thread_default, int synchronous) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    /* Only the low bytes of the value are stored. */
    if (elem_size < 4) value &= (1u << (8 * elem_size)) - 1;
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (count > 0 && dst == NULL)
        err = hipErrorInvalidValue;
    else if (count > 0)
        err = hipsim_error(simdev_memset_async(s, dst, value, elem_size, count));
    if (err == hipSuccess && synchronous) err = hipsim_error(simdev_stream_synchronize(s));
    hipsim_trace_fill(call, dst, value, elem_size, count, s, err);
    return err;
}

hipError_t hipMemsetAsync(void *dst, int value, size_t sizeBytes, hipStream_t stream) {
    HIPSIM_ENTER("hipMemsetAsync");
    HIPSIM_RETURN(hipsim_fill(&call_, dst, (uint32_t)value, 1, sizeBytes, stream, 0, 0));
}

hipError_t hipMemsetD8(hipDeviceptr_t dest, unsigned char value, size_t count) {
    HIPSIM_ENTER("hipMemsetD8");
    HIPSIM_RETURN(hipsim_fill(&call_, dest, value, 1, count, NULL, 0, 1));
}

hipError_t hipMemsetD8Async(hipDeviceptr_t dest, unsigned char value, size_t count,
                            hipStream_t stream) {
    HIPSIM_ENTER("hipMemsetD8Async");
    HIPSIM_RETURN(hipsim_fill(&call_, dest, value, 1, count, stream, 0, 0));
}

hipError_t hipMemsetD16(hipDeviceptr_t dest, unsigned short value, size_t count) {
    HIPSIM_ENTER("hipMemsetD16");
    HIPSIM_RETURN(hipsim_fill(&call_, dest, value, 2, count, NULL, 0, 1));
}

hipError_t hipMemsetD16Async(hipDeviceptr_t dest, unsigned short value, size_t count,
                             hipStream_t stream) {
    HIPSIM_ENTER("hipMemsetD16Async");
    HIPSIM_RETURN(hipsim_fill(&call_, dest, value, 2, count, stream, 0, 0));
}

hipError_t hipMemsetD32(hipDeviceptr_t dest, int value, size_t count) {
    HIPSIM_ENTER("hipMemsetD32");
    HIPSIM_RETURN(hipsim_fill(&call_, dest, (uint32_t)value, 4, count, NULL, 0, 1));
}

hipError_t hipMemsetD32Async(hipDeviceptr_t dst, int value, size_t count, hipStream_t stream) {
    HIPSIM_ENTER("hipMemsetD32Async");
    HIPSIM_RETURN(hipsim_fill(&call_, dst, (uint32_t)value, 4, count, stream, 0, 0));
}
