/*
 * simdev_engine.c — the device worker: a discrete-event simulation on a simulated clock.
 *
 * Each round, under dev.mu: start every stream head whose stream predecessor completed and whose
 * dependencies are met (streams visited in priority order); give free SMs to the blocks of active
 * kernels, highest priority first (FIFO among equals), honouring each stream's SM mask; when
 * nothing more can start, jump the clock to the next completion (a block finishing on an SM, a
 * copy engine finishing). A kernel's C body runs when its last block completes. With nothing to
 * do, the worker sleeps on work_cv (timed, 1 ms, only while a wait-value op polls host memory).
 *
 * SIM_TIME_SCALE=<wall ns per simulated ns> (default 0: off) paces the clock: simulated time
 * then never runs ahead of scaled wall time, so kernels also take real time (approximately;
 * wake-up jitter makes paced timings inexact).
 */
#include "simdev_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum start_result { BLOCKED, RUNNING, DONE };

/* ---- optional pacing against wall time ---------------------------------------------------- */
static double time_scale; /* wall ns per simulated ns; 0 = unpaced */
static uint64_t wall_start;

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Paced: simulated time flows with wall time while the device waits. */
static void clock_follow_wall(void) {
    if (time_scale <= 0) return;
    uint64_t t = (uint64_t)((double)(mono_ns() - wall_start) / time_scale);
    if (t > dev.now) dev.now = t;
}

/* Sleep on work_cv until `wall_ns` from now at most (new work wakes it earlier). */
static void wait_for_work(uint64_t wall_ns) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_nsec + wall_ns;
    ts.tv_sec += (time_t)(t / 1000000000ull);
    ts.tv_nsec = (long)(t % 1000000000ull);
    pthread_cond_timedwait(&dev.work_cv, &dev.mu, &ts);
}

/* ---- completion heap ------------------------------------------------------------------------ */
static bool earlier(const completion *a, const completion *b) {
    return a->t != b->t ? a->t < b->t : a->order < b->order;
}

static void heap_push(uint64_t t, op *o, int sm) {
    if (dev.nheap == dev.cap_heap) {
        dev.cap_heap = dev.cap_heap ? dev.cap_heap * 2 : 64;
        completion *grown = realloc(dev.heap, dev.cap_heap * sizeof *grown);
        if (!grown) abort();
        dev.heap = grown;
    }
    unsigned i = dev.nheap++;
    dev.heap[i] = (completion){t, dev.next_completion_order++, o, sm};
    while (i > 0 && earlier(&dev.heap[i], &dev.heap[(i - 1) / 2])) {
        completion tmp = dev.heap[i];
        dev.heap[i] = dev.heap[(i - 1) / 2];
        dev.heap[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

static completion heap_pop(void) {
    completion top = dev.heap[0];
    dev.heap[0] = dev.heap[--dev.nheap];
    for (unsigned i = 0;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;
        if (l < dev.nheap && earlier(&dev.heap[l], &dev.heap[m])) m = l;
        if (r < dev.nheap && earlier(&dev.heap[r], &dev.heap[m])) m = r;
        if (m == i) break;
        completion tmp = dev.heap[i];
        dev.heap[i] = dev.heap[m];
        dev.heap[m] = tmp;
        i = m;
    }
    return top;
}

/* ---- op completion --------------------------------------------------------------------------- */
static void complete_op(op *o) {
    simdev_stream *s = o->stream;
    s->head = o->next;
    if (!s->head) s->tail = NULL;
    if (o->seq) s->done_seq = o->seq;
    op_free(o);
    stream_retire_if_drained(s);
    pthread_cond_broadcast(&dev.done_cv);
}

static bool deps_ready(const op *o) {
    for (unsigned i = 0; i < o->ndeps; i++)
        if (o->deps[i].stream->done_seq < o->deps[i].seq) return false;
    return true;
}

/* ---- kernels --------------------------------------------------------------------------------- */
static int kernel_priority(const op *k) {
    return k->u.kernel.has_prio ? k->u.kernel.prio : k->stream->priority;
}

static simdev_block_ctx block_ctx(const op *k, uint64_t linear) {
    simdev_block_ctx c = {0};
    c.grid_dim = k->u.kernel.grid;
    c.block_dim = k->u.kernel.block;
    c.shared_bytes = k->u.kernel.shmem;
    c.block_idx.x = (unsigned)(linear % c.grid_dim.x);
    c.block_idx.y = (unsigned)(linear / c.grid_dim.x % c.grid_dim.y);
    c.block_idx.z = (unsigned)(linear / ((uint64_t)c.grid_dim.x * c.grid_dim.y));
    return c;
}

static void activate_kernel(op *k) {
    if (dev.nactive == dev.cap_active) {
        dev.cap_active = dev.cap_active ? dev.cap_active * 2 : 16;
        op **grown = realloc(dev.active, dev.cap_active * sizeof *grown);
        if (!grown) abort();
        dev.active = grown;
    }
    k->u.kernel.order = dev.next_kernel_order++;
    dev.active[dev.nactive++] = k;
}

static void deactivate_kernel(op *k) {
    for (unsigned i = 0; i < dev.nactive; i++)
        if (dev.active[i] == k) {
            memmove(&dev.active[i], &dev.active[i + 1], (dev.nactive - i - 1) * sizeof k);
            dev.nactive--;
            return;
        }
}

static bool sm_allowed(const op *k, unsigned sm) {
    return k->stream->sm_mask[sm / 32] & (1u << (sm % 32));
}

static void dispatch_blocks(void) {
    for (unsigned sm = 0; sm < dev.nsm && dev.nactive; sm++) {
        if (dev.sm_busy[sm]) continue;
        op *best = NULL;
        for (unsigned i = 0; i < dev.nactive; i++) {
            op *k = dev.active[i];
            if (!sm_allowed(k, sm)) continue;
            if (!best || kernel_priority(k) < kernel_priority(best) ||
                (kernel_priority(k) == kernel_priority(best) && k->u.kernel.order < best->u.kernel.order))
                best = k;
        }
        if (!best) continue;
        simdev_block_ctx c = block_ctx(best, best->u.kernel.dispatched++);
        uint64_t cost = best->u.kernel.k->block_ns(&c, best->u.kernel.params);
        dev.sm_busy[sm] = best;
        heap_push(dev.now + (cost ? cost : 1), best, (int)sm);
        if (best->u.kernel.dispatched == best->u.kernel.nblocks) deactivate_kernel(best);
    }
}

/* All blocks finished in simulated time: run the C body of every block now. */
static void run_kernel(op *k) {
    void *shared = k->u.kernel.shmem ? xcalloc(1, k->u.kernel.shmem) : NULL;
    bool faulted = false;
    for (uint64_t b = 0; b < k->u.kernel.nblocks && !faulted; b++) {
        simdev_block_ctx c = block_ctx(k, b);
        if (shared) memset(shared, 0, k->u.kernel.shmem);
        c.shared_mem = shared;
        k->u.kernel.k->run_block(&c, k->u.kernel.params);
        faulted = c.faulted;
    }
    free(shared);
    if (faulted) { /* like a GPU exception: deferred to the next sync, then sticky */
        if (!k->stream->error) k->stream->error = SIMDEV_ERR_ILLEGAL_ADDRESS;
        if (!dev.sticky) dev.sticky = SIMDEV_ERR_ILLEGAL_ADDRESS;
    }
}

/* ---- copies and sets -------------------------------------------------------------------------- */
static unsigned copy_engine(const void *dst, const void *src) {
    bool dhost = simdev_mem_kind_of(dst) != SIMDEV_MEM_DEVICE;
    bool shost = simdev_mem_kind_of(src) != SIMDEV_MEM_DEVICE;
    return shost && !dhost ? 0 : !shost && dhost ? 1 : 2;
}

static void start_timed(op *o, unsigned engine, uint64_t dur) {
    uint64_t start = dev.copy_engine_free[engine] > dev.now ? dev.copy_engine_free[engine] : dev.now;
    dev.copy_engine_free[engine] = start + dur;
    heap_push(start + dur, o, -1);
}

static void do_copy(op *o) {
    const unsigned char *src = o->u.copy.staging ? o->u.copy.staging : o->u.copy.src;
    size_t spitch = o->u.copy.staging ? o->u.copy.width : o->u.copy.spitch;
    for (size_t r = 0; r < o->u.copy.height; r++)
        memmove((unsigned char *)o->u.copy.dst + r * o->u.copy.dpitch, src + r * spitch, o->u.copy.width);
}

static void do_set(op *o) {
    for (size_t r = 0; r < o->u.set.height; r++) {
        unsigned char *row = (unsigned char *)o->u.set.dst + r * o->u.set.pitch;
        for (size_t i = 0; i < o->u.set.width; i++) {
            switch (o->u.set.elem) {
            case 1: row[i] = (uint8_t)o->u.set.value; break;
            case 2: ((uint16_t *)row)[i] = (uint16_t)o->u.set.value; break;
            default: ((uint32_t *)row)[i] = o->u.set.value; break;
            }
        }
    }
}

/* ---- memory operations ------------------------------------------------------------------------ */
static bool wait_holds(const simdev_memop *m) {
    uint64_t x, v;
    if (m->is64) {
        x = __atomic_load_n((uint64_t *)m->addr, __ATOMIC_ACQUIRE) & m->mask;
        v = m->value;
    } else {
        x = __atomic_load_n((uint32_t *)m->addr, __ATOMIC_ACQUIRE) & (uint32_t)m->mask;
        v = (uint32_t)m->value;
    }
    switch (m->cond) {
    case SIMDEV_WAIT_GEQ: /* cyclic comparison, as documented for CUDA */
        return m->is64 ? (int64_t)(x - v) >= 0 : (int32_t)(uint32_t)(x - v) >= 0;
    case SIMDEV_WAIT_EQ: return x == v;
    case SIMDEV_WAIT_AND: return (x & v) != 0;
    default: return m->is64 ? ~(x | v) != 0 : (uint32_t) ~(x | v) != 0;
    }
}

/* Run memops from where the op left off; false while a wait blocks. */
static bool run_memops(op *o) {
    for (; o->u.memops.next < o->u.memops.count; o->u.memops.next++) {
        simdev_memop *m = &o->u.memops.ops[o->u.memops.next];
        if (m->kind == SIMDEV_MEMOP_WAIT && !wait_holds(m)) {
            dev.wait_blocked = true;
            return false;
        }
        if (m->kind == SIMDEV_MEMOP_WRITE) {
            if (m->is64)
                __atomic_store_n((uint64_t *)m->addr, m->value, __ATOMIC_RELEASE);
            else
                __atomic_store_n((uint32_t *)m->addr, (uint32_t)m->value, __ATOMIC_RELEASE);
        }
    }
    return true;
}

/* ---- starting ops ----------------------------------------------------------------------------- */
static enum start_result try_start(op *o) {
    if (!deps_ready(o)) return BLOCKED;
    switch (o->type) {
    case OP_KERNEL:
        o->started = true;
        activate_kernel(o);
        return RUNNING;
    case OP_COPY:
        o->started = true;
        start_timed(o, copy_engine(o->u.copy.dst, o->u.copy.src),
                    1000 + o->u.copy.width * o->u.copy.height / (copy_engine(o->u.copy.dst, o->u.copy.src) == 2 ? 200 : 12));
        return RUNNING;
    case OP_SET:
        o->started = true;
        start_timed(o, 2, 500 + o->u.set.width * o->u.set.elem * o->u.set.height / 200);
        return RUNNING;
    case OP_HOSTFN: {
        /* Host code runs without the lock: it may call (non-waiting) API functions. The op stays
         * at the stream head, started, so nothing else of this stream moves meanwhile. */
        o->started = true;
        simdev_status st = dev.sticky;
        dev_unlock();
        o->u.host.fn(o->u.host.closure, st);
        dev_lock();
        complete_op(o);
        return DONE;
    }
    case OP_RECORD: {
        simdev_event *e = o->u.record.event;
        if (o->u.record.generation == e->generation) {
            e->timed = true;
            e->time_ns = dev.now;
        }
        complete_op(o);
        return DONE;
    }
    case OP_MEMOPS:
        if (!run_memops(o)) return BLOCKED;
        complete_op(o);
        return DONE;
    case OP_FREE:
        simdev_free(o->u.free.ptr);
        complete_op(o);
        return DONE;
    case OP_NOP:
        complete_op(o);
        return DONE;
    case OP_GRAPH:
        if (!graph_expand_head(o)) complete_op(o); /* empty graph */
        return DONE;
    }
    return BLOCKED;
}

/* Start every startable head; true if anything completed or started. Any completion can unblock
 * other streams or retire one from dev.streams, so rescan from the top after it. */
static bool start_ready(void) {
    bool progress = false;
restart:
    for (unsigned i = 0; i < dev.nstreams; i++) {
        op *h = dev.streams[i]->head;
        if (!h || h->started) continue;
        enum start_result r = try_start(h);
        if (r == RUNNING) progress = true;
        if (r == DONE) {
            progress = true;
            goto restart;
        }
    }
    return progress;
}

/* Jump the clock to the next completion time and finish everything due then. */
static void advance(void) {
    completion c = heap_pop();
    if (c.t > dev.now) dev.now = c.t;
    for (;;) {
        op *o = c.o;
        if (c.sm >= 0) {
            dev.sm_busy[c.sm] = NULL;
            if (++o->u.kernel.finished == o->u.kernel.nblocks) {
                run_kernel(o);
                complete_op(o);
            }
        } else {
            if (o->type == OP_COPY)
                do_copy(o);
            else
                do_set(o);
            complete_op(o);
        }
        if (!dev.nheap || dev.heap[0].t > dev.now) break;
        c = heap_pop();
    }
}

static void *worker_main(void *arg) {
    (void)arg;
    dev_lock();
    for (;;) {
        clock_follow_wall();
        dev.wait_blocked = false;
        bool progress = start_ready();
        dispatch_blocks();
        if (progress) continue;
        if (dev.nheap && time_scale > 0 && dev.heap[0].t > dev.now) { /* paced: not due yet */
            uint64_t ahead = (uint64_t)((double)(dev.heap[0].t - dev.now) * time_scale);
            wait_for_work(dev.wait_blocked && ahead > 1000000 ? 1000000 : ahead);
            continue;
        }
        if (dev.nheap) {
            advance();
            continue;
        }
        if (dev.wait_blocked) /* a wait-value may be released by a host write: poll gently */
            wait_for_work(1000000);
        else
            pthread_cond_wait(&dev.work_cv, &dev.mu);
    }
    return NULL;
}

void engine_start(void) {
    const char *scale = getenv("SIM_TIME_SCALE");
    time_scale = scale ? strtod(scale, NULL) : 0.0;
    wall_start = mono_ns();
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&dev.worker, &attr, worker_main, NULL) != 0) abort();
    pthread_attr_destroy(&attr);
}

void engine_kick(void) { pthread_cond_signal(&dev.work_cv); }

simdev_status wait_deps_locked(dep *deps, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        while (deps[i].stream->done_seq < deps[i].seq) pthread_cond_wait(&dev.done_cv, &dev.mu);
    return SIMDEV_OK;
}
