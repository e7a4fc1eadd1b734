// Error propagation: every failing call below must return the same code with or without a
// shim in between, and the last-error state must behave the same. The illegal-address
// fault comes last because it is sticky, as on a real device.
#include "prog_common.h"
#include "sim_kernels.h"

#define N 64

#define SHOW(label, expr) printf("%-34s %d\n", label, (int)(expr))

int main() {
    float* d = nullptr;
    HIP_CHECK(hipMalloc((void**)&d, N * sizeof(float)));
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));

    // A host function that was never registered as a kernel.
    void* args[] = {&d};
    SHOW("launch unregistered function", hipLaunchKernel((const void*)&main, dim3(1), dim3(1), args, 0, s));
    SHOW("peek keeps the error", hipPeekAtLastError());
    SHOW("get returns the error", hipGetLastError());
    SHOW("get after reset", hipGetLastError());

    // Launch configurations the device cannot run.
    x2p1<<<1, 2048, 0, s>>>(d, N);
    SHOW("block of 2048 threads", hipGetLastError());
    x2p1<<<dim3(0), 64, 0, s>>>(d, N);
    SHOW("empty grid", hipGetLastError());
    int n = N;
    void* x_args[] = {&d, &n};
    SHOW("cooperative grid too large",
         hipLaunchCooperativeKernel((const void*)x2p1, dim3(4096), dim3(64), x_args, 0, s));

    // Invalid arguments to copies, fills and modules.
    float host[N];
    SHOW("memcpy with bad kind", hipMemcpy(host, d, sizeof host, (hipMemcpyKind)7));
    SHOW("memset of null", hipMemsetAsync(nullptr, 0, 16, s));
    static const char garbage[64] = "not a code object";
    hipModule_t mod;
    SHOW("load garbage module", hipModuleLoadData(&mod, garbage));
    SHOW("load missing module file", hipModuleLoad(&mod, "/nonexistent/module.co"));
    SHOW("wait event with flags", hipStreamWaitEvent(s, nullptr, 1));

    // Capture rules: no synchronisation inside a capture, and it invalidates the capture.
    HIP_CHECK(hipStreamBeginCapture(s, hipStreamCaptureModeGlobal));
    x2p1<<<1, N, 0, s>>>(d, N);
    SHOW("sync while capturing", hipStreamSynchronize(s));
    hipGraph_t graph = nullptr;
    SHOW("end of invalidated capture", hipStreamEndCapture(s, &graph));
    SHOW("graph is null", graph == nullptr);
    SHOW("end capture when not capturing", hipStreamEndCapture(s, &graph));
    hipGetLastError();

    // Nothing above ran: the buffer is still zero after a real, successful launch.
    HIP_CHECK(hipMemsetAsync(d, 0, N * sizeof(float), s));
    x2p1<<<1, N, 0, s>>>(d, N);
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipMemcpy(host, d, sizeof host, hipMemcpyDeviceToHost));
    print_floats("after one valid x2p1", host, 4);

    // A kernel dereferencing plain host memory faults; the error shows at synchronisation.
    vadd<<<1, N, 0, s>>>(host, host, host, N);
    SHOW("launch of faulting kernel", hipGetLastError());
    SHOW("sync after fault", hipStreamSynchronize(s));
    printf("done\n");
    return 0;
}
