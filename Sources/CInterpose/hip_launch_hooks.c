/* hip_launch_hooks.c — HIP entry points that the generated wrappers cannot express: launches
 * taking dim3 by value (packed into the cuLaunchKernel layout), the C++-only
 * hipExtModuleLaunchKernel, hipDeviceSynchronize (no arguments) and the registration calls of
 * hipcc-built programs, whose results the core reads to learn kernel argument layouts. */
#include "reef_shim.h"

#define PACK_DIM3_LAUNCH(c, f, grid, block, args, shmem, stream) \
    do {                                                         \
        (c).args[0] = (uint64_t)(uintptr_t)(f);                  \
        (c).args[1] = (grid).x;                                  \
        (c).args[2] = (grid).y;                                  \
        (c).args[3] = (grid).z;                                  \
        (c).args[4] = (block).x;                                 \
        (c).args[5] = (block).y;                                 \
        (c).args[6] = (block).z;                                 \
        (c).args[7] = (uint64_t)(shmem);                         \
        (c).args[8] = (uint64_t)(uintptr_t)(stream);             \
        (c).args[9] = (uint64_t)(uintptr_t)(args);               \
        (c).args[10] = 0;                                        \
    } while (0)

#define GRID(c) ((dim3){(uint32_t)(c)->args[1], (uint32_t)(c)->args[2], (uint32_t)(c)->args[3]})
#define BLOCK(c) ((dim3){(uint32_t)(c)->args[4], (uint32_t)(c)->args[5], (uint32_t)(c)->args[6]})

/* hipLaunchKernel, hipLaunchKernel_spt, hipLaunchCooperativeKernel(_spt): same shape. */
#define DIM3_LAUNCH(name, SHMEM_T)                                                              \
    typedef hipError_t (*reef_fn_##name)(const void *, dim3, dim3, void **, SHMEM_T, hipStream_t); \
    REEF_EXPORT hipError_t name(const void *f, dim3 grid, dim3 block, void **args, SHMEM_T shmem, \
                                hipStream_t stream) {                                           \
        if (!reef_should_route_call(REEF_RUNTIME_HIP)) {                                        \
            reef_fn_##name real = (reef_fn_##name)reef_real_fn(REEF_API_##name);                \
            return real ? real(f, grid, block, args, shmem, stream)                             \
                        : (hipError_t)reef_missing(REEF_API_##name);                            \
        }                                                                                       \
        ReefCall c;                                                                             \
        c.api = REEF_API_##name;                                                                \
        c.nargs = 11;                                                                           \
        PACK_DIM3_LAUNCH(c, f, grid, block, args, shmem, stream);                               \
        return (hipError_t)reef_route_call(&c);                                                 \
    }                                                                                           \
    int32_t reef_fwd_##name(const ReefCall *c) {                                                \
        reef_fn_##name real = (reef_fn_##name)reef_real_fn(REEF_API_##name);                    \
        if (!real) return reef_missing(REEF_API_##name);                                        \
        return real((const void *)(uintptr_t)c->args[0], GRID(c), BLOCK(c),                     \
                    (void **)(uintptr_t)c->args[9], (SHMEM_T)c->args[7],                        \
                    (hipStream_t)(uintptr_t)c->args[8]);                                        \
    }

DIM3_LAUNCH(hipLaunchKernel, size_t)
DIM3_LAUNCH(hipLaunchKernel_spt, size_t)
DIM3_LAUNCH(hipLaunchCooperativeKernel, unsigned int)
DIM3_LAUNCH(hipLaunchCooperativeKernel_spt, unsigned int)

typedef hipError_t (*ext_launch_fn)(const void *, dim3, dim3, void **, size_t, hipStream_t, hipEvent_t,
                                    hipEvent_t, int);
REEF_EXPORT hipError_t hipExtLaunchKernel(const void *f, dim3 grid, dim3 block, void **args, size_t shmem,
                                          hipStream_t stream, hipEvent_t start, hipEvent_t stop, int flags) {
    if (!reef_should_route_call(REEF_RUNTIME_HIP)) {
        ext_launch_fn real = (ext_launch_fn)reef_real_fn(REEF_API_hipExtLaunchKernel);
        return real ? real(f, grid, block, args, shmem, stream, start, stop, flags)
                    : (hipError_t)reef_missing(REEF_API_hipExtLaunchKernel);
    }
    ReefCall c;
    c.api = REEF_API_hipExtLaunchKernel;
    c.nargs = 14;
    PACK_DIM3_LAUNCH(c, f, grid, block, args, shmem, stream);
    c.args[11] = (uint64_t)(uintptr_t)start;
    c.args[12] = (uint64_t)(uintptr_t)stop;
    c.args[13] = (uint64_t)(uint32_t)flags;
    return (hipError_t)reef_route_call(&c);
}
int32_t reef_fwd_hipExtLaunchKernel(const ReefCall *c) {
    ext_launch_fn real = (ext_launch_fn)reef_real_fn(REEF_API_hipExtLaunchKernel);
    if (!real) return reef_missing(REEF_API_hipExtLaunchKernel);
    return real((const void *)(uintptr_t)c->args[0], GRID(c), BLOCK(c), (void **)(uintptr_t)c->args[9],
                (size_t)c->args[7], (hipStream_t)(uintptr_t)c->args[8], (hipEvent_t)(uintptr_t)c->args[11],
                (hipEvent_t)(uintptr_t)c->args[12], (int)(uint32_t)c->args[13]);
}

/* Exported only under its C++ name, like the real library's. */
typedef hipError_t (*ext_module_launch_fn)(hipFunction_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                                           uint32_t, size_t, hipStream_t, void **, void **, hipEvent_t,
                                           hipEvent_t, uint32_t);
REEF_EXPORT hipError_t reef_hipExtModuleLaunchKernel(hipFunction_t f, uint32_t gx, uint32_t gy, uint32_t gz, uint32_t lx,
                                         uint32_t ly, uint32_t lz, size_t shmem, hipStream_t stream,
                                         void **params, void **extra, hipEvent_t start, hipEvent_t stop,
                                         uint32_t flags) {
    if (!reef_should_route_call(REEF_RUNTIME_HIP)) {
        ext_module_launch_fn real = (ext_module_launch_fn)reef_real_fn(REEF_API_hipExtModuleLaunchKernel);
        return real ? real(f, gx, gy, gz, lx, ly, lz, shmem, stream, params, extra, start, stop, flags)
                    : (hipError_t)reef_missing(REEF_API_hipExtModuleLaunchKernel);
    }
    ReefCall c = {.api = REEF_API_hipExtModuleLaunchKernel, .nargs = 14,
                  .args = {(uint64_t)(uintptr_t)f, gx, gy, gz, lx, ly, lz, shmem, (uint64_t)(uintptr_t)stream,
                           (uint64_t)(uintptr_t)params, (uint64_t)(uintptr_t)extra, (uint64_t)(uintptr_t)start,
                           (uint64_t)(uintptr_t)stop, flags}};
    return (hipError_t)reef_route_call(&c);
}
int32_t reef_fwd_hipExtModuleLaunchKernel(const ReefCall *c) {
    ext_module_launch_fn real = (ext_module_launch_fn)reef_real_fn(REEF_API_hipExtModuleLaunchKernel);
    if (!real) return reef_missing(REEF_API_hipExtModuleLaunchKernel);
    return real((hipFunction_t)(uintptr_t)c->args[0], (uint32_t)c->args[1], (uint32_t)c->args[2],
                (uint32_t)c->args[3], (uint32_t)c->args[4], (uint32_t)c->args[5], (uint32_t)c->args[6],
                (size_t)c->args[7], (hipStream_t)(uintptr_t)c->args[8], (void **)(uintptr_t)c->args[9],
                (void **)(uintptr_t)c->args[10], (hipEvent_t)(uintptr_t)c->args[11],
                (hipEvent_t)(uintptr_t)c->args[12], (uint32_t)c->args[13]);
}

typedef hipError_t (*device_sync_fn)(void);
REEF_EXPORT hipError_t hipDeviceSynchronize(void) {
    if (!reef_should_route_call(REEF_RUNTIME_HIP)) {
        device_sync_fn real = (device_sync_fn)reef_real_fn(REEF_API_hipDeviceSynchronize);
        return real ? real() : (hipError_t)reef_missing(REEF_API_hipDeviceSynchronize);
    }
    ReefCall c = {.api = REEF_API_hipDeviceSynchronize, .nargs = 0};
    return (hipError_t)reef_route_call(&c);
}
int32_t reef_fwd_hipDeviceSynchronize(const ReefCall *c) {
    (void)c;
    device_sync_fn real = (device_sync_fn)reef_real_fn(REEF_API_hipDeviceSynchronize);
    return real ? real() : reef_missing(REEF_API_hipDeviceSynchronize);
}

/* Registration of statically compiled kernels (hipcc's module constructors call these before
 * main). Not routed: the core only learns from them. */
typedef void **(*register_fatbin_fn)(const void *);
typedef void (*register_function_fn)(void **, const void *, char *, const char *, unsigned int, void *, void *,
                                     void *, void *, int *);
typedef void (*unregister_fatbin_fn)(void **);

REEF_EXPORT void **__hipRegisterFatBinary(const void *data) {
    register_fatbin_fn real = (register_fatbin_fn)reef_real_fn(REEF_API___hipRegisterFatBinary);
    if (!real) {
        reef_missing(REEF_API___hipRegisterFatBinary);
        return NULL;
    }
    void **handle = real(data);
    if (handle && reef_should_route()) {
        reef_depth++;
        reef_core_hip_fatbin_registered(data, handle);
        reef_depth--;
    }
    return handle;
}

REEF_EXPORT void __hipRegisterFunction(void **modules, const void *hostFunction, char *deviceFunction,
                                       const char *deviceName, unsigned int threadLimit, void *tid, void *bid,
                                       void *blockDim, void *gridDim, int *wSize) {
    register_function_fn real = (register_function_fn)reef_real_fn(REEF_API___hipRegisterFunction);
    if (!real) {
        reef_missing(REEF_API___hipRegisterFunction);
        return;
    }
    real(modules, hostFunction, deviceFunction, deviceName, threadLimit, tid, bid, blockDim, gridDim, wSize);
    if (reef_should_route()) {
        reef_depth++;
        reef_core_hip_function_registered(modules, hostFunction, deviceName);
        reef_depth--;
    }
}

REEF_EXPORT void __hipUnregisterFatBinary(void **modules) {
    unregister_fatbin_fn real = (unregister_fatbin_fn)reef_real_fn(REEF_API___hipUnregisterFatBinary);
    if (real) real(modules);
}

/* Never routed through a ReefCall: the forwarders exist only to fill the table. */
int32_t reef_fwd___hipRegisterFatBinary(const ReefCall *c) { (void)c; return CUDA_ERROR_NOT_SUPPORTED; }
int32_t reef_fwd___hipRegisterFunction(const ReefCall *c) { (void)c; return CUDA_ERROR_NOT_SUPPORTED; }
int32_t reef_fwd___hipUnregisterFatBinary(const ReefCall *c) { (void)c; return CUDA_ERROR_NOT_SUPPORTED; }

/* Runtime queries the scheduler uses for HIP: the calling thread's device, and priorities. */
typedef hipError_t (*get_device_fn)(int *);
typedef hipError_t (*set_device_fn)(int);
typedef hipError_t (*hip_priority_range_fn)(int *, int *);

static void *hip_fn(const char *name) {
    void *h = reef_runtime_handle(REEF_RUNTIME_HIP);
    return h ? reef_real_dlsym(h, name) : NULL;
}

int32_t reef_hip_get_device(int *device) {
    static get_device_fn fn;
    if (!fn) fn = (get_device_fn)hip_fn("hipGetDevice");
    return fn ? fn(device) : 500;
}

int32_t reef_hip_set_device(int device) {
    static set_device_fn fn;
    if (!fn) fn = (set_device_fn)hip_fn("hipSetDevice");
    return fn ? fn(device) : 500;
}

/* As reef_cu_host_memory_is_pinned: HIP 5.2 answers hipErrorInvalidValue for pageable memory. */
typedef hipError_t (*pointer_attributes_fn)(hipPointerAttribute_t *, const void *);

/* A failed query sets the thread's last error, which the app may read next: query only while
 * it is clear, and clear it again after. */
typedef hipError_t (*last_error_fn)(void);

int reef_hip_host_memory_is_pinned(const void *p) {
    static pointer_attributes_fn fn;
    static last_error_fn peek, take;
    if (!fn) fn = (pointer_attributes_fn)hip_fn("hipPointerGetAttributes");
    if (!peek) peek = (last_error_fn)hip_fn("hipPeekAtLastError");
    if (!take) take = (last_error_fn)hip_fn("hipGetLastError");
    if (!fn || !peek || !take || peek() != hipSuccess) return -1;
    hipPointerAttribute_t a;
    hipError_t r = fn(&a, p);
    if (r == hipSuccess) return 1;
    (void)take();
    return r == hipErrorInvalidValue ? 0 : -1;
}

int32_t reef_hip_stream_priority_range(int *least, int *greatest) {
    static hip_priority_range_fn fn;
    if (!fn) fn = (hip_priority_range_fn)hip_fn("hipDeviceGetStreamPriorityRange");
    return fn ? fn(least, greatest) : 500;
}
