/*
 * rt_latency.c — how long a real-time (RT) request waits behind best-effort (BE) work, in
 * simulated time. Driver API directly (-lcuda), like drv_*.c; built by an explicit rule in
 * Tests/cuda.mk (its rt_ prefix would otherwise link it against libsimcudart).
 *
 * One BE stream gets BE_KERNELS `delay` kernels, each one wave of SIM_SMS blocks of BE_NS, so
 * each occupies the whole device for BE_NS (D). Then RT_REQUESTS requests go to an RT stream
 * (created at the greatest priority, or with --rt-by-ordinal at the default priority through
 * cuStreamCreate, for REEF_RT_STREAMS=#2), one at a time: event record -> delay kernel (SIM_SMS
 * blocks of RT_NS, so it needs every SM) -> event record, then wait for the second event.
 *
 * Latency of a request = elapsed simulated time between its two events. The RT stream is idle
 * when a request arrives, so the first record completes at the arrival instant (the paced device
 * processes new work at the current paced time); the second completes when the kernel ends.
 * The host's wall-clock wait (scaled to simulated ns) is printed too, as a cross-check that
 * catches a shim delaying the first record itself.
 *
 * Pacing: unpaced, the simulator runs all BE work in microseconds of wall time, before any RT
 * request could arrive. With --report the program sets SIM_TIME_SCALE=1 (1 wall ns per simulated
 * ns) unless the caller chose a scale, and sleeps between submissions so that every request
 * arrives while BE work is still queued or running.
 *
 * --rt-kernels K --rt-gap-us G: each request is K RT kernels. After each but the last the host
 * watches a word of pinned memory that the RT stream writes behind the kernel (a plain memory
 * read: no runtime call that Reef could take for the end of the request), and once the kernel
 * has ended pauses G us (simulated) before the next launch, as an eager model does between its
 * kernels. The RT stream is idle in each pause: a BE kernel already released to the device
 * starts there and the next RT kernel waits for it (what a release gate prevents).
 *
 * --rt-ns N: each RT kernel runs N simulated ns instead of 50 us (the cross-process test's long
 * requests, whose device work outlasts the 2 ms a request counts after its last command).
 *
 * --role be|rt (cross-process test): only the BE half (its kernels, then the same pauses the
 * requests would take, then --stay-ms more wall time) or only the RT half (the requests, no BE
 * work).
 *
 * Output: without --report only deterministic lines (the e2e suites compare stdout across runs
 * and with Reef); with --report one "rt N: ..." line per request as well. Always ends with OK.
 */
#include "drv_util.h"

#include <math.h>
#include <time.h>

#define BE_KERNELS 64 /* enough to outlast 8 requests even when each waits for 4 BE kernels */
#define BE_NS 10000000ull  /* D: 10 ms simulated per BE kernel */
#define RT_REQUESTS 8
#define RT_NS 50000ull     /* each RT kernel: 50 us simulated */
#define FIRST_PAUSE_NS (BE_NS * 5 / 2)
/* Pause after request i: D plus i/RT_REQUESTS of D, so requests arrive at spread phases of the
 * running BE kernel (an RT request ends just after a BE kernel, which it waited for). */
#define GAP_NS(i) (BE_NS + BE_NS * (uint64_t)(i) / RT_REQUESTS + BE_NS / 50)

static double time_scale; /* wall ns per simulated ns; 0 = unpaced */

/* Sleep for `sim_ns` of simulated time; nothing to wait for when unpaced. */
static void pause_sim(uint64_t sim_ns) {
    if (time_scale <= 0) return;
    uint64_t ns = (uint64_t)((double)sim_ns * time_scale);
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0) {}
}

int main(int argc, char **argv) {
    int report = 0, by_ordinal = 0, do_be = 1, do_rt = 1;
    long stay_ms = 0, rt_kernels = 1, rt_gap_us = 0;
    unsigned long long rt_ns = RT_NS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--report") == 0) report = 1;
        else if (strcmp(argv[i], "--rt-kernels") == 0 && i + 1 < argc) rt_kernels = atol(argv[++i]);
        else if (strcmp(argv[i], "--rt-gap-us") == 0 && i + 1 < argc) rt_gap_us = atol(argv[++i]);
        else if (strcmp(argv[i], "--rt-by-ordinal") == 0) by_ordinal = 1;
        else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc && strcmp(argv[i + 1], "be") == 0) { do_rt = 0; i++; }
        else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc && strcmp(argv[i + 1], "rt") == 0) { do_be = 0; i++; }
        else if (strcmp(argv[i], "--stay-ms") == 0 && i + 1 < argc) stay_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--rt-ns") == 0 && i + 1 < argc) rt_ns = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [--report] [--rt-by-ordinal] [--rt-kernels K] [--rt-gap-us G] [--role be|rt]"
                            " [--stay-ms N] [--rt-ns N]\n", argv[0]);
            return 2;
        }
    }
    if (rt_kernels < 1 || rt_kernels > 16 || rt_gap_us < 0 || rt_gap_us > 1000000 || rt_ns < 1000 || rt_ns > 100000000ull) {
        fprintf(stderr, "rt_latency: --rt-kernels must be 1..16, --rt-gap-us 0..1000000 and --rt-ns 1000..100000000\n");
        return 2;
    }
    if (report) setenv("SIM_TIME_SCALE", "1", 0); /* before cuInit: the device reads it then */
    const char *scale = getenv("SIM_TIME_SCALE");
    time_scale = scale ? strtod(scale, NULL) : 0.0;

    drv_setup();
    CUdevice dev;
    int sms = 0, least = 0, greatest = 0;
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CUmodule mod;
    CUfunction delay;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\ndelay\n"));
    CHECK(cuModuleGetFunction(&delay, mod, "delay"));

    /* Stream #1 is BE (least priority), stream #2 is RT. */
    CUstream be, rt;
    CHECK(cuStreamCreateWithPriority(&be, CU_STREAM_NON_BLOCKING, least));
    if (by_ordinal)
        CHECK(cuStreamCreate(&rt, CU_STREAM_NON_BLOCKING));
    else
        CHECK(cuStreamCreateWithPriority(&rt, CU_STREAM_NON_BLOCKING, greatest));
    volatile uint32_t *rt_done = NULL; /* --rt-kernels: the RT stream's progress, host-visible */
    CUdeviceptr rt_done_dev = 0;
    if (rt_kernels > 1) {
        void *p = NULL;
        CHECK(cuMemHostAlloc(&p, 64, 0x2 /* CU_MEMHOSTALLOC_DEVICEMAP */));
        CHECK(cuMemHostGetDevicePointer_v2(&rt_done_dev, p, 0));
        rt_done = (volatile uint32_t *)p;
        *rt_done = 0;
    }
    uint32_t rt_launched = 0;
    CUevent start[RT_REQUESTS], end[RT_REQUESTS];
    for (int i = 0; i < RT_REQUESTS; i++) {
        CHECK(cuEventCreate(&start[i], CU_EVENT_DEFAULT));
        CHECK(cuEventCreate(&end[i], CU_EVENT_DEFAULT));
    }

    printf("rt_latency: sms=%d be_kernels=%d rt_requests=%d be_kernel_ns=%llu rt_kernel_ns=%llu\n", sms,
           BE_KERNELS, RT_REQUESTS, BE_NS, rt_ns);
    if (report) printf("time_scale=%g rt_kernels=%ld rt_gap_ns=%ld\n", time_scale, rt_kernels, rt_gap_us * 1000);

    if (do_be)
        for (int i = 0; i < BE_KERNELS; i++) drv_launch_delay(delay, (unsigned)sms, BE_NS, be);
    pause_sim(FIRST_PAUSE_NS); /* BE is now running, with most of it still queued */

    for (int i = 0; i < RT_REQUESTS; i++) {
        if (!do_rt) { pause_sim(GAP_NS(i) + rt_ns); continue; }
        uint64_t t0 = drv_wall_ns();
        CHECK(cuEventRecord(start[i], rt));
        for (long k = 0; k < rt_kernels; k++) {
            drv_launch_delay(delay, (unsigned)sms, rt_ns, rt);
            if (k + 1 == rt_kernels) break;
            CHECK(cuStreamWriteValue32(rt, rt_done_dev, ++rt_launched, 0));
            while (__atomic_load_n(rt_done, __ATOMIC_ACQUIRE) != rt_launched) pause_sim(20000);
            pause_sim((uint64_t)rt_gap_us * 1000);
        }
        CHECK(cuEventRecord(end[i], rt));
        CHECK(cuEventSynchronize(end[i]));
        uint64_t waited = drv_wall_ns() - t0;
        float ms = 0;
        CHECK(cuEventElapsedTime(&ms, start[i], end[i]));
        long long latency = llround((double)ms * 1e6);
        EXPECT(latency >= (long long)rt_ns - 1000); /* float ms: allow rounding */
        if (report) {
            long long wall_sim = time_scale > 0 ? (long long)((double)waited / time_scale) : -1;
            printf("rt %d: latency_ns=%lld wall_ns=%lld\n", i, latency, wall_sim);
        }
        pause_sim(GAP_NS(i));
    }

    if (stay_ms > 0) {
        struct timespec ts = {stay_ms / 1000, (stay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {}
    }
    /* Whether BE work was still pending after the last request: the run was meaningful only
     * if every request arrived while BE work existed. */
    CUresult q = cuStreamQuery(be);
    EXPECT(q == CUDA_SUCCESS || q == CUDA_ERROR_NOT_READY);
    if (report) printf("be_pending_after_rt=%d\n", q == CUDA_ERROR_NOT_READY);
    /* Paced, the rest of the BE work would take real time and measures nothing: exit without it
     * (the simulator drops queued work at exit). Unpaced it is instant, so finish it cleanly. */
    if (time_scale <= 0) CHECK(cuStreamSynchronize(be));
    CHECK(cuStreamSynchronize(rt));
    printf("OK\n");
    return 0;
}
