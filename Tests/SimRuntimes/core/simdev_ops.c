/*
 * simdev_ops.c — the public stream-ordered operations: argument validation, building the op,
 * and the host-side parts of copy semantics (staging pageable sources, waiting for pageable
 * destinations).
 */
#include "simdev_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHARED_BYTES (48u * 1024u)

/* A copy/set endpoint: device or pinned memory must be a live range; NULL is never valid. */
static bool range_ok(const void *p, size_t len) {
    if (!p) return false;
    switch (simdev_mem_kind_of(p)) {
    case SIMDEV_MEM_DEVICE: return simdev_is_device_range(p, len);
    case SIMDEV_MEM_PINNED: return simdev_is_pinned_range(p, len);
    default: return true;
    }
}

/* SIM_PAGEABLE_COPY_LOCK=1: copies into pageable memory are serialized, each holding the lock
 * from its call until it completed, as the CUDA driver does on the H100 (driver 580): a thread
 * whose copy into pageable memory waits for its stream's earlier work holds back every other
 * thread's, on any stream (bench/results/padding-partitions-h100.md). Off by default. */
static pthread_mutex_t pageable_copy_lock = PTHREAD_MUTEX_INITIALIZER;

static bool pageable_copy_lock_on(void) {
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("SIM_PAGEABLE_COPY_LOCK");
        on = v && strcmp(v, "1") == 0;
    }
    return on == 1;
}

/* Wait until the op at seq on s completed (pageable destinations). */
static simdev_status wait_seq(simdev_stream *s, uint64_t seq) {
    if (!seq) return SIMDEV_OK;
    dep d = {s, seq};
    dev_lock();
    simdev_status st = wait_deps_locked(&d, 1);
    dev_unlock();
    return st;
}

simdev_status simdev_launch(simdev_stream *s, const simdev_kernel *k, simdev_dim3 grid,
                            simdev_dim3 block, const void *params, const simdev_launch_opts *opts) {
    simdev_init();
    if (!k || (k->params_size && !params)) return SIMDEV_ERR_INVALID_VALUE;
    if (!grid.x || !grid.y || !grid.z || !block.x || !block.y || !block.z)
        return SIMDEV_ERR_INVALID_VALUE;
    if (grid.y > 65535 || grid.z > 65535 || block.x > 1024 || block.y > 1024 || block.z > 64)
        return SIMDEV_ERR_INVALID_VALUE;
    if ((uint64_t)block.x * block.y * block.z > 1024) return SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES;
    simdev_launch_opts none = {0};
    if (!opts) opts = &none;
    if (opts->shared_bytes > MAX_SHARED_BYTES) return SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES;
    uint64_t nblocks = (uint64_t)grid.x * grid.y * grid.z;
    if (opts->cooperative && nblocks > dev.nsm) return SIMDEV_ERR_COOPERATIVE_TOO_LARGE;
    op *o = op_new(OP_KERNEL);
    o->u.kernel.k = k;
    o->u.kernel.grid = grid;
    o->u.kernel.block = block;
    o->u.kernel.shmem = opts->shared_bytes;
    o->u.kernel.has_prio = opts->has_priority != 0;
    o->u.kernel.prio = opts->priority;
    o->u.kernel.tag[0] = opts->tag[0];
    o->u.kernel.tag[1] = opts->tag[1];
    o->u.kernel.nblocks = nblocks;
    o->u.kernel.params = xcalloc(1, k->params_size);
    if (k->params_size) memcpy(o->u.kernel.params, params, k->params_size);
    return enqueue(s, o, NULL);
}

simdev_status simdev_memcpy2d_async(simdev_stream *s, void *dst, size_t dpitch, const void *src,
                                    size_t spitch, size_t width, size_t height) {
    simdev_init();
    if (width == 0 || height == 0) return SIMDEV_OK;
    if ((height > 1 && (dpitch < width || spitch < width))) return SIMDEV_ERR_INVALID_VALUE;
    size_t dext = (height - 1) * dpitch + width, sext = (height - 1) * spitch + width;
    if (!range_ok(dst, dext) || !range_ok(src, sext)) return SIMDEV_ERR_INVALID_VALUE;
    op *o = op_new(OP_COPY);
    o->u.copy.dst = dst;
    o->u.copy.src = src;
    o->u.copy.dpitch = dpitch;
    o->u.copy.spitch = spitch;
    o->u.copy.width = width;
    o->u.copy.height = height;
    if (simdev_mem_kind_of(src) == SIMDEV_MEM_PAGEABLE) {
        /* The caller may reuse a pageable source as soon as we return: stage it now. */
        unsigned char *stage = malloc(width * height);
        if (!stage) abort();
        for (size_t r = 0; r < height; r++)
            memcpy(stage + r * width, (const unsigned char *)src + r * spitch, width);
        o->u.copy.staging = stage;
    }
    uint64_t seq;
    bool serial = simdev_mem_kind_of(dst) == SIMDEV_MEM_PAGEABLE && pageable_copy_lock_on();
    if (serial) pthread_mutex_lock(&pageable_copy_lock);
    simdev_status st = enqueue(s, o, &seq);
    if (st == SIMDEV_OK && simdev_mem_kind_of(dst) == SIMDEV_MEM_PAGEABLE) st = wait_seq(s, seq);
    if (serial) pthread_mutex_unlock(&pageable_copy_lock);
    return st;
}

simdev_status simdev_memcpy_async(simdev_stream *s, void *dst, const void *src, size_t bytes) {
    return simdev_memcpy2d_async(s, dst, bytes, src, bytes, bytes, 1);
}

simdev_status simdev_memset2d_async(simdev_stream *s, void *dst, size_t pitch, uint32_t value,
                                    unsigned elem_size, size_t width_elems, size_t height) {
    simdev_init();
    if (elem_size != 1 && elem_size != 2 && elem_size != 4) return SIMDEV_ERR_INVALID_VALUE;
    if (width_elems == 0 || height == 0) return SIMDEV_OK;
    size_t width = width_elems * elem_size;
    if (height > 1 && pitch < width) return SIMDEV_ERR_INVALID_VALUE;
    if ((uintptr_t)dst % elem_size || !range_ok(dst, (height - 1) * pitch + width))
        return SIMDEV_ERR_INVALID_VALUE;
    op *o = op_new(OP_SET);
    o->u.set.dst = dst;
    o->u.set.pitch = pitch;
    o->u.set.width = width_elems;
    o->u.set.height = height;
    o->u.set.value = value;
    o->u.set.elem = elem_size;
    uint64_t seq;
    simdev_status st = enqueue(s, o, &seq);
    if (st == SIMDEV_OK && simdev_mem_kind_of(dst) == SIMDEV_MEM_PAGEABLE) st = wait_seq(s, seq);
    return st;
}

simdev_status simdev_memset_async(simdev_stream *s, void *dst, uint32_t value, unsigned elem_size,
                                  size_t count) {
    return simdev_memset2d_async(s, dst, count * elem_size, value, elem_size, count, 1);
}

simdev_status simdev_host_func(simdev_stream *s, simdev_host_fn fn, const void *closure,
                               size_t closure_size) {
    simdev_init();
    if (!fn || closure_size > SIMDEV_CLOSURE_MAX || (closure_size && !closure))
        return SIMDEV_ERR_INVALID_VALUE;
    op *o = op_new(OP_HOSTFN);
    o->u.host.fn = fn;
    if (closure_size) memcpy(o->u.host.closure, closure, closure_size);
    return enqueue(s, o, NULL);
}

/* Stream-ordered allocation is not capturable here (no allocation nodes). */
static bool capturing(simdev_stream *s) {
    dev_lock();
    bool c = stream_usable(s) && s->cap_graph;
    dev_unlock();
    return c;
}

simdev_status simdev_malloc_async(simdev_stream *s, size_t bytes, void **out) {
    simdev_init();
    if (!out || bytes == 0) return SIMDEV_ERR_INVALID_VALUE;
    if (capturing(s)) return SIMDEV_ERR_NOT_SUPPORTED;
    simdev_status st = simdev_malloc(bytes, out);
    if (st != SIMDEV_OK) return st;
    st = enqueue(s, op_new(OP_NOP), NULL); /* keeps the call stream-ordered and validated */
    if (st != SIMDEV_OK) {
        simdev_free(*out);
        *out = NULL;
    }
    return st;
}

simdev_status simdev_free_async(simdev_stream *s, void *ptr) {
    simdev_init();
    if (!ptr || !simdev_is_device_range(ptr, 1) || simdev_arena_offset(ptr) % 256)
        return SIMDEV_ERR_INVALID_VALUE;
    if (capturing(s)) return SIMDEV_ERR_NOT_SUPPORTED;
    op *o = op_new(OP_FREE);
    o->u.free.ptr = ptr;
    return enqueue(s, o, NULL);
}

static bool memop_ok(const simdev_memop *m) {
    switch (m->kind) {
    case SIMDEV_MEMOP_BARRIER: return true;
    case SIMDEV_MEMOP_WAIT:
        if (m->cond < SIMDEV_WAIT_GEQ || m->cond > SIMDEV_WAIT_NOR) return false;
        /* fall through */
    case SIMDEV_MEMOP_WRITE: {
        size_t n = m->is64 ? 8 : 4;
        if ((uintptr_t)m->addr % n) return false;
        return simdev_is_device_range(m->addr, n) || simdev_is_pinned_range(m->addr, n);
    }
    }
    return false;
}

simdev_status simdev_batch_memops(simdev_stream *s, const simdev_memop *ops, unsigned count) {
    simdev_init();
    if (!ops || count == 0) return SIMDEV_ERR_INVALID_VALUE;
    for (unsigned i = 0; i < count; i++)
        if (!memop_ok(&ops[i])) return SIMDEV_ERR_INVALID_VALUE;
    op *o = op_new(OP_MEMOPS);
    o->u.memops.ops = xcalloc(count, sizeof *ops);
    memcpy(o->u.memops.ops, ops, count * sizeof *ops);
    o->u.memops.count = count;
    return enqueue(s, o, NULL);
}

simdev_status simdev_wait_value(simdev_stream *s, void *addr, uint64_t value, int is64, int cond,
                                uint64_t mask) {
    simdev_memop m = {SIMDEV_MEMOP_WAIT, addr, value, mask, is64 != 0, cond};
    return simdev_batch_memops(s, &m, 1);
}

simdev_status simdev_write_value(simdev_stream *s, void *addr, uint64_t value, int is64) {
    simdev_memop m = {SIMDEV_MEMOP_WRITE, addr, value, ~0ull, is64 != 0, 0};
    return simdev_batch_memops(s, &m, 1);
}
