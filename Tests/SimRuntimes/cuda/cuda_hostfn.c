/*
 * cuda_hostfn.c — host functions and stream callbacks, run by the device worker in stream
 * order. The CUDA arguments travel in the core op's closure (copied, so graphs replay them).
 */
#include "cuda_sim.h"

typedef struct host_closure {
    CUhostFn fn;
    void *user;
} host_closure;

typedef struct callback_closure {
    CUstreamCallback cb;
    CUstream stream; /* the handle as the app passed it */
    void *user;
} callback_closure;

static void run_host_fn(void *closure, simdev_status st) {
    (void)st;
    host_closure *c = closure;
    c->fn(c->user);
}

static void run_callback(void *closure, simdev_status st) {
    callback_closure *c = closure;
    c->cb(c->stream, cu_status(st), c->user);
}

CUresult cu_host_func(const char *api, bool pt, CUstream h, CUhostFn fn, void *user) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s", api, cu_fmt_stream(b, h, pt));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    if (!fn) return CUDA_ERROR_INVALID_VALUE;
    host_closure c = {fn, user};
    return cu_status(simdev_host_func(s, run_host_fn, &c, sizeof c));
}

CUresult cuLaunchHostFunc(CUstream h, CUhostFn fn, void *user) { return cu_host_func(__func__, false, h, fn, user); }
CUresult cuLaunchHostFunc_ptsz(CUstream h, CUhostFn fn, void *user) { return cu_host_func(__func__, true, h, fn, user); }

static CUresult add_callback(const char *api, bool pt, CUstream h, CUstreamCallback cb, void *user, unsigned flags) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s flags=0x%x", api, cu_fmt_stream(b, h, pt), flags);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    if (!cb || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    int status = SIMDEV_CAPTURE_NONE;
    simdev_capture_status(s, &status, NULL);
    if (status != SIMDEV_CAPTURE_NONE) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; /* not capturable */
    callback_closure c = {cb, h, user};
    return cu_status(simdev_host_func(s, run_callback, &c, sizeof c));
}

CUresult cuStreamAddCallback(CUstream h, CUstreamCallback cb, void *user, unsigned int flags) {
    return add_callback(__func__, false, h, cb, user, flags);
}
CUresult cuStreamAddCallback_ptsz(CUstream h, CUstreamCallback cb, void *user, unsigned int flags) {
    return add_callback(__func__, true, h, cb, user, flags);
}
