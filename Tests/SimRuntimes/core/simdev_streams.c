/*
 * simdev_streams.c — stream objects: creation, the legacy and per-thread default streams,
 * priorities, SM masks, destruction.
 *
 * Stream structs are never freed: ops and events keep (stream, seq) dependencies on them, and a
 * handle that is never reused makes a stale handle detectable. A destroyed stream leaves the
 * scheduling list once its queue drains.
 */
#include "simdev_internal.h"

#include <stdlib.h>
#include <string.h>

static __thread simdev_stream *per_thread_stream;

static bool before(const simdev_stream *a, const simdev_stream *b) {
    return a->priority != b->priority ? a->priority < b->priority : a->ordinal < b->ordinal;
}

/* Insert into dev.streams keeping (priority, ordinal) order: ready heads start in that order. */
static simdev_stream *stream_new(stream_kind kind, unsigned flags, int priority) {
    simdev_stream *s = xcalloc(1, sizeof *s);
    s->kind = kind;
    s->flags = flags;
    s->priority = priority;
    s->ordinal = dev.next_stream_ordinal++;
    for (unsigned i = 0; i < dev.nsm; i++) s->sm_mask[i / 32] |= 1u << (i % 32);
    if (dev.nstreams == dev.cap_streams) {
        dev.cap_streams = dev.cap_streams ? dev.cap_streams * 2 : 16;
        simdev_stream **grown = xcalloc(dev.cap_streams, sizeof *grown);
        if (dev.nstreams) memcpy(grown, dev.streams, dev.nstreams * sizeof *grown);
        free(dev.streams);
        dev.streams = grown;
    }
    unsigned i = dev.nstreams;
    while (i > 0 && before(s, dev.streams[i - 1])) {
        dev.streams[i] = dev.streams[i - 1];
        i--;
    }
    dev.streams[i] = s;
    dev.nstreams++;
    handles_add(s);
    return s;
}

void streams_init(void) {
    dev_lock();
    dev.legacy = stream_new(STREAM_LEGACY, SIMDEV_STREAM_BLOCKING, SIMDEV_PRIO_LEAST);
    dev_unlock();
}

/* Drop a destroyed, drained stream from the scheduling list. Called with dev.mu held. */
void stream_retire_if_drained(simdev_stream *s) {
    if (!s->destroyed || s->head) return;
    for (unsigned i = 0; i < dev.nstreams; i++)
        if (dev.streams[i] == s) {
            memmove(&dev.streams[i], &dev.streams[i + 1], (dev.nstreams - i - 1) * sizeof s);
            dev.nstreams--;
            return;
        }
}

bool stream_is_blocking(const simdev_stream *s) { return !(s->flags & SIMDEV_STREAM_NON_BLOCKING); }

bool stream_usable(const simdev_stream *s) {
    return s && handles_contains(s) && !s->destroyed;
}

simdev_stream *simdev_legacy_stream(void) {
    simdev_init();
    return dev.legacy;
}

simdev_stream *simdev_per_thread_stream(void) {
    simdev_init();
    if (!per_thread_stream) {
        dev_lock();
        per_thread_stream = stream_new(STREAM_PER_THREAD, SIMDEV_STREAM_BLOCKING, SIMDEV_PRIO_LEAST);
        dev_unlock();
    }
    return per_thread_stream;
}

simdev_status simdev_stream_create(unsigned flags, int priority, simdev_stream **out) {
    simdev_init();
    if (!out || (flags & ~(unsigned)SIMDEV_STREAM_NON_BLOCKING)) return SIMDEV_ERR_INVALID_VALUE;
    if (priority < SIMDEV_PRIO_GREATEST) priority = SIMDEV_PRIO_GREATEST;
    if (priority > SIMDEV_PRIO_LEAST) priority = SIMDEV_PRIO_LEAST;
    dev_lock();
    *out = stream_new(STREAM_NORMAL, flags, priority);
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_stream_destroy(simdev_stream *s) {
    simdev_init();
    dev_lock();
    if (!stream_usable(s) || s->kind != STREAM_NORMAL) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    if (s->cap_graph) capture_invalidate(s);
    s->destroyed = true;
    handles_remove(s);
    stream_retire_if_drained(s);
    dev_unlock();
    return SIMDEV_OK;
}

int simdev_stream_valid(const simdev_stream *s) {
    simdev_init();
    dev_lock();
    bool ok = stream_usable(s);
    dev_unlock();
    return ok;
}

int simdev_stream_ordinal(const simdev_stream *s) { return s->ordinal; }
unsigned simdev_stream_flags(const simdev_stream *s) { return s->flags; }
int simdev_stream_priority(const simdev_stream *s) { return s->priority; }
int simdev_stream_is_per_thread(const simdev_stream *s) { return s->kind == STREAM_PER_THREAD; }

simdev_status simdev_stream_set_sm_mask(simdev_stream *s, const uint32_t *mask, unsigned nwords) {
    simdev_init();
    if (!mask) return SIMDEV_ERR_INVALID_VALUE;
    uint32_t m[SIMDEV_MASK_WORDS] = {0};
    bool any = false;
    for (unsigned i = 0; i < dev.nsm && i / 32 < nwords; i++)
        if (mask[i / 32] & (1u << (i % 32))) {
            m[i / 32] |= 1u << (i % 32);
            any = true;
        }
    if (!any) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    if (!stream_usable(s)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    memcpy(s->sm_mask, m, sizeof m);
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_stream_set_own_context(simdev_stream *s) {
    simdev_init();
    dev_lock();
    if (!stream_usable(s)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    s->own_context = true;
    dev_unlock();
    return SIMDEV_OK;
}

simdev_status simdev_stream_get_sm_mask(const simdev_stream *s, uint32_t *mask, unsigned nwords) {
    simdev_init();
    if (!mask) return SIMDEV_ERR_INVALID_VALUE;
    dev_lock();
    if (!stream_usable(s)) {
        dev_unlock();
        return SIMDEV_ERR_INVALID_HANDLE;
    }
    for (unsigned w = 0; w < nwords; w++) mask[w] = w < SIMDEV_MASK_WORDS ? s->sm_mask[w] : 0;
    dev_unlock();
    return SIMDEV_OK;
}
