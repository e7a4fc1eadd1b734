/*
 * drv_padding.c — real-time requests with best-effort kernels submitted while each one runs: the
 * situation kernel padding (REEF_PADDING) is for. Driver API directly, like drv_*.c.
 *
 * Stream #1 is best-effort (least priority), #2 real-time (greatest). First WARMUP best-effort
 * kernels run alone (Reef learns their duration), then REQUESTS times: one real-time kernel of
 * --rt-blocks blocks x --rt-ns, then --be-per-request best-effort kernels of --be-blocks blocks x
 * --be-ns (held by Reef while the real-time kernel runs, unless padded beside it), then a wait
 * for the real-time kernel, then for the best-effort ones. Pacing: SIM_TIME_SCALE=1 unless set,
 * so device time passes as wall time and the work of the two classes overlaps.
 *
 * --rt-graph 1: each real-time request is a CUDA graph (the real-time kernel, captured once on a
 * side stream) launched on the real-time stream, as PyTorch replays its graphs.
 *
 * --period-ns P: periodic real-time work instead. Best-effort kernels are kept queued (the next
 * --be-per-request of them submitted before each request), and a request arrives every P ns
 * (paced): an event, the real-time kernel, an event, a wait. With --report each request's
 * latency (simulated ns between its events) is printed: it shows whether the request waited
 * for best-effort kernels occupying the whole device. --rt-copyback 1: after each request, its
 * result is copied back on the real-time stream and waited for (as the H100 benchmark's client
 * and PyTorch's `.cpu()` do): Reef must count that as part of the request, not as an arrival.
 *
 * Output: deterministic without --report (the e2e suites compare it with and without Reef).
 * Tests/e2e/padding_e2e.py reads Reef's REEF_STATS to see which kernels were padded and why the
 * others were held.
 */
#include "drv_util.h"

#include <stdlib.h>
#include <time.h>

#define WARMUP 6

int main(int argc, char **argv) {
    unsigned rt_blocks = 8, be_blocks = 4, requests = 6, be_per_request = 4;
    unsigned long long rt_ns = 5000000ull, be_ns = 200000ull, period_ns = 0, rt_graph = 0, rt_copyback = 0;
    int report = 0;
    /* --report anywhere; the other options come in pairs. */
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--report") == 0) report = 1;
        else argv[kept++] = argv[i];
    }
    argc = kept;
    for (int i = 1; i + 1 < argc; i += 2) {
        unsigned long long v = strtoull(argv[i + 1], NULL, 10);
        if (strcmp(argv[i], "--rt-blocks") == 0) rt_blocks = (unsigned)v;
        else if (strcmp(argv[i], "--rt-ns") == 0) rt_ns = v;
        else if (strcmp(argv[i], "--be-blocks") == 0) be_blocks = (unsigned)v;
        else if (strcmp(argv[i], "--be-ns") == 0) be_ns = v;
        else if (strcmp(argv[i], "--requests") == 0) requests = (unsigned)v;
        else if (strcmp(argv[i], "--be-per-request") == 0) be_per_request = (unsigned)v;
        else if (strcmp(argv[i], "--period-ns") == 0) period_ns = v;
        else if (strcmp(argv[i], "--rt-graph") == 0) rt_graph = v;
        else if (strcmp(argv[i], "--rt-copyback") == 0) rt_copyback = v;
        else {
            fprintf(stderr, "usage: %s [--rt-blocks N] [--rt-ns N] [--be-blocks N] [--be-ns N] [--requests N] "
                            "[--be-per-request N] [--period-ns N] [--rt-graph 0|1] [--rt-copyback 0|1] [--report]\n", argv[0]);
            return 2;
        }
    }
    if (argc % 2 == 0) {
        fprintf(stderr, "%s: every option takes a value\n", argv[0]);
        return 2;
    }
    setenv("SIM_TIME_SCALE", "1", 0); /* before cuInit: the device reads it then */

    drv_setup();
    CUmodule mod;
    CUfunction delay;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\ndelay\n"));
    CHECK(cuModuleGetFunction(&delay, mod, "delay"));
    CUstream be, rt;
    drv_be_rt_streams(&be, &rt);

    for (int i = 0; i < WARMUP; i++) {
        drv_launch_delay(delay, be_blocks, be_ns, be);
        CHECK(cuStreamSynchronize(be));
    }
    if (period_ns > 0) {
        CUevent start, end;
        CHECK(cuEventCreate(&start, CU_EVENT_DEFAULT));
        CHECK(cuEventCreate(&end, CU_EVENT_DEFAULT));
        CUdeviceptr result = 0;
        unsigned char copied[64];
        if (rt_copyback) {
            CHECK(cuMemAlloc_v2(&result, sizeof copied));
            CHECK(cuMemsetD8_v2(result, 7, sizeof copied));
        }
        unsigned long long t0 = drv_wall_ns();
        for (unsigned r = 0; r < requests; r++) {
            for (unsigned k = 0; k < be_per_request; k++) drv_launch_delay(delay, be_blocks, be_ns, be);
            unsigned long long due = t0 + (r + 1) * period_ns, now = drv_wall_ns();
            if (due > now) {
                struct timespec ts = {(time_t)((due - now) / 1000000000ull), (long)((due - now) % 1000000000ull)};
                while (nanosleep(&ts, &ts) != 0) {}
            }
            CHECK(cuEventRecord(start, rt));
            drv_launch_delay(delay, rt_blocks, rt_ns, rt);
            CHECK(cuEventRecord(end, rt));
            CHECK(cuEventSynchronize(end));
            float ms = 0;
            CHECK(cuEventElapsedTime(&ms, start, end));
            if (report) printf("rt %u: latency_ns=%lld\n", r, (long long)((double)ms * 1e6));
            if (rt_copyback) {
                CHECK(cuMemcpyDtoHAsync_v2(copied, result, sizeof copied, rt));
                CHECK(cuStreamSynchronize(rt));
                if (copied[0] != 7 || copied[63] != 7) {
                    fprintf(stderr, "drv_padding: request %u copied back %u/%u, want 7\n", r, copied[0], copied[63]);
                    return 1;
                }
            }
        }
        CHECK(cuStreamSynchronize(be));
        printf("drv_padding: periodic requests=%u be_per_request=%u OK\n", requests, be_per_request);
        return 0;
    }
    CUgraphExec exec = NULL;
    if (rt_graph) {
        CUstream side;
        CUgraph graph;
        CHECK(cuStreamCreate(&side, CU_STREAM_NON_BLOCKING));
        CHECK(cuStreamBeginCapture_v2(side, CU_STREAM_CAPTURE_MODE_GLOBAL));
        drv_launch_delay(delay, rt_blocks, rt_ns, side);
        CHECK(cuStreamEndCapture(side, &graph));
        CHECK(cuGraphInstantiateWithFlags(&exec, graph, 0));
    }
    for (unsigned r = 0; r < requests; r++) {
        if (exec) CHECK(cuGraphLaunch(exec, rt));
        else drv_launch_delay(delay, rt_blocks, rt_ns, rt);
        for (unsigned k = 0; k < be_per_request; k++) drv_launch_delay(delay, be_blocks, be_ns, be);
        CHECK(cuStreamSynchronize(rt));
        CHECK(cuStreamSynchronize(be));
    }
    printf("drv_padding: requests=%u be_per_request=%u OK\n", requests, be_per_request);
    return 0;
}
