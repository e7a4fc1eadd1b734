/*
 * simdev_enqueue.c — op lifetime and the one place ops enter a stream: capture redirection,
 * the legacy default stream's implicit ordering, sequence numbers.
 */
#include "simdev_internal.h"

#include <stdlib.h>
#include <string.h>

op *op_new(op_type type) {
    op *o = xcalloc(1, sizeof *o);
    o->type = type;
    return o;
}

/* Ops hold references on the event they record and the graph exec they launch. */
void op_free(op *o) {
    if (!o) return;
    switch (o->type) {
    case OP_KERNEL:
        free(o->u.kernel.params);
        free(o->u.kernel.param_ptrs);
        break;
    case OP_COPY: free(o->u.copy.staging); break;
    case OP_MEMOPS: free(o->u.memops.ops); break;
    case OP_RECORD: {
        simdev_event *e = o->u.record.event;
        if (--e->refs == 0 && e->destroyed) free(e);
        break;
    }
    case OP_GRAPH: {
        simdev_graph_exec *x = o->u.graph.exec;
        if (--x->refs == 0 && x->destroyed) {
            for (op *n = x->nodes, *next; n; n = next) {
                next = n->next;
                op_free(n);
            }
            free(x);
        }
        break;
    }
    default: break;
    }
    free(o->deps);
    free(o);
}

/* A fresh copy of a graph node, ready to queue (no stream, no deps, not started). */
op *op_clone(const op *src) {
    op *o = op_new(src->type);
    o->u = src->u;
    switch (o->type) {
    case OP_KERNEL:
        o->u.kernel.params = xcalloc(1, src->u.kernel.k->params_size);
        memcpy(o->u.kernel.params, src->u.kernel.params, src->u.kernel.k->params_size);
        o->u.kernel.dispatched = o->u.kernel.finished = 0;
        o->u.kernel.param_ptrs = NULL; /* the node's own */
        break;
    case OP_COPY: o->u.copy.staging = NULL; break; /* captured copies read the source at run time */
    case OP_MEMOPS:
        o->u.memops.ops = xcalloc(src->u.memops.count, sizeof(simdev_memop));
        memcpy(o->u.memops.ops, src->u.memops.ops, src->u.memops.count * sizeof(simdev_memop));
        o->u.memops.next = 0;
        break;
    case OP_RECORD: o->u.record.event->refs++; break;
    case OP_GRAPH: o->u.graph.exec->refs++; break;
    default: break;
    }
    return o;
}

void op_add_dep(op *o, simdev_stream *s, uint64_t seq) {
    if (s->done_seq >= seq) return; /* already satisfied */
    dep *grown = realloc(o->deps, (o->ndeps + 1) * sizeof(dep));
    if (!grown) abort();
    o->deps = grown;
    o->deps[o->ndeps++] = (dep){s, seq};
}

void capture_invalidate(simdev_stream *s) {
    uint64_t id = s->cap_id;
    for (unsigned i = 0; i < dev.nstreams; i++)
        if (dev.streams[i]->cap_graph && dev.streams[i]->cap_id == id)
            dev.streams[i]->cap_status = SIMDEV_CAPTURE_INVALIDATED;
}

/* Legacy-stream work is illegal while a blocking stream captures (it would join the capture
 * implicitly): invalidate those captures, as CUDA does. */
static bool legacy_conflicts_with_capture(void) {
    bool conflict = false;
    for (unsigned i = 0; i < dev.nstreams; i++) {
        simdev_stream *t = dev.streams[i];
        if (t->cap_graph && t->cap_mode != SIMDEV_CAPTURE_MODE_RELAXED && stream_is_blocking(t)) {
            capture_invalidate(t);
            conflict = true;
        }
    }
    return conflict;
}

static void add_implicit_deps(simdev_stream *s, op *o) {
    if (s->kind == STREAM_LEGACY) {
        for (unsigned i = 0; i < dev.nstreams; i++) {
            simdev_stream *t = dev.streams[i];
            if (t != s && stream_is_blocking(t)) op_add_dep(o, t, t->enq_seq);
        }
    } else if (stream_is_blocking(s)) {
        op_add_dep(o, dev.legacy, dev.legacy->enq_seq);
    }
}

simdev_status enqueue(simdev_stream *s, op *o, uint64_t *seq) {
    dev_lock();
    simdev_status st = enqueue_locked(s, o, seq);
    dev_unlock();
    return st;
}

simdev_status enqueue_locked(simdev_stream *s, op *o, uint64_t *seq) {
    if (seq) *seq = 0;
    simdev_status st = SIMDEV_OK;
    if (dev.sticky) {
        st = dev.sticky;
    } else if (!stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (s->cap_graph) {
        if (s->cap_status == SIMDEV_CAPTURE_INVALIDATED) {
            st = SIMDEV_ERR_CAPTURE_INVALIDATED;
        } else {
            if (o->type == OP_COPY && o->u.copy.staging) { /* graph copies read at replay */
                free(o->u.copy.staging);
                o->u.copy.staging = NULL;
            }
            graph_append(s->cap_graph, o);
            return SIMDEV_OK;
        }
    } else if (s->kind == STREAM_LEGACY && legacy_conflicts_with_capture()) {
        st = SIMDEV_ERR_CAPTURE_IMPLICIT;
    }
    if (st != SIMDEV_OK) {
        op_free(o);
        return st;
    }
    add_implicit_deps(s, o);
    o->stream = s;
    o->seq = ++s->enq_seq;
    if (seq) *seq = o->seq;
    if (s->tail)
        s->tail->next = o;
    else
        s->head = o;
    s->tail = o;
    engine_kick();
    return SIMDEV_OK;
}
