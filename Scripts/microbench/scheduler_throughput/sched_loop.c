/* A best-effort "model": iterations of K kernel launches on one stream, each iteration ended by a
 * stream synchronize, as an eager inference loop does. Prints iterations per second (best of
 * R rounds of N iterations) and the application thread's nanoseconds per launch call in that round. With Reef scheduling every launch is held and released by the
 * dispatcher, so this measures what holding costs the stream's throughput. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "reef_cuda_abi.h"

typedef CUresult (*launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                              CUstream, void **, void **);
typedef CUresult (*create_fn)(CUstream *, unsigned);
typedef CUresult (*sync_fn)(CUstream);

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int k = argc > 1 ? atoi(argv[1]) : 680, n = argc > 2 ? atoi(argv[2]) : 50, rounds = argc > 3 ? atoi(argv[3]) : 3;
    void *h = dlopen("libcuda.so.1", RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    launch_fn launch = (launch_fn)dlsym(h, "cuLaunchKernel");
    create_fn create = (create_fn)dlsym(h, "cuStreamCreate");
    sync_fn sync = (sync_fn)dlsym(h, "cuStreamSynchronize");
    CUstream s;
    if (create(&s, 1) != CUDA_SUCCESS) return 2;
    unsigned long long a = 1, b = 2, c = 3, d = 4;
    void *params[] = {&a, &b, &c, &d};
    double best = 0, best_launch_ns = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now_s(), in_launch = 0;
        for (int i = 0; i < n; i++) {
            double l0 = now_s();
            for (int j = 0; j < k; j++)
                if (launch((CUfunction)0x1000, 1, 1, 1, 1, 1, 1, 0, s, params, NULL) != CUDA_SUCCESS) return 3;
            in_launch += now_s() - l0;
            if (sync(s) != CUDA_SUCCESS) return 4;
        }
        double rate = n / (now_s() - t0);
        if (rate > best) { best = rate; best_launch_ns = in_launch * 1e9 / ((double)n * k); }
    }
    printf("%.2f it/s, %.0f ns per launch call\n", best, best_launch_ns);
    return 0;
}
