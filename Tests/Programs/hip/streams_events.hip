// Several streams (default, non-blocking, priority, CU-masked), events with cross-stream
// waits, and legacy null-stream work interleaved with blocking and non-blocking streams.
#include "prog_common.h"
#include "sim_kernels.h"

#define N 1024

int main() {
    HIP_CHECK(hipInit(0));
    int count = 0;
    HIP_CHECK(hipGetDeviceCount(&count));
    hipDeviceProp_t prop;
    HIP_CHECK(hipGetDeviceProperties(&prop, 0));
    printf("devices: %d cus: %d arch: %s\n", count, prop.multiProcessorCount, prop.gcnArchName);

    int least = 0, greatest = 0;
    HIP_CHECK(hipDeviceGetStreamPriorityRange(&least, &greatest));
    printf("priority range ordered: %d\n", greatest <= least);

    hipStream_t blocking, nonblocking, high, low, masked;
    HIP_CHECK(hipStreamCreate(&blocking));
    HIP_CHECK(hipStreamCreateWithFlags(&nonblocking, hipStreamNonBlocking));
    HIP_CHECK(hipStreamCreateWithPriority(&high, hipStreamDefault, greatest));
    HIP_CHECK(hipStreamCreateWithPriority(&low, hipStreamNonBlocking, least));
    // Only the first 4 CUs: blocks from this stream must stay on them.
    uint32_t mask[1] = {0xFu};
    HIP_CHECK(hipExtStreamCreateWithCUMask(&masked, 1, mask));
    uint32_t mask_back = 0;
    HIP_CHECK(hipExtStreamGetCUMask(masked, 1, &mask_back));
    printf("cu mask: 0x%08x\n", mask_back);

    float *ha, *hb, *hc;
    HIP_CHECK(hipHostMalloc((void**)&ha, N * sizeof(float), hipHostMallocDefault));
    HIP_CHECK(hipHostMalloc((void**)&hb, N * sizeof(float), hipHostMallocDefault));
    HIP_CHECK(hipHostMalloc((void**)&hc, N * sizeof(float), hipHostMallocDefault));
    for (int i = 0; i < N; ++i) { ha[i] = (float)i; hb[i] = (float)(2 * i) * 0.5f; }

    float *da, *db, *dc, *dd;
    HIP_CHECK(hipMalloc((void**)&da, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&db, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&dc, N * sizeof(float)));
    HIP_CHECK(hipMalloc((void**)&dd, N * sizeof(float)));

    hipEvent_t copied, added, start, stop;
    HIP_CHECK(hipEventCreate(&copied));
    HIP_CHECK(hipEventCreateWithFlags(&added, hipEventDisableTiming));
    HIP_CHECK(hipEventCreate(&start));
    HIP_CHECK(hipEventCreate(&stop));

    // Copies on the high-priority stream, consumer kernel on the masked stream.
    HIP_CHECK(hipEventRecord(start, high));
    delay<<<8, 64, 0, high>>>(5000);
    HIP_CHECK(hipMemcpyAsync(da, ha, N * sizeof(float), hipMemcpyHostToDevice, high));
    HIP_CHECK(hipMemcpyHtoDAsync(db, hb, N * sizeof(float), high));
    HIP_CHECK(hipEventRecord(copied, high));
    HIP_CHECK(hipStreamWaitEvent(masked, copied, 0));
    hipLaunchKernelGGL(vadd, dim3(N / 64), dim3(64), 0, masked, da, db, dc, N);
    HIP_CHECK(hipGetLastError());
    HIP_CHECK(hipEventRecord(added, masked));

    // Low-priority stream waits on the sum, then doubles it into dd (c + c).
    HIP_CHECK(hipStreamWaitEvent(low, added, 0));
    vadd<<<N / 128, 128, 0, low>>>(dc, dc, dd, N);
    HIP_CHECK(hipEventRecord(stop, low));
    HIP_CHECK(hipEventSynchronize(stop));
    float ms = -1.0f;
    HIP_CHECK(hipEventElapsedTime(&ms, start, stop));
    printf("elapsed non-negative: %d\n", ms >= 0.0f);
    HIP_CHECK(hipEventQuery(stop));

    HIP_CHECK(hipMemcpyDtoH(hc, dd, N * sizeof(float)));
    print_floats("doubled sum head", hc, 6);
    print_floats("doubled sum tail", hc + N - 3, 3);

    // Null-stream work orders against blocking streams: the delays make any missing
    // dependency visible in the numbers (a zeroed or stale dc).
    delay<<<1, 1, 0, blocking>>>(50000);
    HIP_CHECK(hipMemsetAsync(dc, 0, N * sizeof(float), blocking));
    delay<<<1, 1>>>(50000);                            // legacy null stream: after the memset
    vadd<<<N / 64, 64>>>(da, da, dc, N);               // dc = 2a
    vadd<<<N / 64, 64, 0, blocking>>>(dc, db, dd, N);  // after the null-stream kernel
    HIP_CHECK(hipStreamSynchronize(blocking));
    HIP_CHECK(hipMemcpy(hc, dd, N * sizeof(float), hipMemcpyDeviceToHost));
    print_floats("2a+b head", hc, 6);

    vadd<<<N / 64, 64, 0, nonblocking>>>(da, db, dc, N);
    HIP_CHECK(hipStreamSynchronize(nonblocking));
    HIP_CHECK(hipStreamQuery(nonblocking));
    HIP_CHECK(hipMemcpyDtoD(dd, dc, N * sizeof(float)));
    HIP_CHECK(hipMemcpy(hc, dd, N * sizeof(float), hipMemcpyDeviceToHost));
    print_floats("a+b head", hc, 6);

    // Empty kernels on every stream, then a full device sync.
    hipStream_t all[] = {blocking, nonblocking, high, low, masked};
    for (int s = 0; s < 5; ++s) empty<<<4, 64, 0, all[s]>>>();
    HIP_CHECK(hipDeviceSynchronize());

    int prio = 0;
    HIP_CHECK(hipStreamGetPriority(high, &prio));
    printf("high priority is greatest: %d\n", prio == greatest);
    unsigned int flags = 0;
    HIP_CHECK(hipStreamGetFlags(nonblocking, &flags));
    printf("nonblocking flag: %u\n", flags & hipStreamNonBlocking);

    for (int s = 0; s < 5; ++s) HIP_CHECK(hipStreamDestroy(all[s]));
    HIP_CHECK(hipEventDestroy(copied));
    HIP_CHECK(hipEventDestroy(added));
    HIP_CHECK(hipEventDestroy(start));
    HIP_CHECK(hipEventDestroy(stop));
    HIP_CHECK(hipFree(da));
    HIP_CHECK(hipFree(db));
    HIP_CHECK(hipFree(dc));
    HIP_CHECK(hipFree(dd));
    HIP_CHECK(hipHostFree(ha));
    HIP_CHECK(hipHostFree(hb));
    HIP_CHECK(hipHostFree(hc));
    printf("done\n");
    return 0;
}
