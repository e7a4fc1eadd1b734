/*
 * random_ops.h — what a generated random program is: a flat list of runtime-neutral operations
 * on numbered queues, buffers and events. The generator (random_gen.h) writes it, the sequential
 * reference (random_ref.h) and the CUDA / HIP back ends (random_program.c / .hip) execute it, so
 * all three agree on one meaning. Header-only, valid C11 and C++.
 */
#ifndef RANDOM_OPS_H
#define RANDOM_OPS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- queues: the host thread, the legacy / null stream, the per-thread stream, created ones */
#define RP_Q_HOST 0
#define RP_Q_LEGACY 1
#define RP_Q_PT 2
#define RP_Q_S0 3 /* created stream i is queue RP_Q_S0 + i (its creation ordinal is i + 1) */
#define RP_MAX_STREAMS 6
#define RP_NQ (RP_Q_S0 + RP_MAX_STREAMS)

/* ---- memory ---- */
#define RP_MAX_DEV 6      /* device buffers (floats, also read as ints by reduce_sum) */
#define RP_MAX_PINNED 3   /* pinned host buffers */
#define RP_MAX_PAGEABLE 2 /* pageable host buffers that async DtoH copies land in */
#define RP_FLAG_SLOT 8    /* bytes per stream-memop flag: one slot per queue, owned by it */

enum rp_space { RP_DEV, RP_PINNED, RP_PAGEABLE, RP_STAGING /* pageable source, refilled per call */ };

typedef struct rp_loc {
    int space, index; /* rp_space, buffer number */
    uint32_t off;     /* byte offset */
} rp_loc;

/* ---- events, graphs, logs ---- */
#define RP_POOL_EVENTS 6                           /* reused for dependencies */
#define RP_MAX_EVENTS (RP_POOL_EVENTS + RP_MAX_STREAMS) /* + one tail event per destroyed stream */
#define RP_MAX_GRAPHS 3
#define RP_MAX_CAPTURED 6
/* Host-callback logs: one per queue (callbacks order only within their stream), one per graph. */
#define RP_LOG_GRAPH0 RP_NQ
#define RP_NLOGS (RP_NQ + RP_MAX_GRAPHS)

enum rp_kernel { RP_K_VADD, RP_K_GEMM, RP_K_X2P1, RP_K_REDUCE, RP_K_DELAY, RP_K_EMPTY, RP_NKERNELS };
static const char *const rp_kernel_names[RP_NKERNELS] = {"vadd", "gemm", "x2p1", "reduce_sum", "delay", "empty"};

enum rp_op_kind {
    RP_OP_KERNEL,
    RP_OP_COPY,        /* async copy on q: dst <- src */
    RP_OP_MEMSET,      /* async memset on q (2D when height > 0) */
    RP_OP_HOSTFN,      /* host callback on q: appends to a log, may read a pinned buffer */
    RP_OP_WRITE_VALUE, /* stream memop: q writes its own flag */
    RP_OP_WAIT_VALUE,  /* stream memop: q waits until flag of queue `aux` >= value */
    RP_OP_EVENT_RECORD,
    RP_OP_WAIT_EVENT,
    RP_OP_STREAM_SYNC,
    RP_OP_EVENT_SYNC,
    RP_OP_CTX_SYNC,
    RP_OP_STREAM_QUERY, /* result ignored: it depends on timing */
    RP_OP_EVENT_QUERY,
    RP_OP_SYNC_COPY,   /* synchronous copy API (queue: legacy, or per-thread for _ptds/_spt) */
    RP_OP_SYNC_MEMSET, /* synchronous memset API (same queues) */
    RP_OP_HOST_FILL,   /* host rewrites a pinned buffer */
    RP_OP_HOST_CHECK,  /* host reads a pinned / pageable buffer into the observation list */
    RP_OP_CAPTURE_BEGIN, /* the next `count` ops are captured on q into graph `graph` */
    RP_OP_CAPTURE_END,   /* end capture, instantiate */
    RP_OP_GRAPH_LAUNCH,
    RP_OP_STREAM_DESTROY, /* tail event `ev` (or -1) recorded right before */
};

typedef struct rp_op {
    int kind;
    int q;            /* queue it is issued on (RP_Q_HOST for host-only ops) */
    uint32_t variant; /* random bits: each back end picks its API form from them */
    int captured;     /* 1: issued while q captures (recorded, not run) */
    /* kernels */
    int kernel;
    int buf[3];       /* device buffers: vadd a,b,c; gemm A,B,C; x2p1 x; reduce in,out */
    int n, m, k;      /* elements; gemm M = m, N = n, K = k; reduce: out element index in m */
    unsigned grid[3], block[3];
    uint64_t ns;      /* delay */
    /* copies and memsets */
    rp_loc dst, src;
    uint32_t bytes;
    uint64_t seed;    /* staging / host-fill data */
    uint32_t value;
    int elem;         /* memset element size 1, 2, 4 */
    uint32_t count, pitch, height; /* memset: count elements per row; 2D when height > 0 */
    /* events, memops, graphs, callbacks */
    int ev;
    int aux;          /* WAIT_VALUE: queue whose flag is waited on */
    uint64_t fvalue;
    int is64;
    int graph, mode;
    int log, tag, pinned; /* HOSTFN: log, entry tag, pinned buffer read (-1: none) */
} rp_op;

typedef struct rp_program {
    uint64_t seed;
    int size, steps;
    /* streams */
    int nstreams;
    int stream_nonblocking[RP_MAX_STREAMS];
    int stream_prio[RP_MAX_STREAMS];
    /* memory */
    int ndev, npinned, npageable;
    uint32_t dev_elems[RP_MAX_DEV];
    uint32_t host_bytes; /* size of every pinned / pageable / staging buffer */
    int nevents;
    unsigned event_flags[RP_MAX_EVENTS]; /* 0 default, 1 blocking sync, 2 disable timing */
    int ngraphs;
    int graph_first[RP_MAX_GRAPHS], graph_count[RP_MAX_GRAPHS]; /* captured ops by index */
    int log_capacity;
    rp_op *ops;
    int nops, cap;
} rp_program;

/* Append a copy of o; returns the stored op (its address is stable once generation ends). */
static inline rp_op *rp_append(rp_program *p, const rp_op *o) {
    if (p->nops == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        p->ops = (rp_op *)realloc(p->ops, (size_t)p->cap * sizeof(rp_op));
        if (!p->ops) abort();
    }
    p->ops[p->nops] = *o;
    return &p->ops[p->nops++];
}

static inline uint32_t rp_flag_offset(int q) { return (uint32_t)q * RP_FLAG_SLOT; }
static inline int rp_flag_is64(int q) { return q % 2 == 0; }

#endif /* RANDOM_OPS_H */
