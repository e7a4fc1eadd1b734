/* What slows an RT request on the device after another kernel ran (issue 3; bench/results/
 * rt-slowdown-diag.md): on the H100 and H200 one small kernel on another stream every 100 ms made
 * every request of a CUDA-graph ResNet-50 12-13 % slower. This program asks the next questions
 * without PyTorch: a synthetic RT request (a chain of small kernels, as a CUDA graph or launched
 * one by one behind a host-written gate so the host's submission is not timed) runs every 10 ms,
 * and between requests a "foreign" kernel runs nowhere, on another stream (a kernel of RT's
 * module, RT's own function, or a kernel of another module), on RT's own stream, on a stream of
 * another context, or on a green-context stream (all SMs, or DIAG_GREEN_SMS, default 16); and
 * the mirror, RT itself in a green context of every SM beside a foreign kernel in the app's
 * context. Each request is timed on the device (events around it).
 *
 *   cc -O2 -o foreign_kernel foreign_kernel.c -ldl && ./foreign_kernel --out result.json
 *
 * Driver entry points are resolved with dlsym (no cuda.h needed). The kernels are PTX, compiled
 * by the driver; DIAG_IMAGE/DIAG_RT_NAME/DIAG_FOREIGN_NAME replace them (the simulated driver
 * takes its own image format, so CI-less checks can run it). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void *CUcontext, *CUstream, *CUgraph, *CUgraphExec, *CUevent, *CUmodule, *CUfunction;
#include "../cu_contexts.h"

static const char PTX[] =
    ".version 8.0\n.target sm_90\n.address_size 64\n"
    "%s"; /* filled with the two entries below */
/* x[i] = iters fused multiply-adds of x[i]; the foreign kernel is the same code, another function. */
static const char ENTRY[] =
    ".visible .entry %s(.param .u64 p, .param .u32 iters)\n{\n"
    " .reg .pred %%p<2>;\n .reg .b32 %%r<8>;\n .reg .f32 %%f<2>;\n .reg .b64 %%rd<5>;\n"
    " ld.param.u64 %%rd1, [p];\n ld.param.u32 %%r1, [iters];\n cvta.to.global.u64 %%rd2, %%rd1;\n"
    " mov.u32 %%r2, %%ctaid.x;\n mov.u32 %%r3, %%ntid.x;\n mov.u32 %%r4, %%tid.x;\n"
    " mad.lo.s32 %%r5, %%r2, %%r3, %%r4;\n mul.wide.u32 %%rd3, %%r5, 4;\n add.s64 %%rd4, %%rd2, %%rd3;\n"
    " ld.global.f32 %%f1, [%%rd4];\n mov.u32 %%r6, 0;\n"
    "L:\n setp.ge.u32 %%p1, %%r6, %%r1;\n @%%p1 bra D;\n"
    " fma.rn.f32 %%f1, %%f1, 0f3F7FFFFF, 0f3A83126F;\n add.u32 %%r6, %%r6, 1;\n bra L;\n"
    "D:\n st.global.f32 [%%rd4], %%f1;\n ret;\n}\n";

static struct {
    CUresult (*init)(unsigned);
    CUresult (*deviceGet)(CUdevice *, int);
    CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*ctxSetCurrent)(CUcontext);
    CUresult (*streamCreate)(CUstream *, unsigned);
    CUresult (*moduleLoadData)(CUmodule *, const void *);
    CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
    CUresult (*memAlloc)(CUdeviceptr *, size_t);
    CUresult (*memsetD32)(CUdeviceptr, unsigned, size_t);
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **);
    CUresult (*beginCapture)(CUstream, int);
    CUresult (*endCapture)(CUstream, CUgraph *);
    CUresult (*graphInstantiate)(CUgraphExec *, CUgraph, unsigned long long);
    CUresult (*graphLaunch)(CUgraphExec, CUstream);
    CUresult (*streamSynchronize)(CUstream);
    CUresult (*eventCreate)(CUevent *, unsigned);
    CUresult (*eventRecord)(CUevent, CUstream);
    CUresult (*eventElapsed)(float *, CUevent, CUevent);
    CUresult (*memHostAlloc)(void **, size_t, unsigned);
    CUresult (*memHostGetDevicePointer)(CUdeviceptr *, void *, unsigned);
    CUresult (*streamWaitValue32)(CUstream, CUdeviceptr, uint32_t, unsigned);
    void *lib;   /* for cu_contexts.h: green-context streams (CUDA 12.4+), a second context */
} cu;

#define CHECK(call) do { CUresult r_ = (call); if (r_ != 0) { \
    fprintf(stderr, "foreign_kernel: %s returned %d\n", #call, r_); exit(1); } } while (0)

static void *sym(void *lib, const char *name, int required) {
    void *p = dlsym(lib, name);
    if (!p && required) { fprintf(stderr, "foreign_kernel: dlsym %s failed\n", name); exit(1); }
    return p;
}

static void resolve(void) {
    void *lib = cu.lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) { fprintf(stderr, "foreign_kernel: dlopen libcuda.so.1: %s\n", dlerror()); exit(1); }
    *(void **)&cu.init = sym(lib, "cuInit", 1);
    *(void **)&cu.deviceGet = sym(lib, "cuDeviceGet", 1);
    *(void **)&cu.primaryCtxRetain = sym(lib, "cuDevicePrimaryCtxRetain", 1);
    *(void **)&cu.ctxSetCurrent = sym(lib, "cuCtxSetCurrent", 1);
    *(void **)&cu.streamCreate = sym(lib, "cuStreamCreate", 1);
    *(void **)&cu.moduleLoadData = sym(lib, "cuModuleLoadData", 1);
    *(void **)&cu.moduleGetFunction = sym(lib, "cuModuleGetFunction", 1);
    *(void **)&cu.memAlloc = sym(lib, "cuMemAlloc_v2", 1);
    *(void **)&cu.memsetD32 = sym(lib, "cuMemsetD32_v2", 1);
    *(void **)&cu.launch = sym(lib, "cuLaunchKernel", 1);
    *(void **)&cu.beginCapture = sym(lib, "cuStreamBeginCapture_v2", 1);
    *(void **)&cu.endCapture = sym(lib, "cuStreamEndCapture", 1);
    *(void **)&cu.graphInstantiate = sym(lib, "cuGraphInstantiateWithFlags", 1);
    *(void **)&cu.graphLaunch = sym(lib, "cuGraphLaunch", 1);
    *(void **)&cu.streamSynchronize = sym(lib, "cuStreamSynchronize", 1);
    *(void **)&cu.eventCreate = sym(lib, "cuEventCreate", 1);
    *(void **)&cu.eventRecord = sym(lib, "cuEventRecord", 1);
    if (!(*(void **)&cu.eventElapsed = sym(lib, "cuEventElapsedTime_v2", 0)))
        *(void **)&cu.eventElapsed = sym(lib, "cuEventElapsedTime", 1);
    *(void **)&cu.memHostAlloc = sym(lib, "cuMemHostAlloc", 1);
    *(void **)&cu.memHostGetDevicePointer = sym(lib, "cuMemHostGetDevicePointer_v2", 1);
    if (!(*(void **)&cu.streamWaitValue32 = sym(lib, "cuStreamWaitValue32_v2", 0)))
        *(void **)&cu.streamWaitValue32 = sym(lib, "cuStreamWaitValue32", 1);
}

/* A non-blocking stream of a green context of `sms` SMs (0: all of them), or NULL. */
static CUstream green_stream(CUdevice dev, unsigned sms) {
    CUstream st = NULL;
    return cu_green_stream(cu.lib, dev, sms, 0, &st) == 0 ? st : NULL;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}

/* The RT request: `kernels` launches of rt_fn over the RT buffer. */
static struct {
    CUfunction rt_fn, foreign_fn, foreign_fn_other_module, foreign_fn_other_ctx;
    CUdeviceptr rt_buf, foreign_buf, foreign_buf_other_ctx;
    CUstream rt, other, other_ctx_stream, green_all, green_part;
    CUcontext ctx, other_ctx;
    CUgraphExec graph;
    CUevent before, after;
    volatile uint32_t *gate;
    CUdeviceptr gate_dev;
    uint32_t gate_value;
    int kernels, blocks, threads, iters, foreign_iters, green_sms;
} s;

static void launch_chain(CUstream st) {
    unsigned iters = (unsigned)s.iters;
    void *args[] = {&s.rt_buf, &iters};
    for (int k = 0; k < s.kernels; k++)
        CHECK(cu.launch(s.rt_fn, (unsigned)s.blocks, 1, 1, (unsigned)s.threads, 1, 1, 0, st, args, NULL));
}

static void foreign(const char *where) {
    unsigned iters = (unsigned)s.foreign_iters;
    if (strcmp(where, "other_context") == 0) {
        void *args[] = {&s.foreign_buf_other_ctx, &iters};
        CHECK(cu.ctxSetCurrent(s.other_ctx));
        CHECK(cu.launch(s.foreign_fn_other_ctx, 1, 1, 1, 256, 1, 1, 0, s.other_ctx_stream, args, NULL));
        CHECK(cu.streamSynchronize(s.other_ctx_stream));
        CHECK(cu.ctxSetCurrent(s.ctx));
        return;
    }
    CUstream st = strcmp(where, "same_stream") == 0 ? s.rt
                : strcmp(where, "green_all") == 0 ? s.green_all
                : strcmp(where, "green_part") == 0 ? s.green_part : s.other;
    CUfunction fn = strstr(where, "rt_function") ? s.rt_fn
                  : strstr(where, "other_module") ? s.foreign_fn_other_module : s.foreign_fn;
    void *args[] = {&s.foreign_buf, &iters};
    CHECK(cu.launch(fn, 1, 1, 1, 256, 1, 1, 0, st, args, NULL));
    CHECK(cu.streamSynchronize(st));
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* One mode: `requests` RT requests every 10 ms; after every `every`-th one, a foreign kernel
 * (where: none, other_stream, same_stream, other_stream_rt_function, other_context). */
static void run_mode(FILE *out, int first, const char *name, int eager, int rt_green, const char *where, int every,
                     int requests) {
    float *ms = calloc((size_t)requests, sizeof *ms);
    CUstream rt = rt_green ? s.green_all : s.rt;   /* RT itself in the green context */
    uint64_t t0 = now_ns() + 2000000;
    for (int i = 0; i < requests; i++) {
        uint64_t arrival = t0 + (uint64_t)i * 10000000ull;
        struct timespec at = {(time_t)(arrival / 1000000000ull), (long)(arrival % 1000000000ull)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) != 0) {}
        /* The device starts the request only once all of it is submitted. */
        CHECK(cu.streamWaitValue32(rt, s.gate_dev, ++s.gate_value, 0x0 /* GEQ */));
        CHECK(cu.eventRecord(s.before, rt));
        if (eager) launch_chain(rt);
        else CHECK(cu.graphLaunch(s.graph, rt));
        CHECK(cu.eventRecord(s.after, rt));
        __atomic_store_n(s.gate, s.gate_value, __ATOMIC_SEQ_CST);
        CHECK(cu.streamSynchronize(rt));
        CHECK(cu.eventElapsed(&ms[i], s.before, s.after));
        if (strcmp(where, "none") != 0 && (i + 1) % every == 0) foreign(where);
    }
    /* In arrival order first: request i came (i % every) requests after the last foreign kernel. */
    fprintf(out, "%s  {\"mode\": \"%s\", \"rt\": \"%s\", \"foreign\": \"%s\", \"every\": %d, \"requests\": %d, "
                 "\"device_ms\": [", first ? "" : ",\n", name, eager ? (rt_green ? "eager_green" : "eager") : (rt_green ? "graph_green" : "graph"), where,
            every, requests);
    for (int i = 0; i < requests; i++) fprintf(out, "%s%.4f", i ? ", " : "", ms[i]);
    qsort(ms, (size_t)requests, sizeof *ms, cmp_float);
    fprintf(out, "], \"device_ms_p1\": %.4f, \"device_ms_p50\": %.4f, \"device_ms_p99\": %.4f}", ms[requests / 100],
            ms[requests / 2], ms[requests * 99 / 100]);
    fprintf(stderr, "foreign_kernel: %-28s device p1 %.4f p50 %.4f p99 %.4f ms\n", name, ms[requests / 100],
            ms[requests / 2], ms[requests * 99 / 100]);
    free(ms);
}

static void load(CUfunction *rt_fn, CUfunction *foreign_fn) {
    const char *image = getenv("DIAG_IMAGE");
    const char *rt_name = getenv("DIAG_RT_NAME") ? getenv("DIAG_RT_NAME") : "reef_rt";
    const char *foreign_name = getenv("DIAG_FOREIGN_NAME") ? getenv("DIAG_FOREIGN_NAME") : "reef_foreign";
    char entries[4096], ptx[4600];
    if (!image) {
        int n = snprintf(entries, sizeof entries, ENTRY, rt_name);
        snprintf(entries + n, sizeof entries - (size_t)n, ENTRY, foreign_name);
        snprintf(ptx, sizeof ptx, PTX, entries);
        image = ptx;
    }
    CUmodule m;
    CHECK(cu.moduleLoadData(&m, image));
    CHECK(cu.moduleGetFunction(rt_fn, m, rt_name));
    CHECK(cu.moduleGetFunction(foreign_fn, m, foreign_name));
}

int main(int argc, char **argv) {
    const char *path = "foreign_kernel.json";
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--out") == 0) path = argv[++i];
    int requests = env_int("DIAG_REQUESTS", 300);
    s.kernels = env_int("DIAG_KERNELS", 300);
    s.blocks = env_int("DIAG_BLOCKS", 132);
    s.threads = 256;
    s.iters = env_int("DIAG_ITERS", 200);
    s.foreign_iters = env_int("DIAG_FOREIGN_ITERS", 16);
    s.green_sms = env_int("DIAG_GREEN_SMS", 16);
    resolve();
    CUdevice dev;
    CHECK(cu.init(0));
    CHECK(cu.deviceGet(&dev, 0));
    CHECK(cu.primaryCtxRetain(&s.ctx, dev));
    CHECK(cu.ctxSetCurrent(s.ctx));
    load(&s.rt_fn, &s.foreign_fn);
    CUfunction unused_rt;
    load(&unused_rt, &s.foreign_fn_other_module);   /* the same code, loaded again: another module */
    size_t n = (size_t)s.blocks * (size_t)s.threads;
    CHECK(cu.memAlloc(&s.rt_buf, n * 4));
    CHECK(cu.memsetD32(s.rt_buf, 0x3f800000u, n));
    CHECK(cu.memAlloc(&s.foreign_buf, 256 * 4));
    CHECK(cu.memsetD32(s.foreign_buf, 0x3f800000u, 256));
    CHECK(cu.streamCreate(&s.rt, 1));
    CHECK(cu.streamCreate(&s.other, 1));
    CHECK(cu.eventCreate(&s.before, 0));
    CHECK(cu.eventCreate(&s.after, 0));
    void *g = NULL;
    CHECK(cu.memHostAlloc(&g, 64, 0x01 | 0x02 /* PORTABLE | DEVICEMAP */));
    s.gate = g;
    *s.gate = 0;
    CHECK(cu.memHostGetDevicePointer(&s.gate_dev, g, 0));
    /* The graph: the same chain, captured. */
    CUgraph graph;
    CHECK(cu.beginCapture(s.rt, 2 /* relaxed */));
    launch_chain(s.rt);
    CHECK(cu.endCapture(s.rt, &graph));
    CHECK(cu.graphInstantiate(&s.graph, graph, 0));
    /* Another context, if the driver makes one (another process's context is time-sliced the same way). */
    int have_ctx = 0;
    have_ctx = cu_context_create(cu.lib, dev, &s.other_ctx) == 0;
    if (have_ctx) {
        CHECK(cu.ctxSetCurrent(s.other_ctx));
        CUfunction unused;
        load(&unused, &s.foreign_fn_other_ctx);
        CHECK(cu.memAlloc(&s.foreign_buf_other_ctx, 256 * 4));
        CHECK(cu.memsetD32(s.foreign_buf_other_ctx, 0x3f800000u, 256));
        CHECK(cu.streamCreate(&s.other_ctx_stream, 1));
        CHECK(cu.ctxSetCurrent(s.ctx));
    } else {
        fprintf(stderr, "foreign_kernel: no second context (cuCtxCreate failed); skipping other_context\n");
    }
    /* Green-context streams; the foreign kernel (loaded in the primary context) launches on them
     * as Reef's padding launches an application's kernels. */
    s.green_all = green_stream(dev, 0);
    s.green_part = green_stream(dev, (unsigned)s.green_sms);
    if (!s.green_all || !s.green_part) fprintf(stderr, "foreign_kernel: no green contexts; skipping those modes\n");
    /* Warm-up: a few requests of each kind. */
    for (int i = 0; i < 20; i++) {
        launch_chain(s.rt);
        CHECK(cu.graphLaunch(s.graph, s.rt));
    }
    CHECK(cu.streamSynchronize(s.rt));

    FILE *out = fopen(path, "w");
    if (!out) { perror(path); return 1; }
    fprintf(out, "{\"kernels\": %d, \"blocks\": %d, \"iters\": %d, \"foreign_iters\": %d, \"green_sms\": %d, "
                 "\"modes\": [\n", s.kernels, s.blocks, s.iters, s.foreign_iters, s.green_sms);
    struct { const char *name; int eager; const char *where; int every; int idle_s; int rt_green; } modes[] = {
        {"graph_alone", 0, "none", 1, 0},
        {"graph_other_stream", 0, "other_stream", 1, 0},
        {"graph_alone_after", 0, "none", 1, 3},
        {"graph_same_stream", 0, "same_stream", 1, 3},
        {"graph_other_stream_rt_fn", 0, "other_stream_rt_function", 1, 3},
        {"graph_other_stream_other_module", 0, "other_stream_other_module", 1, 3},
        {"graph_other_stream_every10", 0, "other_stream", 10, 3},
        {"graph_other_stream_every50", 0, "other_stream", 50, 3},   /* how long the state lasts */
        {"graph_other_stream_every150", 0, "other_stream", 150, 3},
        {"graph_other_context", 0, "other_context", 1, 3},
        /* Does a kernel in another context put RT back into its fast state for good? */
        {"graph_alone_after_other_context", 0, "none", 1, 3},
        {"graph_other_stream_again", 0, "other_stream", 1, 3},
        {"graph_green_all", 0, "green_all", 1, 3},
        {"graph_green_part", 0, "green_part", 1, 3},
        {"graph_alone_end", 0, "none", 1, 3},
        /* RT's graph launched on a stream of a green context of every SM (the graph's nodes stay
         * in the app's context), the foreign kernel on a stream of the app's context: would
         * moving RT's streams (not BE's) out of the app's context spare RT? */
        {"graph_rt_green_alone", 0, "none", 1, 3, 1},
        {"graph_rt_green_other_stream", 0, "other_stream", 1, 3, 1},
        {"graph_rt_green_alone_after", 0, "none", 1, 3, 1},
        /* Last: 300 launches queued behind a closed gate could, on a driver with a small
         * submission queue, block the host (then the timeout ends the run; what came before is
         * already in the file). */
        {"eager_alone", 1, "none", 1, 3},
        {"eager_other_stream", 1, "other_stream", 1, 0},
        /* RT itself in a green context of every SM, the foreign kernel in the app's context. */
        {"eager_rt_green_alone", 1, "none", 1, 3, 1},
        {"eager_rt_green_other_stream", 1, "other_stream", 1, 0, 1},
    };
    int first = 1;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(modes[i].where, "other_context") == 0 && !have_ctx) continue;
        if ((strncmp(modes[i].where, "green", 5) == 0 || modes[i].rt_green) && !(s.green_all && s.green_part)) continue;
        if (modes[i].idle_s) {   /* let whatever the previous mode left behind decay */
            struct timespec d = {modes[i].idle_s, 0};
            nanosleep(&d, NULL);
        }
        run_mode(out, first, modes[i].name, modes[i].eager, modes[i].rt_green, modes[i].where, modes[i].every, requests);
        fflush(out);
        first = 0;
    }
    fprintf(out, "\n]}\n");
    fclose(out);
    return 0;
}
