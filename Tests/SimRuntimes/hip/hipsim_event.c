/*
 * hipsim_event.c — events: creation, recording on a stream, host-side waits and queries,
 * and elapsed time between two records (simulated nanoseconds, reported in ms).
 */
#include "hipsim.h"

static void trace_event(const hipsim_call *call, const simdev_event *e, hipError_t err) {
    char ebuf[32];
    HIPSIM_TRACE(call, "%s e=%s rc=%d", call->name, e ? simdev_fmt_event(ebuf, e) : "?",
                 (int)err);
}

static hipError_t create(const hipsim_call *call, hipEvent_t *event, unsigned flags) {
    const unsigned known = hipEventDefault | hipEventBlockingSync | hipEventDisableTiming |
                           hipEventInterprocess | hipEventReleaseToDevice |
                           hipEventReleaseToSystem;
    if (event == NULL || (flags & ~known)) return hipErrorInvalidValue;
    simdev_event *e = NULL;
    hipError_t err = hipsim_error(simdev_event_create(
        flags & hipEventDisableTiming ? SIMDEV_EVENT_DISABLE_TIMING : SIMDEV_EVENT_DEFAULT, &e));
    if (err == hipSuccess) *event = (hipEvent_t)e;
    trace_event(call, e, err);
    return err;
}

hipError_t hipEventCreate(hipEvent_t *event) {
    HIPSIM_ENTER("hipEventCreate");
    HIPSIM_RETURN(create(&call_, event, hipEventDefault));
}

hipError_t hipEventCreateWithFlags(hipEvent_t *event, unsigned flags) {
    HIPSIM_ENTER("hipEventCreateWithFlags");
    HIPSIM_RETURN(create(&call_, event, flags));
}

hipError_t hipEventRecord(hipEvent_t event, hipStream_t stream) {
    HIPSIM_ENTER("hipEventRecord");
    simdev_event *e = hipsim_event(event);
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = e && s ? hipsim_error(simdev_event_record(e, s)) : hipErrorInvalidHandle;
    char ebuf[32], sbuf[32];
    HIPSIM_TRACE(&call_, "hipEventRecord e=%s s=%s rc=%d", e ? simdev_fmt_event(ebuf, e) : "?",
                 s ? simdev_fmt_stream(sbuf, s) : "?", (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipEventDestroy(hipEvent_t event) {
    HIPSIM_ENTER("hipEventDestroy");
    simdev_event *e = hipsim_event(event);
    char ebuf[32] = "?";
    if (e) simdev_fmt_event(ebuf, e); /* named before the handle dies */
    hipError_t err = e ? hipsim_error(simdev_event_destroy(e)) : hipErrorInvalidHandle;
    HIPSIM_TRACE(&call_, "hipEventDestroy e=%s rc=%d", ebuf, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipEventSynchronize(hipEvent_t event) {
    HIPSIM_ENTER("hipEventSynchronize");
    simdev_event *e = hipsim_event(event);
    hipError_t err = e ? hipsim_error(simdev_event_synchronize(e)) : hipErrorInvalidHandle;
    trace_event(&call_, e, err);
    HIPSIM_RETURN(err);
}

hipError_t hipEventQuery(hipEvent_t event) {
    HIPSIM_ENTER("hipEventQuery");
    simdev_event *e = hipsim_event(event);
    hipError_t err = e ? hipsim_error(simdev_event_query(e)) : hipErrorInvalidHandle;
    trace_event(&call_, e, err);
    HIPSIM_RETURN(err);
}

/* Not traced: the value is simulated time, and whether a shim adds latency is its business. */
hipError_t hipEventElapsedTime(float *ms, hipEvent_t start, hipEvent_t stop) {
    HIPSIM_ENTER("hipEventElapsedTime");
    if (ms == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    simdev_event *a = hipsim_event(start), *b = hipsim_event(stop);
    if (a == NULL || b == NULL) HIPSIM_RETURN(hipErrorInvalidHandle);
    int64_t ns = 0;
    hipError_t err = hipsim_error(simdev_event_elapsed_ns(a, b, &ns));
    if (err == hipSuccess) *ms = (float)((double)ns / 1e6);
    HIPSIM_RETURN(err);
}
