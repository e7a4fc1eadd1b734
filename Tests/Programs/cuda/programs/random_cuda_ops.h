/*
 * random_cuda_ops.h — random_program.c's executor: issues each generated op through the CUDA
 * driver API, choosing among equivalent spellings (legacy / _ptsz / _ptds entry points, NULL
 * vs CU_STREAM_LEGACY / CU_STREAM_PER_THREAD handles, typed vs unified copies, plain / _v2 /
 * batched memops) from the op's random variant bits.
 */
#ifndef RANDOM_CUDA_OPS_H
#define RANDOM_CUDA_OPS_H

#include "random_cuda_launch.h"
#include "random_mem.h"

typedef struct cu_run {
    const rp_program *p;
    rp_mem mem;
    int prio_least, prio_greatest;
    CUmodule mod;
    CUlibrary lib;
    CUfunction funcs[RP_NKERNELS];
    CUkernel kerns[RP_NKERNELS];
    CUdeviceptr dev[RP_MAX_DEV], flags;
    unsigned char *staging; /* pageable source of HtoD copies, scribbled over after each call */
    CUstream streams[RP_MAX_STREAMS];
    CUevent events[RP_MAX_EVENTS];
    CUgraph graphs[RP_MAX_GRAPHS];
    CUgraphExec execs[RP_MAX_GRAPHS];
} cu_run;

static cu_run R; /* global: host callbacks reach the run through it */

static void cu_host_fn(void *op) { rp_hostfn_body(&R.mem, R.p, (const rp_op *)op); }
static void cu_stream_cb(CUstream s, CUresult st, void *op) {
    (void)s;
    (void)st;
    cu_host_fn(op);
}

/* Handle and entry-point family (pt: _ptsz) for queue q, one of the equivalent spellings. */
static CUstream cu_stream(int q, uint32_t v, int *pt) {
    if (q == RP_Q_LEGACY) {
        *pt = v % 3 == 2; /* a _ptsz entry point still reaches the legacy stream through its handle */
        return v % 3 == 0 ? NULL : CU_STREAM_LEGACY;
    }
    if (q == RP_Q_PT) {
        *pt = v % 3 != 0;
        return v % 3 == 1 ? NULL : CU_STREAM_PER_THREAD;
    }
    *pt = v % 2;
    return R.streams[q - RP_Q_S0];
}

static CUdeviceptr cu_dptr(const rp_loc *l) {
    if (l->space == RP_DEV) return R.dev[l->index] + l->off;
    unsigned char *host = l->space == RP_STAGING ? R.staging : rp_host_buf(&R.mem, l);
    return DPTR(host + l->off); /* unified addressing: host pointers are valid CUdeviceptrs */
}

static void cu_copy(const rp_op *o, CUstream h, int pt) {
    if (o->src.space == RP_STAGING) rp_fill(R.staging, R.p->host_bytes, o->seed);
    CUdeviceptr dst = cu_dptr(&o->dst), src = cu_dptr(&o->src);
    int unified = (o->variant >> 4) % 3 == 0, sync = o->kind == RP_OP_SYNC_COPY;
    if (unified && sync)
        CHECK((pt ? cuMemcpy_ptds : cuMemcpy)(dst, src, o->bytes));
    else if (unified)
        CHECK((pt ? cuMemcpyAsync_ptsz : cuMemcpyAsync)(dst, src, o->bytes, h));
    else if (o->src.space != RP_DEV && sync)
        CHECK((pt ? cuMemcpyHtoD_v2_ptds : cuMemcpyHtoD_v2)(dst, HPTR(src), o->bytes));
    else if (o->src.space != RP_DEV)
        CHECK((pt ? cuMemcpyHtoDAsync_v2_ptsz : cuMemcpyHtoDAsync_v2)(dst, HPTR(src), o->bytes, h));
    else if (o->dst.space != RP_DEV && sync)
        CHECK((pt ? cuMemcpyDtoH_v2_ptds : cuMemcpyDtoH_v2)(HPTR(dst), src, o->bytes));
    else if (o->dst.space != RP_DEV)
        CHECK((pt ? cuMemcpyDtoHAsync_v2_ptsz : cuMemcpyDtoHAsync_v2)(HPTR(dst), src, o->bytes, h));
    else if (sync)
        CHECK((pt ? cuMemcpyDtoD_v2_ptds : cuMemcpyDtoD_v2)(dst, src, o->bytes));
    else
        CHECK((pt ? cuMemcpyDtoDAsync_v2_ptsz : cuMemcpyDtoDAsync_v2)(dst, src, o->bytes, h));
    /* A pageable source may be reused as soon as the call returns: real apps do. */
    if (o->src.space == RP_STAGING) memset(R.staging, 0xee, R.p->host_bytes);
}

static void cu_memset(const rp_op *o, CUstream h, int pt) {
    CUdeviceptr d = cu_dptr(&o->dst);
    if (o->kind == RP_OP_SYNC_MEMSET) {
        if (o->elem == 1) CHECK((pt ? cuMemsetD8_v2_ptds : cuMemsetD8_v2)(d, (unsigned char)o->value, o->count));
        if (o->elem == 2) CHECK((pt ? cuMemsetD16_v2_ptds : cuMemsetD16_v2)(d, (unsigned short)o->value, o->count));
        if (o->elem == 4) CHECK((pt ? cuMemsetD32_v2_ptds : cuMemsetD32_v2)(d, o->value, o->count));
    } else if (o->height) {
        if (o->elem == 1)
            CHECK((pt ? cuMemsetD2D8Async_ptsz : cuMemsetD2D8Async)(d, o->pitch, (unsigned char)o->value, o->count, o->height, h));
        if (o->elem == 2)
            CHECK((pt ? cuMemsetD2D16Async_ptsz : cuMemsetD2D16Async)(d, o->pitch, (unsigned short)o->value, o->count, o->height, h));
        if (o->elem == 4)
            CHECK((pt ? cuMemsetD2D32Async_ptsz : cuMemsetD2D32Async)(d, o->pitch, o->value, o->count, o->height, h));
    } else {
        if (o->elem == 1) CHECK((pt ? cuMemsetD8Async_ptsz : cuMemsetD8Async)(d, (unsigned char)o->value, o->count, h));
        if (o->elem == 2) CHECK((pt ? cuMemsetD16Async_ptsz : cuMemsetD16Async)(d, (unsigned short)o->value, o->count, h));
        if (o->elem == 4) CHECK((pt ? cuMemsetD32Async_ptsz : cuMemsetD32Async)(d, o->value, o->count, h));
    }
}

/* Write or wait (>=) on a flag word: plain, _v2 or batched entry points. */
static void cu_memop(const rp_op *o, CUstream h, int pt) {
    int wait = o->kind == RP_OP_WAIT_VALUE, form = (int)((o->variant >> 4) % 3);
    CUdeviceptr addr = R.flags + rp_flag_offset(wait ? o->aux : o->q);
    if (form == 2) {
        CUstreamBatchMemOpParams ops[2];
        memset(ops, 0, sizeof ops);
        if (wait) {
            ops[0].waitValue.operation = o->is64 ? CU_STREAM_MEM_OP_WAIT_VALUE_64 : CU_STREAM_MEM_OP_WAIT_VALUE_32;
            ops[0].waitValue.address = addr;
            ops[0].waitValue.flags = CU_STREAM_WAIT_VALUE_GEQ;
            if (o->is64) ops[0].waitValue.value64 = o->fvalue;
            else ops[0].waitValue.value = (cuuint32_t)o->fvalue;
        } else {
            ops[0].writeValue.operation = o->is64 ? CU_STREAM_MEM_OP_WRITE_VALUE_64 : CU_STREAM_MEM_OP_WRITE_VALUE_32;
            ops[0].writeValue.address = addr;
            if (o->is64) ops[0].writeValue.value64 = o->fvalue;
            else ops[0].writeValue.value = (cuuint32_t)o->fvalue;
        }
        ops[1].memoryBarrier.operation = CU_STREAM_MEM_OP_BARRIER;
        int v2 = (o->variant >> 8) % 2;
        if (v2) CHECK((pt ? cuStreamBatchMemOp_v2_ptsz : cuStreamBatchMemOp_v2)(h, 2, ops, 0));
        else CHECK((pt ? cuStreamBatchMemOp_ptsz : cuStreamBatchMemOp)(h, 2, ops, 0));
    } else if (wait && o->is64) {
        CHECK((form ? (pt ? cuStreamWaitValue64_v2_ptsz : cuStreamWaitValue64_v2)
                    : (pt ? cuStreamWaitValue64_ptsz : cuStreamWaitValue64))(h, addr, o->fvalue, CU_STREAM_WAIT_VALUE_GEQ));
    } else if (wait) {
        CHECK((form ? (pt ? cuStreamWaitValue32_v2_ptsz : cuStreamWaitValue32_v2)
                    : (pt ? cuStreamWaitValue32_ptsz : cuStreamWaitValue32))(h, addr, (cuuint32_t)o->fvalue,
                                                                               CU_STREAM_WAIT_VALUE_GEQ));
    } else if (o->is64) {
        CHECK((form ? (pt ? cuStreamWriteValue64_v2_ptsz : cuStreamWriteValue64_v2)
                    : (pt ? cuStreamWriteValue64_ptsz : cuStreamWriteValue64))(h, addr, o->fvalue, 0));
    } else {
        CHECK((form ? (pt ? cuStreamWriteValue32_v2_ptsz : cuStreamWriteValue32_v2)
                    : (pt ? cuStreamWriteValue32_ptsz : cuStreamWriteValue32))(h, addr, (cuuint32_t)o->fvalue, 0));
    }
}

static void cu_capture(const rp_op *o, CUstream h, int pt) {
    CUstreamCaptureStatus st = 0;
    if (o->kind == RP_OP_CAPTURE_BEGIN) {
        if ((o->variant >> 4) % 2)
            CHECK((pt ? cuStreamBeginCapture_v2_ptsz : cuStreamBeginCapture_v2)(h, o->mode));
        else
            CHECK((pt ? cuStreamBeginCapture_ptsz : cuStreamBeginCapture)(h));
        CHECK((pt ? cuStreamIsCapturing_ptsz : cuStreamIsCapturing)(h, &st));
        EXPECT(st == CU_STREAM_CAPTURE_STATUS_ACTIVE);
        return;
    }
    CHECK((pt ? cuStreamEndCapture_ptsz : cuStreamEndCapture)(h, &R.graphs[o->graph]));
    CHECK(cuGraphInstantiateWithFlags(&R.execs[o->graph], R.graphs[o->graph], 0));
    if ((o->variant >> 4) % 2) { /* the exec outlives its graph */
        CHECK(cuGraphDestroy(R.graphs[o->graph]));
        R.graphs[o->graph] = NULL;
    }
}

/* Timing-dependent answers are never printed: only an error is. */
static void cu_query(CUresult r) {
    if (r != CUDA_SUCCESS && r != CUDA_ERROR_NOT_READY) CHECK(r);
}

static void cu_exec(const rp_op *o) {
    int pt = 0;
    CUstream h = o->q == RP_Q_HOST ? NULL : cu_stream(o->q, o->variant, &pt);
    unsigned v = o->variant >> 4;
    switch (o->kind) {
    case RP_OP_KERNEL:
        cu_launch(o, h, pt, R.funcs[o->kernel], R.kerns[o->kernel], R.dev, R.prio_least, R.prio_greatest);
        break;
    case RP_OP_COPY:
    case RP_OP_SYNC_COPY:
        pt = o->kind == RP_OP_SYNC_COPY ? o->q == RP_Q_PT : pt; /* sync: _ptds <=> per-thread */
        cu_copy(o, h, pt);
        break;
    case RP_OP_MEMSET:
    case RP_OP_SYNC_MEMSET:
        pt = o->kind == RP_OP_SYNC_MEMSET ? o->q == RP_Q_PT : pt;
        cu_memset(o, h, pt);
        break;
    case RP_OP_HOSTFN:
        if (o->captured || v % 2) /* stream callbacks cannot be captured */
            CHECK((pt ? cuLaunchHostFunc_ptsz : cuLaunchHostFunc)(h, cu_host_fn, (void *)o));
        else
            CHECK((pt ? cuStreamAddCallback_ptsz : cuStreamAddCallback)(h, cu_stream_cb, (void *)o, 0));
        break;
    case RP_OP_WRITE_VALUE:
    case RP_OP_WAIT_VALUE: cu_memop(o, h, pt); break;
    case RP_OP_EVENT_RECORD:
        if (v % 2) CHECK((pt ? cuEventRecordWithFlags_ptsz : cuEventRecordWithFlags)(R.events[o->ev], h, 0));
        else CHECK((pt ? cuEventRecord_ptsz : cuEventRecord)(R.events[o->ev], h));
        break;
    case RP_OP_WAIT_EVENT: CHECK((pt ? cuStreamWaitEvent_ptsz : cuStreamWaitEvent)(h, R.events[o->ev], 0)); break;
    case RP_OP_STREAM_SYNC: CHECK((pt ? cuStreamSynchronize_ptsz : cuStreamSynchronize)(h)); break;
    case RP_OP_EVENT_SYNC: CHECK(cuEventSynchronize(R.events[o->ev])); break;
    case RP_OP_CTX_SYNC: CHECK(v % 2 ? cuCtxSynchronize_v2(NULL) : cuCtxSynchronize()); break;
    case RP_OP_STREAM_QUERY: cu_query((pt ? cuStreamQuery_ptsz : cuStreamQuery)(h)); break;
    case RP_OP_EVENT_QUERY: cu_query(cuEventQuery(R.events[o->ev])); break;
    case RP_OP_HOST_FILL: rp_host_fill(&R.mem, R.p, o); break;
    case RP_OP_HOST_CHECK: rp_host_check(&R.mem, R.p, o); break;
    case RP_OP_CAPTURE_BEGIN:
    case RP_OP_CAPTURE_END: cu_capture(o, h, pt); break;
    case RP_OP_GRAPH_LAUNCH: CHECK((pt ? cuGraphLaunch_ptsz : cuGraphLaunch)(R.execs[o->graph], h)); break;
    case RP_OP_STREAM_DESTROY:
        if (o->ev >= 0) CHECK(cuEventRecord(R.events[o->ev], h));
        CHECK(v % 2 ? cuStreamDestroy_v2(h) : cuStreamDestroy(h));
        R.streams[o->q - RP_Q_S0] = NULL;
        break;
    }
}

#endif /* RANDOM_CUDA_OPS_H */
