/*
 * rt_streams_priority.c — several streams of different priorities (blocking and non-blocking),
 * contending kernels, events for cross-stream dependencies and timing.
 *
 * Stream hi computes c = a + b, records an event; stream lo waits for it and applies saxpy on c;
 * stream mid runs a GEMM meanwhile, and long "delay" kernels keep the SMs contended.
 */
#include "simrt.h"
#include "test_util.h"

#define N 4096
#define M 32 /* GEMM is M x M x M */

static float ha[N], hb[N], hc[N], hy[N], want_y[N];
static float gA[M * M], gB[M * M], gC[M * M], want_c[M * M];

int main(void) {
    int least, greatest;
    CHECK(simrtDeviceGetStreamPriorityRange(&least, &greatest));
    printf("priority range: least=%d greatest=%d\n", least, greatest);

    simrtStream_t hi, mid, lo;
    CHECK(simrtStreamCreate(&hi, simrtStreamNonBlocking, greatest));
    CHECK(simrtStreamCreate(&mid, 0, (least + greatest) / 2));
    CHECK(simrtStreamCreate(&lo, simrtStreamNonBlocking, least));
    int p_hi, p_mid, p_lo;
    CHECK(simrtStreamGetPriority(hi, &p_hi));
    CHECK(simrtStreamGetPriority(mid, &p_mid));
    CHECK(simrtStreamGetPriority(lo, &p_lo));
    printf("stream priorities: hi=%d mid=%d lo=%d\n", p_hi, p_mid, p_lo);

    for (int i = 0; i < N; i++) {
        ha[i] = (float)(i % 97);
        hb[i] = (float)(i % 13);
        hy[i] = (float)(i % 7);
        want_y[i] = 2.0f * (ha[i] + hb[i]) + hy[i];
    }
    for (int i = 0; i < M * M; i++) {
        gA[i] = (float)(i % 5);
        gB[i] = (float)(i % 3);
    }
    for (int r = 0; r < M; r++)
        for (int c = 0; c < M; c++) {
            float acc = 0;
            for (int k = 0; k < M; k++) acc += gA[r * M + k] * gB[k * M + c];
            want_c[r * M + c] = acc;
        }

    float *da, *db, *dc, *dy, *dA, *dB, *dC;
    CHECK(simrtMalloc((void **)&da, sizeof ha));
    CHECK(simrtMalloc((void **)&db, sizeof hb));
    CHECK(simrtMalloc((void **)&dc, sizeof hc));
    CHECK(simrtMalloc((void **)&dy, sizeof hy));
    CHECK(simrtMalloc((void **)&dA, sizeof gA));
    CHECK(simrtMalloc((void **)&dB, sizeof gB));
    CHECK(simrtMalloc((void **)&dC, sizeof gC));

    simrtEvent_t c_ready, t0, t1;
    CHECK(simrtEventCreate(&c_ready, simrtEventDisableTiming));
    CHECK(simrtEventCreate(&t0, 0));
    CHECK(simrtEventCreate(&t1, 0));

    /* Contention first: long kernels on the low-priority stream. */
    unsigned long long ns = 50000;
    void *delay_args[] = {&ns};
    CHECK(simrtLaunch("delay", (simrtDim3){16, 1, 1}, (simrtDim3){32, 1, 1}, 0, lo, delay_args));

    CHECK(simrtEventRecord(t0, hi));
    CHECK(simrtMemcpyAsync(da, ha, sizeof ha, simrtMemcpyHostToDevice, hi));
    CHECK(simrtMemcpyAsync(db, hb, sizeof hb, simrtMemcpyHostToDevice, hi));
    int n = N;
    void *vadd_args[] = {&da, &db, &dc, &n};
    CHECK(simrtLaunch("vadd", (simrtDim3){N / 256, 1, 1}, (simrtDim3){256, 1, 1}, 0, hi, vadd_args));
    CHECK(simrtEventRecord(c_ready, hi));
    CHECK(simrtEventRecord(t1, hi));

    CHECK(simrtMemcpyAsync(dA, gA, sizeof gA, simrtMemcpyHostToDevice, mid));
    CHECK(simrtMemcpyAsync(dB, gB, sizeof gB, simrtMemcpyHostToDevice, mid));
    int mm = M;
    void *gemm_args[] = {&dA, &dB, &dC, &mm, &mm, &mm};
    CHECK(simrtLaunch("gemm", (simrtDim3){M / 16, M / 16, 1}, (simrtDim3){16, 16, 1}, 0, mid, gemm_args));

    CHECK(simrtMemcpyAsync(dy, hy, sizeof hy, simrtMemcpyHostToDevice, lo));
    CHECK(simrtStreamWaitEvent(lo, c_ready));
    float two = 2.0f;
    void *saxpy_args[] = {&two, &dc, &dy, &n};
    CHECK(simrtLaunch("saxpy", (simrtDim3){N / 128, 1, 1}, (simrtDim3){128, 1, 1}, 0, lo, saxpy_args));

    CHECK(simrtEventSynchronize(t1));
    float ms = -1;
    CHECK(simrtEventElapsedTime(&ms, t0, t1));
    printf("hi-stream work took positive simulated time: %s\n", ms > 0 ? "yes" : "no");

    CHECK(simrtMemcpyAsync(hy, dy, sizeof hy, simrtMemcpyDeviceToHost, lo));
    CHECK(simrtMemcpyAsync(gC, dC, sizeof gC, simrtMemcpyDeviceToHost, mid));
    CHECK(simrtStreamSynchronize(lo));
    CHECK(simrtStreamSynchronize(mid));
    CHECK(simrtStreamQuery(hi));
    expect_floats("saxpy(vadd)", hy, want_y, N);
    expect_floats("gemm", gC, want_c, M * M);
    print_floats("y = 2*(a+b) + y", hy, N);
    print_floats("C = A*B", gC, M * M);

    CHECK(simrtEventDestroy(c_ready));
    CHECK(simrtEventDestroy(t0));
    CHECK(simrtEventDestroy(t1));
    CHECK(simrtStreamDestroy(hi));
    CHECK(simrtStreamDestroy(mid));
    CHECK(simrtStreamDestroy(lo));
    float *bufs[] = {da, db, dc, dy, dA, dB, dC};
    for (int i = 0; i < 7; i++) CHECK(simrtFree(bufs[i]));
    printf("OK\n");
    return 0;
}
