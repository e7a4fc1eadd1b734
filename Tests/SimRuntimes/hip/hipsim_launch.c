/*
 * hipsim_launch.c — kernel launches by host stub address: hipLaunchKernel (what a
 * triple-chevron launch's stub calls), hipExtLaunchKernel (with timing events) and
 * hipLaunchCooperativeKernel, plus the launch path every entry point ends in.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "hipsim.h"

#define HIPSIM_MAX_BLOCK_THREADS 1024

/* An optional event for a trace: "-" when absent, "?" when not a live event. */
static const char *fmt_optional_event(char *buf, hipEvent_t event) {
    if (event == NULL) return "-";
    simdev_event *e = hipsim_event(event);
    return e ? simdev_fmt_event(buf, e) : "?";
}

/* "" or " start=e1 stop=e2" for the hipExt launches. */
static void fmt_events(char *buf, size_t cap, const hipsim_launch_req *req) {
    char a[32], b[32];
    buf[0] = '\0';
    if (req->start || req->stop)
        snprintf(buf, cap, " start=%s stop=%s", fmt_optional_event(a, req->start),
                 fmt_optional_event(b, req->stop));
}

static void trace_launch(const hipsim_call *call, const hipsim_launch_req *req,
                         const simdev_stream *s, hipError_t err) {
    if (!call->outer || !simdev_tracing()) return;
    char sbuf[32], gbuf[48], bbuf[48], ebuf[80];
    char *params = req->kernel && req->params ? hipsim_fmt_params(req->kernel, req->params) : NULL;
    fmt_events(ebuf, sizeof ebuf, req);
    simdev_trace("%s k=%s s=%s grid=%s block=%s shm=%zu coop=%d%s args=%s rc=%d", call->name,
                 req->kernel ? req->kernel->plain : "?", s ? simdev_fmt_stream(sbuf, s) : "?",
                 hipsim_fmt_dim3(gbuf, req->grid), hipsim_fmt_dim3(bbuf, req->block),
                 req->shared_bytes, req->cooperative, ebuf, params ? params : "?", (int)err);
    free(params);
}

static hipError_t validate(const hipsim_launch_req *req, const simdev_stream *s,
                           simdev_event **start, simdev_event **stop) {
    if (req->kernel == NULL) return hipErrorInvalidDeviceFunction;
    if (req->params == NULL) return hipErrorInvalidValue;
    if (s == NULL) return hipErrorInvalidHandle;
    *start = req->start ? hipsim_event(req->start) : NULL;
    *stop = req->stop ? hipsim_event(req->stop) : NULL;
    if ((req->start && !*start) || (req->stop && !*stop)) return hipErrorInvalidHandle;
    if (req->shared_bytes > UINT_MAX) return hipErrorInvalidValue;
    /* Like the real runtime: an oversized block is a configuration error, not a bad value. */
    if ((uint64_t)req->block.x * req->block.y * req->block.z > HIPSIM_MAX_BLOCK_THREADS)
        return hipErrorInvalidConfiguration;
    return hipSuccess;
}

hipError_t hipsim_launch(const hipsim_call *call, const hipsim_launch_req *req, hipError_t prior) {
    if (call->outer) simdev_stats_launch();
    simdev_stream *s = hipsim_stream(req->stream, req->per_thread_default);
    simdev_event *start = NULL, *stop = NULL;
    hipError_t err = prior != hipSuccess ? prior : validate(req, s, &start, &stop);
    if (err == hipSuccess) {
        simdev_launch_opts opts = {.shared_bytes = (unsigned)req->shared_bytes,
                                   .cooperative = req->cooperative};
        simdev_dim3 grid = {req->grid.x, req->grid.y, req->grid.z};
        simdev_dim3 block = {req->block.x, req->block.y, req->block.z};
        simdev_status st = SIMDEV_OK;
        if (start) st = simdev_event_record(start, s);
        if (st == SIMDEV_OK)
            st = simdev_launch(s, req->kernel->impl, grid, block, req->params, &opts);
        if (st == SIMDEV_OK && stop) st = simdev_event_record(stop, s);
        err = hipsim_error(st);
    }
    trace_launch(call, req, s, err);
    return err;
}

hipError_t hipsim_launch_by_stub(const hipsim_call *call, const void *host_function, dim3 grid,
                                 dim3 block, void **args, size_t shared_bytes,
                                 hipStream_t stream, int per_thread_default, int cooperative,
                                 hipEvent_t start, hipEvent_t stop) {
    const hipsim_kernel *k = hipsim_registered_kernel(host_function);
    hipError_t prior = hipSuccess;
    unsigned char *params = NULL;
    if (k != NULL && args == NULL && k->impl->nparams > 0)
        prior = hipErrorInvalidValue;
    else if (k != NULL && (params = hipsim_pack_args(k, args)) == NULL)
        prior = hipErrorOutOfMemory;
    hipsim_launch_req req = {k, grid, block, shared_bytes, stream, per_thread_default,
                             cooperative, start, stop, params};
    hipError_t err = hipsim_launch(call, &req, prior);
    free(params);
    return err;
}

hipError_t hipLaunchKernel(const void *function_address, dim3 numBlocks, dim3 dimBlocks,
                           void **args, size_t sharedMemBytes, hipStream_t stream) {
    HIPSIM_ENTER("hipLaunchKernel");
    HIPSIM_RETURN(hipsim_launch_by_stub(&call_, function_address, numBlocks, dimBlocks, args,
                                        sharedMemBytes, stream, 0, 0, NULL, NULL));
}

hipError_t hipExtLaunchKernel(const void *function_address, dim3 numBlocks, dim3 dimBlocks,
                              void **args, size_t sharedMemBytes, hipStream_t stream,
                              hipEvent_t startEvent, hipEvent_t stopEvent, int flags) {
    HIPSIM_ENTER("hipExtLaunchKernel");
    (void)flags; /* only hints for the real hardware */
    HIPSIM_RETURN(hipsim_launch_by_stub(&call_, function_address, numBlocks, dimBlocks, args,
                                        sharedMemBytes, stream, 0, 0, startEvent, stopEvent));
}

hipError_t hipLaunchCooperativeKernel(const void *f, dim3 gridDim, dim3 blockDimX,
                                      void **kernelParams, unsigned int sharedMemBytes,
                                      hipStream_t stream) {
    HIPSIM_ENTER("hipLaunchCooperativeKernel");
    HIPSIM_RETURN(hipsim_launch_by_stub(&call_, f, gridDim, blockDimX, kernelParams,
                                        sharedMemBytes, stream, 0, 1, NULL, NULL));
}
