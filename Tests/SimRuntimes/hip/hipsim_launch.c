/*
 * hipsim_launch.c — kernel launches by host stub address: hipLaunchKernel (what a
 * triple-chevron launch's stub calls), hipExtLaunchKernel (with timing events) and
 * hipLaunchCooperativeKernel, plus the launch path every entry point ends in.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "hipsim.h"

/* "" or " start=e1 stop=e2" for the hipExt launches. */
static void fmt_events(char *buf, size_t cap, const hipsim_launch_req *req) {
    char a[32], b[32];
    buf[0] = '\0';
    if (req->start || req->stop)
        snprintf(buf, cap, " start=%s stop=%s",
                 req->start ? simdev_fmt_event(a, (simdev_event *)req->start) : "-",
                 req->stop ? simdev_fmt_event(b, (simdev_event *)req->stop) : "-");
}

static void trace_launch(const hipsim_call *call, const hipsim_launch_req *req,
                         const simdev_stream *s, hipError_t err) {
    if (!call->outer || !simdev_tracing()) return;
    char sbuf[32], gbuf[48], bbuf[48], ebuf[80];
    char *params = hipsim_fmt_params(req->kernel, req->params);
    fmt_events(ebuf, sizeof ebuf, req);
    simdev_trace("%s k=%s s=%s grid=%s block=%s shm=%zu coop=%d%s args=%s rc=%d", call->name,
                 req->kernel->plain, simdev_fmt_stream(sbuf, s), hipsim_fmt_dim3(gbuf, req->grid),
                 hipsim_fmt_dim3(bbuf, req->block), req->shared_bytes, req->cooperative, ebuf,
                 params ? params : "?", (int)err);
    free(params);
}

hipError_t hipsim_launch(const hipsim_call *call, const hipsim_launch_req *req) {
    if (req->kernel == NULL) return hipErrorInvalidDeviceFunction;
    simdev_stream *s = hipsim_stream(req->stream, req->per_thread_default);
    if (s == NULL) return hipErrorInvalidHandle;
    simdev_event *start = req->start ? hipsim_event(req->start) : NULL;
    simdev_event *stop = req->stop ? hipsim_event(req->stop) : NULL;
    if ((req->start && !start) || (req->stop && !stop)) return hipErrorInvalidHandle;
    if (req->shared_bytes > UINT_MAX) return hipErrorInvalidValue;

    simdev_launch_opts opts = {.shared_bytes = (unsigned)req->shared_bytes,
                               .cooperative = req->cooperative};
    simdev_dim3 grid = {req->grid.x, req->grid.y, req->grid.z};
    simdev_dim3 block = {req->block.x, req->block.y, req->block.z};
    simdev_status st = SIMDEV_OK;
    if (start) st = simdev_event_record(start, s);
    if (st == SIMDEV_OK) st = simdev_launch(s, req->kernel->impl, grid, block, req->params, &opts);
    if (st == SIMDEV_OK && stop) st = simdev_event_record(stop, s);
    hipError_t err = hipsim_error(st);
    trace_launch(call, req, s, err);
    return err;
}

hipError_t hipsim_launch_by_stub(const hipsim_call *call, const void *host_function, dim3 grid,
                                 dim3 block, void **args, size_t shared_bytes,
                                 hipStream_t stream, int per_thread_default, int cooperative,
                                 hipEvent_t start, hipEvent_t stop) {
    /* Every launch call counts, successful or not, as a shim sees every call. */
    if (call->outer) simdev_stats_launch();
    const hipsim_kernel *k = hipsim_registered_kernel(host_function);
    if (k == NULL) return hipErrorInvalidDeviceFunction;
    if (args == NULL && k->impl->nparams > 0) return hipErrorInvalidValue;
    unsigned char *params = hipsim_pack_args(k, args);
    if (params == NULL) return hipErrorOutOfMemory;
    hipsim_launch_req req = {k, grid, block, shared_bytes, stream, per_thread_default,
                             cooperative, start, stop, params};
    hipError_t err = hipsim_launch(call, &req);
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
