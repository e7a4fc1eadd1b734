/*
 * simdev_graph.c — stream capture into graphs, instantiation, and graph launch as one stream op
 * that expands into copies of its nodes when it reaches the head of its stream; node queries.
 */
#include "simdev_internal.h"

#include <stdlib.h>

static void free_nodes(op *n) {
    for (op *next; n; n = next) {
        next = n->next;
        op_free(n);
    }
}

void graph_append(simdev_graph *g, op *o) {
    o->next = NULL;
    o->stream = NULL;
    if (g->nodes_tail)
        g->nodes_tail->next = o;
    else
        g->nodes = o;
    g->nodes_tail = o;
    g->count++;
    node_handles_add(o);
}

simdev_status simdev_capture_begin(simdev_stream *s, int mode) {
    simdev_init();
    if (mode < SIMDEV_CAPTURE_MODE_GLOBAL || mode > SIMDEV_CAPTURE_MODE_RELAXED)
        return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (s->kind == STREAM_LEGACY) {
        st = SIMDEV_ERR_CAPTURE_UNSUPPORTED;
    } else if (s->cap_graph) {
        st = SIMDEV_ERR_INVALID_VALUE;
    } else {
        simdev_graph *g = xcalloc(1, sizeof *g);
        g->ordinal = ++dev.next_graph_ordinal;
        graph_handles_add(g);
        s->cap_graph = g;
        s->cap_mode = mode;
        s->cap_status = SIMDEV_CAPTURE_ACTIVE;
        s->cap_origin = true;
        s->cap_id = ++dev.next_capture_id;
    }
    dev_unlock();
    return st;
}

static void graph_free_locked(simdev_graph *g) {
    graph_handles_remove(g);
    for (op *n = g->nodes; n; n = n->next) node_handles_remove(n);
    free_nodes(g->nodes);
    free(g);
}

simdev_status simdev_capture_end(simdev_stream *s, simdev_graph **out) {
    simdev_init();
    if (!out) return SIMDEV_ERR_INVALID_VALUE;
    *out = NULL;
    dev_lock();
    if (!stream_usable(s)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    if (!s->cap_graph || !s->cap_origin) {
        dev_unlock();
        return SIMDEV_ERR_CAPTURE_UNMATCHED;
    }
    simdev_graph *g = s->cap_graph;
    bool invalid = s->cap_status == SIMDEV_CAPTURE_INVALIDATED;
    uint64_t id = s->cap_id;
    for (unsigned i = 0; i < dev.nstreams; i++) { /* the origin and every joined stream */
        simdev_stream *t = dev.streams[i];
        if (t->cap_graph && t->cap_id == id) {
            t->cap_graph = NULL;
            t->cap_status = SIMDEV_CAPTURE_NONE;
            t->cap_origin = false;
            t->cap_id = 0;
        }
    }
    if (invalid) {
        graph_free_locked(g);
        dev_unlock();
        return SIMDEV_ERR_CAPTURE_INVALIDATED;
    }
    *out = g;
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_capture_status(simdev_stream *s, int *status, uint64_t *capture_id) {
    simdev_init();
    dev_lock();
    if (!stream_usable(s)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    if (status) *status = s->cap_graph ? s->cap_status : SIMDEV_CAPTURE_NONE;
    if (capture_id) *capture_id = s->cap_graph ? s->cap_id : 0;
    dev_unlock();
    return SIMDEV_OK;
}

int simdev_graph_valid(const simdev_graph *g) {
    simdev_init();
    dev_lock();
    bool ok = g && graph_handles_contains(g);
    dev_unlock();
    return ok;
}

int simdev_graph_ordinal(const simdev_graph *g) { return g->ordinal; }
unsigned simdev_graph_node_count(const simdev_graph *g) { return g->count; }

simdev_status simdev_graph_destroy(simdev_graph *g) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!g || !graph_handles_contains(g)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else {
        for (unsigned i = 0; i < dev.nstreams; i++)
            if (dev.streams[i]->cap_graph == g) st = SIMDEV_ERR_INVALID_VALUE; /* still capturing */
        if (st == SIMDEV_OK) graph_free_locked(g);
    }
    dev_unlock();
    return st;
}

simdev_status simdev_graph_get_nodes(simdev_graph *g, simdev_graph_node **nodes, size_t *count) {
    simdev_init();
    if (!count) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    if (!g || !graph_handles_contains(g)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    if (!nodes) {
        *count = g->count;
    } else {
        size_t i = 0;
        for (op *n = g->nodes; n && i < *count; n = n->next) nodes[i++] = (simdev_graph_node *)n;
        for (size_t j = i; j < *count; j++) nodes[j] = NULL;
        *count = i;
    }
    dev_unlock();
    return SIMDEV_OK;
}

static simdev_node_kind node_kind(const op *o) {
    switch (o->type) {
    case OP_KERNEL: return SIMDEV_NODE_KERNEL;
    case OP_COPY: return SIMDEV_NODE_COPY;
    case OP_SET: return SIMDEV_NODE_SET;
    case OP_HOSTFN: return SIMDEV_NODE_HOST;
    case OP_GRAPH: return SIMDEV_NODE_GRAPH;
    case OP_MEMOPS: return SIMDEV_NODE_MEMOPS;
    case OP_FREE: return SIMDEV_NODE_FREE;
    case OP_RECORD: /* event records are not captured as nodes; fall through */
    case OP_NOP: break;
    }
    return SIMDEV_NODE_EMPTY;
}

simdev_status simdev_graph_node_info(simdev_graph_node *n, simdev_node_info *out) {
    simdev_init();
    if (!out) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    if (!n || !node_handles_contains(n)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    op *o = (op *)n;
    *out = (simdev_node_info){.kind = node_kind(o)};
    if (o->type == OP_KERNEL) {
        const simdev_kernel *k = o->u.kernel.k;
        if (!o->u.kernel.param_ptrs && k->nparams) { /* built once; freed with the node */
            o->u.kernel.param_ptrs = xcalloc(k->nparams, sizeof(void *));
            for (unsigned i = 0; i < k->nparams; i++)
                o->u.kernel.param_ptrs[i] = o->u.kernel.params + k->params[i].offset;
        }
        out->k = k;
        out->grid = o->u.kernel.grid;
        out->block = o->u.kernel.block;
        out->shared_bytes = o->u.kernel.shmem;
        out->tag[0] = o->u.kernel.tag[0];
        out->tag[1] = o->u.kernel.tag[1];
        out->params = o->u.kernel.params;
        out->param_ptrs = o->u.kernel.param_ptrs;
    }
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_graph_instantiate(simdev_graph *g, simdev_graph_exec **out) {
    simdev_init();
    if (!out) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    if (!g || !graph_handles_contains(g)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    simdev_graph_exec *x = xcalloc(1, sizeof *x);
    x->ordinal = ++dev.next_exec_ordinal;
    op *tail = NULL;
    for (op *n = g->nodes; n; n = n->next) {
        op *c = op_clone(n);
        if (tail)
            tail->next = c;
        else
            x->nodes = c;
        tail = c;
        x->count++;
    }
    handles_add(x);
    *out = x;
    dev_unlock();
    return SIMDEV_OK;
}

static bool exec_usable(const simdev_graph_exec *x) {
    return x && handles_contains(x) && !x->destroyed;
}

int simdev_graph_exec_valid(const simdev_graph_exec *x) {
    simdev_init();
    dev_lock();
    bool ok = exec_usable(x);
    dev_unlock();
    return ok;
}

int simdev_graph_exec_ordinal(const simdev_graph_exec *x) { return x->ordinal; }

simdev_status simdev_graph_exec_destroy(simdev_graph_exec *x) {
    simdev_init();
    dev_lock();
    if (!exec_usable(x)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    x->destroyed = true;
    handles_remove(x);
    if (x->refs == 0) { /* else the last pending launch frees it (op_free) */
        free_nodes(x->nodes);
        free(x);
    }
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_graph_launch(simdev_graph_exec *x, simdev_stream *s) {
    simdev_init();
    dev_lock();
    if (!exec_usable(x)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    op *o = op_new(OP_GRAPH);
    o->u.graph.exec = x;
    x->refs++;
    simdev_status st = enqueue_locked(s, o, NULL);
    dev_unlock();
    return st;
}

bool graph_expand_head(op *g) {
    simdev_graph_exec *x = g->u.graph.exec;
    if (!x->count) return false;
    simdev_stream *s = g->stream;
    op *first = NULL, *last = NULL;
    for (op *n = x->nodes; n; n = n->next) {
        op *c = op_clone(n);
        c->stream = s;
        if (last)
            last->next = c;
        else
            first = c;
        last = c;
    }
    last->seq = g->seq; /* the stream position completes with the last node */
    last->next = g->next;
    if (s->tail == g) s->tail = last;
    s->head = first;
    op_free(g);
    return true;
}
