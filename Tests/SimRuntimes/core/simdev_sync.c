/*
 * simdev_sync.c — host-side synchronisation: stream/device synchronize and stream query.
 * Waits block on dev.done_cv; the targets are fixed at call time (work queued later by other
 * threads is not waited for).
 */
#include "simdev_internal.h"

#include <stdlib.h>

/* What "everything queued so far on s" means: for the legacy stream that includes all earlier
 * work of blocking streams (its implicit barrier). Returns a malloc'd list. */
static dep *stream_targets(simdev_stream *s, unsigned *n) {
    dep *d = xcalloc(dev.nstreams + 1, sizeof *d);
    unsigned k = 0;
    d[k++] = (dep){s, s->enq_seq};
    if (s->kind == STREAM_LEGACY)
        for (unsigned i = 0; i < dev.nstreams; i++) {
            simdev_stream *t = dev.streams[i];
            if (t != s && stream_is_blocking(t)) d[k++] = (dep){t, t->enq_seq};
        }
    *n = k;
    return d;
}

static simdev_status stream_error(const simdev_stream *s) {
    return s->error ? s->error : dev.sticky;
}

simdev_status simdev_stream_synchronize(simdev_stream *s) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (s->cap_graph) { /* syncing a capturing stream is illegal and ends the capture */
        capture_invalidate(s);
        st = SIMDEV_ERR_CAPTURE_UNSUPPORTED;
    } else {
        unsigned n;
        dep *d = stream_targets(s, &n);
        wait_deps_locked(d, n);
        free(d);
        st = stream_error(s);
    }
    dev_unlock();
    return st;
}

simdev_status simdev_stream_query(simdev_stream *s) {
    simdev_init();
    dev_lock();
    simdev_status st = SIMDEV_OK;
    if (!stream_usable(s)) {
        st = SIMDEV_ERR_INVALID_HANDLE;
    } else if (s->cap_graph) {
        capture_invalidate(s);
        st = SIMDEV_ERR_CAPTURE_UNSUPPORTED;
    } else {
        st = stream_error(s);
        unsigned n;
        dep *d = stream_targets(s, &n);
        for (unsigned i = 0; i < n && st == SIMDEV_OK; i++)
            if (d[i].stream->done_seq < d[i].seq) st = SIMDEV_ERR_NOT_READY;
        free(d);
    }
    dev_unlock();
    return st;
}

static simdev_status synchronize_streams(bool skip_own_context) {
    simdev_init();
    dev_lock();
    bool illegal = false;
    for (unsigned i = 0; i < dev.nstreams; i++) { /* unsafe during non-relaxed capture */
        simdev_stream *t = dev.streams[i];
        if (t->cap_graph && t->cap_mode != SIMDEV_CAPTURE_MODE_RELAXED) {
            capture_invalidate(t);
            illegal = true;
        }
    }
    if (illegal) {
        dev_unlock();
        return SIMDEV_ERR_CAPTURE_UNSUPPORTED;
    }
    unsigned n = dev.nstreams;
    dep *d = xcalloc(n, sizeof *d);
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++)
        if (!(skip_own_context && dev.streams[i]->own_context)) d[k++] = (dep){dev.streams[i], dev.streams[i]->enq_seq};
    wait_deps_locked(d, k);
    free(d);
    simdev_status st = dev.sticky;
    dev_unlock();
    return st;
}

simdev_status simdev_device_synchronize(void) { return synchronize_streams(false); }

simdev_status simdev_context_synchronize(void) { return synchronize_streams(true); }
