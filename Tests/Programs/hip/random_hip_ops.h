// random_hip_ops.h — random_program.hip's executor: issues each generated op through the HIP
// runtime, choosing among equivalent spellings (null stream, hipStreamPerThread or 0 with the
// _spt entry points, typed vs hipMemcpyAsync copies, byte vs typed memsets) from the op's
// random variant bits.
#pragma once
#include "../cuda/programs/random_mem.h"
#include "random_hip_launch.h"

struct HipRun {
    const rp_program* p;
    rp_mem mem;
    hipModule_t mod;
    hipFunction_t modfn[RP_NKERNELS];  // null where the module lacks the kernel
    float* dev[RP_MAX_DEV];
    unsigned char* flags;
    unsigned char* staging;  // pageable source of HtoD copies, scribbled over after each call
    hipStream_t streams[RP_MAX_STREAMS];
    hipEvent_t events[RP_MAX_EVENTS];
    hipGraph_t graphs[RP_MAX_GRAPHS];
    hipGraphExec_t execs[RP_MAX_GRAPHS];
};

static HipRun R;  // global: host callbacks reach the run through it

static void hip_callback(hipStream_t, hipError_t, void* op) { rp_hostfn_body(&R.mem, R.p, (const rp_op*)op); }

// The queue's handle for plain entry points (s) and for the _spt ones (spt_s; 0 is the calling
// thread's stream there), and whether to use the _spt ones (never for the null stream).
struct HipStream {
    hipStream_t s, spt_s;
    bool spt;
};

static HipStream hip_stream(int q, uint32_t v) {
    HipStream h = {nullptr, nullptr, false};
    if (q == RP_Q_HOST || q == RP_Q_LEGACY) return h;
    h.s = q == RP_Q_PT ? hipStreamPerThread : R.streams[q - RP_Q_S0];
    h.spt = v % 2;
    h.spt_s = q == RP_Q_PT && v % 4 < 2 ? nullptr : h.s;
    return h;
}

static void* hip_ptr(const rp_loc& l) {
    if (l.space == RP_DEV) return (unsigned char*)R.dev[l.index] + l.off;
    return (l.space == RP_STAGING ? R.staging : rp_host_buf(&R.mem, &l)) + l.off;
}

static void hip_copy(const rp_op* o, const HipStream& h) {
    if (o->src.space == RP_STAGING) rp_fill(R.staging, R.p->host_bytes, o->seed);
    void *dst = hip_ptr(o->dst), *src = hip_ptr(o->src);
    hipMemcpyKind kind = o->src.space == RP_DEV ? (o->dst.space == RP_DEV ? hipMemcpyDeviceToDevice : hipMemcpyDeviceToHost)
                                                : hipMemcpyHostToDevice;
    unsigned form = (o->variant >> 4) % 3;
    if (form == 2) kind = hipMemcpyDefault;
    if (o->kind == RP_OP_SYNC_COPY) {
        if (o->q == RP_Q_PT) HIP_CHECK(hipMemcpy_spt(dst, src, o->bytes, kind));
        else if (form == 0 && kind == hipMemcpyHostToDevice) HIP_CHECK(hipMemcpyHtoD(dst, src, o->bytes));
        else if (form == 0 && kind == hipMemcpyDeviceToHost) HIP_CHECK(hipMemcpyDtoH(dst, src, o->bytes));
        else if (form == 0) HIP_CHECK(hipMemcpyDtoD(dst, src, o->bytes));
        else HIP_CHECK(hipMemcpy(dst, src, o->bytes, kind));
    } else if (form == 0 && kind == hipMemcpyHostToDevice) {
        HIP_CHECK(hipMemcpyHtoDAsync(dst, src, o->bytes, h.s));
    } else if (form == 0 && kind == hipMemcpyDeviceToHost) {
        HIP_CHECK(hipMemcpyDtoHAsync(dst, src, o->bytes, h.s));
    } else if (form == 0) {
        HIP_CHECK(hipMemcpyDtoDAsync(dst, src, o->bytes, h.s));
    } else if (h.spt) {
        HIP_CHECK(hipMemcpyAsync_spt(dst, src, o->bytes, kind, h.spt_s));
    } else {
        HIP_CHECK(hipMemcpyAsync(dst, src, o->bytes, kind, h.s));
    }
    // A pageable source may be reused as soon as the call returns: real apps do.
    if (o->src.space == RP_STAGING) memset(R.staging, 0xee, R.p->host_bytes);
}

static void hip_memset(const rp_op* o, const HipStream& h) {
    void* d = hip_ptr(o->dst);
    bool bytes = (o->variant >> 4) % 2;  // hipMemset(Async) rather than hipMemsetD8(Async)
    if (o->kind == RP_OP_SYNC_MEMSET) {
        if (o->q == RP_Q_PT) HIP_CHECK(hipMemset_spt(d, (int)o->value, o->count));  // bytes only
        else if (o->elem == 1 && bytes) HIP_CHECK(hipMemset(d, (int)o->value, o->count));
        else if (o->elem == 1) HIP_CHECK(hipMemsetD8(d, (unsigned char)o->value, o->count));
        else if (o->elem == 2) HIP_CHECK(hipMemsetD16(d, (unsigned short)o->value, o->count));
        else HIP_CHECK(hipMemsetD32(d, (int)o->value, o->count));
    } else if (o->height) {  // bytes only
        HIP_CHECK(hipMemset2DAsync(d, o->pitch, (int)o->value, o->count, o->height, h.s));
    } else if (o->elem == 1 && bytes) {
        HIP_CHECK(hipMemsetAsync(d, (int)o->value, o->count, h.s));
    } else if (o->elem == 1) {
        HIP_CHECK(hipMemsetD8Async(d, (unsigned char)o->value, o->count, h.s));
    } else if (o->elem == 2) {
        HIP_CHECK(hipMemsetD16Async(d, (unsigned short)o->value, o->count, h.s));
    } else {
        HIP_CHECK(hipMemsetD32Async(d, (int)o->value, o->count, h.s));
    }
}

static void hip_memop(const rp_op* o, const HipStream& h) {
    bool wait = o->kind == RP_OP_WAIT_VALUE;
    void* addr = R.flags + rp_flag_offset(wait ? o->aux : o->q);
    if (wait && o->is64) HIP_CHECK(hipStreamWaitValue64(h.s, addr, o->fvalue, hipStreamWaitValueGte, ~0ull));
    else if (wait) HIP_CHECK(hipStreamWaitValue32(h.s, addr, (uint32_t)o->fvalue, hipStreamWaitValueGte, 0xffffffffu));
    else if (o->is64) HIP_CHECK(hipStreamWriteValue64(h.s, addr, o->fvalue, 0));
    else HIP_CHECK(hipStreamWriteValue32(h.s, addr, (uint32_t)o->fvalue, 0));
}

static void hip_capture(const rp_op* o, const HipStream& h) {
    hipStreamCaptureStatus st = hipStreamCaptureStatusNone;
    if (o->kind == RP_OP_CAPTURE_BEGIN) {
        HIP_CHECK(hipStreamBeginCapture(h.s, (hipStreamCaptureMode)o->mode));
        HIP_CHECK(hipStreamIsCapturing(h.s, &st));
        if (st != hipStreamCaptureStatusActive) {
            fprintf(stderr, "random_program: stream not capturing after hipStreamBeginCapture\n");
            exit(1);
        }
        return;
    }
    HIP_CHECK(hipStreamEndCapture(h.s, &R.graphs[o->graph]));
    if ((o->variant >> 4) % 2) HIP_CHECK(hipGraphInstantiate(&R.execs[o->graph], R.graphs[o->graph], nullptr, nullptr, 0));
    else HIP_CHECK(hipGraphInstantiateWithFlags(&R.execs[o->graph], R.graphs[o->graph], 0));
    if ((o->variant >> 5) % 2) {  // the exec outlives its graph
        HIP_CHECK(hipGraphDestroy(R.graphs[o->graph]));
        R.graphs[o->graph] = nullptr;
    }
}

// Timing-dependent answers are never printed: only an error is. "Not ready" also becomes the
// thread's last error, which the next <<<>>> launch check would see: clear it.
static void hip_query(hipError_t r) {
    if (r == hipErrorNotReady) (void)hipGetLastError();
    else HIP_CHECK(r);
}

static void hip_exec(const rp_op* o) {
    HipStream h = hip_stream(o->q, o->variant);
    switch (o->kind) {
        case RP_OP_KERNEL: hip_launch(o, h.s, h.spt_s, h.spt, R.dev, R.modfn[o->kernel]); break;
        case RP_OP_COPY:
        case RP_OP_SYNC_COPY: hip_copy(o, h); break;
        case RP_OP_MEMSET:
        case RP_OP_SYNC_MEMSET: hip_memset(o, h); break;
        case RP_OP_HOSTFN: HIP_CHECK(hipStreamAddCallback(h.s, hip_callback, (void*)o, 0)); break;
        case RP_OP_WRITE_VALUE:
        case RP_OP_WAIT_VALUE: hip_memop(o, h); break;
        case RP_OP_EVENT_RECORD: HIP_CHECK(hipEventRecord(R.events[o->ev], h.s)); break;
        case RP_OP_WAIT_EVENT:
            if (h.spt) HIP_CHECK(hipStreamWaitEvent_spt(h.spt_s, R.events[o->ev], 0));
            else HIP_CHECK(hipStreamWaitEvent(h.s, R.events[o->ev], 0));
            break;
        case RP_OP_STREAM_SYNC:
            if (h.spt) HIP_CHECK(hipStreamSynchronize_spt(h.spt_s));
            else HIP_CHECK(hipStreamSynchronize(h.s));
            break;
        case RP_OP_EVENT_SYNC: HIP_CHECK(hipEventSynchronize(R.events[o->ev])); break;
        case RP_OP_CTX_SYNC: HIP_CHECK(hipDeviceSynchronize()); break;
        case RP_OP_STREAM_QUERY: hip_query(h.spt ? hipStreamQuery_spt(h.spt_s) : hipStreamQuery(h.s)); break;
        case RP_OP_EVENT_QUERY: hip_query(hipEventQuery(R.events[o->ev])); break;
        case RP_OP_HOST_FILL: rp_host_fill(&R.mem, R.p, o); break;
        case RP_OP_HOST_CHECK: rp_host_check(&R.mem, R.p, o); break;
        case RP_OP_CAPTURE_BEGIN:
        case RP_OP_CAPTURE_END: hip_capture(o, h); break;
        case RP_OP_GRAPH_LAUNCH: HIP_CHECK(hipGraphLaunch(R.execs[o->graph], h.s)); break;
        case RP_OP_STREAM_DESTROY:
            if (o->ev >= 0) HIP_CHECK(hipEventRecord(R.events[o->ev], h.s));
            HIP_CHECK(hipStreamDestroy(h.s));
            R.streams[o->q - RP_Q_S0] = nullptr;
            break;
    }
}
