/*
 * random_model.h — the happens-before model the generator uses to keep its programs race-free.
 *
 * Vector clocks over the queues of random_ops.h: vc[q] is what the next op issued on q is
 * guaranteed to follow, in EVERY legal schedule, not just the simulator's. Each tracked resource
 * remembers its last write and the reads since; an op may touch a resource only when its clock
 * covers them. The model assumes only edges CUDA / HIP document, and fewer where in doubt:
 *   - stream order; event record -> wait / synchronize; wait-value on a value an earlier write
 *     stored; host synchronisation (stream, event, context) and copies documented as returning
 *     after completion;
 *   - legacy-stream implicit synchronisation only between REAL work (kernels, copies, memsets,
 *     host functions, graph launches) of the legacy stream and of live blocking streams, and the
 *     per-thread stream counts as blocking only where caps say so (CUDA, not HIP);
 *   - nothing for streams after they are destroyed (except context synchronisation).
 * Header-only, valid C11 and C++.
 */
#ifndef RANDOM_MODEL_H
#define RANDOM_MODEL_H

#include "random_ops.h"

typedef struct rp_vc {
    uint32_t t[RP_NQ];
} rp_vc;

static inline void rp_vc_join(rp_vc *a, const rp_vc *b) {
    for (int i = 0; i < RP_NQ; i++)
        if (b->t[i] > a->t[i]) a->t[i] = b->t[i];
}

/* Tracked resources: device, pinned and pageable buffers, and each graph's callback log (graph
 * launches run their callbacks into one log, so launches must be ordered). Per-stream logs need
 * no tracking: only their own stream writes them. Flags are written only by their owner queue. */
#define RP_RES_DEV 0
#define RP_RES_PINNED (RP_RES_DEV + RP_MAX_DEV)
#define RP_RES_PAGEABLE (RP_RES_PINNED + RP_MAX_PINNED)
#define RP_RES_GLOG (RP_RES_PAGEABLE + RP_MAX_PAGEABLE)
#define RP_NRES (RP_RES_GLOG + RP_MAX_GRAPHS)

typedef struct rp_access {
    int wq;             /* queue of the last write, -1 when never written */
    uint32_t wt;        /* its time on that queue */
    uint32_t rt[RP_NQ]; /* latest read time per queue since that write (0: none) */
} rp_access;

typedef struct rp_model {
    int live[RP_NQ], blocking[RP_NQ];
    rp_vc vc[RP_NQ];
    rp_vc real[RP_NQ]; /* clock of each queue's last real op (what legacy work waits for) */
    rp_vc lp[RP_NQ];   /* legacy real work the next real op of a blocking stream waits for */
    rp_vc ev[RP_MAX_EVENTS];
    rp_access res[RP_NRES];
    int flag_written[RP_NQ];
    uint64_t flag_value[RP_NQ];
    rp_vc flag_vc[RP_NQ];
} rp_model;

static inline void rp_model_init(rp_model *m, const rp_program *p, int pt_blocking) {
    memset(m, 0, sizeof *m);
    m->live[RP_Q_HOST] = m->live[RP_Q_LEGACY] = m->live[RP_Q_PT] = 1;
    m->blocking[RP_Q_PT] = pt_blocking;
    for (int i = 0; i < p->nstreams; i++) {
        m->live[RP_Q_S0 + i] = 1;
        m->blocking[RP_Q_S0 + i] = !p->stream_nonblocking[i];
    }
    for (int r = 0; r < RP_NRES; r++) m->res[r].wq = -1;
}

/* The clock an op issued now on q would have (before its own tick). */
static inline void rp_model_prospect(const rp_model *m, int q, int real, rp_vc *P) {
    *P = m->vc[q];
    rp_vc_join(P, &m->vc[RP_Q_HOST]);
    if (!real || q == RP_Q_HOST) return;
    if (q == RP_Q_LEGACY) {
        for (int b = RP_Q_PT; b < RP_NQ; b++)
            if (m->live[b] && m->blocking[b]) rp_vc_join(P, &m->real[b]);
    } else if (m->blocking[q]) {
        rp_vc_join(P, &m->lp[q]);
    }
}

/* First earlier access that clock P does not cover; 0 when all are covered. */
static inline int rp_model_uncovered(const rp_model *m, const rp_vc *P, const int *reads, int nr,
                                     const int *writes, int nw, int *qx) {
    for (int i = 0; i < nr + nw; i++) {
        const rp_access *a = &m->res[i < nr ? reads[i] : writes[i - nr]];
        if (a->wq >= 0 && P->t[a->wq] < a->wt) {
            *qx = a->wq;
            return 1;
        }
        if (i < nr) continue; /* reads only follow the last write */
        for (int q = 0; q < RP_NQ; q++)
            if (a->rt[q] > P->t[q]) {
                *qx = q;
                return 1;
            }
    }
    return 0;
}

/* Issue an op on q: its clock becomes the prospect plus its own tick; returns its time. */
static inline uint32_t rp_model_issue(rp_model *m, int q, int real) {
    rp_vc P;
    rp_model_prospect(m, q, real, &P);
    P.t[q]++;
    m->vc[q] = P;
    if (real && q != RP_Q_HOST) {
        m->real[q] = P;
        if (q == RP_Q_LEGACY)
            for (int b = RP_Q_PT; b < RP_NQ; b++)
                if (m->live[b] && m->blocking[b]) rp_vc_join(&m->lp[b], &P);
    }
    return P.t[q];
}

static inline void rp_model_touch(rp_model *m, int r, int q, uint32_t t, int write) {
    rp_access *a = &m->res[r];
    if (write) {
        memset(a, 0, sizeof *a);
        a->wq = q;
        a->wt = t;
    } else if (t > a->rt[q]) {
        a->rt[q] = t;
    }
}

/* ---- edges ---- */
static inline void rp_model_record(rp_model *m, int e, int q) {
    rp_vc_join(&m->vc[q], &m->vc[RP_Q_HOST]);
    m->ev[e] = m->vc[q];
}
static inline void rp_model_wait_event(rp_model *m, int q, int e) {
    rp_vc_join(&m->vc[q], &m->vc[RP_Q_HOST]);
    rp_vc_join(&m->vc[q], &m->ev[e]);
}
/* q stores the next value of its own flag; returns it. */
static inline uint64_t rp_model_write_flag(rp_model *m, int q) {
    rp_model_issue(m, q, 0);
    m->flag_written[q] = 1;
    m->flag_vc[q] = m->vc[q];
    return ++m->flag_value[q];
}
/* q waits for owner's flag to reach its latest value (0 when never written: no edge). */
static inline uint64_t rp_model_wait_flag(rp_model *m, int q, int owner) {
    rp_vc_join(&m->vc[q], &m->vc[RP_Q_HOST]);
    if (!m->flag_written[owner]) return 0;
    rp_vc_join(&m->vc[q], &m->flag_vc[owner]);
    return m->flag_value[owner];
}
static inline void rp_model_host_join(rp_model *m, const rp_vc *v) { rp_vc_join(&m->vc[RP_Q_HOST], v); }
static inline void rp_model_ctx_sync(rp_model *m) {
    for (int q = 0; q < RP_NQ; q++) rp_vc_join(&m->vc[RP_Q_HOST], &m->vc[q]);
}

#endif /* RANDOM_MODEL_H */
