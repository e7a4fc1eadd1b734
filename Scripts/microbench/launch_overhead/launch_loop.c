/* Launches N times through dlsym(libcuda, "cuLaunchKernel") — the way cuBLAS and Triton reach
 * the driver — and prints nanoseconds per launch (best of R rounds). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "reef_cuda_abi.h"

typedef CUresult (*launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                              CUstream, void **, void **);

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    void *h = dlopen("libcuda.so.1", RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    launch_fn launch = (launch_fn)dlsym(h, "cuLaunchKernel");
    unsigned long long a = 1, b = 2, c = 3, d = 4;
    void *params[] = {&a, &b, &c, &d};
    double best = 1e300;
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
