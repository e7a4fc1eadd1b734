/*
 * simdev.h — a simulated GPU shared by the CUDA and HIP simulators (runtime-neutral).
 *
 * The device is host memory plus one worker thread that executes stream-ordered operations in a
 * legal order against a SIMULATED clock (ns, advanced by a cost model, never by wall time).
 * Front ends (libcuda.so.1, libamdhip64.so.5) translate their API onto these calls, map the
 * status codes, and write their own trace lines through simdev_trace().
 *
 * Linking: build the core .c files with -fPIC and link them statically into the front end
 * (Tests/SimRuntimes/core/simdev.mk builds $(BUILD)/sim/core/libsimdev.a). Every declaration
 * here is hidden, so two front ends loaded in one process each keep a private device.
 *
 * Thread safety: every function may be called from any host thread, except where noted.
 * Environment: SIM_SMS (SM count, default 8, max 256), SIM_TRACE=<path>, SIM_STATS=<path>
 * ("%p" in a path becomes the pid), SIM_ARENA_BASE (hex address of the device arena, or "any";
 * default 0x200000000000), SIM_TIME_SCALE (wall ns per simulated ns; default 0 = unpaced: the
 * simulation runs as fast as the host can).
 */
#ifndef SIMDEV_H
#define SIMDEV_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* ---- status codes (front ends map them onto CUresult / hipError_t) ---------------------- */
typedef enum simdev_status {
    SIMDEV_OK = 0,
    SIMDEV_ERR_INVALID_VALUE,          /* bad argument (size, pointer range, flags, dims) */
    SIMDEV_ERR_OUT_OF_MEMORY,
    SIMDEV_ERR_INVALID_HANDLE,         /* unknown / destroyed stream, event, graph */
    SIMDEV_ERR_NOT_READY,              /* query: work still pending */
    SIMDEV_ERR_NOT_FOUND,              /* unknown kernel name */
    SIMDEV_ERR_ILLEGAL_ADDRESS,        /* sticky: a kernel touched memory outside any allocation */
    SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES,/* block larger than 1024 threads, shmem too large */
    SIMDEV_ERR_COOPERATIVE_TOO_LARGE,  /* cooperative grid cannot be co-resident */
    SIMDEV_ERR_CAPTURE_UNSUPPORTED,    /* sync/query on a capturing stream, capture of legacy stream */
    SIMDEV_ERR_CAPTURE_INVALIDATED,    /* capture was invalidated by an earlier illegal call */
    SIMDEV_ERR_CAPTURE_UNMATCHED,      /* end capture on a stream that is not capturing */
    SIMDEV_ERR_CAPTURE_IMPLICIT,       /* legacy-stream work while a blocking stream captures */
    SIMDEV_ERR_CAPTURE_ISOLATION,      /* capturing stream waits on an event from outside capture */
    SIMDEV_ERR_NOT_SUPPORTED,
} simdev_status;

/* Short stable name of a status ("SIMDEV_ERR_INVALID_VALUE"). */
const char *simdev_status_name(simdev_status st);

/* Start the device (idempotent; every other call does it lazily too). Reads the environment,
 * maps the arenas, opens the trace, starts the worker thread, registers the exit-time stats. */
void simdev_init(void);

/* ---- memory -------------------------------------------------------------------------------
 * Device memory lives in one arena mapped at a fixed address (when free), so the same program
 * gets the same device pointers on every run; pinned host memory lives in a second arena.
 * Device pointers are plain host addresses: kernels dereference them directly. Allocations are
 * 256-byte aligned, first-fit, so addresses depend only on the order of alloc/free calls. */
typedef enum simdev_mem_kind {
    SIMDEV_MEM_PAGEABLE = 0, /* ordinary host memory (not ours) */
    SIMDEV_MEM_DEVICE = 1,   /* inside the device arena */
    SIMDEV_MEM_PINNED = 2,   /* inside the pinned-host arena */
} simdev_mem_kind;

simdev_status simdev_malloc(size_t bytes, void **out);      /* device memory; bytes==0 -> NULL, OK */
simdev_status simdev_free(void *ptr);                       /* start of a live allocation; no sync */
simdev_status simdev_host_alloc(size_t bytes, void **out);  /* pinned host memory */
simdev_status simdev_host_free(void *ptr);
/* Where p points (by address range only; does not check that it is live). */
simdev_mem_kind simdev_mem_kind_of(const void *p);
/* 1 when [p, p+len) lies inside ONE live allocation of that kind (len 0 counts as 1 byte). */
int simdev_is_device_range(const void *p, size_t len);
int simdev_is_pinned_range(const void *p, size_t len);
/* Offset of p from the start of its arena (for traces); 0 when pageable. */
uint64_t simdev_arena_offset(const void *p);
/* Device memory in use and arena capacity, in bytes. */
void simdev_mem_info(size_t *used, size_t *total);

/* ---- kernels --------------------------------------------------------------------------------
 * Kernels are C functions run on host memory, one call per thread block, when the kernel
 * COMPLETES in simulated time. Table (name: parameters -> offsets, buffer size):
 *   "vadd"      (const float *a, const float *b, float *c, int n)        0,8,16,24    28
 *   "saxpy"     (float a, const float *x, float *y, int n)               0,8,16,24    28
 *   "gemm"      (const float *A, const float *B, float *C, int M, int N, int K)  row-major
 *               C[MxN] = A[MxK] * B[KxN]; grid.x covers N, grid.y covers M   0,8,16,24,28,32  36
 *   "x2p1"      (float *x, int n)   x = x*2+1 in place: NOT idempotent    0,8          12
 *   "reduce_sum"(const int *in, int *out, int n)  *out += sum(in) with atomics  0,8,16  20
 *   "delay"     (unsigned long long ns)  does nothing for ns per block     0            8
 *   "empty"     ()                                                        -            0
 * Elementwise kernels use i = blockIdx.x*blockDim.x + threadIdx.x, i < n. A pointer that is not
 * inside live device/pinned memory makes the kernel fault (sticky SIMDEV_ERR_ILLEGAL_ADDRESS). */
typedef struct simdev_dim3 { unsigned x, y, z; } simdev_dim3;

typedef struct simdev_block_ctx {
    simdev_dim3 grid_dim, block_dim, block_idx;
    unsigned shared_bytes;
    void *shared_mem;  /* dynamic shared memory of this block (zeroed) */
    int faulted;       /* set by simdev_kernel_access when an access is out of range */
} simdev_block_ctx;

typedef struct simdev_kparam { uint32_t offset, size; } simdev_kparam;

typedef struct simdev_kernel {
    const char *name;
    unsigned nparams;
    const simdev_kparam *params;
    uint32_t params_size;  /* bytes of the parameter buffer (end of the last parameter) */
    void (*run_block)(simdev_block_ctx *ctx, const unsigned char *params);
    uint64_t (*block_ns)(const simdev_block_ctx *ctx, const unsigned char *params); /* cost */
} simdev_kernel;

const simdev_kernel *simdev_kernel_find(const char *name); /* NULL when unknown */
unsigned simdev_kernel_count(void);
const simdev_kernel *simdev_kernel_at(unsigned index);     /* NULL past the end */
/* For kernel bodies: 1 when [p, p+len) is device or pinned memory, else marks ctx->faulted. */
int simdev_kernel_access(simdev_block_ctx *ctx, const void *p, size_t len);

/* ---- streams --------------------------------------------------------------------------------
 * A stream is a FIFO: an op starts only after the previous op of the same stream completed.
 * The legacy default stream (ordinal 0) implicitly orders against every BLOCKING stream: its
 * ops wait for all earlier work of blocking streams, and their later work waits for it. Each
 * host thread has its own per-thread default stream (created on first use, blocking, but not
 * ordered against other streams). Priorities: lower number = higher priority, range
 * [SIMDEV_PRIO_GREATEST, SIMDEV_PRIO_LEAST]; out-of-range values are clamped. Handles are never
 * reused, so a destroyed handle reliably reads as invalid. */
typedef struct simdev_stream simdev_stream;
typedef struct simdev_event simdev_event;
typedef struct simdev_graph simdev_graph;
typedef struct simdev_graph_exec simdev_graph_exec;

#define SIMDEV_STREAM_BLOCKING 0x0
#define SIMDEV_STREAM_NON_BLOCKING 0x1
#define SIMDEV_PRIO_LEAST 0
#define SIMDEV_PRIO_GREATEST (-5)

simdev_stream *simdev_legacy_stream(void);
simdev_stream *simdev_per_thread_stream(void);
simdev_status simdev_stream_create(unsigned flags, int priority, simdev_stream **out);
/* Returns at once; queued work still runs to completion, then the stream is retired. */
simdev_status simdev_stream_destroy(simdev_stream *s);
int simdev_stream_valid(const simdev_stream *s);      /* live, or one of the default streams */
int simdev_stream_ordinal(const simdev_stream *s);    /* creation order; legacy = 0 */
unsigned simdev_stream_flags(const simdev_stream *s);
int simdev_stream_priority(const simdev_stream *s);
int simdev_stream_is_per_thread(const simdev_stream *s);
/* SM partition: bit i of word i/32 allows SM i. Bits past the SM count are ignored; a mask that
 * allows no existing SM is SIMDEV_ERR_INVALID_VALUE. Applies to blocks dispatched later. */
simdev_status simdev_stream_set_sm_mask(simdev_stream *s, const uint32_t *mask, unsigned nwords);
simdev_status simdev_stream_get_sm_mask(const simdev_stream *s, uint32_t *mask, unsigned nwords);
/* Marks a stream as one of another context (a green context's): simdev_context_synchronize skips it. */
simdev_status simdev_stream_set_own_context(simdev_stream *s);
unsigned simdev_sm_count(void);

/* ---- stream-ordered operations ----------------------------------------------------------------
 * All return at once (except where noted) after queuing the op, or record it into the graph
 * when the stream is capturing. Invalid arguments are reported here, synchronously.
 * Copies classify each pointer (device / pinned / pageable). Pageable SOURCES are snapshotted
 * before returning (staging buffer), so the caller may overwrite them at once; a pageable
 * DESTINATION makes the call wait until the copy is done (both as CUDA documents). */
typedef struct simdev_launch_opts {
    unsigned shared_bytes;  /* dynamic shared memory per block (<= 48 KiB) */
    int cooperative;        /* grid must fit the device at once (<= SM count blocks) */
    int has_priority;       /* 1: use `priority` instead of the stream's for block dispatch */
    int priority;
    const void *tag[2];     /* front-end data kept with the op (returned by graph node queries) */
} simdev_launch_opts;

/* params: the kernel's parameter buffer (k->params_size bytes, copied). opts may be NULL. */
simdev_status simdev_launch(simdev_stream *s, const simdev_kernel *k, simdev_dim3 grid,
                            simdev_dim3 block, const void *params, const simdev_launch_opts *opts);
simdev_status simdev_memcpy_async(simdev_stream *s, void *dst, const void *src, size_t bytes);
/* 2D copy: height rows of width bytes, with the given pitches. */
simdev_status simdev_memcpy2d_async(simdev_stream *s, void *dst, size_t dpitch, const void *src,
                                    size_t spitch, size_t width, size_t height);
/* Fill count elements of elem_size (1, 2 or 4) bytes with value's low bytes. */
simdev_status simdev_memset_async(simdev_stream *s, void *dst, uint32_t value, unsigned elem_size,
                                  size_t count);
simdev_status simdev_memset2d_async(simdev_stream *s, void *dst, size_t pitch, uint32_t value,
                                    unsigned elem_size, size_t width_elems, size_t height);
/* Host function, run on the device worker in stream order, with the lock released. The
 * closure (<= SIMDEV_CLOSURE_MAX bytes) is copied into the op (and into graph nodes), and fn gets
 * a pointer to that copy; status = the device's error so far. fn must not wait on the device. */
#define SIMDEV_CLOSURE_MAX 64
typedef void (*simdev_host_fn)(void *closure, simdev_status status);
simdev_status simdev_host_func(simdev_stream *s, simdev_host_fn fn, const void *closure,
                               size_t closure_size);
/* Stream-ordered allocation: the pointer is returned at once, usable by later ops; free
 * happens when the op executes. */
simdev_status simdev_malloc_async(simdev_stream *s, size_t bytes, void **out);
simdev_status simdev_free_async(simdev_stream *s, void *ptr);

/* Memory operations on 32/64-bit words of device or pinned memory. Wait conditions use the
 * CUDA/HIP numbering: GEQ 0, EQ 1, AND 2 (nonzero (x & v)), NOR 3 (~(x | v) nonzero).
 * The word is masked with `mask` first (HIP; pass ~0 otherwise). A wait blocks its stream until
 * the condition holds (re-checked after every completion, and every ms while blocked, so host
 * writes to pinned memory are seen). */
#define SIMDEV_WAIT_GEQ 0
#define SIMDEV_WAIT_EQ 1
#define SIMDEV_WAIT_AND 2
#define SIMDEV_WAIT_NOR 3
typedef enum simdev_memop_kind {
    SIMDEV_MEMOP_WAIT = 1,
    SIMDEV_MEMOP_WRITE = 2,
    SIMDEV_MEMOP_BARRIER = 3, /* flush / barrier: ordered no-op */
} simdev_memop_kind;
typedef struct simdev_memop {
    simdev_memop_kind kind;
    void *addr;
    uint64_t value, mask;
    int is64;
    int cond; /* SIMDEV_WAIT_* for waits */
} simdev_memop;
simdev_status simdev_wait_value(simdev_stream *s, void *addr, uint64_t value, int is64, int cond,
                                uint64_t mask);
simdev_status simdev_write_value(simdev_stream *s, void *addr, uint64_t value, int is64);
/* Several memops as one stream op, executed in array order (a wait blocks the rest). */
simdev_status simdev_batch_memops(simdev_stream *s, const simdev_memop *ops, unsigned count);

/* ---- events ----------------------------------------------------------------------------------
 * Record marks a point in a stream; waiting/querying refers to the latest record made before
 * the call. A never-recorded event counts as complete. Timestamps are simulated ns. */
#define SIMDEV_EVENT_DEFAULT 0x0
#define SIMDEV_EVENT_DISABLE_TIMING 0x2
simdev_status simdev_event_create(unsigned flags, simdev_event **out);
simdev_status simdev_event_destroy(simdev_event *e); /* pending records still complete */
int simdev_event_valid(const simdev_event *e);
int simdev_event_ordinal(const simdev_event *e);     /* creation order, from 1 */
simdev_status simdev_event_record(simdev_event *e, simdev_stream *s);
simdev_status simdev_stream_wait_event(simdev_stream *s, simdev_event *e);
simdev_status simdev_event_query(simdev_event *e);       /* OK / NOT_READY */
simdev_status simdev_event_synchronize(simdev_event *e); /* blocks on a condition variable */
/* end - start in simulated ns; NOT_READY if either is pending, INVALID_HANDLE if never
 * recorded or created with DISABLE_TIMING. */
simdev_status simdev_event_elapsed_ns(simdev_event *start, simdev_event *end, int64_t *ns);

/* ---- synchronisation ----------------------------------------------------------------------------
 * Waits block on condition variables (no spinning). They return the first deferred error of the
 * stream (or the device's sticky error), SIMDEV_ERR_CAPTURE_UNSUPPORTED on a capturing stream. */
simdev_status simdev_stream_synchronize(simdev_stream *s);
simdev_status simdev_stream_query(simdev_stream *s);     /* OK / NOT_READY / error */
simdev_status simdev_device_synchronize(void);           /* every stream */
/* Every stream but those of other contexts (CUDA green contexts): cuCtxSynchronize. */
simdev_status simdev_context_synchronize(void);
/* Sticky device error (SIMDEV_OK while healthy); front ends fail later calls with it. */
simdev_status simdev_sticky_error(void);
/* Current simulated time in ns. */
uint64_t simdev_now_ns(void);

/* ---- stream capture and graphs ------------------------------------------------------------------
 * While a stream captures, its ops are recorded into a graph instead of running. A stream that
 * waits on an event recorded in a capturing stream joins that capture; ending capture on the
 * origin stream ends it for all joined streams. A graph is executed as ONE stream op whose nodes
 * run in capture order. Pageable copy sources of captured copies are read at execution time. */
#define SIMDEV_CAPTURE_MODE_GLOBAL 0
#define SIMDEV_CAPTURE_MODE_THREAD_LOCAL 1
#define SIMDEV_CAPTURE_MODE_RELAXED 2
#define SIMDEV_CAPTURE_NONE 0
#define SIMDEV_CAPTURE_ACTIVE 1
#define SIMDEV_CAPTURE_INVALIDATED 2
simdev_status simdev_capture_begin(simdev_stream *s, int mode);
/* On an invalidated capture: returns SIMDEV_ERR_CAPTURE_INVALIDATED, *out = NULL. */
simdev_status simdev_capture_end(simdev_stream *s, simdev_graph **out);
simdev_status simdev_capture_status(simdev_stream *s, int *status, uint64_t *capture_id);
int simdev_graph_valid(const simdev_graph *g);
int simdev_graph_ordinal(const simdev_graph *g);      /* creation order, from 1 */
unsigned simdev_graph_node_count(const simdev_graph *g);
simdev_status simdev_graph_destroy(simdev_graph *g);
simdev_status simdev_graph_instantiate(simdev_graph *g, simdev_graph_exec **out);
int simdev_graph_exec_valid(const simdev_graph_exec *x);
int simdev_graph_exec_ordinal(const simdev_graph_exec *x); /* creation order, from 1 */
simdev_status simdev_graph_exec_destroy(simdev_graph_exec *x); /* pending launches still run */
simdev_status simdev_graph_launch(simdev_graph_exec *x, simdev_stream *s);

/* Graph nodes: the graph's ops in capture order. A node handle stays valid until its graph is
 * destroyed (instantiation copies nodes; it does not consume them). Node kinds: */
typedef struct simdev_graph_node simdev_graph_node;
typedef enum simdev_node_kind {
    SIMDEV_NODE_KERNEL,
    SIMDEV_NODE_COPY,
    SIMDEV_NODE_SET,
    SIMDEV_NODE_HOST,
    SIMDEV_NODE_GRAPH,  /* a captured graph launch (child graph) */
    SIMDEV_NODE_MEMOPS, /* wait/write value, batch memops */
    SIMDEV_NODE_FREE,   /* stream-ordered free */
    SIMDEV_NODE_EMPTY,  /* dependencies only */
} simdev_node_kind;
/* nodes NULL: *count = the number of nodes. Else *count is the array's size: up to that many
 * nodes are written, entries past the last node are set to NULL and *count becomes the number
 * written (the cuGraphGetNodes contract). */
simdev_status simdev_graph_get_nodes(simdev_graph *g, simdev_graph_node **nodes, size_t *count);
typedef struct simdev_node_info {
    simdev_node_kind kind;
    /* kernel nodes only (zero otherwise): */
    const simdev_kernel *k;
    simdev_dim3 grid, block;
    unsigned shared_bytes;
    const void *tag[2];  /* as given in simdev_launch_opts */
    const unsigned char *params; /* the node's parameter buffer (k->params_size bytes) */
    void **param_ptrs;   /* k->nparams pointers into params (NULL when none); live with the node */
} simdev_node_info;
/* SIMDEV_ERR_INVALID_HANDLE when n is not a node of a live graph. */
simdev_status simdev_graph_node_info(simdev_graph_node *n, simdev_node_info *out);

/* ---- SIM_TRACE and SIM_STATS --------------------------------------------------------------------
 * The trace is one line per application call, written (unbuffered, whole lines) by the calling
 * thread. Front ends decide which calls to trace: stream-ordered commands, syncs and queries,
 * never calls a shim makes for itself (param info, version, proc address). */
int simdev_tracing(void);                    /* 1 when SIM_TRACE is set */
void simdev_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* adds '\n' */
/* Formatters for trace fields; each writes into buf (>= 32 bytes) and returns it.
 * Pointers: "0", "d+0x100" (device arena offset), "p+0x40" (pinned offset), "h" (pageable). */
const char *simdev_fmt_ptr(char *buf, const void *p);
const char *simdev_fmt_stream(char *buf, const simdev_stream *s); /* "s0" legacy, "s3", "pt2" */
const char *simdev_fmt_event(char *buf, const simdev_event *e);   /* "e1" */
/* Lowercase hex of bytes into buf (2*n+1 bytes). */
const char *simdev_fmt_hex(char *buf, const void *bytes, size_t n);
/* FNV-1a 64 of bytes (used to show copied host data in traces). */
uint64_t simdev_fnv1a(const void *bytes, size_t n);

/* Stats written to SIM_STATS at exit (by the process that initialised the device):
 * {"launches": N, "graph_launches": N, "calls": {"name": count, ...}}.
 * Count every exported entry point on entry, with its exact exported name (a string literal). */
void simdev_stats_call(const char *exported_name);
void simdev_stats_launch(void);       /* one kernel launch call */
void simdev_stats_graph_launch(void); /* one graph launch call */
/* Write the stats now (also done at exit). */
void simdev_stats_flush(void);

#pragma GCC visibility pop

#endif /* SIMDEV_H */
