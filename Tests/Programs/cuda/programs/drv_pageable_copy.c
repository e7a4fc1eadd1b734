/*
 * drv_pageable_copy.c — a best-effort thread copies its result into pageable memory behind a
 * 20 ms kernel while a real-time thread, 5 ms later, runs a short kernel and copies its result
 * into pageable memory too. The CUDA driver serializes copies into pageable memory (on the H100 a
 * real-time copy waited 18 ms behind another stream's: bench/results/padding-partitions-h100.md); the
 * simulator does with SIM_PAGEABLE_COPY_LOCK=1. Under Reef with release gates the best-effort copy
 * must wait for its stream outside the runtime, so the real-time copy does not wait for it.
 * latency_e2e.py (g) reads the real-time copies' longest wait from DRV_PAGEABLE_COPY_REPORT;
 * stdout has only what does not depend on timing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "drv_util.h"

enum { ROUNDS = 6, WORDS = 1024 };

static CUcontext ctx;
static CUfunction delay;
static CUstream be, rt;
static CUdeviceptr be_buf, rt_buf;
static pthread_barrier_t start, done;
static int be_correct;
static volatile int be_copying;   /* set just before the best-effort copy: the RT thread waits for it */

static void *best_effort(void *unused) {
    (void)unused;
    CHECK(cuCtxSetCurrent(ctx));
    unsigned *host = malloc(WORDS * sizeof *host);   /* pageable */
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&start);
        CHECK(cuMemsetD32Async(be_buf, 1000u + (unsigned)r, WORDS, be));
        drv_launch_delay(delay, 1, 20000000ull, be);
        memset(host, 0, WORDS * sizeof *host);
        __atomic_store_n(&be_copying, 1, __ATOMIC_SEQ_CST);
        /* Into pageable memory: complete when the call returns (no synchronize after it, so the
         * two threads' traced calls keep one order for the trace comparisons of cuda_e2e.py). */
        CHECK(cuMemcpyDtoHAsync_v2(host, be_buf, WORDS * sizeof *host, be));
        if (host[0] == 1000u + (unsigned)r && host[WORDS - 1] == 1000u + (unsigned)r) be_correct++;
        pthread_barrier_wait(&done);
    }
    free(host);
    return NULL;
}

int main(void) {
    setenv("SIM_TIME_SCALE", "1", 1);          /* before the first driver call */
    setenv("SIM_PAGEABLE_COPY_LOCK", "1", 0);
    ctx = drv_setup();
    delay = drv_sim_kernel("delay");
    drv_be_rt_streams(&be, &rt);
    CHECK(cuMemAlloc_v2(&be_buf, WORDS * sizeof(unsigned)));
    CHECK(cuMemAlloc_v2(&rt_buf, WORDS * sizeof(unsigned)));
    pthread_barrier_init(&start, NULL, 2);
    pthread_barrier_init(&done, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, best_effort, NULL);
    unsigned *host = malloc(WORDS * sizeof *host);   /* pageable */
    int rt_correct = 0;
    uint64_t longest = 0;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&start);
        while (!__atomic_load_n(&be_copying, __ATOMIC_SEQ_CST)) {}
        struct timespec ts = {0, 5000000};   /* the best-effort copy is waiting by now */
        nanosleep(&ts, NULL);
        CHECK(cuMemsetD32Async(rt_buf, 7u + (unsigned)r, WORDS, rt));
        drv_launch_delay(delay, 1, 200000ull, rt);
        CHECK(cuStreamSynchronize(rt));
        memset(host, 0, WORDS * sizeof *host);
        uint64_t t0 = drv_wall_ns();
        CHECK(cuMemcpyDtoHAsync_v2(host, rt_buf, WORDS * sizeof *host, rt));
        uint64_t waited = drv_wall_ns() - t0;
        if (waited > longest) longest = waited;
        if (host[0] == 7u + (unsigned)r && host[WORDS - 1] == 7u + (unsigned)r) rt_correct++;
        __atomic_store_n(&be_copying, 0, __ATOMIC_SEQ_CST);   /* before the barrier: the next round's set comes after it */
        pthread_barrier_wait(&done);
    }
    pthread_join(t, NULL);
    free(host);
    const char *report = getenv("DRV_PAGEABLE_COPY_REPORT");
    if (report) {
        FILE *f = fopen(report, "w");
        if (f) { fprintf(f, "{\"rt_copy_longest_us\": %.1f}\n", longest / 1e3); fclose(f); }
    }
    printf("copies into pageable memory: real-time %d of %d correct, best-effort %d of %d correct\n", rt_correct,
           ROUNDS, be_correct, ROUNDS);
    EXPECT(rt_correct == ROUNDS && be_correct == ROUNDS);
    printf("OK\n");
    return 0;
}
