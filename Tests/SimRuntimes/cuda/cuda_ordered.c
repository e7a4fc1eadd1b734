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

/* Runs in stream order: the first word of a prefetch's range (user = the range's address). */
static void observe(void *user) {
    uint32_t word;
    if (user && simdev_is_device_range(user, sizeof word)) {
        memcpy(&word, user, sizeof word);
        atomic_store(&last_prefetch_word, word);
    }
}

static void nothing(void *user) { (void)user; }

/* Counted, traced and stream-checked like a host function, then the arguments (valid): a no-op,
 * or the prefetch observation, in stream order. */
static CUresult ordered(const char *api, bool pt, CUstream h, CUdeviceptr prefetch, bool valid) {
    return cu_host_func(api, pt, h, !valid ? NULL : prefetch ? observe : nothing, CU_PTR(prefetch));
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
