/*
 * hipsim_stream_ops.c — stream-ordered operations that are not copies or kernels: host
 * callbacks and the 32/64-bit wait/write value operations.
 */
#include "hipsim.h"

/* A HIP callback gets the stream handle the program passed, so keep it beside the function.
 * The core copies this closure into the op (and into graph nodes), so nothing is freed here. */
typedef struct callback_closure {
    hipStreamCallback_t fn;
    hipStream_t stream;
    void *user_data;
} callback_closure;

_Static_assert(sizeof(callback_closure) <= SIMDEV_CLOSURE_MAX, "closure fits the op");

static void run_callback(void *arg, simdev_status status) {
    const callback_closure *c = arg;
    c->fn(c->stream, hipsim_error(status), c->user_data);
}

hipError_t hipStreamAddCallback(hipStream_t stream, hipStreamCallback_t callback, void *userData,
                                unsigned int flags) {
    HIPSIM_ENTER("hipStreamAddCallback");
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (callback == NULL || flags != 0)
        err = hipErrorInvalidValue;
    if (err == hipSuccess) {
        callback_closure c = {callback, stream, userData};
        err = hipsim_error(simdev_host_func(s, run_callback, &c, sizeof c));
    }
    char sbuf[32];
    HIPSIM_TRACE(&call_, "hipStreamAddCallback s=%s rc=%d", s ? simdev_fmt_stream(sbuf, s) : "?",
                 (int)err);
    HIPSIM_RETURN(err);
}

/* HIP's wait flags are the conditions themselves (Gte 0, Eq 1, And 2, Nor 3), as in the core. */
static hipError_t wait_value(const hipsim_call *call, hipStream_t stream, void *ptr,
                             uint64_t value, unsigned flags, uint64_t mask, int is64) {
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = hipSuccess;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (ptr == NULL || flags > hipStreamWaitValueNor)
        err = hipErrorInvalidValue;
    else
        err = hipsim_error(simdev_wait_value(s, ptr, value, is64, (int)flags, mask));
    char sbuf[32], pbuf[32];
    HIPSIM_TRACE(call, "%s s=%s ptr=%s value=0x%llx cond=%u mask=0x%llx rc=%d", call->name,
                 s ? simdev_fmt_stream(sbuf, s) : "?", simdev_fmt_ptr(pbuf, ptr),
                 (unsigned long long)value, flags, (unsigned long long)mask, (int)err);
    return err;
}

static hipError_t write_value(const hipsim_call *call, hipStream_t stream, void *ptr,
                              uint64_t value, unsigned flags, int is64) {
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = hipSuccess;
    (void)flags; /* reserved, always 0 */
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (ptr == NULL)
        err = hipErrorInvalidValue;
    else
        err = hipsim_error(simdev_write_value(s, ptr, value, is64));
    char sbuf[32], pbuf[32];
    HIPSIM_TRACE(call, "%s s=%s ptr=%s value=0x%llx rc=%d", call->name,
                 s ? simdev_fmt_stream(sbuf, s) : "?", simdev_fmt_ptr(pbuf, ptr),
                 (unsigned long long)value, (int)err);
    return err;
}

hipError_t hipStreamWaitValue32(hipStream_t stream, void *ptr, uint32_t value, unsigned int flags,
                                uint32_t mask) {
    HIPSIM_ENTER("hipStreamWaitValue32");
    HIPSIM_RETURN(wait_value(&call_, stream, ptr, value, flags, mask, 0));
}

hipError_t hipStreamWaitValue64(hipStream_t stream, void *ptr, uint64_t value, unsigned int flags,
                                uint64_t mask) {
    HIPSIM_ENTER("hipStreamWaitValue64");
    HIPSIM_RETURN(wait_value(&call_, stream, ptr, value, flags, mask, 1));
}

hipError_t hipStreamWriteValue32(hipStream_t stream, void *ptr, uint32_t value,
                                 unsigned int flags) {
    HIPSIM_ENTER("hipStreamWriteValue32");
    HIPSIM_RETURN(write_value(&call_, stream, ptr, value, flags, 0));
}

hipError_t hipStreamWriteValue64(hipStream_t stream, void *ptr, uint64_t value,
                                 unsigned int flags) {
    HIPSIM_ENTER("hipStreamWriteValue64");
    HIPSIM_RETURN(write_value(&call_, stream, ptr, value, flags, 1));
}
