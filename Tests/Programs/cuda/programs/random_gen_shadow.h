/*
 * random_gen_shadow.h — the generator's shadow of the program's data (included by random_gen.h).
 *
 * The generator runs every op it issues on a host copy of the state, in issue order (the
 * sequential reference's semantics), so it knows the values the program will compute. It uses
 * that to keep every device buffer free of NaNs: an op that would create one (inf - inf,
 * 0 * inf, reduce_sum storing NaN bits, a partial memset over an inf) is not issued. Which NaN
 * an operation on two NaNs returns depends on operand order, which compilers may swap, so the
 * reference could not predict it; without NaNs, results are exact IEEE arithmetic everywhere.
 */
#ifndef RANDOM_GEN_SHADOW_H
#define RANDOM_GEN_SHADOW_H

#include "random_ref.h"

typedef struct rp_shadow {
    rp_mem mem;
    unsigned char *staging;
    unsigned char *scratch[RP_MAX_DEV + RP_MAX_PINNED]; /* for trying an op without keeping it */
} rp_shadow;

/* After the program's buffers are sized (host checks and callback logs are not shadowed). */
static inline void rp_shadow_init(rp_shadow *s, const rp_program *p) {
    rp_mem_init(&s->mem, p);
    for (int i = 0; i < p->npinned; i++) s->mem.pinned[i] = (unsigned char *)rp_xcalloc(p->host_bytes);
    s->staging = (unsigned char *)rp_xcalloc(p->host_bytes);
    for (int i = 0; i < RP_MAX_DEV + RP_MAX_PINNED; i++) s->scratch[i] = (unsigned char *)rp_xcalloc(p->host_bytes);
}

static inline void rp_shadow_free(rp_shadow *s, const rp_program *p) {
    for (int i = 0; i < RP_MAX_DEV + RP_MAX_PINNED; i++) free(s->scratch[i]);
    free(s->staging);
    rp_ref_free(&s->mem, p);
}

/* Apply an issued op; 0 when issue order would block forever on a wait-value (generator bug). */
static inline int rp_shadow_apply(rp_shadow *s, const rp_program *p, const rp_op *o) {
    if (o->captured || o->kind == RP_OP_HOST_CHECK || o->kind == RP_OP_HOSTFN) return 1;
    return rp_ref_op(&s->mem, p, o, s->staging);
}

static inline int rp_has_nan(const unsigned char *b, uint32_t bytes) {
    for (uint32_t i = 0; i + 4 <= bytes; i += 4) {
        uint32_t w;
        memcpy(&w, b + i, 4);
        if ((w & 0x7f800000u) == 0x7f800000u && (w & 0x007fffffu)) return 1;
    }
    return 0;
}

/* 1 when issuing o now leaves every device buffer NaN-free (tried on copies of the state). */
static inline int rp_shadow_nan_free_after(rp_shadow *s, const rp_program *p, const rp_op *o) {
    if (o->kind != RP_OP_KERNEL && o->kind != RP_OP_MEMSET && o->kind != RP_OP_SYNC_MEMSET &&
        o->kind != RP_OP_GRAPH_LAUNCH)
        return 1; /* copies only move bits that are already NaN-free */
    rp_mem trial = s->mem; /* graph callbacks only count into trial.nlog: logs have no capacity here */
    for (int d = 0; d < p->ndev; d++) {
        memcpy(s->scratch[d], s->mem.dev[d], p->dev_elems[d] * 4u);
        trial.dev[d] = s->scratch[d];
    }
    for (int i = 0; i < p->npinned; i++) { /* graphs may copy into pinned memory */
        memcpy(s->scratch[RP_MAX_DEV + i], s->mem.pinned[i], p->host_bytes);
        trial.pinned[i] = s->scratch[RP_MAX_DEV + i];
    }
    rp_ref_op(&trial, p, o, s->staging);
    for (int d = 0; d < p->ndev; d++)
        if (rp_has_nan(trial.dev[d], p->dev_elems[d] * 4u)) return 0;
    return 1;
}

#endif /* RANDOM_GEN_SHADOW_H */
