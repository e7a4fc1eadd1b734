/* partition_hooks.c — the runtime calls behind kernel padding (issue 6): device size, occupancy,
 * streams confined to part of the GPU (NVIDIA green contexts, AMD CU masks), timing events and
 * stream waits. Each resolves the real function once and returns the runtime's error code
 * (CUDA_ERROR_NOT_FOUND / 500 when the runtime lacks it). Policy lives in Swift. */
#include <stdlib.h>
#include <string.h>
#include "runtime_fn.h"


/* ---- CUDA ---- */
typedef CUresult (*cu_ctx_device_fn)(int *);
typedef CUresult (*cu_attr_fn)(int *, int, int);
typedef CUresult (*cu_occ_fn)(int *, CUfunction, int, size_t);
typedef CUresult (*cu_event_create_fn)(CUevent *, unsigned);
typedef CUresult (*cu_elapsed_fn)(float *, CUevent, CUevent);
typedef CUresult (*cu_wait_event_fn)(CUstream, CUevent, unsigned);

int reef_cu_sm_count(void) {
    RESOLVE(cu_ctx_device_fn, get_device, cu_fn, "cuCtxGetDevice");
    RESOLVE(cu_attr_fn, attr, cu_fn, "cuDeviceGetAttribute");
    int dev = 0, n = 0;
    if (!get_device || !attr || get_device(&dev) != CUDA_SUCCESS) return 0;
    return attr(&n, 16 /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */, dev) == CUDA_SUCCESS ? n : 0;
}

CUresult reef_cu_occupancy(CUfunction f, int block_threads, size_t shared_bytes, int *blocks) {
    RESOLVE(cu_occ_fn, fn, cu_fn, "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    return fn ? fn(blocks, f, block_threads, shared_bytes) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_timing_event(CUevent *event) {
    RESOLVE(cu_event_create_fn, fn, cu_fn, "cuEventCreate");
    return fn ? fn(event, 0 /* CU_EVENT_DEFAULT: timing on */) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_event_elapsed(CUevent start, CUevent end, float *ms) {
    RESOLVE(cu_elapsed_fn, fn, cu_fn, "cuEventElapsedTime");
    return fn ? fn(ms, start, end) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_stream_wait_event(CUstream stream, CUevent event) {
    RESOLVE(cu_wait_event_fn, fn, cu_fn, "cuStreamWaitEvent");
    return fn ? fn(stream, event, 0) : CUDA_ERROR_NOT_FOUND;
}

/* Green contexts (CUDA 12.4+). CUdevResource is 144 bytes in the headers that introduced it;
 * buffers of 512 leave room for a larger one, and every call below passes a single resource,
 * so the driver's own size never sets a stride. */
typedef struct { unsigned char bytes[512]; } reef_dev_resource;
typedef CUresult (*cu_get_resource_fn)(int, reef_dev_resource *, int);
typedef CUresult (*cu_split_fn)(reef_dev_resource *, unsigned *, const reef_dev_resource *, reef_dev_resource *,
                                unsigned, unsigned);
typedef CUresult (*cu_gen_desc_fn)(void **, reef_dev_resource *, unsigned);
typedef CUresult (*cu_green_create_fn)(void **, void *, int, unsigned);
typedef CUresult (*cu_green_stream_fn)(CUstream *, void *, unsigned, int);

typedef CUresult (*cu_green_destroy_fn)(void *);
typedef CUresult (*cu_stream_fn)(CUstream);   /* cuStreamSynchronize, cuStreamDestroy_v2 */

/* A green context of `sm_count` SMs of device `dev` (0: every SM, no split). */
static CUresult green_context(int dev, unsigned sm_count, void **green) {
    RESOLVE(cu_get_resource_fn, get_resource, cu_fn, "cuDeviceGetDevResource");
    RESOLVE(cu_split_fn, split, cu_fn, "cuDevSmResourceSplitByCount");
    RESOLVE(cu_gen_desc_fn, gen_desc, cu_fn, "cuDevResourceGenerateDesc");
    RESOLVE(cu_green_create_fn, green_create, cu_fn, "cuGreenCtxCreate");
    if (!get_resource || !split || !gen_desc || !green_create) return CUDA_ERROR_NOT_FOUND;
    reef_dev_resource all, group, rest;
    memset(&all, 0, sizeof all);
    memset(&group, 0, sizeof group);
    memset(&rest, 0, sizeof rest);
    CUresult r = get_resource(dev, &all, 1 /* CU_DEV_RESOURCE_TYPE_SM */);
    if (r != CUDA_SUCCESS) return r;
    reef_dev_resource *use = &all;
    if (sm_count) {
        unsigned groups = 1;
        if ((r = split(&group, &groups, &all, &rest, 0, sm_count)) != CUDA_SUCCESS) return r;
        if (groups < 1) return CUDA_ERROR_INVALID_VALUE;
        use = &group;
    }
    void *desc = NULL;
    if ((r = gen_desc(&desc, use, 1)) != CUDA_SUCCESS) return r;
    return green_create(green, desc, dev, 1 /* CU_GREEN_CTX_DEFAULT_STREAM */);
}

CUresult reef_cu_partition_stream(unsigned sm_count, int priority, CUstream *stream) {
    RESOLVE(cu_ctx_device_fn, get_device, cu_fn, "cuCtxGetDevice");
    RESOLVE(cu_green_stream_fn, green_stream, cu_fn, "cuGreenCtxStreamCreate");
    if (!get_device || !green_stream) return CUDA_ERROR_NOT_FOUND;
    int dev = 0;
    void *green = NULL;
    CUresult r = get_device(&dev);
    if (r == CUDA_SUCCESS) r = green_context(dev, sm_count, &green);
    return r != CUDA_SUCCESS ? r : green_stream(stream, green, 1 /* CU_STREAM_NON_BLOCKING */, priority);
}

/* REEF_BE_CONTEXT=green / REEF_RT_CONTEXT=green: a non-blocking stream of a green context
 * spanning the current device, one such context per (slot, device): slot 0 best-effort, 1
 * real-time, so the two classes never share one. Made on first use (a racing second one is
 * destroyed). */
CUresult reef_cu_whole_device_stream(int slot, int priority, CUstream *stream) {
    static void *contexts[2][64];
    RESOLVE(cu_ctx_device_fn, get_device, cu_fn, "cuCtxGetDevice");
    RESOLVE(cu_green_stream_fn, green_stream, cu_fn, "cuGreenCtxStreamCreate");
    RESOLVE(cu_green_destroy_fn, green_destroy, cu_fn, "cuGreenCtxDestroy");
    if (!get_device || !green_stream) return CUDA_ERROR_NOT_FOUND;
    int dev = 0;
    CUresult r = get_device(&dev);
    if (r != CUDA_SUCCESS) return r;
    if (dev < 0 || dev >= 64) return 101 /* CUDA_ERROR_INVALID_DEVICE */;
    if (slot < 0 || slot > 1) return 1 /* CUDA_ERROR_INVALID_VALUE */;
    void *green = __atomic_load_n(&contexts[slot][dev], __ATOMIC_ACQUIRE);
    if (!green) {
        void *made = NULL, *expected = NULL;
        if ((r = green_context(dev, 0, &made)) != CUDA_SUCCESS) return r;
        if (__atomic_compare_exchange_n(&contexts[slot][dev], &expected, made, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            green = made;
        } else {
            if (green_destroy) (void)green_destroy(made);
            green = expected;
        }
    }
    return green_stream(stream, green, 1 /* CU_STREAM_NON_BLOCKING */, priority);
}

CUresult reef_cu_stream_synchronize(CUstream stream) {
    RESOLVE(cu_stream_fn, fn, cu_fn, "cuStreamSynchronize");
    return fn ? fn(stream) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_stream_destroy(CUstream stream) {
    RESOLVE(cu_stream_fn, fn, cu_fn, "cuStreamDestroy_v2");
    return fn ? fn(stream) : CUDA_ERROR_NOT_FOUND;
}

/* The largest grid (blocks) of a graph's kernel nodes, or -1 when the driver cannot say (no
 * node API, a failed query). Child graphs are not descended into; a graph that has one answers -1. */
typedef struct {
    CUfunction func;
    unsigned gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes;
    void **kernelParams;
    void **extra;
    void *kern; /* _v2 */
    void *ctx;  /* _v2 */
} reef_kernel_node_params;
typedef CUresult (*cu_graph_nodes_fn)(void *, void **, size_t *);
typedef CUresult (*cu_node_type_fn)(void *, int *);
typedef CUresult (*cu_kernel_params_fn)(void *, reef_kernel_node_params *);

int64_t reef_cu_graph_max_blocks(void *graph) {
    RESOLVE(cu_graph_nodes_fn, get_nodes, cu_fn, "cuGraphGetNodes");
    RESOLVE(cu_node_type_fn, get_type, cu_fn, "cuGraphNodeGetType");
    RESOLVE(cu_kernel_params_fn, get_params, cu_fn, "cuGraphKernelNodeGetParams_v2");
    RESOLVE(cu_kernel_params_fn, get_params_v1, cu_fn, "cuGraphKernelNodeGetParams");
    cu_kernel_params_fn params_fn = get_params ? get_params : get_params_v1;
    size_t n = 0;
    if (!graph || !get_nodes || !get_type || !params_fn || get_nodes(graph, NULL, &n) != CUDA_SUCCESS) return -1;
    if (n == 0) return 0;
    if (n > (1u << 20)) return -1;
    void **nodes = calloc(n, sizeof *nodes);
    if (!nodes) return -1;
    int64_t most = 0;
    if (get_nodes(graph, nodes, &n) != CUDA_SUCCESS) most = -1;
    for (size_t i = 0; most >= 0 && i < n; i++) {
        int type = -1;
        if (!nodes[i] || get_type(nodes[i], &type) != CUDA_SUCCESS) { most = -1; break; }
        if (type == 4 /* CU_GRAPH_NODE_TYPE_GRAPH */) { most = -1; break; }
        if (type != 0 /* CU_GRAPH_NODE_TYPE_KERNEL */) continue;
        reef_kernel_node_params p;
        memset(&p, 0, sizeof p);
        if (params_fn(nodes[i], &p) != CUDA_SUCCESS) { most = -1; break; }
        int64_t blocks = (int64_t)p.gridDimX * (int64_t)p.gridDimY * (int64_t)p.gridDimZ;
        if (blocks > most) most = blocks;
    }
    free(nodes);
    return most;
}

/* ---- HIP ---- */
typedef hipError_t (*hip_get_device_fn)(int *);
typedef hipError_t (*hip_attr_fn)(int *, int, int);
typedef hipError_t (*hip_module_occ_fn)(int *, void *, int, size_t);
typedef hipError_t (*hip_occ_fn)(int *, const void *, int, size_t);
typedef hipError_t (*hip_cu_mask_stream_fn)(hipStream_t *, uint32_t, const uint32_t *);
typedef hipError_t (*hip_event_create_fn)(hipEvent_t *, unsigned);
typedef hipError_t (*hip_elapsed_fn)(float *, hipEvent_t, hipEvent_t);
typedef hipError_t (*hip_wait_event_fn)(hipStream_t, hipEvent_t, unsigned);
typedef hipError_t (*hip_last_error_fn)(void);

/* A failed call sets the thread's last error, which the app may read next: clear what ours set. */
static hipError_t hip_keep_last_error(hipError_t r) {
    RESOLVE(hip_last_error_fn, take, hip_fn, "hipGetLastError");
    if (r != hipSuccess && take) (void)take();
    return r;
}

int reef_hip_cu_count(void) {
    RESOLVE(hip_get_device_fn, get_device, hip_fn, "hipGetDevice");
    RESOLVE(hip_attr_fn, attr, hip_fn, "hipDeviceGetAttribute");
    int dev = 0, n = 0;
    if (!get_device || !attr || get_device(&dev) != hipSuccess) return 0;
    return hip_keep_last_error(attr(&n, hipDeviceAttributeMultiprocessorCount, dev)) == hipSuccess ? n : 0;
}

/* module: 1 for a hipFunction_t (module launches), 0 for a host function (hipLaunchKernel). */
int32_t reef_hip_occupancy(const void *f, int module, int block_threads, size_t shared_bytes, int *blocks) {
    RESOLVE(hip_module_occ_fn, mfn, hip_fn, "hipModuleOccupancyMaxActiveBlocksPerMultiprocessor");
    RESOLVE(hip_occ_fn, hfn, hip_fn, "hipOccupancyMaxActiveBlocksPerMultiprocessor");
    if (module) return mfn ? hip_keep_last_error(mfn(blocks, (void *)f, block_threads, shared_bytes)) : 500;
    return hfn ? hip_keep_last_error(hfn(blocks, f, block_threads, shared_bytes)) : 500;
}

int32_t reef_hip_timing_event(void **event) {
    RESOLVE(hip_event_create_fn, fn, hip_fn, "hipEventCreateWithFlags");
    return fn ? hip_keep_last_error(fn((hipEvent_t *)event, 0 /* hipEventDefault: timing on */)) : 500;
}

int32_t reef_hip_event_elapsed(void *start, void *end, float *ms) {
    RESOLVE(hip_elapsed_fn, fn, hip_fn, "hipEventElapsedTime");
    return fn ? hip_keep_last_error(fn(ms, (hipEvent_t)start, (hipEvent_t)end)) : 500;
}

int32_t reef_hip_stream_wait_event(void *stream, void *event) {
    RESOLVE(hip_wait_event_fn, fn, hip_fn, "hipStreamWaitEvent");
    return fn ? hip_keep_last_error(fn((hipStream_t)stream, (hipEvent_t)event, 0)) : 500;
}

/* A stream whose kernels run on CUs [first, first + count) only. */
int32_t reef_hip_partition_stream(unsigned first, unsigned count, void **stream) {
    RESOLVE(hip_cu_mask_stream_fn, fn, hip_fn, "hipExtStreamCreateWithCUMask");
    if (!fn) return 500;
    uint32_t mask[32];
    memset(mask, 0, sizeof mask);
    for (unsigned i = first; i < first + count && i < 32 * 32; i++) mask[i / 32] |= 1u << (i % 32);
    return hip_keep_last_error(fn((hipStream_t *)stream, 32, mask));
}
