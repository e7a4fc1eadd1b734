// Async copies from pageable (malloc'd) host memory that the program overwrites as soon as
// the call returns. HIP stages pageable sources before returning, so the device must see the
// values from call time; a scheduler that defers the copy must snapshot the source too.
#include "prog_common.h"
#include "sim_kernels.h"
#include <string.h>

#define N 256
#define ROUNDS 4

int main() {
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));
    float* host = (float*)malloc(N * sizeof(float));
    float* out = (float*)malloc(N * sizeof(float));
    float *dsrc[ROUNDS], *dsum;
    for (int r = 0; r < ROUNDS; ++r) HIP_CHECK(hipMalloc((void**)&dsrc[r], N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&dsum, N * sizeof(float)));
    HIP_CHECK(hipMemsetAsync(dsum, 0, N * sizeof(float), s));

    // Keep the stream busy so the copies really are queued behind other work.
    delay<<<1, 1, 0, s>>>(100000);
    for (int r = 0; r < ROUNDS; ++r) {
        for (int i = 0; i < N; ++i) host[i] = (float)(r * 1000 + i);
        HIP_CHECK(hipMemcpyAsync(dsrc[r], host, N * sizeof(float), hipMemcpyHostToDevice, s));
        memset(host, 0xff, N * sizeof(float));  // clobber right after the call returns
        vadd<<<N / 64, 64, 0, s>>>(dsum, dsrc[r], dsum, N);
    }
    // Same again through the typed async variant.
    for (int i = 0; i < N; ++i) host[i] = 0.5f;
    HIP_CHECK(hipMemcpyHtoDAsync(dsrc[0], host, N * sizeof(float), s));
    for (int i = 0; i < N; ++i) host[i] = -1.0e9f;
    vadd<<<N / 64, 64, 0, s>>>(dsum, dsrc[0], dsum, N);

    // Device-to-pageable async copy: data is only valid after synchronization.
    HIP_CHECK(hipMemcpyAsync(out, dsum, N * sizeof(float), hipMemcpyDeviceToHost, s));
    HIP_CHECK(hipStreamSynchronize(s));
    print_floats("sum head", out, 5);
    print_floats("sum tail", out + N - 3, 3);

    // A D2D async copy followed by a synchronous copy through the null stream.
    HIP_CHECK(hipMemcpyDtoDAsync(dsrc[1], dsum, N * sizeof(float), s));
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipMemcpyDtoH(out, dsrc[1], N * sizeof(float)));
    print_floats("copy head", out, 5);

    for (int r = 0; r < ROUNDS; ++r) HIP_CHECK(hipFree(dsrc[r]));
    HIP_CHECK(hipFree(dsum));
    HIP_CHECK(hipStreamDestroy(s));
    free(host);
    free(out);
    printf("done\n");
    return 0;
}
