/*
 * simrt_launch_graph.c — kernel launches (CUkernel handles through cuLaunchKernel, as the lazy-
 * loading runtime does) and stream capture / graphs.
 */
#include "simrt_driver.h"

simrtError_t simrtLaunch(const char *kernel, simrtDim3 grid, simrtDim3 block, size_t shmem, simrtStream_t s,
                         void **args) {
    SIMRT_DRV(d);
    CUfunction f;
    simrtError_t r = simrt_kernel(kernel, &f);
    if (r) return r;
    return d->cuLaunchKernel(f, grid.x, grid.y, grid.z, block.x, block.y, block.z, (unsigned)shmem, s, args, NULL);
}

simrtError_t simrtStreamBeginCapture(simrtStream_t s, int mode) {
    SIMRT_DRV(d);
    return d->cuStreamBeginCapture_v2(s, mode);
}

simrtError_t simrtStreamEndCapture(simrtStream_t s, simrtGraph_t *g) {
    SIMRT_DRV(d);
    return d->cuStreamEndCapture(s, g);
}

simrtError_t simrtStreamIsCapturing(simrtStream_t s, int *status) {
    SIMRT_DRV(d);
    CUstreamCaptureStatus st = CU_STREAM_CAPTURE_STATUS_NONE;
    simrtError_t r = d->cuStreamIsCapturing(s, &st);
    *status = st;
    return r;
}

simrtError_t simrtGraphInstantiate(simrtGraphExec_t *x, simrtGraph_t g) {
    SIMRT_DRV(d);
    return d->cuGraphInstantiateWithFlags(x, g, 0);
}

simrtError_t simrtGraphLaunch(simrtGraphExec_t x, simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuGraphLaunch(x, s);
}

simrtError_t simrtGraphDestroy(simrtGraph_t g) {
    SIMRT_DRV(d);
    return d->cuGraphDestroy(g);
}

simrtError_t simrtGraphExecDestroy(simrtGraphExec_t x) {
    SIMRT_DRV(d);
    return d->cuGraphExecDestroy(x);
}
