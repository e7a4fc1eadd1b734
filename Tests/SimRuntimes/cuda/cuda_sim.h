/*
 * cuda_sim.h — internals shared by the simulated libcuda.so.1's source files.
 *
 * Handles: CUstream, CUevent, CUgraph and CUgraphExec are the core's objects themselves;
 * CUcontext, CUmodule, CUfunction, CUlibrary and CUkernel are defined here. Every exported entry
 * point counts itself in SIM_STATS under its exact name (__func__) and, when it is a
 * stream-ordered command, a sync/query or a lifetime call the app makes, writes one trace line.
 */
#ifndef CUDA_SIM_H
#define CUDA_SIM_H

#include "cuda_sim_extra.h"
#include "simdev.h"

#include <stdbool.h>

#pragma GCC visibility push(hidden)

#define CUDA_SIM_DRIVER_VERSION 13000

struct CUctx_st {
    uint32_t magic;
    bool primary;
};

struct CUfunc_st {
    uint32_t magic;
    const simdev_kernel *k;
};

struct CUkern_st {
    uint32_t magic;
    const simdev_kernel *k;
    struct CUfunc_st *func; /* what cuKernelGetFunction hands out */
};

struct CUmod_st {
    uint32_t magic;
    unsigned n;
    struct CUfunc_st *funcs;
    struct CUmod_st *next;
};

struct CUlib_st {
    uint32_t magic;
    unsigned n;
    struct CUkern_st *kerns;
    struct CUfunc_st *funcs;
    struct CUlib_st *next;
};

/* ---- entry helpers (cuda_entry.c) ---- */
/* Count the call; then fail with NOT_INITIALIZED / INVALID_CONTEXT / the sticky error as the
 * driver would. cu_enter_noctx skips the context check (handle-based calls). */
CUresult cu_enter(const char *api);
CUresult cu_enter_noctx(const char *api);
CUresult cu_status(simdev_status st);
bool cu_initialized(void);
CUcontext cu_current_ctx(void);
bool cu_ctx_valid(CUcontext ctx);
/* The device's primary context (what cuDevicePrimaryCtxRetain hands out). */
CUcontext cu_primary_ctx(void);
/* Resolve a stream argument: NULL is the per-thread stream in _ptsz/_ptds forms (pt) and the
 * legacy stream otherwise; CU_STREAM_LEGACY / CU_STREAM_PER_THREAD work anywhere. */
CUresult cu_stream(CUstream h, bool pt, simdev_stream **out);
/* Trace-field formatting of a raw stream handle (after cu_stream; "bad" when invalid). */
const char *cu_fmt_stream(char *buf, CUstream h, bool pt);
/* cuLaunchHostFunc's body (cuda_hostfn.c): counted and traced as `api`, then fn(user) in stream
 * order; fn NULL gives CUDA_ERROR_INVALID_VALUE after the stream check. */
CUresult cu_host_func(const char *api, bool pt, CUstream h, CUhostFn fn, void *user);

/* ---- modules (cuda_modules.c) ---- */
/* The kernel behind a CUfunction or CUkernel handle (cuLaunchKernel accepts both). */
const simdev_kernel *cu_kernel_of(CUfunction f);
/* True when f is in fact a live CUkernel handle (launches accept both kinds). */
bool cu_is_kernel_handle(CUfunction f);

#define CU_TRACE(...)                                  \
    do {                                               \
        if (simdev_tracing()) simdev_trace(__VA_ARGS__); \
    } while (0)

#define CU_PTR(p) ((void *)(uintptr_t)(p))

#pragma GCC visibility pop

#endif /* CUDA_SIM_H */
