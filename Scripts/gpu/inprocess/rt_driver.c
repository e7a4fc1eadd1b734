/* The real-time client of the in-process benchmark: replays one CUDA graph on its own stream at
 * a fixed period and times each request, from its scheduled arrival to the end of its stream
 * synchronize. It runs in C, called through ctypes (which releases the GIL), so the Python
 * best-effort thread of the same process cannot delay it; only the GPU (and Reef) can.
 *
 * Driver entry points are resolved with dlsym from libcuda.so.1 as any application would, so
 * under LD_PRELOAD=libreef.so these calls go through Reef. Declared here, not from cuda.h, so
 * the file builds on machines without the CUDA toolkit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef void *CUcontext, *CUstream, *CUgraph, *CUgraphExec, *CUevent, *CUgraphNode, *CUfunction, *CUkernel;

/* cuda.h's CUDA_KERNEL_NODE_PARAMS_v2 (CUDA 12+). */
typedef struct {
    CUfunction func;
    unsigned int gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes;
    void **kernelParams, **extra;
    CUkernel kern;
    CUcontext ctx;
} KernelNodeParams;
#define GRAPH_NODE_TYPE_KERNEL 0
#define FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT 9
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
#include "../cu_contexts.h"

static struct {
    CUresult (*deviceGet)(CUdevice *, int);
    CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*ctxSetCurrent)(CUcontext);
    CUresult (*priorityRange)(int *, int *);
    CUresult (*streamCreateWithPriority)(CUstream *, unsigned, int);
    CUresult (*streamDestroy)(CUstream);
    CUresult (*graphInstantiate)(CUgraphExec *, CUgraph, unsigned long long);
    CUresult (*graphLaunch)(CUgraphExec, CUstream);
    CUresult (*graphExecDestroy)(CUgraphExec);
    CUresult (*streamSynchronize)(CUstream);
    CUresult (*copyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
    CUresult (*eventCreate)(CUevent *, unsigned);
    CUresult (*eventRecord)(CUevent, CUstream);
    CUresult (*eventElapsed)(float *, CUevent, CUevent);
    CUresult (*eventDestroy)(CUevent);
    CUresult (*graphGetNodes)(CUgraph, CUgraphNode *, size_t *);
    CUresult (*nodeGetType)(CUgraphNode, int *);
    CUresult (*kernelNodeGetParams)(CUgraphNode, KernelNodeParams *);
    CUresult (*funcSetAttribute)(CUfunction, int, int);
    CUresult (*kernelSetAttribute)(int, int, CUkernel, CUdevice);
    /* Only for RT_PREPUSH: optional. */
    CUresult (*memHostAlloc)(void **, size_t, unsigned);
    CUresult (*memHostGetDevicePointer)(CUdeviceptr *, void *, unsigned);
    CUresult (*memFreeHost)(void *);
    CUresult (*streamWaitValue32)(CUstream, CUdeviceptr, uint32_t, unsigned);
} cu;

static char last_error[256];
const char *rt_driver_error(void) { return last_error; }

#define CHECK(call) do { CUresult r_ = (call); if (r_ != 0) { \
    snprintf(last_error, sizeof last_error, "%s returned %d", #call, r_); goto fail; } } while (0)

static int resolve(void) {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) { snprintf(last_error, sizeof last_error, "dlopen libcuda.so.1: %s", dlerror()); return -1; }
#define SYM(field, name) if (!(*(void **)&cu.field = dlsym(lib, name))) { \
        snprintf(last_error, sizeof last_error, "dlsym %s failed", name); return -1; }
    SYM(deviceGet, "cuDeviceGet")
    SYM(primaryCtxRetain, "cuDevicePrimaryCtxRetain")
    SYM(ctxSetCurrent, "cuCtxSetCurrent")
    SYM(priorityRange, "cuCtxGetStreamPriorityRange")
    SYM(streamCreateWithPriority, "cuStreamCreateWithPriority")
    SYM(streamDestroy, "cuStreamDestroy_v2")
    SYM(graphInstantiate, "cuGraphInstantiateWithFlags")
    SYM(graphLaunch, "cuGraphLaunch")
    SYM(graphExecDestroy, "cuGraphExecDestroy")
    SYM(streamSynchronize, "cuStreamSynchronize")
    SYM(copyDtoHAsync, "cuMemcpyDtoHAsync_v2")
    SYM(eventCreate, "cuEventCreate")
    SYM(eventRecord, "cuEventRecord")
    SYM(eventDestroy, "cuEventDestroy_v2")
#undef SYM
    /* Only for RT_PREFER_L1: optional. */
    *(void **)&cu.graphGetNodes = dlsym(lib, "cuGraphGetNodes");
    *(void **)&cu.nodeGetType = dlsym(lib, "cuGraphNodeGetType");
    *(void **)&cu.kernelNodeGetParams = dlsym(lib, "cuGraphKernelNodeGetParams_v2");
    *(void **)&cu.funcSetAttribute = dlsym(lib, "cuFuncSetAttribute");
    *(void **)&cu.kernelSetAttribute = dlsym(lib, "cuKernelSetAttribute");
    *(void **)&cu.memHostAlloc = dlsym(lib, "cuMemHostAlloc");
    *(void **)&cu.memHostGetDevicePointer = dlsym(lib, "cuMemHostGetDevicePointer_v2");
    *(void **)&cu.memFreeHost = dlsym(lib, "cuMemFreeHost");
    if (!(*(void **)&cu.streamWaitValue32 = dlsym(lib, "cuStreamWaitValue32_v2")))
        *(void **)&cu.streamWaitValue32 = dlsym(lib, "cuStreamWaitValue32");
    /* CUDA 12.8 added the _v2 form; older drivers have only the first. */
    if (!(*(void **)&cu.eventElapsed = dlsym(lib, "cuEventElapsedTime_v2")) &&
        !(*(void **)&cu.eventElapsed = dlsym(lib, "cuEventElapsedTime"))) {
        snprintf(last_error, sizeof last_error, "dlsym cuEventElapsedTime failed");
        return -1;
    }
    return 0;
}

/* RT_PREFER_L1=1 (a diagnosis, issue 3): every kernel of the graph asks for the smallest
 * shared-memory carveout, i.e. the most L1, before the graph is instantiated. BE kernels (cuDNN,
 * cuBLAS) leave the SMs configured for large shared memory; if RT then runs with less L1, this
 * shows it. Best effort: returns how many kernels took the preference, -1 if the graph could not
 * be read. */
static int prefer_l1(CUgraph graph, CUdevice dev) {
    size_t n = 0;
    if (!cu.graphGetNodes || !cu.nodeGetType || !cu.kernelNodeGetParams || !cu.funcSetAttribute ||
        !cu.kernelSetAttribute)
        return -1;
    if (cu.graphGetNodes(graph, NULL, &n) != 0) return -1;
    CUgraphNode *nodes = calloc(n ? n : 1, sizeof *nodes);
    if (!nodes || cu.graphGetNodes(graph, nodes, &n) != 0) { free(nodes); return -1; }
    int set = 0;
    for (size_t i = 0; i < n; i++) {
        int type = -1;
        KernelNodeParams p;
        memset(&p, 0, sizeof p);
        if (cu.nodeGetType(nodes[i], &type) != 0 || type != GRAPH_NODE_TYPE_KERNEL) continue;
        if (cu.kernelNodeGetParams(nodes[i], &p) != 0) continue;
        CUresult r = p.kern ? cu.kernelSetAttribute(FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, 0, p.kern, dev)
                            : cu.funcSetAttribute(p.func, FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, 0);
        if (r == 0) set++;
    }
    free(nodes);
    return set;
}

/* RT_GREEN=1 (a diagnosis, issue 3): the RT stream is made in a green context spanning every SM
 * (CUDA 12.4+), the graph's nodes staying in the app's context. A kernel of another context spares
 * RT's graph the 9-13 % slowdown a kernel of RT's own context causes
 * (bench/results/foreign-kernel-h100.md); does RT in a context of its own escape it too? Made
 * through dlsym, so under Reef these calls pass through unrouted.
 * RT_GREEN=<K> (issue 6): a green context of K SMs (what confining RT costs RT);
 * RT_GREEN=rest:<N>: of the SMs left after splitting N off, the complement of the BE loop's
 * BE_GREEN=<N> stream, so RT and BE share no SM. */
static CUresult green_rt_stream(CUdevice dev, const char *spec, int priority, CUstream *stream) {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    int rest = strncmp(spec, "rest:", 5) == 0;
    long sms = strcmp(spec, "1") == 0 ? 0 : strtol(rest ? spec + 5 : spec, NULL, 10);
    if (sms < 0 || (rest && sms == 0)) return 1; /* CUDA_ERROR_INVALID_VALUE */
    return lib ? cu_green_stream_part(lib, dev, (unsigned)sms, rest, priority, stream) : 500; /* CUDA_ERROR_NOT_FOUND */
}

/* RT_RESET_CONTEXT=N (a diagnosis, issue 3): after every N-th request (and once before the
 * first), one empty kernel in a private context of the benchmark's own. On the H100 the RT graph
 * runs 9-13 % slower once 8 kernels ran on another stream of its context, and fast again from
 * the first kernel of another context on (bench/results/foreign-kernel-h100.md): does that hold
 * with a real best-effort model beside it? The private stream has the greatest priority, so
 * under Reef it is real-time and never held. */
static struct {
    CUcontext ctx;
    CUstream stream;
    CUfunction fn;
} reset;

static CUresult reset_context_kernel(CUdevice dev, CUcontext app) {
    static const char ptx[] = ".version 8.0\n.target sm_90\n.address_size 64\n"
                              ".visible .entry reef_reset()\n{\n ret;\n}\n";
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    CUresult (*load)(void **, const void *) = lib ? dlsym(lib, "cuModuleLoadData") : NULL;
    CUresult (*get)(CUfunction *, void *, const char *) = lib ? dlsym(lib, "cuModuleGetFunction") : NULL;
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **) = lib ? dlsym(lib, "cuLaunchKernel") : NULL;
    if (!load || !get || !launch) return 500; /* CUDA_ERROR_NOT_FOUND */
    CUresult r = 0;
    if (!reset.ctx) {
        int least = 0, greatest = 0;
        void *module = NULL;
        r = cu_context_create(lib, dev, &reset.ctx);
        if (r == 0) r = load(&module, ptx);
        if (r == 0) r = get(&reset.fn, module, "reef_reset");
        if (r == 0) r = cu.priorityRange(&least, &greatest);
        if (r == 0) r = cu.streamCreateWithPriority(&reset.stream, 1 /* NON_BLOCKING */, greatest);
        if (r != 0) { cu.ctxSetCurrent(app); return r; }
    } else {
        r = cu.ctxSetCurrent(reset.ctx);
    }
    if (r == 0) r = launch(reset.fn, 1, 1, 1, 32, 1, 1, 0, reset.stream, NULL, NULL);
    if (r == 0) r = cu.streamSynchronize(reset.stream);
    CUresult back = cu.ctxSetCurrent(app);
    return r ? r : back;
}

/* RT_PREWARM_US=N (a diagnosis, issue 4): N us before each request, one command on the RT
 * stream (RT_PREWARM_OP: event = an event record, kernel = an empty kernel of a module loaded
 * into RT's context), not waited for. Across processes the RT graph runs ~15 % slower on the device
 * after the other process's context ran (not after one small kernel of it: crossproc floor rows);
 * if the RT context switched in early no longer pays that, the cost is in the switch. */
static struct {
    int op; /* 0 none, 1 event, 2 kernel */
    CUevent event;
    CUfunction fn;
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **);
} prewarm;

static CUresult prewarm_setup(void) {
    const char *op = getenv("RT_PREWARM_OP");
    prewarm.op = (op && strcmp(op, "kernel") == 0) ? 2 : 1;
    if (prewarm.op == 1) return cu.eventCreate(&prewarm.event, 2 /* DISABLE_TIMING */);
    static const char ptx[] = ".version 8.0\n.target sm_90\n.address_size 64\n"
                              ".visible .entry reef_prewarm()\n{\n ret;\n}\n";
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    CUresult (*load)(void **, const void *) = lib ? dlsym(lib, "cuModuleLoadData") : NULL;
    CUresult (*get)(CUfunction *, void *, const char *) = lib ? dlsym(lib, "cuModuleGetFunction") : NULL;
    *(void **)&prewarm.launch = lib ? dlsym(lib, "cuLaunchKernel") : NULL;
    if (!load || !get || !prewarm.launch) return 500;
    void *module = NULL;
    CUresult r = load(&module, ptx);
    return r ? r : get(&prewarm.fn, module, "reef_prewarm");
}

static CUresult prewarm_issue(CUstream stream) {
    if (prewarm.op == 1) return cu.eventRecord(prewarm.event, stream);
    return prewarm.launch(prewarm.fn, 1, 1, 1, 32, 1, 1, 0, stream, NULL, NULL);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Replays `graph` (a CUgraph, instantiated here) `requests` times, one every `period_ns`, on a
 * new non-blocking stream of the device's greatest priority when `high_priority`, else priority
 * 0. latencies_ns[i]: completion - scheduled arrival of request i; start_ns/end_ns: the
 * CLOCK_MONOTONIC span of the timed requests. After each request the output (out, out_bytes)
 * is copied back and compared with `reference`; *mismatches counts the differing requests.
 * gpu_ns[i] (when not NULL): the device time of request i, between events recorded on the
 * stream just before and just after the graph (host-side launch and wake-up excluded).
 * launch_ns[i] (when not NULL): how long the host spent submitting request i (the two event
 * records and cuGraphLaunch). With RT_PREPUSH=1 (a diagnosis, issue 3) the stream first waits on
 * a word of device-mapped host memory that the host writes only after the whole request was
 * submitted, so gpu_ns excludes any wait of the device for the host's submission.
 * Returns 0, or -1 with rt_driver_error() set. */
int rt_driver_run(uint64_t graph, int high_priority, int warmup, int requests, uint64_t period_ns,
                  uint64_t out, uint64_t out_bytes, const void *reference,
                  uint64_t *latencies_ns, uint64_t *gpu_ns, uint64_t *launch_ns, uint64_t *start_ns, uint64_t *end_ns, int *mismatches) {
    CUdevice dev;
    CUcontext ctx;
    CUstream stream = NULL;
    CUgraphExec exec = NULL;
    CUevent before = NULL, after = NULL;
    void *host = NULL;
    volatile uint32_t *word = NULL;
    CUdeviceptr word_dev = 0;
    int least = 0, greatest = 0;
    if (!cu.graphLaunch && resolve() != 0) return -1;
    CHECK(cu.deviceGet(&dev, 0));
    CHECK(cu.primaryCtxRetain(&ctx, dev));
    CHECK(cu.ctxSetCurrent(ctx));
    CHECK(cu.priorityRange(&least, &greatest));
    const char *rt_green = getenv("RT_GREEN");
    if (rt_green && *rt_green) {
        CHECK(green_rt_stream(dev, rt_green, high_priority ? greatest : 0, &stream));
        fprintf(stderr, "rt_driver: RT_GREEN=%s: the RT stream is in a green context (1: every SM, K: K SMs, rest:N: the SMs left after splitting N off)\n", rt_green);
    } else {
        CHECK(cu.streamCreateWithPriority(&stream, 1 /* CU_STREAM_NON_BLOCKING */, high_priority ? greatest : 0));
    }
    const char *l1 = getenv("RT_PREFER_L1");
    if (l1 && strcmp(l1, "1") == 0)
        fprintf(stderr, "rt_driver: RT_PREFER_L1: %d kernels prefer L1\n", prefer_l1((CUgraph)(uintptr_t)graph, dev));
    const char *prepush = getenv("RT_PREPUSH");
    if (prepush && strcmp(prepush, "1") == 0) {
        if (!cu.memHostAlloc || !cu.memHostGetDevicePointer || !cu.memFreeHost || !cu.streamWaitValue32) {
            snprintf(last_error, sizeof last_error, "RT_PREPUSH=1: the driver lacks cuMemHostAlloc or cuStreamWaitValue32");
            goto fail;
        }
        void *w = NULL;
        CHECK(cu.memHostAlloc(&w, 64, 0x01 | 0x02 /* PORTABLE | DEVICEMAP */));
        word = (volatile uint32_t *)w;
        *word = 0;
        CHECK(cu.memHostGetDevicePointer(&word_dev, w, 0));
        fprintf(stderr, "rt_driver: RT_PREPUSH: each request waits for its whole submission\n");
    }
    CHECK(cu.graphInstantiate(&exec, (CUgraph)(uintptr_t)graph, 0));
    CHECK(cu.eventCreate(&before, 0));
    CHECK(cu.eventCreate(&after, 0));
    host = malloc(out_bytes ? out_bytes : 1);
    if (!host) { snprintf(last_error, sizeof last_error, "malloc(%llu) failed", (unsigned long long)out_bytes); goto fail; }
    for (int i = 0; i < warmup; i++) CHECK(cu.graphLaunch(exec, stream));
    CHECK(cu.streamSynchronize(stream));
    const char *reset_env = getenv("RT_RESET_CONTEXT");
    int reset_every = reset_env ? atoi(reset_env) : 0;
    if (reset_every > 0) {
        CHECK(reset_context_kernel(dev, ctx));
        fprintf(stderr, "rt_driver: RT_RESET_CONTEXT: a kernel in a private context after every %d requests\n", reset_every);
    }

    const char *prewarm_env = getenv("RT_PREWARM_US");
    uint64_t prewarm_ns = prewarm_env ? (uint64_t)atoi(prewarm_env) * 1000ull : 0;
    if (prewarm_ns > 0) {
        CHECK(prewarm_setup());
        fprintf(stderr, "rt_driver: RT_PREWARM_US: %s %llu us before each request\n",
                prewarm.op == 2 ? "an empty kernel" : "an event record", (unsigned long long)(prewarm_ns / 1000));
    }

    *mismatches = 0;
    uint64_t t0 = now_ns() + 1000000;
    *start_ns = t0;
    for (int i = 0; i < requests; i++) {
        uint64_t arrival = t0 + (uint64_t)i * period_ns;
        if (prewarm_ns > 0 && prewarm_ns < period_ns) {
            uint64_t w = arrival - prewarm_ns;
            struct timespec wat = { (time_t)(w / 1000000000ull), (long)(w % 1000000000ull) };
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wat, NULL) != 0) {}
            CHECK(prewarm_issue(stream));
        }
        struct timespec at = { (time_t)(arrival / 1000000000ull), (long)(arrival % 1000000000ull) };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) != 0) {}
        uint64_t submit = now_ns();
        if (word) CHECK(cu.streamWaitValue32(stream, word_dev, (uint32_t)(i + 1), 0x0 /* GEQ */));
        if (gpu_ns) CHECK(cu.eventRecord(before, stream));
        CHECK(cu.graphLaunch(exec, stream));
        if (gpu_ns) CHECK(cu.eventRecord(after, stream));
        if (launch_ns) launch_ns[i] = now_ns() - submit;
        if (word) { __atomic_store_n(word, (uint32_t)(i + 1), __ATOMIC_SEQ_CST); }
        CHECK(cu.streamSynchronize(stream));
        latencies_ns[i] = now_ns() - arrival;
        if (gpu_ns) {
            float ms = 0;
            CHECK(cu.eventElapsed(&ms, before, after));
            gpu_ns[i] = (uint64_t)(ms * 1e6f);
        }
        CHECK(cu.copyDtoHAsync(host, (CUdeviceptr)out, out_bytes, stream));
        CHECK(cu.streamSynchronize(stream));
        if (reference && memcmp(host, reference, out_bytes) != 0) (*mismatches)++;
        if (reset_every > 0 && (i + 1) % reset_every == 0) CHECK(reset_context_kernel(dev, ctx));
    }
    *end_ns = now_ns();
    free(host);
    if (word) cu.memFreeHost((void *)word);
    cu.eventDestroy(before);
    cu.eventDestroy(after);
    cu.graphExecDestroy(exec);
    cu.streamDestroy(stream);
    return 0;
fail:
    free(host);
    if (word) cu.memFreeHost((void *)word);
    if (before) cu.eventDestroy(before);
    if (after) cu.eventDestroy(after);
    if (exec) cu.graphExecDestroy(exec);
    if (stream) cu.streamDestroy(stream);
    return -1;
}
