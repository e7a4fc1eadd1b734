// Host callbacks and stream memory operations: callbacks fire in stream order, a stream
// blocked on hipStreamWaitValue32 is released by another stream's hipStreamWriteValue32,
// and a 64-bit write/wait pair gates a copy back to the host.
#include "prog_common.h"
#include "sim_kernels.h"

#define N 128

static int g_order[16];
static int g_order_len = 0;

// Runs on the runtime's thread; the program reads g_order only after synchronizing.
static void record_callback(hipStream_t stream, hipError_t status, void* user) {
    (void)stream;
    g_order[g_order_len++] = (int)(intptr_t)user * 10 + (status == hipSuccess);
}

int main() {
    hipStream_t producer, consumer;
    HIP_CHECK(hipStreamCreateWithFlags(&producer, hipStreamNonBlocking));
    HIP_CHECK(hipStreamCreateWithFlags(&consumer, hipStreamNonBlocking));

    float* host = nullptr;
    HIP_CHECK(hipHostMalloc((void**)&host, N * sizeof(float), hipHostMallocDefault));
    float* data = nullptr;
    HIP_CHECK(hipMalloc((void**)&data, N * sizeof(float)));
    uint32_t* flag32 = nullptr;
    uint64_t* flag64 = nullptr;
    HIP_CHECK(hipMalloc((void**)&flag32, sizeof(uint32_t)));
    HIP_CHECK(hipMalloc((void**)&flag64, sizeof(uint64_t)));
    HIP_CHECK(hipMemsetD32(flag32, 0, 1));
    HIP_CHECK(hipMemset(flag64, 0, sizeof(uint64_t)));

    for (int i = 0; i < N; ++i) host[i] = (float)i;
    HIP_CHECK(hipMemcpy(data, host, N * sizeof(float), hipMemcpyHostToDevice));

    // The consumer blocks until the producer writes 7 into flag32, so the producer's
    // x2p1 runs first even though it is queued later.
    HIP_CHECK(hipStreamWaitValue32(consumer, flag32, 7, hipStreamWaitValueGte, 0xffffffffu));
    saxpy<<<N / 32, 32, 0, consumer>>>(10.0f, data, data, N);  // data = 11 * data
    HIP_CHECK(hipStreamAddCallback(consumer, record_callback, (void*)2, 0));

    delay<<<1, 1, 0, producer>>>(20000);
    HIP_CHECK(hipStreamAddCallback(producer, record_callback, (void*)1, 0));
    x2p1<<<N / 32, 32, 0, producer>>>(data, N);
    HIP_CHECK(hipStreamWriteValue32(producer, flag32, 7, 0));

    // 64-bit pair: the consumer waits for the exact value, then copies the result back.
    HIP_CHECK(hipStreamWaitValue64(consumer, flag64, 0x100000001ull, hipStreamWaitValueEq,
                                   ~0ull));
    HIP_CHECK(hipMemcpyAsync(host, data, N * sizeof(float), hipMemcpyDeviceToHost, consumer));
    HIP_CHECK(hipStreamAddCallback(consumer, record_callback, (void*)3, 0));
    delay<<<1, 1, 0, producer>>>(20000);
    HIP_CHECK(hipStreamWriteValue64(producer, flag64, 0x100000001ull, 0));

    HIP_CHECK(hipStreamSynchronize(consumer));
    HIP_CHECK(hipStreamSynchronize(producer));
    print_floats("11*(2x+1) head", host, 6);
    print_ints("callback order", g_order, g_order_len);

    // Memset variants: D32 async fill read back through a synchronous copy.
    HIP_CHECK(hipMemsetD32Async(data, 0x01020304, N, producer));
    HIP_CHECK(hipStreamSynchronize(producer));
    uint32_t words[N];
    HIP_CHECK(hipMemcpy(words, data, sizeof words, hipMemcpyDeviceToHost));
    printf("memsetD32 word: 0x%08x\n", words[N - 1]);

    uint32_t f32 = 0;
    uint64_t f64 = 0;
    HIP_CHECK(hipMemcpy(&f32, flag32, sizeof f32, hipMemcpyDeviceToHost));
    HIP_CHECK(hipMemcpy(&f64, flag64, sizeof f64, hipMemcpyDeviceToHost));
    printf("flags: %u 0x%llx\n", f32, (unsigned long long)f64);

    HIP_CHECK(hipFree(data));
    HIP_CHECK(hipFree(flag32));
    HIP_CHECK(hipFree(flag64));
    HIP_CHECK(hipHostFree(host));
    HIP_CHECK(hipStreamDestroy(producer));
    HIP_CHECK(hipStreamDestroy(consumer));
    printf("done\n");
    return 0;
}
