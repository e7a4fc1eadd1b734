/* context_nudge.c — Reef's own empty kernels (CUDA). REEF_RT_NUDGE: one in a private context of
 * the current device, made on first use. On the H100 a real-time CUDA graph ran 12-13 % slower
 * once kernels had run on other streams of its context, and at its alone speed again after a
 * kernel of another context (bench/results/foreign-kernel-h100.md, rt-floor-contexts-diag.md).
 * REEF_RT_PREWARM: one in the current (real-time) context, on a private stream, shortly before a
 * periodic real-time request (across processes the first kernel after another process's
 * context ran paid ~0.14 ms: bench/results/crossproc-h100-explore2.md).
 * When to do either is Swift's policy; this file only makes contexts, modules, streams and launches. */
#include <sched.h>
#include <time.h>
#include "runtime_fn.h"

/* PTX, JIT-compiled by the driver for whatever the device is. The entry is named `empty`: the
 * simulated driver runs PTX entries named like its own kernels. */
static const char nudge_ptx[] = ".version 7.0\n.target sm_50\n.address_size 64\n"
                                ".visible .entry empty()\n{\n\tret;\n}\n";

typedef CUresult (*cu_ctx_get_fn)(CUcontext *);
typedef CUresult (*cu_ctx_set_fn)(CUcontext);
typedef CUresult (*cu_ctx_device_fn)(int *);
typedef CUresult (*cu_ctx_create4_fn)(CUcontext *, void *, unsigned, int);
typedef CUresult (*cu_ctx_create2_fn)(CUcontext *, unsigned, int);
typedef CUresult (*cu_module_load_fn)(void **, const void *);
typedef CUresult (*cu_module_fn_fn)(CUfunction *, void *, const char *);
typedef CUresult (*cu_launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                 CUstream, void **, void **);
typedef CUresult (*cu_stream_query_fn)(CUstream);
typedef CUresult (*cu_ctx_destroy_fn)(CUcontext);

static struct {
    CUcontext ctx;
    CUstream stream;
    CUfunction fn;
    CUresult failed; /* the first failure; the device is not nudged again */
} nudge[64];

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

typedef CUresult (*cu_stream_create_prio_fn)(CUstream *, unsigned, int);
typedef CUresult (*cu_prio_range_fn)(int *, int *);

/* In the current context: the empty kernel (its PTX loaded, i.e. JIT-compiled: milliseconds)
 * and a non-blocking stream to launch it on, of the greatest priority when `urgent`. */
static CUresult load_empty_kernel(CUfunction *fn, CUstream *stream, int urgent) {
    RESOLVE(cu_module_load_fn, load, cu_fn, "cuModuleLoadData");
    RESOLVE(cu_module_fn_fn, get_function, cu_fn, "cuModuleGetFunction");
    RESOLVE(cu_stream_create_prio_fn, stream_create, cu_fn, "cuStreamCreateWithPriority");
    RESOLVE(cu_prio_range_fn, range, cu_fn, "cuCtxGetStreamPriorityRange");
    if (!load || !get_function || !stream_create || !range) return CUDA_ERROR_NOT_FOUND;
    void *module = NULL;
    int least = 0, greatest = 0;
    CUresult r = load(&module, nudge_ptx);
    if (r == CUDA_SUCCESS) r = get_function(fn, module, "empty");
    if (r == CUDA_SUCCESS && urgent) r = range(&least, &greatest);
    if (r == CUDA_SUCCESS) r = stream_create(stream, 1 /* CU_STREAM_NON_BLOCKING */, urgent ? greatest : 0);
    return r;
}

/* Made current by creation; the caller restores its own context. */
static CUresult make_private_context(int dev) {
    RESOLVE(cu_ctx_create4_fn, create4, cu_fn, "cuCtxCreate_v4");
    RESOLVE(cu_ctx_create2_fn, create2, cu_fn, "cuCtxCreate_v2");
    if (!create4 && !create2) return CUDA_ERROR_NOT_FOUND;
    CUresult r = create4 ? create4(&nudge[dev].ctx, NULL, 0, dev) : CUDA_ERROR_NOT_FOUND;
    if (r != CUDA_SUCCESS && create2) r = create2(&nudge[dev].ctx, 0, dev);
    return r == CUDA_SUCCESS ? load_empty_kernel(&nudge[dev].fn, &nudge[dev].stream, 0) : r;
}

/* A context that cannot run the kernel only holds device memory (524 MiB on an H100): give it
 * back. Not current on the calling thread any more when this runs. */
static void release_private_context(int dev) {
    RESOLVE(cu_ctx_destroy_fn, destroy, cu_fn, "cuCtxDestroy_v2");
    if (nudge[dev].ctx && destroy) (void)destroy(nudge[dev].ctx);
    nudge[dev].ctx = NULL;
    nudge[dev].fn = NULL;
    nudge[dev].stream = NULL;
}

/* Dispatcher thread only (the per-device state is not locked). Launches the empty kernel in the
 * private context, waits up to `wait_ns` for it to complete, and makes the caller's context
 * current again. Returns 0, CUDA_ERROR_NOT_READY when the kernel was still running at the
 * deadline, or the first failing call's error (the device is then not nudged again). */
CUresult reef_cu_context_nudge(uint64_t wait_ns) {
    RESOLVE(cu_ctx_get_fn, get_current, cu_fn, "cuCtxGetCurrent");
    RESOLVE(cu_ctx_set_fn, set_current, cu_fn, "cuCtxSetCurrent");
    RESOLVE(cu_ctx_device_fn, get_device, cu_fn, "cuCtxGetDevice");
    RESOLVE(cu_launch_fn, launch, cu_fn, "cuLaunchKernel");
    RESOLVE(cu_stream_query_fn, query, cu_fn, "cuStreamQuery");
    if (!get_current || !set_current || !get_device || !launch || !query) return CUDA_ERROR_NOT_FOUND;
    CUcontext app = NULL;
    int dev = 0;
    CUresult r = get_current(&app);
    if (r == CUDA_SUCCESS && !app) r = CUDA_ERROR_INVALID_CONTEXT; /* nothing to come back to */
    if (r == CUDA_SUCCESS) r = get_device(&dev);
    if (r != CUDA_SUCCESS) return r;
    if (dev < 0 || dev >= 64) return 101; /* CUDA_ERROR_INVALID_DEVICE */
    if (nudge[dev].failed) return nudge[dev].failed;
    if (!nudge[dev].fn || !nudge[dev].stream) r = make_private_context(dev);
    else r = set_current(nudge[dev].ctx);
    if (r == CUDA_SUCCESS) r = launch(nudge[dev].fn, 1, 1, 1, 32, 1, 1, 0, nudge[dev].stream, NULL, NULL);
    if (r == CUDA_SUCCESS) {
        uint64_t deadline = now_ns() + wait_ns;
        while ((r = query(nudge[dev].stream)) == CUDA_ERROR_NOT_READY && now_ns() < deadline) sched_yield();
    }
    CUresult back = set_current(app);
    if (r != CUDA_SUCCESS && r != CUDA_ERROR_NOT_READY) {
        nudge[dev].failed = r;
        release_private_context(dev);
    }
    return r != CUDA_SUCCESS ? r : back;
}

/* REEF_RT_PREWARM: per context of the caller's, the empty kernel's module and a private
 * non-blocking stream of the greatest priority, made on first use. */
static struct {
    CUcontext ctx;
    CUstream stream;
    CUfunction fn;
} prewarm[8];

/* Dispatcher thread only. Launches the empty kernel in the calling thread's current context
 * (not waited for); with `launch_it` 0 only loads its module (the driver JIT-compiles the PTX:
 * milliseconds, done between real-time requests) and makes the stream. Returns 0, or the first
 * failing call's error: Swift then stops. */
CUresult reef_cu_context_prewarm(int launch_it) {
    RESOLVE(cu_ctx_get_fn, get_current, cu_fn, "cuCtxGetCurrent");
    RESOLVE(cu_launch_fn, launch, cu_fn, "cuLaunchKernel");
    if (!get_current || !launch) return CUDA_ERROR_NOT_FOUND;
    CUcontext ctx = NULL;
    CUresult r = get_current(&ctx);
    if (r != CUDA_SUCCESS) return r;
    if (!ctx) return CUDA_ERROR_INVALID_CONTEXT;
    int i = 0;
    while (i < 8 && prewarm[i].ctx && prewarm[i].ctx != ctx) i++;
    if (i == 8) return CUDA_ERROR_NOT_FOUND; /* more contexts than Reef prewarms */
    if (!prewarm[i].ctx) {
        r = load_empty_kernel(&prewarm[i].fn, &prewarm[i].stream, 1);
        if (r != CUDA_SUCCESS) return r;
        prewarm[i].ctx = ctx;
    }
    return launch_it ? launch(prewarm[i].fn, 1, 1, 1, 32, 1, 1, 0, prewarm[i].stream, NULL, NULL) : CUDA_SUCCESS;
}
