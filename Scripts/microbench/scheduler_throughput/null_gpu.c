/* A libcuda.so.1 that runs nothing but keeps time like a device: kernels occupy their stream for
 * NULL_GPU_KERNEL_NS (default 0; with NULL_GPU_MIXED=1 every third kernel runs 7/3 of it and the
 * others 1/3, same mean), streams run one kernel after another, events complete when their stream
 * has got through the work before them. The driver calls themselves cost what
 * NULL_GPU_LAUNCH_NS / NULL_GPU_RECORD_NS / NULL_GPU_QUERY_NS say (busy CPU time, default 0). Enough for Reef's scheduler (markers,
 * queries, synchronizes), so the cost and the throughput of holding and releasing best-effort
 * work can be measured on a CPU. Streams do not overlap each other (one best-effort stream is
 * what the benchmark uses). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "reef_cuda_abi.h"

typedef struct { uint64_t busy_until; } null_stream;
typedef struct { uint64_t done_at; } null_event;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static null_stream legacy;
static uint64_t kernel_ns = (uint64_t)-1, launch_ns, record_ns, query_ns, launches;
static int mixed;

static uint64_t env_ns(const char *name) { const char *e = getenv(name); return e ? strtoull(e, NULL, 10) : 0; }
static void load_settings(void) {
    if (kernel_ns != (uint64_t)-1) return;
    launch_ns = env_ns("NULL_GPU_LAUNCH_NS");
    record_ns = env_ns("NULL_GPU_RECORD_NS");
    query_ns = env_ns("NULL_GPU_QUERY_NS");
    mixed = env_ns("NULL_GPU_MIXED") != 0;
    kernel_ns = env_ns("NULL_GPU_KERNEL_NS");
}
static uint64_t now_ns(void);
static void spend(uint64_t ns) { if (ns) { uint64_t end = now_ns() + ns; while (now_ns() < end) {} } }

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static null_stream *stream_of(CUstream h) { return h ? (null_stream *)h : &legacy; }

static void wait_until(uint64_t t) { while (now_ns() < t) sched_yield(); }

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shmem, CUstream h, void **params, void **extra) {
    volatile unsigned long long sink = 0;
    if (params) for (int i = 0; i < 4; i++) sink += *(unsigned long long *)params[i];
    (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)shmem; (void)extra;
    load_settings();
    spend(launch_ns);
    pthread_mutex_lock(&lock);
    null_stream *s = stream_of(h);
    uint64_t now = now_ns();
    uint64_t d = !mixed ? kernel_ns : (launches++ % 3 == 0 ? kernel_ns * 7 / 3 : kernel_ns / 3);
    s->busy_until = (s->busy_until > now ? s->busy_until : now) + d;
    pthread_mutex_unlock(&lock);
    return CUDA_SUCCESS;
}

CUresult cuFuncGetParamInfo(CUfunction f, size_t i, size_t *offset, size_t *size) {
    (void)f;
    if (i >= 4) return CUDA_ERROR_INVALID_VALUE;
    *offset = i * 8;
    *size = 8;
    return CUDA_SUCCESS;
}

CUresult cuFuncGetName(const char **name, CUfunction f) { (void)f; *name = "null_kernel"; return CUDA_SUCCESS; }

CUresult cuStreamCreate(CUstream *out, unsigned flags) { (void)flags; *out = calloc(1, sizeof(null_stream)); return CUDA_SUCCESS; }
CUresult cuStreamCreateWithPriority(CUstream *out, unsigned flags, int priority) { (void)priority; return cuStreamCreate(out, flags); }
CUresult cuStreamDestroy_v2(CUstream h) { free(h); return CUDA_SUCCESS; }
CUresult cuCtxGetStreamPriorityRange(int *least, int *greatest) { *least = 0; *greatest = -5; return CUDA_SUCCESS; }

static uint64_t busy_until(CUstream h) {
    pthread_mutex_lock(&lock);
    uint64_t t = stream_of(h)->busy_until;
    pthread_mutex_unlock(&lock);
    return t;
}

CUresult cuStreamSynchronize(CUstream h) { wait_until(busy_until(h)); return CUDA_SUCCESS; }
CUresult cuStreamQuery(CUstream h) { return now_ns() >= busy_until(h) ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY; }

CUresult cuEventCreate(CUevent *out, unsigned flags) { (void)flags; *out = calloc(1, sizeof(null_event)); return CUDA_SUCCESS; }
CUresult cuEventDestroy_v2(CUevent e) { free(e); return CUDA_SUCCESS; }
CUresult cuEventRecord(CUevent e, CUstream h) { load_settings(); spend(record_ns); ((null_event *)e)->done_at = busy_until(h); return CUDA_SUCCESS; }
CUresult cuEventQuery(CUevent e) { load_settings(); spend(query_ns); return now_ns() >= ((null_event *)e)->done_at ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY; }
CUresult cuEventSynchronize(CUevent e) { wait_until(((null_event *)e)->done_at); return CUDA_SUCCESS; }

static CUcontext current = (CUcontext)0x1;
CUresult cuCtxGetCurrent(CUcontext *c) { *c = current; return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(CUcontext c) { current = c; return CUDA_SUCCESS; }
