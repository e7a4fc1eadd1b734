/*
 * simrt_streams.c — streams, events, synchronisation, host functions and stream memory ops.
 */
#include "simrt_driver.h"

#define DPTR(p) ((CUdeviceptr)(uintptr_t)(p))

simrtError_t simrtStreamCreate(simrtStream_t *s, unsigned flags, int priority) {
    SIMRT_DRV(d);
    return d->cuStreamCreateWithPriority(s, flags, priority);
}

simrtError_t simrtStreamDestroy(simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuStreamDestroy_v2(s);
}

simrtError_t simrtStreamSynchronize(simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuStreamSynchronize(s);
}

simrtError_t simrtStreamQuery(simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuStreamQuery(s);
}

simrtError_t simrtStreamGetPriority(simrtStream_t s, int *priority) {
    SIMRT_DRV(d);
    return d->cuStreamGetPriority(s, priority);
}

simrtError_t simrtDeviceGetStreamPriorityRange(int *least, int *greatest) {
    SIMRT_DRV(d);
    return d->cuCtxGetStreamPriorityRange(least, greatest);
}

simrtError_t simrtDeviceSynchronize(void) {
    SIMRT_DRV(d);
    return d->cuCtxSynchronize_v2(NULL);
}

simrtError_t simrtEventCreate(simrtEvent_t *e, unsigned flags) {
    SIMRT_DRV(d);
    return d->cuEventCreate(e, flags);
}

simrtError_t simrtEventDestroy(simrtEvent_t e) {
    SIMRT_DRV(d);
    return d->cuEventDestroy_v2(e);
}

simrtError_t simrtEventRecord(simrtEvent_t e, simrtStream_t s) {
    SIMRT_DRV(d);
    return d->cuEventRecord(e, s);
}

simrtError_t simrtEventSynchronize(simrtEvent_t e) {
    SIMRT_DRV(d);
    return d->cuEventSynchronize(e);
}

simrtError_t simrtEventQuery(simrtEvent_t e) {
    SIMRT_DRV(d);
    return d->cuEventQuery(e);
}

simrtError_t simrtEventElapsedTime(float *ms, simrtEvent_t start, simrtEvent_t end) {
    SIMRT_DRV(d);
    return d->cuEventElapsedTime_v2(ms, start, end);
}

simrtError_t simrtStreamWaitEvent(simrtStream_t s, simrtEvent_t e) {
    SIMRT_DRV(d);
    return d->cuStreamWaitEvent(s, e, 0);
}

simrtError_t simrtLaunchHostFunc(simrtStream_t s, void (*fn)(void *), void *user) {
    SIMRT_DRV(d);
    return d->cuLaunchHostFunc(s, fn, user);
}

simrtError_t simrtStreamAddCallback(simrtStream_t s, void (*cb)(simrtStream_t, simrtError_t, void *), void *user) {
    SIMRT_DRV(d);
    return d->cuStreamAddCallback(s, cb, user, 0);
}

simrtError_t simrtStreamWriteValue32(simrtStream_t s, void *addr, uint32_t value) {
    SIMRT_DRV(d);
    return d->cuStreamWriteValue32_v2(s, DPTR(addr), value, CU_STREAM_WRITE_VALUE_DEFAULT);
}

simrtError_t simrtStreamWaitValue32(simrtStream_t s, void *addr, uint32_t value, int cond) {
    SIMRT_DRV(d);
    return d->cuStreamWaitValue32_v2(s, DPTR(addr), value, (unsigned)cond);
}

simrtError_t simrtStreamWriteValue64(simrtStream_t s, void *addr, uint64_t value) {
    SIMRT_DRV(d);
    return d->cuStreamWriteValue64_v2(s, DPTR(addr), value, CU_STREAM_WRITE_VALUE_DEFAULT);
}

simrtError_t simrtStreamWaitValue64(simrtStream_t s, void *addr, uint64_t value, int cond) {
    SIMRT_DRV(d);
    return d->cuStreamWaitValue64_v2(s, DPTR(addr), value, (unsigned)cond);
}
