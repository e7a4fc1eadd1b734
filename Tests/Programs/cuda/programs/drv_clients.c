/*
 * drv_clients.c — several client threads in one process, as in a model server (DISB's threads
 * mode): --rt real-time threads, each on its own stream at the greatest priority, issue requests;
 * --be best-effort threads, each on its own stream at the least priority, run closed loops. Every
 * request or iteration: clear a buffer, --kernels x2p1 kernels (x = 2x + 1: non-idempotent, so a
 * kernel run twice or skipped shows), optionally a `delay` kernel of --delay-ns on every SM, copy
 * the buffer into pageable memory and wait for the stream; the values must be 2^k - 1.
 *
 * --rt-fresh-module N: every Nth real-time request also loads a new module and launches its
 * `empty` kernel, a function never launched before (with the simulator's SIM_LAZY_LOADING=1 that
 * first launch synchronises the whole device, as CUDA's lazy loading may).
 *
 * --period-ns P paces real-time requests (one per P ns of wall time; with SIM_TIME_SCALE=1 the
 * device runs at wall speed). A watchdog fails the run (exit 3, "STALL") when no thread makes
 * progress for 10 s: a scheduler that never lets work through is caught, not waited for.
 *
 * Threads run one after another unless --parallel 1 (the end-to-end suites compare call traces
 * across runs, which concurrent threads would interleave differently each time).
 *
 * --report-overlap 1 adds a line `be_during_rt=N`: best-effort iterations that completed while a
 * real-time thread was still running (a scheduler that starves best-effort work under constant
 * real-time load shows a small N).
 *
 * Output: one deterministic line (thread and iteration counts), then OK.
 */
#include "drv_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define N 1024

static CUcontext ctx;
static CUfunction x2p1, delay_fn;
static int kernels = 3, sms = 8;
static long rt_iters = 8, be_iters = 12;
static unsigned long long delay_ns = 0, period_ns = 0;
static long fresh_every = 0;
static int least, greatest;
static atomic_long progress;
static atomic_int rt_running;
static atomic_long be_during_rt;

typedef struct { int realtime; int index; } client;

static void *run_client(void *arg) {
    client *c = arg;
    CHECK(cuCtxSetCurrent(ctx));
    CUstream s;
    CHECK(cuStreamCreateWithPriority(&s, CU_STREAM_NON_BLOCKING, c->realtime ? greatest : least));
    CUdeviceptr d;
    CHECK(cuMemAlloc_v2(&d, N * sizeof(float)));
    float *host = malloc(N * sizeof(float)); /* pageable, as a tensor's .cpu() target often is */
    if (!host) abort();
    int n = N;
    float want = (float)((1u << kernels) - 1);
    long iters = c->realtime ? rt_iters : be_iters;
    uint64_t next = drv_wall_ns();
    for (long i = 0; i < iters; i++) {
        if (c->realtime && period_ns) {
            uint64_t now = drv_wall_ns();
            if (now < next) {
                struct timespec ts = {(time_t)((next - now) / 1000000000ull), (long)((next - now) % 1000000000ull)};
                nanosleep(&ts, NULL);
            }
            next += period_ns;
        }
        CHECK(cuMemsetD32Async(d, 0, N, s));
        for (int k = 0; k < kernels; k++) {
            void *params[] = {&d, &n};
            CHECK(cuLaunchKernel(x2p1, N / 256, 1, 1, 256, 1, 1, 0, s, params, NULL));
        }
        if (delay_ns) drv_launch_delay(delay_fn, (unsigned)sms, delay_ns, s);
        if (c->realtime && fresh_every && i % fresh_every == fresh_every - 1) {
            CUmodule m;
            CUfunction empty;
            CHECK(cuModuleLoadData(&m, "reefsim-module\nempty\n"));
            CHECK(cuModuleGetFunction(&empty, m, "empty"));
            CHECK(cuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, s, NULL, NULL));
        }
        CHECK(cuMemcpyDtoHAsync_v2(host, d, N * sizeof(float), s));
        CHECK(cuStreamSynchronize(s));
        for (int j = 0; j < N; j++) EXPECT(host[j] == want);
        atomic_fetch_add(&progress, 1);
        if (!c->realtime && atomic_load(&rt_running) > 0) atomic_fetch_add(&be_during_rt, 1);
    }
    if (c->realtime) atomic_fetch_sub(&rt_running, 1);
    CHECK(cuStreamDestroy_v2(s));
    CHECK(cuMemFree_v2(d));
    free(host);
    return NULL;
}

int main(int argc, char **argv) {
    int rt = 2, be = 3, parallel = 0, report_overlap = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        long long v = atoll(argv[i + 1]);
        if (strcmp(argv[i], "--rt") == 0) rt = (int)v;
        else if (strcmp(argv[i], "--be") == 0) be = (int)v;
        else if (strcmp(argv[i], "--iters") == 0) rt_iters = v;
        else if (strcmp(argv[i], "--be-iters") == 0) be_iters = v;
        else if (strcmp(argv[i], "--kernels") == 0) kernels = (int)v;
        else if (strcmp(argv[i], "--delay-ns") == 0) delay_ns = (unsigned long long)v;
        else if (strcmp(argv[i], "--period-ns") == 0) period_ns = (unsigned long long)v;
        else if (strcmp(argv[i], "--parallel") == 0) parallel = v != 0;
        else if (strcmp(argv[i], "--rt-fresh-module") == 0) fresh_every = v;
        else if (strcmp(argv[i], "--report-overlap") == 0) report_overlap = v != 0;
        else {
            fprintf(stderr, "usage: %s [--rt N] [--be N] [--iters N] [--be-iters N] [--kernels K] [--delay-ns N] "
                            "[--period-ns N] [--parallel 0|1] [--rt-fresh-module N] [--report-overlap 0|1]\n", argv[0]);
            return 2;
        }
    }
    if (argc % 2 == 0 || rt < 0 || be < 0 || rt + be < 1 || rt + be > 32 || kernels < 1 || kernels > 20) {
        fprintf(stderr, "%s: every option takes a value; 1..32 threads, 1..20 kernels\n", argv[0]);
        return 2;
    }
    ctx = drv_setup();
    CUdevice dev;
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CUmodule mod;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\nx2p1\ndelay\n"));
    CHECK(cuModuleGetFunction(&x2p1, mod, "x2p1"));
    CHECK(cuModuleGetFunction(&delay_fn, mod, "delay"));

    pthread_t threads[32];
    client clients[32];
    atomic_store(&rt_running, rt);
    for (int i = 0; i < rt + be; i++) {
        clients[i] = (client){i < rt, i};
        if (pthread_create(&threads[i], NULL, run_client, &clients[i]) != 0) abort();
        if (!parallel) pthread_join(threads[i], NULL);
    }
    long total = (long)rt * rt_iters + (long)be * be_iters, seen = -1;
    uint64_t since = drv_wall_ns();
    while (atomic_load(&progress) < total) {
        long p = atomic_load(&progress);
        if (p != seen) { seen = p; since = drv_wall_ns(); }
        else if (drv_wall_ns() - since > 10000000000ull) {
            printf("STALL after %ld of %ld iterations\n", p, total);
            fflush(stdout);
            _exit(3);
        }
        usleep(10000);
    }
    if (parallel)
        for (int i = 0; i < rt + be; i++) pthread_join(threads[i], NULL);
    printf("drv_clients: rt_threads=%d be_threads=%d rt_requests=%ld be_iterations=%ld kernels=%d\n", rt, be,
           (long)rt * rt_iters, (long)be * be_iters, kernels);
    if (report_overlap) printf("be_during_rt=%ld\n", atomic_load(&be_during_rt));
    printf("OK\n");
    return 0;
}
