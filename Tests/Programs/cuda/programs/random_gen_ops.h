/*
 * random_gen_ops.h — the generator's op drawers (included by random_gen.h): each draws one
 * random op, works out which resources it reads and writes, and hands it to rpg_real, which
 * orders it (or, inside a capture, notes it in the graph's sets). `graph` >= 0 means the op is
 * being captured into that graph on queue q.
 */
#ifndef RANDOM_GEN_OPS_H
#define RANDOM_GEN_OPS_H

/* Element count: the whole range half of the time, else a random prefix. */
static inline int rpg_count(rp_gen *g, int max) { return rp_chance(&g->r, 50) ? max : rp_range(&g->r, 1, max); }

static inline void rpg_grid_1d(rp_gen *g, rp_op *o, int n) {
    static const unsigned blocks[] = {32, 64, 128, 256};
    o->block[0] = blocks[rp_range(&g->r, 0, 3)];
    o->block[1] = o->block[2] = 1;
    o->grid[0] = ((unsigned)n + o->block[0] - 1) / o->block[0] + (rp_chance(&g->r, 10) ? 1u : 0u);
    o->grid[1] = o->grid[2] = 1;
}

static inline rp_op rpg_op_on(int kind, int q, int graph) {
    rp_op o = rpg_blank(kind, q);
    o.captured = graph >= 0;
    o.graph = graph;
    return o;
}

/* 1 when the host already sees the last write of resource r (no edge needed). */
static inline int rpg_host_visible(rp_gen *g, int r) {
    rp_vc P;
    int qx;
    rp_model_prospect(&g->m, RP_Q_HOST, 0, &P);
    return !rp_model_uncovered(&g->m, &P, &r, 1, NULL, 0, &qx);
}

static inline void rpg_kernel(rp_gen *g, int q, int graph) {
    rp_op o = rpg_op_on(RP_OP_KERNEL, q, graph);
    int reads[2] = {0, 0}, writes[1] = {0}, nr = 0, nw = 0, pick = rp_range(&g->r, 0, 99);
    if (pick < 25) {
        o.kernel = RP_K_VADD;
        o.buf[0] = rpg_dev(g);
        o.buf[1] = rp_chance(&g->r, 30) ? o.buf[0] : rpg_dev(g);
        o.buf[2] = rpg_other_dev(g, o.buf[0], o.buf[1]);
        int max = (int)g->p->dev_elems[o.buf[0]];
        for (int i = 1; i < 3; i++)
            if ((int)g->p->dev_elems[o.buf[i]] < max) max = (int)g->p->dev_elems[o.buf[i]];
        o.n = rpg_count(g, max);
        rpg_grid_1d(g, &o, o.n);
        reads[nr++] = o.buf[0];
        if (o.buf[1] != o.buf[0]) reads[nr++] = o.buf[1];
        writes[nw++] = o.buf[2];
    } else if (pick < 40) {
        static const unsigned tiles[][2] = {{8, 8}, {16, 4}, {4, 16}, {32, 2}, {16, 16}};
        o.kernel = RP_K_GEMM;
        o.buf[0] = rpg_dev(g);
        o.buf[1] = rpg_other_dev(g, o.buf[0], -1);
        o.buf[2] = rpg_other_dev(g, o.buf[0], o.buf[1]);
        int ea = (int)g->p->dev_elems[o.buf[0]], eb = (int)g->p->dev_elems[o.buf[1]];
        int ec = (int)g->p->dev_elems[o.buf[2]];
        o.k = rp_range(&g->r, 1, 16);                               /* K */
        o.m = rp_range(&g->r, 1, ea / o.k < 32 ? ea / o.k : 32);     /* M: M*K <= |A| */
        int nmax = eb / o.k < ec / o.m ? eb / o.k : ec / o.m;         /* N: K*N <= |B|, M*N <= |C| */
        o.n = rp_range(&g->r, 1, nmax < 32 ? nmax : 32);
        const unsigned *t = tiles[rp_range(&g->r, 0, 4)];
        o.block[0] = t[0], o.block[1] = t[1], o.block[2] = 1;
        o.grid[0] = ((unsigned)o.n + t[0] - 1) / t[0];
        o.grid[1] = ((unsigned)o.m + t[1] - 1) / t[1];
        o.grid[2] = 1;
        reads[nr++] = o.buf[0];
        reads[nr++] = o.buf[1];
        writes[nw++] = o.buf[2];
    } else if (pick < 65) {
        o.kernel = RP_K_X2P1; /* in place and not idempotent: a replayed launch shows */
        o.buf[0] = rpg_dev(g);
        o.n = rpg_count(g, (int)g->p->dev_elems[o.buf[0]]);
        rpg_grid_1d(g, &o, o.n);
        writes[nw++] = o.buf[0];
    } else if (pick < 80) {
        o.kernel = RP_K_REDUCE; /* *out += sum(in) with atomics: order-independent, not idempotent */
        o.buf[0] = rpg_dev(g);
        o.buf[1] = rpg_other_dev(g, o.buf[0], -1);
        o.n = rpg_count(g, (int)g->p->dev_elems[o.buf[0]]);
        o.m = rp_range(&g->r, 0, (int)g->p->dev_elems[o.buf[1]] - 1);
        rpg_grid_1d(g, &o, o.n);
        reads[nr++] = o.buf[0];
        writes[nw++] = o.buf[1];
    } else {
        o.kernel = pick < 90 ? RP_K_DELAY : RP_K_EMPTY;
        o.ns = (uint64_t)rp_range(&g->r, 100, 200000);
        o.grid[0] = (unsigned)rp_range(&g->r, 1, 4), o.grid[1] = o.grid[2] = 1;
        o.block[0] = (unsigned)rp_range(&g->r, 1, 128), o.block[1] = o.block[2] = 1;
    }
    rpg_real(g, &o, reads, nr, writes, nw);
}

/* Element offset and count of a copy between buffers of se and de elements. */
static inline void rpg_span(rp_gen *g, int se, int de, rp_op *o) {
    int soff = 0, doff = 0, n = se < de ? se : de;
    if (!rp_chance(&g->r, 50)) {
        soff = rp_range(&g->r, 0, se - 1);
        doff = rp_range(&g->r, 0, de - 1);
        int max = se - soff < de - doff ? se - soff : de - doff;
        n = rp_range(&g->r, 1, max);
    }
    o->src.off = (uint32_t)soff * 4u;
    o->dst.off = (uint32_t)doff * 4u;
    o->bytes = (uint32_t)n * 4u;
}

/* A copy: dir 0 HtoD, 1 DtoH, 2 DtoD, -1 random. kind: RP_OP_COPY (async on q) or RP_OP_SYNC_COPY. */
static inline void rpg_copy(rp_gen *g, int kind, int q, int graph, int dir) {
    rp_op o = rpg_op_on(kind, q, graph);
    int reads[1] = {0}, writes[1] = {0}, nr = 0, nw = 0, host_elems = (int)(g->p->host_bytes / 4);
    if (dir < 0) dir = rp_range(&g->r, 0, 9) < 4 ? 0 : rp_range(&g->r, 1, 2);
    if (dir == 0) {
        int pinned = graph >= 0 || rp_chance(&g->r, 50);
        o.src.space = pinned ? RP_PINNED : RP_STAGING;
        o.src.index = pinned ? rp_range(&g->r, 0, g->p->npinned - 1) : 0;
        o.dst.space = RP_DEV;
        o.dst.index = rpg_dev(g);
        o.seed = rp_next(&g->r);
        rpg_span(g, host_elems, (int)g->p->dev_elems[o.dst.index], &o);
        if (pinned) {
            int r = RP_RES_PINNED + o.src.index;
            /* The runtime reads (and the simulator's trace hashes) a host source at call time:
             * its last device write must be visible to the host by then. */
            if (graph >= 0 && !rpg_host_visible(g, r)) {
                rpg_kernel(g, q, graph);
                return;
            }
            if (graph < 0) rpg_order(g, RP_Q_HOST, 0, &r, 1, NULL, 0);
            reads[nr++] = r;
        }
        writes[nw++] = RP_RES_DEV + o.dst.index;
    } else if (dir == 1) {
        int pinned = graph >= 0 || rp_chance(&g->r, 55);
        o.src.space = RP_DEV;
        o.src.index = rpg_dev(g);
        o.dst.space = pinned ? RP_PINNED : RP_PAGEABLE;
        o.dst.index = rp_range(&g->r, 0, (pinned ? g->p->npinned : g->p->npageable) - 1);
        rpg_span(g, (int)g->p->dev_elems[o.src.index], host_elems, &o);
        reads[nr++] = RP_RES_DEV + o.src.index;
        writes[nw++] = (pinned ? RP_RES_PINNED : RP_RES_PAGEABLE) + o.dst.index;
    } else {
        o.src.space = o.dst.space = RP_DEV;
        o.src.index = rpg_dev(g);
        o.dst.index = rpg_other_dev(g, o.src.index, -1);
        rpg_span(g, (int)g->p->dev_elems[o.src.index], (int)g->p->dev_elems[o.dst.index], &o);
        reads[nr++] = RP_RES_DEV + o.src.index;
        writes[nw++] = RP_RES_DEV + o.dst.index;
    }
    rpg_real(g, &o, reads, nr, writes, nw);
    if (graph >= 0) return;
    /* Calls documented to return after the copy: DtoH (sync, or async into pageable memory where
     * the runtime promises it) and synchronous HtoD from pinned memory. */
    int host_waits = kind == RP_OP_SYNC_COPY ? (dir == 1 || (dir == 0 && o.src.space == RP_PINNED))
                                             : (dir == 1 && o.dst.space == RP_PAGEABLE && g->caps.pageable_dst_sync);
    if (host_waits) rp_model_host_join(&g->m, &g->m.vc[q]);
}

/* A memset of 8/16/32-bit elements, 1D or (async only) 2D. kind: RP_OP_MEMSET or RP_OP_SYNC_MEMSET. */
static inline void rpg_memset(rp_gen *g, int kind, int q, int graph) {
    rp_op o = rpg_op_on(kind, q, graph);
    static const int elems[] = {1, 2, 4};
    o.elem = elems[rp_range(&g->r, 0, 2)];
    if (kind == RP_OP_SYNC_MEMSET && q == RP_Q_PT && !g->caps.wide_sync_memset_pt) o.elem = 1;
    o.dst.space = RP_DEV;
    o.dst.index = rpg_dev(g);
    uint32_t bytes = rpg_dev_bytes(g, o.dst.index);
    o.dst.off = rp_chance(&g->r, 50) ? 0 : 4u * (uint32_t)rp_range(&g->r, 0, (int)(bytes / 4) - 1);
    uint32_t avail = bytes - o.dst.off;
    static const uint32_t v32[] = {0, 0x3f800000u, 0x40000000u, 0xbf800000u, 0x3f000000u};
    static const uint32_t v16[] = {0, 0x3f80u, 0x4000u, 0xc000u};
    static const uint32_t v8[] = {0, 0x3f, 0x40, 0x01};
    if (o.elem == 4) o.value = v32[rp_range(&g->r, 0, 4)];
    if (o.elem == 2) o.value = v16[rp_range(&g->r, 0, 3)];
    if (o.elem == 1) o.value = v8[rp_range(&g->r, 0, 3)];
    int two_d = kind == RP_OP_MEMSET && avail >= 8u * (uint32_t)o.elem && rp_chance(&g->r, 20) &&
                (o.elem == 1 || g->caps.wide_memset2d);
    if (two_d) { /* height rows of count elements, pitch bytes apart: gaps stay untouched */
        o.height = (uint32_t)rp_range(&g->r, 2, 8);
        uint32_t max_pitch_elems = avail / o.height / (uint32_t)o.elem;
        o.pitch = (uint32_t)rp_range(&g->r, 1, (int)max_pitch_elems) * (uint32_t)o.elem;
        o.count = (uint32_t)rp_range(&g->r, 1, (int)(o.pitch / (uint32_t)o.elem));
    } else {
        o.count = (uint32_t)rpg_count(g, (int)(avail / (uint32_t)o.elem));
    }
    int writes[1] = {RP_RES_DEV + o.dst.index};
    rpg_real(g, &o, NULL, 0, writes, 1);
}

/* A host callback appending (tag, checksum of a pinned buffer it may read) to its log. */
static inline void rpg_hostfn(rp_gen *g, int q, int graph) {
    rp_op o = rpg_op_on(RP_OP_HOSTFN, q, graph);
    int reads[1] = {0}, writes[1] = {0}, nr = 0, nw = 0;
    o.tag = ++g->next_tag;
    o.log = graph >= 0 ? RP_LOG_GRAPH0 + graph : q;
    if (rp_chance(&g->r, 40)) {
        o.pinned = rp_range(&g->r, 0, g->p->npinned - 1);
        reads[nr++] = RP_RES_PINNED + o.pinned;
    }
    if (graph >= 0) writes[nw++] = RP_RES_GLOG + graph;
    else g->hostfns++;
    rpg_real(g, &o, reads, nr, writes, nw);
}

/* Host-side access to a host buffer: rewrite a pinned one, or read one into the observations. */
static inline void rpg_host_access(rp_gen *g, int write) {
    rp_op o = rpg_blank(write ? RP_OP_HOST_FILL : RP_OP_HOST_CHECK, RP_Q_HOST);
    int pinned = write || rp_chance(&g->r, 60);
    o.dst.space = pinned ? RP_PINNED : RP_PAGEABLE;
    o.dst.index = rp_range(&g->r, 0, (pinned ? g->p->npinned : g->p->npageable) - 1);
    o.seed = rp_next(&g->r);
    int r = (pinned ? RP_RES_PINNED : RP_RES_PAGEABLE) + o.dst.index;
    rpg_order(g, RP_Q_HOST, 0, write ? NULL : &r, write ? 0 : 1, write ? &r : NULL, write ? 1 : 0);
    uint32_t t = rp_model_issue(&g->m, RP_Q_HOST, 0);
    rp_model_touch(&g->m, r, RP_Q_HOST, t, write);
    rpg_emit(g, &o);
}

/* Capture 1..RP_MAX_CAPTURED ops on a created stream into a new graph (nothing else runs meanwhile). */
static inline void rpg_capture(rp_gen *g) {
    int live[RP_MAX_STREAMS], n = 0;
    for (int i = 0; i < g->p->nstreams; i++)
        if (g->m.live[RP_Q_S0 + i]) live[n++] = RP_Q_S0 + i;
    if (!n || g->p->ngraphs == RP_MAX_GRAPHS) return;
    int q = live[rp_range(&g->r, 0, n - 1)], gi = g->p->ngraphs++;
    rp_op begin = rpg_blank(RP_OP_CAPTURE_BEGIN, q);
    begin.graph = gi;
    begin.mode = rp_range(&g->r, 0, 2);
    rpg_emit(g, &begin);
    int first = g->p->nops, k = rp_range(&g->r, 1, RP_MAX_CAPTURED);
    for (int i = 0; i < k; i++) {
        int pick = rp_range(&g->r, 0, 99);
        if (pick < 55)
            rpg_kernel(g, q, gi);
        else if (pick < 70)
            rpg_memset(g, RP_OP_MEMSET, q, gi);
        else if (pick < 90)
            rpg_copy(g, RP_OP_COPY, q, gi, -1);
        else if (g->caps.hostfn_in_graph)
            rpg_hostfn(g, q, gi);
        else
            rpg_kernel(g, q, gi);
    }
    g->p->graph_first[gi] = first;
    g->p->graph_count[gi] = g->p->nops - first;
    rp_op end = rpg_blank(RP_OP_CAPTURE_END, q);
    end.graph = gi;
    rpg_emit(g, &end);
}

/* Replay a graph on a random stream: one real op touching everything its nodes touch. */
static inline void rpg_graph_launch(rp_gen *g) {
    if (!g->p->ngraphs) return;
    rp_op o = rpg_blank(RP_OP_GRAPH_LAUNCH, rpg_live_stream(g));
    o.graph = rp_range(&g->r, 0, g->p->ngraphs - 1);
    int reads[RP_NRES] = {0}, writes[RP_NRES] = {0}, nr = 0, nw = 0;
    for (int r = 0; r < RP_NRES; r++) {
        if (g->graph_w[o.graph][r])
            writes[nw++] = r;
        else if (g->graph_r[o.graph][r])
            reads[nr++] = r;
    }
    g->graph_launches++;
    rpg_real(g, &o, reads, nr, writes, nw);
}

/* Destroy a created stream (never used again); sometimes record a tail event first. */
static inline void rpg_destroy(rp_gen *g) {
    int live[RP_MAX_STREAMS], n = 0;
    for (int i = 0; i < g->p->nstreams; i++)
        if (g->m.live[RP_Q_S0 + i]) live[n++] = RP_Q_S0 + i;
    if (!n) return;
    rp_op o = rpg_blank(RP_OP_STREAM_DESTROY, live[rp_range(&g->r, 0, n - 1)]);
    if (g->p->nevents < RP_MAX_EVENTS && rp_chance(&g->r, 60)) {
        o.ev = g->p->nevents++;
        g->p->event_flags[o.ev] = (unsigned)rp_range(&g->r, 0, 2);
        rp_model_record(&g->m, o.ev, o.q);
        g->tail_event[o.q] = o.ev;
    }
    g->m.live[o.q] = 0;
    rpg_emit(g, &o);
}

#endif /* RANDOM_GEN_OPS_H */
