// Per-thread default stream. Built with -fgpu-default-stream=per-thread and
// HIP_API_PER_THREAD_DEFAULT_STREAM, so launches and the stream/memcpy APIs bind to the
// _spt entry points, where stream 0 means "this thread's stream". Also passes
// hipStreamPerThread explicitly to the plain entry points.
#include "prog_common.h"
#include "sim_kernels.h"
#include <thread>

// The header renames hipEventRecord to hipEventRecord_spt in this mode, but the ROCm 5.2
// library exports no such symbol: declare and use the plain entry point.
#undef hipEventRecord
extern "C" hipError_t hipEventRecord(hipEvent_t event, hipStream_t stream);

#define N 256

__device__ float pt_table[4];

struct WorkerResult {
    float head[4];
    float scaled[4];
};

// Each worker uses only its own per-thread stream (null stream in this build).
static void worker(int id, WorkerResult* result) {
    float *a, *c, *x;
    HIP_CHECK(hipMalloc((void**)&a, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&c, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&x, N * sizeof(float)));
    float host[N];
    for (int i = 0; i < N; ++i) host[i] = (float)(i + id * 100);
    HIP_CHECK(hipMemcpyAsync(a, host, sizeof host, hipMemcpyHostToDevice, 0));
    vadd<<<N / 64, 64>>>(a, a, c, N);
    HIP_CHECK(hipMemset(x, 0, N * sizeof(float)));
    for (int r = 0; r <= id; ++r) x2p1<<<N / 64, 64>>>(x, N);
    HIP_CHECK(hipStreamSynchronize(0));
    HIP_CHECK(hipStreamQuery(0));
    HIP_CHECK(hipMemcpy(result->head, c, sizeof result->head, hipMemcpyDeviceToHost));
    HIP_CHECK(hipMemcpy(result->scaled, x, sizeof result->scaled, hipMemcpyDeviceToHost));
    HIP_CHECK(hipFree(a));
    HIP_CHECK(hipFree(c));
    HIP_CHECK(hipFree(x));
}

int main() {
    // Workers run one after the other so the simulated trace stays deterministic.
    WorkerResult results[2];
    for (int id = 0; id < 2; ++id) {
        std::thread t(worker, id, &results[id]);
        t.join();
    }
    for (int id = 0; id < 2; ++id) {
        printf("worker %d ", id);
        print_floats("sum", results[id].head, 4);
        printf("worker %d ", id);
        print_floats("x2p1", results[id].scaled, 4);
    }

    // Explicit hipStreamPerThread handle plus an event-ordered handoff to a real stream.
    hipStream_t other;
    HIP_CHECK(hipStreamCreateWithFlags(&other, hipStreamNonBlocking));
    float* x;
    HIP_CHECK(hipMalloc((void**)&x, N * sizeof(float)));
    HIP_CHECK(hipMemsetAsync(x, 0, N * sizeof(float), hipStreamPerThread));
    x2p1<<<N / 64, 64, 0, hipStreamPerThread>>>(x, N);
    hipEvent_t done;
    HIP_CHECK(hipEventCreateWithFlags(&done, hipEventDisableTiming));
    HIP_CHECK(hipEventRecord(done, hipStreamPerThread));
    HIP_CHECK(hipStreamWaitEvent(other, done, 0));
    x2p1<<<N / 64, 64, 0, other>>>(x, N);
    HIP_CHECK(hipStreamSynchronize(other));
    int prio = -1;
    unsigned int flags = 99;
    HIP_CHECK(hipStreamGetPriority(hipStreamPerThread, &prio));
    HIP_CHECK(hipStreamGetFlags(hipStreamPerThread, &flags));
    float host[4];
    HIP_CHECK(hipMemcpy(host, x, sizeof host, hipMemcpyDeviceToHost));
    print_floats("per-thread then other", host, 4);
    printf("per-thread priority %d flags %u\n", prio, flags);

    // Symbol and 2D copies bind to their _spt forms in this build.
    float values[4] = {1.5f, 2.5f, 3.5f, 4.5f};
    HIP_CHECK(hipMemcpyToSymbol(HIP_SYMBOL(pt_table), values, sizeof values, 0,
                                hipMemcpyHostToDevice));
    HIP_CHECK(hipMemset2D(x, 2 * sizeof(float), 0, sizeof(float), 2));  // x[0] = x[2] = 0
    HIP_CHECK(hipMemcpy2D(x + 4, sizeof(float), values, 2 * sizeof(float), sizeof(float), 2,
                          hipMemcpyHostToDevice));                     // x[4,5] = 1.5, 3.5
    float back[6];
    HIP_CHECK(hipMemcpy(back, x, sizeof back, hipMemcpyDeviceToHost));
    print_floats("2d spt", back, 6);
    HIP_CHECK(hipMemcpyFromSymbol(back, HIP_SYMBOL(pt_table), 2 * sizeof(float),
                                  2 * sizeof(float), hipMemcpyDeviceToHost));
    print_floats("symbol spt", back, 2);

    HIP_CHECK(hipEventDestroy(done));
    HIP_CHECK(hipFree(x));
    HIP_CHECK(hipStreamDestroy(other));
    HIP_CHECK(hipDeviceSynchronize());
    printf("done\n");
    return 0;
}
