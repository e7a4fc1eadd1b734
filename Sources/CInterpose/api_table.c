/* api_table.c — per api id: what it is, our wrapper, its forwarder, the real function. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "reef_shim.h"

/* Declarations of the hand-written exports (the X-listed ones are declared by their headers). */
void **__hipRegisterFatBinary(const void *data);
void __hipRegisterFunction(void **modules, const void *hostFunction, char *deviceFunction,
                           const char *deviceName, unsigned int threadLimit, void *tid, void *bid,
                           void *blockDim, void *gridDim, int *wSize);
void __hipUnregisterFatBinary(void **modules);
hipError_t hipExtLaunchKernel(const void *f, dim3 grid, dim3 block, void **args, size_t shmem,
                              hipStream_t stream, hipEvent_t start, hipEvent_t stop, int flags);

#define FN_OF(kind, rt) \
    ((kind) == REEF_K_LAUNCH || (kind) == REEF_K_LAUNCH_EX || (kind) == REEF_K_LAUNCH_COOP \
         ? (rt) : REEF_FN_NONE)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const ReefApiInfo infos[REEF_API_COUNT] = {
#define CUDA_INFO(name, kind, streamArg, perThread, types) \
    [REEF_API_##name] = {#name, kind, streamArg, perThread, REEF_RUNTIME_CUDA, FN_OF(kind, REEF_FN_CUDA)},
    REEF_CUDA_CALLS(CUDA_INFO)
#undef CUDA_INFO
#define HIP_INFO(name, kind, streamArg, perThread, ...) \
    [REEF_API_##name] = {#name, kind, streamArg, perThread, REEF_RUNTIME_HIP, FN_OF(kind, REEF_FN_HIP_STUB)},
    REEF_HIP_CALLS(HIP_INFO)
    REEF_HIP_SPECIAL_CALLS(HIP_INFO)
#undef HIP_INFO
    /* Module launches take a hipFunction_t, not a host stub. */
    [REEF_API_hipModuleLaunchKernel] = {"hipModuleLaunchKernel", REEF_K_LAUNCH, 8, 0, REEF_RUNTIME_HIP, REEF_FN_HIP_MODULE},
    [REEF_API_hipExtModuleLaunchKernel] = {"hipExtModuleLaunchKernel", REEF_K_LAUNCH, 8, 0, REEF_RUNTIME_HIP, REEF_FN_HIP_MODULE},
    [REEF_API_cuCtxSynchronize] = {"cuCtxSynchronize", REEF_K_SYNC, -1, 0, REEF_RUNTIME_CUDA, REEF_FN_NONE},
    [REEF_API_cuGetProcAddress] = {"cuGetProcAddress", REEF_K_OTHER, -1, 0, REEF_RUNTIME_CUDA, REEF_FN_NONE},
    [REEF_API_cuGetProcAddress_v2] = {"cuGetProcAddress_v2", REEF_K_OTHER, -1, 0, REEF_RUNTIME_CUDA, REEF_FN_NONE},
};
#pragma GCC diagnostic pop

static void *const wrappers[REEF_API_COUNT] = {
#define WRAPPER(name, ...) [REEF_API_##name] = (void *)name,
    REEF_CUDA_CALLS(WRAPPER)
    REEF_HIP_CALLS(WRAPPER)
#undef WRAPPER
    [REEF_API_hipLaunchKernel] = (void *)hipLaunchKernel,
    [REEF_API_hipLaunchKernel_spt] = (void *)hipLaunchKernel_spt,
    [REEF_API_hipExtLaunchKernel] = (void *)hipExtLaunchKernel,
    [REEF_API_hipLaunchCooperativeKernel] = (void *)hipLaunchCooperativeKernel,
    [REEF_API_hipLaunchCooperativeKernel_spt] = (void *)hipLaunchCooperativeKernel_spt,
    [REEF_API_hipExtModuleLaunchKernel] = (void *)reef_hipExtModuleLaunchKernel,
    [REEF_API_hipDeviceSynchronize] = (void *)hipDeviceSynchronize,
    [REEF_API___hipRegisterFatBinary] = (void *)__hipRegisterFatBinary,
    [REEF_API___hipRegisterFunction] = (void *)__hipRegisterFunction,
    [REEF_API___hipUnregisterFatBinary] = (void *)__hipUnregisterFatBinary,
    [REEF_API_cuCtxSynchronize] = (void *)cuCtxSynchronize,
    [REEF_API_cuGetProcAddress] = (void *)cuGetProcAddress,
    [REEF_API_cuGetProcAddress_v2] = (void *)cuGetProcAddress_v2,
};

static int32_t (*const forwarders[REEF_API_COUNT])(const ReefCall *) = {
#define FORWARDER(name, ...) [REEF_API_##name] = reef_fwd_##name,
    REEF_CUDA_CALLS(FORWARDER)
    REEF_HIP_CALLS(FORWARDER)
    REEF_HIP_SPECIAL_CALLS(FORWARDER)
#undef FORWARDER
    [REEF_API_cuCtxSynchronize] = reef_fwd_cuCtxSynchronize,
};

/* The exported symbol each id resolves to in the real library (differs for C++-only names). */
static const char *real_symbol(uint32_t api) {
    if (api == REEF_API_hipExtModuleLaunchKernel)
        return "_Z24hipExtModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_P11ihipEvent_tS6_j";
    return infos[api].name;
}

static void *real_fns[REEF_API_COUNT];

uint32_t reef_api_count(void) { return REEF_API_COUNT; }

const ReefApiInfo *reef_api_info(uint32_t api) {
    return api > 0 && api < REEF_API_COUNT && infos[api].name ? &infos[api] : NULL;
}

void *reef_wrapper_fn(uint32_t api) { return api < REEF_API_COUNT ? wrappers[api] : NULL; }

void reef_real_remember(uint32_t api, void *real) {
    if (api == 0 || api >= REEF_API_COUNT || real == NULL || real == wrappers[api]) return;
    void *expected = NULL;
    __atomic_compare_exchange_n(&real_fns[api], &expected, real, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

REEF_HOT void *reef_real_fn(uint32_t api) {
    void *fn = __atomic_load_n(&real_fns[api], __ATOMIC_ACQUIRE);
    if (__builtin_expect(fn != NULL, 1)) return fn;
    const char *sym = real_symbol(api);
    /* The next definition after ours in the global scope; failing that the runtime loaded with
     * RTLD_LOCAL (Python extensions load HIP so), found by soname. */
    fn = reef_real_dlsym(RTLD_NEXT, sym);
    if (fn == NULL || fn == wrappers[api]) {
        void *handle = reef_runtime_handle(infos[api].runtime);
        fn = handle ? reef_real_dlsym(handle, sym) : NULL;
    }
    if (fn == NULL || fn == wrappers[api]) return NULL;
    reef_real_remember(api, fn);
    return __atomic_load_n(&real_fns[api], __ATOMIC_ACQUIRE);
}

int reef_real_available(uint32_t api) { return api < REEF_API_COUNT && reef_real_fn(api) != NULL; }

REEF_HOT int32_t reef_forward(const ReefCall *call) {
    if (call->api == 0 || call->api >= REEF_API_COUNT || forwarders[call->api] == NULL)
        return CUDA_ERROR_INVALID_VALUE;
    return forwarders[call->api](call);
}

int32_t reef_missing(uint32_t api) {
    static int warned[REEF_API_COUNT];
    reef_c_warn_once(&warned[api < REEF_API_COUNT ? api : 0], infos[api].name,
                     "the real runtime function was not found (is the runtime library loaded?); "
                     "returning error 500 (not found)");
    return 500; /* CUDA_ERROR_NOT_FOUND == hipErrorNotFound */
}

/* Name lookup: a sorted index built on first use (dlsym and cuGetProcAddress call it). */
static uint32_t sorted_ids[REEF_API_COUNT];
static uint32_t sorted_count;
static int sorted_state; /* 0 none, 1 building, 2 ready */

static int compare_ids(const void *a, const void *b) {
    return strcmp(infos[*(const uint32_t *)a].name, infos[*(const uint32_t *)b].name);
}

static void build_index(void) {
    int expected = 0;
    if (__atomic_compare_exchange_n(&sorted_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        uint32_t n = 0;
        for (uint32_t id = 1; id < REEF_API_COUNT; id++)
            if (infos[id].name && wrappers[id]) sorted_ids[n++] = id;
        qsort(sorted_ids, n, sizeof sorted_ids[0], compare_ids);
        sorted_count = n;
        __atomic_store_n(&sorted_state, 2, __ATOMIC_RELEASE);
    }
    while (__atomic_load_n(&sorted_state, __ATOMIC_ACQUIRE) != 2) { /* another thread is sorting */ }
}

uint32_t reef_api_by_name(const char *name) {
    if (name == NULL || !((name[0] == 'c' && name[1] == 'u') || (name[0] == 'h' && name[1] == 'i') ||
                          (name[0] == '_' && name[1] == '_' && name[2] == 'h') || name[0] == '_'))
        return 0;
    if (name[0] == '_' && strcmp(name, real_symbol(REEF_API_hipExtModuleLaunchKernel)) == 0)
        return REEF_API_hipExtModuleLaunchKernel;
    if (__atomic_load_n(&sorted_state, __ATOMIC_ACQUIRE) != 2) build_index();
    uint32_t lo = 0, hi = sorted_count;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = strcmp(name, infos[sorted_ids[mid]].name);
        if (c == 0) return sorted_ids[mid];
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return 0;
}
