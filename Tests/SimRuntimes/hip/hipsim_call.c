/*
 * hipsim_call.c — the bracket around every exported call (nesting, stats, last error) and the
 * translation of HIP handles and status codes.
 */
#include "hipsim.h"

/* Simulator calls active on this thread: >0 inside an export, so nested exports are internal. */
static _Thread_local int t_depth;
/* HIP keeps the last error per host thread. */
static _Thread_local hipError_t t_last_error = hipSuccess;

hipsim_call hipsim_enter(const char *exported_name) {
    hipsim_call call = {exported_name, t_depth == 0};
    t_depth++;
    simdev_init();
    if (call.outer) simdev_stats_call(exported_name);
    return call;
}

hipError_t hipsim_leave(hipsim_call call, hipError_t err) {
    (void)call;
    t_depth--;
    if (err != hipSuccess) t_last_error = err;
    return err;
}

hipError_t hipsim_last_error(int reset) {
    hipError_t err = t_last_error;
    if (reset) t_last_error = hipSuccess;
    return err;
}

hipError_t hipsim_error(simdev_status st) {
    switch (st) {
    case SIMDEV_OK: return hipSuccess;
    case SIMDEV_ERR_INVALID_VALUE: return hipErrorInvalidValue;
    case SIMDEV_ERR_OUT_OF_MEMORY: return hipErrorOutOfMemory;
    case SIMDEV_ERR_INVALID_HANDLE: return hipErrorInvalidHandle;
    case SIMDEV_ERR_NOT_READY: return hipErrorNotReady;
    case SIMDEV_ERR_NOT_FOUND: return hipErrorNotFound;
    case SIMDEV_ERR_ILLEGAL_ADDRESS: return hipErrorIllegalAddress;
    case SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES: return hipErrorLaunchOutOfResources;
    case SIMDEV_ERR_COOPERATIVE_TOO_LARGE: return hipErrorCooperativeLaunchTooLarge;
    case SIMDEV_ERR_CAPTURE_UNSUPPORTED: return hipErrorStreamCaptureUnsupported;
    case SIMDEV_ERR_CAPTURE_INVALIDATED: return hipErrorStreamCaptureInvalidated;
    case SIMDEV_ERR_CAPTURE_UNMATCHED: return hipErrorStreamCaptureUnmatched;
    case SIMDEV_ERR_CAPTURE_IMPLICIT: return hipErrorStreamCaptureImplicit;
    case SIMDEV_ERR_CAPTURE_ISOLATION: return hipErrorStreamCaptureIsolation;
    case SIMDEV_ERR_NOT_SUPPORTED: return hipErrorNotSupported;
    }
    return hipErrorUnknown;
}

simdev_stream *hipsim_stream(hipStream_t stream, int per_thread_default) {
    if (stream == hipStreamPerThread || (stream == NULL && per_thread_default))
        return simdev_per_thread_stream();
    if (stream == NULL) return simdev_legacy_stream();
    simdev_stream *s = (simdev_stream *)stream;
    return simdev_stream_valid(s) ? s : NULL;
}

simdev_event *hipsim_event(hipEvent_t event) {
    simdev_event *e = (simdev_event *)event;
    return e != NULL && simdev_event_valid(e) ? e : NULL;
}
