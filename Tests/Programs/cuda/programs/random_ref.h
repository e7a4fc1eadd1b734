/*
 * random_ref.h — the sequential reference: runs a generated program's ops one after another in
 * issue order on host memory. Issue order is a legal schedule of a race-free program (every
 * edge the generator relies on points backwards in it), so the device run must end in the
 * same state, bit for bit. The kernels mirror the simulator's (Tests/SimRuntimes/core).
 * Header-only, valid C11 and C++.
 */
#ifndef RANDOM_REF_H
#define RANDOM_REF_H

#include <stdio.h>

#include "random_mem.h"

static inline float *rp_fptr(rp_mem *m, int d) { return (float *)(void *)m->dev[d]; }

static inline void rp_ref_kernel(rp_mem *m, const rp_op *o) {
    switch (o->kernel) {
    case RP_K_VADD: {
        const float *a = rp_fptr(m, o->buf[0]), *b = rp_fptr(m, o->buf[1]);
        float *c = rp_fptr(m, o->buf[2]);
        for (int i = 0; i < o->n; i++) c[i] = a[i] + b[i];
        break;
    }
    case RP_K_GEMM: { /* C[MxN] = A[MxK] * B[KxN], row-major; same summation order as the device */
        const float *A = rp_fptr(m, o->buf[0]), *B = rp_fptr(m, o->buf[1]);
        float *C = rp_fptr(m, o->buf[2]);
        int M = o->m, N = o->n, K = o->k;
        for (int row = 0; row < M; row++)
            for (int col = 0; col < N; col++) {
                float acc = 0.0f;
                for (int k = 0; k < K; k++) acc += A[row * K + k] * B[k * N + col];
                C[row * N + col] = acc;
            }
        break;
    }
    case RP_K_X2P1: {
        float *x = rp_fptr(m, o->buf[0]);
        for (int i = 0; i < o->n; i++) x[i] = x[i] * 2.0f + 1.0f;
        break;
    }
    case RP_K_REDUCE: { /* 32-bit wrapping sum, as the device's atomics */
        const unsigned char *in = m->dev[o->buf[0]];
        unsigned sum, v;
        memcpy(&sum, m->dev[o->buf[1]] + 4 * o->m, 4);
        for (int i = 0; i < o->n; i++) {
            memcpy(&v, in + 4 * i, 4);
            sum += v;
        }
        memcpy(m->dev[o->buf[1]] + 4 * o->m, &sum, 4);
        break;
    }
    default: /* delay, empty */
        break;
    }
}

static inline void rp_ref_memset(rp_mem *m, const rp_op *o) {
    unsigned rows = o->height ? o->height : 1, pitch = o->height ? o->pitch : 0;
    for (unsigned r = 0; r < rows; r++) {
        unsigned char *row = m->dev[o->dst.index] + o->dst.off + (size_t)r * pitch;
        for (uint32_t i = 0; i < o->count; i++) memcpy(row + (size_t)i * o->elem, &o->value, (size_t)o->elem);
    }
}

static inline void rp_ref_copy(rp_mem *m, const rp_program *p, const rp_op *o, unsigned char *staging) {
    unsigned char *src, *dst;
    if (o->src.space == RP_STAGING) {
        rp_fill(staging, p->host_bytes, o->seed);
        src = staging;
    } else {
        src = o->src.space == RP_DEV ? m->dev[o->src.index] : rp_host_buf(m, &o->src);
    }
    dst = o->dst.space == RP_DEV ? m->dev[o->dst.index] : rp_host_buf(m, &o->dst);
    memmove(dst + o->dst.off, src + o->src.off, o->bytes);
}

static inline void rp_ref_flag_write(rp_mem *m, int q, uint64_t v, int is64) {
    if (is64)
        memcpy(m->flags + rp_flag_offset(q), &v, 8);
    else {
        uint32_t v32 = (uint32_t)v;
        memcpy(m->flags + rp_flag_offset(q), &v32, 4);
    }
}

/* 0 when a wait-value would block forever in issue order: a generator bug. */
static inline int rp_ref_flag_reached(const rp_mem *m, int owner, uint64_t v, int is64) {
    uint64_t cur = 0;
    memcpy(&cur, m->flags + rp_flag_offset(owner), is64 ? 8 : 4);
    return cur >= v;
}

static inline int rp_ref_op(rp_mem *m, const rp_program *p, const rp_op *o, unsigned char *staging) {
    switch (o->kind) {
    case RP_OP_KERNEL: rp_ref_kernel(m, o); break;
    case RP_OP_COPY:
    case RP_OP_SYNC_COPY: rp_ref_copy(m, p, o, staging); break;
    case RP_OP_MEMSET:
    case RP_OP_SYNC_MEMSET: rp_ref_memset(m, o); break;
    case RP_OP_HOSTFN: rp_hostfn_body(m, p, o); break;
    case RP_OP_WRITE_VALUE: rp_ref_flag_write(m, o->q, o->fvalue, o->is64); break;
    case RP_OP_WAIT_VALUE: return rp_ref_flag_reached(m, o->aux, o->fvalue, o->is64);
    case RP_OP_HOST_FILL: rp_host_fill(m, p, o); break;
    case RP_OP_HOST_CHECK: rp_host_check(m, p, o); break;
    case RP_OP_GRAPH_LAUNCH:
        for (int i = 0; i < p->graph_count[o->graph]; i++)
            if (!rp_ref_op(m, p, &p->ops[p->graph_first[o->graph] + i], staging)) return 0;
        break;
    default: /* events, syncs, queries, capture brackets, destroy: no data effect in issue order */
        break;
    }
    return 1;
}

/* Run the whole program; returns 0 (and says why on stderr) when issue order is not a legal
 * schedule, which would be a generator bug. */
static inline int rp_ref_run(rp_mem *m, const rp_program *p) {
    rp_mem_init(m, p);
    for (int i = 0; i < p->npinned; i++) m->pinned[i] = (unsigned char *)rp_xcalloc(p->host_bytes);
    unsigned char *staging = (unsigned char *)rp_xcalloc(p->host_bytes);
    int ok = 1;
    for (int i = 0; i < p->nops && ok; i++) {
        if (p->ops[i].captured) continue; /* runs when its graph is launched */
        ok = rp_ref_op(m, p, &p->ops[i], staging);
        if (!ok) fprintf(stderr, "random_ref: op %d waits for a value never written first (generator bug)\n", i);
    }
    free(staging);
    return ok;
}

static inline void rp_ref_free(rp_mem *m, const rp_program *p) {
    for (int i = 0; i < p->npinned; i++) free(m->pinned[i]);
    rp_mem_free(m, p);
}

#endif /* RANDOM_REF_H */
