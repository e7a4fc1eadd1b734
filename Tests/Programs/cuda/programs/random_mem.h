/*
 * random_mem.h — the observable state of one run of a random program (device buffers as copied
 * back, host buffers, flags, callback logs, host observations) and the host-side steps both the
 * device run and the sequential reference perform identically: callbacks, host fills, host
 * checks. Header-only, valid C11 and C++.
 */
#ifndef RANDOM_MEM_H
#define RANDOM_MEM_H

#include "random_ops.h"
#include "random_rng.h"

typedef struct rp_mem {
    unsigned char *dev[RP_MAX_DEV];         /* device contents (reference: live; device run: copied back) */
    unsigned char *pinned[RP_MAX_PINNED];   /* the run's pinned host buffers */
    unsigned char *pageable[RP_MAX_PAGEABLE];
    unsigned char flags[RP_NQ * RP_FLAG_SLOT];
    uint64_t *logs[RP_NLOGS];
    int nlog[RP_NLOGS];
    uint64_t *obs; /* host checks, in program order */
    int nobs;
} rp_mem;

static inline void *rp_xcalloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p) abort();
    return p;
}

/* Host arrays for everything but pinned buffers (the caller provides those). */
static inline void rp_mem_init(rp_mem *m, const rp_program *p) {
    memset(m, 0, sizeof *m);
    for (int d = 0; d < p->ndev; d++) m->dev[d] = (unsigned char *)rp_xcalloc(p->dev_elems[d] * 4u);
    for (int i = 0; i < p->npageable; i++) m->pageable[i] = (unsigned char *)rp_xcalloc(p->host_bytes);
    for (int l = 0; l < RP_NLOGS; l++) m->logs[l] = (uint64_t *)rp_xcalloc((size_t)p->log_capacity * 8u);
    m->obs = (uint64_t *)rp_xcalloc((size_t)p->nops * 8u);
}

static inline void rp_mem_free(rp_mem *m, const rp_program *p) {
    for (int d = 0; d < p->ndev; d++) free(m->dev[d]);
    for (int i = 0; i < p->npageable; i++) free(m->pageable[i]);
    for (int l = 0; l < RP_NLOGS; l++) free(m->logs[l]);
    free(m->obs);
}

/* Entries of log l that were stored (a run that called back too often stops storing). */
static inline int rp_log_len(const rp_program *p, const rp_mem *m, int l) {
    return m->nlog[l] < p->log_capacity ? m->nlog[l] : p->log_capacity;
}

/* A host buffer of a location (pinned or pageable). */
static inline unsigned char *rp_host_buf(rp_mem *m, const rp_loc *l) {
    return l->space == RP_PINNED ? m->pinned[l->index] : m->pageable[l->index];
}

/* The callback body: runs on the runtime's thread (device run) or inline (reference). */
static inline void rp_hostfn_body(rp_mem *m, const rp_program *p, const rp_op *op) {
    uint64_t sum = op->pinned >= 0 ? rp_fnv(m->pinned[op->pinned], p->host_bytes) : 0;
    if (m->nlog[op->log] < p->log_capacity) m->logs[op->log][m->nlog[op->log]] = ((uint64_t)op->tag << 40) ^ sum;
    m->nlog[op->log]++;
}

static inline void rp_host_fill(rp_mem *m, const rp_program *p, const rp_op *op) {
    rp_fill(rp_host_buf(m, &op->dst), p->host_bytes, op->seed);
}

static inline void rp_host_check(rp_mem *m, const rp_program *p, const rp_op *op) {
    m->obs[m->nobs++] = rp_fnv(rp_host_buf(m, &op->dst), p->host_bytes);
}

#endif /* RANDOM_MEM_H */
