/* cuda_hooks.c — an exported wrapper and a forwarder for every routed CUDA driver variant. */
#include "reef_shim.h"

#define CUDA_ROUTED(name, kind, streamArg, perThread, types) REEF_DEFINE_ROUTED(CUresult, REEF_RUNTIME_CUDA, name, types)
REEF_CUDA_CALLS(CUDA_ROUTED)
#undef CUDA_ROUTED

/* The one routed call with no arguments. */
typedef CUresult (*ctx_sync_fn)(void);
REEF_EXPORT CUresult cuCtxSynchronize(void) {
    if (!reef_should_route_call(REEF_RUNTIME_CUDA)) {
        ctx_sync_fn real = (ctx_sync_fn)reef_real_fn(REEF_API_cuCtxSynchronize);
        return real ? real() : reef_missing(REEF_API_cuCtxSynchronize);
    }
    ReefCall c;
    c.api = REEF_API_cuCtxSynchronize;
    c.nargs = 0;
    return reef_route_call(&c);
}
int32_t reef_fwd_cuCtxSynchronize(const ReefCall *c) {
    (void)c;
    ctx_sync_fn real = (ctx_sync_fn)reef_real_fn(REEF_API_cuCtxSynchronize);
    return real ? real() : reef_missing(REEF_API_cuCtxSynchronize);
}

/* Driver queries the core uses for argument capture and naming; absent on old drivers. */
typedef CUresult (*param_info_fn)(void *, size_t, size_t *, size_t *);
typedef CUresult (*get_name_fn)(const char **, void *);

static void *driver_fn(const char *name) {
    void *h = reef_runtime_handle(REEF_RUNTIME_CUDA);
    return h ? reef_real_dlsym(h, name) : NULL;
}

CUresult reef_cu_func_get_param_info(CUfunction f, size_t index, size_t *offset, size_t *size) {
    static param_info_fn fn;
    if (!fn) fn = (param_info_fn)driver_fn("cuFuncGetParamInfo");
    return fn ? fn(f, index, offset, size) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_kernel_get_param_info(CUkernel k, size_t index, size_t *offset, size_t *size) {
    static param_info_fn fn;
    if (!fn) fn = (param_info_fn)driver_fn("cuKernelGetParamInfo");
    return fn ? fn(k, index, offset, size) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_func_get_name(CUfunction f, const char **name) {
    static get_name_fn fn;
    if (!fn) fn = (get_name_fn)driver_fn("cuFuncGetName");
    return fn ? fn(name, f) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_kernel_get_name(CUkernel k, const char **name) {
    static get_name_fn fn;
    if (!fn) fn = (get_name_fn)driver_fn("cuKernelGetName");
    return fn ? fn(name, k) : CUDA_ERROR_NOT_FOUND;
}

/* The scheduler releases held work from its own thread, in the submitting thread's context. */
typedef CUresult (*ctx_get_fn)(CUcontext *);
typedef CUresult (*ctx_set_fn)(CUcontext);

CUresult reef_cu_ctx_get_current(CUcontext *ctx) {
    static ctx_get_fn fn;
    if (!fn) fn = (ctx_get_fn)driver_fn("cuCtxGetCurrent");
    return fn ? fn(ctx) : CUDA_ERROR_NOT_FOUND;
}

CUresult reef_cu_ctx_set_current(CUcontext ctx) {
    static ctx_set_fn fn;
    if (!fn) fn = (ctx_set_fn)driver_fn("cuCtxSetCurrent");
    return fn ? fn(ctx) : CUDA_ERROR_NOT_FOUND;
}

/* Whether host memory is page-locked (known to the driver): 1 pinned or managed, 0 pageable,
 * -1 when the driver cannot say. A held copy from pinned memory reads it when it runs, as the
 * driver's own would; pageable memory is read at call time, so Reef stages it. */
typedef CUresult (*pointer_attribute_fn)(void *, int, CUdeviceptr);

int reef_cu_host_memory_is_pinned(const void *p) {
    static pointer_attribute_fn fn;
    if (!fn) fn = (pointer_attribute_fn)driver_fn("cuPointerGetAttribute");
    if (!fn) return -1;
    unsigned int type = 0;
    CUresult r = fn(&type, 2 /* CU_POINTER_ATTRIBUTE_MEMORY_TYPE */, (CUdeviceptr)(uintptr_t)p);
    if (r == CUDA_SUCCESS) return 1;
    return r == CUDA_ERROR_INVALID_VALUE ? 0 : -1;
}

/* The calling thread's GPU as a UUID (32 hex digits into out[33]); 0 on success. Processes
 * that see the GPU under different ordinals (CUDA_VISIBLE_DEVICES) agree on it. */
typedef CUresult (*ctx_device_fn)(int *);
typedef CUresult (*device_uuid_fn)(unsigned char *, int);

int reef_cu_device_uuid(char out[33]) {
    static ctx_device_fn get_device;
    static device_uuid_fn get_uuid;
    if (!get_device) get_device = (ctx_device_fn)driver_fn("cuCtxGetDevice");
    if (!get_uuid) get_uuid = (device_uuid_fn)driver_fn("cuDeviceGetUuid_v2");
    if (!get_uuid) get_uuid = (device_uuid_fn)driver_fn("cuDeviceGetUuid");
    int dev = 0;
    unsigned char uuid[16];
    if (!get_device || !get_uuid || get_device(&dev) != CUDA_SUCCESS || get_uuid(uuid, dev) != CUDA_SUCCESS) return -1;
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) { out[2 * i] = hex[uuid[i] >> 4]; out[2 * i + 1] = hex[uuid[i] & 15]; }
    out[32] = 0;
    return 0;
}

typedef CUresult (*priority_range_fn)(int *, int *);

CUresult reef_cu_stream_priority_range(int *least, int *greatest) {
    static priority_range_fn fn;
    if (!fn) fn = (priority_range_fn)driver_fn("cuCtxGetStreamPriorityRange");
    return fn ? fn(least, greatest) : CUDA_ERROR_NOT_FOUND;
}
