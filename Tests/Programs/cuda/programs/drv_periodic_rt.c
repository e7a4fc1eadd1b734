/*
 * drv_periodic_rt.c — a periodic real-time client (REEF_RT_PREWARM's test, crossproc_e2e.py):
 * --requests N requests, one every --period-us P of wall time (absolute deadlines), each a
 * `delay` kernel of --kernel-us K simulated us over 4 blocks on a stream of the greatest
 * priority, then a synchronize of that stream. The stream is not touched between requests.
 * Prints one deterministic line and OK.
 */
#include <string.h>

#include "drv_util.h"

int main(int argc, char **argv) {
    long requests = 40, period_us = 10000, kernel_us = 100;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc) requests = atol(argv[++i]);
        else if (strcmp(argv[i], "--period-us") == 0 && i + 1 < argc) period_us = atol(argv[++i]);
        else if (strcmp(argv[i], "--kernel-us") == 0 && i + 1 < argc) kernel_us = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--requests N] [--period-us P] [--kernel-us K]\n", argv[0]);
            return 2;
        }
    }
    drv_setup();
    CUfunction delay = drv_sim_kernel("delay");
    int least = 0, greatest = 0;
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CUstream s;
    CHECK(cuStreamCreateWithPriority(&s, CU_STREAM_NON_BLOCKING, greatest));
    uint64_t t0 = drv_wall_ns() + 1000000;
    for (long i = 0; i < requests; i++) {
        uint64_t at = t0 + (uint64_t)i * (uint64_t)period_us * 1000u;
        struct timespec ts = { (time_t)(at / 1000000000ull), (long)(at % 1000000000ull) };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
        drv_launch_delay(delay, 4, (unsigned long long)kernel_us * 1000ull, s);
        CHECK(cuStreamSynchronize(s));
    }
    CHECK(cuStreamDestroy(s));
    printf("periodic rt: %ld requests\n", requests);
    printf("OK\n");
    return 0;
}
