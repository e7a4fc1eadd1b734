/*
 * simrt_driver.h — the runtime's two driver dispatch tables (legacy and per-thread default
 * stream), filled through cuGetProcAddress. Each field is named after, and typed as, the
 * exported variant a CUDA 13 driver returns for the base name at version 13000.
 */
#ifndef SIMRT_DRIVER_H
#define SIMRT_DRIVER_H

#include "cuda_sim_extra.h"
#include "simrt.h"

#include <stdbool.h>

#pragma GCC visibility push(hidden)

#define SIMRT_CUDA_VERSION 13000

/* X(field = exported name at 13000, base name to ask for) — the routed calls first, then the
 * rest the runtime uses. */
#define SIMRT_DRIVER_CALLS(X)                                \
    X(cuLaunchKernel, "cuLaunchKernel")                      \
    X(cuLaunchKernelEx, "cuLaunchKernelEx")                  \
    X(cuLaunchCooperativeKernel, "cuLaunchCooperativeKernel") \
    X(cuLaunchHostFunc, "cuLaunchHostFunc")                  \
    X(cuStreamAddCallback, "cuStreamAddCallback")            \
    X(cuGraphLaunch, "cuGraphLaunch")                        \
    X(cuMemcpyAsync, "cuMemcpyAsync")                        \
    X(cuMemcpyPeerAsync, "cuMemcpyPeerAsync")                \
    X(cuMemcpyHtoDAsync_v2, "cuMemcpyHtoDAsync")             \
    X(cuMemcpyDtoHAsync_v2, "cuMemcpyDtoHAsync")             \
    X(cuMemcpyDtoDAsync_v2, "cuMemcpyDtoDAsync")             \
    X(cuMemcpyHtoAAsync_v2, "cuMemcpyHtoAAsync")             \
    X(cuMemcpyAtoHAsync_v2, "cuMemcpyAtoHAsync")             \
    X(cuMemcpy2DAsync_v2, "cuMemcpy2DAsync")                 \
    X(cuMemcpy3DAsync_v2, "cuMemcpy3DAsync")                 \
    X(cuMemcpy3DPeerAsync, "cuMemcpy3DPeerAsync")            \
    X(cuMemcpyBatchAsync_v2, "cuMemcpyBatchAsync")           \
    X(cuMemsetD8Async, "cuMemsetD8Async")                    \
    X(cuMemsetD16Async, "cuMemsetD16Async")                  \
    X(cuMemsetD32Async, "cuMemsetD32Async")                  \
    X(cuMemsetD2D8Async, "cuMemsetD2D8Async")                \
    X(cuMemsetD2D16Async, "cuMemsetD2D16Async")              \
    X(cuMemsetD2D32Async, "cuMemsetD2D32Async")              \
    X(cuMemAllocAsync, "cuMemAllocAsync")                    \
    X(cuMemAllocFromPoolAsync, "cuMemAllocFromPoolAsync")    \
    X(cuMemFreeAsync, "cuMemFreeAsync")                      \
    X(cuEventRecord, "cuEventRecord")                        \
    X(cuEventRecordWithFlags, "cuEventRecordWithFlags")      \
    X(cuStreamWaitEvent, "cuStreamWaitEvent")                \
    X(cuStreamWriteValue32_v2, "cuStreamWriteValue32")       \
    X(cuStreamWriteValue64_v2, "cuStreamWriteValue64")       \
    X(cuStreamWaitValue32_v2, "cuStreamWaitValue32")         \
    X(cuStreamWaitValue64_v2, "cuStreamWaitValue64")         \
    X(cuStreamBatchMemOp_v2, "cuStreamBatchMemOp")           \
    X(cuStreamSynchronize, "cuStreamSynchronize")            \
    X(cuStreamQuery, "cuStreamQuery")                        \
    X(cuEventSynchronize, "cuEventSynchronize")              \
    X(cuEventQuery, "cuEventQuery")                          \
    X(cuCtxSynchronize_v2, "cuCtxSynchronize")               \
    X(cuMemcpy, "cuMemcpy")                                  \
    X(cuMemcpyPeer, "cuMemcpyPeer")                          \
    X(cuMemcpyHtoD_v2, "cuMemcpyHtoD")                       \
    X(cuMemcpyDtoH_v2, "cuMemcpyDtoH")                       \
    X(cuMemcpyDtoD_v2, "cuMemcpyDtoD")                       \
    X(cuMemcpy2D_v2, "cuMemcpy2D")                           \
    X(cuMemcpy2DUnaligned_v2, "cuMemcpy2DUnaligned")         \
    X(cuMemcpy3D_v2, "cuMemcpy3D")                           \
    X(cuMemsetD8_v2, "cuMemsetD8")                           \
    X(cuMemsetD16_v2, "cuMemsetD16")                         \
    X(cuMemsetD32_v2, "cuMemsetD32")                         \
    X(cuMemsetD2D8_v2, "cuMemsetD2D8")                       \
    X(cuMemsetD2D16_v2, "cuMemsetD2D16")                     \
    X(cuMemsetD2D32_v2, "cuMemsetD2D32")                     \
    X(cuMemFree_v2, "cuMemFree")                             \
    X(cuMemFreeHost, "cuMemFreeHost")                        \
    X(cuStreamCreate, "cuStreamCreate")                      \
    X(cuStreamCreateWithPriority, "cuStreamCreateWithPriority") \
    X(cuStreamDestroy_v2, "cuStreamDestroy")                 \
    X(cuEventCreate, "cuEventCreate")                        \
    X(cuEventDestroy_v2, "cuEventDestroy")                   \
    X(cuStreamBeginCapture_v2, "cuStreamBeginCapture")       \
    X(cuStreamEndCapture, "cuStreamEndCapture")              \
    X(cuStreamIsCapturing, "cuStreamIsCapturing")            \
    X(cuInit, "cuInit")                                      \
    X(cuDriverGetVersion, "cuDriverGetVersion")              \
    X(cuDeviceGet, "cuDeviceGet")                            \
    X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")  \
    X(cuCtxSetCurrent, "cuCtxSetCurrent")                    \
    X(cuCtxGetCurrent, "cuCtxGetCurrent")                    \
    X(cuMemAlloc_v2, "cuMemAlloc")                           \
    X(cuMemAllocHost_v2, "cuMemAllocHost")                   \
    X(cuLibraryLoadData, "cuLibraryLoadData")                \
    X(cuLibraryGetKernel, "cuLibraryGetKernel")              \
    X(cuStreamGetPriority, "cuStreamGetPriority")            \
    X(cuCtxGetStreamPriorityRange, "cuCtxGetStreamPriorityRange") \
    X(cuEventElapsedTime_v2, "cuEventElapsedTime")           \
    X(cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags") \
    X(cuGraphDestroy, "cuGraphDestroy")                      \
    X(cuGraphExecDestroy, "cuGraphExecDestroy")              \
    X(cuGetErrorName, "cuGetErrorName")

typedef struct simrt_driver {
#define SIMRT_FIELD(fn, base) __typeof__(fn) *fn;
    SIMRT_DRIVER_CALLS(SIMRT_FIELD)
#undef SIMRT_FIELD
} simrt_driver;

/* The table of the current default-stream mode, after making sure the runtime is initialised
 * and the primary context is current on this thread; NULL if the driver could not be loaded. */
const simrt_driver *simrt_drv(void);
/* Initialisation result (0 or a CUresult / CUDA_ERROR_NOT_FOUND when libcuda is missing). */
simrtError_t simrt_init_status(void);
/* The kernel handle (CUkernel, used as a CUfunction) for a table kernel name. */
simrtError_t simrt_kernel(const char *name, CUfunction *out);

/* Body helper: fetch the table or return the init error. */
#define SIMRT_DRV(d)                                    \
    const simrt_driver *d = simrt_drv();                \
    if (!d) return simrt_init_status()

#pragma GCC visibility pop

#endif /* SIMRT_DRIVER_H */
