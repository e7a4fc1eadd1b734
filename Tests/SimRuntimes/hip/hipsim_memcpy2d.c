/*
 * hipsim_memcpy2d.c — pitched memory: hipMallocPitch and the 2D copies and fills (rows of
 * `width` bytes, `height` rows, each side with its own pitch).
 */
#include <stdio.h>

#include "hipsim.h"

#define PITCH_ALIGN 256 /* row alignment of pitched allocations */

hipError_t hipMallocPitch(void **ptr, size_t *pitch, size_t width, size_t height) {
    HIPSIM_ENTER("hipMallocPitch");
    if (ptr == NULL || pitch == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    size_t row = (width + PITCH_ALIGN - 1) / PITCH_ALIGN * PITCH_ALIGN;
    hipError_t err = hipsim_error(simdev_malloc(row * height, ptr));
    if (err == hipSuccess) *pitch = row;
    char pbuf[32];
    HIPSIM_TRACE(&call_, "hipMallocPitch width=%zu height=%zu pitch=%zu ptr=%s rc=%d", width,
                 height, err == hipSuccess ? row : 0,
                 simdev_fmt_ptr(pbuf, err == hipSuccess ? *ptr : NULL), (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipsim_copy2d(const hipsim_call *call, void *dst, size_t dpitch, const void *src,
                         size_t spitch, size_t width, size_t height, hipMemcpyKind kind,
                         hipStream_t stream, int per_thread_default, int synchronous) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if ((int)kind < hipMemcpyHostToHost || (int)kind > hipMemcpyDefault)
        err = hipErrorInvalidMemcpyDirection;
    else if (width > dpitch || width > spitch)
        err = hipErrorInvalidPitchValue;
    else if (width && height)
        err = hipsim_error(simdev_memcpy2d_async(s, dst, dpitch, src, spitch, width, height));
    if (err == hipSuccess && synchronous) err = hipsim_error(simdev_stream_synchronize(s));
    char dbuf[32], sbuf[32], stbuf[32];
    HIPSIM_TRACE(call, "%s dst=%s dpitch=%zu src=%s spitch=%zu width=%zu height=%zu kind=%d s=%s "
                 "rc=%d", call->name, simdev_fmt_ptr(dbuf, dst), dpitch, simdev_fmt_ptr(sbuf, src),
                 spitch, width, height, (int)kind, s ? simdev_fmt_stream(stbuf, s) : "?", (int)err);
    return err;
}

hipError_t hipsim_fill2d(const hipsim_call *call, void *dst, size_t pitch, int value,
                         size_t width, size_t height, hipStream_t stream, int per_thread_default,
                         int synchronous) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (width > pitch)
        err = hipErrorInvalidPitchValue;
    else if (width && height)
        err = hipsim_error(
            simdev_memset2d_async(s, dst, pitch, (uint32_t)value & 0xffu, 1, width, height));
    if (err == hipSuccess && synchronous) err = hipsim_error(simdev_stream_synchronize(s));
    char dbuf[32], stbuf[32];
    HIPSIM_TRACE(call, "%s dst=%s pitch=%zu value=0x%x width=%zu height=%zu s=%s rc=%d",
                 call->name, simdev_fmt_ptr(dbuf, dst), pitch, (unsigned)value & 0xffu, width,
                 height, s ? simdev_fmt_stream(stbuf, s) : "?", (int)err);
    return err;
}

hipError_t hipMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
                       size_t height, hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpy2D");
    HIPSIM_RETURN(
        hipsim_copy2d(&call_, dst, dpitch, src, spitch, width, height, kind, NULL, 0, 1));
}

hipError_t hipMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch,
                            size_t width, size_t height, hipMemcpyKind kind, hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpy2DAsync");
    HIPSIM_RETURN(
        hipsim_copy2d(&call_, dst, dpitch, src, spitch, width, height, kind, stream, 0, 0));
}

hipError_t hipMemset2D(void *dst, size_t pitch, int value, size_t width, size_t height) {
    HIPSIM_ENTER("hipMemset2D");
    HIPSIM_RETURN(hipsim_fill2d(&call_, dst, pitch, value, width, height, NULL, 0, 1));
}

hipError_t hipMemset2DAsync(void *dst, size_t pitch, int value, size_t width, size_t height,
                            hipStream_t stream) {
    HIPSIM_ENTER("hipMemset2DAsync");
    HIPSIM_RETURN(hipsim_fill2d(&call_, dst, pitch, value, width, height, stream, 0, 0));
}
