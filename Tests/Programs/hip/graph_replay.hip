// Stream capture into a graph, instantiated once and replayed several times. The captured
// sequence contains a non-idempotent kernel, so each replay must run exactly once, and a
// copy into pinned memory that each replay refreshes.
#include "prog_common.h"
#include "sim_kernels.h"

#define N 256

int main() {
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));
    float* host = nullptr;
    int* host_sum = nullptr;
    HIP_CHECK(hipHostMalloc((void**)&host, N * sizeof(float), hipHostMallocDefault));
    HIP_CHECK(hipHostMalloc((void**)&host_sum, sizeof(int), hipHostMallocDefault));
    int ints[N];
    for (int i = 0; i < N; ++i) { host[i] = (float)(i % 11); ints[i] = i % 5; }
    float* d = nullptr;
    int *din = nullptr, *dsum = nullptr;
    HIP_CHECK(hipMalloc((void**)&d, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&din, sizeof ints));
    HIP_CHECK(hipMalloc((void**)&dsum, sizeof(int)));
    HIP_CHECK(hipMemcpy(d, host, N * sizeof(float), hipMemcpyHostToDevice));
    HIP_CHECK(hipMemcpy(din, ints, sizeof ints, hipMemcpyHostToDevice));

    hipGraph_t graph;
    HIP_CHECK(hipStreamBeginCapture(s, hipStreamCaptureModeGlobal));
    hipStreamCaptureStatus status = hipStreamCaptureStatusNone;
    HIP_CHECK(hipStreamIsCapturing(s, &status));
    printf("capturing: %d\n", status == hipStreamCaptureStatusActive);
    x2p1<<<N / 64, 64, 0, s>>>(d, N);
    reduce_sum<<<N / 64, 64, 0, s>>>(din, dsum, N);  // accumulates across replays
    empty<<<1, 1, 0, s>>>();
    HIP_CHECK(hipMemcpyAsync(host_sum, dsum, sizeof(int), hipMemcpyDeviceToHost, s));
    HIP_CHECK(hipStreamEndCapture(s, &graph));
    HIP_CHECK(hipStreamIsCapturing(s, &status));
    printf("capturing after end: %d\n", status == hipStreamCaptureStatusActive);

    // Nothing ran during capture: the device data is still the input.
    HIP_CHECK(hipMemcpy(host, d, N * sizeof(float), hipMemcpyDeviceToHost));
    print_floats("before replay", host, 6);

    hipGraphExec_t exec;
    HIP_CHECK(hipGraphInstantiate(&exec, graph, nullptr, nullptr, 0));
    for (int r = 0; r < 3; ++r) {
        HIP_CHECK(hipGraphLaunch(exec, s));
        HIP_CHECK(hipStreamSynchronize(s));
        printf("replay %d sum: %d\n", r, *host_sum);
    }
    // A direct launch between replays on the same stream.
    x2p1<<<N / 64, 64, 0, s>>>(d, N);
    HIP_CHECK(hipGraphLaunch(exec, s));
    HIP_CHECK(hipStreamSynchronize(s));
    printf("replay 3 sum: %d\n", *host_sum);
    HIP_CHECK(hipMemcpy(host, d, N * sizeof(float), hipMemcpyDeviceToHost));
    print_floats("after replays", host, 6);

    HIP_CHECK(hipGraphExecDestroy(exec));
    HIP_CHECK(hipGraphDestroy(graph));
    HIP_CHECK(hipFree(d));
    HIP_CHECK(hipFree(din));
    HIP_CHECK(hipFree(dsum));
    HIP_CHECK(hipHostFree(host));
    HIP_CHECK(hipHostFree(host_sum));
    HIP_CHECK(hipStreamDestroy(s));
    printf("done\n");
    return 0;
}
