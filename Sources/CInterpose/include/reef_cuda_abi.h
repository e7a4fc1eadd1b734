/*
 * reef_cuda_abi.h — the subset of the CUDA driver ABI that Reef routes.
 *
 * Written from the public driver API reference (types, values and signatures only), so the shim
 * and the simulated libcuda.so.1 build without the CUDA toolkit. Every exported variant name of
 * a routed call (legacy, _ptsz/_ptds per-thread forms, _vN versions) appears once in
 * REEF_CUDA_CALLS below; the shim generates its wrappers from that list and the simulator gets
 * its prototypes from it, so the two can never disagree on a signature.
 */
#ifndef REEF_CUDA_ABI_H
#define REEF_CUDA_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef uint32_t cuuint32_t;
typedef uint64_t cuuint64_t;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUkern_st *CUkernel;
typedef struct CUlib_st *CUlibrary;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;
typedef struct CUmemPoolHandle_st *CUmemoryPool;
typedef struct CUarray_st *CUarray;
typedef void (*CUhostFn)(void *userData);
typedef void (*CUstreamCallback)(CUstream hStream, CUresult status, void *userData);
typedef int CUstreamCaptureMode;
typedef int CUstreamCaptureStatus;
typedef int CUdriverProcAddressQueryResult;

enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_JIT_COMPILER_NOT_FOUND = 221,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
    CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_UNKNOWN = 999,
};

/* Special stream handles. */
#define CU_STREAM_LEGACY ((CUstream)0x1)
#define CU_STREAM_PER_THREAD ((CUstream)0x2)

/* Stream creation flags. */
#define CU_STREAM_DEFAULT 0x0
#define CU_STREAM_NON_BLOCKING 0x1

/* Event flags. */
#define CU_EVENT_DEFAULT 0x0
#define CU_EVENT_BLOCKING_SYNC 0x1
#define CU_EVENT_DISABLE_TIMING 0x2

/* cuGetProcAddress flags. */
#define CU_GET_PROC_ADDRESS_DEFAULT 0
#define CU_GET_PROC_ADDRESS_LEGACY_STREAM 1
#define CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM 2
/* CUdriverProcAddressQueryResult */
#define CU_GET_PROC_ADDRESS_SUCCESS 0
#define CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND 1
#define CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT 2

/* Stream capture. */
#define CU_STREAM_CAPTURE_MODE_GLOBAL 0
#define CU_STREAM_CAPTURE_MODE_THREAD_LOCAL 1
#define CU_STREAM_CAPTURE_MODE_RELAXED 2
#define CU_STREAM_CAPTURE_STATUS_NONE 0
#define CU_STREAM_CAPTURE_STATUS_ACTIVE 1
#define CU_STREAM_CAPTURE_STATUS_INVALIDATED 2

/* cuLaunchKernel `extra` keys. */
#define CU_LAUNCH_PARAM_END ((void *)0x00)
#define CU_LAUNCH_PARAM_BUFFER_POINTER ((void *)0x01)
#define CU_LAUNCH_PARAM_BUFFER_SIZE ((void *)0x02)

/* Stream memory operations. */
#define CU_STREAM_WAIT_VALUE_GEQ 0x0
#define CU_STREAM_WAIT_VALUE_EQ 0x1
#define CU_STREAM_WAIT_VALUE_AND 0x2
#define CU_STREAM_WAIT_VALUE_NOR 0x3
#define CU_STREAM_WAIT_VALUE_FLUSH (1 << 30)
#define CU_STREAM_WRITE_VALUE_DEFAULT 0x0
#define CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER 0x1

typedef enum CUstreamBatchMemOpType_enum {
    CU_STREAM_MEM_OP_WAIT_VALUE_32 = 1,
    CU_STREAM_MEM_OP_WRITE_VALUE_32 = 2,
    CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES = 3,
    CU_STREAM_MEM_OP_WAIT_VALUE_64 = 4,
    CU_STREAM_MEM_OP_WRITE_VALUE_64 = 5,
    CU_STREAM_MEM_OP_BARRIER = 6,
} CUstreamBatchMemOpType;

typedef union CUstreamBatchMemOpParams_union {
    CUstreamBatchMemOpType operation;
    struct {
        CUstreamBatchMemOpType operation;
        CUdeviceptr address;
        union { cuuint32_t value; cuuint64_t value64; };
        unsigned int flags;
        CUdeviceptr alias;
    } waitValue;
    struct {
        CUstreamBatchMemOpType operation;
        CUdeviceptr address;
        union { cuuint32_t value; cuuint64_t value64; };
        unsigned int flags;
        CUdeviceptr alias;
    } writeValue;
    struct { CUstreamBatchMemOpType operation; unsigned int flags; } flushRemoteWrites;
    struct { CUstreamBatchMemOpType operation; unsigned int flags; } memoryBarrier;
    cuuint64_t pad[6];
} CUstreamBatchMemOpParams;

/* cuLaunchKernelEx configuration. The attribute value is a 64-byte union in the ABI. */
typedef int CUlaunchAttributeID;
#define CU_LAUNCH_ATTRIBUTE_COOPERATIVE 2
#define CU_LAUNCH_ATTRIBUTE_PRIORITY 8
typedef union CUlaunchAttributeValue_union {
    char pad[64];
    int cooperative;
    int priority;
} CUlaunchAttributeValue;
typedef struct CUlaunchAttribute_st {
    CUlaunchAttributeID id;
    char pad[8 - sizeof(CUlaunchAttributeID)];
    CUlaunchAttributeValue value;
} CUlaunchAttribute;
typedef struct CUlaunchConfig_st {
    unsigned int gridDimX, gridDimY, gridDimZ;
    unsigned int blockDimX, blockDimY, blockDimZ;
    unsigned int sharedMemBytes;
    CUstream hStream;
    CUlaunchAttribute *attrs;
    unsigned int numAttrs;
} CUlaunchConfig;

/* 2D copies (the 3D descriptors are passed through opaquely). */
typedef enum CUmemorytype_enum {
    CU_MEMORYTYPE_HOST = 1,
    CU_MEMORYTYPE_DEVICE = 2,
    CU_MEMORYTYPE_ARRAY = 3,
    CU_MEMORYTYPE_UNIFIED = 4,
} CUmemorytype;
typedef struct CUDA_MEMCPY2D_st {
    size_t srcXInBytes, srcY;
    CUmemorytype srcMemoryType;
    const void *srcHost;
    CUdeviceptr srcDevice;
    CUarray srcArray;
    size_t srcPitch;
    size_t dstXInBytes, dstY;
    CUmemorytype dstMemoryType;
    void *dstHost;
    CUdeviceptr dstDevice;
    CUarray dstArray;
    size_t dstPitch;
    size_t WidthInBytes, Height;
} CUDA_MEMCPY2D;
typedef struct CUDA_MEMCPY3D_st CUDA_MEMCPY3D;
typedef struct CUDA_MEMCPY3D_PEER_st CUDA_MEMCPY3D_PEER;
typedef struct CUmemcpyAttributes_st CUmemcpyAttributes;

/* ---------------------------------------------------------------------------------------------
 * The routed surface.
 *
 * X(name, kind, streamArg, perThread, (argument types...))
 *   kind       REEF_K_* below: what the call does, as far as scheduling is concerned
 *   streamArg  index of the CUstream argument, or -1
 *   perThread  1 for the _ptsz/_ptds forms: a NULL stream there means the per-thread stream
 * All argument types are integers or pointers, so a call packs losslessly into uint64 slots.
 * cuCtxSynchronize (no arguments), cuGetProcAddress and cuGetProcAddress_v2 are handled apart.
 * ------------------------------------------------------------------------------------------- */
#define REEF_K_LAUNCH 1          /* cuLaunchKernel form */
#define REEF_K_LAUNCH_EX 2       /* cuLaunchKernelEx form */
#define REEF_K_LAUNCH_COOP 3     /* cuLaunchCooperativeKernel form */
#define REEF_K_GRAPH 4
#define REEF_K_HOSTFN 5
#define REEF_K_COPY 6            /* stream-ordered copy */
#define REEF_K_SET 7             /* stream-ordered memset */
#define REEF_K_ALLOC 8           /* stream-ordered alloc/free */
#define REEF_K_EVENT_RECORD 9
#define REEF_K_STREAM_WAIT 10    /* cuStreamWaitEvent */
#define REEF_K_MEMOP 11          /* stream write/wait value, batch mem op */
#define REEF_K_SYNC 12           /* stream/event/context synchronize */
#define REEF_K_QUERY 13          /* stream/event query */
#define REEF_K_SYNC_COPY 14      /* synchronous copy / set / free: ordered after prior work */
#define REEF_K_STREAM_CREATE 15
#define REEF_K_STREAM_DESTROY 16
#define REEF_K_EVENT_CREATE 17
#define REEF_K_EVENT_DESTROY 18
#define REEF_K_CAPTURE_BEGIN 19
#define REEF_K_CAPTURE_END 20
#define REEF_K_CAPTURE_QUERY 21
#define REEF_K_OTHER 22
#define REEF_K_REGISTER 23       /* HIP: fat binary / function / module registration */
#define REEF_K_ORDERED 24        /* stream-ordered, never held: issued after the stream's held work
                                    (prefetch, managed-memory attach, external semaphores, graph
                                    upload, sparse mapping, 3D batch copies) */

/* CUmemLocation ({int type; int id;}) passed by value is one 8-byte INTEGER-class argument in
 * the x86-64 and AArch64 calling conventions, exactly like a uint64_t: the wrappers take and
 * forward it as one, so it packs like every other argument. */
typedef uint64_t ReefMemLocationBits;

#define REEF_CUDA_CALLS(X) \
    X(cuLaunchKernel, REEF_K_LAUNCH, 8, 0, (CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, CUstream, void **, void **)) \
    X(cuLaunchKernel_ptsz, REEF_K_LAUNCH, 8, 1, (CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, CUstream, void **, void **)) \
    X(cuLaunchKernelEx, REEF_K_LAUNCH_EX, -1, 0, (const CUlaunchConfig *, CUfunction, void **, void **)) \
    X(cuLaunchKernelEx_ptsz, REEF_K_LAUNCH_EX, -1, 1, (const CUlaunchConfig *, CUfunction, void **, void **)) \
    X(cuLaunchCooperativeKernel, REEF_K_LAUNCH_COOP, 8, 0, (CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, CUstream, void **)) \
    X(cuLaunchCooperativeKernel_ptsz, REEF_K_LAUNCH_COOP, 8, 1, (CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, CUstream, void **)) \
    X(cuLaunchHostFunc, REEF_K_HOSTFN, 0, 0, (CUstream, CUhostFn, void *)) \
    X(cuLaunchHostFunc_ptsz, REEF_K_HOSTFN, 0, 1, (CUstream, CUhostFn, void *)) \
    X(cuStreamAddCallback, REEF_K_HOSTFN, 0, 0, (CUstream, CUstreamCallback, void *, unsigned int)) \
    X(cuStreamAddCallback_ptsz, REEF_K_HOSTFN, 0, 1, (CUstream, CUstreamCallback, void *, unsigned int)) \
    X(cuGraphLaunch, REEF_K_GRAPH, 1, 0, (CUgraphExec, CUstream)) \
    X(cuGraphLaunch_ptsz, REEF_K_GRAPH, 1, 1, (CUgraphExec, CUstream)) \
    X(cuMemcpyAsync, REEF_K_COPY, 3, 0, (CUdeviceptr, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyAsync_ptsz, REEF_K_COPY, 3, 1, (CUdeviceptr, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyPeerAsync, REEF_K_COPY, 5, 0, (CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t, CUstream)) \
    X(cuMemcpyPeerAsync_ptsz, REEF_K_COPY, 5, 1, (CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t, CUstream)) \
    X(cuMemcpyHtoDAsync_v2, REEF_K_COPY, 3, 0, (CUdeviceptr, const void *, size_t, CUstream)) \
    X(cuMemcpyHtoDAsync_v2_ptsz, REEF_K_COPY, 3, 1, (CUdeviceptr, const void *, size_t, CUstream)) \
    X(cuMemcpyDtoHAsync_v2, REEF_K_COPY, 3, 0, (void *, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyDtoHAsync_v2_ptsz, REEF_K_COPY, 3, 1, (void *, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyDtoDAsync_v2, REEF_K_COPY, 3, 0, (CUdeviceptr, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyDtoDAsync_v2_ptsz, REEF_K_COPY, 3, 1, (CUdeviceptr, CUdeviceptr, size_t, CUstream)) \
    X(cuMemcpyHtoAAsync_v2, REEF_K_COPY, 4, 0, (CUarray, size_t, const void *, size_t, CUstream)) \
    X(cuMemcpyHtoAAsync_v2_ptsz, REEF_K_COPY, 4, 1, (CUarray, size_t, const void *, size_t, CUstream)) \
    X(cuMemcpyAtoHAsync_v2, REEF_K_COPY, 4, 0, (void *, CUarray, size_t, size_t, CUstream)) \
    X(cuMemcpyAtoHAsync_v2_ptsz, REEF_K_COPY, 4, 1, (void *, CUarray, size_t, size_t, CUstream)) \
    X(cuMemcpy2DAsync_v2, REEF_K_COPY, 1, 0, (const CUDA_MEMCPY2D *, CUstream)) \
    X(cuMemcpy2DAsync_v2_ptsz, REEF_K_COPY, 1, 1, (const CUDA_MEMCPY2D *, CUstream)) \
    X(cuMemcpy3DAsync_v2, REEF_K_COPY, 1, 0, (const CUDA_MEMCPY3D *, CUstream)) \
    X(cuMemcpy3DAsync_v2_ptsz, REEF_K_COPY, 1, 1, (const CUDA_MEMCPY3D *, CUstream)) \
    X(cuMemcpy3DPeerAsync, REEF_K_COPY, 1, 0, (const CUDA_MEMCPY3D_PEER *, CUstream)) \
    X(cuMemcpy3DPeerAsync_ptsz, REEF_K_COPY, 1, 1, (const CUDA_MEMCPY3D_PEER *, CUstream)) \
    X(cuMemcpyBatchAsync, REEF_K_COPY, 8, 0, (CUdeviceptr *, CUdeviceptr *, size_t *, size_t, CUmemcpyAttributes *, size_t *, size_t, size_t *, CUstream)) \
    X(cuMemcpyBatchAsync_ptsz, REEF_K_COPY, 8, 1, (CUdeviceptr *, CUdeviceptr *, size_t *, size_t, CUmemcpyAttributes *, size_t *, size_t, size_t *, CUstream)) \
    X(cuMemcpyBatchAsync_v2, REEF_K_COPY, 7, 0, (CUdeviceptr *, CUdeviceptr *, size_t *, size_t, CUmemcpyAttributes *, size_t *, size_t, CUstream)) \
    X(cuMemcpyBatchAsync_v2_ptsz, REEF_K_COPY, 7, 1, (CUdeviceptr *, CUdeviceptr *, size_t *, size_t, CUmemcpyAttributes *, size_t *, size_t, CUstream)) \
    X(cuMemsetD8Async, REEF_K_SET, 3, 0, (CUdeviceptr, unsigned char, size_t, CUstream)) \
    X(cuMemsetD8Async_ptsz, REEF_K_SET, 3, 1, (CUdeviceptr, unsigned char, size_t, CUstream)) \
    X(cuMemsetD16Async, REEF_K_SET, 3, 0, (CUdeviceptr, unsigned short, size_t, CUstream)) \
    X(cuMemsetD16Async_ptsz, REEF_K_SET, 3, 1, (CUdeviceptr, unsigned short, size_t, CUstream)) \
    X(cuMemsetD32Async, REEF_K_SET, 3, 0, (CUdeviceptr, unsigned int, size_t, CUstream)) \
    X(cuMemsetD32Async_ptsz, REEF_K_SET, 3, 1, (CUdeviceptr, unsigned int, size_t, CUstream)) \
    X(cuMemsetD2D8Async, REEF_K_SET, 5, 0, (CUdeviceptr, size_t, unsigned char, size_t, size_t, CUstream)) \
    X(cuMemsetD2D8Async_ptsz, REEF_K_SET, 5, 1, (CUdeviceptr, size_t, unsigned char, size_t, size_t, CUstream)) \
    X(cuMemsetD2D16Async, REEF_K_SET, 5, 0, (CUdeviceptr, size_t, unsigned short, size_t, size_t, CUstream)) \
    X(cuMemsetD2D16Async_ptsz, REEF_K_SET, 5, 1, (CUdeviceptr, size_t, unsigned short, size_t, size_t, CUstream)) \
    X(cuMemsetD2D32Async, REEF_K_SET, 5, 0, (CUdeviceptr, size_t, unsigned int, size_t, size_t, CUstream)) \
    X(cuMemsetD2D32Async_ptsz, REEF_K_SET, 5, 1, (CUdeviceptr, size_t, unsigned int, size_t, size_t, CUstream)) \
    X(cuMemAllocAsync, REEF_K_ALLOC, 2, 0, (CUdeviceptr *, size_t, CUstream)) \
    X(cuMemAllocAsync_ptsz, REEF_K_ALLOC, 2, 1, (CUdeviceptr *, size_t, CUstream)) \
    X(cuMemAllocFromPoolAsync, REEF_K_ALLOC, 3, 0, (CUdeviceptr *, size_t, CUmemoryPool, CUstream)) \
    X(cuMemAllocFromPoolAsync_ptsz, REEF_K_ALLOC, 3, 1, (CUdeviceptr *, size_t, CUmemoryPool, CUstream)) \
    X(cuMemFreeAsync, REEF_K_ALLOC, 1, 0, (CUdeviceptr, CUstream)) \
    X(cuMemFreeAsync_ptsz, REEF_K_ALLOC, 1, 1, (CUdeviceptr, CUstream)) \
    X(cuEventRecord, REEF_K_EVENT_RECORD, 1, 0, (CUevent, CUstream)) \
    X(cuEventRecord_ptsz, REEF_K_EVENT_RECORD, 1, 1, (CUevent, CUstream)) \
    X(cuEventRecordWithFlags, REEF_K_EVENT_RECORD, 1, 0, (CUevent, CUstream, unsigned int)) \
    X(cuEventRecordWithFlags_ptsz, REEF_K_EVENT_RECORD, 1, 1, (CUevent, CUstream, unsigned int)) \
    X(cuStreamWaitEvent, REEF_K_STREAM_WAIT, 0, 0, (CUstream, CUevent, unsigned int)) \
    X(cuStreamWaitEvent_ptsz, REEF_K_STREAM_WAIT, 0, 1, (CUstream, CUevent, unsigned int)) \
    X(cuStreamWriteValue32, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWriteValue32_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWriteValue32_v2, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWriteValue32_v2_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWriteValue64, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWriteValue64_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWriteValue64_v2, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWriteValue64_v2_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWaitValue32, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWaitValue32_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWaitValue32_v2, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWaitValue32_v2_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint32_t, unsigned int)) \
    X(cuStreamWaitValue64, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWaitValue64_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWaitValue64_v2, REEF_K_MEMOP, 0, 0, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamWaitValue64_v2_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, CUdeviceptr, cuuint64_t, unsigned int)) \
    X(cuStreamBatchMemOp, REEF_K_MEMOP, 0, 0, (CUstream, unsigned int, CUstreamBatchMemOpParams *, unsigned int)) \
    X(cuStreamBatchMemOp_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, unsigned int, CUstreamBatchMemOpParams *, unsigned int)) \
    X(cuStreamBatchMemOp_v2, REEF_K_MEMOP, 0, 0, (CUstream, unsigned int, CUstreamBatchMemOpParams *, unsigned int)) \
    X(cuStreamBatchMemOp_v2_ptsz, REEF_K_MEMOP, 0, 1, (CUstream, unsigned int, CUstreamBatchMemOpParams *, unsigned int)) \
    X(cuStreamSynchronize, REEF_K_SYNC, 0, 0, (CUstream)) \
    X(cuStreamSynchronize_ptsz, REEF_K_SYNC, 0, 1, (CUstream)) \
    X(cuStreamQuery, REEF_K_QUERY, 0, 0, (CUstream)) \
    X(cuStreamQuery_ptsz, REEF_K_QUERY, 0, 1, (CUstream)) \
    X(cuEventSynchronize, REEF_K_SYNC, -1, 0, (CUevent)) \
    X(cuEventQuery, REEF_K_QUERY, -1, 0, (CUevent)) \
    X(cuEventElapsedTime, REEF_K_QUERY, -1, 0, (float *, CUevent, CUevent)) \
    X(cuEventElapsedTime_v2, REEF_K_QUERY, -1, 0, (float *, CUevent, CUevent)) \
    X(cuCtxSynchronize_v2, REEF_K_SYNC, -1, 0, (CUcontext)) \
    X(cuMemcpy, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, CUdeviceptr, size_t)) \
    X(cuMemcpy_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, CUdeviceptr, size_t)) \
    X(cuMemcpyPeer, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t)) \
    X(cuMemcpyPeer_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t)) \
    X(cuMemcpyHtoD_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, const void *, size_t)) \
    X(cuMemcpyHtoD_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, const void *, size_t)) \
    X(cuMemcpyDtoH_v2, REEF_K_SYNC_COPY, -1, 0, (void *, CUdeviceptr, size_t)) \
    X(cuMemcpyDtoH_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (void *, CUdeviceptr, size_t)) \
    X(cuMemcpyDtoD_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, CUdeviceptr, size_t)) \
    X(cuMemcpyDtoD_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, CUdeviceptr, size_t)) \
    X(cuMemcpy2D_v2, REEF_K_SYNC_COPY, -1, 0, (const CUDA_MEMCPY2D *)) \
    X(cuMemcpy2D_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (const CUDA_MEMCPY2D *)) \
    X(cuMemcpy2DUnaligned_v2, REEF_K_SYNC_COPY, -1, 0, (const CUDA_MEMCPY2D *)) \
    X(cuMemcpy2DUnaligned_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (const CUDA_MEMCPY2D *)) \
    X(cuMemcpy3D_v2, REEF_K_SYNC_COPY, -1, 0, (const CUDA_MEMCPY3D *)) \
    X(cuMemcpy3D_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (const CUDA_MEMCPY3D *)) \
    X(cuMemcpy3DPeer, REEF_K_SYNC_COPY, -1, 0, (const void *)) \
    X(cuMemcpy3DPeer_ptds, REEF_K_SYNC_COPY, -1, 1, (const void *)) \
    X(cuMemcpyHtoA_v2, REEF_K_SYNC_COPY, -1, 0, (CUarray, size_t, const void *, size_t)) \
    X(cuMemcpyHtoA_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUarray, size_t, const void *, size_t)) \
    X(cuMemcpyAtoH_v2, REEF_K_SYNC_COPY, -1, 0, (void *, CUarray, size_t, size_t)) \
    X(cuMemcpyAtoH_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (void *, CUarray, size_t, size_t)) \
    X(cuMemcpyDtoA_v2, REEF_K_SYNC_COPY, -1, 0, (CUarray, size_t, CUdeviceptr, size_t)) \
    X(cuMemcpyDtoA_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUarray, size_t, CUdeviceptr, size_t)) \
    X(cuMemcpyAtoD_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, CUarray, size_t, size_t)) \
    X(cuMemcpyAtoD_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, CUarray, size_t, size_t)) \
    X(cuMemcpyAtoA_v2, REEF_K_SYNC_COPY, -1, 0, (CUarray, size_t, CUarray, size_t, size_t)) \
    X(cuMemcpyAtoA_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUarray, size_t, CUarray, size_t, size_t)) \
    X(cuMemsetD8_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, unsigned char, size_t)) \
    X(cuMemsetD8_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, unsigned char, size_t)) \
    X(cuMemsetD16_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, unsigned short, size_t)) \
    X(cuMemsetD16_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, unsigned short, size_t)) \
    X(cuMemsetD32_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, unsigned int, size_t)) \
    X(cuMemsetD32_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, unsigned int, size_t)) \
    X(cuMemsetD2D8_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, size_t, unsigned char, size_t, size_t)) \
    X(cuMemsetD2D8_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, size_t, unsigned char, size_t, size_t)) \
    X(cuMemsetD2D16_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, size_t, unsigned short, size_t, size_t)) \
    X(cuMemsetD2D16_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, size_t, unsigned short, size_t, size_t)) \
    X(cuMemsetD2D32_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr, size_t, unsigned int, size_t, size_t)) \
    X(cuMemsetD2D32_v2_ptds, REEF_K_SYNC_COPY, -1, 1, (CUdeviceptr, size_t, unsigned int, size_t, size_t)) \
    X(cuMemFree_v2, REEF_K_SYNC_COPY, -1, 0, (CUdeviceptr)) \
    X(cuMemFreeHost, REEF_K_SYNC_COPY, -1, 0, (void *)) \
    X(cuStreamCreate, REEF_K_STREAM_CREATE, -1, 0, (CUstream *, unsigned int)) \
    X(cuStreamCreateWithPriority, REEF_K_STREAM_CREATE, -1, 0, (CUstream *, unsigned int, int)) \
    X(cuStreamDestroy, REEF_K_STREAM_DESTROY, 0, 0, (CUstream)) \
    X(cuStreamDestroy_v2, REEF_K_STREAM_DESTROY, 0, 0, (CUstream)) \
    X(cuEventCreate, REEF_K_EVENT_CREATE, -1, 0, (CUevent *, unsigned int)) \
    X(cuEventDestroy, REEF_K_EVENT_DESTROY, -1, 0, (CUevent)) \
    X(cuEventDestroy_v2, REEF_K_EVENT_DESTROY, -1, 0, (CUevent)) \
    X(cuStreamBeginCapture, REEF_K_CAPTURE_BEGIN, 0, 0, (CUstream)) \
    X(cuStreamBeginCapture_ptsz, REEF_K_CAPTURE_BEGIN, 0, 1, (CUstream)) \
    X(cuStreamBeginCapture_v2, REEF_K_CAPTURE_BEGIN, 0, 0, (CUstream, CUstreamCaptureMode)) \
    X(cuStreamBeginCapture_v2_ptsz, REEF_K_CAPTURE_BEGIN, 0, 1, (CUstream, CUstreamCaptureMode)) \
    X(cuStreamEndCapture, REEF_K_CAPTURE_END, 0, 0, (CUstream, CUgraph *)) \
    X(cuStreamEndCapture_ptsz, REEF_K_CAPTURE_END, 0, 1, (CUstream, CUgraph *)) \
    X(cuStreamIsCapturing, REEF_K_CAPTURE_QUERY, 0, 0, (CUstream, CUstreamCaptureStatus *)) \
    X(cuStreamIsCapturing_ptsz, REEF_K_CAPTURE_QUERY, 0, 1, (CUstream, CUstreamCaptureStatus *)) \
    X(cuStreamBeginCaptureToGraph, REEF_K_CAPTURE_BEGIN, 0, 0, (CUstream, CUgraph, const void *, const void *, size_t, CUstreamCaptureMode)) \
    X(cuStreamBeginCaptureToGraph_ptsz, REEF_K_CAPTURE_BEGIN, 0, 1, (CUstream, CUgraph, const void *, const void *, size_t, CUstreamCaptureMode)) \
    X(cuMemPrefetchAsync, REEF_K_ORDERED, 3, 0, (CUdeviceptr, size_t, CUdevice, CUstream)) \
    X(cuMemPrefetchAsync_ptsz, REEF_K_ORDERED, 3, 1, (CUdeviceptr, size_t, CUdevice, CUstream)) \
    X(cuMemPrefetchAsync_v2, REEF_K_ORDERED, 4, 0, (CUdeviceptr, size_t, ReefMemLocationBits, unsigned int, CUstream)) \
    X(cuMemPrefetchAsync_v2_ptsz, REEF_K_ORDERED, 4, 1, (CUdeviceptr, size_t, ReefMemLocationBits, unsigned int, CUstream)) \
    X(cuStreamAttachMemAsync, REEF_K_ORDERED, 0, 0, (CUstream, CUdeviceptr, size_t, unsigned int)) \
    X(cuStreamAttachMemAsync_ptsz, REEF_K_ORDERED, 0, 1, (CUstream, CUdeviceptr, size_t, unsigned int)) \
    X(cuSignalExternalSemaphoresAsync, REEF_K_ORDERED, 3, 0, (const void *, const void *, unsigned int, CUstream)) \
    X(cuSignalExternalSemaphoresAsync_ptsz, REEF_K_ORDERED, 3, 1, (const void *, const void *, unsigned int, CUstream)) \
    X(cuWaitExternalSemaphoresAsync, REEF_K_ORDERED, 3, 0, (const void *, const void *, unsigned int, CUstream)) \
    X(cuWaitExternalSemaphoresAsync_ptsz, REEF_K_ORDERED, 3, 1, (const void *, const void *, unsigned int, CUstream)) \
    X(cuGraphUpload, REEF_K_ORDERED, 1, 0, (CUgraphExec, CUstream)) \
    X(cuGraphUpload_ptsz, REEF_K_ORDERED, 1, 1, (CUgraphExec, CUstream)) \
    X(cuMemMapArrayAsync, REEF_K_ORDERED, 2, 0, (void *, unsigned int, CUstream)) \
    X(cuMemMapArrayAsync_ptsz, REEF_K_ORDERED, 2, 1, (void *, unsigned int, CUstream)) \
    X(cuMemcpy3DBatchAsync, REEF_K_ORDERED, 4, 0, (size_t, void *, size_t *, unsigned long long, CUstream)) \
    X(cuMemcpy3DBatchAsync_ptsz, REEF_K_ORDERED, 4, 1, (size_t, void *, size_t *, unsigned long long, CUstream)) \
    X(cuMemcpy3DBatchAsync_v2, REEF_K_ORDERED, 3, 0, (size_t, void *, unsigned long long, CUstream)) \
    X(cuMemcpy3DBatchAsync_v2_ptsz, REEF_K_ORDERED, 3, 1, (size_t, void *, unsigned long long, CUstream))

/* ---- argument-list helpers (up to 12 arguments) ---- */
#define REEF_CAT(a, b) REEF_CAT_(a, b)
#define REEF_CAT_(a, b) a##b
#define REEF_UNPAREN(...) __VA_ARGS__
#define REEF_NARG(...) REEF_NARG_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define REEF_NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define REEF_NARGS(types) REEF_NARG types
/* REEF_PARAMS((T0, T1)) -> T0 a0, T1 a1 */
#define REEF_PARAMS(types) REEF_CAT(REEF_P_, REEF_NARG types) types
#define REEF_P_1(t0) t0 a0
#define REEF_P_2(t0, t1) REEF_P_1(t0), t1 a1
#define REEF_P_3(t0, t1, t2) REEF_P_2(t0, t1), t2 a2
#define REEF_P_4(t0, t1, t2, t3) REEF_P_3(t0, t1, t2), t3 a3
#define REEF_P_5(t0, t1, t2, t3, t4) REEF_P_4(t0, t1, t2, t3), t4 a4
#define REEF_P_6(t0, t1, t2, t3, t4, t5) REEF_P_5(t0, t1, t2, t3, t4), t5 a5
#define REEF_P_7(t0, t1, t2, t3, t4, t5, t6) REEF_P_6(t0, t1, t2, t3, t4, t5), t6 a6
#define REEF_P_8(t0, t1, t2, t3, t4, t5, t6, t7) REEF_P_7(t0, t1, t2, t3, t4, t5, t6), t7 a7
#define REEF_P_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) REEF_P_8(t0, t1, t2, t3, t4, t5, t6, t7), t8 a8
#define REEF_P_10(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9) REEF_P_9(t0, t1, t2, t3, t4, t5, t6, t7, t8), t9 a9
#define REEF_P_11(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10) REEF_P_10(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9), t10 a10
#define REEF_P_12(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11) REEF_P_11(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10), t11 a11

/* Prototypes of every routed variant (the simulator implements them; the shim exports them). */
#define REEF_CUDA_PROTO(name, kind, streamArg, perThread, types) CUresult name(REEF_PARAMS(types));
REEF_CUDA_CALLS(REEF_CUDA_PROTO)
#undef REEF_CUDA_PROTO
CUresult cuCtxSynchronize(void);
CUresult cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags);
CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
                             CUdriverProcAddressQueryResult *symbolStatus);

/* Not routed, but Reef (argument capture) and the simulator use them. */
CUresult cuInit(unsigned int flags);
CUresult cuDriverGetVersion(int *version);
CUresult cuFuncGetParamInfo(CUfunction func, size_t paramIndex, size_t *paramOffset, size_t *paramSize);
CUresult cuKernelGetParamInfo(CUkernel kernel, size_t paramIndex, size_t *paramOffset, size_t *paramSize);
CUresult cuGetErrorName(CUresult error, const char **pStr);

#ifdef __cplusplus
}
#endif
#endif /* REEF_CUDA_ABI_H */
