/*
 * cuda_ordered.c — stream-ordered calls with no effect on simulated memory: prefetches, managed
 * memory attach, external semaphores, graph upload, sparse array mapping, 3D batch copies. Each
 * validates its stream and queues a no-op in stream order. A prefetch also records the first
 * word of its range as it stands when the prefetch executes (simcuLastPrefetchWord), so a test
 * can see whether it ran after the stream's earlier work.
 * cuStreamBeginCaptureToGraph is answered NOT_SUPPORTED (capturing into an existing graph is not
 * modelled).
 */
#include "cuda_sim.h"

#include <stdatomic.h>
#include <string.h>

static _Atomic uint32_t last_prefetch_word;

uint32_t simcuLastPrefetchWord(void) { return atomic_load(&last_prefetch_word); }

typedef struct ordered_closure {
    CUdeviceptr ptr;   /* prefetch range start, 0 otherwise */
} ordered_closure;

static void run_ordered(void *closure, simdev_status st) {
    (void)st;
    ordered_closure *c = closure;
    uint32_t word = 0;
    if (c->ptr && simdev_is_device_range(CU_PTR(c->ptr), sizeof word)) {
        memcpy(&word, CU_PTR(c->ptr), sizeof word);
        atomic_store(&last_prefetch_word, word);
    }
}

/* Counted and traced like every call, then checked: the stream, then the arguments (valid). */
static CUresult ordered(const char *api, bool pt, CUstream h, CUdeviceptr prefetch, bool valid) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s", api, cu_fmt_stream(b, h, pt));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    if (!valid) return CUDA_ERROR_INVALID_VALUE;
    ordered_closure c = {prefetch};
    return cu_status(simdev_host_func(s, run_ordered, &c, sizeof c));
}

#define PREFETCH(name, pt) \
    CUresult name(CUdeviceptr p, size_t n, CUdevice d, CUstream h) { (void)n; (void)d; return ordered(__func__, pt, h, p, true); }
#define PREFETCH_V2(name, pt) \
    CUresult name(CUdeviceptr p, size_t n, ReefMemLocationBits l, unsigned int f, CUstream h) { \
        (void)n; (void)l; return ordered(__func__, pt, h, p, f == 0); }
PREFETCH(cuMemPrefetchAsync, false)
PREFETCH(cuMemPrefetchAsync_ptsz, true)
PREFETCH_V2(cuMemPrefetchAsync_v2, false)
PREFETCH_V2(cuMemPrefetchAsync_v2_ptsz, true)

#define ATTACH(name, pt) \
    CUresult name(CUstream h, CUdeviceptr p, size_t n, unsigned int f) { (void)p; (void)n; (void)f; return ordered(__func__, pt, h, 0, true); }
ATTACH(cuStreamAttachMemAsync, false)
ATTACH(cuStreamAttachMemAsync_ptsz, true)

#define SEMAPHORES(name, pt) \
    CUresult name(const void *sems, const void *params, unsigned int n, CUstream h) { \
        return ordered(__func__, pt, h, 0, !n || (sems && params)); }
SEMAPHORES(cuSignalExternalSemaphoresAsync, false)
SEMAPHORES(cuSignalExternalSemaphoresAsync_ptsz, true)
SEMAPHORES(cuWaitExternalSemaphoresAsync, false)
SEMAPHORES(cuWaitExternalSemaphoresAsync_ptsz, true)

#define UPLOAD(name, pt) \
    CUresult name(CUgraphExec x, CUstream h) { return ordered(__func__, pt, h, 0, x != NULL); }
UPLOAD(cuGraphUpload, false)
UPLOAD(cuGraphUpload_ptsz, true)

#define MAP_ARRAY(name, pt) \
    CUresult name(void *info, unsigned int n, CUstream h) { return ordered(__func__, pt, h, 0, !n || info); }
MAP_ARRAY(cuMemMapArrayAsync, false)
MAP_ARRAY(cuMemMapArrayAsync_ptsz, true)

#define BATCH3D(name, pt) \
    CUresult name(size_t n, void *ops, size_t *fail, unsigned long long f, CUstream h) { \
        (void)fail; (void)f; return ordered(__func__, pt, h, 0, !n || ops); }
#define BATCH3D_V2(name, pt) \
    CUresult name(size_t n, void *ops, unsigned long long f, CUstream h) { \
        (void)f; return ordered(__func__, pt, h, 0, !n || ops); }
BATCH3D(cuMemcpy3DBatchAsync, false)
BATCH3D(cuMemcpy3DBatchAsync_ptsz, true)
BATCH3D_V2(cuMemcpy3DBatchAsync_v2, false)
BATCH3D_V2(cuMemcpy3DBatchAsync_v2_ptsz, true)

#define CAPTURE_TO_GRAPH(name, pt) \
    CUresult name(CUstream h, CUgraph g, const void *deps, const void *edges, size_t n, CUstreamCaptureMode m) { \
        (void)g; (void)deps; (void)edges; (void)n; (void)m; \
        CUresult r = cu_enter(__func__); \
        simdev_stream *s = NULL; \
        if (!r) r = cu_stream(h, pt, &s); \
        return r ? r : CUDA_ERROR_NOT_SUPPORTED; }
CAPTURE_TO_GRAPH(cuStreamBeginCaptureToGraph, false)
CAPTURE_TO_GRAPH(cuStreamBeginCaptureToGraph_ptsz, true)
