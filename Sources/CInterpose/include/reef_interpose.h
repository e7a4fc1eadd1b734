/*
 * reef_interpose.h — the contract between the C layer (CInterpose) and the Swift core (Interposer).
 *
 * The C layer exports the runtime's symbols, resolves the real functions and packs every routed
 * call into a ReefCall. It hands the call to the Swift core (reef_core_route), which decides what
 * to do and forwards through reef_forward, which unpacks and calls the real function. The C layer
 * decides nothing.
 */
#ifndef REEF_INTERPOSE_H
#define REEF_INTERPOSE_H

#include <stdint.h>
#include <stddef.h>
#include "reef_cuda_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { REEF_RUNTIME_CUDA = 1, REEF_RUNTIME_HIP = 2 };

/* What the core needs to know about an api id without knowing the api. */
typedef struct ReefApiInfo {
    const char *name;    /* exact exported name */
    uint8_t kind;        /* REEF_K_* */
    int8_t streamArg;    /* index of the stream argument, -1 if none */
    uint8_t perThread;   /* _ptsz/_ptds/_spt form */
    uint8_t runtime;     /* REEF_RUNTIME_* */
    uint8_t function;    /* REEF_FN_*: what the launch's function argument is */
} ReefApiInfo;

/* Launch function handles. */
enum { REEF_FN_NONE = 0, REEF_FN_CUDA = 1, REEF_FN_HIP_STUB = 2, REEF_FN_HIP_MODULE = 3 };

/* Number of api ids (ids are 1 ..< count) and what each is. */
uint32_t reef_api_count(void);
const ReefApiInfo *reef_api_info(uint32_t api);

#define REEF_CALL_MAX_ARGS 16

/* A routed call, packed. Each argument widened losslessly to 64 bits. Every kernel launch is
 * packed in the cuLaunchKernel layout: [0] function, [1..3] grid, [4..6] block, [7] shared
 * memory, [8] stream, [9] kernel parameters, [10] extra, then api-specific arguments (HIP launches
 * that take dim3 by value are unpacked into this layout). cuLaunchKernelEx keeps its own:
 * [0] config, [1] function, [2] kernel parameters, [3] extra. */
typedef struct ReefCall {
    uint32_t api;
    uint32_t nargs;
    uint64_t args[REEF_CALL_MAX_ARGS];
} ReefCall;

/* ---- implemented in C ---- */

/* Call the real function with the packed arguments; returns its CUresult / hipError_t. */
int32_t reef_forward(const ReefCall *call);
/* True when the real function of `api` could be resolved. */
int reef_real_available(uint32_t api);

/* Real driver entry points the core itself needs (argument capture, naming). Each returns the
 * runtime's error code, or CUDA_ERROR_NOT_FOUND when the driver lacks the function. */
CUresult reef_cu_func_get_param_info(CUfunction f, size_t index, size_t *offset, size_t *size);
CUresult reef_cu_kernel_get_param_info(CUkernel k, size_t index, size_t *offset, size_t *size);
CUresult reef_cu_func_get_name(CUfunction f, const char **name);
CUresult reef_cu_kernel_get_name(CUkernel k, const char **name);
CUresult reef_cu_ctx_get_current(CUcontext *ctx);
CUresult reef_cu_ctx_set_current(CUcontext ctx);
CUresult reef_cu_stream_priority_range(int *least, int *greatest);
/* HIP equivalents (hipError_t values; 500 when the runtime lacks the function). */
int32_t reef_hip_get_device(int *device);
/* 1: page-locked or managed host memory (read/written when the copy runs); 0: pageable; -1: unknown. */
int reef_cu_host_memory_is_pinned(const void *p);
/* The calling thread's GPU UUID as 32 hex digits (0), or -1 when the runtime cannot say. */
int reef_cu_device_uuid(char out[33]);
int reef_hip_host_memory_is_pinned(const void *p);
int32_t reef_hip_set_device(int device);
int32_t reef_hip_stream_priority_range(int *least, int *greatest);

/* Kernel padding (partition_hooks.c): device size, occupancy, partition streams (green contexts /
 * CU masks), timing events, stream waits. Runtime error codes; 0 SMs when unknown. */
int reef_cu_sm_count(void);
CUresult reef_cu_occupancy(CUfunction f, int block_threads, size_t shared_bytes, int *blocks);
CUresult reef_cu_timing_event(CUevent *event);
CUresult reef_cu_event_elapsed(CUevent start, CUevent end, float *ms);
CUresult reef_cu_stream_wait_event(CUstream stream, CUevent event);
CUresult reef_cu_partition_stream(unsigned sm_count, int priority, CUstream *stream);
/* REEF_BE_CONTEXT / REEF_RT_CONTEXT=green: a non-blocking stream of a green context spanning the
 * current device; slot 0 for best-effort streams, 1 for real-time ones (separate contexts). */
CUresult reef_cu_whole_device_stream(int slot, int priority, CUstream *stream);
/* The real cuStreamSynchronize and cuStreamDestroy_v2. */
CUresult reef_cu_stream_synchronize(CUstream stream);
CUresult reef_cu_stream_destroy(CUstream stream);
int64_t reef_cu_graph_max_blocks(void *graph);
/* REEF_RT_NUDGE (context_nudge.c): one empty kernel in a private context of the current device,
 * waited for up to wait_ns; the caller's context is current again after. */
CUresult reef_cu_context_nudge(uint64_t wait_ns);
/* REEF_RT_PREWARM (context_nudge.c): one empty kernel in the calling thread's current context, on
 * a private stream of the greatest priority, not waited for (launch_it 0: only prepare the module
 * and stream). 0 or the failing call's error. */
CUresult reef_cu_context_prewarm(int launch_it);
int reef_hip_cu_count(void);
int32_t reef_hip_occupancy(const void *f, int module, int block_threads, size_t shared_bytes, int *blocks);
int32_t reef_hip_timing_event(void **event);
int32_t reef_hip_event_elapsed(void *start, void *end, float *ms);
int32_t reef_hip_stream_wait_event(void *stream, void *event);
int32_t reef_hip_partition_stream(unsigned first, unsigned count, void **stream);
/* Release gates (gate_hooks.c): a host word the device reads (1 = open), and a stream wait on it. */
CUresult reef_cu_gate_alloc(uint32_t **host, uint64_t *device);
CUresult reef_cu_gate_wait(CUstream stream, uint64_t device);
int32_t reef_hip_gate_alloc(uint32_t **host, uint64_t *device);
int32_t reef_hip_gate_wait(void *stream, uint64_t device);

/* libelf, loaded on first use (HIP code-object metadata). Returns 0 when unavailable. */
typedef struct ReefElfNote {
    uint32_t type;
    const char *name;   /* note owner, e.g. "AMDGPU" */
    const uint8_t *desc;
    size_t descSize;
} ReefElfNote;
/* Calls `visit` for each note in the ELF image; returns 1 if the image was read, 0 otherwise. */
int reef_elf_for_each_note(const void *image, size_t size,
                           void (*visit)(const ReefElfNote *note, void *context), void *context);

/* Write all of `size` bytes to fd (stderr logging, stats). */
void reef_write_all(int fd, const void *bytes, size_t size);

/* Sets the calling thread's timer slack (prctl is variadic, so Swift cannot call it). Short
 * sleeps of the dispatcher then last what they ask for, not the default 50 us more. */
void reef_set_timer_slack_ns(unsigned long nanoseconds);

/* What every routed call reads first, in one cache line: whether Reef routes calls at all
 * (0 = fail open, pass everything through), the Swift core's state, and the core's view for
 * launches it only counts and forwards (LaunchFastPath.swift). All of it is set by the core
 * (a plain global: no lazy initialisation on the launch path). Between two launches the driver's
 * microseconds of work evict the caches; reading the tables' addresses from this line instead of
 * from the core's objects saves dependent cache misses on every launch. */
typedef struct {
    int32_t active;
    uint8_t passThroughLaunches[3];  /* per REEF_RUNTIME_*: launches are counted and forwarded */
    uint8_t forwardOnly;             /* bit (1 << REEF_RUNTIME_*): the core has nothing to do with
                                      * that runtime's calls (no scheduling, no stats, no capture,
                                      * no debug log), so its wrappers call the real function */
    uint32_t apiCount;               /* counter block layout (ThreadCounters) */
    uint32_t streamSlots;
    uint32_t streamMask;             /* HandleTable capacity - 1 */
    uint32_t kernelMask;
    void *core;
    const void *apiFacts;            /* ApiFacts per api id */
    const uint64_t *streamKeys;      /* StreamTable's HandleTable: one key per slot */
    const uint64_t *kernelSlots;     /* KernelCatalog's HandleTable: key, entry word per slot */
} ReefGlobals;
extern ReefGlobals reef_globals __attribute__((visibility("hidden")));
static inline void *reef_core_get(void) { return reef_globals.core; }
static inline void reef_core_set(void *core) { reef_globals.core = core; }
static inline ReefGlobals *reef_globals_address(void) { return &reef_globals; }

/* ---- implemented in Swift (Interposer), called by the C layer ---- */

/* Called once from the library constructor; returns 1 when the core is ready, 0 to fail open. */
int32_t reef_core_init(void);
/* Routes one call; returns what the application sees. */
int32_t reef_core_route(const ReefGlobals *globals, ReefCall *call);
/* Registration notifications (HIP): the real call already succeeded. */
void reef_core_hip_fatbin_registered(const void *wrapper, void *handle);
void reef_core_hip_function_registered(void *handle, const void *hostFunction, const char *deviceName);
/* Process lifecycle. */
void reef_core_exit(void);
void reef_core_after_fork_child(void);

#ifdef __cplusplus
}
#endif
#endif /* REEF_INTERPOSE_H */
