/*
 * cuda_streams.c — stream lifetime and properties, stream/context synchronisation and query.
 */
#include "cuda_sim.h"

static CUresult stream_create(const char *api, CUstream *ph, unsigned flags, int prio) {
    CUresult r = cu_enter(api);
    simdev_stream *s = NULL;
    if (!r) r = (!ph || (flags & ~(unsigned)CU_STREAM_NON_BLOCKING)) ? CUDA_ERROR_INVALID_VALUE
                                                                     : cu_status(simdev_stream_create(flags, prio, &s));
    if (!r) *ph = (CUstream)s;
    char b[32];
    CU_TRACE("%s flags=0x%x prio=%d -> %s r=%d", api, flags, s ? simdev_stream_priority(s) : prio,
             s ? simdev_fmt_stream(b, s) : "none", r);
    return r;
}

CUresult cuStreamCreate(CUstream *ph, unsigned int flags) { return stream_create(__func__, ph, flags, SIMDEV_PRIO_LEAST); }
CUresult cuStreamCreateWithPriority(CUstream *ph, unsigned int flags, int priority) {
    return stream_create(__func__, ph, flags, priority);
}

/* Destroying a default stream (NULL, LEGACY, PER_THREAD) is an invalid handle. */
static CUresult stream_destroy(const char *api, CUstream h) {
    CUresult r = cu_enter(api);
    char b[32];
    bool special = h == NULL || h == CU_STREAM_LEGACY || h == CU_STREAM_PER_THREAD;
    CU_TRACE("%s s=%s", api, special ? "default" : cu_fmt_stream(b, h, false));
    if (r) return r;
    if (special) return CUDA_ERROR_INVALID_HANDLE;
    return cu_status(simdev_stream_destroy((simdev_stream *)h));
}

CUresult cuStreamDestroy(CUstream h) { return stream_destroy(__func__, h); }
CUresult cuStreamDestroy_v2(CUstream h) { return stream_destroy(__func__, h); }

static CUresult stream_get_priority(const char *api, bool pt, CUstream h, int *prio) {
    CUresult r = cu_enter(api);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && !prio) r = CUDA_ERROR_INVALID_VALUE;
    if (!r) *prio = simdev_stream_priority(s);
    return r;
}
CUresult cuStreamGetPriority(CUstream h, int *prio) { return stream_get_priority(__func__, false, h, prio); }
CUresult cuStreamGetPriority_ptsz(CUstream h, int *prio) { return stream_get_priority(__func__, true, h, prio); }

static CUresult stream_get_flags(const char *api, bool pt, CUstream h, unsigned *flags) {
    CUresult r = cu_enter(api);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && !flags) r = CUDA_ERROR_INVALID_VALUE;
    if (!r) *flags = simdev_stream_flags(s);
    return r;
}
CUresult cuStreamGetFlags(CUstream h, unsigned int *flags) { return stream_get_flags(__func__, false, h, flags); }
CUresult cuStreamGetFlags_ptsz(CUstream h, unsigned int *flags) { return stream_get_flags(__func__, true, h, flags); }

/* ---- synchronisation ---- */
static CUresult stream_sync(const char *api, bool pt, CUstream h, bool query) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s", api, cu_fmt_stream(b, h, pt));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    return cu_status(query ? simdev_stream_query(s) : simdev_stream_synchronize(s));
}

CUresult cuStreamSynchronize(CUstream h) { return stream_sync(__func__, false, h, false); }
CUresult cuStreamSynchronize_ptsz(CUstream h) { return stream_sync(__func__, true, h, false); }
CUresult cuStreamQuery(CUstream h) { return stream_sync(__func__, false, h, true); }
CUresult cuStreamQuery_ptsz(CUstream h) { return stream_sync(__func__, true, h, true); }

CUresult cuCtxSynchronize(void) {
    CUresult r = cu_enter(__func__);
    CU_TRACE("%s", __func__);
    return r ? r : cu_status(simdev_context_synchronize()); /* not green contexts' streams */
}

/* CUDA 13: synchronise the given context (NULL: the current one). */
CUresult cuCtxSynchronize_v2(CUcontext ctx) {
    CUresult r = cu_enter(__func__);
    CU_TRACE("%s ctx=%s", __func__, ctx ? "given" : "current");
    if (r) return r;
    if (ctx && !cu_ctx_valid(ctx)) return CUDA_ERROR_INVALID_CONTEXT;
    return cu_status(simdev_context_synchronize());
}
