/* Launches through dlsym(libcuda, "cuLaunchKernel") — the way cuBLAS and Triton reach the
 * driver — and prints nanoseconds per launch.
 *   launch_loop N R          warm: best of R rounds of N back-to-back launches (the mean)
 *   launch_loop N R cold P   cold: before each launch touch one cache line in each of P pages
 *                            (evicting the caches and TLB the way a real driver's microseconds of
 *                            work do), time each launch alone, print the median of the best round */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "reef_cuda_abi.h"

typedef CUresult (*launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                              CUstream, void **, void **);

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    int cold = argc > 3 && strcmp(argv[3], "cold") == 0;
    long pages = argc > 4 ? atol(argv[4]) : 8192;
    void *h = dlopen("libcuda.so.1", RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    launch_fn launch = (launch_fn)dlsym(h, "cuLaunchKernel");
    unsigned long long a = 1, b = 2, c = 3, d = 4;
    void *params[] = {&a, &b, &c, &d};
    double best = 1e300;
    if (!cold) {
        for (int r = 0; r < rounds; r++) {
            double t0 = now_ns();
            for (long i = 0; i < n; i++)
                if (launch((CUfunction)0x1000, 1, 1, 1, 1, 1, 1, 0, (CUstream)0x5000, params, NULL) != CUDA_SUCCESS) return 2;
            double per = (now_ns() - t0) / n;
            if (per < best) best = per;
        }
        printf("%.2f\n", best);
        return 0;
    }
    volatile unsigned char *evict = calloc((size_t)pages, 4096);
    double *t = malloc(n * sizeof *t);
    if (!evict || !t) return 1;
    for (int r = 0; r < rounds; r++) {
        for (long i = 0; i < n; i++) {
            for (long p = 0; p < pages; p++) (void)evict[p * 4096 + (p * 64) % 4096];
            double t0 = now_ns();
            if (launch((CUfunction)0x1000, 1, 1, 1, 1, 1, 1, 0, (CUstream)0x5000, params, NULL) != CUDA_SUCCESS) return 2;
            t[i] = now_ns() - t0;
        }
        qsort(t, n, sizeof *t, by_value);
        if (t[n / 2] < best) best = t[n / 2];
    }
    printf("%.2f\n", best);
    return 0;
}
