// Which completion marker should Reef's dispatcher use (issue 3)? For N short kernels on one
// stream, each followed by a marker, measures: the GPU time of the whole sequence (how much a
// marker between kernels delays the next one), the host cost of recording a marker, and the host
// cost of asking whether it completed. Markers: none, an event (disable-timing), an event with
// blocking sync (Reef's today), and cuStreamWriteValue32 into host-mapped memory (completion is
// then a plain memory read).
//   nvcc -O2 -o marker_cost Scripts/gpu/diag/marker_cost.cu -lcuda && ./marker_cost [N] [kernel_us]
// Prints one JSON object.
#include <cuda.h>
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK(x) do { CUresult r_ = (x); if (r_ != CUDA_SUCCESS) { fprintf(stderr, "%s:%d %s -> %d\n", __FILE__, __LINE__, #x, r_); exit(1); } } while (0)
#define CHECKRT(x) do { cudaError_t r_ = (x); if (r_ != cudaSuccess) { fprintf(stderr, "%s:%d %s -> %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(r_)); exit(1); } } while (0)

__device__ unsigned long long global_ns(void) {
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void spin(unsigned long long ns) {
    unsigned long long start = global_ns();
    while (global_ns() - start < ns) {}
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

enum Kind { NONE, EVENT, EVENT_BLOCKING, WRITE_VALUE };
static const char *names[] = {"none", "event", "event_blocking_sync", "write_value32"};

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    double kernel_us = argc > 2 ? atof(argv[2]) : 5.0;
    CHECKRT(cudaFree(0));
    unsigned long long cycles = (unsigned long long)(kernel_us * 1000.0);   // ns of %globaltimer
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    unsigned *host = NULL;
    CUdeviceptr dev = 0;
    CHECK(cuMemHostAlloc((void **)&host, n * sizeof(unsigned), CU_MEMHOSTALLOC_DEVICEMAP));
    CHECK(cuMemHostGetDevicePointer(&dev, host, 0));
    CUevent *ev = (CUevent *)calloc(n, sizeof(CUevent));
    CUevent t0, t1;
    CHECK(cuEventCreate(&t0, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&t1, CU_EVENT_DEFAULT));
    printf("{\"kernels\": %d, \"kernel_us\": %.1f, \"results\": [", n, kernel_us);
    for (int k = NONE; k <= WRITE_VALUE; k++) {
        for (int i = 0; i < n; i++) {
            if (k == EVENT) CHECK(cuEventCreate(&ev[i], CU_EVENT_DISABLE_TIMING));
            if (k == EVENT_BLOCKING) CHECK(cuEventCreate(&ev[i], CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC));
            host[i] = 0;
        }
        for (int rep = 0; rep < 2; rep++) {   // the first pass warms up
            double record_us = 0;
            CHECK(cuEventRecord(t0, s));
            for (int i = 0; i < n; i++) {
                spin<<<1, 32, 0, (cudaStream_t)s>>>(cycles);
                double a = now_us();
                if (k == EVENT || k == EVENT_BLOCKING) CHECK(cuEventRecord(ev[i], s));
                if (k == WRITE_VALUE) CHECK(cuStreamWriteValue32(s, dev + i * sizeof(unsigned), rep + 1, 0));
                record_us += now_us() - a;
            }
            CHECK(cuEventRecord(t1, s));
            CHECK(cuStreamSynchronize(s));
            float gpu_ms = 0;
            CHECK(cuEventElapsedTime(&gpu_ms, t0, t1));
            double a = now_us();
            int done = 0;
            for (int i = 0; i < n; i++) {
                if (k == EVENT || k == EVENT_BLOCKING) done += cuEventQuery(ev[i]) == CUDA_SUCCESS;
                if (k == WRITE_VALUE) done += ((volatile unsigned *)host)[i] == (unsigned)(rep + 1);
                if (k == NONE) done++;
            }
            double query_us = (now_us() - a) / n;
            if (rep == 1)
                printf("%s{\"marker\": \"%s\", \"gpu_us_per_kernel\": %.3f, \"record_us\": %.3f, \"query_us\": %.3f, \"completed\": %d}",
                       k ? ", " : "", names[k], gpu_ms * 1000.0 / n, record_us / n, query_us, done);
        }
        if (k == EVENT || k == EVENT_BLOCKING) for (int i = 0; i < n; i++) CHECK(cuEventDestroy(ev[i]));
    }
    printf("]}\n");
    return 0;
}
