/* cuda_procaddress.c — cuGetProcAddress / cuGetProcAddress_v2: CUDA 12+'s runtime resolves every
 * driver function through these, so each answer naming a routed variant is swapped for our
 * wrapper of that exact variant (legacy or per-thread form, the version asked for). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "reef_shim.h"

typedef CUresult (*get_proc_v1_fn)(const char *, void **, int, cuuint64_t);
typedef CUresult (*get_proc_v2_fn)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);

/* Versioned names, for answers that are not an exported symbol (dladdr cannot name them). */
static const struct { const char *base; int since; const char *suffix; } versions[] = {
    {"cuCtxSynchronize", 13000, "_v2"},      {"cuGetProcAddress", 12000, "_v2"},
    {"cuStreamBeginCapture", 10010, "_v2"},  {"cuStreamDestroy", 4000, "_v2"},
    {"cuEventDestroy", 4000, "_v2"},         {"cuStreamWaitValue32", 12000, "_v2"},
    {"cuStreamWaitValue64", 12000, "_v2"},   {"cuStreamWriteValue32", 12000, "_v2"},
    {"cuStreamWriteValue64", 12000, "_v2"},  {"cuStreamBatchMemOp", 12000, "_v2"},
    {"cuMemcpyBatchAsync", 13000, "_v2"},    {"cuMemcpyHtoD", 3020, "_v2"},
    {"cuMemcpyDtoH", 3020, "_v2"},           {"cuMemcpyDtoD", 3020, "_v2"},
    {"cuMemcpy2D", 3020, "_v2"},             {"cuMemcpy2DUnaligned", 3020, "_v2"},
    {"cuMemcpy3D", 3020, "_v2"},             {"cuMemcpyHtoDAsync", 3020, "_v2"},
    {"cuMemcpyDtoHAsync", 3020, "_v2"},      {"cuMemcpyDtoDAsync", 3020, "_v2"},
    {"cuMemcpy2DAsync", 3020, "_v2"},        {"cuMemcpy3DAsync", 3020, "_v2"},
    {"cuMemcpyHtoAAsync", 3020, "_v2"},      {"cuMemcpyAtoHAsync", 3020, "_v2"},
    {"cuMemsetD8", 3020, "_v2"},             {"cuMemsetD16", 3020, "_v2"},
    {"cuMemsetD32", 3020, "_v2"},            {"cuMemsetD2D8", 3020, "_v2"},
    {"cuMemsetD2D16", 3020, "_v2"},          {"cuMemsetD2D32", 3020, "_v2"},
    {"cuMemFree", 3020, "_v2"},              {"cuMemPrefetchAsync", 12020, "_v2"},
    {"cuMemcpy3DBatchAsync", 13000, "_v2"},  {"cuMemcpyHtoA", 3020, "_v2"},
    {"cuMemcpyAtoH", 3020, "_v2"},           {"cuMemcpyDtoA", 3020, "_v2"},
    {"cuMemcpyAtoD", 3020, "_v2"},           {"cuMemcpyAtoA", 3020, "_v2"},
    {"cuEventElapsedTime", 12080, "_v2"},
};

/* The routed variant a (symbol, version, flags) request names, or 0. */
static uint32_t variant_by_rules(const char *symbol, int version, cuuint64_t flags) {
    const char *suffix = "";
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (version >= versions[i].since && strcmp(symbol, versions[i].base) == 0) suffix = versions[i].suffix;
    char name[128];
    if (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) {
        static const char *const per_thread[] = {"_ptsz", "_ptds"};
        for (int i = 0; i < 2; i++) {
            snprintf(name, sizeof name, "%s%s%s", symbol, suffix, per_thread[i]);
            uint32_t api = reef_api_by_name(name);
            if (api) return api;
        }
    }
    snprintf(name, sizeof name, "%s%s", symbol, suffix);
    return reef_api_by_name(name);
}

/* Swap a driver answer for our wrapper of the same variant. */
static void *wrap_answer(const char *symbol, void *answer, int version, cuuint64_t flags) {
    if (answer == NULL || symbol == NULL) return answer;
    uint32_t api = 0;
    Dl_info info;
    /* The answer is normally an exported driver symbol: its own name says which variant it is. */
    if (dladdr(answer, &info) && info.dli_sname && info.dli_saddr == answer)
        api = reef_api_by_name(info.dli_sname);
    if (api == 0 || strncmp(reef_api_info(api)->name, symbol, strlen(symbol)) != 0)
        api = variant_by_rules(symbol, version, flags);
    if (api == 0) return answer; /* not routed: the app gets the driver's own function */
    void *wrapper = reef_wrapper_fn(api);
    if (answer == wrapper) return answer;
    reef_real_remember(api, answer);
    return wrapper;
}

REEF_EXPORT CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version, cuuint64_t flags,
                                         CUdriverProcAddressQueryResult *status) {
    get_proc_v2_fn real = (get_proc_v2_fn)reef_real_fn(REEF_API_cuGetProcAddress_v2);
    if (real == NULL) return reef_missing(REEF_API_cuGetProcAddress_v2);
    CUresult result = real(symbol, pfn, version, flags, status);
    if (result == CUDA_SUCCESS && pfn) *pfn = wrap_answer(symbol, *pfn, version, flags);
    return result;
}

REEF_EXPORT CUresult cuGetProcAddress(const char *symbol, void **pfn, int version, cuuint64_t flags) {
    get_proc_v1_fn real = (get_proc_v1_fn)reef_real_fn(REEF_API_cuGetProcAddress);
    if (real == NULL) return reef_missing(REEF_API_cuGetProcAddress);
    CUresult result = real(symbol, pfn, version, flags);
    if (result == CUDA_SUCCESS && pfn) *pfn = wrap_answer(symbol, *pfn, version, flags);
    return result;
}
