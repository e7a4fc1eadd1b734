/*
 * cuda_events.c — event lifetime, record, cross-stream wait, query/synchronize, elapsed time.
 */
#include "cuda_sim.h"

#include <stdlib.h>
#include <unistd.h>

static const char *fmt_event(char *buf, CUevent e) {
    return simdev_event_valid((simdev_event *)e) ? simdev_fmt_event(buf, (simdev_event *)e) : "bad";
}

CUresult cuEventCreate(CUevent *ph, unsigned int flags) {
    CUresult r = cu_enter(__func__);
    simdev_event *e = NULL;
    unsigned known = CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS;
    if (!r && (!ph || (flags & ~known) ||
               ((flags & CU_EVENT_INTERPROCESS) && !(flags & CU_EVENT_DISABLE_TIMING))))
        r = CUDA_ERROR_INVALID_VALUE;
    if (!r) r = cu_status(simdev_event_create(flags, &e));
    if (!r) *ph = (CUevent)e;
    char b[32];
    CU_TRACE("%s flags=0x%x -> %s r=%d", __func__, flags, e ? simdev_fmt_event(b, e) : "none", r);
    return r;
}

static CUresult event_destroy(const char *api, CUevent h) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s e=%s", api, fmt_event(b, h));
    return r ? r : cu_status(simdev_event_destroy((simdev_event *)h));
}
CUresult cuEventDestroy(CUevent h) { return event_destroy(__func__, h); }
CUresult cuEventDestroy_v2(CUevent h) { return event_destroy(__func__, h); }

/* SIM_EVENT_RECORD_DELAY_US=n: every event record first sleeps n us (wall clock), before it looks
 * at its event: a test widens the window in which a record and the event's destroy can race. */
static unsigned record_delay_us(void) {
    static int cached = -1;
    if (cached < 0) {
        const char *v = getenv("SIM_EVENT_RECORD_DELAY_US");
        cached = v ? atoi(v) : 0;
        if (cached < 0) cached = 0;
    }
    return (unsigned)cached;
}

static CUresult event_record(const char *api, bool pt, CUevent e, CUstream h, unsigned flags) {
    if (record_delay_us()) usleep(record_delay_us());
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s e=%s s=%s flags=0x%x", api, fmt_event(b1, e), cu_fmt_stream(b2, h, pt), flags);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && (flags & ~(unsigned)CU_EVENT_RECORD_EXTERNAL)) r = CUDA_ERROR_INVALID_VALUE;
    return r ? r : cu_status(simdev_event_record((simdev_event *)e, s));
}
CUresult cuEventRecord(CUevent e, CUstream h) { return event_record(__func__, false, e, h, 0); }
CUresult cuEventRecord_ptsz(CUevent e, CUstream h) { return event_record(__func__, true, e, h, 0); }
CUresult cuEventRecordWithFlags(CUevent e, CUstream h, unsigned int flags) {
    return event_record(__func__, false, e, h, flags);
}
CUresult cuEventRecordWithFlags_ptsz(CUevent e, CUstream h, unsigned int flags) {
    return event_record(__func__, true, e, h, flags);
}

static CUresult stream_wait_event(const char *api, bool pt, CUstream h, CUevent e, unsigned flags) {
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s s=%s e=%s flags=0x%x", api, cu_fmt_stream(b1, h, pt), fmt_event(b2, e), flags);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && (flags & ~(unsigned)CU_EVENT_WAIT_EXTERNAL)) r = CUDA_ERROR_INVALID_VALUE;
    return r ? r : cu_status(simdev_stream_wait_event(s, (simdev_event *)e));
}
CUresult cuStreamWaitEvent(CUstream h, CUevent e, unsigned int flags) {
    return stream_wait_event(__func__, false, h, e, flags);
}
CUresult cuStreamWaitEvent_ptsz(CUstream h, CUevent e, unsigned int flags) {
    return stream_wait_event(__func__, true, h, e, flags);
}

CUresult cuEventQuery(CUevent e) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s e=%s", __func__, fmt_event(b, e));
    return r ? r : cu_status(simdev_event_query((simdev_event *)e));
}

CUresult cuEventSynchronize(CUevent e) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s e=%s", __func__, fmt_event(b, e));
    return r ? r : cu_status(simdev_event_synchronize((simdev_event *)e));
}

/* Simulated time, in ms. */
static CUresult elapsed(const char *api, float *ms, CUevent start, CUevent end) {
    CUresult r = cu_enter(api);
    if (r) return r;
    if (!ms) return CUDA_ERROR_INVALID_VALUE;
    int64_t ns = 0;
    r = cu_status(simdev_event_elapsed_ns((simdev_event *)start, (simdev_event *)end, &ns));
    if (!r) *ms = (float)((double)ns / 1e6);
    return r;
}
CUresult cuEventElapsedTime(float *ms, CUevent start, CUevent end) { return elapsed(__func__, ms, start, end); }
CUresult cuEventElapsedTime_v2(float *ms, CUevent start, CUevent end) { return elapsed(__func__, ms, start, end); }
