/* reef_shim.h — state shared by the C layer's files (private). */
#ifndef REEF_SHIM_H
#define REEF_SHIM_H

#include <stdint.h>
#include "reef_api.h"

#define REEF_EXPORT __attribute__((visibility("default")))

/* >0 while this thread is inside Reef: calls the runtime makes back into our exports (its own
 * PLT calls, or ours) go straight through, uncounted. */
extern __thread int reef_depth __attribute__((tls_model("initial-exec")));

static inline int reef_should_route(void) {
    return __atomic_load_n(&reef_globals.active, __ATOMIC_RELAXED) && reef_depth == 0;
}

/* Whether a call of `runtime` goes to the core (else its wrapper forwards it at once). */
static inline int reef_should_route_call(int runtime) {
    return reef_should_route() && !(__atomic_load_n(&reef_globals.forwardOnly, __ATOMIC_RELAXED) & (1u << runtime));
}

/* Functions on the path of every routed call go to .text.hot, which the linker places together:
 * between two launches the driver's microseconds of work evict the caches and TLB, and each
 * distinct code page Reef runs then costs a miss. */
#define REEF_HOT __attribute__((hot))

/* Real function of an api id, resolved on first use; NULL if the runtime lacks it. */
void *reef_real_fn(uint32_t api);
/* Remember the real function a caller obtained (dlsym / cuGetProcAddress); ignores our own. */
void reef_real_remember(uint32_t api, void *real);
/* Our exported wrapper for an api id. */
void *reef_wrapper_fn(uint32_t api);
/* api id of an exported name, or 0. */
uint32_t reef_api_by_name(const char *name);
/* The error a call returns when its real function is missing (and the one-time message). */
int32_t reef_missing(uint32_t api);
/* Route a packed call through the Swift core. Inline: one call fewer on every routed call. */
static inline int32_t reef_route_call(ReefCall *call) {
    reef_depth++;
    int32_t result = reef_core_route(&reef_globals, call);
    reef_depth--;
    return result;
}

/* glibc's dlsym, never ours. */
void *reef_real_dlsym(void *handle, const char *name);
void *(*reef_real_dlsym_fn(void))(void *, const char *);
/* A handle of the runtime library if it is loaded (RTLD_NOLOAD), else NULL. */
void *reef_runtime_handle(int runtime);

/* One stderr line, once per `flag`. Used only where the Swift core cannot speak (fail open). */
void reef_c_warn_once(int *flag, const char *what, const char *detail);

/* hipExtModuleLaunchKernel exists only under its C++ name; this is our definition of it. */
hipError_t reef_hipExtModuleLaunchKernel(hipFunction_t f, uint32_t gx, uint32_t gy, uint32_t gz, uint32_t lx,
                                         uint32_t ly, uint32_t lz, size_t shmem, hipStream_t stream,
                                         void **params, void **extra, hipEvent_t start, hipEvent_t stop,
                                         uint32_t flags)
    __asm__("_Z24hipExtModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_P11ihipEvent_tS6_j");

/* Forwarders: unpack a call and invoke the real function (defined next to each wrapper). */
#define REEF_DECL_FWD(name, ...) int32_t reef_fwd_##name(const ReefCall *c);
REEF_CUDA_CALLS(REEF_DECL_FWD)
REEF_HIP_CALLS(REEF_DECL_FWD)
REEF_HIP_SPECIAL_CALLS(REEF_DECL_FWD)
REEF_DECL_FWD(cuCtxSynchronize)
#undef REEF_DECL_FWD

/* ---- argument packing for the generated wrappers ---- */
#define REEF_ARGS(types) REEF_CAT(REEF_A_, REEF_NARG types)
#define REEF_A_1 a0
#define REEF_A_2 REEF_A_1, a1
#define REEF_A_3 REEF_A_2, a2
#define REEF_A_4 REEF_A_3, a3
#define REEF_A_5 REEF_A_4, a4
#define REEF_A_6 REEF_A_5, a5
#define REEF_A_7 REEF_A_6, a6
#define REEF_A_8 REEF_A_7, a7
#define REEF_A_9 REEF_A_8, a8
#define REEF_A_10 REEF_A_9, a9
#define REEF_A_11 REEF_A_10, a10
#define REEF_A_12 REEF_A_11, a11

#define REEF_PK(i) c.args[i] = (uint64_t)(uintptr_t)a##i;
#define REEF_PACK(types) REEF_CAT(REEF_PK_, REEF_NARG types)
#define REEF_PK_1 REEF_PK(0)
#define REEF_PK_2 REEF_PK_1 REEF_PK(1)
#define REEF_PK_3 REEF_PK_2 REEF_PK(2)
#define REEF_PK_4 REEF_PK_3 REEF_PK(3)
#define REEF_PK_5 REEF_PK_4 REEF_PK(4)
#define REEF_PK_6 REEF_PK_5 REEF_PK(5)
#define REEF_PK_7 REEF_PK_6 REEF_PK(6)
#define REEF_PK_8 REEF_PK_7 REEF_PK(7)
#define REEF_PK_9 REEF_PK_8 REEF_PK(8)
#define REEF_PK_10 REEF_PK_9 REEF_PK(9)
#define REEF_PK_11 REEF_PK_10 REEF_PK(10)
#define REEF_PK_12 REEF_PK_11 REEF_PK(11)

#define REEF_UNPACK(types) REEF_CAT(REEF_U_, REEF_NARG types) types
#define REEF_UA(t, i) (t)(uintptr_t)c->args[i]
#define REEF_U_1(t0) REEF_UA(t0, 0)
#define REEF_U_2(t0, t1) REEF_U_1(t0), REEF_UA(t1, 1)
#define REEF_U_3(t0, t1, t2) REEF_U_2(t0, t1), REEF_UA(t2, 2)
#define REEF_U_4(t0, t1, t2, t3) REEF_U_3(t0, t1, t2), REEF_UA(t3, 3)
#define REEF_U_5(t0, t1, t2, t3, t4) REEF_U_4(t0, t1, t2, t3), REEF_UA(t4, 4)
#define REEF_U_6(t0, t1, t2, t3, t4, t5) REEF_U_5(t0, t1, t2, t3, t4), REEF_UA(t5, 5)
#define REEF_U_7(t0, t1, t2, t3, t4, t5, t6) REEF_U_6(t0, t1, t2, t3, t4, t5), REEF_UA(t6, 6)
#define REEF_U_8(t0, t1, t2, t3, t4, t5, t6, t7) REEF_U_7(t0, t1, t2, t3, t4, t5, t6), REEF_UA(t7, 7)
#define REEF_U_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) REEF_U_8(t0, t1, t2, t3, t4, t5, t6, t7), REEF_UA(t8, 8)
#define REEF_U_10(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9) REEF_U_9(t0, t1, t2, t3, t4, t5, t6, t7, t8), REEF_UA(t9, 9)
#define REEF_U_11(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10) REEF_U_10(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9), REEF_UA(t10, 10)
#define REEF_U_12(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11) REEF_U_11(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10), REEF_UA(t11, 11)

/* An exported wrapper that packs the call for the core, and its forwarder. RET is CUresult or
 * hipError_t; both are int-sized. */
#define REEF_DEFINE_ROUTED(RET, RUNTIME, name, types)                                          \
    typedef RET (*reef_fn_##name)(REEF_PARAMS(types));                                         \
    REEF_EXPORT REEF_HOT RET name(REEF_PARAMS(types)) {                                                 \
        if (!reef_should_route_call(RUNTIME)) {                                                \
            reef_fn_##name real = (reef_fn_##name)reef_real_fn(REEF_API_##name);               \
            if (!real) return (RET)reef_missing(REEF_API_##name);                              \
            return real(REEF_ARGS(types));                                                     \
        }                                                                                      \
        ReefCall c;                                                                            \
        c.api = REEF_API_##name;                                                               \
        c.nargs = REEF_NARG types;                                                             \
        REEF_PACK(types)                                                                       \
        return (RET)reef_route_call(&c);                                                       \
    }                                                                                          \
    REEF_HOT int32_t reef_fwd_##name(const ReefCall *c) {                                        \
        reef_fn_##name real = (reef_fn_##name)reef_real_fn(REEF_API_##name);                   \
        if (!real) return reef_missing(REEF_API_##name);                                       \
        return (int32_t)real(REEF_UNPACK(types));                                              \
    }

#endif
