/*
 * random_gen.h — generates a random, RACE-FREE multi-stream program from a seed.
 *
 * Every op is drawn at random (kernels, copies, memsets, callbacks, memops, events, syncs,
 * queries, captures and replays, stream destruction), then, before it is issued, the
 * happens-before model (random_model.h) checks every resource it touches; whatever earlier
 * access is not yet ordered before it gets an explicit edge, itself chosen at random: an event
 * record + wait, a write-value + wait-value pair, or a host synchronisation. So the program's
 * results are the same under any legal schedule, and the sequential reference (random_ref.h),
 * which runs ops in issue order, computes them. Ops that would create a NaN are not issued
 * (random_gen_shadow.h). Header-only, valid C11 and C++.
 */
#ifndef RANDOM_GEN_H
#define RANDOM_GEN_H

#include <stdio.h>

#include "random_gen_shadow.h"
#include "random_model.h"
#include "random_rng.h"

/* What the runtime guarantees or offers, where CUDA and HIP differ. */
typedef struct rp_caps {
    int pt_blocking;        /* per-thread stream orders against the legacy stream (CUDA) */
    int pageable_dst_sync;  /* async DtoH into pageable memory returns once done (CUDA) */
    int hostfn_in_graph;    /* host functions can be captured (cuLaunchHostFunc) */
    int wide_memset2d;      /* 2D memsets of 16/32-bit elements */
    int wide_sync_memset_pt; /* synchronous 16/32-bit memsets on the per-thread stream */
    int prio_least, prio_greatest;
} rp_caps;

typedef struct rp_gen {
    rp_program *p;
    rp_rng r;
    rp_model m;
    rp_shadow shadow; /* the data as issue order computes it */
    rp_caps caps;
    int npool;             /* events [0, npool) are re-recorded for edges; later ones are tails */
    int tail_event[RP_NQ]; /* event recorded right before a stream was destroyed, or -1 */
    int next_tag;
    unsigned char graph_r[RP_MAX_GRAPHS][RP_NRES], graph_w[RP_MAX_GRAPHS][RP_NRES];
    int graph_launches, hostfns;
} rp_gen;

static inline rp_op rpg_blank(int kind, int q) {
    rp_op o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.q = q;
    o.ev = o.graph = o.pinned = o.aux = -1;
    o.buf[0] = o.buf[1] = o.buf[2] = -1;
    return o;
}

static inline rp_op *rpg_emit(rp_gen *g, const rp_op *o) {
    rp_op *slot = rp_append(g->p, o);
    slot->variant = (uint32_t)rp_next(&g->r);
    if (!rp_shadow_apply(&g->shadow, g->p, slot)) {
        fprintf(stderr, "random_gen: op %d waits for a value not yet written (generator bug)\n", g->p->nops - 1);
        exit(4);
    }
    return slot;
}

/* ---- random choices ---- */
static inline int rpg_live_stream(rp_gen *g) { /* created 55%, legacy 25%, per-thread 20% */
    int pick = rp_range(&g->r, 0, 99);
    if (pick < 25) return RP_Q_LEGACY;
    if (pick < 45) return RP_Q_PT;
    int live[RP_MAX_STREAMS], n = 0;
    for (int i = 0; i < g->p->nstreams; i++)
        if (g->m.live[RP_Q_S0 + i]) live[n++] = RP_Q_S0 + i;
    return n ? live[rp_range(&g->r, 0, n - 1)] : RP_Q_LEGACY;
}
static inline int rpg_pool_event(rp_gen *g) { return rp_range(&g->r, 0, g->npool - 1); }
static inline int rpg_dev(rp_gen *g) { return rp_range(&g->r, 0, g->p->ndev - 1); }
static inline int rpg_other_dev(rp_gen *g, int a, int b) {
    int d;
    do d = rpg_dev(g);
    while (d == a || d == b);
    return d;
}
static inline uint32_t rpg_dev_bytes(const rp_gen *g, int d) { return g->p->dev_elems[d] * 4u; }

/* ---- explicit edges (each updates the model as the op would) ---- */
static inline void rpg_record(rp_gen *g, int e, int q) {
    rp_op o = rpg_blank(RP_OP_EVENT_RECORD, q);
    o.ev = e;
    rpg_emit(g, &o);
    rp_model_record(&g->m, e, q);
}
static inline void rpg_wait_event(rp_gen *g, int q, int e) {
    rp_op o = rpg_blank(RP_OP_WAIT_EVENT, q);
    o.ev = e;
    rpg_emit(g, &o);
    rp_model_wait_event(&g->m, q, e);
}
static inline void rpg_write_value(rp_gen *g, int q) {
    rp_op o = rpg_blank(RP_OP_WRITE_VALUE, q);
    o.is64 = rp_flag_is64(q);
    o.fvalue = rp_model_write_flag(&g->m, q);
    rpg_emit(g, &o);
}
static inline void rpg_wait_value(rp_gen *g, int q, int owner) {
    rp_op o = rpg_blank(RP_OP_WAIT_VALUE, q);
    o.aux = owner;
    o.is64 = rp_flag_is64(owner);
    o.fvalue = rp_model_wait_flag(&g->m, q, owner);
    rpg_emit(g, &o);
}
static inline void rpg_stream_sync(rp_gen *g, int q) {
    rp_op o = rpg_blank(RP_OP_STREAM_SYNC, q);
    rpg_emit(g, &o);
    rp_model_host_join(&g->m, &g->m.vc[q]);
}
static inline void rpg_event_sync(rp_gen *g, int e) {
    rp_op o = rpg_blank(RP_OP_EVENT_SYNC, RP_Q_HOST);
    o.ev = e;
    rpg_emit(g, &o);
    rp_model_host_join(&g->m, &g->m.ev[e]);
}
static inline void rpg_ctx_sync(rp_gen *g) {
    rp_op o = rpg_blank(RP_OP_CTX_SYNC, RP_Q_HOST);
    rpg_emit(g, &o);
    rp_model_ctx_sync(&g->m);
}

/* Order queue qx's issued work before the host. */
static inline void rpg_fix_host(rp_gen *g, int qx) {
    int pick = rp_range(&g->r, 0, 99);
    if (!g->m.live[qx]) {
        if (g->tail_event[qx] >= 0 && pick < 60)
            rpg_event_sync(g, g->tail_event[qx]);
        else
            rpg_ctx_sync(g);
    } else if (pick < 45) {
        rpg_stream_sync(g, qx);
    } else if (pick < 80) {
        int e = rpg_pool_event(g);
        rpg_record(g, e, qx);
        rpg_event_sync(g, e);
    } else {
        rpg_ctx_sync(g);
    }
}

/* Order queue qx's issued work before the next op on stream q. */
static inline void rpg_fix_stream(rp_gen *g, int q, int qx) {
    int pick = rp_range(&g->r, 0, 99);
    if (!g->m.live[qx]) {
        if (g->tail_event[qx] >= 0 && pick < 70)
            rpg_wait_event(g, q, g->tail_event[qx]);
        else
            rpg_fix_host(g, qx);
    } else if (pick < 55) {
        int e = rpg_pool_event(g);
        rpg_record(g, e, qx);
        rpg_wait_event(g, q, e);
    } else if (pick < 75) {
        rpg_write_value(g, qx);
        rpg_wait_value(g, q, qx);
    } else {
        rpg_fix_host(g, qx);
    }
}

/* Insert edges until every earlier access to reads / writes is ordered before an op on q. */
static inline void rpg_order(rp_gen *g, int q, int real, const int *reads, int nr, const int *writes, int nw) {
    for (int guard = 0; guard < 64; guard++) {
        rp_vc P;
        int qx;
        rp_model_prospect(&g->m, q, real, &P);
        if (!rp_model_uncovered(&g->m, &P, reads, nr, writes, nw, &qx)) return;
        if (q == RP_Q_HOST)
            rpg_fix_host(g, qx);
        else
            rpg_fix_stream(g, q, qx);
    }
    fprintf(stderr, "random_gen: could not order an op on queue %d (generator bug)\n", q);
    exit(4);
}

/* Issue o (already ordered) and record its accesses. */
static inline rp_op *rpg_commit(rp_gen *g, const rp_op *o, const int *reads, int nr, const int *writes, int nw) {
    uint32_t t = rp_model_issue(&g->m, o->q, 1);
    for (int i = 0; i < nr; i++) rp_model_touch(&g->m, reads[i], o->q, t, 0);
    for (int i = 0; i < nw; i++) rp_model_touch(&g->m, writes[i], o->q, t, 1);
    return rpg_emit(g, o);
}

/* A real op: ordered, issued, recorded; or, while capturing, only noted in the graph's sets. */
static inline void rpg_real(rp_gen *g, rp_op *o, const int *reads, int nr, const int *writes, int nw) {
    if (o->captured) {
        for (int i = 0; i < nr; i++) g->graph_r[o->graph][reads[i]] = 1;
        for (int i = 0; i < nw; i++) g->graph_w[o->graph][writes[i]] = 1;
        rpg_emit(g, o);
        return;
    }
    if (!rp_shadow_nan_free_after(&g->shadow, g->p, o)) return; /* dropped: see random_gen_shadow.h */
    rpg_order(g, o->q, 1, reads, nr, writes, nw);
    rpg_commit(g, o, reads, nr, writes, nw);
}

#include "random_gen_ops.h"
#include "random_gen_program.h"

#endif /* RANDOM_GEN_H */
