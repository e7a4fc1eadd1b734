/*
 * random_gen_program.h — the generator's top level (included by random_gen.h): the program's
 * streams, buffers and events, the initial data, then `steps` random steps.
 */
#ifndef RANDOM_GEN_PROGRAM_H
#define RANDOM_GEN_PROGRAM_H

/* Whole-buffer initial data for device buffer d: a synchronous HtoD on the legacy stream, an
 * async HtoD or a 32-bit memset on a random stream (so early edges come from all three). */
static inline void rpg_init_dev(rp_gen *g, int d) {
    int pick = rp_range(&g->r, 0, 2);
    rp_op o = rpg_blank(pick == 0 ? RP_OP_SYNC_COPY : pick == 1 ? RP_OP_COPY : RP_OP_MEMSET,
                        pick == 0 ? RP_Q_LEGACY : rpg_live_stream(g));
    o.dst.space = RP_DEV;
    o.dst.index = d;
    if (pick < 2) {
        o.src.space = RP_STAGING;
        o.seed = rp_next(&g->r);
        o.bytes = rpg_dev_bytes(g, d);
    } else {
        o.elem = 4;
        o.value = 0x3f800000u * (uint32_t)rp_range(&g->r, 0, 1);
        o.count = g->p->dev_elems[d];
    }
    int writes[1] = {RP_RES_DEV + d};
    rpg_real(g, &o, NULL, 0, writes, 1);
}

/* One random step; the weights are percentages. */
static inline void rpg_step(rp_gen *g, int step) {
    int pick = rp_range(&g->r, 0, 99);
    if (pick < 34) {
        rpg_kernel(g, rpg_live_stream(g), -1);
    } else if (pick < 48) {
        rpg_copy(g, RP_OP_COPY, rpg_live_stream(g), -1, -1);
    } else if (pick < 54) {
        rpg_memset(g, RP_OP_MEMSET, rpg_live_stream(g), -1);
    } else if (pick < 60) {
        rpg_hostfn(g, rpg_live_stream(g), -1);
    } else if (pick < 66) { /* synchronous copy / memset APIs: legacy stream, or per-thread (_ptds) */
        int q = rp_chance(&g->r, 70) ? RP_Q_LEGACY : RP_Q_PT;
        if (rp_chance(&g->r, 70))
            rpg_copy(g, RP_OP_SYNC_COPY, q, -1, -1);
        else
            rpg_memset(g, RP_OP_SYNC_MEMSET, q, -1);
    } else if (pick < 69) {
        rpg_host_access(g, 1);
    } else if (pick < 74) {
        rpg_host_access(g, 0);
    } else if (pick < 77) { /* an edge nobody needs: more concurrency structure */
        int a = rpg_live_stream(g), b = rpg_live_stream(g), e = rpg_pool_event(g);
        rpg_record(g, e, a);
        rpg_wait_event(g, b, e);
    } else if (pick < 79) {
        rpg_write_value(g, rpg_live_stream(g));
    } else if (pick < 82) {
        int q = rpg_live_stream(g), owner = rp_range(&g->r, RP_Q_LEGACY, RP_NQ - 1);
        if (owner != q) rpg_wait_value(g, q, owner);
    } else if (pick < 86) { /* queries: issued, results ignored (they depend on timing) */
        rp_op o = rpg_blank(rp_chance(&g->r, 50) ? RP_OP_STREAM_QUERY : RP_OP_EVENT_QUERY, RP_Q_HOST);
        if (o.kind == RP_OP_STREAM_QUERY) o.q = rpg_live_stream(g);
        o.ev = rpg_pool_event(g);
        rpg_emit(g, &o);
    } else if (pick < 90) {
        int which = rp_range(&g->r, 0, 2);
        if (which == 0) rpg_stream_sync(g, rpg_live_stream(g));
        if (which == 1) rpg_event_sync(g, rpg_pool_event(g));
        if (which == 2) rpg_ctx_sync(g);
    } else if (pick < 93) {
        rpg_capture(g);
    } else if (pick < 98) {
        rpg_graph_launch(g);
    } else if (step > g->p->steps / 4) {
        rpg_destroy(g);
    }
}

/* Build the program for (seed, size). size scales steps (20 .. 20+90*size) and buffer sizes. */
static inline void rp_generate(rp_program *p, uint64_t seed, int size, const rp_caps *caps) {
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->size = size;
    rp_gen g;
    memset(&g, 0, sizeof g);
    g.p = p;
    g.r.s = seed * 0x2545f4914f6cdd1dull + (uint64_t)size;
    g.caps = *caps;
    for (int q = 0; q < RP_NQ; q++) g.tail_event[q] = -1;

    p->nstreams = rp_range(&g.r, 2, RP_MAX_STREAMS);
    for (int i = 0; i < p->nstreams; i++) {
        p->stream_nonblocking[i] = rp_chance(&g.r, 50);
        p->stream_prio[i] = rp_range(&g.r, caps->prio_greatest, caps->prio_least);
    }
    p->ndev = rp_range(&g.r, 3, RP_MAX_DEV);
    for (int d = 0; d < p->ndev; d++) {
        p->dev_elems[d] = 16u * (uint32_t)rp_range(&g.r, 2 * size, 32 * size);
        if (p->dev_elems[d] * 4u > p->host_bytes) p->host_bytes = p->dev_elems[d] * 4u;
    }
    p->npinned = rp_range(&g.r, 2, RP_MAX_PINNED);
    p->npageable = rp_range(&g.r, 1, RP_MAX_PAGEABLE);
    p->nevents = g.npool = rp_range(&g.r, 3, RP_POOL_EVENTS);
    for (int e = 0; e < p->nevents; e++) p->event_flags[e] = (unsigned)rp_range(&g.r, 0, 2);
    rp_model_init(&g.m, p, caps->pt_blocking);
    rp_shadow_init(&g.shadow, p);

    /* Initial data: pinned buffers from the host, each device buffer by a random kind of op. */
    for (int i = 0; i < p->npinned; i++) {
        rp_op o = rpg_blank(RP_OP_HOST_FILL, RP_Q_HOST);
        o.dst.space = RP_PINNED;
        o.dst.index = i;
        o.seed = rp_next(&g.r);
        rp_model_touch(&g.m, RP_RES_PINNED + i, RP_Q_HOST, rp_model_issue(&g.m, RP_Q_HOST, 0), 1);
        rpg_emit(&g, &o);
    }
    for (int d = 0; d < p->ndev; d++) rpg_init_dev(&g, d);

    p->steps = 20 + (int)(rp_next(&g.r) % (uint64_t)(90 * size + 1));
    for (int s = 0; s < p->steps; s++) rpg_step(&g, s);
    rp_shadow_free(&g.shadow, p);
    p->log_capacity = g.hostfns + g.graph_launches * RP_MAX_CAPTURED + 1;
}

#endif /* RANDOM_GEN_PROGRAM_H */
