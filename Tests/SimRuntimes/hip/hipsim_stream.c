/*
 * hipsim_stream.c — stream lifetime and properties: creation with flags, priority or a CU
 * mask (blocks of a masked stream only run on the allowed compute units), destruction,
 * synchronisation, queries and cross-stream event waits.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hipsim.h"

static void trace_stream(const hipsim_call *call, const simdev_stream *s, hipError_t err) {
    char sbuf[32];
    HIPSIM_TRACE(call, "%s s=%s rc=%d", call->name, s ? simdev_fmt_stream(sbuf, s) : "?",
                 (int)err);
}

static hipError_t create(const hipsim_call *call, hipStream_t *stream, unsigned flags,
                         int priority) {
    if (stream == NULL || (flags & ~(unsigned)hipStreamNonBlocking)) return hipErrorInvalidValue;
    simdev_stream *s = NULL;
    hipError_t err = hipsim_error(simdev_stream_create(
        flags & hipStreamNonBlocking ? SIMDEV_STREAM_NON_BLOCKING : SIMDEV_STREAM_BLOCKING,
        priority, &s));
    if (err == hipSuccess) *stream = (hipStream_t)s;
    char sbuf[32];
    HIPSIM_TRACE(call, "%s s=%s flags=%u prio=%d rc=%d", call->name,
                 s ? simdev_fmt_stream(sbuf, s) : "?", flags,
                 s ? simdev_stream_priority(s) : 0, (int)err);
    return err;
}

hipError_t hipStreamCreate(hipStream_t *stream) {
    HIPSIM_ENTER("hipStreamCreate");
    HIPSIM_RETURN(create(&call_, stream, hipStreamDefault, SIMDEV_PRIO_LEAST));
}

hipError_t hipStreamCreateWithFlags(hipStream_t *stream, unsigned int flags) {
    HIPSIM_ENTER("hipStreamCreateWithFlags");
    HIPSIM_RETURN(create(&call_, stream, flags, SIMDEV_PRIO_LEAST));
}

hipError_t hipStreamCreateWithPriority(hipStream_t *stream, unsigned int flags, int priority) {
    HIPSIM_ENTER("hipStreamCreateWithPriority");
    HIPSIM_RETURN(create(&call_, stream, flags, priority));
}

hipError_t hipDeviceGetStreamPriorityRange(int *leastPriority, int *greatestPriority) {
    HIPSIM_ENTER("hipDeviceGetStreamPriorityRange");
    if (leastPriority) *leastPriority = SIMDEV_PRIO_LEAST;
    if (greatestPriority) *greatestPriority = SIMDEV_PRIO_GREATEST;
    HIPSIM_RETURN(hipSuccess);
}

/* cuMask: bit i of word i/32 enables CU i; CUs past the device's count are ignored. */
hipError_t hipExtStreamCreateWithCUMask(hipStream_t *stream, uint32_t cuMaskSize,
                                        const uint32_t *cuMask) {
    HIPSIM_ENTER("hipExtStreamCreateWithCUMask");
    if (stream == NULL || cuMaskSize == 0 || cuMask == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    simdev_stream *s = NULL;
    hipError_t err =
        hipsim_error(simdev_stream_create(SIMDEV_STREAM_BLOCKING, SIMDEV_PRIO_LEAST, &s));
    if (err == hipSuccess) {
        err = hipsim_error(simdev_stream_set_sm_mask(s, cuMask, cuMaskSize));
        if (err != hipSuccess) {
            simdev_stream_destroy(s);
            s = NULL;
        }
    }
    if (err == hipSuccess) *stream = (hipStream_t)s;
    char sbuf[32];
    HIPSIM_TRACE(&call_, "hipExtStreamCreateWithCUMask s=%s mask0=0x%08x words=%u rc=%d",
                 s ? simdev_fmt_stream(sbuf, s) : "?", cuMask[0], cuMaskSize, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipExtStreamGetCUMask(hipStream_t stream, uint32_t cuMaskSize, uint32_t *cuMask) {
    HIPSIM_ENTER("hipExtStreamGetCUMask");
    simdev_stream *s = hipsim_stream(stream, 0);
    if (s == NULL) HIPSIM_RETURN(hipErrorInvalidHandle);
    if (cuMask == NULL || cuMaskSize == 0) HIPSIM_RETURN(hipErrorInvalidValue);
    HIPSIM_RETURN(hipsim_error(simdev_stream_get_sm_mask(s, cuMask, cuMaskSize)));
}

hipError_t hipStreamDestroy(hipStream_t stream) {
    HIPSIM_ENTER("hipStreamDestroy");
    /* The default streams are not the program's to destroy. */
    simdev_stream *s = stream == NULL || stream == hipStreamPerThread ? NULL
                                                                      : hipsim_stream(stream, 0);
    char sbuf[32] = "?";
    if (s) simdev_fmt_stream(sbuf, s); /* named before the handle dies */
    hipError_t err = s ? hipsim_error(simdev_stream_destroy(s)) : hipErrorInvalidHandle;
    HIPSIM_TRACE(&call_, "hipStreamDestroy s=%s rc=%d", sbuf, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipsim_stream_synchronize(const hipsim_call *call, hipStream_t stream,
                                     int per_thread_default) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    hipError_t err = s ? hipsim_error(simdev_stream_synchronize(s)) : hipErrorInvalidHandle;
    trace_stream(call, s, err);
    return err;
}

hipError_t hipsim_stream_query(const hipsim_call *call, hipStream_t stream,
                               int per_thread_default) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    hipError_t err = s ? hipsim_error(simdev_stream_query(s)) : hipErrorInvalidHandle;
    trace_stream(call, s, err);
    return err;
}

hipError_t hipsim_stream_wait_event(const hipsim_call *call, hipStream_t stream, hipEvent_t event,
                                    unsigned flags, int per_thread_default) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    simdev_event *e = hipsim_event(event);
    hipError_t err;
    if (s == NULL || e == NULL)
        err = hipErrorInvalidHandle;
    else if (flags != 0)
        err = hipErrorInvalidValue;
    else
        err = hipsim_error(simdev_stream_wait_event(s, e));
    char sbuf[32], ebuf[32];
    HIPSIM_TRACE(call, "%s s=%s e=%s rc=%d", call->name, s ? simdev_fmt_stream(sbuf, s) : "?",
                 e ? simdev_fmt_event(ebuf, e) : "?", (int)err);
    return err;
}

hipError_t hipsim_stream_get_flags(hipStream_t stream, unsigned *flags, int per_thread_default) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    if (s == NULL) return hipErrorInvalidHandle;
    if (flags == NULL) return hipErrorInvalidValue;
    *flags = simdev_stream_flags(s) & SIMDEV_STREAM_NON_BLOCKING ? hipStreamNonBlocking
                                                                 : hipStreamDefault;
    return hipSuccess;
}

hipError_t hipsim_stream_get_priority(hipStream_t stream, int *priority,
                                      int per_thread_default) {
    simdev_stream *s = hipsim_stream(stream, per_thread_default);
    if (s == NULL) return hipErrorInvalidHandle;
    if (priority == NULL) return hipErrorInvalidValue;
    *priority = simdev_stream_priority(s);
    return hipSuccess;
}

hipError_t hipStreamSynchronize(hipStream_t stream) {
    HIPSIM_ENTER("hipStreamSynchronize");
    HIPSIM_RETURN(hipsim_stream_synchronize(&call_, stream, 0));
}

hipError_t hipStreamQuery(hipStream_t stream) {
    HIPSIM_ENTER("hipStreamQuery");
    HIPSIM_RETURN(hipsim_stream_query(&call_, stream, 0));
}

hipError_t hipStreamWaitEvent(hipStream_t stream, hipEvent_t event, unsigned int flags) {
    HIPSIM_ENTER("hipStreamWaitEvent");
    HIPSIM_RETURN(hipsim_stream_wait_event(&call_, stream, event, flags, 0));
}

hipError_t hipStreamGetFlags(hipStream_t stream, unsigned int *flags) {
    HIPSIM_ENTER("hipStreamGetFlags");
    HIPSIM_RETURN(hipsim_stream_get_flags(stream, flags, 0));
}

hipError_t hipStreamGetPriority(hipStream_t stream, int *priority) {
    HIPSIM_ENTER("hipStreamGetPriority");
    HIPSIM_RETURN(hipsim_stream_get_priority(stream, priority, 0));
}
