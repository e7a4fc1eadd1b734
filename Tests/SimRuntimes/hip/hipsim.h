/*
 * hipsim.h — internals shared by the files of the simulated libamdhip64.so.5.
 *
 * The front end translates the HIP runtime API onto the simulated device in
 * Tests/SimRuntimes/core/simdev.h. Types and prototypes come from the installed ROCm headers,
 * so every exported entry point has exactly the real library's signature.
 *
 * Every exported function brackets its body with HIPSIM_ENTER / HIPSIM_RETURN. The bracket
 * counts the call in SIM_STATS and lets it write a SIM_TRACE line only when it is the
 * OUTERMOST simulator call on this thread: when the library calls one of its own exports
 * (hipMemcpy -> hipMemcpyAsync through the PLT, as the real runtime does), the inner call is
 * neither counted nor traced, whoever sits in between (an LD_PRELOAD shim).
 */
#ifndef HIPSIM_H
#define HIPSIM_H

#ifndef __HIP_PLATFORM_AMD__
#define __HIP_PLATFORM_AMD__
#endif
#include <hip/hip_runtime_api.h>
#include <stddef.h>
#include <stdint.h>

#include "simdev.h"

#pragma GCC visibility push(hidden)

/* ---- call bracket ------------------------------------------------------------------------ */
typedef struct hipsim_call {
    const char *name; /* exported name, as counted in SIM_STATS */
    int outer;        /* 1 when no other simulator call is active on this thread */
} hipsim_call;

hipsim_call hipsim_enter(const char *exported_name);
/* Ends the call: records a failure as the thread's last error and returns err. */
hipError_t hipsim_leave(hipsim_call call, hipError_t err);

#define HIPSIM_ENTER(exported_name) hipsim_call call_ = hipsim_enter(exported_name)
#define HIPSIM_RETURN(err) return hipsim_leave(call_, (err))
/* One SIM_TRACE line for an application call (never for a nested one). */
#define HIPSIM_TRACE(call, ...)                                                 \
    do {                                                                        \
        if ((call)->outer && simdev_tracing()) simdev_trace(__VA_ARGS__);       \
    } while (0)

/* The thread's last error (hipGetLastError / hipPeekAtLastError). */
hipError_t hipsim_last_error(int reset);

/* ---- translation ------------------------------------------------------------------------- */
hipError_t hipsim_error(simdev_status st);

/* The simulated stream behind a HIP handle, or NULL when the handle is not a live stream.
 * 0 is the legacy null stream, except for the _spt entry points (per_thread_default = 1)
 * where it is the calling thread's default stream; hipStreamPerThread is always the latter. */
simdev_stream *hipsim_stream(hipStream_t stream, int per_thread_default);
/* NULL when the handle is not a live event. */
simdev_event *hipsim_event(hipEvent_t event);

/* ---- kernels ------------------------------------------------------------------------------ */
/* A kernel the simulator can run: the device function name(s) a HIP program registers or
 * looks up, the simulated implementation, and how to show each parameter in a trace. */
typedef struct hipsim_kernel {
    const char *mangled; /* name hipcc gives a C++ __global__ function */
    const char *plain;   /* name of the extern "C" variant */
    const simdev_kernel *impl;
    const char *param_kinds; /* per parameter: 'p' pointer, 'v' plain bytes */
} hipsim_kernel;

/* By mangled or extern "C" name; NULL when the simulator has no such kernel. */
const hipsim_kernel *hipsim_kernel_by_name(const char *device_name);
unsigned hipsim_kernel_count(void);
const hipsim_kernel *hipsim_kernel_at(unsigned index);

/* The kernel registered for a host-side stub address (__hipRegisterFunction), or NULL. */
const hipsim_kernel *hipsim_registered_kernel(const void *host_function);

/* Parameter buffer from HIP's `void **args` (one pointer per declared parameter). The
 * caller frees the result; NULL only when out of memory. */
unsigned char *hipsim_pack_args(const hipsim_kernel *k, void **args);

/* Everything one kernel launch needs, from whichever entry point. */
typedef struct hipsim_launch_req {
    const hipsim_kernel *kernel;
    dim3 grid, block;
    size_t shared_bytes;
    hipStream_t stream;
    int per_thread_default; /* the _spt entry points */
    int cooperative;
    hipEvent_t start, stop; /* hipExt* launches: recorded around the kernel; may be NULL */
    const unsigned char *params; /* kernel->impl->params_size bytes; NULL when unknown */
} hipsim_launch_req;

/* Every launch entry point ends here exactly once, also when it already failed (`prior`):
 * the call is counted as a launch and traced either way, as a shim sees every call. */
hipError_t hipsim_launch(const hipsim_call *call, const hipsim_launch_req *req, hipError_t prior);
/* hipLaunchKernel-style entry points: kernel by host stub address, arguments as void**. */
hipError_t hipsim_launch_by_stub(const hipsim_call *call, const void *host_function, dim3 grid,
                                 dim3 block, void **args, size_t shared_bytes,
                                 hipStream_t stream, int per_thread_default, int cooperative,
                                 hipEvent_t start, hipEvent_t stop);

/* ---- shared operations between plain and _spt entry points ------------------------------- */
/* A copy on a stream; with `synchronous` the call also waits for that stream. */
hipError_t hipsim_copy(const hipsim_call *call, void *dst, const void *src, size_t bytes,
                       hipMemcpyKind kind, hipStream_t stream, int per_thread_default,
                       int synchronous);
/* The trace line of a copy. data= shows the bytes moved when the host can see them: a host
 * source at call time, or the host destination of a finished synchronous copy. */
void hipsim_trace_copy(const hipsim_call *call, const void *dst, const void *src, size_t bytes,
                       hipMemcpyKind kind, const simdev_stream *s, int synchronous,
                       hipError_t err);
/* Fill count elements of elem_size bytes; with `synchronous` also wait for the stream. */
hipError_t hipsim_fill(const hipsim_call *call, void *dst, uint32_t value, unsigned elem_size,
                       size_t count, hipStream_t stream, int per_thread_default, int synchronous);
void hipsim_trace_fill(const hipsim_call *call, const void *dst, uint32_t value,
                       unsigned elem_size, size_t count, const simdev_stream *s, hipError_t err);
hipError_t hipsim_copy2d(const hipsim_call *call, void *dst, size_t dpitch, const void *src,
                         size_t spitch, size_t width, size_t height, hipMemcpyKind kind,
                         hipStream_t stream, int per_thread_default, int synchronous);
hipError_t hipsim_fill2d(const hipsim_call *call, void *dst, size_t pitch, int value,
                         size_t width, size_t height, hipStream_t stream, int per_thread_default,
                         int synchronous);
hipError_t hipsim_copy_to_symbol(const hipsim_call *call, const void *symbol, const void *src,
                                 size_t bytes, size_t offset, hipMemcpyKind kind,
                                 hipStream_t stream, int per_thread_default, int synchronous);
hipError_t hipsim_copy_from_symbol(const hipsim_call *call, void *dst, const void *symbol,
                                   size_t bytes, size_t offset, hipMemcpyKind kind,
                                   hipStream_t stream, int per_thread_default, int synchronous);
hipError_t hipsim_stream_synchronize(const hipsim_call *call, hipStream_t stream,
                                     int per_thread_default);
hipError_t hipsim_stream_query(const hipsim_call *call, hipStream_t stream,
                               int per_thread_default);
hipError_t hipsim_stream_wait_event(const hipsim_call *call, hipStream_t stream, hipEvent_t event,
                                    unsigned flags, int per_thread_default);
hipError_t hipsim_stream_get_flags(hipStream_t stream, unsigned *flags, int per_thread_default);
hipError_t hipsim_stream_get_priority(hipStream_t stream, int *priority, int per_thread_default);

/* ---- modules ------------------------------------------------------------------------------ */
/* The kernel behind a hipModuleGetFunction handle, or NULL when the handle is not live. */
const hipsim_kernel *hipsim_function_kernel(hipFunction_t f);
/* Launch a module function with kernelParams (void**) or a packed `extra` buffer. */
hipError_t hipsim_module_launch(const hipsim_call *call, hipFunction_t f, dim3 grid, dim3 block,
                                size_t shared_bytes, hipStream_t stream, void **kernel_params,
                                void **extra, hipEvent_t start, hipEvent_t stop,
                                hipError_t prior);

/* ---- code objects ------------------------------------------------------------------------ */
/* Size in bytes of an in-memory code object (clang offload bundle or bare ELF), 0 when the
 * bytes are neither. */
size_t hipsim_image_size(const void *image);
/* 1 when the image's string tables contain `name` as a whole symbol name. */
int hipsim_image_has_symbol(const void *image, size_t size, const char *name);
/* Copies the initial value (up to size bytes) of device variable `name` from the image's
 * amdgcn code object into out; 0 when the variable is not found. */
int hipsim_image_var_init(const void *image, const char *name, void *out, size_t size);

/* ---- device variables ---------------------------------------------------------------------- */
/* Device address and size of the variable registered for a host shadow address; NULL when
 * none. Forgetting a fat binary's variables happens at __hipUnregisterFatBinary. */
void *hipsim_symbol_address(const void *host_var, size_t *size);
void hipsim_forget_symbols(void **modules);

/* ---- trace formatting -------------------------------------------------------------------- */
/* "4x1x1" into buf (>= 48 bytes). */
const char *hipsim_fmt_dim3(char *buf, dim3 d);
/* Kernel parameters for a trace line: pointers through simdev_fmt_ptr (stable across runs),
 * everything else as hex bytes, comma separated. The caller frees the result. */
char *hipsim_fmt_params(const hipsim_kernel *k, const unsigned char *params);

#pragma GCC visibility pop

#endif /* HIPSIM_H */
