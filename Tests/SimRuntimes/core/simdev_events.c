/*
 * simdev_events.c — events: record (a stream op that stamps simulated time), cross-stream wait
 * (a dependency on the latest record), query/synchronize, elapsed time. Events recorded in a
 * capturing stream only mark a point of the capture; waiting on one joins the capture.
 */
#include "simdev_internal.h"

#include <stdlib.h>

static bool event_usable(const simdev_event *e) {
    return e && handles_contains(e) && !e->destroyed;
}

simdev_status simdev_event_create(unsigned flags, simdev_event **out) {
    simdev_init();
    if (!out || (flags & ~0x7u)) return SIMDEV_ERR_INVALID_VALUE; /* blocking, no-timing, ipc */
    simdev_event *e = xcalloc(1, sizeof *e);
    e->flags = flags;
    dev_lock();
    e->ordinal = ++dev.next_event_ordinal;
    handles_add(e);
    dev_unlock();
    *out = e;
    return SIMDEV_OK;
}

simdev_status simdev_event_destroy(simdev_event *e) {
    simdev_init();
    dev_lock();
    if (!event_usable(e)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    e->destroyed = true;
    handles_remove(e);
    if (e->refs == 0) free(e); /* else the last pending record op frees it */
    dev_unlock();
    return SIMDEV_OK;
}

int simdev_event_valid(const simdev_event *e) {
    simdev_init();
    dev_lock();
    bool ok = event_usable(e);
    dev_unlock();
    return ok;
}

int simdev_event_ordinal(const simdev_event *e) { return e->ordinal; }

/* The stream still capturing under this id, if any. */
static simdev_stream *capture_stream(uint64_t cap_id) {
    if (!cap_id) return NULL;
    for (unsigned i = 0; i < dev.nstreams; i++)
        if (dev.streams[i]->cap_graph && dev.streams[i]->cap_id == cap_id) return dev.streams[i];
    return NULL;
}

simdev_status simdev_event_record(simdev_event *e, simdev_stream *s) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!event_usable(e) || !stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (s->cap_graph) {
        if (s->cap_status == SIMDEV_CAPTURE_INVALIDATED) {
            st = SIMDEV_ERR_CAPTURE_INVALIDATED;
        } else {
            e->cap_id = s->cap_id;
            e->cap_graph = s->cap_graph;
        }
    } else {
        op *o = op_new(OP_RECORD);
        o->u.record.event = e;
        o->u.record.generation = e->generation + 1;
        e->refs++;
        uint64_t seq;
        st = enqueue_locked(s, o, &seq);
        if (st == SIMDEV_OK) {
            e->generation++;
            e->rec_stream = s;
            e->rec_seq = seq;
            e->timed = false;
            e->cap_id = 0;
            e->cap_graph = NULL;
        }
    }
    dev_unlock();
    return st;
}

simdev_status simdev_stream_wait_event(simdev_stream *s, simdev_event *e) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    simdev_stream *origin = event_usable(e) ? capture_stream(e->cap_id) : NULL;
    if (!event_usable(e) || !stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (origin) { /* the event marks a point of a live capture */
        if (s->cap_graph && s->cap_id != e->cap_id) {
            capture_invalidate(s);
            st = SIMDEV_ERR_CAPTURE_ISOLATION;
        } else if (!s->cap_graph) { /* fork: s joins the capture (nodes stay in one sequence) */
            s->cap_graph = origin->cap_graph;
            s->cap_id = origin->cap_id;
            s->cap_mode = origin->cap_mode;
            s->cap_status = origin->cap_status;
            s->cap_origin = false;
        }
    } else if (s->cap_graph) { /* a dependency on work outside the capture cannot be captured */
        capture_invalidate(s);
        st = SIMDEV_ERR_CAPTURE_ISOLATION;
    } else {
        op *o = op_new(OP_NOP);
        if (e->rec_stream) op_add_dep(o, e->rec_stream, e->rec_seq);
        st = enqueue_locked(s, o, NULL);
    }
    dev_unlock();
    return st;
}

simdev_status simdev_event_query(simdev_event *e) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!event_usable(e))
        st = SIMDEV_ERR_INVALID_HANDLE;
    else if (dev.sticky)
        st = dev.sticky;
    else if (e->rec_stream && e->rec_stream->done_seq < e->rec_seq)
        st = SIMDEV_ERR_NOT_READY;
    dev_unlock();
    return st;
}

simdev_status simdev_event_synchronize(simdev_event *e) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!event_usable(e)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else {
        if (e->rec_stream) {
            dep d = {e->rec_stream, e->rec_seq};
            wait_deps_locked(&d, 1);
        }
        st = dev.sticky;
    }
    dev_unlock();
    return st;
}

simdev_status simdev_event_elapsed_ns(simdev_event *start, simdev_event *end, int64_t *ns) {
    simdev_init();
    if (!ns) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!event_usable(start) || !event_usable(end) || (start->flags & SIMDEV_EVENT_DISABLE_TIMING) ||
        (end->flags & SIMDEV_EVENT_DISABLE_TIMING) || !start->rec_stream || !end->rec_stream)
        st = SIMDEV_ERR_INVALID_HANDLE;
    else if (start->rec_stream->done_seq < start->rec_seq || end->rec_stream->done_seq < end->rec_seq)
        st = SIMDEV_ERR_NOT_READY;
    else
        *ns = (int64_t)(end->time_ns - start->time_ns);
    dev_unlock();
    return st;
}
