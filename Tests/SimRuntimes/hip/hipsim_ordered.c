/*
 * hipsim_ordered.c — stream-ordered calls with no effect on simulated memory: prefetch, managed
 * memory attach, external semaphores, and (the simulator has no arrays or graphics interop)
 * array copies, sparse array mapping, graphics resource mapping. Each validates its stream and
 * queues a no-op in stream order. A prefetch, and an array copy on its linear-memory side, also
 * records the first word there as it stands when it executes (hipsimLastPrefetchWord, simulator
 * only), so a test can see whether it ran after the stream's earlier work.
 */
#include "hipsim.h"

#include <stdatomic.h>
#include <string.h>

static _Atomic uint32_t last_prefetch_word;

uint32_t hipsimLastPrefetchWord(void) { return atomic_load(&last_prefetch_word); }

typedef struct ordered_closure {
    const void *ptr;   /* prefetch range start, NULL otherwise */
} ordered_closure;

static void run_ordered(void *arg, simdev_status status) {
    (void)status;
    const ordered_closure *c = arg;
    uint32_t word = 0;
    if (c->ptr && simdev_is_device_range(c->ptr, sizeof word)) {
        memcpy(&word, c->ptr, sizeof word);
        atomic_store(&last_prefetch_word, word);
    }
}

static hipError_t ordered(const hipsim_call *call, hipStream_t stream, const void *prefetch, int valid) {
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = s == NULL ? hipErrorInvalidHandle : !valid ? hipErrorInvalidValue : hipSuccess;
    if (err == hipSuccess) {
        ordered_closure c = {prefetch};
        err = hipsim_error(simdev_host_func(s, run_ordered, &c, sizeof c));
    }
    char sbuf[32];
    HIPSIM_TRACE(call, "%s s=%s rc=%d", call->name, s ? simdev_fmt_stream(sbuf, s) : "?", (int)err);
    return err;
}

hipError_t hipMemPrefetchAsync(const void *dev_ptr, size_t count, int device, hipStream_t stream) {
    HIPSIM_ENTER("hipMemPrefetchAsync");
    (void)count;
    HIPSIM_RETURN(ordered(&call_, stream, dev_ptr, dev_ptr != NULL && device >= 0));
}

hipError_t hipStreamAttachMemAsync(hipStream_t stream, void *dev_ptr, size_t length, unsigned int flags) {
    HIPSIM_ENTER("hipStreamAttachMemAsync");
    (void)length;
    (void)flags;
    HIPSIM_RETURN(ordered(&call_, stream, NULL, dev_ptr != NULL));
}

hipError_t hipSignalExternalSemaphoresAsync(const hipExternalSemaphore_t *extSemArray,
                                            const hipExternalSemaphoreSignalParams *paramsArray,
                                            unsigned int numExtSems, hipStream_t stream) {
    HIPSIM_ENTER("hipSignalExternalSemaphoresAsync");
    HIPSIM_RETURN(ordered(&call_, stream, NULL, numExtSems == 0 || (extSemArray && paramsArray)));
}

hipError_t hipWaitExternalSemaphoresAsync(const hipExternalSemaphore_t *extSemArray,
                                          const hipExternalSemaphoreWaitParams *paramsArray,
                                          unsigned int numExtSems, hipStream_t stream) {
    HIPSIM_ENTER("hipWaitExternalSemaphoresAsync");
    HIPSIM_RETURN(ordered(&call_, stream, NULL, numExtSems == 0 || (extSemArray && paramsArray)));
}

hipError_t hipMemcpy2DToArrayAsync(hipArray *dst, size_t wOffset, size_t hOffset, const void *src, size_t spitch,
                                   size_t width, size_t height, hipMemcpyKind kind, hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpy2DToArrayAsync");
    (void)dst, (void)wOffset, (void)hOffset, (void)spitch, (void)width, (void)height, (void)kind;
    HIPSIM_RETURN(ordered(&call_, stream, src, src != NULL));
}

hipError_t hipMemcpy2DFromArrayAsync(void *dst, size_t dpitch, hipArray_const_t src, size_t wOffset, size_t hOffset,
                                     size_t width, size_t height, hipMemcpyKind kind, hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpy2DFromArrayAsync");
    (void)dpitch, (void)src, (void)wOffset, (void)hOffset, (void)width, (void)height, (void)kind;
    HIPSIM_RETURN(ordered(&call_, stream, dst, dst != NULL));
}

hipError_t hipDrvMemcpy3DAsync(const HIP_MEMCPY3D *pCopy, hipStream_t stream) {
    HIPSIM_ENTER("hipDrvMemcpy3DAsync");
    HIPSIM_RETURN(ordered(&call_, stream, pCopy ? (const void *)pCopy->srcDevice : NULL, pCopy != NULL));
}

hipError_t hipMemMapArrayAsync(hipArrayMapInfo *mapInfoList, unsigned int count, hipStream_t stream) {
    HIPSIM_ENTER("hipMemMapArrayAsync");
    HIPSIM_RETURN(ordered(&call_, stream, NULL, count == 0 || mapInfoList != NULL));
}

hipError_t hipGraphicsMapResources(int count, hipGraphicsResource_t *resources, hipStream_t stream) {
    HIPSIM_ENTER("hipGraphicsMapResources");
    HIPSIM_RETURN(ordered(&call_, stream, NULL, count == 0 || resources != NULL));
}

hipError_t hipGraphicsUnmapResources(int count, hipGraphicsResource_t *resources, hipStream_t stream) {
    HIPSIM_ENTER("hipGraphicsUnmapResources");
    HIPSIM_RETURN(ordered(&call_, stream, NULL, count == 0 || resources != NULL));
}
