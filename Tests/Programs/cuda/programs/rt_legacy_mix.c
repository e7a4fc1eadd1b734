/*
 * rt_legacy_mix.c — work on the legacy default stream mixed with blocking and non-blocking
 * streams. Correct results depend on the legacy stream's implicit synchronisation:
 *   blocking stream b:   delay, x = 2x+1            (slow)
 *   legacy stream:       y = x + x                   (must see b's x)
 *   blocking stream b:   y = 2y+1                    (must run after the legacy kernel)
 *   non-blocking nb:     z = 2z+1 (independent; explicit event wait before reading y)
 */
#include "simrt.h"
#include "test_util.h"

#define N 2048

static float hx[N], hy[N], hz[N], want_y[N], want_z[N];

int main(void) {
    simrtStream_t b, nb;
    CHECK(simrtStreamCreate(&b, 0, 0));
    CHECK(simrtStreamCreate(&nb, simrtStreamNonBlocking, 0));
    for (int i = 0; i < N; i++) {
        hx[i] = (float)(i % 31);
        hz[i] = (float)(i % 11);
        want_y[i] = 2.0f * (2.0f * (2.0f * hx[i] + 1.0f)) + 1.0f;
        want_z[i] = 2.0f * hz[i] + 1.0f + want_y[i];
    }
    float *dx, *dy, *dz;
    CHECK(simrtMalloc((void **)&dx, sizeof hx));
    CHECK(simrtMalloc((void **)&dy, sizeof hy));
    CHECK(simrtMalloc((void **)&dz, sizeof hz));
    CHECK(simrtMemcpy(dx, hx, sizeof hx, simrtMemcpyHostToDevice)); /* legacy, synchronous */
    CHECK(simrtMemcpy(dz, hz, sizeof hz, simrtMemcpyDefault));

    int n = N;
    unsigned long long ns = 200000;
    void *delay_args[] = {&ns};
    void *x2p1_x[] = {&dx, &n};
    void *vadd_xx[] = {&dx, &dx, &dy, &n};
    void *x2p1_y[] = {&dy, &n};
    void *x2p1_z[] = {&dz, &n};
    simrtDim3 grid = {N / 256, 1, 1}, block = {256, 1, 1};

    CHECK(simrtLaunch("delay", (simrtDim3){8, 1, 1}, (simrtDim3){64, 1, 1}, 0, b, delay_args));
    CHECK(simrtLaunch("x2p1", grid, block, 0, b, x2p1_x));
    CHECK(simrtLaunch("vadd", grid, block, 0, NULL, vadd_xx)); /* legacy: waits for b */
    CHECK(simrtLaunch("x2p1", grid, block, 0, b, x2p1_y));     /* b: waits for legacy */
    simrtEvent_t y_done;
    CHECK(simrtEventCreate(&y_done, simrtEventDisableTiming));
    CHECK(simrtEventRecord(y_done, b));

    /* Non-blocking stream: not ordered by the legacy stream; explicit dependency only. */
    CHECK(simrtLaunch("x2p1", grid, block, 0, nb, x2p1_z));
    CHECK(simrtStreamWaitEvent(nb, y_done));
    void *vadd_zy[] = {&dz, &dy, &dz, &n};
    CHECK(simrtLaunch("vadd", grid, block, 0, nb, vadd_zy));

    /* The legacy stream's explicit handle and a legacy sync copy see everything before them. */
    CHECK(simrtStreamSynchronize(nb));
    CHECK(simrtMemcpy(hy, dy, sizeof hy, simrtMemcpyDeviceToHost));
    CHECK(simrtMemcpyAsync(hz, dz, sizeof hz, simrtMemcpyDeviceToHost, simrtStreamLegacy));
    CHECK(simrtStreamQuery(NULL));
    expect_floats("y", hy, want_y, N);
    expect_floats("z", hz, want_z, N);
    print_floats("y = 2*(x'+x')+1, x' = 2x+1", hy, N);
    print_floats("z = 2z+1 + y", hz, N);

    /* A memset on the legacy stream ordered after blocking work, read back on b. */
    CHECK(simrtLaunch("x2p1", grid, block, 0, b, x2p1_x));
    CHECK(simrtMemset(dx, 0, sizeof hx));
    CHECK(simrtMemcpyAsync(hx, dx, sizeof hx, simrtMemcpyDeviceToHost, b));
    int nonzero = 0;
    for (int i = 0; i < N; i++) nonzero += hx[i] != 0.0f;
    printf("x after legacy memset: nonzero=%d\n", nonzero);
    EXPECT(nonzero == 0);

    CHECK(simrtDeviceSynchronize());
    CHECK(simrtEventDestroy(y_done));
    CHECK(simrtStreamDestroy(b));
    CHECK(simrtStreamDestroy(nb));
    CHECK(simrtFree(dx));
    CHECK(simrtFree(dy));
    CHECK(simrtFree(dz));
    printf("OK\n");
    return 0;
}
