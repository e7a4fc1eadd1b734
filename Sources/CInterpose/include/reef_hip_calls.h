/*
 * reef_hip_calls.h — the HIP calls Reef routes, as an X-macro over ROCm's own declarations.
 *
 * X(name, kind, streamArg, perThread, (argument types...)) — same columns as REEF_CUDA_CALLS.
 * Only calls whose arguments are all integers or pointers are listed here; the launches that
 * take dim3 by value (hipLaunchKernel, hipExtLaunchKernel, hipLaunchCooperativeKernel and their
 * _spt forms) have hand-written wrappers in hip_launch_hooks.c.
 */
#ifndef REEF_HIP_CALLS_H
#define REEF_HIP_CALLS_H

#ifndef __HIP_PLATFORM_AMD__
#define __HIP_PLATFORM_AMD__ 1
#endif
#include <hip/hip_runtime_api.h>
#include "reef_cuda_abi.h" /* REEF_K_* and the argument-list helpers */

#define REEF_HIP_CALLS(X) \
    X(hipModuleLaunchKernel, REEF_K_LAUNCH, 8, 0, (hipFunction_t, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, hipStream_t, void **, void **)) \
    X(hipLaunchHostFunc, REEF_K_HOSTFN, 0, 0, (hipStream_t, hipHostFn_t, void *)) \
    X(hipStreamAddCallback, REEF_K_HOSTFN, 0, 0, (hipStream_t, hipStreamCallback_t, void *, unsigned int)) \
    X(hipGraphLaunch, REEF_K_GRAPH, 1, 0, (hipGraphExec_t, hipStream_t)) \
    X(hipMemcpyAsync, REEF_K_COPY, 4, 0, (void *, const void *, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpyAsync_spt, REEF_K_COPY, 4, 1, (void *, const void *, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpyHtoDAsync, REEF_K_COPY, 3, 0, (hipDeviceptr_t, void *, size_t, hipStream_t)) \
    X(hipMemcpyDtoHAsync, REEF_K_COPY, 3, 0, (void *, hipDeviceptr_t, size_t, hipStream_t)) \
    X(hipMemcpyDtoDAsync, REEF_K_COPY, 3, 0, (hipDeviceptr_t, hipDeviceptr_t, size_t, hipStream_t)) \
    X(hipMemcpy2DAsync, REEF_K_COPY, 7, 0, (void *, size_t, const void *, size_t, size_t, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpyParam2DAsync, REEF_K_COPY, 1, 0, (const hip_Memcpy2D *, hipStream_t)) \
    X(hipMemcpy3DAsync, REEF_K_COPY, 1, 0, (const struct hipMemcpy3DParms *, hipStream_t)) \
    X(hipMemcpyPeerAsync, REEF_K_COPY, 5, 0, (void *, int, const void *, int, size_t, hipStream_t)) \
    X(hipMemcpyToSymbolAsync, REEF_K_COPY, 5, 0, (const void *, const void *, size_t, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpyFromSymbolAsync, REEF_K_COPY, 5, 0, (void *, const void *, size_t, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemsetAsync, REEF_K_SET, 3, 0, (void *, int, size_t, hipStream_t)) \
    X(hipMemsetD8Async, REEF_K_SET, 3, 0, (hipDeviceptr_t, unsigned char, size_t, hipStream_t)) \
    X(hipMemsetD16Async, REEF_K_SET, 3, 0, (hipDeviceptr_t, unsigned short, size_t, hipStream_t)) \
    X(hipMemsetD32Async, REEF_K_SET, 3, 0, (hipDeviceptr_t, int, size_t, hipStream_t)) \
    X(hipMemset2DAsync, REEF_K_SET, 5, 0, (void *, size_t, int, size_t, size_t, hipStream_t)) \
    X(hipMallocAsync, REEF_K_ALLOC, 2, 0, (void **, size_t, hipStream_t)) \
    X(hipFreeAsync, REEF_K_ALLOC, 1, 0, (void *, hipStream_t)) \
    X(hipMemPrefetchAsync, REEF_K_ORDERED, 3, 0, (const void *, size_t, int, hipStream_t)) \
    X(hipStreamAttachMemAsync, REEF_K_ORDERED, 0, 0, (hipStream_t, void *, size_t, unsigned int)) \
    X(hipSignalExternalSemaphoresAsync, REEF_K_ORDERED, 3, 0, (const hipExternalSemaphore_t *, const hipExternalSemaphoreSignalParams *, unsigned int, hipStream_t)) \
    X(hipWaitExternalSemaphoresAsync, REEF_K_ORDERED, 3, 0, (const hipExternalSemaphore_t *, const hipExternalSemaphoreWaitParams *, unsigned int, hipStream_t)) \
    X(hipMemcpy2DToArrayAsync, REEF_K_ORDERED, 8, 0, (hipArray *, size_t, size_t, const void *, size_t, size_t, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpy2DFromArrayAsync, REEF_K_ORDERED, 8, 0, (void *, size_t, hipArray_const_t, size_t, size_t, size_t, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipDrvMemcpy3DAsync, REEF_K_ORDERED, 1, 0, (const HIP_MEMCPY3D *, hipStream_t)) \
    X(hipMemMapArrayAsync, REEF_K_ORDERED, 2, 0, (hipArrayMapInfo *, unsigned int, hipStream_t)) \
    X(hipGraphicsMapResources, REEF_K_ORDERED, 2, 0, (int, hipGraphicsResource_t *, hipStream_t)) \
    X(hipGraphicsUnmapResources, REEF_K_ORDERED, 2, 0, (int, hipGraphicsResource_t *, hipStream_t)) \
    X(hipMallocFromPoolAsync, REEF_K_ALLOC, 3, 0, (void **, size_t, hipMemPool_t, hipStream_t)) \
    X(hipEventRecord, REEF_K_EVENT_RECORD, 1, 0, (hipEvent_t, hipStream_t)) \
    X(hipStreamWaitEvent, REEF_K_STREAM_WAIT, 0, 0, (hipStream_t, hipEvent_t, unsigned int)) \
    X(hipStreamWaitEvent_spt, REEF_K_STREAM_WAIT, 0, 1, (hipStream_t, hipEvent_t, unsigned int)) \
    X(hipStreamWriteValue32, REEF_K_MEMOP, 0, 0, (hipStream_t, void *, uint32_t, unsigned int)) \
    X(hipStreamWriteValue64, REEF_K_MEMOP, 0, 0, (hipStream_t, void *, uint64_t, unsigned int)) \
    X(hipStreamWaitValue32, REEF_K_MEMOP, 0, 0, (hipStream_t, void *, uint32_t, unsigned int, uint32_t)) \
    X(hipStreamWaitValue64, REEF_K_MEMOP, 0, 0, (hipStream_t, void *, uint64_t, unsigned int, uint64_t)) \
    X(hipStreamSynchronize, REEF_K_SYNC, 0, 0, (hipStream_t)) \
    X(hipStreamSynchronize_spt, REEF_K_SYNC, 0, 1, (hipStream_t)) \
    X(hipStreamQuery, REEF_K_QUERY, 0, 0, (hipStream_t)) \
    X(hipStreamQuery_spt, REEF_K_QUERY, 0, 1, (hipStream_t)) \
    X(hipEventSynchronize, REEF_K_SYNC, -1, 0, (hipEvent_t)) \
    X(hipEventQuery, REEF_K_QUERY, -1, 0, (hipEvent_t)) \
    X(hipEventElapsedTime, REEF_K_QUERY, -1, 0, (float *, hipEvent_t, hipEvent_t)) \
    X(hipMemcpy, REEF_K_SYNC_COPY, -1, 0, (void *, const void *, size_t, hipMemcpyKind)) \
    X(hipMemcpy_spt, REEF_K_SYNC_COPY, -1, 1, (void *, const void *, size_t, hipMemcpyKind)) \
    X(hipMemcpyWithStream, REEF_K_SYNC_COPY, 4, 0, (void *, const void *, size_t, hipMemcpyKind, hipStream_t)) \
    X(hipMemcpyHtoD, REEF_K_SYNC_COPY, -1, 0, (hipDeviceptr_t, void *, size_t)) \
    X(hipMemcpyDtoH, REEF_K_SYNC_COPY, -1, 0, (void *, hipDeviceptr_t, size_t)) \
    X(hipMemcpyDtoD, REEF_K_SYNC_COPY, -1, 0, (hipDeviceptr_t, hipDeviceptr_t, size_t)) \
    X(hipMemcpy2D, REEF_K_SYNC_COPY, -1, 0, (void *, size_t, const void *, size_t, size_t, size_t, hipMemcpyKind)) \
    X(hipMemcpy2D_spt, REEF_K_SYNC_COPY, -1, 1, (void *, size_t, const void *, size_t, size_t, size_t, hipMemcpyKind)) \
    X(hipMemcpy3D, REEF_K_SYNC_COPY, -1, 0, (const struct hipMemcpy3DParms *)) \
    X(hipMemcpy3D_spt, REEF_K_SYNC_COPY, -1, 1, (const struct hipMemcpy3DParms *)) \
    X(hipMemcpyPeer, REEF_K_SYNC_COPY, -1, 0, (void *, int, const void *, int, size_t)) \
    X(hipMemcpyToSymbol, REEF_K_SYNC_COPY, -1, 0, (const void *, const void *, size_t, size_t, hipMemcpyKind)) \
    X(hipMemcpyToSymbol_spt, REEF_K_SYNC_COPY, -1, 1, (const void *, const void *, size_t, size_t, hipMemcpyKind)) \
    X(hipMemcpyFromSymbol, REEF_K_SYNC_COPY, -1, 0, (void *, const void *, size_t, size_t, hipMemcpyKind)) \
    X(hipMemcpyFromSymbol_spt, REEF_K_SYNC_COPY, -1, 1, (void *, const void *, size_t, size_t, hipMemcpyKind)) \
    X(hipMemset, REEF_K_SYNC_COPY, -1, 0, (void *, int, size_t)) \
    X(hipMemset_spt, REEF_K_SYNC_COPY, -1, 1, (void *, int, size_t)) \
    X(hipMemsetD8, REEF_K_SYNC_COPY, -1, 0, (hipDeviceptr_t, unsigned char, size_t)) \
    X(hipMemsetD16, REEF_K_SYNC_COPY, -1, 0, (hipDeviceptr_t, unsigned short, size_t)) \
    X(hipMemsetD32, REEF_K_SYNC_COPY, -1, 0, (hipDeviceptr_t, int, size_t)) \
    X(hipMemset2D, REEF_K_SYNC_COPY, -1, 0, (void *, size_t, int, size_t, size_t)) \
    X(hipMemset2D_spt, REEF_K_SYNC_COPY, -1, 1, (void *, size_t, int, size_t, size_t)) \
    X(hipFree, REEF_K_SYNC_COPY, -1, 0, (void *)) \
    X(hipHostFree, REEF_K_SYNC_COPY, -1, 0, (void *)) \
    X(hipStreamCreate, REEF_K_STREAM_CREATE, -1, 0, (hipStream_t *)) \
    X(hipStreamCreateWithFlags, REEF_K_STREAM_CREATE, -1, 0, (hipStream_t *, unsigned int)) \
    X(hipStreamCreateWithPriority, REEF_K_STREAM_CREATE, -1, 0, (hipStream_t *, unsigned int, int)) \
    X(hipExtStreamCreateWithCUMask, REEF_K_STREAM_CREATE, -1, 0, (hipStream_t *, uint32_t, const uint32_t *)) \
    X(hipStreamDestroy, REEF_K_STREAM_DESTROY, 0, 0, (hipStream_t)) \
    X(hipEventCreate, REEF_K_EVENT_CREATE, -1, 0, (hipEvent_t *)) \
    X(hipEventCreateWithFlags, REEF_K_EVENT_CREATE, -1, 0, (hipEvent_t *, unsigned int)) \
    X(hipEventDestroy, REEF_K_EVENT_DESTROY, -1, 0, (hipEvent_t)) \
    X(hipStreamBeginCapture, REEF_K_CAPTURE_BEGIN, 0, 0, (hipStream_t, hipStreamCaptureMode)) \
    X(hipStreamEndCapture, REEF_K_CAPTURE_END, 0, 0, (hipStream_t, hipGraph_t *)) \
    X(hipStreamIsCapturing, REEF_K_CAPTURE_QUERY, 0, 0, (hipStream_t, hipStreamCaptureStatus *)) \
    X(hipModuleLoad, REEF_K_REGISTER, -1, 0, (hipModule_t *, const char *)) \
    X(hipModuleLoadData, REEF_K_REGISTER, -1, 0, (hipModule_t *, const void *)) \
    X(hipModuleLoadDataEx, REEF_K_REGISTER, -1, 0, (hipModule_t *, const void *, unsigned int, hipJitOption *, void **)) \
    X(hipModuleGetFunction, REEF_K_REGISTER, -1, 0, (hipFunction_t *, hipModule_t, const char *))

/* Routed calls that need hand-written wrappers (dim3 by value, no arguments, C++ names). */
#define REEF_HIP_SPECIAL_CALLS(X) \
    X(hipLaunchKernel, REEF_K_LAUNCH, 8, 0) \
    X(hipLaunchKernel_spt, REEF_K_LAUNCH, 8, 1) \
    X(hipExtLaunchKernel, REEF_K_LAUNCH, 8, 0) \
    X(hipLaunchCooperativeKernel, REEF_K_LAUNCH_COOP, 8, 0) \
    X(hipLaunchCooperativeKernel_spt, REEF_K_LAUNCH_COOP, 8, 1) \
    X(hipExtModuleLaunchKernel, REEF_K_LAUNCH, 8, 0) \
    X(hipDeviceSynchronize, REEF_K_SYNC, -1, 0) \
    X(__hipRegisterFatBinary, REEF_K_REGISTER, -1, 0) \
    X(__hipRegisterFunction, REEF_K_REGISTER, -1, 0) \
    X(__hipUnregisterFatBinary, REEF_K_REGISTER, -1, 0)

#endif /* REEF_HIP_CALLS_H */
