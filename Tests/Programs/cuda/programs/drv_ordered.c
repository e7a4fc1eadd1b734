/*
 * drv_ordered.c — stream-ordered calls Reef never holds (prefetches, managed-memory attach,
 * external semaphores, graph upload, sparse mapping, 3D batch copies, capture into a graph) must
 * still run after everything issued before them on their stream. Each round queues busy
 * kernels, then a memset, then a prefetch of the memset's buffer, on a stream, the legacy stream
 * or the per-thread stream: the simulator records the word the prefetch saw when it executed,
 * which is the memset's value only if the two ran in stream order. Then every other call once,
 * through the exported symbol and through cuGetProcAddress (legacy and per-thread forms).
 */
#include "drv_util.h"

typedef CUresult (*prefetch_v2_fn)(CUdeviceptr, size_t, ReefMemLocationBits, unsigned int, CUstream);
typedef CUresult (*attach_fn)(CUstream, CUdeviceptr, size_t, unsigned int);
typedef CUresult (*upload_fn)(CUgraphExec, CUstream);

static CUfunction delay;

static int out_of_order;

/* Busy kernels, a memset of `value`, then a prefetch (form); the word the prefetch saw, which
 * must be `value`. */
static uint32_t round_trip(CUstream s, CUdeviceptr buf, uint32_t value, int form) {
    for (int k = 0; k < 4; k++) drv_launch_delay(delay, 2, 200000, s);
    CHECK(cuMemsetD32Async(buf, value, 64, s));
    switch (form) {
    case 0: CHECK(cuMemPrefetchAsync(buf, 256, 0, s)); break;
    case 1: CHECK(cuMemPrefetchAsync_ptsz(buf, 256, 0, s)); break;
    default: CHECK(cuMemPrefetchAsync_v2(buf, 256, 1 /* device 0 */, 0, s)); break;
    }
    CHECK(cuStreamSynchronize(s));
    uint32_t seen = simcuLastPrefetchWord();
    if (seen != value) out_of_order++;
    return seen;
}

int main(void) {
    CUcontext ctx = drv_setup();
    (void)ctx;
    CUmodule mod;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\ndelay\n"));
    CHECK(cuModuleGetFunction(&delay, mod, "delay"));
    CUdeviceptr buf;
    CHECK(cuMemAlloc_v2(&buf, 256));
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));

    /* Forms: 0 cuMemPrefetchAsync, 1 its _ptsz form, 2 cuMemPrefetchAsync_v2. */
    uint32_t value = 0x1000;
    for (int form = 0; form < 3; form++) {
        printf("created stream, form %d: 0x%x\n", form, round_trip(s, buf, ++value, form));
        printf("per-thread stream, form %d: 0x%x\n", form, round_trip(CU_STREAM_PER_THREAD, buf, ++value, form));
        if (form != 1)   /* NULL in a _ptsz form is the per-thread stream */
            printf("legacy stream, form %d: 0x%x\n", form, round_trip(NULL, buf, ++value, form));
    }

    /* Every other call: result codes, through each way an application reaches it. */
    CHECK(cuStreamAttachMemAsync(s, buf, 0, 0));
    CHECK(cuStreamAttachMemAsync_ptsz(NULL, buf, 0, 0));
    CHECK(cuSignalExternalSemaphoresAsync(NULL, NULL, 0, s));
    CHECK(cuWaitExternalSemaphoresAsync_ptsz(NULL, NULL, 0, NULL));
    CHECK(cuMemMapArrayAsync(NULL, 0, s));
    CHECK(cuMemcpy3DBatchAsync_v2(0, NULL, 0, s));
    printf("invalid semaphore args: %s\n", err_name(cuSignalExternalSemaphoresAsync(NULL, NULL, 1, s)));
    void *p = NULL;
    CUdriverProcAddressQueryResult st;
    CHECK(cuGetProcAddress_v2("cuMemPrefetchAsync", &p, 13000, 0, &st));
    CHECK(((prefetch_v2_fn)p)(buf, 256, 1, 0, s));
    CHECK(cuGetProcAddress_v2("cuStreamAttachMemAsync", &p, 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, &st));
    CHECK(((attach_fn)p)(NULL, buf, 0, 0));
    CUgraph g;
    CUgraphExec x;
    CHECK(cuStreamBeginCapture_v2(s, 0));
    CHECK(cuMemsetD32Async(buf, 7, 64, s));
    CHECK(cuStreamEndCapture(s, &g));
    CHECK(cuGraphInstantiateWithFlags(&x, g, 0));
    CHECK(cuGetProcAddress_v2("cuGraphUpload", &p, 13000, 0, &st));
    CHECK(((upload_fn)p)(x, s));
    CHECK(cuGraphLaunch(x, s));
    CHECK(cuStreamSynchronize(s));
    uint32_t word = 0;
    CHECK(cuMemcpyDtoH_v2(&word, buf, sizeof word));
    printf("graph after upload: %u\n", word);
    printf("capture into a graph: %s\n", err_name(cuStreamBeginCaptureToGraph(s, g, NULL, NULL, 0, 0)));
    /* Synchronous array and 3D peer copies: the simulator has no arrays (invalid handle). */
    CUarray none = NULL;
    printf("array copies: %s %s %s %s %s, 3D peer: %s\n", err_name(cuMemcpyHtoA_v2(none, 0, &word, 4)),
           err_name(cuMemcpyAtoH_v2(&word, none, 0, 4)), err_name(cuMemcpyDtoA_v2(none, 0, buf, 4)),
           err_name(cuMemcpyAtoD_v2(buf, none, 0, 4)), err_name(cuMemcpyAtoA_v2(none, 0, none, 0, 4)),
           err_name(cuMemcpy3DPeer(NULL)));
    CHECK(cuGraphExecDestroy(x));
    CHECK(cuGraphDestroy(g));
    CHECK(cuStreamDestroy_v2(s));
    CHECK(cuMemFree_v2(buf));
    if (out_of_order) {
        printf("FAIL: %d prefetches ran before the memset queued ahead of them\n", out_of_order);
        return 1;
    }
    printf("OK\n");
    return 0;
}
