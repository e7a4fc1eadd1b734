/* The host-side cost Reef adds to a real-time request while a best-effort thread keeps the
 * scheduler busy: the main thread launches one kernel on a real-time stream (created at the
 * greatest priority) and synchronizes it, every 200 us, while another thread launches best-effort
 * kernels non-stop (a synchronize every K). Prints p50/p99/max of the request's host time in
 * microseconds, over N requests. Run on null_gpu.c (NULL_GPU_KERNEL_NS sets every kernel's
 * duration), with and without LD_PRELOAD=libreef.so REEF_SCHEDULE=on. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "reef_cuda_abi.h"

typedef CUresult (*launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                              CUstream, void **, void **);
typedef CUresult (*create_fn)(CUstream *, unsigned, int);
typedef CUresult (*sync_fn)(CUstream);

static launch_fn launch;
static sync_fn sync_stream;
static volatile int stop;
static CUstream be;

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

static void *best_effort(void *arg) {
    (void)arg;
    unsigned long long a = 1, b = 2, c = 3, d = 4;
    void *params[] = {&a, &b, &c, &d};
    while (!stop) {
        for (int i = 0; i < 680 && !stop; i++) launch((CUfunction)0x1000, 1, 1, 1, 1, 1, 1, 0, be, params, NULL);
        sync_stream(be);
    }
    return NULL;
}

static int cmp(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return (a > b) - (a < b); }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    void *h = dlopen("libcuda.so.1", RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    launch = (launch_fn)dlsym(h, "cuLaunchKernel");
    sync_stream = (sync_fn)dlsym(h, "cuStreamSynchronize");
    create_fn create = (create_fn)dlsym(h, "cuStreamCreateWithPriority");
    CUstream rt;
    if (create(&be, 1, 0) != CUDA_SUCCESS || create(&rt, 1, -5) != CUDA_SUCCESS) return 2;
    pthread_t t;
    pthread_create(&t, NULL, best_effort, NULL);
    unsigned long long a = 1, b = 2, c = 3, d = 4;
    void *params[] = {&a, &b, &c, &d};
    double *lat = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        launch((CUfunction)0x2000, 1, 1, 1, 1, 1, 1, 0, rt, params, NULL);
        sync_stream(rt);
        lat[i] = now_us() - t0;
        while (now_us() - t0 < 200) {}
    }
    stop = 1;
    pthread_join(t, NULL);
    qsort(lat, n, sizeof(double), cmp);
    printf("p50 %.2f us, p99 %.2f us, max %.2f us (n=%d)\n", lat[n / 2], lat[(int)(n * 0.99)], lat[n - 1], n);
    return 0;
}
