/*
 * simrt.h — a small CUDA-runtime-like API (libsimcudart.so) for the test programs.
 *
 * Like CUDA 13's runtime it reaches the driver only through cuGetProcAddress: dlopen
 * libcuda.so.1, dlsym "cuGetProcAddress_v2" once, ask it for "cuGetProcAddress", then resolve
 * every driver call twice (legacy and per-thread default stream). Stream 0 means the default
 * stream of the selected mode: legacy unless SIMRT_DEFAULT_STREAM=per-thread is set or
 * simrtSetDefaultStreamPerThread(1) was called (nvcc --default-stream per-thread).
 * Functions return CUDA driver result codes (0 = success).
 */
#ifndef SIMRT_H
#define SIMRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int simrtError_t;
typedef struct CUstream_st *simrtStream_t;
typedef struct CUevent_st *simrtEvent_t;
typedef struct CUgraph_st *simrtGraph_t;
typedef struct CUgraphExec_st *simrtGraphExec_t;
typedef struct simrtDim3 { unsigned x, y, z; } simrtDim3;

#define simrtStreamLegacy ((simrtStream_t)0x1)
#define simrtStreamPerThread ((simrtStream_t)0x2)
#define simrtStreamNonBlocking 0x1
#define simrtEventDisableTiming 0x2
#define simrtStreamCaptureModeGlobal 0
#define simrtStreamCaptureModeRelaxed 2
#define simrtWaitGeq 0
#define simrtWaitEq 1

typedef enum simrtMemcpyKind {
    simrtMemcpyHostToDevice = 1,
    simrtMemcpyDeviceToHost = 2,
    simrtMemcpyDeviceToDevice = 3,
    simrtMemcpyDefault = 4, /* inferred from the pointers (unified addressing) */
} simrtMemcpyKind;

/* Default-stream mode for the calling process (takes effect for later calls). */
void simrtSetDefaultStreamPerThread(int on);
int simrtDefaultStreamIsPerThread(void);

simrtError_t simrtInit(void); /* optional: every call initialises lazily */
const char *simrtErrorName(simrtError_t e);
int simrtDriverVersion(void);

/* memory */
simrtError_t simrtMalloc(void **p, size_t bytes);
simrtError_t simrtFree(void *p); /* NULL is a no-op */
simrtError_t simrtMallocHost(void **p, size_t bytes);
simrtError_t simrtFreeHost(void *p);
simrtError_t simrtMallocAsync(void **p, size_t bytes, simrtStream_t s);
simrtError_t simrtFreeAsync(void *p, simrtStream_t s);
simrtError_t simrtMemcpy(void *dst, const void *src, size_t bytes, simrtMemcpyKind kind);
simrtError_t simrtMemcpyAsync(void *dst, const void *src, size_t bytes, simrtMemcpyKind kind, simrtStream_t s);
simrtError_t simrtMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
                                size_t height, simrtMemcpyKind kind, simrtStream_t s);
simrtError_t simrtMemset(void *p, int value, size_t bytes);
simrtError_t simrtMemsetAsync(void *p, int value, size_t bytes, simrtStream_t s);
simrtError_t simrtMemsetD32Async(void *p, uint32_t value, size_t count, simrtStream_t s);

/* streams and events */
simrtError_t simrtStreamCreate(simrtStream_t *s, unsigned flags, int priority);
simrtError_t simrtStreamDestroy(simrtStream_t s);
simrtError_t simrtStreamSynchronize(simrtStream_t s);
simrtError_t simrtStreamQuery(simrtStream_t s);
simrtError_t simrtStreamGetPriority(simrtStream_t s, int *priority);
simrtError_t simrtDeviceGetStreamPriorityRange(int *least, int *greatest);
simrtError_t simrtDeviceSynchronize(void);
simrtError_t simrtEventCreate(simrtEvent_t *e, unsigned flags);
simrtError_t simrtEventDestroy(simrtEvent_t e);
simrtError_t simrtEventRecord(simrtEvent_t e, simrtStream_t s);
simrtError_t simrtEventSynchronize(simrtEvent_t e);
simrtError_t simrtEventQuery(simrtEvent_t e);
simrtError_t simrtEventElapsedTime(float *ms, simrtEvent_t start, simrtEvent_t end);
simrtError_t simrtStreamWaitEvent(simrtStream_t s, simrtEvent_t e);

/* host work in stream order */
simrtError_t simrtLaunchHostFunc(simrtStream_t s, void (*fn)(void *), void *user);
simrtError_t simrtStreamAddCallback(simrtStream_t s, void (*cb)(simrtStream_t, simrtError_t, void *), void *user);

/* stream memory operations on device words */
simrtError_t simrtStreamWriteValue32(simrtStream_t s, void *addr, uint32_t value);
simrtError_t simrtStreamWaitValue32(simrtStream_t s, void *addr, uint32_t value, int cond);
simrtError_t simrtStreamWriteValue64(simrtStream_t s, void *addr, uint64_t value);
simrtError_t simrtStreamWaitValue64(simrtStream_t s, void *addr, uint64_t value, int cond);

/* kernels of the simulator's table, by name; args as for cudaLaunchKernel */
simrtError_t simrtLaunch(const char *kernel, simrtDim3 grid, simrtDim3 block, size_t shmem, simrtStream_t s,
                         void **args);

/* graphs */
simrtError_t simrtStreamBeginCapture(simrtStream_t s, int mode);
simrtError_t simrtStreamEndCapture(simrtStream_t s, simrtGraph_t *g);
simrtError_t simrtStreamIsCapturing(simrtStream_t s, int *status);
simrtError_t simrtGraphInstantiate(simrtGraphExec_t *x, simrtGraph_t g);
simrtError_t simrtGraphLaunch(simrtGraphExec_t x, simrtStream_t s);
simrtError_t simrtGraphDestroy(simrtGraph_t g);
simrtError_t simrtGraphExecDestroy(simrtGraphExec_t x);

#ifdef __cplusplus
}
#endif
#endif /* SIMRT_H */
