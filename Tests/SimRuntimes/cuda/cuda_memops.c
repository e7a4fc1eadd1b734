/*
 * cuda_memops.c — stream memory operations: wait/write value on 32/64-bit words (v1 and _v2
 * names behave the same here) and batches of them.
 */
#include "cuda_sim.h"

#include <stdio.h>
#include <string.h>

#define MAX_BATCH 256
#define WAIT_COND_MASK 0x3u

static CUresult memop(const char *api, bool pt, CUstream h, CUdeviceptr addr, uint64_t value, bool is64,
                      bool wait, unsigned flags) {
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s s=%s addr=%s v=0x%llx flags=0x%x", api, cu_fmt_stream(b1, h, pt),
             simdev_fmt_ptr(b2, CU_PTR(addr)), (unsigned long long)value, flags);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    if (wait) {
        if (flags & ~(WAIT_COND_MASK | CU_STREAM_WAIT_VALUE_FLUSH)) return CUDA_ERROR_INVALID_VALUE;
        return cu_status(simdev_wait_value(s, CU_PTR(addr), value, is64, (int)(flags & WAIT_COND_MASK), ~0ull));
    }
    if (flags & ~(unsigned)CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER) return CUDA_ERROR_INVALID_VALUE;
    return cu_status(simdev_write_value(s, CU_PTR(addr), value, is64));
}

#define WAIT32(name, pt) \
    CUresult name(CUstream h, CUdeviceptr a, cuuint32_t v, unsigned int f) { return memop(__func__, pt, h, a, v, false, true, f); }
#define WAIT64(name, pt) \
    CUresult name(CUstream h, CUdeviceptr a, cuuint64_t v, unsigned int f) { return memop(__func__, pt, h, a, v, true, true, f); }
#define WRITE32(name, pt) \
    CUresult name(CUstream h, CUdeviceptr a, cuuint32_t v, unsigned int f) { return memop(__func__, pt, h, a, v, false, false, f); }
#define WRITE64(name, pt) \
    CUresult name(CUstream h, CUdeviceptr a, cuuint64_t v, unsigned int f) { return memop(__func__, pt, h, a, v, true, false, f); }

WAIT32(cuStreamWaitValue32, false)
WAIT32(cuStreamWaitValue32_ptsz, true)
WAIT32(cuStreamWaitValue32_v2, false)
WAIT32(cuStreamWaitValue32_v2_ptsz, true)
WAIT64(cuStreamWaitValue64, false)
WAIT64(cuStreamWaitValue64_ptsz, true)
WAIT64(cuStreamWaitValue64_v2, false)
WAIT64(cuStreamWaitValue64_v2_ptsz, true)
WRITE32(cuStreamWriteValue32, false)
WRITE32(cuStreamWriteValue32_ptsz, true)
WRITE32(cuStreamWriteValue32_v2, false)
WRITE32(cuStreamWriteValue32_v2_ptsz, true)
WRITE64(cuStreamWriteValue64, false)
WRITE64(cuStreamWriteValue64_ptsz, true)
WRITE64(cuStreamWriteValue64_v2, false)
WRITE64(cuStreamWriteValue64_v2_ptsz, true)

/* Translate one batch entry; false when it is malformed. */
static bool batch_entry(const CUstreamBatchMemOpParams *p, simdev_memop *m) {
    memset(m, 0, sizeof *m);
    m->mask = ~0ull;
    switch (p->operation) {
    case CU_STREAM_MEM_OP_WAIT_VALUE_32:
    case CU_STREAM_MEM_OP_WAIT_VALUE_64:
        if (p->waitValue.flags & ~(WAIT_COND_MASK | CU_STREAM_WAIT_VALUE_FLUSH)) return false;
        m->kind = SIMDEV_MEMOP_WAIT;
        m->is64 = p->operation == CU_STREAM_MEM_OP_WAIT_VALUE_64;
        m->addr = CU_PTR(p->waitValue.address);
        m->value = m->is64 ? p->waitValue.value64 : p->waitValue.value;
        m->cond = (int)(p->waitValue.flags & WAIT_COND_MASK);
        return true;
    case CU_STREAM_MEM_OP_WRITE_VALUE_32:
    case CU_STREAM_MEM_OP_WRITE_VALUE_64:
        if (p->writeValue.flags & ~(unsigned)CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER) return false;
        m->kind = SIMDEV_MEMOP_WRITE;
        m->is64 = p->operation == CU_STREAM_MEM_OP_WRITE_VALUE_64;
        m->addr = CU_PTR(p->writeValue.address);
        m->value = m->is64 ? p->writeValue.value64 : p->writeValue.value;
        return true;
    case CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES:
    case CU_STREAM_MEM_OP_BARRIER:
        m->kind = SIMDEV_MEMOP_BARRIER;
        return true;
    }
    return false;
}

static void trace_batch(const char *api, bool pt, CUstream h, unsigned count, const CUstreamBatchMemOpParams *ps,
                        unsigned flags) {
    char b1[32];
    simdev_trace("%s s=%s count=%u flags=0x%x", api, cu_fmt_stream(b1, h, pt), count, flags);
    for (unsigned i = 0; ps && i < count && i < MAX_BATCH; i++) {
        simdev_memop m;
        char b2[32];
        if (!batch_entry(&ps[i], &m))
            simdev_trace("  op bad=%d", (int)ps[i].operation);
        else
            simdev_trace("  op kind=%d is64=%d addr=%s v=0x%llx cond=%d", (int)m.kind, m.is64,
                         simdev_fmt_ptr(b2, m.addr), (unsigned long long)m.value, m.cond);
    }
}

static CUresult batch(const char *api, bool pt, CUstream h, unsigned count, CUstreamBatchMemOpParams *ps,
                      unsigned flags) {
    CUresult r = cu_enter(api);
    if (simdev_tracing()) trace_batch(api, pt, h, count, ps, flags);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    if (!ps || count == 0 || count > MAX_BATCH || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    simdev_memop ops[MAX_BATCH];
    for (unsigned i = 0; i < count; i++)
        if (!batch_entry(&ps[i], &ops[i])) return CUDA_ERROR_INVALID_VALUE;
    return cu_status(simdev_batch_memops(s, ops, count));
}

CUresult cuStreamBatchMemOp(CUstream h, unsigned int n, CUstreamBatchMemOpParams *p, unsigned int f) {
    return batch(__func__, false, h, n, p, f);
}
CUresult cuStreamBatchMemOp_ptsz(CUstream h, unsigned int n, CUstreamBatchMemOpParams *p, unsigned int f) {
    return batch(__func__, true, h, n, p, f);
}
CUresult cuStreamBatchMemOp_v2(CUstream h, unsigned int n, CUstreamBatchMemOpParams *p, unsigned int f) {
    return batch(__func__, false, h, n, p, f);
}
CUresult cuStreamBatchMemOp_v2_ptsz(CUstream h, unsigned int n, CUstreamBatchMemOpParams *p, unsigned int f) {
    return batch(__func__, true, h, n, p, f);
}
