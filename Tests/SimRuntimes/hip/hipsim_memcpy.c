/*
 * hipsim_memcpy.c — the stream-ordered copy entry points. The core snapshots pageable
 * sources before returning and makes copies into pageable memory wait for completion, which
 * is what HIP programs may rely on.
 */
#include <stdio.h>

#include "hipsim.h"

static int is_host(const void *p) { return simdev_mem_kind_of(p) != SIMDEV_MEM_DEVICE; }

void hipsim_trace_copy(const hipsim_call *call, const void *dst, const void *src, size_t bytes,
                       hipMemcpyKind kind, const simdev_stream *s, int synchronous,
                       hipError_t err) {
    if (!call->outer || !simdev_tracing()) return;
    char dbuf[32], sbuf[32], stbuf[32], data[24] = "-";
    const void *shown = NULL;
    if (err == hipSuccess && bytes > 0) {
        if (src && is_host(src))
            shown = src;
        else if (synchronous && dst && is_host(dst))
            shown = dst;
    }
    if (shown) snprintf(data, sizeof data, "%016llx", (unsigned long long)simdev_fnv1a(shown, bytes));
    simdev_trace("%s dst=%s src=%s bytes=%zu kind=%d s=%s data=%s rc=%d", call->name,
                 simdev_fmt_ptr(dbuf, dst), simdev_fmt_ptr(sbuf, src), bytes, (int)kind,
                 s ? simdev_fmt_stream(stbuf, s) : "?", data, (int)err);
}

hipError_t hipsim_copy(const hipsim_call *call, void *dst, const void *src, size_t bytes,
                       hipMemcpyKind kind, hipStream_t stream, int per_thread_default,
                       int synchronous) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if ((int)kind < hipMemcpyHostToHost || (int)kind > hipMemcpyDefault)
        err = hipErrorInvalidMemcpyDirection;
    else if (bytes > 0 && (dst == NULL || src == NULL))
        err = hipErrorInvalidValue;
    else if (bytes > 0)
        err = hipsim_error(simdev_memcpy_async(s, dst, src, bytes));
    if (err == hipSuccess && synchronous) err = hipsim_error(simdev_stream_synchronize(s));
    hipsim_trace_copy(call, dst, src, bytes, kind, s, synchronous, err);
    return err;
}

hipError_t hipMemcpyAsync(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind,
                          hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyAsync");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, kind, stream, 0, 0));
}

hipError_t hipMemcpyHtoDAsync(hipDeviceptr_t dst, void *src, size_t sizeBytes,
                              hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyHtoDAsync");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyHostToDevice, stream, 0, 0));
}

hipError_t hipMemcpyDtoHAsync(void *dst, hipDeviceptr_t src, size_t sizeBytes,
                              hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyDtoHAsync");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyDeviceToHost, stream, 0, 0));
}

hipError_t hipMemcpyDtoDAsync(hipDeviceptr_t dst, hipDeviceptr_t src, size_t sizeBytes,
                              hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyDtoDAsync");
    HIPSIM_RETURN(
        hipsim_copy(&call_, dst, src, sizeBytes, hipMemcpyDeviceToDevice, stream, 0, 0));
}

hipError_t hipMemcpyWithStream(void *dst, const void *src, size_t sizeBytes, hipMemcpyKind kind,
                               hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyWithStream");
    HIPSIM_RETURN(hipsim_copy(&call_, dst, src, sizeBytes, kind, stream, 0, 1));
}
