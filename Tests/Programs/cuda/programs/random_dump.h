/*
 * random_dump.h — prints a random program's configuration and final state deterministically
 * (checksums and leading words of every buffer, flags, callback logs, host observations) and
 * compares a device run with the sequential reference. Nothing printed depends on timing.
 * Header-only, valid C11 and C++.
 */
#ifndef RANDOM_DUMP_H
#define RANDOM_DUMP_H

#include <stdio.h>

#include "random_mem.h"

static inline void rp_print_words(const char *label, const unsigned char *p, size_t bytes) {
    printf("%s bytes=%zu fnv=%016llx [", label, bytes, (unsigned long long)rp_fnv(p, bytes));
    for (size_t i = 0; i < 4 && 4 * i + 4 <= bytes; i++) {
        uint32_t w;
        memcpy(&w, p + 4 * i, 4);
        printf("%s%08x", i ? " " : "", w);
    }
    printf("]\n");
}

static inline void rp_print_header(const rp_program *p, const char *runtime) {
    int ncaptured = 0;
    for (int g = 0; g < p->ngraphs; g++) ncaptured += p->graph_count[g];
    printf("random_program runtime=%s seed=%llu size=%d streams=%d steps=%d ops=%d graphs=%d captured=%d\n",
           runtime, (unsigned long long)p->seed, p->size, p->nstreams, p->steps, p->nops, p->ngraphs, ncaptured);
    for (int i = 0; i < p->nstreams; i++)
        printf("stream #%d %s prio=%d\n", i + 1, p->stream_nonblocking[i] ? "non-blocking" : "blocking",
               p->stream_prio[i]);
}

static inline void rp_print_state(const rp_program *p, const rp_mem *m) {
    char label[32];
    for (int d = 0; d < p->ndev; d++) {
        snprintf(label, sizeof label, "device %d", d);
        rp_print_words(label, m->dev[d], p->dev_elems[d] * 4u);
    }
    for (int i = 0; i < p->npinned; i++) {
        snprintf(label, sizeof label, "pinned %d", i);
        rp_print_words(label, m->pinned[i], p->host_bytes);
    }
    for (int i = 0; i < p->npageable; i++) {
        snprintf(label, sizeof label, "pageable %d", i);
        rp_print_words(label, m->pageable[i], p->host_bytes);
    }
    printf("flags:");
    for (int q = RP_Q_LEGACY; q < RP_NQ; q++) {
        uint64_t v = 0;
        memcpy(&v, m->flags + rp_flag_offset(q), rp_flag_is64(q) ? 8 : 4);
        printf(" %llu", (unsigned long long)v);
    }
    printf("\n");
    for (int l = RP_Q_LEGACY; l < RP_NLOGS; l++) {
        if (!m->nlog[l]) continue;
        if (l >= RP_LOG_GRAPH0)
            printf("log graph %d:", l - RP_LOG_GRAPH0);
        else
            printf("log queue %d:", l);
        printf(" n=%d fnv=%016llx\n", m->nlog[l], (unsigned long long)rp_fnv(m->logs[l], (size_t)rp_log_len(p, m, l) * 8u));
    }
    printf("host checks: n=%d fnv=%016llx\n", m->nobs, (unsigned long long)rp_fnv(m->obs, (size_t)m->nobs * 8u));
}

/* NULL when equal, else what differs first. */
static inline const char *rp_compare(const rp_program *p, const rp_mem *a, const rp_mem *b, char *why, size_t n) {
    for (int d = 0; d < p->ndev; d++)
        if (memcmp(a->dev[d], b->dev[d], p->dev_elems[d] * 4u)) return snprintf(why, n, "device %d", d), why;
    for (int i = 0; i < p->npinned; i++)
        if (memcmp(a->pinned[i], b->pinned[i], p->host_bytes)) return snprintf(why, n, "pinned %d", i), why;
    for (int i = 0; i < p->npageable; i++)
        if (memcmp(a->pageable[i], b->pageable[i], p->host_bytes)) return snprintf(why, n, "pageable %d", i), why;
    if (memcmp(a->flags, b->flags, sizeof a->flags)) return snprintf(why, n, "flags"), why;
    for (int l = 0; l < RP_NLOGS; l++)
        if (a->nlog[l] != b->nlog[l] || memcmp(a->logs[l], b->logs[l], (size_t)rp_log_len(p, a, l) * 8u))
            return snprintf(why, n, "callback log %d", l), why;
    if (a->nobs != b->nobs || memcmp(a->obs, b->obs, (size_t)a->nobs * 8u)) return snprintf(why, n, "host checks"), why;
    return NULL;
}

#endif /* RANDOM_DUMP_H */
