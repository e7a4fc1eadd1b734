/*
 * cuda_entry.c — what every entry point does first: count itself, check init/context/sticky
 * state, map core statuses to CUresult, resolve stream handles.
 */
#include "cuda_sim.h"

#include <string.h>

CUresult cu_status(simdev_status st) {
    switch (st) {
    case SIMDEV_OK: return CUDA_SUCCESS;
    case SIMDEV_ERR_INVALID_VALUE: return CUDA_ERROR_INVALID_VALUE;
    case SIMDEV_ERR_OUT_OF_MEMORY: return CUDA_ERROR_OUT_OF_MEMORY;
    case SIMDEV_ERR_INVALID_HANDLE: return CUDA_ERROR_INVALID_HANDLE;
    case SIMDEV_ERR_NOT_READY: return CUDA_ERROR_NOT_READY;
    case SIMDEV_ERR_NOT_FOUND: return CUDA_ERROR_NOT_FOUND;
    case SIMDEV_ERR_ILLEGAL_ADDRESS: return CUDA_ERROR_ILLEGAL_ADDRESS;
    case SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES: return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
    case SIMDEV_ERR_COOPERATIVE_TOO_LARGE: return CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE;
    case SIMDEV_ERR_CAPTURE_UNSUPPORTED: return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    case SIMDEV_ERR_CAPTURE_INVALIDATED: return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    case SIMDEV_ERR_CAPTURE_UNMATCHED: return CUDA_ERROR_STREAM_CAPTURE_UNMATCHED;
    case SIMDEV_ERR_CAPTURE_IMPLICIT: return CUDA_ERROR_STREAM_CAPTURE_IMPLICIT;
    case SIMDEV_ERR_CAPTURE_ISOLATION: return CUDA_ERROR_STREAM_CAPTURE_ISOLATION;
    case SIMDEV_ERR_NOT_SUPPORTED: return CUDA_ERROR_NOT_SUPPORTED;
    }
    return CUDA_ERROR_UNKNOWN;
}

CUresult cu_enter_noctx(const char *api) {
    simdev_stats_call(api);
    return cu_initialized() ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

CUresult cu_enter(const char *api) {
    CUresult r = cu_enter_noctx(api);
    if (r != CUDA_SUCCESS) return r;
    if (!cu_current_ctx()) return CUDA_ERROR_INVALID_CONTEXT;
    simdev_status sticky = simdev_sticky_error(); /* a faulted context fails every later call */
    return sticky ? cu_status(sticky) : CUDA_SUCCESS;
}

CUresult cu_stream(CUstream h, bool pt, simdev_stream **out) {
    if (h == NULL)
        *out = pt ? simdev_per_thread_stream() : simdev_legacy_stream();
    else if (h == CU_STREAM_LEGACY)
        *out = simdev_legacy_stream();
    else if (h == CU_STREAM_PER_THREAD)
        *out = simdev_per_thread_stream();
    else if (simdev_stream_valid((simdev_stream *)h))
        *out = (simdev_stream *)h;
    else
        return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

const char *cu_fmt_stream(char *buf, CUstream h, bool pt) {
    simdev_stream *s;
    if (cu_stream(h, pt, &s) != CUDA_SUCCESS) return strcpy(buf, "bad");
    return simdev_fmt_stream(buf, s);
}
