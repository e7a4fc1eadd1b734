/*
 * rt_memops.c — stream wait/write value: a consumer stream blocks on a device flag that a
 * producer stream sets after its kernel; 64-bit counters; a wait on a pinned word released by a
 * plain host store. Results are only right if the waits really hold their streams.
 */
#include "simrt.h"
#include "test_util.h"

#define N 1024

static float hx[N], want[N];

int main(void) {
    simrtStream_t producer, consumer, host_gated;
    CHECK(simrtStreamCreate(&producer, simrtStreamNonBlocking, 0));
    CHECK(simrtStreamCreate(&consumer, simrtStreamNonBlocking, -2));
    CHECK(simrtStreamCreate(&host_gated, simrtStreamNonBlocking, 0));
    float *dx;
    uint32_t *flag32;
    uint64_t *counter64;
    uint32_t *pinned_flag;
    CHECK(simrtMalloc((void **)&dx, sizeof hx));
    CHECK(simrtMalloc((void **)&flag32, sizeof *flag32));
    CHECK(simrtMalloc((void **)&counter64, sizeof *counter64));
    CHECK(simrtMallocHost((void **)&pinned_flag, sizeof *pinned_flag));
    *pinned_flag = 0;
    for (int i = 0; i < N; i++) {
        hx[i] = (float)(i % 23);
        want[i] = 2.0f * (2.0f * (2.0f * hx[i]) + 1.0f) + 1.0f; /* x2p1(x2p1(x + x)) */
    }
    CHECK(simrtMemcpy(dx, hx, sizeof hx, simrtMemcpyHostToDevice));
    CHECK(simrtMemset(flag32, 0, sizeof *flag32));
    CHECK(simrtMemset(counter64, 0, sizeof *counter64));

    int n = N;
    void *x2p1_args[] = {&dx, &n};
    void *double_args[] = {&dx, &dx, &dx, &n};
    simrtDim3 grid = {N / 256, 1, 1}, block = {256, 1, 1};

    /* Consumer first: it must wait for the producer's flag before touching x. */
    CHECK(simrtStreamWaitValue32(consumer, flag32, 1, simrtWaitEq));
    CHECK(simrtLaunch("x2p1", grid, block, 0, consumer, x2p1_args));
    CHECK(simrtStreamWriteValue64(consumer, counter64, 7));

    unsigned long long ns = 300000;
    void *delay_args[] = {&ns};
    CHECK(simrtLaunch("delay", (simrtDim3){8, 1, 1}, (simrtDim3){32, 1, 1}, 0, producer, delay_args));
    CHECK(simrtLaunch("vadd", grid, block, 0, producer, double_args)); /* x = x + x */
    CHECK(simrtStreamWriteValue32(producer, flag32, 1));
    CHECK(simrtStreamWaitValue64(producer, counter64, 5, simrtWaitGeq)); /* consumer's 7 >= 5 */
    CHECK(simrtLaunch("x2p1", grid, block, 0, producer, x2p1_args));

    /* A stream held by a pinned word that the host sets later. */
    CHECK(simrtStreamWaitValue32(host_gated, pinned_flag, 42, simrtWaitEq));
    CHECK(simrtStreamWriteValue32(host_gated, flag32, 9));

    CHECK(simrtStreamSynchronize(producer));
    CHECK(simrtStreamSynchronize(consumer));
    CHECK(simrtMemcpy(hx, dx, sizeof hx, simrtMemcpyDeviceToHost));
    expect_floats("x", hx, want, N);
    print_floats("x2p1(x2p1(2x))", hx, N);

    __atomic_store_n(pinned_flag, 42u, __ATOMIC_RELEASE);
    CHECK(simrtStreamSynchronize(host_gated));
    uint32_t f = 0;
    uint64_t c = 0;
    CHECK(simrtMemcpy(&f, flag32, sizeof f, simrtMemcpyDeviceToHost));
    CHECK(simrtMemcpy(&c, counter64, sizeof c, simrtMemcpyDeviceToHost));
    printf("flag32=%u counter64=%llu\n", f, (unsigned long long)c);
    EXPECT(f == 9 && c == 7);

    CHECK(simrtStreamDestroy(producer));
    CHECK(simrtStreamDestroy(consumer));
    CHECK(simrtStreamDestroy(host_gated));
    CHECK(simrtFree(dx));
    CHECK(simrtFree(flag32));
    CHECK(simrtFree(counter64));
    CHECK(simrtFreeHost(pinned_flag));
    printf("OK\n");
    return 0;
}
